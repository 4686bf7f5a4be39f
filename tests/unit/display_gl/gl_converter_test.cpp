// The GL path against the reference path: exact colour channels for every
// format x modifier x odd size x padded stride x damage at the edges, on
// whatever EGL this machine has (Mesa's llvmpipe through the surfaceless
// platform in CI), pixels outside the damage untouched, and NV12 against a
// CPU conversion of the reference output. Skips, saying why, when no EGL
// platform gives a GLES 3 context.

#include <drm_fourcc.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "display/gl_converter.hpp"
#include "display/nv12_image.hpp"
#include "display/reference_converter.hpp"
#include "fbexport/error.hpp"
#include "fbexport/pixel_format.hpp"
#include "fbexport/surface_layout.hpp"
#include "reference_comparison.hpp"
#include "test_surface.hpp"

namespace fbx::test {
namespace {

constexpr std::uint32_t sentinel = 0xdeadbeef;

// One converter for the whole suite: opening EGL and compiling the programs
// is the slow part, and reusing it also tests that state does not leak from
// one conversion into the next.
class GlConverterTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        try {
            converter_ = std::make_unique<GlConverter>();
            std::printf("GL path: %s\n", converter_->describe().c_str());
        } catch (const Error& e) {
            skip_reason_ = e.what();
        }
    }
    static void TearDownTestSuite() { converter_.reset(); }

    void SetUp() override {
        if (!converter_) {
            GTEST_SKIP() << "no GL path on this machine: " << skip_reason_;
        }
    }

    static GlConverter& gl() { return *converter_; }

private:
    static inline std::unique_ptr<GlConverter> converter_;
    static inline std::string skip_reason_;
};

int expect_same(GlConverter& gl, const Plane& plane, const std::vector<Rect>& damage,
                const std::string& what, std::uint32_t extra_width = 3,
                std::uint32_t extra_height = 2) {
    return compare_with_reference(
        plane, damage, [&](ShadowFramebuffer& out) { gl.convert(plane, damage, out); }, what,
        extra_width, extra_height);
}

TEST_F(GlConverterTest, EveryFormatModifierSizeStrideAndDamageMatchesTheReference) {
    struct Geometry {
        std::uint32_t width, height, extra_stride;
    };
    std::mt19937 rng(4321);
    const std::vector<Geometry> geometries{{1, 1, 0},     {37, 19, 0},    {129, 33, 0},
                                           {513, 9, 512}, {300, 70, 128}, {64, 64, 0}};
    int cases = 0;
    for (const PixelFormat& format : supported_formats()) {
        for (const Modifier& modifier : supported_modifiers()) {
            for (const Geometry& g : geometries) {
                SurfaceSpec spec;
                spec.fourcc = format.fourcc;
                spec.modifier = modifier.value;
                spec.width = g.width;
                spec.height = g.height;
                spec.stride = padded_stride(format, modifier, g.width, g.extra_stride);
                TestSurface surface(spec);
                surface.fill_random(rng);
                const auto w = static_cast<std::int32_t>(g.width);
                const auto h = static_cast<std::int32_t>(g.height);
                const std::string what = std::string(format.name) + " " +
                                         std::string(modifier.name) + " " + std::to_string(w) +
                                         "x" + std::to_string(h) + " stride " +
                                         std::to_string(spec.stride);
                for (const auto& damage : edge_damages(w, h)) {
                    expect_same(gl(), surface.plane(), damage, what);
                    ++cases;
                }
            }
        }
    }
    EXPECT_EQ(cases, 6 * 3 * 6 * 4);
}

TEST_F(GlConverterTest, UnalignedLinearOffsetsAndStridesMatch) {
    // A linear surface may start anywhere and have any stride: pixels then
    // straddle the 32-bit words the shader fetches.
    std::mt19937 rng(77);
    for (const PixelFormat& format : supported_formats()) {
        for (const std::uint64_t offset : {1u, 2u, 3u, 6u}) {
            for (const std::uint32_t extra : {0u, 1u, 2u, 3u}) {
                SurfaceSpec spec;
                spec.fourcc = format.fourcc;
                spec.modifier = DRM_FORMAT_MOD_LINEAR;
                spec.width = 23;
                spec.height = 11;
                spec.offset = offset;
                spec.stride = 23 * format.bytes_per_pixel + extra;
                TestSurface surface(spec);
                surface.fill_random(rng);
                expect_same(gl(), surface.plane(), {{0, 0, 23, 11}},
                            std::string(format.name) + " offset " + std::to_string(offset) +
                                " stride " + std::to_string(spec.stride));
            }
        }
    }
}

