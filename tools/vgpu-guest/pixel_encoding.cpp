#include "pixel_encoding.hpp"

#include <drm_fourcc.h>

namespace vgpu {
namespace {

// Top `bits` of a 16-bit channel.
std::uint32_t narrow(std::uint16_t value, unsigned bits) {
    return value >> (16 - bits);
}

// A `bits`-wide channel widened to 16 bits by repeating its bit pattern, so
// full scale stays full scale (0x3ff -> 0xffff).
std::uint16_t widen(std::uint32_t value, unsigned bits) {
    std::uint32_t out = 0;
    for (int shift = 16 - static_cast<int>(bits); shift > -static_cast<int>(bits);
         shift -= static_cast<int>(bits)) {
        out |= shift >= 0 ? value << shift : value >> -shift;
    }
    return static_cast<std::uint16_t>(out & 0xffff);
}

std::uint32_t field(std::uint32_t value, unsigned shift, unsigned bits) {
    return (value >> shift) & ((1u << bits) - 1);
}

}  // namespace

Color color8(std::uint8_t r, std::uint8_t g, std::uint8_t b, std::uint8_t a) {
    return {widen(r, 8), widen(g, 8), widen(b, 8), widen(a, 8)};
}

std::uint32_t encode_pixel(const fbx::PixelFormat& format, Color c) {
    switch (format.fourcc) {
        case DRM_FORMAT_XRGB8888:
            return 0xff000000u | narrow(c.r, 8) << 16 | narrow(c.g, 8) << 8 | narrow(c.b, 8);
        case DRM_FORMAT_ARGB8888:
            return narrow(c.a, 8) << 24 | narrow(c.r, 8) << 16 | narrow(c.g, 8) << 8 |
                   narrow(c.b, 8);
        case DRM_FORMAT_XBGR8888:
            return 0xff000000u | narrow(c.b, 8) << 16 | narrow(c.g, 8) << 8 | narrow(c.r, 8);
        case DRM_FORMAT_ABGR8888:
            return narrow(c.a, 8) << 24 | narrow(c.b, 8) << 16 | narrow(c.g, 8) << 8 |
                   narrow(c.r, 8);
        case DRM_FORMAT_RGB565:
            return narrow(c.r, 5) << 11 | narrow(c.g, 6) << 5 | narrow(c.b, 5);
        case DRM_FORMAT_XRGB2101010:
            return 0xc0000000u | narrow(c.r, 10) << 20 | narrow(c.g, 10) << 10 | narrow(c.b, 10);
        default:
            return 0;
    }
}

Color decode_pixel(const fbx::PixelFormat& format, std::uint32_t v) {
    switch (format.fourcc) {
        case DRM_FORMAT_XRGB8888:
            return {widen(field(v, 16, 8), 8), widen(field(v, 8, 8), 8), widen(field(v, 0, 8), 8),
                    0xffff};
        case DRM_FORMAT_ARGB8888:
            return {widen(field(v, 16, 8), 8), widen(field(v, 8, 8), 8), widen(field(v, 0, 8), 8),
                    widen(field(v, 24, 8), 8)};
        case DRM_FORMAT_XBGR8888:
            return {widen(field(v, 0, 8), 8), widen(field(v, 8, 8), 8), widen(field(v, 16, 8), 8),
                    0xffff};
        case DRM_FORMAT_ABGR8888:
            return {widen(field(v, 0, 8), 8), widen(field(v, 8, 8), 8), widen(field(v, 16, 8), 8),
                    widen(field(v, 24, 8), 8)};
        case DRM_FORMAT_RGB565:
            return {widen(field(v, 11, 5), 5), widen(field(v, 5, 6), 6), widen(field(v, 0, 5), 5),
                    0xffff};
        case DRM_FORMAT_XRGB2101010:
            return {widen(field(v, 20, 10), 10), widen(field(v, 10, 10), 10),
                    widen(field(v, 0, 10), 10), 0xffff};
        default:
            return {0, 0, 0, 0};
    }
}

void store_pixel(std::uint8_t* at, std::uint32_t bytes_per_pixel, std::uint32_t value) {
    for (std::uint32_t i = 0; i < bytes_per_pixel; ++i) {
        at[i] = static_cast<std::uint8_t>(value >> (8 * i));
    }
}

std::uint32_t load_pixel(const std::uint8_t* at, std::uint32_t bytes_per_pixel) {
    std::uint32_t value = 0;
    for (std::uint32_t i = 0; i < bytes_per_pixel; ++i) {
        value |= std::uint32_t{at[i]} << (8 * i);
    }
    return value;
}

}  // namespace vgpu
