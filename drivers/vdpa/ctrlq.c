// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio-net control queue presented by the core, for net parents that
 * have none of their own: the parent saves a queue per device and only
 * implements struct vdpa_net_ctrl_ops.
 *
 * The core puts its own operations in front of the parent's (vdpa_device.ops
 * becomes a table of ours, the parent's stays in vdpa_device.parent_ops).
 * Operations on the control queue's index are ours; every other one goes
 * to the parent. The control queue sits in a virtqueue group of its own,
 * the last, which a VMM may attach to any of the parent's address spaces
 * (QEMU shadows the control queue in address space 1, when there is one).
 *
 * We walk the queue in software, so we translate its address space
 * ourselves: every map the bus driver gives the parent is mirrored in a
 * table of ours, and the ring is reached through that table only, under
 * the same rules as a software parent (vdpa.h, DMA isolation). This needs
 * a parent that is given maps (set_map or dma_map) of physical addresses.
 */

#include <linux/eventfd.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/vdpa.h>
#include <linux/vdpa_devring.h>
#include <linux/vdpa_iotlb.h>
#include <linux/vdpa_net_ctrl.h>
#include <linux/workqueue.h>
#include <uapi/linux/virtio_config.h>
#include <uapi/linux/virtio_net.h>

#include "vdpa_core.h"

/* Commands per run of the work, so one device cannot hog a worker. */
#define CTRLQ_BUDGET	32
/* virtio_net's longest command is header, two MAC tables and the ack. */
#define CTRLQ_MAX_SEGS	16

/**
 * struct vdpa_ctrlq - the control queue the core presents
 * @vdev: the device
 * @ops: our operations table for the parent's (shared, refcounted)
 * @net_ops: what the parent does with decoded commands
 * @lock: guards all below against the operations and @work; taken before
 *	any lock of the parent's
 * @work: walks the ring, on an unbound workqueue (parent operations sleep)
 * @ctl: the decoder's state, while the driver runs the device
 * @ring: the ring, valid while @started
 * @cb: the driver's used-buffer notification
 * @config_cb: the driver's config-change notification (a broken ring)
 * @segs: the chain being handled
 * @desc: IOVA of the descriptor area
 * @driver: IOVA of the driver area
 * @device: IOVA of the device area
 * @features: what the driver negotiated
 * @commands: commands answered, over the device's life
 * @errors: of those, answered VIRTIO_NET_ERR
 * @num: queue size
 * @group: our virtqueue group (the parent's count)
 * @asid: the address space @group is attached to
 * @max_vq_pairs: the device's queue pairs
 * @index: the control queue's index as the driver counts (2 without MQ)
 * @last_avail: where the ring starts or stopped
 * @ready: the driver enabled the queue
 * @driver_ok: the driver started the device
 * @started: @ring is live
 * @suspended: a VMM suspended the device
 * @broken: the driver broke the ring; the device needs a reset
 * @as: mirrors of the device's address spaces
 */
struct vdpa_ctrlq {
	struct vdpa_device *vdev;
	struct vdpa_ctrlq_ops *ops;
	const struct vdpa_net_ctrl_ops *net_ops;
	struct mutex lock;	/* the queue's state vs. ops and work */
	struct work_struct work;
	struct vdpa_net_ctrl *ctl;
	struct vdpa_devring ring;
	struct vdpa_callback cb;
	struct vdpa_callback config_cb;
	struct vdpa_devring_seg segs[CTRLQ_MAX_SEGS];
	u64 desc;
	u64 driver;
	u64 device;
	u64 features;
	u64 commands;
	u64 errors;
	u32 num;
	u32 group;
	u32 asid;
	u16 max_vq_pairs;
	u16 index;
	u16 last_avail;
	bool ready;
	bool driver_ok;
	bool started;
	bool suspended;
	bool broken;
	struct vdpa_iotlb as[];
};

/*
 * Our operations in front of one parent's table, shared by all its
 * devices: built once, kept while a device uses it.
 */
struct vdpa_ctrlq_ops {
	struct list_head node;
	const struct vdpa_config_ops *parent;
	unsigned int users;
	struct vdpa_config_ops ops;
};

static LIST_HEAD(vdpa_ctrlq_ops_list);
static DEFINE_MUTEX(vdpa_ctrlq_ops_lock);

