#pragma once

#include <array>
#include <cstdint>

namespace fbx::demo_font {

// A tiny 5x7 bitmap font for the demo's clock and the placeholder picture of
// an absent vGPU: digits, capital letters, ':', '.' and '-'.
inline constexpr std::uint32_t glyph_width = 5;
inline constexpr std::uint32_t glyph_height = 7;

// One glyph as 7 rows of 5 bits, the leftmost pixel in bit 4.
using Glyph = std::array<std::uint8_t, glyph_height>;

// The glyph for `c`; a blank one for characters the font lacks.
const Glyph& glyph(char c);

inline bool pixel_set(const Glyph& g, std::uint32_t column, std::uint32_t row) {
    return (g[row] >> (glyph_width - 1 - column)) & 1u;
}

}  // namespace fbx::demo_font
