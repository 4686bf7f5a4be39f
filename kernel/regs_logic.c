// SPDX-License-Identifier: GPL-2.0
/*
 * The register file and display engine of one vGPU
 *
 * Shared with the host unit tests: no kernel headers, no locking (the
 * caller holds the instance mutex).
 */
#include "regs_logic.h"

void vgpu_engine_init(struct vgpu_engine *e, u64 vram_size, u32 gtt_entries,
		      u32 max_width, u32 max_height)
{
	struct vgpu_plane_limits *prim = &e->limits[VGPU_PLANE_PRIMARY];
	struct vgpu_plane_limits *curs = &e->limits[VGPU_PLANE_CURSOR];

	memset(e, 0, sizeof(*e));
	e->version = VGPU_VERSION;
	e->vram_size = vram_size;
	e->gtt_entries = gtt_entries;
	prim->max_width = max_width;
	prim->max_height = max_height;
	prim->vram_size = vram_size;
	prim->gtt_size = (u64)gtt_entries * VGPU_GTT_PAGE_SIZE;
	curs->max_width = VGPU_CURSOR_MAX_SIZE;
	curs->max_height = VGPU_CURSOR_MAX_SIZE;
	curs->vram_size = vram_size;
	curs->gtt_size = prim->gtt_size;
	curs->cursor = true;
	vgpu_engine_reset(e);
}

void vgpu_engine_reset(struct vgpu_engine *e)
{
	int i;

	memset(e->pending, 0, sizeof(e->pending));
	memset(e->active, 0, sizeof(e->active));
	memset(e->surf, 0, sizeof(e->surf));
	for (i = 0; i < VGPU_NUM_PLANES; i++)
		e->status[i] = VGPU_PLANE_ERR_DISABLED;
	e->int_status = 0;
	e->int_enable = 0;
	e->flip_count = 0;
	e->scratch = 0;
	memset(e->damage_xy, 0, sizeof(e->damage_xy));
	memset(e->damage_wh, 0, sizeof(e->damage_wh));
	e->damage_mode = VGPU_DAMAGE_MODE_TRACK;
	e->damage_count = 0;
	e->latched_mask = 0;
}

u32 vgpu_engine_hotplug(struct vgpu_engine *e)
{
	u32 before = e->int_status & e->int_enable;

	e->int_status |= VGPU_INT_HOTPLUG;
	return (e->int_status & e->int_enable) & ~before ? VGPU_EV_IRQ : 0;
}

void vgpu_engine_plane_fail(struct vgpu_engine *e, int plane, u32 status)
{
	if (e->status[plane] == status)
		return;
	e->status[plane] = status;
	memset(&e->surf[plane], 0, sizeof(e->surf[plane]));
	if (status != VGPU_PLANE_OK && status != VGPU_PLANE_ERR_DISABLED)
		e->invalid_count++;
}

void vgpu_engine_bad_access(struct vgpu_engine *e)
{
	e->invalid_count++;
}

bool vgpu_engine_irq_pending(const struct vgpu_engine *e)
{
	return e->int_status & e->int_enable;
}

static u32 plane_valid_mask(const struct vgpu_engine *e)
{
	u32 mask = 0;
	int i;

	for (i = 0; i < VGPU_NUM_PLANES; i++)
		if (e->status[i] == VGPU_PLANE_OK)
			mask |= 1u << i;
	return mask;
}

static u32 plane_read(const struct vgpu_engine *e, int plane, u32 reg)
{
	const struct vgpu_plane_regs *p = &e->pending[plane];

	switch (reg) {
	case VGPU_PLANE_ENABLE:
		return p->enable;
	case VGPU_PLANE_FORMAT:
		return p->format;
	case VGPU_PLANE_MODIFIER_LO:
		return (u32)p->modifier;
	case VGPU_PLANE_MODIFIER_HI:
		return (u32)(p->modifier >> 32);
	case VGPU_PLANE_OFFSET_LO:
		return (u32)p->offset;
	case VGPU_PLANE_OFFSET_HI:
		return (u32)(p->offset >> 32);
	case VGPU_PLANE_WIDTH:
		return p->width;
	case VGPU_PLANE_HEIGHT:
		return p->height;
	case VGPU_PLANE_STRIDE_BYTES:
		return p->stride;
	case VGPU_PLANE_POS_X:
		return (u32)p->pos_x;
	case VGPU_PLANE_POS_Y:
		return (u32)p->pos_y;
	case VGPU_PLANE_HOT_X:
		return p->hot_x;
	case VGPU_PLANE_HOT_Y:
		return p->hot_y;
	case VGPU_PLANE_STATUS:
		return e->status[plane];
	case VGPU_PLANE_MEMORY:
		return p->memory;
	}
	return 0;
}

