/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vDPA bus: devices whose datapath is virtio and whose control path is the
 * parent's own, presented to virtio and vhost through one set of operations.
 *
 * The contract between the three parties lives here:
 *  - a parent (hardware driver or simulator) allocates a struct vdpa_device,
 *    fills in a struct vdpa_config_ops and registers the device;
 *  - a bus driver (virtio_vdpa, vhost_vdpa) binds to the device and drives it
 *    through those operations, using the vdpa_*() helpers below for anything
 *    that touches features, status or config space;
 *  - a management device lets userspace create and delete devices of a parent
 *    over the "vdpa" generic netlink family.
 *
 * DMA isolation. A vDPA device is a DMA engine, and vhost_vdpa hands it to
 * an untrusted process. The three parties keep one invariant between them:
 * at every instant the device reaches only IOVAs its owner mapped, and every
 * page it can reach is pinned (or, for a parent that uses VAs, referenced by
 * the map that reaches it). Each rule below serves it, and is written where
 * the operation or field it constrains is declared:
 *  - an address space is the identity of physical memory only while a bus
 *    driver that uses the DMA API is bound (vdpa_dma_api_bound()); with any
 *    other driver, or none, it starts and resets empty;
 *  - a parent never refuses to take back a translation it was given whole
 *    (@dma_unmap), and a failed @set_map leaves the address space empty, so a
 *    bus driver always knows a superset of what the device can reach;
 *  - a bus driver keeps its table within &vdpa_device.max_mappings, so the
 *    parent never refuses a map or an unmap for lack of room;
 *  - a bus driver releases a page only once the parent can no longer reach
 *    it, and starts the device (DRIVER_OK) only when every address space
 *    holds its owner's map.
 */
#ifndef _LINUX_VDPA_H
#define _LINUX_VDPA_H

#include <linux/device.h>
#include <linux/if_ether.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/mod_devicetable.h>
#include <linux/rhashtable-types.h>
#include <linux/rwsem.h>
#include <linux/types.h>

struct eventfd_ctx;
struct file;
struct mm_struct;
struct netlink_ext_ack;
struct vdpa_ctrlq;
struct vdpa_device;
struct vdpa_dirty_log;
struct vdpa_iotlb;
struct vdpa_mgmt_dev;
struct vdpa_stats_msg;

/**
 * struct vdpa_callback - how a device signals a bus driver
 * @callback: called by the parent, from hard irq context or with bottom
 *	halves disabled (a software parent's worker), when a
 *	virtqueue (or the config space) needs the driver's attention; may be
 *	NULL, in which case the parent signals nothing
 * @private: argument passed to @callback
 * @trigger: optional eventfd; when set, signalling it is equivalent to
 *	calling @callback, so a parent may signal it directly and skip the
 *	callback (the irq-bypass fast path of vhost_vdpa)
 */
struct vdpa_callback {
	irqreturn_t (*callback)(void *private);
	void *private;
	struct eventfd_ctx *trigger;
};

/**
 * struct vdpa_notification_area - a doorbell the driver may map
 * @addr: physical address of the doorbell
 * @size: bytes that belong to this virtqueue's doorbell alone; userspace
 *	mapping needs @size >= PAGE_SIZE and @addr page aligned
 */
struct vdpa_notification_area {
	resource_size_t addr;
	resource_size_t size;
};

/**
 * struct vdpa_iova_range - the IOVA window a device can translate
 * @first: first usable IOVA
 * @last: last usable IOVA (inclusive)
 */
struct vdpa_iova_range {
	u64 first;
	u64 last;
};

/**
 * struct vdpa_map_file - what backs a mapping, for parents that use VAs
 * @file: the file behind the mapping (a shared mapping's, from the VMA),
 *	or NULL when none can be named (private or anonymous memory)
 * @offset: offset within @file of the user address @addr
 * @addr: the user address @offset belongs to; an address a of the same
 *	mapping is at @offset + (a - @addr), which still holds for the
 *	pieces of a translation that was split after it was made
 */
struct vdpa_map_file {
	struct file *file;
	u64 offset;
	u64 addr;
};

