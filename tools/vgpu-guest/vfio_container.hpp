#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fbexport/unique_fd.hpp"
#include "vfio_region.hpp"

namespace vgpu {

// The VFIO container (/dev/vfio/vfio) with a type1 IOMMU backend. Both
// kernels this project targets offer it for mdev devices: 6.1 always, 6.12
// with CONFIG_VFIO_CONTAINER=y (Debian's choice; its IOMMUFD is off, so there
// is no vfio cdev to fall back to). Groups attach first, then set_iommu().
class VfioContainer {
public:
    // Opens the container and checks the API version and type1 support.
    VfioContainer();

    int fd() const { return fd_.get(); }
    // The type1 flavour the kernel offers: VFIO_TYPE1v2_IOMMU when it has it.
    int iommu_type() const { return iommu_type_; }
    // VFIO_SET_IOMMU; needs at least one attached group.
    void set_iommu();
    bool iommu_set() const { return iommu_set_; }

private:
    fbx::UniqueFd fd_;
    int iommu_type_ = 0;
    bool iommu_set_ = false;
};

// An IOMMU group (/dev/vfio/<N>) attached to a container for its lifetime.
class VfioGroup {
public:
    VfioGroup(int group_number, VfioContainer& container);
    VfioGroup(VfioGroup&&) = default;
    VfioGroup& operator=(VfioGroup&&) = default;
    ~VfioGroup();

    int fd() const { return fd_.get(); }
    int number() const { return number_; }

private:
    fbx::UniqueFd fd_;
    int number_ = -1;
};

// The IOMMU group number of an mdev, from /sys/bus/mdev/devices/<uuid>/iommu_group.
int mdev_iommu_group(const std::string& uuid);

// A VFIO device fd with the ioctls a guest driver needs. Every error names
// the device, the ioctl or region, and errno.
class VfioDevice {
public:
    VfioDevice(const VfioGroup& group, const std::string& name);

    int fd() const { return fd_.get(); }
    const std::string& name() const { return name_; }

    struct Info {
        std::uint32_t flags = 0;
        std::uint32_t num_regions = 0;
        std::uint32_t num_irqs = 0;
    };
    Info info() const;
    RegionInfo region_info(std::uint32_t index) const;

    struct IrqInfo {
        std::uint32_t index = 0;
        std::uint32_t flags = 0;
        std::uint32_t count = 0;
    };
    IrqInfo irq_info(std::uint32_t index) const;

    // VFIO_DEVICE_SET_IRQS: trigger eventfd for vector 0 of `index`
    // (VFIO_PCI_INTX_IRQ_INDEX or VFIO_PCI_MSI_IRQ_INDEX); fd -1 clears it.
    void set_irq_eventfd(std::uint32_t index, int eventfd) const;
    // ACTION_TRIGGER with DATA_NONE and count 0: turns the index off.
    void disable_irq(std::uint32_t index) const;
    void unmask_intx() const;

    void reset() const;

    // pread/pwrite of exactly `size` bytes at `offset` in the device fd;
    // `what` names the region and register for errors.
    void read(std::uint64_t offset, void* data, std::size_t size, const std::string& what) const;
    void write(std::uint64_t offset, const void* data, std::size_t size,
               const std::string& what) const;

    // "vGPU <name>: <what>": the prefix of this device's error messages.
    std::string context(const std::string& what) const;

private:
    void ioctl_checked(unsigned long request, void* arg, const char* request_name,
                       const std::string& what) const;

    fbx::UniqueFd fd_;
    std::string name_;
};

}  // namespace vgpu
