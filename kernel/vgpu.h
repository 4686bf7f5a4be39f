/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-instance state of vgpu_mediator and the interfaces between
 * its files
 *
 * Locking: one mutex per instance, vgpu_state.lock, guards everything in
 * struct vgpu_state that changes after creation (config space, engine,
 * VRAM page array, dma-buf cache, interrupt triggers). Exported dma-bufs
 * hold no pointer back to the instance, so they need no lock at all and
 * survive it.
 */
#ifndef VGPU_H
#define VGPU_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/mdev.h>
#include <linux/vfio.h>

#include "regs_logic.h"

#define VGPU_NAME	"vgpu_mediator"

/* How many distinct surfaces an instance remembers (ids it can export). */
#define VGPU_DMABUF_CACHE_MAX	64

struct vgpu_type {
	struct mdev_type type;
	u32 index;
	u32 vram_mb;
	u32 max_width;
	u32 max_height;
};

struct eventfd_ctx;
struct dentry;

struct vgpu_state {
	struct vfio_device vdev;	/* first: vfio_alloc_device() needs it */
	struct mutex lock;		/* guards everything below */
	const struct vgpu_type *type;

	u8 cfg[VGPU_CFG_SIZE];		/* emulated PCI config space */

	struct vgpu_engine eng;

	/* BAR0: VRAM pages, allocated on first touch */
	u64 bar0_size;
	u64 vram_size;			/* usable: bar0_size - register page */
	unsigned long vram_pages;
	struct page **pages;

	/* dma-buf cache: struct vgpu_dmabuf, most recently used first */
	struct list_head dmabufs;
	unsigned int n_dmabufs;
	u32 next_dmabuf_id;

	/* interrupts: eventfds set through VFIO_DEVICE_SET_IRQS */
	struct eventfd_ctx *intx_trigger;
	struct eventfd_ctx *msi_trigger;
	struct eventfd_ctx *req_trigger;	/* "please release the device" */
	bool intx_masked;

	struct dentry *debugfs;
};

static inline struct vgpu_state *vdev_to_vgpu(struct vfio_device *vdev)
{
	return container_of(vdev, struct vgpu_state, vdev);
}

/* vgpu_pci_config.c */
void vgpu_cfg_init(struct vgpu_state *vgpu);
void vgpu_cfg_read(struct vgpu_state *vgpu, u32 off, void *buf, u32 count);
void vgpu_cfg_write(struct vgpu_state *vgpu, u32 off, const void *buf,
		    u32 count);

/* vgpu_regs.c */
void vgpu_regs_read(struct vgpu_state *vgpu, u32 off, void *buf, u32 count);
void vgpu_regs_write(struct vgpu_state *vgpu, u32 off, const void *buf,
		     u32 count);
void vgpu_reset(struct vgpu_state *vgpu);

/* vgpu_vram.c */
int vgpu_vram_init(struct vgpu_state *vgpu);
void vgpu_vram_free(struct vgpu_state *vgpu);
struct page *vgpu_vram_get_page(struct vgpu_state *vgpu, unsigned long pgoff);
int vgpu_vram_access(struct vgpu_state *vgpu, u64 off, void *buf, u32 count,
		     bool write);
int vgpu_vram_mmap(struct vgpu_state *vgpu, struct vm_area_struct *vma);

/* vgpu_irq.c */
int vgpu_irq_get_info(struct vgpu_state *vgpu, struct vfio_irq_info *info);
int vgpu_irq_set(struct vgpu_state *vgpu, struct vfio_irq_set *hdr,
		 void __user *data);
void vgpu_irq_raise(struct vgpu_state *vgpu);
void vgpu_irq_request(struct vgpu_state *vgpu);
void vgpu_irq_release(struct vgpu_state *vgpu);

/* vgpu_dmabuf.c */
struct vgpu_dmabuf;
struct vgpu_dmabuf *vgpu_dmabuf_lookup(struct vgpu_state *vgpu,
				       const struct vgpu_surface *surf);
int vgpu_dmabuf_get_fd(struct vgpu_state *vgpu, u32 id);
u32 vgpu_dmabuf_id(const struct vgpu_dmabuf *db);
void vgpu_dmabuf_cache_clear(struct vgpu_state *vgpu);

/* vgpu_plane.c */
int vgpu_query_gfx_plane(struct vgpu_state *vgpu,
			 struct vfio_device_gfx_plane_info *plane);

/* vgpu_vfio.c */
extern const struct vfio_device_ops vgpu_dev_ops;

/* vgpu_diag.c */
extern const struct attribute_group *vgpu_dev_groups[];
void vgpu_debugfs_init(void);
void vgpu_debugfs_exit(void);
void vgpu_debugfs_add(struct vgpu_state *vgpu);
void vgpu_debugfs_remove(struct vgpu_state *vgpu);

/* vgpu_main.c */
int vgpu_budget_reserve(const struct vgpu_type *type);
void vgpu_budget_release(const struct vgpu_type *type);

#endif /* VGPU_H */
