#include "display/damage_region.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <utility>

namespace fbx {
namespace {

using Rects = std::vector<Rect>;

TEST(DamageRegion, StartsEmpty) {
    const DamageRegion region;
    EXPECT_TRUE(region.empty());
    EXPECT_EQ(region.area(), 0);
    EXPECT_TRUE(region.bounding_box().empty());
    EXPECT_TRUE(region.rects().empty());
}

TEST(DamageRegion, OverlapIsCountedOnce) {
    DamageRegion region;
    region.add(Rect{0, 0, 10, 10});
    region.add(Rect{5, 5, 10, 10});
    EXPECT_EQ(region.area(), 100 + 100 - 25);
    EXPECT_EQ(region.bounding_box(), (Rect{0, 0, 15, 15}));
    EXPECT_EQ(region.rects(), (Rects{{0, 0, 10, 5}, {0, 5, 15, 5}, {5, 10, 10, 5}}));
    EXPECT_TRUE(region.contains(14, 14));
    EXPECT_FALSE(region.contains(14, 0));
    EXPECT_FALSE(region.contains(0, 14));
}

TEST(DamageRegion, AdjacentRectanglesMerge) {
    DamageRegion region;
    region.add(Rect{0, 0, 10, 10});
    region.add(Rect{10, 0, 10, 10});
    region.add(Rect{0, 10, 20, 5});
    EXPECT_EQ(region.rects(), (Rects{{0, 0, 20, 15}}));
}

TEST(DamageRegion, EmptyRectanglesAreIgnored) {
    DamageRegion region;
    region.add(Rect{3, 3, 0, 10});
    region.add(Rect{3, 3, 10, -1});
    EXPECT_TRUE(region.empty());
}

TEST(DamageRegion, ClipKeepsOnlyTheSurface) {
    DamageRegion region(Rects{{-5, -5, 10, 10}, {6, 6, 10, 10}, {100, 0, 5, 5}});
    region.clip(8, 8);
    EXPECT_EQ(region.rects(), (Rects{{0, 0, 5, 5}, {6, 6, 2, 2}}));
    region.clip(Rect{1, 1, 3, 100});
    EXPECT_EQ(region.rects(), (Rects{{1, 1, 3, 4}}));
    region.clip(0, 0);
    EXPECT_TRUE(region.empty());
}

TEST(DamageRegion, FullDamageCoversTheSurface) {
    DamageRegion region;
    region.add(Damage::everything(), 37, 19);
    EXPECT_EQ(region.rects(), (Rects{{0, 0, 37, 19}}));
}

TEST(DamageRegion, FrameDamageIsClippedToItsSurface) {
    DamageRegion region;
    region.add(Damage{false, {{30, 15, 20, 20}, {-4, 0, 6, 1}}}, 37, 19);
    EXPECT_EQ(region.rects(), (Rects{{0, 0, 2, 1}, {30, 15, 7, 4}}));
}

TEST(DamageRegion, AccumulatesFramesUntilCleared) {
    DamageRegion pending;
    pending.add(Damage{false, {{0, 0, 4, 4}}}, 100, 100);
    pending.add(Damage{false, {{2, 2, 4, 4}}}, 100, 100);
    pending.add(Damage{false, {}}, 100, 100);
    EXPECT_EQ(pending.area(), 16 + 16 - 4);

    DamageRegion other(Rect{50, 50, 1, 1});
    pending.add(other);
    EXPECT_EQ(pending.area(), 29);
    EXPECT_TRUE(pending.contains(50, 50));

    pending.clear();
    EXPECT_TRUE(pending.empty());
    pending.add(Rect{1, 1, 1, 1});
    EXPECT_EQ(pending.area(), 1);
}

TEST(DamageRegion, CopiesAreIndependent) {
    DamageRegion original(Rects{{0, 0, 10, 10}, {20, 20, 5, 5}});
    const DamageRegion copy = original;
    DamageRegion assigned;
    assigned.add(Rect{90, 90, 1, 1});
    assigned = original;
    original.add(Rect{40, 40, 5, 5});
    original.clip(12, 12);

    EXPECT_EQ(copy.rects(), (Rects{{0, 0, 10, 10}, {20, 20, 5, 5}}));
    EXPECT_EQ(assigned, copy);
    EXPECT_FALSE(original == copy);
}

TEST(DamageRegion, MoveTakesTheRectangles) {
    DamageRegion source(Rects{{0, 0, 10, 10}, {20, 20, 5, 5}});
    DamageRegion moved(std::move(source));
    EXPECT_EQ(moved.area(), 125);
    EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move): documented state

    DamageRegion target(Rect{1, 1, 1, 1});
    target = std::move(moved);
    EXPECT_EQ(target.area(), 125);
    EXPECT_TRUE(moved.empty());  // NOLINT(bugprone-use-after-move): documented state

    DamageRegion& self = target;
    target = self;
    EXPECT_EQ(target.area(), 125);
}

TEST(DamageRegion, CoordinatesPastInt32AreClamped) {
    DamageRegion region(Rect{INT32_MAX - 5, 0, 100, 1});
    EXPECT_EQ(region.bounding_box(), (Rect{INT32_MAX - 5, 0, 5, 1}));
}

}  // namespace
}  // namespace fbx
