#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "fbexport/pixel_format.hpp"

namespace fbx {

// Geometry of a tile in an Intel tiled layout: a 4 KiB block of
// `width_bytes` x `rows`, stored contiguously.
struct TileShape {
    std::uint32_t width_bytes;
    std::uint32_t rows;
};

TileShape tile_shape(Tiling tiling);  // linear: 1 x 1 (no tiling)

// Where the bytes of a surface are: the address math of LINEAR, Intel X-tiled
// (512 B x 8 rows, row-major inside the tile) and Intel Y-tiled (128 B x 32 rows
// made of 16 B wide columns of 32 rows each). Swizzling is not used: the
// I915_FORMAT_MOD_*_TILED modifiers describe unswizzled layouts.
class SurfaceLayout {
public:
    SurfaceLayout(Tiling tiling, std::uint32_t stride, std::uint32_t height)
        : tiling_(tiling), stride_(stride), height_(height) {}

    Tiling tiling() const { return tiling_; }
    std::uint32_t stride() const { return stride_; }

    // Byte offset, from the start of the surface, of byte `x_bytes` of row `y`.
    std::size_t byte_offset(std::uint32_t x_bytes, std::uint32_t y) const {
        switch (tiling_) {
            case Tiling::linear:
                return std::size_t{y} * stride_ + x_bytes;
            case Tiling::intel_x: {
                const std::size_t tile = std::size_t{y / 8} * (stride_ / 512) + x_bytes / 512;
                return tile * 4096 + (y % 8) * 512 + x_bytes % 512;
            }
            case Tiling::intel_y: {
                const std::size_t tile = std::size_t{y / 32} * (stride_ / 128) + x_bytes / 128;
                return tile * 4096 + (x_bytes % 128 / 16) * 512 + (y % 32) * 16 + x_bytes % 16;
            }
        }
        return 0;
    }

    // How many bytes from `x_bytes` onwards in row `y` are contiguous in memory.
    std::uint32_t contiguous_bytes(std::uint32_t x_bytes) const {
        switch (tiling_) {
            case Tiling::linear:
                return stride_ - x_bytes;
            case Tiling::intel_x:
                return 512 - x_bytes % 512;
            case Tiling::intel_y:
                return 16 - x_bytes % 16;
        }
        return 0;
    }

    // Bytes the surface occupies: whole tile rows for tiled layouts.
    std::size_t size_bytes() const;

private:
    Tiling tiling_;
    std::uint32_t stride_;
    std::uint32_t height_;
};

// Smallest valid stride for `width` pixels of `bytes_per_pixel` in `tiling`.
std::uint32_t minimum_stride(Tiling tiling, std::uint32_t width, std::uint32_t bytes_per_pixel);

// Checks a plane's geometry against the buffer that holds it, overflow-safe:
// returns an empty string when it is valid, else the reason it is not.
std::string check_surface(const PixelFormat& format, Tiling tiling, std::uint32_t width,
                          std::uint32_t height, std::uint32_t stride, std::uint64_t offset,
                          std::uint64_t buffer_size);

}  // namespace fbx
