#include "pattern.hpp"

#include <vector>

#include <gtest/gtest.h>

#include "fbexport/error.hpp"
#include "fbexport/surface_layout.hpp"
#include "plane_config.hpp"

namespace vgpu {
namespace {

// What the pattern's colour is after a trip through `format`'s precision.
Color stored(const fbx::PixelFormat& format, Color c) {
    return decode_pixel(format, encode_pixel(format, c));
}

TEST(Pattern, EveryFormatAndLayoutReadsBackThroughTheLayout) {
    constexpr std::uint32_t width = 37;  // odd, spans several X/Y tiles' worth of rows
    constexpr std::uint32_t height = 41;
    for (const auto& format : fbx::supported_formats()) {
        for (const auto& modifier : fbx::supported_modifiers()) {
            const std::uint32_t stride = valid_stride(format, modifier.tiling, width);
            std::vector<std::uint8_t> memory(surface_bytes(modifier.tiling, stride, height), 0xee);
            const Surface s{memory.data(), memory.size(), format, modifier.tiling,
                            width,         height,        stride};
            draw_pattern(s, Pattern::noise, 7);
            for (std::uint32_t y = 0; y < height; ++y) {
                for (std::uint32_t x = 0; x < width; ++x) {
                    ASSERT_EQ(read_pixel(s, memory.data(), x, y),
                              stored(format, pattern_color(Pattern::noise, x, y, width, height, 7)))
                        << format.name << " " << modifier.name << " at " << x << "," << y;
                }
            }
        }
    }
}

TEST(Pattern, RefusesASurfaceLargerThanItsMemory) {
    std::vector<std::uint8_t> memory(4096);
    const Surface s{memory.data(),
                    memory.size(),
                    fbx::supported_formats()[0],
                    fbx::Tiling::linear,
                    64,
                    64,
                    256};
    EXPECT_THROW(draw_pattern(s, Pattern::bars, 0), fbx::Error);
}

TEST(Pattern, NamesRoundTrip) {
    for (const Pattern p : all_patterns()) {
        EXPECT_EQ(find_pattern(pattern_name(p)), p);
    }
    EXPECT_FALSE(find_pattern("plaid").has_value());
}

TEST(Pattern, FramesDiffer) {
    EXPECT_NE(pattern_color(Pattern::noise, 5, 5, 10, 10, 0),
              pattern_color(Pattern::noise, 5, 5, 10, 10, 1));
    EXPECT_NE(pattern_color(Pattern::bars, 0, 0, 80, 10, 0),
              pattern_color(Pattern::bars, 0, 0, 80, 10, 1));
}

TEST(Pattern, CursorHasTransparentAndOpaquePixels) {
    EXPECT_EQ(pattern_color(Pattern::cursor, 30, 2, 32, 32, 0).a, 0);
    EXPECT_EQ(pattern_color(Pattern::cursor, 1, 10, 32, 32, 0).a, 0xffff);
}

}  // namespace
}  // namespace vgpu
