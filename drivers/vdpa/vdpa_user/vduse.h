/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VDUSE: vDPA devices implemented by a userspace daemon.
 *
 * A daemon creates a device through /dev/vduse/control and serves it
 * through /dev/vduse/<name>: it reads requests the kernel cannot answer
 * alone (status changes, queue positions, map changes), writes replies, and
 * runs the datapath on memory it maps from the device's IOVA domain. The
 * VDUSE device becomes a vDPA device when userspace attaches it with
 * "vdpa dev add ... mgmtdev vduse".
 *
 * Lock order, outermost first; none is held while a request waits for the
 * daemon, so everything the daemon does to answer (ioctls, read, write,
 * faults on the domain) can always proceed:
 *   vduse_lock (registry, control ioctls)
 *   -> vduse_dev.lock (attachment, open file, domain creation)
 *   -> spinlocks: vduse_dev.msg_lock, vduse_dev.config_lock,
 *      vduse_vq.kick_lock (irq-safe), vduse_vq.irq_lock and
 *      vduse_dev.config_cb_lock (BH-safe), the domain's own.
 */
#ifndef _VDUSE_H
#define _VDUSE_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/vdpa.h>
#include <linux/vdpa_iotlb.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <uapi/linux/vduse.h>

#define VDUSE_MINORS		BIT(MINORBITS)
#define VDUSE_MSG_TIMEOUT	30	/* seconds, per request */
#define VDUSE_BOUNCE_DEFAULT	(64 * SZ_1M)
#define VDUSE_BOUNCE_MIN	SZ_1M
#define VDUSE_BOUNCE_MAX	SZ_1G

struct vduse_dev;
struct vduse_domain;

/**
 * struct vduse_vq - one virtqueue, as the driver set it up
 * @dev: the device
 * @index: queue index
 * @max_size: largest size the daemon serves (VDUSE_VQ_SETUP), 0 until set
 * @num: size the driver chose
 * @desc_addr: IOVA of the descriptor area
 * @driver_addr: IOVA of the driver (avail) area
 * @device_addr: IOVA of the device (used) area
 * @state: position the driver set (split or packed per the features)
 * @kick_lock: guards @ready, @kick and @kicked; taken with irqs off, since
 *	kicks come from any context
 * @ready: the driver enabled the queue
 * @kick: the daemon's kick eventfd, or NULL; signalled under RCU
 * @kicked: a kick came while @kick was NULL; signalled when one is set
 * @kick_work: signals @kick from a context where eventfd_signal() may not
 *	run (inside another eventfd's wakeup)
 * @kick_retired: during a reset, the eventfd taken away, put after a
 *	grace period
 * @irq_lock: guards @cb (BH-safe); held while the callback runs, so a
 *	replaced callback is never called after its replacement returns
 * @cb: the bus driver's used-buffer notification
 * @irq_work: calls @cb for VDUSE_VQ_INJECT_IRQ
 * @irq_cpu: CPU the last interrupt ran on; the next goes to the next one
 * @inflight: per head, whether the driver has it in flight (0 or 1), for
 *	a split ring a driver in the kernel placed in the domain; NULL when
 *	not counted (takeover.c). Under @kick_lock, as are the three below.
 * @avail_va: kernel address of the counted ring's driver area
 * @used_va: kernel address of its device area
 * @seen_avail: avail index accounted so far
 * @seen_used: used index accounted so far
 * @track_lost: the count is known to be wrong (a ring moved too far)
 */
struct vduse_vq {
	struct vduse_dev *dev;
	u32 index;
	u16 max_size;
	u32 num;
	u64 desc_addr;
	u64 driver_addr;
	u64 device_addr;
	struct vdpa_vq_state state;

	spinlock_t kick_lock;		/* @ready, @kick updates, @kicked */
	bool ready;
	struct eventfd_ctx __rcu *kick;
	bool kicked;
	struct work_struct kick_work;
	struct eventfd_ctx *kick_retired;

	spinlock_t irq_lock;		/* @cb, held while it runs */
	struct vdpa_callback cb;
	struct work_struct irq_work;
	int irq_cpu;

