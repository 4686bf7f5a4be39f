// SPDX-License-Identifier: GPL-2.0
/*
 * The EDID region (VFIO_REGION_TYPE_GFX / VFIO_REGION_SUBTYPE_GFX_EDID)
 * and what the guest sees of it
 *
 * The VMM follows the protocol of <linux/vfio.h>: link down, write the
 * blob and its size, link up. Only the link-up (or link-down) write is
 * visible to the guest: it copies the blob into the EDID window, derives
 * the mode hint from the preferred timing, and raises the hotplug
 * interrupt and a HOTPLUG event, so a guest never reads a half-written
 * blob.
 */
#include <linux/vfio.h>

#include "edid_logic.h"
#include "vgpu.h"

#define VGPU_EDID_BLOB_OFFSET	0x100u
#define VGPU_EDID_REGION_SIZE	0x1000u

u64 vgpu_edid_region_size(void)
{
	return VGPU_EDID_REGION_SIZE;
}

void vgpu_edid_init(struct vgpu_state *vgpu)
{
	struct vfio_region_gfx_edid *r = &vgpu->edid_regs;
	struct vgpu_engine *e = &vgpu->eng;
	u32 w = min(VGPU_EDID_DEFAULT_WIDTH, vgpu->type->max_width);
	u32 h = min(VGPU_EDID_DEFAULT_HEIGHT, vgpu->type->max_height);

	memset(r, 0, sizeof(*r));
	r->edid_offset = VGPU_EDID_BLOB_OFFSET;
	r->edid_max_size = VGPU_EDID_MAX_SIZE;
	r->max_xres = vgpu->type->max_width;
	r->max_yres = vgpu->type->max_height;
	r->link_state = VFIO_DEVICE_GFX_LINK_STATE_UP;
	e->link_up = 1;
	/*
	 * A display has an EDID from the start, as GVT-g's virtual ports do:
	 * QEMU writes one only for dma-buf displays, and a guest without any
	 * falls back to guessing. It is no host preference, so the mode hint
	 * stays 0 until a VMM publishes its own.
	 */
	if (vgpu_edid_build(vgpu->edid_blob, w, h)) {
		r->edid_size = VGPU_EDID_BLOCK_SIZE;
		e->edid_size = VGPU_EDID_BLOCK_SIZE;
		memcpy(e->edid, vgpu->edid_blob, VGPU_EDID_BLOCK_SIZE);
	}
}

/* The VMM changed the link: publish the blob and tell the guest. */
static void vgpu_edid_publish(struct vgpu_state *vgpu)
{
	struct vgpu_engine *e = &vgpu->eng;
	u32 w, h;

	e->link_up = vgpu->edid_regs.link_state == VFIO_DEVICE_GFX_LINK_STATE_UP;
	if (e->link_up) {
		e->edid_size = vgpu->edid_regs.edid_size;
		memcpy(e->edid, vgpu->edid_blob, e->edid_size);
		if (vgpu_edid_preferred_mode(e->edid, e->edid_size, &w, &h) &&
		    w <= vgpu->type->max_width && h <= vgpu->type->max_height) {
			e->hint_width = w;
			e->hint_height = h;
		} else {
			e->hint_width = 0;
			e->hint_height = 0;
		}
	} else {
		/* an unplugged display has no EDID and prefers nothing */
		e->edid_size = 0;
		e->hint_width = 0;
		e->hint_height = 0;
	}
	if (vgpu_engine_hotplug(e) & VGPU_EV_IRQ)
		vgpu_irq_raise(vgpu);
	vgpu_events_hotplug(vgpu);
}

static int vgpu_edid_write_field(struct vgpu_state *vgpu, u32 off, u32 val)
{
	struct vfio_region_gfx_edid *r = &vgpu->edid_regs;

	switch (off) {
	case offsetof(struct vfio_region_gfx_edid, edid_size):
		if (val > r->edid_max_size)
			return -EINVAL;
		r->edid_size = val;
		return 0;
	case offsetof(struct vfio_region_gfx_edid, link_state):
		if (val != VFIO_DEVICE_GFX_LINK_STATE_UP &&
		    val != VFIO_DEVICE_GFX_LINK_STATE_DOWN)
			return -EINVAL;
		r->link_state = val;
		vgpu_edid_publish(vgpu);
		return 0;
	}
	return -EPERM;	/* the vendor driver's read-only fields */
}

/* Trapped access of @count bytes at @off; lock held. */
int vgpu_edid_access(struct vgpu_state *vgpu, u64 off, void *buf, u32 count,
		     bool write)
{
	lockdep_assert_held(&vgpu->lock);

	if (off < sizeof(vgpu->edid_regs)) {
		u32 val;

		if (count != 4 || off % 4)
			return -EINVAL;
		if (!write) {
			memcpy(buf, (u8 *)&vgpu->edid_regs + off, 4);
			return 0;
		}
		memcpy(&val, buf, 4);
		return vgpu_edid_write_field(vgpu, off, val);
	}
	if (off >= VGPU_EDID_BLOB_OFFSET &&
	    off - VGPU_EDID_BLOB_OFFSET < VGPU_EDID_MAX_SIZE &&
	    count <= VGPU_EDID_MAX_SIZE - (off - VGPU_EDID_BLOB_OFFSET)) {
		u8 *at = vgpu->edid_blob + (off - VGPU_EDID_BLOB_OFFSET);

		if (write)
			memcpy(at, buf, count);
		else
			memcpy(buf, at, count);
		return 0;
	}
	if (write)
		return -EINVAL;
	memset(buf, 0, count);
	return 0;
}
