// SPDX-License-Identifier: GPL-2.0
/*
 * vDPA operations for a virtio-pci modern function: the datapath is the
 * function's own (its rings in driver memory, its doorbells, its MSI-X
 * vectors), so this is mostly the virtio-pci transport seen through
 * struct vdpa_config_ops, with DMA left to the platform IOMMU of the PCI
 * function (no map operations).
 *
 * Per-run resources are taken at DRIVER_OK and given back at reset:
 * interrupt vectors, bus mastering, the queues' enable bits. Until
 * DRIVER_OK the device only records which queues the driver enabled, since
 * a virtio-pci queue, once enabled, can only be stopped by a reset.
 */

#include <linux/etherdevice.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_pci.h>
#include <uapi/linux/vdpa.h>
#include <linux/vp_vdpa_lib.h>

/*
 * Transport features a vDPA device cannot pass on: its drivers kick with
 * the queue index alone, cannot reset one queue nor drive an admin queue,
 * and SR-IOV belongs to whoever owns the physical function.
 */
#define VP_VDPA_HIDDEN_FEATURES	(BIT_ULL(VIRTIO_F_SR_IOV) |		\
				 BIT_ULL(VIRTIO_F_NOTIFICATION_DATA) |	\
				 BIT_ULL(VIRTIO_F_NOTIF_CONFIG_DATA) |	\
				 BIT_ULL(VIRTIO_F_RING_RESET) |		\
				 BIT_ULL(VIRTIO_F_ADMIN_VQ))

/* Features a provisioned subset must keep if the function offers them. */
#define VP_VDPA_KEPT_FEATURES	(BIT_ULL(VIRTIO_F_VERSION_1) |		\
				 BIT_ULL(VIRTIO_F_ACCESS_PLATFORM))

/* Either one makes the driver see max_virtqueue_pairs queue pairs. */
#define VP_VDPA_NET_MQ_FEATURES	(BIT_ULL(VIRTIO_NET_F_MQ) |		\
				 BIT_ULL(VIRTIO_NET_F_RSS))

/* Generous for real hardware; bounded so a dead function cannot hang us. */
#define VP_VDPA_RESET_TIMEOUT_US	(2 * USEC_PER_SEC)

/* ISR bit for used buffers; the uapi header names only the config bit. */
#define VP_VDPA_ISR_QUEUE	BIT(0)

/* Config-space reads retried while the generation moves, at most this. */
#define VP_VDPA_CFG_RETRIES	16

static struct pci_dev *vp_pdev(const struct vp_vdpa_hw *hw)
{
	return hw->mdev.pci_dev;
}

/*
 * Write 0 and wait for the function to read back 0, as virtio requires
 * before any reuse. A surprise-removed function reads all ones.
 */
static int vp_vdpa_hw_reset(struct vp_vdpa_hw *hw)
{
	struct virtio_pci_modern_device *mdev = &hw->mdev;
	u8 status;
	int err;

	vp_modern_set_status(mdev, 0);
	err = read_poll_timeout(vp_modern_get_status, status,
				!status || status == 0xff, 1000,
				VP_VDPA_RESET_TIMEOUT_US, false, mdev);
	if (!err && status)
		err = -ENODEV;
	if (err)
		dev_warn(&vp_pdev(hw)->dev, "reset did not complete: %d\n", err);
	return err;
}

/* ---- config space ------------------------------------------------------ */

/*
 * virtio-pci wants each field accessed with its own width: split a range
 * into the widest naturally aligned accesses it allows.
 */
static unsigned int vp_vdpa_cfg_width(unsigned int offset, unsigned int len)
{
	if (len >= 4 && IS_ALIGNED(offset, 4))
		return 4;
	if (len >= 2 && IS_ALIGNED(offset, 2))
		return 2;
	return 1;
}

static void vp_vdpa_cfg_read(void __iomem *base, unsigned int offset,
			     u8 *buf, unsigned int len)
{
	unsigned int width;

	for (; len; offset += width, buf += width, len -= width) {
		width = vp_vdpa_cfg_width(offset, len);
		if (width == 4)
			put_unaligned_le32(ioread32(base + offset), buf);
		else if (width == 2)
			put_unaligned_le16(ioread16(base + offset), buf);
		else
			*buf = ioread8(base + offset);
	}
}

static void vp_vdpa_cfg_write(void __iomem *base, unsigned int offset,
			      const u8 *buf, unsigned int len)
{
	unsigned int width;

	for (; len; offset += width, buf += width, len -= width) {
		width = vp_vdpa_cfg_width(offset, len);
		if (width == 4)
			iowrite32(get_unaligned_le32(buf), base + offset);
		else if (width == 2)
			iowrite16(get_unaligned_le16(buf), base + offset);
		else
			iowrite8(*buf, base + offset);
	}
}

/* A consistent snapshot of [@offset, @offset + @len) of the function's. */
static int vp_vdpa_hw_cfg_get(struct vp_vdpa_hw *hw, unsigned int offset,
			      void *buf, unsigned int len)
{
	struct virtio_pci_modern_device *mdev = &hw->mdev;
	unsigned int tries = 0;
	u32 gen;

	if (!mdev->device || offset > mdev->device_len ||
	    len > mdev->device_len - offset)
		return -EINVAL;
	do {
		gen = vp_modern_generation(mdev);
		vp_vdpa_cfg_read(mdev->device, offset, buf, len);
	} while (gen != vp_modern_generation(mdev) &&
		 ++tries < VP_VDPA_CFG_RETRIES);
	return 0;
}

/* Show a provisioned 16-bit field over the function's own value. */
static void vp_vdpa_cfg_patch16(u8 *buf, unsigned int offset,
				unsigned int len, unsigned int field, u16 val)
{
	u8 bytes[2];
	unsigned int i;

	put_unaligned_le16(val, bytes);
	for (i = 0; i < sizeof(bytes); i++)
		if (field + i >= offset && field + i < offset + len)
			buf[field + i - offset] = bytes[i];
}

/**
 * vp_vdpa_lib_get_config - &vdpa_config_ops.get_config of a library device
 * @vdpa: the device
 * @offset: offset into the device-specific config space
 * @buf: where to store the bytes
 * @len: how many bytes; the core checked the range
 *
 * Reads the function's config space, retried until the generation is
 * stable, with provisioned virtio-net fields shown over the function's.
 */
