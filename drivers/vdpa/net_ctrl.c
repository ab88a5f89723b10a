// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding and checking of virtio-net control commands: the driver's bytes
 * become calls of struct vdpa_net_ctrl_ops, or VIRTIO_NET_ERR.
 *
 * A command must be exactly as long as its class and command say: data
 * left over, or missing, is an error, as is a value out of its range, a
 * command of a feature the driver did not negotiate, or one the parent does
 * not implement. Only an unreadable or unwritable buffer (the driver's
 * memory is not mapped) is a fault of the ring, returned as -errno.
 */

#include <linux/etherdevice.h>
#include <linux/export.h>
#include <linux/if_vlan.h>
#include <linux/vdpa_devring.h>
#include <linux/vdpa_net_ctrl.h>
#include <uapi/linux/virtio_net.h>

/* Answers below 0 are faults of the ring; these two go to the driver. */
#define ACK_OK	VIRTIO_NET_OK
#define ACK_ERR	VIRTIO_NET_ERR

static bool ctrl_has(const struct vdpa_net_ctrl *ctl, unsigned int bit)
{
	return ctl->features & BIT_ULL(bit);
}

/* 0 once @len bytes are in @buf, ACK_ERR if the command is shorter. */
static int ctrl_pull(struct vdpa_devring_iter *out, void *buf, size_t len)
{
	ssize_t n = vdpa_devring_pull(out, buf, len);

	if (n < 0)
		return n;
	return n == len ? 0 : ACK_ERR;
}

/* The command must end here: trailing data means the driver meant else. */
static int ctrl_end(const struct vdpa_devring_iter *out)
{
	return out->left ? ACK_ERR : 0;
}

static int ctrl_ack(int err)
{
	return err ? ACK_ERR : ACK_OK;
}

static int ctrl_rx_mode(struct vdpa_net_ctrl *ctl, u8 cmd,
			struct vdpa_devring_iter *out)
{
	struct vdpa_net_rx_filter *f = &ctl->filter;
	bool *mode, old;
	u8 on;
	int ret;

	if (!ctl->ops->set_rx_filter)
		return ACK_ERR;
	switch (cmd) {
	case VIRTIO_NET_CTRL_RX_PROMISC:
		mode = &f->promisc;
		break;
	case VIRTIO_NET_CTRL_RX_ALLMULTI:
		mode = &f->allmulti;
		break;
	case VIRTIO_NET_CTRL_RX_ALLUNI:
		mode = &f->alluni;
		break;
	case VIRTIO_NET_CTRL_RX_NOMULTI:
		mode = &f->nomulti;
		break;
	case VIRTIO_NET_CTRL_RX_NOUNI:
		mode = &f->nouni;
		break;
	case VIRTIO_NET_CTRL_RX_NOBCAST:
		mode = &f->nobcast;
		break;
	default:
		return ACK_ERR;
	}
	/* The first two are the base feature's, the others its extension's. */
	if (cmd > VIRTIO_NET_CTRL_RX_ALLMULTI &&
	    !ctrl_has(ctl, VIRTIO_NET_F_CTRL_RX_EXTRA))
		return ACK_ERR;

	ret = ctrl_pull(out, &on, sizeof(on));
	if (!ret)
		ret = ctrl_end(out);
	if (ret)
		return ret;
	if (on > 1)
		return ACK_ERR;

	old = *mode;
	*mode = on;
	ret = ctl->ops->set_rx_filter(ctl->vdev, f);
	if (ret)
		*mode = old;
	return ctrl_ack(ret);
}

/*
 * One half of VIRTIO_NET_CTRL_MAC_TABLE_SET: a le32 count, then that many
 * addresses, all unicast (@multicast false) or all multicast. Beyond what
 * the table holds they are skipped, and the table overflows.
 */
