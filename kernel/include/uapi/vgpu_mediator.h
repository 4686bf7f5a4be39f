/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Guest-visible ABI of the fbexport virtual display GPU
 *
 * Shared by the kernel module (kernel/vgpu_*.c), the guest-driver simulator
 * (tools/vgpu-guest) and the tests. It needs only <linux/types.h>, so it is
 * usable from C and C++ userspace. kernel/ABI.md is the prose version; keep
 * the two in step. Everything here is little-endian, as on x86.
 *
 * Stability: version 1.0. New registers go into reserved space and bump the
 * minor version; nothing listed here moves.
 */
#ifndef _UAPI_VGPU_MEDIATOR_H
#define _UAPI_VGPU_MEDIATOR_H

#include <linux/types.h>

/* ---------------------------------------------------------------------- */
/* Identity                                                                */
/* ---------------------------------------------------------------------- */

/*
 * 1af4:10f0..10ff is documented by QEMU (docs/specs/pci-ids.rst) as
 * "available for experimental usage without registration". We take 10f0.
 * The subsystem pair is QEMU's generic 1af4:1100. A guest driver should
 * also check the vendor-specific capability (VGPU_VNDR_CAP_MAGIC) before
 * binding, since other experimental devices may use the same ID.
 */
#define VGPU_PCI_VENDOR_ID		0x1af4
#define VGPU_PCI_DEVICE_ID		0x10f0
#define VGPU_PCI_SUBSYS_VENDOR_ID	0x1af4
#define VGPU_PCI_SUBSYS_ID		0x1100
#define VGPU_PCI_REVISION		0x01
#define VGPU_PCI_CLASS			0x030000 /* display, VGA-compatible, no legacy */

#define VGPU_VERSION_MAJOR		1
#define VGPU_VERSION_MINOR		0
#define VGPU_VERSION			((VGPU_VERSION_MAJOR << 16) | VGPU_VERSION_MINOR)

/* Value of VGPU_REG_ID: "VGPU" in ASCII, read as a little-endian u32. */
#define VGPU_ID_MAGIC			0x55504756u

/* ---------------------------------------------------------------------- */
/* mdev parent and types (sysfs)                                           */
/* ---------------------------------------------------------------------- */

/* The parent: /sys/class/vgpu_mediator/vgpu_mediator (a virtual device). */
#define VGPU_PARENT_CLASS		"vgpu_mediator"
#define VGPU_PARENT_DEVICE		"vgpu_mediator"
#define VGPU_PARENT_SYSFS_PATH		"/sys/class/vgpu_mediator/vgpu_mediator"

/*
 * Type directory names under <parent>/mdev_supported_types/. The mdev core
 * prefixes the type's own name with the parent's class name.
 */
#define VGPU_MDEV_TYPE_SMALL		"vgpu_mediator-small"	/*  16 MiB, 1280x1024 */
#define VGPU_MDEV_TYPE_MEDIUM		"vgpu_mediator-medium"	/*  64 MiB, 2560x1600 */
#define VGPU_MDEV_TYPE_LARGE		"vgpu_mediator-large"	/* 256 MiB, 4096x2304 */

/* Per-instance attributes: /sys/bus/mdev/devices/<uuid>/vgpu/<name>. */
#define VGPU_SYSFS_GROUP		"vgpu"
#define VGPU_SYSFS_INVALID_PLANES	"invalid_planes"  /* u64, decimal */
#define VGPU_SYSFS_VRAM_SIZE		"vram_size"       /* bytes, decimal */
#define VGPU_SYSFS_FLIP_COUNT		"flip_count"      /* commits latched */

/* debugfs: /sys/kernel/debug/vgpu_mediator/<uuid>/state (text dump). */
#define VGPU_DEBUGFS_DIR		"vgpu_mediator"

/* ---------------------------------------------------------------------- */
/* VFIO regions and BARs                                                   */
/* ---------------------------------------------------------------------- */