void vp_vdpa_lib_get_config(struct vdpa_device *vdpa, unsigned int offset,
			    void *buf, unsigned int len)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);

	if (vp_vdpa_hw_cfg_get(vp->hw, offset, buf, len)) {
		memset(buf, 0, len);
		return;
	}
	if (vp->max_vqp)
		vp_vdpa_cfg_patch16(buf, offset, len,
				    offsetof(struct virtio_net_config,
					     max_virtqueue_pairs),
				    vp->max_vqp);
	if (vp->mtu)
		vp_vdpa_cfg_patch16(buf, offset, len,
				    offsetof(struct virtio_net_config, mtu),
				    vp->mtu);
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_get_config);

/**
 * vp_vdpa_lib_set_config - &vdpa_config_ops.set_config of a library device
 * @vdpa: the device
 * @offset: offset into the device-specific config space
 * @buf: the bytes to write
 * @len: how many bytes; the core checked the range
 */
void vp_vdpa_lib_set_config(struct vdpa_device *vdpa, unsigned int offset,
			    const void *buf, unsigned int len)
{
	struct virtio_pci_modern_device *mdev = &vdpa_to_vp(vdpa)->hw->mdev;

	if (mdev->device && offset <= mdev->device_len &&
	    len <= mdev->device_len - offset)
		vp_vdpa_cfg_write(mdev->device, offset, buf, len);
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_set_config);

static size_t vp_vdpa_get_config_size(struct vdpa_device *vdpa)
{
	struct virtio_pci_modern_device *mdev = &vdpa_to_vp(vdpa)->hw->mdev;

	return mdev->device ? mdev->device_len : 0;
}

static u32 vp_vdpa_get_generation(struct vdpa_device *vdpa)
{
	return vp_modern_generation(&vdpa_to_vp(vdpa)->hw->mdev);
}

/* ---- interrupts -------------------------------------------------------- */

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

static void vp_vdpa_free_irqs(struct vp_vdpa *vp)
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
static int vp_vdpa_request_irqs(struct vp_vdpa *vp)
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

/* ---- lifecycle --------------------------------------------------------- */

static struct vp_vdpa_vq *vp_vdpa_vq(struct vp_vdpa *vp, u16 idx)
{
	return idx < vp->vdpa.nvqs ? &vp->vqs[idx] : NULL;
}

static void __iomem *vp_vdpa_notify(struct vp_vdpa *vp, u16 idx)
{
	return vp->cvq_moved && idx == vp->cvq ? vp->moved_notify :
						 vp->vqs[idx].notify;
}

static bool vp_vdpa_vq_num_ok(struct vp_vdpa *vp, u16 idx)
{
	u16 hwq = vp_vdpa_hw_qid(vp, idx);
	u16 num = vp->vqs[idx].num;

	return hwq < vp->hw->num_queues && num &&
	       num <= vp->hw->queue_max[hwq];
}

/*
 * Hand one queue to the device: size and addresses, its vector, then its
 * enable bit. Size and addresses are written only now, with the features
 * set, because before that the hardware queue behind @idx is not known
 * (the driver may set them before its features, which may move the
 * control queue).
 */
static int vp_vdpa_enable_vq(struct vp_vdpa *vp, u16 idx)
{
	struct virtio_pci_modern_device *mdev = &vp->hw->mdev;
	struct vp_vdpa_vq *vq = &vp->vqs[idx];
	u16 hwq = vp_vdpa_hw_qid(vp, idx);

	if (vq->ready) {
		vp_modern_set_queue_size(mdev, hwq, vq->num);
		vp_modern_queue_address(mdev, hwq, vq->desc, vq->driver,
					vq->device);
	}
	if (vq->vector != VIRTIO_MSI_NO_VECTOR &&
	    vp_modern_queue_vector(mdev, hwq, vq->vector) != vq->vector)
		return -EBUSY;
	if (vq->ready) {
		/* from here on the position a reset leaves is lost */
		vq->ran = true;
		vp_modern_set_queue_enable(mdev, hwq, true);
	}
	return 0;
}

static int vp_vdpa_start(struct vp_vdpa *vp)
{
	struct virtio_pci_modern_device *mdev = &vp->hw->mdev;
	struct pci_dev *pdev = vp_pdev(vp->hw);
	int err;
	u16 cfg_vector;
	u32 i;

	for (i = 0; i < vp->vdpa.nvqs; i++)
		if (vp->vqs[i].ready && !vp_vdpa_vq_num_ok(vp, i))
			return -EINVAL;

	pci_set_master(pdev);
	err = vp_vdpa_request_irqs(vp);
	if (err)
		goto err_master;

	/* The device refuses a vector it cannot map by reading back NO_VECTOR. */
	cfg_vector = vp->irq_mode == VP_VDPA_IRQ_SINGLE && !pdev->msix_enabled ?
		     VIRTIO_MSI_NO_VECTOR : 0;
	if (vp_modern_config_vector(mdev, cfg_vector) != cfg_vector) {
		err = -EBUSY;
		goto err_irqs;
	}
	for (i = 0; i < vp->vdpa.nvqs; i++) {
		err = vp_vdpa_enable_vq(vp, i);
		if (err)
			goto err_irqs;
	}
	return 0;

err_irqs:
	/* nothing runs yet: the function must just forget the vectors */
	vp_modern_config_vector(mdev, VIRTIO_MSI_NO_VECTOR);
	for (i = 0; i < vp->vdpa.nvqs; i++)
		if (vp->vqs[i].vector != VIRTIO_MSI_NO_VECTOR)
			vp_modern_queue_vector(mdev, vp_vdpa_hw_qid(vp, i),
					       VIRTIO_MSI_NO_VECTOR);
	vp_vdpa_free_irqs(vp);
err_master:
	pci_clear_master(pdev);
	return err;
}

/**
 * vp_vdpa_lib_get_status - &vdpa_config_ops.get_status of a library device
 * @vdpa: the device
 *
 * Return: the function's status byte, with NEEDS_RESET when the library
 * could not start the device.
 */
u8 vp_vdpa_lib_get_status(struct vdpa_device *vdpa)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	u8 status = vp_modern_get_status(&vp->hw->mdev);

	return vp->failed ? status | VIRTIO_CONFIG_S_NEEDS_RESET : status;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_get_status);

