// The CPU path's fixed-point NV12 against the double-precision definition
// (rgb_to_nv12): within one step everywhere, exact on known colours, and
// only the 2x2 blocks the damage touches rewritten.

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "display/nv12_update.hpp"

namespace fbx {
namespace {

ShadowFramebuffer random_picture(std::mt19937& rng, std::uint32_t width, std::uint32_t height) {
    ShadowFramebuffer picture(width, height);
    for (std::uint32_t y = 0; y < height; ++y) {
        for (std::uint32_t x = 0; x < width; ++x) {
            picture.at(x, y) = rng() & 0xffffff;
        }
    }
    return picture;
}

// Bytes of `got` more than one step from `want`; both the same size.
int far_bytes(const std::vector<std::uint8_t>& got, const std::vector<std::uint8_t>& want) {
    int far = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        far += std::abs(int(got[i]) - int(want[i])) > 1;
    }
    return far;
}

TEST(UpdateNv12, WholePicturesAreWithinOneStepOfTheDefinition) {
    std::mt19937 rng(31);
    for (const auto& [w, h] : {std::pair{1u, 1u}, std::pair{2u, 2u}, std::pair{37u, 19u},
                               std::pair{640u, 400u}, std::pair{201u, 3u}}) {
        const ShadowFramebuffer picture = random_picture(rng, w, h);
        Nv12Image got;
        update_nv12(picture, DamageRegion(), got);  // another size: converted whole
        Nv12Image want;
        rgb_to_nv12(picture, want);
        ASSERT_EQ(got.y.size(), want.y.size());
        ASSERT_EQ(got.uv.size(), want.uv.size());
        EXPECT_EQ(far_bytes(got.y, want.y), 0) << w << "x" << h;
        EXPECT_EQ(far_bytes(got.uv, want.uv), 0) << w << "x" << h;
    }
}

TEST(UpdateNv12, KnownColoursAreExact) {
    ShadowFramebuffer picture(8, 2);
    const std::uint32_t colours[] = {0x000000, 0xffffff, 0xff0000, 0x808080};
    for (std::uint32_t y = 0; y < 2; ++y) {
        for (std::uint32_t x = 0; x < 8; ++x) {
            picture.at(x, y) = colours[x / 2];
        }
    }
    Nv12Image got;
    update_nv12(picture, DamageRegion(), got);
    Nv12Image want;
    rgb_to_nv12(picture, want);
    EXPECT_EQ(got.y, want.y);
    EXPECT_EQ(got.uv, want.uv);
    EXPECT_EQ(got.y[0], 16);
    EXPECT_EQ(got.y[2], 235);
    EXPECT_EQ(got.y[4], 81);
    EXPECT_EQ(got.uv[4], 90);
    EXPECT_EQ(got.uv[5], 240);
}

TEST(UpdateNv12, RewritesOnlyTheBlocksTheDamageTouches) {
    std::mt19937 rng(32);
    ShadowFramebuffer picture = random_picture(rng, 101, 57);
    Nv12Image got;
    update_nv12(picture, DamageRegion(), got);
    std::fill(got.y.begin(), got.y.end(), std::uint8_t{7});
    std::fill(got.uv.begin(), got.uv.end(), std::uint8_t{7});
    // One rectangle at odd coordinates, one on the odd right and bottom edges.
    const std::vector<Rect> damage{{13, 7, 20, 9}, {96, 52, 5, 5}};
    for (const Rect& r : damage) {
        for (std::int32_t y = r.y; y < r.bottom(); ++y) {
            for (std::int32_t x = r.x; x < r.right(); ++x) {
                picture.at(std::uint32_t(x), std::uint32_t(y)) = rng() & 0xffffff;
            }
        }
    }
    update_nv12(picture, DamageRegion(damage), got);
    Nv12Image want;
    rgb_to_nv12(picture, want);
    const auto in_blocks = [&](std::uint32_t x, std::uint32_t y) {
        return (x >= 12 && x < 34 && y >= 6 && y < 16) || (x >= 96 && y >= 52);
    };
    for (std::uint32_t y = 0; y < 57; ++y) {
        for (std::uint32_t x = 0; x < 101; ++x) {
            const std::uint8_t v = got.y[y * 101 + x];
            if (in_blocks(x, y)) {
                ASSERT_LE(std::abs(int(v) - int(want.y[y * 101 + x])), 1) << x << "," << y;
            } else {
                ASSERT_EQ(v, 7) << "kept " << x << "," << y;
            }
        }
    }
    for (std::uint32_t cy = 0; cy < got.chroma_height(); ++cy) {
        for (std::uint32_t i = 0; i < got.uv_stride(); ++i) {
            const std::size_t at = cy * got.uv_stride() + i;
            if (in_blocks(i / 2 * 2, cy * 2)) {
                ASSERT_LE(std::abs(int(got.uv[at]) - int(want.uv[at])), 1) << i << "," << cy;
            } else {
                ASSERT_EQ(got.uv[at], 7) << "kept chroma " << i << "," << cy;
            }
        }
    }
}

}  // namespace
}  // namespace fbx
