// The register file as a guest drives it: double buffering, commit, status,
// interrupts and the invalid counter (kernel/regs_logic.c).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "kernel_logic.hpp"

namespace {

constexpr std::uint64_t kVram = (64u << 20) - 4096;
constexpr std::uint32_t kGttEntries = (64u << 20) / 4096;

class Engine : public ::testing::Test {
protected:
    void SetUp() override { vgpu_engine_init(&e, kVram, kGttEntries, 2560, 1600); }

    std::uint32_t rd(std::uint32_t off) { return vgpu_engine_read(&e, off); }
    std::uint32_t wr(std::uint32_t off, std::uint32_t v) { return vgpu_engine_write(&e, off, v); }
    std::uint32_t prd(int plane, std::uint32_t reg) { return rd(VGPU_PLANE_REG(plane, reg)); }
    void pwr(int plane, std::uint32_t reg, std::uint32_t v) {
        EXPECT_EQ(wr(VGPU_PLANE_REG(plane, reg), v), 0u);
    }

    void program_primary(std::uint32_t offset = 0, std::uint64_t mod = VGPU_MOD_LINEAR) {
        pwr(0, VGPU_PLANE_ENABLE, 1);
        pwr(0, VGPU_PLANE_FORMAT, VGPU_FMT_XRGB8888);
        pwr(0, VGPU_PLANE_MODIFIER_LO, std::uint32_t(mod));
        pwr(0, VGPU_PLANE_MODIFIER_HI, std::uint32_t(mod >> 32));
        pwr(0, VGPU_PLANE_OFFSET_LO, offset);
        pwr(0, VGPU_PLANE_OFFSET_HI, 0);
        pwr(0, VGPU_PLANE_WIDTH, 1920);
        pwr(0, VGPU_PLANE_HEIGHT, 1080);
        pwr(0, VGPU_PLANE_STRIDE_BYTES, 8192);
    }

