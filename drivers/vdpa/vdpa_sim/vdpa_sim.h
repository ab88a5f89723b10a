/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Common core of the vDPA simulators: virtqueue state, features, status,
 * address spaces and the shared work that runs a device's datapath. A
 * device class (net, blk) supplies its config space and its datapath.
 */
#ifndef _VDPA_SIM_H
#define _VDPA_SIM_H

#include <linux/mutex.h>
#include <linux/vdpa.h>
#include <linux/vdpa_devring.h>
#include <linux/vdpa_iotlb.h>
#include <linux/workqueue.h>

/* Longest chain a class must handle; blk advertises seg_max below it. */
#define VDPASIM_MAX_SEGS	128
#define VDPASIM_BUF_SIZE	2048

struct vdpasim;
struct vdpa_stats_msg;

/**
 * struct vdpasim_vq - one virtqueue
 * @ring: device-side ring, valid while @started
 * @cb: used-buffer notification set by the driver
 * @desc_addr: IOVA of the descriptor area
 * @driver_addr: IOVA of the driver (avail) area
 * @device_addr: IOVA of the device (used) area
 * @num: queue size
 * @last_avail: saved position while not @started
 * @ready: the driver enabled the queue
 * @started: @ring is initialised for the current run
 */
struct vdpasim_vq {
	struct vdpa_devring ring;
	struct vdpa_callback cb;
	u64 desc_addr;
	u64 driver_addr;
	u64 device_addr;
	u32 num;
	u16 last_avail;
	bool ready;
	bool started;
};

/**
 * struct vdpasim_run - buffers that only exist while the driver runs
 * @segs: two chains' worth of segments (e.g. a TX and an RX chain)
 * @buf: bounce buffer for copies between two chains
 * @cls: the class's own per-run state, &vdpasim_class.run_size bytes
 */
struct vdpasim_run {
	struct vdpa_devring_seg segs[2][VDPASIM_MAX_SEGS];
	u8 buf[VDPASIM_BUF_SIZE];
	unsigned long cls[];
};

/**
 * struct vdpasim_class - what a device class provides
 * @device_id: virtio device id
 * @ngroups: number of virtqueue groups
 * @nas: number of address spaces
 * @config_size: size of the config space at &vdpasim.config
 * @run_size: bytes of per-run state the class wants at &vdpasim_run.cls,
 *	zeroed at DRIVER_OK
 * @work: run the datapath for a bounded batch; called with &vdpasim.lock
 *	held while the device runs; returns true if work is left
 * @set_config: optional; apply a driver write to config space (bounds
 *	already checked), lock held; absent means read-only config
 * @get_vq_group: optional; the group of a queue, default 0
 * @get_vq_stats: optional; emit a queue's counters, lock held
 * @reset: optional; reset class state on device reset, lock held
 * @start: optional; the driver set DRIVER_OK and the enabled queues
 *	started (&vdpasim_vq.last_avail: where each was set to start), lock
 *	held
 */
struct vdpasim_class {
	u32 device_id;
	u32 ngroups;
	u32 nas;
	size_t config_size;
	size_t run_size;
	bool (*work)(struct vdpasim *sim);
	void (*set_config)(struct vdpasim *sim, unsigned int offset,
			   const void *buf, unsigned int len);
	u32 (*get_vq_group)(struct vdpasim *sim, u16 idx);
	int (*get_vq_stats)(struct vdpasim *sim, u16 idx,
			    struct vdpa_stats_msg *msg);
	void (*reset)(struct vdpasim *sim);
	void (*start)(struct vdpasim *sim);
};

/**
 * struct vdpasim - a simulated device
 * @vdpa: the vDPA device; must stay first
 * @cls: the device class
 * @lock: guards everything below against the ops and the work
 * @work: the datapath, queued on the simulators' shared workqueue
 * @vqs: @nvqs virtqueues
 * @as: &vdpasim_class.nas address spaces, identity until mapped
 * @group_asid: address space of each virtqueue group
 * @run: per-run buffers, allocated at DRIVER_OK, NULL otherwise
 * @config: the class's config space, @cls->config_size bytes
 * @config_cb: config-change notification set by the driver
 * @features: features the device offers
 * @driver_features: features the driver accepted
 * @nvqs: number of virtqueues
 * @generation: config generation, bumped on every config change
 * @status: virtio device status
 * @suspended: processing is paused by suspend
 * @broken: the driver broke a ring; nothing runs until reset
 */
struct vdpasim {
	struct vdpa_device vdpa;
	const struct vdpasim_class *cls;
	struct mutex lock;		/* device state vs. ops and work */
	struct work_struct work;
	struct vdpasim_vq *vqs;
	struct vdpa_iotlb *as;
	u32 *group_asid;
	struct vdpasim_run *run;
	void *config;
	struct vdpa_callback config_cb;
	u64 features;
	u64 driver_features;
	u32 nvqs;
	u32 generation;
	u8 status;
	bool suspended;
	bool broken;
};

static inline struct vdpasim *vdpa_to_sim(struct vdpa_device *vdpa)
{
	return container_of(vdpa, struct vdpasim, vdpa);
}

struct vdpasim *vdpasim_create(const struct vdpasim_class *cls,
			       struct vdpa_mgmt_dev *mdev, const char *name,
			       size_t size, u32 nvqs, u64 features);
int vdpasim_register(struct vdpasim *sim);
int vdpasim_set_nvqs(struct vdpasim *sim, u32 nvqs);
void vdpasim_stop(struct vdpasim *sim);
struct vdpasim_vq *vdpasim_vq_running(struct vdpasim *sim, u16 idx);
void vdpasim_vq_notify(struct vdpasim *sim, struct vdpasim_vq *vq);
void vdpasim_vq_error(struct vdpasim *sim, struct vdpasim_vq *vq, int err);
void vdpasim_config_changed(struct vdpasim *sim);
int vdpasim_mgmt_register(struct vdpa_mgmt_dev *mdev, const char *name);
void vdpasim_mgmt_unregister(struct vdpa_mgmt_dev *mdev);

/**
 * vdpasim_has_feature - whether the driver accepted a feature
 * @sim: the device
 * @bit: feature bit number
 *
 * Return: true if negotiated.
 */
static inline bool vdpasim_has_feature(const struct vdpasim *sim,
				       unsigned int bit)
{
	return sim->driver_features & BIT_ULL(bit);
}

#endif /* _VDPA_SIM_H */
