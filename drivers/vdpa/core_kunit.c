// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the vDPA core: the device and management-device registry
 * (bus.c, mgmt.c) and the checks netlink applies to requests (netlink.c).
 *
 * A tiny fake parent provides the mandatory operations and counts what the
 * core calls. Its devices carry a driver_override no driver has, so no bus
 * driver binds to them while they are registered.
 *
 * Netlink requests are built as genetlink would receive them and run
 * through the family's own split ops: strict parsing against the command's
 * policy, then its doit handler between its pre_doit and post_doit, so the
 * tests see what userspace sees: an errno, an extack message and the
 * offending attribute.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/device.h>
#include <linux/etherdevice.h>
#include <linux/mod_devicetable.h>
#include <linux/slab.h>
#include <linux/vdpa.h>
#include <net/genetlink.h>
#include <uapi/linux/vdpa.h>
#include <uapi/linux/virtio_config.h>
#include <uapi/linux/virtio_ids.h>
#include <uapi/linux/virtio_net.h>

#include "vdpa_kunit.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* What the fake parent and management device saw, per test. */
struct core_ctx {
	struct kunit *test;
	struct device *parent;
	int freed;
	int resets;
	int set_status;
	u8 status;
	int get_config;
	int set_config;
	/* management device */
	struct vdpa_mgmt_dev mgmt;
	int adds;
	int add_ret;
	bool add_msg;
	char add_name[64];
	struct vdpa_dev_set_config add_config;
	int dels;
	int set_attrs;
	struct vdpa_dev_set_config set_attr_config;
};

struct fake_vdpa {
	struct vdpa_device vdpa;
	struct core_ctx *ctx;
	bool registered;
	u8 config[8];
};

static struct fake_vdpa *to_fake(struct vdpa_device *vdev)
{
	return container_of(vdev, struct fake_vdpa, vdpa);
}

static int fake_set_vq_address(struct vdpa_device *vdev, u16 idx, u64 desc,
			       u64 driver, u64 device)
{
	return 0;
}

static void fake_set_vq_num(struct vdpa_device *vdev, u16 idx, u32 num)
{
}

static void fake_kick_vq(struct vdpa_device *vdev, u16 idx)
{
}

static void fake_set_vq_cb(struct vdpa_device *vdev, u16 idx,
			   const struct vdpa_callback *cb)
{
}

static void fake_set_vq_ready(struct vdpa_device *vdev, u16 idx, bool ready)
{
}

static bool fake_get_vq_ready(struct vdpa_device *vdev, u16 idx)
{
	return false;
}

static int fake_set_vq_state(struct vdpa_device *vdev, u16 idx,
			     const struct vdpa_vq_state *state)
{
	return 0;
}

static int fake_get_vq_state(struct vdpa_device *vdev, u16 idx,
			     struct vdpa_vq_state *state)
{
	state->split.avail_index = 0;
	return 0;
}

static u32 fake_get_vq_align(struct vdpa_device *vdev)
{
	return 64;
}

static u16 fake_get_vq_num_max(struct vdpa_device *vdev)
{
	return 256;
}

static u64 fake_get_device_features(struct vdpa_device *vdev)
{
	return BIT_ULL(VIRTIO_F_VERSION_1);
}

static int fake_set_driver_features(struct vdpa_device *vdev, u64 features)
{
	return features & ~BIT_ULL(VIRTIO_F_VERSION_1) ? -EINVAL : 0;
}

static u64 fake_get_driver_features(struct vdpa_device *vdev)
{
	return 0;
}

static void fake_set_config_cb(struct vdpa_device *vdev,
			       const struct vdpa_callback *cb)
{
}

static u32 fake_get_device_id(struct vdpa_device *vdev)
{
	return VIRTIO_ID_NET;
}

static u32 fake_get_vendor_id(struct vdpa_device *vdev)
{
	return 0;
}

static u8 fake_get_status(struct vdpa_device *vdev)
{
	return to_fake(vdev)->ctx->status;
}

static void fake_set_status(struct vdpa_device *vdev, u8 status)
{
	struct core_ctx *ctx = to_fake(vdev)->ctx;

	ctx->set_status++;
	ctx->status = status;
}

static int fake_reset(struct vdpa_device *vdev)
{
	struct core_ctx *ctx = to_fake(vdev)->ctx;

	ctx->resets++;
	ctx->status = 0;
	return 0;
}

static size_t fake_get_config_size(struct vdpa_device *vdev)
{
	return sizeof(to_fake(vdev)->config);
}

static void fake_get_config(struct vdpa_device *vdev, unsigned int offset,
			    void *buf, unsigned int len)
{
	struct fake_vdpa *fake = to_fake(vdev);

	fake->ctx->get_config++;
	memcpy(buf, fake->config + offset, len);
}

static void fake_set_config(struct vdpa_device *vdev, unsigned int offset,
			    const void *buf, unsigned int len)
{
	struct fake_vdpa *fake = to_fake(vdev);

	fake->ctx->set_config++;
	memcpy(fake->config + offset, buf, len);
}

static void fake_free(struct vdpa_device *vdev)
{
	to_fake(vdev)->ctx->freed++;
}

static const struct vdpa_config_ops fake_ops = {
	.set_vq_address		= fake_set_vq_address,
	.set_vq_num		= fake_set_vq_num,
	.kick_vq		= fake_kick_vq,
	.set_vq_cb		= fake_set_vq_cb,
	.set_vq_ready		= fake_set_vq_ready,
	.get_vq_ready		= fake_get_vq_ready,
	.set_vq_state		= fake_set_vq_state,
	.get_vq_state		= fake_get_vq_state,
	.get_vq_align		= fake_get_vq_align,
	.get_vq_num_max		= fake_get_vq_num_max,
	.get_device_features	= fake_get_device_features,
	.set_driver_features	= fake_set_driver_features,
	.get_driver_features	= fake_get_driver_features,
	.set_config_cb		= fake_set_config_cb,
	.get_device_id		= fake_get_device_id,
	.get_vendor_id		= fake_get_vendor_id,
	.get_status		= fake_get_status,
	.set_status		= fake_set_status,
	.reset			= fake_reset,
	.get_config_size	= fake_get_config_size,
	.get_config		= fake_get_config,
	.set_config		= fake_set_config,
	.free			= fake_free,
};

/* The operations the API documents as mandatory (not marked optional). */
static const size_t mandatory_ops[] = {
	offsetof(struct vdpa_config_ops, set_vq_address),
	offsetof(struct vdpa_config_ops, set_vq_num),
	offsetof(struct vdpa_config_ops, kick_vq),
	offsetof(struct vdpa_config_ops, set_vq_cb),
	offsetof(struct vdpa_config_ops, set_vq_ready),
	offsetof(struct vdpa_config_ops, get_vq_ready),
	offsetof(struct vdpa_config_ops, set_vq_state),
	offsetof(struct vdpa_config_ops, get_vq_state),
	offsetof(struct vdpa_config_ops, get_vq_align),
	offsetof(struct vdpa_config_ops, get_vq_num_max),
	offsetof(struct vdpa_config_ops, get_device_id),
	offsetof(struct vdpa_config_ops, get_vendor_id),
	offsetof(struct vdpa_config_ops, get_device_features),
	offsetof(struct vdpa_config_ops, set_driver_features),
	offsetof(struct vdpa_config_ops, get_driver_features),
	offsetof(struct vdpa_config_ops, get_status),
	offsetof(struct vdpa_config_ops, set_status),
	offsetof(struct vdpa_config_ops, reset),
	offsetof(struct vdpa_config_ops, get_config_size),
	offsetof(struct vdpa_config_ops, get_config),
	offsetof(struct vdpa_config_ops, set_config),
	offsetof(struct vdpa_config_ops, set_config_cb),
};

