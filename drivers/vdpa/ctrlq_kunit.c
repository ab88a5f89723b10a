// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the control queue the core presents (drivers/vdpa/ctrlq.c).
 *
 * A mock net parent with two address spaces and no control queue records
 * what reaches it. The tests play the bus driver: they map kernel memory
 * into an address space, lay a control queue out in it, start the device
 * and check which operations the parent saw, what the core answered, and
 * that the queue reaches only what is mapped.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/slab.h>
#include <linux/vdpa.h>
#include <linux/vdpa_net_ctrl.h>
#include <linux/virtio_byteorder.h>
#include <uapi/linux/vhost_types.h>
#include <uapi/linux/virtio_config.h>
#include <uapi/linux/virtio_ids.h>
#include <uapi/linux/virtio_net.h>
#include <uapi/linux/virtio_ring.h>

#define PAIRS		2
#define CVQ		(2 * PAIRS)
#define QNUM		8
#define IOVA		0x40000000ULL
#define MEM_SIZE	(4 * PAGE_SIZE)
/* Layout of the mapped memory. */
#define AT_DESC		0
#define AT_AVAIL	PAGE_SIZE
#define AT_USED		(2 * PAGE_SIZE)
#define AT_CMD		(3 * PAGE_SIZE)
#define AT_ACK		(3 * PAGE_SIZE + 512)

#define FEATURES	(BIT_ULL(VIRTIO_F_VERSION_1) |			\
			 BIT_ULL(VIRTIO_F_ACCESS_PLATFORM) |		\
			 BIT_ULL(VIRTIO_NET_F_CTRL_VQ) |		\
			 BIT_ULL(VIRTIO_NET_F_CTRL_MAC_ADDR) |		\
			 BIT_ULL(VIRTIO_NET_F_MQ))

struct mock {
	struct vdpa_device vdpa;
	u64 driver_features;
	u8 status;
	u8 mac[ETH_ALEN];
	unsigned int kicks;
	u16 last_kick;
	unsigned int maps;
	unsigned int unmaps;
	unsigned int group_asids;
	int map_err;
};

struct cq_fx {
	struct mock *m;
	struct vdpa_device *vdev;
	u8 *mem;
	struct vring vr;
	u16 avail_idx;
};

static struct mock *to_mock(struct vdpa_device *vdev)
{
	return container_of(vdev, struct mock, vdpa);
}

static int m_set_vq_address(struct vdpa_device *v, u16 idx, u64 d, u64 a,
			    u64 u)
{
	return 0;
}

static void m_set_vq_num(struct vdpa_device *v, u16 idx, u32 num)
{
}

static void m_kick_vq(struct vdpa_device *v, u16 idx)
{
	to_mock(v)->kicks++;
	to_mock(v)->last_kick = idx;
}

static void m_set_vq_cb(struct vdpa_device *v, u16 idx,
			const struct vdpa_callback *cb)
{
}

static void m_set_vq_ready(struct vdpa_device *v, u16 idx, bool ready)
{
}

static bool m_get_vq_ready(struct vdpa_device *v, u16 idx)
{
	return false;
}

static int m_set_vq_state(struct vdpa_device *v, u16 idx,
			  const struct vdpa_vq_state *s)
{
	return 0;
}

static int m_get_vq_state(struct vdpa_device *v, u16 idx,
			  struct vdpa_vq_state *s)
{
	s->split.avail_index = 0;
	return 0;
}

static u32 m_get_vq_align(struct vdpa_device *v)
{
	return PAGE_SIZE;
}

static u16 m_get_vq_num_max(struct vdpa_device *v)
{
	return QNUM;
}

static u64 m_get_device_features(struct vdpa_device *v)
{
	return FEATURES;
}

static int m_set_driver_features(struct vdpa_device *v, u64 f)
{
	to_mock(v)->driver_features = f;
	return 0;
}

static u64 m_get_driver_features(struct vdpa_device *v)
{
	return to_mock(v)->driver_features;
}

static void m_set_config_cb(struct vdpa_device *v,
			    const struct vdpa_callback *cb)
{
}

static u32 m_get_device_id(struct vdpa_device *v)
{
	return VIRTIO_ID_NET;
}

static u32 m_get_vendor_id(struct vdpa_device *v)
{
	return 0;
}

static u8 m_get_status(struct vdpa_device *v)
{
	return to_mock(v)->status;
}

static void m_set_status(struct vdpa_device *v, u8 s)
{
	to_mock(v)->status = s;
}

