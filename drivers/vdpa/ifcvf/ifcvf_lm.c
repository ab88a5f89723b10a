// SPDX-License-Identifier: GPL-2.0
/*
 * IFC VF live-migration registers: saving and restoring where each
 * virtqueue stands, and pointing the VF's dirty page log at a buffer.
 *
 * Only plain MMIO accessors of the width of each register are used, with
 * no knowledge of PCI, so the KUnit suite (ifcvf_kunit.c) can check every
 * byte these functions touch in a RAM buffer standing in for the BAR.
 */

#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/io.h>
#include <linux/overflow.h>
#include <linux/vdpa.h>

#include "ifcvf_lm.h"

/**
 * ifcvf_lm_init() - describe a VF's live-migration block
 * @lm: the description to fill in
 * @regs: the block, mapped for at least ifcvf_lm_size(@nvqs) bytes, or NULL
 *	if the device has none (then every other call fails with -EOPNOTSUPP)
 * @nvqs: the device's number of virtqueues
 */
void ifcvf_lm_init(struct ifcvf_lm *lm, void __iomem *regs, u16 nvqs)
{
	lm->regs = regs;
	lm->nvqs = regs ? nvqs : 0;
}
EXPORT_SYMBOL_IF_KUNIT(ifcvf_lm_init);

/**
 * ifcvf_lm_present() - whether the device has live-migration registers
 * @lm: the block, as set up by ifcvf_lm_init()
 *
 * Return: true when ring positions and dirty logging are available.
 */
bool ifcvf_lm_present(const struct ifcvf_lm *lm)
{
	return !!lm->regs;
}
EXPORT_SYMBOL_IF_KUNIT(ifcvf_lm_present);

static void __iomem *ifcvf_lm_vq_slot(const struct ifcvf_lm *lm, u16 qid)
{
	return lm->regs + IFCVF_LM_VQ_STATE + qid * IFCVF_LM_VQ_STRIDE;
}

static int ifcvf_lm_check_vq(const struct ifcvf_lm *lm, u16 qid)
{
	if (!lm->regs)
		return -EOPNOTSUPP;
	/* past the last slot is another register, or past the BAR */
	if (qid >= lm->nvqs)
		return -EINVAL;
	return 0;
}

/**
 * ifcvf_lm_vq_save() - read where a virtqueue stands
 * @lm: the block
 * @qid: the virtqueue
 * @state: filled with the VF's ring indexes
 *
 * The indexes only stand still while the queue is stopped (the device
 * suspended or the queue disabled); read earlier, they are a snapshot.
 *
 * Return: 0, -EOPNOTSUPP without the block, -EINVAL if @qid has no slot.
 */
int ifcvf_lm_vq_save(const struct ifcvf_lm *lm, u16 qid,
		     struct ifcvf_lm_vq_state *state)
{
	void __iomem *slot;
	int err;

	err = ifcvf_lm_check_vq(lm, qid);
	if (err)
		return err;
	slot = ifcvf_lm_vq_slot(lm, qid);
	state->avail_idx = readw(slot + IFCVF_LM_VQ_AVAIL);
	state->used_idx = readw(slot + IFCVF_LM_VQ_USED);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ifcvf_lm_vq_save);

/**
 * ifcvf_lm_vq_restore() - set where a virtqueue resumes
 * @lm: the block
 * @qid: the virtqueue, which must not be running
 * @state: the ring indexes to resume from
 *
 * Return: 0, -EOPNOTSUPP without the block, -EINVAL if @qid has no slot.
 */
int ifcvf_lm_vq_restore(const struct ifcvf_lm *lm, u16 qid,
			const struct ifcvf_lm_vq_state *state)
{
	void __iomem *slot;
	int err;

	err = ifcvf_lm_check_vq(lm, qid);
	if (err)
		return err;
	slot = ifcvf_lm_vq_slot(lm, qid);
	writew(state->avail_idx, slot + IFCVF_LM_VQ_AVAIL);
	writew(state->used_idx, slot + IFCVF_LM_VQ_USED);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ifcvf_lm_vq_restore);