/* Returns false for a register that cannot be written. */
static bool plane_write(struct vgpu_engine *e, int plane, u32 reg, u32 val)
{
	struct vgpu_plane_regs *p = &e->pending[plane];

	switch (reg) {
	case VGPU_PLANE_ENABLE:
		p->enable = val ? 1 : 0;
		return true;
	case VGPU_PLANE_FORMAT:
		p->format = val;
		return true;
	case VGPU_PLANE_MODIFIER_LO:
		p->modifier = (p->modifier & ~(u64)0xffffffff) | val;
		return true;
	case VGPU_PLANE_MODIFIER_HI:
		p->modifier = (p->modifier & 0xffffffff) | (u64)val << 32;
		return true;
	case VGPU_PLANE_OFFSET_LO:
		p->offset = (p->offset & ~(u64)0xffffffff) | val;
		return true;
	case VGPU_PLANE_OFFSET_HI:
		p->offset = (p->offset & 0xffffffff) | (u64)val << 32;
		return true;
	case VGPU_PLANE_WIDTH:
		p->width = val;
		return true;
	case VGPU_PLANE_HEIGHT:
		p->height = val;
		return true;
	case VGPU_PLANE_STRIDE_BYTES:
		p->stride = val;
		return true;
	case VGPU_PLANE_POS_X:
		p->pos_x = (s32)val;
		return true;
	case VGPU_PLANE_POS_Y:
		p->pos_y = (s32)val;
		return true;
	case VGPU_PLANE_HOT_X:
		p->hot_x = val;
		return true;
	case VGPU_PLANE_HOT_Y:
		p->hot_y = val;
		return true;
	case VGPU_PLANE_MEMORY:
		p->memory = val;
		return true;
	}
	return false;
}

static u32 damage_read(const struct vgpu_engine *e, int plane, u32 reg)
{
	switch (reg) {
	case VGPU_DAMAGE_XY:
		return e->damage_xy[plane];
	case VGPU_DAMAGE_WH:
		return e->damage_wh[plane];
	}
	return 0;
}

/* Returns VGPU_EV_DAMAGE with damage_plane/damage_rect set, or 0. */
static u32 damage_write(struct vgpu_engine *e, int plane, u32 reg, u32 val)
{
	const struct vgpu_surface *s = &e->surf[plane];
	struct vgpu_rect r;

	switch (reg) {
	case VGPU_DAMAGE_XY:
		e->damage_xy[plane] = val;
		return 0;
	case VGPU_DAMAGE_WH:
		e->damage_wh[plane] = val;
		vgpu_rect_from_regs(&r, e->damage_xy[plane], val);
		break;
	case VGPU_DAMAGE_FULL:
		r.x = 0;
		r.y = 0;
		r.width = s->width;
		r.height = s->height;
		break;
	default:
		e->invalid_count++;
		return 0;
	}

	if (e->status[plane] != VGPU_PLANE_OK ||
	    !vgpu_rect_clip(&r, s->width, s->height)) {
		e->invalid_count++;
		return 0;
	}
	e->damage_mode = VGPU_DAMAGE_MODE_GUEST;
	e->damage_count++;
	e->damage_plane = plane;
	e->damage_rect = r;
	return VGPU_EV_DAMAGE;
}

/* Latches the planes in @mask and reports the flip. */
static u32 commit(struct vgpu_engine *e, u32 mask)
{
	int i;

	if (mask & ~VGPU_PLANE_MASK_ALL) {
		e->invalid_count++;
		mask &= VGPU_PLANE_MASK_ALL;
	}
	if (!mask)
		return 0;

	for (i = 0; i < VGPU_NUM_PLANES; i++) {
		if (!(mask & (1u << i)))
			continue;
		e->active[i] = e->pending[i];
		e->status[i] = vgpu_plane_validate(&e->active[i],
						   &e->limits[i], &e->surf[i]);
		if (e->status[i] != VGPU_PLANE_OK &&
		    e->status[i] != VGPU_PLANE_ERR_DISABLED)
			e->invalid_count++;
	}
	e->flip_count++;
	e->int_status |= VGPU_INT_FLIP_DONE;
	e->latched_mask = mask;
	return VGPU_EV_FLIP;
}

static bool in_damage_block(u32 off)
{
	return off >= VGPU_DAMAGE_BASE_0 &&
	       off < VGPU_DAMAGE_REG(VGPU_NUM_PLANES, 0);
}

static u32 edid_read(const struct vgpu_engine *e, u32 off)
{
	u32 at = off - VGPU_REG_EDID_BASE;
	u32 val = 0;
	u32 i;

	for (i = 0; i < 4; i++)
		if (at + i < e->edid_size)
			val |= (u32)e->edid[at + i] << (8 * i);
	return val;
}

