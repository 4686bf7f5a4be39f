/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Guest-visible ABI of the fbexport virtual display GPU
 *
 * Shared by the kernel module (kernel/vgpu_*.c), the guest-driver simulator
 * (tools/vgpu-guest) and the tests. It needs only <linux/types.h> and
 * <linux/ioctl.h>, so it is usable from C and C++ userspace. kernel/ABI.md
 * is the prose version; keep the two in step. Everything here is little-endian, as on x86.
 *
 * Stability: version 1.1. New registers go into reserved space and bump the
 * minor version; nothing listed here moves. 1.1 added the GTT (BAR4), the
 * plane MEMORY register, damage registers, the mode hint and EDID window,
 * and the display-export character device with its event records.
 */
#ifndef _UAPI_VGPU_MEDIATOR_H
#define _UAPI_VGPU_MEDIATOR_H

#include <linux/types.h>
#include <linux/ioctl.h>

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
#define VGPU_VERSION_MINOR		1
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
#define VGPU_SYSFS_PINNED_PAGES		"pinned_pages"    /* guest pages pinned now */
#define VGPU_SYSFS_EVENTS		"events"          /* event records created */
#define VGPU_SYSFS_VRAM_PAGES		"vram_pages"      /* VRAM pages allocated now */
#define VGPU_SYSFS_DMABUFS		"dmabufs"         /* dma-buf cache entries now */
#define VGPU_SYSFS_PLANE_TYPES		"plane_types"     /* RW: dmabuf, region, or both */
#define VGPU_SYSFS_DISPLAY_DEV		"display_dev"     /* /dev path of the export device */

/* Values of plane_types: which VFIO_GFX_PLANE_TYPE_* the VFIO fd offers. */
#define VGPU_PLANE_TYPES_DMABUF		"dmabuf"
#define VGPU_PLANE_TYPES_REGION		"region"
#define VGPU_PLANE_TYPES_BOTH		"dmabuf,region"

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
 * BAR4: GTT, the graphics translation table. 32-bit memory BAR, trapped
 *       only, VGPU_GTT_ENTRY_SIZE bytes per entry, one entry per 4 KiB page
 *       of the graphics address space (as many pages as BAR0 has). Entry:
 *       bit 0 VGPU_GTT_VALID, bits 63..12 the guest-physical address (the
 *       IOVA of the VFIO container) of the page. 8-byte accesses are atomic;
 *       4-byte accesses write one half (write the high half first: the low
 *       half holds the valid bit). Planes with VGPU_PLANE_MEMORY = GTT read
 *       their surface through it; the translation is latched at COMMIT.
 * BAR1, BAR3, BAR5, ROM, VGA: absent (size 0).
 * Region VGPU_REGION_LINEAR (index VFIO_PCI_NUM_REGIONS): the linear copy
 *       of the primary plane for VFIO_GFX_PLANE_TYPE_REGION consumers,
 *       present when the instance's plane_types include "region".
 * Region VGPU_REGION_EDID (index VFIO_PCI_NUM_REGIONS + 1): the standard
 *       VFIO_REGION_TYPE_GFX / VFIO_REGION_SUBTYPE_GFX_EDID region.
 */
#define VGPU_REGION_SHIFT		40
#define VGPU_REGION_OFFSET(index)	((__u64)(index) << VGPU_REGION_SHIFT)

#define VGPU_VRAM_BAR			0
#define VGPU_REG_BAR			2
#define VGPU_GTT_BAR			4
#define VGPU_BAR2_SIZE			0x1000u
#define VGPU_GTT_ENTRY_SIZE		8u
#define VGPU_GTT_VALID			0x1ull
#define VGPU_GTT_ADDR_MASK		(~0xfffull)
#define VGPU_GTT_PAGE_SIZE		4096u
#define VGPU_REGION_LINEAR		9	/* VFIO_PCI_NUM_REGIONS */
#define VGPU_REGION_EDID		10
#define VGPU_NUM_REGIONS		11
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
#define VGPU_REG_GTT_ENTRIES		0x044	/* RO  entries in BAR4 */
#define VGPU_REG_PINNED_PAGES		0x048	/* RO  guest pages pinned for planes */
#define VGPU_REG_MODE_HINT_WIDTH	0x04c	/* RO  host's preferred width, 0 = none */
#define VGPU_REG_MODE_HINT_HEIGHT	0x050	/* RO  host's preferred height */
#define VGPU_REG_LINK_STATE		0x054	/* RO  1 = display connected */
#define VGPU_REG_EDID_SIZE		0x058	/* RO  bytes valid in the EDID window */
#define VGPU_REG_DAMAGE_COUNT		0x05c	/* RO  damage rectangles accepted */
#define VGPU_REG_DAMAGE_MODE		0x060	/* RO  VGPU_DAMAGE_MODE_* */

