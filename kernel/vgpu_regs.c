// SPDX-License-Identifier: GPL-2.0
/*
 * Trapped register accesses (BAR2 and BAR0's last page)
 *
 * The register semantics live in regs_logic.c; this file only checks the
 * access shape, converts byte order and delivers the interrupts the
 * engine asks for.
 */
#include <linux/string.h>
#include <asm/byteorder.h>

#include "vgpu.h"

/*
 * Without extensions the damage registers do not exist: they behave as
 * unknown offsets (read 0, writes ignored and counted as invalid), as a
 * device that never had them would.
 */
static bool vgpu_reg_hidden(const struct vgpu_state *vgpu, u32 off)
{
	if (vgpu->extensions)
		return false;
	return off == VGPU_REG_DAMAGE_COUNT || off == VGPU_REG_DAMAGE_MODE ||
	       (off >= VGPU_DAMAGE_BASE_0 &&
		off < VGPU_DAMAGE_REG(VGPU_NUM_PLANES, 0));
}

void vgpu_regs_read(struct vgpu_state *vgpu, u32 off, void *buf, u32 count)
{
	__le32 val;

	lockdep_assert_held(&vgpu->lock);

	/* registers are 32-bit; anything else reads as zero */
	if (count != 4 || off % 4 || off >= VGPU_BAR2_SIZE ||
	    vgpu_reg_hidden(vgpu, off)) {
		memset(buf, 0, count);
		return;
	}
	val = cpu_to_le32(vgpu_engine_read(&vgpu->eng, off));
	if (off == VGPU_REG_CAPS && !vgpu->extensions)
		val &= ~cpu_to_le32(VGPU_CAP_DAMAGE);
	memcpy(buf, &val, sizeof(val));
}

void vgpu_regs_write(struct vgpu_state *vgpu, u32 off, const void *buf,
		     u32 count)
{
	__le32 val;
	u32 events;

	lockdep_assert_held(&vgpu->lock);

	if (count != 4 || off % 4 || off >= VGPU_BAR2_SIZE ||
	    vgpu_reg_hidden(vgpu, off)) {
		vgpu_engine_bad_access(&vgpu->eng);
		return;
	}
	memcpy(&val, buf, sizeof(val));
	events = vgpu_engine_write(&vgpu->eng, off, le32_to_cpu(val));
	/* pins and events first: a GTT plane may still fail to latch */
	if (events & VGPU_EV_FLIP)
		vgpu_events_planes_latched(vgpu, vgpu->eng.latched_mask);
	if (events & VGPU_EV_DAMAGE)
		vgpu_events_damage(vgpu, vgpu->eng.damage_plane,
				   &vgpu->eng.damage_rect);
	if (events & VGPU_EV_IRQ)
		vgpu_irq_raise(vgpu);
}

/*
 * Device reset: registers and interrupt state; VRAM and the GTT entries
 * are kept (the guest reprograms planes anyway), pins are released.
 */
void vgpu_reset(struct vgpu_state *vgpu)
{
	int p;

	lockdep_assert_held(&vgpu->lock);
	vgpu_engine_reset(&vgpu->eng);
	for (p = 0; p < VGPU_NUM_PLANES; p++)
		vgpu_gtt_release_plane(vgpu, p);
	vgpu_events_reset(vgpu);
	vgpu_linear_forget(vgpu);
	vgpu->intx_masked = false;
}