/*
 * Region indices are the standard VFIO_PCI_*_REGION_INDEX ones. Each region
 * starts at (index << VGPU_REGION_SHIFT) in the device fd, as vfio-pci does;
 * userspace should still take the offset from VFIO_DEVICE_GET_REGION_INFO.
 *
 * BAR0: VRAM. 32-bit, prefetchable memory BAR, power-of-two size (the
 *       type's VRAM size). All of it but the last page is plain memory,
 *       mmappable (pages are allocated when first touched: map-on-fault)
 *       and also readable/writable through pread/pwrite. The last page
 *       (VGPU_BAR0_REG_WINDOW_SIZE) is a trapped mirror of the BAR2
 *       registers, so BAR0 mixes direct and trapped parts: its region info
 *       carries VFIO_REGION_INFO_CAP_SPARSE_MMAP with one area covering the
 *       usable VRAM. Surfaces may only live in usable VRAM.
 * BAR2: registers. 32-bit memory BAR, VGPU_BAR2_SIZE bytes, trapped only
 *       (no mmap); 32-bit aligned accesses of 4 bytes.
 * BAR1, BAR3..5, ROM, VGA: absent (size 0).
 */
#define VGPU_REGION_SHIFT		40
#define VGPU_REGION_OFFSET(index)	((__u64)(index) << VGPU_REGION_SHIFT)

#define VGPU_VRAM_BAR			0
#define VGPU_REG_BAR			2
#define VGPU_BAR2_SIZE			0x1000u
#define VGPU_BAR0_REG_WINDOW_SIZE	0x1000u

/* Usable VRAM of a BAR0 of size bar_size. */
#define VGPU_USABLE_VRAM(bar_size)	((__u64)(bar_size) - VGPU_BAR0_REG_WINDOW_SIZE)

/* ---------------------------------------------------------------------- */
/* PCI configuration space                                                 */
/* ---------------------------------------------------------------------- */

/*
 * 256 bytes. Capability list: MSI at 0x50 (64-bit address, one vector,
 * per-vector masking not supported) -> vendor-specific at 0x68 -> end.
 * Interrupt pin INTA. Writing 0xffffffff to a BAR returns its size mask.
 */
#define VGPU_CFG_SIZE			0x100
#define VGPU_CFG_MSI_CAP		0x50
#define VGPU_CFG_VNDR_CAP		0x68

/* Vendor capability layout (offsets from VGPU_CFG_VNDR_CAP). */
#define VGPU_VNDR_CAP_LEN		0x10
#define VGPU_VNDR_CAP_OFF_VERSION	0x03	/* u8: ABI major version */
#define VGPU_VNDR_CAP_OFF_MAGIC		0x04	/* u32: VGPU_ID_MAGIC */
#define VGPU_VNDR_CAP_OFF_VRAM_MB	0x08	/* u32: BAR0 size in MiB */
#define VGPU_VNDR_CAP_OFF_TYPE		0x0c	/* u32: type index, 0 = small */
#define VGPU_VNDR_CAP_MAGIC		VGPU_ID_MAGIC

/* ---------------------------------------------------------------------- */
/* Register map (BAR2, mirrored in BAR0's last page)                      */
/* ---------------------------------------------------------------------- */

