// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the virtio-net control command decoder
 * (drivers/vdpa/net_ctrl.c).
 *
 * Each test plays the driver: it writes a command into kernel memory,
 * makes it available on a split ring reached through an identity table,
 * and checks the answer the decoder wrote and what it asked of a parent
 * that only records the calls.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/slab.h>
#include <linux/vdpa_devring.h>
#include <linux/vdpa_iotlb.h>
#include <linux/vdpa_net_ctrl.h>
#include <linux/virtio_byteorder.h>
#include <uapi/linux/virtio_net.h>
#include <uapi/linux/virtio_ring.h>

#define FX_NUM		8
#define FX_DESC		0
#define FX_AVAIL	PAGE_SIZE
#define FX_USED		(2 * PAGE_SIZE)
#define FX_OUT		(3 * PAGE_SIZE)
#define FX_ACK		(4 * PAGE_SIZE)
#define FX_SIZE		(5 * PAGE_SIZE)

#define ALL_FEATURES	(BIT_ULL(VIRTIO_F_VERSION_1) |			\
			 BIT_ULL(VIRTIO_NET_F_CTRL_VQ) |		\
			 BIT_ULL(VIRTIO_NET_F_CTRL_RX) |		\
			 BIT_ULL(VIRTIO_NET_F_CTRL_RX_EXTRA) |		\
			 BIT_ULL(VIRTIO_NET_F_CTRL_VLAN) |		\
			 BIT_ULL(VIRTIO_NET_F_CTRL_MAC_ADDR) |		\
			 BIT_ULL(VIRTIO_NET_F_MQ) |			\
			 BIT_ULL(VIRTIO_NET_F_GUEST_ANNOUNCE))
#define MAX_PAIRS	4

/* A parent that records what it was asked, and fails when told to. */
struct mock_parent {
	struct vdpa_device vdev;
	int fail;
	unsigned int calls;
	u8 mac[ETH_ALEN];
	struct vdpa_net_rx_filter filter;
	u16 vid;
	bool vlan_add;
	u16 pairs;
	bool announced;
};

struct ctrl_fx {
	struct mock_parent parent;
	struct vdpa_net_ctrl ctl;
	struct vdpa_iotlb iotlb;
	struct vdpa_devring ring;
	struct vdpa_devring_seg segs[4];
	struct vdpa_devring_chain chain;
	struct vring vr;
	u8 *mem;
	u16 avail_idx;
};

static struct mock_parent *to_mock(struct vdpa_device *vdev)
{
	return container_of(vdev, struct mock_parent, vdev);
}

static int mock_set_mac(struct vdpa_device *vdev, const u8 *mac)
{
	struct mock_parent *m = to_mock(vdev);

	m->calls++;
	if (!m->fail)
		ether_addr_copy(m->mac, mac);
	return m->fail;
}

static int mock_set_rx_filter(struct vdpa_device *vdev,
			      const struct vdpa_net_rx_filter *filter)
{
	struct mock_parent *m = to_mock(vdev);

	m->calls++;
	if (!m->fail)
		m->filter = *filter;
	return m->fail;
}

static int mock_set_vlan(struct vdpa_device *vdev, u16 vid, bool add)
{
	struct mock_parent *m = to_mock(vdev);

	m->calls++;
	m->vid = vid;
	m->vlan_add = add;
	return m->fail;
}

static int mock_set_queue_pairs(struct vdpa_device *vdev, u16 pairs)
{
	struct mock_parent *m = to_mock(vdev);

	m->calls++;
	m->pairs = pairs;
	return m->fail;
}

static int mock_announce_ack(struct vdpa_device *vdev)
{
	struct mock_parent *m = to_mock(vdev);

	m->calls++;
	m->announced = true;
	return m->fail;
}

static const struct vdpa_net_ctrl_ops mock_ops = {
	.set_mac		= mock_set_mac,
	.set_rx_filter		= mock_set_rx_filter,
	.set_vlan		= mock_set_vlan,
	.set_queue_pairs	= mock_set_queue_pairs,
	.announce_ack		= mock_announce_ack,
};

