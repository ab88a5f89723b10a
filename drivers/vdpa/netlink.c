// SPDX-License-Identifier: GPL-2.0
/*
 * The "vdpa" generic netlink family (Documentation/netlink/specs/vdpa.yaml):
 * list management devices, create and delete devices, read their config
 * and per-queue statistics, change their provisioning.
 *
 * The policies and the split ops are generated from the spec
 * (vdpa_nl_gen.c). Every command has its own strict policy, so a handler
 * only ever sees attributes it knows, of the right type and size; what a
 * policy cannot express is checked here with an extack message naming the
 * attribute. Locking and the lookup of the object a request names are done
 * once, in the pre_doit/post_doit pairs the spec gives each command.
 */

#include <kunit/visibility.h>
#include <linux/ctype.h>
#include <linux/etherdevice.h>
#include <linux/vdpa.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <net/genetlink.h>
#include <uapi/linux/vdpa.h>

#include "vdpa_core.h"
#include "vdpa_kunit.h"
#include "vdpa_nl_gen.h"

/* Provisioning attributes DEV_NEW may carry, for the mask check. */
#define VDPA_NL_PROVISION_ATTRS	(BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MACADDR) | \
				 BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MTU) |	  \
				 BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP) | \
				 BIT_ULL(VDPA_ATTR_DEV_FEATURES) |	  \
				 BIT_ULL(VDPA_ATTR_DEV_BLK_CFG_CAPACITY))

struct vdpa_stats_msg {
	struct sk_buff *skb;
};

/* Where a reply goes and what it answers. */
struct vdpa_nl_ctx {
	u32 portid;
	u32 seq;
	int flags;
	u8 cmd;
	struct netlink_ext_ack *extack;
};

VISIBLE_IF_KUNIT struct genl_family vdpa_nl_family;

static void *vdpa_nl_put_header(struct sk_buff *msg,
				const struct vdpa_nl_ctx *ctx)
{
	return genlmsg_put(msg, ctx->portid, ctx->seq, &vdpa_nl_family,
			   ctx->flags, ctx->cmd);
}

static int vdpa_nl_put_mgmt_handle(struct sk_buff *msg,
				   const struct device *dev)
{
	if (dev->bus &&
	    nla_put_string(msg, VDPA_ATTR_MGMTDEV_BUS_NAME, dev->bus->name))
		return -EMSGSIZE;
	return nla_put_string(msg, VDPA_ATTR_MGMTDEV_DEV_NAME, dev_name(dev));
}

static u64 vdpa_mgmtdev_classes(const struct vdpa_mgmt_dev *mdev)
{
	const struct virtio_device_id *id;
	u64 classes = 0;

	for (id = mdev->id_table; id->device; id++)
		if (id->device < 64)
			classes |= BIT_ULL(id->device);
	return classes;
}

static int vdpa_nl_mgmtdev_fill(struct sk_buff *msg,
				const struct vdpa_mgmt_dev *mdev,
				const struct vdpa_nl_ctx *ctx)
{
	void *hdr = vdpa_nl_put_header(msg, ctx);

	if (!hdr)
		return -EMSGSIZE;
	if (vdpa_nl_put_mgmt_handle(msg, mdev->device) ||
	    nla_put_u64_64bit(msg, VDPA_ATTR_MGMTDEV_SUPPORTED_CLASSES,
			      vdpa_mgmtdev_classes(mdev), VDPA_ATTR_PAD) ||
	    nla_put_u32(msg, VDPA_ATTR_DEV_MGMTDEV_MAX_VQS,
			mdev->max_supported_vqs) ||
	    nla_put_u64_64bit(msg, VDPA_ATTR_DEV_SUPPORTED_FEATURES,
			      mdev->supported_features, VDPA_ATTR_PAD)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/* Resolve the management handle of a request; vdpa_mgmt_lock held. */
static struct vdpa_mgmt_dev *vdpa_nl_find_mgmtdev(struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct vdpa_mgmt_dev *mdev;
	const char *bus_name = NULL;

	if (GENL_REQ_ATTR_CHECK(info, VDPA_ATTR_MGMTDEV_DEV_NAME))
		return ERR_PTR(-EINVAL);
	if (tb[VDPA_ATTR_MGMTDEV_BUS_NAME])
		bus_name = nla_data(tb[VDPA_ATTR_MGMTDEV_BUS_NAME]);

	mdev = vdpa_find_mgmtdev_locked(bus_name,
					nla_data(tb[VDPA_ATTR_MGMTDEV_DEV_NAME]));
	if (!mdev) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    tb[VDPA_ATTR_MGMTDEV_DEV_NAME],
				    "management device not found");
		return ERR_PTR(-ENODEV);
	}
	return mdev;
}

