#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "fbexport/rect.hpp"
#include "fbexport/surface_layout.hpp"

namespace fbx::gl {

// One upload of the GL path: a run of whole tile rows (rows, for a linear
// surface) whose bytes are contiguous in the buffer, and the damage inside it.
struct UploadBand {
    std::uint32_t first_row = 0;   // tile-row aligned
    std::uint32_t end_row = 0;     // exclusive; past the surface height on a partial last tile row
    std::uint64_t begin_byte = 0;  // surface bytes [begin, end) to upload
    std::uint64_t end_byte = 0;
    std::vector<Rect> rects;  // the damage within [first_row, end_row)
};

// Splits `damage` (disjoint rectangles inside a width x height surface) into
// bands of rows that each upload at most `max_bytes`: the rows each
// rectangle needs, widened to whole tiles, overlapping or touching runs
// merged so each byte is uploaded once. A tiled surface's band holds whole
// tile rows (stride x tile height bytes each); a linear one needs only the
// pixels of its last row. Throws fbx::Error when a single tile row exceeds
// `max_bytes`.
std::vector<UploadBand> plan_uploads(const SurfaceLayout& layout, std::uint32_t bytes_per_pixel,
                                     std::uint32_t width, std::uint32_t height,
                                     std::span<const Rect> damage, std::uint64_t max_bytes);

}  // namespace fbx::gl