static void fx_begin(struct kunit *test, u64 features)
{
	struct ctrl_fx *fx = test->priv;
	u64 base = virt_to_phys(fx->mem);

	fx->avail_idx = 0;
	fx->vr.avail->idx = 0;
	KUNIT_ASSERT_EQ(test, vdpa_devring_init(&fx->ring, &fx->iotlb,
						features, FX_NUM,
						base + FX_DESC,
						base + FX_AVAIL,
						base + FX_USED, 0), 0);
	KUNIT_ASSERT_EQ(test, vdpa_net_ctrl_start(&fx->ctl, &fx->parent.vdev,
						  &mock_ops, features,
						  MAX_PAIRS), 0);
	fx->parent.calls = 0;
}

static int fx_init(struct kunit *test)
{
	struct ctrl_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->mem = kunit_kzalloc(test, FX_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx->mem);
	vdpa_iotlb_init(&fx->iotlb, 0, NULL);
	vdpa_iotlb_set_identity(&fx->iotlb, true);
	fx->vr.num = FX_NUM;
	fx->vr.desc = (struct vring_desc *)(fx->mem + FX_DESC);
	fx->vr.avail = (struct vring_avail *)(fx->mem + FX_AVAIL);
	fx->vr.used = (struct vring_used *)(fx->mem + FX_USED);
	fx->chain.segs = fx->segs;
	fx->chain.max_segs = ARRAY_SIZE(fx->segs);
	test->priv = fx;
	fx_begin(test, ALL_FEATURES);
	return 0;
}

static void fx_exit(struct kunit *test)
{
	struct ctrl_fx *fx = test->priv;

	vdpa_iotlb_clear(&fx->iotlb);
}

static void set_desc(struct vring_desc *d, u64 addr, u32 len, u16 flags,
		     u16 next)
{
	d->addr = __cpu_to_virtio64(true, addr);
	d->len = __cpu_to_virtio32(true, len);
	d->flags = __cpu_to_virtio16(true, flags);
	d->next = __cpu_to_virtio16(true, next);
}

/*
 * The driver sends @len bytes of @cmd with @ack_len writable bytes for the
 * answer; returns what vdpa_net_ctrl_handle() returned. The answer byte
 * starts as 0xee, so an unwritten one shows.
 */
static int send(struct kunit *test, const void *cmd, size_t len, u32 ack_len)
{
	struct ctrl_fx *fx = test->priv;
	u64 base = virt_to_phys(fx->mem);

	KUNIT_ASSERT_LE(test, len, (size_t)PAGE_SIZE);
	memcpy(fx->mem + FX_OUT, cmd, len);
	fx->mem[FX_ACK] = 0xee;
	set_desc(&fx->vr.desc[0], base + FX_OUT, len,
		 ack_len ? VRING_DESC_F_NEXT : 0, 1);
	set_desc(&fx->vr.desc[1], base + FX_ACK, ack_len, VRING_DESC_F_WRITE,
		 0);
	fx->vr.avail->ring[fx->avail_idx % FX_NUM] = 0;
	fx->avail_idx++;
	fx->vr.avail->idx = __cpu_to_virtio16(true, fx->avail_idx);

	KUNIT_ASSERT_EQ(test, vdpa_devring_fetch(&fx->ring, &fx->chain), 1);
	return vdpa_net_ctrl_handle(&fx->ctl, &fx->ring, &fx->chain);
}

/* @cmd is answered @ack, and the answer is in the driver's byte. */
static void expect_ack(struct kunit *test, const void *cmd, size_t len,
		       int ack)
{
	struct ctrl_fx *fx = test->priv;

	KUNIT_EXPECT_EQ(test, send(test, cmd, len, 1), ack);
	KUNIT_EXPECT_EQ(test, fx->mem[FX_ACK], ack);
}

static void net_ctrl_test_features(struct kunit *test)
{
	static const struct vdpa_net_ctrl_ops mac_only = {
		.set_mac = mock_set_mac,
	};

	KUNIT_EXPECT_EQ(test, vdpa_net_ctrl_features(&mock_ops),
			ALL_FEATURES & ~BIT_ULL(VIRTIO_F_VERSION_1));
	KUNIT_EXPECT_EQ(test, vdpa_net_ctrl_features(&mac_only),
			BIT_ULL(VIRTIO_NET_F_CTRL_VQ) |
			BIT_ULL(VIRTIO_NET_F_CTRL_MAC_ADDR));
}

