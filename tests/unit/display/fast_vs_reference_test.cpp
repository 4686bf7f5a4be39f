// The fast CPU path against the reference path, byte for byte in the colour
// channels, over every format x modifier, odd sizes, padded strides, damage
// at the edges, one thread and several, and both instruction sets.

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "display/cpu_converter.hpp"
#include "fbexport/pixel_format.hpp"
#include "fbexport/surface_layout.hpp"
#include "pixel_convert.hpp"
#include "reference_comparison.hpp"
#include "test_surface.hpp"

namespace fbx::test {
namespace {

struct Geometry {
    std::uint32_t width;
    std::uint32_t height;
    std::uint32_t extra_stride;  // bytes past the minimum (see padded_stride)
};

void expect_same(const Plane& plane, const std::vector<Rect>& damage, std::size_t threads,
                 const std::string& what) {
    compare_with_reference(
        plane, damage,
        [&](ShadowFramebuffer& out) { CpuConverter(threads).convert(plane, damage, out); }, what);
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
            surface.fill_random(rng);
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