/* Drop a fake device however far it got: registered or only allocated. */
static void fake_drop(void *data)
{
	struct fake_vdpa *fake = data;

	if (fake->registered)
		vdpa_unregister_device(&fake->vdpa);
	else
		put_device(&fake->vdpa.dev);
}

static struct fake_vdpa *fake_alloc(struct kunit *test, struct core_ctx *ctx,
				    const char *name)
{
	struct fake_vdpa *fake;

	fake = vdpa_alloc_device(struct fake_vdpa, vdpa, ctx->parent,
				 &fake_ops, 1, 1, name, false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fake);
	fake->ctx = ctx;
	fake->vdpa.driver_override = kstrdup("vdpa_kunit_nobody", GFP_KERNEL);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_drop, fake),
			0);
	KUNIT_ASSERT_NOT_NULL(test, fake->vdpa.driver_override);
	return fake;
}

static int fake_register(struct fake_vdpa *fake)
{
	int err = vdpa_register_device(&fake->vdpa, 2);

	if (!err)
		fake->registered = true;
	return err;
}

/* Unregister or put now; @fake may be gone after this. */
static void fake_release(struct kunit *test, struct fake_vdpa *fake)
{
	kunit_release_action(test, fake_drop, fake);
}

static struct vdpa_device *lookup(const char *name)
{
	return vdpa_test_find_device(name);
}

static struct vdpa_mgmt_dev *lookup_mgmt(const char *bus, const char *name)
{
	return vdpa_test_find_mgmtdev(bus, name);
}

static struct core_ctx *mgmt_to_ctx(struct vdpa_mgmt_dev *mdev)
{
	return container_of(mdev, struct core_ctx, mgmt);
}

/* dev_add: record the request, then create a fake device like a parent. */
static int fake_dev_add(struct vdpa_mgmt_dev *mdev, const char *name,
			const struct vdpa_dev_set_config *config,
			struct netlink_ext_ack *extack)
{
	struct core_ctx *ctx = mgmt_to_ctx(mdev);
	struct fake_vdpa *fake;
	int err;

	ctx->adds++;
	strscpy(ctx->add_name, name, sizeof(ctx->add_name));
	ctx->add_config = *config;
	if (ctx->add_ret) {
		if (ctx->add_msg)
			NL_SET_ERR_MSG(extack, "kunit parent says no");
		return ctx->add_ret;
	}

	fake = vdpa_alloc_device(struct fake_vdpa, vdpa, mdev->device,
				 &fake_ops, 1, 1, name, false);
	if (IS_ERR(fake))
		return PTR_ERR(fake);
	fake->ctx = ctx;
	fake->registered = true;
	fake->vdpa.mdev = mdev;
	fake->vdpa.driver_override = kstrdup("vdpa_kunit_nobody", GFP_KERNEL);
	err = -ENOMEM;
	if (fake->vdpa.driver_override)
		err = vdpa_register_device(&fake->vdpa, 2);
	if (err)
		put_device(&fake->vdpa.dev);
	return err;
}

static void fake_dev_del(struct vdpa_mgmt_dev *mdev, struct vdpa_device *vdev)
{
	mgmt_to_ctx(mdev)->dels++;
	vdpa_unregister_device(vdev);
}

static int fake_dev_set_attr(struct vdpa_mgmt_dev *mdev,
			     struct vdpa_device *vdev,
			     const struct vdpa_dev_set_config *config,
			     struct netlink_ext_ack *extack)
{
	struct core_ctx *ctx = mgmt_to_ctx(mdev);

	ctx->set_attrs++;
	ctx->set_attr_config = *config;
	return 0;
}

static const struct vdpa_mgmtdev_ops fake_mgmt_ops = {
	.dev_add	= fake_dev_add,
	.dev_del	= fake_dev_del,
	.dev_set_attr	= fake_dev_set_attr,
};

static const struct vdpa_mgmtdev_ops fake_mgmt_ops_no_set = {
	.dev_add	= fake_dev_add,
	.dev_del	= fake_dev_del,
};

static const struct virtio_device_id fake_id_table[] = {
	{ VIRTIO_ID_NET, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

/* kunit devices are named "<test>.<name>": keep the handle short */
#define FAKE_MGMT_NAME		"mgmt"
#define FAKE_FEATURES		(BIT_ULL(VIRTIO_F_VERSION_1) |		\
				 BIT_ULL(VIRTIO_F_ACCESS_PLATFORM) |	\
				 BIT_ULL(VIRTIO_NET_F_MAC) |		\
				 BIT_ULL(VIRTIO_NET_F_MQ))
#define FAKE_ATTRS		(BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR) | \
				 BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU) |	  \
				 BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP) | \
				 BIT_ULL(VDPA_ATTR_DEV_FEATURES))

KUNIT_DEFINE_ACTION_WRAPPER(mgmt_unregister_action, vdpa_mgmtdev_unregister,
			    struct vdpa_mgmt_dev *);

/* Register ctx->mgmt (a net-like parent) on the kunit device. */
static void fake_mgmt_register(struct kunit *test, struct core_ctx *ctx)
{
	ctx->mgmt.device = ctx->parent;
	ctx->mgmt.ops = &fake_mgmt_ops;
	ctx->mgmt.id_table = fake_id_table;
	ctx->mgmt.config_attr_mask = FAKE_ATTRS;
	ctx->mgmt.supported_features = FAKE_FEATURES;
	ctx->mgmt.max_supported_vqs = 9;
	KUNIT_ASSERT_EQ(test, vdpa_mgmtdev_register(&ctx->mgmt), 0);
	/* runs before the parent device goes: children are deleted first */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							mgmt_unregister_action,
							&ctx->mgmt), 0);
}

static int core_test_init(struct kunit *test)
{
	struct core_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->test = test;
	ctx->parent = kunit_device_register(test, FAKE_MGMT_NAME);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->parent);
	test->priv = ctx;
	return 0;
}

/* registry */

static void vdpa_registry_test_alloc_mandatory_ops(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct vdpa_config_ops *ops;
	struct vdpa_device *vdev;
	unsigned int i;

	ops = kunit_kmalloc(test, sizeof(*ops), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	for (i = 0; i < ARRAY_SIZE(mandatory_ops); i++) {
		*ops = fake_ops;
		*(void **)((u8 *)ops + mandatory_ops[i]) = NULL;
		vdev = __vdpa_alloc_device(ctx->parent, ops, 1, 1,
					   sizeof(struct fake_vdpa), NULL,
					   false);
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(vdev), -EINVAL,
				    "without the op at offset %zu",
				    mandatory_ops[i]);
		if (!IS_ERR(vdev)) {
			to_fake(vdev)->ctx = ctx;
			put_device(&vdev->dev);
		}
	}
}

static int fake_dma_map(struct vdpa_device *vdev, unsigned int asid, u64 iova,
			u64 size, u64 pa, u32 perm, void *opaque)
{
	return 0;
}

