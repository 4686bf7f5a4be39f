#include "mdev_instance.hpp"

#include <unistd.h>

#include <utility>

#include "fbexport/error.hpp"
#include "fbexport/log.hpp"
#include "sysfs.hpp"
#include "vgpu_mediator.h"

namespace vgpu {

std::string mdev_type_path(const std::string& type) {
    // The parent as ABI.md names it; the mdev core's own link to it
    // (/sys/class/mdev_bus/<parent>) is the fallback.
    const std::string abi = std::string(VGPU_PARENT_SYSFS_PATH) + "/mdev_supported_types/" + type;
    const std::string core =
        std::string("/sys/class/mdev_bus/") + VGPU_PARENT_DEVICE + "/mdev_supported_types/" + type;
    return ::access(abi.c_str(), F_OK) == 0 || ::access(core.c_str(), F_OK) != 0 ? abi : core;
}

std::string mdev_device_path(const std::string& uuid) {
    return "/sys/bus/mdev/devices/" + uuid;
}

std::string new_uuid() {
    return read_sysfs("/proc/sys/kernel/random/uuid");
}

void remove_mdev(const std::string& uuid) {
    write_sysfs(mdev_device_path(uuid) + "/remove", "1");
}

MdevInstance::MdevInstance(const std::string& type) : type_(type), uuid_(new_uuid()) {
    try {
        write_sysfs(mdev_type_path(type) + "/create", uuid_);
    } catch (const fbx::Error& e) {
        throw fbx::Error("creating mdev " + uuid_ + " of type " + type + ": " + e.what());
    }
}

MdevInstance::MdevInstance(MdevInstance&& other) noexcept
    : type_(std::move(other.type_)),
      uuid_(std::exchange(other.uuid_, {})),
      removed_(std::exchange(other.removed_, true)) {}

MdevInstance::~MdevInstance() {
    if (removed()) {
        return;
    }
    try {
        remove();
    } catch (const fbx::Error& e) {
        // A destructor cannot throw; say so loudly so a leaked instance is seen.
        fbx::log(fbx::LogLevel::error, "vgpu-guest") << e.what();
    }
}

void MdevInstance::remove() {
    if (removed()) {
        return;
    }
    remove_mdev(uuid_);
    removed_ = true;
}

std::string MdevInstance::release() {
    removed_ = true;
    return uuid_;
}

std::uint64_t MdevInstance::vgpu_attribute(const std::string& name) const {
    return read_sysfs_u64(sysfs_path() + "/" + VGPU_SYSFS_GROUP + "/" + name);
}

}  // namespace vgpu
