// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts of a running vp_vdpa_lib device. Vectors are taken at
 * DRIVER_OK and given back at reset, in the first of three modes
 * (enum vp_vdpa_irq_mode) that can be set up:
 *  - an MSI-X vector per virtqueue, and one for config changes;
 *  - one MSI-X vector for config changes, one shared by all virtqueues;
 *  - a single MSI-X vector, or the INTx line, for everything, the ISR
 *    register telling config changes apart.
 * The handlers call the driver's callbacks under the locks the set_*_cb
 * operations take. Telling the function which vector is whose is left to
 * vp_vdpa_main.c, with the rest of starting the device.
 */

#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/virtio_pci.h>
#include <linux/vp_vdpa_lib.h>

#include "vp_vdpa_priv.h"

/* ISR bit for used buffers; the uapi header names only the config bit. */
#define VP_VDPA_ISR_QUEUE	BIT(0)

static irqreturn_t vp_vdpa_signal(spinlock_t *lock, struct vdpa_callback *cb)
{
	spin_lock(lock);
	if (cb->callback)
		cb->callback(cb->private);
	spin_unlock(lock);
	return IRQ_HANDLED;
}

static irqreturn_t vp_vdpa_vq_irq(int irq, void *data)
{
	struct vp_vdpa_vq *vq = data;

	return vp_vdpa_signal(&vq->cb_lock, &vq->cb);
}

static irqreturn_t vp_vdpa_config_irq(int irq, void *data)
{
	struct vp_vdpa *vp = data;

	return vp_vdpa_signal(&vp->config_lock, &vp->config_cb);
}

/* A vector shared by all queues cannot tell which one was used: ask all. */
static void vp_vdpa_signal_all_vqs(struct vp_vdpa *vp)
{
	u32 i;

	for (i = 0; i < vp->vdpa.nvqs; i++)
		vp_vdpa_signal(&vp->vqs[i].cb_lock, &vp->vqs[i].cb);
}

static irqreturn_t vp_vdpa_vqs_irq(int irq, void *data)
{
	vp_vdpa_signal_all_vqs(data);
	return IRQ_HANDLED;
}

/*
 * One vector for everything: reading the ISR says (and acknowledges)
 * whether config changed, and for INTx whether the line was ours at all.
 * With MSI-X the queue bit need not be set, so every queue is asked.
 */
static irqreturn_t vp_vdpa_single_irq(int irq, void *data)
{
	struct vp_vdpa *vp = data;
	bool intx = !vp->hw->mdev.pci_dev->msix_enabled;
	u8 isr = ioread8(vp->hw->mdev.isr);

	if (intx && !isr)
		return IRQ_NONE;
	if (isr & VIRTIO_PCI_ISR_CONFIG)
		vp_vdpa_config_irq(irq, vp);
	if (!intx || (isr & VP_VDPA_ISR_QUEUE))
		vp_vdpa_signal_all_vqs(vp);
	return IRQ_HANDLED;
}

static const char *vp_vdpa_name(struct vp_vdpa *vp)
{
	return dev_name(&vp->vdpa.dev);
}

void vp_vdpa_free_irqs(struct vp_vdpa *vp)
{
	struct pci_dev *pdev = vp_pdev(vp->hw);
	u32 i;

	if (vp->irq_mode == VP_VDPA_IRQ_NONE)
		return;
	for (i = 0; i < vp->vdpa.nvqs; i++) {
		struct vp_vdpa_vq *vq = &vp->vqs[i];

		if (vq->irq >= 0)
			pci_free_irq(pdev, vq->vector, vq);
		vq->irq = -ENOENT;
		vq->vector = VIRTIO_MSI_NO_VECTOR;
	}
	pci_free_irq(pdev, 0, vp);
	if (vp->irq_mode == VP_VDPA_IRQ_SHARED_VQS)
		pci_free_irq(pdev, 1, vp);
	pci_free_irq_vectors(pdev);
	vp->irq_mode = VP_VDPA_IRQ_NONE;
}

