#include "display_device.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "fbexport/error.hpp"

namespace vgpu {

DisplayDevice::DisplayDevice(const std::string& uuid)
    : path_(std::string(VGPU_DISPLAY_DEV_DIR) + "/" + uuid),
      fd_(::open(path_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC)) {
    if (!fd_) {
        fbx::throw_errno("open display-export device " + path_);
    }
}

vgpu_display_info DisplayDevice::info() const {
    vgpu_display_info info{};
    if (::ioctl(fd_.get(), VGPU_DISPLAY_GET_INFO, &info) != 0) {
        fbx::throw_errno(path_ + ": VGPU_DISPLAY_GET_INFO");
    }
    return info;
}

vfio_device_gfx_plane_info DisplayDevice::query_plane(std::uint32_t drm_plane_type) const {
    vfio_device_gfx_plane_info plane{};
    plane.argsz = sizeof(plane);
    plane.flags = VFIO_GFX_PLANE_TYPE_DMABUF;
    plane.drm_plane_type = drm_plane_type;
    if (::ioctl(fd_.get(), VFIO_DEVICE_QUERY_GFX_PLANE, &plane) != 0) {
        fbx::throw_errno(path_ + ": VFIO_DEVICE_QUERY_GFX_PLANE of plane type " +
                         std::to_string(drm_plane_type));
    }
    return plane;
}

fbx::UniqueFd DisplayDevice::get_dmabuf(std::uint32_t dmabuf_id) const {
    std::uint32_t id = dmabuf_id;
    fbx::UniqueFd fd(::ioctl(fd_.get(), VFIO_DEVICE_GET_GFX_DMABUF, &id));
    if (!fd) {
        fbx::throw_errno(path_ + ": VFIO_DEVICE_GET_GFX_DMABUF of id " + std::to_string(dmabuf_id));
    }
    return fd;
}

std::vector<vgpu_event> DisplayDevice::drain() const {
    std::vector<vgpu_event> events;
    std::array<vgpu_event, 32> batch{};
    for (;;) {
        const ssize_t n = ::read(fd_.get(), batch.data(), sizeof(batch));
        if (n < 0) {
            if (errno == EAGAIN || errno == ENODEV) {
                return events;
            }
            if (errno == EINTR) {
                continue;
            }
            fbx::throw_errno(path_ + ": read events");
        }
        if (n == 0 || n % sizeof(vgpu_event) != 0) {
            throw fbx::Error(path_ + ": read returned " + std::to_string(n) +
                             " bytes, not whole event records of " +
                             std::to_string(sizeof(vgpu_event)));
        }
        events.insert(events.end(), batch.begin(), batch.begin() + n / sizeof(vgpu_event));
    }
}

short DisplayDevice::poll_events(std::chrono::milliseconds timeout) const {
    pollfd pfd{fd_.get(), POLLIN, 0};
    const int n = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
    if (n < 0) {
        fbx::throw_errno(path_ + ": poll");
    }
    return n ? pfd.revents : 0;
}

std::vector<vgpu_event> DisplayDevice::wait(std::chrono::milliseconds timeout) const {
    if (!(poll_events(timeout) & POLLIN)) {
        return {};
    }
    return drain();
}

std::string event_type_name(std::uint32_t type) {
    static constexpr std::array<const char*, 8> names{
        "?", "FLIP", "DAMAGE", "CURSOR_MOVE", "MODE", "INVALIDATE", "OVERFLOW", "HOTPLUG"};
    return type < names.size() ? names[type] : "event type " + std::to_string(type);
}

}  // namespace vgpu