/* VGPU_REG_DAMAGE_MODE: who says what changed. */
#define VGPU_DAMAGE_MODE_TRACK		0	/* no damage posted: dirty VRAM pages */
#define VGPU_DAMAGE_MODE_GUEST		1	/* the guest posts damage rectangles */

/* EDID window: the EDID blob the host set, read-only, 4-byte reads. */
#define VGPU_REG_EDID_BASE		0x800
#define VGPU_EDID_MAX_SIZE		0x800u

/* VGPU_REG_CAPS bits. */
#define VGPU_CAP_CURSOR			(1u << 0)
#define VGPU_CAP_TILED_X		(1u << 1)
#define VGPU_CAP_TILED_Y		(1u << 2)
#define VGPU_CAP_MSI			(1u << 3)
#define VGPU_CAP_DMABUF			(1u << 4)
#define VGPU_CAP_GTT			(1u << 5)
#define VGPU_CAP_DAMAGE			(1u << 6)
#define VGPU_CAP_EDID			(1u << 7)

/* VGPU_REG_INT_STATUS / INT_ENABLE bits. */
#define VGPU_INT_FLIP_DONE		(1u << 0)
#define VGPU_INT_HOTPLUG		(1u << 1)	/* link state, EDID or hint changed */
#define VGPU_INT_ALL			(VGPU_INT_FLIP_DONE | VGPU_INT_HOTPLUG)

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
#define VGPU_PLANE_OFFSET_LO		0x10	/* RW  surface offset in VRAM or GTT space */
#define VGPU_PLANE_OFFSET_HI		0x14	/* RW  */
#define VGPU_PLANE_WIDTH		0x18	/* RW  pixels */
#define VGPU_PLANE_HEIGHT		0x1c	/* RW  lines */
#define VGPU_PLANE_STRIDE_BYTES		0x20	/* RW  bytes per line */
#define VGPU_PLANE_POS_X		0x24	/* RW  s32, screen position */
#define VGPU_PLANE_POS_Y		0x28	/* RW  s32 */
#define VGPU_PLANE_HOT_X		0x2c	/* RW  cursor hotspot */
#define VGPU_PLANE_HOT_Y		0x30	/* RW  */
#define VGPU_PLANE_STATUS		0x34	/* RO  VGPU_PLANE_ERR_* of the latched state */
#define VGPU_PLANE_MEMORY		0x38	/* RW  VGPU_MEMORY_*: where OFFSET points */
#define VGPU_PLANE_BLOCK_SIZE		0x3c

#define VGPU_MEMORY_VRAM		0
#define VGPU_MEMORY_GTT			1

/*
 * Damage registers, one block per plane at VGPU_DAMAGE_REG(plane, reg).
 * The guest posts a rectangle of the plane's *latched* surface that it has
 * drawn: write XY (x | y << 16), then WH (width | height << 16); the WH
 * write posts it. The rectangle is clipped to the surface; one that is
 * empty after clipping, or posted to a plane that is not valid, is refused
 * and counted in INVALID_COUNT. FULL (any value) damages the whole plane.
 * The first accepted post switches DAMAGE_MODE to GUEST until reset.
 */
#define VGPU_DAMAGE_BASE_0		0x200
#define VGPU_DAMAGE_STRIDE		0x10
#define VGPU_DAMAGE_REG(plane, reg)	(VGPU_DAMAGE_BASE_0 + (plane) * VGPU_DAMAGE_STRIDE + (reg))
#define VGPU_DAMAGE_XY			0x0	/* RW  x | y << 16 */
#define VGPU_DAMAGE_WH			0x4	/* RW  width | height << 16; write posts */
#define VGPU_DAMAGE_FULL		0x8	/* WO  whole plane */

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
#define VGPU_PLANE_ERR_GTT		9	/* a GTT entry is invalid, unpinnable or over budget */
#define VGPU_PLANE_ERR_COUNT		10

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

/* ---------------------------------------------------------------------- */
/* Display-export character device                                         */
/* ---------------------------------------------------------------------- */

