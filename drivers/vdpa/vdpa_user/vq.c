// SPDX-License-Identifier: GPL-2.0
/*
 * Kicks and interrupts between a bus driver and the daemon.
 *
 * A kick becomes a signal on the daemon's kick eventfd; one that comes
 * before the daemon gave an eventfd is remembered and delivered when it
 * does. An interrupt the daemon injects signals the bus driver's eventfd
 * directly when it gave one (vhost-vdpa's call fd), and otherwise calls its
 * callback from a workqueue, as a device's interrupt handler would run.
 */

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/virtio_config.h>

#include "vduse.h"

/*
 * The daemon's eventfd is signalled under RCU, never under @kick_lock:
 * kicks arrive with another eventfd's queue lock held (vhost-vdpa's kick
 * hook), so signalling under @kick_lock would order eventfd locks both
 * ways. A replaced eventfd is put after a grace period.
 */
static void vduse_vq_kick_work(struct work_struct *work)
{
	struct vduse_vq *vq = container_of(work, struct vduse_vq, kick_work);
	struct eventfd_ctx *ctx;

	rcu_read_lock();
	ctx = rcu_dereference(vq->kick);
	if (ctx)
		eventfd_signal(ctx);
	rcu_read_unlock();
}

/* The callback runs under @irq_lock: replacing it waits for it to end. */
static void vduse_vq_irq_work(struct work_struct *work)
{
	struct vduse_vq *vq = container_of(work, struct vduse_vq, irq_work);

	/* Before the driver reaps: see takeover.c. */
	vduse_track_scan(vq);
	spin_lock_bh(&vq->irq_lock);
	/* A disabled queue has nothing to say, whatever its callback. */
	if (vq->cb.callback && READ_ONCE(vq->ready))
		vq->cb.callback(vq->cb.private);
	spin_unlock_bh(&vq->irq_lock);
}

/**
 * vduse_vq_init - set up a new device's queue
 * @dev: the device
 * @vq: the queue
 * @index: its index
 */
void vduse_vq_init(struct vduse_dev *dev, struct vduse_vq *vq, u32 index)
{
	vq->dev = dev;
	vq->index = index;
	spin_lock_init(&vq->kick_lock);
	spin_lock_init(&vq->irq_lock);
	INIT_WORK(&vq->kick_work, vduse_vq_kick_work);
	INIT_WORK(&vq->irq_work, vduse_vq_irq_work);
	vq->irq_cpu = -1;
}

/**
 * vduse_vq_kick - the driver made buffers available
 * @vq: the queue
 *
 * Context: any, including hard irq and another eventfd's wakeup.
 */
void vduse_vq_kick(struct vduse_vq *vq)
{
	struct eventfd_ctx *ctx = NULL;
	unsigned long flags;
	bool irq = false;

	rcu_read_lock();
	spin_lock_irqsave(&vq->kick_lock, flags);
	if (vq->ready) {
		if (READ_ONCE(vq->dev->taken_over)) {
			irq = vduse_takeover_kick_locked(vq);
		} else {
			ctx = rcu_dereference_protected(vq->kick,
							lockdep_is_held(&vq->kick_lock));
			if (!ctx)
				vq->kicked = true;
		}
	}
	spin_unlock_irqrestore(&vq->kick_lock, flags);
	if (irq)
		vduse_vq_irq(vq);
	if (ctx) {
		if (eventfd_signal_allowed())
			eventfd_signal(ctx);
		else	/* inside an eventfd wakeup (vhost-vdpa's kick hook) */
			schedule_work(&vq->kick_work);
	}
	rcu_read_unlock();
}

/*
 * Swap the kick eventfd. The old one may still be signalled until a grace
 * period has passed: it is returned for the caller to put after one.
 */
static struct eventfd_ctx *vduse_vq_swap_kick(struct vduse_vq *vq,
					      struct eventfd_ctx *ctx,
					      bool deliver_latched)
{
	struct eventfd_ctx *old;
	bool deliver;

	spin_lock_irq(&vq->kick_lock);
	old = rcu_replace_pointer(vq->kick, ctx,
				  lockdep_is_held(&vq->kick_lock));
	deliver = deliver_latched && ctx && vq->ready && vq->kicked;
	if (deliver || !ctx)
		vq->kicked = false;
	spin_unlock_irq(&vq->kick_lock);
	if (deliver)
		eventfd_signal(ctx);
	return old;
}

/* After a grace period: no signaller, deferred ones included, has @old. */
static void vduse_vq_put_kick(struct vduse_vq *vq, struct eventfd_ctx *old)
{
	if (!old)
		return;
	flush_work(&vq->kick_work);
	eventfd_ctx_put(old);
}

/**
 * vduse_vq_set_kickfd - the daemon gives (or takes back) its kick eventfd
 * @vq: the queue
 * @fd: an eventfd, or VDUSE_EVENTFD_DEASSIGN
 *
 * Return: 0 or -errno.
 */
int vduse_vq_set_kickfd(struct vduse_vq *vq, int fd)
{
	struct eventfd_ctx *ctx = NULL;

	if (fd >= 0) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	} else if (fd != VDUSE_EVENTFD_DEASSIGN) {
		/* Upstream ignores other negative values: so do we. */
		return 0;
	}

	ctx = vduse_vq_swap_kick(vq, ctx, true);
	if (ctx) {
		synchronize_rcu();
		vduse_vq_put_kick(vq, ctx);
	}
	return 0;
}

/**
 * vduse_vq_set_ready - the driver enables or disables a queue
 * @vq: the queue
 * @ready: enabled
 */
