#pragma once

#include <cstdint>
#include <string>

#include "fbexport/plane.hpp"
#include "fbexport/unique_fd.hpp"
#include "fbexport/vgpu_export_device.hpp"

namespace fbx {

// How a VFIO device fd was obtained: from its IOMMU group in a type1
// container (both 6.1 and 6.12), from its cdev bound to an iommufd (6.6+
// with CONFIG_VFIO_DEVICE_CDEV), or handed over by its owner (a VMM).
enum class VfioAccess { automatic, group, cdev, adopted };
const char* vfio_access_name(VfioAccess access);

struct VfioOpenOptions {
    std::string uuid;
    // automatic: the cdev when the kernel offers one, else the group.
    VfioAccess access = VfioAccess::automatic;
    std::string sysfs_root = "/sys";
    std::string dev_root = "/dev";
};

// The VFIO device fd of an mdev display, for its display ioctls only
// (VFIO_DEVICE_QUERY_GFX_PLANE, VFIO_DEVICE_GET_GFX_DMABUF), as QEMU's
// hw/vfio/display.c uses them: the interface every upstream mdev display
// (mbochs, GVT-g) offers. Owning the device this way excludes every other
// user of its group (or cdev), so a process that already drives the device
// (the VMM) adopts its own fd instead. Every error names the device, the
// ioctl and the errno text.
class VfioDisplayDevice {
public:
    // Opens mdev `options.uuid`: throws VgpuNotFound when it does not exist,
    // fbx::Error when it cannot be opened (the group is in use elsewhere)
    // or offers no dma-buf planes.
    static VfioDisplayDevice open(const VfioOpenOptions& options);
    // Keeps a duplicate of `device_fd`, a VFIO device the caller holds; the
    // device stays open after the caller closes its own fd.
    static VfioDisplayDevice adopt(int device_fd, std::string name);
    // The name of the mdev's VFIO cdev ("vfio0"), or "" when the kernel has
    // none (6.1 lists vfio-dev/vfioN in sysfs too, but without a device node).
    static std::string cdev_name(const VfioOpenOptions& options);

    int fd() const { return device_.get(); }
    const std::string& name() const { return name_; }
    VfioAccess access() const { return access_; }

    PlaneInfo query(PlaneKind kind) const;
    // A dma-buf fd for `dmabuf_id`; an invalid fd when the kernel forgot
    // the id since the query (ENOENT), any other failure throws.
    UniqueFd get_dmabuf(std::uint32_t dmabuf_id, PlaneKind kind) const;

private:
    VfioDisplayDevice(std::string name, VfioAccess access)
        : name_(std::move(name)), access_(access) {}
    void open_group(const VfioOpenOptions& options, const std::string& sysfs_dir);
    void open_cdev(const VfioOpenOptions& options, const std::string& cdev_name);
    void check_dmabuf_planes() const;
    [[noreturn]] void fail(const std::string& what, int err) const;

    std::string name_;
    VfioAccess access_;
    // Closed in reverse: the device before its group and container, or
    // before the iommufd it is bound to.
    UniqueFd iommufd_;
    UniqueFd container_;
    UniqueFd group_;
    UniqueFd device_;
};

}  // namespace fbx
