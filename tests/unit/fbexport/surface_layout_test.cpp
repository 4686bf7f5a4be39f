#include "fbexport/surface_layout.hpp"

#include <drm_fourcc.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>

namespace fbx {
namespace {

const PixelFormat xrgb = *find_format(DRM_FORMAT_XRGB8888);

TEST(SurfaceLayout, LinearOffsets) {
    const SurfaceLayout layout(Tiling::linear, 100, 3);
    EXPECT_EQ(layout.byte_offset(12, 3), 312u);
    EXPECT_EQ(layout.contiguous_bytes(12), 88u);
    EXPECT_EQ(layout.size_bytes(), 300u);
}

TEST(SurfaceLayout, XTiledOffsetsByHand) {
    const SurfaceLayout layout(Tiling::intel_x, 1024, 9);  // two tiles per tile row
    EXPECT_EQ(layout.byte_offset(0, 1), 512u);
    EXPECT_EQ(layout.byte_offset(511, 0), 511u);
    EXPECT_EQ(layout.byte_offset(512, 0), 4096u);
    EXPECT_EQ(layout.byte_offset(0, 8), 8192u);
    // Tile 1*2+1 = 3, row 2 inside it, byte 88.
    EXPECT_EQ(layout.byte_offset(600, 10), 3u * 4096 + 2 * 512 + 88);
    EXPECT_EQ(layout.contiguous_bytes(600), 424u);
    EXPECT_EQ(layout.size_bytes(), 16u * 1024);  // 9 rows round up to two tile rows
}

TEST(SurfaceLayout, YTiledOffsetsByHand) {
    const SurfaceLayout layout(Tiling::intel_y, 256, 33);  // two tiles per tile row
    EXPECT_EQ(layout.byte_offset(0, 1), 16u);
    EXPECT_EQ(layout.byte_offset(15, 31), 31u * 16 + 15);
    EXPECT_EQ(layout.byte_offset(16, 0), 512u);
    EXPECT_EQ(layout.byte_offset(128, 0), 4096u);
    EXPECT_EQ(layout.byte_offset(0, 32), 8192u);
    // Tile 1*2+1 = 3, 16-byte column 1, row 8, byte 6.
    EXPECT_EQ(layout.byte_offset(150, 40), 3u * 4096 + 512 + 8 * 16 + 6);
    EXPECT_EQ(layout.contiguous_bytes(150), 10u);
    EXPECT_EQ(layout.size_bytes(), 64u * 256);
}

TEST(SurfaceLayout, TiledLayoutsAreOneToOneOverTheirSize) {
    for (Tiling tiling : {Tiling::intel_x, Tiling::intel_y}) {
        const std::uint32_t stride = 1024;
        const std::uint32_t height = 64;
        const SurfaceLayout layout(tiling, stride, height);
        std::set<std::size_t> seen;
        for (std::uint32_t y = 0; y < height; ++y) {
            for (std::uint32_t x = 0; x < stride; x += 4) {
                const std::size_t offset = layout.byte_offset(x, y);
                EXPECT_LT(offset, layout.size_bytes());
                EXPECT_TRUE(seen.insert(offset).second);
            }
        }
    }
}

TEST(SurfaceLayout, MinimumStride) {
    EXPECT_EQ(minimum_stride(Tiling::linear, 1920, 4), 7680u);
    EXPECT_EQ(minimum_stride(Tiling::intel_x, 1000, 4), 4096u);
    EXPECT_EQ(minimum_stride(Tiling::intel_y, 1000, 4), 4096u);
    EXPECT_EQ(minimum_stride(Tiling::intel_y, 100, 2), 256u);
    EXPECT_EQ(minimum_stride(Tiling::intel_x, 128, 4), 512u);
}

TEST(CheckSurface, AcceptsValidSurfaces) {
    EXPECT_EQ(check_surface(xrgb, Tiling::linear, 100, 10, 400, 0, 4000), "");
    // A linear surface needs only one row's pixels of its last row.
    EXPECT_EQ(check_surface(xrgb, Tiling::linear, 100, 10, 512, 0, 9 * 512 + 400), "");
    EXPECT_EQ(check_surface(xrgb, Tiling::intel_x, 100, 10, 512, 4096, 4096 + 16 * 512), "");
    EXPECT_EQ(check_surface(xrgb, Tiling::intel_y, 100, 10, 512, 0, 32 * 512), "");
}

TEST(CheckSurface, RejectsShortStride) {
    EXPECT_NE(check_surface(xrgb, Tiling::linear, 100, 10, 399, 0, 1 << 20), "");
}

TEST(CheckSurface, RejectsStrideOffTileWidth) {
    EXPECT_NE(check_surface(xrgb, Tiling::intel_x, 100, 10, 600, 0, 1 << 20), "");
    EXPECT_NE(check_surface(xrgb, Tiling::intel_y, 100, 10, 400, 0, 1 << 20), "");
}

TEST(CheckSurface, RejectsEmptySurfaces) {
    EXPECT_NE(check_surface(xrgb, Tiling::linear, 0, 10, 400, 0, 1 << 20), "");
    EXPECT_NE(check_surface(xrgb, Tiling::linear, 100, 0, 400, 0, 1 << 20), "");
}

TEST(CheckSurface, RejectsOverruns) {
    EXPECT_NE(check_surface(xrgb, Tiling::linear, 100, 10, 400, 1, 4000), "");
    EXPECT_NE(check_surface(xrgb, Tiling::intel_y, 100, 10, 512, 0, 32 * 512 - 1), "");
    EXPECT_NE(check_surface(xrgb, Tiling::intel_x, 100, 10, 512, 8192, 8192 + 16 * 512 - 1), "");
}

TEST(CheckSurface, RejectsOffsetsThatWouldOverflow) {
    constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    EXPECT_NE(check_surface(xrgb, Tiling::linear, 100, 10, 400, max - 10, 4000), "");
    EXPECT_NE(check_surface(xrgb, Tiling::linear, 100, 10, 400, max, max), "");
    EXPECT_NE(check_surface(xrgb, Tiling::linear, 100, 10, 400, max - 3999, max), "");
    EXPECT_NE(check_surface(xrgb, Tiling::intel_y, 100, 10, 512, max - 4095, max), "");
    // Largest geometry with a buffer that is only just too small.
    EXPECT_NE(
        check_surface(xrgb, Tiling::linear, 0xffffffffu / 4, 0xffffffffu, 0xfffffffcu, 0, max / 2),
        "");
}

TEST(CheckSurface, RejectsUnalignedTiledOffset) {
    EXPECT_NE(check_surface(xrgb, Tiling::intel_y, 100, 10, 512, 100, 1 << 20), "");
}

}  // namespace
}  // namespace fbx
