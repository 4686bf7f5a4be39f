#include "fbexport/vfio_display_device.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "fbexport/vgpu_locator.hpp"
#include "gfx_plane.hpp"
#include "vfio_cdev_uapi.hpp"

namespace fbx {
namespace {

UniqueFd open_rw(const std::string& path) {
    return UniqueFd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
}

}  // namespace

const char* vfio_access_name(VfioAccess access) {
    switch (access) {
        case VfioAccess::automatic:
            return "automatic";
        case VfioAccess::group:
            return "group";
        case VfioAccess::cdev:
            return "cdev";
        case VfioAccess::adopted:
            return "adopted";
    }
    return "?";
}

void VfioDisplayDevice::fail(const std::string& what, int err) const {
    const std::string message = "VFIO device " + name_ + ": " + what + ": " + std::strerror(err);
    if (err == ENODEV) {
        throw SourceLost(message + " (the device was removed)");
    }
    throw Error(message);
}

VfioDisplayDevice VfioDisplayDevice::open(const VfioOpenOptions& options) {
    if (!is_uuid(options.uuid)) {
        throw Error("'" + options.uuid + "' is not an mdev UUID");
    }
    const std::string sysfs_dir = options.sysfs_root + "/bus/mdev/devices/" + options.uuid;
    std::error_code ec;
    if (!std::filesystem::exists(sysfs_dir, ec)) {
        throw VgpuNotFound("mdev " + options.uuid + ": no " + sysfs_dir);
    }
    const std::string cdev = cdev_name(options);
    VfioAccess access = options.access;
    if (access == VfioAccess::automatic) {
        access = cdev.empty() ? VfioAccess::group : VfioAccess::cdev;
    }
    VfioDisplayDevice device(options.uuid, access);
    if (access == VfioAccess::cdev) {
        if (cdev.empty()) {
            throw Error("VFIO device " + options.uuid + ": no " + sysfs_dir +
                        "/vfio-dev/vfioN: this kernel has no VFIO device cdev "
                        "(CONFIG_VFIO_DEVICE_CDEV); use the group");
        }
        device.open_cdev(options, cdev);
    } else if (access == VfioAccess::group) {
        device.open_group(options, sysfs_dir);
    } else {
        throw Error("VFIO device " + options.uuid + ": cannot open it as 'adopted'");
    }
    device.check_dmabuf_planes();
    return device;
}

// A kernel with CONFIG_VFIO_DEVICE_CDEV gives the device's vfio-dev/vfioN
// entry a device number and a node in /dev/vfio/devices.
std::string VfioDisplayDevice::cdev_name(const VfioOpenOptions& options) {
    const std::string dir = options.sysfs_root + "/bus/mdev/devices/" + options.uuid + "/vfio-dev";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (std::filesystem::exists(entry.path() / "dev", ec) &&
            std::filesystem::exists(options.dev_root + "/vfio/devices/" + name, ec)) {
            return name;
        }
    }
    return {};
}

VfioDisplayDevice VfioDisplayDevice::adopt(int device_fd, std::string name) {
    VfioDisplayDevice device(std::move(name), VfioAccess::adopted);
    device.device_.reset(::fcntl(device_fd, F_DUPFD_CLOEXEC, 0));
    if (!device.device_) {
        device.fail("duplicating fd " + std::to_string(device_fd), errno);
    }
    device.check_dmabuf_planes();
    return device;
}

