// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated PCI configuration space
 *
 * 256 bytes kept in vgpu_state.cfg. Writes are filtered through a
 * per-byte mask of writable bits, so a guest can only change what real
 * hardware would let it change; BARs get their own rule so that sizing
 * (write all ones, read back the size mask) works.
 */
#include <linux/pci_regs.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "vgpu.h"

#define MSI	VGPU_CFG_MSI_CAP
#define VNDR	VGPU_CFG_VNDR_CAP

/* Bits a guest may change, byte by byte. BARs are handled separately. */
static const u8 vgpu_cfg_wmask[VGPU_CFG_SIZE] = {
	[PCI_COMMAND] = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
	[PCI_COMMAND + 1] = PCI_COMMAND_INTX_DISABLE >> 8,
	[PCI_INTERRUPT_LINE] = 0xff,
	/* one vector: only the enable bit of the MSI control word */
	[MSI + PCI_MSI_FLAGS] = PCI_MSI_FLAGS_ENABLE,
	[MSI + PCI_MSI_ADDRESS_LO] = 0xfc,	/* dword aligned */
	[MSI + PCI_MSI_ADDRESS_LO + 1 ... MSI + PCI_MSI_ADDRESS_LO + 3] = 0xff,
	[MSI + PCI_MSI_ADDRESS_HI ... MSI + PCI_MSI_ADDRESS_HI + 3] = 0xff,
	[MSI + PCI_MSI_DATA_64 ... MSI + PCI_MSI_DATA_64 + 1] = 0xff,
};

static void put16(u8 *cfg, u32 off, u16 val)
{
	__le16 v = cpu_to_le16(val);

	memcpy(cfg + off, &v, sizeof(v));
}

static void put32(u8 *cfg, u32 off, u32 val)
{
	__le32 v = cpu_to_le32(val);

	memcpy(cfg + off, &v, sizeof(v));
}

static u32 get32(const u8 *cfg, u32 off)
{
	__le32 v;

	memcpy(&v, cfg + off, sizeof(v));
	return le32_to_cpu(v);
}

/* Size and read-only type bits of BAR @bar; size 0 means absent. */
static u64 vgpu_bar_size(struct vgpu_state *vgpu, int bar, u32 *flags)
{
	switch (bar) {
	case VGPU_VRAM_BAR:
		*flags = PCI_BASE_ADDRESS_SPACE_MEMORY |
			 PCI_BASE_ADDRESS_MEM_TYPE_32 |
			 PCI_BASE_ADDRESS_MEM_PREFETCH;
		return vgpu->bar0_size;
	case VGPU_REG_BAR:
		*flags = PCI_BASE_ADDRESS_SPACE_MEMORY |
			 PCI_BASE_ADDRESS_MEM_TYPE_32;
		return VGPU_BAR2_SIZE;
	case VGPU_GTT_BAR:
		*flags = PCI_BASE_ADDRESS_SPACE_MEMORY |
			 PCI_BASE_ADDRESS_MEM_TYPE_32;
		return (u64)vgpu->gtt_entries * VGPU_GTT_ENTRY_SIZE;
	}
	*flags = 0;
	return 0;
}

void vgpu_cfg_init(struct vgpu_state *vgpu)
{
	u8 *cfg = vgpu->cfg;
	u32 flags;
	int bar;

	memset(cfg, 0, VGPU_CFG_SIZE);
	put16(cfg, PCI_VENDOR_ID, VGPU_PCI_VENDOR_ID);
	put16(cfg, PCI_DEVICE_ID, VGPU_PCI_DEVICE_ID);
	put16(cfg, PCI_STATUS, PCI_STATUS_CAP_LIST);
	cfg[PCI_REVISION_ID] = VGPU_PCI_REVISION;
	cfg[PCI_CLASS_PROG] = VGPU_PCI_CLASS & 0xff;
	put16(cfg, PCI_CLASS_DEVICE, VGPU_PCI_CLASS >> 8);
	cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put16(cfg, PCI_SUBSYSTEM_VENDOR_ID, VGPU_PCI_SUBSYS_VENDOR_ID);
	put16(cfg, PCI_SUBSYSTEM_ID, VGPU_PCI_SUBSYS_ID);
	cfg[PCI_CAPABILITY_LIST] = MSI;
	cfg[PCI_INTERRUPT_PIN] = 1;	/* INTA */

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		vgpu_bar_size(vgpu, bar, &flags);
		put32(cfg, PCI_BASE_ADDRESS_0 + 4 * bar, flags);
	}

	/* MSI: 64-bit address, one vector, no per-vector masking */
	cfg[MSI + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSI;
	cfg[MSI + PCI_CAP_LIST_NEXT] = VNDR;
	put16(cfg, MSI + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT);

	/* vendor capability: lets a guest driver be sure it found us */
	cfg[VNDR + PCI_CAP_LIST_ID] = PCI_CAP_ID_VNDR;
	cfg[VNDR + PCI_CAP_LIST_NEXT] = 0;
	cfg[VNDR + PCI_CAP_FLAGS] = VGPU_VNDR_CAP_LEN;
	cfg[VNDR + VGPU_VNDR_CAP_OFF_VERSION] = vgpu->abi_major;
	put32(cfg, VNDR + VGPU_VNDR_CAP_OFF_MAGIC, VGPU_VNDR_CAP_MAGIC);
	put32(cfg, VNDR + VGPU_VNDR_CAP_OFF_VRAM_MB, vgpu->type->vram_mb);
	put32(cfg, VNDR + VGPU_VNDR_CAP_OFF_TYPE, vgpu->type->index);
}

void vgpu_cfg_read(struct vgpu_state *vgpu, u32 off, void *buf, u32 count)
{
	lockdep_assert_held(&vgpu->lock);
	memcpy(buf, vgpu->cfg + off, count);
}

/*
 * A BAR register holds an address aligned to the BAR size: the low bits
 * read as zero, which is what makes "write ~0, read back" report the
 * size. Absent BARs stay zero.
 */
static void vgpu_bar_write(struct vgpu_state *vgpu, int bar, u32 val)
{
	u32 flags;
	u64 size = vgpu_bar_size(vgpu, bar, &flags);
	u32 addr = 0;

	if (size)
		addr = val & ~(u32)(size - 1) & PCI_BASE_ADDRESS_MEM_MASK;
	put32(vgpu->cfg, PCI_BASE_ADDRESS_0 + 4 * bar, addr | flags);
}

void vgpu_cfg_write(struct vgpu_state *vgpu, u32 off, const void *buf,
		    u32 count)
{
	const u8 *src = buf;
	u32 i;

	lockdep_assert_held(&vgpu->lock);

	for (i = 0; i < count; i++) {
		u32 pos = off + i;
		u8 mask = vgpu_cfg_wmask[pos];

		if (pos >= PCI_BASE_ADDRESS_0 && pos <= PCI_BASE_ADDRESS_5 + 3) {
			/* merge this byte into its BAR dword, then apply */
			u32 dword = pos & ~3u;
			u32 shift = 8 * (pos & 3);
			u32 val = get32(vgpu->cfg, dword);

			val = (val & ~(0xffu << shift)) | (u32)src[i] << shift;
			vgpu_bar_write(vgpu, (dword - PCI_BASE_ADDRESS_0) / 4,
				       val);
			continue;
		}
		vgpu->cfg[pos] = (vgpu->cfg[pos] & ~mask) | (src[i] & mask);
	}
}
