// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_drm: PCI binding, device checks and DRM registration
 *
 * 1af4:10f0 is in QEMU's range for experimental devices, so the ID alone
 * does not say the device is ours: the vendor capability's magic and ABI
 * major version are checked before anything is touched, and the register
 * block must say the same.
 */
#include <linux/module.h>
#include <linux/pci.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem_vram_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_module.h>
#include <drm/drm_probe_helper.h>

#include "vgpu_drm.h"
#include "vgpu_drm_compat.h"

DEFINE_DRM_GEM_FOPS(vgpu_drm_fops);

static const struct drm_driver vgpu_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_MODESET | DRIVER_ATOMIC,
	.fops = &vgpu_drm_fops,
	.name = VGPU_DRM_NAME,
	.desc = "fbexport virtual display GPU",
	VGPU_DRM_DRIVER_DATE
	.major = 1,
	.minor = 0,
	DRM_GEM_VRAM_DRIVER,
};

/* The vendor capability names the device and its ABI major version. */
static int vgpu_drm_check_capability(struct pci_dev *pdev)
{
	u8 cap, major;
	u32 magic;

	for (cap = pci_find_capability(pdev, PCI_CAP_ID_VNDR); cap;
	     cap = pci_find_next_capability(pdev, cap, PCI_CAP_ID_VNDR)) {
		pci_read_config_dword(pdev, cap + VGPU_VNDR_CAP_OFF_MAGIC, &magic);
		if (magic == VGPU_VNDR_CAP_MAGIC)
			break;
	}
	if (!cap) {
		dev_err(&pdev->dev,
			"no fbexport vGPU vendor capability (magic %#x): not this driver's device\n",
			VGPU_VNDR_CAP_MAGIC);
		return -ENODEV;
	}
	pci_read_config_byte(pdev, cap + VGPU_VNDR_CAP_OFF_VERSION, &major);
	if (major != VGPU_VERSION_MAJOR) {
		dev_err(&pdev->dev,
			"vGPU ABI major version %u, this driver speaks %u: refusing the device\n",
			major, VGPU_VERSION_MAJOR);
		return -ENODEV;
	}
	return 0;
}

static int vgpu_drm_map_device(struct vgpu_drm *vdrm, struct pci_dev *pdev)
{
	struct device *dev = &pdev->dev;
	resource_size_t regs_base = pci_resource_start(pdev, VGPU_REG_BAR);
	resource_size_t regs_len = pci_resource_len(pdev, VGPU_REG_BAR);
	resource_size_t vram_len = pci_resource_len(pdev, VGPU_VRAM_BAR);
	u32 id, version;

	if (regs_len < VGPU_BAR2_SIZE || vram_len <= VGPU_BAR0_REG_WINDOW_SIZE) {
		dev_err(dev, "BAR%d is %pa bytes and BAR%d %pa: too small for a vGPU\n",
			VGPU_REG_BAR, &regs_len, VGPU_VRAM_BAR, &vram_len);
		return -ENODEV;
	}
	if (!devm_request_mem_region(dev, regs_base, regs_len, VGPU_DRM_NAME) ||
	    !devm_request_mem_region(dev, pci_resource_start(pdev, VGPU_VRAM_BAR),
				     vram_len, VGPU_DRM_NAME)) {
		dev_err(dev, "the vGPU's BARs are claimed by another driver\n");
		return -EBUSY;
	}
	vdrm->regs = devm_ioremap(dev, regs_base, VGPU_BAR2_SIZE);
	if (!vdrm->regs)
		return -ENOMEM;

	id = vgpu_drm_read(vdrm, VGPU_REG_ID);
	version = vgpu_drm_read(vdrm, VGPU_REG_VERSION);
	if (id != VGPU_ID_MAGIC || version >> 16 != VGPU_VERSION_MAJOR) {
		dev_err(dev, "registers say ID %#x version %#x, not a vGPU of ABI %u\n",
			id, version, VGPU_VERSION_MAJOR);
		return -ENODEV;
	}

	vdrm->caps = vgpu_drm_read(vdrm, VGPU_REG_CAPS);
	vdrm->max_width = vgpu_drm_read(vdrm, VGPU_REG_MAX_WIDTH);
	vdrm->max_height = vgpu_drm_read(vdrm, VGPU_REG_MAX_HEIGHT);
	vdrm->vram_base = pci_resource_start(pdev, VGPU_VRAM_BAR);
	vdrm->vram_size = vgpu_drm_read(vdrm, VGPU_REG_VRAM_SIZE_LO) |
			  (u64)vgpu_drm_read(vdrm, VGPU_REG_VRAM_SIZE_HI) << 32;
	/* the register says what the device offers; the BAR bounds it */
	if (!vdrm->vram_size || vdrm->vram_size > VGPU_USABLE_VRAM(vram_len) ||
	    !vdrm->max_width || !vdrm->max_height) {
		dev_err(dev, "vGPU reports %llu bytes of VRAM (BAR0 %pa) and a %ux%u limit\n",
			vdrm->vram_size, &vram_len, vdrm->max_width, vdrm->max_height);
		return -ENODEV;
	}
	dev_info(dev, "vGPU ABI %u.%u, %llu MiB VRAM, up to %ux%u, caps %#x\n",
		 version >> 16, version & 0xffff, vdrm->vram_size >> 20,
		 vdrm->max_width, vdrm->max_height, vdrm->caps);
	return 0;
}

