// In-guest tests: VFIO device, region and IRQ info of a vgpu_mediator vGPU,
// the sparse-mmap capability of BAR0 and map-on-fault VRAM (kernel/ABI.md).
#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include "fbexport/error.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

using RegionInfo = VgpuTest;

constexpr std::uint64_t small_vram = 16u << 20;  // VGPU_MDEV_TYPE_SMALL's BAR0

TEST_F(RegionInfo, DeviceInfo) {
    const auto info = device().vfio().info();
    EXPECT_NE(info.flags & VFIO_DEVICE_FLAGS_PCI, 0u);
    EXPECT_NE(info.flags & VFIO_DEVICE_FLAGS_RESET, 0u);
    // the PCI regions, then the linear-copy and EDID regions
    EXPECT_EQ(info.num_regions, static_cast<std::uint32_t>(VGPU_NUM_REGIONS));
    // the standard PCI interrupts plus the display event interrupt
    EXPECT_EQ(info.num_irqs, static_cast<std::uint32_t>(VGPU_NUM_IRQS));
    EXPECT_EQ(VGPU_EVENT_IRQ_INDEX, VFIO_PCI_NUM_IRQS);
}

TEST_F(RegionInfo, Bar0IsVramWithOneSparseArea) {
    const vgpu::RegionInfo& bar0 = device().vram_region();
    EXPECT_EQ(bar0.size, small_vram);
    EXPECT_EQ(bar0.offset, VGPU_REGION_OFFSET(VFIO_PCI_BAR0_REGION_INDEX));
    EXPECT_TRUE(bar0.readable());
    EXPECT_TRUE(bar0.writable());
    EXPECT_TRUE(bar0.mappable());
    EXPECT_NE(bar0.flags & VFIO_REGION_INFO_FLAG_CAPS, 0u);
    ASSERT_TRUE(bar0.has_sparse_mmap) << "no VFIO_REGION_INFO_CAP_SPARSE_MMAP on BAR0";
    ASSERT_EQ(bar0.sparse_areas.size(), 1u);
    EXPECT_EQ(bar0.sparse_areas[0].offset, 0u);
    EXPECT_EQ(bar0.sparse_areas[0].size, VGPU_USABLE_VRAM(small_vram));
    EXPECT_EQ(device().vram_size(), VGPU_USABLE_VRAM(small_vram));
    EXPECT_EQ(instance().vgpu_attribute(VGPU_SYSFS_VRAM_SIZE), VGPU_USABLE_VRAM(small_vram));
}

TEST_F(RegionInfo, Bar2IsTrappedRegisters) {
    const vgpu::RegionInfo& bar2 = device().register_region();
    EXPECT_EQ(bar2.size, VGPU_BAR2_SIZE);
    EXPECT_EQ(bar2.offset, VGPU_REGION_OFFSET(VFIO_PCI_BAR2_REGION_INDEX));
    EXPECT_TRUE(bar2.readable());
    EXPECT_TRUE(bar2.writable());
    EXPECT_FALSE(bar2.mappable());
    EXPECT_EQ(device().read_reg(VGPU_REG_ID), VGPU_ID_MAGIC);
    EXPECT_EQ(device().read_reg(VGPU_REG_VERSION), static_cast<std::uint32_t>(VGPU_VERSION));
    EXPECT_EQ(device().read_reg(VGPU_REG_NUM_PLANES), static_cast<std::uint32_t>(VGPU_NUM_PLANES));
    const std::uint32_t caps = device().read_reg(VGPU_REG_CAPS);
    for (const std::uint32_t cap :
         {VGPU_CAP_CURSOR, VGPU_CAP_TILED_X, VGPU_CAP_TILED_Y, VGPU_CAP_MSI, VGPU_CAP_DMABUF}) {
        EXPECT_NE(caps & cap, 0u) << "capability bit " << cap;
    }
    EXPECT_EQ(device().read_reg(VGPU_REG_MAX_WIDTH), 1280u);
    EXPECT_EQ(device().read_reg(VGPU_REG_MAX_HEIGHT), 1024u);
    EXPECT_EQ(device().read_reg(VGPU_REG_CURSOR_MAX_WIDTH), VGPU_CURSOR_MAX_SIZE);
    EXPECT_EQ(device().read_reg(VGPU_REG_CURSOR_MAX_HEIGHT), VGPU_CURSOR_MAX_SIZE);
    device().write_reg(VGPU_REG_SCRATCH, 0xdeadbeef);
    EXPECT_EQ(device().read_reg(VGPU_REG_SCRATCH), 0xdeadbeefu);
}

