// SPDX-License-Identifier: GPL-2.0
/*
 * vDPA simulator: a virtio-net device that loops every transmitted frame
 * back to the receive queue of the same queue pair.
 *
 * Queues are rx0, tx0, rx1, tx1, ... and, with VIRTIO_NET_F_CTRL_VQ, a
 * control queue last. The control queue is in a group of its own so that a
 * VMM can shadow it in a separate address space.
 */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/vdpa.h>
#include <uapi/linux/vdpa.h>
#include <uapi/linux/virtio_config.h>
#include <uapi/linux/virtio_ids.h>
#include <uapi/linux/virtio_net.h>
#include <uapi/linux/virtio_ring.h>

#include "vdpa_sim.h"

#define VDPASIM_NET_MAX_VQP	8
#define VDPASIM_NET_MAX_MTU	9000
/* No TSO is offered: anything longer than a max-sized frame is bogus. */
#define VDPASIM_NET_MAX_FRAME	(VDPASIM_NET_MAX_MTU + VLAN_ETH_HLEN)
/* Chains handled per queue in one run of the work, for fairness. */
#define VDPASIM_NET_BUDGET	64

#define VDPASIM_NET_HDR_LEN	sizeof(struct virtio_net_hdr_v1)

#define VDPASIM_NET_DATA_GROUP	0
#define VDPASIM_NET_CVQ_GROUP	1

#define VDPASIM_NET_FEATURES	(BIT_ULL(VIRTIO_F_VERSION_1) |		\
				 BIT_ULL(VIRTIO_F_ACCESS_PLATFORM) |	\
				 BIT_ULL(VIRTIO_RING_F_EVENT_IDX) |	\
				 BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |	\
				 BIT_ULL(VIRTIO_NET_F_MAC) |		\
				 BIT_ULL(VIRTIO_NET_F_MTU) |		\
				 BIT_ULL(VIRTIO_NET_F_STATUS) |		\
				 BIT_ULL(VIRTIO_NET_F_CTRL_VQ) |	\
				 BIT_ULL(VIRTIO_NET_F_CTRL_MAC_ADDR) |	\
				 BIT_ULL(VIRTIO_NET_F_MQ) |		\
				 BIT_ULL(VIRTIO_NET_F_GUEST_ANNOUNCE))

#define VDPASIM_NET_REQUIRED	(BIT_ULL(VIRTIO_F_VERSION_1) |		\
				 BIT_ULL(VIRTIO_F_ACCESS_PLATFORM))

/*
 * Per-queue counters. Their meaning depends on the queue type:
 * rx: received frames/bytes, frames dropped for lack of a buffer;
 * tx: sent frames/bytes, malformed requests;
 * cvq: commands, failed commands.
 */
struct vdpasim_net_qstats {
	u64 frames;
	u64 bytes;
	u64 errors;
};

struct vdpasim_net {
	struct vdpasim sim;
	struct virtio_net_config config;
	struct vdpasim_net_qstats *stats;
	u16 max_vqp;
	u16 active_vqp;
	bool has_cvq;
};

static struct vdpasim_net *sim_to_net(struct vdpasim *sim)
{
	return container_of(sim, struct vdpasim_net, sim);
}

static u16 vdpasim_net_cvq_index(const struct vdpasim_net *net)
{
	return 2 * net->max_vqp;
}

static __virtio16 vdpasim_net_cpu_to_le16(u16 val)
{
	/* VERSION_1 only: config space is little-endian. */
	return (__force __virtio16)cpu_to_le16(val);
}