	u8 *inflight;
	void *avail_va;
	void *used_va;
	u16 seen_avail;
	u16 seen_used;
	bool track_lost;
};

/**
 * struct vduse_vdpa - the vDPA device of an attached VDUSE device
 * @vdpa: the vDPA device
 * @dev: the VDUSE device it presents
 */
struct vduse_vdpa {
	struct vdpa_device vdpa;
	struct vduse_dev *dev;
};

/**
 * struct vduse_dev - a VDUSE device, from VDUSE_CREATE_DEV to its destroy
 * @dev: the class device behind /dev/vduse/<name>; its name is the
 *	device's name and its refcount the structure's lifetime
 * @minor: minor of /dev/vduse/<name>
 * @name_node: entry in the registry's name table
 * @lock: guards @vdpa, @open, @domain and @bounce_size
 * @vdpa: the attached vDPA device, or NULL
 * @open: /dev/vduse/<name> is open (one opener at a time)
 * @dead: destroyed: an attach that found the device before is refused
 * @domain: the IOVA domain, created at the first attach, or NULL
 * @umap_lock: guards @umap
 * @umap: the map vhost-vdpa set, by user address, entries holding their
 *	file (usermap.c)
 * @bounce_size: size of the domain's bounce window, settable until then
 * @device_id: virtio device id
 * @vendor_id: virtio subsystem vendor id
 * @device_features: features the daemon offers
 * @vq_align: ring alignment the daemon asked for
 * @nvqs: number of queues
 * @vqs: the queues
 * @config_size: size of @config
 * @config_lock: guards @config and @generation
 * @config: the config space as the daemon last set it
 * @generation: config generation, bumped on every change and reset
 * @status: the status byte the daemon last accepted
 * @driver_features: the features the driver last accepted
 * @config_cb_lock: guards @config_cb (BH-safe), held while it runs
 * @config_cb: the bus driver's config-change notification
 * @config_work: calls @config_cb for VDUSE_DEV_INJECT_CONFIG_IRQ
 * @msg_lock: guards the request lists, @msg_next_id and @broken
 * @msg_pending: requests the daemon has not read yet
 * @msg_reading: requests read and waiting for a reply
 * @msg_next_id: id of the next request
 * @msg_wait: readers and pollers wait here for requests
 * @reply_wait: senders wait here for replies
 * @msg_timeout: seconds a request waits for its reply, 0 for ever
 * @broken: a request timed out, or no daemon came back in time: every
 *	request fails, the device is dead until destroyed
 * @takeover_work: breaks the device and fails the driver's requests when
 *	the daemon is gone for good (takeover.c)
 * @taken_over: the kernel answers the datapath: every request fails
 */
struct vduse_dev {
	struct device dev;
	u32 minor;
	struct hlist_node name_node;

	struct mutex lock;		/* attachment, opener, domain */
	struct vduse_vdpa *vdpa;
	bool open;
	bool dead;
	struct vduse_domain *domain;
	u64 bounce_size;

	struct mutex umap_lock;		/* @umap */
	struct vdpa_iotlb umap;

	u32 device_id;
	u32 vendor_id;
	u64 device_features;
	u32 vq_align;
	u32 nvqs;
	struct vduse_vq *vqs;

	u32 config_size;
	spinlock_t config_lock;		/* @config, @generation */
	void *config;
	u32 generation;

	u8 status;
	u64 driver_features;

	spinlock_t config_cb_lock;	/* @config_cb, held while it runs */
	struct vdpa_callback config_cb;
	struct work_struct config_work;

	spinlock_t msg_lock;		/* request lists, ids, @broken */
	struct list_head msg_pending;
	struct list_head msg_reading;
	u32 msg_next_id;
	wait_queue_head_t msg_wait;
	wait_queue_head_t reply_wait;
	unsigned int msg_timeout;
	bool broken;

	struct delayed_work takeover_work;
	bool taken_over;
};

static inline struct vduse_dev *to_vduse_dev(struct device *dev)
{
	return container_of(dev, struct vduse_dev, dev);
}