/**
 * struct vdpa_vq_state_split - where a split virtqueue's device side stands
 * @avail_index: the next available-ring index the device will read
 *	(equivalently, the used index it will reach once all in-flight buffers
 *	are completed in order)
 */
struct vdpa_vq_state_split {
	u16 avail_index;
};

/**
 * struct vdpa_vq_state_packed - where a packed virtqueue's device side stands
 * @last_avail_idx: next descriptor index the device will read
 * @last_avail_counter: its wrap counter
 * @last_used_idx: next descriptor index the device will write
 * @last_used_counter: its wrap counter
 *
 * Each half is laid out as the virtio spec encodes a packed ring position
 * in 16 bits: the index in bits 0-14, the wrap counter in bit 15.
 */
struct vdpa_vq_state_packed {
	u16 last_avail_idx:15;
	u16 last_avail_counter:1;
	u16 last_used_idx:15;
	u16 last_used_counter:1;
};

/**
 * struct vdpa_vq_state - where a virtqueue's device side stands
 * @split: for a split ring
 * @packed: for a packed ring
 *
 * The two members are named types so a parent can keep either on its own.
 */
struct vdpa_vq_state {
	union {
		struct vdpa_vq_state_split split;
		struct vdpa_vq_state_packed packed;
	};
};

/**
 * struct vdpa_dev_set_config - provisioning attributes from userspace
 * @mask: which fields are set, as BIT_ULL(VDPA_ATTR_*) of the attribute
 *	that carried them; a parent only sees bits it listed in
 *	&vdpa_mgmt_dev.config_attr_mask (the core rejects the others)
 * @device_features: features the new device offers (VDPA_ATTR_DEV_FEATURES)
 * @net: virtio-net config space provisioning
 * @net.mac: station MAC address
 * @net.mtu: MTU advertised in config space
 * @net.max_vq_pairs: number of RX/TX queue pairs
 * @blk: virtio-blk config space provisioning
 * @blk.capacity: disk size in 512-byte sectors
 */
struct vdpa_dev_set_config {
	u64 mask;
	u64 device_features;
	struct {
		u8 mac[ETH_ALEN];
		u16 mtu;
		u16 max_vq_pairs;
	} net;
	struct {
		u64 capacity;
	} blk;
};

/**
 * struct vdpa_device - one vDPA device on the vdpa bus
 * @dev: the driver-model device; its refcount is the device's lifetime
 * @dma_dev: the device that does DMA on behalf of this one (the PCI
 *	function for hardware, @dev itself for a simulator)
 * @ops: the parent's operations
 * @mdev: the management device that created this device, or NULL
 * @driver_override: bus driver name this device may only bind to, or NULL
 * @cf_lock: serialises feature, status and config-space access between the
 *	bound driver and management (netlink) readers; taken by the vdpa_*()
 *	helpers, never by parents
 * @index: bus-unique index, also the key of netlink dumps
 * @nvqs: number of virtqueues
 * @ngroups: number of virtqueue groups (each group shares one address space)
 * @nas: number of address spaces
 * @max_mappings: most translations one address space of the parent holds,
 *	0 for no limit of its own; a bus driver that pushes maps keeps its own
 *	table within it, so the limit has one owner and a parent never fails
 *	a map or an unmap for lack of room
 * @use_va: the parent translates user virtual addresses rather than
 *	physical ones (set_map/dma_map entries then carry VAs)
 * @dma_api_bound: a bus driver with &vdpa_driver.dma_api set is bound, from
 *	before its probe to after its remove (core private; parents read it
 *	with vdpa_dma_api_bound())
 * @parent_ops: the parent's operations when the core stands in front of
 *	them (vdpa_net_add_ctrlq(): @ops is then the core's), else @ops
 * @ctrlq: the control queue the core presents, or NULL (core private)
 * @name_node: entry in the core's name table (core private)
 * @mdev_node: entry in @mdev's list of children (core private)
 */
