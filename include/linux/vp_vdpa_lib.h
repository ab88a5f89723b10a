/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio-pci modern function as a vDPA parent: the vdpa_config_ops of a
 * device whose virtqueues, doorbells and interrupts are the function's own,
 * and the management device through which userspace creates it.
 *
 * vp_vdpa_lib API: ready
 *
 * Two objects, because they live for different spans:
 *  - struct vp_vdpa_hw, one per PCI function, from PCI probe to PCI remove:
 *    the mapped capabilities and the management device. A parent embeds it
 *    in its own per-function structure and finds itself with container_of();
 *  - struct vp_vdpa, the vDPA device, from "vdpa dev add" until its last
 *    reference goes: "vdpa dev del", or PCI remove, which deletes it (bus
 *    drivers, vhost-vdpa included, drop their references on unbind, so
 *    userspace holding a vhost-vdpa fd only sees the device gone). It
 *    embeds struct vdpa_device; a parent that wants more per-device state
 *    sets &vp_vdpa_hw.dev_size and places struct vp_vdpa first in a larger
 *    structure.
 *
 * A parent that only needs different operations builds its own
 * struct vdpa_config_ops from vp_vdpa_lib_ops, overriding members, and
 * calls the exported vp_vdpa_lib_*() operations it wraps.
 */
#ifndef _LINUX_VP_VDPA_LIB_H
#define _LINUX_VP_VDPA_LIB_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vdpa.h>
#include <linux/virtio_pci_modern.h>

struct pci_dev;
struct vp_vdpa;

/**
 * struct vp_vdpa_hw - one virtio-pci modern function
 * @mdev: the kernel's modern virtio-pci state. A parent may set
 *	&virtio_pci_modern_device.device_id_check and .dma_mask before
 *	vp_vdpa_lib_probe(); nothing else
 * @mgmt: the management device, "pci/<BDF>"; filled by vp_vdpa_lib_probe(),
 *	which a parent may adjust (@mgmt.config_attr_mask, @mgmt.ops) before
 *	vp_vdpa_lib_register()
 * @id_table: the one class @mgmt creates, and its terminator
 * @ops: operations of created devices; vp_vdpa_lib_probe() sets
 *	&vp_vdpa_lib_ops unless the parent set its own before
 * @dev_size: size of the structure a created device lives in, which starts
 *	with struct vp_vdpa; 0 (the default) means sizeof(struct vp_vdpa)
 * @device_features: features a created device may offer: the function's
 *	own, less the transport features a vDPA device cannot relay. A parent
 *	may clear more between probe and register
 * @num_queues: virtqueues the function has
 * @queue_max: each queue's largest size, as read after reset
 * @queue_size_max: the largest of @queue_max
 * @vp: the created device, or NULL; guarded by the core's management lock
 * @registered: @mgmt is registered
 * @priv: the parent's, untouched by the library
 */
struct vp_vdpa_hw {
	struct virtio_pci_modern_device mdev;
	struct vdpa_mgmt_dev mgmt;
	struct virtio_device_id id_table[2];
	const struct vdpa_config_ops *ops;
	size_t dev_size;
	u64 device_features;
	u16 num_queues;
	u16 *queue_max;
	u16 queue_size_max;
	struct vp_vdpa *vp;
	bool registered;
	void *priv;
};

/**
 * struct vp_vdpa_vq - one virtqueue of a device, indexed as the driver sees it
 * @notify: mapped doorbell of the hardware queue
 * @notify_pa: its physical address
 * @cb_lock: orders @cb updates against the interrupt handlers
 * @cb: the driver's used-buffer callback
 * @irq: Linux irq of the queue's own MSI-X vector while the device runs,
 *	or -ENOENT
 * @vector: MSI-X vector given to the device, or VIRTIO_MSI_NO_VECTOR
 * @desc: descriptor area the driver set
 * @driver: driver area (available ring) the driver set
 * @device: device area (used ring) the driver set
 * @num: size the driver set, 0 if none
 * @ready: the driver enabled the queue (the device learns it at DRIVER_OK)
 * @ran: the queue was handed to the device since its position was last
 *	known (creation, or a set_vq_state); a reset does not clear it
 *
 * Addresses and size reach the device only when the queue is enabled
 * there: until the driver's features are set, the hardware queue behind a
 * driver queue is not known (vp_vdpa_hw_qid()).
 */
struct vp_vdpa_vq {
	void __iomem *notify;
	resource_size_t notify_pa;
	spinlock_t cb_lock; /* see kernel-doc */
	struct vdpa_callback cb;
	int irq;
	u16 vector;
	u64 desc;
	u64 driver;
	u64 device;
	u16 num;
	bool ready;
	bool ran;
};

/**
 * enum vp_vdpa_irq_mode - how a running device signals
 * @VP_VDPA_IRQ_NONE: not running, no vectors allocated
 * @VP_VDPA_IRQ_PER_VQ: one MSI-X vector per queue, one for config changes
 * @VP_VDPA_IRQ_SHARED_VQS: two MSI-X vectors: config changes, all queues
 * @VP_VDPA_IRQ_SINGLE: one MSI-X vector or the INTx line for everything;
 *	the ISR register says whether config changed
 */
enum vp_vdpa_irq_mode {
	VP_VDPA_IRQ_NONE,
	VP_VDPA_IRQ_PER_VQ,
	VP_VDPA_IRQ_SHARED_VQS,
	VP_VDPA_IRQ_SINGLE,
};

