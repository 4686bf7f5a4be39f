// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_drm: one CRTC, primary plane, encoder and connector
 *
 * The primary plane's registers take the framebuffer's VRAM offset, size,
 * stride and format; COMMIT latches them on the host. Damage is posted
 * after the commit, because the device clips it to the latched surface.
 */
#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_damage_helper.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_gem_vram_helper.h>
#include <drm/drm_probe_helper.h>

#include "vgpu_drm.h"

static const u32 vgpu_drm_formats[] = {
	DRM_FORMAT_XRGB8888,
};

static void vgpu_drm_commit(struct vgpu_drm *vdrm, u32 planes)
{
	vgpu_drm_write(vdrm, VGPU_REG_COMMIT, planes);
}

void vgpu_drm_plane_off(struct vgpu_drm *vdrm)
{
	vgpu_drm_write(vdrm, VGPU_PLANE_REG(VGPU_PLANE_PRIMARY, VGPU_PLANE_ENABLE), 0);
	vgpu_drm_commit(vdrm, BIT(VGPU_PLANE_PRIMARY));
}

static void vgpu_drm_plane_show(struct vgpu_drm *vdrm, struct drm_framebuffer *fb)
{
	struct drm_gem_vram_object *gbo = drm_gem_vram_of_gem(fb->obj[0]);
	s64 offset = drm_gem_vram_offset(gbo);
	u32 reg = VGPU_PLANE_BASE(VGPU_PLANE_PRIMARY);

	if (WARN_ON_ONCE(offset < 0))	/* prepare_fb pinned it */
		return;
	offset += fb->offsets[0];
	vgpu_drm_write(vdrm, reg + VGPU_PLANE_FORMAT, fb->format->format);
	vgpu_drm_write(vdrm, reg + VGPU_PLANE_MODIFIER_LO, 0);
	vgpu_drm_write(vdrm, reg + VGPU_PLANE_MODIFIER_HI, 0);
	vgpu_drm_write(vdrm, reg + VGPU_PLANE_MEMORY, VGPU_MEMORY_VRAM);
	vgpu_drm_write(vdrm, reg + VGPU_PLANE_OFFSET_LO, lower_32_bits(offset));
	vgpu_drm_write(vdrm, reg + VGPU_PLANE_OFFSET_HI, upper_32_bits(offset));
	vgpu_drm_write(vdrm, reg + VGPU_PLANE_WIDTH, fb->width);
	vgpu_drm_write(vdrm, reg + VGPU_PLANE_HEIGHT, fb->height);
	vgpu_drm_write(vdrm, reg + VGPU_PLANE_STRIDE_BYTES, fb->pitches[0]);
	vgpu_drm_write(vdrm, reg + VGPU_PLANE_POS_X, 0);
	vgpu_drm_write(vdrm, reg + VGPU_PLANE_POS_Y, 0);
	vgpu_drm_write(vdrm, reg + VGPU_PLANE_ENABLE, 1);
	vgpu_drm_commit(vdrm, BIT(VGPU_PLANE_PRIMARY));
}

/* One rectangle covering what changed: the commit's clips merged. */
static void vgpu_drm_post_damage(struct vgpu_drm *vdrm, const struct drm_rect *r)
{
	int w = drm_rect_width(r), h = drm_rect_height(r);

	if (w <= 0 || h <= 0)
		return;
	vgpu_drm_write(vdrm, VGPU_DAMAGE_REG(VGPU_PLANE_PRIMARY, VGPU_DAMAGE_XY),
		       (u32)r->x1 | (u32)r->y1 << 16);
	vgpu_drm_write(vdrm, VGPU_DAMAGE_REG(VGPU_PLANE_PRIMARY, VGPU_DAMAGE_WH),
		       (u32)w | (u32)h << 16);
}

static enum drm_mode_status
vgpu_drm_pipe_mode_valid(struct drm_simple_display_pipe *pipe,
			 const struct drm_display_mode *mode)
{
	struct vgpu_drm *vdrm = to_vgpu_drm(pipe->crtc.dev);

	if (mode->hdisplay > vdrm->max_width)
		return MODE_VIRTUAL_X;
	if (mode->vdisplay > vdrm->max_height)
		return MODE_VIRTUAL_Y;
	return MODE_OK;
}

