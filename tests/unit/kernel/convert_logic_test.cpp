// The kernel's fallback converter (kernel/convert_logic.c), behind the
// linear-copy region, against the tests' own decoding of every format and
// tiling (tests/unit/display/test_surface), and its EDID preferred-mode
// parser against a hand-built EDID block.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "kernel_logic.hpp"
#include "test_surface.hpp"

namespace {

using fbx::test::expected_rgb;
using fbx::test::tiled_byte_offset;

class KernelCopy : public ::testing::TestWithParam<std::tuple<fbx::PixelFormat, fbx::Modifier>> {};

TEST_P(KernelCopy, MatchesIndependentDecodeInsideTheRectOnly) {
    const auto& [format, modifier] = GetParam();
    constexpr std::uint32_t width = 301, height = 67;
    vgpu_plane_regs regs{};
    regs.enable = 1;
    regs.format = format.fourcc;
    regs.modifier = modifier.value;
    regs.width = width;
    regs.height = height;
    // the device wants linear strides in whole 4 bytes
    regs.stride = (fbx::test::padded_stride(format, modifier, width, 600) + 3) & ~3u;
    vgpu_plane_limits lim{4096, 4096, 64u << 20, 64u << 20, false};
    vgpu_surface surf{};
    ASSERT_EQ(vgpu_plane_validate(&regs, &lim, &surf), std::uint32_t{VGPU_PLANE_OK});

    std::mt19937 rng(format.fourcc ^ std::uint32_t(modifier.value));
    std::vector<std::uint8_t> src(surf.size);
    for (auto& b : src) {
        b = std::uint8_t(rng());
    }
    std::vector<std::uint8_t> dst(std::size_t{width} * height * 4, 0xee);
    const vgpu_rect rect{17, 9, 250, 41};
    vgpu_copy_rect_xrgb8888(&surf, src.data(), dst.data(), width * 4, &rect);

    for (std::uint32_t y = 0; y < height; y++) {
        for (std::uint32_t x = 0; x < width; x++) {
            std::uint32_t out = 0;
            std::memcpy(&out, &dst[(std::size_t{y} * width + x) * 4], 4);
            const bool inside =
                x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height;
            if (!inside) {
                ASSERT_EQ(out, 0xeeeeeeeeu) << "written outside the rect at " << x << "," << y;
                continue;
            }
            const std::size_t at =
                tiled_byte_offset(modifier.tiling, regs.stride, x * format.bytes_per_pixel, y);
            std::uint32_t raw = 0;
            std::memcpy(&raw, &src[at], format.bytes_per_pixel);
            ASSERT_EQ(out & 0xffffffu, expected_rgb(format.fourcc, raw))
                << format.name << " " << modifier.name << " pixel " << x << "," << y;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(EveryFormatAndModifier, KernelCopy,
                         ::testing::Combine(::testing::ValuesIn(fbx::supported_formats().begin(),
                                                                fbx::supported_formats().end()),
                                            ::testing::ValuesIn(fbx::supported_modifiers().begin(),
                                                                fbx::supported_modifiers().end())));

std::vector<std::uint8_t> edid_with_mode(std::uint32_t w, std::uint32_t h) {
    std::vector<std::uint8_t> edid(128, 0);
    const std::uint8_t header[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
    std::memcpy(edid.data(), header, 8);
    std::uint8_t* dtd = &edid[54];
    dtd[0] = 0x01;  // pixel clock, non-zero: a timing
    dtd[1] = 0x1d;
    dtd[2] = std::uint8_t(w);
    dtd[4] = std::uint8_t((w >> 8) << 4);
    dtd[5] = std::uint8_t(h);
    dtd[7] = std::uint8_t((h >> 8) << 4);
    return edid;
}

TEST(KernelEdid, PreferredModeOfTheFirstTiming) {
    auto edid = edid_with_mode(1920, 1080);
    std::uint32_t w = 0, h = 0;
    ASSERT_TRUE(vgpu_edid_preferred_mode(edid.data(), 128, &w, &h));
    EXPECT_EQ(w, 1920u);
    EXPECT_EQ(h, 1080u);
    edid = edid_with_mode(3840, 2160);
    ASSERT_TRUE(vgpu_edid_preferred_mode(edid.data(), 128, &w, &h));
    EXPECT_EQ(w, 3840u);
    EXPECT_EQ(h, 2160u);
}

TEST(KernelEdid, RejectsShortBadHeaderAndDescriptors) {
    auto edid = edid_with_mode(800, 600);
    std::uint32_t w = 0, h = 0;
    EXPECT_FALSE(vgpu_edid_preferred_mode(edid.data(), 127, &w, &h));
    edid[3] = 0;
    EXPECT_FALSE(vgpu_edid_preferred_mode(edid.data(), 128, &w, &h));
    edid = edid_with_mode(800, 600);
    edid[54] = edid[55] = 0;  // a display descriptor, not a timing
    EXPECT_FALSE(vgpu_edid_preferred_mode(edid.data(), 128, &w, &h));
}

}  // namespace