/* Copy one frame from a TX chain into an RX chain, header rewritten. */
static int vdpasim_net_copy(struct vdpasim *sim, struct vdpasim_vq *txq,
			    const struct vdpa_devring_chain *tx,
			    struct vdpasim_vq *rxq,
			    const struct vdpa_devring_chain *rx, u32 frame_len)
{
	struct virtio_net_hdr_v1 hdr = {
		.num_buffers = vdpasim_net_cpu_to_le16(1),
	};
	struct vdpa_devring_iter in, out;
	u32 left = frame_len;
	ssize_t n;

	vdpa_devring_iter_out(&out, &txq->ring, tx);
	vdpa_devring_iter_in(&in, &rxq->ring, rx);
	vdpa_devring_skip(&out, VDPASIM_NET_HDR_LEN);
	n = vdpa_devring_push(&in, &hdr, sizeof(hdr));
	if (n < 0)
		return n;

	while (left) {
		n = vdpa_devring_pull(&out, sim->run->buf,
				      min_t(u32, left, VDPASIM_BUF_SIZE));
		if (n <= 0)
			return n ? n : -EINVAL;
		left -= n;
		n = vdpa_devring_push(&in, sim->run->buf, n);
		if (n < 0)
			return n;
	}
	return 0;
}

/*
 * Deliver one transmitted frame. Errors returned here are ring or memory
 * faults that break the device; a frame nobody can receive is only dropped.
 */
static int vdpasim_net_xmit(struct vdpasim_net *net, u16 pair,
			    struct vdpasim_vq *txq,
			    const struct vdpa_devring_chain *tx)
{
	struct vdpasim *sim = &net->sim;
	struct vdpasim_net_qstats *txs = &net->stats[2 * pair + 1];
	struct vdpasim_net_qstats *rxs = &net->stats[2 * pair];
	struct vdpa_devring_chain rx = {
		.segs = sim->run->segs[1],
		.max_segs = VDPASIM_MAX_SEGS,
	};
	struct vdpasim_vq *rxq;
	u32 frame_len;
	int ret;

	if (tx->out_len < VDPASIM_NET_HDR_LEN ||
	    tx->out_len - VDPASIM_NET_HDR_LEN > VDPASIM_NET_MAX_FRAME) {
		txs->errors++;
		return 0;
	}
	frame_len = tx->out_len - VDPASIM_NET_HDR_LEN;
	txs->frames++;
	txs->bytes += frame_len;

	rxq = vdpasim_vq_running(sim, 2 * pair);
	if (!rxq) {
		rxs->errors++;
		return 0;
	}
	ret = vdpa_devring_fetch(&rxq->ring, &rx);
	if (ret < 0) {
		vdpasim_vq_error(sim, rxq, ret);
		return ret;
	}
	if (!ret || rx.in_len < VDPASIM_NET_HDR_LEN + frame_len) {
		/* Too small a buffer stays for a frame that fits. */
		if (ret)
			vdpa_devring_abandon(&rxq->ring, 1);
		rxs->errors++;
		return 0;
	}

	ret = vdpasim_net_copy(sim, txq, tx, rxq, &rx, frame_len);
	if (!ret)
		ret = vdpa_devring_complete(&rxq->ring, rx.head,
					    VDPASIM_NET_HDR_LEN + frame_len);
	if (ret) {
		vdpasim_vq_error(sim, rxq, ret);
		return ret;
	}
	rxs->frames++;
	rxs->bytes += frame_len;
	return 0;
}

/* Returns true if the TX queue still had buffers when the budget ran out. */
static bool vdpasim_net_tx(struct vdpasim_net *net, u16 pair)
{
	struct vdpasim *sim = &net->sim;
	struct vdpa_devring_chain tx = {
		.segs = sim->run->segs[0],
		.max_segs = VDPASIM_MAX_SEGS,
	};
	struct vdpasim_vq *txq, *rxq;
	unsigned int done;
	int ret = 0;

	txq = vdpasim_vq_running(sim, 2 * pair + 1);
	if (!txq)
		return false;

	for (done = 0; done < VDPASIM_NET_BUDGET; done++) {
		ret = vdpa_devring_fetch(&txq->ring, &tx);
		if (ret <= 0)
			break;
		ret = vdpasim_net_xmit(net, pair, txq, &tx);
		if (ret)
			return false;
		ret = vdpa_devring_complete(&txq->ring, tx.head, 0);
		if (ret)
			break;
	}
	if (ret < 0) {
		vdpasim_vq_error(sim, txq, ret);
		return false;
	}

	if (done) {
		vdpasim_vq_notify(sim, txq);
		rxq = vdpasim_vq_running(sim, 2 * pair);
		if (rxq)
			vdpasim_vq_notify(sim, rxq);
	}
	return done == VDPASIM_NET_BUDGET;
}

