// SPDX-License-Identifier: GPL-2.0
/*
 * The management device of a vp_vdpa_lib function, "pci/<BDF>": which
 * provisioning attributes it takes and how far the function honours them,
 * and the creation and deletion of the one device it backs, with the
 * doorbells of its queues mapped.
 *
 * A virtio-net device provisioned with fewer queue pairs than the
 * function has shows its control queue right after the last pair, where
 * the function has a data queue: here the function's own control queue is
 * found and its doorbell mapped; once the driver negotiates multiqueue,
 * vp_vdpa_hw_qid() sends the queue there.
 */

#include <linux/etherdevice.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_pci.h>
#include <uapi/linux/vdpa.h>
#include <linux/vp_vdpa_lib.h>

#include "vp_vdpa_priv.h"

/* ---- provisioning ------------------------------------------------------ */

/* The attributes "vdpa dev add" may set, as vp_vdpa_provision() honours. */
u64 vp_vdpa_attr_mask(struct vp_vdpa_hw *hw)
{
	u64 mask = BIT_ULL(VDPA_ATTR_DEV_FEATURES);
	u64 f = hw->device_features;

	if (hw->mdev.id.device != VIRTIO_ID_NET)
		return mask;
	if (f & BIT_ULL(VIRTIO_NET_F_MAC))
		mask |= BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR);
	if (f & BIT_ULL(VIRTIO_NET_F_MTU))
		mask |= BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU);
	if (f & BIT_ULL(VIRTIO_NET_F_MQ))
		mask |= BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP);
	return mask;
}

/* What userspace asked for, once checked against the function. */
struct vp_vdpa_prov {
	u64 features;
	u32 nvqs;
	u16 max_vqp;
	u16 mtu;
	u16 cvq;
	u16 hw_cvq;
};

static int vp_vdpa_hw_cfg_u16(struct vp_vdpa_hw *hw, unsigned int offset,
			      u16 *val)
{
	u8 raw[2];
	int err = vp_vdpa_hw_cfg_get(hw, offset, raw, sizeof(raw));

	*val = get_unaligned_le16(raw);
	return err;
}

/*
 * virtio-net config space is read-only to a modern driver, so a value
 * is honoured only if the function already has it (MAC), or if showing a
 * smaller one is enough (MTU, queue pairs): the function still accepts
 * more, the driver just never uses it.
 */
static int vp_vdpa_net_provision(struct vp_vdpa_hw *hw,
				 const struct vdpa_dev_set_config *config,
				 struct vp_vdpa_prov *p,
				 struct netlink_ext_ack *extack)
{
	u8 mac[ETH_ALEN];
	u16 val;

	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR)) {
		if (!(p->features & BIT_ULL(VIRTIO_NET_F_MAC)) ||
		    vp_vdpa_hw_cfg_get(hw, offsetof(struct virtio_net_config,
						    mac), mac, ETH_ALEN)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "the device offers no MAC address");
			return -EOPNOTSUPP;
		}
		if (!ether_addr_equal(mac, config->net.mac)) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "the PCI function's MAC address is fixed to %pM",
					       mac);
			return -EOPNOTSUPP;
		}
	}

	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU)) {
		if (!(p->features & BIT_ULL(VIRTIO_NET_F_MTU)) ||
		    vp_vdpa_hw_cfg_u16(hw, offsetof(struct virtio_net_config,
						    mtu), &val)) {
			NL_SET_ERR_MSG_MOD(extack, "the device offers no MTU");
			return -EOPNOTSUPP;
		}
		if (config->net.mtu > val) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "MTU above the PCI function's %u",
					       val);
			return -ERANGE;
		}
		p->mtu = config->net.mtu;
	}

	if (!(config->mask & BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP)))
		return 0;
	if (!(p->features & BIT_ULL(VIRTIO_NET_F_MQ)) ||
	    vp_vdpa_hw_cfg_u16(hw, offsetof(struct virtio_net_config,
					    max_virtqueue_pairs), &val)) {
		if (config->net.max_vq_pairs == 1)
			return 0;
		NL_SET_ERR_MSG_MOD(extack,
				   "the device offers one queue pair (no VIRTIO_NET_F_MQ)");
		return -EOPNOTSUPP;
	}
	if (config->net.max_vq_pairs > val || 2 * (u32)val > hw->num_queues) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "max_vqp above the PCI function's %u",
				       min_t(u32, val, hw->num_queues / 2));
		return -ERANGE;
	}
	if (config->net.max_vq_pairs == val)
		return 0;
	p->max_vqp = config->net.max_vq_pairs;
	p->nvqs = 2 * p->max_vqp;
	/* the control queue follows the queue pairs the driver is shown */
	if (p->features & BIT_ULL(VIRTIO_NET_F_CTRL_VQ)) {
		if (2 * (u32)val >= hw->num_queues) {
			NL_SET_ERR_MSG_MOD(extack,
					   "the PCI function has no control queue");
			return -EIO;
		}
		p->cvq = p->nvqs++;
		p->hw_cvq = 2 * val;
	}
	return 0;
}