struct vdpa_device {
	struct device dev;
	struct device *dma_dev;
	const struct vdpa_config_ops *ops;
	struct vdpa_mgmt_dev *mdev;
	const char *driver_override;
	struct rw_semaphore cf_lock;
	unsigned int index;
	u32 nvqs;
	u32 ngroups;
	u32 nas;
	u32 max_mappings;
	bool use_va;
	bool dma_api_bound;
	const struct vdpa_config_ops *parent_ops;
	struct vdpa_ctrlq *ctrlq;
	struct rhash_head name_node;
	struct list_head mdev_node;
};

/**
 * struct vdpa_config_ops - what a parent implements
 *
 * Unless marked optional, every operation must be implemented; the core
 * refuses to allocate a device whose ops miss a mandatory one.
 *
 * Context and ordering, for all operations: they are called in process
 * context and may sleep, except @kick_vq and @kick_vq_with_data, which may be
 * called from any context (including hard irq) and must not sleep. The bound
 * bus driver is the only caller of the virtqueue and DMA operations, and it
 * serialises its own calls; @get_config, @get_status, @get_device_features,
 * @get_driver_features and @get_vq_stats may also be called concurrently by
 * the management interface, so a parent must make them safe against a
 * concurrent @set_status or @reset (a consistent snapshot is enough).
 * Virtqueue setup operations (@set_vq_address, @set_vq_num,
 * @set_vq_state) are only called while the queue is not ready, or after a
 * @suspend; @set_vq_cb and @set_config_cb may be called at any time (a VMM
 * swaps a queue's eventfd when the guest masks its interrupt). After @reset
 * returns, the parent must not touch driver memory nor call any callback.
 *
 * @set_vq_address: set the IOVAs of a queue's descriptor area, driver area
 *	(available ring) and device area (used ring); returns 0 or -errno
 * @set_vq_num: set a queue's size (a power of two for split rings)
 * @kick_vq: the driver made buffers available on a queue
 * @kick_vq_with_data: optional; kick with VIRTIO_F_NOTIFICATION_DATA payload
 *	(the queue index is in the low 16 bits of @data)
 * @set_vq_cb: set the callback for a queue's used-buffer notifications;
 *	once it returns, the parent no longer calls (nor signals the trigger
 *	of) the callback it replaced
 * @set_vq_ready: enable or disable a queue; once a disable returns, the
 *	parent no longer reads or writes that queue's rings nor signals it
 * @get_vq_ready: whether a queue is enabled
 * @set_vq_state: set a queue's device-side position (before DRIVER_OK, or
 *	while suspended); returns 0 or -errno. A parent that cannot place a
 *	queue (plain virtio-pci) accepts the position a reset leaves and
 *	returns -EOPNOTSUPP for any other
 * @get_vq_state: read a queue's device-side position; meaningful once the
 *	device is suspended or the queue disabled. -EOPNOTSUPP from a parent
 *	that cannot read it, which includes one that lost it (a reset of a
 *	queue that ran does not make its position 0 again)
 * @get_vq_notification: optional; the queue's doorbell, for direct mapping
 * @get_vq_irq: optional; the Linux irq number that signals this queue, or a
 *	negative errno when there is none (used for irq bypass)
 * @get_vq_size: optional; the largest size queue @idx itself supports,
 *	when queues of a device differ (a small control queue); bus drivers
 *	size the queue within both this and @get_vq_num_max
 * @get_vq_group: optional when @vdpa_device.ngroups is 1; the group of a queue
 * @get_vq_desc_group: optional; the group of a queue's descriptor table when
 *	it differs from the queue's group (VHOST_BACKEND_F_DESC_ASID)
 * @get_vq_stats: optional; emit a queue's counters with vdpa_stats_put();
 *	called with @vdpa_device.cf_lock held for reading
 * @get_vq_align: alignment of the rings, in bytes
 * @get_vq_num_max: the largest queue size the device supports
 * @get_vq_num_min: optional; the smallest queue size the device supports
 * @get_device_features: the virtio features the device offers
 * @set_driver_features: the features the driver accepted; returns 0 or
 *	-errno if the set is not acceptable
 * @get_driver_features: the features last accepted by @set_driver_features
 * @set_config_cb: set the callback for config-change notifications; as
 *	for @set_vq_cb, the replaced one is no longer used once it returns
 * @get_device_id: virtio device id (VIRTIO_ID_*)
 * @get_vendor_id: virtio subsystem vendor id
 * @get_status: the virtio device status byte
 * @set_status: write the status byte; 0 never reaches this op, the core
 *	calls @reset instead. When DRIVER_OK is set the device starts; a parent
 *	should allocate per-run resources then, not at creation
 * @reset: return the device to its initial state and free per-run resources:
 *	queues disabled and forgotten (addresses, sizes, callbacks), config
 *	callback cleared, address spaces back to their initial mapping (see
 *	@set_map: empty unless vdpa_dma_api_bound()), every group in address
 *	space 0, no
 *	callback running or to come; returns 0 or -errno. Maps do not survive
 *	a reset: a bus driver that promises userspace persistent maps
 *	(vhost_vdpa's VHOST_BACKEND_F_IOTLB_PERSIST) installs its table
 *	again, with @set_map or @dma_map, before the device can start
 * @suspend: optional; stop processing queues, keep their state readable
 * @resume: optional; undo @suspend
 * @get_config_size: size of the device-specific config space
 * @get_config: read config space; @offset + @len is within the config size
 *	(checked by the core helpers)
 * @set_config: write config space; same bounds as @get_config
 * @get_generation: optional; config generation counter, so a driver can
 *	detect torn reads of multi-field config
 * @get_iova_range: optional; default is the whole 64-bit space
 * @set_map: optional; replace the whole translation of address space @asid
 *	with @iotlb (the parent copies what it needs). An address space starts,
 *	and returns at @reset, empty; only while vdpa_dma_api_bound() may a
 *	software parent start it as the identity of physical memory (what the
 *	DMA API of @vdpa_device.dma_dev gives an in-kernel driver). On failure
 *	the address space is left empty, never with the previous or a partial
 *	translation: the device then reaches nothing through it. For a
 *	@use_va parent each entry's opaque is a struct vdpa_map_file
 * @dma_map: optional; add one translation to address space @asid (perm is
 *	VHOST_ACCESS_RO/WO/RW, @opaque a struct vdpa_map_file for @use_va
 *	parents); on failure nothing was added
 * @dma_unmap: optional; remove translations in [@iova, @iova + @size). For
 *	a range that one @dma_map added whole it must not fail: a parent that
 *	needs memory to unmap sets it aside at @dma_map. Bus drivers only ever
 *	unmap whole translations; a part is taken back by unmapping the whole
 *	and mapping again what stays
 * @reset_map: optional; return address space @asid to its initial mapping
 *	(empty, or identity while vdpa_dma_api_bound())
 * @set_dirty_log: optional; from now on record in @log (NULL: stop) every
 *	write of the device to driver memory, in every address space, by
 *	IOVA, after the write (live migration: the VMM copies what the log
 *	shows). A software parent writes through vdpa_iotlb_copy_to(), so
 *	attaching @log to its tables (@vdpa_iotlb.log) is all it does. Once
 *	it returns with NULL, @mark of the old log is not running and will not
 *	be called. Without it a bus driver refuses logging
 *	(VHOST_F_LOG_ALL)
 * @set_group_asid: optional; attach a virtqueue group to an address space
 * @get_vq_dma_dev: optional; the device that does DMA for queue @idx,
 *	default @vdpa_device.dma_dev
 * @bind_mm: optional, for @use_va parents; the mm whose VAs the maps use
 * @unbind_mm: optional; forget the mm given to @bind_mm
 * @get_backend_features: optional; VHOST_BACKEND_F_* capabilities that
 *	depend on the parent rather than on the ops it implements. Only
 *	VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK is looked at: the parent starts
 *	a queue enabled with @set_vq_ready after DRIVER_OK
 * @free: optional; release parent resources when the last reference to the
 *	device goes away (after unregistration)
 *
 * A parent implements either @set_map or @dma_map/@dma_unmap, or neither if
 * DMA goes through the platform IOMMU of @vdpa_device.dma_dev.
 */
