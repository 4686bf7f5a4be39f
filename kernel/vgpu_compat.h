/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels this module builds for
 *
 * It is an out-of-tree module for Debian's 6.1 and 6.12 kernels, so the
 * version checks checkpatch dislikes are unavoidable; they all live here.
 */
#ifndef VGPU_COMPAT_H
#define VGPU_COMPAT_H

#include <linux/version.h>
#include <linux/eventfd.h>

/*
 * 6.2 gave vfio_device_ops the iommufd callbacks (an emulated-IOMMU
 * device must set them) and made the core free the vfio_device after
 * .release, where before the driver called vfio_free_device() itself.
 */
#define VGPU_VFIO_HAS_IOMMUFD	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0))

/* 6.8 dropped the counter argument of eventfd_signal(). */
static inline void vgpu_eventfd_signal(struct eventfd_ctx *ctx)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

#endif /* VGPU_COMPAT_H */