static void net_ctrl_test_start(struct kunit *test)
{
	struct ctrl_fx *fx = test->priv;
	struct mock_parent *m = &fx->parent;

	/* With CTRL_RX the parent starts promiscuous, told so once. */
	KUNIT_ASSERT_EQ(test, vdpa_net_ctrl_start(&fx->ctl, &m->vdev,
						  &mock_ops, ALL_FEATURES,
						  MAX_PAIRS), 0);
	KUNIT_EXPECT_EQ(test, m->calls, 1);
	KUNIT_EXPECT_TRUE(test, m->filter.promisc);
	KUNIT_EXPECT_EQ(test, m->filter.uc_count, 0);

	m->calls = 0;
	KUNIT_ASSERT_EQ(test, vdpa_net_ctrl_start(&fx->ctl, &m->vdev,
						  &mock_ops,
						  BIT_ULL(VIRTIO_F_VERSION_1) |
						  BIT_ULL(VIRTIO_NET_F_CTRL_VQ),
						  1), 0);
	KUNIT_EXPECT_EQ(test, m->calls, 0);

	m->fail = -EIO;
	KUNIT_EXPECT_EQ(test, vdpa_net_ctrl_start(&fx->ctl, &m->vdev,
						  &mock_ops, ALL_FEATURES,
						  MAX_PAIRS), -EIO);
}