struct vdpa_config_ops {
	/* virtqueues */
	int (*set_vq_address)(struct vdpa_device *vdev, u16 idx, u64 desc_area,
			      u64 driver_area, u64 device_area);
	void (*set_vq_num)(struct vdpa_device *vdev, u16 idx, u32 num);
	void (*kick_vq)(struct vdpa_device *vdev, u16 idx);
	void (*kick_vq_with_data)(struct vdpa_device *vdev, u32 data);
	void (*set_vq_cb)(struct vdpa_device *vdev, u16 idx,
			  const struct vdpa_callback *cb);
	void (*set_vq_ready)(struct vdpa_device *vdev, u16 idx, bool ready);
	bool (*get_vq_ready)(struct vdpa_device *vdev, u16 idx);
	int (*set_vq_state)(struct vdpa_device *vdev, u16 idx,
			    const struct vdpa_vq_state *state);
	int (*get_vq_state)(struct vdpa_device *vdev, u16 idx,
			    struct vdpa_vq_state *state);
	struct vdpa_notification_area
	(*get_vq_notification)(struct vdpa_device *vdev, u16 idx);
	int (*get_vq_irq)(struct vdpa_device *vdev, u16 idx);
	u16 (*get_vq_size)(struct vdpa_device *vdev, u16 idx);
	u32 (*get_vq_group)(struct vdpa_device *vdev, u16 idx);
	u32 (*get_vq_desc_group)(struct vdpa_device *vdev, u16 idx);
	int (*get_vq_stats)(struct vdpa_device *vdev, u16 idx,
			    struct vdpa_stats_msg *msg,
			    struct netlink_ext_ack *extack);

