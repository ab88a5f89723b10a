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

/* Most addresses a MAC filter table holds; more means "receive them all". */
#define VDPA_NET_MAC_TABLE_MAX	64

/**
 * struct vdpa_net_rx_filter - which frames a virtio-net device delivers
 * @promisc: every frame (VIRTIO_NET_CTRL_RX_PROMISC)
 * @allmulti: every multicast frame
 * @alluni: every unicast frame
 * @nomulti: no multicast frame
 * @nouni: no unicast frame
 * @nobcast: no broadcast frame
 * @uc_overflow: the driver's unicast table had more than
 *	%VDPA_NET_MAC_TABLE_MAX entries: treat as @alluni
 * @mc_overflow: the same for the multicast table: treat as @allmulti
 * @uc_count: entries in @uc
 * @mc_count: entries in @mc
 * @uc: unicast addresses delivered besides the station address
 * @mc: multicast addresses delivered
 *
 * Precedence, as a virtio-net device applies it: @promisc passes all;
 * then broadcast passes unless @nobcast; multicast passes unless @nomulti
 * if @allmulti, @mc_overflow or listed in @mc; unicast passes unless @nouni
 * if @alluni, @uc_overflow, the station address or listed in @uc.
 */
struct vdpa_net_rx_filter {
	bool promisc;
	bool allmulti;
	bool alluni;
	bool nomulti;
	bool nouni;
	bool nobcast;
	bool uc_overflow;
	bool mc_overflow;
	u16 uc_count;
	u16 mc_count;
	u8 uc[VDPA_NET_MAC_TABLE_MAX][ETH_ALEN];
	u8 mc[VDPA_NET_MAC_TABLE_MAX][ETH_ALEN];
};

/**
 * struct vdpa_net_ctrl_ops - what a virtio-net control command asks of a
 *	parent, once the core decoded and checked it
 *
 * The core decodes the control queue (see <linux/vdpa_net_ctrl.h>): every
 * command arrives here well formed, within its negotiated feature and its
 * ranges; a parent only applies it. Each operation returns 0 or -errno; an
 * error is answered VIRTIO_NET_ERR and leaves the core's view unchanged.
 * Called in process context; serialising with the datapath is the
 * parent's. An operation left NULL makes its command (and the feature
 * that carries it, see vdpa_net_ctrl_features()) unavailable.
 *
 * @set_mac: the station address (VIRTIO_NET_CTRL_MAC_ADDR_SET), a valid
 *	unicast address; the parent updates &virtio_net_config.mac with it
 * @set_rx_filter: the whole receive filter after a change of an RX mode or
 *	of the MAC tables; the parent copies what it needs. Also called once
 *	when the driver starts the device with VIRTIO_NET_F_CTRL_RX, with the
 *	initial filter (promiscuous: a driver that never configures the
 *	filter still receives, as it would without the feature)
 * @set_vlan: add (@add true) or remove VLAN id @vid (below 4096) from the
 *	VLAN filter; with VIRTIO_NET_F_CTRL_VLAN the filter starts empty and
 *	tagged frames of ids not in it are dropped unless promiscuous
 * @set_queue_pairs: use @pairs (1 to max_virtqueue_pairs) RX/TX pairs
 * @announce_ack: the driver announced itself; clear VIRTIO_NET_S_ANNOUNCE
 */
struct vdpa_net_ctrl_ops {
	int (*set_mac)(struct vdpa_device *vdev, const u8 *mac);
	int (*set_rx_filter)(struct vdpa_device *vdev,
			     const struct vdpa_net_rx_filter *filter);
	int (*set_vlan)(struct vdpa_device *vdev, u16 vid, bool add);
	int (*set_queue_pairs)(struct vdpa_device *vdev, u16 pairs);
	int (*announce_ack)(struct vdpa_device *vdev);
};

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

/* The control queue the core presents for a parent without one (ctrlq.c). */
int vdpa_net_add_ctrlq(struct vdpa_device *vdev,
		       const struct vdpa_net_ctrl_ops *net_ops,
		       u16 max_vq_pairs);

#endif /* _LINUX_VDPA_NET_CTRL_H */
