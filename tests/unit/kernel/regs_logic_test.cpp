// The register file as a guest drives it: double buffering, commit, status,
// interrupts and the invalid counter (kernel/regs_logic.c).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "kernel_logic.hpp"

namespace {

constexpr std::uint64_t kVram = (64u << 20) - 4096;

class Engine : public ::testing::Test {
protected:
    void SetUp() override { vgpu_engine_init(&e, kVram, 2560, 1600); }

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
                                  0x44,
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
    EXPECT_EQ(rd(VGPU_REG_INT_ENABLE), VGPU_INT_FLIP_DONE);
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
        const std::uint32_t near = off < 0x200 ? off : rng() % 0x200 & ~3u;
        std::uint32_t v = rng();
        if (rng() % 3 == 0)
            v %= 4096;
        vgpu_engine_write(&e, rng() % 2 ? off : near, v);
        if (rng() % 50 == 0)
            vgpu_engine_write(&e, VGPU_REG_COMMIT, rng() % 4);
        for (int p = 0; p < VGPU_NUM_PLANES; p++) {
            if (e.status[p] != VGPU_PLANE_OK)
                continue;
            ASSERT_LE(e.surf[p].offset, kVram);
            ASSERT_LE(e.surf[p].size, kVram - e.surf[p].offset);
        }
    }
}

}  // namespace