/* Resolve the device named by a request; vdpa_dev_lock held. */
static struct vdpa_device *vdpa_nl_find_device(struct genl_info *info)
{
	struct vdpa_device *vdev;

	if (GENL_REQ_ATTR_CHECK(info, VDPA_ATTR_DEV_NAME))
		return ERR_PTR(-EINVAL);
	vdev = vdpa_find_device_locked(nla_data(info->attrs[VDPA_ATTR_DEV_NAME]));
	if (!vdev) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VDPA_ATTR_DEV_NAME],
				    "device not found");
		return ERR_PTR(-ENODEV);
	}
	return vdev;
}

/*
 * Every doit runs between a pre_doit and a post_doit, named per command in
 * the spec: the pre_doit takes the locks the command needs and resolves the
 * object the request names into info->user_ptr[0], the post_doit drops the
 * locks. A handler finds its object there, alive until it returns. A
 * pre_doit that fails has released everything: no post_doit follows it.
 */
int vdpa_nl_mgmtdev_pre_doit(const struct genl_split_ops *ops,
			     struct sk_buff *skb, struct genl_info *info)
{
	struct vdpa_mgmt_dev *mdev;

	mutex_lock(&vdpa_mgmt_lock);
	mdev = vdpa_nl_find_mgmtdev(info);
	if (IS_ERR(mdev)) {
		mutex_unlock(&vdpa_mgmt_lock);
		return PTR_ERR(mdev);
	}
	info->user_ptr[0] = mdev;
	return 0;
}

void vdpa_nl_mgmtdev_post_doit(const struct genl_split_ops *ops,
			       struct sk_buff *skb, struct genl_info *info)
{
	mutex_unlock(&vdpa_mgmt_lock);
}

/* For commands that only read a device: vdpa_dev_lock keeps it. */
int vdpa_nl_dev_pre_doit(const struct genl_split_ops *ops,
			 struct sk_buff *skb, struct genl_info *info)
{
	struct vdpa_device *vdev;

	mutex_lock(&vdpa_dev_lock);
	vdev = vdpa_nl_find_device(info);
	if (IS_ERR(vdev)) {
		mutex_unlock(&vdpa_dev_lock);
		return PTR_ERR(vdev);
	}
	info->user_ptr[0] = vdev;
	return 0;
}

void vdpa_nl_dev_post_doit(const struct genl_split_ops *ops,
			   struct sk_buff *skb, struct genl_info *info)
{
	mutex_unlock(&vdpa_dev_lock);
}

/*
 * For commands that call the device's management device, which may sleep
 * long and take vdpa_dev_lock itself: only vdpa_mgmt_lock is held across
 * the handler. A device with a management device is deleted only under
 * that lock, so it stays; one without may be unregistered by its parent
 * at any time and is refused while vdpa_dev_lock still keeps it. Its
 * post_doit is the management device's: it drops vdpa_mgmt_lock.
 */
int vdpa_nl_managed_dev_pre_doit(const struct genl_split_ops *ops,
				 struct sk_buff *skb, struct genl_info *info)
{
	struct vdpa_device *vdev;
	int err = 0;

	mutex_lock(&vdpa_mgmt_lock);
	mutex_lock(&vdpa_dev_lock);
	vdev = vdpa_nl_find_device(info);
	if (IS_ERR(vdev)) {
		err = PTR_ERR(vdev);
	} else if (!vdev->mdev) {
		NL_SET_ERR_MSG(info->extack,
			       "device was not created by a management device");
		err = -EOPNOTSUPP;
	}
	mutex_unlock(&vdpa_dev_lock);
	if (err) {
		mutex_unlock(&vdpa_mgmt_lock);
		return err;
	}
	info->user_ptr[0] = vdev;
	return 0;
}

static struct vdpa_nl_ctx vdpa_nl_doit_ctx(struct genl_info *info)
{
	return (struct vdpa_nl_ctx) {
		.portid = info->snd_portid,
		.seq = info->snd_seq,
		.cmd = info->genlhdr->cmd,
		.extack = info->extack,
	};
}

