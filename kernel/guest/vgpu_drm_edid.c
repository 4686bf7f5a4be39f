// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_drm: the connector's modes, from the EDID the host published
 *
 * The mediator publishes its built-in EDID, or the one a VMM wrote to the
 * VFIO EDID region, in the register window at VGPU_REG_EDID_BASE,
 * EDID_SIZE bytes long, read 4 bytes at a time. Without one, the standard modes up
 * to the device's limit are offered with 1024x768 preferred.
 */
#include <drm/drm_edid.h>
#include <drm/drm_modes.h>

#include "vgpu_drm.h"
#include "vgpu_drm_compat.h"

static int vgpu_drm_read_edid_block(void *data, u8 *buf, unsigned int block,
				    size_t len)
{
	struct vgpu_drm *vdrm = data;
	u32 size = min(vgpu_drm_read(vdrm, VGPU_REG_EDID_SIZE), VGPU_EDID_MAX_SIZE);
	size_t start = (size_t)block * EDID_LENGTH, i;

	if (len > EDID_LENGTH || start + len > size)
		return -EINVAL;
	for (i = 0; i < len; i += 4) {
		/* the window holds the blob's bytes in little-endian words */
		__le32 word = cpu_to_le32(vgpu_drm_read(vdrm, VGPU_REG_EDID_BASE + start + i));
		size_t n = min_t(size_t, 4, len - i);

		memcpy(buf + i, &word, n);
	}
	return 0;
}

int vgpu_drm_connector_get_modes(struct drm_connector *connector)
{
	struct vgpu_drm *vdrm = to_vgpu_drm(connector->dev);
	bool present = vgpu_drm_read(vdrm, VGPU_REG_EDID_SIZE) >= EDID_LENGTH;
	int count = vgpu_drm_update_edid(connector, present, vgpu_drm_read_edid_block, vdrm);

	if (count)
		return count;
	count = drm_add_modes_noedid(connector, vdrm->max_width, vdrm->max_height);
	drm_set_preferred_mode(connector, VGPU_DRM_FALLBACK_WIDTH, VGPU_DRM_FALLBACK_HEIGHT);
	return count;
}
