/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mediator's built-in EDID: what a guest reads before (or without) a
 * VMM that writes the VFIO EDID region
 *
 * Pure logic shared with the host unit tests.
 */
#ifndef VGPU_EDID_LOGIC_H
#define VGPU_EDID_LOGIC_H

#include "vgpu_shim.h"

#define VGPU_EDID_BLOCK_SIZE	128u

/* the built-in EDID's preferred mode, QEMU's default for its displays */
#define VGPU_EDID_DEFAULT_WIDTH		1280u
#define VGPU_EDID_DEFAULT_HEIGHT	800u

/*
 * Writes a base EDID 1.4 block (no extensions, checksummed) into @edid:
 * a digital display "fbexport vGPU" whose preferred mode, the first
 * detailed timing, is @width x @height at 60 Hz with reduced blanking,
 * plus the established 640x480, 800x600 and 1024x768 modes. False (and
 * nothing written) when the size is 0 or too large for a detailed timing.
 */
bool vgpu_edid_build(u8 edid[VGPU_EDID_BLOCK_SIZE], u32 width, u32 height);

#endif /* VGPU_EDID_LOGIC_H */