TEST_F(GlConverterTest, DistantDamageUploadsSeveralBandsAndLeavesTheRestAlone) {
    std::mt19937 rng(5);
    for (const Modifier& modifier : supported_modifiers()) {
        SurfaceSpec spec;
        spec.fourcc = DRM_FORMAT_XRGB8888;
        spec.modifier = modifier.value;
        spec.width = 700;
        spec.height = 500;
        TestSurface surface(spec);
        surface.fill_random(rng);
        expect_same(gl(), surface.plane(),
                    {{3, 2, 40, 5}, {600, 250, 100, 40}, {0, 470, 700, 30}, {10, 100, 1, 1}},
                    std::string(modifier.name) + " three bands");
    }
}

TEST_F(GlConverterTest, OutputSmallerThanThePlaneIsClipped) {
    std::mt19937 rng(6);
    SurfaceSpec spec;
    spec.fourcc = DRM_FORMAT_XBGR8888;
    spec.modifier = I915_FORMAT_MOD_Y_TILED;
    spec.width = 200;
    spec.height = 90;
    TestSurface surface(spec);
    surface.fill_random(rng);
    ShadowFramebuffer got(150, 60);
    ShadowFramebuffer want(150, 60);
    got.fill(sentinel);
    want.fill(sentinel);
    const Rect all{0, 0, 200, 90};
    gl().convert(surface.plane(), std::span<const Rect>(&all, 1), got);
    ReferenceConverter().convert(surface.plane(), std::span<const Rect>(&all, 1), want);
    for (std::uint32_t y = 0; y < 60; ++y) {
        for (std::uint32_t x = 0; x < 150; ++x) {
            ASSERT_EQ(got.at(x, y) & 0xffffff, want.at(x, y) & 0xffffff) << x << "," << y;
        }
    }
}

TEST_F(GlConverterTest, AFrameLargerThanOnePboChunkMatches) {
    // 1920x1080x4 bytes: several read-back chunks through both PBOs.
    SurfaceSpec spec;
    spec.fourcc = DRM_FORMAT_XRGB8888;
    spec.modifier = I915_FORMAT_MOD_X_TILED;
    spec.width = 1920;
    spec.height = 1080;
    TestSurface surface(spec);
    surface.fill_pattern();
    EXPECT_EQ(expect_same(gl(), surface.plane(), {{0, 0, 1920, 1080}}, "1920x1080 x-tiled", 0, 0),
              0);
}

TEST_F(GlConverterTest, EmptyOrOutsideDamageTouchesNothing) {
    SurfaceSpec spec;
    spec.fourcc = DRM_FORMAT_RGB565;
    spec.modifier = DRM_FORMAT_MOD_LINEAR;
    spec.width = 16;
    spec.height = 16;
    TestSurface surface(spec);
    surface.fill_pattern();
    ShadowFramebuffer out(16, 16);
    out.fill(sentinel);
    gl().convert(surface.plane(), DamageRegion(), out);
    gl().convert(surface.plane(), DamageRegion(Rect{20, 20, 5, 5}), out);
    for (std::uint32_t y = 0; y < 16; ++y) {
        for (std::uint32_t x = 0; x < 16; ++x) {
            ASSERT_EQ(out.at(x, y), sentinel);
        }
    }
}

TEST_F(GlConverterTest, BadPlaneIsRejectedNamingIt) {
    SurfaceSpec spec;
    spec.fourcc = DRM_FORMAT_XRGB8888;
    spec.modifier = I915_FORMAT_MOD_X_TILED;
    spec.width = 64;
    spec.height = 8;
    spec.dmabuf_id = 42;
    TestSurface surface(spec);
    Plane plane = surface.plane();
    plane.height = 4096;  // more rows than the buffer holds
    ShadowFramebuffer out(64, 4096);
    try {
        gl().convert(plane, DamageRegion(out.bounds()), out);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("dmabuf_id 42"), std::string::npos) << e.what();
    }
}

void expect_nv12_close(const Nv12Image& got, const Nv12Image& want, const std::string& what) {
    ASSERT_EQ(got.width, want.width);
    ASSERT_EQ(got.height, want.height);
    ASSERT_EQ(got.y.size(), want.y.size());
    ASSERT_EQ(got.uv.size(), want.uv.size());
    int bad = 0;
    for (std::size_t i = 0; i < got.y.size(); ++i) {
        if (std::abs(int(got.y[i]) - int(want.y[i])) > 1 && ++bad <= 3) {
            ADD_FAILURE() << what << ": Y[" << i << "] gl " << int(got.y[i]) << " cpu "
                          << int(want.y[i]);
        }
    }
    for (std::size_t i = 0; i < got.uv.size(); ++i) {
        if (std::abs(int(got.uv[i]) - int(want.uv[i])) > 1 && ++bad <= 6) {
            ADD_FAILURE() << what << ": UV[" << i << "] gl " << int(got.uv[i]) << " cpu "
                          << int(want.uv[i]);
        }
    }
}

