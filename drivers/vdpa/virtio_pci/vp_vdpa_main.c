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
 *
 * The PCI function itself, from vp_vdpa_lib_probe() to
 * vp_vdpa_lib_release(), is here too. Beside this file:
 * vp_vdpa_config.c, the device-specific config space; vp_vdpa_irq.c, the
 * interrupt vectors of a run; vp_vdpa_mgmt.c, the management device,
 * which provisions, creates and deletes devices.
 */

#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_pci.h>
#include <linux/vp_vdpa_lib.h>

#include "vp_vdpa_priv.h"

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

/* ---- the PCI function -------------------------------------------------- */

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