/* Global registers. RO = read-only (writes ignored, counted as invalid). */
#define VGPU_REG_ID			0x000	/* RO  VGPU_ID_MAGIC */
#define VGPU_REG_VERSION		0x004	/* RO  VGPU_VERSION */
#define VGPU_REG_CAPS			0x008	/* RO  VGPU_CAP_* */
#define VGPU_REG_VRAM_SIZE_LO		0x00c	/* RO  usable VRAM bytes, low */
#define VGPU_REG_VRAM_SIZE_HI		0x010	/* RO  usable VRAM bytes, high */
#define VGPU_REG_MAX_WIDTH		0x014	/* RO  primary plane limit */
#define VGPU_REG_MAX_HEIGHT		0x018	/* RO  primary plane limit */
#define VGPU_REG_CURSOR_MAX_WIDTH	0x01c	/* RO  cursor plane limit */
#define VGPU_REG_CURSOR_MAX_HEIGHT	0x020	/* RO  cursor plane limit */
#define VGPU_REG_NUM_PLANES		0x024	/* RO  VGPU_NUM_PLANES */
#define VGPU_REG_COMMIT			0x028	/* WO  plane mask to latch; reads 0 */
#define VGPU_REG_FLIP_COUNT		0x02c	/* RO  commits latched so far */
#define VGPU_REG_INT_STATUS		0x030	/* RW1C VGPU_INT_* pending */
#define VGPU_REG_INT_ENABLE		0x034	/* RW  VGPU_INT_* enabled */
#define VGPU_REG_INVALID_COUNT		0x038	/* RO  invalid plane latches + bad writes */
#define VGPU_REG_PLANE_VALID		0x03c	/* RO  bit n: latched plane n valid */
#define VGPU_REG_SCRATCH		0x040	/* RW  no effect, for tests */

/* VGPU_REG_CAPS bits. */
#define VGPU_CAP_CURSOR			(1u << 0)
#define VGPU_CAP_TILED_X		(1u << 1)
#define VGPU_CAP_TILED_Y		(1u << 2)
#define VGPU_CAP_MSI			(1u << 3)
#define VGPU_CAP_DMABUF			(1u << 4)

/* VGPU_REG_INT_STATUS / INT_ENABLE bits. */
#define VGPU_INT_FLIP_DONE		(1u << 0)

/*
 * Planes. Each has a block of registers at VGPU_PLANE_BASE(plane). Writes
 * go to the *pending* copy and reads return it; nothing takes effect until
 * VGPU_REG_COMMIT is written with the plane's bit set. The commit latches
 * the pending copy into the active copy, validates it (see ABI.md), bumps
 * FLIP_COUNT, sets VGPU_INT_FLIP_DONE in INT_STATUS and, if enabled,
 * raises the interrupt (INTx or MSI, whichever VFIO_DEVICE_SET_IRQS set).
 */
#define VGPU_PLANE_PRIMARY		0
#define VGPU_PLANE_CURSOR		1
#define VGPU_NUM_PLANES			2
#define VGPU_PLANE_MASK_ALL		((1u << VGPU_NUM_PLANES) - 1)

#define VGPU_PLANE_BASE_0		0x100
#define VGPU_PLANE_STRIDE		0x40
#define VGPU_PLANE_BASE(plane)		(VGPU_PLANE_BASE_0 + (plane) * VGPU_PLANE_STRIDE)
#define VGPU_PLANE_REG(plane, reg)	(VGPU_PLANE_BASE(plane) + (reg))

/* Offsets inside a plane block. */
#define VGPU_PLANE_ENABLE		0x00	/* RW  1 = scan out */
#define VGPU_PLANE_FORMAT		0x04	/* RW  DRM fourcc (VGPU_FMT_*) */
#define VGPU_PLANE_MODIFIER_LO		0x08	/* RW  DRM modifier, low 32 */
#define VGPU_PLANE_MODIFIER_HI		0x0c	/* RW  DRM modifier, high 32 */
#define VGPU_PLANE_OFFSET_LO		0x10	/* RW  surface offset in VRAM */
#define VGPU_PLANE_OFFSET_HI		0x14	/* RW  */
#define VGPU_PLANE_WIDTH		0x18	/* RW  pixels */
#define VGPU_PLANE_HEIGHT		0x1c	/* RW  lines */
#define VGPU_PLANE_STRIDE_BYTES		0x20	/* RW  bytes per line */
#define VGPU_PLANE_POS_X		0x24	/* RW  s32, screen position */
#define VGPU_PLANE_POS_Y		0x28	/* RW  s32 */
#define VGPU_PLANE_HOT_X		0x2c	/* RW  cursor hotspot */
#define VGPU_PLANE_HOT_Y		0x30	/* RW  */
#define VGPU_PLANE_STATUS		0x34	/* RO  VGPU_PLANE_ERR_* of the latched state */
#define VGPU_PLANE_BLOCK_SIZE		0x38

