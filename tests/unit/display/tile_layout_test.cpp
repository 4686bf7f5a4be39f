// The converter trusts fbx::SurfaceLayout for the Intel tile address math;
// these pin that math to hand-computed offsets and to the tests' own encoder.
#include <gtest/gtest.h>

#include "fbexport/surface_layout.hpp"
#include "test_surface.hpp"

namespace fbx {
namespace {

TEST(TileLayout, XTiledOffsetsMatchHandComputedValues) {
    const SurfaceLayout x_tiled(Tiling::intel_x, 1024, 16);  // two tiles per tile row
    EXPECT_EQ(x_tiled.byte_offset(0, 0), 0u);
    EXPECT_EQ(x_tiled.byte_offset(511, 0), 511u);
    EXPECT_EQ(x_tiled.byte_offset(0, 1), 512u);     // next row inside the tile
    EXPECT_EQ(x_tiled.byte_offset(512, 0), 4096u);  // second tile
    EXPECT_EQ(x_tiled.byte_offset(0, 8), 8192u);    // second tile row
    EXPECT_EQ(x_tiled.byte_offset(516, 9), 3 * 4096u + 512 + 4);
    EXPECT_EQ(x_tiled.contiguous_bytes(500), 12u);
}

TEST(TileLayout, YTiledOffsetsMatchHandComputedValues) {
    const SurfaceLayout y_tiled(Tiling::intel_y, 256, 64);  // two tiles per tile row
    EXPECT_EQ(y_tiled.byte_offset(0, 0), 0u);
    EXPECT_EQ(y_tiled.byte_offset(15, 0), 15u);
    EXPECT_EQ(y_tiled.byte_offset(0, 1), 16u);      // columns are 16 bytes wide
    EXPECT_EQ(y_tiled.byte_offset(16, 0), 512u);    // next column: after 32 rows of 16
    EXPECT_EQ(y_tiled.byte_offset(128, 0), 4096u);  // second tile
    EXPECT_EQ(y_tiled.byte_offset(0, 32), 8192u);   // second tile row
    EXPECT_EQ(y_tiled.byte_offset(36, 3), 2 * 512u + 3 * 16 + 4);
    EXPECT_EQ(y_tiled.contiguous_bytes(36), 12u);
}

TEST(TileLayout, LayoutAgreesWithTheTestEncoderEverywhere) {
    for (const Tiling tiling : {Tiling::linear, Tiling::intel_x, Tiling::intel_y}) {
        const std::uint32_t stride = tiling == Tiling::linear ? 1000 : 1536;
        const SurfaceLayout layout(tiling, stride, 70);
        for (std::uint32_t y = 0; y < 70; ++y) {
            for (std::uint32_t x = 0; x < stride; x += 4) {
                ASSERT_EQ(layout.byte_offset(x, y), test::tiled_byte_offset(tiling, stride, x, y))
                    << "tiling " << static_cast<int>(tiling) << " x_bytes " << x << " y " << y;
            }
        }
    }
}

}  // namespace
}  // namespace fbx