static int m_reset(struct vdpa_device *v)
{
	to_mock(v)->status = 0;
	to_mock(v)->driver_features = 0;
	return 0;
}

static size_t m_get_config_size(struct vdpa_device *v)
{
	return 0;
}

static void m_get_config(struct vdpa_device *v, unsigned int o, void *b,
			 unsigned int l)
{
}

static void m_set_config(struct vdpa_device *v, unsigned int o,
			 const void *b, unsigned int l)
{
}

static int m_dma_map(struct vdpa_device *v, unsigned int asid, u64 iova,
		     u64 size, u64 pa, u32 perm, void *opaque)
{
	to_mock(v)->maps++;
	return to_mock(v)->map_err;
}

static int m_dma_unmap(struct vdpa_device *v, unsigned int asid, u64 iova,
		       u64 size)
{
	to_mock(v)->unmaps++;
	return 0;
}

static int m_set_group_asid(struct vdpa_device *v, unsigned int group,
			    unsigned int asid)
{
	to_mock(v)->group_asids++;
	return 0;
}

static const struct vdpa_config_ops mock_ops = {
	.set_vq_address = m_set_vq_address,
	.set_vq_num = m_set_vq_num,
	.kick_vq = m_kick_vq,
	.set_vq_cb = m_set_vq_cb,
	.set_vq_ready = m_set_vq_ready,
	.get_vq_ready = m_get_vq_ready,
	.set_vq_state = m_set_vq_state,
	.get_vq_state = m_get_vq_state,
	.get_vq_align = m_get_vq_align,
	.get_vq_num_max = m_get_vq_num_max,
	.get_device_features = m_get_device_features,
	.set_driver_features = m_set_driver_features,
	.get_driver_features = m_get_driver_features,
	.set_config_cb = m_set_config_cb,
	.get_device_id = m_get_device_id,
	.get_vendor_id = m_get_vendor_id,
	.get_status = m_get_status,
	.set_status = m_set_status,
	.reset = m_reset,
	.get_config_size = m_get_config_size,
	.get_config = m_get_config,
	.set_config = m_set_config,
	.dma_map = m_dma_map,
	.dma_unmap = m_dma_unmap,
	.set_group_asid = m_set_group_asid,
};

static int m_set_mac(struct vdpa_device *v, const u8 *mac)
{
	ether_addr_copy(to_mock(v)->mac, mac);
	return 0;
}

static const struct vdpa_net_ctrl_ops mock_net_ops = {
	.set_mac = m_set_mac,
};

static int fx_init(struct kunit *test)
{
	struct cq_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	struct mock *m;

	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->mem = kunit_kzalloc(test, MEM_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx->mem);
	m = vdpa_alloc_device(struct mock, vdpa, NULL, &mock_ops, 1, 2,
			      "kunit-ctrlq", false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(m));
	fx->m = m;
	fx->vdev = &m->vdpa;
	KUNIT_ASSERT_EQ(test, vdpa_net_add_ctrlq(fx->vdev, &mock_net_ops,
						 PAIRS), 0);
	fx->vr.num = QNUM;
	fx->vr.desc = (struct vring_desc *)(fx->mem + AT_DESC);
	fx->vr.avail = (struct vring_avail *)(fx->mem + AT_AVAIL);
	fx->vr.used = (struct vring_used *)(fx->mem + AT_USED);
	test->priv = fx;
	return 0;
}

static void fx_exit(struct kunit *test)
{
	struct cq_fx *fx = test->priv;

	/* Never registered: the last reference frees it, ctrlq and all. */
	fx->vdev->ops->reset(fx->vdev);
	put_device(&fx->vdev->dev);
}

/* The bus driver's part: map the memory, set the queue up, start. */
static void fx_start(struct kunit *test, u64 features)
{
	struct cq_fx *fx = test->priv;
	const struct vdpa_config_ops *ops = fx->vdev->ops;
	u16 cvq = features & BIT_ULL(VIRTIO_NET_F_MQ) ? CVQ : 2;

	KUNIT_ASSERT_EQ(test, ops->dma_map(fx->vdev, 0, IOVA, MEM_SIZE,
					   virt_to_phys(fx->mem),
					   VHOST_ACCESS_RW, NULL), 0);
	KUNIT_ASSERT_EQ(test, ops->set_driver_features(fx->vdev, features), 0);
	ops->set_vq_num(fx->vdev, cvq, QNUM);
	KUNIT_ASSERT_EQ(test, ops->set_vq_address(fx->vdev, cvq, IOVA + AT_DESC,
						  IOVA + AT_AVAIL,
						  IOVA + AT_USED), 0);
	ops->set_vq_ready(fx->vdev, cvq, true);
	ops->set_status(fx->vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
			VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
			VIRTIO_CONFIG_S_DRIVER_OK);
}