static int vp_vdpa_provision(struct vp_vdpa_hw *hw,
			     const struct vdpa_dev_set_config *config,
			     struct vp_vdpa_prov *p,
			     struct netlink_ext_ack *extack)
{
	p->features = hw->device_features;
	p->nvqs = hw->num_queues;
	p->cvq = U16_MAX;
	/* offered by the function, with VERSION_1 and ACCESS_PLATFORM kept:
	 * the core checked (supported_features, required_features)
	 */
	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_FEATURES))
		p->features = config->device_features;
	if (hw->mdev.id.device == VIRTIO_ID_NET)
		return vp_vdpa_net_provision(hw, config, p, extack);
	return 0;
}

/* ---- creation and deletion --------------------------------------------- */

static void vp_vdpa_unmap_notify(struct vp_vdpa *vp)
{
	struct vp_vdpa_hw *hw = vp->hw;
	u32 i;

	/* with the notify area mapped whole, the addresses point into it */
	if (hw->mdev.notify_base)
		return;
	for (i = 0; i < vp->vdpa.nvqs; i++)
		if (vp->vqs[i].notify)
			pci_iounmap(vp_pdev(hw), vp->vqs[i].notify);
	if (vp->moved_notify)
		pci_iounmap(vp_pdev(hw), vp->moved_notify);
}

static int vp_vdpa_map_notify(struct vp_vdpa *vp, const struct vp_vdpa_prov *p)
{
	struct virtio_pci_modern_device *mdev = &vp->hw->mdev;
	u32 i;

	for (i = 0; i < vp->vdpa.nvqs; i++) {
		struct vp_vdpa_vq *vq = &vp->vqs[i];

		vq->notify = vp_modern_map_vq_notify(mdev, i, &vq->notify_pa);
		if (!vq->notify)
			return -EIO;
	}
	if (p->cvq != U16_MAX) {
		vp->moved_notify = vp_modern_map_vq_notify(mdev, p->hw_cvq,
							   NULL);
		if (!vp->moved_notify)
			return -EIO;
	}
	return 0;
}

/**
 * vp_vdpa_lib_dev_add - &vdpa_mgmtdev_ops.dev_add for a library function
 * @mgmt: &vp_vdpa_hw.mgmt of the function
 * @name: the new device's name
 * @config: provisioning from userspace
 * @extack: where to explain a refusal
 *
 * A function backs one device at a time. Provisioning is accepted only as
 * far as the function honours it: a subset of its features (keeping
 * VERSION_1 and ACCESS_PLATFORM), and for virtio-net its own MAC, an MTU
 * up to its own and up to its number of queue pairs.
 *
 * Context: the core's management lock held.
 * Return: 0 or -errno, with a message in @extack.
 */
