// SPDX-License-Identifier: GPL-2.0
/*
 * Module, mdev parent and vGPU types of vgpu_mediator
 *
 * The module registers a virtual parent device (no real hardware is
 * behind it) with three mdev types. Instances share a VRAM budget and an
 * instance cap, both module parameters; VRAM is only allocated when the
 * guest touches it, so the budget bounds what instances *may* use.
 */
#include <linux/module.h>
#include <linux/device.h>
#include <linux/sysfs.h>
#include <linux/mdev.h>

#include "vgpu.h"

static unsigned int total_vram_mb = 1024;
module_param(total_vram_mb, uint, 0444);
MODULE_PARM_DESC(total_vram_mb, "VRAM budget shared by all vGPU instances, in MiB");

static unsigned int max_instances = 32;
module_param(max_instances, uint, 0444);
MODULE_PARM_DESC(max_instances, "maximum number of vGPU instances");

/*
 * Writable at run time and read once per instance, when it is created: a
 * test can create an upstream-style instance beside extended ones without
 * reloading the module.
 */
static bool extensions = true;
module_param(extensions, bool, 0644);
MODULE_PARM_DESC(extensions,
		 "new instances get the display-export device, event interrupt, damage registers and dirty tracking (N: only the VFIO display ioctls, like mbochs or GVT-g)");

bool vgpu_extensions_param(void)
{
	return READ_ONCE(extensions);
}

/*
 * Also read once per instance: a test creates an instance of another ABI
 * major beside a normal one, to see a guest driver refuse it.
 */
static unsigned int abi_major = VGPU_VERSION_MAJOR;
module_param(abi_major, uint, 0644);
MODULE_PARM_DESC(abi_major,
		 "ABI major version new instances announce in their vendor capability and VERSION register (for testing guest drivers; default 1)");

u8 vgpu_abi_major_param(void)
{
	return min(READ_ONCE(abi_major), 255u);
}

/* BAR sizes must be powers of two; vram_mb is the BAR0 size. */
static struct vgpu_type vgpu_types[] = {
	{
		.type.sysfs_name = "small",
		.type.pretty_name = "vgpu-small",
		.index = 0,
		.vram_mb = 16,
		.max_width = 1280,
		.max_height = 1024,
	}, {
		.type.sysfs_name = "medium",
		.type.pretty_name = "vgpu-medium",
		.index = 1,
		.vram_mb = 64,
		.max_width = 2560,
		.max_height = 1600,
	}, {
		.type.sysfs_name = "large",
		.type.pretty_name = "vgpu-large",
		.index = 2,
		.vram_mb = 256,
		.max_width = 4096,
		.max_height = 2304,
	},
};

static struct mdev_type *vgpu_mdev_types[] = {
	&vgpu_types[0].type,
	&vgpu_types[1].type,
	&vgpu_types[2].type,
};

/*
 * Budget accounting. A mutex rather than atomics: two counters must move
 * together, and creation is rare.
 */
static DEFINE_MUTEX(vgpu_budget_lock);
static unsigned int vgpu_used_mb;
static unsigned int vgpu_used_instances;

int vgpu_budget_reserve(const struct vgpu_type *type)
{
	int ret = -ENOSPC;

	mutex_lock(&vgpu_budget_lock);
	if (vgpu_used_instances < max_instances &&
	    type->vram_mb <= total_vram_mb - vgpu_used_mb) {
		vgpu_used_mb += type->vram_mb;
		vgpu_used_instances++;
		ret = 0;
	}
	mutex_unlock(&vgpu_budget_lock);
	return ret;
}

void vgpu_budget_release(const struct vgpu_type *type)
{
	mutex_lock(&vgpu_budget_lock);
	vgpu_used_mb -= type->vram_mb;
	vgpu_used_instances--;
	mutex_unlock(&vgpu_budget_lock);
}

static unsigned int vgpu_get_available(struct mdev_type *mtype)
{
	struct vgpu_type *type = container_of(mtype, struct vgpu_type, type);
	unsigned int by_vram, by_count;

	mutex_lock(&vgpu_budget_lock);
	by_vram = (total_vram_mb - vgpu_used_mb) / type->vram_mb;
	by_count = max_instances - vgpu_used_instances;
	mutex_unlock(&vgpu_budget_lock);
	return min(by_vram, by_count);
}

static ssize_t vgpu_show_description(struct mdev_type *mtype, char *buf)
{
	struct vgpu_type *type = container_of(mtype, struct vgpu_type, type);

	return sysfs_emit(buf,
			  "virtual display GPU, %u MiB VRAM, up to %ux%u, primary and cursor planes, GTT, damage events, dma-buf export\n",
			  type->vram_mb, type->max_width, type->max_height);
}

