// SPDX-License-Identifier: GPL-2.0
/*
 * Formats, plane validation and tiling address math
 *
 * Everything the guest writes into a plane's registers is judged here,
 * once, at commit time; the rest of the module only ever sees a
 * struct vgpu_surface that passed. Compiled into the module and into the
 * host unit tests (tests/unit/kernel), so no kernel headers.
 */
#include "plane_logic.h"

#define VGPU_PAGE_SIZE 4096u

static const struct vgpu_format_info vgpu_formats[] = {
	{ VGPU_FMT_XRGB8888, 4, "XRGB8888" },
	{ VGPU_FMT_ARGB8888, 4, "ARGB8888" },
	{ VGPU_FMT_XBGR8888, 4, "XBGR8888" },
	{ VGPU_FMT_ABGR8888, 4, "ABGR8888" },
	{ VGPU_FMT_RGB565, 2, "RGB565" },
	{ VGPU_FMT_XRGB2101010, 4, "XRGB2101010" },
};

const struct vgpu_format_info *vgpu_format_lookup(u32 fourcc)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vgpu_formats); i++)
		if (vgpu_formats[i].fourcc == fourcc)
			return &vgpu_formats[i];
	return NULL;
}

bool vgpu_tile_geometry(u64 modifier, u32 *width_bytes, u32 *height)
{
	switch (modifier) {
	case VGPU_MOD_LINEAR:
		*width_bytes = 1;
		*height = 1;
		return true;
	case VGPU_MOD_I915_X_TILED:
		*width_bytes = VGPU_XTILE_WIDTH_BYTES;
		*height = VGPU_XTILE_HEIGHT;
		return true;
	case VGPU_MOD_I915_Y_TILED:
		*width_bytes = VGPU_YTILE_WIDTH_BYTES;
		*height = VGPU_YTILE_HEIGHT;
		return true;
	}
	return false;
}

bool vgpu_modifier_known(u64 modifier)
{
	u32 w, h;

	return vgpu_tile_geometry(modifier, &w, &h);
}

/*
 * The checks run in the order ABI.md documents, so the status the guest
 * reads back names the first problem. Inputs are at most 32 bits wide
 * (the offset 64): products of two of them fit in u64, and the range
 * check is written as a subtraction so that a huge offset cannot wrap.
 * GTT translation is checked later, by the module, when it pins pages.
 */
u32 vgpu_plane_validate(const struct vgpu_plane_regs *regs,
			const struct vgpu_plane_limits *lim,
			struct vgpu_surface *surf)
{
	const struct vgpu_format_info *fmt;
	u32 tile_w, tile_h, stride_align;
	u64 rows, size, space;

	memset(surf, 0, sizeof(*surf));

	if (!regs->enable)
		return VGPU_PLANE_ERR_DISABLED;

	fmt = vgpu_format_lookup(regs->format);
	if (!fmt)
		return VGPU_PLANE_ERR_FORMAT;

	if (!vgpu_tile_geometry(regs->modifier, &tile_w, &tile_h))
		return VGPU_PLANE_ERR_MODIFIER;
	/* The cursor is scanned out linear only, as on real hardware. */
	if (lim->cursor && regs->modifier != VGPU_MOD_LINEAR)
		return VGPU_PLANE_ERR_MODIFIER;

	if (regs->width < VGPU_MIN_WIDTH || regs->width > lim->max_width ||
	    regs->height < VGPU_MIN_HEIGHT || regs->height > lim->max_height)
		return VGPU_PLANE_ERR_SIZE;

	if ((u64)regs->width * fmt->cpp > regs->stride ||
	    regs->stride > VGPU_MAX_STRIDE)
		return VGPU_PLANE_ERR_STRIDE;

	stride_align = regs->modifier == VGPU_MOD_LINEAR ?
		       VGPU_LINEAR_STRIDE_ALIGN : tile_w;
	if (regs->offset % VGPU_SURFACE_ALIGN || regs->stride % stride_align)
		return VGPU_PLANE_ERR_ALIGN;

	/* Tiled surfaces always occupy whole rows of tiles. */
	rows = ((u64)regs->height + tile_h - 1) / tile_h * tile_h;
	size = rows * regs->stride;
	size = (size + VGPU_PAGE_SIZE - 1) / VGPU_PAGE_SIZE * VGPU_PAGE_SIZE;
	switch (regs->memory) {
	case VGPU_MEMORY_VRAM:
		space = lim->vram_size;
		break;
	case VGPU_MEMORY_GTT:
		space = lim->gtt_size;
		break;
	default:
		return VGPU_PLANE_ERR_RANGE;
	}
	if (regs->offset > space || size > space - regs->offset)
		return VGPU_PLANE_ERR_RANGE;

	if (lim->cursor &&
	    (regs->hot_x >= regs->width || regs->hot_y >= regs->height))
		return VGPU_PLANE_ERR_HOTSPOT;

	surf->offset = regs->offset;
	surf->modifier = regs->modifier;
	surf->size = size;
	surf->format = regs->format;
	surf->width = regs->width;
	surf->height = regs->height;
	surf->stride = regs->stride;
	surf->memory = regs->memory;
	return VGPU_PLANE_OK;
}

bool vgpu_surface_equal(const struct vgpu_surface *a,
			const struct vgpu_surface *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/*
 * Intel X tiles: 4 KiB = 512 bytes x 8 lines, row-major inside the tile.
 * Intel Y tiles: 4 KiB = 128 bytes x 32 lines, made of 16-byte columns
 * (OWords) of 32 lines each, stored column after column. Tiles follow
 * each other left to right; a row of tiles is stride * tile height bytes.
 * No bit-6 swizzling (the virtual device has no memory channels).
 */
u64 vgpu_tiled_offset(u64 modifier, u32 stride, u32 xbyte, u32 y)
{
	u64 tile_row, tile_col, in_tile;

	switch (modifier) {
	case VGPU_MOD_LINEAR:
		return (u64)y * stride + xbyte;
	case VGPU_MOD_I915_X_TILED:
		tile_row = (u64)(y / VGPU_XTILE_HEIGHT) * stride * VGPU_XTILE_HEIGHT;
		tile_col = (u64)(xbyte / VGPU_XTILE_WIDTH_BYTES) * VGPU_TILE_SIZE;
		in_tile = (y % VGPU_XTILE_HEIGHT) * VGPU_XTILE_WIDTH_BYTES +
			  xbyte % VGPU_XTILE_WIDTH_BYTES;
		return tile_row + tile_col + in_tile;
	case VGPU_MOD_I915_Y_TILED:
		tile_row = (u64)(y / VGPU_YTILE_HEIGHT) * stride * VGPU_YTILE_HEIGHT;
		tile_col = (u64)(xbyte / VGPU_YTILE_WIDTH_BYTES) * VGPU_TILE_SIZE;
		in_tile = (xbyte % VGPU_YTILE_WIDTH_BYTES) / VGPU_YTILE_OWORD *
			  (VGPU_YTILE_OWORD * VGPU_YTILE_HEIGHT) +
			  (y % VGPU_YTILE_HEIGHT) * VGPU_YTILE_OWORD +
			  xbyte % VGPU_YTILE_OWORD;
		return tile_row + tile_col + in_tile;
	}
	return (u64)-1;
}
