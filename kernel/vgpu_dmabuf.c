// SPDX-License-Identifier: GPL-2.0
/*
 * Plane surfaces exported as dma-bufs
 *
 * Two objects:
 *  - struct vgpu_dmabuf, an entry of the per-instance cache: a surface
 *    seen by VFIO_DEVICE_QUERY_GFX_PLANE, its dmabuf_id and, once
 *    exported, the dma_buf (the cache holds one file reference).
 *  - struct vgpu_dmabuf_pages, the dma_buf's private data: the surface's
 *    pages (VRAM, or guest pages pinned through the GTT), one reference
 *    each. It has no pointer back to the
 *    instance, so a dma-buf stays valid (and its release safe) after the
 *    VFIO fd is closed or the mdev removed; it then shows the last
 *    contents the guest wrote.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/iosys-map.h>

#include "vgpu.h"

struct vgpu_dmabuf {
	struct list_head node;		/* vgpu_state.dmabufs, under lock */
	u32 id;
	struct vgpu_surface surf;
	struct dma_buf *buf;		/* NULL until first exported */
};

struct vgpu_dmabuf_pages {
	unsigned long npages;
	struct page *pages[];
};

u32 vgpu_dmabuf_id(const struct vgpu_dmabuf *db)
{
	return db->id;
}

static void vgpu_pages_free(struct vgpu_dmabuf_pages *p, unsigned long n)
{
	while (n--)
		put_page(p->pages[n]);
	kvfree(p);
}

