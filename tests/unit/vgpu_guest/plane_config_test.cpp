#include "plane_config.hpp"

#include <drm_fourcc.h>

#include <gtest/gtest.h>

namespace vgpu {
namespace {

TEST(PlaneConfig, StridesFollowTheDeviceAlignment) {
    const auto rgb565 = *fbx::find_format(DRM_FORMAT_RGB565);
    const auto xrgb = *fbx::find_format(DRM_FORMAT_XRGB8888);
    EXPECT_EQ(valid_stride(rgb565, fbx::Tiling::linear, 3), 8u);  // 6 bytes -> 4-byte multiple
    EXPECT_EQ(valid_stride(xrgb, fbx::Tiling::linear, 640), 2560u);
    EXPECT_EQ(valid_stride(xrgb, fbx::Tiling::intel_x, 100), 512u);
    EXPECT_EQ(valid_stride(xrgb, fbx::Tiling::intel_y, 100), 512u);
    EXPECT_EQ(valid_stride(rgb565, fbx::Tiling::intel_y, 65), 256u);
}

TEST(PlaneConfig, SurfaceBytesAreWholeTileRowsAndPages) {
    EXPECT_EQ(surface_bytes(fbx::Tiling::linear, 2560, 480), 2560u * 480);
    EXPECT_EQ(surface_bytes(fbx::Tiling::linear, 8, 3), 4096u);
    EXPECT_EQ(surface_bytes(fbx::Tiling::intel_x, 512, 9), 512u * 16);
    EXPECT_EQ(surface_bytes(fbx::Tiling::intel_y, 128, 1), 4096u);
}

TEST(PlaneConfig, MakePlaneAndDescribe) {
    const auto plane = make_plane(*fbx::find_format(DRM_FORMAT_XRGB8888),
                                  *fbx::find_modifier(I915_FORMAT_MOD_X_TILED), 640, 480, 0x10000);
    EXPECT_TRUE(plane.enable);
    EXPECT_EQ(plane.stride, 2560u);
    EXPECT_EQ(describe(plane), "XRGB8888 x-tiled 640x480 stride 2560 at 0x10000");
    std::uint8_t byte = 0;
    EXPECT_TRUE(plane_surface(plane, &byte, 1).has_value());
    PlaneConfig bad = plane;
    bad.format = 0x12345678;
    EXPECT_FALSE(plane_surface(bad, &byte, 1).has_value());
}

}  // namespace
}  // namespace vgpu