/**
 * struct vp_vdpa - a vDPA device backed by a virtio-pci modern function
 * @vdpa: the vDPA device; first, as vdpa_alloc_device() requires
 * @hw: the function; NULL once the device was deleted (the structure may
 *	outlive the function, but no operation is called after deletion)
 * @vqs: the device's @vdpa.nvqs virtqueues
 * @device_features: features this device offers (a subset of the
 *	function's when provisioned)
 * @driver_features: features the driver accepted
 * @config_lock: orders @config_cb updates against the interrupt handlers
 * @config_cb: the driver's config-change callback
 * @irq_mode: how the device signals while it runs
 * @failed: starting the device failed, or a queue was disabled while it
 *	ran; it reports NEEDS_RESET until reset
 * @max_vqp: virtio-net: queue pairs shown in config space, 0 when the
 *	function's own value is shown
 * @mtu: virtio-net: MTU shown in config space, 0 for the function's own
 * @cvq: virtio-net: index of the control queue when the driver sees fewer
 *	queue pairs than the function has, or U16_MAX
 * @hw_cvq: the function's control queue index matching @cvq
 * @cvq_moved: the driver negotiated multiqueue, so @cvq stands for @hw_cvq
 * @moved_notify: mapped doorbell of @hw_cvq
 * @priv: the parent's, untouched by the library
 */
struct vp_vdpa {
	struct vdpa_device vdpa;
	struct vp_vdpa_hw *hw;
	struct vp_vdpa_vq *vqs;
	u64 device_features;
	u64 driver_features;
	spinlock_t config_lock; /* see kernel-doc */
	struct vdpa_callback config_cb;
	enum vp_vdpa_irq_mode irq_mode;
	bool failed;
	u16 max_vqp;
	u16 mtu;
	u16 cvq;
	u16 hw_cvq;
	bool cvq_moved;
	void __iomem *moved_notify;
	void *priv;
};

/**
 * vdpa_to_vp - the struct vp_vdpa of a device created by the library
 * @vdpa: the device
 *
 * Return: the containing struct vp_vdpa.
 */
static inline struct vp_vdpa *vdpa_to_vp(struct vdpa_device *vdpa)
{
	return container_of(vdpa, struct vp_vdpa, vdpa);
}

/**
 * vp_vdpa_hw_qid - the function's queue index behind a driver queue index
 * @vp: the device
 * @idx: queue index as the driver sees it
 *
 * They differ only for a virtio-net control queue when the device was
 * provisioned with fewer queue pairs than the function has.
 *
 * Return: the hardware queue index.
 */
static inline u16 vp_vdpa_hw_qid(const struct vp_vdpa *vp, u16 idx)
{
	return vp->cvq_moved && idx == vp->cvq ? vp->hw_cvq : idx;
}

/**
 * struct vp_vdpa_cap - a virtio vendor capability, as vp_vdpa_lib_read_cap()
 *	reads it
 * @type: VIRTIO_PCI_CAP_*
 * @bar: the BAR it points into
 * @offset: where in the BAR
 * @length: how many bytes
 */
struct vp_vdpa_cap {
	u8 type;
	u8 bar;
	u32 offset;
	u32 length;
};

void vp_vdpa_lib_read_cap(struct pci_dev *pdev, u8 pos, struct vp_vdpa_cap *cap);

int vp_vdpa_lib_probe(struct pci_dev *pdev, struct vp_vdpa_hw *hw);
int vp_vdpa_lib_register(struct vp_vdpa_hw *hw);
void vp_vdpa_lib_unregister(struct vp_vdpa_hw *hw);
void vp_vdpa_lib_release(struct vp_vdpa_hw *hw);
void vp_vdpa_lib_remove(struct vp_vdpa_hw *hw);
bool vp_vdpa_lib_msix_overlaps(struct pci_dev *pdev, int bar, u64 offset,
			       u64 len);

int vp_vdpa_lib_dev_add(struct vdpa_mgmt_dev *mgmt, const char *name,
			const struct vdpa_dev_set_config *config,
			struct netlink_ext_ack *extack);
void vp_vdpa_lib_dev_del(struct vdpa_mgmt_dev *mgmt, struct vdpa_device *vdpa);

extern const struct vdpa_config_ops vp_vdpa_lib_ops;

/* Operations a parent may wrap; see struct vdpa_config_ops. */
u8 vp_vdpa_lib_get_status(struct vdpa_device *vdpa);
void vp_vdpa_lib_set_status(struct vdpa_device *vdpa, u8 status);
int vp_vdpa_lib_reset(struct vdpa_device *vdpa);
u64 vp_vdpa_lib_get_device_features(struct vdpa_device *vdpa);
int vp_vdpa_lib_set_driver_features(struct vdpa_device *vdpa, u64 features);
void vp_vdpa_lib_set_vq_ready(struct vdpa_device *vdpa, u16 idx, bool ready);
bool vp_vdpa_lib_get_vq_ready(struct vdpa_device *vdpa, u16 idx);
int vp_vdpa_lib_set_vq_state(struct vdpa_device *vdpa, u16 idx,
			     const struct vdpa_vq_state *state);
int vp_vdpa_lib_get_vq_state(struct vdpa_device *vdpa, u16 idx,
			     struct vdpa_vq_state *state);
void vp_vdpa_lib_get_config(struct vdpa_device *vdpa, unsigned int offset,
			    void *buf, unsigned int len);
void vp_vdpa_lib_set_config(struct vdpa_device *vdpa, unsigned int offset,
			    const void *buf, unsigned int len);

#endif /* _LINUX_VP_VDPA_LIB_H */
