// SPDX-License-Identifier: GPL-2.0
/*
 * INTx and MSI delivered through eventfds
 *
 * The VMM (or tools/vgpu-guest) hands us eventfds with
 * VFIO_DEVICE_SET_IRQS. MSI wins when it is set up, as on real hardware
 * where enabling MSI stops INTx. INTx follows vfio-pci: signalling masks
 * it until userspace unmasks, and an unmask with the condition still
 * pending signals again, which is how a level interrupt looks through an
 * edge-only eventfd. The request interrupt (VFIO_PCI_REQ_IRQ_INDEX) asks
 * the user to let go of the device when the mdev is being removed. The
 * event interrupt (VGPU_EVENT_IRQ_INDEX) tells a host consumer that owns
 * the VFIO fd that a display event was created.
 */
#include <linux/eventfd.h>
#include <linux/slab.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vgpu.h"
#include "vgpu_compat.h"

static bool vgpu_intx_disabled(struct vgpu_state *vgpu)
{
	return vgpu->cfg[PCI_COMMAND + 1] & (PCI_COMMAND_INTX_DISABLE >> 8);
}

static void vgpu_intx_fire(struct vgpu_state *vgpu)
{
	if (!vgpu->intx_trigger || vgpu->intx_masked || vgpu_intx_disabled(vgpu))
		return;
	vgpu->intx_masked = true;
	vgpu_eventfd_signal(vgpu->intx_trigger);
}

/* The engine saw a new bit in status & enable. Lock held. */
void vgpu_irq_raise(struct vgpu_state *vgpu)
{
	lockdep_assert_held(&vgpu->lock);

	if (vgpu->msi_trigger)
		vgpu_eventfd_signal(vgpu->msi_trigger);
	else
		vgpu_intx_fire(vgpu);
}

static void vgpu_put_trigger(struct eventfd_ctx **slot)
{
	if (*slot)
		eventfd_ctx_put(*slot);
	*slot = NULL;
}

/* Removal waits for the user to close the device; ask it to. */
void vgpu_irq_request(struct vgpu_state *vgpu)
{
	mutex_lock(&vgpu->lock);
	if (vgpu->req_trigger)
		vgpu_eventfd_signal(vgpu->req_trigger);
	mutex_unlock(&vgpu->lock);
}

void vgpu_irq_release(struct vgpu_state *vgpu)
{
	vgpu_put_trigger(&vgpu->intx_trigger);
	vgpu_put_trigger(&vgpu->msi_trigger);
	vgpu_put_trigger(&vgpu->req_trigger);
	vgpu_put_trigger(&vgpu->event_trigger);
	vgpu->intx_masked = false;
}

int vgpu_irq_get_info(struct vgpu_state *vgpu, struct vfio_irq_info *info)
{
	if (!vgpu->extensions && info->index >= VGPU_EVENT_IRQ_INDEX)
		return -EINVAL;
	switch (info->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			      VFIO_IRQ_INFO_AUTOMASKED;
		info->count = 1;
		return 0;
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
	case VGPU_EVENT_IRQ_INDEX:
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		info->count = 1;
		return 0;
	}
	if (info->index >= VGPU_NUM_IRQS)
		return -EINVAL;
	info->flags = 0;
	info->count = 0;
	return 0;
}

static int vgpu_set_trigger(struct eventfd_ctx **slot, s32 fd)
{
	struct eventfd_ctx *ctx;

	if (fd < 0) {
		vgpu_put_trigger(slot);
		return 0;
	}
	ctx = eventfd_ctx_fdget(fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	vgpu_put_trigger(slot);
	*slot = ctx;
	return 0;
}

/* ACTION_TRIGGER: set/clear the eventfd or fire it. */
static int vgpu_irq_trigger(struct vgpu_state *vgpu, struct vfio_irq_set *hdr,
			    const void *data)
{
	bool intx = hdr->index == VFIO_PCI_INTX_IRQ_INDEX;
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	struct eventfd_ctx **slot;

	switch (hdr->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		slot = &vgpu->intx_trigger;
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
		slot = &vgpu->msi_trigger;
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
		slot = &vgpu->req_trigger;
		break;
	case VGPU_EVENT_IRQ_INDEX:
		slot = &vgpu->event_trigger;
		break;
	default:
		return -EINVAL;
	}

	if (!hdr->count) {
		/* count 0 with DATA_NONE switches the interrupt off */
		if (type != VFIO_IRQ_SET_DATA_NONE)
			return -EINVAL;
		vgpu_put_trigger(slot);
		return 0;
	}

	switch (type) {
	case VFIO_IRQ_SET_DATA_EVENTFD:
		return vgpu_set_trigger(slot, *(const s32 *)data);
	case VFIO_IRQ_SET_DATA_BOOL:
		if (!*(const u8 *)data)
			return 0;
		fallthrough;
	case VFIO_IRQ_SET_DATA_NONE:
		/* loopback test of the delivery path */
		if (intx)
			vgpu_intx_fire(vgpu);
		else if (*slot)
			vgpu_eventfd_signal(*slot);
		return 0;
	}
	return -EINVAL;
}

static int vgpu_irq_intx_mask(struct vgpu_state *vgpu, struct vfio_irq_set *hdr,
			      const void *data, bool mask)
{
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;

	/* unmask through an eventfd (KVM resampling) is not offered */
	if (type == VFIO_IRQ_SET_DATA_EVENTFD)
		return -EINVAL;
	if (!hdr->count)
		return 0;
	if (type == VFIO_IRQ_SET_DATA_BOOL && !*(const u8 *)data)
		return 0;

	if (mask) {
		vgpu->intx_masked = true;
	} else {
		vgpu->intx_masked = false;
		if (vgpu_engine_irq_pending(&vgpu->eng))
			vgpu_intx_fire(vgpu);
	}
	return 0;
}

int vgpu_irq_set(struct vgpu_state *vgpu, struct vfio_irq_set *hdr,
		 void __user *udata)
{
	struct vfio_irq_info info = { .index = hdr->index };
	size_t data_size = 0;
	void *data = NULL;
	int ret;

	ret = vgpu_irq_get_info(vgpu, &info);
	if (ret)
		return ret;
	ret = vfio_set_irqs_validate_and_prepare(hdr, info.count,
						 VGPU_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user(udata, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&vgpu->lock);
	ret = -EINVAL;
	switch (hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		ret = vgpu_irq_trigger(vgpu, hdr, data);
		break;
	case VFIO_IRQ_SET_ACTION_MASK:
	case VFIO_IRQ_SET_ACTION_UNMASK:
		if (hdr->index == VFIO_PCI_INTX_IRQ_INDEX)
			ret = vgpu_irq_intx_mask(vgpu, hdr, data,
						 hdr->flags & VFIO_IRQ_SET_ACTION_MASK);
		break;
	}
	mutex_unlock(&vgpu->lock);

	kfree(data);
	return ret;
}
