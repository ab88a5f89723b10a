// SPDX-License-Identifier: GPL-2.0
/*
 * vDPA simulator core.
 *
 * A simulated device costs little while idle: its queue and address-space
 * state, and a work item. There is no thread per device; kicks queue the
 * device's work on one workqueue shared by all simulators, and the work
 * handles a bounded batch before requeueing itself so that one busy device
 * cannot monopolise a worker. Buffers needed to move data only exist between
 * DRIVER_OK and reset.
 */

#include <linux/dma-mapping.h>
#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include <linux/eventfd.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/vdpa.h>
#include <linux/virtio_config.h>
#include <uapi/linux/virtio_config.h>

#include "vdpa_sim.h"

#define VDPASIM_VQ_NUM_MAX	256

static unsigned int max_iotlb_entries = 16384;
module_param(max_iotlb_entries, uint, 0444);
MODULE_PARM_DESC(max_iotlb_entries,
		 "Most mappings per address space of a device (0: no limit)");

/*
 * An address space's initial mapping: the DMA API's physical addresses
 * for virtio_vdpa, nothing for anyone else (vdpa.h, DMA isolation).
 */
static void vdpasim_as_init(struct vdpasim *sim, struct vdpa_iotlb *as)
{
	vdpa_iotlb_clear(as);
	vdpa_iotlb_set_identity(as, vdpa_dma_api_bound(&sim->vdpa));
}

static struct workqueue_struct *vdpasim_wq;

/*
 * Map operations that fail on demand (debugfs fail_vdpa_sim_map and
 * fail_vdpa_sim_unmap, the fault-injection attributes), so tests can check
 * what bus drivers do when a parent's maps fail. A map fails as if memory
 * ran out part way, leaving what the contract says; an unmap fails as a
 * parent that breaks the contract would.
 */
enum vdpasim_fault {
	VDPASIM_FAIL_MAP,
	VDPASIM_FAIL_UNMAP,
	VDPASIM_NR_FAULTS,
};

#ifdef CONFIG_FAULT_INJECTION
static struct fault_attr vdpasim_faults[VDPASIM_NR_FAULTS] = {
	[VDPASIM_FAIL_MAP] = FAULT_ATTR_INITIALIZER,
	[VDPASIM_FAIL_UNMAP] = FAULT_ATTR_INITIALIZER,
};

static bool vdpasim_fail(enum vdpasim_fault which)
{
	return should_fail(&vdpasim_faults[which], 1);
}
#else
static bool vdpasim_fail(enum vdpasim_fault which)
{
	return false;
}
#endif
static struct dentry *vdpasim_fault_dir[VDPASIM_NR_FAULTS];

static bool vdpasim_running(const struct vdpasim *sim)
{
	return sim->run && !sim->suspended && !sim->broken;
}

static struct vdpa_iotlb *vdpasim_vq_as(struct vdpasim *sim, u16 idx)
{
	u32 group = sim->cls->get_vq_group ? sim->cls->get_vq_group(sim, idx) : 0;

	return &sim->as[sim->group_asid[group]];
}

static void vdpasim_signal(const struct vdpa_callback *cb)
{
	/* The callee may raise softirqs (NAPI): let them run on bh enable. */
	local_bh_disable();
	if (cb->trigger)
		eventfd_signal(cb->trigger);
	else if (cb->callback)
		cb->callback(cb->private);
	local_bh_enable();
}

/**
 * vdpasim_config_changed - tell the driver the config space changed
 * @sim: the device, with @sim->lock held
 */
void vdpasim_config_changed(struct vdpasim *sim)
{
	lockdep_assert_held(&sim->lock);
	sim->generation++;
	if (sim->status & VIRTIO_CONFIG_S_DRIVER_OK)
		vdpasim_signal(&sim->config_cb);
}
EXPORT_SYMBOL_GPL(vdpasim_config_changed);

/**
 * vdpasim_vq_error - stop the device after the driver broke a queue
 * @sim: the device, with @sim->lock held
 * @vq: the queue where the problem was found
 * @err: what the ring access returned
 *
 * The device enters NEEDS_RESET and processes nothing until reset.
 */