int vp_vdpa_lib_dev_add(struct vdpa_mgmt_dev *mgmt, const char *name,
			const struct vdpa_dev_set_config *config,
			struct netlink_ext_ack *extack)
{
	struct vp_vdpa_hw *hw = container_of(mgmt, struct vp_vdpa_hw, mgmt);
	struct vp_vdpa_prov prov = {};
	struct vdpa_device *vdpa;
	struct vp_vdpa *vp;
	int err;
	u32 i;

	BUILD_BUG_ON(offsetof(struct vp_vdpa, vdpa));
	if (hw->vp) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the PCI function already backs a vDPA device");
		return -EEXIST;
	}
	if (hw->dev_size && hw->dev_size < sizeof(*vp))
		return -EINVAL;
	err = vp_vdpa_provision(hw, config, &prov, extack);
	if (err)
		return err;

	vdpa = __vdpa_alloc_device(&vp_pdev(hw)->dev, hw->ops, 1, 1,
				   hw->dev_size ?: sizeof(*vp), name, false);
	if (IS_ERR(vdpa))
		return PTR_ERR(vdpa);
	vp = vdpa_to_vp(vdpa);
	vp->hw = hw;
	vp->device_features = prov.features;
	vp->max_vqp = prov.max_vqp;
	vp->mtu = prov.mtu;
	vp->cvq = prov.cvq;
	vp->hw_cvq = prov.hw_cvq;
	spin_lock_init(&vp->config_lock);
	vdpa->dma_dev = &vp_pdev(hw)->dev;
	vdpa->mdev = mgmt;
	/* unmapping on error walks the queues before registration counts them */
	vdpa->nvqs = prov.nvqs;

	vp->vqs = kcalloc(prov.nvqs, sizeof(*vp->vqs), GFP_KERNEL);
	if (!vp->vqs) {
		err = -ENOMEM;
		goto err_put;
	}
	for (i = 0; i < prov.nvqs; i++) {
		spin_lock_init(&vp->vqs[i].cb_lock);
		vp->vqs[i].irq = -ENOENT;
		vp->vqs[i].vector = VIRTIO_MSI_NO_VECTOR;
	}
	err = vp_vdpa_map_notify(vp, &prov);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot map the queue doorbells");
		goto err_unmap;
	}

	hw->vp = vp;
	err = vdpa_register_device(vdpa, prov.nvqs);
	if (err) {
		hw->vp = NULL;
		goto err_unmap;
	}
	return 0;

err_unmap:
	vp_vdpa_unmap_notify(vp);
err_put:
	vp->hw = NULL;
	put_device(&vdpa->dev);
	return err;
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_dev_add);

/**
 * vp_vdpa_lib_dev_del - &vdpa_mgmtdev_ops.dev_del for a library function
 * @mgmt: &vp_vdpa_hw.mgmt of the function
 * @vdpa: the device vp_vdpa_lib_dev_add() created
 *
 * Unbinds the bus driver, resets the function even if no driver did, and
 * lets go of the function. Bus drivers drop their references on unbind
 * (vhost-vdpa too: an open file then only gets -ENODEV), but the structure
 * may still live on a moment (a netlink reader); nothing reaches the
 * function through it any more.
 *
 * Context: the core's management lock held.
 */
void vp_vdpa_lib_dev_del(struct vdpa_mgmt_dev *mgmt, struct vdpa_device *vdpa)
{
	struct vp_vdpa_hw *hw = container_of(mgmt, struct vp_vdpa_hw, mgmt);
	struct vp_vdpa *vp = vdpa_to_vp(vdpa);

	get_device(&vdpa->dev);
	vdpa_unregister_device(vdpa);
	vdpa->ops->reset(vdpa);
	vp_vdpa_unmap_notify(vp);
	vp->hw = NULL;
	hw->vp = NULL;
	put_device(&vdpa->dev);
}
EXPORT_SYMBOL_GPL(vp_vdpa_lib_dev_del);

const struct vdpa_mgmtdev_ops vp_vdpa_lib_mgmt_ops = {
	.dev_add = vp_vdpa_lib_dev_add,
	.dev_del = vp_vdpa_lib_dev_del,
};