static void vdpa_registry_test_alloc_invalid(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct vdpa_config_ops *ops;
	struct vdpa_device *vdev;

	vdev = __vdpa_alloc_device(ctx->parent, &fake_ops, 0, 1,
				   sizeof(struct fake_vdpa), NULL, false);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vdev), -EINVAL);
	vdev = __vdpa_alloc_device(ctx->parent, &fake_ops, 1, 0,
				   sizeof(struct fake_vdpa), NULL, false);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vdev), -EINVAL);
	/* a parent working in VAs must receive maps */
	vdev = __vdpa_alloc_device(ctx->parent, &fake_ops, 1, 1,
				   sizeof(struct fake_vdpa), NULL, true);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vdev), -EINVAL);

	/* incremental mapping needs both dma_map and dma_unmap */
	ops = kunit_kmalloc(test, sizeof(*ops), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	*ops = fake_ops;
	ops->dma_map = fake_dma_map;
	vdev = __vdpa_alloc_device(ctx->parent, ops, 1, 1,
				   sizeof(struct fake_vdpa), NULL, false);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vdev), -EINVAL);

	/* several virtqueue groups need get_vq_group */
	vdev = __vdpa_alloc_device(ctx->parent, &fake_ops, 2, 1,
				   sizeof(struct fake_vdpa), NULL, false);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vdev), -EINVAL);
	if (!IS_ERR(vdev)) {
		to_fake(vdev)->ctx = ctx;
		put_device(&vdev->dev);
	}
}

static void vdpa_registry_test_default_name(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct fake_vdpa *a, *b;
	char want[16];

	a = fake_alloc(test, ctx, NULL);
	b = fake_alloc(test, ctx, NULL);
	KUNIT_EXPECT_NE(test, a->vdpa.index, b->vdpa.index);
	snprintf(want, sizeof(want), "vdpa%u", a->vdpa.index);
	KUNIT_EXPECT_STREQ(test, dev_name(&a->vdpa.dev), want);
	KUNIT_EXPECT_EQ(test, a->vdpa.ngroups, 1);
	KUNIT_EXPECT_EQ(test, a->vdpa.nas, 1);
	/* a software parent does its own DMA */
	KUNIT_EXPECT_PTR_EQ(test, vdpa_get_dma_dev(&a->vdpa), &a->vdpa.dev);
	KUNIT_EXPECT_PTR_EQ(test, a->vdpa.dev.parent, ctx->parent);
}

static void vdpa_registry_test_register_lookup(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct fake_vdpa *fake;

	fake = fake_alloc(test, ctx, "kunit-reg0");
	/* allocated is not registered */
	KUNIT_EXPECT_NULL(test, lookup("kunit-reg0"));
	KUNIT_EXPECT_EQ(test, vdpa_register_device(&fake->vdpa, 0), -EINVAL);
	KUNIT_EXPECT_NULL(test, lookup("kunit-reg0"));

	KUNIT_ASSERT_EQ(test, fake_register(fake), 0);
	KUNIT_EXPECT_PTR_EQ(test, lookup("kunit-reg0"), &fake->vdpa);
	KUNIT_EXPECT_EQ(test, fake->vdpa.nvqs, 2);
	KUNIT_EXPECT_NULL(test, lookup("kunit-reg"));
	KUNIT_EXPECT_NULL(test, lookup("kunit-reg00"));
	KUNIT_EXPECT_NULL(test, lookup("KUNIT-REG0"));
	KUNIT_EXPECT_EQ(test, ctx->freed, 0);

	fake_release(test, fake);
	KUNIT_EXPECT_NULL(test, lookup("kunit-reg0"));
	KUNIT_EXPECT_EQ(test, ctx->freed, 1);
}

static void vdpa_registry_test_duplicate_name(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct fake_vdpa *a, *b, *c;

	a = fake_alloc(test, ctx, "kunit-dup");
	b = fake_alloc(test, ctx, "kunit-dup");
	KUNIT_ASSERT_EQ(test, fake_register(a), 0);
	KUNIT_EXPECT_EQ(test, fake_register(b), -EEXIST);
	/* the loser changed nothing and can still be released */
	KUNIT_EXPECT_PTR_EQ(test, lookup("kunit-dup"), &a->vdpa);
	fake_release(test, b);
	KUNIT_EXPECT_EQ(test, ctx->freed, 1);
	KUNIT_EXPECT_PTR_EQ(test, lookup("kunit-dup"), &a->vdpa);

	/* the name is free again once its owner is gone */
	fake_release(test, a);
	c = fake_alloc(test, ctx, "kunit-dup");
	KUNIT_EXPECT_EQ(test, fake_register(c), 0);
	KUNIT_EXPECT_PTR_EQ(test, lookup("kunit-dup"), &c->vdpa);
	KUNIT_EXPECT_EQ(test, ctx->freed, 2);
}

static void vdpa_registry_test_lifetime(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct fake_vdpa *fake;
	struct device *dev;

	fake = fake_alloc(test, ctx, "kunit-life");
	KUNIT_ASSERT_EQ(test, fake_register(fake), 0);

	/* a reference held elsewhere keeps the memory, not the name */
	dev = get_device(&fake->vdpa.dev);
	fake_release(test, fake);
	KUNIT_EXPECT_NULL(test, lookup("kunit-life"));
	KUNIT_EXPECT_EQ(test, ctx->freed, 0);
	KUNIT_EXPECT_STREQ(test, dev_name(dev), "kunit-life");
	put_device(dev);
	KUNIT_EXPECT_EQ(test, ctx->freed, 1);
}

static void vdpa_registry_test_free_unregistered(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct fake_vdpa *fake;

	/* never registered: the allocation reference releases it */
	fake = fake_alloc(test, ctx, "kunit-never");
	fake_release(test, fake);
	KUNIT_EXPECT_EQ(test, ctx->freed, 1);
	KUNIT_EXPECT_NULL(test, lookup("kunit-never"));
}

static void vdpa_registry_test_index_not_reused(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct fake_vdpa *fake;
	unsigned int first;

	/* netlink dumps resume by index: a freed index must not come back */
	fake = fake_alloc(test, ctx, NULL);
	first = fake->vdpa.index;
	fake_release(test, fake);
	fake = fake_alloc(test, ctx, NULL);
	KUNIT_EXPECT_NE(test, fake->vdpa.index, first);
}

