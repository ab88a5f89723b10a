// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_vdpa: a vdpa bus driver that turns each vDPA device into a device
 * on the virtio bus, so the kernel's own virtio drivers (virtio_net,
 * virtio_blk, ...) run on top of it.
 *
 * The translation is thin: virtio config ops map onto the parent's
 * vdpa_config_ops one to one, the rings are ordinary virtio_ring queues
 * allocated on the device that does the parent's DMA, a kick becomes the
 * parent's kick_vq and a parent's queue callback becomes vring_interrupt().
 * Nothing runs on its own here: no thread, no timer, no workqueue.
 */

#include <linux/bottom_half.h>
#include <linux/device.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vdpa.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

/*
 * Ring size asked for when the parent allows more: large enough to keep a
 * software parent's batches full, small enough that a thousand devices do
 * not pin megabytes of ring memory each.
 */
#define VVDPA_RING_SIZE 256

/**
 * struct vvdpa_dev - one vDPA device seen as a virtio device
 * @vdev: the virtio device registered on the virtio bus; its refcount is
 *	the lifetime of this structure
 * @vdpa: the vDPA device underneath, which outlives @vdev's registration
 *	(it is only unbound after we unregister @vdev)
 * @broken_work: looks at the status after a config interrupt, see
 *	vvdpa_broken_work()
 */
struct vvdpa_dev {
	struct virtio_device vdev;
	struct vdpa_device *vdpa;
	struct work_struct broken_work;
};

static struct vvdpa_dev *to_vvdpa(struct virtio_device *vdev)
{
	return container_of(vdev, struct vvdpa_dev, vdev);
}

static struct vdpa_device *vq_to_vdpa(struct virtqueue *vq)
{
	return to_vvdpa(vq->vdev)->vdpa;
}

static void vvdpa_get_config(struct virtio_device *vdev, unsigned int offset,
			     void *buf, unsigned int len)
{
	vdpa_get_config(to_vvdpa(vdev)->vdpa, offset, buf, len);
}

static void vvdpa_set_config(struct virtio_device *vdev, unsigned int offset,
			     const void *buf, unsigned int len)
{
	vdpa_set_config(to_vvdpa(vdev)->vdpa, offset, buf, len);
}

static u32 vvdpa_generation(struct virtio_device *vdev)
{
	struct vdpa_device *vdpa = to_vvdpa(vdev)->vdpa;

	/* Without a counter the core rereads once and compares, as for 0. */
	if (!vdpa->ops->get_generation)
		return 0;
	return vdpa->ops->get_generation(vdpa);
}

static u8 vvdpa_get_status(struct virtio_device *vdev)
{
	struct vdpa_device *vdpa = to_vvdpa(vdev)->vdpa;

	return vdpa->ops->get_status(vdpa);
}

static void vvdpa_set_status(struct virtio_device *vdev, u8 status)
{
	vdpa_set_status(to_vvdpa(vdev)->vdpa, status);
}

/*
 * Fallback for a parent whose reset failed: we cannot trust it to have
 * stopped, so at least take every queue and the config space away from it
 * before the virtio core frees the rings.
 */
static void vvdpa_detach_all(struct vdpa_device *vdpa)
{
	const struct vdpa_callback none = {};
	u32 i;

	for (i = 0; i < vdpa->nvqs; i++) {
		vdpa->ops->set_vq_ready(vdpa, i, false);
		vdpa->ops->set_vq_cb(vdpa, i, &none);
	}
	vdpa->ops->set_config_cb(vdpa, &none);
}

static void vvdpa_reset(struct virtio_device *vdev)
{
	struct vvdpa_dev *vv = to_vvdpa(vdev);
	struct vdpa_device *vdpa = vv->vdpa;
	int err;

	/*
	 * Drivers free their rings right after this returns, so the parent
	 * must be done with them by then; the vdpa_reset() contract says
	 * exactly that when it succeeds.
	 */
	err = vdpa_reset(vdpa);
	if (err) {
		dev_err(&vdev->dev, "parent reset failed: %d\n", err);
		vvdpa_detach_all(vdpa);
	}
	/* No break may land on the queues of the next run. */
	cancel_work_sync(&vv->broken_work);
}

