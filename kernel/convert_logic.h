/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Detiling and format conversion to XRGB8888, for the linear-copy
 * region, and the preferred mode of an EDID blob
 *
 * Pure logic shared with the host unit tests, which compare it with the
 * userspace converters.
 */
#ifndef VGPU_CONVERT_LOGIC_H
#define VGPU_CONVERT_LOGIC_H

#include "plane_logic.h"

/*
 * Copies rectangle @r (inside the surface) of surface @s, whose bytes
 * start at @src, into @dst as XRGB8888 with @dst_stride bytes per line
 * (pixel (x, y) of the surface lands at (x, y) of @dst).
 */
void vgpu_copy_rect_xrgb8888(const struct vgpu_surface *s, const u8 *src,
			     u8 *dst, u32 dst_stride, const struct vgpu_rect *r);

/*
 * The active size of the first detailed timing descriptor of a base EDID
 * block (the preferred mode). False when @size is short, the header is
 * wrong, or the descriptor is not a timing.
 */
bool vgpu_edid_preferred_mode(const u8 *edid, u32 size, u32 *width,
			      u32 *height);

#endif /* VGPU_CONVERT_LOGIC_H */