TEST_F(GlConverterTest, Nv12MatchesTheCpuConversionOfTheReferenceWithinOneStep) {
    std::mt19937 rng(11);
    struct Case {
        std::uint32_t fourcc;
        std::uint64_t modifier;
        std::uint32_t width, height;
    };
    for (const Case& c : {Case{DRM_FORMAT_XRGB8888, I915_FORMAT_MOD_X_TILED, 64, 48},
                          Case{DRM_FORMAT_ABGR8888, I915_FORMAT_MOD_Y_TILED, 37, 19},
                          Case{DRM_FORMAT_RGB565, DRM_FORMAT_MOD_LINEAR, 1, 1},
                          Case{DRM_FORMAT_XRGB2101010, DRM_FORMAT_MOD_LINEAR, 130, 67},
                          Case{DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR, 1921, 1081}}) {
        SurfaceSpec spec;
        spec.fourcc = c.fourcc;
        spec.modifier = c.modifier;
        spec.width = c.width;
        spec.height = c.height;
        TestSurface surface(spec);
        surface.fill_random(rng);
        ShadowFramebuffer picture(c.width, c.height);
        ReferenceConverter().convert(surface.plane(), DamageRegion(picture.bounds()), picture);
        Nv12Image want;
        rgb_to_nv12(picture, want);
        Nv12Image got;
        gl().convert_nv12(surface.plane(), got);
        expect_nv12_close(got, want,
                          format_name(c.fourcc) + " " + modifier_name(c.modifier) + " " +
                              std::to_string(c.width) + "x" + std::to_string(c.height));
    }
}

TEST_F(GlConverterTest, Nv12OfKnownColoursIsBt601LimitedRange) {
    SurfaceSpec spec;
    spec.fourcc = DRM_FORMAT_XRGB8888;
    spec.modifier = DRM_FORMAT_MOD_LINEAR;
    spec.width = 8;
    spec.height = 2;
    TestSurface surface(spec);
    // Two pixels wide each: black, white, red, grey(128).
    const std::uint32_t colours[] = {0x000000, 0xffffff, 0xff0000, 0x808080};
    for (std::uint32_t y = 0; y < 2; ++y) {
        for (std::uint32_t x = 0; x < 8; ++x) {
            surface.set_raw(x, y, colours[x / 2]);
        }
    }
    Nv12Image got;
    gl().convert_nv12(surface.plane(), got);
    EXPECT_EQ(got.y[0], 16);   // black
    EXPECT_EQ(got.y[2], 235);  // white
    EXPECT_EQ(got.y[4], 81);   // red: 16 + 219 * 0.299
    EXPECT_EQ(got.y[6], 126);  // grey 128: 16 + 219 * 128 / 255 = 125.9
    EXPECT_EQ(got.uv[0], 128);
    EXPECT_EQ(got.uv[1], 128);
    EXPECT_EQ(got.uv[2], 128);
    EXPECT_EQ(got.uv[3], 128);
    EXPECT_EQ(got.uv[4], 90);   // red Cb: 128 - 0.168736 * 224
    EXPECT_EQ(got.uv[5], 240);  // red Cr: 128 + 0.5 * 224
}