static void vdpa_registry_test_helpers(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	static const u8 data[4] = { 1, 2, 3, 4 };
	struct fake_vdpa *fake;
	u8 buf[8];

	fake = fake_alloc(test, ctx, "kunit-helpers");
	memset(fake->config, 0xab, sizeof(fake->config));

	/* status 0 means reset, and never reaches set_status */
	vdpa_set_status(&fake->vdpa, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	KUNIT_EXPECT_EQ(test, ctx->set_status, 1);
	KUNIT_EXPECT_EQ(test, ctx->status, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	vdpa_set_status(&fake->vdpa, 0);
	KUNIT_EXPECT_EQ(test, ctx->set_status, 1);
	KUNIT_EXPECT_EQ(test, ctx->resets, 1);
	KUNIT_EXPECT_EQ(test, vdpa_reset(&fake->vdpa), 0);
	KUNIT_EXPECT_EQ(test, ctx->resets, 2);

	/* the parent's verdict on features is passed on */
	KUNIT_EXPECT_EQ(test, vdpa_set_features(&fake->vdpa,
						BIT_ULL(VIRTIO_F_VERSION_1)),
			0);
	KUNIT_EXPECT_EQ(test, vdpa_set_features(&fake->vdpa, BIT_ULL(0)),
			-EINVAL);

	/* config reads within bounds reach the parent */
	vdpa_get_config(&fake->vdpa, 4, buf, 4);
	KUNIT_EXPECT_EQ(test, ctx->get_config, 1);
	KUNIT_EXPECT_EQ(test, buf[0], 0xab);
	/* reads past the end (or wrapping) read as zeroes */
	memset(buf, 0xff, sizeof(buf));
	vdpa_get_config(&fake->vdpa, 6, buf, 4);
	KUNIT_EXPECT_EQ(test, buf[0], 0);
	KUNIT_EXPECT_EQ(test, buf[3], 0);
	memset(buf, 0xff, sizeof(buf));
	vdpa_get_config(&fake->vdpa, UINT_MAX, buf, 2);
	KUNIT_EXPECT_EQ(test, buf[1], 0);
	vdpa_get_config(&fake->vdpa, 9, buf, 0);
	KUNIT_EXPECT_EQ(test, ctx->get_config, 1);

	/* writes that do not fit are dropped whole */
	vdpa_set_config(&fake->vdpa, 5, data, 4);
	vdpa_set_config(&fake->vdpa, UINT_MAX - 1, data, 4);
	KUNIT_EXPECT_EQ(test, ctx->set_config, 0);
	KUNIT_EXPECT_EQ(test, fake->config[7], 0xab);
	vdpa_set_config(&fake->vdpa, 4, data, 4);
	KUNIT_EXPECT_EQ(test, ctx->set_config, 1);
	KUNIT_EXPECT_MEMEQ(test, fake->config + 4, data, 4);
}

static void vdpa_registry_test_mgmtdev_register(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	const char *handle = dev_name(ctx->parent);
	struct vdpa_mgmt_dev *bad, *dup;
	struct vdpa_mgmtdev_ops *ops;

	bad = kunit_kzalloc(test, sizeof(*bad), GFP_KERNEL);
	ops = kunit_kzalloc(test, sizeof(*ops), GFP_KERNEL);
	dup = kunit_kzalloc(test, sizeof(*dup), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bad);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	KUNIT_ASSERT_NOT_NULL(test, dup);

	/* incomplete handles are refused */
	KUNIT_EXPECT_EQ(test, vdpa_mgmtdev_register(bad), -EINVAL);
	bad->device = ctx->parent;
	bad->id_table = fake_id_table;
	KUNIT_EXPECT_EQ(test, vdpa_mgmtdev_register(bad), -EINVAL);
	bad->ops = ops;
	ops->dev_add = fake_dev_add;
	KUNIT_EXPECT_EQ(test, vdpa_mgmtdev_register(bad), -EINVAL);
	ops->dev_add = NULL;
	ops->dev_del = fake_dev_del;
	KUNIT_EXPECT_EQ(test, vdpa_mgmtdev_register(bad), -EINVAL);
	bad->ops = &fake_mgmt_ops;
	bad->id_table = NULL;
	KUNIT_EXPECT_EQ(test, vdpa_mgmtdev_register(bad), -EINVAL);

	fake_mgmt_register(test, ctx);
	/* found by bus and device name; the bus must match too */
	KUNIT_EXPECT_PTR_EQ(test, lookup_mgmt("kunit", handle), &ctx->mgmt);
	KUNIT_EXPECT_NULL(test, lookup_mgmt(NULL, handle));
	KUNIT_EXPECT_NULL(test, lookup_mgmt("pci", handle));
	KUNIT_EXPECT_NULL(test, lookup_mgmt("kunit", FAKE_MGMT_NAME));

	/* a second handle for the same device is refused */
	*dup = ctx->mgmt;
	KUNIT_EXPECT_EQ(test, vdpa_mgmtdev_register(dup), -EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, lookup_mgmt("kunit", handle), &ctx->mgmt);

	kunit_release_action(test, mgmt_unregister_action, &ctx->mgmt);
	KUNIT_EXPECT_NULL(test, lookup_mgmt("kunit", handle));
}

static void vdpa_registry_test_mgmtdev_children(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	static const char * const names[] = {
		"kunit-child0", "kunit-child1", "kunit-child2",
	};
	struct vdpa_dev_set_config config = {};
	struct fake_vdpa *other;
	unsigned int i;

	fake_mgmt_register(test, ctx);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		KUNIT_EXPECT_EQ(test, vdpa_test_dev_add("kunit",
							dev_name(ctx->parent),
							names[i], &config,
							NULL), 0);
	/* a device of no management device is not a child */
	other = fake_alloc(test, ctx, "kunit-orphan");
	KUNIT_ASSERT_EQ(test, fake_register(other), 0);

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		struct vdpa_device *vdev = lookup(names[i]);

		KUNIT_ASSERT_NOT_NULL(test, vdev);
		KUNIT_EXPECT_PTR_EQ(test, vdev->mdev, &ctx->mgmt);
	}

	/* withdrawing the handle deletes exactly its children */
	kunit_release_action(test, mgmt_unregister_action, &ctx->mgmt);
	KUNIT_EXPECT_EQ(test, ctx->dels, 3);
	KUNIT_EXPECT_EQ(test, ctx->freed, 3);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		KUNIT_EXPECT_NULL(test, lookup(names[i]));
	KUNIT_EXPECT_PTR_EQ(test, lookup("kunit-orphan"), &other->vdpa);
}

static struct kunit_case vdpa_registry_cases[] = {
	KUNIT_CASE(vdpa_registry_test_alloc_mandatory_ops),
	KUNIT_CASE(vdpa_registry_test_alloc_invalid),
	KUNIT_CASE(vdpa_registry_test_default_name),
	KUNIT_CASE(vdpa_registry_test_register_lookup),
	KUNIT_CASE(vdpa_registry_test_duplicate_name),
	KUNIT_CASE(vdpa_registry_test_lifetime),
	KUNIT_CASE(vdpa_registry_test_free_unregistered),
	KUNIT_CASE(vdpa_registry_test_index_not_reused),
	KUNIT_CASE(vdpa_registry_test_helpers),
	KUNIT_CASE(vdpa_registry_test_mgmtdev_register),
	KUNIT_CASE(vdpa_registry_test_mgmtdev_children),
	{}
};

static struct kunit_suite vdpa_registry_suite = {
	.name = "vdpa_registry",
	.init = core_test_init,
	.test_cases = vdpa_registry_cases,
};

/* netlink */

struct nl_req {
	struct sk_buff *skb;
	struct netlink_ext_ack extack;
	struct nlattr **tb;
};

KUNIT_DEFINE_ACTION_WRAPPER(kfree_skb_action, kfree_skb, struct sk_buff *);

static struct nl_req *nl_new(struct kunit *test, u8 cmd)
{
	struct nl_req *req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, req);
	req->skb = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req->skb);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kfree_skb_action,
							req->skb), 0);
	KUNIT_ASSERT_NOT_NULL(test, genlmsg_put(req->skb, 0, 1,
						&vdpa_nl_family, 0, cmd));
	return req;
}

/*
 * A u64 attribute as iproute2 sends it: libmnl never adds a pad attribute,
 * and strict parsing refuses one (nla_put_u64_64bit() adds it where
 * unaligned access is slow, UML among them).
 */