static struct sg_table *vgpu_dmabuf_map(struct dma_buf_attachment *at,
					enum dma_data_direction dir)
{
	struct vgpu_dmabuf_pages *p = at->dmabuf->priv;
	struct sg_table *sgt;
	int ret;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table_from_pages(sgt, p->pages, p->npages, 0,
					p->npages << PAGE_SHIFT, GFP_KERNEL);
	if (ret)
		goto err_free;
	ret = dma_map_sgtable(at->dev, sgt, dir, 0);
	if (ret)
		goto err_table;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void vgpu_dmabuf_unmap(struct dma_buf_attachment *at,
			      struct sg_table *sgt,
			      enum dma_data_direction dir)
{
	dma_unmap_sgtable(at->dev, sgt, dir, 0);
	sg_free_table(sgt);
	kfree(sgt);
}

static vm_fault_t vgpu_dmabuf_fault(struct vm_fault *vmf)
{
	struct vgpu_dmabuf_pages *p = vmf->vma->vm_private_data;

	/* dma_buf_mmap() already limited the vma to the buffer's size */
	if (vmf->pgoff >= p->npages)
		return VM_FAULT_SIGBUS;
	vmf->page = p->pages[vmf->pgoff];
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct vgpu_dmabuf_vm_ops = {
	.fault = vgpu_dmabuf_fault,
};

/* The vma holds the dma-buf file, which holds the pages. */
static int vgpu_dmabuf_mmap(struct dma_buf *buf, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	vma->vm_ops = &vgpu_dmabuf_vm_ops;
	vma->vm_private_data = buf->priv;
	return 0;
}

static int vgpu_dmabuf_vmap(struct dma_buf *buf, struct iosys_map *map)
{
	struct vgpu_dmabuf_pages *p = buf->priv;
	void *vaddr;

	vaddr = vmap(p->pages, p->npages, VM_MAP, PAGE_KERNEL);
	if (!vaddr)
		return -ENOMEM;
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static void vgpu_dmabuf_vunmap(struct dma_buf *buf, struct iosys_map *map)
{
	vunmap(map->vaddr);
}

static void vgpu_dmabuf_release(struct dma_buf *buf)
{
	struct vgpu_dmabuf_pages *p = buf->priv;

	vgpu_pages_free(p, p->npages);
}

static const struct dma_buf_ops vgpu_dmabuf_ops = {
	.map_dma_buf = vgpu_dmabuf_map,
	.unmap_dma_buf = vgpu_dmabuf_unmap,
	.mmap = vgpu_dmabuf_mmap,
	.vmap = vgpu_dmabuf_vmap,
	.vunmap = vgpu_dmabuf_vunmap,
	.release = vgpu_dmabuf_release,
};

static void vgpu_dmabuf_free(struct vgpu_dmabuf *db)
{
	list_del(&db->node);
	/* the dma-buf itself lives on while userspace holds it */
	if (db->buf)
		dma_buf_put(db->buf);
	kfree(db);
}

static bool vgpu_surface_on_screen(struct vgpu_state *vgpu,
				   const struct vgpu_surface *surf)
{
	int p;

	for (p = 0; p < VGPU_NUM_PLANES; p++)
		if (vgpu->eng.status[p] == VGPU_PLANE_OK &&
		    vgpu_surface_equal(&vgpu->eng.surf[p], surf))
			return true;
	return false;
}

/*
 * Forgets the least recently queried surface, but never one a plane shows
 * now: its id must stay what consumers already know.
 */
static void vgpu_dmabuf_evict(struct vgpu_state *vgpu)
{
	struct vgpu_dmabuf *db;

	list_for_each_entry_reverse(db, &vgpu->dmabufs, node) {
		if (!vgpu_surface_on_screen(vgpu, &db->surf)) {
			vgpu_dmabuf_free(db);
			vgpu->n_dmabufs--;
			return;
		}
	}
}

/*
 * Finds the cache entry for @surf, creating it (with a new id) if this
 * surface was not seen before. Lock held. NULL only when out of memory.
 */
struct vgpu_dmabuf *vgpu_dmabuf_lookup(struct vgpu_state *vgpu,
				       const struct vgpu_surface *surf)
{
	struct vgpu_dmabuf *db;

	lockdep_assert_held(&vgpu->lock);

	list_for_each_entry(db, &vgpu->dmabufs, node) {
		if (vgpu_surface_equal(&db->surf, surf)) {
			list_move(&db->node, &vgpu->dmabufs);
			return db;
		}
	}

	db = kzalloc(sizeof(*db), GFP_KERNEL);
	if (!db)
		return NULL;
	db->surf = *surf;
	db->id = vgpu->next_dmabuf_id++;
	if (!vgpu->next_dmabuf_id)	/* 0 means "no plane"; skip it */
		vgpu->next_dmabuf_id = 1;
	list_add(&db->node, &vgpu->dmabufs);

	if (++vgpu->n_dmabufs > VGPU_DMABUF_CACHE_MAX)
		vgpu_dmabuf_evict(vgpu);
	return db;
}

/* Page references for a surface in VRAM (allocated now if untouched). */
static struct vgpu_dmabuf_pages *vgpu_vram_pages(struct vgpu_state *vgpu,
						 const struct vgpu_surface *surf)
{
	unsigned long first = surf->offset >> PAGE_SHIFT;
	unsigned long n = surf->size >> PAGE_SHIFT;
	struct vgpu_dmabuf_pages *p;
	unsigned long i;

	/* validated at commit; checked again because VRAM indexing follows */
	if (!n || first >= vgpu->vram_pages || n > vgpu->vram_pages - first)
		return ERR_PTR(-EINVAL);

	p = kvzalloc(struct_size(p, pages, n), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < n; i++) {
		p->pages[i] = vgpu_vram_get_page(vgpu, first + i);
		if (!p->pages[i]) {
			vgpu_pages_free(p, i);
			return ERR_PTR(-ENOMEM);
		}
	}
	p->npages = n;
	return p;
}

/*
 * Page references for a GTT surface: the guest pages pinned when it was
 * latched. The dma-buf's own references keep them after the pins go.
 */
static struct vgpu_dmabuf_pages *vgpu_gtt_pages(struct vgpu_state *vgpu,
						const struct vgpu_surface *surf)
{
	const struct vgpu_pins *pins = vgpu_gtt_pins_of(vgpu, surf->serial);
	struct vgpu_dmabuf_pages *p;
	unsigned long i;

	if (!pins || pins->npages != surf->size >> PAGE_SHIFT)
		return ERR_PTR(-ENOENT);	/* unpinned since: id is stale */
	p = kvzalloc(struct_size(p, pages, pins->npages), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < pins->npages; i++) {
		p->pages[i] = pins->pages[i];
		get_page(p->pages[i]);
	}
	p->npages = pins->npages;
	return p;
}

static int vgpu_dmabuf_export(struct vgpu_state *vgpu, struct vgpu_dmabuf *db)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct vgpu_dmabuf_pages *p;
	struct dma_buf *buf;
	unsigned long n;

	lockdep_assert_held(&vgpu->lock);

	if (db->surf.memory == VGPU_MEMORY_GTT)
		p = vgpu_gtt_pages(vgpu, &db->surf);
	else
		p = vgpu_vram_pages(vgpu, &db->surf);
	if (IS_ERR(p))
		return PTR_ERR(p);
	n = p->npages;

	exp_info.ops = &vgpu_dmabuf_ops;
	exp_info.size = n << PAGE_SHIFT;
	exp_info.flags = O_RDWR;
	exp_info.priv = p;
	buf = dma_buf_export(&exp_info);
	if (IS_ERR(buf)) {
		vgpu_pages_free(p, n);
		return PTR_ERR(buf);
	}
	db->buf = buf;
	return 0;
}

/* VFIO_DEVICE_GET_GFX_DMABUF: a new fd for the cached surface @id. */
int vgpu_dmabuf_get_fd(struct vgpu_state *vgpu, u32 id)
{
	struct vgpu_dmabuf *db, *found = NULL;
	struct dma_buf *buf = NULL;
	int ret = -ENOENT;
	int fd;

	mutex_lock(&vgpu->lock);
	list_for_each_entry(db, &vgpu->dmabufs, node) {
		if (db->id == id) {
			found = db;
			break;
		}
	}
	if (found) {
		ret = found->buf ? 0 : vgpu_dmabuf_export(vgpu, found);
		if (!ret) {
			buf = found->buf;
			get_dma_buf(buf);	/* for the new fd */
		}
	}
	mutex_unlock(&vgpu->lock);
	if (!buf)
		return ret;

	fd = dma_buf_fd(buf, O_CLOEXEC);
	if (fd < 0)
		dma_buf_put(buf);
	return fd;
}

/* The pins of GTT translation @serial are gone: so is its id. */
void vgpu_dmabuf_forget_serial(struct vgpu_state *vgpu, u32 serial)
{
	struct vgpu_dmabuf *db, *tmp;

	lockdep_assert_held(&vgpu->lock);
	list_for_each_entry_safe(db, tmp, &vgpu->dmabufs, node) {
		if (db->surf.memory == VGPU_MEMORY_GTT &&
		    db->surf.serial == serial) {
			vgpu_dmabuf_free(db);
			vgpu->n_dmabufs--;
		}
	}
}

void vgpu_dmabuf_cache_clear(struct vgpu_state *vgpu)
{
	struct vgpu_dmabuf *db, *tmp;

	list_for_each_entry_safe(db, tmp, &vgpu->dmabufs, node)
		vgpu_dmabuf_free(db);
	vgpu->n_dmabufs = 0;
}
