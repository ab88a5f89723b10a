// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the vDPA simulator.
 *
 * vdpa_sim_features drives a device of a minimal class (one echo queue and a
 * writable 16-byte config space) through the operations a bus driver uses:
 * feature negotiation, the status byte, config space, queue state, address
 * spaces and, with rings in kernel memory, the datapath the status gates.
 *
 * vdpa_sim_provision asks the net and block simulators' management devices
 * for devices the way netlink does, checking what they refuse and what the
 * devices they create offer. It skips when those modules are not loaded.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/io.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/vdpa.h>
#include <linux/virtio_byteorder.h>
#include <uapi/linux/vdpa.h>
#include <uapi/linux/virtio_blk.h>
#include <uapi/linux/virtio_config.h>
#include <uapi/linux/virtio_ids.h>
#include <uapi/linux/virtio_net.h>
#include <uapi/linux/virtio_ring.h>

#include "../vdpa_kunit.h"
#include "vdpa_sim.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define SIMT_NVQS	2
#define SIMT_CONFIG	16
#define SIMT_NUM	8
/* device-specific bit 0 and the transport features a driver cares about */
#define SIMT_FEATURES	(BIT_ULL(0) | BIT_ULL(VIRTIO_F_VERSION_1) |	\
			 BIT_ULL(VIRTIO_F_ACCESS_PLATFORM) |		\
			 BIT_ULL(VIRTIO_RING_F_EVENT_IDX) |		\
			 BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC))
#define V1		BIT_ULL(VIRTIO_F_VERSION_1)

#define S_ACK		VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRIVER	VIRTIO_CONFIG_S_DRIVER
#define S_FEATURES_OK	VIRTIO_CONFIG_S_FEATURES_OK
#define S_DRIVER_OK	VIRTIO_CONFIG_S_DRIVER_OK
#define S_NEEDS_RESET	VIRTIO_CONFIG_S_NEEDS_RESET

/* Test memory: descriptors, avail, used, buffers, one page each. */
#define MEM_DESC	(0 * PAGE_SIZE)
#define MEM_AVAIL	(1 * PAGE_SIZE)
#define MEM_USED	(2 * PAGE_SIZE)
#define MEM_DATA	(3 * PAGE_SIZE)
#define MEM_SIZE	(4 * PAGE_SIZE)
#define MEM_IOVA	0x100000000ULL

struct simt {
	struct vdpasim sim;
	u8 config[SIMT_CONFIG];
};

struct simt_ctx {
	struct vdpa_mgmt_dev mgmt;
	struct vdpasim *sim;
	struct vdpa_device *vdpa;
	const struct vdpa_config_ops *ops;
	atomic_t vq_irqs;
	atomic_t config_irqs;
	u8 *mem;
	u64 base;	/* IOVA of mem as the driver gives it to the device */
	struct vring vr;
	u16 avail_idx;
};

/* The class's datapath: complete every buffer of queue 0 unchanged. */
static bool simt_work(struct vdpasim *sim)
{
	struct vdpa_devring_seg segs[4];
	struct vdpa_devring_chain chain = {
		.segs = segs,
		.max_segs = ARRAY_SIZE(segs),
	};
	struct vdpasim_vq *vq = vdpasim_vq_running(sim, 0);
	int ret;

	if (!vq)
		return false;
	while ((ret = vdpa_devring_fetch(&vq->ring, &chain)) > 0) {
		ret = vdpa_devring_complete(&vq->ring, chain.head,
					    chain.out_len);
		if (ret)
			break;
	}
	if (ret < 0) {
		vdpasim_vq_error(sim, vq, ret);
		return false;
	}
	vdpasim_vq_notify(sim, vq);
	return false;
}

static void simt_set_config(struct vdpasim *sim, unsigned int offset,
			    const void *buf, unsigned int len)
{
	memcpy(container_of(sim, struct simt, sim)->config + offset, buf, len);
}

static const struct vdpasim_class simt_class = {
	.device_id	= VIRTIO_ID_NET,
	.ngroups	= 1,
	.nas		= 2,
	.config_size	= SIMT_CONFIG,
	.work		= simt_work,
	.set_config	= simt_set_config,
};

static irqreturn_t simt_vq_irq(void *private)
{
	struct simt_ctx *ctx = private;

	atomic_inc(&ctx->vq_irqs);
	return IRQ_HANDLED;
}

static irqreturn_t simt_config_irq(void *private)
{
	struct simt_ctx *ctx = private;

	atomic_inc(&ctx->config_irqs);
	return IRQ_HANDLED;
}

static void simt_put(void *data)
{
	struct vdpa_device *vdpa = data;

	put_device(&vdpa->dev);
}

