/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Damage rectangles: clipping, bounded merging, and the rectangles a
 * dirty page of a surface covers
 *
 * Pure logic shared with the host unit tests and fuzzers. Rectangle
 * lists are bounded (an event record holds VGPU_EVENT_MAX_RECTS), so
 * adding to a full list merges; a merge only ever grows coverage, never
 * loses a damaged pixel.
 */
#ifndef VGPU_DAMAGE_LOGIC_H
#define VGPU_DAMAGE_LOGIC_H

#include "plane_logic.h"

/* Decodes the XY/WH register pair into @r. */
void vgpu_rect_from_regs(struct vgpu_rect *r, u32 xy, u32 wh);

/*
 * Clips @r to a @width x @height plane. Returns false (and leaves @r
 * empty) when nothing is left. Safe for any field values.
 */
bool vgpu_rect_clip(struct vgpu_rect *r, u32 width, u32 height);

/*
 * Adds @r (non-empty, already clipped) to @rects, which holds *@n of at
 * most @max rectangles. A rectangle already covered is not added; one
 * that covers existing rectangles replaces them; when the list is full,
 * @r is united with the rectangle whose bounding box grows least.
 */
void vgpu_rects_add(struct vgpu_rect *rects, u32 *n, u32 max,
		    const struct vgpu_rect *r);

/*
 * The rectangle of surface pixels stored in byte range
 * [@first, @first + @len) of the surface @s (offsets from the surface
 * start). For a linear surface these are whole lines (the bytes may
 * start or end mid-line); for a tiled surface whole tiles. Returns false
 * when the range holds no pixel (past the last line, or in the padding
 * right of the visible width).
 */
bool vgpu_surface_bytes_rect(const struct vgpu_surface *s, u64 first,
			     u64 len, struct vgpu_rect *r);

#endif /* VGPU_DAMAGE_LOGIC_H */
