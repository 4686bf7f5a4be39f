// The picture shown in place of an absent vGPU: the text is there, centred,
// in the font's glyphs; the source reports it once and has no news after.
#include "fbexport/placeholder_source.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <algorithm>

namespace fbx {
namespace {

constexpr std::uint32_t background = 0x202830;
constexpr std::uint32_t foreground = 0xe0e0e0;

// The box of foreground pixels.
Rect ink(const std::vector<std::uint32_t>& pixels, std::uint32_t width) {
    std::int32_t left = INT32_MAX, top = INT32_MAX, right = -1, bottom = -1;
    for (std::size_t i = 0; i < pixels.size(); ++i) {
        if (pixels[i] == foreground) {
            const auto x = std::int32_t(i % width);
            const auto y = std::int32_t(i / width);
            left = std::min(left, x);
            top = std::min(top, y);
            right = std::max(right, x + 1);
            bottom = std::max(bottom, y + 1);
        }
    }
    return right < 0 ? Rect{} : Rect{left, top, right - left, bottom - top};
}

TEST(PlaceholderSource, DrawsTheTextCentredInTheFontsGlyphs) {
    // "I" is 0b01110 on its first and last rows and 0b00100 between: at
    // scale s its ink is 3s wide and 7s high.
    const auto pixels = PlaceholderSource::render(300, 200, {"I"});
    for (const std::uint32_t p : pixels) {
        ASSERT_TRUE(p == background || p == foreground) << std::hex << p;
    }
    const Rect box = ink(pixels, 300);
    ASSERT_GT(box.width, 0);
    const std::int32_t scale = box.width / 3;
    EXPECT_EQ(scale, 8) << "a single glyph gets the largest dots";
    EXPECT_EQ(box.height, 7 * scale);
    // Centred: the glyph cell (6 wide, 9 high) starts in the middle.
    EXPECT_EQ(box.x, (300 - 6 * scale) / 2 + scale);
    EXPECT_EQ(box.y, (200 - 9 * scale) / 2);
    // The stem between the bars is one dot wide.
    const std::int32_t mid = box.y + 3 * scale;
    const auto row = [&](std::int32_t x) { return pixels[std::size_t(mid) * 300 + x]; };
    EXPECT_EQ(row(box.x + scale), foreground);
    EXPECT_EQ(row(box.x), background);
    EXPECT_EQ(row(box.x + 2 * scale), background);
}

TEST(PlaceholderSource, LongLinesShrinkToFitAndUnknownCharactersAreBlank) {
    const std::string uuid = "0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4";
    const auto pixels = PlaceholderSource::render(1024, 768, {"VGPU", uuid, "ABSENT"});
    const Rect box = ink(pixels, 1024);
    EXPECT_GE(box.x, 0);
    EXPECT_LE(box.right(), 1024);
    EXPECT_GT(box.width, 1024 / 2) << "the UUID line should fill most of the width";
    const auto blank = PlaceholderSource::render(64, 32, {"~~~"});
    EXPECT_EQ(ink(blank, 64).width, 0);
}

TEST(PlaceholderSource, ReportsItsPictureOnceAndAgainAfterInvalidate) {
    PlaceholderSource source(320, 200, {"ABSENT"});
    auto first = source.poll();
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->damage.full);
    EXPECT_EQ(first->primary.width, 320u);
    EXPECT_EQ(first->primary.stride, 320u * 4);
    EXPECT_FALSE(first->cursor);
    const auto* bytes = first->primary.buffer->map();
    const auto expected = PlaceholderSource::render(320, 200, {"ABSENT"});
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(),
                           reinterpret_cast<const std::uint32_t*>(bytes)));
    EXPECT_FALSE(source.poll());
    // Its event fd never turns readable: nothing to poll on a timer.
    pollfd p{source.event_fd(), POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 0), 0);
    source.invalidate();
    EXPECT_TRUE(source.poll());
}

}  // namespace
}  // namespace fbx
