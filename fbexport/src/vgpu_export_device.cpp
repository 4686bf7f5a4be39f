#include "fbexport/vgpu_export_device.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "gfx_plane.hpp"

namespace fbx {
namespace {

// Records per read(): the most the device returns in one call (ABI.md).
constexpr std::size_t records_per_read = 16;

}  // namespace

const char* plane_name(PlaneKind kind) {
    return kind == PlaneKind::cursor ? "cursor plane" : "primary plane";
}

VgpuExportDevice::VgpuExportDevice(std::string path, std::string uuid)
    : path_(std::move(path)), uuid_(std::move(uuid)) {
    // Read-only is enough: the ioctls only query, and events are read.
    fd_.reset(::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd_) {
        const int err = errno;
        fail(err == EACCES ? "open (the service's user needs the vgpu-display group, see "
                             "kernel/udev/60-vgpu-mediator.rules)"
                           : "open",
             err);
    }
    info_.argsz = sizeof(info_);
    if (::ioctl(fd_.get(), VGPU_DISPLAY_GET_INFO, &info_) != 0) {
        fail("VGPU_DISPLAY_GET_INFO", errno);
    }
    // Records are fixed-size structs: a different size is a different ABI.
    if (info_.version >> 16 != VGPU_VERSION_MAJOR || info_.event_size != sizeof(vgpu_event)) {
        throw Error("vGPU " + uuid_ + " (" + path_ + "): ABI version " +
                    std::to_string(info_.version >> 16) + "." +
                    std::to_string(info_.version & 0xffff) + " with " +
                    std::to_string(info_.event_size) + "-byte event records; this build reads " +
                    std::to_string(VGPU_VERSION_MAJOR) + ".x with " +
                    std::to_string(sizeof(vgpu_event)) + "-byte records");
    }
}

void VgpuExportDevice::fail(const std::string& what, int err) const {
    const std::string message =
        "vGPU " + uuid_ + " (" + path_ + "): " + what + ": " + std::strerror(err);
    if (err == ENODEV) {
        throw SourceLost(message + " (the vGPU was removed)");
    }
    throw Error(message);
}

PlaneInfo VgpuExportDevice::query(PlaneKind kind) const {
    PlaneInfo info;
    if (const int err = query_gfx_plane(fd_.get(), kind, info)) {
        fail(std::string("VFIO_DEVICE_QUERY_GFX_PLANE of the ") + plane_name(kind), err);
    }
    return info;
}

UniqueFd VgpuExportDevice::get_dmabuf(std::uint32_t dmabuf_id, PlaneKind kind) const {
    UniqueFd fd;
    const int err = get_gfx_dmabuf(fd_.get(), dmabuf_id, fd);
    if (err != 0 && err != ENOENT) {
        fail("VFIO_DEVICE_GET_GFX_DMABUF of dmabuf_id " + std::to_string(dmabuf_id) + " (" +
                 plane_name(kind) + ")",
             err);
    }
    return fd;
}

std::size_t VgpuExportDevice::read_events(std::vector<vgpu_event>& out) const {
    std::array<vgpu_event, records_per_read> batch{};
    std::size_t total = 0;
    for (;;) {
        const ssize_t n = ::read(fd_.get(), batch.data(), sizeof(batch));
        if (n < 0) {
            const int err = errno;
            if (err == EAGAIN) {
                return total;
            }
            if (err == EINTR) {
                continue;
            }
            fail("reading event records", err);
        }
        if (n == 0 || static_cast<std::size_t>(n) % sizeof(vgpu_event) != 0) {
            throw Error("vGPU " + uuid_ + " (" + path_ + "): read of event records returned " +
                        std::to_string(n) + " bytes, not a whole number of " +
                        std::to_string(sizeof(vgpu_event)) + "-byte records");
        }
        const std::size_t count = static_cast<std::size_t>(n) / sizeof(vgpu_event);
        out.insert(out.end(), batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(count));
        total += count;
    }
}

}  // namespace fbx