static struct vdpa_ctrlq *cq_of(struct vdpa_device *vdev)
{
	return vdev->ctrlq;
}

static const struct vdpa_config_ops *parent_ops(struct vdpa_device *vdev)
{
	return vdev->parent_ops;
}

/* Read without the lock by kick_vq; changes only at feature negotiation. */
static bool is_cq(struct vdpa_device *vdev, u16 idx)
{
	return idx == READ_ONCE(cq_of(vdev)->index);
}

static void ctrlq_signal(const struct vdpa_callback *cb)
{
	/* As from a device's interrupt: the callee may raise softirqs. */
	local_bh_disable();
	if (cb->trigger)
		eventfd_signal(cb->trigger);
	else if (cb->callback)
		cb->callback(cb->private);
	local_bh_enable();
}

static void ctrlq_as_init(struct vdpa_ctrlq *cq, struct vdpa_iotlb *as)
{
	vdpa_iotlb_clear(as);
	vdpa_iotlb_set_identity(as, vdpa_dma_api_bound(cq->vdev));
}

static void ctrlq_stop(struct vdpa_ctrlq *cq)
{
	if (!cq->started)
		return;
	cq->last_avail = vdpa_devring_last_avail(&cq->ring);
	cq->started = false;
}

/* The driver broke the ring: nothing runs until it resets the device. */
static void ctrlq_break(struct vdpa_ctrlq *cq, int err)
{
	lockdep_assert_held(&cq->lock);
	dev_warn_ratelimited(&cq->vdev->dev,
			     "control queue: malformed ring or buffer (%d), device needs reset\n",
			     err);
	ctrlq_stop(cq);
	cq->broken = true;
	ctrlq_signal(&cq->config_cb);
}

static void ctrlq_start(struct vdpa_ctrlq *cq)
{
	int err;

	lockdep_assert_held(&cq->lock);
	if (!cq->ready || !cq->ctl || cq->started || cq->broken)
		return;
	err = vdpa_devring_init(&cq->ring, &cq->as[cq->asid], cq->features,
				cq->num, cq->desc, cq->driver, cq->device,
				cq->last_avail);
	if (err) {
		ctrlq_break(cq, err);
		return;
	}
	cq->started = true;
	/* Commands made available before the start wait for no kick. */
	queue_work(system_unbound_wq, &cq->work);
}

static void ctrlq_work(struct work_struct *work)
{
	struct vdpa_ctrlq *cq = container_of(work, struct vdpa_ctrlq, work);
	struct vdpa_devring_chain chain = {
		.segs = cq->segs,
		.max_segs = ARRAY_SIZE(cq->segs),
	};
	unsigned int done = 0;
	int ret = 0;

	mutex_lock(&cq->lock);
	if (!cq->started || cq->suspended) {
		mutex_unlock(&cq->lock);
		return;
	}
	while (done < CTRLQ_BUDGET) {
		ret = vdpa_devring_fetch(&cq->ring, &chain);
		if (ret <= 0)
			break;
		ret = vdpa_net_ctrl_handle(cq->ctl, &cq->ring, &chain);
		if (ret < 0)
			break;
		cq->commands++;
		if (ret != VIRTIO_NET_OK)
			cq->errors++;
		ret = vdpa_devring_complete(&cq->ring, chain.head,
					    chain.in_len ? 1 : 0);
		if (ret)
			break;
		done++;
	}
	if (ret < 0) {
		ctrlq_break(cq, ret);
		done = 0;
	} else if (done && vdpa_devring_need_notify(&cq->ring)) {
		ctrlq_signal(&cq->cb);
	}
	mutex_unlock(&cq->lock);

	if (done == CTRLQ_BUDGET)
		queue_work(system_unbound_wq, &cq->work);
}

/* ---- virtqueue operations: the control queue's are ours ---------------- */

static int ctrlq_set_vq_address(struct vdpa_device *vdev, u16 idx, u64 desc,
				u64 driver, u64 device)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);

	if (!is_cq(vdev, idx))
		return parent_ops(vdev)->set_vq_address(vdev, idx, desc, driver,
							device);
	mutex_lock(&cq->lock);
	cq->desc = desc;
	cq->driver = driver;
	cq->device = device;
	mutex_unlock(&cq->lock);
	return 0;
}