static int nl_put_u64(struct sk_buff *skb, int type, u64 value)
{
	return nla_put(skb, type, sizeof(value), &value);
}

/* A request for DEV_NEW naming the fake management device and @name. */
static struct nl_req *nl_dev_new(struct kunit *test, const char *name)
{
	struct nl_req *req = nl_new(test, VDPA_CMD_DEV_NEW);
	struct core_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, nla_put_string(req->skb,
					     VDPA_ATTR_MGMTDEV_BUS_NAME,
					     "kunit"), 0);
	KUNIT_ASSERT_EQ(test, nla_put_string(req->skb,
					     VDPA_ATTR_MGMTDEV_DEV_NAME,
					     dev_name(ctx->parent)), 0);
	if (name)
		KUNIT_ASSERT_EQ(test, nla_put_string(req->skb,
						     VDPA_ATTR_DEV_NAME, name),
				0);
	return req;
}

static struct nl_req *nl_dev_req(struct kunit *test, u8 cmd, const char *name)
{
	struct nl_req *req = nl_new(test, cmd);

	KUNIT_ASSERT_EQ(test, nla_put_string(req->skb, VDPA_ATTR_DEV_NAME,
					     name), 0);
	return req;
}

static const struct genl_split_ops *nl_find_doit(u8 cmd)
{
	unsigned int i;

	for (i = 0; i < vdpa_nl_family.n_split_ops; i++) {
		const struct genl_split_ops *op = &vdpa_nl_family.split_ops[i];

		if (op->cmd == cmd && (op->flags & GENL_CMD_CAP_DO))
			return op;
	}
	return NULL;
}

/*
 * Parse strictly with the command's policy and run its doit handler between
 * its pre_doit and post_doit.
 */
static int nl_run(struct kunit *test, struct nl_req *req)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req->skb);
	const struct genl_split_ops *op;
	struct genl_info info = {};
	int err;

	nlmsg_end(req->skb, nlh);
	op = nl_find_doit(((struct genlmsghdr *)nlmsg_data(nlh))->cmd);
	KUNIT_ASSERT_NOT_NULL(test, op);
	KUNIT_ASSERT_NOT_NULL(test, op->policy);
	req->tb = kunit_kcalloc(test, op->maxattr + 1, sizeof(*req->tb),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req->tb);

	err = nlmsg_parse(nlh, GENL_HDRLEN, req->tb, op->maxattr, op->policy,
			  &req->extack);
	if (err)
		return err;

	info.snd_seq = nlh->nlmsg_seq;
	info.family = &vdpa_nl_family;
	info.nlhdr = nlh;
	info.genlhdr = nlmsg_data(nlh);
	info.attrs = req->tb;
	info.extack = &req->extack;
	genl_info_net_set(&info, &init_net);
	/* as genetlink does: no post_doit after a pre_doit that failed */
	err = op->pre_doit ? op->pre_doit(op, req->skb, &info) : 0;
	if (err)
		return err;
	err = op->doit(req->skb, &info);
	if (op->post_doit)
		op->post_doit(op, req->skb, &info);
	return err;
}

static void expect_msg(struct kunit *test, const struct nl_req *req,
		       const char *msg)
{
	KUNIT_ASSERT_NOT_NULL(test, req->extack._msg);
	KUNIT_EXPECT_STREQ(test, req->extack._msg, msg);
}

/* The attribute of type @type in the request, as extack would name it. */
static const struct nlattr *nl_attr(struct nl_req *req, int type)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req->skb);

	return nlmsg_find_attr(nlh, GENL_HDRLEN, type);
}

static int nl_test_init(struct kunit *test)
{
	int err = core_test_init(test);

	if (!err)
		fake_mgmt_register(test, test->priv);
	return err;
}

static void vdpa_netlink_test_dev_new(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	static const u8 mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x42 };
	u64 features = BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_NET_F_MAC);
	struct nl_req *req = nl_dev_new(test, "kunit-nl0");
	struct vdpa_device *vdev;

	KUNIT_ASSERT_EQ(test, nla_put(req->skb, VDPA_ATTR_DEV_NET_CFG_MACADDR,
				      ETH_ALEN, mac), 0);
	KUNIT_ASSERT_EQ(test, nla_put_u16(req->skb, VDPA_ATTR_DEV_NET_CFG_MTU,
					  1400), 0);
	KUNIT_ASSERT_EQ(test, nla_put_u16(req->skb,
					  VDPA_ATTR_DEV_NET_CFG_MAX_VQP, 4),
			0);
	KUNIT_ASSERT_EQ(test, nl_put_u64(req->skb, VDPA_ATTR_DEV_FEATURES,
					 features), 0);

	KUNIT_ASSERT_EQ(test, nl_run(test, req), 0);
	KUNIT_EXPECT_EQ(test, ctx->adds, 1);
	KUNIT_EXPECT_STREQ(test, ctx->add_name, "kunit-nl0");
	KUNIT_EXPECT_EQ(test, ctx->add_config.mask, FAKE_ATTRS);
	KUNIT_EXPECT_MEMEQ(test, ctx->add_config.net.mac, mac, ETH_ALEN);
	KUNIT_EXPECT_EQ(test, ctx->add_config.net.mtu, 1400);
	KUNIT_EXPECT_EQ(test, ctx->add_config.net.max_vq_pairs, 4);
	KUNIT_EXPECT_EQ(test, ctx->add_config.device_features, features);

	vdev = lookup("kunit-nl0");
	KUNIT_ASSERT_NOT_NULL(test, vdev);
	KUNIT_EXPECT_PTR_EQ(test, vdev->mdev, &ctx->mgmt);
}

static void vdpa_netlink_test_dev_new_minimal(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct nl_req *req;

	/* no provisioning at all: the parent picks its defaults */
	KUNIT_ASSERT_EQ(test, nl_run(test, nl_dev_new(test, "kunit-nl1")), 0);
	KUNIT_EXPECT_EQ(test, ctx->adds, 1);
	KUNIT_EXPECT_EQ(test, ctx->add_config.mask, 0);

	/* features 0 is a choice, not an absence */
	req = nl_dev_new(test, "kunit-nl2");
	KUNIT_ASSERT_EQ(test, nl_put_u64(req->skb, VDPA_ATTR_DEV_FEATURES, 0),
			0);
	KUNIT_ASSERT_EQ(test, nl_run(test, req), 0);
	KUNIT_EXPECT_EQ(test, ctx->add_config.mask,
			BIT_ULL(VDPA_ATTR_DEV_FEATURES));
	KUNIT_EXPECT_EQ(test, ctx->add_config.device_features, 0);
}

static void vdpa_netlink_test_dev_new_duplicate(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct nl_req *req;

	KUNIT_ASSERT_EQ(test, nl_run(test, nl_dev_new(test, "kunit-nl-dup")),
			0);
	req = nl_dev_new(test, "kunit-nl-dup");
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EEXIST);
	expect_msg(test, req, "a device with this name already exists");
	KUNIT_EXPECT_PTR_EQ(test, req->extack.bad_attr,
			    nl_attr(req, VDPA_ATTR_DEV_NAME));
	/* the parent was not even asked */
	KUNIT_EXPECT_EQ(test, ctx->adds, 1);
}