u32 vgpu_engine_read(const struct vgpu_engine *e, u32 off)
{
	u32 end = VGPU_PLANE_BASE(VGPU_NUM_PLANES);

	if (off >= VGPU_PLANE_BASE_0 && off < end) {
		u32 reg = (off - VGPU_PLANE_BASE_0) % VGPU_PLANE_STRIDE;

		return plane_read(e, (off - VGPU_PLANE_BASE_0) / VGPU_PLANE_STRIDE,
				  reg);
	}
	if (in_damage_block(off))
		return damage_read(e, (off - VGPU_DAMAGE_BASE_0) / VGPU_DAMAGE_STRIDE,
				   (off - VGPU_DAMAGE_BASE_0) % VGPU_DAMAGE_STRIDE);
	if (off >= VGPU_REG_EDID_BASE &&
	    off < VGPU_REG_EDID_BASE + VGPU_EDID_MAX_SIZE)
		return edid_read(e, off);

	switch (off) {
	case VGPU_REG_ID:
		return VGPU_ID_MAGIC;
	case VGPU_REG_VERSION:
		return e->version;
	case VGPU_REG_CAPS:
		return VGPU_CAP_CURSOR | VGPU_CAP_TILED_X | VGPU_CAP_TILED_Y |
		       VGPU_CAP_MSI | VGPU_CAP_DMABUF | VGPU_CAP_GTT |
		       VGPU_CAP_DAMAGE | VGPU_CAP_EDID;
	case VGPU_REG_VRAM_SIZE_LO:
		return (u32)e->vram_size;
	case VGPU_REG_VRAM_SIZE_HI:
		return (u32)(e->vram_size >> 32);
	case VGPU_REG_MAX_WIDTH:
		return e->limits[VGPU_PLANE_PRIMARY].max_width;
	case VGPU_REG_MAX_HEIGHT:
		return e->limits[VGPU_PLANE_PRIMARY].max_height;
	case VGPU_REG_CURSOR_MAX_WIDTH:
		return e->limits[VGPU_PLANE_CURSOR].max_width;
	case VGPU_REG_CURSOR_MAX_HEIGHT:
		return e->limits[VGPU_PLANE_CURSOR].max_height;
	case VGPU_REG_NUM_PLANES:
		return VGPU_NUM_PLANES;
	case VGPU_REG_FLIP_COUNT:
		return e->flip_count;
	case VGPU_REG_INT_STATUS:
		return e->int_status;
	case VGPU_REG_INT_ENABLE:
		return e->int_enable;
	case VGPU_REG_INVALID_COUNT:
		return (u32)e->invalid_count;
	case VGPU_REG_PLANE_VALID:
		return plane_valid_mask(e);
	case VGPU_REG_SCRATCH:
		return e->scratch;
	case VGPU_REG_GTT_ENTRIES:
		return e->gtt_entries;
	case VGPU_REG_PINNED_PAGES:
		return e->pinned_pages;
	case VGPU_REG_MODE_HINT_WIDTH:
		return e->hint_width;
	case VGPU_REG_MODE_HINT_HEIGHT:
		return e->hint_height;
	case VGPU_REG_LINK_STATE:
		return e->link_up;
	case VGPU_REG_EDID_SIZE:
		return e->edid_size;
	case VGPU_REG_DAMAGE_COUNT:
		return e->damage_count;
	case VGPU_REG_DAMAGE_MODE:
		return e->damage_mode;
	}
	return 0;	/* COMMIT and unknown offsets */
}

u32 vgpu_engine_write(struct vgpu_engine *e, u32 off, u32 val)
{
	u32 before = e->int_status & e->int_enable;
	u32 events = 0;
	u32 end = VGPU_PLANE_BASE(VGPU_NUM_PLANES);

	if (off >= VGPU_PLANE_BASE_0 && off < end) {
		u32 reg = (off - VGPU_PLANE_BASE_0) % VGPU_PLANE_STRIDE;

		if (!plane_write(e, (off - VGPU_PLANE_BASE_0) / VGPU_PLANE_STRIDE,
				 reg, val))
			e->invalid_count++;
		return 0;
	}
	if (in_damage_block(off))
		return damage_write(e, (off - VGPU_DAMAGE_BASE_0) / VGPU_DAMAGE_STRIDE,
				    (off - VGPU_DAMAGE_BASE_0) % VGPU_DAMAGE_STRIDE,
				    val);

	switch (off) {
	case VGPU_REG_COMMIT:
		events = commit(e, val);
		break;
	case VGPU_REG_INT_STATUS:
		e->int_status &= ~val;
		break;
	case VGPU_REG_INT_ENABLE:
		if (val & ~VGPU_INT_ALL)
			e->invalid_count++;
		e->int_enable = val & VGPU_INT_ALL;
		break;
	case VGPU_REG_SCRATCH:
		e->scratch = val;
		break;
	default:
		/* read-only or unknown: ignored, but the guest is told */
		e->invalid_count++;
		break;
	}

	if ((e->int_status & e->int_enable) & ~before)
		events |= VGPU_EV_IRQ;
	return events;
}