static struct vdpa_nl_ctx vdpa_nl_dump_ctx(struct netlink_callback *cb)
{
	return (struct vdpa_nl_ctx) {
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq,
		.flags = NLM_F_MULTI,
		.cmd = genl_info_dump(cb)->genlhdr->cmd,
		.extack = cb->extack,
	};
}

/* End a dump pass: a fill error other than "message full" aborts it. */
static int vdpa_nl_dump_result(struct sk_buff *msg, int err)
{
	if (err && (err != -EMSGSIZE || !msg->len))
		return err;
	return msg->len;
}

/* Send a built reply, or drop it when building failed. */
static int vdpa_nl_reply_or_free(struct sk_buff *msg, struct genl_info *info,
				 int err)
{
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int vdpa_nl_mgmtdev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vdpa_nl_ctx ctx = vdpa_nl_doit_ctx(info);
	struct sk_buff *msg;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	return vdpa_nl_reply_or_free(msg, info,
				     vdpa_nl_mgmtdev_fill(msg, info->user_ptr[0],
							  &ctx));
}

int vdpa_nl_mgmtdev_get_dumpit(struct sk_buff *msg,
			       struct netlink_callback *cb)
{
	struct vdpa_nl_ctx ctx = vdpa_nl_dump_ctx(cb);
	struct vdpa_mgmt_dev *mdev;
	long pos = 0;
	int err = 0;

	/* a handful of management devices: a position in the list will do */
	mutex_lock(&vdpa_mgmt_lock);
	list_for_each_entry(mdev, &vdpa_mgmt_list, list) {
		if (pos++ < cb->args[0])
			continue;
		err = vdpa_nl_mgmtdev_fill(msg, mdev, &ctx);
		if (err)
			break;
		cb->args[0] = pos;
	}
	mutex_unlock(&vdpa_mgmt_lock);
	return vdpa_nl_dump_result(msg, err);
}

static int vdpa_nl_check_name(const struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	const char *name = nla_data(attr);
	const char *c;

	for (c = name; *c; c++)
		if (!isascii(*c) || !isgraph(*c) || *c == '/')
			break;
	if (!*name || *c || !strcmp(name, ".") || !strcmp(name, "..")) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "device name must be non-empty printable ASCII without spaces or '/'");
		return -EINVAL;
	}
	return 0;
}

/* The highest attribute a request's do policy (vdpa_nl_gen.c) parses. */
static unsigned int vdpa_nl_maxattr(const struct genl_info *info)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vdpa_nl_ops); i++)
		if (vdpa_nl_ops[i].cmd == info->genlhdr->cmd &&
		    vdpa_nl_ops[i].doit)
			return vdpa_nl_ops[i].maxattr;
	return 0;
}

/*
 * Collect provisioning attributes and check what the core can check.
 * info->attrs has no room beyond the command policy's highest attribute.
 */
static int vdpa_nl_parse_config(struct genl_info *info,
				const struct vdpa_mgmt_dev *mdev,
				struct vdpa_dev_set_config *config)
{
	unsigned int maxattr = vdpa_nl_maxattr(info);
	struct nlattr *tb[VDPA_ATTR_DEV_BLK_CFG_CAPACITY + 1] = {};
	struct netlink_ext_ack *extack = info->extack;
	unsigned int bad;
	int attr, err;

	/* a full-size view, so absent attributes read as NULL below */
	memcpy(tb, info->attrs,
	       (min_t(unsigned int, maxattr, ARRAY_SIZE(tb) - 1) + 1) *
	       sizeof(tb[0]));