	/* queue geometry, as the driver must lay rings out */
	u32 (*get_vq_align)(struct vdpa_device *vdev);
	u16 (*get_vq_num_max)(struct vdpa_device *vdev);
	u16 (*get_vq_num_min)(struct vdpa_device *vdev);
	struct vdpa_iova_range (*get_iova_range)(struct vdpa_device *vdev);

	/* identity and feature negotiation */
	u32 (*get_device_id)(struct vdpa_device *vdev);
	u32 (*get_vendor_id)(struct vdpa_device *vdev);
	u64 (*get_device_features)(struct vdpa_device *vdev);
	int (*set_driver_features)(struct vdpa_device *vdev, u64 features);
	u64 (*get_driver_features)(struct vdpa_device *vdev);

	/* lifecycle */
	u8 (*get_status)(struct vdpa_device *vdev);
	void (*set_status)(struct vdpa_device *vdev, u8 status);
	int (*reset)(struct vdpa_device *vdev);
	int (*suspend)(struct vdpa_device *vdev);
	int (*resume)(struct vdpa_device *vdev);

	/* config space */
	size_t (*get_config_size)(struct vdpa_device *vdev);
	u32 (*get_generation)(struct vdpa_device *vdev);
	void (*get_config)(struct vdpa_device *vdev, unsigned int offset,
			   void *buf, unsigned int len);
	void (*set_config)(struct vdpa_device *vdev, unsigned int offset,
			   const void *buf, unsigned int len);
	void (*set_config_cb)(struct vdpa_device *vdev,
			      const struct vdpa_callback *cb);

	u64 (*get_backend_features)(const struct vdpa_device *vdev);
	void (*free)(struct vdpa_device *vdev);

	/* DMA: who does it, in which address space, through which map */
	struct device *(*get_vq_dma_dev)(struct vdpa_device *vdev, u16 idx);
	int (*set_group_asid)(struct vdpa_device *vdev, unsigned int group,
			      unsigned int asid);
	int (*bind_mm)(struct vdpa_device *vdev, struct mm_struct *mm);
	void (*unbind_mm)(struct vdpa_device *vdev);
	int (*set_map)(struct vdpa_device *vdev, unsigned int asid,
		       struct vdpa_iotlb *iotlb);
	int (*reset_map)(struct vdpa_device *vdev, unsigned int asid);
	int (*dma_map)(struct vdpa_device *vdev, unsigned int asid, u64 iova,
		       u64 size, u64 pa, u32 perm, void *opaque);
	int (*dma_unmap)(struct vdpa_device *vdev, unsigned int asid, u64 iova,
			 u64 size);
	int (*set_dirty_log)(struct vdpa_device *vdev,
			     struct vdpa_dirty_log *log);
};

