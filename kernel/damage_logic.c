// SPDX-License-Identifier: GPL-2.0
/*
 * Damage rectangles: clipping, bounded merging, and the rectangles a
 * dirty page of a surface covers
 *
 * All arithmetic is in u64 on 32-bit inputs, so no guest value can make
 * it wrap. Compiled into the module and into the host unit tests.
 */
#include "damage_logic.h"

void vgpu_rect_from_regs(struct vgpu_rect *r, u32 xy, u32 wh)
{
	r->x = xy & 0xffff;
	r->y = xy >> 16;
	r->width = wh & 0xffff;
	r->height = wh >> 16;
}

static u64 min_u64(u64 a, u64 b)
{
	return a < b ? a : b;
}

static u64 max_u64(u64 a, u64 b)
{
	return a > b ? a : b;
}

bool vgpu_rect_clip(struct vgpu_rect *r, u32 width, u32 height)
{
	u64 x1 = min_u64((u64)r->x + r->width, width);
	u64 y1 = min_u64((u64)r->y + r->height, height);

	if (r->x >= x1 || r->y >= y1) {
		r->x = 0;
		r->y = 0;
		r->width = 0;
		r->height = 0;
		return false;
	}
	r->width = x1 - r->x;
	r->height = y1 - r->y;
	return true;
}

static bool rect_contains(const struct vgpu_rect *outer,
			  const struct vgpu_rect *inner)
{
	return inner->x >= outer->x && inner->y >= outer->y &&
	       (u64)inner->x + inner->width <= (u64)outer->x + outer->width &&
	       (u64)inner->y + inner->height <= (u64)outer->y + outer->height;
}

static struct vgpu_rect rect_union(const struct vgpu_rect *a,
				   const struct vgpu_rect *b)
{
	u64 x0 = min_u64(a->x, b->x);
	u64 y0 = min_u64(a->y, b->y);
	u64 x1 = max_u64((u64)a->x + a->width, (u64)b->x + b->width);
	u64 y1 = max_u64((u64)a->y + a->height, (u64)b->y + b->height);
	struct vgpu_rect u = {
		.x = (u32)x0, .y = (u32)y0,
		.width = (u32)(x1 - x0), .height = (u32)(y1 - y0),
	};

	return u;
}

static u64 rect_area(const struct vgpu_rect *r)
{
	return (u64)r->width * r->height;
}

void vgpu_rects_add(struct vgpu_rect *rects, u32 *n, u32 max,
		    const struct vgpu_rect *r)
{
	struct vgpu_rect merged = *r;
	u64 best_growth = (u64)-1;
	u32 best = 0;
	u32 i;

	for (i = 0; i < *n; i++)
		if (rect_contains(&rects[i], r))
			return;

	/* drop what @r covers; keep the order of the rest */
	for (i = 0; i < *n;) {
		if (rect_contains(r, &rects[i])) {
			rects[i] = rects[*n - 1];
			(*n)--;
		} else {
			i++;
		}
	}

	if (*n < max) {
		rects[(*n)++] = *r;
		return;
	}
	if (!max)
		return;

	for (i = 0; i < *n; i++) {
		struct vgpu_rect u = rect_union(&rects[i], r);
		u64 growth = rect_area(&u) - rect_area(&rects[i]);

		if (growth < best_growth) {
			best_growth = growth;
			best = i;
			merged = u;
		}
	}
	/* the union may now cover others; re-add it so they fold in */
	rects[best] = rects[*n - 1];
	(*n)--;
	vgpu_rects_add(rects, n, max, &merged);
}

bool vgpu_surface_bytes_rect(const struct vgpu_surface *s, u64 first,
			     u64 len, struct vgpu_rect *r)
{
	const struct vgpu_format_info *fmt = vgpu_format_lookup(s->format);
	u32 tile_w, tile_h;
	u64 last, y0, y1, x0, x1, row_bytes, tiles_per_row;

	if (!fmt || !len || !s->stride ||
	    !vgpu_tile_geometry(s->modifier, &tile_w, &tile_h))
		return false;
	last = first + len - 1;

	if (s->modifier == VGPU_MOD_LINEAR) {
		y0 = first / s->stride;
		y1 = last / s->stride;
		if (y0 >= s->height)
			return false;
		/* a range inside one line's padding holds no pixel */
		if (y0 == y1 && first % s->stride >= (u64)s->width * fmt->cpp)
			return false;
		y1 = min_u64(y1, s->height - 1);
		r->x = 0;
		r->y = (u32)y0;
		r->width = s->width;
		r->height = (u32)(y1 - y0 + 1);
		return true;
	}

	/* tiled: whole tiles; a tile row is stride * tile_h bytes */
	row_bytes = (u64)s->stride * tile_h;
	tiles_per_row = s->stride / tile_w;
	y0 = first / row_bytes * tile_h;
	y1 = last / row_bytes * tile_h + tile_h;
	if (y0 >= s->height)
		return false;
	if (first / row_bytes == last / row_bytes) {
		/* within one tile row: the columns of the tiles touched */
		x0 = first % row_bytes / VGPU_TILE_SIZE * tile_w / fmt->cpp;
		x1 = (last % row_bytes / VGPU_TILE_SIZE + 1) * tile_w / fmt->cpp;
		if (x0 >= s->width || first % row_bytes / VGPU_TILE_SIZE >= tiles_per_row)
			return false;
	} else {
		x0 = 0;
		x1 = s->width;
	}
	x1 = min_u64(x1, s->width);
	y1 = min_u64(y1, s->height);
	r->x = (u32)x0;
	r->y = (u32)y0;
	r->width = (u32)(x1 - x0);
	r->height = (u32)(y1 - y0);
	return true;
}
