// SPDX-License-Identifier: GPL-2.0
/*
 * The display-export character device: /dev/vgpu/<uuid>
 *
 * A VMM owns the VFIO device, so a display service needs a door of its
 * own: plane queries and dma-bufs with the VFIO ioctls, and event
 * records through read()/poll(). Any number of readers may open it; each
 * gets its own bounded queue, filled under a spinlock by whoever creates
 * an event, so a slow or stuck reader costs the guest nothing: when its
 * queue is full, the queue is replaced by one OVERFLOW record.
 *
 * The device lives in struct vgpu_display, reference-counted by its
 * struct device: open files keep it (not the instance) alive. When the
 * instance goes, the pointer to it is cleared under disp->lock, readers
 * are woken and see EPOLLHUP, and ioctls fail with ENODEV.
 */
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "vgpu.h"

#define VGPU_DISPLAY_MINORS	256

struct vgpu_display {
	struct device dev;		/* owns the memory: release frees it */
	struct cdev cdev;
	struct mutex lock;		/* guards vgpu */
	struct vgpu_state *vgpu;	/* NULL once the instance is gone */
	spinlock_t qlock;		/* guards everything below */
	struct list_head readers;
	wait_queue_head_t wait;
	u64 seq;
	bool gone;
	char path[64];
};

struct vgpu_reader {
	struct list_head node;		/* vgpu_display.readers */
	struct vgpu_display *disp;
	u32 head;			/* oldest record */
	u32 count;
	struct vgpu_event queue[VGPU_DISPLAY_QUEUE_LEN];
};

static dev_t vgpu_display_devt;
static DEFINE_IDA(vgpu_display_ida);

static struct class vgpu_display_class = {
	.name = VGPU_DISPLAY_CLASS,
};

static struct vgpu_event *vgpu_reader_at(struct vgpu_reader *r, u32 i)
{
	return &r->queue[(r->head + i) % VGPU_DISPLAY_QUEUE_LEN];
}

/* Damage for the same plane and surface folds into the newest record. */
static bool vgpu_reader_coalesce(struct vgpu_reader *r,
				 const struct vgpu_event *ev)
{
	struct vgpu_event *tail;
	u32 i;

	if (ev->type != VGPU_EVENT_DAMAGE || !r->count)
		return false;
	tail = vgpu_reader_at(r, r->count - 1);
	if (tail->type != VGPU_EVENT_DAMAGE || tail->plane != ev->plane ||
	    tail->dmabuf_id != ev->dmabuf_id)
		return false;
	for (i = 0; i < ev->count; i++)
		vgpu_rects_add(tail->u.rects, &tail->count,
			       VGPU_EVENT_MAX_RECTS, &ev->u.rects[i]);
	return true;
}

static void vgpu_reader_push(struct vgpu_reader *r, const struct vgpu_event *ev)
{
	if (vgpu_reader_coalesce(r, ev))
		return;
	if (r->count == VGPU_DISPLAY_QUEUE_LEN) {
		/* lost events: one record telling the reader to refresh all */
		struct vgpu_event *over = &r->queue[0];

		memset(over, 0, sizeof(*over));
		over->type = VGPU_EVENT_OVERFLOW;
		over->seq = ev->seq;
		over->time_ns = ev->time_ns;
		r->head = 0;
		r->count = 1;
	}
	*vgpu_reader_at(r, r->count) = *ev;
	r->count++;
}

/* Called with the instance lock held; never sleeps. */
void vgpu_display_post(struct vgpu_display *disp, struct vgpu_event *ev)
{
	struct vgpu_reader *r;

	spin_lock(&disp->qlock);
	ev->seq = ++disp->seq;
	list_for_each_entry(r, &disp->readers, node)
		vgpu_reader_push(r, ev);
	spin_unlock(&disp->qlock);
	wake_up_interruptible(&disp->wait);
}

static int vgpu_display_open(struct inode *inode, struct file *file)
{
	struct vgpu_display *disp =
		container_of(inode->i_cdev, struct vgpu_display, cdev);
	struct vgpu_reader *r;

	r = kvzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->disp = disp;
	get_device(&disp->dev);

	spin_lock(&disp->qlock);
	if (disp->gone) {
		spin_unlock(&disp->qlock);
		put_device(&disp->dev);
		kvfree(r);
		return -ENODEV;
	}
	list_add_tail(&r->node, &disp->readers);
	spin_unlock(&disp->qlock);

	file->private_data = r;
	return stream_open(inode, file);
}

