#include "test_surface.hpp"

#include "fbexport/surface_layout.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include <drm_fourcc.h>

#include "fbexport/error.hpp"

namespace fbx::test {

std::size_t tiled_byte_offset(Tiling tiling, std::uint32_t stride, std::uint32_t x_bytes,
                              std::uint32_t y) {
    switch (tiling) {
        case Tiling::linear:
            return std::size_t{y} * stride + x_bytes;
        case Tiling::intel_x: {
            // 4 KiB tiles of 8 rows of 512 bytes, tiles in row-major order.
            const std::size_t tiles_per_row = stride / 512;
            const std::size_t tile_index = (y / 8) * tiles_per_row + x_bytes / 512;
            const std::size_t in_tile = (y % 8) * 512 + x_bytes % 512;
            return tile_index * 4096 + in_tile;
        }
        case Tiling::intel_y: {
            // 4 KiB tiles of 32 rows of 128 bytes, each tile eight 16-byte
            // wide columns stored one after the other, 32 rows each.
            const std::size_t tiles_per_row = stride / 128;
            const std::size_t tile_index = (y / 32) * tiles_per_row + x_bytes / 128;
            const std::size_t column = (x_bytes % 128) / 16;
            const std::size_t in_tile = column * (32 * 16) + (y % 32) * 16 + x_bytes % 16;
            return tile_index * 4096 + in_tile;
        }
    }
    throw std::logic_error("unknown tiling");
}

namespace {

std::uint32_t widen5(std::uint32_t v) {
    return (v << 3) | (v >> 2);
}
std::uint32_t widen6(std::uint32_t v) {
    return (v << 2) | (v >> 4);
}
std::uint32_t rgb(std::uint32_t r, std::uint32_t g, std::uint32_t b) {
    return (r << 16) | (g << 8) | b;
}

}  // namespace

std::uint32_t expected_rgb(std::uint32_t fourcc, std::uint32_t raw) {
    switch (fourcc) {
        case DRM_FORMAT_XRGB8888:
        case DRM_FORMAT_ARGB8888:
            return raw & 0xffffff;
        case DRM_FORMAT_XBGR8888:
        case DRM_FORMAT_ABGR8888:
            return rgb(raw & 0xff, (raw >> 8) & 0xff, (raw >> 16) & 0xff);
        case DRM_FORMAT_RGB565:
            return rgb(widen5((raw >> 11) & 0x1f), widen6((raw >> 5) & 0x3f), widen5(raw & 0x1f));
        case DRM_FORMAT_XRGB2101010:
            // 10 -> 8 bits keeps the top bits (pixman: floor(v / 1023 * 256), capped at 255).
            return rgb(((raw >> 20) & 0x3ff) >> 2, ((raw >> 10) & 0x3ff) >> 2, (raw & 0x3ff) >> 2);
    }
    throw std::logic_error("no expectation for this format");
}

std::uint32_t pattern_pixel(std::uint32_t fourcc, std::uint32_t x, std::uint32_t y) {
    std::uint32_t h = x * 0x9e3779b1u ^ (y + 0x7f4a7c15u) * 0x85ebca77u;
    h ^= h >> 15;
    h *= 0x2c1b3c6du;
    h ^= h >> 12;
    return fourcc == DRM_FORMAT_RGB565 ? h & 0xffff : h;
}

TestSurface::TestSurface(const SurfaceSpec& spec) {
    const auto format = find_format(spec.fourcc);
    const auto modifier = find_modifier(spec.modifier);
    // Tests of unsupported formats and modifiers still need a buffer.
    bytes_per_pixel_ = format ? format->bytes_per_pixel : 4;
    tiling_ = modifier ? modifier->tiling : Tiling::linear;

    const std::uint32_t tile_width = tiling_ == Tiling::intel_x   ? 512
                                     : tiling_ == Tiling::intel_y ? 128
                                                                  : 1;
    const std::uint32_t tile_rows = tiling_ == Tiling::intel_x   ? 8
                                    : tiling_ == Tiling::intel_y ? 32
                                                                 : 1;
    const std::uint32_t stride =
        spec.stride != 0
            ? spec.stride
            : (spec.width * bytes_per_pixel_ + tile_width - 1) / tile_width * tile_width;
    const std::uint64_t rows = (std::uint64_t{spec.height} + tile_rows - 1) / tile_rows * tile_rows;
    const std::uint64_t size = spec.buffer_size != 0
                                   ? spec.buffer_size
                                   : spec.offset + std::max<std::uint64_t>(rows * stride, 1);

    UniqueFd fd(::memfd_create("display-test-surface", MFD_CLOEXEC));
    if (!fd) {
        throw_errno("memfd_create");
    }
    if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) {
        throw_errno("ftruncate of a test surface");
    }
    writable_ = MemoryMapping(fd.get(), size, true, "test surface");
    // Padding and unused bytes hold garbage, as real buffers may.
    std::memset(writable_.data(), 0xa5, size);

    plane_.kind = spec.kind;
    plane_.buffer = std::make_shared<Buffer>(std::move(fd), size, "test surface");
    plane_.fourcc = spec.fourcc;
    plane_.modifier = spec.modifier;
    plane_.width = spec.width;
    plane_.height = spec.height;
    plane_.stride = stride;
    plane_.offset = spec.offset;
    plane_.dmabuf_id = spec.dmabuf_id;
}

void TestSurface::set_raw(std::uint32_t x, std::uint32_t y, std::uint32_t raw) {
    const std::size_t at =
        plane_.offset + tiled_byte_offset(tiling_, plane_.stride, x * bytes_per_pixel_, y);
    if (at + bytes_per_pixel_ > writable_.size()) {
        throw std::out_of_range("test pixel outside its buffer");
    }
    for (std::uint32_t i = 0; i < bytes_per_pixel_; ++i) {
        writable_.data()[at + i] = static_cast<std::uint8_t>(raw >> (8 * i));
    }
}

void TestSurface::fill_random(std::mt19937& rng) {
    for (std::uint32_t y = 0; y < plane_.height; ++y) {
        for (std::uint32_t x = 0; x < plane_.width; ++x) {
            const std::uint32_t v = rng();
            set_raw(x, y, bytes_per_pixel_ == 2 ? v & 0xffff : v);
        }
    }
}

void TestSurface::fill_pattern() {
    for (std::uint32_t y = 0; y < plane_.height; ++y) {
        for (std::uint32_t x = 0; x < plane_.width; ++x) {
            set_raw(x, y, pattern_pixel(plane_.fourcc, x, y));
        }
    }
}

std::uint32_t padded_stride(const PixelFormat& format, const Modifier& modifier,
                            std::uint32_t width, std::uint32_t extra) {
    const std::uint32_t tile_width = tile_shape(modifier.tiling).width_bytes;
    const std::uint32_t padding = modifier.tiling == Tiling::linear
                                      ? extra + 4 * (width % 3)
                                      : extra / tile_width * tile_width;
    return minimum_stride(modifier.tiling, width, format.bytes_per_pixel) + padding;
}

}  // namespace fbx::test