/*
 * Result of validating a latched plane (VGPU_PLANE_STATUS). Anything but
 * OK and DISABLED counts as invalid: the plane is "not ready" for
 * VFIO_DEVICE_QUERY_GFX_PLANE (drm_format 0, size 0) and the invalid
 * counter goes up.
 */
#define VGPU_PLANE_OK			0
#define VGPU_PLANE_ERR_DISABLED		1	/* enable = 0; not an error */
#define VGPU_PLANE_ERR_FORMAT		2	/* unknown fourcc */
#define VGPU_PLANE_ERR_MODIFIER		3	/* unknown modifier, or not for this plane */
#define VGPU_PLANE_ERR_SIZE		4	/* width or height 0 or above the limit */
#define VGPU_PLANE_ERR_STRIDE		5	/* stride < width*bpp, or too large */
#define VGPU_PLANE_ERR_ALIGN		6	/* offset/stride misaligned for the layout */
#define VGPU_PLANE_ERR_RANGE		7	/* surface not inside usable VRAM */
#define VGPU_PLANE_ERR_HOTSPOT		8	/* hotspot outside the cursor */
#define VGPU_PLANE_ERR_COUNT		9

/* Plane limits. */
#define VGPU_MIN_WIDTH			1
#define VGPU_MIN_HEIGHT			1
#define VGPU_CURSOR_MAX_SIZE		256
#define VGPU_MAX_STRIDE			(64u * 1024u)

/*
 * Alignment: every surface offset is 4 KiB aligned (dma-bufs are page
 * granular); a linear stride is a multiple of 4 bytes; X-tiled strides are
 * multiples of 512 bytes, Y-tiled of 128. Tiled surfaces occupy whole tile
 * rows: their size is stride * height rounded up to the tile height.
 */
#define VGPU_SURFACE_ALIGN		4096u
#define VGPU_LINEAR_STRIDE_ALIGN	4u
#define VGPU_TILE_SIZE			4096u
#define VGPU_XTILE_WIDTH_BYTES		512u
#define VGPU_XTILE_HEIGHT		8u
#define VGPU_YTILE_WIDTH_BYTES		128u
#define VGPU_YTILE_HEIGHT		32u
#define VGPU_YTILE_OWORD		16u

/* ---------------------------------------------------------------------- */
/* Formats and modifiers (same numbers as drm_fourcc.h)                    */
/* ---------------------------------------------------------------------- */

#define VGPU_FOURCC(a, b, c, d) \
	((__u32)(a) | ((__u32)(b) << 8) | ((__u32)(c) << 16) | ((__u32)(d) << 24))

#define VGPU_FMT_XRGB8888		VGPU_FOURCC('X', 'R', '2', '4')
#define VGPU_FMT_ARGB8888		VGPU_FOURCC('A', 'R', '2', '4')
#define VGPU_FMT_XBGR8888		VGPU_FOURCC('X', 'B', '2', '4')
#define VGPU_FMT_ABGR8888		VGPU_FOURCC('A', 'B', '2', '4')
#define VGPU_FMT_RGB565			VGPU_FOURCC('R', 'G', '1', '6')
#define VGPU_FMT_XRGB2101010		VGPU_FOURCC('X', 'R', '3', '0')

/* DRM_FORMAT_MOD_LINEAR, I915_FORMAT_MOD_X_TILED, I915_FORMAT_MOD_Y_TILED */
#define VGPU_MOD_LINEAR			0x0000000000000000ull
#define VGPU_MOD_I915_X_TILED		0x0100000000000001ull
#define VGPU_MOD_I915_Y_TILED		0x0100000000000002ull

#endif /* _UAPI_VGPU_MEDIATOR_H */
