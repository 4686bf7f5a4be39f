/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-instance state of vgpu_mediator and the interfaces between
 * its files
 *
 * Locking: one mutex per instance, vgpu_state.lock, guards everything in
 * struct vgpu_state that changes after creation (config space, engine,
 * VRAM page array, GTT and pins, dma-buf cache, interrupt triggers, what
 * consumers were last told). Exported dma-bufs hold no pointer back to
 * the instance, so they need no lock at all and survive it.
 *
 * The display-export device (struct vgpu_display) outlives the instance
 * while readers hold it open. Its own mutex guards its pointer to the
 * instance and is taken before vgpu_state.lock; its spinlock guards the
 * readers' event queues, so that creating an event never sleeps on a
 * reader. Lock order: vgpu_display.lock -> vgpu_state.lock ->
 * (VFIO container locks, through vfio_pin_pages) and vgpu_display.qlock
 * innermost.
 */
#ifndef VGPU_H
#define VGPU_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/mdev.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>

#include "regs_logic.h"
#include "convert_logic.h"

#define VGPU_NAME	"vgpu_mediator"

/* How many distinct surfaces an instance remembers (ids it can export). */
#define VGPU_DMABUF_CACHE_MAX	64

/* Guest pages pinned for one GTT plane, in surface order. */
struct vgpu_pins {
	unsigned long npages;
	struct page **pages;
	dma_addr_t *iova;
	u32 serial;		/* vgpu_surface.serial of this translation */
};

/* What consumers were last told about a plane (events are differences). */
struct vgpu_shown {
	u32 dmabuf_id;		/* 0: not ready */
	s32 pos_x;
	s32 pos_y;
	u32 hot_x;
	u32 hot_y;
	struct vgpu_surface surf;
};

struct vgpu_display;

#define VGPU_OFFER_DMABUF	(1u << 0)
#define VGPU_OFFER_REGION	(1u << 1)
#define VGPU_OFFER_ALL		(VGPU_OFFER_DMABUF | VGPU_OFFER_REGION)

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

	/* BAR4 GTT entries, and the guest pages pinned for GTT planes */
	u64 *gtt;
	u32 gtt_entries;
	struct vgpu_pins pins[VGPU_NUM_PLANES];
	unsigned long pinned;		/* pages, all planes */
	unsigned long pin_budget;	/* pages */
	u32 pin_serial;			/* last serial handed out */

	/* events: what was shown, the export device, the VFIO-side eventfd */
	struct vgpu_shown shown[VGPU_NUM_PLANES];
	struct vgpu_display *disp;
	struct eventfd_ctx *event_trigger;
	u64 events;			/* records created */

	/*
	 * Module parameter "extensions" at creation: false leaves only what
	 * upstream mdev displays offer (no display-export device, event
	 * interrupt, damage registers or dirty tracking).
	 */
	bool extensions;
	u8 abi_major;			/* module parameter abi_major at creation */

	/* which plane types the VFIO fd offers (sysfs plane_types) */
	u32 offer;			/* VGPU_OFFER_* */

	/* linear-copy region: XRGB8888 copy of the primary plane */
	void *linear;			/* vmalloc_user, NULL until used */
	struct vgpu_surface linear_surf;	/* what the copy shows */
	bool linear_valid;
	struct vgpu_rect linear_damage[VGPU_EVENT_MAX_RECTS];
	u32 n_linear_damage;
	u64 linear_copies;

	/* dirty VRAM tracking (vgpu_dirty.c) */
	struct inode *vram_inode;	/* owns the VRAM pages' address_space */
	unsigned long *dirty;		/* bit per VRAM page, atomic ops */
	struct delayed_work dirty_work;
	u64 dirty_collections;

	/* EDID region as the VMM writes it */
	struct vfio_region_gfx_edid edid_regs;
	u8 edid_blob[VGPU_EDID_MAX_SIZE];

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
void vgpu_dmabuf_forget_serial(struct vgpu_state *vgpu, u32 serial);