static void vdpa_netlink_test_dev_new_missing(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct nl_req *req;

	req = nl_dev_new(test, NULL);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EINVAL);
	KUNIT_EXPECT_EQ(test, req->extack.miss_type, VDPA_ATTR_DEV_NAME);

	req = nl_new(test, VDPA_CMD_DEV_NEW);
	KUNIT_ASSERT_EQ(test, nla_put_string(req->skb, VDPA_ATTR_DEV_NAME,
					     "kunit-nl3"), 0);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EINVAL);
	KUNIT_EXPECT_EQ(test, req->extack.miss_type,
			VDPA_ATTR_MGMTDEV_DEV_NAME);
	KUNIT_EXPECT_EQ(test, ctx->adds, 0);
}

static void vdpa_netlink_test_dev_new_unknown_mgmtdev(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct nl_req *req;

	req = nl_new(test, VDPA_CMD_DEV_NEW);
	KUNIT_ASSERT_EQ(test, nla_put_string(req->skb,
					     VDPA_ATTR_MGMTDEV_DEV_NAME,
					     "vdpa-kunit-nosuch"), 0);
	KUNIT_ASSERT_EQ(test, nla_put_string(req->skb, VDPA_ATTR_DEV_NAME,
					     "kunit-nl4"), 0);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -ENODEV);
	expect_msg(test, req, "management device not found");
	KUNIT_EXPECT_PTR_EQ(test, req->extack.bad_attr,
			    nl_attr(req, VDPA_ATTR_MGMTDEV_DEV_NAME));

	/* the right device name on no bus is another handle */
	req = nl_new(test, VDPA_CMD_DEV_NEW);
	KUNIT_ASSERT_EQ(test, nla_put_string(req->skb,
					     VDPA_ATTR_MGMTDEV_DEV_NAME,
					     dev_name(ctx->parent)), 0);
	KUNIT_ASSERT_EQ(test, nla_put_string(req->skb, VDPA_ATTR_DEV_NAME,
					     "kunit-nl4"), 0);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -ENODEV);
	KUNIT_EXPECT_EQ(test, ctx->adds, 0);
}

struct bad_name {
	const char *desc;
	const char *name;
	bool core_msg;	/* rejected by our check, not by the policy */
};

static const struct bad_name bad_names[] = {
	{ "empty", "", true },
	{ "dot", ".", true },
	{ "dot-dot", "..", true },
	{ "slash inside", "a/b", true },
	{ "slash alone", "/", true },
	{ "space", "a b", true },
	{ "tab", "tab\there", true },
	{ "newline", "nl\n", true },
	{ "DEL", "\x7f", true },
	{ "non-ASCII", "caf\xc3\xa9", true },
	/* 64 characters: one more than the policy allows */
	{ "64 characters",
	  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	  false },
};

static void bad_name_desc(const struct bad_name *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_name, bad_names, bad_name_desc);

static void vdpa_netlink_test_dev_new_bad_name(struct kunit *test)
{
	const struct bad_name *p = test->param_value;
	struct core_ctx *ctx = test->priv;
	struct nl_req *req = nl_dev_new(test, p->name);

	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, req->extack.bad_attr,
			    nl_attr(req, VDPA_ATTR_DEV_NAME));
	if (p->core_msg)
		expect_msg(test, req,
			   "device name must be non-empty printable ASCII without spaces or '/'");
	KUNIT_EXPECT_EQ(test, ctx->adds, 0);
	KUNIT_EXPECT_NULL(test, lookup(p->name));
}

static void vdpa_netlink_test_dev_new_good_names(struct kunit *test)
{
	static const char * const names[] = {
		"x", "...", ".a", "a.b-c_d:e@f+g",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
	};
	struct core_ctx *ctx = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		KUNIT_EXPECT_EQ_MSG(test, nl_run(test, nl_dev_new(test,
								  names[i])),
				    0, "name %s", names[i]);
		KUNIT_EXPECT_NOT_NULL(test, lookup(names[i]));
	}
	KUNIT_EXPECT_EQ(test, ctx->adds, (int)ARRAY_SIZE(names));
}

/* An attribute the policy must refuse. */
struct bad_attr {
	const char *desc;
	int type;
	const void *data;
	int len;
	int err;
};

static const u8 mac5[5] = { 0x02, 0, 0, 0, 1 };
static const u8 mac7[7] = { 0x02, 0, 0, 0, 0, 1, 0 };
static const u8 u8_1 = 1;
static const u16 u16_0;
static const u16 u16_67 = 67;
static const u32 u32_1500 = 1500;
static const u32 u32_2 = 2;
static const u64 u64_0;
static const char no_nul[4] = { 'k', 'u', 'n', 'i' };

static const struct bad_attr bad_attrs[] = {
	{ "MAC of 5 bytes", VDPA_ATTR_DEV_NET_CFG_MACADDR, mac5, 5, -ERANGE },
	{ "MAC of 7 bytes", VDPA_ATTR_DEV_NET_CFG_MACADDR, mac7, 7, -ERANGE },
	{ "MTU as u32", VDPA_ATTR_DEV_NET_CFG_MTU, &u32_1500, 4, -EINVAL },
	{ "MTU as u8", VDPA_ATTR_DEV_NET_CFG_MTU, &u8_1, 1, -EINVAL },
	{ "MTU below 68", VDPA_ATTR_DEV_NET_CFG_MTU, &u16_67, 2, -ERANGE },
	{ "max_vqp 0", VDPA_ATTR_DEV_NET_CFG_MAX_VQP, &u16_0, 2, -ERANGE },
	{ "max_vqp as u32", VDPA_ATTR_DEV_NET_CFG_MAX_VQP, &u32_2, 4,
	  -EINVAL },
	{ "features as u32", VDPA_ATTR_DEV_FEATURES, &u32_2, 4, -EINVAL },
	{ "capacity 0", VDPA_ATTR_DEV_BLK_CFG_CAPACITY, &u64_0, 8, -ERANGE },
	{ "management device name without NUL", VDPA_ATTR_MGMTDEV_BUS_NAME,
	  no_nul, 4, -EINVAL },
	/* a known attribute that DEV_NEW does not take */
	{ "queue index", VDPA_ATTR_DEV_QUEUE_INDEX, &u32_2, 4, -EINVAL },
	/* beyond the command's policy */
	{ "blk flush flag", VDPA_ATTR_DEV_BLK_FLUSH, &u8_1, 1, -EINVAL },
	{ "attribute 0", VDPA_ATTR_UNSPEC, &u32_2, 4, -EINVAL },
	{ "unknown attribute", VDPA_ATTR_MAX + 10, &u32_2, 4, -EINVAL },
};

static void bad_attr_desc(const struct bad_attr *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_attr, bad_attrs, bad_attr_desc);

static void vdpa_netlink_test_dev_new_policy(struct kunit *test)
{
	const struct bad_attr *p = test->param_value;
	struct core_ctx *ctx = test->priv;
	struct nl_req *req = nl_dev_new(test, "kunit-nl5");
	struct nlattr *attr;

	attr = nla_reserve(req->skb, p->type, p->len);
	KUNIT_ASSERT_NOT_NULL(test, attr);
	memcpy(nla_data(attr), p->data, p->len);

	KUNIT_EXPECT_EQ(test, nl_run(test, req), p->err);
	KUNIT_EXPECT_PTR_EQ(test, req->extack.bad_attr, attr);
	KUNIT_EXPECT_NOT_NULL(test, req->extack._msg);
	KUNIT_EXPECT_EQ(test, ctx->adds, 0);
	KUNIT_EXPECT_NULL(test, lookup("kunit-nl5"));
}

