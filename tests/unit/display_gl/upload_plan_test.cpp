// Which bytes the GL path uploads for a damage: whole tile rows, merged,
// split to fit one texture; needs no GL.

#include "gl/upload_plan.hpp"

#include <gtest/gtest.h>

#include "fbexport/error.hpp"

namespace fbx::gl {
namespace {

TEST(UploadPlan, TiledDamageWidensToWholeTileRowsAndMergesTouchingRuns) {
    const SurfaceLayout x_tiled(Tiling::intel_x, 4096, 100);
    // Rows 3..4 and 12..13 need tile rows 0..8 and 8..16: touching, one band.
    const std::vector<Rect> damage{{10, 3, 5, 2}, {0, 12, 4, 2}, {0, 90, 1000, 10}};
    const auto bands = plan_uploads(x_tiled, 4, 1000, 100, damage, 1 << 20);
    ASSERT_EQ(bands.size(), 2u);
    EXPECT_EQ(bands[0].first_row, 0u);
    EXPECT_EQ(bands[0].end_row, 16u);
    EXPECT_EQ(bands[0].begin_byte, 0u);
    EXPECT_EQ(bands[0].end_byte, 16u * 4096);
    EXPECT_EQ(bands[0].rects.size(), 2u);
    // Rows 90..99: tile rows 88..104, past the 100-row height (whole tiles exist).
    EXPECT_EQ(bands[1].first_row, 88u);
    EXPECT_EQ(bands[1].end_row, 104u);
    EXPECT_EQ(bands[1].end_byte, 104u * 4096);
    ASSERT_EQ(bands[1].rects.size(), 1u);
    EXPECT_EQ(bands[1].rects[0], (Rect{0, 90, 1000, 10}));
}

TEST(UploadPlan, YTiledBandsAre32RowsHigh) {
    const SurfaceLayout y_tiled(Tiling::intel_y, 1024, 64);
    const std::vector<Rect> damage{{0, 31, 1, 2}};
    const auto bands = plan_uploads(y_tiled, 4, 256, 64, damage, 1 << 20);
    ASSERT_EQ(bands.size(), 1u);
    EXPECT_EQ(bands[0].first_row, 0u);
    EXPECT_EQ(bands[0].end_row, 64u);
}

TEST(UploadPlan, LinearLastRowEndsAtItsLastPixel) {
    const SurfaceLayout linear(Tiling::linear, 1000, 50);
    const std::vector<Rect> damage{{0, 10, 5, 40}};
    const auto bands = plan_uploads(linear, 2, 300, 50, damage, 1 << 20);
    ASSERT_EQ(bands.size(), 1u);
    EXPECT_EQ(bands[0].begin_byte, 10u * 1000);
    EXPECT_EQ(bands[0].end_byte, 49u * 1000 + 600);
}

TEST(UploadPlan, LargeDamageIsSplitToFitOneUpload) {
    const SurfaceLayout x_tiled(Tiling::intel_x, 8192, 2160);
    const std::vector<Rect> damage{{0, 0, 2048, 2160}};
    const std::uint64_t max = 8192 * 8 * 10 + 100;  // ten tile rows and a bit
    const auto bands = plan_uploads(x_tiled, 4, 2048, 2160, damage, max);
    ASSERT_EQ(bands.size(), 27u);  // 270 tile rows
    std::uint32_t row = 0;
    for (const auto& band : bands) {
        EXPECT_EQ(band.first_row, row);
        EXPECT_LE(band.end_byte - band.begin_byte, max);
        ASSERT_EQ(band.rects.size(), 1u);
        EXPECT_EQ(band.rects[0].y, static_cast<std::int32_t>(row));
        row = band.end_row;
    }
    EXPECT_EQ(row, 2160u);
}

TEST(UploadPlan, ATileRowLargerThanAnUploadIsAnError) {
    const SurfaceLayout y_tiled(Tiling::intel_y, 1 << 20, 64);
    const std::vector<Rect> damage{{0, 0, 1, 1}};
    EXPECT_THROW(plan_uploads(y_tiled, 4, 1000, 64, damage, 1 << 20), Error);
}

}  // namespace
}  // namespace fbx::gl