static void ctrlq_set_vq_num(struct vdpa_device *vdev, u16 idx, u32 num)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);

	if (!is_cq(vdev, idx)) {
		parent_ops(vdev)->set_vq_num(vdev, idx, num);
		return;
	}
	mutex_lock(&cq->lock);
	cq->num = num;
	mutex_unlock(&cq->lock);
}

static void ctrlq_kick_vq(struct vdpa_device *vdev, u16 idx)
{
	if (is_cq(vdev, idx))
		queue_work(system_unbound_wq, &cq_of(vdev)->work);
	else
		parent_ops(vdev)->kick_vq(vdev, idx);
}

static void ctrlq_kick_vq_with_data(struct vdpa_device *vdev, u32 data)
{
	if (is_cq(vdev, data & 0xffff))
		queue_work(system_unbound_wq, &cq_of(vdev)->work);
	else
		parent_ops(vdev)->kick_vq_with_data(vdev, data);
}

static void ctrlq_set_vq_cb(struct vdpa_device *vdev, u16 idx,
			    const struct vdpa_callback *cb)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);

	if (!is_cq(vdev, idx)) {
		parent_ops(vdev)->set_vq_cb(vdev, idx, cb);
		return;
	}
	mutex_lock(&cq->lock);
	cq->cb = *cb;
	mutex_unlock(&cq->lock);
}

static void ctrlq_set_vq_ready(struct vdpa_device *vdev, u16 idx, bool ready)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);

	if (!is_cq(vdev, idx)) {
		parent_ops(vdev)->set_vq_ready(vdev, idx, ready);
		return;
	}
	mutex_lock(&cq->lock);
	cq->ready = ready;
	if (ready)
		ctrlq_start(cq);
	else
		ctrlq_stop(cq);
	mutex_unlock(&cq->lock);
}

static bool ctrlq_get_vq_ready(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);
	bool ready;

	if (!is_cq(vdev, idx))
		return parent_ops(vdev)->get_vq_ready(vdev, idx);
	mutex_lock(&cq->lock);
	ready = cq->ready;
	mutex_unlock(&cq->lock);
	return ready;
}

static int ctrlq_set_vq_state(struct vdpa_device *vdev, u16 idx,
			      const struct vdpa_vq_state *state)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);
	int err = 0;

	if (!is_cq(vdev, idx))
		return parent_ops(vdev)->set_vq_state(vdev, idx, state);
	mutex_lock(&cq->lock);
	if (cq->started && !cq->suspended) {
		err = -EBUSY;
	} else {
		cq->last_avail = state->split.avail_index;
		if (cq->started)
			vdpa_devring_set_last_avail(&cq->ring, cq->last_avail);
	}
	mutex_unlock(&cq->lock);
	return err;
}

static int ctrlq_get_vq_state(struct vdpa_device *vdev, u16 idx,
			      struct vdpa_vq_state *state)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);

	if (!is_cq(vdev, idx))
		return parent_ops(vdev)->get_vq_state(vdev, idx, state);
	mutex_lock(&cq->lock);
	/* Commands complete in order: taken is also used. */
	state->split.avail_index = cq->started ?
		vdpa_devring_last_avail(&cq->ring) : cq->last_avail;
	mutex_unlock(&cq->lock);
	return 0;
}

static struct vdpa_notification_area
ctrlq_get_vq_notification(struct vdpa_device *vdev, u16 idx)
{
	struct vdpa_notification_area none = {};

	/* Our queue has no doorbell to map: its kick is a call. */
	if (is_cq(vdev, idx))
		return none;
	return parent_ops(vdev)->get_vq_notification(vdev, idx);
}

static int ctrlq_get_vq_irq(struct vdpa_device *vdev, u16 idx)
{
	if (is_cq(vdev, idx))
		return -EOPNOTSUPP;
	return parent_ops(vdev)->get_vq_irq(vdev, idx);
}

static u16 ctrlq_get_vq_size(struct vdpa_device *vdev, u16 idx)
{
	if (is_cq(vdev, idx))
		return parent_ops(vdev)->get_vq_num_max(vdev);
	return parent_ops(vdev)->get_vq_size(vdev, idx);
}

static u32 ctrlq_get_vq_group(struct vdpa_device *vdev, u16 idx)
{
	const struct vdpa_config_ops *ops = parent_ops(vdev);

	if (is_cq(vdev, idx))
		return cq_of(vdev)->group;
	return ops->get_vq_group ? ops->get_vq_group(vdev, idx) : 0;
}

