// SPDX-License-Identifier: GPL-2.0
/*
 * Per-instance diagnostics: sysfs group "vgpu" on the mdev
 * device and a debugfs state dump
 *
 * The invalid counter is how tests and admins see that a guest wrote
 * values the device refused; the debugfs dump is for humans.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>
#include <linux/device.h>

#include "vgpu.h"

static struct dentry *vgpu_debugfs_root;

static ssize_t invalid_planes_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct vgpu_state *vgpu = dev_get_drvdata(dev);
	u64 count;

	mutex_lock(&vgpu->lock);
	count = vgpu->eng.invalid_count;
	mutex_unlock(&vgpu->lock);
	return sysfs_emit(buf, "%llu\n", count);
}
static DEVICE_ATTR_RO(invalid_planes);

static ssize_t vram_size_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct vgpu_state *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", vgpu->vram_size);
}
static DEVICE_ATTR_RO(vram_size);

static ssize_t flip_count_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct vgpu_state *vgpu = dev_get_drvdata(dev);
	u32 count;

	mutex_lock(&vgpu->lock);
	count = vgpu->eng.flip_count;
	mutex_unlock(&vgpu->lock);
	return sysfs_emit(buf, "%u\n", count);
}
static DEVICE_ATTR_RO(flip_count);

static ssize_t pinned_pages_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct vgpu_state *vgpu = dev_get_drvdata(dev);
	unsigned long pinned;

	mutex_lock(&vgpu->lock);
	pinned = vgpu->pinned;
	mutex_unlock(&vgpu->lock);
	return sysfs_emit(buf, "%lu\n", pinned);
}
static DEVICE_ATTR_RO(pinned_pages);

/*
 * What the instance holds on the host that a guest's actions make grow:
 * VRAM pages allocated on first touch and dma-buf cache entries. Tests
 * compare them before and after a hostile guest (with pinned_pages).
 */
static ssize_t vram_pages_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct vgpu_state *vgpu = dev_get_drvdata(dev);
	unsigned long i, allocated = 0;

	mutex_lock(&vgpu->lock);
	for (i = 0; i < vgpu->vram_pages; i++)
		allocated += !!vgpu->pages[i];
	mutex_unlock(&vgpu->lock);
	return sysfs_emit(buf, "%lu\n", allocated);
}
static DEVICE_ATTR_RO(vram_pages);

static ssize_t dmabufs_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct vgpu_state *vgpu = dev_get_drvdata(dev);
	unsigned int n;

	mutex_lock(&vgpu->lock);
	n = vgpu->n_dmabufs;
	mutex_unlock(&vgpu->lock);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_RO(dmabufs);

static ssize_t events_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vgpu_state *vgpu = dev_get_drvdata(dev);
	u64 events;

	mutex_lock(&vgpu->lock);
	events = vgpu->events;
	mutex_unlock(&vgpu->lock);
	return sysfs_emit(buf, "%llu\n", events);
}
static DEVICE_ATTR_RO(events);

static ssize_t display_dev_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct vgpu_state *vgpu = dev_get_drvdata(dev);
	ssize_t ret;

	mutex_lock(&vgpu->lock);
	ret = sysfs_emit(buf, "%s\n", vgpu_display_path(vgpu));
	mutex_unlock(&vgpu->lock);
	return ret;
}
static DEVICE_ATTR_RO(display_dev);

/*
 * Which plane types the VFIO fd offers. QEMU probes dma-buf first and,
 * without OpenGL, refuses a device that offers it; such a VMM needs
 * "region". The display-export device always offers both.
 */
static const struct {
	const char *name;
	u32 offer;
} vgpu_plane_type_names[] = {
	{ VGPU_PLANE_TYPES_DMABUF, VGPU_OFFER_DMABUF },
	{ VGPU_PLANE_TYPES_REGION, VGPU_OFFER_REGION },
	{ VGPU_PLANE_TYPES_BOTH, VGPU_OFFER_ALL },
};

static ssize_t plane_types_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct vgpu_state *vgpu = dev_get_drvdata(dev);
	u32 offer = READ_ONCE(vgpu->offer);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vgpu_plane_type_names); i++)
		if (vgpu_plane_type_names[i].offer == offer)
			return sysfs_emit(buf, "%s\n", vgpu_plane_type_names[i].name);
	return sysfs_emit(buf, "none\n");
}

static ssize_t plane_types_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct vgpu_state *vgpu = dev_get_drvdata(dev);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vgpu_plane_type_names); i++) {
		if (sysfs_streq(buf, vgpu_plane_type_names[i].name)) {
			mutex_lock(&vgpu->lock);
			WRITE_ONCE(vgpu->offer, vgpu_plane_type_names[i].offer);
			mutex_unlock(&vgpu->lock);
			return count;
		}
	}
	return -EINVAL;
}
static DEVICE_ATTR_RW(plane_types);

