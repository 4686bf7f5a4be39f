// SPDX-License-Identifier: GPL-2.0
/*
 * The GTT (BAR4) and the guest pages pinned for planes that
 * scan out of it
 *
 * The guest writes entries that map graphics pages to guest-physical
 * addresses, which are IOVAs of the VFIO container its VMM set up. A
 * plane with VGPU_PLANE_MEMORY = GTT has its translation latched at
 * COMMIT: the pages its surface covers are pinned then, through
 * vfio_pin_pages(), and stay pinned until the next latch of that plane,
 * until the VMM unmaps guest memory under them (the dma_unmap callback,
 * which VFIO requires to unpin), or until the device is closed.
 *
 * Pins are bounded per instance (pin_budget pages, the size of BAR0), and
 * VFIO charges them to the VMM's locked-memory limit. Exported dma-bufs
 * take their own page references, so unpinning never frees a page under
 * a consumer: it only stops following the guest.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/iommu.h>
#include <linux/vfio.h>

#include "vgpu.h"

int vgpu_gtt_init(struct vgpu_state *vgpu)
{
	vgpu->gtt_entries = vgpu->bar0_size >> PAGE_SHIFT;
	vgpu->pin_budget = vgpu->gtt_entries;
	vgpu->gtt = kvcalloc(vgpu->gtt_entries, sizeof(*vgpu->gtt), GFP_KERNEL);
	return vgpu->gtt ? 0 : -ENOMEM;
}

void vgpu_gtt_free(struct vgpu_state *vgpu)
{
	kvfree(vgpu->gtt);
	vgpu->gtt = NULL;
}

/* Trapped BAR4 access: 8 bytes (whole entry) or 4 (one half), aligned. */
int vgpu_gtt_access(struct vgpu_state *vgpu, u64 off, void *buf, u32 count,
		    bool write)
{
	u64 index = off / VGPU_GTT_ENTRY_SIZE;
	u32 shift = (off % VGPU_GTT_ENTRY_SIZE) * 8;
	u64 mask, val = 0;

	lockdep_assert_held(&vgpu->lock);

	if (index >= vgpu->gtt_entries || (count != 4 && count != 8) ||
	    off % count) {
		if (write)
			vgpu_engine_bad_access(&vgpu->eng);
		else
			memset(buf, 0, count);
		return 0;
	}
	mask = count == 8 ? ~0ull : 0xffffffffull << shift;
	if (write) {
		if (count == 8)
			val = le64_to_cpup(buf);
		else
			val = (u64)le32_to_cpup(buf) << shift;
		vgpu->gtt[index] = (vgpu->gtt[index] & ~mask) | (val & mask);
	} else if (count == 8) {
		*(__le64 *)buf = cpu_to_le64(vgpu->gtt[index]);
	} else {
		*(__le32 *)buf = cpu_to_le32((u32)(vgpu->gtt[index] >> shift));
	}
	return 0;
}

static void vgpu_pins_drop(struct vgpu_state *vgpu, struct vgpu_pins *pins,
			   unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		vfio_unpin_pages(&vgpu->vdev, pins->iova[i], 1);
	vgpu->pinned -= n;
	kvfree(pins->pages);
	kvfree(pins->iova);
	memset(pins, 0, sizeof(*pins));
	vgpu->eng.pinned_pages = vgpu->pinned;
}

/* Unpins @plane's pages and forgets dma-buf ids that named them. */
void vgpu_gtt_release_plane(struct vgpu_state *vgpu, int plane)
{
	struct vgpu_pins *pins = &vgpu->pins[plane];
	u32 serial = pins->serial;

	lockdep_assert_held(&vgpu->lock);
	if (!pins->npages)
		return;
	vgpu_pins_drop(vgpu, pins, pins->npages);
	vgpu_dmabuf_forget_serial(vgpu, serial);
}

static bool vgpu_pins_match(const struct vgpu_pins *pins, const u64 *gtt,
			    unsigned long npages)
{
	unsigned long i;

	if (pins->npages != npages)
		return false;
	for (i = 0; i < npages; i++)
		if (pins->iova[i] != (gtt[i] & VGPU_GTT_ADDR_MASK))
			return false;
	return true;
}

/*
 * Translates and pins the surface latched on @plane (a GTT plane whose
 * registers passed validation). On failure the plane becomes
 * VGPU_PLANE_ERR_GTT. A latch of the same translation keeps the pins and
 * the serial, so the surface keeps its dma-buf id.
 */
