// SPDX-License-Identifier: GPL-2.0
/*
 * The vDPA side of VDUSE: the management device "vduse", which attaches a
 * VDUSE device to the vdpa bus under its own name, and the operations of
 * the attached device.
 *
 * Whatever a bus driver sets up is kept here for the daemon to read
 * (VDUSE_VQ_GET_INFO, VDUSE_DEV_GET_FEATURES); status changes and queue
 * positions are asked of the daemon. DMA goes through the device's IOVA
 * domain (dma.c): an in-kernel driver's buffers are bounced into pages the
 * daemon maps, so the daemon never reaches kernel memory of its own choice.
 */

#include <linux/dma-map-ops.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <uapi/linux/vdpa.h>

#include "vduse.h"

static struct vduse_dev *vdpa_to_vduse(struct vdpa_device *vdpa)
{
	return container_of(vdpa, struct vduse_vdpa, vdpa)->dev;
}

static struct vduse_vq *vduse_vq_of(struct vdpa_device *vdpa, u16 idx)
{
	struct vduse_dev *dev = vdpa_to_vduse(vdpa);

	if (idx >= dev->nvqs)
		return NULL;
	return &dev->vqs[array_index_nospec(idx, dev->nvqs)];
}

/**
 * vduse_dma_domain - the domain behind the DMA API of an attached device
 * @dma_dev: the vDPA device's struct device, on which our DMA ops are set
 *
 * Return: the domain (set before the device is registered, kept until the
 * VDUSE device is released).
 */
struct vduse_domain *vduse_dma_domain(struct device *dma_dev)
{
	return vdpa_to_vduse(dev_to_vdpa(dma_dev))->domain;
}

static int vduse_vdpa_set_vq_address(struct vdpa_device *vdpa, u16 idx,
				     u64 desc_area, u64 driver_area,
				     u64 device_area)
{
	struct vduse_vq *vq = vduse_vq_of(vdpa, idx);

	if (!vq)
		return -EINVAL;
	vq->desc_addr = desc_area;
	vq->driver_addr = driver_area;
	vq->device_addr = device_area;
	return 0;
}

static void vduse_vdpa_set_vq_num(struct vdpa_device *vdpa, u16 idx, u32 num)
{
	struct vduse_vq *vq = vduse_vq_of(vdpa, idx);

	if (vq)
		vq->num = num;
}

static void vduse_vdpa_kick_vq(struct vdpa_device *vdpa, u16 idx)
{
	struct vduse_vq *vq = vduse_vq_of(vdpa, idx);

	if (vq)
		vduse_vq_kick(vq);
}

static void vduse_vdpa_set_vq_cb(struct vdpa_device *vdpa, u16 idx,
				 const struct vdpa_callback *cb)
{
	struct vduse_vq *vq = vduse_vq_of(vdpa, idx);

	if (vq)
		vduse_vq_set_cb(vq, cb);
}

static void vduse_vdpa_set_vq_ready(struct vdpa_device *vdpa, u16 idx,
				    bool ready)
{
	struct vduse_vq *vq = vduse_vq_of(vdpa, idx);

	if (vq)
		vduse_vq_set_ready(vq, ready);
}

static bool vduse_vdpa_get_vq_ready(struct vdpa_device *vdpa, u16 idx)
{
	struct vduse_vq *vq = vduse_vq_of(vdpa, idx);

	return vq && READ_ONCE(vq->ready);
}

static int vduse_vdpa_set_vq_state(struct vdpa_device *vdpa, u16 idx,
				   const struct vdpa_vq_state *state)
{
	struct vduse_vq *vq = vduse_vq_of(vdpa, idx);

	if (!vq)
		return -EINVAL;
	vq->state = *state;
	return 0;
}

static int vduse_vdpa_get_vq_state(struct vdpa_device *vdpa, u16 idx,
				   struct vdpa_vq_state *state)
{
	struct vduse_dev *dev = vdpa_to_vduse(vdpa);

	if (idx >= dev->nvqs)
		return -EINVAL;
	return vduse_msg_get_vq_state(dev, idx, state);
}

