// Tiling address math of the kernel (kernel/plane_logic.c) against the
// userspace detiler's (fbexport/surface_layout.hpp): the two sides of the
// ABI must agree byte for byte.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "fbexport/surface_layout.hpp"
#include "kernel_logic.hpp"

namespace {

struct Case {
    std::uint64_t modifier;
    fbx::Tiling tiling;
    std::uint32_t tile_w, tile_h;
};

const Case kCases[] = {
    {VGPU_MOD_LINEAR, fbx::Tiling::linear, 1, 1},
    {VGPU_MOD_I915_X_TILED, fbx::Tiling::intel_x, 512, 8},
    {VGPU_MOD_I915_Y_TILED, fbx::Tiling::intel_y, 128, 32},
};

TEST(Tiling, Geometry) {
    for (const Case& c : kCases) {
        std::uint32_t w = 0, h = 0;
        ASSERT_TRUE(vgpu_tile_geometry(c.modifier, &w, &h));
        EXPECT_EQ(w, c.tile_w);
        EXPECT_EQ(h, c.tile_h);
    }
    std::uint32_t w, h;
    EXPECT_FALSE(vgpu_tile_geometry(42, &w, &h));
    EXPECT_EQ(vgpu_tiled_offset(42, 512, 0, 0), ~std::uint64_t{0});
}

TEST(Tiling, MatchesUserspaceLayout) {
    for (const Case& c : kCases) {
        const std::uint32_t stride = 2048, height = 70;
        const fbx::SurfaceLayout layout(c.tiling, stride, height);
        for (std::uint32_t y = 0; y < height; y++)
            for (std::uint32_t xb = 0; xb < stride; xb += 3)
                ASSERT_EQ(vgpu_tiled_offset(c.modifier, stride, xb, y), layout.byte_offset(xb, y))
                    << "mod " << c.modifier << " x " << xb << " y " << y;
    }
}

// Every byte of a surface lands on a distinct address inside its tile rows.
TEST(Tiling, IsAPermutation) {
    for (const Case& c : kCases) {
        const std::uint32_t stride = 1024, height = 64;
        std::vector<bool> hit(std::size_t{stride} * height);
        for (std::uint32_t y = 0; y < height; y++)
            for (std::uint32_t xb = 0; xb < stride; xb++) {
                const std::uint64_t a = vgpu_tiled_offset(c.modifier, stride, xb, y);
                ASSERT_LT(a, hit.size());
                ASSERT_FALSE(hit[a]);
                hit[a] = true;
            }
    }
}

TEST(Tiling, KnownAddresses) {
    // X: second tile of the first tile row starts at 4096.
    EXPECT_EQ(vgpu_tiled_offset(VGPU_MOD_I915_X_TILED, 2048, 512, 0), 4096u);
    EXPECT_EQ(vgpu_tiled_offset(VGPU_MOD_I915_X_TILED, 2048, 0, 1), 512u);
    EXPECT_EQ(vgpu_tiled_offset(VGPU_MOD_I915_X_TILED, 2048, 0, 8), 2048u * 8);
    // Y: 16-byte columns of 32 lines.
    EXPECT_EQ(vgpu_tiled_offset(VGPU_MOD_I915_Y_TILED, 2048, 0, 1), 16u);
    EXPECT_EQ(vgpu_tiled_offset(VGPU_MOD_I915_Y_TILED, 2048, 16, 0), 512u);
    EXPECT_EQ(vgpu_tiled_offset(VGPU_MOD_I915_Y_TILED, 2048, 128, 0), 4096u);
    EXPECT_EQ(vgpu_tiled_offset(VGPU_MOD_I915_Y_TILED, 2048, 0, 32), 2048u * 32);
}

}  // namespace