void vdpasim_vq_error(struct vdpasim *sim, struct vdpasim_vq *vq, int err)
{
	lockdep_assert_held(&sim->lock);
	if (sim->broken)
		return;
	dev_warn_ratelimited(&sim->vdpa.dev,
			     "queue %td: malformed ring or buffer (%d), device needs reset\n",
			     vq - sim->vqs, err);
	sim->broken = true;
	sim->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	vdpasim_signal(&sim->config_cb);
}
EXPORT_SYMBOL_GPL(vdpasim_vq_error);

/**
 * vdpasim_vq_running - a queue the datapath may use now
 * @sim: the device, with @sim->lock held
 * @idx: queue index
 *
 * Return: the queue if it exists, is enabled and the device runs, else NULL.
 */
struct vdpasim_vq *vdpasim_vq_running(struct vdpasim *sim, u16 idx)
{
	lockdep_assert_held(&sim->lock);
	if (idx >= sim->nvqs || !vdpasim_running(sim) ||
	    !sim->vqs[idx].started)
		return NULL;
	return &sim->vqs[idx];
}
EXPORT_SYMBOL_GPL(vdpasim_vq_running);

/**
 * vdpasim_vq_notify - interrupt the driver if the queue's used ring asks so
 * @sim: the device, with @sim->lock held
 * @vq: a running queue
 */
void vdpasim_vq_notify(struct vdpasim *sim, struct vdpasim_vq *vq)
{
	lockdep_assert_held(&sim->lock);
	if (vdpa_devring_need_notify(&vq->ring))
		vdpasim_signal(&vq->cb);
}
EXPORT_SYMBOL_GPL(vdpasim_vq_notify);

static void vdpasim_work(struct work_struct *work)
{
	struct vdpasim *sim = container_of(work, struct vdpasim, work);
	bool more = false;

	mutex_lock(&sim->lock);
	if (vdpasim_running(sim))
		more = sim->cls->work(sim);
	mutex_unlock(&sim->lock);

	if (more)
		queue_work(vdpasim_wq, &sim->work);
}

static void vdpasim_vq_start(struct vdpasim *sim, struct vdpasim_vq *vq)
{
	int err;

	err = vdpa_devring_init(&vq->ring, vdpasim_vq_as(sim, vq - sim->vqs),
				sim->driver_features, vq->num, vq->desc_addr,
				vq->driver_addr, vq->device_addr,
				vq->last_avail);
	if (err) {
		vdpasim_vq_error(sim, vq, err);
		return;
	}
	vq->started = true;
}

static void vdpasim_vq_stop(struct vdpasim_vq *vq)
{
	if (!vq->started)
		return;
	vq->last_avail = vdpa_devring_last_avail(&vq->ring);
	vq->started = false;
}

/* DRIVER_OK: get the per-run buffers and start the enabled queues. */
static void vdpasim_start(struct vdpasim *sim)
{
	u32 i;

	sim->run = kmalloc(sizeof(*sim->run) + sim->cls->run_size, GFP_KERNEL);
	if (!sim->run) {
		/* Tell the driver, which may be waiting for a queue. */
		sim->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
		sim->broken = true;
		vdpasim_signal(&sim->config_cb);
		return;
	}
	memset(sim->run->cls, 0, sim->cls->run_size);
	for (i = 0; i < sim->nvqs && !sim->broken; i++)
		if (sim->vqs[i].ready)
			vdpasim_vq_start(sim, &sim->vqs[i]);
	if (!sim->broken && sim->cls->start)
		sim->cls->start(sim);
}

