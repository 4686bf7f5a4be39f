// In-guest tests: the emulated PCI configuration space of a vgpu_mediator
// vGPU, read and written through the VFIO CONFIG region (kernel/ABI.md).
#include <linux/pci_regs.h>

#include <set>

#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

using ConfigSpace = VgpuTest;

TEST_F(ConfigSpace, IdentityAndClass) {
    auto& d = device();
    EXPECT_EQ(d.read_config16(PCI_VENDOR_ID), VGPU_PCI_VENDOR_ID);
    EXPECT_EQ(d.read_config16(PCI_DEVICE_ID), VGPU_PCI_DEVICE_ID);
    EXPECT_EQ(d.read_config16(PCI_SUBSYSTEM_VENDOR_ID), VGPU_PCI_SUBSYS_VENDOR_ID);
    EXPECT_EQ(d.read_config16(PCI_SUBSYSTEM_ID), VGPU_PCI_SUBSYS_ID);
    EXPECT_EQ(d.read_config8(PCI_REVISION_ID), VGPU_PCI_REVISION);
    EXPECT_EQ(d.read_config32(PCI_CLASS_REVISION) >> 8, VGPU_PCI_CLASS);
    EXPECT_EQ(d.read_config8(PCI_HEADER_TYPE) & 0x7f, PCI_HEADER_TYPE_NORMAL);
    EXPECT_NE(d.read_config16(PCI_STATUS) & PCI_STATUS_CAP_LIST, 0) << "no capability list";
    EXPECT_EQ(d.read_config8(PCI_INTERRUPT_PIN), 1) << "INTA";
}

TEST_F(ConfigSpace, VendorIdIsReadOnly) {
    auto& d = device();
    d.write_config32(PCI_VENDOR_ID, 0x12345678);
    EXPECT_EQ(d.read_config16(PCI_VENDOR_ID), VGPU_PCI_VENDOR_ID);
    EXPECT_EQ(d.read_config16(PCI_DEVICE_ID), VGPU_PCI_DEVICE_ID);
}

// Writing all ones to a BAR reads back its size mask with the type bits,
// as a BIOS or OS sizing the BAR expects; the old value comes back after.
TEST_F(ConfigSpace, BarSizing) {
    auto& d = device();
    const std::uint64_t bar0_size = d.vram_region().size;
    ASSERT_GT(bar0_size, 0u);
    ASSERT_EQ(bar0_size & (bar0_size - 1), 0u) << "BAR0 size " << bar0_size << " not a power of 2";

    struct Bar {
        std::uint32_t at;
        std::uint64_t size;
        std::uint32_t type_bits;
    };
    for (const Bar bar : {Bar{PCI_BASE_ADDRESS_0, bar0_size,
                              PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_32 |
                                  PCI_BASE_ADDRESS_MEM_PREFETCH},
                          Bar{PCI_BASE_ADDRESS_2, VGPU_BAR2_SIZE,
                              PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_32},
                          Bar{PCI_BASE_ADDRESS_4, bar0_size / 4096 * VGPU_GTT_ENTRY_SIZE,
                              PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_32}}) {
        SCOPED_TRACE("BAR at config offset " + std::to_string(bar.at));
        const std::uint32_t before = d.read_config32(bar.at);
        EXPECT_EQ(before & 0xf, bar.type_bits);
        d.write_config32(bar.at, 0xffffffff);
        const std::uint32_t mask = d.read_config32(bar.at);
        EXPECT_EQ(mask & 0xf, bar.type_bits);
        EXPECT_EQ(mask & ~0xfu, static_cast<std::uint32_t>(~(bar.size - 1)) & ~0xfu);
        // A base address is kept to the BAR's alignment.
        d.write_config32(bar.at, 0xe0000000u);
        EXPECT_EQ(d.read_config32(bar.at) & ~0xfu, 0xe0000000u & ~(bar.size - 1) & ~0xfu);
        d.write_config32(bar.at, before);
        EXPECT_EQ(d.read_config32(bar.at), before);
    }
    for (const std::uint32_t absent :
         {PCI_BASE_ADDRESS_1, PCI_BASE_ADDRESS_3, PCI_BASE_ADDRESS_5, PCI_ROM_ADDRESS}) {
        d.write_config32(absent, 0xffffffff);
        EXPECT_EQ(d.read_config32(absent), 0u) << "absent BAR at " << absent;
    }
}