	for (attr = 0; attr < ARRAY_SIZE(tb); attr++) {
		if (!tb[attr] || !(VDPA_NL_PROVISION_ATTRS & BIT_ULL(attr)))
			continue;
		if (!(mdev->config_attr_mask & BIT_ULL(attr))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[attr],
					    "attribute not supported by this management device");
			return -EOPNOTSUPP;
		}
		config->mask |= BIT_ULL(attr);
	}

	if (tb[VDPA_ATTR_DEV_NET_CFG_MACADDR]) {
		memcpy(config->net.mac, nla_data(tb[VDPA_ATTR_DEV_NET_CFG_MACADDR]),
		       ETH_ALEN);
		if (!is_valid_ether_addr(config->net.mac)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VDPA_ATTR_DEV_NET_CFG_MACADDR],
					    "MAC address must be unicast and non-zero");
			return -EINVAL;
		}
	}
	if (tb[VDPA_ATTR_DEV_NET_CFG_MTU])
		config->net.mtu = nla_get_u16(tb[VDPA_ATTR_DEV_NET_CFG_MTU]);
	if (tb[VDPA_ATTR_DEV_NET_CFG_MAX_VQP])
		config->net.max_vq_pairs =
			nla_get_u16(tb[VDPA_ATTR_DEV_NET_CFG_MAX_VQP]);
	if (tb[VDPA_ATTR_DEV_FEATURES])
		config->device_features = nla_get_u64(tb[VDPA_ATTR_DEV_FEATURES]);
	if (tb[VDPA_ATTR_DEV_BLK_CFG_CAPACITY])
		config->blk.capacity =
			nla_get_u64(tb[VDPA_ATTR_DEV_BLK_CFG_CAPACITY]);

	err = vdpa_mgmt_check_config(mdev, config, extack, &bad);
	if (err)
		NL_SET_BAD_ATTR(extack, tb[bad]);
	return err;
}

static bool vdpa_nl_name_taken(const char *name)
{
	bool taken;

	mutex_lock(&vdpa_dev_lock);
	taken = vdpa_find_device_locked(name);
	mutex_unlock(&vdpa_dev_lock);
	return taken;
}

int vdpa_nl_dev_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vdpa_mgmt_dev *mdev = info->user_ptr[0];
	struct vdpa_dev_set_config config = {};
	struct nlattr **tb = info->attrs;
	const char *name;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VDPA_ATTR_DEV_NAME))
		return -EINVAL;
	err = vdpa_nl_check_name(tb[VDPA_ATTR_DEV_NAME], info->extack);
	if (err)
		return err;
	name = nla_data(tb[VDPA_ATTR_DEV_NAME]);

	err = vdpa_nl_parse_config(info, mdev, &config);
	if (err)
		return err;
	/* checked here too so the parent never allocates for a duplicate */
	if (vdpa_nl_name_taken(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[VDPA_ATTR_DEV_NAME],
				    "a device with this name already exists");
		return -EEXIST;
	}
	err = mdev->ops->dev_add(mdev, name, &config, info->extack);
	if (err && !info->extack->_msg)
		NL_SET_ERR_MSG_FMT(info->extack,
				   "management device failed to create the device (%d)",
				   err);
	return err;
}

int vdpa_nl_dev_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vdpa_device *vdev = info->user_ptr[0];

	vdev->mdev->ops->dev_del(vdev->mdev, vdev);
	return 0;
}

