#pragma once

#include <pixman.h>

#include <cstdint>
#include <vector>

#include "display/shadow_framebuffer.hpp"
#include "fbexport/plane.hpp"

namespace fbx {

// A cursor plane's pixels, kept apart from the shadow framebuffer so sinks
// with client-side cursors (VNC) get it as is, and sinks that need one
// picture (screenshots, streams) composite it themselves.
struct CursorImage {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t hot_x = 0;
    std::uint32_t hot_y = 0;
    // Premultiplied ARGB8888 (pixman a8r8g8b8), rows packed: width * height values.
    std::vector<std::uint32_t> argb;

    bool empty() const { return width == 0 || height == 0; }
    std::uint32_t at(std::uint32_t x, std::uint32_t y) const {
        return argb[std::size_t{y} * width + x];
    }
};

// The whole cursor plane as premultiplied ARGB8888. Alpha formats are taken
// as already premultiplied (the DRM default "Pre-multiplied" blend mode);
// formats without alpha become opaque. The hotspot is copied from the plane.
// Throws fbx::Error, as CpuConverter::convert does, for a plane it cannot read.
CursorImage convert_cursor(const Plane& plane);

// Blends `cursor` over `target` (pixman OVER) with the cursor's top-left
// pixel at (left, top) in target coordinates, clipped to the target; the
// DRM plane convention puts it at (plane.x, plane.y). Any pixman image will
// do; an x8r8g8b8 one counts as opaque, as the shadow framebuffer is.
void compose_cursor(const CursorImage& cursor, std::int32_t left, std::int32_t top,
                    pixman_image_t* target);
void compose_cursor(const CursorImage& cursor, std::int32_t left, std::int32_t top,
                    ShadowFramebuffer& target);

}  // namespace fbx