static u32 ctrlq_get_vq_desc_group(struct vdpa_device *vdev, u16 idx)
{
	if (is_cq(vdev, idx))
		return cq_of(vdev)->group;
	return parent_ops(vdev)->get_vq_desc_group(vdev, idx);
}

static struct device *ctrlq_get_vq_dma_dev(struct vdpa_device *vdev, u16 idx)
{
	if (is_cq(vdev, idx))
		return vdev->dma_dev;
	return parent_ops(vdev)->get_vq_dma_dev(vdev, idx);
}

static int ctrlq_get_vq_stats(struct vdpa_device *vdev, u16 idx,
			      struct vdpa_stats_msg *msg,
			      struct netlink_ext_ack *extack)
{
	const struct vdpa_config_ops *ops = parent_ops(vdev);
	struct vdpa_ctrlq *cq = cq_of(vdev);
	u64 commands, errors;
	int err;

	if (!is_cq(vdev, idx)) {
		if (!ops->get_vq_stats) {
			NL_SET_ERR_MSG_MOD(extack,
					   "device keeps no per-queue statistics");
			return -EOPNOTSUPP;
		}
		return ops->get_vq_stats(vdev, idx, msg, extack);
	}
	mutex_lock(&cq->lock);
	commands = cq->commands;
	errors = cq->errors;
	mutex_unlock(&cq->lock);
	err = vdpa_stats_put(msg, "commands", commands);
	if (!err)
		err = vdpa_stats_put(msg, "command_errors", errors);
	return err;
}

/* ---- device-wide operations: the parent's, and we follow them ---------- */

static int ctrlq_set_driver_features(struct vdpa_device *vdev, u64 features)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);
	int err;

	err = parent_ops(vdev)->set_driver_features(vdev, features);
	if (err)
		return err;
	mutex_lock(&cq->lock);
	cq->features = features;
	/* Without MQ the driver has one pair, the control queue after it. */
	WRITE_ONCE(cq->index, features & BIT_ULL(VIRTIO_NET_F_MQ) ?
			      2 * cq->max_vq_pairs : 2);
	mutex_unlock(&cq->lock);
	return 0;
}

static u8 ctrlq_get_status(struct vdpa_device *vdev)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);
	u8 status = parent_ops(vdev)->get_status(vdev);

	if (READ_ONCE(cq->broken))
		status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	return status;
}

static void ctrlq_set_status(struct vdpa_device *vdev, u8 status)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);
	int err;

	parent_ops(vdev)->set_status(vdev, status);
	if (!(status & VIRTIO_CONFIG_S_DRIVER_OK))
		return;

	mutex_lock(&cq->lock);
	if (cq->driver_ok ||
	    !(cq->features & BIT_ULL(VIRTIO_NET_F_CTRL_VQ))) {
		cq->driver_ok = true;
		goto out;
	}
	cq->driver_ok = true;
	/* Allocated per run: an idle device costs no decoder state. */
	cq->ctl = kzalloc(sizeof(*cq->ctl), GFP_KERNEL);
	if (!cq->ctl) {
		ctrlq_break(cq, -ENOMEM);
		goto out;
	}
	err = vdpa_net_ctrl_start(cq->ctl, vdev, cq->net_ops, cq->features,
				  cq->max_vq_pairs);
	if (err) {
		ctrlq_break(cq, err);
		goto out;
	}
	ctrlq_start(cq);
out:
	mutex_unlock(&cq->lock);
}

static void ctrlq_forget(struct vdpa_ctrlq *cq)
{
	u32 i;

	lockdep_assert_held(&cq->lock);
	kfree(cq->ctl);
	cq->ctl = NULL;
	memset(&cq->cb, 0, sizeof(cq->cb));
	memset(&cq->config_cb, 0, sizeof(cq->config_cb));
	cq->desc = 0;
	cq->driver = 0;
	cq->device = 0;
	cq->num = 0;
	cq->features = 0;
	cq->asid = 0;
	cq->last_avail = 0;
	cq->ready = false;
	cq->driver_ok = false;
	cq->started = false;
	cq->suspended = false;
	WRITE_ONCE(cq->broken, false);
	WRITE_ONCE(cq->index, 2 * cq->max_vq_pairs);
	for (i = 0; i < cq->vdev->nas; i++)
		ctrlq_as_init(cq, &cq->as[i]);
}