static void vdpasim_reset_locked(struct vdpasim *sim)
{
	u32 i;

	kfree(sim->run);
	sim->run = NULL;
	for (i = 0; i < sim->nvqs; i++)
		memset(&sim->vqs[i], 0, sizeof(sim->vqs[i]));
	for (i = 0; i < sim->cls->nas; i++)
		vdpasim_as_init(sim, &sim->as[i]);
	for (i = 0; i < sim->cls->ngroups; i++)
		sim->group_asid[i] = 0;
	/* The callback may belong to a driver that is unbinding. */
	memset(&sim->config_cb, 0, sizeof(sim->config_cb));
	sim->driver_features = 0;
	sim->status = 0;
	sim->suspended = false;
	sim->broken = false;
	sim->generation++;
	if (sim->cls->reset)
		sim->cls->reset(sim);
}

/**
 * vdpasim_stop - reset a device and wait for its work to finish
 * @sim: the device
 *
 * For class code tearing a device down; after it returns the datapath does
 * not run until a driver starts the device again.
 */
void vdpasim_stop(struct vdpasim *sim)
{
	mutex_lock(&sim->lock);
	vdpasim_reset_locked(sim);
	mutex_unlock(&sim->lock);
	cancel_work_sync(&sim->work);
}
EXPORT_SYMBOL_GPL(vdpasim_stop);

static int vdpasim_set_vq_address(struct vdpa_device *vdpa, u16 idx,
				  u64 desc_area, u64 driver_area,
				  u64 device_area)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	struct vdpasim_vq *vq;

	if (idx >= sim->nvqs)
		return -EINVAL;
	vq = &sim->vqs[idx];
	mutex_lock(&sim->lock);
	vq->desc_addr = desc_area;
	vq->driver_addr = driver_area;
	vq->device_addr = device_area;
	mutex_unlock(&sim->lock);
	return 0;
}

static void vdpasim_set_vq_num(struct vdpa_device *vdpa, u16 idx, u32 num)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	if (idx >= sim->nvqs)
		return;
	mutex_lock(&sim->lock);
	sim->vqs[idx].num = num;
	mutex_unlock(&sim->lock);
}

static void vdpasim_kick_vq(struct vdpa_device *vdpa, u16 idx)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	/* Any context: no lock, the work checks the state itself. */
	if (idx < sim->nvqs)
		queue_work(vdpasim_wq, &sim->work);
}

static void vdpasim_set_vq_cb(struct vdpa_device *vdpa, u16 idx,
			      const struct vdpa_callback *cb)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	if (idx >= sim->nvqs)
		return;
	mutex_lock(&sim->lock);
	sim->vqs[idx].cb = *cb;
	mutex_unlock(&sim->lock);
}

static void vdpasim_set_vq_ready(struct vdpa_device *vdpa, u16 idx,
				 bool ready)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	struct vdpasim_vq *vq;
	bool kick = false;

	if (idx >= sim->nvqs)
		return;
	vq = &sim->vqs[idx];
	mutex_lock(&sim->lock);
	if (ready && !vq->ready && sim->run && !sim->broken) {
		/* Enabled after DRIVER_OK: start it now. */
		vdpasim_vq_start(sim, vq);
		kick = true;
	} else if (!ready) {
		vdpasim_vq_stop(vq);
	}
	vq->ready = ready;
	mutex_unlock(&sim->lock);

	if (kick)
		queue_work(vdpasim_wq, &sim->work);
}

static bool vdpasim_get_vq_ready(struct vdpa_device *vdpa, u16 idx)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	bool ready;

	if (idx >= sim->nvqs)
		return false;
	mutex_lock(&sim->lock);
	ready = sim->vqs[idx].ready;
	mutex_unlock(&sim->lock);
	return ready;
}

static int vdpasim_set_vq_state(struct vdpa_device *vdpa, u16 idx,
				const struct vdpa_vq_state *state)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	struct vdpasim_vq *vq;

	if (idx >= sim->nvqs)
		return -EINVAL;
	vq = &sim->vqs[idx];
	mutex_lock(&sim->lock);
	vq->last_avail = state->split.avail_index;
	if (vq->started)
		vdpa_devring_set_last_avail(&vq->ring, vq->last_avail);
	mutex_unlock(&sim->lock);
	return 0;
}

