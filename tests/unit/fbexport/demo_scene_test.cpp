#include "fbexport/demo_scene.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <utility>
#include <vector>

#include "fbexport/error.hpp"

namespace fbx {
namespace {

struct Canvas {
    std::uint32_t width;
    std::uint32_t height;
    std::vector<std::uint32_t> pixels;

    std::uint32_t at(std::int32_t x, std::int32_t y) const {
        return pixels[static_cast<std::size_t>(y) * width + static_cast<std::size_t>(x)];
    }
    std::size_t stride() const { return std::size_t{width} * sizeof(std::uint32_t); }
};

constexpr std::uint32_t untouched = 0x12345678;

Canvas render(const DemoScene& scene, std::uint64_t t, const Rect& clip) {
    Canvas c{scene.width(), scene.height(),
             std::vector<std::uint32_t>(std::size_t{scene.width()} * scene.height(), untouched)};
    scene.render(t, clip, c.pixels.data(), c.stride());
    return c;
}

Rect screen_of(const DemoScene& scene) {
    return {0, 0, static_cast<std::int32_t>(scene.width()),
            static_cast<std::int32_t>(scene.height())};
}

Canvas render_full(const DemoScene& scene, std::uint64_t t) {
    return render(scene, t, screen_of(scene));
}

bool contains(const Rect& r, std::int32_t x, std::int32_t y) {
    return x >= r.x && x < r.right() && y >= r.y && y < r.bottom();
}

// Checks that damage_between(t0, t1) covers every pixel that differs and is
// not much larger than the bounding box of what changed.
void expect_exact_damage(const DemoScene& scene, std::uint64_t t0, std::uint64_t t1) {
    SCOPED_TRACE("t0=" + std::to_string(t0) + " t1=" + std::to_string(t1) + " size " +
                 std::to_string(scene.width()) + "x" + std::to_string(scene.height()));
    const Canvas a = render_full(scene, t0);
    const Canvas b = render_full(scene, t1);
    const std::vector<Rect> damage = scene.damage_between(t0, t1);
    const Rect screen = screen_of(scene);
    for (const Rect& r : damage) {
        EXPECT_FALSE(r.empty()) << r;
        EXPECT_EQ(intersect(r, screen), r) << r << " leaves the screen";
    }
    std::vector<std::uint8_t> damaged(a.pixels.size(), 0);
    std::int64_t damaged_count = 0;
    for (const Rect& r : damage) {
        for (std::int32_t y = r.y; y < r.bottom(); ++y) {
            for (std::int32_t x = r.x; x < r.right(); ++x) {
                std::uint8_t& cell = damaged[static_cast<std::size_t>(y) * a.width + x];
                if (!cell) {
                    cell = 1;
                    ++damaged_count;
                }
            }
        }
    }
    Rect changed;
    std::int64_t missed = 0;
    for (std::int32_t y = 0; y < screen.height; ++y) {
        for (std::int32_t x = 0; x < screen.width; ++x) {
            if (a.at(x, y) == b.at(x, y)) {
                continue;
            }
            changed = bounding_union(changed, Rect{x, y, 1, 1});
            if (!damaged[static_cast<std::size_t>(y) * a.width + x] && missed++ < 5) {
                ADD_FAILURE() << "pixel " << x << "," << y << " changed outside the damage";
            }
        }
    }
    EXPECT_EQ(missed, 0);
    if (t0 == t1) {
        EXPECT_TRUE(damage.empty());
    }
    if (changed.empty()) {
        return;
    }
    EXPECT_FALSE(damage.empty());
    // Windows above a moving one can hide part of its edges, so allow some
    // slack over the bounding box of the visible change.
    EXPECT_LE(damaged_count, changed.area() * 3 / 2 + 1024)
        << "damage of " << damaged_count << " pixels for changes within " << changed;
}

TEST(DemoScene, DamageCoversEveryChangeForSmallSteps) {
    const DemoScene scene(640, 400);
    for (std::uint64_t t : {0u, 5u, 99u, 1234u, 59'950u, 600'000u}) {
        for (std::uint64_t step : {0u, 1u, 7u, 16u, 17u, 33u, 100u}) {
            expect_exact_damage(scene, t, t + step);
        }
    }
}

TEST(DemoScene, DamageCoversEveryChangeForLargeJumpsAndBackwards) {
    const DemoScene scene(640, 400);
    const std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs{
        {0, 5'000},   {1'000, 61'000},        {3'333, 3'600'000},     {42, 7'777'777},
        {10'000, 10}, {2'000'000'000, 1'700}, {5'999'999, 6'000'000}, {0, 1ull << 50}};
    for (const auto& [t0, t1] : pairs) {
        expect_exact_damage(scene, t0, t1);
    }
}

TEST(DemoScene, DamageIsExactAtManySizes) {
    const std::vector<std::pair<std::uint32_t, std::uint32_t>> sizes{
        {64, 64}, {320, 200}, {333, 211}, {1024, 768}, {1920, 1080}};
    for (const auto& [w, h] : sizes) {
        const DemoScene scene(w, h);
        for (std::uint64_t t : {0u, 777u, 12'345u}) {
            expect_exact_damage(scene, t, t + 16);
            expect_exact_damage(scene, t, t + 2'500);
        }
    }
}

TEST(DemoScene, DamageIsExactAtLargestSize) {
    const DemoScene scene(3840, 2160);
    expect_exact_damage(scene, 1'000, 1'016);
    expect_exact_damage(scene, 1'000, 40'000);
}

TEST(DemoScene, ClippedRenderingMatchesFullRendering) {
    for (const auto& [w, h] :
         std::vector<std::pair<std::uint32_t, std::uint32_t>>{{333, 211}, {1280, 720}}) {
        const DemoScene scene(w, h);
        for (std::uint64_t t : {0u, 4'321u, 98'765u}) {
            const Canvas full = render_full(scene, t);
            Canvas tiled{w, h, std::vector<std::uint32_t>(full.pixels.size(), untouched)};
            // Odd tile sizes cut through windows, glyphs and grid lines anywhere.
            for (std::int32_t y = 0; y < static_cast<std::int32_t>(h); y += 37) {
                for (std::int32_t x = 0; x < static_cast<std::int32_t>(w); x += 53) {
                    scene.render(t, {x, y, 53, 37}, tiled.pixels.data(), tiled.stride());
                }
            }
            EXPECT_EQ(tiled.pixels, full.pixels) << "t=" << t;
        }
    }
}

TEST(DemoScene, RenderTouchesOnlyTheClip) {
    const DemoScene scene(320, 200);
    const Rect clip{-10, 150, 40, 100};  // partly off the screen
    const Canvas c = render(scene, 500, clip);
    const Rect visible = intersect(clip, screen_of(scene));
    for (std::int32_t y = 0; y < 200; ++y) {
        for (std::int32_t x = 0; x < 320; ++x) {
            EXPECT_EQ(c.at(x, y) == untouched, !contains(visible, x, y)) << x << "," << y;
        }
    }
}

TEST(DemoScene, RendersOpaquePixels) {
    const DemoScene scene(320, 200);
    for (std::uint32_t p : render_full(scene, 2'000).pixels) {
        ASSERT_EQ(p >> 24, 0xffu);
    }
}

TEST(DemoScene, RenderingIsDeterministic) {
    const DemoScene a(800, 600);
    const DemoScene b(800, 600);
    EXPECT_EQ(render_full(a, 31'337).pixels, render_full(b, 31'337).pixels);
}

TEST(DemoScene, WindowsMoveOverTime) {
    const DemoScene scene(640, 400);
    EXPECT_NE(render_full(scene, 0).pixels, render_full(scene, 1'000).pixels);
    EXPECT_FALSE(scene.damage_between(0, 1'000).empty());
}

// The rectangle of the clock's last digit: the one damage rectangle shared by
// every tick that changes only the tenths.
Rect tenths_digit_rect(const DemoScene& scene) {
    std::vector<Rect> common = scene.damage_between(99, 100);
    for (std::uint64_t tick = 2; tick < 10; ++tick) {
        const std::vector<Rect> damage = scene.damage_between(tick * 100 - 1, tick * 100);
        std::erase_if(common, [&](const Rect& r) {
            return std::find(damage.begin(), damage.end(), r) == damage.end();
        });
    }
    EXPECT_EQ(common.size(), 1u);
    return common.empty() ? Rect{} : common.front();
}

// The pixels of `area` at time t, rendered into a reused full-size canvas.
class AreaRenderer {
public:
    AreaRenderer(const DemoScene& scene, const Rect& area)
        : scene_(scene),
          area_(area),
          canvas_{scene.width(), scene.height(),
                  std::vector<std::uint32_t>(std::size_t{scene.width()} * scene.height())} {}

    std::vector<std::uint32_t> at(std::uint64_t t) {
        scene_.render(t, area_, canvas_.pixels.data(), canvas_.stride());
        std::vector<std::uint32_t> pixels;
        for (std::int32_t y = area_.y; y < area_.bottom(); ++y) {
            for (std::int32_t x = area_.x; x < area_.right(); ++x) {
                pixels.push_back(canvas_.at(x, y));
            }
        }
        return pixels;
    }

private:
    const DemoScene& scene_;
    Rect area_;
    Canvas canvas_;
};

TEST(DemoScene, ClockTicksEvery100Ms) {
    const DemoScene scene(1280, 720);
    const Rect digit = tenths_digit_rect(scene);
    ASSERT_FALSE(digit.empty());
    EXPECT_LT(digit.area(), 1280 * 720 / 100);
    AreaRenderer renderer(scene, digit);
    std::set<std::vector<std::uint32_t>> glyphs;
    std::vector<std::uint32_t> before = renderer.at(1'000);
    for (std::uint64_t t = 1'000; t < 3'000; ++t) {
        const bool ticks = (t + 1) % 100 == 0;
        std::vector<std::uint32_t> after = renderer.at(t + 1);
        EXPECT_EQ(before != after, ticks) << "t=" << t;
        if (ticks) {
            glyphs.insert(after);
            const std::vector<Rect> damage = scene.damage_between(t, t + 1);
            EXPECT_TRUE(std::any_of(damage.begin(), damage.end(),
                                    [&](const Rect& r) { return intersect(r, digit) == digit; }))
                << "t=" << t;
        }
        before = std::move(after);
    }
    EXPECT_EQ(glyphs.size(), 10u) << "ten different tenths digits";
}

TEST(DemoScene, ClockShowsMinutesAndSeconds) {
    const DemoScene scene(1280, 720);
    const Rect digit = tenths_digit_rect(scene);
    // From 00:59.9 to 01:00.0 every digit but the tens of minutes changes, so
    // the damage spans far more than one digit.
    std::int64_t clock_area = 0;
    for (const Rect& r : scene.damage_between(59'900, 60'000)) {
        if (intersect(r, digit) == digit && r.height == digit.height) {
            clock_area = r.area();
        }
    }
    EXPECT_GE(clock_area, digit.area() * 4);
}

TEST(DemoScene, CursorMovesSmoothlyAndStaysOnScreen) {
    const DemoScene scene(1920, 1080);
    CursorPosition previous = scene.cursor_at(0);
    int moves = 0;
    for (std::uint64_t t = 16; t < 60'000; t += 16) {
        const CursorPosition p = scene.cursor_at(t);
        const std::int32_t hot_x = p.x + static_cast<std::int32_t>(DemoScene::cursor_hot_x);
        const std::int32_t hot_y = p.y + static_cast<std::int32_t>(DemoScene::cursor_hot_y);
        ASSERT_GE(hot_x, 0);
        ASSERT_LT(hot_x, 1920);
        ASSERT_GE(hot_y, 0);
        ASSERT_LT(hot_y, 1080);
        EXPECT_LE(std::abs(p.x - previous.x) + std::abs(p.y - previous.y), 24) << "t=" << t;
        moves += p != previous;
        previous = p;
    }
    EXPECT_GT(moves, 3'500);
}

TEST(DemoScene, CursorDoesNotDamageThePrimaryPlane) {
    const DemoScene scene(640, 400);
    // Find a step where the cursor moves but nothing on the desktop does.
    int found = 0;
    for (std::uint64_t t = 0; t < 2'000 && found < 3; ++t) {
        if (scene.damage_between(t, t + 1).empty() &&
            scene.cursor_at(t) != scene.cursor_at(t + 1)) {
            EXPECT_EQ(render_full(scene, t).pixels, render_full(scene, t + 1).pixels);
            ++found;
        }
    }
    EXPECT_EQ(found, 3);
}

TEST(DemoScene, CursorImageIsAnOutlinedArrow) {
    const std::vector<std::uint32_t> image = DemoScene::cursor_image();
    ASSERT_EQ(image.size(), std::size_t{DemoScene::cursor_size} * DemoScene::cursor_size);
    auto at = [&](std::uint32_t x, std::uint32_t y) {
        return image[y * DemoScene::cursor_size + x];
    };
    EXPECT_EQ(at(DemoScene::cursor_hot_x, DemoScene::cursor_hot_y) >> 24, 0xffu)
        << "the hotspot is on the arrow's tip";
    EXPECT_EQ(at(0, 0), 0u);
    EXPECT_EQ(at(63, 63), 0u);
    EXPECT_EQ(at(63, 0), 0u);
    int white = 0;
    int black = 0;
    for (std::uint32_t p : image) {
        if (p == 0xffffffffu) {
            ++white;
        } else if (p == 0xff000000u) {
            ++black;
        } else {
            EXPECT_EQ(p, 0u) << "only white, black and transparent (premultiplied)";
        }
    }
    EXPECT_GT(white, 200);
    EXPECT_GT(black, 80);
}

TEST(DemoScene, RejectsEmptySize) {
    EXPECT_THROW(DemoScene(0, 100), Error);
    EXPECT_THROW(DemoScene(100, 0), Error);
}

}  // namespace
}  // namespace fbx