static int ctrlq_reset(struct vdpa_device *vdev)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);
	int err;

	/* First the queue stops touching driver memory, then the parent. */
	mutex_lock(&cq->lock);
	ctrlq_stop(cq);
	mutex_unlock(&cq->lock);
	cancel_work_sync(&cq->work);

	err = parent_ops(vdev)->reset(vdev);

	mutex_lock(&cq->lock);
	ctrlq_forget(cq);
	mutex_unlock(&cq->lock);
	return err;
}

static int ctrlq_suspend(struct vdpa_device *vdev)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);

	mutex_lock(&cq->lock);
	cq->suspended = true;
	mutex_unlock(&cq->lock);
	return parent_ops(vdev)->suspend(vdev);
}

static int ctrlq_resume(struct vdpa_device *vdev)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);
	int err;

	err = parent_ops(vdev)->resume(vdev);
	if (err)
		return err;
	mutex_lock(&cq->lock);
	cq->suspended = false;
	if (cq->started)
		queue_work(system_unbound_wq, &cq->work);
	mutex_unlock(&cq->lock);
	return 0;
}

static void ctrlq_set_config_cb(struct vdpa_device *vdev,
				const struct vdpa_callback *cb)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);

	mutex_lock(&cq->lock);
	cq->config_cb = *cb;
	mutex_unlock(&cq->lock);
	parent_ops(vdev)->set_config_cb(vdev, cb);
}

/* ---- address spaces: the parent's, mirrored, and one of our own -------- */

static int ctrlq_set_group_asid(struct vdpa_device *vdev, unsigned int group,
				unsigned int asid)
{
	const struct vdpa_config_ops *ops = parent_ops(vdev);
	struct vdpa_ctrlq *cq = cq_of(vdev);

	if (group >= vdev->ngroups || asid >= vdev->nas)
		return -EINVAL;
	if (group == cq->group) {
		mutex_lock(&cq->lock);
		cq->asid = asid;
		if (cq->started)
			cq->ring.iotlb = &cq->as[asid];
		mutex_unlock(&cq->lock);
		return 0;
	}
	if (!ops->set_group_asid)
		return asid ? -EINVAL : 0;
	return ops->set_group_asid(vdev, group, asid);
}

static int ctrlq_set_map(struct vdpa_device *vdev, unsigned int asid,
			 struct vdpa_iotlb *iotlb)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);
	struct vdpa_iotlb_map *map;
	struct vdpa_iotlb empty;
	struct vdpa_iotlb *as;
	int err = 0;

	if (asid >= vdev->nas)
		return -EINVAL;
	as = &cq->as[asid];
	mutex_lock(&cq->lock);
	vdpa_iotlb_clear(as);
	vdpa_iotlb_set_identity(as, false);
	for (map = vdpa_iotlb_first(iotlb, 0, U64_MAX); map && !err;
	     map = vdpa_iotlb_next(map, 0, U64_MAX))
		err = vdpa_iotlb_add(as, map->start, map->last, map->addr,
				     map->perm, NULL);
	if (err)
		vdpa_iotlb_clear(as);
	if (err) {
		/* Failed means empty, for the parent's table too. */
		vdpa_iotlb_init(&empty, 0, NULL);
		parent_ops(vdev)->set_map(vdev, asid, &empty);
	} else {
		err = parent_ops(vdev)->set_map(vdev, asid, iotlb);
		if (err)
			vdpa_iotlb_clear(as);
	}
	mutex_unlock(&cq->lock);
	return err;
}

static int ctrlq_dma_map(struct vdpa_device *vdev, unsigned int asid,
			 u64 iova, u64 size, u64 pa, u32 perm, void *opaque)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);
	struct vdpa_iotlb *as;
	int err;

	if (asid >= vdev->nas || !size || iova + (size - 1) < iova)
		return -EINVAL;
	as = &cq->as[asid];
	mutex_lock(&cq->lock);
	vdpa_iotlb_set_identity(as, false);
	err = vdpa_iotlb_add(as, iova, iova + (size - 1), pa, perm, NULL);
	if (!err) {
		err = parent_ops(vdev)->dma_map(vdev, asid, iova, size, pa,
						perm, opaque);
		if (err)
			vdpa_iotlb_remove(as, iova, iova + (size - 1));
	}
	mutex_unlock(&cq->lock);
	return err;
}