/*
 * Serve the kicks already made. A VMM may read a running queue's position
 * without suspending the device (QEMU 7.2 stopping a device it migrates:
 * the vCPUs are stopped, but the work their last kicks queued may not
 * have run yet); the position it is told must be final, or the device
 * takes a descriptor past it and the destination takes it again.
 */
static void vdpasim_drain(struct vdpasim *sim)
{
	int i = 0;

	do {
		flush_work(&sim->work);
	} while (work_pending(&sim->work) && ++i < 64);
}

static int vdpasim_get_vq_state(struct vdpa_device *vdpa, u16 idx,
				struct vdpa_vq_state *state)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	struct vdpasim_vq *vq;

	if (idx >= sim->nvqs)
		return -EINVAL;
	vq = &sim->vqs[idx];
	if (!READ_ONCE(sim->suspended))
		vdpasim_drain(sim);
	mutex_lock(&sim->lock);
	if (vq->started)
		state->split.avail_index = vdpa_devring_last_avail(&vq->ring);
	else
		state->split.avail_index = vq->last_avail;
	mutex_unlock(&sim->lock);
	return 0;
}

static u32 vdpasim_get_vq_group(struct vdpa_device *vdpa, u16 idx)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	if (idx >= sim->nvqs || !sim->cls->get_vq_group)
		return 0;
	return sim->cls->get_vq_group(sim, idx);
}

static int vdpasim_get_vq_stats(struct vdpa_device *vdpa, u16 idx,
				struct vdpa_stats_msg *msg,
				struct netlink_ext_ack *extack)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	int err;

	if (idx >= sim->nvqs) {
		NL_SET_ERR_MSG_MOD(extack, "queue index out of range");
		return -EINVAL;
	}
	if (!sim->cls->get_vq_stats) {
		NL_SET_ERR_MSG_MOD(extack, "device has no queue statistics");
		return -EOPNOTSUPP;
	}
	mutex_lock(&sim->lock);
	err = sim->cls->get_vq_stats(sim, idx, msg);
	mutex_unlock(&sim->lock);
	return err;
}

static u32 vdpasim_get_vq_align(struct vdpa_device *vdpa)
{
	return SMP_CACHE_BYTES;
}

static u16 vdpasim_get_vq_num_max(struct vdpa_device *vdpa)
{
	return VDPASIM_VQ_NUM_MAX;
}

static u64 vdpasim_get_device_features(struct vdpa_device *vdpa)
{
	return vdpa_to_sim(vdpa)->features;
}

static int vdpasim_set_driver_features(struct vdpa_device *vdpa,
				       u64 features)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	if (features & ~sim->features)
		return -EINVAL;
	mutex_lock(&sim->lock);
	sim->driver_features = features;
	mutex_unlock(&sim->lock);
	return 0;
}

static u64 vdpasim_get_driver_features(struct vdpa_device *vdpa)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	u64 features;

	mutex_lock(&sim->lock);
	features = sim->driver_features;
	mutex_unlock(&sim->lock);
	return features;
}

static void vdpasim_set_config_cb(struct vdpa_device *vdpa,
				  const struct vdpa_callback *cb)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	mutex_lock(&sim->lock);
	sim->config_cb = *cb;
	mutex_unlock(&sim->lock);
}

static u32 vdpasim_get_device_id(struct vdpa_device *vdpa)
{
	return vdpa_to_sim(vdpa)->cls->device_id;
}

static u32 vdpasim_get_vendor_id(struct vdpa_device *vdpa)
{
	return 0;
}

static u8 vdpasim_get_status(struct vdpa_device *vdpa)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	u8 status;

	mutex_lock(&sim->lock);
	status = sim->status;
	mutex_unlock(&sim->lock);
	return status;
}