TEST_F(RegionInfo, ConfigAndAbsentRegions) {
    EXPECT_EQ(device().config_region().size, VGPU_CFG_SIZE);
    for (const std::uint32_t index :
         {VFIO_PCI_BAR1_REGION_INDEX, VFIO_PCI_BAR3_REGION_INDEX, VFIO_PCI_BAR5_REGION_INDEX,
          VFIO_PCI_ROM_REGION_INDEX, VFIO_PCI_VGA_REGION_INDEX}) {
        const auto info = device().vfio().region_info(index);
        EXPECT_EQ(info.size, 0u) << vgpu::region_name(index);
        EXPECT_FALSE(info.mappable()) << vgpu::region_name(index);
    }
}

TEST_F(RegionInfo, IrqInfo) {
    const auto intx = device().vfio().irq_info(VFIO_PCI_INTX_IRQ_INDEX);
    EXPECT_EQ(intx.count, 1u);
    EXPECT_EQ(
        intx.flags & (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED),
        VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED);
    const auto msi = device().vfio().irq_info(VFIO_PCI_MSI_IRQ_INDEX);
    EXPECT_EQ(msi.count, 1u);
    EXPECT_EQ(msi.flags & (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE),
              VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
    EXPECT_EQ(device().vfio().irq_info(VFIO_PCI_MSIX_IRQ_INDEX).count, 0u);
    const auto events = device().vfio().irq_info(VGPU_EVENT_IRQ_INDEX);
    EXPECT_EQ(events.count, 1u);
    EXPECT_EQ(events.flags & VFIO_IRQ_INFO_EVENTFD, std::uint32_t{VFIO_IRQ_INFO_EVENTFD});
}

// BAR4: the GTT, one trapped 8-byte entry per graphics page, no mmap.
TEST_F(RegionInfo, Bar4IsTheTrappedGtt) {
    const vgpu::RegionInfo& gtt = device().gtt_region();
    EXPECT_EQ(gtt.size, small_vram / 4096 * VGPU_GTT_ENTRY_SIZE);
    EXPECT_TRUE(gtt.readable());
    EXPECT_TRUE(gtt.writable());
    EXPECT_FALSE(gtt.mappable());
    EXPECT_EQ(device().read_reg(VGPU_REG_GTT_ENTRIES), small_vram / 4096);
    EXPECT_EQ(device().gtt_entries(), small_vram / 4096);

    // whole entries and halves, both ends of the table
    const std::uint32_t last = device().gtt_entries() - 1;
    device().write_gtt(0, 0x123456789000ull | VGPU_GTT_VALID);
    device().write_gtt(last, 0xfedcba987000ull);
    EXPECT_EQ(device().read_gtt(0), 0x123456789000ull | VGPU_GTT_VALID);
    EXPECT_EQ(device().read_gtt(last), 0xfedcba987000ull);
    const std::uint32_t high = 0xabcd;
    device().vfio().write(gtt.offset + 4, &high, sizeof(high), "GTT entry 0 high half");
    EXPECT_EQ(device().read_gtt(0), 0x0000abcd56789000ull | VGPU_GTT_VALID);
    // beyond the table: refused
    std::uint64_t entry = 1;
    EXPECT_THROW(device().vfio().write(gtt.offset + gtt.size, &entry, sizeof(entry), "past GTT"),
                 fbx::Error);
}

// VRAM starts zeroed, pages appear on first touch, and the mmapped bytes are
// the same as those pread/pwrite see.
TEST_F(RegionInfo, VramMapOnFaultMatchesPreadAndPwrite) {
    auto& d = device();
    const auto vram = d.vram();
    ASSERT_EQ(vram.size(), VGPU_USABLE_VRAM(small_vram));
    const std::uint64_t base = d.vram_region().offset;
    for (const std::uint64_t at :
         {std::uint64_t{0}, std::uint64_t{5 << 20} + 123, std::uint64_t{vram.size() - 8}}) {
        SCOPED_TRACE("VRAM offset " + std::to_string(at));
        EXPECT_EQ(vram[at], 0) << "fresh VRAM is not zero";
        const std::uint64_t pattern = 0x0123456789abcdefull ^ at;
        std::memcpy(vram.data() + at, &pattern, sizeof(pattern));
        std::uint64_t read_back = 0;
        d.vfio().read(base + at, &read_back, sizeof(read_back), "BAR0 VRAM");
        EXPECT_EQ(read_back, pattern);
        const std::uint64_t other = ~pattern;
        d.vfio().write(base + at, &other, sizeof(other), "BAR0 VRAM");
        std::uint64_t mapped = 0;
        std::memcpy(&mapped, vram.data() + at, sizeof(mapped));
        EXPECT_EQ(mapped, other);
    }
    // A second mapping sees the same pages.
    const vgpu::RegionMapping again = d.map_vram();
    EXPECT_EQ(std::memcmp(again.data(), vram.data(), 4096), 0);
}

TEST_F(RegionInfo, Bar0LastPageMirrorsTheRegisters) {
    auto& d = device();
    const std::uint64_t mirror =
        d.vram_region().offset + d.vram_region().size - VGPU_BAR0_REG_WINDOW_SIZE;
    std::uint32_t id = 0;
    d.vfio().read(mirror + VGPU_REG_ID, &id, sizeof(id), "BAR0 register mirror ID");
    EXPECT_EQ(id, VGPU_ID_MAGIC);
    const std::uint32_t value = 0x5a5a1234;
    d.vfio().write(mirror + VGPU_REG_SCRATCH, &value, sizeof(value), "BAR0 mirror SCRATCH");
    EXPECT_EQ(d.read_reg(VGPU_REG_SCRATCH), value);
}

TEST_F(RegionInfo, MmapIntoTheRegisterPageIsRefused) {
    auto& d = device();
    const std::uint64_t size = d.vram_region().size;
    void* whole = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, d.vfio().fd(),
                         static_cast<off_t>(d.vram_region().offset));
    const int err = errno;
    if (whole != MAP_FAILED) {
        ::munmap(whole, size);
    }
    EXPECT_EQ(whole, MAP_FAILED) << "mmap of the whole BAR0 including the register page";
    EXPECT_EQ(err, EINVAL) << errno_text(err);

    void* page = ::mmap(nullptr, 4096, PROT_READ, MAP_SHARED, d.vfio().fd(),
                        static_cast<off_t>(d.vram_region().offset + size - 4096));
    const int err2 = errno;
    if (page != MAP_FAILED) {
        ::munmap(page, 4096);
    }
    EXPECT_EQ(page, MAP_FAILED) << "mmap of the register page alone";
    EXPECT_EQ(err2, EINVAL) << errno_text(err2);
}

TEST_F(RegionInfo, Bar2CannotBeMapped) {
    void* p = ::mmap(nullptr, VGPU_BAR2_SIZE, PROT_READ, MAP_SHARED, device().vfio().fd(),
                     static_cast<off_t>(device().register_region().offset));
    if (p != MAP_FAILED) {
        ::munmap(p, VGPU_BAR2_SIZE);
    }
    EXPECT_EQ(p, MAP_FAILED);
}

// The other types report their own VRAM sizes.
class RegionInfoLarge : public VgpuTest {
protected:
    RegionInfoLarge() : VgpuTest(VGPU_MDEV_TYPE_LARGE) {}
};

TEST_F(RegionInfoLarge, Bar0SizeFollowsTheType) {
    EXPECT_EQ(device().vram_region().size, 256u << 20);
    EXPECT_EQ(device().read_reg(VGPU_REG_MAX_WIDTH), 4096u);
    EXPECT_EQ(device().read_reg(VGPU_REG_MAX_HEIGHT), 2304u);
    EXPECT_EQ(device().read_config32(VGPU_CFG_VNDR_CAP + VGPU_VNDR_CAP_OFF_TYPE), 2u);
}

}  // namespace
}  // namespace vmtest