static u8 vdpasim_net_ctrl_mac(struct vdpasim_net *net, u8 cmd,
			       struct vdpa_devring_iter *out)
{
	u8 mac[ETH_ALEN];

	switch (cmd) {
	case VIRTIO_NET_CTRL_MAC_TABLE_SET:
		/* No filtering: every frame is looped back anyway. */
		return VIRTIO_NET_OK;
	case VIRTIO_NET_CTRL_MAC_ADDR_SET:
		if (vdpa_devring_pull(out, mac, sizeof(mac)) != sizeof(mac))
			return VIRTIO_NET_ERR;
		memcpy(net->config.mac, mac, sizeof(mac));
		net->sim.generation++;
		return VIRTIO_NET_OK;
	}
	return VIRTIO_NET_ERR;
}

static u8 vdpasim_net_ctrl_mq(struct vdpasim_net *net, u8 cmd,
			      struct vdpa_devring_iter *out)
{
	__le16 val;
	u16 pairs;

	if (cmd != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET ||
	    !vdpasim_has_feature(&net->sim, VIRTIO_NET_F_MQ))
		return VIRTIO_NET_ERR;
	if (vdpa_devring_pull(out, &val, sizeof(val)) != sizeof(val))
		return VIRTIO_NET_ERR;
	pairs = le16_to_cpu(val);
	if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || pairs > net->max_vqp)
		return VIRTIO_NET_ERR;
	net->active_vqp = pairs;
	return VIRTIO_NET_OK;
}

static u8 vdpasim_net_ctrl(struct vdpasim_net *net,
			   struct vdpa_devring_iter *out)
{
	struct virtio_net_ctrl_hdr hdr;
	u8 val;

	if (vdpa_devring_pull(out, &hdr, sizeof(hdr)) != sizeof(hdr))
		return VIRTIO_NET_ERR;

	switch (hdr.class) {
	case VIRTIO_NET_CTRL_RX:
		/* Modes are accepted but change nothing for a loopback. */
		if (vdpa_devring_pull(out, &val, 1) != 1)
			return VIRTIO_NET_ERR;
		return VIRTIO_NET_OK;
	case VIRTIO_NET_CTRL_MAC:
		return vdpasim_net_ctrl_mac(net, hdr.cmd, out);
	case VIRTIO_NET_CTRL_ANNOUNCE:
		if (hdr.cmd != VIRTIO_NET_CTRL_ANNOUNCE_ACK)
			return VIRTIO_NET_ERR;
		/* The driver announced itself: the request is served. */
		net->config.status &=
			~vdpasim_net_cpu_to_le16(VIRTIO_NET_S_ANNOUNCE);
		return VIRTIO_NET_OK;
	case VIRTIO_NET_CTRL_MQ:
		return vdpasim_net_ctrl_mq(net, hdr.cmd, out);
	}
	return VIRTIO_NET_ERR;
}