static void vdpasim_set_status(struct vdpa_device *vdpa, u8 status)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	bool started = false;
	u8 old;

	mutex_lock(&sim->lock);
	old = sim->status;
	/* Only virtio 1.x: a legacy driver cannot get FEATURES_OK. */
	if ((status & ~old & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !vdpasim_has_feature(sim, VIRTIO_F_VERSION_1))
		status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	/* NEEDS_RESET is the device's to set and only reset clears it. */
	status |= old & VIRTIO_CONFIG_S_NEEDS_RESET;
	sim->status = status;
	if ((status & ~old & VIRTIO_CONFIG_S_DRIVER_OK) && !sim->run &&
	    !sim->broken) {
		vdpasim_start(sim);
		started = true;
	}
	mutex_unlock(&sim->lock);

	/* Buffers may have been made available before DRIVER_OK. */
	if (started)
		queue_work(vdpasim_wq, &sim->work);
}

static int vdpasim_reset(struct vdpa_device *vdpa)
{
	vdpasim_stop(vdpa_to_sim(vdpa));
	return 0;
}

static int vdpasim_suspend(struct vdpa_device *vdpa)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	/* The work runs under the lock: once we hold it, it is idle. */
	mutex_lock(&sim->lock);
	sim->suspended = true;
	mutex_unlock(&sim->lock);
	return 0;
}

static int vdpasim_resume(struct vdpa_device *vdpa)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	mutex_lock(&sim->lock);
	sim->suspended = false;
	mutex_unlock(&sim->lock);
	queue_work(vdpasim_wq, &sim->work);
	return 0;
}

static size_t vdpasim_get_config_size(struct vdpa_device *vdpa)
{
	return vdpa_to_sim(vdpa)->cls->config_size;
}

static bool vdpasim_config_in_range(struct vdpasim *sim, unsigned int offset,
				    unsigned int len)
{
	size_t size = sim->cls->config_size;

	return offset <= size && len <= size - offset;
}

static void vdpasim_get_config(struct vdpa_device *vdpa, unsigned int offset,
			       void *buf, unsigned int len)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	if (!vdpasim_config_in_range(sim, offset, len)) {
		memset(buf, 0, len);
		return;
	}
	mutex_lock(&sim->lock);
	memcpy(buf, sim->config + offset, len);
	mutex_unlock(&sim->lock);
}

static void vdpasim_set_config(struct vdpa_device *vdpa, unsigned int offset,
			       const void *buf, unsigned int len)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	if (!vdpasim_config_in_range(sim, offset, len) ||
	    !sim->cls->set_config)
		return;
	mutex_lock(&sim->lock);
	sim->cls->set_config(sim, offset, buf, len);
	sim->generation++;
	mutex_unlock(&sim->lock);
}

static u32 vdpasim_get_generation(struct vdpa_device *vdpa)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	u32 gen;

	mutex_lock(&sim->lock);
	gen = sim->generation;
	mutex_unlock(&sim->lock);
	return gen;
}

static struct vdpa_iova_range vdpasim_get_iova_range(struct vdpa_device *vdpa)
{
	return (struct vdpa_iova_range){ .first = 0, .last = U64_MAX };
}

/* Rings keep a pointer to their address space: follow group moves. */
static void vdpasim_rebind_rings(struct vdpasim *sim)
{
	u32 i;

	for (i = 0; i < sim->nvqs; i++)
		if (sim->vqs[i].started)
			sim->vqs[i].ring.iotlb = vdpasim_vq_as(sim, i);
}

static int vdpasim_set_map(struct vdpa_device *vdpa, unsigned int asid,
			   struct vdpa_iotlb *iotlb)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	struct vdpa_iotlb_map *map;
	struct vdpa_iotlb *as;
	int err = 0;

	if (asid >= sim->cls->nas)
		return -EINVAL;
	as = &sim->as[asid];
	mutex_lock(&sim->lock);
	vdpa_iotlb_clear(as);
	vdpa_iotlb_set_identity(as, false);
	for (map = vdpa_iotlb_first(iotlb, 0, U64_MAX); map;
	     map = vdpa_iotlb_next(map, 0, U64_MAX)) {
		err = vdpasim_fail(VDPASIM_FAIL_MAP) ? -ENOMEM :
		      vdpa_iotlb_add(as, map->start, map->last, map->addr,
				     map->perm, NULL);
		if (err) {
			/* Better nothing mapped than half a map. */
			vdpa_iotlb_clear(as);
			break;
		}
	}
	mutex_unlock(&sim->lock);
	return err;
}