/* Vector 0 signals config changes, vector 1 + i queue i. */
static int vp_vdpa_irqs_per_vq(struct vp_vdpa *vp, unsigned int nvec)
{
	struct pci_dev *pdev = vp_pdev(vp->hw);
	unsigned int vec = 1;
	int err;
	u32 i;

	err = pci_alloc_irq_vectors(pdev, nvec, nvec, PCI_IRQ_MSIX);
	if (err < 0)
		return err;
	vp->irq_mode = VP_VDPA_IRQ_PER_VQ;
	err = pci_request_irq(pdev, 0, vp_vdpa_config_irq, NULL, vp,
			      "vp-vdpa[%s]-config", vp_vdpa_name(vp));
	if (err)
		goto err_vectors;
	for (i = 0; i < vp->vdpa.nvqs; i++) {
		struct vp_vdpa_vq *vq = &vp->vqs[i];

		err = pci_request_irq(pdev, vec, vp_vdpa_vq_irq, NULL, vq,
				      "vp-vdpa[%s]-vq%u", vp_vdpa_name(vp), i);
		if (err)
			goto err_irqs;
		vq->vector = vec;
		vq->irq = pci_irq_vector(pdev, vec++);
	}
	return 0;

err_irqs:
	vp_vdpa_free_irqs(vp);
	return err;
err_vectors:
	pci_free_irq_vectors(pdev);
	vp->irq_mode = VP_VDPA_IRQ_NONE;
	return err;
}

/* Vector 0 signals config changes, vector 1 every queue. */
static int vp_vdpa_irqs_shared(struct vp_vdpa *vp)
{
	struct pci_dev *pdev = vp_pdev(vp->hw);
	int err;
	u32 i;

	err = pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX);
	if (err < 0)
		return err;
	err = pci_request_irq(pdev, 0, vp_vdpa_config_irq, NULL, vp,
			      "vp-vdpa[%s]-config", vp_vdpa_name(vp));
	if (err)
		goto err_vectors;
	err = pci_request_irq(pdev, 1, vp_vdpa_vqs_irq, NULL, vp,
			      "vp-vdpa[%s]-vqs", vp_vdpa_name(vp));
	if (err) {
		pci_free_irq(pdev, 0, vp);
		goto err_vectors;
	}
	for (i = 0; i < vp->vdpa.nvqs; i++)
		vp->vqs[i].vector = 1;
	vp->irq_mode = VP_VDPA_IRQ_SHARED_VQS;
	return 0;

err_vectors:
	pci_free_irq_vectors(pdev);
	return err;
}

/* Last resort: one MSI-X vector, or the INTx line, for everything. */
static int vp_vdpa_irqs_single(struct vp_vdpa *vp)
{
	struct pci_dev *pdev = vp_pdev(vp->hw);
	int err;
	u32 i;

	err = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX | PCI_IRQ_INTX);
	if (err < 0)
		return err;
	err = pci_request_irq(pdev, 0, vp_vdpa_single_irq, NULL, vp,
			      "vp-vdpa[%s]", vp_vdpa_name(vp));
	if (err) {
		pci_free_irq_vectors(pdev);
		return err;
	}
	/* Without MSI-X the vector registers mean nothing. */
	if (pdev->msix_enabled)
		for (i = 0; i < vp->vdpa.nvqs; i++)
			vp->vqs[i].vector = 0;
	vp->irq_mode = VP_VDPA_IRQ_SINGLE;
	return 0;
}

/*
 * A vector per queue is best (and lets vhost-vdpa post interrupts straight
 * to a guest), but functions often have far fewer vectors than queues:
 * fall back to sharing rather than fail.
 *
 * Every queue gets its vector, with a callback or not: a driver may set
 * one after DRIVER_OK (vhost-vdpa's SET_VRING_CALL, then get_vq_irq for
 * irq bypass), and vectors cannot be added to a running function.
 */
int vp_vdpa_request_irqs(struct vp_vdpa *vp)
{
	struct pci_dev *pdev = vp_pdev(vp->hw);
	int avail = pci_msix_vec_count(pdev);
	unsigned int nvec = 1 + vp->vdpa.nvqs;

	if (avail >= (int)nvec && !vp_vdpa_irqs_per_vq(vp, nvec))
		return 0;
	if (avail >= 2 && !vp_vdpa_irqs_shared(vp))
		return 0;
	return vp_vdpa_irqs_single(vp);
}
