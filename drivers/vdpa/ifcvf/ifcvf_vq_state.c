// SPDX-License-Identifier: GPL-2.0
/*
 * Queue positions of an IFC VF through its live-migration registers
 * (ifcvf_lm.c): vp_vdpa_lib's operations, with a split queue's position
 * read from and written to the VF's slot for it instead of what plain
 * virtio-pci can say, which is nothing. Also where the block is found and
 * mapped, on the IFC VFs' own IDs only, and let go.
 */

#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include "ifcvf.h"

/* vp_vdpa_lib's operations with queue positions from the vendor block. */
static struct vdpa_config_ops ifcvf_lm_ops __ro_after_init;

static struct ifcvf_vf *vp_to_vf(struct vp_vdpa *vp)
{
	return container_of(vp->hw, struct ifcvf_vf, hw);
}

static bool ifcvf_packed(const struct vp_vdpa *vp)
{
	return vp->driver_features & BIT_ULL(VIRTIO_F_RING_PACKED);
}

/*
 * The block holds split-ring indexes only, so a packed ring gets what
 * plain virtio-pci can say about it. A queue's slot is that of the
 * function's queue behind it, which differs for a moved control queue.
 */
static int ifcvf_get_vq_state(struct vdpa_device *vdpa, u16 idx,
			      struct vdpa_vq_state *state)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	struct ifcvf_vf *vf = vp_to_vf(vp);

	if (idx >= vdpa->nvqs)
		return -EINVAL;
	if (ifcvf_packed(vp))
		return vp_vdpa_lib_get_vq_state(vdpa, idx, state);
	/* not in the slot yet */
	if (vf->pos[idx].pending) {
		*state = vf->pos[idx].state;
		return 0;
	}
	return ifcvf_lm_get_vq_state(&vf->lm, vp_vdpa_hw_qid(vp, idx), state);
}

/*
 * Kept until the queue starts, and only then written to the slot: the
 * driver may set a position before its features, which decide whether
 * the control queue moves to another slot.
 */
static int ifcvf_set_vq_state(struct vdpa_device *vdpa, u16 idx,
			      const struct vdpa_vq_state *state)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	struct ifcvf_vf *vf = vp_to_vf(vp);

	if (idx >= vdpa->nvqs)
		return -EINVAL;
	if (ifcvf_packed(vp))
		return vp_vdpa_lib_set_vq_state(vdpa, idx, state);
	vf->pos[idx].state = *state;
	vf->pos[idx].pending = true;
	return 0;
}

/* Write a position set earlier into the slot of the queue behind @idx. */
static void ifcvf_write_vq_state(struct vp_vdpa *vp, u16 idx)
{
	struct ifcvf_vf *vf = vp_to_vf(vp);
	struct ifcvf_vq_pos *pos = &vf->pos[idx];

	if (!pos->pending)
		return;
	pos->pending = false;
	/*
	 * A packed ring has no slot. A position set before the features said
	 * packed was taken as split, and is dropped: the queue starts where
	 * the reset left it.
	 */
	if (!ifcvf_packed(vp))
		ifcvf_lm_set_vq_state(&vf->lm, vp_vdpa_hw_qid(vp, idx),
				      &pos->state);
}

/* Positions reach the slots before the library enables the queues. */
static void ifcvf_set_status(struct vdpa_device *vdpa, u8 status)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	u32 i;

	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    vp->irq_mode == VP_VDPA_IRQ_NONE)
		for (i = 0; i < vdpa->nvqs; i++)
			if (vp->vqs[i].ready)
				ifcvf_write_vq_state(vp, i);
	vp_vdpa_lib_set_status(vdpa, status);
}

/* A queue enabled after DRIVER_OK starts now: its position goes first. */
static void ifcvf_set_vq_ready(struct vdpa_device *vdpa, u16 idx, bool ready)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);

	if (ready && idx < vdpa->nvqs && vp->irq_mode != VP_VDPA_IRQ_NONE)
		ifcvf_write_vq_state(vp, idx);
	vp_vdpa_lib_set_vq_ready(vdpa, idx, ready);
}

/* A reset forgets the positions set for the next run, as the queues. */
static int ifcvf_reset(struct vdpa_device *vdpa)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	struct ifcvf_vf *vf = vp_to_vf(vp);
	int err;
	u32 i;

	err = vp_vdpa_lib_reset(vdpa);
	for (i = 0; i < vdpa->nvqs; i++)
		vf->pos[i].pending = false;
	return err;
}