/**
 * vp_vdpa_lib_set_status - &vdpa_config_ops.set_status of a library device
 * @vdpa: the device
 * @status: the new status byte
 *
 * On DRIVER_OK, first takes the run's resources: bus mastering, interrupt
 * vectors, and the enable bits of the queues the driver made ready. If that
 * fails, DRIVER_OK is not passed on and the device reports NEEDS_RESET.
 */
void vp_vdpa_lib_set_status(struct vdpa_device *vdpa, u8 status)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	int err;

	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    vp->irq_mode == VP_VDPA_IRQ_NONE) {
		err = vp_vdpa_start(vp);
		if (err) {
			dev_warn(&vdpa->dev, "cannot start the device: %d\n",
				 err);
			vp->failed = true;
			status &= ~VIRTIO_CONFIG_S_DRIVER_OK;
		}
	}
	vp_modern_set_status(&vp->hw->mdev, status);
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_set_status);

/**
 * vp_vdpa_lib_reset - &vdpa_config_ops.reset of a library device
 * @vdpa: the device
 *
 * Resets the function and waits for it, then frees the interrupt vectors
 * and forgets the queues and callbacks.
 *
 * Return: 0, or -errno if the function did not complete the reset (it
 * then loses bus mastering all the same).
 */
int vp_vdpa_lib_reset(struct vdpa_device *vdpa)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	unsigned long flags;
	int err;
	u32 i;

	err = vp_vdpa_hw_reset(vp->hw);
	/* free_irq() waits for running handlers: no callback after this */
	vp_vdpa_free_irqs(vp);
	pci_clear_master(vp_pdev(vp->hw));

	for (i = 0; i < vdpa->nvqs; i++) {
		struct vp_vdpa_vq *vq = &vp->vqs[i];

		spin_lock_irqsave(&vq->cb_lock, flags);
		memset(&vq->cb, 0, sizeof(vq->cb));
		spin_unlock_irqrestore(&vq->cb_lock, flags);
		vq->desc = 0;
		vq->driver = 0;
		vq->device = 0;
		vq->num = 0;
		vq->ready = false;
		/* vq->ran stays: where the queue stood is not known again */
	}
	spin_lock_irqsave(&vp->config_lock, flags);
	memset(&vp->config_cb, 0, sizeof(vp->config_cb));
	spin_unlock_irqrestore(&vp->config_lock, flags);
	vp->driver_features = 0;
	vp->cvq_moved = false;
	vp->failed = false;
	return err;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_reset);

/* ---- features ---------------------------------------------------------- */

/**
 * vp_vdpa_lib_get_device_features - &vdpa_config_ops.get_device_features
 * @vdpa: a library device
 *
 * Return: the features the device offers.
 */
u64 vp_vdpa_lib_get_device_features(struct vdpa_device *vdpa)
{
	return vdpa_to_vp(vdpa)->device_features;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_get_device_features);

/**
 * vp_vdpa_lib_set_driver_features - &vdpa_config_ops.set_driver_features
 * @vdpa: a library device
 * @features: the features the driver accepted
 *
 * Return: 0, or -EINVAL if @features holds one the device does not offer.
 */
int vp_vdpa_lib_set_driver_features(struct vdpa_device *vdpa, u64 features)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);

	if (features & ~vp->device_features)
		return -EINVAL;
	vp->driver_features = features;
	vp->cvq_moved = vp->cvq != U16_MAX &&
			(features & VP_VDPA_NET_MQ_FEATURES);
	vp_modern_set_features(&vp->hw->mdev, features);
	return 0;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_set_driver_features);

static u64 vp_vdpa_get_driver_features(struct vdpa_device *vdpa)
{
	return vdpa_to_vp(vdpa)->driver_features;
}

static u32 vp_vdpa_get_device_id(struct vdpa_device *vdpa)
{
	return vdpa_to_vp(vdpa)->hw->mdev.id.device;
}

static u32 vp_vdpa_get_vendor_id(struct vdpa_device *vdpa)
{
	return vdpa_to_vp(vdpa)->hw->mdev.id.vendor;
}

static void vp_vdpa_set_config_cb(struct vdpa_device *vdpa,
				  const struct vdpa_callback *cb)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	unsigned long flags;

	spin_lock_irqsave(&vp->config_lock, flags);
	vp->config_cb = *cb;
	spin_unlock_irqrestore(&vp->config_lock, flags);
}

/* ---- virtqueues -------------------------------------------------------- */

static int vp_vdpa_set_vq_address(struct vdpa_device *vdpa, u16 idx,
				  u64 desc_area, u64 driver_area,
				  u64 device_area)
{
	struct vp_vdpa_vq *vq = vp_vdpa_vq(vdpa_to_vp(vdpa), idx);

	if (!vq)
		return -EINVAL;
	/* written to the function when the queue is enabled there */
	vq->desc = desc_area;
	vq->driver = driver_area;
	vq->device = device_area;
	return 0;
}

static void vp_vdpa_set_vq_num(struct vdpa_device *vdpa, u16 idx, u32 num)
{
	struct vp_vdpa_vq *vq = vp_vdpa_vq(vdpa_to_vp(vdpa), idx);

	if (!vq)
		return;
	/* 0 fails the size check at DRIVER_OK; written to the function then */
	vq->num = num <= U16_MAX ? num : 0;
}

static void vp_vdpa_kick_vq(struct vdpa_device *vdpa, u16 idx)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);

	if (idx < vdpa->nvqs)
		vp_iowrite16(vp_vdpa_hw_qid(vp, idx), vp_vdpa_notify(vp, idx));
}

static void vp_vdpa_set_vq_cb(struct vdpa_device *vdpa, u16 idx,
			      const struct vdpa_callback *cb)
{
	struct vp_vdpa_vq *vq = vp_vdpa_vq(vdpa_to_vp(vdpa), idx);
	unsigned long flags;

	if (!vq)
		return;
	spin_lock_irqsave(&vq->cb_lock, flags);
	vq->cb = *cb;
	spin_unlock_irqrestore(&vq->cb_lock, flags);
}