static u16 vduse_vdpa_get_vq_size(struct vdpa_device *vdpa, u16 idx)
{
	struct vduse_vq *vq = vduse_vq_of(vdpa, idx);

	return vq ? READ_ONCE(vq->max_size) : 0;
}

static u32 vduse_vdpa_get_vq_align(struct vdpa_device *vdpa)
{
	return vdpa_to_vduse(vdpa)->vq_align;
}

static u16 vduse_vdpa_get_vq_num_max(struct vdpa_device *vdpa)
{
	struct vduse_dev *dev = vdpa_to_vduse(vdpa);
	u16 max = 0;
	u32 i;

	for (i = 0; i < dev->nvqs; i++)
		max = max(max, READ_ONCE(dev->vqs[i].max_size));
	return max;
}

static u64 vduse_vdpa_get_device_features(struct vdpa_device *vdpa)
{
	return vdpa_to_vduse(vdpa)->device_features;
}

/* Any set is taken: the daemon judges it when FEATURES_OK is asked. */
static int vduse_vdpa_set_driver_features(struct vdpa_device *vdpa,
					  u64 features)
{
	WRITE_ONCE(vdpa_to_vduse(vdpa)->driver_features, features);
	return 0;
}

static u64 vduse_vdpa_get_driver_features(struct vdpa_device *vdpa)
{
	return READ_ONCE(vdpa_to_vduse(vdpa)->driver_features);
}

static void vduse_vdpa_set_config_cb(struct vdpa_device *vdpa,
				     const struct vdpa_callback *cb)
{
	vduse_set_config_cb(vdpa_to_vduse(vdpa), cb);
}

static u32 vduse_vdpa_get_device_id(struct vdpa_device *vdpa)
{
	return vdpa_to_vduse(vdpa)->device_id;
}

static u32 vduse_vdpa_get_vendor_id(struct vdpa_device *vdpa)
{
	return vdpa_to_vduse(vdpa)->vendor_id;
}

static u8 vduse_vdpa_get_status(struct vdpa_device *vdpa)
{
	return READ_ONCE(vdpa_to_vduse(vdpa)->status);
}

/* A status the daemon refuses is not taken: FEATURES_OK then fails. */
static void vduse_vdpa_set_status(struct vdpa_device *vdpa, u8 status)
{
	struct vduse_dev *dev = vdpa_to_vduse(vdpa);
	u8 old = READ_ONCE(dev->status);

	if (vduse_msg_set_status(dev, status))
		return;
	WRITE_ONCE(dev->status, status);
	if ((status & ~old) & VIRTIO_CONFIG_S_DRIVER_OK)
		vduse_track_start(dev);
}

/*
 * The daemon is told first, so it stops using the rings; the kernel side
 * is reset whatever it answers, since the driver may be going away.
 */
static int vduse_vdpa_reset(struct vdpa_device *vdpa)
{
	struct vduse_dev *dev = vdpa_to_vduse(vdpa);
	int err = vduse_msg_set_status(dev, 0);

	WRITE_ONCE(dev->status, 0);
	WRITE_ONCE(dev->driver_features, 0);
	vduse_config_reset(dev);
	vduse_vqs_reset(dev);
	spin_lock(&dev->config_lock);
	dev->generation++;
	spin_unlock(&dev->config_lock);
	if (dev->domain)
		vduse_domain_reset_bounce(dev->domain);
	/* Our contract: no map survives a reset; vhost-vdpa sets it again. */
	vduse_umap_clear(dev);
	return err;
}

/*
 * vhost-vdpa's whole map, by user address: the daemon is told to forget
 * its mappings and look them up again. It is told after the lock is
 * dropped, since answering means looking up (VDUSE_IOTLB_GET_FD).
 */
static int vduse_vdpa_set_map(struct vdpa_device *vdpa, unsigned int asid,
			      struct vdpa_iotlb *iotlb)
{
	struct vduse_dev *dev = vdpa_to_vduse(vdpa);
	int err;

