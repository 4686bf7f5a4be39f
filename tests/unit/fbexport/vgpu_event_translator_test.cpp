// The event-record -> damage translation of the mediator source, fed
// hand-made records (no device): exact rectangles, full refreshes, stale
// records, cursor moves without damage.
#include "fbexport/vgpu_event_translator.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace fbx {
namespace {

constexpr std::uint32_t primary = VGPU_PLANE_PRIMARY;
constexpr std::uint32_t cursor = VGPU_PLANE_CURSOR;

vgpu_event record(std::uint32_t type, std::uint32_t plane, std::uint32_t id) {
    static std::uint64_t seq = 0;
    vgpu_event e{};
    e.type = type;
    e.plane = plane;
    e.dmabuf_id = id;
    e.seq = ++seq;
    return e;
}

vgpu_event damage(std::uint32_t plane, std::uint32_t id, std::initializer_list<vgpu_rect> rects) {
    vgpu_event e = record(VGPU_EVENT_DAMAGE, plane, id);
    for (const vgpu_rect& r : rects) {
        e.u.rects[e.count++] = r;
    }
    return e;
}

vgpu_event cursor_at(std::uint32_t type, std::uint32_t id, std::int32_t x, std::int32_t y,
                     std::uint32_t hot_x = 0, std::uint32_t hot_y = 0) {
    vgpu_event e = record(type, cursor, id);
    e.u.cursor.x = x;
    e.u.cursor.y = y;
    e.u.cursor.hot_x = hot_x;
    e.u.cursor.hot_y = hot_y;
    return e;
}

vgpu_event invalidate(std::uint32_t plane, std::uint32_t id, std::uint32_t reason) {
    vgpu_event e = record(VGPU_EVENT_INVALIDATE, plane, id);
    e.u.reason = reason;
    return e;
}

// A translator that has been told, as after the source's first query, that
// the primary shows surface 7 and the cursor surface 9.
VgpuEventTranslator showing_7_and_9() {
    VgpuEventTranslator t;
    t.shown(PlaneKind::primary, 7);
    t.shown(PlaneKind::cursor, 9);
    return t;
}

TEST(VgpuEventTranslator, NothingAppliedMeansNothingToDo) {
    VgpuEventTranslator t = showing_7_and_9();
    const VgpuEventChanges c = t.take();
    EXPECT_FALSE(c.any());
    EXPECT_TRUE(c.primary_damage.empty());
}

TEST(VgpuEventTranslator, DamageBecomesExactlyThePostedRectangles) {
    VgpuEventTranslator t = showing_7_and_9();
    t.apply(damage(primary, 7, {{10, 20, 30, 40}, {100, 0, 1, 1}}));
    t.apply(damage(primary, 7, {{0, 500, 256, 256}}));
    const VgpuEventChanges c = t.take();
    EXPECT_FALSE(c.primary_damage.full);
    EXPECT_EQ(c.primary_damage.rects,
              (std::vector<Rect>{{10, 20, 30, 40}, {100, 0, 1, 1}, {0, 500, 256, 256}}));
    EXPECT_FALSE(c.requery_primary) << "damage alone needs no query";
    EXPECT_FALSE(c.requery_cursor);
    EXPECT_FALSE(c.cursor_redrawn);
    // taken: the next batch starts empty
    EXPECT_FALSE(t.take().any());
}

TEST(VgpuEventTranslator, CountBeyondTheRecordIsClampedAndEmptyRectsDropped) {
    VgpuEventTranslator t = showing_7_and_9();
    vgpu_event e = damage(primary, 7, {{1, 2, 3, 4}, {5, 5, 0, 9}});
    e.count = 1000;  // a corrupt count reads at most the record's 8 rectangles
    t.apply(e);
    EXPECT_EQ(t.take().primary_damage.rects, (std::vector<Rect>{{1, 2, 3, 4}}));
}

TEST(VgpuEventTranslator, FlipDamagesTheWholePrimaryAndAsksForAQuery) {
    VgpuEventTranslator t = showing_7_and_9();
    t.apply(damage(primary, 7, {{0, 0, 8, 8}}));
    t.apply(record(VGPU_EVENT_FLIP, primary, 11));
    t.apply(damage(primary, 11, {{1, 1, 2, 2}}));  // of the new surface: covered already
    const VgpuEventChanges c = t.take();
    EXPECT_TRUE(c.primary_damage.full);
    EXPECT_TRUE(c.primary_damage.rects.empty());
    EXPECT_TRUE(c.requery_primary);
    EXPECT_FALSE(c.requery_cursor);
    EXPECT_EQ(t.shown(PlaneKind::primary), 11u);
}

TEST(VgpuEventTranslator, DamageOfASurfaceNoLongerShownIsStale) {
    VgpuEventTranslator t = showing_7_and_9();
    // The query already found surface 7, then older records arrive: damage
    // of 5 was replaced by the flip to 7, which the query covered.
    t.apply(damage(primary, 5, {{0, 0, 64, 64}}));
    EXPECT_FALSE(t.take().any());
    t.apply(damage(primary, 0, {{0, 0, 64, 64}}));
    EXPECT_FALSE(t.take().any());
}

TEST(VgpuEventTranslator, DamageAfterTheFlipThatShowsItCounts) {
    VgpuEventTranslator t;  // nothing shown yet
    t.apply(damage(primary, 3, {{0, 0, 4, 4}}));
    EXPECT_FALSE(t.take().any());
    t.apply(record(VGPU_EVENT_FLIP, primary, 3));
    EXPECT_TRUE(t.take().primary_damage.full);
    t.apply(damage(primary, 3, {{0, 0, 4, 4}}));
    EXPECT_EQ(t.take().primary_damage.rects, (std::vector<Rect>{{0, 0, 4, 4}}));
}

TEST(VgpuEventTranslator, CursorMoveIsAPositionOnlyAndTheNewestWins) {
    VgpuEventTranslator t = showing_7_and_9();
    t.apply(cursor_at(VGPU_EVENT_CURSOR_MOVE, 9, 100, 50, 3, 5));
    t.apply(cursor_at(VGPU_EVENT_CURSOR_MOVE, 9, -7, 300, 3, 5));
    const VgpuEventChanges c = t.take();
    ASSERT_TRUE(c.cursor_placement);
    EXPECT_EQ(*c.cursor_placement, (CursorPlacement{9, -7, 300, 3, 5}));
    EXPECT_TRUE(c.primary_damage.empty()) << "a cursor move must not damage the framebuffer";
    EXPECT_FALSE(c.requery_cursor);
    EXPECT_FALSE(c.requery_primary);
    EXPECT_FALSE(c.cursor_redrawn);
}

TEST(VgpuEventTranslator, CursorFlipAsksForTheNewImageAndCarriesItsPosition) {
    VgpuEventTranslator t = showing_7_and_9();
    t.apply(cursor_at(VGPU_EVENT_FLIP, 12, 40, 30, 1, 2));
    const VgpuEventChanges c = t.take();
    EXPECT_TRUE(c.requery_cursor);
    ASSERT_TRUE(c.cursor_placement);
    EXPECT_EQ(c.cursor_placement->dmabuf_id, 12u);
    EXPECT_TRUE(c.primary_damage.empty());
    EXPECT_EQ(t.shown(PlaneKind::cursor), 12u);
}

TEST(VgpuEventTranslator, CursorDamageRedrawsTheCursorNotTheScreen) {
    VgpuEventTranslator t = showing_7_and_9();
    t.apply(damage(cursor, 9, {{0, 0, 16, 16}}));
    VgpuEventChanges c = t.take();
    EXPECT_TRUE(c.cursor_redrawn);
    EXPECT_TRUE(c.primary_damage.empty());
    t.apply(damage(cursor, 8, {{0, 0, 16, 16}}));  // another cursor surface: stale
    EXPECT_FALSE(t.take().cursor_redrawn);
}

TEST(VgpuEventTranslator, ModeChangeRequeriesWithFullDamage) {
    VgpuEventTranslator t = showing_7_and_9();
    vgpu_event e = record(VGPU_EVENT_MODE, primary, 7);
    e.u.mode.width = 800;
    e.u.mode.height = 600;
    t.apply(e);
    const VgpuEventChanges c = t.take();
    EXPECT_TRUE(c.requery_primary);
    EXPECT_TRUE(c.primary_damage.full);
}

TEST(VgpuEventTranslator, InvalidateForgetsTheSurface) {
    VgpuEventTranslator t = showing_7_and_9();
    t.apply(invalidate(primary, 7, VGPU_INVALID_UNMAP));
    t.apply(damage(primary, 7, {{0, 0, 1, 1}}));  // nothing is shown: stale
    VgpuEventChanges c = t.take();
    EXPECT_TRUE(c.requery_primary);
    EXPECT_TRUE(c.primary_damage.full);
    EXPECT_EQ(c.invalidated_ids, (std::vector<std::uint32_t>{7}));
    EXPECT_EQ(t.shown(PlaneKind::primary), 0u);

    t.apply(cursor_at(VGPU_EVENT_CURSOR_MOVE, 9, 1, 1));
    t.apply(invalidate(cursor, 9, VGPU_INVALID_DISABLED));
    c = t.take();
    EXPECT_TRUE(c.requery_cursor);
    EXPECT_FALSE(c.cursor_placement) << "a position of a cursor that is gone means nothing";
    EXPECT_TRUE(c.primary_damage.empty());
    EXPECT_EQ(c.invalidated_ids, (std::vector<std::uint32_t>{9}));
}

TEST(VgpuEventTranslator, OverflowRefreshesEverything) {
    VgpuEventTranslator t = showing_7_and_9();
    t.apply(damage(primary, 7, {{0, 0, 8, 8}}));
    t.apply(record(VGPU_EVENT_OVERFLOW, 0, 0));
    const VgpuEventChanges c = t.take();
    EXPECT_EQ(c.overflows, 1u);
    EXPECT_TRUE(c.requery_primary);
    EXPECT_TRUE(c.requery_cursor);
    EXPECT_TRUE(c.cursor_redrawn);
    EXPECT_TRUE(c.primary_damage.full);
    EXPECT_TRUE(c.primary_damage.rects.empty());
}

TEST(VgpuEventTranslator, HotplugIsCountedOnly) {
    VgpuEventTranslator t = showing_7_and_9();
    t.apply(record(VGPU_EVENT_HOTPLUG, 0, 0));
    const VgpuEventChanges c = t.take();
    EXPECT_EQ(c.hotplugs, 1u);
    EXPECT_FALSE(c.requery_primary);
    EXPECT_TRUE(c.primary_damage.empty());
}

TEST(VgpuEventTranslator, UnknownTypesAndPlanesAreCountedAndIgnored) {
    VgpuEventTranslator t = showing_7_and_9();
    t.apply(record(99, primary, 7));
    t.apply(damage(5, 7, {{0, 0, 8, 8}}));
    t.apply(cursor_at(VGPU_EVENT_CURSOR_MOVE, 7, 1, 1));
    t.apply(damage(primary, 7, {{0, 0, 8, 8}}));
    t.apply(record(VGPU_EVENT_CURSOR_MOVE, primary, 7));
    const VgpuEventChanges c = t.take();
    EXPECT_EQ(c.unknown, 3u);
    EXPECT_EQ(c.primary_damage.rects, (std::vector<Rect>{{0, 0, 8, 8}}));
}

TEST(VgpuEventTranslator, AFloodOfRectanglesStaysBoundedAndCoversThemAll) {
    VgpuEventTranslator t = showing_7_and_9();
    const std::uint32_t posted = 3 * VgpuEventTranslator::max_rects;
    for (std::uint32_t i = 0; i < posted; ++i) {
        t.apply(damage(primary, 7, {{i, 2 * i, 1, 1}}));
    }
    const VgpuEventChanges c = t.take();
    EXPECT_FALSE(c.primary_damage.full);
    EXPECT_LE(c.primary_damage.rects.size(), VgpuEventTranslator::max_rects);
    for (std::uint32_t i = 0; i < posted; ++i) {
        const Rect want{std::int32_t(i), std::int32_t(2 * i), 1, 1};
        EXPECT_TRUE(std::any_of(c.primary_damage.rects.begin(), c.primary_damage.rects.end(),
                                [&](const Rect& r) { return intersect(r, want) == want; }))
            << "posted " << want << " is not covered";
    }
}

TEST(VgpuEventTranslator, HugeValuesNeverWrapNegative) {
    VgpuEventTranslator t = showing_7_and_9();
    t.apply(damage(primary, 7, {{0xffffffffu, 0x80000000u, 0xffffffffu, 5}}));
    for (const Rect& r : t.take().primary_damage.rects) {
        EXPECT_GE(r.x, 0);
        EXPECT_GE(r.y, 0);
        EXPECT_GE(r.width, 0);
        EXPECT_GE(r.right(), r.x) << r;
    }
}

}  // namespace
}  // namespace fbx