static bool vdpasim_net_cvq(struct vdpasim_net *net)
{
	struct vdpasim *sim = &net->sim;
	struct vdpasim_net_qstats *stats;
	struct vdpa_devring_chain chain = {
		.segs = sim->run->segs[0],
		.max_segs = VDPASIM_MAX_SEGS,
	};
	struct vdpa_devring_iter out, in;
	struct vdpasim_vq *cvq;
	unsigned int done;
	u32 written;
	u8 status;
	int ret = 0;

	if (!net->has_cvq)
		return false;
	cvq = vdpasim_vq_running(sim, vdpasim_net_cvq_index(net));
	if (!cvq)
		return false;
	stats = &net->stats[vdpasim_net_cvq_index(net)];

	for (done = 0; done < VDPASIM_NET_BUDGET; done++) {
		ret = vdpa_devring_fetch(&cvq->ring, &chain);
		if (ret <= 0)
			break;
		vdpa_devring_iter_out(&out, &cvq->ring, &chain);
		status = vdpasim_net_ctrl(net, &out);

		/* The ack is the last writable byte. */
		written = 0;
		if (chain.in_len) {
			vdpa_devring_iter_in(&in, &cvq->ring, &chain);
			vdpa_devring_skip(&in, chain.in_len - 1);
			ret = vdpa_devring_push(&in, &status, 1);
			if (ret < 0)
				break;
			written = 1;
		} else {
			status = VIRTIO_NET_ERR;
		}
		stats->frames++;
		if (status != VIRTIO_NET_OK)
			stats->errors++;
		ret = vdpa_devring_complete(&cvq->ring, chain.head, written);
		if (ret)
			break;
	}
	if (ret < 0) {
		vdpasim_vq_error(sim, cvq, ret);
		return false;
	}
	if (done)
		vdpasim_vq_notify(sim, cvq);
	return done == VDPASIM_NET_BUDGET;
}

static bool vdpasim_net_work(struct vdpasim *sim)
{
	struct vdpasim_net *net = sim_to_net(sim);
	bool more = false;
	u16 pair;

	more |= vdpasim_net_cvq(net);
	for (pair = 0; pair < net->max_vqp && !sim->broken; pair++)
		more |= vdpasim_net_tx(net, pair);
	return more && !sim->broken;
}

static void vdpasim_net_set_config(struct vdpasim *sim, unsigned int offset,
				   const void *buf, unsigned int len)
{
	struct vdpasim_net *net = sim_to_net(sim);
	unsigned int end = offset + len;

	/* Only the MAC is writable (QEMU writes it); the rest is ignored. */
	if (offset >= ETH_ALEN)
		return;
	end = min_t(unsigned int, end, ETH_ALEN);
	memcpy(net->config.mac + offset, buf, end - offset);
}

static u32 vdpasim_net_get_vq_group(struct vdpasim *sim, u16 idx)
{
	struct vdpasim_net *net = sim_to_net(sim);

	if (net->has_cvq && idx == vdpasim_net_cvq_index(net))
		return VDPASIM_NET_CVQ_GROUP;
	return VDPASIM_NET_DATA_GROUP;
}

static int vdpasim_net_get_vq_stats(struct vdpasim *sim, u16 idx,
				    struct vdpa_stats_msg *msg)
{
	struct vdpasim_net *net = sim_to_net(sim);
	const struct vdpasim_net_qstats *s = &net->stats[idx];
	static const char * const names[3][3] = {
		{ "received_frames", "received_bytes", "dropped_frames" },
		{ "sent_frames", "sent_bytes", "bad_descriptors" },
		{ "commands", NULL, "command_errors" },
	};
	const char * const *n;
	int err;

	if (net->has_cvq && idx == vdpasim_net_cvq_index(net))
		n = names[2];
	else
		n = names[idx & 1];

	err = vdpa_stats_put(msg, n[0], s->frames);
	if (!err && n[1])
		err = vdpa_stats_put(msg, n[1], s->bytes);
	if (!err)
		err = vdpa_stats_put(msg, n[2], s->errors);
	return err;
}

static void vdpasim_net_reset(struct vdpasim *sim)
{
	struct vdpasim_net *net = sim_to_net(sim);

	net->active_vqp = 1;
	net->config.status &= ~vdpasim_net_cpu_to_le16(VIRTIO_NET_S_ANNOUNCE);
}

/*
 * A driver that starts a data queue somewhere else than at its beginning
 * continues a session begun on another device: it is a migration's
 * destination (QEMU sets each queue where the source stopped). The guest's
 * neighbours still look for it where it was, so the device asks the
 * driver to announce itself (VIRTIO_NET_S_ANNOUNCE, with a config
 * interrupt); the driver's ANNOUNCE_ACK on the control queue clears it.
 */
