// The fast CPU path against the reference path, byte for byte in the colour
// channels, over every format x modifier, odd sizes, padded strides, damage
// at the edges, one thread and several, and both instruction sets.

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "display/cpu_converter.hpp"
#include "display/reference_converter.hpp"
#include "fbexport/pixel_format.hpp"
#include "fbexport/surface_layout.hpp"
#include "pixel_convert.hpp"
#include "test_surface.hpp"

namespace fbx::test {
namespace {

constexpr std::uint32_t sentinel = 0xdeadbeef;

struct Geometry {
    std::uint32_t width;
    std::uint32_t height;
    std::uint32_t extra_stride;  // bytes past the minimum (kept tile-aligned for tiled layouts)
};

std::uint32_t random_raw(std::mt19937& rng, std::uint32_t bytes_per_pixel) {
    const std::uint32_t v = rng();
    return bytes_per_pixel == 2 ? v & 0xffff : v;
}

// Converts the same damage with both paths into sentinel-filled outputs and
// compares every pixel: colour channels inside the damage, all 32 bits outside.
void expect_same(const Plane& plane, const std::vector<Rect>& damage, std::size_t threads,
                 const std::string& what) {
    ShadowFramebuffer fast(plane.width + 3, plane.height + 2);
    ShadowFramebuffer reference(plane.width + 3, plane.height + 2);
    fast.fill(sentinel);
    reference.fill(sentinel);
    CpuConverter(threads).convert(plane, damage, fast);
    ReferenceConverter().convert(plane, damage, reference);
    int bad = 0;
    for (std::uint32_t y = 0; y < fast.height(); ++y) {
        for (std::uint32_t x = 0; x < fast.width(); ++x) {
            const std::uint32_t a = fast.at(x, y);
            const std::uint32_t b = reference.at(x, y);
            const bool untouched = b == sentinel;
            const bool same = untouched ? a == sentinel : (a & 0xffffff) == (b & 0xffffff);
            if (!same && ++bad <= 3) {
                ADD_FAILURE() << what << ": pixel " << x << "," << y << std::hex << " fast " << a
                              << " reference " << b;
            }
        }
    }
}

TEST(FastVsReference, EveryFormatModifierSizeStrideAndDamage) {
    std::mt19937 rng(1234);
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
                const std::uint32_t tile_width = tile_shape(modifier.tiling).width_bytes;
                const std::uint32_t extra = modifier.tiling == Tiling::linear
                                                ? g.extra_stride + 4 * (g.width % 3)
                                                : g.extra_stride / tile_width * tile_width;
                spec.stride =
                    minimum_stride(modifier.tiling, g.width, format.bytes_per_pixel) + extra;
                TestSurface surface(spec);
                for (std::uint32_t y = 0; y < g.height; ++y) {
                    for (std::uint32_t x = 0; x < g.width; ++x) {
                        surface.set_raw(x, y, random_raw(rng, format.bytes_per_pixel));
                    }
                }
                const auto w = static_cast<std::int32_t>(g.width);
                const auto h = static_cast<std::int32_t>(g.height);
                const std::vector<std::vector<Rect>> damages{
                    {{0, 0, w, h}},                                        // everything
                    {{w - 1, h - 1, 5, 5}},                                // corner, partly outside
                    {{-3, -2, 4, 3}, {w / 2, 0, 3, h}},                    // edges, a column
                    {{1, 1, w / 2 + 1, h / 3 + 1}, {w / 3, h / 2, w, 2}},  // overlapping, clipped
                };
                const std::string what = std::string(format.name) + " " +
                                         std::string(modifier.name) + " " + std::to_string(w) +
                                         "x" + std::to_string(h) + " stride " +
                                         std::to_string(spec.stride);
                for (const auto& damage : damages) {
                    expect_same(surface.plane(), damage, 1, what);
                    ++cases;
                }
            }
        }
    }
    EXPECT_EQ(cases, 6 * 3 * 6 * 4);
}

TEST(FastVsReference, LargeDamageSplitOverThreadsMatches) {
    std::mt19937 rng(99);
    for (const PixelFormat& format : supported_formats()) {
        for (const Modifier& modifier : supported_modifiers()) {
            SurfaceSpec spec;
            spec.fourcc = format.fourcc;
            spec.modifier = modifier.value;
            spec.width = 1000;
            spec.height = 600;  // > the parallel threshold, bands not a multiple of 32
            TestSurface surface(spec);
            for (std::uint32_t y = 0; y < spec.height; ++y) {
                for (std::uint32_t x = 0; x < spec.width; ++x) {
                    surface.set_raw(x, y, random_raw(rng, format.bytes_per_pixel));
                }
            }
            const std::string what = std::string(format.name) + " " + std::string(modifier.name);
            expect_same(surface.plane(), {{0, 0, 1000, 600}}, 4, what + " 4 threads");
            expect_same(surface.plane(), {{5, 7, 990, 580}, {0, 0, 1000, 3}}, 3,
                        what + " 3 threads, ragged bands");
        }
    }
}

TEST(PixelKernels, Sse2AndAvx2AgreeWithTheScalarDefinition) {
    if (!__builtin_cpu_supports("avx2")) {
        GTEST_SKIP() << "this CPU has no AVX2; only the SSE2 kernels can run here";
    }
    std::mt19937 rng(7);
    for (std::size_t n : {0u, 1u, 3u, 4u, 7u, 8u, 9u, 31u, 100u}) {
        std::vector<std::uint32_t> in(n);
        std::vector<std::uint16_t> in16(n);
        for (std::size_t i = 0; i < n; ++i) {
            in[i] = rng();
            in16[i] = static_cast<std::uint16_t>(rng());
        }
        auto a = in, b = in;
        sse2::swap_red_blue(a.data(), n);
        avx2::swap_red_blue(b.data(), n);
        EXPECT_EQ(a, b) << n;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t p = in[i];
            EXPECT_EQ(a[i], (p & 0xff00ff00u) | ((p >> 16) & 0xff) | ((p & 0xff) << 16));
        }
        a = in, b = in;
        sse2::narrow_2101010(a.data(), n);
        avx2::narrow_2101010(b.data(), n);
        EXPECT_EQ(a, b) << n;
        std::vector<std::uint32_t> wa(n), wb(n);
        sse2::widen_565(in16.data(), wa.data(), n);
        avx2::widen_565(in16.data(), wb.data(), n);
        EXPECT_EQ(wa, wb) << n;
    }
}

}  // namespace
}  // namespace fbx::test
