#pragma once

#include <cstdint>

#include "fbexport/pixel_format.hpp"

namespace vgpu {

// A colour with 16 bits per channel, so it can be stored without loss in
// any supported format (XRGB2101010 keeps 10 of them).
struct Color {
    std::uint16_t r = 0;
    std::uint16_t g = 0;
    std::uint16_t b = 0;
    std::uint16_t a = 0xffff;

    friend bool operator==(const Color&, const Color&) = default;
};

// A colour from 8-bit channels, each widened by repeating its bits.
Color color8(std::uint8_t r, std::uint8_t g, std::uint8_t b, std::uint8_t a = 0xff);

// The pixel value of `color` in `format`, as the little-endian integer of
// format.bytes_per_pixel bytes that drm_fourcc.h describes. Padding (X) bits
// are written as ones, as a real driver's clear colour would leave them.
std::uint32_t encode_pixel(const fbx::PixelFormat& format, Color color);

// The inverse, with the channels the format lacks as 0 (alpha: opaque), the
// others widened to 16 bits by repeating their bits.
Color decode_pixel(const fbx::PixelFormat& format, std::uint32_t value);

// Stores/loads a pixel value of format.bytes_per_pixel bytes, little-endian.
void store_pixel(std::uint8_t* at, std::uint32_t bytes_per_pixel, std::uint32_t value);
std::uint32_t load_pixel(const std::uint8_t* at, std::uint32_t bytes_per_pixel);

}  // namespace vgpu