static int vgpu_display_release(struct inode *inode, struct file *file)
{
	struct vgpu_reader *r = file->private_data;
	struct vgpu_display *disp = r->disp;

	spin_lock(&disp->qlock);
	list_del(&r->node);
	spin_unlock(&disp->qlock);
	kvfree(r);
	put_device(&disp->dev);
	return 0;
}

/* Moves up to @max whole records out of the queue into @buf. */
static u32 vgpu_reader_take(struct vgpu_reader *r, struct vgpu_event *buf,
			    u32 max, bool *gone)
{
	struct vgpu_display *disp = r->disp;
	u32 n, i;

	spin_lock(&disp->qlock);
	n = min(max, r->count);
	for (i = 0; i < n; i++)
		buf[i] = *vgpu_reader_at(r, i);
	r->head = (r->head + n) % VGPU_DISPLAY_QUEUE_LEN;
	r->count -= n;
	*gone = disp->gone;
	spin_unlock(&disp->qlock);
	return n;
}

static bool vgpu_reader_ready(struct vgpu_reader *r)
{
	bool ready;

	spin_lock(&r->disp->qlock);
	ready = r->count || r->disp->gone;
	spin_unlock(&r->disp->qlock);
	return ready;
}

#define VGPU_READ_BATCH	16

static ssize_t vgpu_display_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct vgpu_reader *r = file->private_data;
	struct vgpu_event *buf;
	u32 max = min_t(size_t, count / sizeof(*buf), VGPU_READ_BATCH);
	bool gone;
	u32 n;
	int ret;

	if (!max)
		return -EINVAL;	/* whole records only */

	buf = kmalloc_array(max, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		n = vgpu_reader_take(r, buf, max, &gone);
		if (n || gone)
			break;
		if (file->f_flags & O_NONBLOCK) {
			kfree(buf);
			return -EAGAIN;
		}
		ret = wait_event_interruptible(r->disp->wait,
					       vgpu_reader_ready(r));
		if (ret) {
			kfree(buf);
			return ret;
		}
	}
	if (!n) {
		kfree(buf);
		return -ENODEV;	/* instance removed, queue drained */
	}
	ret = copy_to_user(ubuf, buf, n * sizeof(*buf)) ? -EFAULT : 0;
	kfree(buf);
	return ret ? ret : n * sizeof(*buf);
}

static __poll_t vgpu_display_poll(struct file *file, poll_table *wait)
{
	struct vgpu_reader *r = file->private_data;
	struct vgpu_display *disp = r->disp;
	__poll_t mask = 0;

	poll_wait(file, &disp->wait, wait);
	spin_lock(&disp->qlock);
	if (r->count)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (disp->gone)
		mask |= EPOLLHUP | EPOLLERR;
	spin_unlock(&disp->qlock);
	return mask;
}

static long vgpu_display_info(struct vgpu_state *vgpu, void __user *arg)
{
	struct vgpu_display_info info = {
		.argsz = sizeof(info),
		.version = VGPU_VERSION,
		.event_size = sizeof(struct vgpu_event),
		.queue_len = VGPU_DISPLAY_QUEUE_LEN,
		.num_planes = VGPU_NUM_PLANES,
		.vram_size = vgpu->vram_size,
		.max_width = vgpu->type->max_width,
		.max_height = vgpu->type->max_height,
	};

	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long vgpu_display_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	struct vgpu_reader *r = file->private_data;
	struct vgpu_display *disp = r->disp;
	void __user *uarg = (void __user *)arg;
	struct vgpu_state *vgpu;
	long ret;

	mutex_lock(&disp->lock);
	vgpu = disp->vgpu;
	if (!vgpu) {
		ret = -ENODEV;
		goto out;
	}
	switch (cmd) {
	case VFIO_DEVICE_QUERY_GFX_PLANE:
		ret = vgpu_ioctl_query_plane(vgpu, uarg, VGPU_OFFER_ALL);
		break;
	case VFIO_DEVICE_GET_GFX_DMABUF: {
		u32 id;

		ret = get_user(id, (u32 __user *)uarg);
		if (!ret)
			ret = vgpu_dmabuf_get_fd(vgpu, id);
		break;
	}
	case VGPU_DISPLAY_GET_INFO:
		ret = vgpu_display_info(vgpu, uarg);
		break;
	default:
		ret = -ENOTTY;
	}
out:
	mutex_unlock(&disp->lock);
	return ret;
}