/**
 * vp_vdpa_lib_set_vq_ready - &vdpa_config_ops.set_vq_ready
 * @vdpa: a library device
 * @idx: queue index
 * @ready: enable or disable
 *
 * Before DRIVER_OK only recorded: the device sees the queue enabled when
 * it starts. After DRIVER_OK a queue can still be enabled. It cannot be
 * disabled alone, since virtio-pci stops a queue only by resetting the
 * device, yet the caller may free the rings once this returns: the whole
 * function then loses bus mastering, so it reads and writes no memory and
 * sends no MSI-X message, and reports NEEDS_RESET. The next DRIVER_OK
 * after a reset gives bus mastering back.
 */
void vp_vdpa_lib_set_vq_ready(struct vdpa_device *vdpa, u16 idx, bool ready)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	struct vp_vdpa_vq *vq = vp_vdpa_vq(vp, idx);
	unsigned long flags;

	if (!vq || vq->ready == ready)
		return;
	if (vp->irq_mode == VP_VDPA_IRQ_NONE) {
		vq->ready = ready;
		return;
	}
	if (!ready) {
		dev_warn_ratelimited(&vdpa->dev,
				     "queue %u disabled while running: device stopped until reset\n",
				     idx);
		pci_clear_master(vp_pdev(vp->hw));
		vp->failed = true;
		vq->ready = false;
		/* a handler already running must not signal the queue after us */
		spin_lock_irqsave(&vq->cb_lock, flags);
		memset(&vq->cb, 0, sizeof(vq->cb));
		spin_unlock_irqrestore(&vq->cb_lock, flags);
		return;
	}
	/* a stopped device stays stopped until reset */
	if (vp->failed || !vp_vdpa_vq_num_ok(vp, idx))
		return;
	vq->ready = true;
	if (vp_vdpa_enable_vq(vp, idx))
		vq->ready = false;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_set_vq_ready);

/**
 * vp_vdpa_lib_get_vq_ready - &vdpa_config_ops.get_vq_ready
 * @vdpa: a library device
 * @idx: queue index
 *
 * Return: whether the driver enabled the queue.
 */
bool vp_vdpa_lib_get_vq_ready(struct vdpa_device *vdpa, u16 idx)
{
	struct vp_vdpa_vq *vq = vp_vdpa_vq(vdpa_to_vp(vdpa), idx);

	return vq && vq->ready;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_get_vq_ready);

static bool vp_vdpa_vq_state_initial(struct vp_vdpa *vp,
				     const struct vdpa_vq_state *state)
{
	if (vp->driver_features & BIT_ULL(VIRTIO_F_RING_PACKED))
		return !state->packed.last_avail_idx &&
		       !state->packed.last_used_idx &&
		       state->packed.last_avail_counter &&
		       state->packed.last_used_counter;
	return !state->split.avail_index;
}

/**
 * vp_vdpa_lib_set_vq_state - &vdpa_config_ops.set_vq_state
 * @vdpa: a library device
 * @idx: queue index
 * @state: the position to start from
 *
 * virtio-pci has no register for a queue's position: a queue starts where
 * a reset leaves it, and only that position can be "set". Once set, the
 * position is known again until the queue next runs.
 *
 * Return: 0 for the position after reset, -EOPNOTSUPP for any other.
 */
int vp_vdpa_lib_set_vq_state(struct vdpa_device *vdpa, u16 idx,
			     const struct vdpa_vq_state *state)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	struct vp_vdpa_vq *vq = vp_vdpa_vq(vp, idx);

	if (!vq)
		return -EINVAL;
	if (!vp_vdpa_vq_state_initial(vp, state))
		return -EOPNOTSUPP;
	vq->ran = false;
	return 0;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_set_vq_state);

/**
 * vp_vdpa_lib_get_vq_state - &vdpa_config_ops.get_vq_state
 * @vdpa: a library device
 * @idx: queue index
 * @state: where to store the position
 *
 * The position is known only for a queue that has not run since it was
 * created or set: the one a reset leaves. Once a queue ran, where it
 * stopped cannot be read, and a reset does not make it known: reporting
 * the reset position then would have a VMM resume the ring from 0 and
 * replay buffers the driver already saw completed.
 *
 * Return: 0, or -EOPNOTSUPP while the device runs or once the queue ran.
 */
int vp_vdpa_lib_get_vq_state(struct vdpa_device *vdpa, u16 idx,
			     struct vdpa_vq_state *state)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	struct vp_vdpa_vq *vq = vp_vdpa_vq(vp, idx);

	if (!vq)
		return -EINVAL;
	if (vp->irq_mode != VP_VDPA_IRQ_NONE || vq->ran)
		return -EOPNOTSUPP;
	memset(state, 0, sizeof(*state));
	if (vp->driver_features & BIT_ULL(VIRTIO_F_RING_PACKED)) {
		state->packed.last_avail_counter = 1;
		state->packed.last_used_counter = 1;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_get_vq_state);

/* The memory BAR of @pdev that [@pa, @pa + @size) lies in, or -1. */
static int vp_vdpa_mem_bar(struct pci_dev *pdev, resource_size_t pa,
			   resource_size_t size)
{
	int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		struct resource *res = &pdev->resource[bar];

		if ((res->flags & IORESOURCE_MEM) && pa >= res->start &&
		    pa + size - 1 <= res->end)
			return bar;
	}
	return -1;
}

static bool vp_vdpa_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/**
 * vp_vdpa_lib_msix_overlaps - whether a BAR range holds MSI-X structures
 * @pdev: the PCI function
 * @bar: BAR number
 * @offset: start of the range in @bar
 * @len: its length in bytes
 *
 * Whoever writes the MSI-X table chooses where the function's interrupt
 * messages go, that is which memory it writes: no such range may be
 * mapped to userspace nor taken for other registers.
 *
 * Return: true if the range overlaps the MSI-X table or pending bit array.
 */
bool vp_vdpa_lib_msix_overlaps(struct pci_dev *pdev, int bar, u64 offset,
			       u64 len)
{
	u32 table, pba;
	u16 flags;
	u64 nr;

	if (!pdev->msix_cap)
		return false;
	pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &flags);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE, &table);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba);
	nr = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	if ((table & PCI_MSIX_TABLE_BIR) == bar &&
	    vp_vdpa_overlap(offset, len, table & PCI_MSIX_TABLE_OFFSET,
			    nr * PCI_MSIX_ENTRY_SIZE))
		return true;
	/* one pending bit per vector, in 64-bit words */
	return (pba & PCI_MSIX_PBA_BIR) == bar &&
	       vp_vdpa_overlap(offset, len, pba & PCI_MSIX_PBA_OFFSET,
			       DIV_ROUND_UP(nr, 64) * sizeof(u64));
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_msix_overlaps);

