// SPDX-License-Identifier: GPL-2.0
/*
 * The mediator's built-in EDID (VESA E-EDID 1.4 base block)
 */
#include "edid_logic.h"

/* blanking of CVT reduced blanking v1: fixed horizontal, short vertical */
#define HFRONT	48u
#define HSYNC	32u
#define HBLANK	160u
#define VFRONT	3u
#define VSYNC	6u
#define VBLANK	29u
#define REFRESH	60u

/* limits of a detailed timing: 12-bit active and blank, 16-bit clock */
#define DTD_MAX_ACTIVE	4095u
#define DTD_MAX_CLOCK	65535u	/* in 10 kHz */

static void put_dtd(u8 *d, u32 width, u32 height, u32 clock_10khz)
{
	/* physical size at 96 dpi, in mm */
	u32 hmm = width * 254 / 960, vmm = height * 254 / 960;

	d[0] = clock_10khz & 0xff;
	d[1] = clock_10khz >> 8;
	d[2] = width & 0xff;
	d[3] = HBLANK & 0xff;
	d[4] = (width >> 8) << 4 | (HBLANK >> 8);
	d[5] = height & 0xff;
	d[6] = VBLANK & 0xff;
	d[7] = (height >> 8) << 4 | (VBLANK >> 8);
	d[8] = HFRONT & 0xff;
	d[9] = HSYNC & 0xff;
	d[10] = (VFRONT & 0xf) << 4 | (VSYNC & 0xf);
	d[11] = (HFRONT >> 8) << 6 | (HSYNC >> 8) << 4;
	d[12] = hmm & 0xff;
	d[13] = vmm & 0xff;
	d[14] = (hmm >> 8 & 0xf) << 4 | (vmm >> 8 & 0xf);
	d[15] = 0;
	d[16] = 0;
	d[17] = 0x1a;	/* digital separate sync, hsync +, vsync - (CVT-RB) */
}

/* a display descriptor: 00 00 00 tag 00, then 13 bytes of text or zeros */
static void put_descriptor(u8 *d, u8 tag, const char *text)
{
	size_t i, n = text ? strlen(text) : 0;

	memset(d, 0, 18);
	d[3] = tag;
	if (!text)
		return;
	for (i = 0; i < 13; i++)
		d[5 + i] = i < n ? (u8)text[i] : i == n ? '\n' : ' ';
}

bool vgpu_edid_build(u8 edid[VGPU_EDID_BLOCK_SIZE], u32 width, u32 height)
{
	static const u8 header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	/* sRGB primaries and D65 white as 10-bit CIE x/y */
	static const u8 chroma[10] = { 0xee, 0x91, 0xa3, 0x54, 0x4c, 0x99,
				       0x26, 0x0f, 0x50, 0x54 };
	u64 clock;
	u8 sum = 0;
	u32 i;

	if (!width || !height || width > DTD_MAX_ACTIVE || height > DTD_MAX_ACTIVE)
		return false;
	clock = ((u64)(width + HBLANK) * (height + VBLANK) * REFRESH + 5000) / 10000;
	if (clock > DTD_MAX_CLOCK)
		return false;

	memset(edid, 0, VGPU_EDID_BLOCK_SIZE);
	memcpy(edid, header, sizeof(header));
	/* manufacturer "FBX" (5-bit letters, big-endian), product 0x10f0 */
	edid[8] = ('F' - '@') << 2 | ('B' - '@') >> 3;
	edid[9] = (('B' - '@') & 7) << 5 | ('X' - '@');
	edid[10] = 0xf0;
	edid[11] = 0x10;
	edid[17] = 2026 - 1990;	/* year of manufacture */
	edid[18] = 1;		/* EDID 1.4 */
	edid[19] = 4;
	edid[20] = 0x80;	/* digital input */
	edid[21] = (width * 254 / 960 + 5) / 10;	/* cm */
	edid[22] = (height * 254 / 960 + 5) / 10;
	edid[23] = 120;		/* gamma 2.2 */
	edid[24] = 0x06;	/* sRGB, preferred timing is native */
	memcpy(edid + 25, chroma, sizeof(chroma));
	edid[35] = 0x21;	/* 640x480@60, 800x600@60 */
	edid[36] = 0x08;	/* 1024x768@60 */
	for (i = 38; i < 54; i++)	/* no standard timings */
		edid[i] = 0x01;
	put_dtd(edid + 54, width, height, (u32)clock);
	put_descriptor(edid + 72, 0xfc, "fbexport vGPU");	/* name */
	put_descriptor(edid + 90, 0x10, NULL);			/* dummy */
	put_descriptor(edid + 108, 0x10, NULL);
	for (i = 0; i < VGPU_EDID_BLOCK_SIZE - 1; i++)
		sum += edid[i];
	edid[127] = (u8)(0x100 - sum);
	return true;
}
