// SPDX-License-Identifier: GPL-2.0
/*
 * vDPA simulator: a virtio-net device that loops every transmitted frame
 * back to the receive queue of the same queue pair, through the receive
 * filter the driver set up: MAC tables and RX modes, VLAN filter.
 *
 * Queues are rx0, tx0, rx1, tx1, ... and, with VIRTIO_NET_F_CTRL_VQ, a
 * control queue after the last pair the driver can use (index 2 without
 * VIRTIO_NET_F_MQ), in a group of its own so that a VMM can shadow it in a
 * separate address space. Its commands are decoded by the core
 * (vdpa_net_ctrl_handle()); the simulator only applies them.
 *
 * Two management devices: "vdpasim_net" has no control queue of its own,
 * the core presents one (vdpa_net_add_ctrlq()), as it would for hardware
 * without one; "vdpasim_net_hwcvq" walks its control queue itself, as
 * hardware with a control queue does. Both must look the same to drivers.
 */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/vdpa.h>
#include <linux/vdpa_net_ctrl.h>
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

/*
 * What the control queue can do beyond the default: provisioned with
 * "device_features". Not offered by default because QEMU 7.2 refuses
 * shadow virtqueues (x-svq=on) on a device offering a feature its shadow
 * control queue does not know, and it knows none of these.
 */
#define VDPASIM_NET_OPTIONAL	(BIT_ULL(VIRTIO_NET_F_CTRL_RX) |	\
				 BIT_ULL(VIRTIO_NET_F_CTRL_RX_EXTRA) |	\
				 BIT_ULL(VIRTIO_NET_F_CTRL_VLAN))

#define VDPASIM_NET_SUPPORTED	(VDPASIM_NET_FEATURES | VDPASIM_NET_OPTIONAL)

/* The control features: each needs the control queue. */
#define VDPASIM_NET_CTRL_FEATURES (VDPASIM_NET_OPTIONAL |		\
				   BIT_ULL(VIRTIO_NET_F_CTRL_MAC_ADDR) |	\
				   BIT_ULL(VIRTIO_NET_F_MQ) |		\
				   BIT_ULL(VIRTIO_NET_F_GUEST_ANNOUNCE))

#define VDPASIM_NET_REQUIRED	(BIT_ULL(VIRTIO_F_VERSION_1) |		\
				 BIT_ULL(VIRTIO_F_ACCESS_PLATFORM))

/*
 * Per-queue counters. Their meaning depends on the queue type:
 * rx: received frames/bytes, frames dropped for lack of a buffer, frames
 *     the receive filter dropped;
 * tx: sent frames/bytes, malformed requests;
 * cvq: commands, failed commands.
 */
struct vdpasim_net_qstats {
	u64 frames;
	u64 bytes;
	u64 errors;
	u64 filtered;
};

/**
 * struct vdpasim_net_run - receive filtering state of a run
 * @ctl: the control queue's decoder
 * @filter: the MAC filter, as the driver last set it
 * @vlans: the VLAN ids the driver added
 */
struct vdpasim_net_run {
	struct vdpa_net_ctrl ctl;
	struct vdpa_net_rx_filter filter;
	DECLARE_BITMAP(vlans, VLAN_N_VID);
};

struct vdpasim_net {
	struct vdpasim sim;
	struct virtio_net_config config;
	struct vdpasim_net_qstats *stats;
	u16 max_vqp;
	u16 active_vqp;
	bool own_cvq;
};

static struct vdpasim_net *sim_to_net(struct vdpasim *sim)
{
	return container_of(sim, struct vdpasim_net, sim);
}

static struct vdpasim_net_run *net_run(struct vdpasim_net *net)
{
	return (struct vdpasim_net_run *)net->sim.run->cls;
}

/* Queue pairs the driver can use: one unless it negotiated MQ. */
static u16 vdpasim_net_pairs(const struct vdpasim_net *net)
{
	if (net->sim.driver_features &&
	    !vdpasim_has_feature(&net->sim, VIRTIO_NET_F_MQ))
		return 1;
	return net->max_vqp;
}

/* Before features are negotiated, where it is with MQ. */
static u16 vdpasim_net_cvq_index(const struct vdpasim_net *net)
{
	return 2 * vdpasim_net_pairs(net);
}

