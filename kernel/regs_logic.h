/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The register file and display engine of one vGPU
 *
 * Pure logic: the register semantics (double buffering, commit, interrupt
 * status) without locking or interrupt delivery, so the host unit tests
 * can drive it exactly as a guest would. The module wraps it in the
 * instance mutex and turns the returned events into eventfd signals.
 */
#ifndef VGPU_REGS_LOGIC_H
#define VGPU_REGS_LOGIC_H

#include "plane_logic.h"
#include "damage_logic.h"

struct vgpu_engine {
	/* guest-visible, reset by vgpu_engine_reset() */
	struct vgpu_plane_regs pending[VGPU_NUM_PLANES];
	struct vgpu_plane_regs active[VGPU_NUM_PLANES];
	u32 status[VGPU_NUM_PLANES];	/* VGPU_PLANE_OK / ERR_* of active */
	struct vgpu_surface surf[VGPU_NUM_PLANES]; /* valid when status OK */
	u32 int_status;
	u32 int_enable;
	u32 flip_count;
	u32 scratch;
	u32 damage_xy[VGPU_NUM_PLANES];
	u32 damage_wh[VGPU_NUM_PLANES];
	u32 damage_mode;		/* VGPU_DAMAGE_MODE_* */
	u32 damage_count;

	/* what the last write did, for the caller (see VGPU_EV_*) */
	u32 latched_mask;		/* EV_FLIP: planes latched */
	u32 damage_plane;		/* EV_DAMAGE: which plane */
	struct vgpu_rect damage_rect;	/* EV_DAMAGE: clipped rectangle */

	/* kept across resets: a diagnostic, not device state */
	u64 invalid_count;

	/* set by the host side (module), kept across resets */
	u32 pinned_pages;
	u32 hint_width;
	u32 hint_height;
	u32 link_up;
	u32 edid_size;
	u8 edid[VGPU_EDID_MAX_SIZE];

	/* fixed at creation */
	u32 version;			/* VERSION: VGPU_VERSION unless set */
	struct vgpu_plane_limits limits[VGPU_NUM_PLANES];
	u64 vram_size;
	u32 gtt_entries;
};

/* Events a register write asks the caller to act on. */
#define VGPU_EV_IRQ	(1u << 0)	/* a bit became set in status & enable */
#define VGPU_EV_FLIP	(1u << 1)	/* planes in latched_mask were latched */
#define VGPU_EV_DAMAGE	(1u << 2)	/* damage_rect of damage_plane posted */

void vgpu_engine_init(struct vgpu_engine *e, u64 vram_size, u32 gtt_entries,
		      u32 max_width, u32 max_height);
void vgpu_engine_reset(struct vgpu_engine *e);

/* 32-bit aligned accesses at @off into the register file. */
u32 vgpu_engine_read(const struct vgpu_engine *e, u32 off);
u32 vgpu_engine_write(struct vgpu_engine *e, u32 off, u32 val);

/* Counts an access the register file refuses (wrong size, alignment). */
void vgpu_engine_bad_access(struct vgpu_engine *e);

/* True when status & enable is non-zero: the interrupt line is asserted. */
bool vgpu_engine_irq_pending(const struct vgpu_engine *e);

/*
 * The host changed the link state, EDID or mode hint: sets
 * VGPU_INT_HOTPLUG. Returns VGPU_EV_IRQ when that raises the interrupt.
 */
u32 vgpu_engine_hotplug(struct vgpu_engine *e);

/*
 * The module found that a latched plane cannot be shown after all (its
 * GTT pages could not be pinned, or were unmapped): records @status.
 */
void vgpu_engine_plane_fail(struct vgpu_engine *e, int plane, u32 status);

#endif /* VGPU_REGS_LOGIC_H */
