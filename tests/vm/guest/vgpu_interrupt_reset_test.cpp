// In-guest tests: the flip-done interrupt through INTx and MSI eventfds
// (VFIO_DEVICE_SET_IRQS), INTx automasking, and VFIO_DEVICE_RESET
// (kernel/ABI.md, "Interrupts" and "Reset").
#include <cstring>

#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

using namespace std::chrono_literals;

class Interrupts : public VgpuTest {
protected:
    void SetUp() override {
        VgpuTest::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        plane_ =
            vgpu::make_plane(fbx::supported_formats()[0], fbx::supported_modifiers()[0], 64, 64, 0);
        device().program_plane(VGPU_PLANE_PRIMARY, plane_);
    }
    void flip() const { device_->commit(1u << VGPU_PLANE_PRIMARY); }
    static bool fired(const fbx::UniqueFd& efd, std::chrono::milliseconds wait = 1000ms) {
        return vgpu::VgpuDevice::wait_eventfd(efd.get(), wait);
    }

    vgpu::PlaneConfig plane_;
};

TEST_F(Interrupts, IntxFiresOnFlipAndStaysMaskedUntilUnmask) {
    auto& d = device();
    const fbx::UniqueFd efd = d.enable_flip_irq(vgpu::IrqMode::intx);
    flip();
    ASSERT_TRUE(fired(efd)) << "no INTx for a flip";
    EXPECT_NE(d.read_reg(VGPU_REG_INT_STATUS) & VGPU_INT_FLIP_DONE, 0u);

    flip();
    EXPECT_FALSE(fired(efd, 200ms)) << "INTx fired while automasked";
    // Unmasking with the status still pending signals again.
    d.vfio().unmask_intx();
    EXPECT_TRUE(fired(efd)) << "unmask with FLIP_DONE pending did not signal";

    d.ack_irqs(VGPU_INT_FLIP_DONE);
    EXPECT_EQ(d.read_reg(VGPU_REG_INT_STATUS) & VGPU_INT_FLIP_DONE, 0u) << "write-1-to-clear";
    d.vfio().unmask_intx();
    EXPECT_FALSE(fired(efd, 200ms)) << "unmask with nothing pending signalled";
    flip();
    EXPECT_TRUE(fired(efd)) << "no INTx for a flip after ack and unmask";
    d.disable_irq(vgpu::IrqMode::intx);
}

TEST_F(Interrupts, MsiFiresOnEveryAcknowledgedFlip) {
    auto& d = device();
    const fbx::UniqueFd efd = d.enable_flip_irq(vgpu::IrqMode::msi);
    for (int i = 0; i < 5; ++i) {
        flip();
        ASSERT_TRUE(fired(efd)) << "no MSI for flip " << i;
        d.ack_irqs(VGPU_INT_FLIP_DONE);
    }
    d.disable_irq(vgpu::IrqMode::msi);
    flip();
    EXPECT_FALSE(fired(efd, 200ms)) << "MSI fired after it was disabled";
}

TEST_F(Interrupts, DisabledInterruptOnlySetsTheStatus) {
    auto& d = device();
    const fbx::UniqueFd efd = d.enable_flip_irq(vgpu::IrqMode::msi);
    d.write_reg(VGPU_REG_INT_ENABLE, 0);
    flip();
    EXPECT_FALSE(fired(efd, 200ms));
    EXPECT_NE(d.read_reg(VGPU_REG_INT_STATUS) & VGPU_INT_FLIP_DONE, 0u);
    // Enabling with the status pending raises it ("a bit becomes set in
    // INT_STATUS & INT_ENABLE").
    d.write_reg(VGPU_REG_INT_ENABLE, VGPU_INT_FLIP_DONE);
    EXPECT_TRUE(fired(efd)) << "enabling a pending interrupt did not raise it";
    d.disable_irq(vgpu::IrqMode::msi);
}

using Reset = VgpuTest;

TEST_F(Reset, ClearsRegistersKeepsVramAndDmabufs) {
    auto& d = device();
    const auto plane =
        vgpu::make_plane(fbx::supported_formats()[0], fbx::supported_modifiers()[1], 128, 64, 8192);
    d.draw(plane, vgpu::Pattern::bars, 0);
    show(VGPU_PLANE_PRIMARY, plane);
    d.write_reg(VGPU_REG_SCRATCH, 0x1234);
    d.write_reg(VGPU_REG_INT_ENABLE, VGPU_INT_FLIP_DONE);
    d.write_reg(VGPU_REG_ID, 0);  // one invalid write, to see the counter survive
    const std::uint64_t invalid = invalid_planes();
    const auto info = d.query_plane(vgpu::drm_plane_primary);
    ASSERT_NE(info.dmabuf_id, 0u);
    const MappedDmabuf buf = import_dmabuf(d, info.dmabuf_id, info.size);
    const auto before = vram_bytes(d, plane);

    d.reset();
    EXPECT_EQ(d.read_plane(VGPU_PLANE_PRIMARY), vgpu::PlaneConfig{}) << "pending registers";
    EXPECT_EQ(d.read_reg(VGPU_REG_FLIP_COUNT), 0u);
    EXPECT_EQ(d.read_reg(VGPU_REG_INT_STATUS), 0u);
    EXPECT_EQ(d.read_reg(VGPU_REG_INT_ENABLE), 0u);
    EXPECT_EQ(d.read_reg(VGPU_REG_SCRATCH), 0u);
    EXPECT_EQ(d.read_reg(VGPU_REG_PLANE_VALID), 0u);
    EXPECT_EQ(d.query_plane(vgpu::drm_plane_primary).drm_format, 0u) << "active plane after reset";
    EXPECT_EQ(invalid_planes(), invalid) << "the invalid counter is kept";
    const auto after = vram_bytes(d, plane);
    EXPECT_EQ(before, after) << "VRAM contents are kept";
    EXPECT_FALSE(first_difference(buf.map.data(), before.data(), before.size()).has_value())
        << "a dma-buf exported before the reset";
}

}  // namespace
}  // namespace vmtest