static int vdpa_nl_dev_fill(struct sk_buff *msg, struct vdpa_device *vdev,
			    const struct vdpa_nl_ctx *ctx)
{
	const struct vdpa_config_ops *ops = vdev->ops;
	u16 min_size = ops->get_vq_num_min ? ops->get_vq_num_min(vdev) : 1;
	const struct device *handle;
	void *hdr;

	hdr = vdpa_nl_put_header(msg, ctx);
	if (!hdr)
		return -EMSGSIZE;

	/* userspace expects a handle; a device without one shows its parent */
	handle = vdev->mdev ? vdev->mdev->device : vdev->dev.parent;
	if (nla_put_string(msg, VDPA_ATTR_DEV_NAME, dev_name(&vdev->dev)) ||
	    (handle ? vdpa_nl_put_mgmt_handle(msg, handle) :
	     nla_put_string(msg, VDPA_ATTR_MGMTDEV_DEV_NAME, "")) ||
	    nla_put_u32(msg, VDPA_ATTR_DEV_ID, ops->get_device_id(vdev)) ||
	    nla_put_u32(msg, VDPA_ATTR_DEV_VENDOR_ID, ops->get_vendor_id(vdev)) ||
	    nla_put_u32(msg, VDPA_ATTR_DEV_MAX_VQS, vdev->nvqs) ||
	    nla_put_u16(msg, VDPA_ATTR_DEV_MAX_VQ_SIZE,
			ops->get_vq_num_max(vdev)) ||
	    nla_put_u16(msg, VDPA_ATTR_DEV_MIN_VQ_SIZE, min_size)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/* Reply with the message @fill builds for the request's device. */
static int vdpa_nl_dev_reply(struct genl_info *info,
			     int (*fill)(struct sk_buff *msg,
					 struct vdpa_device *vdev,
					 const struct vdpa_nl_ctx *ctx))
{
	struct vdpa_nl_ctx ctx = vdpa_nl_doit_ctx(info);
	struct sk_buff *msg;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	return vdpa_nl_reply_or_free(msg, info,
				     fill(msg, info->user_ptr[0], &ctx));
}

/* Dump every registered device, resuming at the index saved in args[0]. */
static int vdpa_nl_dev_dump(struct sk_buff *msg, struct netlink_callback *cb,
			    int (*fill)(struct sk_buff *msg,
					struct vdpa_device *vdev,
					const struct vdpa_nl_ctx *ctx))
{
	struct vdpa_nl_ctx ctx = vdpa_nl_dump_ctx(cb);
	unsigned long index = cb->args[0];
	struct vdpa_device *vdev;
	int err = 0;

	mutex_lock(&vdpa_dev_lock);
	xa_for_each_start(&vdpa_devices, index, vdev, cb->args[0]) {
		err = fill(msg, vdev, &ctx);
		if (err)
			break;
		cb->args[0] = index + 1;
	}
	mutex_unlock(&vdpa_dev_lock);
	return vdpa_nl_dump_result(msg, err);
}

int vdpa_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vdpa_nl_dev_reply(info, vdpa_nl_dev_fill);
}

int vdpa_nl_dev_get_dumpit(struct sk_buff *msg, struct netlink_callback *cb)
{
	return vdpa_nl_dev_dump(msg, cb, vdpa_nl_dev_fill);
}

/* Config space reads for netlink; the caller holds cf_lock. */
static void vdpa_nl_read_config(struct vdpa_device *vdev, unsigned int offset,
				void *buf, unsigned int len)
{
	size_t size = vdev->ops->get_config_size(vdev);

	if (offset <= size && len <= size - offset)
		vdev->ops->get_config(vdev, offset, buf, len);
	else
		memset(buf, 0, len);
}

/* @type and @field are names, not expressions: reusing them is safe */
#define vdpa_nl_read_field(vdev, type, field, ptr)			\
	vdpa_nl_read_config(vdev, offsetof(type, field), ptr,		\
			    sizeof_field(type, field))

/* Queue pairs the driver may use: what config says once MQ is offered. */
static u16 vdpa_nl_net_max_vqp(struct vdpa_device *vdev, u64 features)
{
	__le16 vqp;

	if (!(features & BIT_ULL(VIRTIO_NET_F_MQ)))
		return 1;
	vdpa_nl_read_field(vdev, struct virtio_net_config, max_virtqueue_pairs,
			   &vqp);
	return le16_to_cpu(vqp);
}

/*
 * A config-space field reported as one netlink attribute of its own width,
 * when the device offers @feature (or always, for VDPA_NL_ALWAYS).
 */
struct vdpa_nl_cfg_field {
	u8 feature;
	u8 size;
	u16 attr;
	u16 offset;
};

#define VDPA_NL_ALWAYS	U8_MAX

/* @_type and @_field are names, not expressions: reusing them is safe */
#define VDPA_NL_CFG(_feature, _attr, _type, _field) {			\
	.feature = (_feature),						\
	.size = sizeof_field(_type, _field),				\
	.attr = (_attr),						\
	.offset = offsetof(_type, _field),				\
}

static const struct vdpa_nl_cfg_field vdpa_nl_net_fields[] = {
	VDPA_NL_CFG(VIRTIO_NET_F_STATUS, VDPA_ATTR_DEV_NET_STATUS,
		    struct virtio_net_config, status),
	VDPA_NL_CFG(VIRTIO_NET_F_MTU, VDPA_ATTR_DEV_NET_CFG_MTU,
		    struct virtio_net_config, mtu),
};