static void net_ctrl_test_mac_addr(struct kunit *test)
{
	struct ctrl_fx *fx = test->priv;
	struct mock_parent *m = &fx->parent;
	u8 cmd[2 + ETH_ALEN + 1] = { VIRTIO_NET_CTRL_MAC,
				     VIRTIO_NET_CTRL_MAC_ADDR_SET,
				     0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

	expect_ack(test, cmd, 2 + ETH_ALEN, VIRTIO_NET_OK);
	KUNIT_EXPECT_MEMEQ(test, m->mac, cmd + 2, ETH_ALEN);

	/* short, long, multicast, zero: never reach the parent */
	m->calls = 0;
	expect_ack(test, cmd, 2 + ETH_ALEN - 1, VIRTIO_NET_ERR);
	expect_ack(test, cmd, 2 + ETH_ALEN + 1, VIRTIO_NET_ERR);
	cmd[2] = 0x03;
	expect_ack(test, cmd, 2 + ETH_ALEN, VIRTIO_NET_ERR);
	memset(cmd + 2, 0, ETH_ALEN);
	expect_ack(test, cmd, 2 + ETH_ALEN, VIRTIO_NET_ERR);
	KUNIT_EXPECT_EQ(test, m->calls, 0);

	/* the parent's refusal is the driver's error */
	cmd[2] = 0x02;
	m->fail = -EBUSY;
	expect_ack(test, cmd, 2 + ETH_ALEN, VIRTIO_NET_ERR);
	KUNIT_EXPECT_EQ(test, m->calls, 1);

	/* not without its feature */
	m->fail = 0;
	m->calls = 0;
	fx_begin(test, ALL_FEATURES & ~BIT_ULL(VIRTIO_NET_F_CTRL_MAC_ADDR));
	expect_ack(test, cmd, 2 + ETH_ALEN, VIRTIO_NET_ERR);
	KUNIT_EXPECT_EQ(test, m->calls, 0);
}

static void net_ctrl_test_rx_mode(struct kunit *test)
{
	struct ctrl_fx *fx = test->priv;
	struct mock_parent *m = &fx->parent;
	u8 cmd[4] = { VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, 0 };

	expect_ack(test, cmd, 3, VIRTIO_NET_OK);
	KUNIT_EXPECT_FALSE(test, m->filter.promisc);
	cmd[1] = VIRTIO_NET_CTRL_RX_ALLMULTI;
	cmd[2] = 1;
	expect_ack(test, cmd, 3, VIRTIO_NET_OK);
	KUNIT_EXPECT_TRUE(test, m->filter.allmulti);
	cmd[1] = VIRTIO_NET_CTRL_RX_NOBCAST;
	expect_ack(test, cmd, 3, VIRTIO_NET_OK);
	KUNIT_EXPECT_TRUE(test, m->filter.nobcast);
	/* the parent gets the whole filter: earlier modes stay */
	KUNIT_EXPECT_TRUE(test, m->filter.allmulti);
	KUNIT_EXPECT_FALSE(test, m->filter.promisc);

	/* a value other than 0 or 1, a missing or extra byte, a bad mode */
	m->calls = 0;
	cmd[2] = 2;
	expect_ack(test, cmd, 3, VIRTIO_NET_ERR);
	cmd[2] = 1;
	expect_ack(test, cmd, 2, VIRTIO_NET_ERR);
	expect_ack(test, cmd, 4, VIRTIO_NET_ERR);
	cmd[1] = VIRTIO_NET_CTRL_RX_NOBCAST + 1;
	expect_ack(test, cmd, 3, VIRTIO_NET_ERR);
	KUNIT_EXPECT_EQ(test, m->calls, 0);

	/* a refused change leaves the filter as it was */
	cmd[1] = VIRTIO_NET_CTRL_RX_PROMISC;
	m->fail = -EIO;
	expect_ack(test, cmd, 3, VIRTIO_NET_ERR);
	KUNIT_EXPECT_FALSE(test, fx->ctl.filter.promisc);
	m->fail = 0;

	/* the extra modes need CTRL_RX_EXTRA; PROMISC does not */
	fx_begin(test, ALL_FEATURES & ~BIT_ULL(VIRTIO_NET_F_CTRL_RX_EXTRA));
	cmd[1] = VIRTIO_NET_CTRL_RX_ALLUNI;
	expect_ack(test, cmd, 3, VIRTIO_NET_ERR);
	cmd[1] = VIRTIO_NET_CTRL_RX_PROMISC;
	expect_ack(test, cmd, 3, VIRTIO_NET_OK);
	fx_begin(test, ALL_FEATURES & ~BIT_ULL(VIRTIO_NET_F_CTRL_RX));
	expect_ack(test, cmd, 3, VIRTIO_NET_ERR);
}

/* A MAC_TABLE_SET of @nuc unicast then @nmc multicast addresses. */
static size_t mac_table(u8 *buf, u32 nuc, u32 nmc)
{
	size_t len = 2;
	__le32 n;
	u32 i;

	buf[0] = VIRTIO_NET_CTRL_MAC;
	buf[1] = VIRTIO_NET_CTRL_MAC_TABLE_SET;
	n = cpu_to_le32(nuc);
	memcpy(buf + len, &n, sizeof(n));
	len += sizeof(n);
	for (i = 0; i < nuc; i++, len += ETH_ALEN) {
		static const u8 uc[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0 };

		memcpy(buf + len, uc, ETH_ALEN);
		buf[len + 5] = i + 1;
	}
	n = cpu_to_le32(nmc);
	memcpy(buf + len, &n, sizeof(n));
	len += sizeof(n);
	for (i = 0; i < nmc; i++, len += ETH_ALEN) {
		static const u8 mc[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 0 };

		memcpy(buf + len, mc, ETH_ALEN);
		buf[len + 5] = i + 1;
	}
	return len;
}

static void net_ctrl_test_mac_table(struct kunit *test)
{
	struct ctrl_fx *fx = test->priv;
	struct mock_parent *m = &fx->parent;
	u8 *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = mac_table(buf, 2, 1);
	expect_ack(test, buf, len, VIRTIO_NET_OK);
	KUNIT_EXPECT_EQ(test, m->filter.uc_count, 2);
	KUNIT_EXPECT_EQ(test, m->filter.mc_count, 1);
	KUNIT_EXPECT_EQ(test, m->filter.uc[1][5], 2);
	KUNIT_EXPECT_EQ(test, m->filter.mc[0][0], 0x01);
	KUNIT_EXPECT_FALSE(test, m->filter.uc_overflow);

	/* more than the table holds: the rest are received all the same */
	len = mac_table(buf, VDPA_NET_MAC_TABLE_MAX + 1, 0);
	expect_ack(test, buf, len, VIRTIO_NET_OK);
	KUNIT_EXPECT_EQ(test, m->filter.uc_count, VDPA_NET_MAC_TABLE_MAX);
	KUNIT_EXPECT_TRUE(test, m->filter.uc_overflow);
	KUNIT_EXPECT_EQ(test, m->filter.mc_count, 0);

	/* malformed tables change nothing and reach no parent */
	m->calls = 0;
	len = mac_table(buf, 2, 1);
	expect_ack(test, buf, len - 1, VIRTIO_NET_ERR);	/* short */
	expect_ack(test, buf, len + 1, VIRTIO_NET_ERR);	/* trailing */
	buf[2] = 200;					/* count beyond data */
	expect_ack(test, buf, len, VIRTIO_NET_ERR);
	len = mac_table(buf, 1, 1);
	buf[2 + 4] = 0x01;				/* multicast as unicast */
	expect_ack(test, buf, len, VIRTIO_NET_ERR);
	len = mac_table(buf, 0, 1);
	buf[2 + 4 + 4] = 0x02;				/* unicast as multicast */
	expect_ack(test, buf, len, VIRTIO_NET_ERR);
	KUNIT_EXPECT_EQ(test, m->calls, 0);
	KUNIT_EXPECT_TRUE(test, fx->ctl.filter.uc_overflow);

	/* the table belongs to CTRL_RX */
	fx_begin(test, ALL_FEATURES & ~BIT_ULL(VIRTIO_NET_F_CTRL_RX));
	len = mac_table(buf, 1, 1);
	expect_ack(test, buf, len, VIRTIO_NET_ERR);
}

static void net_ctrl_test_vlan_mq_announce(struct kunit *test)
{
	struct ctrl_fx *fx = test->priv;
	struct mock_parent *m = &fx->parent;
	u8 vlan[5] = { VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD,
		       0x64, 0x00 };
	u8 mq[5] = { VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET,
		     MAX_PAIRS, 0 };
	u8 announce[3] = { VIRTIO_NET_CTRL_ANNOUNCE,
			   VIRTIO_NET_CTRL_ANNOUNCE_ACK };

	expect_ack(test, vlan, 4, VIRTIO_NET_OK);
	KUNIT_EXPECT_EQ(test, m->vid, 100);
	KUNIT_EXPECT_TRUE(test, m->vlan_add);
	vlan[1] = VIRTIO_NET_CTRL_VLAN_DEL;
	expect_ack(test, vlan, 4, VIRTIO_NET_OK);
	KUNIT_EXPECT_FALSE(test, m->vlan_add);
	vlan[2] = 0x00;
	vlan[3] = 0x10;		/* 4096 */
	expect_ack(test, vlan, 4, VIRTIO_NET_ERR);
	expect_ack(test, vlan, 3, VIRTIO_NET_ERR);

	expect_ack(test, mq, 4, VIRTIO_NET_OK);
	KUNIT_EXPECT_EQ(test, m->pairs, MAX_PAIRS);
	mq[2] = MAX_PAIRS + 1;
	expect_ack(test, mq, 4, VIRTIO_NET_ERR);
	mq[2] = 0;
	expect_ack(test, mq, 4, VIRTIO_NET_ERR);
	KUNIT_EXPECT_EQ(test, m->pairs, MAX_PAIRS);

	expect_ack(test, announce, 2, VIRTIO_NET_OK);
	KUNIT_EXPECT_TRUE(test, m->announced);
	expect_ack(test, announce, 3, VIRTIO_NET_ERR);

	/* each needs its feature */
	m->calls = 0;
	fx_begin(test, BIT_ULL(VIRTIO_F_VERSION_1) |
		       BIT_ULL(VIRTIO_NET_F_CTRL_VQ));
	vlan[3] = 0;
	mq[2] = 1;
	expect_ack(test, vlan, 4, VIRTIO_NET_ERR);
	expect_ack(test, mq, 4, VIRTIO_NET_ERR);
	expect_ack(test, announce, 2, VIRTIO_NET_ERR);
	KUNIT_EXPECT_EQ(test, m->calls, 0);
}

static void net_ctrl_test_malformed(struct kunit *test)
{
	struct ctrl_fx *fx = test->priv;
	u8 cmd[8] = { VIRTIO_NET_CTRL_ANNOUNCE, VIRTIO_NET_CTRL_ANNOUNCE_ACK };

	/* no header, half a header, classes and commands nobody knows */
	expect_ack(test, cmd, 0, VIRTIO_NET_ERR);
	expect_ack(test, cmd, 1, VIRTIO_NET_ERR);
	cmd[0] = VIRTIO_NET_CTRL_GUEST_OFFLOADS;
	expect_ack(test, cmd, 2, VIRTIO_NET_ERR);
	cmd[0] = 0xff;
	expect_ack(test, cmd, 2, VIRTIO_NET_ERR);
	cmd[0] = VIRTIO_NET_CTRL_ANNOUNCE;
	cmd[1] = 1;
	expect_ack(test, cmd, 2, VIRTIO_NET_ERR);
	KUNIT_EXPECT_EQ(test, fx->parent.calls, 0);

	/* nowhere to answer: not executed, nothing written */
	cmd[1] = VIRTIO_NET_CTRL_ANNOUNCE_ACK;
	KUNIT_EXPECT_EQ(test, send(test, cmd, 2, 0), VIRTIO_NET_ERR);
	KUNIT_EXPECT_EQ(test, fx->mem[FX_ACK], 0xee);
	KUNIT_EXPECT_EQ(test, fx->parent.calls, 0);

	/* a longer answer buffer: the answer is its first byte */
	KUNIT_EXPECT_EQ(test, send(test, cmd, 2, 4), VIRTIO_NET_OK);
	KUNIT_EXPECT_EQ(test, fx->mem[FX_ACK], VIRTIO_NET_OK);
}

static void net_ctrl_test_unmapped(struct kunit *test)
{
	struct ctrl_fx *fx = test->priv;
	u8 cmd[2] = { VIRTIO_NET_CTRL_ANNOUNCE, VIRTIO_NET_CTRL_ANNOUNCE_ACK };

	KUNIT_ASSERT_EQ(test, send(test, cmd, 2, 1), VIRTIO_NET_OK);
	/* The command's memory goes away under the fetched chain. */
	vdpa_iotlb_set_identity(&fx->iotlb, false);
	KUNIT_EXPECT_LT(test, vdpa_net_ctrl_handle(&fx->ctl, &fx->ring,
						   &fx->chain), 0);
}

static void net_ctrl_test_filter_pass(struct kunit *test)
{
	static const u8 station[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const u8 other[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const u8 listed[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x03 };
	static const u8 mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 0x01 };
	static const u8 mcast2[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 0x02 };
	static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct vdpa_net_rx_filter *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	ether_addr_copy(f->uc[0], listed);
	f->uc_count = 1;
	ether_addr_copy(f->mc[0], mcast);
	f->mc_count = 1;

	KUNIT_EXPECT_TRUE(test, vdpa_net_rx_filter_pass(f, station, station));
	KUNIT_EXPECT_TRUE(test, vdpa_net_rx_filter_pass(f, station, listed));
	KUNIT_EXPECT_FALSE(test, vdpa_net_rx_filter_pass(f, station, other));
	KUNIT_EXPECT_TRUE(test, vdpa_net_rx_filter_pass(f, station, mcast));
	KUNIT_EXPECT_FALSE(test, vdpa_net_rx_filter_pass(f, station, mcast2));
	KUNIT_EXPECT_TRUE(test, vdpa_net_rx_filter_pass(f, station, bcast));

	f->allmulti = true;
	KUNIT_EXPECT_TRUE(test, vdpa_net_rx_filter_pass(f, station, mcast2));
	f->nomulti = true;	/* wins over allmulti */
	KUNIT_EXPECT_FALSE(test, vdpa_net_rx_filter_pass(f, station, mcast));
	f->nobcast = true;
	KUNIT_EXPECT_FALSE(test, vdpa_net_rx_filter_pass(f, station, bcast));
	f->uc_overflow = true;
	KUNIT_EXPECT_TRUE(test, vdpa_net_rx_filter_pass(f, station, other));
	f->nouni = true;	/* even the station address */
	KUNIT_EXPECT_FALSE(test, vdpa_net_rx_filter_pass(f, station, station));
	f->promisc = true;	/* wins over everything */
	KUNIT_EXPECT_TRUE(test, vdpa_net_rx_filter_pass(f, station, station));
	KUNIT_EXPECT_TRUE(test, vdpa_net_rx_filter_pass(f, station, bcast));
	KUNIT_EXPECT_TRUE(test, vdpa_net_rx_filter_pass(f, station, mcast2));
}

static struct kunit_case net_ctrl_cases[] = {
	KUNIT_CASE(net_ctrl_test_features),
	KUNIT_CASE(net_ctrl_test_start),
	KUNIT_CASE(net_ctrl_test_mac_addr),
	KUNIT_CASE(net_ctrl_test_rx_mode),
	KUNIT_CASE(net_ctrl_test_mac_table),
	KUNIT_CASE(net_ctrl_test_vlan_mq_announce),
	KUNIT_CASE(net_ctrl_test_malformed),
	KUNIT_CASE(net_ctrl_test_unmapped),
	KUNIT_CASE(net_ctrl_test_filter_pass),
	{}
};

static struct kunit_suite net_ctrl_suite = {
	.name = "vdpa_net_ctrl",
	.init = fx_init,
	.exit = fx_exit,
	.test_cases = net_ctrl_cases,
};

kunit_test_suite(net_ctrl_suite);

MODULE_DESCRIPTION("KUnit tests for the vDPA virtio-net control decoder");
MODULE_LICENSE("GPL");
