/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Formats, plane validation and tiling address math
 *
 * Pure logic: no kernel headers, shared with the host unit tests.
 */
#ifndef VGPU_PLANE_LOGIC_H
#define VGPU_PLANE_LOGIC_H

#include "vgpu_shim.h"
#include "include/uapi/vgpu_mediator.h"

/* One copy (pending or active) of a plane's guest-written registers. */
struct vgpu_plane_regs {
	u32 enable;
	u32 format;
	u64 modifier;
	u64 offset;
	u32 width;
	u32 height;
	u32 stride;
	s32 pos_x;
	s32 pos_y;
	u32 hot_x;
	u32 hot_y;
	u32 memory;		/* VGPU_MEMORY_VRAM or VGPU_MEMORY_GTT */
};

/* What a plane may be, fixed per instance and plane. */
struct vgpu_plane_limits {
	u32 max_width;
	u32 max_height;
	u64 vram_size;		/* usable VRAM in bytes */
	u64 gtt_size;		/* graphics address space behind the GTT, bytes */
	bool cursor;		/* cursor plane: linear only, hotspot checked */
};

/*
 * A validated surface: everything that identifies the memory a plane scans
 * out. Two planes with equal surfaces show the same buffer, so this is
 * what the dma-buf cache compares. Kept free of padding holes so that
 * memcmp() is a valid comparison. A GTT surface's pages depend on the
 * translation latched with it, so the module numbers each distinct set
 * of pinned pages (serial); VRAM surfaces have serial 0.
 */
struct vgpu_surface {
	u64 offset;
	u64 modifier;
	u64 size;		/* bytes covered, rounded up to whole pages */
	u32 format;
	u32 width;
	u32 height;
	u32 stride;
	u32 memory;		/* VGPU_MEMORY_* */
	u32 serial;		/* GTT: which latched translation */
};

struct vgpu_format_info {
	u32 fourcc;
	u32 cpp;		/* bytes per pixel */
	const char *name;
};

const struct vgpu_format_info *vgpu_format_lookup(u32 fourcc);
bool vgpu_modifier_known(u64 modifier);

/*
 * Checks @regs against @lim. Returns VGPU_PLANE_OK and fills @surf, or a
 * VGPU_PLANE_ERR_* code and zeroes @surf. Never overflows, whatever the
 * register values.
 */
u32 vgpu_plane_validate(const struct vgpu_plane_regs *regs,
			const struct vgpu_plane_limits *lim,
			struct vgpu_surface *surf);

bool vgpu_surface_equal(const struct vgpu_surface *a,
			const struct vgpu_surface *b);

/*
 * Byte offset, from the start of a surface laid out with @modifier and
 * @stride, of byte @xbyte (x * bytes per pixel) in line @y. Returns
 * (u64)-1 for an unknown modifier.
 */
u64 vgpu_tiled_offset(u64 modifier, u32 stride, u32 xbyte, u32 y);

/* Tile geometry of @modifier: width in bytes, height in lines (1x1 linear). */
bool vgpu_tile_geometry(u64 modifier, u32 *width_bytes, u32 *height);

#endif /* VGPU_PLANE_LOGIC_H */