static int simt_init(struct kunit *test)
{
	struct simt_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct vdpa_callback cb = {
		.callback = simt_config_irq,
		.private = ctx,
	};
	struct simt *simt;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->mem = kunit_kzalloc(test, MEM_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->mem);
	ctx->mgmt.device = kunit_device_register(test, "vdpa-kunit-sim");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->mgmt.device);

	ctx->sim = vdpasim_create(&simt_class, &ctx->mgmt, "kunit-sim",
				  sizeof(struct simt), SIMT_NVQS,
				  SIMT_FEATURES);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->sim);
	ctx->vdpa = &ctx->sim->vdpa;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, simt_put,
							ctx->vdpa), 0);
	ctx->ops = ctx->vdpa->ops;
	simt = container_of(ctx->sim, struct simt, sim);
	for (i = 0; i < SIMT_CONFIG; i++)
		simt->config[i] = 0xc0 + i;
	ctx->sim->config = simt->config;
	/* The suite plays a DMA API driver: address spaces are identity. */
	WRITE_ONCE(ctx->vdpa->dma_api_bound, true);
	KUNIT_ASSERT_EQ(test, ctx->ops->reset(ctx->vdpa), 0);
	ctx->ops->set_config_cb(ctx->vdpa, &cb);

	/* the driver's view: rings in kernel memory, by physical address */
	ctx->base = virt_to_phys(ctx->mem);
	ctx->vr.num = SIMT_NUM;
	ctx->vr.desc = (struct vring_desc *)(ctx->mem + MEM_DESC);
	ctx->vr.avail = (struct vring_avail *)(ctx->mem + MEM_AVAIL);
	ctx->vr.used = (struct vring_used *)(ctx->mem + MEM_USED);
	test->priv = ctx;
	return 0;
}

static u8 simt_status(struct simt_ctx *ctx)
{
	return ctx->ops->get_status(ctx->vdpa);
}

/* Queue 0 as a driver sets it up: size, rings, callback, enable. */
static void simt_setup_vq(struct simt_ctx *ctx, u32 num, bool ready)
{
	struct vdpa_callback cb = {
		.callback = simt_vq_irq,
		.private = ctx,
	};

	ctx->ops->set_vq_num(ctx->vdpa, 0, num);
	ctx->ops->set_vq_address(ctx->vdpa, 0, ctx->base + MEM_DESC,
				 ctx->base + MEM_AVAIL, ctx->base + MEM_USED);
	ctx->ops->set_vq_cb(ctx->vdpa, 0, &cb);
	if (ready)
		ctx->ops->set_vq_ready(ctx->vdpa, 0, true);
}

/* Negotiate @features; returns the status read back after FEATURES_OK. */
static u8 simt_negotiate(struct kunit *test, struct simt_ctx *ctx,
			 u64 features)
{
	vdpa_set_status(ctx->vdpa, S_ACK);
	vdpa_set_status(ctx->vdpa, S_ACK | S_DRIVER);
	KUNIT_EXPECT_EQ(test, vdpa_set_features(ctx->vdpa, features), 0);
	vdpa_set_status(ctx->vdpa, S_ACK | S_DRIVER | S_FEATURES_OK);
	return simt_status(ctx);
}