static int vdpasim_dma_map(struct vdpa_device *vdpa, unsigned int asid,
			   u64 iova, u64 size, u64 pa, u32 perm, void *opaque)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	struct vdpa_iotlb *as;
	int err;

	if (asid >= sim->cls->nas || !size)
		return -EINVAL;
	as = &sim->as[asid];
	mutex_lock(&sim->lock);
	/* The first explicit mapping ends identity translation. */
	vdpa_iotlb_set_identity(as, false);
	err = vdpasim_fail(VDPASIM_FAIL_MAP) ? -ENOMEM :
	      vdpa_iotlb_add(as, iova, iova + (size - 1), pa, perm, NULL);
	mutex_unlock(&sim->lock);
	return err;
}

static int vdpasim_dma_unmap(struct vdpa_device *vdpa, unsigned int asid,
			     u64 iova, u64 size)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	struct vdpa_iotlb *as;
	int err;

	if (asid >= sim->cls->nas || !size || iova + (size - 1) < iova)
		return -EINVAL;
	as = &sim->as[asid];
	mutex_lock(&sim->lock);
	vdpa_iotlb_set_identity(as, false);
	/* A whole translation never needs a split: this cannot fail then. */
	err = vdpasim_fail(VDPASIM_FAIL_UNMAP) ? -ENOMEM :
	      vdpa_iotlb_remove(as, iova, iova + (size - 1));
	mutex_unlock(&sim->lock);
	return err;
}

static int vdpasim_reset_map(struct vdpa_device *vdpa, unsigned int asid)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	if (asid >= sim->cls->nas)
		return -EINVAL;
	mutex_lock(&sim->lock);
	vdpasim_as_init(sim, &sim->as[asid]);
	mutex_unlock(&sim->lock);
	return 0;
}

static int vdpasim_set_group_asid(struct vdpa_device *vdpa,
				  unsigned int group, unsigned int asid)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	if (group >= sim->cls->ngroups || asid >= sim->cls->nas)
		return -EINVAL;
	mutex_lock(&sim->lock);
	sim->group_asid[group] = asid;
	vdpasim_rebind_rings(sim);
	mutex_unlock(&sim->lock);
	return 0;
}

/* Every write goes through the address spaces' copy helpers: they log. */
static int vdpasim_set_dirty_log(struct vdpa_device *vdpa,
				 struct vdpa_dirty_log *log)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	u32 i;

	mutex_lock(&sim->lock);
	for (i = 0; i < sim->cls->nas; i++)
		sim->as[i].log = log;
	mutex_unlock(&sim->lock);
	return 0;
}

/* A queue enabled after DRIVER_OK starts there and then: see set_vq_ready. */
static u64 vdpasim_get_backend_features(const struct vdpa_device *vdpa)
{
	return BIT_ULL(VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK);
}

static void vdpasim_free(struct vdpa_device *vdpa)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	u32 i;

	cancel_work_sync(&sim->work);
	kfree(sim->run);
	if (sim->as)
		for (i = 0; i < sim->cls->nas; i++)
			vdpa_iotlb_clear(&sim->as[i]);
	kfree(sim->as);
	kfree(sim->group_asid);
	kfree(sim->vqs);
	mutex_destroy(&sim->lock);
}