/**
 * vp_vdpa_lib_read_cap - read a virtio vendor capability
 * @pdev: the function
 * @pos: config space offset of a PCI_CAP_ID_VNDR capability
 * @cap: filled with its type, BAR, offset and length (struct virtio_pci_cap)
 *
 * For parents that look at the function's layout beyond what
 * vp_modern_probe() keeps, e.g. to tell vendor registers from virtio ones.
 */
void vp_vdpa_lib_read_cap(struct pci_dev *pdev, u8 pos, struct vp_vdpa_cap *cap)
{
	pci_read_config_byte(pdev, pos + offsetof(struct virtio_pci_cap, cfg_type),
			     &cap->type);
	pci_read_config_byte(pdev, pos + offsetof(struct virtio_pci_cap, bar),
			     &cap->bar);
	pci_read_config_dword(pdev, pos + offsetof(struct virtio_pci_cap, offset),
			      &cap->offset);
	pci_read_config_dword(pdev, pos + offsetof(struct virtio_pci_cap, length),
			      &cap->length);
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_read_cap);

/*
 * May the page at @pa, a queue's doorbell, go to userspace? Only if all of
 * it lies in the notify region the transport uses, and no other structure
 * of the function shares it: with the common config userspace could
 * reprogram or reset queues behind the kernel, with the MSI-X table make
 * the function write anywhere. The capabilities are read again here
 * rather than trusted from vp_modern_probe(), which keeps no notify
 * region length when it maps doorbells one by one.
 */
static bool vp_vdpa_doorbell_page_ok(struct vp_vdpa_hw *hw, resource_size_t pa)
{
	struct pci_dev *pdev = vp_pdev(hw);
	bool seen_notify = false, in_notify = false;
	struct vp_vdpa_cap cap;
	u8 pos, cap_bar;
	u32 cap_off, cap_len;
	u64 off;
	int bar;

	bar = vp_vdpa_mem_bar(pdev, pa, PAGE_SIZE);
	if (bar < 0)
		return false;
	off = pa - pci_resource_start(pdev, bar);

	for (pos = pci_find_capability(pdev, PCI_CAP_ID_VNDR); pos;
	     pos = pci_find_next_capability(pdev, pos, PCI_CAP_ID_VNDR)) {
		vp_vdpa_lib_read_cap(pdev, pos, &cap);
		cap_bar = cap.bar;
		cap_off = cap.offset;
		cap_len = cap.length;
		if (cap_bar >= PCI_STD_NUM_BARS)
			continue;
		switch (cap.type) {
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			/* the transport took the first one with a usable BAR */
			if (seen_notify || !pci_resource_len(pdev, cap_bar) ||
			    !(pci_resource_flags(pdev, cap_bar) &
			      (IORESOURCE_IO | IORESOURCE_MEM)))
				break;
			seen_notify = true;
			in_notify = cap_bar == bar && off >= cap_off &&
				    off + PAGE_SIZE <= (u64)cap_off + cap_len;
			break;
		case VIRTIO_PCI_CAP_COMMON_CFG:
		case VIRTIO_PCI_CAP_ISR_CFG:
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			/* any of them, not only the one the transport uses */
			if (cap_bar == bar &&
			    vp_vdpa_overlap(off, PAGE_SIZE, cap_off, cap_len))
				return false;
			break;
		}
	}
	return in_notify &&
	       !vp_vdpa_lib_msix_overlaps(pdev, bar, off, PAGE_SIZE);
}

/*
 * A doorbell may be mapped to userspace only if its page belongs to this
 * queue alone and holds no other register; otherwise report the bytes
 * that are the queue's own, which is less than a page.
 */
static struct vdpa_notification_area
vp_vdpa_get_vq_notification(struct vdpa_device *vdpa, u16 idx)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	u32 mult = vp->hw->mdev.notify_offset_multiplier;
	struct vdpa_notification_area area = {};

	if (idx >= vdpa->nvqs)
		return area;
	area.addr = vp->vqs[idx].notify_pa;
	/* userspace writes the index it knows, which names another queue */
	if (idx == vp->cvq) {
		area.size = 2;
		return area;
	}
	/* a multiplier of a page or more keeps other queues off the page */
	if (mult >= PAGE_SIZE && PAGE_ALIGNED(area.addr) &&
	    vp_vdpa_doorbell_page_ok(vp->hw, area.addr))
		area.size = PAGE_SIZE;
	else
		area.size = min_t(u32, mult, PAGE_SIZE - 1) ?: 2;
	return area;
}

static int vp_vdpa_get_vq_irq(struct vdpa_device *vdpa, u16 idx)
{
	struct vp_vdpa_vq *vq = vp_vdpa_vq(vdpa_to_vp(vdpa), idx);

	return vq && vq->irq >= 0 ? vq->irq : -EINVAL;
}

/*
 * Queues of one function may differ in size (a small control queue): offer
 * the largest here, each queue's own through get_vq_size, and refuse at
 * DRIVER_OK a queue set beyond its own limit.
 */
static u16 vp_vdpa_get_vq_num_max(struct vdpa_device *vdpa)
{
	return vdpa_to_vp(vdpa)->hw->queue_size_max;
}

static u16 vp_vdpa_get_vq_size(struct vdpa_device *vdpa, u16 idx)
{
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);
	u16 hwq = vp_vdpa_hw_qid(vp, idx);

	return idx < vdpa->nvqs && hwq < vp->hw->num_queues ?
	       vp->hw->queue_max[hwq] : 0;
}

/* Modern virtio-pci places each ring on its own: cache lines will do. */
static u32 vp_vdpa_get_vq_align(struct vdpa_device *vdpa)
{
	return SMP_CACHE_BYTES;
}

static void vp_vdpa_free(struct vdpa_device *vdpa)
{
	kfree(vdpa_to_vp(vdpa)->vqs);
}

/*
 * The operations of a library device.
 * Copy them into a parent's own struct vdpa_config_ops to override some.
 * No map operation: DMA goes through the PCI function's IOMMU.
 */