static int ctrl_mac_list(struct vdpa_devring_iter *out, bool multicast,
			 u8 (*table)[ETH_ALEN], u16 *count, bool *overflow)
{
	u8 addr[ETH_ALEN];
	__le32 le_n;
	u64 skip;
	u32 n, i;
	int ret;

	ret = ctrl_pull(out, &le_n, sizeof(le_n));
	if (ret)
		return ret;
	n = le32_to_cpu(le_n);
	if ((u64)n * ETH_ALEN > out->left)
		return ACK_ERR;

	*count = 0;
	*overflow = n > VDPA_NET_MAC_TABLE_MAX;
	for (i = 0; i < min_t(u32, n, VDPA_NET_MAC_TABLE_MAX); i++) {
		ret = ctrl_pull(out, addr, ETH_ALEN);
		if (ret)
			return ret;
		if (is_multicast_ether_addr(addr) != multicast ||
		    is_zero_ether_addr(addr))
			return ACK_ERR;
		ether_addr_copy(table[(*count)++], addr);
	}
	if (n > i) {
		skip = (u64)(n - i) * ETH_ALEN;
		if (vdpa_devring_skip(out, skip) != skip)
			return ACK_ERR;
	}
	return 0;
}

static int ctrl_mac_table(struct vdpa_net_ctrl *ctl,
			  struct vdpa_devring_iter *out)
{
	struct vdpa_net_rx_filter *s = &ctl->staged;
	int ret;

	if (!ctl->ops->set_rx_filter)
		return ACK_ERR;
	*s = ctl->filter;
	ret = ctrl_mac_list(out, false, s->uc, &s->uc_count, &s->uc_overflow);
	if (!ret)
		ret = ctrl_mac_list(out, true, s->mc, &s->mc_count,
				    &s->mc_overflow);
	if (!ret)
		ret = ctrl_end(out);
	if (ret)
		return ret;

	ret = ctl->ops->set_rx_filter(ctl->vdev, s);
	if (!ret)
		ctl->filter = *s;
	return ctrl_ack(ret);
}

static int ctrl_mac(struct vdpa_net_ctrl *ctl, u8 cmd,
		    struct vdpa_devring_iter *out)
{
	u8 mac[ETH_ALEN];
	int ret;

	switch (cmd) {
	case VIRTIO_NET_CTRL_MAC_TABLE_SET:
		if (!ctrl_has(ctl, VIRTIO_NET_F_CTRL_RX))
			return ACK_ERR;
		return ctrl_mac_table(ctl, out);
	case VIRTIO_NET_CTRL_MAC_ADDR_SET:
		if (!ctrl_has(ctl, VIRTIO_NET_F_CTRL_MAC_ADDR) ||
		    !ctl->ops->set_mac)
			return ACK_ERR;
		ret = ctrl_pull(out, mac, sizeof(mac));
		if (!ret)
			ret = ctrl_end(out);
		if (ret)
			return ret;
		if (!is_valid_ether_addr(mac))
			return ACK_ERR;
		return ctrl_ack(ctl->ops->set_mac(ctl->vdev, mac));
	}
	return ACK_ERR;
}

static int ctrl_vlan(struct vdpa_net_ctrl *ctl, u8 cmd,
		     struct vdpa_devring_iter *out)
{
	__le16 le_vid;
	u16 vid;
	int ret;

	if (!ctrl_has(ctl, VIRTIO_NET_F_CTRL_VLAN) || !ctl->ops->set_vlan ||
	    (cmd != VIRTIO_NET_CTRL_VLAN_ADD && cmd != VIRTIO_NET_CTRL_VLAN_DEL))
		return ACK_ERR;
	ret = ctrl_pull(out, &le_vid, sizeof(le_vid));
	if (!ret)
		ret = ctrl_end(out);
	if (ret)
		return ret;
	vid = le16_to_cpu(le_vid);
	if (vid >= VLAN_N_VID)
		return ACK_ERR;
	return ctrl_ack(ctl->ops->set_vlan(ctl->vdev, vid,
					   cmd == VIRTIO_NET_CTRL_VLAN_ADD));
}

