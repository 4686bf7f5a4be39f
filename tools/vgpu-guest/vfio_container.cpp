#include "vfio_container.hpp"

#include <fcntl.h>
#include <linux/vfio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

#include "fbexport/error.hpp"

namespace vgpu {
namespace {

constexpr const char* container_path = "/dev/vfio/vfio";

fbx::UniqueFd open_checked(const std::string& path, const std::string& why) {
    fbx::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd) {
        const int err = errno;
        std::string hint;
        if (err == ENOENT && path == container_path) {
            hint = " (load vfio and vfio_iommu_type1; the kernel needs CONFIG_VFIO_CONTAINER)";
        } else if (err == EBUSY) {
            hint = " (another process holds it)";
        }
        fbx::throw_errno("open " + path + " (" + why + ")" + hint, err);
    }
    return fd;
}

}  // namespace

VfioContainer::VfioContainer() : fd_(open_checked(container_path, "VFIO container")) {
    const int version = ::ioctl(fd_.get(), VFIO_GET_API_VERSION);
    if (version != VFIO_API_VERSION) {
        throw fbx::Error(std::string(container_path) + ": VFIO API version " +
                         std::to_string(version) + ", this program speaks " +
                         std::to_string(VFIO_API_VERSION));
    }
    // v2 has the stricter unmap semantics; plain type1 is enough for a
    // container that maps nothing, so either will do.
    for (const int type : {VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU}) {
        if (::ioctl(fd_.get(), VFIO_CHECK_EXTENSION, type) > 0) {
            iommu_type_ = type;
            break;
        }
    }
    if (iommu_type_ == 0) {
        throw fbx::Error(std::string(container_path) +
                         ": no type1 IOMMU backend (VFIO_CHECK_EXTENSION; load vfio_iommu_type1)");
    }
}

void VfioContainer::set_iommu() {
    if (iommu_set_) {
        return;
    }
    if (::ioctl(fd_.get(), VFIO_SET_IOMMU, iommu_type_) != 0) {
        fbx::throw_errno(std::string("VFIO_SET_IOMMU ") +
                         (iommu_type_ == VFIO_TYPE1v2_IOMMU ? "TYPE1v2" : "TYPE1") + " on " +
                         container_path);
    }
    iommu_set_ = true;
}

VfioGroup::VfioGroup(int group_number, VfioContainer& container) : number_(group_number) {
    const std::string path = "/dev/vfio/" + std::to_string(group_number);
    fd_ = open_checked(path, "VFIO group");
    vfio_group_status status{};
    status.argsz = sizeof(status);
    if (::ioctl(fd_.get(), VFIO_GROUP_GET_STATUS, &status) != 0) {
        fbx::throw_errno("VFIO_GROUP_GET_STATUS on " + path);
    }
    if ((status.flags & VFIO_GROUP_FLAGS_VIABLE) == 0) {
        throw fbx::Error(path + ": group not viable (a device in it is bound to a host driver)");
    }
    int container_fd = container.fd();
    if (::ioctl(fd_.get(), VFIO_GROUP_SET_CONTAINER, &container_fd) != 0) {
        fbx::throw_errno("VFIO_GROUP_SET_CONTAINER of " + path);
    }
    container.set_iommu();
}

VfioGroup::~VfioGroup() {
    // Closing the fd detaches too; doing it explicitly keeps the order
    // (devices closed before, container after) visible here.
    if (fd_) {
        ::ioctl(fd_.get(), VFIO_GROUP_UNSET_CONTAINER);
    }
}

int mdev_iommu_group(const std::string& uuid) {
    const std::filesystem::path link = "/sys/bus/mdev/devices/" + uuid + "/iommu_group";
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(link, ec);
    if (ec) {
        std::string hint = ec == std::errc::no_such_file_or_directory
                               ? " (no such mdev: create it first, and check the UUID)"
                               : "";
        throw fbx::Error("readlink " + link.string() + ": " + ec.message() + hint);
    }
    const std::string number = target.filename().string();
    char* end = nullptr;
    errno = 0;
    const long value = std::strtol(number.c_str(), &end, 10);
    if (number.empty() || *end != '\0' || errno != 0 || value < 0 || value > INT_MAX) {
        throw fbx::Error(link.string() + " points at '" + target.string() +
                         "', not an IOMMU group number");
    }
    return static_cast<int>(value);
}

VfioDevice::VfioDevice(const VfioGroup& group, const std::string& name) : name_(name) {
    const int fd = ::ioctl(group.fd(), VFIO_GROUP_GET_DEVICE_FD, name.c_str());
    if (fd < 0) {
        fbx::throw_errno("VFIO_GROUP_GET_DEVICE_FD of " + name + " in /dev/vfio/" +
                         std::to_string(group.number()));
    }
    fd_.reset(fd);
}

std::string VfioDevice::context(const std::string& what) const {
    return "vGPU " + name_ + ": " + what;
}