static const struct vdpa_nl_cfg_field vdpa_nl_blk_fields[] = {
	VDPA_NL_CFG(VDPA_NL_ALWAYS, VDPA_ATTR_DEV_BLK_CFG_CAPACITY,
		    struct virtio_blk_config, capacity),
	VDPA_NL_CFG(VIRTIO_BLK_F_SIZE_MAX, VDPA_ATTR_DEV_BLK_CFG_SIZE_MAX,
		    struct virtio_blk_config, size_max),
	VDPA_NL_CFG(VIRTIO_BLK_F_SEG_MAX, VDPA_ATTR_DEV_BLK_CFG_SEG_MAX,
		    struct virtio_blk_config, seg_max),
	VDPA_NL_CFG(VIRTIO_BLK_F_BLK_SIZE, VDPA_ATTR_DEV_BLK_CFG_BLK_SIZE,
		    struct virtio_blk_config, blk_size),
	VDPA_NL_CFG(VIRTIO_BLK_F_MQ, VDPA_ATTR_DEV_BLK_CFG_NUM_QUEUES,
		    struct virtio_blk_config, num_queues),
	VDPA_NL_CFG(VIRTIO_BLK_F_TOPOLOGY, VDPA_ATTR_DEV_BLK_CFG_PHY_BLK_EXP,
		    struct virtio_blk_config, physical_block_exp),
	VDPA_NL_CFG(VIRTIO_BLK_F_TOPOLOGY, VDPA_ATTR_DEV_BLK_CFG_ALIGN_OFFSET,
		    struct virtio_blk_config, alignment_offset),
	VDPA_NL_CFG(VIRTIO_BLK_F_TOPOLOGY, VDPA_ATTR_DEV_BLK_CFG_MIN_IO_SIZE,
		    struct virtio_blk_config, min_io_size),
	VDPA_NL_CFG(VIRTIO_BLK_F_TOPOLOGY, VDPA_ATTR_DEV_BLK_CFG_OPT_IO_SIZE,
		    struct virtio_blk_config, opt_io_size),
	VDPA_NL_CFG(VIRTIO_BLK_F_DISCARD, VDPA_ATTR_DEV_BLK_CFG_MAX_DISCARD_SEC,
		    struct virtio_blk_config, max_discard_sectors),
	VDPA_NL_CFG(VIRTIO_BLK_F_DISCARD, VDPA_ATTR_DEV_BLK_CFG_MAX_DISCARD_SEG,
		    struct virtio_blk_config, max_discard_seg),
	VDPA_NL_CFG(VIRTIO_BLK_F_DISCARD,
		    VDPA_ATTR_DEV_BLK_CFG_DISCARD_SEC_ALIGN,
		    struct virtio_blk_config, discard_sector_alignment),
	VDPA_NL_CFG(VIRTIO_BLK_F_WRITE_ZEROES,
		    VDPA_ATTR_DEV_BLK_CFG_MAX_WRITE_ZEROES_SEC,
		    struct virtio_blk_config, max_write_zeroes_sectors),
	VDPA_NL_CFG(VIRTIO_BLK_F_WRITE_ZEROES,
		    VDPA_ATTR_DEV_BLK_CFG_MAX_WRITE_ZEROES_SEG,
		    struct virtio_blk_config, max_write_zeroes_seg),
};