/* main.c */
extern struct class vduse_class;
extern struct workqueue_struct *vduse_irq_wq;
extern struct workqueue_struct *vduse_irq_bound_wq;
dev_t vduse_devt_of(u32 minor);

/* control.c: the registry and /dev/vduse/control */
extern const struct file_operations vduse_control_fops;
struct vduse_dev *vduse_find_get(const char *name);
struct vduse_dev *vduse_find_minor_get(u32 minor);

/* chardev.c: /dev/vduse/<name> */
extern const struct file_operations vduse_dev_fops;

/* msg.c: requests to the daemon */
int vduse_msg_set_status(struct vduse_dev *dev, u8 status);
int vduse_msg_get_vq_state(struct vduse_dev *dev, u32 index,
			   struct vdpa_vq_state *state);
int vduse_msg_update_iotlb(struct vduse_dev *dev, u64 start, u64 last);
void vduse_msg_requeue_read(struct vduse_dev *dev);
void vduse_msg_init(struct vduse_dev *dev);
bool vduse_msg_broken(struct vduse_dev *dev);
void vduse_msg_break(struct vduse_dev *dev, const char *why);
ssize_t vduse_msg_read_iter(struct kiocb *iocb, struct iov_iter *to);
ssize_t vduse_msg_write_iter(struct kiocb *iocb, struct iov_iter *from);
__poll_t vduse_msg_poll(struct file *file, struct poll_table_struct *wait);

/* vq.c: kicks and interrupts */
void vduse_vq_init(struct vduse_dev *dev, struct vduse_vq *vq, u32 index);
void vduse_vq_kick(struct vduse_vq *vq);
int vduse_vq_set_kickfd(struct vduse_vq *vq, int fd);
void vduse_vq_set_ready(struct vduse_vq *vq, bool ready);
void vduse_vq_set_cb(struct vduse_vq *vq, const struct vdpa_callback *cb);
int vduse_vq_inject_irq(struct vduse_vq *vq);
void vduse_vq_irq(struct vduse_vq *vq);
void vduse_vqs_reset(struct vduse_dev *dev);
void vduse_set_config_cb(struct vduse_dev *dev,
			 const struct vdpa_callback *cb);
int vduse_inject_config_irq(struct vduse_dev *dev);
void vduse_config_init(struct vduse_dev *dev);
void vduse_config_reset(struct vduse_dev *dev);

/* takeover.c: the kernel answers for a device whose daemon is gone */
void vduse_takeover_init(struct vduse_dev *dev);
void vduse_takeover_arm(struct vduse_dev *dev, bool now);
void vduse_takeover_disarm(struct vduse_dev *dev);
void vduse_takeover_exit(struct vduse_dev *dev);
void vduse_track_start(struct vduse_dev *dev);
void vduse_track_stop(struct vduse_vq *vq);
void vduse_track_scan(struct vduse_vq *vq);
bool vduse_takeover_kick_locked(struct vduse_vq *vq);

/* parent.c: the vDPA side */
int vduse_mgmtdev_init(void);
void vduse_mgmtdev_exit(void);
struct vduse_domain *vduse_dma_domain(struct device *dma_dev);

/* usermap.c: vhost-vdpa's map, as files the daemon maps */
void vduse_umap_init(struct vduse_dev *dev);
void vduse_umap_clear(struct vduse_dev *dev);
bool vduse_umap_empty(struct vduse_dev *dev);
int vduse_umap_set(struct vduse_dev *dev, struct vdpa_iotlb *iotlb);
int vduse_umap_lookup(struct vduse_dev *dev, u64 start, u64 last,
		      struct vduse_iotlb_entry *entry, struct file **file);

/* sysfs.c */
extern const struct attribute_group *vduse_dev_groups[];