static int ctrlq_dma_unmap(struct vdpa_device *vdev, unsigned int asid,
			   u64 iova, u64 size)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);
	struct vdpa_iotlb *as;
	int err = 0;

	if (asid >= vdev->nas || !size || iova + (size - 1) < iova)
		return -EINVAL;
	as = &cq->as[asid];
	mutex_lock(&cq->lock);
	vdpa_iotlb_set_identity(as, false);
	err = parent_ops(vdev)->dma_unmap(vdev, asid, iova, size);
	/* Whatever the parent did, we reach no less than the owner thinks. */
	vdpa_iotlb_remove(as, iova, iova + (size - 1));
	mutex_unlock(&cq->lock);
	return err;
}

static int ctrlq_reset_map(struct vdpa_device *vdev, unsigned int asid)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);
	int err = 0;

	if (asid >= vdev->nas)
		return -EINVAL;
	mutex_lock(&cq->lock);
	ctrlq_as_init(cq, &cq->as[asid]);
	err = parent_ops(vdev)->reset_map(vdev, asid);
	mutex_unlock(&cq->lock);
	return err;
}

static int ctrlq_set_dirty_log(struct vdpa_device *vdev,
			       struct vdpa_dirty_log *log)
{
	struct vdpa_ctrlq *cq = cq_of(vdev);
	u32 i;

	/* Our writes (answers, used ring) are the device's too. */
	mutex_lock(&cq->lock);
	for (i = 0; i < cq->vdev->nas; i++)
		cq->as[i].log = log;
	mutex_unlock(&cq->lock);
	return parent_ops(vdev)->set_dirty_log(vdev, log);
}

/* ---- our table in front of a parent's ----------------------------------- */

static struct vdpa_ctrlq_ops *ctrlq_ops_get(const struct vdpa_config_ops *parent)
{
	struct vdpa_ctrlq_ops *t;

