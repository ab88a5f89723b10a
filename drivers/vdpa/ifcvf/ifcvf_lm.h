/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live-migration register block of Intel IFC VFs: per-virtqueue ring
 * positions the driver can read back and write, and the dirty page log.
 *
 * The block is not described by any PCI capability: IFC VFs (N3000,
 * C5000X-PL) expose it at offset 0 of BAR 4. Other virtio-pci devices put
 * something else there (QEMU's virtio-net-pci has its common config at
 * BAR 4 offset 0), so the parent only hands a mapping to this code for the
 * PCI IDs of IFC VFs. Everything here takes that mapping, or NULL, and
 * nothing else, so that KUnit can drive it with a buffer in RAM.
 */
#ifndef _IFCVF_LM_H
#define _IFCVF_LM_H

#include <linux/compiler_types.h>
#include <linux/types.h>

struct vdpa_vq_state;

/* Where the block lives in an IFC VF. */
#define IFCVF_LM_BAR			4

/*
 * Register offsets in the block. The 64-bit addresses are written as two
 * 32-bit halves, low half first: that is how the device's other drivers
 * program them, and a VF need not accept 64-bit MMIO.
 */
#define IFCVF_LM_CTRL			0x00	/* 32 bits: IFCVF_LM_CTRL_* */
#define IFCVF_LM_STATUS			0x08
#define IFCVF_LM_LOG_BASE		0x10	/* 64 bits: first byte of the log */
#define IFCVF_LM_LOG_END		0x18	/* 64 bits: one past its last byte */
#define IFCVF_LM_VQ_STATE		0x20	/* one slot per virtqueue */

/*
 * A virtqueue's slot: two 16-bit ring indexes, at IFCVF_LM_VQ_STATE +
 * qid * 4, as upstream Linux's ifcvf lays them out since 6.6. Older
 * upstream kernels and DPDK's ifc driver use 0x40 per queue pair instead:
 * IFCVF_LM_VQ_STATE + (qid / 2) * 0x40 + (qid % 2) * 4. Which of the two
 * the hardware implements is unverified: only the fake BAR of the KUnit
 * suite has run this code.
 */
#define IFCVF_LM_VQ_STRIDE		4
#define IFCVF_LM_VQ_AVAIL		0	/* next avail entry the VF reads */
#define IFCVF_LM_VQ_USED		2	/* next used entry the VF writes */

#define IFCVF_LM_CTRL_LOG_OFF		0x0
#define IFCVF_LM_CTRL_LOG_VF		0x1	/* log the VF's own DMA writes */

/**
 * struct ifcvf_lm - a VF's live-migration registers
 * @regs: the mapped block, or NULL when the device has none
 * @nvqs: virtqueues the block has a slot for
 */
struct ifcvf_lm {
	void __iomem *regs;
	u16 nvqs;
};

/**
 * struct ifcvf_lm_vq_state - a virtqueue's position as the VF keeps it
 * @avail_idx: the next available-ring index the VF will read
 * @used_idx: the next used-ring index the VF will write
 */
struct ifcvf_lm_vq_state {
	u16 avail_idx;
	u16 used_idx;
};

/**
 * ifcvf_lm_size() - bytes of BAR the block spans for a device
 * @nvqs: the device's number of virtqueues
 *
 * Return: the size a BAR must have for ifcvf_lm_init() to be safe.
 */
static inline size_t ifcvf_lm_size(u16 nvqs)
{
	return IFCVF_LM_VQ_STATE + (size_t)nvqs * IFCVF_LM_VQ_STRIDE;
}

void ifcvf_lm_init(struct ifcvf_lm *lm, void __iomem *regs, u16 nvqs);
bool ifcvf_lm_present(const struct ifcvf_lm *lm);
int ifcvf_lm_vq_save(const struct ifcvf_lm *lm, u16 qid,
		     struct ifcvf_lm_vq_state *state);
int ifcvf_lm_vq_restore(const struct ifcvf_lm *lm, u16 qid,
			const struct ifcvf_lm_vq_state *state);
int ifcvf_lm_log_start(const struct ifcvf_lm *lm, u64 base, u64 size);
int ifcvf_lm_log_stop(const struct ifcvf_lm *lm);
int ifcvf_lm_get_vq_state(const struct ifcvf_lm *lm, u16 qid,
			  struct vdpa_vq_state *state);
int ifcvf_lm_set_vq_state(const struct ifcvf_lm *lm, u16 qid,
			  const struct vdpa_vq_state *state);

#endif /* _IFCVF_LM_H */