static void simt_driver_ok(struct simt_ctx *ctx)
{
	vdpa_set_status(ctx->vdpa,
			S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	flush_work(&ctx->sim->work);
}

/* Make descriptor @head (a @len-byte readable buffer) available. */
static void simt_add_buf(struct simt_ctx *ctx, u16 head, u32 len)
{
	struct vring_desc *d = &ctx->vr.desc[head];

	d->addr = __cpu_to_virtio64(true, ctx->base + MEM_DATA + head * 64);
	d->len = __cpu_to_virtio32(true, len);
	d->flags = 0;
	d->next = 0;
	ctx->vr.avail->ring[ctx->avail_idx & (SIMT_NUM - 1)] =
		__cpu_to_virtio16(true, head);
	ctx->avail_idx++;
	ctx->vr.avail->idx = __cpu_to_virtio16(true, ctx->avail_idx);
}

static void simt_kick(struct simt_ctx *ctx)
{
	ctx->ops->kick_vq(ctx->vdpa, 0);
	flush_work(&ctx->sim->work);
}

static u16 simt_used_idx(struct simt_ctx *ctx)
{
	return __virtio16_to_cpu(true, ctx->vr.used->idx);
}

static u32 simt_used_len(struct simt_ctx *ctx, u16 pos)
{
	return __virtio32_to_cpu(true,
				 ctx->vr.used->ring[pos & (SIMT_NUM - 1)].len);
}

static u16 simt_vq_state(struct kunit *test, struct simt_ctx *ctx)
{
	struct vdpa_vq_state state = {};

	KUNIT_EXPECT_EQ(test, ctx->ops->get_vq_state(ctx->vdpa, 0, &state), 0);
	return state.split.avail_index;
}

static void vdpa_sim_test_device_features(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, ctx->ops->get_device_features(ctx->vdpa),
			SIMT_FEATURES);
	KUNIT_EXPECT_EQ(test, ctx->ops->get_driver_features(ctx->vdpa), 0);
	KUNIT_EXPECT_EQ(test, simt_status(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->ops->get_device_id(ctx->vdpa),
			VIRTIO_ID_NET);
	KUNIT_EXPECT_EQ(test, ctx->ops->get_config_size(ctx->vdpa),
			SIMT_CONFIG);
}

static void vdpa_sim_test_driver_features_subset(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;

	vdpa_set_status(ctx->vdpa, S_ACK | S_DRIVER);
	KUNIT_EXPECT_EQ(test, vdpa_set_features(ctx->vdpa, V1 | BIT_ULL(0)),
			0);
	KUNIT_EXPECT_EQ(test, ctx->ops->get_driver_features(ctx->vdpa),
			V1 | BIT_ULL(0));
	KUNIT_EXPECT_EQ(test, vdpa_set_features(ctx->vdpa, SIMT_FEATURES), 0);
	KUNIT_EXPECT_EQ(test, vdpa_set_features(ctx->vdpa, 0), 0);

	/* anything the device did not offer is refused, and ignored */
	KUNIT_EXPECT_EQ(test, vdpa_set_features(ctx->vdpa, V1), 0);
	KUNIT_EXPECT_EQ(test, vdpa_set_features(ctx->vdpa, V1 | BIT_ULL(1)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vdpa_set_features(ctx->vdpa,
						BIT_ULL(VIRTIO_NET_F_MQ)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vdpa_set_features(ctx->vdpa, ~0ULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->ops->get_driver_features(ctx->vdpa), V1);
}

static void vdpa_sim_test_features_ok_needs_version_1(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;

	/* a legacy driver: FEATURES_OK does not stick */
	KUNIT_EXPECT_EQ(test, simt_negotiate(test, ctx, BIT_ULL(0)),
			S_ACK | S_DRIVER);
	KUNIT_EXPECT_FALSE(test, simt_status(ctx) & S_FEATURES_OK);

	vdpa_set_status(ctx->vdpa, 0);
	KUNIT_EXPECT_EQ(test, simt_negotiate(test, ctx, V1 | BIT_ULL(0)),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	KUNIT_EXPECT_EQ(test, ctx->ops->get_driver_features(ctx->vdpa),
			V1 | BIT_ULL(0));
}

static void vdpa_sim_test_features_ok_after_refusal(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;

	/* features the device refused are not what FEATURES_OK confirms */
	vdpa_set_status(ctx->vdpa, S_ACK | S_DRIVER);
	KUNIT_EXPECT_EQ(test, vdpa_set_features(ctx->vdpa, V1 | BIT_ULL(2)),
			-EINVAL);
	vdpa_set_status(ctx->vdpa, S_ACK | S_DRIVER | S_FEATURES_OK);
	KUNIT_EXPECT_EQ(test, simt_status(ctx), S_ACK | S_DRIVER);
	KUNIT_EXPECT_EQ(test, ctx->ops->get_driver_features(ctx->vdpa), 0);
}

static void vdpa_sim_test_reset(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;
	struct vdpa_vq_state state = { .split.avail_index = 7 };
	int vq_irqs;

	KUNIT_ASSERT_EQ(test, ctx->ops->set_vq_state(ctx->vdpa, 0, &state), 0);
	ctx->avail_idx = 7;
	ctx->vr.avail->idx = __cpu_to_virtio16(true, 7);
	simt_setup_vq(ctx, SIMT_NUM, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_driver_ok(ctx);
	KUNIT_EXPECT_EQ(test, simt_status(ctx),
			S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	vq_irqs = atomic_read(&ctx->vq_irqs);

	/* status 0 is a reset: everything the driver set is forgotten */
	vdpa_set_status(ctx->vdpa, 0);
	KUNIT_EXPECT_EQ(test, simt_status(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->ops->get_driver_features(ctx->vdpa), 0);
	KUNIT_EXPECT_FALSE(test, ctx->ops->get_vq_ready(ctx->vdpa, 0));
	KUNIT_EXPECT_EQ(test, simt_vq_state(test, ctx), 0);
	/* the device offers what it offered */
	KUNIT_EXPECT_EQ(test, ctx->ops->get_device_features(ctx->vdpa),
			SIMT_FEATURES);

	/*
	 * The callbacks were forgotten too: a driver that sets none after
	 * the reset must not see the old ones (they may belong to a driver
	 * that is gone). A queue that cannot start makes the device signal.
	 */
	simt_setup_vq(ctx, 3, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_driver_ok(ctx);
	KUNIT_EXPECT_TRUE(test, simt_status(ctx) & S_NEEDS_RESET);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->config_irqs), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->vq_irqs), vq_irqs);
}

static void vdpa_sim_test_datapath(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;

	simt_setup_vq(ctx, SIMT_NUM, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	/* buffers made available (and kicked) before DRIVER_OK wait for it */
	simt_add_buf(ctx, 3, 30);
	simt_kick(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 0);

	simt_driver_ok(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 1);
	KUNIT_EXPECT_EQ(test, __virtio32_to_cpu(true, ctx->vr.used->ring[0].id),
			3);
	KUNIT_EXPECT_EQ(test, simt_used_len(ctx, 0), 30);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->vq_irqs), 1);

	simt_add_buf(ctx, 4, 40);
	simt_add_buf(ctx, 5, 50);
	simt_kick(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 3);
	KUNIT_EXPECT_EQ(test, simt_used_len(ctx, 2), 50);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->vq_irqs), 2);
	KUNIT_EXPECT_EQ(test, simt_vq_state(test, ctx), 3);
	KUNIT_EXPECT_FALSE(test, simt_status(ctx) & S_NEEDS_RESET);

	/* a driver that asked for no interrupts gets none */
	ctx->vr.avail->flags = __cpu_to_virtio16(true,
						 VRING_AVAIL_F_NO_INTERRUPT);
	simt_add_buf(ctx, 6, 60);
	simt_kick(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->vq_irqs), 2);
}

static void vdpa_sim_test_needs_reset(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;
	u8 running = S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK;

	simt_setup_vq(ctx, SIMT_NUM, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_driver_ok(ctx);

	/* a head beyond the ring: the device stops and asks for a reset */
	ctx->vr.avail->ring[0] = __cpu_to_virtio16(true, SIMT_NUM);
	ctx->vr.avail->idx = __cpu_to_virtio16(true, ++ctx->avail_idx);
	simt_kick(ctx);
	KUNIT_EXPECT_EQ(test, simt_status(ctx), running | S_NEEDS_RESET);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->config_irqs), 1);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 0);

	/* the driver cannot clear it, and nothing runs meanwhile */
	vdpa_set_status(ctx->vdpa, running);
	KUNIT_EXPECT_EQ(test, simt_status(ctx), running | S_NEEDS_RESET);
	simt_add_buf(ctx, 1, 10);
	simt_kick(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->config_irqs), 1);

	/* only a reset clears it; the device then works again */
	vdpa_set_status(ctx->vdpa, 0);
	KUNIT_EXPECT_EQ(test, simt_status(ctx), 0);
	memset(ctx->mem, 0, MEM_DATA);
	ctx->avail_idx = 0;
	simt_setup_vq(ctx, SIMT_NUM, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_add_buf(ctx, 1, 10);
	simt_driver_ok(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 1);
	KUNIT_EXPECT_EQ(test, simt_status(ctx), running);
}

