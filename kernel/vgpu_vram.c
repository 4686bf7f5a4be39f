// SPDX-License-Identifier: GPL-2.0
/*
 * VRAM behind BAR0: pages allocated on first touch, mapped
 * into userspace on fault
 *
 * The page array owns one reference per allocated page. Mappings and
 * dma-bufs take their own references, so a page outlives the instance
 * for as long as anything still points at it.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/highmem.h>
#include <linux/pagemap.h>

#include "vgpu.h"

int vgpu_vram_init(struct vgpu_state *vgpu)
{
	vgpu->pages = kvcalloc(vgpu->vram_pages, sizeof(*vgpu->pages),
			       GFP_KERNEL);
	return vgpu->pages ? 0 : -ENOMEM;
}

/*
 * No mapping of VRAM is left (they hold the VFIO file, and so the
 * instance). Pages a dma-buf still holds become plain pages: the page
 * allocator insists on a NULL mapping when they are finally freed.
 */
void vgpu_vram_free(struct vgpu_state *vgpu)
{
	unsigned long i;

	if (!vgpu->pages)
		return;
	for (i = 0; i < vgpu->vram_pages; i++) {
		struct page *page = vgpu->pages[i];

		if (!page)
			continue;
		lock_page(page);
		page->mapping = NULL;
		unlock_page(page);
		put_page(page);
	}
	kvfree(vgpu->pages);
	vgpu->pages = NULL;
}

/*
 * Returns VRAM page @pgoff with a reference the caller must drop,
 * allocating it (zeroed) on first use; NULL if out of range or out of
 * memory. Charged to the memory cgroup of whoever touches it first.
 */
struct page *vgpu_vram_get_page(struct vgpu_state *vgpu, unsigned long pgoff)
{
	struct page *page;

	lockdep_assert_held(&vgpu->lock);

	if (pgoff >= vgpu->vram_pages)
		return NULL;
	page = vgpu->pages[pgoff];
	if (!page) {
		page = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_ACCOUNT);
		if (!page)
			return NULL;
		/* for the reverse map dirty tracking walks (vgpu_dirty.c) */
		page->mapping = vgpu_vram_mapping(vgpu);
		page->index = pgoff;
		WRITE_ONCE(vgpu->pages[pgoff], page);
	}
	get_page(page);
	return page;
}

/* pread/pwrite of VRAM; @count never crosses a page boundary. */
int vgpu_vram_access(struct vgpu_state *vgpu, u64 off, void *buf, u32 count,
		     bool write)
{
	unsigned long pgoff = off >> PAGE_SHIFT;
	u32 in_page = off & ~PAGE_MASK;
	struct page *page;
	void *map;

	if (off >= vgpu->vram_size || count > PAGE_SIZE - in_page)
		return -EINVAL;

	mutex_lock(&vgpu->lock);
	page = vgpu_vram_get_page(vgpu, pgoff);
	mutex_unlock(&vgpu->lock);
	if (!page)
		return -ENOMEM;

	map = kmap_local_page(page);
	if (write)
		memcpy(map + in_page, buf, count);
	else
		memcpy(buf, map + in_page, count);
	kunmap_local(map);
	put_page(page);
	if (write)
		vgpu_dirty_mark(vgpu, pgoff);
	return 0;
}

static vm_fault_t vgpu_vram_fault(struct vm_fault *vmf)
{
	struct vgpu_state *vgpu = vmf->vma->vm_private_data;
	struct page *page;

	/* BAR0 is region 0, so the file page offset is the VRAM page */
	if (vmf->pgoff >= vgpu->vram_pages)
		return VM_FAULT_SIGBUS;

	mutex_lock(&vgpu->lock);
	page = vgpu_vram_get_page(vgpu, vmf->pgoff);
	mutex_unlock(&vgpu->lock);
	if (!page)
		return VM_FAULT_OOM;

	/* the reference from vgpu_vram_get_page() goes to the mapping */
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct vgpu_vram_vm_ops = {
	.fault = vgpu_vram_fault,
	/* writes fault once per collection: dirty tracking */
	.page_mkwrite = vgpu_dirty_mkwrite,
};

/* Without extensions nothing tracks writes: mapped writable at once. */
static const struct vm_operations_struct vgpu_vram_plain_vm_ops = {
	.fault = vgpu_vram_fault,
};

/*
 * Only BAR0's VRAM part may be mapped, and only shared: a private copy
 * of VRAM would silently stop following the device. The vma keeps the
 * VFIO device file, and with it the instance, alive.
 */
int vgpu_vram_mmap(struct vgpu_state *vgpu, struct vm_area_struct *vma)
{
	unsigned long npages = vma_pages(vma);
	u64 start = (u64)vma->vm_pgoff << PAGE_SHIFT;

	if (start >> VGPU_REGION_SHIFT != VFIO_PCI_BAR0_REGION_INDEX)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff >= vgpu->vram_pages ||
	    npages > vgpu->vram_pages - vma->vm_pgoff)
		return -EINVAL;

	vma->vm_ops = vgpu->extensions ? &vgpu_vram_vm_ops :
					 &vgpu_vram_plain_vm_ops;
	vma->vm_private_data = vgpu;
	/*
	 * The VFIO file's own mapping is shared with other anonymous-inode
	 * files; link VRAM mappings into the instance's (as DRM does for its
	 * device files) so folio_mkclean() finds exactly them. The vma is
	 * linked into f_mapping after this returns.
	 */
	vma->vm_file->f_mapping = vgpu_vram_mapping(vgpu);
	return 0;
}