// The list is MSI at 0x50, then the vendor capability at 0x68, then the end.
TEST_F(ConfigSpace, CapabilityListWalk) {
    auto& d = device();
    std::vector<std::pair<std::uint8_t, std::uint8_t>> caps;  // (offset, id)
    std::set<std::uint8_t> seen;
    std::uint8_t at = d.read_config8(PCI_CAPABILITY_LIST) & ~3u;
    while (at != 0) {
        ASSERT_GE(at, 0x40) << "capability inside the standard header";
        ASSERT_LT(at, VGPU_CFG_SIZE);
        ASSERT_TRUE(seen.insert(at).second) << "capability list loops at " << int{at};
        caps.emplace_back(at, d.read_config8(at + PCI_CAP_LIST_ID));
        at = d.read_config8(at + PCI_CAP_LIST_NEXT) & ~3u;
    }
    ASSERT_EQ(caps.size(), 2u);
    EXPECT_EQ(caps[0], (std::pair<std::uint8_t, std::uint8_t>{VGPU_CFG_MSI_CAP, PCI_CAP_ID_MSI}));
    EXPECT_EQ(caps[1], (std::pair<std::uint8_t, std::uint8_t>{VGPU_CFG_VNDR_CAP, PCI_CAP_ID_VNDR}));

    const std::uint16_t msi_flags = d.read_config16(VGPU_CFG_MSI_CAP + PCI_MSI_FLAGS);
    EXPECT_NE(msi_flags & PCI_MSI_FLAGS_64BIT, 0) << "MSI with 64-bit address";
    EXPECT_EQ(msi_flags & PCI_MSI_FLAGS_QMASK, 0) << "one vector";
    EXPECT_EQ(msi_flags & PCI_MSI_FLAGS_MASKBIT, 0) << "no per-vector masking";

    const std::uint32_t v = VGPU_CFG_VNDR_CAP;
    EXPECT_EQ(d.read_config8(v + PCI_CAP_FLAGS), VGPU_VNDR_CAP_LEN);
    EXPECT_EQ(d.read_config8(v + VGPU_VNDR_CAP_OFF_VERSION), VGPU_VERSION_MAJOR);
    EXPECT_EQ(d.read_config32(v + VGPU_VNDR_CAP_OFF_MAGIC), VGPU_VNDR_CAP_MAGIC);
    EXPECT_EQ(std::uint64_t{d.read_config32(v + VGPU_VNDR_CAP_OFF_VRAM_MB)} << 20,
              d.vram_region().size);
    EXPECT_EQ(d.read_config32(v + VGPU_VNDR_CAP_OFF_TYPE), 0u) << "small is type 0";
}

TEST_F(ConfigSpace, MsiEnableAndAddressAreWritable) {
    auto& d = device();
    const std::uint32_t m = VGPU_CFG_MSI_CAP;
    d.write_config32(m + PCI_MSI_ADDRESS_LO, 0xfee00000u);
    d.write_config32(m + PCI_MSI_ADDRESS_HI, 0x1u);
    EXPECT_EQ(d.read_config32(m + PCI_MSI_ADDRESS_LO), 0xfee00000u);
    EXPECT_EQ(d.read_config32(m + PCI_MSI_ADDRESS_HI), 0x1u);
    // Control is the upper half of the dword at the capability's start.
    const std::uint32_t head = d.read_config32(m);
    d.write_config32(m, head | (std::uint32_t{PCI_MSI_FLAGS_ENABLE} << 16));
    EXPECT_NE(d.read_config16(m + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE, 0);
    d.write_config32(m, head & ~(std::uint32_t{PCI_MSI_FLAGS_ENABLE} << 16));
    EXPECT_EQ(d.read_config16(m + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE, 0);
}

TEST_F(ConfigSpace, CommandRegisterKeepsItsWritableBits) {
    auto& d = device();
    const std::uint16_t bits =
        PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE;
    const std::uint32_t dword = d.read_config32(PCI_COMMAND);
    d.write_config32(PCI_COMMAND, (dword & 0xffff0000u) | bits);
    EXPECT_EQ(d.read_config16(PCI_COMMAND) & bits, bits);
    d.write_config32(PCI_COMMAND, dword & 0xffff0000u);
    EXPECT_EQ(d.read_config16(PCI_COMMAND) & bits, 0);
}

}  // namespace
}  // namespace vmtest