/* The control queue's counters stay in the last slot wherever it is. */
static struct vdpasim_net_qstats *vdpasim_net_cvq_stats(struct vdpasim_net *net)
{
	return &net->stats[2 * net->max_vqp];
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

/* Whether the driver's receive filter lets the frame of @tx through. */
static int vdpasim_net_pass(struct vdpasim_net *net,
			    struct vdpasim_vq *txq,
			    const struct vdpa_devring_chain *tx)
{
	struct vdpasim *sim = &net->sim;
	struct vdpasim_net_run *run = net_run(net);
	bool mac_filter = vdpasim_has_feature(sim, VIRTIO_NET_F_CTRL_RX);
	bool vlan_filter = vdpasim_has_feature(sim, VIRTIO_NET_F_CTRL_VLAN);
	struct vdpa_devring_iter out;
	struct vlan_ethhdr eth;
	ssize_t n;

	if (!mac_filter && !vlan_filter)
		return 1;
	if (mac_filter && run->filter.promisc)
		return 1;
	vdpa_devring_iter_out(&out, &txq->ring, tx);
	vdpa_devring_skip(&out, VDPASIM_NET_HDR_LEN);
	n = vdpa_devring_pull(&out, &eth, sizeof(eth));
	if (n < 0)
		return n;
	if (n < ETH_HLEN)
		return 0;
	if (mac_filter && !vdpa_net_rx_filter_pass(&run->filter,
						   net->config.mac, eth.h_dest))
		return 0;
	if (vlan_filter && eth.h_vlan_proto == htons(ETH_P_8021Q) &&
	    n >= VLAN_ETH_HLEN &&
	    !test_bit(ntohs(eth.h_vlan_TCI) & VLAN_VID_MASK, run->vlans))
		return 0;
	return 1;
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

	/* The driver may still send on a pair it stopped; none receives. */
	rxq = pair < net->active_vqp ? vdpasim_vq_running(sim, 2 * pair) : NULL;
	if (!rxq) {
		rxs->errors++;
		return 0;
	}
	ret = vdpasim_net_pass(net, txq, tx);
	if (ret <= 0) {
		if (ret)
			vdpasim_vq_error(sim, txq, ret);
		else
			rxs->filtered++;
		return ret;
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

/*
 * What the control commands do to the simulator, with the device lock
 * held: called by the decoder from our work (our own control queue), or
 * through the locking wrappers below (the core's).
 */
static int vdpasim_net_set_mac(struct vdpa_device *vdpa, const u8 *mac)
{
	struct vdpasim_net *net = sim_to_net(vdpa_to_sim(vdpa));

	lockdep_assert_held(&net->sim.lock);
	ether_addr_copy(net->config.mac, mac);
	net->sim.generation++;
	return 0;
}

static int vdpasim_net_set_rx_filter(struct vdpa_device *vdpa,
				     const struct vdpa_net_rx_filter *filter)
{
	struct vdpasim_net *net = sim_to_net(vdpa_to_sim(vdpa));

	lockdep_assert_held(&net->sim.lock);
	/* The filter lives with the run: none without a started device. */
	if (!net->sim.run)
		return -ENODEV;
	net_run(net)->filter = *filter;
	return 0;
}

static int vdpasim_net_set_vlan(struct vdpa_device *vdpa, u16 vid, bool add)
{
	struct vdpasim_net *net = sim_to_net(vdpa_to_sim(vdpa));

	lockdep_assert_held(&net->sim.lock);
	if (!net->sim.run)
		return -ENODEV;
	if (add)
		set_bit(vid, net_run(net)->vlans);
	else
		clear_bit(vid, net_run(net)->vlans);
	return 0;
}

static int vdpasim_net_set_queue_pairs(struct vdpa_device *vdpa, u16 pairs)
{
	struct vdpasim_net *net = sim_to_net(vdpa_to_sim(vdpa));

	lockdep_assert_held(&net->sim.lock);
	net->active_vqp = pairs;
	return 0;
}

static int vdpasim_net_announce_ack(struct vdpa_device *vdpa)
{
	struct vdpasim_net *net = sim_to_net(vdpa_to_sim(vdpa));

	lockdep_assert_held(&net->sim.lock);
	net->config.status &= ~vdpasim_net_cpu_to_le16(VIRTIO_NET_S_ANNOUNCE);
	return 0;
}

static const struct vdpa_net_ctrl_ops vdpasim_net_ctrl_ops = {
	.set_mac		= vdpasim_net_set_mac,
	.set_rx_filter		= vdpasim_net_set_rx_filter,
	.set_vlan		= vdpasim_net_set_vlan,
	.set_queue_pairs	= vdpasim_net_set_queue_pairs,
	.announce_ack		= vdpasim_net_announce_ack,
};

/* The core's control queue calls from its own work, without our lock. */
static int vdpasim_net_core_set_mac(struct vdpa_device *vdpa, const u8 *mac)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	int ret;

	mutex_lock(&sim->lock);
	ret = vdpasim_net_set_mac(vdpa, mac);
	mutex_unlock(&sim->lock);
	return ret;
}

static int vdpasim_net_core_set_rx_filter(struct vdpa_device *vdpa,
					  const struct vdpa_net_rx_filter *f)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	int ret;

	mutex_lock(&sim->lock);
	ret = vdpasim_net_set_rx_filter(vdpa, f);
	mutex_unlock(&sim->lock);
	return ret;
}

static int vdpasim_net_core_set_vlan(struct vdpa_device *vdpa, u16 vid,
				     bool add)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	int ret;