const struct vdpa_config_ops vp_vdpa_lib_ops = {
	/* who the device is, what it offers */
	.get_device_id		= vp_vdpa_get_device_id,
	.get_vendor_id		= vp_vdpa_get_vendor_id,
	.get_device_features	= vp_vdpa_lib_get_device_features,
	.set_driver_features	= vp_vdpa_lib_set_driver_features,
	.get_driver_features	= vp_vdpa_get_driver_features,
	/* config space, read through the function's device cfg window */
	.get_config		= vp_vdpa_lib_get_config,
	.set_config		= vp_vdpa_lib_set_config,
	.get_config_size	= vp_vdpa_get_config_size,
	.get_generation		= vp_vdpa_get_generation,
	.set_config_cb		= vp_vdpa_set_config_cb,
	/* a run: DRIVER_OK takes the resources, reset gives them back */
	.set_status		= vp_vdpa_lib_set_status,
	.get_status		= vp_vdpa_lib_get_status,
	.reset			= vp_vdpa_lib_reset,
	.free			= vp_vdpa_free,
	/* queue setup, while the queue is not ready */
	.get_vq_num_max		= vp_vdpa_get_vq_num_max,
	.get_vq_align		= vp_vdpa_get_vq_align,
	.get_vq_size		= vp_vdpa_get_vq_size,
	.set_vq_num		= vp_vdpa_set_vq_num,
	.set_vq_address		= vp_vdpa_set_vq_address,
	.set_vq_state		= vp_vdpa_lib_set_vq_state,
	.get_vq_state		= vp_vdpa_lib_get_vq_state,
	/* a queue at work: its doorbell and its interrupt */
	.set_vq_cb		= vp_vdpa_set_vq_cb,
	.set_vq_ready		= vp_vdpa_lib_set_vq_ready,
	.get_vq_ready		= vp_vdpa_lib_get_vq_ready,
	.kick_vq		= vp_vdpa_kick_vq,
	.get_vq_irq		= vp_vdpa_get_vq_irq,
	.get_vq_notification	=
		vp_vdpa_get_vq_notification,
};
EXPORT_SYMBOL_GPL(vp_vdpa_lib_ops);

/* ---- devices: creation and deletion ------------------------------------ */

/* What userspace asked for, once checked against the function. */
struct vp_vdpa_prov {
	u64 features;
	u32 nvqs;
	u16 max_vqp;
	u16 mtu;
	u16 cvq;
	u16 hw_cvq;
};

static int vp_vdpa_hw_cfg_u16(struct vp_vdpa_hw *hw, unsigned int offset,
			      u16 *val)
{
	u8 raw[2];
	int err = vp_vdpa_hw_cfg_get(hw, offset, raw, sizeof(raw));

	*val = get_unaligned_le16(raw);
	return err;
}

/*
 * virtio-net config space is read-only to a modern driver, so a value
 * is honoured only if the function already has it (MAC), or if showing a
 * smaller one is enough (MTU, queue pairs): the function still accepts
 * more, the driver just never uses it.
 */
static int vp_vdpa_net_provision(struct vp_vdpa_hw *hw,
				 const struct vdpa_dev_set_config *config,
				 struct vp_vdpa_prov *p,
				 struct netlink_ext_ack *extack)
{
	u8 mac[ETH_ALEN];
	u16 val;

	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR)) {
		if (!(p->features & BIT_ULL(VIRTIO_NET_F_MAC)) ||
		    vp_vdpa_hw_cfg_get(hw, offsetof(struct virtio_net_config,
						    mac), mac, ETH_ALEN)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "the device offers no MAC address");
			return -EOPNOTSUPP;
		}
		if (!ether_addr_equal(mac, config->net.mac)) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "the PCI function's MAC address is fixed to %pM",
					       mac);
			return -EOPNOTSUPP;
		}
	}

	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU)) {
		if (!(p->features & BIT_ULL(VIRTIO_NET_F_MTU)) ||
		    vp_vdpa_hw_cfg_u16(hw, offsetof(struct virtio_net_config,
						    mtu), &val)) {
			NL_SET_ERR_MSG_MOD(extack, "the device offers no MTU");
			return -EOPNOTSUPP;
		}
		if (config->net.mtu > val) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "MTU above the PCI function's %u",
					       val);
			return -ERANGE;
		}
		p->mtu = config->net.mtu;
	}

	if (!(config->mask & BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP)))
		return 0;
	if (!(p->features & BIT_ULL(VIRTIO_NET_F_MQ)) ||
	    vp_vdpa_hw_cfg_u16(hw, offsetof(struct virtio_net_config,
					    max_virtqueue_pairs), &val)) {
		if (config->net.max_vq_pairs == 1)
			return 0;
		NL_SET_ERR_MSG_MOD(extack,
				   "the device offers one queue pair (no VIRTIO_NET_F_MQ)");
		return -EOPNOTSUPP;
	}
	if (config->net.max_vq_pairs > val || 2 * (u32)val > hw->num_queues) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "max_vqp above the PCI function's %u",
				       min_t(u32, val, hw->num_queues / 2));
		return -ERANGE;
	}
	if (config->net.max_vq_pairs == val)
		return 0;
	p->max_vqp = config->net.max_vq_pairs;
	p->nvqs = 2 * p->max_vqp;
	/* the control queue follows the queue pairs the driver is shown */
	if (p->features & BIT_ULL(VIRTIO_NET_F_CTRL_VQ)) {
		if (2 * (u32)val >= hw->num_queues) {
			NL_SET_ERR_MSG_MOD(extack,
					   "the PCI function has no control queue");
			return -EIO;
		}
		p->cvq = p->nvqs++;
		p->hw_cvq = 2 * val;
	}
	return 0;
}

static int vp_vdpa_provision(struct vp_vdpa_hw *hw,
			     const struct vdpa_dev_set_config *config,
			     struct vp_vdpa_prov *p,
			     struct netlink_ext_ack *extack)
{
	p->features = hw->device_features;
	p->nvqs = hw->num_queues;
	p->cvq = U16_MAX;
	/* offered by the function, with VERSION_1 and ACCESS_PLATFORM kept:
	 * the core checked (supported_features, required_features)
	 */
	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_FEATURES))
		p->features = config->device_features;
	if (hw->mdev.id.device == VIRTIO_ID_NET)
		return vp_vdpa_net_provision(hw, config, p, extack);
	return 0;
}

