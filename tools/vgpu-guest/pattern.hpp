#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "fbexport/pixel_format.hpp"
#include "pixel_encoding.hpp"

namespace vgpu {

// What a guest draws. Every pattern is a pure function of (x, y, frame), so a
// reader can recompute the expected colour of any pixel.
enum class Pattern {
    gradient,  // red grows to the right, green downwards, blue with the frame
    bars,      // eight vertical colour bars, moving one bar per frame
    checker,   // 16-pixel checkerboard, phase moves with the frame
    noise,     // every pixel different: catches any misplaced byte
    cursor,    // an arrow with transparent surroundings (for the cursor plane)
};

std::span<const Pattern> all_patterns();
std::string_view pattern_name(Pattern pattern);
std::optional<Pattern> find_pattern(std::string_view name);

Color pattern_color(Pattern pattern, std::uint32_t x, std::uint32_t y, std::uint32_t width,
                    std::uint32_t height, std::uint32_t frame);

// A surface in memory the guest can write: `base` points at its first byte,
// `capacity` bytes are writable from there.
struct Surface {
    std::uint8_t* base = nullptr;
    std::size_t capacity = 0;
    fbx::PixelFormat format{};
    fbx::Tiling tiling = fbx::Tiling::linear;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t stride = 0;
};

// Draws `pattern` into every pixel of `surface`, laid out by the surface's
// tiling (fbx::SurfaceLayout). Throws fbx::Error when the layout does not fit
// in `capacity` or the stride is too short, before touching memory.
void draw_pattern(const Surface& surface, Pattern pattern, std::uint32_t frame);
// The same, only inside the rectangle (clipped to the surface).
void draw_pattern_rect(const Surface& surface, Pattern pattern, std::uint32_t frame,
                       std::uint32_t x, std::uint32_t y, std::uint32_t width, std::uint32_t height);

// The colour stored at pixel (x, y) of a surface laid out like `surface`
// whose bytes start at `bytes` (e.g. a dma-buf mapping).
Color read_pixel(const Surface& surface, const std::uint8_t* bytes, std::uint32_t x,
                 std::uint32_t y);

}  // namespace vgpu
