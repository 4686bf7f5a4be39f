// Plane validation: every value a guest can write is judged by
// vgpu_plane_validate(); these tests walk the rules of kernel/ABI.md in order
// and throw hostile values at it.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>

#include "kernel_logic.hpp"

namespace {

constexpr std::uint64_t kVram = (16u << 20) - 4096;  // small type, usable

vgpu_plane_limits primary_limits() {
    return vgpu_plane_limits{1280, 1024, kVram, kVram + 4096, false};
}

vgpu_plane_limits cursor_limits() {
    return vgpu_plane_limits{VGPU_CURSOR_MAX_SIZE, VGPU_CURSOR_MAX_SIZE, kVram, kVram + 4096, true};
}

vgpu_plane_regs good_primary() {
    vgpu_plane_regs r{};
    r.enable = 1;
    r.format = VGPU_FMT_XRGB8888;
    r.modifier = VGPU_MOD_LINEAR;
    r.offset = 0;
    r.width = 1024;
    r.height = 768;
    r.stride = 4096;
    return r;
}

std::uint32_t validate(const vgpu_plane_regs& r, const vgpu_plane_limits& lim,
                       vgpu_surface* out = nullptr) {
    vgpu_surface s;
    const std::uint32_t st = vgpu_plane_validate(&r, &lim, &s);
    if (out)
        *out = s;
    return st;
}

TEST(PlaneLogic, FormatTable) {
    struct {
        std::uint32_t fourcc, cpp;
    } const want[] = {{VGPU_FMT_XRGB8888, 4}, {VGPU_FMT_ARGB8888, 4}, {VGPU_FMT_XBGR8888, 4},
                      {VGPU_FMT_ABGR8888, 4}, {VGPU_FMT_RGB565, 2},   {VGPU_FMT_XRGB2101010, 4}};
    for (auto w : want) {
        const vgpu_format_info* f = vgpu_format_lookup(w.fourcc);
        ASSERT_NE(f, nullptr);
        EXPECT_EQ(f->cpp, w.cpp);
    }
    EXPECT_EQ(vgpu_format_lookup(0), nullptr);
    EXPECT_EQ(vgpu_format_lookup(VGPU_FOURCC('N', 'V', '1', '2')), nullptr);
}

TEST(PlaneLogic, ValidLinearSurface) {
    vgpu_surface s;
    ASSERT_EQ(validate(good_primary(), primary_limits(), &s), VGPU_PLANE_OK);
    EXPECT_EQ(s.format, VGPU_FMT_XRGB8888);
    EXPECT_EQ(s.width, 1024u);
    EXPECT_EQ(s.height, 768u);
    EXPECT_EQ(s.stride, 4096u);
    EXPECT_EQ(s.size, 4096u * 768u);
}

TEST(PlaneLogic, EveryFormatAndModifierAccepted) {
    const std::uint32_t fmts[] = {VGPU_FMT_XRGB8888, VGPU_FMT_ARGB8888, VGPU_FMT_XBGR8888,
                                  VGPU_FMT_ABGR8888, VGPU_FMT_RGB565,   VGPU_FMT_XRGB2101010};
    const std::uint64_t mods[] = {VGPU_MOD_LINEAR, VGPU_MOD_I915_X_TILED, VGPU_MOD_I915_Y_TILED};
    for (auto f : fmts)
        for (auto m : mods) {
            vgpu_plane_regs r = good_primary();
            r.format = f;
            r.modifier = m;
            EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_OK) << f << " " << m;
        }
}

TEST(PlaneLogic, SizeIsPageRoundedAndTileRowRounded) {
    vgpu_plane_regs r = good_primary();
    r.width = 100;
    r.height = 3;
    r.stride = 400;
    vgpu_surface s;
    ASSERT_EQ(validate(r, primary_limits(), &s), VGPU_PLANE_OK);
    EXPECT_EQ(s.size, 4096u);

    r.modifier = VGPU_MOD_I915_Y_TILED;
    r.stride = 512;
    r.height = 33;  // two rows of 32-line tiles
    ASSERT_EQ(validate(r, primary_limits(), &s), VGPU_PLANE_OK);
    EXPECT_EQ(s.size, 512u * 64u);

    r.modifier = VGPU_MOD_I915_X_TILED;
    r.height = 9;  // two rows of 8-line tiles
    ASSERT_EQ(validate(r, primary_limits(), &s), VGPU_PLANE_OK);
    EXPECT_EQ(s.size, 512u * 16u);
}