/* Emit the fields the offered @features make meaningful; config is LE. */
static int vdpa_nl_put_cfg_fields(struct sk_buff *msg, struct vdpa_device *vdev,
				  u64 features,
				  const struct vdpa_nl_cfg_field *fields,
				  unsigned int count)
{
	const struct vdpa_nl_cfg_field *f;
	__le64 raw = 0;
	int err;

	for (f = fields; f < fields + count; f++) {
		if (f->feature != VDPA_NL_ALWAYS &&
		    !(features & BIT_ULL(f->feature)))
			continue;
		vdpa_nl_read_config(vdev, f->offset, &raw, f->size);
		switch (f->size) {
		case 1:
			err = nla_put_u8(msg, f->attr, *(u8 *)&raw);
			break;
		case 2:
			err = nla_put_u16(msg, f->attr,
					  le16_to_cpu(*(__le16 *)&raw));
			break;
		case 4:
			err = nla_put_u32(msg, f->attr,
					  le32_to_cpu(*(__le32 *)&raw));
			break;
		default:
			err = nla_put_u64_64bit(msg, f->attr, le64_to_cpu(raw),
						VDPA_ATTR_PAD);
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

static int vdpa_nl_net_config_fill(struct sk_buff *msg,
				   struct vdpa_device *vdev, u64 features)
{
	u8 mac[ETH_ALEN];

	if (features & BIT_ULL(VIRTIO_NET_F_MAC)) {
		vdpa_nl_read_field(vdev, struct virtio_net_config, mac, mac);
		if (nla_put(msg, VDPA_ATTR_DEV_NET_CFG_MACADDR, ETH_ALEN, mac))
			return -EMSGSIZE;
	}
	if (vdpa_nl_put_cfg_fields(msg, vdev, features, vdpa_nl_net_fields,
				   ARRAY_SIZE(vdpa_nl_net_fields)))
		return -EMSGSIZE;
	return nla_put_u16(msg, VDPA_ATTR_DEV_NET_CFG_MAX_VQP,
			   vdpa_nl_net_max_vqp(vdev, features));
}

static int vdpa_nl_blk_config_fill(struct sk_buff *msg,
				   struct vdpa_device *vdev, u64 features)
{
	if (vdpa_nl_put_cfg_fields(msg, vdev, features, vdpa_nl_blk_fields,
				   ARRAY_SIZE(vdpa_nl_blk_fields)) ||
	    nla_put_u8(msg, VDPA_ATTR_DEV_BLK_READ_ONLY,
		       !!(features & BIT_ULL(VIRTIO_BLK_F_RO))) ||
	    nla_put_u8(msg, VDPA_ATTR_DEV_BLK_FLUSH,
		       !!(features & BIT_ULL(VIRTIO_BLK_F_FLUSH))))
		return -EMSGSIZE;
	return 0;
}

static int vdpa_nl_config_fill(struct sk_buff *msg, struct vdpa_device *vdev,
			       const struct vdpa_nl_ctx *ctx)
{
	const struct vdpa_config_ops *ops = vdev->ops;
	u32 device_id = ops->get_device_id(vdev);
	u64 features;
	void *hdr;
	int err;

	hdr = vdpa_nl_put_header(msg, ctx);
	if (!hdr)
		return -EMSGSIZE;

	down_read(&vdev->cf_lock);
	features = ops->get_device_features(vdev);
	err = -EMSGSIZE;
	if (nla_put_string(msg, VDPA_ATTR_DEV_NAME, dev_name(&vdev->dev)) ||
	    nla_put_u32(msg, VDPA_ATTR_DEV_ID, device_id) ||
	    nla_put_u64_64bit(msg, VDPA_ATTR_DEV_FEATURES, features,
			      VDPA_ATTR_PAD))
		goto cancel;
	if ((ops->get_status(vdev) & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    nla_put_u64_64bit(msg, VDPA_ATTR_DEV_NEGOTIATED_FEATURES,
			      ops->get_driver_features(vdev), VDPA_ATTR_PAD))
		goto cancel;

	switch (device_id) {
	case VIRTIO_ID_NET:
		err = vdpa_nl_net_config_fill(msg, vdev, features);
		break;
	case VIRTIO_ID_BLOCK:
		err = vdpa_nl_blk_config_fill(msg, vdev, features);
		break;
	default:
		err = 0;
		break;
	}
	if (err)
		goto cancel;
	up_read(&vdev->cf_lock);
	genlmsg_end(msg, hdr);
	return 0;

cancel:
	up_read(&vdev->cf_lock);
	genlmsg_cancel(msg, hdr);
	return err;
}

int vdpa_nl_dev_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vdpa_nl_dev_reply(info, vdpa_nl_config_fill);
}

int vdpa_nl_dev_config_get_dumpit(struct sk_buff *msg,
				  struct netlink_callback *cb)
{
	return vdpa_nl_dev_dump(msg, cb, vdpa_nl_config_fill);
}

/**
 * vdpa_stats_put - add one named counter to a statistics reply
 * @msg: the reply being built, as passed to the get_vq_stats op
 * @name: counter name, printed by userspace as is
 * @value: counter value
 *
 * Return: 0, or -EMSGSIZE when the reply is full (pass it on).
 */
int vdpa_stats_put(struct vdpa_stats_msg *msg, const char *name, u64 value)
{
	if (nla_put_string(msg->skb, VDPA_ATTR_DEV_VENDOR_ATTR_NAME, name) ||
	    nla_put_u64_64bit(msg->skb, VDPA_ATTR_DEV_VENDOR_ATTR_VALUE, value,
			      VDPA_ATTR_PAD))
		return -EMSGSIZE;
	return 0;
}
EXPORT_SYMBOL_GPL(vdpa_stats_put);

/*
 * iproute2 names the queue (rx, tx, control) from the negotiated features
 * and queue pairs that precede the queue index, so they go first.
 */
static int vdpa_nl_vstats_fill(struct sk_buff *msg, struct vdpa_device *vdev,
			       u32 qidx, const struct vdpa_nl_ctx *ctx)
{
	const struct vdpa_config_ops *ops = vdev->ops;
	struct vdpa_stats_msg stats = { .skb = msg };
	u32 device_id = ops->get_device_id(vdev);
	u64 features;
	void *hdr;
	int err;

	if (qidx >= vdev->nvqs) {
		NL_SET_ERR_MSG_FMT(ctx->extack,
				   "queue index %u is beyond the device's %u queues",
				   qidx, vdev->nvqs);
		return -ERANGE;
	}
	if (!ops->get_vq_stats) {
		NL_SET_ERR_MSG(ctx->extack, "device keeps no per-queue statistics");
		return -EOPNOTSUPP;
	}

	hdr = vdpa_nl_put_header(msg, ctx);
	if (!hdr)
		return -EMSGSIZE;

	down_read(&vdev->cf_lock);
	if (!(ops->get_status(vdev) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		NL_SET_ERR_MSG(ctx->extack,
			       "no driver has negotiated features on this device yet");
		err = -EAGAIN;
		goto cancel;
	}
	features = ops->get_driver_features(vdev);
	err = -EMSGSIZE;
	if (nla_put_string(msg, VDPA_ATTR_DEV_NAME, dev_name(&vdev->dev)) ||
	    nla_put_u32(msg, VDPA_ATTR_DEV_ID, device_id) ||
	    nla_put_u64_64bit(msg, VDPA_ATTR_DEV_NEGOTIATED_FEATURES, features,
			      VDPA_ATTR_PAD))
		goto cancel;
	if (device_id == VIRTIO_ID_NET &&
	    nla_put_u16(msg, VDPA_ATTR_DEV_NET_CFG_MAX_VQP,
			vdpa_nl_net_max_vqp(vdev, features)))
		goto cancel;
	if (nla_put_u32(msg, VDPA_ATTR_DEV_QUEUE_INDEX, qidx))
		goto cancel;
	err = ops->get_vq_stats(vdev, qidx, &stats, ctx->extack);
	if (err)
		goto cancel;
	up_read(&vdev->cf_lock);
	genlmsg_end(msg, hdr);
	return 0;

cancel:
	up_read(&vdev->cf_lock);
	genlmsg_cancel(msg, hdr);
	return err;
}

int vdpa_nl_dev_vstats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vdpa_nl_ctx ctx = vdpa_nl_doit_ctx(info);
	struct sk_buff *msg;
	u32 qidx;

	if (GENL_REQ_ATTR_CHECK(info, VDPA_ATTR_DEV_QUEUE_INDEX))
		return -EINVAL;
	qidx = nla_get_u32(info->attrs[VDPA_ATTR_DEV_QUEUE_INDEX]);

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	return vdpa_nl_reply_or_free(msg, info,
				     vdpa_nl_vstats_fill(msg, info->user_ptr[0],
							 qidx, &ctx));
}

int vdpa_nl_dev_attr_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vdpa_device *vdev = info->user_ptr[0];
	struct vdpa_mgmt_dev *mdev = vdev->mdev;
	struct vdpa_dev_set_config config = {};
	int err;

	if (!mdev->ops->dev_set_attr) {
		NL_SET_ERR_MSG(info->extack,
			       "device does not support changing attributes");
		return -EOPNOTSUPP;
	}
	err = vdpa_nl_parse_config(info, mdev, &config);
	if (err)
		return err;
	if (!config.mask) {
		NL_SET_ERR_MSG(info->extack, "no attribute to change");
		return -EINVAL;
	}
	return mdev->ops->dev_set_attr(mdev, vdev, &config, info->extack);
}

VISIBLE_IF_KUNIT struct genl_family vdpa_nl_family __ro_after_init = {
	.name = VDPA_GENL_NAME,
	.version = VDPA_GENL_VERSION,
	.maxattr = VDPA_ATTR_MAX - 1,
	.module = THIS_MODULE,
	.parallel_ops = true,
	.split_ops = vdpa_nl_ops,
	.n_split_ops = ARRAY_SIZE(vdpa_nl_ops),
};
EXPORT_SYMBOL_IF_KUNIT(vdpa_nl_family);

int __init vdpa_netlink_init(void)
{
	return genl_register_family(&vdpa_nl_family);
}

void vdpa_netlink_exit(void)
{
	genl_unregister_family(&vdpa_nl_family);
}