static void vdpa_sim_test_bad_queue_size(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;

	/* a queue size that is not a power of two cannot start */
	simt_setup_vq(ctx, 3, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_driver_ok(ctx);
	KUNIT_EXPECT_TRUE(test, simt_status(ctx) & S_NEEDS_RESET);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->config_irqs), 1);
}

static void vdpa_sim_test_enable_after_driver_ok(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;

	simt_setup_vq(ctx, SIMT_NUM, false);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_add_buf(ctx, 2, 20);
	simt_driver_ok(ctx);
	/* a disabled queue is not touched */
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 0);

	ctx->ops->set_vq_ready(ctx->vdpa, 0, true);
	flush_work(&ctx->sim->work);
	KUNIT_EXPECT_TRUE(test, ctx->ops->get_vq_ready(ctx->vdpa, 0));
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 1);
	KUNIT_EXPECT_EQ(test, simt_used_len(ctx, 0), 20);
}

static void vdpa_sim_test_vq_state(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;
	struct vdpa_vq_state state = { .split.avail_index = 65534 };

	/* resume a queue two buffers before its indexes wrap */
	KUNIT_ASSERT_EQ(test, ctx->ops->set_vq_state(ctx->vdpa, 0, &state), 0);
	KUNIT_EXPECT_EQ(test, simt_vq_state(test, ctx), 65534);
	ctx->avail_idx = 65534;
	ctx->vr.avail->idx = __cpu_to_virtio16(true, 65534);
	simt_setup_vq(ctx, SIMT_NUM, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_add_buf(ctx, 0, 1);
	simt_add_buf(ctx, 1, 2);
	simt_add_buf(ctx, 2, 3);
	simt_driver_ok(ctx);

	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 1);
	KUNIT_EXPECT_EQ(test, simt_used_len(ctx, 65534), 1);
	KUNIT_EXPECT_EQ(test, simt_used_len(ctx, 0), 3);
	KUNIT_EXPECT_EQ(test, simt_vq_state(test, ctx), 1);

	/* disabling keeps the position; re-enabling continues from it */
	ctx->ops->set_vq_ready(ctx->vdpa, 0, false);
	KUNIT_EXPECT_EQ(test, simt_vq_state(test, ctx), 1);
	simt_add_buf(ctx, 3, 4);
	simt_kick(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 1);
	ctx->ops->set_vq_ready(ctx->vdpa, 0, true);
	flush_work(&ctx->sim->work);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 2);
	KUNIT_EXPECT_EQ(test, simt_vq_state(test, ctx), 2);
}

static void vdpa_sim_test_suspend(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;

	simt_setup_vq(ctx, SIMT_NUM, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_driver_ok(ctx);
	KUNIT_ASSERT_EQ(test, ctx->ops->suspend(ctx->vdpa), 0);

	simt_add_buf(ctx, 0, 5);
	simt_kick(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 0);
	KUNIT_EXPECT_EQ(test, simt_vq_state(test, ctx), 0);

	KUNIT_ASSERT_EQ(test, ctx->ops->resume(ctx->vdpa), 0);
	flush_work(&ctx->sim->work);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 1);
	KUNIT_EXPECT_EQ(test, simt_vq_state(test, ctx), 1);
}