struct vdpa_device *__vdpa_alloc_device(struct device *parent,
					const struct vdpa_config_ops *ops,
					unsigned int ngroups, unsigned int nas,
					size_t size, const char *name,
					bool use_va);

/**
 * vdpa_alloc_device - allocate a parent's device structure
 * @type: the parent's structure, which embeds a struct vdpa_device
 * @member: the name of the embedded struct vdpa_device within @type
 * @parent: the parent device (the PCI function, or NULL for pure software)
 * @ops: the parent's operations, which must outlive the device
 * @ngroups: number of virtqueue groups (at least 1)
 * @nas: number of address spaces (at least 1)
 * @name: device name, or NULL for "vdpa%u"
 * @use_va: the parent translates user virtual addresses
 *
 * The structure is zeroed. Release it with put_device(&vdev->dev) until it
 * is registered, and with vdpa_unregister_device() afterwards.
 *
 * Return: a pointer to @type, or an ERR_PTR().
 */
#define vdpa_alloc_device(type, member, parent, ops, ngroups, nas, name,   \
			  use_va)					    \
	container_of(__vdpa_alloc_device(parent, ops, ngroups, nas,   \
					       sizeof(type) +		    \
					       BUILD_BUG_ON_ZERO(offsetof(  \
					       type, member)),		    \
					       name, use_va),		    \
			   type, member)

int vdpa_register_device(struct vdpa_device *vdev, u32 nvqs);
void vdpa_unregister_device(struct vdpa_device *vdev);
void vdpa_set_nvqs(struct vdpa_device *vdev, u32 nvqs);

/**
 * struct vdpa_driver - a vdpa bus driver
 * @driver: the driver-model driver
 * @probe: bind to a device; may sleep
 * @remove: unbind from a device; after it returns the driver must not call
 *	any of the device's operations
 * @dma_api: the driver reaches driver memory through the DMA API of the
 *	device's DMA device (virtio_vdpa), so a software parent may translate
 *	its address spaces as that API's physical addresses. A driver that
 *	hands the device to userspace leaves it false: address spaces then
 *	start empty and only hold what the driver installs
 */
struct vdpa_driver {
	struct device_driver driver;
	int (*probe)(struct vdpa_device *vdev);
	void (*remove)(struct vdpa_device *vdev);
	bool dma_api;
};

int __vdpa_register_driver(struct vdpa_driver *drv, struct module *owner);
void vdpa_unregister_driver(struct vdpa_driver *drv);

/**
 * vdpa_register_driver - register a vdpa bus driver
 * @drv: the driver to register
 */
#define vdpa_register_driver(drv) __vdpa_register_driver(drv, THIS_MODULE)

/**
 * module_vdpa_driver - boilerplate for a module that only registers a driver
 * @__vdpa_driver: the struct vdpa_driver
 */
#define module_vdpa_driver(__vdpa_driver) \
	module_driver(__vdpa_driver, vdpa_register_driver, \
		      vdpa_unregister_driver)

static inline struct vdpa_device *dev_to_vdpa(struct device *dev)
{
	return container_of(dev, struct vdpa_device, dev);
}

#define drv_to_vdpa(drv) container_of_const(drv, struct vdpa_driver, driver)

static inline void *vdpa_get_drvdata(const struct vdpa_device *vdev)
{
	return dev_get_drvdata(&vdev->dev);
}

static inline void vdpa_set_drvdata(struct vdpa_device *vdev, void *data)
{
	dev_set_drvdata(&vdev->dev, data);
}

static inline struct device *vdpa_get_dma_dev(struct vdpa_device *vdev)
{
	return vdev->dma_dev;
}

/**
 * vdpa_dma_api_bound - whether address spaces may start as identity
 * @vdev: the device
 *
 * A software parent reads this when it (re)initialises an address space:
 * identity of physical memory while a DMA API driver is bound, empty
 * otherwise. Stable across the bound driver's calls into the parent.
 *
 * Return: true while a driver with &vdpa_driver.dma_api is bound.
 */
