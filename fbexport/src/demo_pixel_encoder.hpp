#pragma once

#include <cstddef>
#include <cstdint>

#include "fbexport/pixel_format.hpp"
#include "fbexport/rect.hpp"
#include "fbexport/surface_layout.hpp"

namespace fbx {

// Writes the pixels of an XRGB8888 canvas inside `rect` (already inside both
// the canvas and the surface) into `surface`, laid out by `layout`, in `format`
// — the way a guest driver would store them.
void encode_canvas_rect(const PixelFormat& format, const SurfaceLayout& layout,
                        const std::uint32_t* canvas, std::size_t canvas_stride, const Rect& rect,
                        std::uint8_t* surface);

}  // namespace fbx