static void vgpu_drm_pipe_enable(struct drm_simple_display_pipe *pipe,
				 struct drm_crtc_state *crtc_state,
				 struct drm_plane_state *plane_state)
{
	struct vgpu_drm *vdrm = to_vgpu_drm(pipe->crtc.dev);

	/* a new scanout is shown whole: no damage needed */
	vgpu_drm_plane_show(vdrm, plane_state->fb);
}

static void vgpu_drm_pipe_disable(struct drm_simple_display_pipe *pipe)
{
	vgpu_drm_plane_off(to_vgpu_drm(pipe->crtc.dev));
}

static void vgpu_drm_pipe_update(struct drm_simple_display_pipe *pipe,
				 struct drm_plane_state *old_state)
{
	struct vgpu_drm *vdrm = to_vgpu_drm(pipe->crtc.dev);
	struct drm_plane_state *state = pipe->plane.state;
	struct drm_rect damage;

	if (!state->fb || !state->visible || !pipe->crtc.state->active)
		return;
	if (state->fb != old_state->fb) {
		vgpu_drm_plane_show(vdrm, state->fb);
		return;
	}
	if (drm_atomic_helper_damage_merged(old_state, state, &damage))
		vgpu_drm_post_damage(vdrm, &damage);
}

static const struct drm_simple_display_pipe_funcs vgpu_drm_pipe_funcs = {
	.mode_valid = vgpu_drm_pipe_mode_valid,
	.enable = vgpu_drm_pipe_enable,
	.disable = vgpu_drm_pipe_disable,
	.update = vgpu_drm_pipe_update,
	.prepare_fb = drm_gem_vram_simple_display_pipe_prepare_fb,
	.cleanup_fb = drm_gem_vram_simple_display_pipe_cleanup_fb,
};

static enum drm_connector_status
vgpu_drm_connector_detect(struct drm_connector *connector, bool force)
{
	struct vgpu_drm *vdrm = to_vgpu_drm(connector->dev);

	return vgpu_drm_read(vdrm, VGPU_REG_LINK_STATE) ?
	       connector_status_connected : connector_status_disconnected;
}

static const struct drm_connector_helper_funcs vgpu_drm_connector_helper_funcs = {
	.get_modes = vgpu_drm_connector_get_modes,
};

static const struct drm_connector_funcs vgpu_drm_connector_funcs = {
	.detect = vgpu_drm_connector_detect,
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

static const struct drm_mode_config_funcs vgpu_drm_mode_config_funcs = {
	/* fbdev's dirtyfb reaches the plane as damage clips */
	.fb_create = drm_gem_fb_create_with_dirty,
	.mode_valid = drm_vram_helper_mode_valid,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

int vgpu_drm_kms_init(struct vgpu_drm *vdrm)
{
	struct drm_device *drm = &vdrm->drm;
	struct drm_connector *connector = &vdrm->connector;
	int ret;

	ret = drmm_mode_config_init(drm);
	if (ret)
		return ret;
	drm->mode_config.min_width = VGPU_MIN_WIDTH;
	drm->mode_config.min_height = VGPU_MIN_HEIGHT;
	drm->mode_config.max_width = vdrm->max_width;
	drm->mode_config.max_height = vdrm->max_height;
	drm->mode_config.preferred_depth = 24;
	drm->mode_config.prefer_shadow = 1;	/* VRAM reads are slow */
	drm->mode_config.funcs = &vgpu_drm_mode_config_funcs;

	drm_connector_helper_add(connector, &vgpu_drm_connector_helper_funcs);
	ret = drm_connector_init(drm, connector, &vgpu_drm_connector_funcs,
				 DRM_MODE_CONNECTOR_VIRTUAL);
	if (ret)
		return ret;
	/*
	 * Virtual connectors get no EDID property unless asked for one, and
	 * since 6.3 the EDID's modes are read back from that property.
	 */
	drm_connector_attach_edid_property(connector);

	ret = drm_simple_display_pipe_init(drm, &vdrm->pipe, &vgpu_drm_pipe_funcs,
					   vgpu_drm_formats, ARRAY_SIZE(vgpu_drm_formats),
					   NULL, connector);
	if (ret)
		return ret;
	drm_plane_enable_fb_damage_clips(&vdrm->pipe.plane);
	drm_mode_config_reset(drm);
	return 0;
}