static inline bool vdpa_dma_api_bound(const struct vdpa_device *vdev)
{
	return READ_ONCE(vdev->dma_api_bound);
}

/* Helpers for bus drivers: each takes @vdpa_device.cf_lock. */
int vdpa_reset(struct vdpa_device *vdev);
int vdpa_set_features(struct vdpa_device *vdev, u64 features);
void vdpa_set_status(struct vdpa_device *vdev, u8 status);
void vdpa_get_config(struct vdpa_device *vdev, unsigned int offset,
		     void *buf, unsigned int len);
void vdpa_set_config(struct vdpa_device *vdev, unsigned int offset,
		     const void *buf, unsigned int len);

int vdpa_stats_put(struct vdpa_stats_msg *msg, const char *name, u64 value);

/**
 * struct vdpa_mgmtdev_ops - how userspace creates devices of a parent
 * @dev_add: create and register one device named @name, provisioned with
 *	@config; called with the management lock held, so it may not add or
 *	delete other devices. It must set &vdpa_device.mdev before calling
 *	vdpa_register_device(). Returns 0 or -errno, with a message in @extack.
 *	The core has checked @config already, and the parent may rely on it:
 *	only attributes of &vdpa_mgmt_dev.config_attr_mask are set (in
 *	@config->mask); a MAC is unicast and non-zero, an MTU at least 68,
 *	max_vq_pairs and a capacity at least 1; features are within
 *	&vdpa_mgmt_dev.supported_features and include every one of
 *	&vdpa_mgmt_dev.required_features; 2 * max_vq_pairs is within
 *	&vdpa_mgmt_dev.max_supported_vqs (when that is not 0). The parent
 *	checks what depends on itself (an MTU above its limit, a capacity
 *	beyond its memory)
 * @dev_del: unregister @vdev (created by @dev_add); called with the
 *	management lock held
 * @dev_set_attr: optional; change provisioning of an existing device,
 *	with @config checked as for @dev_add; called with the management lock
 *	held
 */
struct vdpa_mgmtdev_ops {
	int (*dev_add)(struct vdpa_mgmt_dev *mdev, const char *name,
		       const struct vdpa_dev_set_config *config,
		       struct netlink_ext_ack *extack);
	void (*dev_del)(struct vdpa_mgmt_dev *mdev, struct vdpa_device *vdev);
	int (*dev_set_attr)(struct vdpa_mgmt_dev *mdev, struct vdpa_device *vdev,
			    const struct vdpa_dev_set_config *config,
			    struct netlink_ext_ack *extack);
};

/**
 * struct vdpa_mgmt_dev - a parent's management handle
 * @device: the device that names the handle: userspace addresses it as
 *	"[bus name/]device name"
 * @ops: create/delete operations
 * @id_table: virtio device ids (classes) the parent can create, ending with
 *	a zero entry
 * @config_attr_mask: BIT_ULL(VDPA_ATTR_*) of provisioning attributes the
 *	parent accepts in @ops->dev_add and @ops->dev_set_attr
 * @supported_features: virtio features the parent can offer
 * @required_features: virtio features a device of this parent cannot do
 *	without (e.g. VERSION_1, ACCESS_PLATFORM): a request that provisions
 *	features must include them all
 * @max_supported_vqs: most virtqueues one device can have
 * @list: entry in the core's list of management devices (core private)
 * @devices: devices created through this handle (core private)
 */
struct vdpa_mgmt_dev {
	struct device *device;
	const struct vdpa_mgmtdev_ops *ops;
	const struct virtio_device_id *id_table;
	u64 config_attr_mask;
	u64 supported_features;
	u64 required_features;
	u32 max_supported_vqs;
	struct list_head list;
	struct list_head devices;
};

int vdpa_mgmtdev_register(struct vdpa_mgmt_dev *mdev);
void vdpa_mgmtdev_unregister(struct vdpa_mgmt_dev *mdev);

#endif /* _LINUX_VDPA_H */
