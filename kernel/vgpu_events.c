// SPDX-License-Identifier: GPL-2.0
/*
 * Events: what changed on screen, as records for the display-export
 * device's readers and a signal on the VFIO-side event eventfd
 *
 * Events are differences between what the planes show now and what
 * consumers were last told (vgpu_state.shown), so a commit that changes
 * nothing visible creates nothing, and every flip carries the dma-buf id
 * a consumer should import next.
 */
#include <linux/ktime.h>
#include <linux/eventfd.h>

#include "vgpu.h"
#include "vgpu_compat.h"

static void vgpu_event_init(struct vgpu_event *ev, u32 type, int plane,
			    u32 dmabuf_id)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->plane = plane;
	ev->dmabuf_id = dmabuf_id;
	ev->time_ns = ktime_get_ns();
}

static void vgpu_event_post(struct vgpu_state *vgpu, struct vgpu_event *ev)
{
	lockdep_assert_held(&vgpu->lock);

	vgpu->events++;
	if (vgpu->disp)
		vgpu_display_post(vgpu->disp, ev);
	if (vgpu->event_trigger)
		vgpu_eventfd_signal(vgpu->event_trigger);
}

static bool vgpu_mode_differs(const struct vgpu_surface *a,
			      const struct vgpu_surface *b)
{
	return a->width != b->width || a->height != b->height ||
	       a->format != b->format || a->modifier != b->modifier ||
	       a->stride != b->stride;
}

/* @plane is valid and latched: tell what is new about it. */
static void vgpu_events_plane_shown(struct vgpu_state *vgpu, int plane)
{
	const struct vgpu_plane_regs *regs = &vgpu->eng.active[plane];
	const struct vgpu_surface *surf = &vgpu->eng.surf[plane];
	struct vgpu_shown *shown = &vgpu->shown[plane];
	bool cursor = plane == VGPU_PLANE_CURSOR;
	struct vgpu_dmabuf *db;
	struct vgpu_event ev;
	u32 id;

	db = vgpu_dmabuf_lookup(vgpu, surf);
	if (!db)
		return;	/* out of memory: consumers keep the old picture */
	id = vgpu_dmabuf_id(db);

	if (id != shown->dmabuf_id) {
		if (plane == VGPU_PLANE_PRIMARY &&
		    (!shown->dmabuf_id || vgpu_mode_differs(&shown->surf, surf))) {
			vgpu_event_init(&ev, VGPU_EVENT_MODE, plane, id);
			ev.u.mode.width = surf->width;
			ev.u.mode.height = surf->height;
			ev.u.mode.format = surf->format;
			ev.u.mode.stride = surf->stride;
			ev.u.mode.modifier = surf->modifier;
			vgpu_event_post(vgpu, &ev);
		}
		vgpu_event_init(&ev, VGPU_EVENT_FLIP, plane, id);
	} else if (cursor && (regs->pos_x != shown->pos_x ||
			      regs->pos_y != shown->pos_y ||
			      regs->hot_x != shown->hot_x ||
			      regs->hot_y != shown->hot_y)) {
		vgpu_event_init(&ev, VGPU_EVENT_CURSOR_MOVE, plane, id);
	} else {
		return;
	}
	ev.u.cursor.x = regs->pos_x;
	ev.u.cursor.y = regs->pos_y;
	ev.u.cursor.hot_x = cursor ? regs->hot_x : 0;
	ev.u.cursor.hot_y = cursor ? regs->hot_y : 0;
	vgpu_event_post(vgpu, &ev);

	shown->dmabuf_id = id;
	shown->pos_x = regs->pos_x;
	shown->pos_y = regs->pos_y;
	shown->hot_x = regs->hot_x;
	shown->hot_y = regs->hot_y;
	shown->surf = *surf;
}

/* A plane consumers saw is gone (@reason: VGPU_INVALID_*). */
void vgpu_events_plane_lost(struct vgpu_state *vgpu, int plane, u32 reason)
{
	struct vgpu_event ev;

	lockdep_assert_held(&vgpu->lock);
	if (!vgpu->shown[plane].dmabuf_id)
		return;
	vgpu_event_init(&ev, VGPU_EVENT_INVALIDATE, plane, 0);
	ev.u.reason = reason;
	vgpu_event_post(vgpu, &ev);
	memset(&vgpu->shown[plane], 0, sizeof(vgpu->shown[plane]));
}

/*
 * The engine latched the planes in @mask. GTT planes get their pages
 * pinned first: only then is it known whether they can be shown.
 */
void vgpu_events_planes_latched(struct vgpu_state *vgpu, u32 mask)
{
	int p;

	lockdep_assert_held(&vgpu->lock);
	if (mask & (1u << VGPU_PLANE_PRIMARY))
		vgpu_linear_forget(vgpu);
	for (p = 0; p < VGPU_NUM_PLANES; p++) {
		u32 status;

		if (!(mask & (1u << p)))
			continue;
		if (vgpu->eng.status[p] == VGPU_PLANE_OK &&
		    vgpu->eng.surf[p].memory == VGPU_MEMORY_GTT)
			vgpu_gtt_latch_plane(vgpu, p);
		else
			vgpu_gtt_release_plane(vgpu, p);

		status = vgpu->eng.status[p];
		if (status == VGPU_PLANE_OK)
			vgpu_events_plane_shown(vgpu, p);
		else
			vgpu_events_plane_lost(vgpu, p,
					       status == VGPU_PLANE_ERR_DISABLED ?
					       VGPU_INVALID_DISABLED :
					       VGPU_INVALID_BAD_PLANE);
	}
}

void vgpu_events_damage(struct vgpu_state *vgpu, int plane,
			const struct vgpu_rect *r)
{
	struct vgpu_event ev;

	lockdep_assert_held(&vgpu->lock);
	if (plane == VGPU_PLANE_PRIMARY)
		vgpu_linear_damage(vgpu, r);
	/* damage of a surface consumers were never told about is moot */
	if (!vgpu->shown[plane].dmabuf_id)
		return;
	vgpu_event_init(&ev, VGPU_EVENT_DAMAGE, plane,
			vgpu->shown[plane].dmabuf_id);
	ev.count = 1;
	ev.u.rects[0] = *r;
	vgpu_event_post(vgpu, &ev);
}

void vgpu_events_hotplug(struct vgpu_state *vgpu)
{
	struct vgpu_event ev;

	lockdep_assert_held(&vgpu->lock);
	vgpu_event_init(&ev, VGPU_EVENT_HOTPLUG, 0, 0);
	vgpu_event_post(vgpu, &ev);
}

/* Device reset: every plane consumers saw is gone. */
void vgpu_events_reset(struct vgpu_state *vgpu)
{
	int p;

	lockdep_assert_held(&vgpu->lock);
	for (p = 0; p < VGPU_NUM_PLANES; p++)
		vgpu_events_plane_lost(vgpu, p, VGPU_INVALID_RESET);
}