static void set_desc(struct vring_desc *d, u64 addr, u32 len, u16 flags,
		     u16 next)
{
	d->addr = __cpu_to_virtio64(true, addr);
	d->len = __cpu_to_virtio32(true, len);
	d->flags = __cpu_to_virtio16(true, flags);
	d->next = __cpu_to_virtio16(true, next);
}

/* Make MAC_ADDR_SET of @mac available on the queue at @cvq and kick it. */
static void send_mac(struct cq_fx *fx, u16 cvq, const u8 *mac)
{
	u8 *cmd = fx->mem + AT_CMD;

	cmd[0] = VIRTIO_NET_CTRL_MAC;
	cmd[1] = VIRTIO_NET_CTRL_MAC_ADDR_SET;
	ether_addr_copy(cmd + 2, mac);
	fx->mem[AT_ACK] = 0xee;
	set_desc(&fx->vr.desc[0], IOVA + AT_CMD, 2 + ETH_ALEN,
		 VRING_DESC_F_NEXT, 1);
	set_desc(&fx->vr.desc[1], IOVA + AT_ACK, 1, VRING_DESC_F_WRITE, 0);
	fx->vr.avail->ring[fx->avail_idx % QNUM] = 0;
	fx->avail_idx++;
	/* The ring entry before the index that publishes it. */
	smp_wmb();
	fx->vr.avail->idx = __cpu_to_virtio16(true, fx->avail_idx);
	fx->vdev->ops->kick_vq(fx->vdev, cvq);
}

/* The used index reached @n, or the device gave up (NEEDS_RESET). */
static bool wait_used(struct cq_fx *fx, u16 n)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (__virtio16_to_cpu(true, READ_ONCE(fx->vr.used->idx)) >= n)
			return true;
		if (fx->vdev->ops->get_status(fx->vdev) &
		    VIRTIO_CONFIG_S_NEEDS_RESET)
			return false;
		msleep(20);
	}
	return false;
}

static void ctrlq_test_shape(struct kunit *test)
{
	struct cq_fx *fx = test->priv;
	const struct vdpa_config_ops *ops = fx->vdev->ops;

	/* One more group, the last, for the control queue; spaces as they are */
	KUNIT_EXPECT_EQ(test, fx->vdev->ngroups, 2);
	KUNIT_EXPECT_EQ(test, fx->vdev->nas, 2);
	KUNIT_EXPECT_PTR_EQ(test, fx->vdev->parent_ops, &mock_ops);
	/* Before features, and with MQ, the queue follows the last pair. */
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(fx->vdev, CVQ), 1);
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(fx->vdev, 2), 0);
	KUNIT_ASSERT_EQ(test, ops->set_driver_features(fx->vdev, FEATURES), 0);
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(fx->vdev, CVQ), 1);
	/* Without MQ the driver has one pair, and the queue is at 2. */
	KUNIT_ASSERT_EQ(test, ops->set_driver_features(fx->vdev, FEATURES &
					~BIT_ULL(VIRTIO_NET_F_MQ)), 0);
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(fx->vdev, 2), 1);
	KUNIT_EXPECT_EQ(test, ops->get_vq_group(fx->vdev, CVQ), 0);
	/* Parent features pass through untouched. */
	KUNIT_EXPECT_EQ(test, fx->m->driver_features,
			FEATURES & ~BIT_ULL(VIRTIO_NET_F_MQ));
}

static void ctrlq_test_routing(struct kunit *test)
{
	struct cq_fx *fx = test->priv;
	const struct vdpa_config_ops *ops = fx->vdev->ops;

	ops->kick_vq(fx->vdev, 1);
	KUNIT_EXPECT_EQ(test, fx->m->kicks, 1);
	KUNIT_EXPECT_EQ(test, fx->m->last_kick, 1);
	ops->kick_vq(fx->vdev, CVQ);
	KUNIT_EXPECT_EQ(test, fx->m->kicks, 1);

	/* Our group moves without the parent; the parent's go to it. */
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(fx->vdev, 1, 1), 0);
	KUNIT_EXPECT_EQ(test, fx->m->group_asids, 0);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(fx->vdev, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, fx->m->group_asids, 1);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(fx->vdev, 2, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(fx->vdev, 1, 2), -EINVAL);
}