void VfioDisplayDevice::open_group(const VfioOpenOptions& options, const std::string& sysfs_dir) {
    std::error_code ec;
    const auto link = std::filesystem::read_symlink(sysfs_dir + "/iommu_group", ec);
    if (ec) {
        throw Error("VFIO device " + name_ + ": no IOMMU group (" + sysfs_dir +
                    "/iommu_group): " + ec.message());
    }
    const std::string group_path = options.dev_root + "/vfio/" + link.filename().string();

    container_ = open_rw(options.dev_root + "/vfio/vfio");
    if (!container_) {
        fail("open " + options.dev_root + "/vfio/vfio (the VFIO container; is vfio loaded?)",
             errno);
    }
    if (::ioctl(container_.get(), VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
        throw Error("VFIO device " + name_ + ": the container speaks another VFIO API version");
    }
    int iommu = VFIO_TYPE1v2_IOMMU;
    if (::ioctl(container_.get(), VFIO_CHECK_EXTENSION, iommu) <= 0) {
        iommu = VFIO_TYPE1_IOMMU;
        if (::ioctl(container_.get(), VFIO_CHECK_EXTENSION, iommu) <= 0) {
            throw Error("VFIO device " + name_ +
                        ": the container offers no type1 IOMMU (is vfio_iommu_type1 loaded?)");
        }
    }

    group_ = open_rw(group_path);
    if (!group_) {
        const int err = errno;
        fail("open " + group_path +
                 (err == EBUSY ? " (the group is open elsewhere: a VMM that owns the device "
                                 "must hand its device fd over instead)"
                               : ""),
             err);
    }
    vfio_group_status status{};
    status.argsz = sizeof(status);
    if (::ioctl(group_.get(), VFIO_GROUP_GET_STATUS, &status) != 0) {
        fail("VFIO_GROUP_GET_STATUS of " + group_path, errno);
    }
    if ((status.flags & VFIO_GROUP_FLAGS_VIABLE) == 0) {
        throw Error("VFIO device " + name_ + ": group " + group_path +
                    " is not viable (another device of it is bound to a host driver)");
    }
    int container_fd = container_.get();
    if (::ioctl(group_.get(), VFIO_GROUP_SET_CONTAINER, &container_fd) != 0) {
        fail("VFIO_GROUP_SET_CONTAINER of " + group_path, errno);
    }
    if (::ioctl(container_.get(), VFIO_SET_IOMMU, iommu) != 0) {
        fail("VFIO_SET_IOMMU", errno);
    }
    device_.reset(::ioctl(group_.get(), VFIO_GROUP_GET_DEVICE_FD, name_.c_str()));
    if (!device_) {
        fail("VFIO_GROUP_GET_DEVICE_FD from " + group_path, errno);
    }
}

// As QEMU does for an emulated-IOMMU device: bind to a fresh iommufd and
// attach an empty IOAS. The display ioctls need no DMA mappings; a VMM
// would map guest RAM into the IOAS for the device's GTT.
void VfioDisplayDevice::open_cdev(const VfioOpenOptions& options, const std::string& cdev_name) {
    const std::string path = options.dev_root + "/vfio/devices/" + cdev_name;
    device_ = open_rw(path);
    if (!device_) {
        fail("open " + path, errno);
    }
    iommufd_ = open_rw(options.dev_root + "/iommu");
    if (!iommufd_) {
        fail("open " + options.dev_root + "/iommu (iommufd)", errno);
    }
    vfio_device_bind_iommufd bind{};
    bind.argsz = sizeof(bind);
    bind.iommufd = iommufd_.get();
    if (::ioctl(device_.get(), VFIO_DEVICE_BIND_IOMMUFD, &bind) != 0) {
        const int err = errno;
        fail("VFIO_DEVICE_BIND_IOMMUFD of " + path +
                 (err == EBUSY ? " (the device is open elsewhere: its owner must hand its fd over)"
                               : ""),
             err);
    }
    iommu_ioas_alloc ioas{};
    ioas.size = sizeof(ioas);
    if (::ioctl(iommufd_.get(), IOMMU_IOAS_ALLOC, &ioas) != 0) {
        fail("IOMMU_IOAS_ALLOC", errno);
    }
    vfio_device_attach_iommufd_pt attach{};
    attach.argsz = sizeof(attach);
    attach.pt_id = ioas.out_ioas_id;
    if (::ioctl(device_.get(), VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) != 0) {
        fail("VFIO_DEVICE_ATTACH_IOMMUFD_PT (IOAS " + std::to_string(ioas.out_ioas_id) + ")",
             errno);
    }
}

void VfioDisplayDevice::check_dmabuf_planes() const {
    PlaneInfo probe{};
    probe.argsz = sizeof(probe);
    probe.flags = VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_DMABUF;
    if (::ioctl(device_.get(), VFIO_DEVICE_QUERY_GFX_PLANE, &probe) != 0) {
        const int err = errno;
        fail(err == EINVAL || err == ENOTTY
                 ? "VFIO_DEVICE_QUERY_GFX_PLANE probe: the device exports no dma-buf planes"
                 : "VFIO_DEVICE_QUERY_GFX_PLANE probe",
             err);
    }
}

PlaneInfo VfioDisplayDevice::query(PlaneKind kind) const {
    PlaneInfo info;
    if (const int err = query_gfx_plane(device_.get(), kind, info)) {
        fail(std::string("VFIO_DEVICE_QUERY_GFX_PLANE of the ") + plane_name(kind), err);
    }
    return info;
}

UniqueFd VfioDisplayDevice::get_dmabuf(std::uint32_t dmabuf_id, PlaneKind kind) const {
    UniqueFd fd;
    const int err = get_gfx_dmabuf(device_.get(), dmabuf_id, fd);
    if (err != 0 && err != ENOENT) {
        fail("VFIO_DEVICE_GET_GFX_DMABUF of dmabuf_id " + std::to_string(dmabuf_id) + " (" +
                 plane_name(kind) + ")",
             err);
    }
    return fd;
}

}  // namespace fbx