TEST(PlaneLogic, DisabledIsNotAnError) {
    vgpu_plane_regs r = good_primary();
    r.enable = 0;
    vgpu_surface s;
    EXPECT_EQ(validate(r, primary_limits(), &s), VGPU_PLANE_ERR_DISABLED);
    EXPECT_EQ(s.size, 0u);
    EXPECT_EQ(s.format, 0u);
}

TEST(PlaneLogic, UnknownFormat) {
    for (std::uint32_t f : {0u, 1u, 0xffffffffu, VGPU_FOURCC('R', 'G', '2', '4')}) {
        vgpu_plane_regs r = good_primary();
        r.format = f;
        EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_FORMAT) << f;
    }
}

TEST(PlaneLogic, UnknownModifier) {
    for (std::uint64_t m : {1ull, 0x0100000000000003ull, 0x00ffffffffffffffull, ~0ull}) {
        vgpu_plane_regs r = good_primary();
        r.modifier = m;
        EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_MODIFIER) << m;
    }
}

TEST(PlaneLogic, CursorIsLinearOnly) {
    vgpu_plane_regs r = good_primary();
    r.width = r.height = 64;
    r.stride = 512;
    r.format = VGPU_FMT_ARGB8888;
    EXPECT_EQ(validate(r, cursor_limits()), VGPU_PLANE_OK);
    r.modifier = VGPU_MOD_I915_X_TILED;
    EXPECT_EQ(validate(r, cursor_limits()), VGPU_PLANE_ERR_MODIFIER);
}

TEST(PlaneLogic, SizeLimits) {
    const std::uint32_t bad[][2] = {{0, 768}, {1024, 0},         {1281, 768},       {1024, 1025},
                                    {0, 0},   {0xffffffff, 768}, {1024, 0xffffffff}};
    for (auto wh : bad) {
        vgpu_plane_regs r = good_primary();
        r.width = wh[0];
        r.height = wh[1];
        r.stride = 65536;
        EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_SIZE) << wh[0] << "x" << wh[1];
    }
    vgpu_plane_regs r = good_primary();
    r.width = 257;
    r.height = 64;
    EXPECT_EQ(validate(r, cursor_limits()), VGPU_PLANE_ERR_SIZE);
    r.width = 1280;
    r.height = 1024;
    r.stride = 5120;
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_OK);
    r.width = 1;
    r.height = 1;
    r.stride = 4;
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_OK);
}

TEST(PlaneLogic, StrideBelowWidthTimesBpp) {
    vgpu_plane_regs r = good_primary();
    r.stride = 1024 * 4 - 4;
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_STRIDE);
    r.format = VGPU_FMT_RGB565;  // 2 bytes: now fits
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_OK);
    r.stride = 0;
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_STRIDE);
}

TEST(PlaneLogic, HugeStride) {
    vgpu_plane_regs r = good_primary();
    for (std::uint32_t s : {VGPU_MAX_STRIDE + 4, 0x80000000u, 0xfffffffcu}) {
        r.stride = s;
        EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_STRIDE) << s;
    }
}

TEST(PlaneLogic, Alignment) {
    vgpu_plane_regs r = good_primary();
    r.offset = 4096 + 64;
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_ALIGN);
    r.offset = 4096;
    r.stride = 4098;  // linear: multiple of 4
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_ALIGN);
    r.stride = 4100;
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_OK);

    r.modifier = VGPU_MOD_I915_X_TILED;  // 512-byte tiles
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_ALIGN);
    r.stride = 4096 + 512;
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_OK);

    r.modifier = VGPU_MOD_I915_Y_TILED;  // 128-byte tiles
    r.stride = 4096 + 64;
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_ALIGN);
    r.stride = 4096 + 128;
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_OK);
}

TEST(PlaneLogic, OutsideVram) {
    vgpu_plane_regs r = good_primary();
    r.width = 1280;
    r.height = 1024;
    r.stride = 65536;  // 64 MiB surface in 16 MiB
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_RANGE);

    r = good_primary();
    r.offset = kVram - 4096;  // last usable page, surface needs more
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_RANGE);

    r.offset = kVram - 4096 * 768;  // ends exactly at the end: fine
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_OK);
    r.offset += 4096;
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_RANGE);

    r.offset = kVram;  // in the register page
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_RANGE);
}

