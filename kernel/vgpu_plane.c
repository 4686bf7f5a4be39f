// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_DEVICE_QUERY_GFX_PLANE: the latched planes as the
 * standard VFIO display ABI describes them
 */
#include <linux/vfio.h>
#include <drm/drm_plane.h>

#include "vgpu.h"

int vgpu_query_gfx_plane(struct vgpu_state *vgpu,
			 struct vfio_device_gfx_plane_info *plane)
{
	const struct vgpu_plane_regs *regs;
	const struct vgpu_surface *surf;
	struct vgpu_dmabuf *db;
	int idx;

	if (plane->flags & VFIO_GFX_PLANE_TYPE_PROBE) {
		/* dma-buf planes only; no region-type plane */
		if (plane->flags == (VFIO_GFX_PLANE_TYPE_PROBE |
				     VFIO_GFX_PLANE_TYPE_DMABUF))
			return 0;
		return -EINVAL;
	}
	if (plane->flags != VFIO_GFX_PLANE_TYPE_DMABUF)
		return -EINVAL;

	switch (plane->drm_plane_type) {
	case DRM_PLANE_TYPE_PRIMARY:
		idx = VGPU_PLANE_PRIMARY;
		break;
	case DRM_PLANE_TYPE_CURSOR:
		idx = VGPU_PLANE_CURSOR;
		break;
	default:
		return -EINVAL;
	}

	mutex_lock(&vgpu->lock);
	regs = &vgpu->eng.active[idx];
	surf = &vgpu->eng.surf[idx];

	plane->drm_format = 0;
	plane->drm_format_mod = 0;
	plane->width = 0;
	plane->height = 0;
	plane->stride = 0;
	plane->size = 0;
	plane->x_pos = 0;
	plane->y_pos = 0;
	plane->x_hot = 0;
	plane->y_hot = 0;
	plane->dmabuf_id = 0;

	/* disabled or invalid: "no plane", as upstream drivers report it */
	if (vgpu->eng.status[idx] != VGPU_PLANE_OK)
		goto out;

	db = vgpu_dmabuf_lookup(vgpu, surf);
	if (!db) {
		mutex_unlock(&vgpu->lock);
		return -ENOMEM;
	}
	plane->drm_format = surf->format;
	plane->drm_format_mod = surf->modifier;
	plane->width = surf->width;
	plane->height = surf->height;
	plane->stride = surf->stride;
	plane->size = surf->size;
	plane->x_pos = regs->pos_x;
	plane->y_pos = regs->pos_y;
	if (idx == VGPU_PLANE_CURSOR) {
		plane->x_hot = regs->hot_x;
		plane->y_hot = regs->hot_y;
	}
	plane->dmabuf_id = vgpu_dmabuf_id(db);
out:
	mutex_unlock(&vgpu->lock);
	return 0;
}