static u64 vvdpa_get_features(struct virtio_device *vdev)
{
	struct vdpa_device *vdpa = to_vvdpa(vdev)->vdpa;

	return vdpa->ops->get_device_features(vdpa);
}

static int vvdpa_finalize_features(struct virtio_device *vdev)
{
	struct vdpa_device *vdpa = to_vvdpa(vdev)->vdpa;

	vring_transport_features(vdev);

	/*
	 * The ring code keeps NOTIFICATION_DATA, but we can only honour it
	 * when the parent takes the extra payload with its kick.
	 */
	if (!vdpa->ops->kick_vq_with_data)
		__virtio_clear_bit(vdev, VIRTIO_F_NOTIFICATION_DATA);

	return vdpa_set_features(vdpa, vdev->features);
}

static const char *vvdpa_bus_name(struct virtio_device *vdev)
{
	return dev_name(&to_vvdpa(vdev)->vdpa->dev);
}

static bool vvdpa_notify(struct virtqueue *vq)
{
	struct vdpa_device *vdpa = vq_to_vdpa(vq);

	vdpa->ops->kick_vq(vdpa, vq->index);
	return true;
}

static bool vvdpa_notify_with_data(struct virtqueue *vq)
{
	struct vdpa_device *vdpa = vq_to_vdpa(vq);

	vdpa->ops->kick_vq_with_data(vdpa, vring_notification_data(vq));
	return true;
}

/*
 * The contract asks parents to signal from irq context, but a software
 * parent's worker runs in a task. There, with bottom halves enabled, a
 * driver's napi_schedule() would leave NET_RX pending until some later
 * interrupt; disabling them around the ring interrupt runs it right after.
 * The bh-off section is also an RCU reader, so the virtio core's
 * synchronize_rcu() fallback for synchronize_cbs covers every parent and
 * we need no op of our own. With irqs off we are a reader already.
 */
static irqreturn_t vvdpa_vq_signalled(void *private)
{
	struct virtqueue *vq = private;
	irqreturn_t ret;

	if (irqs_disabled())
		return vring_interrupt(0, vq);

	local_bh_disable();
	ret = vring_interrupt(0, vq);
	local_bh_enable();
	return ret;
}

/*
 * A device that set NEEDS_RESET processes nothing more until it is reset:
 * break its queues, so that a driver waiting on one gives up rather than
 * wait for ever (virtio_net spins on its control queue until an answer
 * comes or the queue is broken). A work item, because the status op may
 * sleep and the config callback may come in irq context.
 */
static void vvdpa_broken_work(struct work_struct *work)
{
	struct vvdpa_dev *vv = container_of(work, struct vvdpa_dev,
					    broken_work);

	if (vv->vdpa->ops->get_status(vv->vdpa) & VIRTIO_CONFIG_S_NEEDS_RESET) {
		dev_warn(&vv->vdev.dev, "device needs a reset: queues stopped\n");
		virtio_break_device(&vv->vdev);
	}
}

static irqreturn_t vvdpa_config_signalled(void *private)
{
	struct vvdpa_dev *vv = private;

	schedule_work(&vv->broken_work);
	virtio_config_changed(&vv->vdev);
	return IRQ_HANDLED;
}

/* The parent's smallest acceptable ring; an op returning 0 means "any". */
static u32 vvdpa_ring_min(struct vdpa_device *vdpa)
{
	u32 lo = 0;

	if (vdpa->ops->get_vq_num_min)
		lo = vdpa->ops->get_vq_num_min(vdpa);
	return lo ?: 1;
}

/* Pick a ring size queue @idx accepts and the ring layout can express. */
static int vvdpa_ring_size(struct vdpa_device *vdpa, u16 idx, bool packed)
{
	u32 hi = vdpa->ops->get_vq_num_max(vdpa);
	u32 lo = vvdpa_ring_min(vdpa);
	u32 num;

	if (vdpa->ops->get_vq_size)
		hi = min_t(u32, hi, vdpa->ops->get_vq_size(vdpa, idx));

	if (lo > hi)
		return -EINVAL;

	num = clamp_t(u32, VVDPA_RING_SIZE, lo, hi);
	/* Split rings index with a free-running u16 masked by num - 1. */
	if (!packed)
		num = rounddown_pow_of_two(num);
	if (num < lo)
		return -EINVAL;
	return num;
}

