// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO device of a vGPU instance: life cycle, region
 * read/write dispatch, ioctls and mmap
 *
 * Regions follow vfio-pci's layout, region index in the top bits of the
 * file offset. Reads and writes go through a kernel bounce buffer and the
 * instance lock is never held across a user copy: a user buffer may be
 * this device's own VRAM mapping, whose fault handler takes the lock.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/mm.h>
#include <linux/vfio.h>
#include <linux/mdev.h>

#include "vgpu.h"
#include "vgpu_compat.h"

#define VGPU_OFFSET_MASK	(VGPU_REGION_OFFSET(1) - 1)

static int vgpu_init_dev(struct vfio_device *vdev)
{
	struct vgpu_state *vgpu = vdev_to_vgpu(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);
	const struct vgpu_type *type =
		container_of(mdev->type, struct vgpu_type, type);
	int ret;

	ret = vgpu_budget_reserve(type);
	if (ret)
		return ret;

	mutex_init(&vgpu->lock);
	INIT_LIST_HEAD(&vgpu->dmabufs);
	vgpu->next_dmabuf_id = 1;
	vgpu->type = type;
	vgpu->extensions = vgpu_extensions_param();
	vgpu->abi_major = vgpu_abi_major_param();
	vgpu->bar0_size = (u64)type->vram_mb << 20;
	vgpu->vram_size = VGPU_USABLE_VRAM(vgpu->bar0_size);
	vgpu->vram_pages = vgpu->vram_size >> PAGE_SHIFT;

	ret = vgpu_vram_init(vgpu);
	if (!ret)
		ret = vgpu_gtt_init(vgpu);
	if (!ret)
		ret = vgpu_dirty_init(vgpu);
	if (ret) {
		vgpu_dirty_free(vgpu);
		vgpu_gtt_free(vgpu);
		vgpu_vram_free(vgpu);
		mutex_destroy(&vgpu->lock);
		vgpu_budget_release(type);
		return ret;
	}

	vgpu_engine_init(&vgpu->eng, vgpu->vram_size, vgpu->gtt_entries,
			 type->max_width, type->max_height);
	vgpu->eng.version = (u32)vgpu->abi_major << 16 | VGPU_VERSION_MINOR;
	vgpu_edid_init(vgpu);
	vgpu->offer = VGPU_OFFER_DMABUF;
	vgpu_cfg_init(vgpu);
	dev_info(vdev->dev, "%s: %u MiB VRAM, max %ux%u\n",
		 type->type.pretty_name, type->vram_mb, type->max_width,
		 type->max_height);
	return 0;
}

/* Last reference gone: the VFIO fd is closed and the mdev removed. */
static void vgpu_release_dev(struct vfio_device *vdev)
{
	struct vgpu_state *vgpu = vdev_to_vgpu(vdev);

	vgpu_dmabuf_cache_clear(vgpu);
	cancel_delayed_work_sync(&vgpu->dirty_work);
	vgpu_vram_free(vgpu);
	vgpu_dirty_free(vgpu);
	vgpu_gtt_free(vgpu);
	vgpu_linear_free(vgpu);
	vgpu_irq_release(vgpu);
	vgpu_budget_release(vgpu->type);
	mutex_destroy(&vgpu->lock);
#if !VGPU_VFIO_HAS_IOMMUFD
	/* Before 6.2 the driver frees the vfio_device itself. */
	vfio_free_device(vdev);
#endif
}

/* A new user gets a freshly reset device, like a VM powering on. */
static int vgpu_open_device(struct vfio_device *vdev)
{
	struct vgpu_state *vgpu = vdev_to_vgpu(vdev);

	mutex_lock(&vgpu->lock);
	vgpu_reset(vgpu);
	mutex_unlock(&vgpu->lock);
	return 0;
}

static void vgpu_request(struct vfio_device *vdev, unsigned int count)
{
	vgpu_irq_request(vdev_to_vgpu(vdev));
}