	mutex_lock(&sim->lock);
	ret = vdpasim_net_set_vlan(vdpa, vid, add);
	mutex_unlock(&sim->lock);
	return ret;
}

static int vdpasim_net_core_set_queue_pairs(struct vdpa_device *vdpa,
					    u16 pairs)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	int ret;

	mutex_lock(&sim->lock);
	ret = vdpasim_net_set_queue_pairs(vdpa, pairs);
	mutex_unlock(&sim->lock);
	return ret;
}

static int vdpasim_net_core_announce_ack(struct vdpa_device *vdpa)
{
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	int ret;

	mutex_lock(&sim->lock);
	ret = vdpasim_net_announce_ack(vdpa);
	mutex_unlock(&sim->lock);
	return ret;
}

static const struct vdpa_net_ctrl_ops vdpasim_net_core_ctrl_ops = {
	.set_mac		= vdpasim_net_core_set_mac,
	.set_rx_filter		= vdpasim_net_core_set_rx_filter,
	.set_vlan		= vdpasim_net_core_set_vlan,
	.set_queue_pairs	= vdpasim_net_core_set_queue_pairs,
	.announce_ack		= vdpasim_net_core_announce_ack,
};

static bool vdpasim_net_cvq(struct vdpasim_net *net)
{
	struct vdpasim *sim = &net->sim;
	struct vdpasim_net_qstats *stats;
	struct vdpa_devring_chain chain = {
		.segs = sim->run->segs[0],
		.max_segs = VDPASIM_MAX_SEGS,
	};
	struct vdpasim_vq *cvq;
	unsigned int done;
	int ret = 0;

	if (!net->own_cvq)
		return false;
	cvq = vdpasim_vq_running(sim, vdpasim_net_cvq_index(net));
	if (!cvq)
		return false;
	stats = vdpasim_net_cvq_stats(net);

	for (done = 0; done < VDPASIM_NET_BUDGET; done++) {
		ret = vdpa_devring_fetch(&cvq->ring, &chain);
		if (ret <= 0)
			break;
		ret = vdpa_net_ctrl_handle(&net_run(net)->ctl, &cvq->ring,
					   &chain);
		if (ret < 0)
			break;
		stats->frames++;
		if (ret != VIRTIO_NET_OK)
			stats->errors++;
		ret = vdpa_devring_complete(&cvq->ring, chain.head,
					    chain.in_len ? 1 : 0);
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

	if (net->own_cvq && idx == vdpasim_net_cvq_index(net))
		return VDPASIM_NET_CVQ_GROUP;
	return VDPASIM_NET_DATA_GROUP;
}

static int vdpasim_net_get_vq_stats(struct vdpasim *sim, u16 idx,
				    struct vdpa_stats_msg *msg)
{
	static const struct vdpasim_net_qstats none;
	struct vdpasim_net *net = sim_to_net(sim);
	const struct vdpasim_net_qstats *s = &net->stats[idx];
	static const char * const names[3][4] = {
		{ "received_frames", "received_bytes", "dropped_frames",
		  "filtered_frames" },
		{ "sent_frames", "sent_bytes", "bad_descriptors", NULL },
		{ "commands", NULL, "command_errors", NULL },
	};
	const char * const *n;
	int err;

	if (net->own_cvq && idx == vdpasim_net_cvq_index(net)) {
		n = names[2];
		s = vdpasim_net_cvq_stats(net);
	} else {
		n = names[idx & 1];
		/* The control queue's slot, a queue this driver lacks. */
		if (idx == 2 * net->max_vqp)
			s = &none;
	}

	err = vdpa_stats_put(msg, n[0], s->frames);
	if (!err && n[1])
		err = vdpa_stats_put(msg, n[1], s->bytes);
	if (!err)
		err = vdpa_stats_put(msg, n[2], s->errors);
	if (!err && n[3])
		err = vdpa_stats_put(msg, n[3], s->filtered);
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
static void vdpasim_net_announce(struct vdpasim_net *net)
{
	struct vdpasim *sim = &net->sim;
	u32 i;

	if (!vdpasim_has_feature(sim, VIRTIO_NET_F_GUEST_ANNOUNCE))
		return;
	for (i = 0; i < 2 * vdpasim_net_pairs(net); i++)
		if (sim->vqs[i].started && sim->vqs[i].last_avail)
			break;
	if (i == 2 * vdpasim_net_pairs(net))
		return;
	net->config.status |= vdpasim_net_cpu_to_le16(VIRTIO_NET_S_ANNOUNCE);
	vdpasim_config_changed(sim);
}

static void vdpasim_net_start(struct vdpasim *sim)
{
	struct vdpasim_net *net = sim_to_net(sim);
	struct vdpasim_vq *cvq;
	int err;

	if (net->own_cvq && vdpasim_has_feature(sim, VIRTIO_NET_F_CTRL_VQ)) {
		err = vdpa_net_ctrl_start(&net_run(net)->ctl, &sim->vdpa,
					  &vdpasim_net_ctrl_ops,
					  sim->driver_features, net->max_vqp);
		/* Our operations do not fail; a queue must carry the blame. */
		cvq = &sim->vqs[vdpasim_net_cvq_index(net)];
		if (WARN_ON_ONCE(err)) {
			vdpasim_vq_error(sim, cvq, err);
			return;
		}
	}
	vdpasim_net_announce(net);
}

/*
 * The data queues: the core adds the control queue and its group, which a
 * VMM may move to our second address space.
 */
static const struct vdpasim_class vdpasim_net_class = {
	.device_id	= VIRTIO_ID_NET,
	.ngroups	= 1,
	.nas		= 2,
	.config_size	= sizeof(struct virtio_net_config),
	.run_size	= sizeof(struct vdpasim_net_run),
	.work		= vdpasim_net_work,
	.set_config	= vdpasim_net_set_config,
	.get_vq_stats	= vdpasim_net_get_vq_stats,
	.reset		= vdpasim_net_reset,
	.start		= vdpasim_net_start,
};

/* Our own control queue, in a group of its own, with a space for it. */
static const struct vdpasim_class vdpasim_net_hwcvq_class = {
	.device_id	= VIRTIO_ID_NET,
	.ngroups	= 2,
	.nas		= 2,
	.config_size	= sizeof(struct virtio_net_config),
	.run_size	= sizeof(struct vdpasim_net_run),
	.work		= vdpasim_net_work,
	.set_config	= vdpasim_net_set_config,
	.get_vq_group	= vdpasim_net_get_vq_group,
	.get_vq_stats	= vdpasim_net_get_vq_stats,
	.reset		= vdpasim_net_reset,
	.start		= vdpasim_net_start,
};

static struct vdpa_mgmt_dev vdpasim_net_hwcvq_mgmt;

static int vdpasim_net_check_mac(const u8 *mac, struct netlink_ext_ack *extack)
{
	if (!is_valid_ether_addr(mac)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "MAC address must be unicast and not all zeros");
		return -EINVAL;
	}
	return 0;
}

static int vdpasim_net_check_mtu(u16 mtu, struct netlink_ext_ack *extack)
{
	if (mtu < ETH_MIN_MTU || mtu > VDPASIM_NET_MAX_MTU) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "MTU %u out of range %u..%u", mtu,
				       ETH_MIN_MTU, VDPASIM_NET_MAX_MTU);
		return -ERANGE;
	}
	return 0;
}