/*
 * Does a virtio capability, or the MSI-X table or PBA, lie in the first
 * @len bytes of the live-migration BAR? Then that BAR is not laid out as
 * on an IFC VF (QEMU's virtio-pci keeps its common config there), and
 * writing what we believe are vendor registers would corrupt the virtio
 * ones, or redirect the function's interrupt messages.
 */
static bool ifcvf_lm_overlaps_virtio(struct pci_dev *pdev, size_t len)
{
	struct vp_vdpa_cap cap;
	u8 pos;

	if (vp_vdpa_lib_msix_overlaps(pdev, IFCVF_LM_BAR, 0, len))
		return true;

	for (pos = pci_find_capability(pdev, PCI_CAP_ID_VNDR); pos;
	     pos = pci_find_next_capability(pdev, pos, PCI_CAP_ID_VNDR)) {
		vp_vdpa_lib_read_cap(pdev, pos, &cap);
		if (cap.type >= VIRTIO_PCI_CAP_COMMON_CFG &&
		    cap.type <= VIRTIO_PCI_CAP_DEVICE_CFG &&
		    cap.bar == IFCVF_LM_BAR && cap.offset < len)
			return true;
	}
	return false;
}

/* Map the live-migration block if this function has a usable one. */
void ifcvf_lm_probe(struct ifcvf_vf *vf, const struct pci_device_id *id)
{
	struct pci_dev *pdev = vf->hw.mdev.pci_dev;
	size_t len = ifcvf_lm_size(vf->hw.num_queues);
	void __iomem *regs;

	ifcvf_lm_init(&vf->lm, NULL, 0);
	/* driver_override binds us with a catch-all id: no data there */
	if (!(id->driver_data & IFCVF_HAS_LM))
		return;
	if (!(pci_resource_flags(pdev, IFCVF_LM_BAR) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, IFCVF_LM_BAR) < len ||
	    ifcvf_lm_overlaps_virtio(pdev, len)) {
		dev_warn(&pdev->dev,
			 "no live-migration registers at BAR %d: queue state stays with the device\n",
			 IFCVF_LM_BAR);
		return;
	}
	/* the BAR may also hold virtio structures, already requested */
	if (!(vf->hw.mdev.modern_bars & BIT(IFCVF_LM_BAR))) {
		if (pci_request_region(pdev, IFCVF_LM_BAR, "ifcvf-lm")) {
			dev_warn(&pdev->dev,
				 "BAR %d is busy: no live-migration registers\n",
				 IFCVF_LM_BAR);
			return;
		}
		vf->lm_region = true;
	}
	vf->pos = kcalloc(vf->hw.num_queues, sizeof(*vf->pos), GFP_KERNEL);
	regs = vf->pos ? pci_iomap_range(pdev, IFCVF_LM_BAR, 0, len) : NULL;
	if (!regs) {
		kfree(vf->pos);
		vf->pos = NULL;
		if (vf->lm_region)
			pci_release_region(pdev, IFCVF_LM_BAR);
		vf->lm_region = false;
		return;
	}
	ifcvf_lm_init(&vf->lm, regs, vf->hw.num_queues);
	/* a previous owner (a userspace driver) may have left logging on */
	ifcvf_lm_log_stop(&vf->lm);
	vf->hw.ops = &ifcvf_lm_ops;
}

void ifcvf_lm_remove(struct ifcvf_vf *vf)
{
	struct pci_dev *pdev = vf->hw.mdev.pci_dev;

	if (!ifcvf_lm_present(&vf->lm))
		return;
	/* hand the function on with nothing writing to a log */
	ifcvf_lm_log_stop(&vf->lm);
	pci_iounmap(pdev, vf->lm.regs);
	if (vf->lm_region)
		pci_release_region(pdev, IFCVF_LM_BAR);
	ifcvf_lm_init(&vf->lm, NULL, 0);
	kfree(vf->pos);
	vf->pos = NULL;
}

/* The operations of a VF with the block: the library's, with positions. */
void ifcvf_vq_state_init(void)
{
	ifcvf_lm_ops = vp_vdpa_lib_ops;
	ifcvf_lm_ops.get_vq_state = ifcvf_get_vq_state;
	ifcvf_lm_ops.set_vq_state = ifcvf_set_vq_state;
	ifcvf_lm_ops.set_status = ifcvf_set_status;
	ifcvf_lm_ops.set_vq_ready = ifcvf_set_vq_ready;
	ifcvf_lm_ops.reset = ifcvf_reset;
}