	if (asid)
		return -EINVAL;
	err = vduse_umap_set(dev, iotlb);
	if (!err)
		err = vduse_msg_update_iotlb(dev, 0, U64_MAX);
	if (err)
		vduse_umap_clear(dev);
	return err;
}

static size_t vduse_vdpa_get_config_size(struct vdpa_device *vdpa)
{
	return vdpa_to_vduse(vdpa)->config_size;
}

static u32 vduse_vdpa_get_generation(struct vdpa_device *vdpa)
{
	struct vduse_dev *dev = vdpa_to_vduse(vdpa);
	u32 gen;

	spin_lock(&dev->config_lock);
	gen = dev->generation;
	spin_unlock(&dev->config_lock);
	return gen;
}

/* The core checked the range against the config size. */
static void vduse_vdpa_get_config(struct vdpa_device *vdpa,
				  unsigned int offset, void *buf,
				  unsigned int len)
{
	struct vduse_dev *dev = vdpa_to_vduse(vdpa);

	spin_lock(&dev->config_lock);
	memcpy(buf, dev->config + offset, len);
	spin_unlock(&dev->config_lock);
}

/* The config space is the daemon's: a driver's write is dropped. */
static void vduse_vdpa_set_config(struct vdpa_device *vdpa,
				  unsigned int offset, const void *buf,
				  unsigned int len)
{
}

static void vduse_vdpa_free(struct vdpa_device *vdpa)
{
	struct vduse_dev *dev = vdpa_to_vduse(vdpa);

	vduse_umap_clear(dev);
	mutex_lock(&dev->lock);
	dev->vdpa = NULL;
	mutex_unlock(&dev->lock);
	put_device(&dev->dev);
}

static const struct vdpa_config_ops vduse_vdpa_ops = {
	.set_vq_address		= vduse_vdpa_set_vq_address,
	.set_vq_num		= vduse_vdpa_set_vq_num,
	.kick_vq		= vduse_vdpa_kick_vq,
	.set_vq_cb		= vduse_vdpa_set_vq_cb,
	.set_vq_ready		= vduse_vdpa_set_vq_ready,
	.get_vq_ready		= vduse_vdpa_get_vq_ready,
	.set_vq_state		= vduse_vdpa_set_vq_state,
	.get_vq_state		= vduse_vdpa_get_vq_state,
	.get_vq_size		= vduse_vdpa_get_vq_size,
	.get_vq_align		= vduse_vdpa_get_vq_align,
	.get_vq_num_max		= vduse_vdpa_get_vq_num_max,
	.get_device_features	= vduse_vdpa_get_device_features,
	.set_driver_features	= vduse_vdpa_set_driver_features,
	.get_driver_features	= vduse_vdpa_get_driver_features,
	.set_config_cb		= vduse_vdpa_set_config_cb,
	.get_device_id		= vduse_vdpa_get_device_id,
	.get_vendor_id		= vduse_vdpa_get_vendor_id,
	.get_status		= vduse_vdpa_get_status,
	.set_status		= vduse_vdpa_set_status,
	.reset			= vduse_vdpa_reset,
	.get_config_size	= vduse_vdpa_get_config_size,
	.get_generation		= vduse_vdpa_get_generation,
	.get_config		= vduse_vdpa_get_config,
	.set_config		= vduse_vdpa_set_config,
	.set_map		= vduse_vdpa_set_map,
	.free			= vduse_vdpa_free,
};

/* Under @dev->lock: make the vDPA device, not yet registered. */
static struct vduse_vdpa *vduse_attach_locked(struct vduse_dev *dev,
					      struct vdpa_mgmt_dev *mdev,
					      const char *name,
					      struct netlink_ext_ack *extack)
{
	struct vduse_domain *domain;
	struct vduse_vdpa *v;
	u32 i;