static int vdpasim_net_check_vqp(u16 max_vqp, u64 features,
				 struct netlink_ext_ack *extack)
{
	u64 mq = BIT_ULL(VIRTIO_NET_F_CTRL_VQ) | BIT_ULL(VIRTIO_NET_F_MQ);

	if (max_vqp < 1 || max_vqp > VDPASIM_NET_MAX_VQP) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "max_vqp %u out of range 1..%u",
				       max_vqp, VDPASIM_NET_MAX_VQP);
		return -ERANGE;
	}
	if (max_vqp > 1 && (features & mq) != mq) {
		NL_SET_ERR_MSG_MOD(extack,
				   "more than one queue pair needs the CTRL_VQ and MQ features");
		return -EINVAL;
	}
	return 0;
}

/* The simulator's queues: the pairs, and its own control queue if any. */
static u32 vdpasim_net_nvqs(const struct vdpasim_net *net, u16 max_vqp)
{
	return 2 * max_vqp + net->own_cvq;
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
	bool has_cvq, own_cvq;
	int err;

	/* within supported_features, with required_features: the core checked */
	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_FEATURES))
		features = config->device_features;
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
		err = vdpasim_net_check_mtu(mtu, extack);
		if (err)
			return err;
	}
	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP))
		max_vqp = config->net.max_vq_pairs;
	err = vdpasim_net_check_vqp(max_vqp, features, extack);
	if (err)
		return err;
	has_cvq = features & BIT_ULL(VIRTIO_NET_F_CTRL_VQ);
	/* Each is a control command (GUEST_ANNOUNCE: its acknowledgment). */
	if ((features & VDPASIM_NET_CTRL_FEATURES) && !has_cvq) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "features 0x%llx need the CTRL_VQ feature",
				       features & VDPASIM_NET_CTRL_FEATURES);
		return -EINVAL;
	}
	if ((features & BIT_ULL(VIRTIO_NET_F_CTRL_RX_EXTRA)) &&
	    !(features & BIT_ULL(VIRTIO_NET_F_CTRL_RX))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the CTRL_RX_EXTRA feature needs the CTRL_RX feature");
		return -EINVAL;
	}

	own_cvq = has_cvq && mdev == &vdpasim_net_hwcvq_mgmt;
	sim = vdpasim_create(own_cvq ? &vdpasim_net_hwcvq_class :
			     &vdpasim_net_class, mdev, name, sizeof(*net),
			     2 * max_vqp + own_cvq, features);
	if (IS_ERR(sim))
		return PTR_ERR(sim);
	net = sim_to_net(sim);
	sim->config = &net->config;
	net->max_vqp = max_vqp;
	net->active_vqp = 1;
	net->own_cvq = own_cvq;
	if (has_cvq && !own_cvq) {
		err = vdpa_net_add_ctrlq(&sim->vdpa, &vdpasim_net_core_ctrl_ops,
					 max_vqp);
		if (err) {
			put_device(&sim->vdpa.dev);
			return err;
		}
	}
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