void vduse_vq_set_ready(struct vduse_vq *vq, bool ready)
{
	spin_lock_irq(&vq->kick_lock);
	vq->ready = ready;
	if (!ready)
		vq->kicked = false;
	spin_unlock_irq(&vq->kick_lock);
	/* The driver may free the ring once this returns. */
	if (!ready)
		vduse_track_stop(vq);
}

/**
 * vduse_vq_set_cb - the bus driver sets its used-buffer notification
 * @vq: the queue
 * @cb: the callback
 *
 * Once this returns, the callback it replaced is not running and will not
 * be called.
 */
void vduse_vq_set_cb(struct vduse_vq *vq, const struct vdpa_callback *cb)
{
	spin_lock_bh(&vq->irq_lock);
	vq->cb = *cb;
	spin_unlock_bh(&vq->irq_lock);
}

/**
 * vduse_vq_inject_irq - the daemon interrupts the driver for a queue
 * @vq: the queue
 *
 * Return: 0, or -EINVAL if the driver has not started the device.
 */
int vduse_vq_inject_irq(struct vduse_vq *vq)
{
	struct vduse_dev *dev = vq->dev;
	bool ready;

	spin_lock_bh(&vq->irq_lock);
	if (vq->cb.trigger) {
		spin_lock_irq(&vq->kick_lock);
		ready = vq->ready;
		spin_unlock_irq(&vq->kick_lock);
		if (ready) {
			eventfd_signal(vq->cb.trigger);
			spin_unlock_bh(&vq->irq_lock);
			return 0;
		}
	}
	spin_unlock_bh(&vq->irq_lock);

	if (!(READ_ONCE(dev->status) & VIRTIO_CONFIG_S_DRIVER_OK))
		return -EINVAL;
	vduse_vq_irq(vq);
	return 0;
}

/**
 * vduse_vq_irq - call the bus driver's callback for a queue, from a worker
 * @vq: the queue
 *
 * Context: any.
 */
void vduse_vq_irq(struct vduse_vq *vq)
{
	int cpu;

	/*
	 * Round robin over the online CPUs, on per-CPU workers: an unbound
	 * worker tends to wait for the daemon's own CPU, which is busy.
	 */
	cpu = cpumask_next(READ_ONCE(vq->irq_cpu), cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	WRITE_ONCE(vq->irq_cpu, cpu);
	queue_work_on(cpu, vduse_irq_bound_wq, &vq->irq_work);
}

/**
 * vduse_vqs_reset - forget what the driver and the daemon set up
 * @dev: the device
 *
 * Called by the device's reset; no callback runs once this returns. The
 * kick eventfds of all queues wait out one grace period together.
 */
void vduse_vqs_reset(struct vduse_dev *dev)
{
	struct vdpa_callback none = {};
	bool retired = false;
	u32 i;

	for (i = 0; i < dev->nvqs; i++) {
		struct vduse_vq *vq = &dev->vqs[i];

		vduse_vq_set_cb(vq, &none);
		vduse_vq_set_ready(vq, false);
		vq->kick_retired = vduse_vq_swap_kick(vq, NULL, false);
		retired |= !!vq->kick_retired;
	}
	if (retired)
		synchronize_rcu();
	for (i = 0; i < dev->nvqs; i++) {
		struct vduse_vq *vq = &dev->vqs[i];

		vduse_vq_put_kick(vq, vq->kick_retired);
		vq->kick_retired = NULL;
		cancel_work_sync(&vq->irq_work);
		cancel_work_sync(&vq->kick_work);
		vq->num = 0;
		vq->desc_addr = 0;
		vq->driver_addr = 0;
		vq->device_addr = 0;
		memset(&vq->state, 0, sizeof(vq->state));
	}
}

static void vduse_config_work(struct work_struct *work)
{
	struct vduse_dev *dev = container_of(work, struct vduse_dev,
					     config_work);

	spin_lock_bh(&dev->config_cb_lock);
	if (dev->config_cb.callback)
		dev->config_cb.callback(dev->config_cb.private);
	spin_unlock_bh(&dev->config_cb_lock);
}

/**
 * vduse_set_config_cb - the bus driver sets its config-change notification
 * @dev: the device
 * @cb: the callback
 *
 * As for queues, the replaced callback is over once this returns.
 */
void vduse_set_config_cb(struct vduse_dev *dev,
			 const struct vdpa_callback *cb)
{
	spin_lock_bh(&dev->config_cb_lock);
	dev->config_cb = *cb;
	spin_unlock_bh(&dev->config_cb_lock);
}

/**
 * vduse_inject_config_irq - the daemon says the config space changed
 * @dev: the device
 *
 * Return: 0, or -EINVAL if the driver has not started the device.
 */
int vduse_inject_config_irq(struct vduse_dev *dev)
{
	if (!(READ_ONCE(dev->status) & VIRTIO_CONFIG_S_DRIVER_OK))
		return -EINVAL;
	queue_work(vduse_irq_wq, &dev->config_work);
	return 0;
}

/**
 * vduse_config_init - set up a new device's config notification
 * @dev: the device
 */
void vduse_config_init(struct vduse_dev *dev)
{
	INIT_WORK(&dev->config_work, vduse_config_work);
}

/**
 * vduse_config_reset - forget the config notification
 * @dev: the device
 *
 * No config callback runs once this returns.
 */
void vduse_config_reset(struct vduse_dev *dev)
{
	struct vdpa_callback none = {};

	vduse_set_config_cb(dev, &none);
	cancel_work_sync(&dev->config_work);
}
