#pragma once

#include <cstdint>
#include <string>

namespace vgpu {

// Where an mdev type of the vgpu_mediator parent lives in sysfs.
std::string mdev_type_path(const std::string& type);  // e.g. "vgpu_mediator-small"
std::string mdev_device_path(const std::string& uuid);
std::string new_uuid();  // a random UUID from the kernel
// Removes an existing instance (sysfs `remove`).
void remove_mdev(const std::string& uuid);

// One mdev instance, created by writing a fresh UUID to the type's `create`
// and removed (sysfs `remove`) when this object dies, unless released.
class MdevInstance {
public:
    explicit MdevInstance(const std::string& type);
    MdevInstance(MdevInstance&& other) noexcept;
    MdevInstance& operator=(MdevInstance&&) = delete;
    MdevInstance(const MdevInstance&) = delete;
    MdevInstance& operator=(const MdevInstance&) = delete;
    ~MdevInstance();

    const std::string& uuid() const { return uuid_; }
    const std::string& type() const { return type_; }
    std::string sysfs_path() const { return mdev_device_path(uuid_); }

    // Removes the instance now (throws on failure); later calls do nothing.
    void remove();
    bool removed() const { return uuid_.empty() || removed_; }
    // Keeps the instance after this object dies; returns its UUID.
    std::string release();

    // /sys/bus/mdev/devices/<uuid>/vgpu/<name> as a number.
    std::uint64_t vgpu_attribute(const std::string& name) const;

private:
    std::string type_;
    std::string uuid_;
    bool removed_ = false;
};

}  // namespace vgpu