static void vgpu_close_device(struct vfio_device *vdev)
{
	struct vgpu_state *vgpu = vdev_to_vgpu(vdev);

	/*
	 * Eventfds and pins belong to the closing user (its container goes
	 * away); VRAM, VRAM planes and dma-bufs stay.
	 */
	mutex_lock(&vgpu->lock);
	vgpu_gtt_release_all(vgpu, VGPU_INVALID_CLOSE);
	vgpu_irq_release(vgpu);
	mutex_unlock(&vgpu->lock);
}

/* Size of the region and the most bytes one step may move at @off. */
static int vgpu_region_span(struct vgpu_state *vgpu, unsigned int index,
			    u64 off, size_t count, u32 *step)
{
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		if (off >= VGPU_CFG_SIZE)
			return -EINVAL;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		if (off >= vgpu->bar0_size)
			return -EINVAL;
		if (off < vgpu->vram_size) {
			/* VRAM: up to the end of the page */
			*step = min_t(u64, count, PAGE_SIZE - (off & ~PAGE_MASK));
			return 0;
		}
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		if (off >= VGPU_BAR2_SIZE)
			return -EINVAL;
		break;
	case VFIO_PCI_BAR4_REGION_INDEX:
		if (off >= (u64)vgpu->gtt_entries * VGPU_GTT_ENTRY_SIZE)
			return -EINVAL;
		break;
	case VGPU_REGION_LINEAR:
		if (!(vgpu->offer & VGPU_OFFER_REGION) ||
		    off >= vgpu_linear_size(vgpu))
			return -EINVAL;
		*step = min_t(u64, count, PAGE_SIZE - (off & ~PAGE_MASK));
		return 0;
	case VGPU_REGION_EDID:
		if (off >= vgpu_edid_region_size())
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}

	/* Registers and config space: naturally aligned 8, 4, 2 or 1 bytes. */
	if (index == VFIO_PCI_BAR4_REGION_INDEX && count >= 8 && !(off % 8))
		*step = 8;
	else if (count >= 4 && !(off % 4))
		*step = 4;
	else if (count >= 2 && !(off % 2))
		*step = 2;
	else
		*step = 1;
	return 0;
}

/* One step of at most a page, on a kernel buffer, under the lock. */
static int vgpu_access(struct vgpu_state *vgpu, unsigned int index, u64 off,
		       void *buf, u32 count, bool write)
{
	int ret = 0;

	if (index == VFIO_PCI_BAR0_REGION_INDEX && off < vgpu->vram_size)
		return vgpu_vram_access(vgpu, off, buf, count, write);

	mutex_lock(&vgpu->lock);
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		if (off + count > VGPU_CFG_SIZE)
			ret = -EINVAL;
		else if (write)
			vgpu_cfg_write(vgpu, off, buf, count);
		else
			vgpu_cfg_read(vgpu, off, buf, count);
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		/* the trapped register page at the end of the VRAM BAR */
		off -= vgpu->vram_size;
		fallthrough;
	case VFIO_PCI_BAR2_REGION_INDEX:
		if (write)
			vgpu_regs_write(vgpu, off, buf, count);
		else
			vgpu_regs_read(vgpu, off, buf, count);
		break;
	case VFIO_PCI_BAR4_REGION_INDEX:
		ret = vgpu_gtt_access(vgpu, off, buf, count, write);
		break;
	case VGPU_REGION_LINEAR:
		ret = write ? -EINVAL : vgpu_linear_read(vgpu, off, buf, count);
		break;
	case VGPU_REGION_EDID:
		ret = vgpu_edid_access(vgpu, off, buf, count, write);
		break;
	}
	mutex_unlock(&vgpu->lock);
	return ret;
}