/* vgpu_gtt.c */
int vgpu_gtt_init(struct vgpu_state *vgpu);
void vgpu_gtt_free(struct vgpu_state *vgpu);
int vgpu_gtt_access(struct vgpu_state *vgpu, u64 off, void *buf, u32 count,
		    bool write);
void vgpu_gtt_latch_plane(struct vgpu_state *vgpu, int plane);
void vgpu_gtt_release_plane(struct vgpu_state *vgpu, int plane);
void vgpu_gtt_release_all(struct vgpu_state *vgpu, u32 reason);
const struct vgpu_pins *vgpu_gtt_pins_of(struct vgpu_state *vgpu, u32 serial);
void vgpu_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length);

/* vgpu_vfio.c */
extern const struct vfio_device_ops vgpu_dev_ops;
long vgpu_ioctl_query_plane(struct vgpu_state *vgpu, void __user *arg,
			    u32 offer);

/* vgpu_linear.c */
u64 vgpu_linear_size(struct vgpu_state *vgpu);
void vgpu_linear_free(struct vgpu_state *vgpu);
void vgpu_linear_damage(struct vgpu_state *vgpu, const struct vgpu_rect *r);
void vgpu_linear_forget(struct vgpu_state *vgpu);
int vgpu_linear_query(struct vgpu_state *vgpu,
		      struct vfio_device_gfx_plane_info *plane);
int vgpu_linear_mmap(struct vgpu_state *vgpu, struct vm_area_struct *vma,
		     unsigned long pgoff);
int vgpu_linear_read(struct vgpu_state *vgpu, u64 off, void *buf, u32 count);

/* vgpu_dirty.c */
int vgpu_dirty_init(struct vgpu_state *vgpu);
void vgpu_dirty_free(struct vgpu_state *vgpu);
struct address_space *vgpu_vram_mapping(struct vgpu_state *vgpu);
void vgpu_dirty_mark(struct vgpu_state *vgpu, unsigned long pgoff);
vm_fault_t vgpu_dirty_mkwrite(struct vm_fault *vmf);

/* vgpu_edid.c */
u64 vgpu_edid_region_size(void);
void vgpu_edid_init(struct vgpu_state *vgpu);
int vgpu_edid_access(struct vgpu_state *vgpu, u64 off, void *buf, u32 count,
		     bool write);

/* vgpu_events.c */
void vgpu_events_planes_latched(struct vgpu_state *vgpu, u32 mask);
void vgpu_events_plane_lost(struct vgpu_state *vgpu, int plane, u32 reason);
void vgpu_events_damage(struct vgpu_state *vgpu, int plane,
			const struct vgpu_rect *r);
void vgpu_events_hotplug(struct vgpu_state *vgpu);
void vgpu_events_reset(struct vgpu_state *vgpu);

/* vgpu_display_dev.c */
int vgpu_display_register(void);
void vgpu_display_unregister(void);
int vgpu_display_add(struct vgpu_state *vgpu);
void vgpu_display_remove(struct vgpu_state *vgpu);
void vgpu_display_post(struct vgpu_display *disp, struct vgpu_event *ev);
const char *vgpu_display_path(struct vgpu_state *vgpu);

/* vgpu_plane.c */
int vgpu_query_gfx_plane(struct vgpu_state *vgpu,
			 struct vfio_device_gfx_plane_info *plane, u32 offer);

/* vgpu_diag.c */
extern const struct attribute_group *vgpu_dev_groups[];
void vgpu_debugfs_init(void);
void vgpu_debugfs_exit(void);
void vgpu_debugfs_add(struct vgpu_state *vgpu);
void vgpu_debugfs_remove(struct vgpu_state *vgpu);

/* vgpu_main.c */
int vgpu_budget_reserve(const struct vgpu_type *type);
void vgpu_budget_release(const struct vgpu_type *type);
bool vgpu_extensions_param(void);
u8 vgpu_abi_major_param(void);

#endif /* VGPU_H */