static void ifcvf_lm_write64(u64 val, void __iomem *reg)
{
	writel(lower_32_bits(val), reg);
	writel(upper_32_bits(val), reg + 4);
}

/**
 * ifcvf_lm_log_stop() - stop the VF's dirty page logging
 * @lm: the block
 *
 * Once this returns the VF writes no more to the log, so its buffer may be
 * unmapped or reused. Stopping a stopped log is harmless.
 *
 * Return: 0, or -EOPNOTSUPP without the block.
 */
int ifcvf_lm_log_stop(const struct ifcvf_lm *lm)
{
	if (!lm->regs)
		return -EOPNOTSUPP;
	writel(IFCVF_LM_CTRL_LOG_OFF, lm->regs + IFCVF_LM_CTRL);
	/* the read flushes the posted write before the caller frees the log */
	readl(lm->regs + IFCVF_LM_CTRL);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ifcvf_lm_log_stop);

/**
 * ifcvf_lm_log_start() - have the VF log the pages it writes
 * @lm: the block
 * @base: device address (IOVA) of the log buffer
 * @size: bytes of the log buffer
 *
 * A running log is stopped first: the VF must never see a half-programmed
 * range, which it would write through.
 *
 * Return: 0, -EOPNOTSUPP without the block, -EINVAL for an empty range or
 * one that wraps past the end of the address space (nothing is written).
 */
int ifcvf_lm_log_start(const struct ifcvf_lm *lm, u64 base, u64 size)
{
	u64 end;

	if (!lm->regs)
		return -EOPNOTSUPP;
	if (!size || check_add_overflow(base, size, &end))
		return -EINVAL;

	ifcvf_lm_log_stop(lm);
	ifcvf_lm_write64(base, lm->regs + IFCVF_LM_LOG_BASE);
	ifcvf_lm_write64(end, lm->regs + IFCVF_LM_LOG_END);
	writel(IFCVF_LM_CTRL_LOG_VF, lm->regs + IFCVF_LM_CTRL);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ifcvf_lm_log_start);

/**
 * ifcvf_lm_get_vq_state() - a split virtqueue's position, for the vDPA API
 * @lm: the block
 * @qid: the function's virtqueue
 * @state: its split member is filled in on success
 *
 * The avail index is the one reported: with the queue stopped and its
 * buffers completed it is also where the used index stands (see struct
 * vdpa_vq_state). The block holds no wrap counters, so packed rings are
 * the caller's to refuse.
 *
 * Return: 0, -EOPNOTSUPP without the block, -EINVAL if @qid has no slot.
 */
int ifcvf_lm_get_vq_state(const struct ifcvf_lm *lm, u16 qid,
			  struct vdpa_vq_state *state)
{
	struct ifcvf_lm_vq_state hw;
	int err;

	err = ifcvf_lm_vq_save(lm, qid, &hw);
	if (err)
		return err;
	state->split.avail_index = hw.avail_idx;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ifcvf_lm_get_vq_state);

/**
 * ifcvf_lm_set_vq_state() - set a split virtqueue's position from the vDPA API
 * @lm: the block
 * @qid: the function's virtqueue, which must not be running
 * @state: its split member says where the queue resumes
 *
 * The used index is set equal to the avail index: a queue is only ever
 * restored with no buffer in flight, having completed all it took.
 *
 * Return: 0, -EOPNOTSUPP without the block, -EINVAL if @qid has no slot.
 */
int ifcvf_lm_set_vq_state(const struct ifcvf_lm *lm, u16 qid,
			  const struct vdpa_vq_state *state)
{
	const struct ifcvf_lm_vq_state hw = {
		.avail_idx = state->split.avail_index,
		.used_idx = state->split.avail_index,
	};

	return ifcvf_lm_vq_restore(lm, qid, &hw);
}
EXPORT_SYMBOL_IF_KUNIT(ifcvf_lm_set_vq_state);