static void ctrlq_test_command(struct kunit *test)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x4b, 0x55, 0, 0, 7 };
	struct cq_fx *fx = test->priv;

	fx_start(test, FEATURES);
	KUNIT_EXPECT_EQ(test, fx->m->maps, 1);
	send_mac(fx, CVQ, mac);
	KUNIT_ASSERT_TRUE(test, wait_used(fx, 1));
	KUNIT_EXPECT_EQ(test, fx->mem[AT_ACK], VIRTIO_NET_OK);
	KUNIT_EXPECT_MEMEQ(test, fx->m->mac, mac, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, __virtio32_to_cpu(true, fx->vr.used->ring[0].len),
			1);

	/* A reset forgets the run: the queue is off, the index is back. */
	KUNIT_EXPECT_EQ(test, fx->vdev->ops->reset(fx->vdev), 0);
	KUNIT_EXPECT_FALSE(test, fx->vdev->ops->get_vq_ready(fx->vdev, CVQ));
	KUNIT_EXPECT_EQ(test, fx->vdev->ops->get_vq_group(fx->vdev, CVQ), 1);
}

static void ctrlq_test_unmapped(struct kunit *test)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x4b, 0x55, 0, 0, 8 };
	struct cq_fx *fx = test->priv;

	fx_start(test, FEATURES & ~BIT_ULL(VIRTIO_NET_F_MQ));
	/* The owner takes the memory back: the queue must not reach it. */
	KUNIT_EXPECT_EQ(test, fx->vdev->ops->dma_unmap(fx->vdev, 0, IOVA,
						       MEM_SIZE), 0);
	KUNIT_EXPECT_EQ(test, fx->m->unmaps, 1);
	send_mac(fx, 2, mac);
	KUNIT_EXPECT_FALSE(test, wait_used(fx, 1));
	KUNIT_EXPECT_TRUE(test, fx->vdev->ops->get_status(fx->vdev) &
			  VIRTIO_CONFIG_S_NEEDS_RESET);
	KUNIT_EXPECT_EQ(test, fx->mem[AT_ACK], 0xee);
	KUNIT_EXPECT_TRUE(test, is_zero_ether_addr(fx->m->mac));
}

static void ctrlq_test_map_failure(struct kunit *test)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x4b, 0x55, 0, 0, 9 };
	const struct vdpa_config_ops *ops;
	struct cq_fx *fx = test->priv;

	ops = fx->vdev->ops;
	/* The parent refuses the map: nothing of it stays with the core. */
	fx->m->map_err = -ENOMEM;
	KUNIT_EXPECT_EQ(test, ops->dma_map(fx->vdev, 0, IOVA, MEM_SIZE,
					   virt_to_phys(fx->mem),
					   VHOST_ACCESS_RW, NULL), -ENOMEM);
	KUNIT_ASSERT_EQ(test, ops->set_driver_features(fx->vdev, FEATURES), 0);
	ops->set_vq_num(fx->vdev, CVQ, QNUM);
	ops->set_vq_address(fx->vdev, CVQ, IOVA + AT_DESC, IOVA + AT_AVAIL,
			    IOVA + AT_USED);
	ops->set_vq_ready(fx->vdev, CVQ, true);
	ops->set_status(fx->vdev, VIRTIO_CONFIG_S_FEATURES_OK |
			VIRTIO_CONFIG_S_DRIVER_OK);
	send_mac(fx, CVQ, mac);
	KUNIT_EXPECT_FALSE(test, wait_used(fx, 1));
	KUNIT_EXPECT_EQ(test, fx->mem[AT_ACK], 0xee);
	KUNIT_EXPECT_TRUE(test, is_zero_ether_addr(fx->m->mac));
}

static struct kunit_case ctrlq_cases[] = {
	KUNIT_CASE(ctrlq_test_shape),
	KUNIT_CASE(ctrlq_test_routing),
	KUNIT_CASE(ctrlq_test_command),
	KUNIT_CASE(ctrlq_test_unmapped),
	KUNIT_CASE(ctrlq_test_map_failure),
	{}
};

static struct kunit_suite ctrlq_suite = {
	.name = "vdpa_ctrlq",
	.init = fx_init,
	.exit = fx_exit,
	.test_cases = ctrlq_cases,
};

kunit_test_suite(ctrlq_suite);

MODULE_DESCRIPTION("KUnit tests for the control queue the vDPA core presents");
MODULE_LICENSE("GPL");