void vgpu_gtt_latch_plane(struct vgpu_state *vgpu, int plane)
{
	struct vgpu_surface *surf = &vgpu->eng.surf[plane];
	struct vgpu_pins *old = &vgpu->pins[plane];
	unsigned long first = surf->offset >> PAGE_SHIFT;
	unsigned long n = surf->size >> PAGE_SHIFT;
	struct vgpu_pins pins = { 0 };
	unsigned long i;
	int ret;

	lockdep_assert_held(&vgpu->lock);

	/* validated against the GTT space; checked again before indexing */
	if (!n || first >= vgpu->gtt_entries || n > vgpu->gtt_entries - first)
		goto fail;
	for (i = 0; i < n; i++)
		if (!(vgpu->gtt[first + i] & VGPU_GTT_VALID))
			goto fail;

	if (vgpu_pins_match(old, &vgpu->gtt[first], n)) {
		surf->serial = old->serial;
		return;
	}
	/* the old pins go once the new ones hold; both count meanwhile */
	if (n > vgpu->pin_budget - vgpu->pinned)
		goto fail;

	pins.pages = kvcalloc(n, sizeof(*pins.pages), GFP_KERNEL);
	pins.iova = kvcalloc(n, sizeof(*pins.iova), GFP_KERNEL);
	if (!pins.pages || !pins.iova) {
		kvfree(pins.pages);
		kvfree(pins.iova);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		pins.iova[i] = vgpu->gtt[first + i] & VGPU_GTT_ADDR_MASK;
		ret = vfio_pin_pages(&vgpu->vdev, pins.iova[i], 1,
				     IOMMU_READ | IOMMU_WRITE, &pins.pages[i]);
		if (ret != 1) {
			vgpu->pinned += i;
			vgpu_pins_drop(vgpu, &pins, i);
			goto fail;
		}
	}
	vgpu->pinned += n;
	pins.npages = n;
	pins.serial = ++vgpu->pin_serial;
	if (!pins.serial)	/* 0 is VRAM's serial; skip it */
		pins.serial = ++vgpu->pin_serial;

	vgpu_gtt_release_plane(vgpu, plane);
	*old = pins;
	vgpu->eng.pinned_pages = vgpu->pinned;
	surf->serial = pins.serial;
	return;

fail:
	vgpu_gtt_release_plane(vgpu, plane);
	vgpu_engine_plane_fail(&vgpu->eng, plane, VGPU_PLANE_ERR_GTT);
}

/* Close or reset: every pin goes, GTT planes become not ready. */
void vgpu_gtt_release_all(struct vgpu_state *vgpu, u32 reason)
{
	int p;

	lockdep_assert_held(&vgpu->lock);
	for (p = 0; p < VGPU_NUM_PLANES; p++) {
		if (!vgpu->pins[p].npages)
			continue;
		vgpu_gtt_release_plane(vgpu, p);
		vgpu_engine_plane_fail(&vgpu->eng, p, VGPU_PLANE_ERR_GTT);
		vgpu_events_plane_lost(vgpu, p, reason);
	}
}

const struct vgpu_pins *vgpu_gtt_pins_of(struct vgpu_state *vgpu, u32 serial)
{
	int p;

	for (p = 0; p < VGPU_NUM_PLANES; p++)
		if (serial && vgpu->pins[p].npages && vgpu->pins[p].serial == serial)
			return &vgpu->pins[p];
	return NULL;
}

/*
 * VFIO callback: the VMM unmapped [iova, iova + length) from the
 * container. VFIO insists that we unpin everything inside; a plane
 * that loses its pages is not ready until the guest latches it again.
 */
void vgpu_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	struct vgpu_state *vgpu = vdev_to_vgpu(vdev);
	int p;

	mutex_lock(&vgpu->lock);
	for (p = 0; p < VGPU_NUM_PLANES; p++) {
		struct vgpu_pins *pins = &vgpu->pins[p];
		unsigned long i;

		for (i = 0; i < pins->npages; i++)
			if (pins->iova[i] >= iova && pins->iova[i] - iova < length)
				break;
		if (i == pins->npages)
			continue;
		vgpu_gtt_release_plane(vgpu, p);
		vgpu_engine_plane_fail(&vgpu->eng, p, VGPU_PLANE_ERR_GTT);
		vgpu_events_plane_lost(vgpu, p, VGPU_INVALID_UNMAP);
	}
	mutex_unlock(&vgpu->lock);
}
