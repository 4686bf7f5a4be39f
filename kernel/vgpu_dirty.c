// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-VRAM tracking: damage for a guest that posts none
 *
 * As fbdev's deferred I/O does: VRAM pages are mapped write-protected,
 * the first write to a page faults into page_mkwrite, which marks it
 * dirty and schedules a collection; the collection write-protects the
 * page again (folio_mkclean) and turns dirty pages into rectangles of the
 * planes that show them, as DAMAGE events. It runs only while the guest
 * has posted no damage (DAMAGE_MODE TRACK): a guest that says what it
 * drew is believed instead.
 *
 * folio_mkclean() finds the mappings of a page through page->mapping, so
 * VRAM pages belong to an address_space of our own: one inode per
 * instance on a private pseudo filesystem (as DRM does for its device
 * files), whose mapping the VFIO fd takes over at mmap time, with a
 * dirty_folio operation that only sets the flag. The pages are never in
 * the page cache; page->mapping and ->index only serve the reverse map.
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>
#include <linux/rmap.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "vgpu.h"

#define VGPU_FS_MAGIC		0x76677075	/* "vgpu" */
/* How long writes accumulate before a collection: under one 60 Hz frame. */
#define VGPU_DIRTY_DELAY_MS	8

static struct vfsmount *vgpu_mnt;
static int vgpu_mnt_count;

static int vgpu_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, VGPU_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type vgpu_fs_type = {
	.name = VGPU_NAME,
	.owner = THIS_MODULE,
	.init_fs_context = vgpu_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

static const struct address_space_operations vgpu_vram_aops = {
	.dirty_folio = noop_dirty_folio,
};

static void vgpu_dirty_work(struct work_struct *work);

int vgpu_dirty_init(struct vgpu_state *vgpu)
{
	struct inode *inode;
	int ret;

	vgpu->dirty = bitmap_zalloc(vgpu->vram_pages, GFP_KERNEL);
	if (!vgpu->dirty)
		return -ENOMEM;
	ret = simple_pin_fs(&vgpu_fs_type, &vgpu_mnt, &vgpu_mnt_count);
	if (ret)
		goto err_bitmap;
	inode = alloc_anon_inode(vgpu_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		ret = PTR_ERR(inode);
		goto err_fs;
	}
	inode->i_mapping->a_ops = &vgpu_vram_aops;
	vgpu->vram_inode = inode;
	INIT_DELAYED_WORK(&vgpu->dirty_work, vgpu_dirty_work);
	return 0;

err_fs:
	simple_release_fs(&vgpu_mnt, &vgpu_mnt_count);
err_bitmap:
	bitmap_free(vgpu->dirty);
	vgpu->dirty = NULL;
	return ret;
}

/* After the last VRAM page is released (vgpu_vram_free). */
void vgpu_dirty_free(struct vgpu_state *vgpu)
{
	if (!vgpu->vram_inode)
		return;
	cancel_delayed_work_sync(&vgpu->dirty_work);
	iput(vgpu->vram_inode);
	vgpu->vram_inode = NULL;
	simple_release_fs(&vgpu_mnt, &vgpu_mnt_count);
	bitmap_free(vgpu->dirty);
	vgpu->dirty = NULL;
}

struct address_space *vgpu_vram_mapping(struct vgpu_state *vgpu)
{
	return vgpu->vram_inode->i_mapping;
}

/* VRAM page @pgoff was written (fault or pwrite). Any context but IRQ. */
void vgpu_dirty_mark(struct vgpu_state *vgpu, unsigned long pgoff)
{
	if (!vgpu->extensions || pgoff >= vgpu->vram_pages)
		return;
	if (!test_and_set_bit(pgoff, vgpu->dirty))
		schedule_delayed_work(&vgpu->dirty_work,
				      msecs_to_jiffies(VGPU_DIRTY_DELAY_MS));
}

/* page_mkwrite of a VRAM mapping: the first write to a clean page. */
vm_fault_t vgpu_dirty_mkwrite(struct vm_fault *vmf)
{
	struct vgpu_state *vgpu = vmf->vma->vm_private_data;
	struct folio *folio = page_folio(vmf->page);

	folio_lock(folio);
	if (folio->mapping != vgpu_vram_mapping(vgpu)) {
		folio_unlock(folio);
		return VM_FAULT_NOPAGE;	/* not ours any more: retry */
	}
	vgpu_dirty_mark(vgpu, vmf->pgoff);
	return VM_FAULT_LOCKED;
}

/* Rectangles of plane @p covered by the dirty pages in @pages. */
static void vgpu_dirty_plane(struct vgpu_state *vgpu, int p,
			     const unsigned long *pages)
{
	const struct vgpu_surface *s = &vgpu->eng.surf[p];
	unsigned long first = s->offset >> PAGE_SHIFT;
	unsigned long end = first + (s->size >> PAGE_SHIFT);
	struct vgpu_rect rects[VGPU_EVENT_MAX_RECTS];
	unsigned long i = first;
	u32 n = 0, k;

	if (vgpu->eng.status[p] != VGPU_PLANE_OK ||
	    s->memory != VGPU_MEMORY_VRAM)
		return;
	/* runs of dirty pages, each one rectangle (whole lines or tiles) */
	for (i = find_next_bit(pages, end, first); i < end;
	     i = find_next_bit(pages, end, i)) {
		unsigned long run = find_next_zero_bit(pages, end, i);
		struct vgpu_rect r;

		if (vgpu_surface_bytes_rect(s, (u64)(i - first) << PAGE_SHIFT,
					    (u64)(run - i) << PAGE_SHIFT, &r))
			vgpu_rects_add(rects, &n, VGPU_EVENT_MAX_RECTS, &r);
		i = run;
	}
	for (k = 0; k < n; k++)
		vgpu_events_damage(vgpu, p, &rects[k]);
}

static void vgpu_dirty_work(struct work_struct *work)
{
	struct vgpu_state *vgpu =
		container_of(to_delayed_work(work), struct vgpu_state, dirty_work);
	unsigned long *taken;
	unsigned long i;
	int p;

	taken = bitmap_zalloc(vgpu->vram_pages, GFP_KERNEL);
	if (!taken) {
		/* try again later rather than lose the damage */
		schedule_delayed_work(&vgpu->dirty_work, HZ / 10);
		return;
	}
	/*
	 * Clear the bit before write-protecting: a write after the clear
	 * either lands before the mkclean (and this collection reports the
	 * page) or faults again and sets the bit for the next one.
	 */
	for_each_set_bit(i, vgpu->dirty, vgpu->vram_pages) {
		struct page *page = READ_ONCE(vgpu->pages[i]);
		struct folio *folio;

		if (!test_and_clear_bit(i, vgpu->dirty) || !page)
			continue;
		folio = page_folio(page);
		folio_lock(folio);
		folio_mkclean(folio);
		folio_unlock(folio);
		__set_bit(i, taken);
	}

	mutex_lock(&vgpu->lock);
	if (vgpu->eng.damage_mode == VGPU_DAMAGE_MODE_TRACK)
		for (p = 0; p < VGPU_NUM_PLANES; p++)
			vgpu_dirty_plane(vgpu, p, taken);
	vgpu->dirty_collections++;
	mutex_unlock(&vgpu->lock);
	bitmap_free(taken);
}