static void vp_vdpa_unmap_notify(struct vp_vdpa *vp)
{
	struct vp_vdpa_hw *hw = vp->hw;
	u32 i;

	/* with the notify area mapped whole, the addresses point into it */
	if (hw->mdev.notify_base)
		return;
	for (i = 0; i < vp->vdpa.nvqs; i++)
		if (vp->vqs[i].notify)
			pci_iounmap(vp_pdev(hw), vp->vqs[i].notify);
	if (vp->moved_notify)
		pci_iounmap(vp_pdev(hw), vp->moved_notify);
}

static int vp_vdpa_map_notify(struct vp_vdpa *vp, const struct vp_vdpa_prov *p)
{
	struct virtio_pci_modern_device *mdev = &vp->hw->mdev;
	u32 i;

	for (i = 0; i < vp->vdpa.nvqs; i++) {
		struct vp_vdpa_vq *vq = &vp->vqs[i];

		vq->notify = vp_modern_map_vq_notify(mdev, i, &vq->notify_pa);
		if (!vq->notify)
			return -EIO;
	}
	if (p->cvq != U16_MAX) {
		vp->moved_notify = vp_modern_map_vq_notify(mdev, p->hw_cvq,
							   NULL);
		if (!vp->moved_notify)
			return -EIO;
	}
	return 0;
}

/**
 * vp_vdpa_lib_dev_add - &vdpa_mgmtdev_ops.dev_add for a library function
 * @mgmt: &vp_vdpa_hw.mgmt of the function
 * @name: the new device's name
 * @config: provisioning from userspace
 * @extack: where to explain a refusal
 *
 * A function backs one device at a time. Provisioning is accepted only as
 * far as the function honours it: a subset of its features (keeping
 * VERSION_1 and ACCESS_PLATFORM), and for virtio-net its own MAC, an MTU
 * up to its own and up to its number of queue pairs.
 *
 * Context: the core's management lock held.
 * Return: 0 or -errno, with a message in @extack.
 */
int vp_vdpa_lib_dev_add(struct vdpa_mgmt_dev *mgmt, const char *name,
			const struct vdpa_dev_set_config *config,
			struct netlink_ext_ack *extack)
{
	struct vp_vdpa_hw *hw = container_of(mgmt, struct vp_vdpa_hw, mgmt);
	struct vp_vdpa_prov prov = {};
	struct vdpa_device *vdpa;
	struct vp_vdpa *vp;
	int err;
	u32 i;

	BUILD_BUG_ON(offsetof(struct vp_vdpa, vdpa));
	if (hw->vp) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the PCI function already backs a vDPA device");
		return -EEXIST;
	}
	if (hw->dev_size && hw->dev_size < sizeof(*vp))
		return -EINVAL;
	err = vp_vdpa_provision(hw, config, &prov, extack);
	if (err)
		return err;

	vdpa = __vdpa_alloc_device(&vp_pdev(hw)->dev, hw->ops, 1, 1,
				   hw->dev_size ?: sizeof(*vp), name, false);
	if (IS_ERR(vdpa))
		return PTR_ERR(vdpa);
	vp = vdpa_to_vp(vdpa);
	vp->hw = hw;
	vp->device_features = prov.features;
	vp->max_vqp = prov.max_vqp;
	vp->mtu = prov.mtu;
	vp->cvq = prov.cvq;
	vp->hw_cvq = prov.hw_cvq;
	spin_lock_init(&vp->config_lock);
	vdpa->dma_dev = &vp_pdev(hw)->dev;
	vdpa->mdev = mgmt;
	/* unmapping on error walks the queues before registration counts them */
	vdpa->nvqs = prov.nvqs;

	vp->vqs = kcalloc(prov.nvqs, sizeof(*vp->vqs), GFP_KERNEL);
	if (!vp->vqs) {
		err = -ENOMEM;
		goto err_put;
	}
	for (i = 0; i < prov.nvqs; i++) {
		spin_lock_init(&vp->vqs[i].cb_lock);
		vp->vqs[i].irq = -ENOENT;
		vp->vqs[i].vector = VIRTIO_MSI_NO_VECTOR;
	}
	err = vp_vdpa_map_notify(vp, &prov);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot map the queue doorbells");
		goto err_unmap;
	}

	hw->vp = vp;
	err = vdpa_register_device(vdpa, prov.nvqs);
	if (err) {
		hw->vp = NULL;
		goto err_unmap;
	}
	return 0;

err_unmap:
	vp_vdpa_unmap_notify(vp);
err_put:
	vp->hw = NULL;
	put_device(&vdpa->dev);
	return err;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_dev_add);

/**
 * vp_vdpa_lib_dev_del - &vdpa_mgmtdev_ops.dev_del for a library function
 * @mgmt: &vp_vdpa_hw.mgmt of the function
 * @vdpa: the device vp_vdpa_lib_dev_add() created
 *
 * Unbinds the bus driver, resets the function even if no driver did, and
 * lets go of the function. Bus drivers drop their references on unbind
 * (vhost-vdpa too: an open file then only gets -ENODEV), but the structure
 * may still live on a moment (a netlink reader); nothing reaches the
 * function through it any more.
 *
 * Context: the core's management lock held.
 */
void vp_vdpa_lib_dev_del(struct vdpa_mgmt_dev *mgmt, struct vdpa_device *vdpa)
{
	struct vp_vdpa_hw *hw = container_of(mgmt, struct vp_vdpa_hw, mgmt);
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);

	get_device(&vdpa->dev);
	vdpa_unregister_device(vdpa);
	vdpa->ops->reset(vdpa);
	vp_vdpa_unmap_notify(vp);
	vp->hw = NULL;
	hw->vp = NULL;
	put_device(&vdpa->dev);
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_dev_del);

static const struct vdpa_mgmtdev_ops vp_vdpa_lib_mgmt_ops = {
	.dev_add = vp_vdpa_lib_dev_add,
	.dev_del = vp_vdpa_lib_dev_del,
};

/* ---- the PCI function -------------------------------------------------- */

static u64 vp_vdpa_attr_mask(struct vp_vdpa_hw *hw)
{
	u64 mask = BIT_ULL(VDPA_ATTR_DEV_FEATURES);
	u64 f = hw->device_features;

	if (hw->mdev.id.device != VIRTIO_ID_NET)
		return mask;
	if (f & BIT_ULL(VIRTIO_NET_F_MAC))
		mask |= BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR);
	if (f & BIT_ULL(VIRTIO_NET_F_MTU))
		mask |= BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU);
	if (f & BIT_ULL(VIRTIO_NET_F_MQ))
		mask |= BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP);
	return mask;
}