static void vdpasim_net_start(struct vdpasim *sim)
{
	struct vdpasim_net *net = sim_to_net(sim);
	u32 i;

	if (!(sim->driver_features & BIT_ULL(VIRTIO_NET_F_GUEST_ANNOUNCE)))
		return;
	for (i = 0; i < 2 * net->max_vqp; i++)
		if (sim->vqs[i].started && sim->vqs[i].last_avail)
			break;
	if (i == 2 * net->max_vqp)
		return;
	net->config.status |= vdpasim_net_cpu_to_le16(VIRTIO_NET_S_ANNOUNCE);
	vdpasim_config_changed(sim);
}

static const struct vdpasim_class vdpasim_net_class = {
	.device_id	= VIRTIO_ID_NET,
	.ngroups	= 2,
	.nas		= 2,
	.config_size	= sizeof(struct virtio_net_config),
	.work		= vdpasim_net_work,
	.set_config	= vdpasim_net_set_config,
	.get_vq_group	= vdpasim_net_get_vq_group,
	.get_vq_stats	= vdpasim_net_get_vq_stats,
	.reset		= vdpasim_net_reset,
	.start		= vdpasim_net_start,
};

static int vdpasim_net_check_mac(const u8 *mac, struct netlink_ext_ack *extack)
{
	if (!is_valid_ether_addr(mac)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "MAC address must be unicast and not all zeros");
		return -EINVAL;
	}
	return 0;
}

static int vdpasim_net_dev_add(struct vdpa_mgmt_dev *mdev, const char *name,
			       const struct vdpa_dev_set_config *config,
			       struct netlink_ext_ack *extack)
{
	u64 features = VDPASIM_NET_FEATURES;
	u16 max_vqp = 1, mtu = ETH_DATA_LEN;
	struct vdpasim_net *net;
	struct vdpasim *sim;
	u8 mac[ETH_ALEN];
	bool has_cvq;
	int err;

	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_FEATURES)) {
		features = config->device_features;
		if (features & ~VDPASIM_NET_FEATURES) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "unsupported features 0x%llx",
					       features & ~VDPASIM_NET_FEATURES);
			return -EINVAL;
		}
		if ((features & VDPASIM_NET_REQUIRED) != VDPASIM_NET_REQUIRED) {
			NL_SET_ERR_MSG_MOD(extack,
					   "features must include VERSION_1 and ACCESS_PLATFORM");
			return -EINVAL;
		}
	}
	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR)) {
		err = vdpasim_net_check_mac(config->net.mac, extack);
		if (err)
			return err;
		ether_addr_copy(mac, config->net.mac);
	} else {
		eth_random_addr(mac);
	}
	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU)) {
		mtu = config->net.mtu;
		if (mtu < ETH_MIN_MTU || mtu > VDPASIM_NET_MAX_MTU) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "MTU %u out of range %u..%u", mtu,
					       ETH_MIN_MTU, VDPASIM_NET_MAX_MTU);
			return -ERANGE;
		}
	}
	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP)) {
		max_vqp = config->net.max_vq_pairs;
		if (max_vqp < 1 || max_vqp > VDPASIM_NET_MAX_VQP) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "max_vqp %u out of range 1..%u",
					       max_vqp, VDPASIM_NET_MAX_VQP);
			return -ERANGE;
		}
	}
	has_cvq = features & BIT_ULL(VIRTIO_NET_F_CTRL_VQ);
	if (max_vqp > 1 && (!has_cvq || !(features & BIT_ULL(VIRTIO_NET_F_MQ)))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "more than one queue pair needs the CTRL_VQ and MQ features");
		return -EINVAL;
	}
	/* Its acknowledgment is a control command (and virtio_net says so). */
	if ((features & BIT_ULL(VIRTIO_NET_F_GUEST_ANNOUNCE)) && !has_cvq) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the GUEST_ANNOUNCE feature needs the CTRL_VQ feature");
		return -EINVAL;
	}

	sim = vdpasim_create(&vdpasim_net_class, mdev, name, sizeof(*net),
			     2 * max_vqp + has_cvq, features);
	if (IS_ERR(sim))
		return PTR_ERR(sim);
	net = sim_to_net(sim);
	sim->config = &net->config;
	net->max_vqp = max_vqp;
	net->active_vqp = 1;
	net->has_cvq = has_cvq;
	ether_addr_copy(net->config.mac, mac);
	net->config.status = vdpasim_net_cpu_to_le16(VIRTIO_NET_S_LINK_UP);
	net->config.max_virtqueue_pairs = vdpasim_net_cpu_to_le16(max_vqp);
	net->config.mtu = vdpasim_net_cpu_to_le16(mtu);
	net->stats = kcalloc(sim->nvqs, sizeof(*net->stats), GFP_KERNEL);
	if (!net->stats) {
		put_device(&sim->vdpa.dev);
		return -ENOMEM;
	}
	/* Keep @net alive past a failed registration to free the counters. */
	get_device(&sim->vdpa.dev);
	err = vdpasim_register(sim);
	if (err)
		kfree(net->stats);
	put_device(&sim->vdpa.dev);
	return err;
}