static int vgpu_probe(struct mdev_device *mdev)
{
	struct vgpu_state *vgpu;
	int ret;

	/* Calls vgpu_dev_ops.init, which reserves the budget. */
	vgpu = vfio_alloc_device(vgpu_state, vdev, &mdev->dev, &vgpu_dev_ops);
	if (IS_ERR(vgpu))
		return PTR_ERR(vgpu);

	ret = vfio_register_emulated_iommu_dev(&vgpu->vdev);
	if (ret) {
		vfio_put_device(&vgpu->vdev);
		return ret;
	}
	dev_set_drvdata(&mdev->dev, vgpu);
	ret = vgpu->extensions ? vgpu_display_add(vgpu) : 0;
	if (ret) {
		dev_err(&mdev->dev, "cannot create the display-export device: %d\n",
			ret);
		vfio_unregister_group_dev(&vgpu->vdev);
		vfio_put_device(&vgpu->vdev);
		return ret;
	}
	vgpu_debugfs_add(vgpu);
	return 0;
}

static void vgpu_remove(struct mdev_device *mdev)
{
	struct vgpu_state *vgpu = dev_get_drvdata(&mdev->dev);

	vgpu_debugfs_remove(vgpu);
	/* readers see EPOLLHUP now, not after the VMM lets go */
	vgpu_display_remove(vgpu);
	/* Waits until userspace has closed the VFIO device. */
	vfio_unregister_group_dev(&vgpu->vdev);
	vfio_put_device(&vgpu->vdev);
}

static struct mdev_driver vgpu_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = VGPU_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = vgpu_dev_groups,
	},
	.probe = vgpu_probe,
	.remove = vgpu_remove,
	.get_available = vgpu_get_available,
	.show_description = vgpu_show_description,
};

/*
 * The parent: a class device standing in for the physical GPU that a real
 * mediator would sit on. The mdev core names the type directories
 * "<class>-<type>", hence "vgpu_mediator-small" and so on.
 */
static struct class vgpu_class = {
	.name = VGPU_PARENT_CLASS,
};

static struct device vgpu_parent_dev;
static struct mdev_parent vgpu_parent;

static void vgpu_parent_release(struct device *dev)
{
	/* static object: nothing to free */
}

static int __init vgpu_init(void)
{
	int ret;

	if (!total_vram_mb || !max_instances)
		return -EINVAL;

	vgpu_debugfs_init();

	ret = vgpu_display_register();
	if (ret)
		goto err_debugfs;

	ret = mdev_register_driver(&vgpu_mdev_driver);
	if (ret)
		goto err_display;

	ret = class_register(&vgpu_class);
	if (ret)
		goto err_driver;

	vgpu_parent_dev.class = &vgpu_class;
	vgpu_parent_dev.release = vgpu_parent_release;
	dev_set_name(&vgpu_parent_dev, "%s", VGPU_PARENT_DEVICE);
	ret = device_register(&vgpu_parent_dev);
	if (ret) {
		put_device(&vgpu_parent_dev);
		goto err_class;
	}

	ret = mdev_register_parent(&vgpu_parent, &vgpu_parent_dev,
				   &vgpu_mdev_driver, vgpu_mdev_types,
				   ARRAY_SIZE(vgpu_mdev_types));
	if (ret)
		goto err_device;

	pr_info("%s: %u MiB VRAM budget, up to %u instances\n", VGPU_NAME,
		total_vram_mb, max_instances);
	return 0;

err_device:
	device_unregister(&vgpu_parent_dev);
err_class:
	class_unregister(&vgpu_class);
err_driver:
	mdev_unregister_driver(&vgpu_mdev_driver);
err_display:
	vgpu_display_unregister();
err_debugfs:
	vgpu_debugfs_exit();
	return ret;
}

static void __exit vgpu_exit(void)
{
	/* Removes every remaining instance (waiting for open VFIO fds). */
	mdev_unregister_parent(&vgpu_parent);
	device_unregister(&vgpu_parent_dev);
	class_unregister(&vgpu_class);
	mdev_unregister_driver(&vgpu_mdev_driver);
	vgpu_display_unregister();
	vgpu_debugfs_exit();
}

module_init(vgpu_init);
module_exit(vgpu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("fbexport virtual display GPU: VFIO mdev with dma-buf plane export");
MODULE_IMPORT_NS(DMA_BUF);
