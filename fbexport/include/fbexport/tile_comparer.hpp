#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fbexport/frame.hpp"
#include "fbexport/pixel_format.hpp"

namespace fbx {

// What the comparer must know of a surface to find its pixels' bytes.
struct TileGeometry {
    Tiling tiling = Tiling::linear;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t stride = 0;  // as in Plane: tiled layouts count one row of the tile row
    std::uint32_t bytes_per_pixel = 4;

    bool operator==(const TileGeometry&) const = default;
};

// Damage of a display that tells none (an upstream mdev display: no events,
// no damage), found by comparing each frame's bytes with the previous one's
// in square tiles, as QEMU's VNC server does for its framebuffer. Keeps a
// copy of the last bytes it saw; a tile whose bytes differ is damaged and
// its copy refreshed. Runs of damaged tiles come back as rectangles (tiles
// merged along a tile row, rows of equal runs merged downwards), clipped to
// the surface. Pure: no I/O, so it is tested on plain memory.
class TileComparer {
public:
    explicit TileComparer(std::uint32_t tile_size = 64);

    // Compares `bytes` (the whole surface, SurfaceLayout::size_bytes() of
    // it at least) with the previous call's. The first call, a call after
    // reset() and a call with another geometry report full damage. Bytes
    // outside the surface's pixels (stride padding) are ignored for linear
    // layouts; tiled layouts compare whole 4 KiB tiles that hold pixels.
    // Throws fbx::Error when `bytes` is too short for `geometry`.
    Damage compare(const TileGeometry& geometry, std::span<const std::uint8_t> bytes);

    // Forgets the previous bytes: the next compare() reports everything.
    void reset();

    std::uint32_t tile_size() const { return tile_size_; }
    // Tiles found damaged by the last compare() (all of them when full).
    std::size_t damaged_tiles() const { return damaged_tiles_; }

private:
    void compare_linear(std::span<const std::uint8_t> bytes);
    void compare_tiled(std::span<const std::uint8_t> bytes);
    void mark(std::uint32_t x0, std::uint32_t y0, std::uint32_t x1, std::uint32_t y1);
    Damage collect() const;

    std::uint32_t tile_size_;
    TileGeometry geometry_;
    std::vector<std::uint8_t> previous_;  // empty: nothing seen since reset
    std::uint32_t columns_ = 0;
    std::uint32_t rows_ = 0;
    std::vector<std::uint8_t> dirty_;  // columns_ x rows_ flags of the last compare
    std::size_t damaged_tiles_ = 0;
};

}  // namespace fbx