	mutex_lock(&vdpa_ctrlq_ops_lock);
	list_for_each_entry(t, &vdpa_ctrlq_ops_list, node) {
		if (t->parent == parent) {
			t->users++;
			goto out;
		}
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		goto out;
	t->parent = parent;
	t->users = 1;
	t->ops = *parent;
	/* the queue's own, always ours */
	t->ops.set_vq_address = ctrlq_set_vq_address;
	t->ops.set_vq_num = ctrlq_set_vq_num;
	t->ops.kick_vq = ctrlq_kick_vq;
	t->ops.set_vq_cb = ctrlq_set_vq_cb;
	t->ops.set_vq_ready = ctrlq_set_vq_ready;
	t->ops.get_vq_ready = ctrlq_get_vq_ready;
	t->ops.set_vq_state = ctrlq_set_vq_state;
	t->ops.get_vq_state = ctrlq_get_vq_state;
	t->ops.get_vq_group = ctrlq_get_vq_group;
	t->ops.get_vq_stats = ctrlq_get_vq_stats;
	t->ops.set_group_asid = ctrlq_set_group_asid;
	t->ops.set_driver_features = ctrlq_set_driver_features;
	t->ops.get_status = ctrlq_get_status;
	t->ops.set_status = ctrlq_set_status;
	t->ops.reset = ctrlq_reset;
	t->ops.set_config_cb = ctrlq_set_config_cb;
	/* the parent's optional ones, where it has them: bus drivers test */
	if (parent->kick_vq_with_data)
		t->ops.kick_vq_with_data = ctrlq_kick_vq_with_data;
	if (parent->get_vq_notification)
		t->ops.get_vq_notification = ctrlq_get_vq_notification;
	if (parent->get_vq_irq)
		t->ops.get_vq_irq = ctrlq_get_vq_irq;
	if (parent->get_vq_size)
		t->ops.get_vq_size = ctrlq_get_vq_size;
	if (parent->get_vq_desc_group)
		t->ops.get_vq_desc_group = ctrlq_get_vq_desc_group;
	if (parent->get_vq_dma_dev)
		t->ops.get_vq_dma_dev = ctrlq_get_vq_dma_dev;
	if (parent->suspend)
		t->ops.suspend = ctrlq_suspend;
	if (parent->resume)
		t->ops.resume = ctrlq_resume;
	if (parent->set_map)
		t->ops.set_map = ctrlq_set_map;
	if (parent->dma_map)
		t->ops.dma_map = ctrlq_dma_map;
	if (parent->dma_unmap)
		t->ops.dma_unmap = ctrlq_dma_unmap;
	if (parent->reset_map)
		t->ops.reset_map = ctrlq_reset_map;
	if (parent->set_dirty_log)
		t->ops.set_dirty_log = ctrlq_set_dirty_log;
	list_add(&t->node, &vdpa_ctrlq_ops_list);
out:
	mutex_unlock(&vdpa_ctrlq_ops_lock);
	return t;
}

static void ctrlq_ops_put(struct vdpa_ctrlq_ops *t)
{
	mutex_lock(&vdpa_ctrlq_ops_lock);
	if (!--t->users) {
		list_del(&t->node);
		kfree(t);
	}
	mutex_unlock(&vdpa_ctrlq_ops_lock);
}

/**
 * vdpa_net_add_ctrlq - have the core present a net device's control queue
 * @vdev: an allocated, not yet registered virtio-net device
 * @net_ops: what the parent does with the decoded commands
 * @max_vq_pairs: the device's queue pairs (its max_virtqueue_pairs)
 *
 * For a parent without a control queue of its own. It offers
 * VIRTIO_NET_F_CTRL_VQ and the control features
 * vdpa_net_ctrl_features(@net_ops) names, counts only its data queues in
 * vdpa_register_device() and only its groups: the core adds the control
 * queue (index 2 * @max_vq_pairs, or 2 without VIRTIO_NET_F_MQ) and a
 * group for it, last, and answers for them in the operations. The group
 * starts in address space 0; a parent with two address spaces lets a VMM
 * keep the control queue apart from the data queues. The parent must be
 * given maps of physical addresses (set_map or dma_map, not use_va), and
 * must use its own counts of groups and address spaces, not the device's.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a parent that cannot have one, or -ENOMEM.
 */
int vdpa_net_add_ctrlq(struct vdpa_device *vdev,
		       const struct vdpa_net_ctrl_ops *net_ops,
		       u16 max_vq_pairs)
{
	const struct vdpa_config_ops *ops = vdev->ops;
	struct vdpa_ctrlq *cq;
	u32 i;

	if (vdev->ctrlq || vdev->use_va || (!ops->set_map && !ops->dma_map) ||
	    !max_vq_pairs)
		return -EINVAL;
	cq = kzalloc(struct_size(cq, as, vdev->nas), GFP_KERNEL);
	if (!cq)
		return -ENOMEM;
	cq->ops = ctrlq_ops_get(ops);
	if (!cq->ops) {
		kfree(cq);
		return -ENOMEM;
	}
	cq->vdev = vdev;
	cq->net_ops = net_ops;
	mutex_init(&cq->lock);
	INIT_WORK(&cq->work, ctrlq_work);
	cq->max_vq_pairs = max_vq_pairs;
	cq->index = 2 * max_vq_pairs;
	cq->group = vdev->ngroups;
	for (i = 0; i < vdev->nas; i++)
		vdpa_iotlb_init(&cq->as[i], 0, NULL);

	vdev->ctrlq = cq;
	vdev->parent_ops = ops;
	vdev->ops = &cq->ops->ops;
	vdev->ngroups++;
	return 0;
}
EXPORT_SYMBOL_GPL(vdpa_net_add_ctrlq);

/* The device's queue pairs changed, with no driver bound. */
void vdpa_ctrlq_set_pairs(struct vdpa_device *vdev, u16 pairs)
{
	struct vdpa_ctrlq *cq = vdev->ctrlq;

	mutex_lock(&cq->lock);
	cq->max_vq_pairs = pairs;
	WRITE_ONCE(cq->index, 2 * pairs);
	mutex_unlock(&cq->lock);
}

/* The device is going away: no driver, no work. */
void vdpa_ctrlq_release(struct vdpa_device *vdev)
{
	struct vdpa_ctrlq *cq = vdev->ctrlq;
	u32 i;

	if (!cq)
		return;
	cancel_work_sync(&cq->work);
	kfree(cq->ctl);
	for (i = 0; i < cq->vdev->nas; i++)
		vdpa_iotlb_clear(&cq->as[i]);
	mutex_destroy(&cq->lock);
	ctrlq_ops_put(cq->ops);
	vdev->ctrlq = NULL;
	kfree(cq);
}
