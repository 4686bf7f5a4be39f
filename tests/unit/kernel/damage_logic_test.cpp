// Damage rectangles in the kernel's pure logic (kernel/damage_logic.c):
// clipping, the bounded list of an event record, and which pixels a
// dirty byte range of a surface holds, checked against the tiling math.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernel_logic.hpp"

namespace {

vgpu_rect rect(std::uint32_t x, std::uint32_t y, std::uint32_t w, std::uint32_t h) {
    return vgpu_rect{x, y, w, h};
}

bool covers(const std::vector<vgpu_rect>& rects, std::uint32_t x, std::uint32_t y) {
    for (const vgpu_rect& r : rects)
        if (x >= r.x && y >= r.y && x < std::uint64_t(r.x) + r.width &&
            y < std::uint64_t(r.y) + r.height)
            return true;
    return false;
}

TEST(DamageLogic, RegistersDecode) {
    vgpu_rect r;
    vgpu_rect_from_regs(&r, 0x00200010u, 0x00400030u);
    EXPECT_EQ(r.x, 0x10u);
    EXPECT_EQ(r.y, 0x20u);
    EXPECT_EQ(r.width, 0x30u);
    EXPECT_EQ(r.height, 0x40u);
}

TEST(DamageLogic, ClipKeepsInsideAndRejectsOutside) {
    vgpu_rect r = rect(10, 10, 20, 20);
    ASSERT_TRUE(vgpu_rect_clip(&r, 25, 100));
    EXPECT_EQ(r.width, 15u);
    EXPECT_EQ(r.height, 20u);

    r = rect(0xffffffffu, 0, 0xffffffffu, 1);  // would wrap in 32 bits
    EXPECT_FALSE(vgpu_rect_clip(&r, 100, 100));
    EXPECT_EQ(r.width, 0u);
    r = rect(5, 5, 0, 3);
    EXPECT_FALSE(vgpu_rect_clip(&r, 100, 100));
    r = rect(0, 100, 10, 10);
    EXPECT_FALSE(vgpu_rect_clip(&r, 100, 100));
}

TEST(DamageLogic, AddSkipsCoveredAndFoldsCovering) {
    vgpu_rect rects[4];
    std::uint32_t n = 0;
    const vgpu_rect a = rect(0, 0, 10, 10), b = rect(2, 2, 3, 3), c = rect(50, 50, 5, 5);
    vgpu_rects_add(rects, &n, 4, &a);
    vgpu_rects_add(rects, &n, 4, &b);
    EXPECT_EQ(n, 1u);
    vgpu_rects_add(rects, &n, 4, &c);
    EXPECT_EQ(n, 2u);
    const vgpu_rect all = rect(0, 0, 100, 100);
    vgpu_rects_add(rects, &n, 4, &all);
    ASSERT_EQ(n, 1u);
    EXPECT_EQ(rects[0].width, 100u);
}

// Whatever is added, every damaged pixel stays covered and the list
// never exceeds its bound.
TEST(DamageLogic, FullListMergesWithoutLosingPixels) {
    std::mt19937 rng(7);
    for (int round = 0; round < 200; round++) {
        vgpu_rect rects[VGPU_EVENT_MAX_RECTS];
        std::uint32_t n = 0;
        std::vector<vgpu_rect> added;
        for (int i = 0; i < 30; i++) {
            vgpu_rect r = rect(rng() % 200, rng() % 200, 1 + rng() % 40, 1 + rng() % 40);
            added.push_back(r);
            vgpu_rects_add(rects, &n, VGPU_EVENT_MAX_RECTS, &r);
            ASSERT_LE(n, std::uint32_t(VGPU_EVENT_MAX_RECTS));
        }
        const std::vector<vgpu_rect> have(rects, rects + n);
        for (const vgpu_rect& r : added)
            for (std::uint32_t y = r.y; y < r.y + r.height; y += 3)
                for (std::uint32_t x = r.x; x < r.x + r.width; x += 3)
                    ASSERT_TRUE(covers(have, x, y)) << x << "," << y;
    }
}

vgpu_surface surface(std::uint64_t mod, std::uint32_t w, std::uint32_t h, std::uint32_t stride,
                     std::uint32_t format = VGPU_FMT_XRGB8888) {
    vgpu_plane_regs regs{};
    regs.enable = 1;
    regs.format = format;
    regs.modifier = mod;
    regs.width = w;
    regs.height = h;
    regs.stride = stride;
    vgpu_plane_limits lim{};
    lim.max_width = 4096;
    lim.max_height = 4096;
    lim.vram_size = 256u << 20;
    vgpu_surface s{};
    EXPECT_EQ(vgpu_plane_validate(&regs, &lim, &s), std::uint32_t(VGPU_PLANE_OK));
    return s;
}

TEST(DamageLogic, LinearPageIsWholeLines) {
    const vgpu_surface s = surface(VGPU_MOD_LINEAR, 1000, 100, 4096);
    vgpu_rect r;
    ASSERT_TRUE(vgpu_surface_bytes_rect(&s, 4096 * 3, 4096, &r));
    EXPECT_EQ(r.x, 0u);
    EXPECT_EQ(r.y, 3u);
    EXPECT_EQ(r.width, 1000u);
    EXPECT_EQ(r.height, 1u);
    // one line's padding only (bytes 4000..4095 of line 5)
    EXPECT_FALSE(vgpu_surface_bytes_rect(&s, 4096 * 5 + 4000, 96, &r));
    // past the last line
    EXPECT_FALSE(vgpu_surface_bytes_rect(&s, 4096 * 100, 4096, &r));
    // a page across two lines
    const vgpu_surface t = surface(VGPU_MOD_LINEAR, 640, 480, 2560);
    ASSERT_TRUE(vgpu_surface_bytes_rect(&t, 4096, 4096, &r));
    EXPECT_EQ(r.y, 1u);
    EXPECT_EQ(r.height, 3u);  // bytes 4096..8191 = lines 1..3
}

// For every page of tiled surfaces, the rectangle holds exactly the
// pixels whose bytes the tiling math puts in that page.
TEST(DamageLogic, TiledPageRectMatchesTilingMath) {
    for (std::uint64_t mod : {VGPU_MOD_I915_X_TILED, VGPU_MOD_I915_Y_TILED}) {
        for (std::uint32_t format : {VGPU_FMT_XRGB8888, VGPU_FMT_RGB565}) {
            const std::uint32_t cpp = format == VGPU_FMT_RGB565 ? 2 : 4;
            const vgpu_surface s = surface(mod, 300, 70, 2048, format);
            const std::uint64_t pages = s.size / 4096;
            std::vector<std::vector<bool>> in_page(pages, std::vector<bool>(300 * 70));
            for (std::uint32_t y = 0; y < 70; y++)
                for (std::uint32_t x = 0; x < 300; x++)
                    in_page[vgpu_tiled_offset(mod, 2048, x * cpp, y) / 4096][y * 300 + x] = true;
            for (std::uint64_t p = 0; p < pages; p++) {
                vgpu_rect r{};
                const bool any = vgpu_surface_bytes_rect(&s, p * 4096, 4096, &r);
                std::uint32_t expected = 0;
                for (std::uint32_t y = 0; y < 70; y++)
                    for (std::uint32_t x = 0; x < 300; x++) {
                        const bool inside =
                            any && x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
                        EXPECT_EQ(inside, bool(in_page[p][y * 300 + x]))
                            << "mod " << mod << " page " << p << " pixel " << x << "," << y;
                        expected += in_page[p][y * 300 + x];
                    }
                EXPECT_EQ(any, expected > 0) << "page " << p;
            }
        }
    }
}

TEST(DamageLogic, RangeAcrossTileRowsIsFullWidth) {
    const vgpu_surface s = surface(VGPU_MOD_I915_X_TILED, 1024, 64, 4096);
    vgpu_rect r;
    ASSERT_TRUE(vgpu_surface_bytes_rect(&s, 4096 * 7, 4096 * 2, &r));  // tile 7 and 8
    EXPECT_EQ(r.x, 0u);
    EXPECT_EQ(r.y, 0u);
    EXPECT_EQ(r.width, 1024u);
    EXPECT_EQ(r.height, 16u);
}

}  // namespace
