// SPDX-License-Identifier: GPL-2.0
/*
 * The linear-copy region: VFIO_GFX_PLANE_TYPE_REGION for consumers
 * without GL (QEMU's region display)
 *
 * On each VFIO_DEVICE_QUERY_GFX_PLANE of region type, the primary plane
 * is detiled and converted into an XRGB8888 buffer that userspace maps
 * as region VGPU_REGION_LINEAR. Only what changed since the last query is
 * copied: the rectangles the guest posted, or everything after a flip or
 * while the guest posts no damage. The buffer is vmalloc_user() memory,
 * allocated on first use and freed with the instance; mappings hold the
 * VFIO device file, so they never outlive it.
 */
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/vfio.h>

#include "vgpu.h"

u64 vgpu_linear_size(struct vgpu_state *vgpu)
{
	return PAGE_ALIGN((u64)vgpu->type->max_width * vgpu->type->max_height * 4);
}

static int vgpu_linear_alloc(struct vgpu_state *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	if (!vgpu->linear)
		vgpu->linear = vmalloc_user(vgpu_linear_size(vgpu));
	return vgpu->linear ? 0 : -ENOMEM;
}

void vgpu_linear_free(struct vgpu_state *vgpu)
{
	vfree(vgpu->linear);
	vgpu->linear = NULL;
}

/*
 * Guest damage of the primary plane's latched surface, kept until the
 * next region query; a latch or reset in between drops it.
 */
void vgpu_linear_damage(struct vgpu_state *vgpu, const struct vgpu_rect *r)
{
	lockdep_assert_held(&vgpu->lock);
	vgpu_rects_add(vgpu->linear_damage, &vgpu->n_linear_damage,
		       VGPU_EVENT_MAX_RECTS, r);
}

/*
 * The primary plane latched a surface (maybe the same one), or the device
 * was reset: damage posted before was clipped to what was shown then and
 * says nothing about what is shown now, so the next query copies it whole.
 */
void vgpu_linear_forget(struct vgpu_state *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	vgpu->linear_valid = false;
	vgpu->n_linear_damage = 0;
}

/* A kernel mapping of the surface's pages; NULL if unavailable. */
static void *vgpu_linear_map_source(struct vgpu_state *vgpu,
				    const struct vgpu_surface *surf,
				    struct page ***pages_out, unsigned long *n_out)
{
	unsigned long n = surf->size >> PAGE_SHIFT;
	unsigned long first = surf->offset >> PAGE_SHIFT;
	const struct vgpu_pins *pins = NULL;
	struct page **pages;
	unsigned long i;
	void *vaddr;

	if (surf->memory == VGPU_MEMORY_GTT) {
		pins = vgpu_gtt_pins_of(vgpu, surf->serial);
		if (!pins || pins->npages != n)
			return NULL;
	} else if (first >= vgpu->vram_pages || n > vgpu->vram_pages - first) {
		return NULL;
	}
	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < n; i++) {
		pages[i] = pins ? pins->pages[i] : vgpu_vram_get_page(vgpu, first + i);
		if (!pages[i])
			break;
		if (pins)
			get_page(pages[i]);
	}
	vaddr = i == n ? vmap(pages, n, VM_MAP, PAGE_KERNEL_RO) : NULL;
	if (!vaddr) {
		while (i--)
			put_page(pages[i]);
		kvfree(pages);
		return NULL;
	}
	*pages_out = pages;
	*n_out = n;
	return vaddr;
}

static void vgpu_linear_copy(struct vgpu_state *vgpu,
			     const struct vgpu_surface *surf, bool full)
{
	struct vgpu_rect all = { 0, 0, surf->width, surf->height };
	const struct vgpu_rect *rects = full ? &all : vgpu->linear_damage;
	u32 n = full ? 1 : vgpu->n_linear_damage;
	struct page **pages;
	unsigned long npages, i;
	void *src;
	u32 k;

	src = vgpu_linear_map_source(vgpu, surf, &pages, &npages);
	if (!src)
		return;
	for (k = 0; k < n; k++) {
		struct vgpu_rect r = rects[k];

		/* never read past this surface, whatever the rectangle */
		if (!vgpu_rect_clip(&r, surf->width, surf->height))
			continue;
		vgpu_copy_rect_xrgb8888(surf, src, vgpu->linear,
					surf->width * 4, &r);
		cond_resched();
	}
	vunmap(src);
	for (i = 0; i < npages; i++)
		put_page(pages[i]);
	kvfree(pages);
}

/*
 * VFIO_DEVICE_QUERY_GFX_PLANE, region type, primary plane. Lock held;
 * @plane has its output fields zeroed ("no plane").
 */
int vgpu_linear_query(struct vgpu_state *vgpu,
		      struct vfio_device_gfx_plane_info *plane)
{
	const struct vgpu_surface *surf = &vgpu->eng.surf[VGPU_PLANE_PRIMARY];
	bool full;
	int ret;

	lockdep_assert_held(&vgpu->lock);
	if (vgpu->eng.status[VGPU_PLANE_PRIMARY] != VGPU_PLANE_OK)
		return 0;
	ret = vgpu_linear_alloc(vgpu);
	if (ret)
		return ret;

	/* without guest damage nothing says what changed: copy it all */
	full = !vgpu->linear_valid ||
	       !vgpu_surface_equal(&vgpu->linear_surf, surf) ||
	       vgpu->eng.damage_mode != VGPU_DAMAGE_MODE_GUEST;
	if (full || vgpu->n_linear_damage)
		vgpu_linear_copy(vgpu, surf, full);
	vgpu->linear_surf = *surf;
	vgpu->linear_valid = true;
	vgpu->n_linear_damage = 0;
	vgpu->linear_copies++;

	plane->drm_format = VGPU_FMT_XRGB8888;
	plane->drm_format_mod = VGPU_MOD_LINEAR;
	plane->width = surf->width;
	plane->height = surf->height;
	plane->stride = surf->width * 4;
	plane->size = PAGE_ALIGN((u64)surf->width * surf->height * 4);
	plane->x_pos = vgpu->eng.active[VGPU_PLANE_PRIMARY].pos_x;
	plane->y_pos = vgpu->eng.active[VGPU_PLANE_PRIMARY].pos_y;
	plane->region_index = VGPU_REGION_LINEAR;
	return 0;
}

int vgpu_linear_mmap(struct vgpu_state *vgpu, struct vm_area_struct *vma,
		     unsigned long pgoff)
{
	int ret;

	if (!(vma->vm_flags & VM_SHARED) || (vma->vm_flags & VM_WRITE))
		return -EINVAL;	/* the copy is the device's to write */
	mutex_lock(&vgpu->lock);
	ret = vgpu_linear_alloc(vgpu);
	mutex_unlock(&vgpu->lock);
	if (ret)
		return ret;
	return remap_vmalloc_range(vma, vgpu->linear, pgoff);
}

/* pread of the copy, for consumers that do not map it. */
int vgpu_linear_read(struct vgpu_state *vgpu, u64 off, void *buf, u32 count)
{
	lockdep_assert_held(&vgpu->lock);
	if (off >= vgpu_linear_size(vgpu) ||
	    count > vgpu_linear_size(vgpu) - off)
		return -EINVAL;
	if (vgpu->linear)
		memcpy(buf, vgpu->linear + off, count);
	else
		memset(buf, 0, count);
	return 0;
}