static void vdpa_sim_test_config(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;
	static const u8 data[4] = { 1, 2, 3, 4 };
	u8 buf[SIMT_CONFIG + 4];
	u32 gen;

	vdpa_get_config(ctx->vdpa, 0, buf, SIMT_CONFIG);
	KUNIT_EXPECT_EQ(test, buf[0], 0xc0);
	KUNIT_EXPECT_EQ(test, buf[SIMT_CONFIG - 1], 0xc0 + SIMT_CONFIG - 1);

	/* out of bounds reads are zeroes, through the core or directly */
	memset(buf, 0xff, sizeof(buf));
	vdpa_get_config(ctx->vdpa, SIMT_CONFIG - 2, buf, 4);
	KUNIT_EXPECT_EQ(test, buf[0], 0);
	memset(buf, 0xff, sizeof(buf));
	ctx->ops->get_config(ctx->vdpa, SIMT_CONFIG - 2, buf, 4);
	KUNIT_EXPECT_EQ(test, buf[0], 0);
	KUNIT_EXPECT_EQ(test, buf[3], 0);
	memset(buf, 0xff, sizeof(buf));
	ctx->ops->get_config(ctx->vdpa, UINT_MAX - 1, buf, 4);
	KUNIT_EXPECT_EQ(test, buf[3], 0);

	/* writes inside change config and its generation */
	gen = ctx->ops->get_generation(ctx->vdpa);
	vdpa_set_config(ctx->vdpa, 4, data, sizeof(data));
	vdpa_get_config(ctx->vdpa, 4, buf, sizeof(data));
	KUNIT_EXPECT_MEMEQ(test, buf, data, sizeof(data));
	KUNIT_EXPECT_NE(test, ctx->ops->get_generation(ctx->vdpa), gen);

	/* writes that do not fit are dropped, directly too */
	gen = ctx->ops->get_generation(ctx->vdpa);
	ctx->ops->set_config(ctx->vdpa, SIMT_CONFIG - 2, data, sizeof(data));
	ctx->ops->set_config(ctx->vdpa, UINT_MAX - 1, data, sizeof(data));
	vdpa_set_config(ctx->vdpa, SIMT_CONFIG, data, 1);
	KUNIT_EXPECT_EQ(test, ctx->ops->get_generation(ctx->vdpa), gen);
	vdpa_get_config(ctx->vdpa, SIMT_CONFIG - 2, buf, 2);
	KUNIT_EXPECT_EQ(test, buf[0], 0xc0 + SIMT_CONFIG - 2);
	KUNIT_EXPECT_EQ(test, buf[1], 0xc0 + SIMT_CONFIG - 1);
}