static void vdpasim_net_dev_del(struct vdpa_mgmt_dev *mdev,
				struct vdpa_device *vdpa)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);

	get_device(&vdpa->dev);
	vdpa_unregister_device(vdpa);
	vdpasim_stop(sim);
	/* The class's memory is freed here: the core never calls back. */
	kfree(sim_to_net(sim)->stats);
	sim_to_net(sim)->stats = NULL;
	put_device(&vdpa->dev);
}

static int vdpasim_net_dev_set_attr(struct vdpa_mgmt_dev *mdev,
				    struct vdpa_device *vdpa,
				    const struct vdpa_dev_set_config *config,
				    struct netlink_ext_ack *extack)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	struct vdpasim_net *net = sim_to_net(sim);
	int err;

	if (config->mask & ~BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR)) {
		NL_SET_ERR_MSG_MOD(extack, "only the MAC address can be changed");
		return -EOPNOTSUPP;
	}
	if (!(config->mask & BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR)))
		return 0;
	err = vdpasim_net_check_mac(config->net.mac, extack);
	if (err)
		return err;

	mutex_lock(&sim->lock);
	ether_addr_copy(net->config.mac, config->net.mac);
	vdpasim_config_changed(sim);
	mutex_unlock(&sim->lock);
	return 0;
}

static const struct vdpa_mgmtdev_ops vdpasim_net_mgmt_ops = {
	.dev_add	= vdpasim_net_dev_add,
	.dev_del	= vdpasim_net_dev_del,
	.dev_set_attr	= vdpasim_net_dev_set_attr,
};

static const struct virtio_device_id vdpasim_net_id_table[] = {
	{ VIRTIO_ID_NET, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static struct vdpa_mgmt_dev vdpasim_net_mgmt = {
	.ops			= &vdpasim_net_mgmt_ops,
	.id_table		= vdpasim_net_id_table,
	.config_attr_mask	= BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR) |
				  BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU) |
				  BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP) |
				  BIT_ULL(VDPA_ATTR_DEV_FEATURES),
	.supported_features	= VDPASIM_NET_FEATURES,
	.max_supported_vqs	= 2 * VDPASIM_NET_MAX_VQP + 1,
};

static int __init vdpasim_net_init(void)
{
	static_assert(offsetof(struct vdpasim_net, sim) == 0);
	return vdpasim_mgmt_register(&vdpasim_net_mgmt, "vdpasim_net");
}

static void __exit vdpasim_net_exit(void)
{
	vdpasim_mgmt_unregister(&vdpasim_net_mgmt);
}

module_init(vdpasim_net_init);
module_exit(vdpasim_net_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vDPA simulator: loopback virtio-net device");
