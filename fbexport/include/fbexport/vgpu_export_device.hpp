#pragma once

#include <linux/vfio.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fbexport/error.hpp"
#include "fbexport/plane.hpp"
#include "fbexport/source.hpp"
#include "fbexport/unique_fd.hpp"
#include "vgpu_mediator.h"

namespace fbx {

// What VFIO_DEVICE_QUERY_GFX_PLANE says of one plane; dmabuf_id 0 means the
// plane shows nothing (disabled or invalid).
using PlaneInfo = vfio_device_gfx_plane_info;

// "primary plane" / "cursor plane", for messages.
const char* plane_name(PlaneKind kind);

// A vgpu_mediator vGPU's display-export device (/dev/vgpu/<uuid>), opened
// non-blocking: the VFIO display ioctls, the device's info and its event
// records (kernel/ABI.md, "Display-export device and events"). Every error
// names the device, the plane or id, and the errno text.
class VgpuExportDevice {
public:
    // Opens `path` (the display_dev of vGPU `uuid`) and checks its ABI.
    VgpuExportDevice(std::string path, std::string uuid);

    int fd() const { return fd_.get(); }
    const std::string& path() const { return path_; }
    const vgpu_display_info& info() const { return info_; }

    PlaneInfo query(PlaneKind kind) const;
    // A new dma-buf fd for `dmabuf_id`; ENOENT (the id was forgotten: the
    // plane changed since the query) comes back as an invalid fd, any other
    // failure throws.
    UniqueFd get_dmabuf(std::uint32_t dmabuf_id, PlaneKind kind) const;

    // Appends every record queued now to `out` (reads until EAGAIN); returns
    // how many. Throws SourceLost once the vGPU is gone and its queue is empty.
    std::size_t read_events(std::vector<vgpu_event>& out) const;

private:
    [[noreturn]] void fail(const std::string& what, int err) const;

    std::string path_;
    std::string uuid_;
    UniqueFd fd_;
    vgpu_display_info info_{};
};

}  // namespace fbx