static void vdpa_netlink_test_dev_new_bad_mac(struct kunit *test)
{
	static const u8 macs[][ETH_ALEN] = {
		{ 0, 0, 0, 0, 0, 0 },			/* zero */
		{ 0x01, 0, 0x5e, 0, 0, 1 },		/* multicast */
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },	/* broadcast */
	};
	struct core_ctx *ctx = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(macs); i++) {
		struct nl_req *req = nl_dev_new(test, "kunit-nl6");

		KUNIT_ASSERT_EQ(test, nla_put(req->skb,
					      VDPA_ATTR_DEV_NET_CFG_MACADDR,
					      ETH_ALEN, macs[i]), 0);
		KUNIT_EXPECT_EQ_MSG(test, nl_run(test, req), -EINVAL,
				    "MAC %pM", macs[i]);
		expect_msg(test, req, "MAC address must be unicast and non-zero");
		KUNIT_EXPECT_PTR_EQ(test, req->extack.bad_attr,
				    nl_attr(req, VDPA_ATTR_DEV_NET_CFG_MACADDR));
	}
	KUNIT_EXPECT_EQ(test, ctx->adds, 0);
}

static int nl_dev_new_vqp(struct kunit *test, const char *name, u16 vqp,
			  struct nl_req **reqp)
{
	struct nl_req *req = nl_dev_new(test, name);

	KUNIT_ASSERT_EQ(test, nla_put_u16(req->skb,
					  VDPA_ATTR_DEV_NET_CFG_MAX_VQP, vqp),
			0);
	*reqp = req;
	return nl_run(test, req);
}

static void vdpa_netlink_test_dev_new_max_vqp(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct nl_req *req;

	/* the management device offers 9 queues: 4 pairs and a cvq */
	KUNIT_EXPECT_EQ(test, nl_dev_new_vqp(test, "kunit-nl7", 5, &req),
			-ERANGE);
	expect_msg(test, req,
		   "max_vqp 5 exceeds the management device's limit of 4");
	KUNIT_EXPECT_PTR_EQ(test, req->extack.bad_attr,
			    nl_attr(req, VDPA_ATTR_DEV_NET_CFG_MAX_VQP));
	KUNIT_EXPECT_EQ(test, nl_dev_new_vqp(test, "kunit-nl7", U16_MAX, &req),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, ctx->adds, 0);

	KUNIT_EXPECT_EQ(test, nl_dev_new_vqp(test, "kunit-nl7", 4, &req), 0);
	KUNIT_EXPECT_EQ(test, ctx->add_config.net.max_vq_pairs, 4);

	/* no advertised limit: the parent decides */
	ctx->mgmt.max_supported_vqs = 0;
	KUNIT_EXPECT_EQ(test, nl_dev_new_vqp(test, "kunit-nl8", U16_MAX, &req),
			0);
	KUNIT_EXPECT_EQ(test, ctx->add_config.net.max_vq_pairs, U16_MAX);
}

static void vdpa_netlink_test_dev_new_mtu(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct nl_req *req;

	req = nl_dev_new(test, "kunit-nl9");
	KUNIT_ASSERT_EQ(test, nla_put_u16(req->skb, VDPA_ATTR_DEV_NET_CFG_MTU,
					  ETH_MIN_MTU), 0);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), 0);
	KUNIT_EXPECT_EQ(test, ctx->add_config.net.mtu, ETH_MIN_MTU);

	/* no upper bound in the core: each parent has its own */
	req = nl_dev_new(test, "kunit-nl10");
	KUNIT_ASSERT_EQ(test, nla_put_u16(req->skb, VDPA_ATTR_DEV_NET_CFG_MTU,
					  U16_MAX), 0);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), 0);
	KUNIT_EXPECT_EQ(test, ctx->add_config.net.mtu, U16_MAX);
}

static void vdpa_netlink_test_dev_new_features(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct nl_req *req;

	req = nl_dev_new(test, "kunit-nl11");
	KUNIT_ASSERT_EQ(test, nl_put_u64(req->skb, VDPA_ATTR_DEV_FEATURES,
					 FAKE_FEATURES | BIT_ULL(63) |
					 BIT_ULL(VIRTIO_NET_F_CTRL_VQ)), 0);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EOPNOTSUPP);
	expect_msg(test, req,
		   "features 0x8000000000020000 are not supported by the management device");
	KUNIT_EXPECT_PTR_EQ(test, req->extack.bad_attr,
			    nl_attr(req, VDPA_ATTR_DEV_FEATURES));
	KUNIT_EXPECT_EQ(test, ctx->adds, 0);

	req = nl_dev_new(test, "kunit-nl11");
	KUNIT_ASSERT_EQ(test, nl_put_u64(req->skb, VDPA_ATTR_DEV_FEATURES,
					 FAKE_FEATURES), 0);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), 0);
	KUNIT_EXPECT_EQ(test, ctx->add_config.device_features, FAKE_FEATURES);
}

static void vdpa_netlink_test_dev_new_unsupported_attr(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct nl_req *req;

	/* valid by policy, but this management device does not take it */
	req = nl_dev_new(test, "kunit-nl12");
	KUNIT_ASSERT_EQ(test, nl_put_u64(req->skb,
					 VDPA_ATTR_DEV_BLK_CFG_CAPACITY, 2048),
			0);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EOPNOTSUPP);
	expect_msg(test, req,
		   "attribute not supported by this management device");
	KUNIT_EXPECT_PTR_EQ(test, req->extack.bad_attr,
			    nl_attr(req, VDPA_ATTR_DEV_BLK_CFG_CAPACITY));

	ctx->mgmt.config_attr_mask = BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR);
	req = nl_dev_new(test, "kunit-nl12");
	KUNIT_ASSERT_EQ(test, nla_put_u16(req->skb, VDPA_ATTR_DEV_NET_CFG_MTU,
					  1500), 0);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EOPNOTSUPP);
	KUNIT_EXPECT_PTR_EQ(test, req->extack.bad_attr,
			    nl_attr(req, VDPA_ATTR_DEV_NET_CFG_MTU));
	KUNIT_EXPECT_EQ(test, ctx->adds, 0);
}

static void vdpa_netlink_test_dev_new_parent_error(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct nl_req *req;

	/* a parent that says nothing gets a message on its behalf */
	ctx->add_ret = -EIO;
	req = nl_dev_new(test, "kunit-nl13");
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EIO);
	expect_msg(test, req,
		   "management device failed to create the device (-5)");

	/* and one that explains itself is not overridden */
	ctx->add_msg = true;
	req = nl_dev_new(test, "kunit-nl13");
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EIO);
	expect_msg(test, req, "kunit parent says no");
	KUNIT_EXPECT_EQ(test, ctx->adds, 2);
	KUNIT_EXPECT_NULL(test, lookup("kunit-nl13"));
}

