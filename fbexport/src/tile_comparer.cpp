#include "fbexport/tile_comparer.hpp"

#include <algorithm>
#include <cstring>

#include "fbexport/error.hpp"
#include "fbexport/surface_layout.hpp"

namespace fbx {

TileComparer::TileComparer(std::uint32_t tile_size) : tile_size_(std::max(tile_size, 1u)) {}

void TileComparer::reset() {
    previous_.clear();
    previous_.shrink_to_fit();
}

Damage TileComparer::compare(const TileGeometry& geometry, std::span<const std::uint8_t> bytes) {
    const SurfaceLayout layout(geometry.tiling, geometry.stride, geometry.height);
    const std::size_t needed = layout.size_bytes();
    if (bytes.size() < needed || geometry.bytes_per_pixel == 0 ||
        std::size_t{geometry.width} * geometry.bytes_per_pixel > geometry.stride) {
        throw Error("tile comparison of a " + std::to_string(geometry.width) + "x" +
                    std::to_string(geometry.height) + " surface (stride " +
                    std::to_string(geometry.stride) + ") needs " + std::to_string(needed) +
                    " bytes, got " + std::to_string(bytes.size()));
    }
    columns_ = (geometry.width + tile_size_ - 1) / tile_size_;
    rows_ = (geometry.height + tile_size_ - 1) / tile_size_;
    if (previous_.size() != needed || !(geometry == geometry_)) {
        geometry_ = geometry;
        previous_.assign(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(needed));
        damaged_tiles_ = std::size_t{columns_} * rows_;
        return Damage::everything();
    }
    dirty_.assign(std::size_t{columns_} * rows_, 0);
    damaged_tiles_ = 0;
    if (geometry.tiling == Tiling::linear) {
        compare_linear(bytes);
    } else {
        compare_tiled(bytes);
    }
    return collect();
}

// Row by row: an unchanged row (the common case) costs one memcmp of its
// pixels; a changed one is compared tile by tile for the tiles not yet
// known damaged, then copied whole.
void TileComparer::compare_linear(std::span<const std::uint8_t> bytes) {
    const TileGeometry& g = geometry_;
    const std::size_t row_bytes = std::size_t{g.width} * g.bytes_per_pixel;
    const std::size_t tile_bytes = std::size_t{tile_size_} * g.bytes_per_pixel;
    for (std::uint32_t y = 0; y < g.height; ++y) {
        const std::size_t at = std::size_t{y} * g.stride;
        if (std::memcmp(&previous_[at], &bytes[at], row_bytes) == 0) {
            continue;
        }
        std::uint8_t* flags = &dirty_[std::size_t{y / tile_size_} * columns_];
        for (std::uint32_t tx = 0; tx < columns_; ++tx) {
            const std::size_t from = at + tx * tile_bytes;
            const std::size_t length = std::min(tile_bytes, row_bytes - tx * tile_bytes);
            if (flags[tx] == 0 && std::memcmp(&previous_[from], &bytes[from], length) != 0) {
                flags[tx] = 1;
                ++damaged_tiles_;
            }
        }
        std::memcpy(&previous_[at], &bytes[at], row_bytes);
    }
}

// A 4 KiB tile of memory holds a block of pixels (X: 512 B x 8 rows, Y:
// 128 B x 32 rows); a block that differs marks every comparison tile it
// overlaps.
void TileComparer::compare_tiled(std::span<const std::uint8_t> bytes) {
    const TileGeometry& g = geometry_;
    const TileShape shape = tile_shape(g.tiling);
    const std::uint32_t block_width = shape.width_bytes / g.bytes_per_pixel;
    const std::uint32_t blocks_across = g.stride / shape.width_bytes;
    const std::uint32_t blocks_down = (g.height + shape.rows - 1) / shape.rows;
    constexpr std::size_t block_bytes = 4096;
    for (std::uint32_t by = 0; by < blocks_down; ++by) {
        for (std::uint32_t bx = 0; bx < blocks_across; ++bx) {
            const std::uint32_t x0 = bx * block_width;
            if (x0 >= g.width) {
                break;  // stride padding: no pixels
            }
            const std::size_t at = (std::size_t{by} * blocks_across + bx) * block_bytes;
            if (std::memcmp(&previous_[at], &bytes[at], block_bytes) == 0) {
                continue;
            }
            std::memcpy(&previous_[at], &bytes[at], block_bytes);
            const std::uint32_t y0 = by * shape.rows;
            mark(x0, y0, std::min(x0 + block_width, g.width), std::min(y0 + shape.rows, g.height));
        }
    }
}

void TileComparer::mark(std::uint32_t x0, std::uint32_t y0, std::uint32_t x1, std::uint32_t y1) {
    for (std::uint32_t ty = y0 / tile_size_; ty <= (y1 - 1) / tile_size_; ++ty) {
        for (std::uint32_t tx = x0 / tile_size_; tx <= (x1 - 1) / tile_size_; ++tx) {
            std::uint8_t& flag = dirty_[std::size_t{ty} * columns_ + tx];
            damaged_tiles_ += flag == 0 ? 1 : 0;
            flag = 1;
        }
    }
}

Damage TileComparer::collect() const {
    Damage damage;
    if (damaged_tiles_ == std::size_t{columns_} * rows_) {
        return Damage::everything();
    }
    const auto width = static_cast<std::int32_t>(geometry_.width);
    const auto height = static_cast<std::int32_t>(geometry_.height);
    const auto size = static_cast<std::int32_t>(tile_size_);
    // Rectangles still growing downwards: those ending at the current tile row.
    std::vector<std::size_t> open;
    std::vector<std::size_t> still_open;
    for (std::uint32_t ty = 0; ty < rows_; ++ty) {
        still_open.clear();
        const std::int32_t y = static_cast<std::int32_t>(ty) * size;
        const std::int32_t h = std::min(size, height - y);
        for (std::uint32_t tx = 0; tx < columns_;) {
            if (dirty_[std::size_t{ty} * columns_ + tx] == 0) {
                ++tx;
                continue;
            }
            const std::uint32_t start = tx;
            while (tx < columns_ && dirty_[std::size_t{ty} * columns_ + tx] != 0) {
                ++tx;
            }
            const std::int32_t x = static_cast<std::int32_t>(start) * size;
            const std::int32_t w = std::min(static_cast<std::int32_t>(tx) * size, width) - x;
            const auto same = std::find_if(open.begin(), open.end(), [&](std::size_t i) {
                const Rect& r = damage.rects[i];
                return r.x == x && r.width == w && r.bottom() == y;
            });
            if (same != open.end()) {
                damage.rects[*same].height += h;
                still_open.push_back(*same);
            } else {
                damage.rects.push_back({x, y, w, h});
                still_open.push_back(damage.rects.size() - 1);
            }
        }
        open.swap(still_open);
    }
    return damage;
}

}  // namespace fbx