static ssize_t vgpu_rw(struct vfio_device *vdev, char __user *ubuf,
		       size_t count, loff_t *ppos, bool write)
{
	struct vgpu_state *vgpu = vdev_to_vgpu(vdev);
	unsigned int index = (u64)*ppos >> VGPU_REGION_SHIFT;
	u64 off = (u64)*ppos & VGPU_OFFSET_MASK;
	size_t done = 0;
	void *bounce;
	int ret = 0;

	if (*ppos < 0)
		return -EINVAL;

	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;

	while (done < count) {
		u32 step;

		cond_resched();	/* a large VRAM transfer is many steps */
		ret = vgpu_region_span(vgpu, index, off, count - done, &step);
		if (ret)
			break;
		if (write && copy_from_user(bounce, ubuf + done, step)) {
			ret = -EFAULT;
			break;
		}
		ret = vgpu_access(vgpu, index, off, bounce, step, write);
		if (ret)
			break;
		if (!write && copy_to_user(ubuf + done, bounce, step)) {
			ret = -EFAULT;
			break;
		}
		done += step;
		off += step;
	}
	kfree(bounce);

	if (done) {
		*ppos += done;
		return done;
	}
	return ret;
}

static ssize_t vgpu_read(struct vfio_device *vdev, char __user *buf,
			 size_t count, loff_t *ppos)
{
	return vgpu_rw(vdev, buf, count, ppos, false);
}

static ssize_t vgpu_write(struct vfio_device *vdev, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	/* vgpu_rw only reads from @buf when @write is true */
	return vgpu_rw(vdev, (char __user *)buf, count, ppos, true);
}

static int vgpu_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct vgpu_state *vgpu = vdev_to_vgpu(vdev);
	u64 start = (u64)vma->vm_pgoff << PAGE_SHIFT;
	unsigned long pgoff = (start & VGPU_OFFSET_MASK) >> PAGE_SHIFT;

	if (start >> VGPU_REGION_SHIFT == VGPU_REGION_LINEAR) {
		if (!(vgpu->offer & VGPU_OFFER_REGION))
			return -EINVAL;
		return vgpu_linear_mmap(vgpu, vma, pgoff);
	}
	return vgpu_vram_mmap(vgpu, vma);
}

static int vgpu_add_type_cap(struct vfio_info_cap *caps, u32 type,
			     u32 subtype)
{
	struct vfio_region_info_cap_type cap = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
		.type = type,
		.subtype = subtype,
	};

	return vfio_info_add_capability(caps, &cap.header, sizeof(cap));
}

/* BAR0 mixes mmappable VRAM and the trapped register page. */
static int vgpu_add_sparse_cap(struct vgpu_state *vgpu,
			       struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	size_t size = struct_size(sparse, areas, 1);
	int ret;

	sparse = kzalloc(size, GFP_KERNEL);
	if (!sparse)
		return -ENOMEM;
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	sparse->nr_areas = 1;
	sparse->areas[0].offset = 0;
	sparse->areas[0].size = vgpu->vram_size;
	ret = vfio_info_add_capability(caps, &sparse->header, size);
	kfree(sparse);
	return ret;
}

static int vgpu_region_info(struct vgpu_state *vgpu,
			    struct vfio_region_info *info,
			    struct vfio_info_cap *caps)
{
	const u32 rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

	if (info->index >= VGPU_NUM_REGIONS)
		return -EINVAL;

	info->offset = VGPU_REGION_OFFSET(info->index);
	info->size = 0;
	info->flags = 0;
	switch (info->index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info->size = VGPU_CFG_SIZE;
		info->flags = rw;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		info->size = vgpu->bar0_size;
		info->flags = rw | VFIO_REGION_INFO_FLAG_MMAP;
		return vgpu_add_sparse_cap(vgpu, caps);
	case VFIO_PCI_BAR2_REGION_INDEX:
		info->size = VGPU_BAR2_SIZE;
		info->flags = rw;
		break;
	case VFIO_PCI_BAR4_REGION_INDEX:
		info->size = (u64)vgpu->gtt_entries * VGPU_GTT_ENTRY_SIZE;
		info->flags = rw;
		break;
	case VGPU_REGION_LINEAR:
		if (!(vgpu->offer & VGPU_OFFER_REGION))
			break;
		info->size = vgpu_linear_size(vgpu);
		info->flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_MMAP;
		break;
	case VGPU_REGION_EDID:
		info->size = vgpu_edid_region_size();
		info->flags = rw;
		return vgpu_add_type_cap(caps, VFIO_REGION_TYPE_GFX,
					 VFIO_REGION_SUBTYPE_GFX_EDID);
	}
	return 0;
}