static const struct file_operations vgpu_display_fops = {
	.owner = THIS_MODULE,
	.open = vgpu_display_open,
	.release = vgpu_display_release,
	.read = vgpu_display_read,
	.poll = vgpu_display_poll,
	.unlocked_ioctl = vgpu_display_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static void vgpu_display_dev_release(struct device *dev)
{
	struct vgpu_display *disp = container_of(dev, struct vgpu_display, dev);

	ida_free(&vgpu_display_ida, MINOR(dev->devt));
	mutex_destroy(&disp->lock);
	kfree(disp);
}

/* "vgpu!<uuid>": devtmpfs turns the '!' into a directory, /dev/vgpu/<uuid>. */
int vgpu_display_add(struct vgpu_state *vgpu)
{
	struct device *parent = vgpu->vdev.dev;
	struct vgpu_display *disp;
	int minor, ret;

	minor = ida_alloc_max(&vgpu_display_ida, VGPU_DISPLAY_MINORS - 1,
			      GFP_KERNEL);
	if (minor < 0)
		return minor;
	disp = kzalloc(sizeof(*disp), GFP_KERNEL);
	if (!disp) {
		ida_free(&vgpu_display_ida, minor);
		return -ENOMEM;
	}
	mutex_init(&disp->lock);
	spin_lock_init(&disp->qlock);
	INIT_LIST_HEAD(&disp->readers);
	init_waitqueue_head(&disp->wait);
	disp->vgpu = vgpu;
	snprintf(disp->path, sizeof(disp->path), VGPU_DISPLAY_DEV_DIR "/%s",
		 dev_name(parent));

	device_initialize(&disp->dev);
	disp->dev.class = &vgpu_display_class;
	disp->dev.parent = parent;
	disp->dev.devt = MKDEV(MAJOR(vgpu_display_devt), minor);
	disp->dev.release = vgpu_display_dev_release;
	ret = dev_set_name(&disp->dev, "vgpu!%s", dev_name(parent));
	if (ret)
		goto err;
	cdev_init(&disp->cdev, &vgpu_display_fops);
	disp->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&disp->cdev, &disp->dev);
	if (ret)
		goto err;

	mutex_lock(&vgpu->lock);
	vgpu->disp = disp;
	mutex_unlock(&vgpu->lock);
	return 0;

err:
	put_device(&disp->dev);	/* frees disp and the minor */
	return ret;
}

void vgpu_display_remove(struct vgpu_state *vgpu)
{
	struct vgpu_display *disp = vgpu->disp;

	if (!disp)
		return;
	cdev_device_del(&disp->cdev, &disp->dev);

	mutex_lock(&vgpu->lock);
	vgpu->disp = NULL;	/* no more events go to it */
	mutex_unlock(&vgpu->lock);

	mutex_lock(&disp->lock);
	disp->vgpu = NULL;	/* no more ioctls reach the instance */
	mutex_unlock(&disp->lock);

	spin_lock(&disp->qlock);
	disp->gone = true;
	spin_unlock(&disp->qlock);
	wake_up_interruptible(&disp->wait);
	put_device(&disp->dev);
}

const char *vgpu_display_path(struct vgpu_state *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	return vgpu->disp ? vgpu->disp->path : "";
}

int vgpu_display_register(void)
{
	int ret;

	ret = alloc_chrdev_region(&vgpu_display_devt, 0, VGPU_DISPLAY_MINORS,
				  VGPU_DISPLAY_CLASS);
	if (ret)
		return ret;
	ret = class_register(&vgpu_display_class);
	if (ret)
		unregister_chrdev_region(vgpu_display_devt, VGPU_DISPLAY_MINORS);
	return ret;
}

void vgpu_display_unregister(void)
{
	class_unregister(&vgpu_display_class);
	unregister_chrdev_region(vgpu_display_devt, VGPU_DISPLAY_MINORS);
}