static struct attribute *vgpu_dev_attrs[] = {
	&dev_attr_invalid_planes.attr,
	&dev_attr_vram_size.attr,
	&dev_attr_flip_count.attr,
	&dev_attr_pinned_pages.attr,
	&dev_attr_events.attr,
	&dev_attr_vram_pages.attr,
	&dev_attr_dmabufs.attr,
	&dev_attr_display_dev.attr,
	&dev_attr_plane_types.attr,
	NULL,
};

static const struct attribute_group vgpu_dev_group = {
	.name = VGPU_SYSFS_GROUP,
	.attrs = vgpu_dev_attrs,
};

const struct attribute_group *vgpu_dev_groups[] = {
	&vgpu_dev_group,
	NULL,
};

static const char * const vgpu_status_names[VGPU_PLANE_ERR_COUNT] = {
	[VGPU_PLANE_OK] = "ok",
	[VGPU_PLANE_ERR_DISABLED] = "disabled",
	[VGPU_PLANE_ERR_FORMAT] = "bad format",
	[VGPU_PLANE_ERR_MODIFIER] = "bad modifier",
	[VGPU_PLANE_ERR_SIZE] = "bad size",
	[VGPU_PLANE_ERR_STRIDE] = "bad stride",
	[VGPU_PLANE_ERR_ALIGN] = "misaligned",
	[VGPU_PLANE_ERR_RANGE] = "outside VRAM",
	[VGPU_PLANE_ERR_HOTSPOT] = "bad hotspot",
	[VGPU_PLANE_ERR_GTT] = "GTT translation failed",
};

static void vgpu_show_plane(struct seq_file *s, const char *what,
			    const struct vgpu_plane_regs *r)
{
	seq_printf(s, "  %-7s en=%u fmt=%08x mod=%016llx %s off=%llx %ux%u stride=%u pos=%d,%d hot=%u,%u\n",
		   what, r->enable, r->format, r->modifier,
		   r->memory == VGPU_MEMORY_GTT ? "gtt" : "vram", r->offset,
		   r->width, r->height, r->stride, r->pos_x, r->pos_y,
		   r->hot_x, r->hot_y);
}

static int vgpu_state_show(struct seq_file *s, void *unused)
{
	struct vgpu_state *vgpu = s->private;
	struct vgpu_engine *e = &vgpu->eng;
	unsigned long i, allocated = 0;
	int p;

	mutex_lock(&vgpu->lock);
	seq_printf(s, "type %s, VRAM %llu bytes usable\n",
		   vgpu->type->type.pretty_name, vgpu->vram_size);
	for (i = 0; i < vgpu->vram_pages; i++)
		allocated += !!vgpu->pages[i];
	seq_printf(s, "VRAM pages allocated %lu of %lu\n", allocated,
		   vgpu->vram_pages);
	seq_printf(s, "flips %u, invalid %llu, int status %x enable %x, intx %s%s, msi %s\n",
		   e->flip_count, e->invalid_count, e->int_status, e->int_enable,
		   vgpu->intx_trigger ? "set" : "unset",
		   vgpu->intx_masked ? " (masked)" : "",
		   vgpu->msi_trigger ? "set" : "unset");
	for (p = 0; p < VGPU_NUM_PLANES; p++) {
		u32 st = e->status[p];

		seq_printf(s, "plane %d: %s\n", p,
			   st < VGPU_PLANE_ERR_COUNT ? vgpu_status_names[st] : "?");
		vgpu_show_plane(s, "pending", &e->pending[p]);
		vgpu_show_plane(s, "active", &e->active[p]);
	}
	seq_printf(s, "dma-buf cache: %u entries, next id %u\n",
		   vgpu->n_dmabufs, vgpu->next_dmabuf_id);
	seq_printf(s, "GTT %u entries, pinned %lu of %lu pages, events %llu, damage mode %u\n",
		   vgpu->gtt_entries, vgpu->pinned, vgpu->pin_budget,
		   vgpu->events, e->damage_mode);
	mutex_unlock(&vgpu->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vgpu_state);

void vgpu_debugfs_init(void)
{
	vgpu_debugfs_root = debugfs_create_dir(VGPU_DEBUGFS_DIR, NULL);
}

void vgpu_debugfs_exit(void)
{
	debugfs_remove_recursive(vgpu_debugfs_root);
	vgpu_debugfs_root = NULL;
}

/* debugfs failures are not errors: the dump is optional. */
void vgpu_debugfs_add(struct vgpu_state *vgpu)
{
	vgpu->debugfs = debugfs_create_dir(dev_name(vgpu->vdev.dev),
					   vgpu_debugfs_root);
	debugfs_create_file("state", 0400, vgpu->debugfs, vgpu,
			    &vgpu_state_fops);
}

/* Waits for readers of the dump to finish before the state can go. */
void vgpu_debugfs_remove(struct vgpu_state *vgpu)
{
	debugfs_remove_recursive(vgpu->debugfs);
	vgpu->debugfs = NULL;
}
