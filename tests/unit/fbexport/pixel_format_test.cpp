#include "fbexport/pixel_format.hpp"

#include <drm_fourcc.h>
#include <gtest/gtest.h>

namespace fbx {
namespace {

TEST(PixelFormat, FindsEveryListedFormatByFourccAndName) {
    ASSERT_EQ(supported_formats().size(), 6u);
    for (const PixelFormat& f : supported_formats()) {
        ASSERT_TRUE(find_format(f.fourcc));
        EXPECT_EQ(find_format(f.fourcc)->name, f.name);
        ASSERT_TRUE(find_format(f.name));
        EXPECT_EQ(find_format(f.name)->fourcc, f.fourcc);
        EXPECT_EQ(format_name(f.fourcc), f.name);
    }
}

TEST(PixelFormat, KnowsSizesAndAlpha) {
    EXPECT_EQ(find_format(DRM_FORMAT_RGB565)->bytes_per_pixel, 2u);
    EXPECT_EQ(find_format(DRM_FORMAT_XRGB2101010)->bytes_per_pixel, 4u);
    EXPECT_TRUE(find_format(DRM_FORMAT_ARGB8888)->has_alpha);
    EXPECT_TRUE(find_format(DRM_FORMAT_ABGR8888)->has_alpha);
    EXPECT_FALSE(find_format(DRM_FORMAT_XBGR8888)->has_alpha);
}

TEST(PixelFormat, NamesIgnoreCase) {
    ASSERT_TRUE(find_format("xrgb8888"));
    EXPECT_EQ(find_format("xrgb8888")->fourcc, DRM_FORMAT_XRGB8888);
    ASSERT_TRUE(find_format("Rgb565"));
    EXPECT_EQ(find_format("Rgb565")->fourcc, DRM_FORMAT_RGB565);
    ASSERT_TRUE(find_modifier("Y-TILED"));
    EXPECT_EQ(find_modifier("Y-TILED")->value, I915_FORMAT_MOD_Y_TILED);
}

TEST(PixelFormat, UnknownFormatsAreNotFound) {
    EXPECT_FALSE(find_format(DRM_FORMAT_YUYV));
    EXPECT_FALSE(find_format("YUYV"));
    EXPECT_FALSE(find_format(""));
    EXPECT_FALSE(find_format("XRGB88888"));
    EXPECT_EQ(format_name(DRM_FORMAT_YUYV), "YUYV");
    EXPECT_EQ(format_name(0x01020304), "????");
}

TEST(PixelFormat, Modifiers) {
    EXPECT_EQ(find_modifier(DRM_FORMAT_MOD_LINEAR)->tiling, Tiling::linear);
    EXPECT_EQ(find_modifier(I915_FORMAT_MOD_X_TILED)->tiling, Tiling::intel_x);
    EXPECT_EQ(find_modifier(I915_FORMAT_MOD_Y_TILED)->tiling, Tiling::intel_y);
    EXPECT_EQ(find_modifier("linear")->value, DRM_FORMAT_MOD_LINEAR);
    EXPECT_EQ(modifier_name(I915_FORMAT_MOD_X_TILED), "x-tiled");
    EXPECT_FALSE(find_modifier(I915_FORMAT_MOD_Yf_TILED));
    EXPECT_FALSE(find_modifier("z-tiled"));
    EXPECT_EQ(modifier_name(0x1234), "0x0000000000001234");
}

}  // namespace
}  // namespace fbx