/*
 * Set one queue up on the parent at device index @idx. The queue must be
 * disabled: a ready queue here means a reset was skipped and the parent may
 * still be using rings we know nothing about.
 */
static struct virtqueue *vvdpa_setup_vq(struct vvdpa_dev *vv, u16 idx,
					const struct virtqueue_info *info)
{
	struct vdpa_device *vdpa = vv->vdpa;
	const struct vdpa_config_ops *ops = vdpa->ops;
	bool packed = virtio_has_feature(&vv->vdev, VIRTIO_F_RING_PACKED);
	bool (*notify)(struct virtqueue *vq) = vvdpa_notify;
	struct vdpa_vq_state state = {};
	struct vdpa_callback cb = {};
	struct device *dma_dev;
	struct virtqueue *vq;
	int num, err;

	if (idx >= vdpa->nvqs)
		return ERR_PTR(-ENOENT);
	if (ops->get_vq_ready(vdpa, idx))
		return ERR_PTR(-EBUSY);

	num = vvdpa_ring_size(vdpa, idx, packed);
	if (num < 0)
		return ERR_PTR(num);

	if (virtio_has_feature(&vv->vdev, VIRTIO_F_NOTIFICATION_DATA))
		notify = vvdpa_notify_with_data;

	dma_dev = ops->get_vq_dma_dev ? ops->get_vq_dma_dev(vdpa, idx) :
					vdpa_get_dma_dev(vdpa);

	/*
	 * may_reduce_num lets the ring code retry smaller sizes under memory
	 * pressure; the parent's minimum is checked on what we actually got.
	 */
	vq = vring_create_virtqueue_dma(idx, num, ops->get_vq_align(vdpa),
					&vv->vdev, true, true, info->ctx,
					notify, info->callback, info->name,
					dma_dev);
	if (!vq)
		return ERR_PTR(-ENOMEM);

	num = virtqueue_get_vring_size(vq);
	if (num < vvdpa_ring_min(vdpa)) {
		err = -ENOMEM;
		goto err_del;
	}

	/*
	 * Queues that nobody waits on get no callback at all, which spares
	 * the parent a signal per used buffer.
	 */
	if (info->callback) {
		cb.callback = vvdpa_vq_signalled;
		cb.private = vq;
	}
	ops->set_vq_cb(vdpa, idx, &cb);
	ops->set_vq_num(vdpa, idx, num);

	err = ops->set_vq_address(vdpa, idx, virtqueue_get_desc_addr(vq),
				  virtqueue_get_avail_addr(vq),
				  virtqueue_get_used_addr(vq));
	if (err)
		goto err_cb;

	/*
	 * A fresh ring starts at index 0, and a packed one with both wrap
	 * counters set; say so explicitly rather than rely on what a zeroed
	 * parent state happens to mean.
	 */
	if (packed) {
		state.packed.last_avail_counter = 1;
		state.packed.last_used_counter = 1;
	}
	err = ops->set_vq_state(vdpa, idx, &state);
	if (err)
		goto err_cb;

	ops->set_vq_ready(vdpa, idx, true);
	return vq;

err_cb:
	memset(&cb, 0, sizeof(cb));
	ops->set_vq_cb(vdpa, idx, &cb);
err_del:
	vring_del_virtqueue(vq);
	return ERR_PTR(err);
}

static void vvdpa_del_vqs(struct virtio_device *vdev)
{
	struct vdpa_device *vdpa = to_vvdpa(vdev)->vdpa;
	const struct vdpa_callback none = {};
	struct virtqueue *vq, *next;

	/*
	 * Normally the driver reset the device first and this only tidies
	 * up; on a find_vqs() failure the device never reached DRIVER_OK, so
	 * disabling the queues is enough to keep the parent off the rings.
	 */
	list_for_each_entry_safe(vq, next, &vdev->vqs, list) {
		vdpa->ops->set_vq_ready(vdpa, vq->index, false);
		vdpa->ops->set_vq_cb(vdpa, vq->index, &none);
		vring_del_virtqueue(vq);
	}
}

