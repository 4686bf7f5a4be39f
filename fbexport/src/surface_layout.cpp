#include "fbexport/surface_layout.hpp"

namespace fbx {

TileShape tile_shape(Tiling tiling) {
    switch (tiling) {
        case Tiling::linear:
            return {1, 1};
        case Tiling::intel_x:
            return {512, 8};
        case Tiling::intel_y:
            return {128, 32};
    }
    return {1, 1};
}

std::size_t SurfaceLayout::size_bytes() const {
    const TileShape tile = tile_shape(tiling_);
    const std::size_t rows = (std::size_t{height_} + tile.rows - 1) / tile.rows * tile.rows;
    return rows * stride_;
}

std::uint32_t minimum_stride(Tiling tiling, std::uint32_t width, std::uint32_t bytes_per_pixel) {
    const std::uint32_t tile_width = tile_shape(tiling).width_bytes;
    const std::uint32_t row = width * bytes_per_pixel;
    return (row + tile_width - 1) / tile_width * tile_width;
}

std::string check_surface(const PixelFormat& format, Tiling tiling, std::uint32_t width,
                          std::uint32_t height, std::uint32_t stride, std::uint64_t offset,
                          std::uint64_t buffer_size) {
    if (width == 0 || height == 0) {
        return "empty surface " + std::to_string(width) + "x" + std::to_string(height);
    }
    // 64-bit products of 32-bit values cannot overflow.
    const std::uint64_t row_bytes = std::uint64_t{width} * format.bytes_per_pixel;
    if (stride < row_bytes) {
        return "stride " + std::to_string(stride) + " shorter than a row of " +
               std::to_string(width) + " " + std::string(format.name) + " pixels (" +
               std::to_string(row_bytes) + " bytes)";
    }
    const TileShape tile = tile_shape(tiling);
    if (stride % tile.width_bytes != 0) {
        return "stride " + std::to_string(stride) + " is not a multiple of the " +
               std::to_string(tile.width_bytes) + "-byte tile width";
    }
    if (tiling != Tiling::linear && offset % 4096 != 0) {
        return "tiled surface offset " + std::to_string(offset) + " is not 4 KiB aligned";
    }
    const std::uint64_t rows = (std::uint64_t{height} + tile.rows - 1) / tile.rows * tile.rows;
    // Linear surfaces need only `row_bytes` of their last row.
    const std::uint64_t needed =
        tiling == Tiling::linear ? (rows - 1) * stride + row_bytes : rows * stride;
    if (offset > buffer_size || needed > buffer_size - offset) {
        return "surface of " + std::to_string(needed) + " bytes at offset " +
               std::to_string(offset) + " overruns its " + std::to_string(buffer_size) +
               "-byte buffer";
    }
    return {};
}

}  // namespace fbx
