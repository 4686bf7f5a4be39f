#include "display/cursor_image.hpp"

#include <drm_fourcc.h>
#include <gtest/gtest.h>

#include <climits>

#include "fbexport/error.hpp"
#include "test_surface.hpp"

namespace fbx {
namespace {

using test::TestSurface;

constexpr std::uint32_t rgb_mask = 0x00ffffff;

TEST(ConvertCursor, KeepsPremultipliedArgbAndTheHotspot) {
    TestSurface surface(
        {.fourcc = DRM_FORMAT_ARGB8888, .width = 64, .height = 64, .kind = PlaneKind::cursor});
    surface.plane().hot_x = 5;
    surface.plane().hot_y = 7;
    surface.fill_pattern();
    surface.set_raw(0, 0, 0x00000000);
    surface.set_raw(1, 0, 0x80400000);
    surface.set_raw(63, 63, 0xff00ff00);

    const CursorImage cursor = convert_cursor(surface.plane());
    EXPECT_EQ(cursor.width, 64u);
    EXPECT_EQ(cursor.height, 64u);
    EXPECT_EQ(cursor.hot_x, 5u);
    EXPECT_EQ(cursor.hot_y, 7u);
    ASSERT_EQ(cursor.argb.size(), 64u * 64);
    EXPECT_EQ(cursor.at(0, 0), 0x00000000u);
    EXPECT_EQ(cursor.at(1, 0), 0x80400000u);
    EXPECT_EQ(cursor.at(63, 63), 0xff00ff00u);
    EXPECT_EQ(cursor.at(10, 20), test::pattern_pixel(DRM_FORMAT_ARGB8888, 10, 20));
}

struct CursorGolden {
    std::uint32_t fourcc;
    std::uint64_t modifier;
    std::uint32_t raw;
    std::uint32_t argb;
};

class ConvertCursorFormat : public testing::TestWithParam<CursorGolden> {};

TEST_P(ConvertCursorFormat, GivesPremultipliedArgb) {
    const CursorGolden& golden = GetParam();
    TestSurface surface({.fourcc = golden.fourcc,
                         .modifier = golden.modifier,
                         .width = 64,
                         .height = 64,
                         .kind = PlaneKind::cursor});
    surface.fill_pattern();
    surface.set_raw(33, 17, golden.raw);
    const CursorImage cursor = convert_cursor(surface.plane());
    EXPECT_EQ(cursor.at(33, 17), golden.argb) << std::hex << "0x" << golden.raw;
    // Every other pixel lands where it belongs, whatever the layout.
    EXPECT_EQ(cursor.at(32, 17) & rgb_mask,
              test::expected_rgb(golden.fourcc, test::pattern_pixel(golden.fourcc, 32, 17)));
    EXPECT_EQ(cursor.at(63, 63) & rgb_mask,
              test::expected_rgb(golden.fourcc, test::pattern_pixel(golden.fourcc, 63, 63)));
}

INSTANTIATE_TEST_SUITE_P(
    Formats, ConvertCursorFormat,
    testing::Values(
        CursorGolden{DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR, 0x00123456, 0xff123456},
        CursorGolden{DRM_FORMAT_ABGR8888, DRM_FORMAT_MOD_LINEAR, 0x80004080, 0x80804000},
        CursorGolden{DRM_FORMAT_XBGR8888, I915_FORMAT_MOD_Y_TILED, 0x00563412, 0xff123456},
        CursorGolden{DRM_FORMAT_RGB565, DRM_FORMAT_MOD_LINEAR, 0xf800, 0xffff0000},
        CursorGolden{DRM_FORMAT_XRGB2101010, DRM_FORMAT_MOD_LINEAR, 0x3ff80001, 0xffff8000},
        CursorGolden{DRM_FORMAT_ARGB8888, I915_FORMAT_MOD_X_TILED, 0x40102030, 0x40102030}));

TEST(ConvertCursor, RejectsAnInvalidPlaneWithContext) {
    TestSurface surface({.fourcc = DRM_FORMAT_ARGB8888,
                         .width = 64,
                         .height = 64,
                         .stride = 128,
                         .dmabuf_id = 4,
                         .kind = PlaneKind::cursor});
    try {
        convert_cursor(surface.plane());
        FAIL() << "accepted";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("cursor plane (dmabuf_id 4, ARGB8888, linear"), std::string::npos)
            << message;
    }
}

CursorImage two_by_two() {
    // opaque blue, transparent, half-transparent red (premultiplied), opaque green
    return {.width = 2, .height = 2, .argb = {0xff0000ff, 0x00000000, 0x80400000, 0xff00ff00}};
}

ShadowFramebuffer white(std::uint32_t width, std::uint32_t height) {
    ShadowFramebuffer fb(width, height);
    fb.fill(0x00ffffff);
    return fb;
}

TEST(ComposeCursor, BlendsOverTheFramebuffer) {
    ShadowFramebuffer fb = white(4, 4);
    compose_cursor(two_by_two(), 1, 1, fb);
    EXPECT_EQ(fb.at(1, 1) & rgb_mask, 0x0000ffu);
    EXPECT_EQ(fb.at(2, 1) & rgb_mask, 0xffffffu);
    // OVER: 0x40 + 0xff * (255 - 0x80) / 255 = 0x40 + 0x7f; 0xff * 0x7f / 255 = 0x7f.
    EXPECT_EQ(fb.at(1, 2) & rgb_mask, 0xbf7f7fu);
    EXPECT_EQ(fb.at(2, 2) & rgb_mask, 0x00ff00u);
    for (std::uint32_t i = 0; i < 4; ++i) {
        EXPECT_EQ(fb.at(i, 0), 0x00ffffffu);
        EXPECT_EQ(fb.at(0, i), 0x00ffffffu);
        EXPECT_EQ(fb.at(i, 3), 0x00ffffffu);
        EXPECT_EQ(fb.at(3, i), 0x00ffffffu);
    }
}

TEST(ComposeCursor, ClipsAtTheTopLeft) {
    ShadowFramebuffer fb = white(4, 4);
    compose_cursor(two_by_two(), -1, -1, fb);
    EXPECT_EQ(fb.at(0, 0) & rgb_mask, 0x00ff00u);  // the cursor's bottom-right pixel
    EXPECT_EQ(fb.at(1, 0), 0x00ffffffu);
    EXPECT_EQ(fb.at(0, 1), 0x00ffffffu);
}

TEST(ComposeCursor, ClipsAtTheBottomRight) {
    ShadowFramebuffer fb = white(4, 4);
    compose_cursor(two_by_two(), 3, 3, fb);
    EXPECT_EQ(fb.at(3, 3) & rgb_mask, 0x0000ffu);  // the cursor's top-left pixel
    EXPECT_EQ(fb.at(2, 3), 0x00ffffffu);
    EXPECT_EQ(fb.at(3, 2), 0x00ffffffu);
}

TEST(ComposeCursor, FarOutsideChangesNothing) {
    ShadowFramebuffer fb = white(4, 4);
    for (const auto& [x, y] :
         {std::pair{4, 0}, std::pair{0, 4}, std::pair{-2, 0}, std::pair{INT32_MAX, INT32_MAX},
          std::pair{INT32_MIN, INT32_MIN}, std::pair{INT32_MAX - 1, 0}}) {
        compose_cursor(two_by_two(), x, y, fb);
    }
    for (std::uint32_t y = 0; y < 4; ++y) {
        for (std::uint32_t x = 0; x < 4; ++x) {
            EXPECT_EQ(fb.at(x, y), 0x00ffffffu) << x << "," << y;
        }
    }
}

TEST(ComposeCursor, ConvertedCursorComposesOntoAScreenshot) {
    TestSurface surface({.fourcc = DRM_FORMAT_ARGB8888,
                         .modifier = I915_FORMAT_MOD_X_TILED,
                         .width = 64,
                         .height = 64,
                         .kind = PlaneKind::cursor});
    for (std::uint32_t y = 0; y < 64; ++y) {
        for (std::uint32_t x = 0; x < 64; ++x) {
            surface.set_raw(x, y, x < 32 ? 0xffff0000 : 0x00000000);
        }
    }
    ShadowFramebuffer fb = white(100, 50);
    compose_cursor(convert_cursor(surface.plane()), 60, 10, fb);
    EXPECT_EQ(fb.at(60, 10) & rgb_mask, 0xff0000u);
    EXPECT_EQ(fb.at(91, 49) & rgb_mask, 0xff0000u);
    EXPECT_EQ(fb.at(92, 10), 0x00ffffffu);
    EXPECT_EQ(fb.at(59, 10), 0x00ffffffu);
    EXPECT_EQ(fb.at(60, 9), 0x00ffffffu);
}

}  // namespace
}  // namespace fbx