static int vp_vdpa_read_queues(struct vp_vdpa_hw *hw)
{
	u16 i;

	hw->num_queues = vp_modern_get_num_queues(&hw->mdev);
	/* all ones: the function went away under us */
	if (!hw->num_queues || hw->num_queues == U16_MAX)
		return -ENODEV;
	hw->queue_max = kcalloc(hw->num_queues, sizeof(*hw->queue_max),
				GFP_KERNEL);
	if (!hw->queue_max)
		return -ENOMEM;
	/* right after reset, queue_size holds each queue's maximum */
	for (i = 0; i < hw->num_queues; i++) {
		hw->queue_max[i] = vp_modern_get_queue_size(&hw->mdev, i);
		hw->queue_size_max = max(hw->queue_size_max, hw->queue_max[i]);
	}
	return hw->queue_size_max ? 0 : -ENODEV;
}

/**
 * vp_vdpa_lib_probe - take a virtio-pci modern function for vDPA
 * @pdev: the PCI function
 * @hw: zeroed, or with only @hw->mdev's device_id_check and dma_mask,
 *	@hw->ops, @hw->dev_size and @hw->priv set by the parent
 *
 * Enables the function, maps its virtio capabilities (only the BARs they
 * point at), resets it and reads what devices created on it may offer.
 * The management device is filled in but not registered: the parent may
 * adjust @hw, then calls vp_vdpa_lib_register().
 *
 * Context: process context (the PCI probe), may sleep.
 * Return: 0 or -errno; on error nothing is left to undo.
 */
int vp_vdpa_lib_probe(struct pci_dev *pdev, struct vp_vdpa_hw *hw)
{
	struct virtio_pci_modern_device *mdev = &hw->mdev;
	int err;

	err = pci_enable_device(pdev);
	if (err)
		return err;
	mdev->pci_dev = pdev;
	err = vp_modern_probe(mdev);
	if (err)
		goto err_disable;
	err = vp_vdpa_hw_reset(hw);
	if (err)
		goto err_remove;
	err = vp_vdpa_read_queues(hw);
	if (err)
		goto err_remove;

	hw->device_features = vp_modern_get_features(mdev) &
			      ~VP_VDPA_HIDDEN_FEATURES;
	if (!(hw->device_features & BIT_ULL(VIRTIO_F_VERSION_1))) {
		dev_err(&pdev->dev, "function does not offer VERSION_1\n");
		err = -ENODEV;
		goto err_remove;
	}

	hw->id_table[0].device = mdev->id.device;
	hw->id_table[0].vendor = VIRTIO_DEV_ANY_ID;
	hw->mgmt.device = &pdev->dev;
	if (!hw->mgmt.ops)
		hw->mgmt.ops = &vp_vdpa_lib_mgmt_ops;
	hw->mgmt.id_table = hw->id_table;
	hw->mgmt.config_attr_mask = vp_vdpa_attr_mask(hw);
	hw->mgmt.supported_features = hw->device_features;
	hw->mgmt.required_features = hw->device_features &
				     VP_VDPA_KEPT_FEATURES;
	hw->mgmt.max_supported_vqs = hw->num_queues;
	if (!hw->ops)
		hw->ops = &vp_vdpa_lib_ops;
	return 0;

err_remove:
	kfree(hw->queue_max);
	hw->queue_max = NULL;
	vp_modern_remove(mdev);
err_disable:
	pci_disable_device(pdev);
	return err;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_probe);

/**
 * vp_vdpa_lib_register - let userspace create a device on the function
 * @hw: a function set up by vp_vdpa_lib_probe()
 *
 * &vp_vdpa_hw.device_features may have been narrowed since probe: the
 * management device offers what it says at this point.
 *
 * Context: process context, may sleep.
 * Return: 0 or the -errno of vdpa_mgmtdev_register().
 */
int vp_vdpa_lib_register(struct vp_vdpa_hw *hw)
{
	int err;

	hw->mgmt.supported_features = hw->device_features;
	hw->mgmt.required_features = hw->device_features &
				     VP_VDPA_KEPT_FEATURES;
	err = vdpa_mgmtdev_register(&hw->mgmt);
	hw->registered = !err;
	return err;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_register);

/**
 * vp_vdpa_lib_unregister - stop userspace creating devices on the function
 * @hw: a function set up by vp_vdpa_lib_probe()
 *
 * Deletes the device created on it (unbinding its bus driver, which may
 * have userspace holding files and mappings: they lose the device). The
 * function stays enabled and mapped, so a parent may still tear down its
 * own registers before vp_vdpa_lib_release().
 *
 * Context: process context (the PCI remove), may sleep.
 */
void vp_vdpa_lib_unregister(struct vp_vdpa_hw *hw)
{
	if (hw->registered)
		vdpa_mgmtdev_unregister(&hw->mgmt);
	hw->registered = false;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_unregister);

/**
 * vp_vdpa_lib_release - give the function back
 * @hw: a function set up by vp_vdpa_lib_probe(), unregistered
 *
 * Resets, unmaps and disables the function: after this no BAR of it may
 * be touched.
 *
 * Context: process context (the PCI remove), may sleep.
 */
void vp_vdpa_lib_release(struct vp_vdpa_hw *hw)
{
	struct pci_dev *pdev = vp_pdev(hw);

	vp_vdpa_hw_reset(hw);
	pci_clear_master(pdev);
	kfree(hw->queue_max);
	hw->queue_max = NULL;
	vp_modern_remove(&hw->mdev);
	pci_disable_device(pdev);
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_release);

/**
 * vp_vdpa_lib_remove - unregister and give the function back
 * @hw: a function set up by vp_vdpa_lib_probe()
 *
 * vp_vdpa_lib_unregister(), then vp_vdpa_lib_release(), for a parent with
 * nothing of its own to tear down in between.
 *
 * Context: process context (the PCI remove), may sleep.
 */
void vp_vdpa_lib_remove(struct vp_vdpa_hw *hw)
{
	vp_vdpa_lib_unregister(hw);
	vp_vdpa_lib_release(hw);
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_remove);

MODULE_DESCRIPTION("vDPA operations of a virtio-pci modern function");
MODULE_LICENSE("GPL");