// The stream's NV12 follows the damage: after a change inside one
// rectangle, only the 4x2 blocks it touches are rewritten, and they hold the
// new picture's NV12; everything else keeps what was there.
TEST_F(GlConverterTest, Nv12UpdateRewritesOnlyTheBlocksTheDamageTouches) {
    std::mt19937 rng(23);
    SurfaceSpec spec;
    spec.fourcc = DRM_FORMAT_XRGB8888;
    spec.modifier = I915_FORMAT_MOD_X_TILED;
    spec.width = 203;  // neither a multiple of 4 nor of 2: partial blocks at the edges
    spec.height = 61;
    TestSurface surface(spec);
    surface.fill_random(rng);
    ShadowFramebuffer shadow(spec.width, spec.height);
    gl().convert(surface.plane(), DamageRegion(shadow.bounds()), shadow);
    Nv12Image got;
    gl().update_nv12(DamageRegion(shadow.bounds()), got);  // sized and converted whole
    Nv12Image want;
    rgb_to_nv12(shadow, want);
    expect_nv12_close(got, want, "whole picture");

    // Mark every byte, change the surface inside two rectangles (one on the
    // odd right and bottom edges), and convert only those.
    std::fill(got.y.begin(), got.y.end(), std::uint8_t{7});
    std::fill(got.uv.begin(), got.uv.end(), std::uint8_t{7});
    const std::vector<Rect> damage{{13, 7, 35, 21}, {190, 50, 13, 11}};
    std::uniform_int_distribution<std::uint32_t> value;
    for (const Rect& r : damage) {
        for (std::int32_t y = r.y; y < r.bottom(); ++y) {
            for (std::int32_t x = r.x; x < r.right(); ++x) {
                surface.set_raw(std::uint32_t(x), std::uint32_t(y), value(rng));
            }
        }
    }
    gl().convert(surface.plane(), damage, shadow);
    gl().update_nv12(DamageRegion(damage), got);
    rgb_to_nv12(shadow, want);

    const auto in_blocks = [&](std::uint32_t x, std::uint32_t y) {
        for (const Rect& r : damage) {
            const auto x0 = std::uint32_t(r.x) / 4 * 4;
            const auto x1 = (std::uint32_t(r.right()) + 3) / 4 * 4;
            const auto y0 = std::uint32_t(r.y) / 2 * 2;
            const auto y1 = (std::uint32_t(r.bottom()) + 1) / 2 * 2;
            if (x >= x0 && x < x1 && y >= y0 && y < y1) {
                return true;
            }
        }
        return false;
    };
    int bad = 0;
    std::size_t rewritten = 0;
    for (std::uint32_t y = 0; y < spec.height; ++y) {
        for (std::uint32_t x = 0; x < spec.width; ++x) {
            const std::size_t i = std::size_t{y} * got.width + x;
            const bool inside = in_blocks(x, y);
            rewritten += inside;
            const bool ok = inside ? std::abs(int(got.y[i]) - int(want.y[i])) <= 1 : got.y[i] == 7;
            if (!ok && ++bad <= 5) {
                ADD_FAILURE() << "Y at " << x << "," << y << (inside ? " (damaged)" : " (kept)")
                              << ": " << int(got.y[i]) << ", want "
                              << (inside ? int(want.y[i]) : 7);
            }
        }
    }
    for (std::uint32_t cy = 0; cy < got.chroma_height(); ++cy) {
        for (std::uint32_t cx = 0; cx < got.chroma_width(); ++cx) {
            const bool inside = in_blocks(cx * 2, cy * 2);
            for (std::uint32_t k = 0; k < 2; ++k) {
                const std::size_t i = std::size_t{cy} * got.uv_stride() + cx * 2 + k;
                const bool ok =
                    inside ? std::abs(int(got.uv[i]) - int(want.uv[i])) <= 1 : got.uv[i] == 7;
                if (!ok && ++bad <= 10) {
                    ADD_FAILURE() << "UV at " << cx << "," << cy
                                  << (inside ? " (damaged)" : " (kept)") << ": " << int(got.uv[i]);
                }
            }
        }
    }
    // The blocks the rectangles touch, clipped to the picture: 12..48 x 6..28
    // and 188..203 x 50..61.
    EXPECT_EQ(rewritten, std::size_t{36 * 22 + 15 * 11});
}

TEST_F(GlConverterTest, Nv12UpdateBeforeAnyConversionIsAnError) {
    GlConverter fresh;
    Nv12Image out;
    try {
        fresh.update_nv12(DamageRegion(Rect{0, 0, 8, 8}), out);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("before any conversion"), std::string::npos)
            << e.what();
    }
}

TEST_F(GlConverterTest, StepTimesAreReportedOnlyWhenAskedFor) {
    SurfaceSpec spec;
    spec.fourcc = DRM_FORMAT_XRGB8888;
    spec.modifier = I915_FORMAT_MOD_Y_TILED;
    spec.width = 256;
    spec.height = 64;
    TestSurface surface(spec);
    ShadowFramebuffer out(256, 64);
    gl().convert(surface.plane(), DamageRegion(out.bounds()), out);
    EXPECT_EQ(gl().last_step_times().upload_s, 0.0);
    gl().set_step_timing(true);
    gl().convert(surface.plane(), DamageRegion(out.bounds()), out);
    gl().set_step_timing(false);
    const auto& t = gl().last_step_times();
    EXPECT_GT(t.upload_s, 0.0);
    EXPECT_GT(t.draw_s, 0.0);
    EXPECT_GT(t.readback_s, 0.0);
    EXPECT_FALSE(t.imported);  // a memfd is never imported
}

TEST_F(GlConverterTest, TwoConvertersCoexistOnOneDisplay) {
    // EGL returns the same display to both: the second one's teardown must
    // not terminate it under the first.
    SurfaceSpec spec;
    spec.fourcc = DRM_FORMAT_ARGB8888;
    spec.modifier = DRM_FORMAT_MOD_LINEAR;
    spec.width = 33;
    spec.height = 17;
    TestSurface surface(spec);
    surface.fill_pattern();
    {
        GlConverter second;
        expect_same(second, surface.plane(), {{0, 0, 33, 17}}, "second converter");
    }
    expect_same(gl(), surface.plane(), {{0, 0, 33, 17}}, "first converter after the second");
}

}  // namespace
}  // namespace fbx::test
