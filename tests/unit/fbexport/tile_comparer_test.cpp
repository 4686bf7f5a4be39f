#include "fbexport/tile_comparer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "fbexport/error.hpp"
#include "fbexport/surface_layout.hpp"

namespace fbx {
namespace {

// A surface in plain memory whose pixels are set through the layout's
// address math, as a guest driver writes them.
struct Surface {
    TileGeometry geometry;
    std::vector<std::uint8_t> bytes;

    Surface(Tiling tiling, std::uint32_t width, std::uint32_t height, std::uint32_t stride,
            std::uint32_t bpp = 4)
        : geometry{tiling, width, height, stride, bpp},
          bytes(SurfaceLayout(tiling, stride, height).size_bytes(), 0) {}

    void set(std::uint32_t x, std::uint32_t y, std::uint8_t value) {
        const SurfaceLayout layout(geometry.tiling, geometry.stride, geometry.height);
        for (std::uint32_t b = 0; b < geometry.bytes_per_pixel; ++b) {
            bytes[layout.byte_offset(x * geometry.bytes_per_pixel + b, y)] = value;
        }
    }
    void fill(const Rect& r, std::uint8_t value) {
        for (std::int32_t y = r.y; y < r.bottom(); ++y) {
            for (std::int32_t x = r.x; x < r.right(); ++x) {
                set(std::uint32_t(x), std::uint32_t(y), value);
            }
        }
    }
};

// The comparer's first look, which is always full damage.
void first_look(TileComparer& comparer, const Surface& s) {
    ASSERT_TRUE(comparer.compare(s.geometry, s.bytes).full);
}

TEST(TileComparer, FirstLookIsFullThenNothingWhileUnchanged) {
    Surface s(Tiling::linear, 200, 100, 800);
    TileComparer comparer;
    const Damage first = comparer.compare(s.geometry, s.bytes);
    EXPECT_TRUE(first.full);
    EXPECT_EQ(comparer.damaged_tiles(), 4u * 2u);
    const Damage again = comparer.compare(s.geometry, s.bytes);
    EXPECT_TRUE(again.empty());
    EXPECT_EQ(comparer.damaged_tiles(), 0u);
}

TEST(TileComparer, OnePixelDamagesItsTile) {
    Surface s(Tiling::linear, 640, 480, 640 * 4);
    TileComparer comparer;
    first_look(comparer, s);
    s.set(100, 70, 0xff);
    const Damage d = comparer.compare(s.geometry, s.bytes);
    EXPECT_FALSE(d.full);
    EXPECT_EQ(d.rects, (std::vector<Rect>{{64, 64, 64, 64}}));
    EXPECT_TRUE(comparer.compare(s.geometry, s.bytes).empty()) << "the copy was refreshed";
}

TEST(TileComparer, ARectangleIsCoveredByTheTilesItTouches) {
    Surface s(Tiling::linear, 640, 480, 640 * 4);
    TileComparer comparer;
    first_look(comparer, s);
    s.fill({100, 80, 64, 48}, 0x80);  // x 100..163, y 80..127: tiles 1..2 x 1
    const Damage d = comparer.compare(s.geometry, s.bytes);
    EXPECT_EQ(d.rects, (std::vector<Rect>{{64, 64, 128, 64}}));
    EXPECT_EQ(comparer.damaged_tiles(), 2u);
}

TEST(TileComparer, RowsOfEqualRunsMergeDownwardsOthersStaySeparate) {
    Surface s(Tiling::linear, 640, 480, 640 * 4);
    TileComparer comparer;
    first_look(comparer, s);
    s.set(5, 5, 1);
    s.set(5, 70, 1);    // same column, next tile row: one rectangle
    s.set(300, 70, 1);  // another column
    const Damage d = comparer.compare(s.geometry, s.bytes);
    EXPECT_EQ(d.rects, (std::vector<Rect>{{0, 0, 64, 128}, {256, 64, 64, 64}}));
}

TEST(TileComparer, EdgeTilesAreClippedToTheSurface) {
    Surface s(Tiling::linear, 100, 70, 512);
    TileComparer comparer;
    first_look(comparer, s);
    s.set(99, 69, 7);
    EXPECT_EQ(comparer.compare(s.geometry, s.bytes).rects, (std::vector<Rect>{{64, 64, 36, 6}}));
}

TEST(TileComparer, StridePaddingIsNotDamage) {
    Surface s(Tiling::linear, 100, 70, 512);
    TileComparer comparer;
    first_look(comparer, s);
    s.bytes[10 * 512 + 400] = 9;  // beyond the 400 bytes of pixels in row 10
    EXPECT_TRUE(comparer.compare(s.geometry, s.bytes).empty());
}

TEST(TileComparer, EverythingChangedIsFullDamage) {
    Surface s(Tiling::linear, 130, 70, 130 * 4);
    TileComparer comparer;
    first_look(comparer, s);
    s.fill({0, 0, 130, 70}, 3);
    EXPECT_TRUE(comparer.compare(s.geometry, s.bytes).full);
}

TEST(TileComparer, NewGeometryOrResetIsFullDamage) {
    Surface s(Tiling::linear, 640, 480, 640 * 4);
    TileComparer comparer;
    first_look(comparer, s);
    TileGeometry narrower = s.geometry;
    narrower.width = 600;
    EXPECT_TRUE(comparer.compare(narrower, s.bytes).full);
    EXPECT_TRUE(comparer.compare(narrower, s.bytes).empty());
    TileGeometry other_format = narrower;
    other_format.bytes_per_pixel = 2;
    EXPECT_TRUE(comparer.compare(other_format, s.bytes).full);
    comparer.reset();
    EXPECT_TRUE(comparer.compare(other_format, s.bytes).full);
}

// An X tile holds 128 XRGB8888 pixels x 8 rows: a pixel damages the
// comparison tiles its 4 KiB block overlaps, here two side by side.
TEST(TileComparer, XTiledPixelDamagesTheTilesOfItsBlock) {
    Surface s(Tiling::intel_x, 300, 100, 1536);  // three X tiles across
    TileComparer comparer;
    first_look(comparer, s);
    s.set(140, 90, 0x55);  // block 1 (x 128..255), rows 88..95
    EXPECT_EQ(comparer.compare(s.geometry, s.bytes).rects, (std::vector<Rect>{{128, 64, 128, 36}}));
}

// A Y tile holds 32 XRGB8888 pixels x 32 rows: inside one comparison tile.
TEST(TileComparer, YTiledPixelDamagesOneTile) {
    Surface s(Tiling::intel_y, 256, 128, 1024);
    TileComparer comparer;
    first_look(comparer, s);
    s.set(200, 40, 0x11);
    EXPECT_EQ(comparer.compare(s.geometry, s.bytes).rects, (std::vector<Rect>{{192, 0, 64, 64}}));
    // 16-bit pixels: 64 per Y tile row.
    Surface rgb565(Tiling::intel_y, 256, 64, 512, 2);
    first_look(comparer, rgb565);
    rgb565.set(70, 3, 0x22);
    EXPECT_EQ(comparer.compare(rgb565.geometry, rgb565.bytes).rects,
              (std::vector<Rect>{{64, 0, 64, 64}}));
}

TEST(TileComparer, TiledPaddingBlocksBeyondTheWidthAreIgnored) {
    Surface s(Tiling::intel_x, 100, 16, 1024);  // the second X tile holds no pixels
    TileComparer comparer;
    first_look(comparer, s);
    s.bytes[4096 + 10] = 1;
    EXPECT_TRUE(comparer.compare(s.geometry, s.bytes).empty());
}

TEST(TileComparer, OtherTileSizes) {
    Surface s(Tiling::linear, 640, 480, 640 * 4);
    TileComparer comparer(16);
    EXPECT_EQ(comparer.tile_size(), 16u);
    first_look(comparer, s);
    s.set(100, 70, 1);
    EXPECT_EQ(comparer.compare(s.geometry, s.bytes).rects, (std::vector<Rect>{{96, 64, 16, 16}}));
}

TEST(TileComparer, TooFewBytesIsAnError) {
    Surface s(Tiling::linear, 640, 480, 640 * 4);
    TileComparer comparer;
    const std::span<const std::uint8_t> short_bytes(s.bytes.data(), s.bytes.size() - 1);
    EXPECT_THROW(comparer.compare(s.geometry, short_bytes), Error);
    TileGeometry narrow_stride = s.geometry;
    narrow_stride.stride = 100;
    EXPECT_THROW(comparer.compare(narrow_stride, s.bytes), Error);
}

}  // namespace
}  // namespace fbx
