// The UAPI header is plain C with <linux/types.h> only; check it compiles in
// C++ and that its numbers agree with DRM's and with its own layout rules.
#include "include/uapi/vgpu_mediator.h"

#include <drm_fourcc.h>
#include <gtest/gtest.h>

#include <set>

namespace {

static_assert(VGPU_FMT_XRGB8888 == DRM_FORMAT_XRGB8888);
static_assert(VGPU_FMT_ARGB8888 == DRM_FORMAT_ARGB8888);
static_assert(VGPU_FMT_XBGR8888 == DRM_FORMAT_XBGR8888);
static_assert(VGPU_FMT_ABGR8888 == DRM_FORMAT_ABGR8888);
static_assert(VGPU_FMT_RGB565 == DRM_FORMAT_RGB565);
static_assert(VGPU_FMT_XRGB2101010 == DRM_FORMAT_XRGB2101010);
static_assert(VGPU_MOD_LINEAR == DRM_FORMAT_MOD_LINEAR);
static_assert(VGPU_MOD_I915_X_TILED == I915_FORMAT_MOD_X_TILED);
static_assert(VGPU_MOD_I915_Y_TILED == I915_FORMAT_MOD_Y_TILED);

static_assert(VGPU_PLANE_BLOCK_SIZE <= VGPU_PLANE_STRIDE);
static_assert(VGPU_PLANE_BASE(VGPU_NUM_PLANES) <= VGPU_BAR2_SIZE);
static_assert(VGPU_REG_SCRATCH < VGPU_PLANE_BASE_0);
static_assert(VGPU_PLANE_REG(VGPU_PLANE_CURSOR, VGPU_PLANE_HOT_Y) == 0x170);
static_assert(VGPU_CFG_VNDR_CAP + VGPU_VNDR_CAP_LEN <= VGPU_CFG_SIZE);
static_assert(VGPU_CFG_MSI_CAP + 14 <= VGPU_CFG_VNDR_CAP);  // 64-bit MSI cap
static_assert(VGPU_USABLE_VRAM(16u << 20) == (16u << 20) - 4096);

TEST(Uapi, IdMagicSpellsVgpu) {
    const char* s = "VGPU";
    const std::uint32_t v = std::uint32_t(s[0]) | std::uint32_t(s[1]) << 8 |
                            std::uint32_t(s[2]) << 16 | std::uint32_t(s[3]) << 24;
    EXPECT_EQ(v, VGPU_ID_MAGIC);
}

TEST(Uapi, GlobalRegistersAreDistinctAndAligned) {
    const unsigned regs[] = {
        VGPU_REG_ID,           VGPU_REG_VERSION,          VGPU_REG_CAPS,
        VGPU_REG_VRAM_SIZE_LO, VGPU_REG_VRAM_SIZE_HI,     VGPU_REG_MAX_WIDTH,
        VGPU_REG_MAX_HEIGHT,   VGPU_REG_CURSOR_MAX_WIDTH, VGPU_REG_CURSOR_MAX_HEIGHT,
        VGPU_REG_NUM_PLANES,   VGPU_REG_COMMIT,           VGPU_REG_FLIP_COUNT,
        VGPU_REG_INT_STATUS,   VGPU_REG_INT_ENABLE,       VGPU_REG_INVALID_COUNT,
        VGPU_REG_PLANE_VALID,  VGPU_REG_SCRATCH};
    std::set<unsigned> seen;
    for (unsigned r : regs) {
        EXPECT_EQ(r % 4, 0u) << r;
        EXPECT_TRUE(seen.insert(r).second) << r;
    }
}

TEST(Uapi, RegionOffsetsFollowVfioPci) {
    EXPECT_EQ(VGPU_REGION_OFFSET(0), 0u);
    EXPECT_EQ(VGPU_REGION_OFFSET(2), 2ull << 40);
}

}  // namespace