	if (dev->dead) {
		NL_SET_ERR_MSG_MOD(extack, "no VDUSE device of that name");
		return ERR_PTR(-EINVAL);
	}
	if (dev->vdpa) {
		NL_SET_ERR_MSG_MOD(extack, "the VDUSE device is attached already");
		return ERR_PTR(-EEXIST);
	}
	if (!dev->nvqs) {
		NL_SET_ERR_MSG_MOD(extack, "the VDUSE device has no virtqueue");
		return ERR_PTR(-EINVAL);
	}
	for (i = 0; i < dev->nvqs; i++) {
		if (!READ_ONCE(dev->vqs[i].max_size)) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "virtqueue %u was not set up (VDUSE_VQ_SETUP)",
					       i);
			return ERR_PTR(-EINVAL);
		}
	}
	if (!dev->domain) {
		domain = vduse_domain_create(dev->bounce_size);
		if (IS_ERR(domain)) {
			NL_SET_ERR_MSG_MOD(extack, "no memory for the IOVA domain");
			return ERR_CAST(domain);
		}
		dev->domain = domain;
	}

	v = vdpa_alloc_device(struct vduse_vdpa, vdpa, &dev->dev,
			      &vduse_vdpa_ops, 1, 1, name, true);
	if (IS_ERR(v))
		return v;
	/* Until free(): the device outlives its removal from the bus. */
	get_device(&dev->dev);
	v->dev = dev;
	v->vdpa.mdev = mdev;
	dev->vdpa = v;

	/* The domain takes any address: no mask to negotiate. */
	v->vdpa.dev.coherent_dma_mask = DMA_BIT_MASK(64);
	v->vdpa.dev.dma_mask = &v->vdpa.dev.coherent_dma_mask;
	set_dma_ops(&v->vdpa.dev, &vduse_dma_ops);
	return v;
}

static int vduse_dev_add(struct vdpa_mgmt_dev *mdev, const char *name,
			 const struct vdpa_dev_set_config *config,
			 struct netlink_ext_ack *extack)
{
	struct vduse_vdpa *v;
	struct vduse_dev *dev;
	int err;

	dev = vduse_find_get(name);
	if (!dev) {
		NL_SET_ERR_MSG_MOD(extack, "no VDUSE device of that name");
		return -EINVAL;
	}
	mutex_lock(&dev->lock);
	v = vduse_attach_locked(dev, mdev, name, extack);
	mutex_unlock(&dev->lock);
	err = PTR_ERR_OR_ZERO(v);
	if (!err) {
		/* Sends requests: the daemon must be able to open and answer. */
		err = vdpa_register_device(&v->vdpa, dev->nvqs);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack, "registering the vDPA device failed");
			put_device(&v->vdpa.dev);
		}
	}
	put_device(&dev->dev);
	return err;
}

static void vduse_dev_del(struct vdpa_mgmt_dev *mdev, struct vdpa_device *vdpa)
{
	vdpa_unregister_device(vdpa);
}

static const struct virtio_device_id vduse_id_table[] = {
	{ VIRTIO_ID_BLOCK, VIRTIO_DEV_ANY_ID },
	{ VIRTIO_ID_NET, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static const struct vdpa_mgmtdev_ops vduse_mgmt_ops = {
	.dev_add	= vduse_dev_add,
	.dev_del	= vduse_dev_del,
};

static struct vdpa_mgmt_dev vduse_mgmt = {
	.ops		= &vduse_mgmt_ops,
	.id_table	= vduse_id_table,
};

/**
 * vduse_mgmtdev_init - publish the management device "vduse"
 *
 * Return: 0 or -errno.
 */
int vduse_mgmtdev_init(void)
{
	struct device *root;
	int err;

	root = root_device_register("vduse");
	if (IS_ERR(root))
		return PTR_ERR(root);
	vduse_mgmt.device = root;
	err = vdpa_mgmtdev_register(&vduse_mgmt);
	if (err)
		root_device_unregister(root);
	return err;
}

/**
 * vduse_mgmtdev_exit - withdraw it, detaching every attached device
 */
void vduse_mgmtdev_exit(void)
{
	vdpa_mgmtdev_unregister(&vduse_mgmt);
	root_device_unregister(vduse_mgmt.device);
}
