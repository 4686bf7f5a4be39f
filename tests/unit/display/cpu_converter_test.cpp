#include "display/cpu_converter.hpp"

#include <drm_fourcc.h>
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <tuple>
#include <vector>

#include "fbexport/error.hpp"
#include "fbexport/pixel_format.hpp"
#include "fbexport/surface_layout.hpp"
#include "test_surface.hpp"

namespace fbx {
namespace {

using test::expected_rgb;
using test::pattern_pixel;
using test::SurfaceSpec;
using test::TestSurface;

// Output pixels carry an undefined X byte: compare the colour only.
constexpr std::uint32_t rgb_mask = 0x00ffffff;
// Pre-filled into outputs to show what the converter left alone; compared whole.
constexpr std::uint32_t sentinel = 0xdeadbeef;

constexpr std::uint32_t all_formats[] = {DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888,
                                         DRM_FORMAT_XBGR8888, DRM_FORMAT_ABGR8888,
                                         DRM_FORMAT_RGB565,   DRM_FORMAT_XRGB2101010};
constexpr std::uint64_t all_modifiers[] = {DRM_FORMAT_MOD_LINEAR, I915_FORMAT_MOD_X_TILED,
                                           I915_FORMAT_MOD_Y_TILED};

ShadowFramebuffer filled_output(std::uint32_t width, std::uint32_t height) {
    ShadowFramebuffer out(width, height);
    out.fill(sentinel);
    return out;
}

// Every pixel of `out` inside `converted` holds the plane's pattern; every
// other pixel still holds the sentinel.
void expect_converted_only_inside(const ShadowFramebuffer& out, const Plane& plane,
                                  const DamageRegion& converted) {
    int mismatches = 0;
    for (std::uint32_t y = 0; y < out.height(); ++y) {
        for (std::uint32_t x = 0; x < out.width(); ++x) {
            const bool inside =
                converted.contains(static_cast<std::int32_t>(x), static_cast<std::int32_t>(y));
            const std::uint32_t got = out.at(x, y);
            if (inside) {
                const std::uint32_t want =
                    expected_rgb(plane.fourcc, pattern_pixel(plane.fourcc, x, y));
                if ((got & rgb_mask) != want && ++mismatches <= 5) {
                    ADD_FAILURE() << "pixel (" << x << "," << y << ") is 0x" << std::hex << got
                                  << ", expected colour 0x" << want;
                }
            } else if (got != sentinel && ++mismatches <= 5) {
                ADD_FAILURE() << "pixel (" << x << "," << y << ") outside the damage changed to 0x"
                              << std::hex << got;
            }
        }
    }
    EXPECT_EQ(mismatches, 0);
}

// ---- Golden values, hand-computed, through every layout ----

struct Golden {
    std::uint32_t fourcc;
    std::uint32_t raw;
    std::uint32_t rgb;
};

constexpr Golden goldens[] = {
    {DRM_FORMAT_XRGB8888, 0x00123456, 0x123456},    {DRM_FORMAT_XRGB8888, 0xff000000, 0x000000},
    {DRM_FORMAT_ARGB8888, 0x80ff8040, 0xff8040},  // alpha is not applied to a primary plane
    {DRM_FORMAT_ARGB8888, 0x00abcdef, 0xabcdef},    {DRM_FORMAT_XBGR8888, 0x00112233, 0x332211},
    {DRM_FORMAT_ABGR8888, 0xff0000ff, 0xff0000},    {DRM_FORMAT_ABGR8888, 0x7f804020, 0x204080},
    {DRM_FORMAT_RGB565, 0xf800, 0xff0000},  // 5 bits widen by replication: (v << 3) | (v >> 2)
    {DRM_FORMAT_RGB565, 0x07e0, 0x00ff00},          {DRM_FORMAT_RGB565, 0x001f, 0x0000ff},
    {DRM_FORMAT_RGB565, 0x8410, 0x848284},           // r 16 -> 0x84, g 32 -> 0x82, b 16 -> 0x84
    {DRM_FORMAT_RGB565, 0x0821, 0x080408},           // r 1 -> 0x08, g 1 -> 0x04, b 1 -> 0x08
    {DRM_FORMAT_XRGB2101010, 0x3ff80001, 0xff8000},  // r 0x3ff, g 0x200, b 0x001
    {DRM_FORMAT_XRGB2101010, 0x2aa554ff, 0xaa553f},  // r 0x2aa, g 0x155, b 0x0ff
    {DRM_FORMAT_XRGB2101010, 0xc0000000, 0x000000},  // the 2 X bits are ignored
};

class GoldenPixel : public testing::TestWithParam<std::tuple<Golden, std::uint64_t>> {};

TEST_P(GoldenPixel, ConvertsToTheHandComputedColour) {
    const auto [golden, modifier] = GetParam();
    TestSurface surface({.fourcc = golden.fourcc, .modifier = modifier, .width = 3, .height = 2});
    for (std::uint32_t y = 0; y < 2; ++y) {
        for (std::uint32_t x = 0; x < 3; ++x) {
            surface.set_raw(x, y, golden.raw);
        }
    }
    ShadowFramebuffer out = filled_output(3, 2);
    CpuConverter().convert(surface.plane(), DamageRegion(Rect{0, 0, 3, 2}), out);
    for (std::uint32_t y = 0; y < 2; ++y) {
        for (std::uint32_t x = 0; x < 3; ++x) {
            EXPECT_EQ(out.at(x, y) & rgb_mask, golden.rgb)
                << format_name(golden.fourcc) << " 0x" << std::hex << golden.raw;
        }
    }
    EXPECT_EQ(expected_rgb(golden.fourcc, golden.raw), golden.rgb) << "the test decoder";
}

INSTANTIATE_TEST_SUITE_P(AllFormatsAndLayouts, GoldenPixel,
                         testing::Combine(testing::ValuesIn(goldens),
                                          testing::ValuesIn(all_modifiers)));

// ---- Every format x modifier x geometry, whole frames ----

struct Geometry {
    std::uint32_t width;
    std::uint32_t height;
    std::uint32_t linear_padding;  // stride bytes past the row; tiled layouts pad a whole tile
    std::uint32_t linear_offset;   // tiled layouts use 4096 where this is not 0
};

constexpr Geometry geometries[] = {
    {37, 19, 0, 0},   {1, 1, 0, 0},
    {513, 9, 0, 0},   {130, 70, 64, 256},  // padded, aligned: pixman reads linear planes in place
    {37, 19, 6, 2},    // misaligned stride and offset: linear planes are gathered
    {61, 33, 2, 0},    // RGB565 stride 124 is aligned, 32-bit stride 246 is not
    {1100, 70, 6, 2},  // gathered in several bands of rows
};

SurfaceSpec spec_for(std::uint32_t fourcc, std::uint64_t modifier, const Geometry& g) {
    const auto tiling = find_modifier(modifier)->tiling;
    const std::uint32_t bpp = find_format(fourcc)->bytes_per_pixel;
    const std::uint32_t tile_width = minimum_stride(tiling, 1, 1);
    const std::uint32_t stride =
        minimum_stride(tiling, g.width, bpp) +
        (tiling == Tiling::linear ? g.linear_padding : (g.linear_padding ? tile_width : 0));
    const std::uint64_t offset =
        tiling == Tiling::linear ? g.linear_offset : (g.linear_offset ? 4096 : 0);
    return {.fourcc = fourcc,
            .modifier = modifier,
            .width = g.width,
            .height = g.height,
            .stride = stride,
            .offset = offset};
}

class WholeFrame
    : public testing::TestWithParam<std::tuple<std::uint32_t, std::uint64_t, Geometry>> {};

TEST_P(WholeFrame, EveryPixelConverts) {
    const auto [fourcc, modifier, geometry] = GetParam();
    TestSurface surface(spec_for(fourcc, modifier, geometry));
    surface.fill_pattern();
    ShadowFramebuffer out = filled_output(geometry.width, geometry.height);
    CpuConverter().convert(surface.plane(), DamageRegion(out.bounds()), out);
    expect_converted_only_inside(out, surface.plane(), DamageRegion(out.bounds()));
}

std::string whole_frame_name(
    const testing::TestParamInfo<std::tuple<std::uint32_t, std::uint64_t, Geometry>>& info) {
    const auto& [fourcc, modifier, g] = info.param;
    std::string name = format_name(fourcc) + "_" + modifier_name(modifier) + "_" +
                       std::to_string(g.width) + "x" + std::to_string(g.height) + "_pad" +
                       std::to_string(g.linear_padding) + "_off" + std::to_string(g.linear_offset);
    for (char& c : name) {
        if (c == '-') {
            c = '_';
        }
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(AllFormatsLayoutsAndSizes, WholeFrame,
                         testing::Combine(testing::ValuesIn(all_formats),
                                          testing::ValuesIn(all_modifiers),
                                          testing::ValuesIn(geometries)),
                         whole_frame_name);

// ---- Damage limits the work ----

class DamageLimited : public testing::TestWithParam<std::tuple<std::uint32_t, std::uint64_t>> {
protected:
    TestSurface make_surface(std::uint32_t width, std::uint32_t height) {
        const auto [fourcc, modifier] = GetParam();
        TestSurface surface(
            {.fourcc = fourcc, .modifier = modifier, .width = width, .height = height});
        surface.fill_pattern();
        return surface;
    }
};

TEST_P(DamageLimited, OnlyDamagedPixelsChange) {
    TestSurface surface = make_surface(37, 19);
    ShadowFramebuffer out = filled_output(37, 19);
    const std::vector<Rect> damage = {
        {0, 0, 5, 3},                     // top-left corner
        {33, 16, 10, 10},                 // bottom-right, partly outside
        {-5, 7, 8, 2},                    // left edge, partly outside
        {10, 4, 1, 1},                    // a single pixel
        {12, 5, 20, 3},   {20, 6, 3, 8},  // overlapping
        {200, 200, 5, 5},                 // wholly outside
    };
    CpuConverter().convert(surface.plane(), damage, out);

    DamageRegion expected(damage);
    expected.clip(37, 19);
    expect_converted_only_inside(out, surface.plane(), expected);
}

TEST_P(DamageLimited, AccumulatedDamageConvertsInOneGo) {
    TestSurface surface = make_surface(140, 40);
    DamageRegion pending;
    pending.add(Damage{false, {{0, 0, 16, 16}}}, 140, 40);
    pending.add(Damage{false, {{130, 30, 20, 20}}}, 140, 40);
    pending.add(Damage{false, {{8, 8, 16, 2}}}, 140, 40);
    ShadowFramebuffer out = filled_output(140, 40);
    CpuConverter().convert(surface.plane(), pending, out);
    expect_converted_only_inside(out, surface.plane(), pending);
}

TEST_P(DamageLimited, OutputSmallerThanThePlaneIsClipped) {
    TestSurface surface = make_surface(37, 19);
    ShadowFramebuffer out = filled_output(20, 10);
    CpuConverter().convert(surface.plane(), DamageRegion(Rect{0, 0, 37, 19}), out);
    expect_converted_only_inside(out, surface.plane(), DamageRegion(out.bounds()));
}

TEST_P(DamageLimited, OutputLargerThanThePlaneKeepsTheRest) {
    TestSurface surface = make_surface(37, 19);
    ShadowFramebuffer out = filled_output(50, 30);
    CpuConverter().convert(surface.plane(), DamageRegion(out.bounds()), out);
    expect_converted_only_inside(out, surface.plane(), DamageRegion(Rect{0, 0, 37, 19}));
}

TEST_P(DamageLimited, NoDamageChangesNothing) {
    TestSurface surface = make_surface(37, 19);
    ShadowFramebuffer out = filled_output(37, 19);
    CpuConverter converter;
    converter.convert(surface.plane(), DamageRegion(), out);
    converter.convert(surface.plane(), std::vector<Rect>{{40, 0, 5, 5}, {0, 0, 0, 5}}, out);
    expect_converted_only_inside(out, surface.plane(), DamageRegion());
}

std::string format_modifier_name(
    const testing::TestParamInfo<std::tuple<std::uint32_t, std::uint64_t>>& info) {
    std::string name =
        format_name(std::get<0>(info.param)) + "_" + modifier_name(std::get<1>(info.param));
    for (char& c : name) {
        if (c == '-') {
            c = '_';
        }
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(AllLayouts, DamageLimited,
                         testing::Combine(testing::Values(DRM_FORMAT_XRGB8888, DRM_FORMAT_RGB565),
                                          testing::ValuesIn(all_modifiers)),
                         format_modifier_name);

TEST(CpuConverter, PointerHandedToConsumersStaysPut) {
    TestSurface surface({.fourcc = DRM_FORMAT_XRGB8888, .width = 64, .height = 8});
    ShadowFramebuffer out(64, 8);
    const std::uint32_t* before = out.pixels();
    CpuConverter converter;
    converter.convert(surface.plane(), DamageRegion(out.bounds()), out);
    converter.convert(surface.plane(), DamageRegion(Rect{3, 3, 9, 2}), out);
    EXPECT_EQ(out.pixels(), before);
}

// ---- Invalid planes are rejected before any read ----

struct Invalid {
    const char* what;
    SurfaceSpec spec;
    const char* reason;  // a piece of the expected message
};

const Invalid invalid_planes[] = {
    {"stride too small",
     {.fourcc = DRM_FORMAT_XRGB8888, .width = 37, .height = 19, .stride = 144, .dmabuf_id = 7},
     "shorter than a row"},
    {"buffer too small",
     {.fourcc = DRM_FORMAT_XRGB8888,
      .width = 37,
      .height = 19,
      .buffer_size = 148 * 18 + 100,
      .dmabuf_id = 7},
     "overruns"},
    {"offset past the buffer",
     {.fourcc = DRM_FORMAT_RGB565,
      .width = 8,
      .height = 8,
      .offset = 8192,
      .buffer_size = 4096,
      .dmabuf_id = 7},
     "overruns"},
    {"x-tiled stride not a tile multiple",
     {.fourcc = DRM_FORMAT_XRGB8888,
      .modifier = I915_FORMAT_MOD_X_TILED,
      .width = 100,
      .height = 8,
      .stride = 1000,
      .buffer_size = 16384,
      .dmabuf_id = 7},
     "512-byte tile width"},
    {"y-tiled stride not a tile multiple",
     {.fourcc = DRM_FORMAT_XRGB8888,
      .modifier = I915_FORMAT_MOD_Y_TILED,
      .width = 40,
      .height = 32,
      .stride = 200,
      .buffer_size = 16384,
      .dmabuf_id = 7},
     "128-byte tile width"},
    {"tiled offset not 4 KiB aligned",
     {.fourcc = DRM_FORMAT_XRGB8888,
      .modifier = I915_FORMAT_MOD_Y_TILED,
      .width = 32,
      .height = 32,
      .offset = 64,
      .dmabuf_id = 7},
     "4 KiB aligned"},
    {"tiled buffer without the last tile row",
     {.fourcc = DRM_FORMAT_XRGB8888,
      .modifier = I915_FORMAT_MOD_X_TILED,
      .width = 128,
      .height = 9,
      .buffer_size = 4096 + 512,
      .dmabuf_id = 7},
     "overruns"},
    {"empty plane",
     {.fourcc = DRM_FORMAT_XRGB8888,
      .width = 0,
      .height = 19,
      .stride = 64,
      .buffer_size = 4096,
      .dmabuf_id = 7},
     "empty surface"},
    {"unsupported format",
     {.fourcc = DRM_FORMAT_NV12, .width = 16, .height = 16, .dmabuf_id = 7},
     "unsupported format"},
    {"unsupported modifier",
     {.fourcc = DRM_FORMAT_XRGB8888,
      .modifier = I915_FORMAT_MOD_Yf_TILED,
      .width = 16,
      .height = 16,
      .dmabuf_id = 7},
     "unsupported modifier"},
};

class InvalidPlane : public testing::TestWithParam<Invalid> {};

TEST_P(InvalidPlane, IsRejectedWithContextAndOutputUntouched) {
    const Invalid& invalid = GetParam();
    TestSurface surface(invalid.spec);
    ShadowFramebuffer out = filled_output(64, 64);
    try {
        CpuConverter().convert(surface.plane(), DamageRegion(out.bounds()), out);
        FAIL() << invalid.what << ": accepted";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("primary plane"), std::string::npos) << message;
        EXPECT_NE(message.find("dmabuf_id 7"), std::string::npos) << message;
        EXPECT_NE(message.find(format_name(invalid.spec.fourcc)), std::string::npos) << message;
        EXPECT_NE(message.find(modifier_name(invalid.spec.modifier)), std::string::npos) << message;
        EXPECT_NE(message.find(invalid.reason), std::string::npos) << message;
    }
    expect_converted_only_inside(out, surface.plane(), DamageRegion());
}

std::string invalid_name(const testing::TestParamInfo<Invalid>& param_info) {
    std::string name = param_info.param.what;
    for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) {
            c = '_';
        }
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Geometry, InvalidPlane, testing::ValuesIn(invalid_planes), invalid_name);

TEST(CpuConverter, PlaneWithoutBufferIsRejected) {
    Plane plane;
    plane.kind = PlaneKind::cursor;
    plane.fourcc = DRM_FORMAT_ARGB8888;
    plane.width = plane.height = 64;
    plane.stride = 256;
    plane.dmabuf_id = 9;
    ShadowFramebuffer out(64, 64);
    try {
        CpuConverter().convert(plane, DamageRegion(out.bounds()), out);
        FAIL() << "accepted";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("cursor plane (dmabuf_id 9, ARGB8888, linear"), std::string::npos)
            << message;
        EXPECT_NE(message.find("no buffer"), std::string::npos) << message;
    }
}

class ExactlySizedLinearBuffer : public testing::TestWithParam<std::uint32_t> {};

TEST_P(ExactlySizedLinearBuffer, IsEnoughAndNotOverread) {
    // check_surface lets a linear plane's last row stop at its last pixel.
    // The surface ends at the end of a one-page buffer, so a read past it faults.
    const std::uint32_t width = GetParam();
    const std::uint32_t stride = 80;
    const std::uint64_t surface_bytes = std::uint64_t{stride} * 18 + width * 2;
    TestSurface surface({.fourcc = DRM_FORMAT_RGB565,
                         .width = width,
                         .height = 19,
                         .stride = stride,
                         .offset = 4096 - surface_bytes,
                         .buffer_size = 4096});
    surface.fill_pattern();
    ShadowFramebuffer out = filled_output(width, 19);
    CpuConverter().convert(surface.plane(), DamageRegion(out.bounds()), out);
    expect_converted_only_inside(out, surface.plane(), DamageRegion(out.bounds()));
}

// Width 38 puts the surface at a word-aligned offset (read in place), 37 at
// an odd one (gathered).
INSTANTIATE_TEST_SUITE_P(InPlaceAndGathered, ExactlySizedLinearBuffer, testing::Values(38u, 37u));

}  // namespace
}  // namespace fbx