static void vdpa_sim_test_queue_bounds(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;
	struct vdpa_vq_state state = {};

	KUNIT_EXPECT_EQ(test, ctx->ops->set_vq_address(ctx->vdpa, SIMT_NVQS,
						       0, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->ops->set_vq_state(ctx->vdpa, SIMT_NVQS,
						     &state), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->ops->get_vq_state(ctx->vdpa, U16_MAX,
						     &state), -EINVAL);
	ctx->ops->set_vq_ready(ctx->vdpa, SIMT_NVQS, true);
	KUNIT_EXPECT_FALSE(test, ctx->ops->get_vq_ready(ctx->vdpa, SIMT_NVQS));
	/* harmless, whatever the state */
	ctx->ops->kick_vq(ctx->vdpa, SIMT_NVQS);
	ctx->ops->set_vq_num(ctx->vdpa, SIMT_NVQS, 8);
	KUNIT_EXPECT_GE(test, ctx->ops->get_vq_num_max(ctx->vdpa), SIMT_NUM);
}

/* Map the test memory at MEM_IOVA in address space @asid, by parts. */
static void simt_map(struct kunit *test, struct simt_ctx *ctx,
		     unsigned int asid, u32 used_perm)
{
	const struct vdpa_config_ops *ops = ctx->ops;
	u64 pa = virt_to_phys(ctx->mem);

	KUNIT_ASSERT_EQ(test, ops->dma_map(ctx->vdpa, asid, MEM_IOVA,
					   MEM_USED, pa, VHOST_ACCESS_RO,
					   NULL), 0);
	KUNIT_ASSERT_EQ(test, ops->dma_map(ctx->vdpa, asid,
					   MEM_IOVA + MEM_USED, PAGE_SIZE,
					   pa + MEM_USED, used_perm, NULL), 0);
	KUNIT_ASSERT_EQ(test, ops->dma_map(ctx->vdpa, asid,
					   MEM_IOVA + MEM_DATA, PAGE_SIZE,
					   pa + MEM_DATA, VHOST_ACCESS_RW,
					   NULL), 0);
	ctx->base = MEM_IOVA;
}

static void vdpa_sim_test_dma_map(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;
	const struct vdpa_config_ops *ops = ctx->ops;

	KUNIT_EXPECT_EQ(test, ops->dma_map(ctx->vdpa, 2, 0, 4096, 0,
					   VHOST_ACCESS_RW, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->dma_map(ctx->vdpa, 0, 0, 0, 0,
					   VHOST_ACCESS_RW, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->dma_unmap(ctx->vdpa, 0, U64_MAX, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ops->dma_unmap(ctx->vdpa, 2, 0, 4096), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(ctx->vdpa, 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->set_group_asid(ctx->vdpa, 0, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->reset_map(ctx->vdpa, 2), -EINVAL);

	/* the device reaches the rings through the driver's IOVAs */
	simt_map(test, ctx, 0, VHOST_ACCESS_WO);
	KUNIT_EXPECT_EQ(test, ops->dma_map(ctx->vdpa, 0, MEM_IOVA, 1, 0,
					   VHOST_ACCESS_RW, NULL), -EEXIST);
	simt_setup_vq(ctx, SIMT_NUM, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_add_buf(ctx, 1, 11);
	simt_driver_ok(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 1);
	KUNIT_EXPECT_EQ(test, simt_used_len(ctx, 0), 11);

	/* unmapping a ring the queue uses breaks it at the next access */
	KUNIT_EXPECT_EQ(test, ops->dma_unmap(ctx->vdpa, 0, MEM_IOVA + MEM_USED,
					     PAGE_SIZE), 0);
	simt_add_buf(ctx, 2, 12);
	simt_kick(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 1);
	KUNIT_EXPECT_TRUE(test, simt_status(ctx) & S_NEEDS_RESET);

	/* reset brings identity mapping back */
	vdpa_set_status(ctx->vdpa, 0);
	ctx->base = virt_to_phys(ctx->mem);
	memset(ctx->mem, 0, MEM_DATA);
	ctx->avail_idx = 0;
	simt_setup_vq(ctx, SIMT_NUM, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_add_buf(ctx, 1, 13);
	simt_driver_ok(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 1);
	KUNIT_EXPECT_EQ(test, simt_used_len(ctx, 0), 13);
}

/* Without a DMA API driver, physical memory is out of the device's reach. */
static void vdpa_sim_test_empty_without_dma_api(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;

	WRITE_ONCE(ctx->vdpa->dma_api_bound, false);
	vdpa_set_status(ctx->vdpa, 0);
	simt_setup_vq(ctx, SIMT_NUM, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_add_buf(ctx, 1, 11);
	simt_driver_ok(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 0);
	KUNIT_EXPECT_TRUE(test, simt_status(ctx) & S_NEEDS_RESET);

	/* reset_map and a reset both come back empty, not identity */
	KUNIT_EXPECT_EQ(test, ctx->ops->reset_map(ctx->vdpa, 0), 0);
	vdpa_set_status(ctx->vdpa, 0);
	memset(ctx->mem, 0, MEM_DATA);
	ctx->avail_idx = 0;
	simt_setup_vq(ctx, SIMT_NUM, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_add_buf(ctx, 1, 12);
	simt_driver_ok(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 0);
}

static void vdpa_sim_test_map_permissions(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;

	/* a used ring the device may not write */
	simt_map(test, ctx, 0, VHOST_ACCESS_RO);
	simt_setup_vq(ctx, SIMT_NUM, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	simt_add_buf(ctx, 1, 11);
	simt_driver_ok(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 0);
	KUNIT_EXPECT_TRUE(test, simt_status(ctx) & S_NEEDS_RESET);
}

static void vdpa_sim_test_address_spaces(struct kunit *test)
{
	struct simt_ctx *ctx = test->priv;
	const struct vdpa_config_ops *ops = ctx->ops;
	struct vdpa_iotlb *iotlb;

	/* map in address space 1; the queue's group still uses 0 */
	simt_map(test, ctx, 1, VHOST_ACCESS_WO);
	/* and make 0 an empty table, so nothing is reachable there */
	iotlb = vdpa_iotlb_alloc(0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, iotlb);
	KUNIT_EXPECT_EQ(test, ops->set_map(ctx->vdpa, 0, iotlb), 0);
	KUNIT_EXPECT_EQ(test, ops->set_map(ctx->vdpa, 2, iotlb), -EINVAL);
	vdpa_iotlb_free(iotlb);

	simt_setup_vq(ctx, SIMT_NUM, true);
	KUNIT_ASSERT_EQ(test, simt_negotiate(test, ctx, V1),
			S_ACK | S_DRIVER | S_FEATURES_OK);
	KUNIT_ASSERT_EQ(test, ops->set_group_asid(ctx->vdpa, 0, 1), 0);
	simt_add_buf(ctx, 1, 21);
	simt_driver_ok(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 1);

	/* moving the group back to the empty space breaks the queue */
	KUNIT_ASSERT_EQ(test, ops->set_group_asid(ctx->vdpa, 0, 0), 0);
	simt_add_buf(ctx, 2, 22);
	simt_kick(ctx);
	KUNIT_EXPECT_EQ(test, simt_used_idx(ctx), 1);
	KUNIT_EXPECT_TRUE(test, simt_status(ctx) & S_NEEDS_RESET);
}

static struct kunit_case vdpa_sim_features_cases[] = {
	KUNIT_CASE(vdpa_sim_test_device_features),
	KUNIT_CASE(vdpa_sim_test_driver_features_subset),
	KUNIT_CASE(vdpa_sim_test_features_ok_needs_version_1),
	KUNIT_CASE(vdpa_sim_test_features_ok_after_refusal),
	KUNIT_CASE(vdpa_sim_test_reset),
	KUNIT_CASE(vdpa_sim_test_datapath),
	KUNIT_CASE(vdpa_sim_test_needs_reset),
	KUNIT_CASE(vdpa_sim_test_bad_queue_size),
	KUNIT_CASE(vdpa_sim_test_enable_after_driver_ok),
	KUNIT_CASE(vdpa_sim_test_vq_state),
	KUNIT_CASE(vdpa_sim_test_suspend),
	KUNIT_CASE(vdpa_sim_test_config),
	KUNIT_CASE(vdpa_sim_test_queue_bounds),
	KUNIT_CASE(vdpa_sim_test_dma_map),
	KUNIT_CASE(vdpa_sim_test_empty_without_dma_api),
	KUNIT_CASE(vdpa_sim_test_map_permissions),
	KUNIT_CASE(vdpa_sim_test_address_spaces),
	{}
};

static struct kunit_suite vdpa_sim_features_suite = {
	.name = "vdpa_sim_features",
	.init = simt_init,
	.test_cases = vdpa_sim_features_cases,
};

/* provisioning through the real simulators' management devices */

struct prov_ctx {
	struct netlink_ext_ack extack;
	const char *mgmt;
	const char *name;
};

static struct vdpa_mgmt_dev *prov_mgmt(struct kunit *test, const char *mgmt)
{
	struct vdpa_mgmt_dev *mdev = vdpa_test_find_mgmtdev(NULL, mgmt);

	if (!mdev)
		kunit_skip(test, "%s is not loaded", mgmt);
	return mdev;
}

/* What DEV_NEW does once it has parsed the request. */
static int prov_add(struct kunit *test, struct prov_ctx *p, const char *mgmt,
		    const char *name, const struct vdpa_dev_set_config *config)
{
	int err;

	memset(&p->extack, 0, sizeof(p->extack));
	err = vdpa_test_dev_add(NULL, mgmt, name, config, &p->extack);
	if (err == -ENODEV && !vdpa_test_find_mgmtdev(NULL, mgmt))
		kunit_skip(test, "%s is not loaded", mgmt);
	if (!err) {
		p->mgmt = mgmt;
		p->name = name;
	}
	return err;
}

/* What DEV_DEL does. */
static void prov_del(struct prov_ctx *p)
{
	if (!p->name)
		return;
	vdpa_test_dev_del(NULL, p->mgmt, p->name);
	p->name = NULL;
}

static void prov_exit(struct kunit *test)
{
	prov_del(test->priv);
}

static int prov_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct prov_ctx), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static struct vdpa_device *prov_lookup(const char *name)
{
	return vdpa_test_find_device(name);
}

#define REQUIRED	(BIT_ULL(VIRTIO_F_VERSION_1) |		\
			 BIT_ULL(VIRTIO_F_ACCESS_PLATFORM))

/* Device features without VERSION_1 or ACCESS_PLATFORM are refused. */
static void prov_expect_required(struct kunit *test, const char *mgmt)
{
	struct vdpa_mgmt_dev *mdev = prov_mgmt(test, mgmt);
	struct vdpa_dev_set_config config = {
		.mask = BIT_ULL(VDPA_ATTR_DEV_FEATURES),
	};
	struct prov_ctx *p = test->priv;
	u64 all = mdev->supported_features;

	KUNIT_EXPECT_EQ(test, all & REQUIRED, REQUIRED);
	config.device_features = all & ~BIT_ULL(VIRTIO_F_VERSION_1);
	KUNIT_EXPECT_EQ(test, prov_add(test, p, mgmt, "kunit-prov", &config),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, p->extack._msg);
	config.device_features = all & ~BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
	KUNIT_EXPECT_EQ(test, prov_add(test, p, mgmt, "kunit-prov", &config),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, p->extack._msg);
	/* and so is anything the parent does not have */
	config.device_features = all | BIT_ULL(63);
	KUNIT_EXPECT_EQ(test, prov_add(test, p, mgmt, "kunit-prov", &config),
			-EOPNOTSUPP);
	KUNIT_EXPECT_NULL(test, prov_lookup("kunit-prov"));

	/* exactly the required ones are enough */
	config.device_features = REQUIRED;
	KUNIT_EXPECT_EQ(test, prov_add(test, p, mgmt, "kunit-prov", &config),
			0);
	KUNIT_EXPECT_NOT_NULL(test, prov_lookup("kunit-prov"));
}

static void vdpa_sim_prov_test_net_features(struct kunit *test)
{
	prov_expect_required(test, "vdpasim_net");
}

static void vdpa_sim_prov_test_blk_features(struct kunit *test)
{
	prov_expect_required(test, "vdpasim_blk");
}

static int prov_net(struct kunit *test, u64 mask, u16 mtu, u16 vqp,
		    const u8 *mac)
{
	struct vdpa_dev_set_config config = {
		.mask = mask,
		.net.mtu = mtu,
		.net.max_vq_pairs = vqp,
	};

	if (mac)
		ether_addr_copy(config.net.mac, mac);
	return prov_add(test, test->priv, "vdpasim_net", "kunit-prov-net",
			&config);
}

#define MTU	BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU)
#define VQP	BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP)
#define MAC	BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR)

static void vdpa_sim_prov_test_net_limits(struct kunit *test)
{
	static const u8 mcast[ETH_ALEN] = { 0x01, 0, 0x5e, 0, 0, 1 };
	struct vdpa_dev_set_config config = {
		.mask = BIT_ULL(VDPA_ATTR_DEV_FEATURES) | VQP,
		.net.max_vq_pairs = 2,
	};
	struct prov_ctx *p = test->priv;
	struct vdpa_mgmt_dev *mdev = prov_mgmt(test, "vdpasim_net");

	KUNIT_EXPECT_EQ(test, prov_net(test, MTU, ETH_MIN_MTU - 1, 0, NULL),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, prov_net(test, MTU, 9001, 0, NULL), -ERANGE);
	KUNIT_EXPECT_NOT_NULL(test, p->extack._msg);
	KUNIT_EXPECT_EQ(test, prov_net(test, VQP, 0, 0, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, prov_net(test, VQP, 0,
				       mdev->max_supported_vqs / 2 + 1, NULL),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, prov_net(test, MAC, 0, 0, mcast), -EINVAL);

	/* several queue pairs need the control queue and MQ */
	config.device_features = mdev->supported_features &
				 ~BIT_ULL(VIRTIO_NET_F_MQ);
	KUNIT_EXPECT_EQ(test, prov_add(test, p, "vdpasim_net",
				       "kunit-prov-net", &config), -EINVAL);
	config.device_features = mdev->supported_features &
				 ~BIT_ULL(VIRTIO_NET_F_CTRL_VQ);
	KUNIT_EXPECT_EQ(test, prov_add(test, p, "vdpasim_net",
				       "kunit-prov-net", &config), -EINVAL);
	KUNIT_EXPECT_NULL(test, prov_lookup("kunit-prov-net"));
}

static void vdpa_sim_prov_test_net_device(struct kunit *test)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x4b, 0x55, 0, 0, 1 };
	struct vdpa_mgmt_dev *mdev = prov_mgmt(test, "vdpasim_net");
	struct virtio_net_config cfg;
	struct vdpa_device *vdev;
	u64 features;

	KUNIT_ASSERT_EQ(test, prov_net(test, MAC | MTU | VQP, 9000, 2, mac), 0);
	vdev = prov_lookup("kunit-prov-net");
	KUNIT_ASSERT_NOT_NULL(test, vdev);
	KUNIT_EXPECT_PTR_EQ(test, vdev->mdev, mdev);
	/* two pairs and the control queue */
	KUNIT_EXPECT_EQ(test, vdev->nvqs, 5);
	/*
	 * By default what QEMU 7.2's shadow virtqueues accept: the control
	 * queue with MQ and the MAC address, not the receive filters.
	 */
	features = vdev->ops->get_device_features(vdev);
	KUNIT_EXPECT_EQ(test, features & ~mdev->supported_features, 0);
	KUNIT_EXPECT_TRUE(test, features & BIT_ULL(VIRTIO_NET_F_MQ));
	KUNIT_EXPECT_TRUE(test, features & BIT_ULL(VIRTIO_NET_F_CTRL_MAC_ADDR));
	KUNIT_EXPECT_FALSE(test, features & BIT_ULL(VIRTIO_NET_F_CTRL_RX));
	KUNIT_EXPECT_TRUE(test, mdev->supported_features &
			  BIT_ULL(VIRTIO_NET_F_CTRL_RX));

	vdpa_get_config(vdev, 0, &cfg, sizeof(cfg));
	KUNIT_EXPECT_MEMEQ(test, cfg.mac, mac, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, cfg.mtu), 9000);
	KUNIT_EXPECT_EQ(test,
			__virtio16_to_cpu(true, cfg.max_virtqueue_pairs), 2);
	KUNIT_EXPECT_TRUE(test, __virtio16_to_cpu(true, cfg.status) &
			  VIRTIO_NET_S_LINK_UP);
}

static void vdpa_sim_prov_test_blk_device(struct kunit *test)
{
	struct vdpa_dev_set_config config = {
		.mask = BIT_ULL(VDPA_ATTR_DEV_BLK_CFG_CAPACITY),
	};
	struct prov_ctx *p = test->priv;
	struct virtio_blk_config cfg;
	struct vdpa_device *vdev;

	config.blk.capacity = 0;
	KUNIT_EXPECT_EQ(test, prov_add(test, p, "vdpasim_blk", "kunit-prov-blk",
				       &config), -ERANGE);
	config.blk.capacity = U64_MAX;
	KUNIT_EXPECT_EQ(test, prov_add(test, p, "vdpasim_blk", "kunit-prov-blk",
				       &config), -ERANGE);
	KUNIT_EXPECT_NOT_NULL(test, p->extack._msg);

	config.blk.capacity = 4096;
	KUNIT_ASSERT_EQ(test, prov_add(test, p, "vdpasim_blk", "kunit-prov-blk",
				       &config), 0);
	vdev = prov_lookup("kunit-prov-blk");
	KUNIT_ASSERT_NOT_NULL(test, vdev);
	KUNIT_EXPECT_EQ(test, vdev->ops->get_device_id(vdev), VIRTIO_ID_BLOCK);
	vdpa_get_config(vdev, 0, &cfg, sizeof(cfg));
	KUNIT_EXPECT_EQ(test, __virtio64_to_cpu(true, cfg.capacity), 4096);
}

static struct kunit_case vdpa_sim_provision_cases[] = {
	KUNIT_CASE(vdpa_sim_prov_test_net_features),
	KUNIT_CASE(vdpa_sim_prov_test_blk_features),
	KUNIT_CASE(vdpa_sim_prov_test_net_limits),
	KUNIT_CASE(vdpa_sim_prov_test_net_device),
	KUNIT_CASE(vdpa_sim_prov_test_blk_device),
	{}
};

static struct kunit_suite vdpa_sim_provision_suite = {
	.name = "vdpa_sim_provision",
	.init = prov_init,
	.exit = prov_exit,
	.test_cases = vdpa_sim_provision_cases,
};

kunit_test_suites(&vdpa_sim_features_suite, &vdpa_sim_provision_suite);

MODULE_SOFTDEP("pre: vdpa_sim_net vdpa_sim_blk");
MODULE_DESCRIPTION("KUnit tests for the vDPA simulator");
MODULE_LICENSE("GPL");