static long vgpu_ioctl_region_info(struct vgpu_state *vgpu, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info info;
	int ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	ret = vgpu_region_info(vgpu, &info, &caps);
	if (ret)
		goto out;

	info.cap_offset = 0;
	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			/* tell userspace how much to ask for */
			info.argsz = sizeof(info) + caps.size;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + sizeof(info), caps.buf,
					 caps.size)) {
				ret = -EFAULT;
				goto out;
			}
			info.cap_offset = sizeof(info);
		}
	}
	if (copy_to_user(arg, &info, minsz))
		ret = -EFAULT;
out:
	kfree(caps.buf);
	return ret;
}

static long vgpu_ioctl_irq_info(struct vgpu_state *vgpu, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	int ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	ret = vgpu_irq_get_info(vgpu, &info);
	if (ret)
		return ret;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long vgpu_ioctl_set_irqs(struct vgpu_state *vgpu, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	return vgpu_irq_set(vgpu, &hdr, arg + minsz);
}

long vgpu_ioctl_query_plane(struct vgpu_state *vgpu, void __user *arg,
			    u32 offer)
{
	unsigned long minsz =
		offsetofend(struct vfio_device_gfx_plane_info, region_index);
	struct vfio_device_gfx_plane_info plane;
	int ret;

	if (copy_from_user(&plane, arg, minsz))
		return -EFAULT;
	if (plane.argsz < minsz)
		return -EINVAL;
	ret = vgpu_query_gfx_plane(vgpu, &plane, offer);
	if (ret)
		return ret;
	return copy_to_user(arg, &plane, minsz) ? -EFAULT : 0;
}

static long vgpu_ioctl(struct vfio_device *vdev, unsigned int cmd,
		       unsigned long arg)
{
	struct vgpu_state *vgpu = vdev_to_vgpu(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO: {
		unsigned long minsz = offsetofend(struct vfio_device_info,
						  num_irqs);
		struct vfio_device_info info;

		if (copy_from_user(&info, uarg, minsz))
			return -EFAULT;
		if (info.argsz < minsz)
			return -EINVAL;
		info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
		info.num_regions = VGPU_NUM_REGIONS;
		info.num_irqs = vgpu->extensions ? VGPU_NUM_IRQS :
						   VGPU_EVENT_IRQ_INDEX;
		return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
	}
	case VFIO_DEVICE_GET_REGION_INFO:
		return vgpu_ioctl_region_info(vgpu, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vgpu_ioctl_irq_info(vgpu, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vgpu_ioctl_set_irqs(vgpu, uarg);
	case VFIO_DEVICE_RESET:
		mutex_lock(&vgpu->lock);
		vgpu_reset(vgpu);
		mutex_unlock(&vgpu->lock);
		return 0;
	case VFIO_DEVICE_QUERY_GFX_PLANE:
		return vgpu_ioctl_query_plane(vgpu, uarg, READ_ONCE(vgpu->offer));
	case VFIO_DEVICE_GET_GFX_DMABUF: {
		u32 id;

		if (get_user(id, (u32 __user *)uarg))
			return -EFAULT;
		return vgpu_dmabuf_get_fd(vgpu, id);
	}
	}
	return -ENOTTY;
}

const struct vfio_device_ops vgpu_dev_ops = {
	.name = VGPU_NAME,
	.init = vgpu_init_dev,
	.release = vgpu_release_dev,
#if VGPU_VFIO_HAS_IOMMUFD
	/* no physical IOMMU behind an mdev: the emulated iommufd glue */
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
#endif
	.open_device = vgpu_open_device,
	.close_device = vgpu_close_device,
	.read = vgpu_read,
	.write = vgpu_write,
	.ioctl = vgpu_ioctl,
	.mmap = vgpu_mmap,
	.request = vgpu_request,
	.dma_unmap = vgpu_dma_unmap,
};
