// SPDX-License-Identifier: GPL-2.0
/*
 * Detiling and format conversion to XRGB8888, and the preferred
 * mode of an EDID blob
 *
 * The kernel's copy is the fallback for consumers without GL (QEMU's
 * region display); it runs per pixel through the same address math the
 * plane validation trusts, and only over damaged rectangles.
 */
#include "convert_logic.h"

static u32 load_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void store_le32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* One pixel of @format at @p as XRGB8888 (alpha dropped, X = 0xff). */
static u32 to_xrgb8888(u32 format, const u8 *p)
{
	u32 v, r, g, b;

	switch (format) {
	case VGPU_FMT_XRGB8888:
	case VGPU_FMT_ARGB8888:
		return load_le32(p) | 0xff000000u;
	case VGPU_FMT_XBGR8888:
	case VGPU_FMT_ABGR8888:
		v = load_le32(p);
		return 0xff000000u | (v & 0xff) << 16 | (v & 0xff00) |
		       (v >> 16 & 0xff);
	case VGPU_FMT_RGB565:
		v = (u32)p[0] | (u32)p[1] << 8;
		r = v >> 11 & 0x1f;
		g = v >> 5 & 0x3f;
		b = v & 0x1f;
		/* replicate the top bits, as pixman does */
		return 0xff000000u | (r << 3 | r >> 2) << 16 |
		       (g << 2 | g >> 4) << 8 | (b << 3 | b >> 2);
	case VGPU_FMT_XRGB2101010:
		v = load_le32(p);
		return 0xff000000u | (v >> 22 & 0xff) << 16 |
		       (v >> 12 & 0xff) << 8 | (v >> 2 & 0xff);
	}
	return 0;
}

void vgpu_copy_rect_xrgb8888(const struct vgpu_surface *s, const u8 *src,
			     u8 *dst, u32 dst_stride, const struct vgpu_rect *r)
{
	const struct vgpu_format_info *fmt = vgpu_format_lookup(s->format);
	u32 x, y;

	if (!fmt)
		return;
	for (y = r->y; y < r->y + r->height; y++) {
		u8 *out = dst + (u64)y * dst_stride + (u64)r->x * 4;

		for (x = r->x; x < r->x + r->width; x++, out += 4) {
			u64 at = vgpu_tiled_offset(s->modifier, s->stride,
						   x * fmt->cpp, y);

			store_le32(out, to_xrgb8888(s->format, src + at));
		}
	}
}

bool vgpu_edid_preferred_mode(const u8 *edid, u32 size, u32 *width,
			      u32 *height)
{
	static const u8 header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	const u8 *dtd;

	if (size < 128 || memcmp(edid, header, sizeof(header)))
		return false;
	dtd = edid + 54;	/* the first detailed timing descriptor */
	/* a pixel clock of 0 marks a display descriptor, not a timing */
	if (!dtd[0] && !dtd[1])
		return false;
	*width = dtd[2] | (u32)(dtd[4] & 0xf0) << 4;
	*height = dtd[5] | (u32)(dtd[7] & 0xf0) << 4;
	return *width && *height;
}