static const struct vdpa_config_ops vdpasim_ops = {
	.set_vq_address		= vdpasim_set_vq_address,
	.set_vq_num		= vdpasim_set_vq_num,
	.kick_vq		= vdpasim_kick_vq,
	.set_vq_cb		= vdpasim_set_vq_cb,
	.set_vq_ready		= vdpasim_set_vq_ready,
	.get_vq_ready		= vdpasim_get_vq_ready,
	.set_vq_state		= vdpasim_set_vq_state,
	.get_vq_state		= vdpasim_get_vq_state,
	.get_vq_group		= vdpasim_get_vq_group,
	.get_vq_stats		= vdpasim_get_vq_stats,
	.get_vq_align		= vdpasim_get_vq_align,
	.get_vq_num_max		= vdpasim_get_vq_num_max,
	.get_device_features	= vdpasim_get_device_features,
	.set_driver_features	= vdpasim_set_driver_features,
	.get_driver_features	= vdpasim_get_driver_features,
	.set_config_cb		= vdpasim_set_config_cb,
	.get_device_id		= vdpasim_get_device_id,
	.get_vendor_id		= vdpasim_get_vendor_id,
	.get_status		= vdpasim_get_status,
	.set_status		= vdpasim_set_status,
	.reset			= vdpasim_reset,
	.suspend		= vdpasim_suspend,
	.resume			= vdpasim_resume,
	.get_config_size	= vdpasim_get_config_size,
	.get_config		= vdpasim_get_config,
	.set_config		= vdpasim_set_config,
	.get_generation		= vdpasim_get_generation,
	.get_iova_range		= vdpasim_get_iova_range,
	.set_map		= vdpasim_set_map,
	.dma_map		= vdpasim_dma_map,
	.dma_unmap		= vdpasim_dma_unmap,
	.reset_map		= vdpasim_reset_map,
	.set_dirty_log		= vdpasim_set_dirty_log,
	.set_group_asid		= vdpasim_set_group_asid,
	.get_backend_features	= vdpasim_get_backend_features,
	.free			= vdpasim_free,
};

/**
 * vdpasim_create - allocate a simulated device
 * @cls: the device class
 * @mdev: the management device creating it
 * @name: the device name
 * @size: size of the class's structure, which embeds struct vdpasim at
 *	offset zero
 * @nvqs: number of virtqueues
 * @features: features the device offers
 *
 * The class then sets &vdpasim.config and its own state and calls
 * vdpasim_register(). Until then, release the device with
 * put_device(&sim->vdpa.dev).
 *
 * Return: the device or an ERR_PTR().
 */
