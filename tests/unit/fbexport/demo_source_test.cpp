#include "fbexport/demo_source.hpp"

#include <drm_fourcc.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fbexport/error.hpp"
#include "fbexport/surface_layout.hpp"

namespace fbx {
namespace {

// A fake clock the test moves by hand.
struct FakeClock {
    std::shared_ptr<std::uint64_t> now = std::make_shared<std::uint64_t>(0);
    std::function<std::uint64_t()> function() const {
        return [now = now] { return *now; };
    }
    void set(std::uint64_t t) const { *now = t; }
};

DemoOptions options_for(std::uint32_t fourcc, std::uint64_t modifier, const FakeClock& clock,
                        std::uint32_t width = 333, std::uint32_t height = 211) {
    DemoOptions o;
    o.width = width;
    o.height = height;
    o.fourcc = fourcc;
    o.modifier = modifier;
    o.clock = clock.function();
    return o;
}

// Channels of one pixel at the precision its format stores them.
struct Channels {
    std::uint32_t r, g, b;
    bool operator==(const Channels&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Channels& c) {
    return os << "rgb(" << c.r << "," << c.g << "," << c.b << ")";
}

std::uint32_t load(const std::uint8_t* p, std::uint32_t bytes) {
    std::uint32_t v = 0;
    for (std::uint32_t i = 0; i < bytes; ++i) {
        v |= std::uint32_t{p[i]} << (8 * i);  // DRM formats are little-endian
    }
    return v;
}

// Reads the stored pixel, checking any alpha is opaque.
Channels decode(const std::uint8_t* p, std::uint32_t fourcc) {
    switch (fourcc) {
        case DRM_FORMAT_ARGB8888:
            EXPECT_EQ(load(p, 4) >> 24, 0xffu);
            [[fallthrough]];
        case DRM_FORMAT_XRGB8888: {
            const std::uint32_t v = load(p, 4);
            return {(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff};
        }
        case DRM_FORMAT_ABGR8888:
            EXPECT_EQ(load(p, 4) >> 24, 0xffu);
            [[fallthrough]];
        case DRM_FORMAT_XBGR8888: {
            const std::uint32_t v = load(p, 4);
            return {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff};
        }
        case DRM_FORMAT_RGB565: {
            const std::uint32_t v = load(p, 2);
            return {v >> 11, (v >> 5) & 0x3f, v & 0x1f};
        }
        case DRM_FORMAT_XRGB2101010: {
            const std::uint32_t v = load(p, 4);
            return {(v >> 20) & 0x3ff, (v >> 10) & 0x3ff, v & 0x3ff};
        }
    }
    ADD_FAILURE() << "no decoder for " << fourcc;
    return {};
}

// An XRGB8888 canvas pixel at the precision of `fourcc`.
Channels quantize(std::uint32_t c, std::uint32_t fourcc) {
    const std::uint32_t r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;
    switch (fourcc) {
        case DRM_FORMAT_RGB565:
            return {r >> 3, g >> 2, b >> 3};
        case DRM_FORMAT_XRGB2101010:
            return {(r << 2) | (r >> 6), (g << 2) | (g >> 6), (b << 2) | (b >> 6)};
        default:
            return {r, g, b};
    }
}

// Compares the primary plane's buffer with a fresh render of the scene at t.
void expect_plane_shows(const Plane& plane, const DemoScene& scene, std::uint64_t t) {
    SCOPED_TRACE("t=" + std::to_string(t) + " " + format_name(plane.fourcc) + " " +
                 modifier_name(plane.modifier));
    const auto format = find_format(plane.fourcc);
    const auto modifier = find_modifier(plane.modifier);
    ASSERT_TRUE(format && modifier);
    ASSERT_EQ(check_surface(*format, modifier->tiling, plane.width, plane.height, plane.stride,
                            plane.offset, plane.buffer->size()),
              "");
    std::vector<std::uint32_t> canvas(std::size_t{plane.width} * plane.height);
    scene.render(
        t, {0, 0, static_cast<std::int32_t>(plane.width), static_cast<std::int32_t>(plane.height)},
        canvas.data(), std::size_t{plane.width} * 4);
    const SurfaceLayout layout(modifier->tiling, plane.stride, plane.height);
    const std::uint8_t* surface = plane.buffer->map() + plane.offset;
    int mismatches = 0;
    for (std::uint32_t y = 0; y < plane.height; ++y) {
        for (std::uint32_t x = 0; x < plane.width; ++x) {
            const Channels stored =
                decode(surface + layout.byte_offset(x * format->bytes_per_pixel, y), plane.fourcc);
            const Channels expected =
                quantize(canvas[std::size_t{y} * plane.width + x], plane.fourcc);
            if (stored != expected && mismatches++ < 5) {
                ADD_FAILURE() << "pixel " << x << "," << y << " is " << stored << ", want "
                              << expected;
            }
        }
    }
    EXPECT_EQ(mismatches, 0);
}

TEST(DemoSource, EveryFormatAndTilingMatchesTheScene) {
    for (const PixelFormat& format : supported_formats()) {
        for (const Modifier& modifier : supported_modifiers()) {
            const FakeClock clock;
            clock.set(1'234);
            DemoSource source(options_for(format.fourcc, modifier.value, clock));
            auto frame = source.poll();
            ASSERT_TRUE(frame);
            EXPECT_TRUE(frame->damage.full);
            EXPECT_EQ(frame->sequence, 1u);
            EXPECT_EQ(frame->primary.fourcc, format.fourcc);
            EXPECT_EQ(frame->primary.modifier, modifier.value);
            EXPECT_EQ(frame->primary.stride,
                      minimum_stride(modifier.tiling, 333, format.bytes_per_pixel));
            expect_plane_shows(frame->primary, source.scene(), 1'234);

            // Later frames re-encode only the damage, and still match.
            std::uint64_t t = 1'234;
            for (std::uint64_t step : {16u, 17u, 100u, 4'000u, 16u, 65'000u}) {
                t += step;
                clock.set(t);
                auto next = source.poll();
                ASSERT_TRUE(next);
                EXPECT_FALSE(next->damage.full);
                EXPECT_FALSE(next->damage.rects.empty());
                expect_plane_shows(next->primary, source.scene(), t);
            }
        }
    }
}

TEST(DemoSource, DamageMatchesTheScene) {
    const FakeClock clock;
    DemoSource source(options_for(DRM_FORMAT_XRGB8888, I915_FORMAT_MOD_Y_TILED, clock));
    ASSERT_TRUE(source.poll());
    clock.set(50);
    const auto frame = source.poll();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->damage.rects, source.scene().damage_between(0, 50));
    EXPECT_EQ(frame->sequence, 2u);
}

TEST(DemoSource, PlanesDescribeTheirBuffers) {
    const FakeClock clock;
    clock.set(777);
    DemoSource source(options_for(DRM_FORMAT_RGB565, I915_FORMAT_MOD_X_TILED, clock, 640, 480));
    const auto frame = source.poll();
    ASSERT_TRUE(frame);
    const Plane& primary = frame->primary;
    EXPECT_EQ(primary.kind, PlaneKind::primary);
    EXPECT_EQ(primary.width, 640u);
    EXPECT_EQ(primary.height, 480u);
    EXPECT_EQ(primary.stride, 1536u);  // 1280 bytes rounded up to whole 512-byte tiles
    EXPECT_EQ(primary.offset, 0u);
    EXPECT_EQ(primary.dmabuf_id, 1u);
    EXPECT_EQ(primary.buffer->size(), 1536u * 480);
    EXPECT_GE(primary.fd(), 0);

    ASSERT_TRUE(frame->cursor);
    const Plane& cursor = *frame->cursor;
    EXPECT_EQ(cursor.kind, PlaneKind::cursor);
    EXPECT_EQ(cursor.fourcc, DRM_FORMAT_ARGB8888);
    EXPECT_EQ(cursor.modifier, DRM_FORMAT_MOD_LINEAR);
    EXPECT_EQ(cursor.width, 64u);
    EXPECT_EQ(cursor.height, 64u);
    EXPECT_EQ(cursor.stride, 256u);
    EXPECT_EQ(cursor.dmabuf_id, 2u);
    EXPECT_EQ(cursor.hot_x, 4u);
    EXPECT_EQ(cursor.hot_y, 2u);
    const CursorPosition at = source.scene().cursor_at(777);
    EXPECT_EQ(cursor.x, at.x);
    EXPECT_EQ(cursor.y, at.y);
    const std::vector<std::uint32_t> image = DemoScene::cursor_image();
    ASSERT_EQ(cursor.buffer->size(), image.size() * 4);
    EXPECT_EQ(std::memcmp(cursor.buffer->map(), image.data(), cursor.buffer->size()), 0);

    // Buffers and their ids stay the same from frame to frame.
    clock.set(5'000);
    const auto next = source.poll();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->primary.buffer, primary.buffer);
    EXPECT_EQ(next->cursor->buffer, cursor.buffer);
    EXPECT_EQ(next->primary.dmabuf_id, 1u);
    EXPECT_EQ(next->cursor->dmabuf_id, 2u);
}

TEST(DemoSource, NothingNewWhenTheClockStands) {
    const FakeClock clock;
    clock.set(100);
    DemoSource source(options_for(DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR, clock));
    ASSERT_TRUE(source.poll());
    EXPECT_FALSE(source.poll());
    EXPECT_FALSE(source.poll());
    clock.set(200);
    const auto frame = source.poll();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->sequence, 2u);
}

TEST(DemoSource, CursorMoveAloneMakesAFrameWithoutDamage) {
    const FakeClock clock;
    DemoSource source(options_for(DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR, clock));
    const DemoScene& scene = source.scene();
    std::uint64_t t = 0;
    while (t < 5'000 && !(scene.damage_between(t, t + 1).empty() &&
                          scene.cursor_at(t) != scene.cursor_at(t + 1))) {
        ++t;
    }
    ASSERT_LT(t, 5'000u);
    clock.set(t);
    ASSERT_TRUE(source.poll());
    clock.set(t + 1);
    const auto frame = source.poll();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.empty());
    ASSERT_TRUE(frame->cursor);
    EXPECT_EQ(frame->cursor->x, scene.cursor_at(t + 1).x);
}

TEST(DemoSource, StopTimeFreezesThePicture) {
    const FakeClock clock;
    DemoOptions options = options_for(DRM_FORMAT_XBGR8888, I915_FORMAT_MOD_Y_TILED, clock);
    options.stop_at_ms = 500;
    DemoSource source(std::move(options));
    clock.set(400);
    ASSERT_TRUE(source.poll());
    clock.set(1'000);
    const auto frame = source.poll();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->damage.rects, source.scene().damage_between(400, 500));
    clock.set(2'000);
    EXPECT_FALSE(source.poll());
    expect_plane_shows(frame->primary, source.scene(), 500);
}

TEST(DemoSource, InvalidateMakesTheNextFrameFull) {
    const FakeClock clock;
    DemoSource source(options_for(DRM_FORMAT_XRGB2101010, I915_FORMAT_MOD_X_TILED, clock));
    ASSERT_TRUE(source.poll());
    EXPECT_FALSE(source.poll());
    source.invalidate();
    const auto frame = source.poll();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.full);
    EXPECT_EQ(frame->sequence, 2u);
    clock.set(30);
    const auto next = source.poll();
    ASSERT_TRUE(next);
    EXPECT_FALSE(next->damage.full);
}

TEST(DemoSource, Describes) {
    const FakeClock clock;
    DemoSource source(options_for(DRM_FORMAT_XRGB8888, I915_FORMAT_MOD_Y_TILED, clock));
    EXPECT_EQ(source.describe(), "demo 333x211 XRGB8888 y-tiled");
    EXPECT_EQ(source.event_fd(), -1);
}

TEST(DemoSource, DefaultsAreLinearXrgbOnTheWallClock) {
    const DemoOptions options;
    EXPECT_EQ(options.fourcc, DRM_FORMAT_XRGB8888);
    EXPECT_EQ(options.modifier, DRM_FORMAT_MOD_LINEAR);
    ASSERT_TRUE(options.clock);
    EXPECT_LT(options.clock(), 60'000u);
    DemoSource source(options);
    EXPECT_EQ(source.describe(), "demo 1920x1080 XRGB8888 linear");
    EXPECT_TRUE(source.poll());
}

TEST(DemoSource, RejectsBadOptions) {
    const FakeClock clock;
    auto expect_rejected = [&](DemoOptions options, const std::string& mentions) {
        try {
            DemoSource source(std::move(options));
            ADD_FAILURE() << "accepted options that mention " << mentions;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(mentions), std::string::npos) << e.what();
        }
    };
    expect_rejected(options_for(DRM_FORMAT_YUYV, DRM_FORMAT_MOD_LINEAR, clock), "YUYV");
    expect_rejected(options_for(DRM_FORMAT_XRGB8888, I915_FORMAT_MOD_Yf_TILED, clock), "modifier");
    expect_rejected(options_for(DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR, clock, 63, 100),
                    "63x100");
    expect_rejected(options_for(DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR, clock, 100, 8193),
                    "100x8193");
    DemoOptions no_clock = options_for(DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR, clock);
    no_clock.clock = nullptr;
    expect_rejected(std::move(no_clock), "clock");
}

}  // namespace
}  // namespace fbx