/*
 * domain.c: the IOVA domain behind a device's DMA, and the file the daemon
 * maps it through.
 *
 * IOVAs [0, bounce_size) are the bounce window: streaming DMA maps
 * (dma_map_page) get an IOVA range there, data is copied between the
 * driver's buffer and per-page bounce pages. Above it lies the coherent
 * window: each dma_alloc_coherent() allocation gets pages of its own at an
 * IOVA there. The domain's file maps IOVA = file offset: a page of the
 * bounce window is its bounce page, a page of the coherent window the page
 * of the allocation covering it; anything else faults SIGBUS. IOVA 0 is
 * never handed out.
 */

/**
 * vduse_domain_create - make a device's IOVA domain
 * @bounce_size: size of the bounce window, a multiple of PAGE_SIZE in
 *	[VDUSE_BOUNCE_MIN, VDUSE_BOUNCE_MAX]
 *
 * Return: the domain, or an ERR_PTR().
 */
struct vduse_domain *vduse_domain_create(u64 bounce_size);

/**
 * vduse_domain_destroy - the device is gone
 * @domain: the domain
 *
 * No DMA mapping of the domain may exist any more. Memory a daemon still
 * maps stays allocated until its last mapping and file are gone.
 */
void vduse_domain_destroy(struct vduse_domain *domain);

/**
 * vduse_domain_reset_bounce - the device was reset
 * @domain: the domain
 *
 * Withdraws the bounce window from vduse_domain_lookup() until the next
 * streaming map (the daemon must not use a previous run's mappings). The
 * bounce pages themselves stay.
 */
void vduse_domain_reset_bounce(struct vduse_domain *domain);

/**
 * vduse_domain_lookup - the first translation overlapping [start, last]
 * @domain: the domain
 * @start: first IOVA of the range
 * @last: last IOVA of the range (inclusive)
 * @entry: filled with the translation's start, last, perm (VDUSE_ACCESS_*)
 *	and the file offset of its start
 * @file: if not NULL, gets a reference to the file that backs it
 *
 * Return: 0, or -EINVAL if no translation overlaps the range.
 */
int vduse_domain_lookup(struct vduse_domain *domain, u64 start, u64 last,
			struct vduse_iotlb_entry *entry, struct file **file);

/**
 * vduse_domain_bounce_size - size of the bounce window
 * @domain: the domain
 *
 * Return: the size given to vduse_domain_create().
 */
u64 vduse_domain_bounce_size(struct vduse_domain *domain);

/**
 * vduse_domain_reg_umem - back the bounce window with the caller's memory
 * @domain: the domain
 * @uaddr: page-aligned address in current's mm, of the window's size
 *
 * Pins the pages (charged to RLIMIT_MEMLOCK), copies in-flight bounce data
 * into them and bounces through them from then on.
 *
 * Return: 0, -EEXIST if already registered, -ENOMEM, or the pinning error.
 */
int vduse_domain_reg_umem(struct vduse_domain *domain, u64 uaddr);

/**
 * vduse_domain_dereg_umem - go back to kernel bounce pages
 * @domain: the domain
 *
 * Copies in-flight data back into kernel pages and unpins.
 *
 * Return: 0, or -ENOENT if nothing is registered.
 */
int vduse_domain_dereg_umem(struct vduse_domain *domain);

/**
 * vduse_domain_coherent_va - kernel address of a coherent allocation's range
 * @domain: the domain
 * @iova: first IOVA of the range
 * @size: its size
 *
 * Return: the kernel address of @iova if [@iova, @iova + @size) lies in one
 * coherent allocation, else NULL. It is valid until the driver frees the
 * allocation.
 */
void *vduse_domain_coherent_va(struct vduse_domain *domain, u64 iova,
			       u64 size);

/**
 * vduse_domain_revoke - the daemon may no longer map the domain
 * @domain: the domain
 *
 * Unmaps the domain's file from every process; faults get SIGBUS from
 * then on. A fault that raced with this may keep the page it was mapping,
 * which lets a process confuse the driver of this device, nothing more.
 */
void vduse_domain_revoke(struct vduse_domain *domain);

/* dma.c: the DMA API of an attached device, on its domain */
extern const struct dma_map_ops vduse_dma_ops;

#endif /* _VDUSE_H */