TEST(PlaneLogic, OffsetOverflowDoesNotWrap) {
    vgpu_plane_regs r = good_primary();
    // offset + size would wrap to a small number in 64 bits
    for (std::uint64_t off : {~0ull - 4095, 0xfffffffffffff000ull, 1ull << 63, 1ull << 32}) {
        r.offset = off;
        EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_ERR_RANGE) << off;
    }
}

TEST(PlaneLogic, CursorHotspot) {
    vgpu_plane_regs r{};
    r.enable = 1;
    r.format = VGPU_FMT_ARGB8888;
    r.width = r.height = 64;
    r.stride = 256;
    r.hot_x = 63;
    r.hot_y = 0;
    EXPECT_EQ(validate(r, cursor_limits()), VGPU_PLANE_OK);
    r.hot_x = 64;
    EXPECT_EQ(validate(r, cursor_limits()), VGPU_PLANE_ERR_HOTSPOT);
    r.hot_x = 0;
    r.hot_y = 0xffffffff;
    EXPECT_EQ(validate(r, cursor_limits()), VGPU_PLANE_ERR_HOTSPOT);
    // primary ignores the hotspot
    EXPECT_EQ(validate(r, primary_limits()), VGPU_PLANE_OK);
}

TEST(PlaneLogic, SurfaceEqualityIgnoresPosition) {
    vgpu_plane_regs a = good_primary(), b = good_primary();
    b.pos_x = 10;
    b.pos_y = -5;
    vgpu_surface sa, sb;
    ASSERT_EQ(validate(a, primary_limits(), &sa), VGPU_PLANE_OK);
    ASSERT_EQ(validate(b, primary_limits(), &sb), VGPU_PLANE_OK);
    EXPECT_TRUE(vgpu_surface_equal(&sa, &sb));
    b.offset = 4096 * 768;
    ASSERT_EQ(validate(b, primary_limits(), &sb), VGPU_PLANE_OK);
    EXPECT_FALSE(vgpu_surface_equal(&sa, &sb));
}

// Random register contents: whatever passes must lie inside VRAM with a
// stride that holds a line; nothing may crash (run under ASan/UBSan in CI).
TEST(PlaneLogic, RandomValuesNeverEscapeVram) {
    std::mt19937_64 rng(4);
    const std::uint32_t fmts[] = {VGPU_FMT_XRGB8888, VGPU_FMT_RGB565, VGPU_FMT_XRGB2101010, 0, 7};
    const std::uint64_t mods[] = {VGPU_MOD_LINEAR, VGPU_MOD_I915_X_TILED, VGPU_MOD_I915_Y_TILED, 5};
    int ok = 0;
    for (int i = 0; i < 200000; i++) {
        vgpu_plane_regs r{};
        r.enable = 1;
        r.format = fmts[rng() % 5];
        r.modifier = mods[rng() % 4];
        const auto pick = [&](std::uint64_t small) -> std::uint64_t {
            switch (rng() % 4) {
                case 0:
                    return rng();
                case 1:
                    return rng() % small;
                case 2:
                    return (rng() % small) & ~std::uint64_t{511};
                default:
                    return ~std::uint64_t{0} - rng() % 8;
            }
        };
        r.offset = pick(kVram) & (rng() % 2 ? ~0ull : ~4095ull);
        r.width = std::uint32_t(pick(2000));
        r.height = std::uint32_t(pick(1100));
        r.stride = std::uint32_t(pick(9000));
        vgpu_surface s;
        const bool cursor = rng() % 2;
        const vgpu_plane_limits lim = cursor ? cursor_limits() : primary_limits();
        if (validate(r, lim, &s) != VGPU_PLANE_OK)
            continue;
        ok++;
        const vgpu_format_info* f = vgpu_format_lookup(s.format);
        ASSERT_NE(f, nullptr);
        ASSERT_LE(std::uint64_t{s.width} * f->cpp, s.stride);
        ASSERT_EQ(s.offset % 4096, 0u);
        ASSERT_EQ(s.size % 4096, 0u);
        ASSERT_LE(s.offset, kVram);
        ASSERT_LE(s.size, kVram - s.offset);
        ASSERT_GE(s.size, std::uint64_t{s.stride} * s.height);
    }
    EXPECT_GT(ok, 100);
}

}  // namespace