/*
 * One per instance: /dev/vgpu/<uuid> (class "vgpu_display"; the udev rule
 * kernel/udev/60-vgpu-mediator.rules gives it group "vgpu-display"). It
 * lets a display service that does not own the VFIO device query planes,
 * get dma-bufs and read events. ioctls: VFIO_DEVICE_QUERY_GFX_PLANE and
 * VFIO_DEVICE_GET_GFX_DMABUF, with the same numbers and structures as on
 * the VFIO fd, and VGPU_DISPLAY_GET_INFO. read() returns whole
 * struct vgpu_event records; poll() reports EPOLLIN when one is queued and
 * EPOLLHUP once the instance is gone.
 */
#define VGPU_DISPLAY_CLASS		"vgpu_display"
#define VGPU_DISPLAY_DEV_DIR		"/dev/vgpu"
#define VGPU_DISPLAY_QUEUE_LEN		256	/* records per reader */

struct vgpu_display_info {
	__u32 argsz;
	__u32 flags;
	__u32 version;		/* VGPU_VERSION */
	__u32 event_size;	/* sizeof(struct vgpu_event) */
	__u32 queue_len;	/* VGPU_DISPLAY_QUEUE_LEN */
	__u32 num_planes;
	__u64 vram_size;
	__u32 max_width;
	__u32 max_height;
};

#define VGPU_DISPLAY_IOCTL_MAGIC	'v'
#define VGPU_DISPLAY_GET_INFO		_IOR(VGPU_DISPLAY_IOCTL_MAGIC, 0x40, struct vgpu_display_info)

struct vgpu_rect {
	__u32 x;
	__u32 y;
	__u32 width;
	__u32 height;
};

/* Event types (vgpu_event.type). */
#define VGPU_EVENT_FLIP			1	/* plane shows a new surface: refresh it whole */
#define VGPU_EVENT_DAMAGE		2	/* rects of the surface dmabuf_id changed */
#define VGPU_EVENT_CURSOR_MOVE		3	/* cursor position only; same buffer */
#define VGPU_EVENT_MODE			4	/* primary size, format or layout changed */
#define VGPU_EVENT_INVALIDATE		5	/* plane not ready; reason in u.reason */
#define VGPU_EVENT_OVERFLOW		6	/* this reader lost events: refresh all */
#define VGPU_EVENT_HOTPLUG		7	/* link, EDID or mode hint changed */

/* vgpu_event.u.reason of VGPU_EVENT_INVALIDATE. */
#define VGPU_INVALID_DISABLED		1	/* the guest switched the plane off */
#define VGPU_INVALID_BAD_PLANE		2	/* latched values failed validation */
#define VGPU_INVALID_UNMAP		3	/* guest memory under the plane was unmapped */
#define VGPU_INVALID_RESET		4	/* device reset */
#define VGPU_INVALID_CLOSE		5	/* VFIO device closed: GTT pins released */

#define VGPU_EVENT_MAX_RECTS		8

/*
 * A fixed-size record. seq counts the instance's records from 1 (a reader
 * that sees a gap coalesced or lost some: coalescing merges damage into
 * the newest unread record of the same plane and surface). time_ns is
 * CLOCK_MONOTONIC when the record was created.
 */
struct vgpu_event {
	__u32 type;
	__u32 plane;		/* VGPU_PLANE_PRIMARY / CURSOR */
	__u32 dmabuf_id;	/* surface the event is about, 0 if none */
	__u32 count;		/* DAMAGE: rects used */
	__u64 seq;
	__u64 time_ns;
	union {
		struct vgpu_rect rects[VGPU_EVENT_MAX_RECTS];	/* DAMAGE */
		struct {
			__s32 x;
			__s32 y;
			__u32 hot_x;
			__u32 hot_y;
		} cursor;					/* CURSOR_MOVE, FLIP */
		struct {
			__u32 width;
			__u32 height;
			__u32 format;
			__u32 stride;
			__u64 modifier;
		} mode;						/* MODE */
		__u32 reason;					/* INVALIDATE */
	} u;
};

/*
 * VFIO-side event interrupt: IRQ index VGPU_EVENT_IRQ_INDEX (one past the
 * standard PCI ones; VFIO_DEVICE_GET_INFO reports num_irqs =
 * VGPU_NUM_IRQS). Its eventfd is signalled whenever an event record is
 * created, for a consumer that owns the VFIO fd. Upstream VFIO has no
 * capability to type an IRQ index, so a consumer identifies this one by
 * the device's PCI IDs and vendor capability.
 */
#define VGPU_EVENT_IRQ_INDEX		5	/* VFIO_PCI_NUM_IRQS */
#define VGPU_NUM_IRQS			6

#endif /* _UAPI_VGPU_MEDIATOR_H */