static void vdpa_netlink_test_dev_del(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct fake_vdpa *orphan;
	struct nl_req *req;

	req = nl_dev_req(test, VDPA_CMD_DEV_DEL, "kunit-nosuch");
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -ENODEV);
	expect_msg(test, req, "device not found");
	KUNIT_EXPECT_PTR_EQ(test, req->extack.bad_attr,
			    nl_attr(req, VDPA_ATTR_DEV_NAME));

	req = nl_new(test, VDPA_CMD_DEV_DEL);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EINVAL);
	KUNIT_EXPECT_EQ(test, req->extack.miss_type, VDPA_ATTR_DEV_NAME);

	/* only devices created through a management device can be deleted */
	orphan = fake_alloc(test, ctx, "kunit-nl-orphan");
	KUNIT_ASSERT_EQ(test, fake_register(orphan), 0);
	req = nl_dev_req(test, VDPA_CMD_DEV_DEL, "kunit-nl-orphan");
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EOPNOTSUPP);
	KUNIT_EXPECT_PTR_EQ(test, lookup("kunit-nl-orphan"), &orphan->vdpa);

	KUNIT_ASSERT_EQ(test, nl_run(test, nl_dev_new(test, "kunit-nl14")), 0);
	KUNIT_ASSERT_NOT_NULL(test, lookup("kunit-nl14"));
	req = nl_dev_req(test, VDPA_CMD_DEV_DEL, "kunit-nl14");
	KUNIT_EXPECT_EQ(test, nl_run(test, req), 0);
	KUNIT_EXPECT_EQ(test, ctx->dels, 1);
	KUNIT_EXPECT_NULL(test, lookup("kunit-nl14"));
	KUNIT_EXPECT_EQ(test, ctx->freed, 1);
	/* and the name can be used again */
	KUNIT_EXPECT_EQ(test, nl_run(test, nl_dev_new(test, "kunit-nl14")), 0);
}

static struct nl_req *nl_attr_set_mac(struct kunit *test, const char *name,
				      const u8 *mac)
{
	struct nl_req *req = nl_dev_req(test, VDPA_CMD_DEV_ATTR_SET, name);

	KUNIT_ASSERT_EQ(test, nla_put(req->skb, VDPA_ATTR_DEV_NET_CFG_MACADDR,
				      ETH_ALEN, mac), 0);
	return req;
}

static void vdpa_netlink_test_attr_set(struct kunit *test)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x99 };
	static const u8 mcast[ETH_ALEN] = { 0x03, 0, 0, 0, 0, 0x99 };
	struct core_ctx *ctx = test->priv;
	struct nl_req *req;

	KUNIT_ASSERT_EQ(test, nl_run(test, nl_dev_new(test, "kunit-nl15")), 0);

	req = nl_attr_set_mac(test, "kunit-nl15", mac);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), 0);
	KUNIT_EXPECT_EQ(test, ctx->set_attrs, 1);
	KUNIT_EXPECT_EQ(test, ctx->set_attr_config.mask,
			BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR));
	KUNIT_EXPECT_MEMEQ(test, ctx->set_attr_config.net.mac, mac, ETH_ALEN);

	req = nl_attr_set_mac(test, "kunit-nl15", mcast);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EINVAL);

	req = nl_dev_req(test, VDPA_CMD_DEV_ATTR_SET, "kunit-nl15");
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EINVAL);
	expect_msg(test, req, "no attribute to change");

	/* the MTU goes to the parent; below the minimum, the policy stops it */
	req = nl_dev_req(test, VDPA_CMD_DEV_ATTR_SET, "kunit-nl15");
	KUNIT_ASSERT_EQ(test, nla_put_u16(req->skb, VDPA_ATTR_DEV_NET_CFG_MTU,
					  1500), 0);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), 0);
	KUNIT_EXPECT_EQ(test, ctx->set_attrs, 2);
	KUNIT_EXPECT_EQ(test, ctx->set_attr_config.mask,
			BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU));
	KUNIT_EXPECT_EQ(test, ctx->set_attr_config.net.mtu, 1500);
	req = nl_dev_req(test, VDPA_CMD_DEV_ATTR_SET, "kunit-nl15");
	KUNIT_ASSERT_EQ(test, nla_put_u16(req->skb, VDPA_ATTR_DEV_NET_CFG_MTU,
					  ETH_MIN_MTU - 1), 0);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -ERANGE);
	KUNIT_EXPECT_PTR_EQ(test, req->extack.bad_attr,
			    nl_attr(req, VDPA_ATTR_DEV_NET_CFG_MTU));

	req = nl_attr_set_mac(test, "kunit-nosuch", mac);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -ENODEV);

	/* a management device that does not take MACs */
	ctx->mgmt.config_attr_mask = BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU);
	req = nl_attr_set_mac(test, "kunit-nl15", mac);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EOPNOTSUPP);
	expect_msg(test, req,
		   "attribute not supported by this management device");

	/* ... or changes nothing at all */
	ctx->mgmt.ops = &fake_mgmt_ops_no_set;
	req = nl_attr_set_mac(test, "kunit-nl15", mac);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EOPNOTSUPP);
	expect_msg(test, req, "device does not support changing attributes");
	ctx->mgmt.ops = &fake_mgmt_ops;
	KUNIT_EXPECT_EQ(test, ctx->set_attrs, 2);
}

static void vdpa_netlink_test_attr_set_orphan(struct kunit *test)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x98 };
	struct core_ctx *ctx = test->priv;
	struct fake_vdpa *orphan;
	struct nl_req *req;

	orphan = fake_alloc(test, ctx, "kunit-nl-orphan");
	KUNIT_ASSERT_EQ(test, fake_register(orphan), 0);
	req = nl_attr_set_mac(test, "kunit-nl-orphan", mac);
	KUNIT_EXPECT_EQ(test, nl_run(test, req), -EOPNOTSUPP);
	expect_msg(test, req, "device was not created by a management device");
	KUNIT_EXPECT_EQ(test, ctx->set_attrs, 0);
}

static struct kunit_case vdpa_netlink_cases[] = {
	KUNIT_CASE(vdpa_netlink_test_dev_new),
	KUNIT_CASE(vdpa_netlink_test_dev_new_minimal),
	KUNIT_CASE(vdpa_netlink_test_dev_new_duplicate),
	KUNIT_CASE(vdpa_netlink_test_dev_new_missing),
	KUNIT_CASE(vdpa_netlink_test_dev_new_unknown_mgmtdev),
	KUNIT_CASE_PARAM(vdpa_netlink_test_dev_new_bad_name,
			 bad_name_gen_params),
	KUNIT_CASE(vdpa_netlink_test_dev_new_good_names),
	KUNIT_CASE_PARAM(vdpa_netlink_test_dev_new_policy,
			 bad_attr_gen_params),
	KUNIT_CASE(vdpa_netlink_test_dev_new_bad_mac),
	KUNIT_CASE(vdpa_netlink_test_dev_new_max_vqp),
	KUNIT_CASE(vdpa_netlink_test_dev_new_mtu),
	KUNIT_CASE(vdpa_netlink_test_dev_new_features),
	KUNIT_CASE(vdpa_netlink_test_dev_new_unsupported_attr),
	KUNIT_CASE(vdpa_netlink_test_dev_new_parent_error),
	KUNIT_CASE(vdpa_netlink_test_dev_del),
	KUNIT_CASE(vdpa_netlink_test_attr_set),
	KUNIT_CASE(vdpa_netlink_test_attr_set_orphan),
	{}
};

static struct kunit_suite vdpa_netlink_suite = {
	.name = "vdpa_netlink",
	.init = nl_test_init,
	.test_cases = vdpa_netlink_cases,
};

kunit_test_suites(&vdpa_registry_suite, &vdpa_netlink_suite);

MODULE_DESCRIPTION("KUnit tests for the vDPA device registry and netlink checks");
MODULE_LICENSE("GPL");