static int vvdpa_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			  struct virtqueue *vqs[],
			  struct virtqueue_info vqs_info[],
			  struct irq_affinity *desc)
{
	struct vvdpa_dev *vv = to_vvdpa(vdev);
	struct vdpa_device *vdpa = vv->vdpa;
	struct vdpa_callback cb = {
		.callback = vvdpa_config_signalled,
		.private = vv,
	};
	unsigned int i;
	u16 idx = 0;

	for (i = 0; i < nvqs; i++) {
		/*
		 * A nameless entry is a queue the driver does not use; it
		 * takes no device index, so later queues shift down.
		 */
		if (!vqs_info[i].name) {
			vqs[i] = NULL;
			continue;
		}

		vqs[i] = vvdpa_setup_vq(vv, idx++, &vqs_info[i]);
		if (IS_ERR(vqs[i])) {
			int err = PTR_ERR(vqs[i]);

			vvdpa_del_vqs(vdev);
			return err;
		}
	}

	vdpa->ops->set_config_cb(vdpa, &cb);
	return 0;
}

static const struct virtio_config_ops vvdpa_config_ops = {
	/* negotiation: the status byte and features go through the core */
	.get_status		= vvdpa_get_status,
	.set_status		= vvdpa_set_status,
	.reset			= vvdpa_reset,
	.get_features		= vvdpa_get_features,
	.finalize_features	=
		vvdpa_finalize_features,

	/* device-specific config space */
	.get			= vvdpa_get_config,
	.set			= vvdpa_set_config,
	.generation		= vvdpa_generation,

	/* rings */
	.find_vqs		= vvdpa_find_vqs,
	.del_vqs		= vvdpa_del_vqs,

	.bus_name		= vvdpa_bus_name,
};

static void vvdpa_release(struct device *dev)
{
	kfree(to_vvdpa(dev_to_virtio(dev)));
}

static int vvdpa_probe(struct vdpa_device *vdpa)
{
	struct vvdpa_dev *vv;
	u32 device_id;
	int err;

	/* Device id 0 is "reserved": no virtio driver would ever match it. */
	device_id = vdpa->ops->get_device_id(vdpa);
	if (!device_id)
		return -ENODEV;

	vv = kzalloc(sizeof(*vv), GFP_KERNEL);
	if (!vv)
		return -ENOMEM;

	vv->vdpa = vdpa;
	INIT_WORK(&vv->broken_work, vvdpa_broken_work);
	vv->vdev.dev.parent = &vdpa->dev;
	vv->vdev.dev.release = vvdpa_release;
	vv->vdev.config = &vvdpa_config_ops;
	vv->vdev.id.device = device_id;
	vv->vdev.id.vendor = vdpa->ops->get_vendor_id(vdpa);
	vdpa_set_drvdata(vdpa, vv);

	err = register_virtio_device(&vv->vdev);
	if (err) {
		vdpa_set_drvdata(vdpa, NULL);
		/* Someone may hold a reference already: release frees vv. */
		put_device(&vv->vdev.dev);
		return err;
	}
	return 0;
}

static void vvdpa_remove(struct vdpa_device *vdpa)
{
	struct vvdpa_dev *vv = vdpa_get_drvdata(vdpa);
	const struct vdpa_callback none = {};

	/*
	 * Keep vv alive across the final reset: the virtio core leaves the
	 * device at ACKNOWLEDGE with our config callback installed, and until
	 * the parent is reset it may still signal into vv.
	 */
	get_device(&vv->vdev.dev);
	unregister_virtio_device(&vv->vdev);

	/* Hand the device back untouched, ready for the next bus driver. */
	if (vdpa_reset(vdpa))
		vvdpa_detach_all(vdpa);
	vdpa->ops->set_config_cb(vdpa, &none);
	cancel_work_sync(&vv->broken_work);

	vdpa_set_drvdata(vdpa, NULL);
	put_device(&vv->vdev.dev);
}

static struct vdpa_driver vvdpa_driver = {
	.driver = {
		.name = "virtio_vdpa",
	},
	.probe = vvdpa_probe,
	.remove = vvdpa_remove,
	/* virtio drivers map their buffers with the DMA API */
	.dma_api = true,
};

module_vdpa_driver(vvdpa_driver);

MODULE_DESCRIPTION("vDPA bus driver presenting vDPA devices on the virtio bus");
MODULE_LICENSE("GPL");