static int ctrl_announce(struct vdpa_net_ctrl *ctl, u8 cmd,
			 struct vdpa_devring_iter *out)
{
	int ret;

	if (!ctrl_has(ctl, VIRTIO_NET_F_GUEST_ANNOUNCE) ||
	    !ctl->ops->announce_ack || cmd != VIRTIO_NET_CTRL_ANNOUNCE_ACK)
		return ACK_ERR;
	ret = ctrl_end(out);
	if (ret)
		return ret;
	return ctrl_ack(ctl->ops->announce_ack(ctl->vdev));
}

static int ctrl_mq(struct vdpa_net_ctrl *ctl, u8 cmd,
		   struct vdpa_devring_iter *out)
{
	__le16 le_pairs;
	u16 pairs;
	int ret;

	if (!ctrl_has(ctl, VIRTIO_NET_F_MQ) || !ctl->ops->set_queue_pairs ||
	    cmd != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET)
		return ACK_ERR;
	ret = ctrl_pull(out, &le_pairs, sizeof(le_pairs));
	if (!ret)
		ret = ctrl_end(out);
	if (ret)
		return ret;
	pairs = le16_to_cpu(le_pairs);
	if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || pairs > ctl->max_vq_pairs)
		return ACK_ERR;
	return ctrl_ack(ctl->ops->set_queue_pairs(ctl->vdev, pairs));
}

static int ctrl_exec(struct vdpa_net_ctrl *ctl, struct vdpa_devring_iter *out)
{
	struct virtio_net_ctrl_hdr hdr;
	int ret;

	ret = ctrl_pull(out, &hdr, sizeof(hdr));
	if (ret)
		return ret;

	switch (hdr.class) {
	case VIRTIO_NET_CTRL_RX:
		if (!ctrl_has(ctl, VIRTIO_NET_F_CTRL_RX))
			return ACK_ERR;
		return ctrl_rx_mode(ctl, hdr.cmd, out);
	case VIRTIO_NET_CTRL_MAC:
		return ctrl_mac(ctl, hdr.cmd, out);
	case VIRTIO_NET_CTRL_VLAN:
		return ctrl_vlan(ctl, hdr.cmd, out);
	case VIRTIO_NET_CTRL_ANNOUNCE:
		return ctrl_announce(ctl, hdr.cmd, out);
	case VIRTIO_NET_CTRL_MQ:
		return ctrl_mq(ctl, hdr.cmd, out);
	}
	return ACK_ERR;
}

/**
 * vdpa_net_ctrl_features - the control features a parent's operations serve
 * @ops: the parent's operations
 *
 * A parent offers these (with VIRTIO_NET_F_CTRL_VQ) when its control queue
 * is decoded by vdpa_net_ctrl_handle(); the caller still offers MQ only
 * with more than one queue pair, if it likes.
 *
 * Return: VIRTIO_NET_F_* bits.
 */
u64 vdpa_net_ctrl_features(const struct vdpa_net_ctrl_ops *ops)
{
	u64 f = BIT_ULL(VIRTIO_NET_F_CTRL_VQ);

	if (ops->set_mac)
		f |= BIT_ULL(VIRTIO_NET_F_CTRL_MAC_ADDR);
	if (ops->set_rx_filter)
		f |= BIT_ULL(VIRTIO_NET_F_CTRL_RX) |
		     BIT_ULL(VIRTIO_NET_F_CTRL_RX_EXTRA);
	if (ops->set_vlan)
		f |= BIT_ULL(VIRTIO_NET_F_CTRL_VLAN);
	if (ops->set_queue_pairs)
		f |= BIT_ULL(VIRTIO_NET_F_MQ);
	if (ops->announce_ack)
		f |= BIT_ULL(VIRTIO_NET_F_GUEST_ANNOUNCE);
	return f;
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_features);

