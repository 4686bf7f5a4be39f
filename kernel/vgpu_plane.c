// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_DEVICE_QUERY_GFX_PLANE: the latched planes as the
 * standard VFIO display ABI describes them
 */
#include <linux/vfio.h>
#include <drm/drm_plane.h>

#include "vgpu.h"

static void vgpu_plane_clear(struct vfio_device_gfx_plane_info *plane)
{
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
}

/* The region type: a linear copy of the primary plane (vgpu_linear.c). */
static int vgpu_query_region_plane(struct vgpu_state *vgpu,
				   struct vfio_device_gfx_plane_info *plane)
{
	int ret = 0;

	mutex_lock(&vgpu->lock);
	vgpu_plane_clear(plane);
	plane->region_index = VGPU_REGION_LINEAR;
	/*
	 * The region holds the primary plane only. QEMU asks without setting
	 * drm_plane_type (0), so anything but the cursor means the primary.
	 */
	if (plane->drm_plane_type != DRM_PLANE_TYPE_CURSOR)
		ret = vgpu_linear_query(vgpu, plane);
	mutex_unlock(&vgpu->lock);
	return ret;
}

/*
 * @offer: the plane types this caller may use (the VFIO fd: the
 * instance's plane_types; the display-export device: all).
 */
int vgpu_query_gfx_plane(struct vgpu_state *vgpu,
			 struct vfio_device_gfx_plane_info *plane, u32 offer)
{
	const struct vgpu_plane_regs *regs;
	const struct vgpu_surface *surf;
	struct vgpu_dmabuf *db;
	int idx;

	switch (plane->flags) {
	case VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_DMABUF:
		return offer & VGPU_OFFER_DMABUF ? 0 : -EINVAL;
	case VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_REGION:
		return offer & VGPU_OFFER_REGION ? 0 : -EINVAL;
	case VFIO_GFX_PLANE_TYPE_REGION:
		if (!(offer & VGPU_OFFER_REGION))
			return -EINVAL;
		return vgpu_query_region_plane(vgpu, plane);
	case VFIO_GFX_PLANE_TYPE_DMABUF:
		if (!(offer & VGPU_OFFER_DMABUF))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}

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

	vgpu_plane_clear(plane);

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
