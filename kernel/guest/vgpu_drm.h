/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgpu_drm: the guest's KMS driver for the fbexport vGPU
 *
 * The device (kernel/ABI.md) scans out planes described by registers in
 * BAR2; BAR0 is VRAM, of which all but the last page (a mirror of the
 * registers) holds surfaces. Nothing the driver writes to a plane's
 * registers shows until COMMIT latches it, so a mode set is: program the
 * pending plane, commit, then post damage against what was latched.
 */
#ifndef VGPU_DRM_H
#define VGPU_DRM_H

#include <linux/io.h>
#include <linux/types.h>

#include <drm/drm_connector.h>
#include <drm/drm_device.h>
#include <drm/drm_simple_kms_helper.h>

#include "../include/uapi/vgpu_mediator.h"

#define VGPU_DRM_NAME		"vgpu_drm"

/* the mode offered when the host gave no EDID, as QEMU's displays do */
#define VGPU_DRM_FALLBACK_WIDTH		1024
#define VGPU_DRM_FALLBACK_HEIGHT	768

struct vgpu_drm {
	struct drm_device drm;
	void __iomem *regs;		/* BAR2 */
	resource_size_t vram_base;	/* BAR0's bus address */
	u64 vram_size;			/* usable VRAM: BAR0 less the register page */
	u32 max_width;
	u32 max_height;
	u32 caps;			/* VGPU_CAP_* */

	struct drm_simple_display_pipe pipe;
	struct drm_connector connector;
};

static inline struct vgpu_drm *to_vgpu_drm(struct drm_device *drm)
{
	return container_of(drm, struct vgpu_drm, drm);
}

static inline u32 vgpu_drm_read(struct vgpu_drm *vdrm, u32 reg)
{
	return readl(vdrm->regs + reg);
}

static inline void vgpu_drm_write(struct vgpu_drm *vdrm, u32 reg, u32 val)
{
	writel(val, vdrm->regs + reg);
}

/* vgpu_drm_kms.c */
int vgpu_drm_kms_init(struct vgpu_drm *vdrm);
void vgpu_drm_plane_off(struct vgpu_drm *vdrm);

/* vgpu_drm_edid.c */
int vgpu_drm_connector_get_modes(struct drm_connector *connector);

#endif /* VGPU_DRM_H */
