#pragma once

#include <cstddef>
#include <cstdint>

#include "fbexport/surface_layout.hpp"

namespace fbx {

// Copies the bytes [x0_bytes, x1_bytes) of surface rows [y0, y1) into a
// linear destination (row y lands at dst + (y - y0) * dst_stride), undoing
// the layout's tiling. Reads go tile by tile in memory order, so the source
// streams like a memcpy; each contiguous run (a whole X tile row, a 16-byte
// Y column) is one copy. The caller keeps the span inside the surface.
// `stream`: write whole tiles around the cache (non-temporal stores), for
// damage too large to stay in it anyway; honoured where the destination
// allows aligned stores.
void copy_detiled(const std::uint8_t* surface, const SurfaceLayout& layout, std::uint32_t x0_bytes,
                  std::uint32_t x1_bytes, std::uint32_t y0, std::uint32_t y1, std::uint8_t* dst,
                  std::size_t dst_stride, bool stream);

}  // namespace fbx
