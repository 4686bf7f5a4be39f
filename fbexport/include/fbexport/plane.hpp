#pragma once

#include <cstdint>
#include <memory>

#include "fbexport/buffer.hpp"

namespace fbx {

enum class PlaneKind { primary, cursor };

// One display plane as the kernel's VFIO display ABI describes it
// (struct vfio_device_gfx_plane_info), plus the buffer holding its pixels.
struct Plane {
    PlaneKind kind = PlaneKind::primary;
    std::shared_ptr<const Buffer> buffer;  // shared with the source's cache
    std::uint32_t fourcc = 0;              // DRM_FORMAT_*
    std::uint64_t modifier = 0;            // DRM_FORMAT_MOD_* / I915_FORMAT_MOD_*
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t stride = 0;  // bytes from one row (tiled: one tile row / tile height) to the next
    std::uint64_t offset = 0;  // bytes from the buffer's start to the surface
    std::uint32_t dmabuf_id = 0;  // stable while the surface is unchanged
    std::int32_t x = 0;           // position on the screen (cursor plane)
    std::int32_t y = 0;
    std::uint32_t hot_x = 0;  // cursor hotspot inside the plane
    std::uint32_t hot_y = 0;

    int fd() const { return buffer ? buffer->fd() : -1; }
};

}  // namespace fbx