void VfioDevice::ioctl_checked(unsigned long request, void* arg, const char* request_name,
                               const std::string& what) const {
    if (::ioctl(fd_.get(), request, arg) != 0) {
        fbx::throw_errno(context(std::string(request_name) + (what.empty() ? "" : " ") + what));
    }
}

VfioDevice::Info VfioDevice::info() const {
    vfio_device_info raw{};
    raw.argsz = sizeof(raw);
    ioctl_checked(VFIO_DEVICE_GET_INFO, &raw, "VFIO_DEVICE_GET_INFO", "");
    return {raw.flags, raw.num_regions, raw.num_irqs};
}

RegionInfo VfioDevice::region_info(std::uint32_t index) const {
    const std::string what = "(" + region_name(index) + ")";
    // Ask once with the bare struct; the kernel says in argsz how much room
    // the capabilities need, then ask again with that much.
    std::vector<std::uint8_t> buffer(sizeof(vfio_region_info));
    for (int attempt = 0; attempt < 2; ++attempt) {
        vfio_region_info head{};
        head.argsz = static_cast<std::uint32_t>(buffer.size());
        head.index = index;
        std::memcpy(buffer.data(), &head, sizeof(head));
        ioctl_checked(VFIO_DEVICE_GET_REGION_INFO, buffer.data(), "VFIO_DEVICE_GET_REGION_INFO",
                      what);
        std::memcpy(&head, buffer.data(), sizeof(head));
        if (head.argsz <= buffer.size()) {
            return parse_region_info(buffer, context(region_name(index) + " region info"));
        }
        buffer.assign(head.argsz, 0);
    }
    throw fbx::Error(
        context("VFIO_DEVICE_GET_REGION_INFO " + what + " kept asking for a larger buffer"));
}

VfioDevice::IrqInfo VfioDevice::irq_info(std::uint32_t index) const {
    vfio_irq_info raw{};
    raw.argsz = sizeof(raw);
    raw.index = index;
    ioctl_checked(VFIO_DEVICE_GET_IRQ_INFO, &raw, "VFIO_DEVICE_GET_IRQ_INFO",
                  "(index " + std::to_string(index) + ")");
    return {raw.index, raw.flags, raw.count};
}

void VfioDevice::set_irq_eventfd(std::uint32_t index, int eventfd) const {
    // struct vfio_irq_set ends in a flexible array: here one __s32 fd after it.
    alignas(vfio_irq_set) std::uint8_t buffer[sizeof(vfio_irq_set) + sizeof(std::int32_t)]{};
    vfio_irq_set head{};
    head.argsz = sizeof(buffer);
    head.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
    head.index = index;
    head.start = 0;
    head.count = 1;
    const std::int32_t fd = eventfd;
    std::memcpy(buffer, &head, sizeof(head));
    std::memcpy(buffer + sizeof(head), &fd, sizeof(fd));
    ioctl_checked(
        VFIO_DEVICE_SET_IRQS, buffer, "VFIO_DEVICE_SET_IRQS",
        "(eventfd " + std::to_string(eventfd) + " for IRQ index " + std::to_string(index) + ")");
}

void VfioDevice::disable_irq(std::uint32_t index) const {
    vfio_irq_set set{};
    set.argsz = sizeof(set);
    set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
    set.index = index;
    set.count = 0;
    ioctl_checked(VFIO_DEVICE_SET_IRQS, &set, "VFIO_DEVICE_SET_IRQS",
                  "(disable IRQ index " + std::to_string(index) + ")");
}

void VfioDevice::unmask_intx() const {
    vfio_irq_set set{};
    set.argsz = sizeof(set);
    set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK;
    set.index = VFIO_PCI_INTX_IRQ_INDEX;
    set.count = 1;
    ioctl_checked(VFIO_DEVICE_SET_IRQS, &set, "VFIO_DEVICE_SET_IRQS", "(unmask INTx)");
}

void VfioDevice::reset() const {
    if (::ioctl(fd_.get(), VFIO_DEVICE_RESET) != 0) {
        fbx::throw_errno(context("VFIO_DEVICE_RESET"));
    }
}

void VfioDevice::read(std::uint64_t offset, void* data, std::size_t size,
                      const std::string& what) const {
    const ssize_t n = ::pread(fd_.get(), data, size, static_cast<off_t>(offset));
    if (n < 0) {
        fbx::throw_errno(context("pread of " + what));
    }
    if (static_cast<std::size_t>(n) != size) {
        throw fbx::Error(context("pread of " + what + ": short read, " + std::to_string(n) +
                                 " of " + std::to_string(size) + " bytes"));
    }
}

void VfioDevice::write(std::uint64_t offset, const void* data, std::size_t size,
                       const std::string& what) const {
    const ssize_t n = ::pwrite(fd_.get(), data, size, static_cast<off_t>(offset));
    if (n < 0) {
        fbx::throw_errno(context("pwrite of " + what));
    }
    if (static_cast<std::size_t>(n) != size) {
        throw fbx::Error(context("pwrite of " + what + ": short write, " + std::to_string(n) +
                                 " of " + std::to_string(size) + " bytes"));
    }
}

}  // namespace vgpu