    vgpu_engine e;
};

TEST_F(Engine, IdentityRegisters) {
    EXPECT_EQ(rd(VGPU_REG_ID), VGPU_ID_MAGIC);
    EXPECT_EQ(rd(VGPU_REG_VERSION), std::uint32_t(VGPU_VERSION));
    EXPECT_EQ(rd(VGPU_REG_VRAM_SIZE_LO), std::uint32_t(kVram));
    EXPECT_EQ(rd(VGPU_REG_VRAM_SIZE_HI), 0u);
    EXPECT_EQ(rd(VGPU_REG_MAX_WIDTH), 2560u);
    EXPECT_EQ(rd(VGPU_REG_MAX_HEIGHT), 1600u);
    EXPECT_EQ(rd(VGPU_REG_CURSOR_MAX_WIDTH), std::uint32_t(VGPU_CURSOR_MAX_SIZE));
    EXPECT_EQ(rd(VGPU_REG_NUM_PLANES), 2u);
    EXPECT_TRUE(rd(VGPU_REG_CAPS) & VGPU_CAP_TILED_Y);
    EXPECT_EQ(rd(VGPU_REG_PLANE_VALID), 0u);
    EXPECT_EQ(prd(0, VGPU_PLANE_STATUS), std::uint32_t(VGPU_PLANE_ERR_DISABLED));
}

TEST_F(Engine, WritesArePendingUntilCommit) {
    program_primary();
    EXPECT_EQ(prd(0, VGPU_PLANE_WIDTH), 1920u);  // reads return the pending copy
    EXPECT_EQ(e.status[0], std::uint32_t(VGPU_PLANE_ERR_DISABLED));
    EXPECT_EQ(e.active[0].width, 0u);

    EXPECT_EQ(wr(VGPU_REG_COMMIT, 1u << VGPU_PLANE_PRIMARY), std::uint32_t(VGPU_EV_FLIP));
    EXPECT_EQ(e.status[0], std::uint32_t(VGPU_PLANE_OK));
    EXPECT_EQ(e.surf[0].width, 1920u);
    EXPECT_EQ(rd(VGPU_REG_PLANE_VALID), 1u);
    EXPECT_EQ(rd(VGPU_REG_FLIP_COUNT), 1u);
    EXPECT_EQ(rd(VGPU_REG_INT_STATUS), VGPU_INT_FLIP_DONE);

    // a pending change leaves the active copy alone until the next commit
    pwr(0, VGPU_PLANE_OFFSET_LO, 8192 * 1080);
    EXPECT_EQ(e.surf[0].offset, 0u);
    wr(VGPU_REG_COMMIT, 1);
    EXPECT_EQ(e.surf[0].offset, 8192u * 1080);
    EXPECT_EQ(rd(VGPU_REG_FLIP_COUNT), 2u);
}

TEST_F(Engine, CommitOnlyLatchesMaskedPlanes) {
    program_primary();
    pwr(1, VGPU_PLANE_ENABLE, 1);
    wr(VGPU_REG_COMMIT, 1u << VGPU_PLANE_CURSOR);
    EXPECT_EQ(e.status[0], std::uint32_t(VGPU_PLANE_ERR_DISABLED));
    EXPECT_EQ(e.active[1].enable, 1u);
    EXPECT_EQ(e.status[1], std::uint32_t(VGPU_PLANE_ERR_FORMAT));
    EXPECT_EQ(e.invalid_count, 1u);
}

TEST_F(Engine, CommitZeroIsNoOp) {
    EXPECT_EQ(wr(VGPU_REG_COMMIT, 0), 0u);
    EXPECT_EQ(rd(VGPU_REG_FLIP_COUNT), 0u);
    EXPECT_EQ(rd(VGPU_REG_INT_STATUS), 0u);
    EXPECT_EQ(rd(VGPU_REG_COMMIT), 0u);
}

TEST_F(Engine, CommitWithUnknownBitsCounts) {
    program_primary();
    wr(VGPU_REG_COMMIT, 0xfffffff1u);
    EXPECT_EQ(e.status[0], std::uint32_t(VGPU_PLANE_OK));
    EXPECT_EQ(e.invalid_count, 1u);
    wr(VGPU_REG_COMMIT, 0x4);
    EXPECT_EQ(e.invalid_count, 2u);
    EXPECT_EQ(rd(VGPU_REG_FLIP_COUNT), 1u);
}

TEST_F(Engine, SixtyFourBitHalves) {
    pwr(0, VGPU_PLANE_MODIFIER_HI, 0x01000000);
    pwr(0, VGPU_PLANE_MODIFIER_LO, 2);
    EXPECT_EQ(e.pending[0].modifier, VGPU_MOD_I915_Y_TILED);
    pwr(0, VGPU_PLANE_OFFSET_HI, 1);
    pwr(0, VGPU_PLANE_OFFSET_LO, 0x1000);
    EXPECT_EQ(e.pending[0].offset, 0x100001000ull);
    EXPECT_EQ(prd(0, VGPU_PLANE_OFFSET_HI), 1u);
    EXPECT_EQ(prd(0, VGPU_PLANE_OFFSET_LO), 0x1000u);
}

TEST_F(Engine, InvalidPlaneCountsAndReportsStatus) {
    program_primary();
    pwr(0, VGPU_PLANE_STRIDE_BYTES, 100);
    wr(VGPU_REG_COMMIT, 1);
    EXPECT_EQ(prd(0, VGPU_PLANE_STATUS), std::uint32_t(VGPU_PLANE_ERR_STRIDE));
    EXPECT_EQ(rd(VGPU_REG_PLANE_VALID), 0u);
    EXPECT_EQ(rd(VGPU_REG_INVALID_COUNT), 1u);
    EXPECT_EQ(e.surf[0].size, 0u);
    // still a flip: the guest gets its interrupt either way
    EXPECT_EQ(rd(VGPU_REG_FLIP_COUNT), 1u);
}

TEST_F(Engine, InterruptRaisedOnNewEnabledBit) {
    program_primary();
    EXPECT_EQ(wr(VGPU_REG_INT_ENABLE, VGPU_INT_FLIP_DONE), 0u);
    EXPECT_EQ(wr(VGPU_REG_COMMIT, 1), std::uint32_t(VGPU_EV_FLIP | VGPU_EV_IRQ));
    EXPECT_TRUE(vgpu_engine_irq_pending(&e));
    // not acked: no new edge
    EXPECT_EQ(wr(VGPU_REG_COMMIT, 1), std::uint32_t(VGPU_EV_FLIP));
    // ack (write 1 to clear), then the next flip interrupts again
    wr(VGPU_REG_INT_STATUS, VGPU_INT_FLIP_DONE);
    EXPECT_FALSE(vgpu_engine_irq_pending(&e));
    EXPECT_EQ(wr(VGPU_REG_COMMIT, 1), std::uint32_t(VGPU_EV_FLIP | VGPU_EV_IRQ));
}

TEST_F(Engine, EnablingPendingStatusRaises) {
    program_primary();
    wr(VGPU_REG_COMMIT, 1);  // status set, not enabled: nothing
    EXPECT_FALSE(vgpu_engine_irq_pending(&e));
    EXPECT_EQ(wr(VGPU_REG_INT_ENABLE, VGPU_INT_FLIP_DONE), std::uint32_t(VGPU_EV_IRQ));
}

TEST_F(Engine, ReadOnlyAndUnknownWritesCount) {
    const std::uint32_t offs[] = {VGPU_REG_ID,
                                  VGPU_REG_VRAM_SIZE_LO,
                                  VGPU_REG_FLIP_COUNT,
                                  VGPU_REG_PLANE_VALID,
                                  VGPU_REG_GTT_ENTRIES,
                                  VGPU_REG_DAMAGE_MODE,
                                  0x64,
                                  VGPU_DAMAGE_REG(0, 0xc),
                                  VGPU_REG_EDID_BASE,
                                  0xffc,
                                  VGPU_PLANE_REG(0, VGPU_PLANE_STATUS),
                                  VGPU_PLANE_REG(1, 0x3c)};
    std::uint64_t n = 0;
    for (auto off : offs) {
        wr(off, 0x12345678);
        EXPECT_EQ(e.invalid_count, ++n) << off;
    }
    EXPECT_EQ(rd(VGPU_REG_ID), VGPU_ID_MAGIC);
    EXPECT_EQ(rd(0xffc), 0u);
    wr(VGPU_REG_INT_ENABLE, 0xff);
    EXPECT_EQ(e.invalid_count, n + 1);
    EXPECT_EQ(rd(VGPU_REG_INT_ENABLE), std::uint32_t(VGPU_INT_ALL));
}

TEST_F(Engine, ResetKeepsInvalidCounter) {
    program_primary();
    wr(VGPU_REG_SCRATCH, 7);
    wr(VGPU_REG_ID, 1);
    wr(VGPU_REG_COMMIT, 1);
    vgpu_engine_reset(&e);
    EXPECT_EQ(rd(VGPU_REG_SCRATCH), 0u);
    EXPECT_EQ(rd(VGPU_REG_FLIP_COUNT), 0u);
    EXPECT_EQ(prd(0, VGPU_PLANE_WIDTH), 0u);
    EXPECT_EQ(e.status[0], std::uint32_t(VGPU_PLANE_ERR_DISABLED));
    EXPECT_EQ(e.invalid_count, 1u);
    EXPECT_EQ(rd(VGPU_REG_MAX_WIDTH), 2560u);
}

TEST_F(Engine, CursorPositionSignedAndHotspot) {
    pwr(1, VGPU_PLANE_ENABLE, 1);
    pwr(1, VGPU_PLANE_FORMAT, VGPU_FMT_ARGB8888);
    pwr(1, VGPU_PLANE_OFFSET_LO, 0x100000);
    pwr(1, VGPU_PLANE_WIDTH, 64);
    pwr(1, VGPU_PLANE_HEIGHT, 64);
    pwr(1, VGPU_PLANE_STRIDE_BYTES, 256);
    pwr(1, VGPU_PLANE_POS_X, std::uint32_t(-10));
    pwr(1, VGPU_PLANE_POS_Y, 300);
    pwr(1, VGPU_PLANE_HOT_X, 5);
    pwr(1, VGPU_PLANE_HOT_Y, 6);
    wr(VGPU_REG_COMMIT, 2);
    EXPECT_EQ(e.status[1], std::uint32_t(VGPU_PLANE_OK));
    EXPECT_EQ(e.active[1].pos_x, -10);
    EXPECT_EQ(prd(1, VGPU_PLANE_POS_X), 0xfffffff6u);
    EXPECT_EQ(rd(VGPU_REG_PLANE_VALID), 2u);
}

// A guest writing garbage everywhere: the active surfaces that pass are
// always inside VRAM, and nothing crashes.
TEST_F(Engine, RandomWritesKeepInvariants) {
    std::mt19937 rng(1234);
    for (int i = 0; i < 300000; i++) {
        const std::uint32_t off = (rng() % (VGPU_BAR2_SIZE / 4)) * 4;
        const std::uint32_t near = off < 0x240 ? off : rng() % 0x240 & ~3u;
        std::uint32_t v = rng();
        if (rng() % 3 == 0)
            v %= 4096;
        vgpu_engine_write(&e, rng() % 2 ? off : near, v);
        if (rng() % 50 == 0)
            vgpu_engine_write(&e, VGPU_REG_COMMIT, rng() % 4);
        for (int p = 0; p < VGPU_NUM_PLANES; p++) {
            if (e.status[p] != VGPU_PLANE_OK)
                continue;
            const std::uint64_t space =
                e.surf[p].memory == VGPU_MEMORY_GTT ? std::uint64_t(kGttEntries) * 4096 : kVram;
            ASSERT_LE(e.surf[p].offset, space);
            ASSERT_LE(e.surf[p].size, space - e.surf[p].offset);
            ASSERT_LE(e.surf[p].memory, std::uint32_t(VGPU_MEMORY_GTT));
        }
    }
}

TEST_F(Engine, IdentityOfVersion11) {
    EXPECT_EQ(rd(VGPU_REG_VERSION), 0x00010001u);
    EXPECT_EQ(rd(VGPU_REG_GTT_ENTRIES), kGttEntries);
    const std::uint32_t caps = rd(VGPU_REG_CAPS);
    EXPECT_TRUE(caps & VGPU_CAP_GTT);
    EXPECT_TRUE(caps & VGPU_CAP_DAMAGE);
    EXPECT_TRUE(caps & VGPU_CAP_EDID);
    EXPECT_EQ(rd(VGPU_REG_DAMAGE_MODE), std::uint32_t(VGPU_DAMAGE_MODE_TRACK));
}

TEST_F(Engine, GttPlaneIsCheckedAgainstTheGttSpace) {
    program_primary(0);
    pwr(0, VGPU_PLANE_MEMORY, VGPU_MEMORY_GTT);
    EXPECT_EQ(prd(0, VGPU_PLANE_MEMORY), std::uint32_t(VGPU_MEMORY_GTT));
    wr(VGPU_REG_COMMIT, 1);
    EXPECT_EQ(e.status[0], std::uint32_t(VGPU_PLANE_OK));
    EXPECT_EQ(e.surf[0].memory, std::uint32_t(VGPU_MEMORY_GTT));

    // the GTT space is one page larger than usable VRAM here: the last
    // page fits in GTT space but not in VRAM
    const std::uint32_t last = kGttEntries * 4096u - 8192u * 1080u;
    program_primary(last & ~4095u);
    pwr(0, VGPU_PLANE_MEMORY, VGPU_MEMORY_GTT);
    wr(VGPU_REG_COMMIT, 1);
    EXPECT_EQ(e.status[0], std::uint32_t(VGPU_PLANE_OK));
    pwr(0, VGPU_PLANE_MEMORY, VGPU_MEMORY_VRAM);
    wr(VGPU_REG_COMMIT, 1);
    EXPECT_EQ(e.status[0], std::uint32_t(VGPU_PLANE_ERR_RANGE));

    pwr(0, VGPU_PLANE_MEMORY, 2);
    program_primary(0);
    wr(VGPU_REG_COMMIT, 1);
    EXPECT_EQ(e.status[0], std::uint32_t(VGPU_PLANE_ERR_RANGE));
}

TEST_F(Engine, DamagePostIsClippedAndReported) {
    program_primary();
    wr(VGPU_REG_COMMIT, 1);
    const std::uint64_t invalid = e.invalid_count;
    EXPECT_EQ(wr(VGPU_DAMAGE_REG(0, VGPU_DAMAGE_XY), 1900u | 1000u << 16), 0u);
    EXPECT_EQ(rd(VGPU_DAMAGE_REG(0, VGPU_DAMAGE_XY)), 1900u | 1000u << 16);
    EXPECT_EQ(wr(VGPU_DAMAGE_REG(0, VGPU_DAMAGE_WH), 100u | 200u << 16),
              std::uint32_t(VGPU_EV_DAMAGE));
    EXPECT_EQ(e.damage_plane, 0u);
    EXPECT_EQ(e.damage_rect.x, 1900u);
    EXPECT_EQ(e.damage_rect.y, 1000u);
    EXPECT_EQ(e.damage_rect.width, 20u);   // clipped to 1920
    EXPECT_EQ(e.damage_rect.height, 80u);  // clipped to 1080
    EXPECT_EQ(rd(VGPU_REG_DAMAGE_MODE), std::uint32_t(VGPU_DAMAGE_MODE_GUEST));
    EXPECT_EQ(rd(VGPU_REG_DAMAGE_COUNT), 1u);
    EXPECT_EQ(e.invalid_count, invalid);

    EXPECT_EQ(wr(VGPU_DAMAGE_REG(0, VGPU_DAMAGE_FULL), 1), std::uint32_t(VGPU_EV_DAMAGE));
    EXPECT_EQ(e.damage_rect.width, 1920u);
    EXPECT_EQ(e.damage_rect.height, 1080u);
    EXPECT_EQ(rd(VGPU_REG_DAMAGE_COUNT), 2u);
}

TEST_F(Engine, DamageRefusedOutsideOrOnInvalidPlane) {
    // cursor plane not valid: refused and counted
    EXPECT_EQ(wr(VGPU_DAMAGE_REG(1, VGPU_DAMAGE_WH), 10u | 10u << 16), 0u);
    EXPECT_EQ(e.invalid_count, 1u);
    program_primary();
    wr(VGPU_REG_COMMIT, 1);
    wr(VGPU_DAMAGE_REG(0, VGPU_DAMAGE_XY), 1920u | 0u << 16);
    EXPECT_EQ(wr(VGPU_DAMAGE_REG(0, VGPU_DAMAGE_WH), 10u | 10u << 16), 0u);  // right of it
    EXPECT_EQ(e.invalid_count, 2u);
    wr(VGPU_DAMAGE_REG(0, VGPU_DAMAGE_XY), 0);
    EXPECT_EQ(wr(VGPU_DAMAGE_REG(0, VGPU_DAMAGE_WH), 0u | 10u << 16), 0u);  // empty
    EXPECT_EQ(e.invalid_count, 3u);
    EXPECT_EQ(rd(VGPU_REG_DAMAGE_MODE), std::uint32_t(VGPU_DAMAGE_MODE_TRACK));
    vgpu_engine_reset(&e);
    EXPECT_EQ(rd(VGPU_REG_DAMAGE_COUNT), 0u);
}

TEST_F(Engine, HotplugRaisesOnlyWhenEnabled) {
    EXPECT_EQ(vgpu_engine_hotplug(&e), 0u);
    EXPECT_EQ(rd(VGPU_REG_INT_STATUS), std::uint32_t(VGPU_INT_HOTPLUG));
    wr(VGPU_REG_INT_STATUS, VGPU_INT_HOTPLUG);
    wr(VGPU_REG_INT_ENABLE, VGPU_INT_HOTPLUG);
    EXPECT_EQ(vgpu_engine_hotplug(&e), std::uint32_t(VGPU_EV_IRQ));
    EXPECT_EQ(vgpu_engine_hotplug(&e), 0u);  // already pending
}

TEST_F(Engine, EdidWindowReadsTheHostBlob) {
    for (std::uint32_t i = 0; i < 130; i++)
        e.edid[i] = std::uint8_t(i * 7);
    e.edid_size = 130;
    EXPECT_EQ(rd(VGPU_REG_EDID_SIZE), 130u);
    EXPECT_EQ(rd(VGPU_REG_EDID_BASE), 0u | 7u << 8 | 14u << 16 | 21u << 24);
    EXPECT_EQ(rd(VGPU_REG_EDID_BASE + 128),
              std::uint32_t(std::uint8_t(128 * 7)) | std::uint32_t(std::uint8_t(129 * 7)) << 8);
    EXPECT_EQ(rd(VGPU_REG_EDID_BASE + 132), 0u);
}

TEST_F(Engine, PlaneFailMakesItNotReady) {
    program_primary();
    wr(VGPU_REG_COMMIT, 1);
    const std::uint64_t invalid = e.invalid_count;
    vgpu_engine_plane_fail(&e, 0, VGPU_PLANE_ERR_GTT);
    EXPECT_EQ(prd(0, VGPU_PLANE_STATUS), std::uint32_t(VGPU_PLANE_ERR_GTT));
    EXPECT_EQ(rd(VGPU_REG_PLANE_VALID), 0u);
    EXPECT_EQ(e.invalid_count, invalid + 1);
    EXPECT_EQ(e.surf[0].width, 0u);
}

}  // namespace
