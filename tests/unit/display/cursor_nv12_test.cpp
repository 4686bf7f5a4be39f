// The cursor blended into an NV12 frame must come out as the CPU's NV12 of
// the picture with the cursor composed in, at any position (odd, clipped at
// every edge, of a picture with an odd size), and leave every other block as
// it was.

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "display/cursor_nv12.hpp"
#include "fbexport/error.hpp"

namespace fbx {
namespace {

CursorImage random_cursor(std::mt19937& rng, std::uint32_t width, std::uint32_t height) {
    CursorImage cursor;
    cursor.width = width;
    cursor.height = height;
    std::uniform_int_distribution<std::uint32_t> byte(0, 255);
    for (std::uint32_t i = 0; i < width * height; ++i) {
        // Premultiplied: no channel above alpha; some fully clear, some opaque.
        const std::uint32_t a = i % 5 == 0 ? 0 : i % 5 == 1 ? 255 : byte(rng);
        const auto channel = [&] { return a == 0 ? 0 : byte(rng) % (a + 1); };
        cursor.argb.push_back(a << 24 | channel() << 16 | channel() << 8 | channel());
    }
    return cursor;
}

Nv12Planes planes_of(Nv12Image& image) {
    return {image.width, image.height,    image.y.data(),
            image.width, image.uv.data(), image.uv_stride()};
}

TEST(ComposeCursorNv12, MatchesTheNv12OfTheComposedPictureAndKeepsTheRest) {
    std::mt19937 rng(5);
    ShadowFramebuffer under(101, 57);  // odd both ways: half blocks at the edges
    for (std::uint32_t y = 0; y < under.height(); ++y) {
        for (std::uint32_t x = 0; x < under.width(); ++x) {
            under.at(x, y) = rng() & 0xffffff;
        }
    }
    const CursorImage cursor = random_cursor(rng, 23, 17);
    struct Where {
        std::int32_t left, top;
    };
    for (const Where w : {Where{10, 20}, Where{11, 21}, Where{-5, -7}, Where{90, 50}, Where{85, 41},
                          Where{-22, 0}, Where{100, 56}}) {
        const std::string where = std::to_string(w.left) + "," + std::to_string(w.top);
        ShadowFramebuffer composed(under.width(), under.height());
        std::copy(under.pixels(), under.pixels() + std::size_t{under.width()} * under.height(),
                  composed.pixels());
        compose_cursor(cursor, w.left, w.top, composed);
        Nv12Image want;
        rgb_to_nv12(composed, want);
        Nv12Image before;
        rgb_to_nv12(under, before);

        Nv12Image got = before;
        compose_cursor_nv12(cursor, w.left, w.top, under, planes_of(got));
        // Everything equal to the NV12 of the composed picture: inside the
        // cursor's blocks by the blend, outside because nothing was written
        // there (and the cursor changed nothing there either).
        EXPECT_EQ(got.y, want.y) << where;
        EXPECT_EQ(got.uv, want.uv) << where;
    }
}

TEST(ComposeCursorNv12, WritesOnlyTheBlocksTheCursorCovers) {
    std::mt19937 rng(6);
    ShadowFramebuffer under(64, 32);
    under.fill(0x336699);
    const CursorImage cursor = random_cursor(rng, 7, 5);
    Nv12Image frame;
    frame.resize(64, 32);
    std::fill(frame.y.begin(), frame.y.end(), std::uint8_t{3});
    std::fill(frame.uv.begin(), frame.uv.end(), std::uint8_t{3});
    compose_cursor_nv12(cursor, 9, 5, under, planes_of(frame));  // blocks x 8..16, y 4..10
    for (std::uint32_t y = 0; y < 32; ++y) {
        for (std::uint32_t x = 0; x < 64; ++x) {
            const bool inside = x >= 8 && x < 16 && y >= 4 && y < 10;
            EXPECT_EQ(frame.y[y * 64 + x] != 3, inside) << x << "," << y;
        }
    }
    for (std::uint32_t cy = 0; cy < 16; ++cy) {
        for (std::uint32_t cx = 0; cx < 32; ++cx) {
            const bool inside = cx >= 4 && cx < 8 && cy >= 2 && cy < 5;
            EXPECT_EQ(frame.uv[cy * 64 + cx * 2] != 3, inside) << cx << "," << cy;
        }
    }
}

TEST(ComposeCursorNv12, FarOutsideOrEmptyWritesNothing) {
    ShadowFramebuffer under(16, 16);
    under.fill(0);
    std::mt19937 rng(7);
    const CursorImage cursor = random_cursor(rng, 4, 4);
    Nv12Image frame;
    frame.resize(16, 16);
    std::fill(frame.y.begin(), frame.y.end(), std::uint8_t{9});
    std::fill(frame.uv.begin(), frame.uv.end(), std::uint8_t{9});
    const Nv12Image before = frame;
    compose_cursor_nv12(cursor, INT32_MAX - 2, 3, under, planes_of(frame));
    compose_cursor_nv12(cursor, INT32_MIN, INT32_MIN, under, planes_of(frame));
    compose_cursor_nv12(CursorImage{}, 3, 3, under, planes_of(frame));
    EXPECT_EQ(frame.y, before.y);
    EXPECT_EQ(frame.uv, before.uv);
}

TEST(ComposeCursorNv12, RefusesAFrameOfAnotherSize) {
    ShadowFramebuffer under(16, 16);
    std::mt19937 rng(8);
    Nv12Image frame;
    frame.resize(8, 8);
    EXPECT_THROW(compose_cursor_nv12(random_cursor(rng, 2, 2), 0, 0, under, planes_of(frame)),
                 Error);
}

TEST(CopyNv12, HonoursTheTargetStrides) {
    Nv12Image image;
    image.resize(5, 3);
    for (std::size_t i = 0; i < image.y.size(); ++i) {
        image.y[i] = static_cast<std::uint8_t>(i + 1);
    }
    for (std::size_t i = 0; i < image.uv.size(); ++i) {
        image.uv[i] = static_cast<std::uint8_t>(100 + i);
    }
    std::vector<std::uint8_t> y(8 * 3, 0);
    std::vector<std::uint8_t> uv(8 * 2, 0);
    copy_nv12(image, {5, 3, y.data(), 8, uv.data(), 8});
    EXPECT_EQ(y[0], 1);
    EXPECT_EQ(y[4], 5);
    EXPECT_EQ(y[5], 0);  // padding untouched
    EXPECT_EQ(y[8], 6);
    EXPECT_EQ(y[2 * 8 + 4], 15);
    EXPECT_EQ(uv[0], 100);
    EXPECT_EQ(uv[5], 105);  // three Cb,Cr pairs a row
    EXPECT_EQ(uv[6], 0);
    EXPECT_EQ(uv[8], 106);
    EXPECT_THROW(copy_nv12(image, {4, 3, y.data(), 8, uv.data(), 8}), Error);
}

}  // namespace
}  // namespace fbx