/*
 * New queue pairs, with the device lock held: the counters of the queues
 * that stay are kept, the control queue's move with it.
 */
static int vdpasim_net_resize(struct vdpasim_net *net, u16 max_vqp,
			      struct vdpasim_net_qstats *stats)
{
	struct vdpasim *sim = &net->sim;
	u16 keep = 2 * min(max_vqp, net->max_vqp);
	int err;

	err = vdpasim_set_nvqs(sim, vdpasim_net_nvqs(net, max_vqp));
	if (err)
		return err;
	memcpy(stats, net->stats, keep * sizeof(*stats));
	if (net->own_cvq)
		stats[2 * max_vqp] = *vdpasim_net_cvq_stats(net);
	swap(net->stats, stats);
	kfree(stats);
	net->max_vqp = max_vqp;
	net->config.max_virtqueue_pairs = vdpasim_net_cpu_to_le16(max_vqp);
	return 0;
}

/*
 * The MAC changes at any time (the driver is told); the MTU and the queue
 * pairs only while no driver uses the device, since a driver reads them
 * once, and the pairs only with no bus driver bound, since they change the
 * number of queues a bus driver sizes itself by.
 */
static int vdpasim_net_dev_set_attr(struct vdpa_mgmt_dev *mdev,
				    struct vdpa_device *vdpa,
				    const struct vdpa_dev_set_config *config,
				    struct netlink_ext_ack *extack)
{
	const u64 mtu = BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU);
	const u64 vqp = BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP);
	const u64 mac = BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR);
	struct vdpasim *sim = vdpa_to_sim(vdpa);
	struct vdpasim_net *net = sim_to_net(sim);
	struct vdpasim_net_qstats *stats = NULL;
	u64 mask = config->mask;
	u16 pairs = 0;
	int err;

	if (mask & ~(mtu | vqp | mac)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "only the MAC address, MTU and max_vqp can be changed");
		return -EOPNOTSUPP;
	}
	err = mask & mac ? vdpasim_net_check_mac(config->net.mac, extack) : 0;
	if (!err && (mask & mtu))
		err = vdpasim_net_check_mtu(config->net.mtu, extack);
	if (!err && (mask & vqp)) {
		pairs = config->net.max_vq_pairs;
		err = vdpasim_net_check_vqp(pairs, sim->features, extack);
	}
	if (err)
		return err;

	if (pairs) {
		stats = kcalloc(vdpasim_net_nvqs(net, pairs), sizeof(*stats),
				GFP_KERNEL);
		if (!stats)
			return -ENOMEM;
		device_lock(&vdpa->dev);
		if (vdpa->dev.driver) {
			/* Formatted messages stop at 80 bytes: keep it short. */
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "max_vqp changes the queues: unbind %s first",
					       vdpa->dev.driver->name);
			err = -EBUSY;
			goto unlock_dev;
		}
	}
	mutex_lock(&sim->lock);
	if ((mask & (mtu | vqp)) && sim->status) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the MTU and max_vqp change only while no driver uses the device");
		err = -EBUSY;
		goto unlock;
	}
	if (pairs) {
		err = vdpasim_net_resize(net, pairs, stats);
		if (err)
			goto unlock;
		stats = NULL;
	}
	if (mask & mtu)
		net->config.mtu = vdpasim_net_cpu_to_le16(config->net.mtu);
	if (mask & mac)
		ether_addr_copy(net->config.mac, config->net.mac);
	vdpasim_config_changed(sim);