static int vgpu_drm_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct vgpu_drm *vdrm;
	struct drm_device *drm;
	int ret;

	ret = vgpu_drm_check_capability(pdev);
	if (ret)
		return ret;

	vdrm = devm_drm_dev_alloc(&pdev->dev, &vgpu_drm_driver, struct vgpu_drm, drm);
	if (IS_ERR(vdrm))
		return PTR_ERR(vdrm);
	drm = &vdrm->drm;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = vgpu_drm_map_device(vdrm, pdev);
	if (ret)
		return ret;
	/* whatever an earlier driver or VM left latched goes dark first */
	vgpu_drm_plane_off(vdrm);

	ret = drmm_vram_helper_init(drm, vdrm->vram_base, vdrm->vram_size);
	if (ret)
		return ret;
	ret = vgpu_drm_kms_init(vdrm);
	if (ret)
		return ret;

	pci_set_drvdata(pdev, drm);
	ret = drm_dev_register(drm, 0);
	if (ret)
		return ret;
	vgpu_drm_fbdev_setup(drm);
	return 0;
}

static void vgpu_drm_remove(struct pci_dev *pdev)
{
	struct drm_device *drm = pci_get_drvdata(pdev);

	drm_dev_unplug(drm);
	drm_atomic_helper_shutdown(drm);
}

static void vgpu_drm_shutdown(struct pci_dev *pdev)
{
	drm_atomic_helper_shutdown(pci_get_drvdata(pdev));
}

static const struct pci_device_id vgpu_drm_pci_ids[] = {
	{ PCI_DEVICE_SUB(VGPU_PCI_VENDOR_ID, VGPU_PCI_DEVICE_ID,
			 VGPU_PCI_SUBSYS_VENDOR_ID, VGPU_PCI_SUBSYS_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, vgpu_drm_pci_ids);

static struct pci_driver vgpu_drm_pci_driver = {
	.name = VGPU_DRM_NAME,
	.id_table = vgpu_drm_pci_ids,
	.probe = vgpu_drm_probe,
	.remove = vgpu_drm_remove,
	.shutdown = vgpu_drm_shutdown,
};

drm_module_pci_driver(vgpu_drm_pci_driver);

MODULE_DESCRIPTION("DRM driver for the fbexport virtual display GPU");
MODULE_AUTHOR("fbexport");
MODULE_LICENSE("GPL");
