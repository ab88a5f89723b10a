/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-net control queue, decoded once for every parent.
 *
 * A control command is a chain: a class and a command byte, the command's
 * data (device-readable), then one device-writable byte for the answer
 * (VIRTIO_NET_OK or VIRTIO_NET_ERR). The driver is not trusted: a command
 * outside the features the driver negotiated, of the wrong length, or with
 * a value out of range is answered VIRTIO_NET_ERR and never reaches the
 * parent; what does reach it goes through struct vdpa_net_ctrl_ops.
 *
 * The caller owns the ring (whoever walks the control queue: the core's
 * software control queue, or a parent that runs its own in software) and
 * calls vdpa_net_ctrl_handle() for each chain it takes, with the same
 * serialisation as for the ring.
 */
#ifndef _LINUX_VDPA_NET_CTRL_H
#define _LINUX_VDPA_NET_CTRL_H

#include <linux/vdpa.h>

struct vdpa_devring;
struct vdpa_devring_chain;

/**
 * struct vdpa_net_ctrl - the control state of one running device
 * @vdev: the device, passed to @ops
 * @ops: the parent's operations
 * @features: the features the driver negotiated
 * @max_vq_pairs: the device's max_virtqueue_pairs
 * @filter: the receive filter as the commands left it
 * @staged: scratch for a MAC table being decoded, so a bad one changes
 *	nothing
 */
struct vdpa_net_ctrl {
	struct vdpa_device *vdev;
	const struct vdpa_net_ctrl_ops *ops;
	u64 features;
	u16 max_vq_pairs;
	struct vdpa_net_rx_filter filter;
	struct vdpa_net_rx_filter staged;
};

u64 vdpa_net_ctrl_features(const struct vdpa_net_ctrl_ops *ops);
int vdpa_net_ctrl_start(struct vdpa_net_ctrl *ctl, struct vdpa_device *vdev,
			const struct vdpa_net_ctrl_ops *ops, u64 features,
			u16 max_vq_pairs);
int vdpa_net_ctrl_handle(struct vdpa_net_ctrl *ctl, struct vdpa_devring *ring,
			 const struct vdpa_devring_chain *chain);
bool vdpa_net_rx_filter_pass(const struct vdpa_net_rx_filter *filter,
			     const u8 *station, const u8 *dest);

#endif /* _LINUX_VDPA_NET_CTRL_H */