/**
 * vdpa_net_ctrl_start - begin a run of the control queue
 * @ctl: the state, owned by the caller for the run
 * @vdev: the device
 * @ops: the parent's operations
 * @features: the features the driver negotiated
 * @max_vq_pairs: the device's max_virtqueue_pairs (1 without MQ)
 *
 * Called when the driver starts the device (DRIVER_OK). With
 * VIRTIO_NET_F_CTRL_RX the parent is given the initial, promiscuous
 * filter.
 *
 * Return: 0, or the parent's error from &vdpa_net_ctrl_ops.set_rx_filter.
 */
int vdpa_net_ctrl_start(struct vdpa_net_ctrl *ctl, struct vdpa_device *vdev,
			const struct vdpa_net_ctrl_ops *ops, u64 features,
			u16 max_vq_pairs)
{
	memset(ctl, 0, sizeof(*ctl));
	ctl->vdev = vdev;
	ctl->ops = ops;
	ctl->features = features;
	ctl->max_vq_pairs = max_vq_pairs;
	ctl->filter.promisc = true;
	if (!ctrl_has(ctl, VIRTIO_NET_F_CTRL_RX) || !ops->set_rx_filter)
		return 0;
	return ops->set_rx_filter(vdev, &ctl->filter);
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_start);

/**
 * vdpa_net_ctrl_handle - execute one control command and answer it
 * @ctl: the state from vdpa_net_ctrl_start()
 * @ring: the control queue's ring
 * @chain: the command, as vdpa_devring_fetch() took it
 *
 * The answer goes to the first device-writable byte; a chain without one
 * cannot be answered and is not executed. The caller completes the chain
 * (used length 1 if there was room for the answer, else 0).
 *
 * Return: VIRTIO_NET_OK or VIRTIO_NET_ERR as answered, or -errno when the
 * chain's memory could not be read or written (the ring is then broken).
 */
int vdpa_net_ctrl_handle(struct vdpa_net_ctrl *ctl, struct vdpa_devring *ring,
			 const struct vdpa_devring_chain *chain)
{
	struct vdpa_devring_iter out, in;
	ssize_t n;
	u8 ack;
	int ret;

	if (!chain->in_len)
		return ACK_ERR;
	vdpa_devring_iter_out(&out, ring, chain);
	ret = ctrl_exec(ctl, &out);
	if (ret < 0)
		return ret;

	ack = ret;
	vdpa_devring_iter_in(&in, ring, chain);
	n = vdpa_devring_push(&in, &ack, sizeof(ack));
	if (n < 0)
		return n;
	return ack;
}
EXPORT_SYMBOL_GPL(vdpa_net_ctrl_handle);

/**
 * vdpa_net_rx_filter_pass - whether a frame passes a receive filter
 * @filter: the filter
 * @station: the device's own address (&virtio_net_config.mac)
 * @dest: the frame's destination address
 *
 * For a parent whose datapath is software; the rules are those of
 * struct vdpa_net_rx_filter. VLAN filtering is separate.
 *
 * Return: true if the frame is delivered.
 */
bool vdpa_net_rx_filter_pass(const struct vdpa_net_rx_filter *filter,
			     const u8 *station, const u8 *dest)
{
	u16 i;

	if (filter->promisc)
		return true;
	if (is_broadcast_ether_addr(dest))
		return !filter->nobcast;
	if (is_multicast_ether_addr(dest)) {
		if (filter->nomulti)
			return false;
		if (filter->allmulti || filter->mc_overflow)
			return true;
		for (i = 0; i < filter->mc_count; i++)
			if (ether_addr_equal(dest, filter->mc[i]))
				return true;
		return false;
	}
	if (filter->nouni)
		return false;
	if (filter->alluni || filter->uc_overflow ||
	    ether_addr_equal(dest, station))
		return true;
	for (i = 0; i < filter->uc_count; i++)
		if (ether_addr_equal(dest, filter->uc[i]))
			return true;
	return false;
}
EXPORT_SYMBOL_GPL(vdpa_net_rx_filter_pass);