unlock:
	mutex_unlock(&sim->lock);
	if (!err && pairs)
		vdpa_set_nvqs(vdpa, vdpasim_net_nvqs(net, pairs));
unlock_dev:
	if (mask & vqp)
		device_unlock(&vdpa->dev);
	kfree(stats);
	return err;
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

#define VDPASIM_NET_MGMT						\
	.ops			= &vdpasim_net_mgmt_ops,		\
	.id_table		= vdpasim_net_id_table,			\
	.config_attr_mask	= BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR) |	\
				  BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU) |	\
				  BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP) |	\
				  BIT_ULL(VDPA_ATTR_DEV_FEATURES),	\
	.supported_features	= VDPASIM_NET_SUPPORTED,		\
	.required_features	= VDPASIM_NET_REQUIRED,			\
	.max_supported_vqs	= 2 * VDPASIM_NET_MAX_VQP + 1

/* The control queue is the core's. */
static struct vdpa_mgmt_dev vdpasim_net_mgmt = {
	VDPASIM_NET_MGMT
};

/* The control queue is the simulator's own. */
static struct vdpa_mgmt_dev vdpasim_net_hwcvq_mgmt = {
	VDPASIM_NET_MGMT
};

static int __init vdpasim_net_init(void)
{
	int err;

	static_assert(offsetof(struct vdpasim_net, sim) == 0);
	/* Every control feature we offer is one the decoder can serve. */
	if (WARN_ON(VDPASIM_NET_CTRL_FEATURES &
		    ~vdpa_net_ctrl_features(&vdpasim_net_ctrl_ops)))
		return -EINVAL;
	err = vdpasim_mgmt_register(&vdpasim_net_mgmt, "vdpasim_net");
	if (err)
		return err;
	err = vdpasim_mgmt_register(&vdpasim_net_hwcvq_mgmt,
				    "vdpasim_net_hwcvq");
	if (err)
		vdpasim_mgmt_unregister(&vdpasim_net_mgmt);
	return err;
}

static void __exit vdpasim_net_exit(void)
{
	vdpasim_mgmt_unregister(&vdpasim_net_hwcvq_mgmt);
	vdpasim_mgmt_unregister(&vdpasim_net_mgmt);
}

module_init(vdpasim_net_init);
module_exit(vdpasim_net_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vDPA simulator: loopback virtio-net device");