struct vdpasim *vdpasim_create(const struct vdpasim_class *cls,
			       struct vdpa_mgmt_dev *mdev, const char *name,
			       size_t size, u32 nvqs, u64 features)
{
	struct vdpa_device *vdpa;
	struct vdpasim *sim;
	u32 i;

	BUILD_BUG_ON(offsetof(struct vdpasim, vdpa));
	if (size < sizeof(*sim) || !nvqs || !cls->ngroups || !cls->nas)
		return ERR_PTR(-EINVAL);

	vdpa = __vdpa_alloc_device(mdev->device, &vdpasim_ops, cls->ngroups,
				   cls->nas, size, name, false);
	if (IS_ERR(vdpa))
		return ERR_CAST(vdpa);
	sim = vdpa_to_sim(vdpa);
	mutex_init(&sim->lock);
	INIT_WORK(&sim->work, vdpasim_work);
	sim->cls = cls;
	sim->nvqs = nvqs;
	sim->features = features;
	vdpa->mdev = mdev;

	sim->vqs = kcalloc(nvqs, sizeof(*sim->vqs), GFP_KERNEL);
	sim->as = kcalloc(cls->nas, sizeof(*sim->as), GFP_KERNEL);
	sim->group_asid = kcalloc(cls->ngroups, sizeof(*sim->group_asid),
				  GFP_KERNEL);
	if (!sim->vqs || !sim->as || !sim->group_asid)
		goto err;
	/* Empty until a driver binds: see vdpasim_as_init(). */
	for (i = 0; i < cls->nas; i++)
		vdpa_iotlb_init(&sim->as[i], max_iotlb_entries, NULL);
	vdpa->max_mappings = max_iotlb_entries;

	/* DMA API users (virtio_vdpa) get physical addresses. */
	vdpa->dev.dma_mask = &vdpa->dev.coherent_dma_mask;
	if (dma_set_mask_and_coherent(&vdpa->dev, DMA_BIT_MASK(64)))
		goto err;
	return sim;

err:
	put_device(&vdpa->dev);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_GPL(vdpasim_create);

/**
 * vdpasim_set_nvqs - give a device another number of virtqueues
 * @sim: the device, with @sim->lock held, reset (no driver uses it)
 * @nvqs: the new number
 *
 * The class tells the core afterwards (vdpa_set_nvqs()), without the lock.
 *
 * Return: 0, -EBUSY while a driver uses the device, or -ENOMEM.
 */
int vdpasim_set_nvqs(struct vdpasim *sim, u32 nvqs)
{
	struct vdpasim_vq *vqs;

	lockdep_assert_held(&sim->lock);
	if (sim->status || !nvqs)
		return -EBUSY;
	vqs = kcalloc(nvqs, sizeof(*vqs), GFP_KERNEL);
	if (!vqs)
		return -ENOMEM;
	kfree(sim->vqs);
	sim->vqs = vqs;
	sim->nvqs = nvqs;
	return 0;
}
EXPORT_SYMBOL_GPL(vdpasim_set_nvqs);

/**
 * vdpasim_register - put a device from vdpasim_create() on the bus
 * @sim: the device
 *
 * Return: 0, or -errno after releasing the device.
 */
int vdpasim_register(struct vdpasim *sim)
{
	int err = vdpa_register_device(&sim->vdpa, sim->nvqs);

	if (err)
		put_device(&sim->vdpa.dev);
	return err;
}
EXPORT_SYMBOL_GPL(vdpasim_register);

/**
 * vdpasim_mgmt_register - publish a simulator class to userspace
 * @mdev: the class's management device, everything but @device filled in
 * @name: the handle userspace names it by, e.g. "vdpasim_net"
 *
 * The handle is a root device: it has no bus, so iproute2 shows the bare
 * name.
 *
 * Return: 0 or -errno.
 */
int vdpasim_mgmt_register(struct vdpa_mgmt_dev *mdev, const char *name)
{
	struct device *root;
	int err;

	root = root_device_register(name);
	if (IS_ERR(root))
		return PTR_ERR(root);
	mdev->device = root;
	err = vdpa_mgmtdev_register(mdev);
	if (err)
		root_device_unregister(root);
	return err;
}
EXPORT_SYMBOL_GPL(vdpasim_mgmt_register);

/**
 * vdpasim_mgmt_unregister - delete a class's devices and withdraw it
 * @mdev: a management device registered with vdpasim_mgmt_register()
 */
void vdpasim_mgmt_unregister(struct vdpa_mgmt_dev *mdev)
{
	vdpa_mgmtdev_unregister(mdev);
	root_device_unregister(mdev->device);
}
EXPORT_SYMBOL_GPL(vdpasim_mgmt_unregister);

static void vdpasim_fault_init(void)
{
#ifdef CONFIG_FAULT_INJECTION
	static const char * const names[VDPASIM_NR_FAULTS] = {
		[VDPASIM_FAIL_MAP] = "fail_vdpa_sim_map",
		[VDPASIM_FAIL_UNMAP] = "fail_vdpa_sim_unmap",
	};
	unsigned int i;

	for (i = 0; i < VDPASIM_NR_FAULTS; i++) {
		/* No stack dump: a forced failure is what a test asked for. */
		vdpasim_faults[i].verbose = 0;
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
		/* Best effort: without debugfs the operations do not fail. */
		vdpasim_fault_dir[i] = fault_create_debugfs_attr(names[i], NULL,
								 &vdpasim_faults[i]);
#endif
	}
#endif
}

static int __init vdpasim_init(void)
{
	vdpasim_wq = alloc_workqueue("vdpa_sim", WQ_UNBOUND, 0);
	if (!vdpasim_wq)
		return -ENOMEM;
	vdpasim_fault_init();
	return 0;
}

static void __exit vdpasim_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vdpasim_fault_dir); i++)
		debugfs_remove(vdpasim_fault_dir[i]);
	destroy_workqueue(vdpasim_wq);
}

module_init(vdpasim_init);
module_exit(vdpasim_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vDPA device simulator core");
