/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the guest kernels vgpu_drm builds for
 *
 * It is an out-of-tree module for Debian's 6.1 and 6.12 kernels, so the
 * version checks checkpatch dislikes are unavoidable; they all live here.
 */
#ifndef VGPU_DRM_COMPAT_H
#define VGPU_DRM_COMPAT_H

#include <linux/slab.h>
#include <linux/version.h>

#include <drm/drm_edid.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#include <drm/drm_fbdev_ttm.h>
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#include <drm/drm_fbdev_generic.h>
#else
#include <drm/drm_fb_helper.h>
#endif

/* 6.14 dropped drm_driver.date; before, DRM_IOCTL_VERSION warns without one. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 14, 0)
#define VGPU_DRM_DRIVER_DATE	.date = "20261208",
#else
#define VGPU_DRM_DRIVER_DATE
#endif

/* 6.11 renamed the fbdev emulation for TTM-based drivers. */
static inline void vgpu_drm_fbdev_setup(struct drm_device *drm)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	drm_fbdev_ttm_setup(drm, 32);
#else
	drm_fbdev_generic_setup(drm, 32);
#endif
}

/*
 * Reads the EDID through @read_block into the connector's EDID property
 * (NULL when @present is false) and adds its modes: 6.4 has struct
 * drm_edid and reads the modes back from the property, 6.1 takes the
 * raw blob.
 */
static inline int
vgpu_drm_update_edid(struct drm_connector *connector, bool present,
		     int (*read_block)(void *data, u8 *buf, unsigned int block, size_t len),
		     void *data)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	const struct drm_edid *drm_edid = NULL;
	int count;

	if (present)
		drm_edid = drm_edid_read_custom(connector, read_block, data);
	drm_edid_connector_update(connector, drm_edid);
	count = drm_edid_connector_add_modes(connector);
	drm_edid_free(drm_edid);
	return count;
#else
	struct edid *edid = NULL;
	int count;

	if (present)
		edid = drm_do_get_edid(connector, read_block, data);
	drm_connector_update_edid_property(connector, edid);
	count = edid ? drm_add_edid_modes(connector, edid) : 0;
	kfree(edid);
	return count;
#endif
}

#endif /* VGPU_DRM_COMPAT_H */
