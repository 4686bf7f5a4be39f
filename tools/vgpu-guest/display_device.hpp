#pragma once

#include <linux/vfio.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "fbexport/unique_fd.hpp"
#include "vgpu_mediator.h"

namespace vgpu {

// The display-export character device of a vGPU (/dev/vgpu/<uuid>): what a
// display service uses when a VMM owns the VFIO device. Plane queries and
// dma-bufs with the VFIO ioctls, and the event records.
class DisplayDevice {
public:
    // Opens VGPU_DISPLAY_DEV_DIR/<uuid>, non-blocking.
    explicit DisplayDevice(const std::string& uuid);

    int fd() const { return fd_.get(); }
    const std::string& path() const { return path_; }

    vgpu_display_info info() const;
    vfio_device_gfx_plane_info query_plane(std::uint32_t drm_plane_type) const;
    fbx::UniqueFd get_dmabuf(std::uint32_t dmabuf_id) const;

    // Every record queued now (read() until EAGAIN); empty if none.
    std::vector<vgpu_event> drain() const;
    // Waits up to `timeout` for at least one record, then drains.
    std::vector<vgpu_event> wait(std::chrono::milliseconds timeout) const;
    // poll() revents after waiting up to `timeout`.
    short poll_events(std::chrono::milliseconds timeout) const;

private:
    std::string path_;
    fbx::UniqueFd fd_;
};

// "FLIP", "DAMAGE", ... for messages.
std::string event_type_name(std::uint32_t type);

}  // namespace vgpu
