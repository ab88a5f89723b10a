// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vdpa.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "vdpa_nl_gen.h"

#include <uapi/linux/vdpa.h>

/* VDPA_CMD_MGMTDEV_GET - do */
static const struct nla_policy vdpa_mgmtdev_get_nl_policy[VDPA_ATTR_MGMTDEV_DEV_NAME + 1] = {
	[VDPA_ATTR_MGMTDEV_BUS_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[VDPA_ATTR_MGMTDEV_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* VDPA_CMD_DEV_NEW - do */
static const struct nla_policy vdpa_dev_new_nl_policy[VDPA_ATTR_DEV_BLK_CFG_CAPACITY + 1] = {
	[VDPA_ATTR_MGMTDEV_BUS_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[VDPA_ATTR_MGMTDEV_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[VDPA_ATTR_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[VDPA_ATTR_DEV_NET_CFG_MACADDR] = NLA_POLICY_EXACT_LEN(6),
	[VDPA_ATTR_DEV_NET_CFG_MAX_VQP] = NLA_POLICY_MIN(NLA_U16, 1),
	[VDPA_ATTR_DEV_NET_CFG_MTU] = NLA_POLICY_MIN(NLA_U16, 68),
	[VDPA_ATTR_DEV_FEATURES] = { .type = NLA_U64, },
	[VDPA_ATTR_DEV_BLK_CFG_CAPACITY] = NLA_POLICY_MIN(NLA_U64, 1),
};

/* VDPA_CMD_DEV_DEL - do */
static const struct nla_policy vdpa_dev_del_nl_policy[VDPA_ATTR_DEV_NAME + 1] = {
	[VDPA_ATTR_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* VDPA_CMD_DEV_GET - do */
static const struct nla_policy vdpa_dev_get_nl_policy[VDPA_ATTR_DEV_NAME + 1] = {
	[VDPA_ATTR_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* VDPA_CMD_DEV_CONFIG_GET - do */
static const struct nla_policy vdpa_dev_config_get_nl_policy[VDPA_ATTR_DEV_NAME + 1] = {
	[VDPA_ATTR_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* VDPA_CMD_DEV_VSTATS_GET - do */
static const struct nla_policy vdpa_dev_vstats_get_nl_policy[VDPA_ATTR_DEV_QUEUE_INDEX + 1] = {
	[VDPA_ATTR_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[VDPA_ATTR_DEV_QUEUE_INDEX] = { .type = NLA_U32, },
};

/* VDPA_CMD_DEV_ATTR_SET - do */
static const struct nla_policy vdpa_dev_attr_set_nl_policy[VDPA_ATTR_DEV_NET_CFG_MTU + 1] = {
	[VDPA_ATTR_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[VDPA_ATTR_DEV_NET_CFG_MACADDR] = NLA_POLICY_EXACT_LEN(6),
	[VDPA_ATTR_DEV_NET_CFG_MAX_VQP] = NLA_POLICY_MIN(NLA_U16, 1),
	[VDPA_ATTR_DEV_NET_CFG_MTU] = NLA_POLICY_MIN(NLA_U16, 68),
};

/* Ops table for vdpa */
const struct genl_split_ops vdpa_nl_ops[10] = {
	{
		.cmd		= VDPA_CMD_MGMTDEV_GET,
		.pre_doit	= vdpa_nl_mgmtdev_pre_doit,
		.doit		= vdpa_nl_mgmtdev_get_doit,
		.post_doit	= vdpa_nl_mgmtdev_post_doit,
		.policy		= vdpa_mgmtdev_get_nl_policy,
		.maxattr	= VDPA_ATTR_MGMTDEV_DEV_NAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VDPA_CMD_MGMTDEV_GET,
		.dumpit	= vdpa_nl_mgmtdev_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VDPA_CMD_DEV_NEW,
		.pre_doit	= vdpa_nl_mgmtdev_pre_doit,
		.doit		= vdpa_nl_dev_new_doit,
		.post_doit	= vdpa_nl_mgmtdev_post_doit,
		.policy		= vdpa_dev_new_nl_policy,
		.maxattr	= VDPA_ATTR_DEV_BLK_CFG_CAPACITY,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VDPA_CMD_DEV_DEL,
		.pre_doit	= vdpa_nl_managed_dev_pre_doit,
		.doit		= vdpa_nl_dev_del_doit,
		.post_doit	= vdpa_nl_mgmtdev_post_doit,
		.policy		= vdpa_dev_del_nl_policy,
		.maxattr	= VDPA_ATTR_DEV_NAME,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VDPA_CMD_DEV_GET,
		.pre_doit	= vdpa_nl_dev_pre_doit,
		.doit		= vdpa_nl_dev_get_doit,
		.post_doit	= vdpa_nl_dev_post_doit,
		.policy		= vdpa_dev_get_nl_policy,
		.maxattr	= VDPA_ATTR_DEV_NAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VDPA_CMD_DEV_GET,
		.dumpit	= vdpa_nl_dev_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VDPA_CMD_DEV_CONFIG_GET,
		.pre_doit	= vdpa_nl_dev_pre_doit,
		.doit		= vdpa_nl_dev_config_get_doit,
		.post_doit	= vdpa_nl_dev_post_doit,
		.policy		= vdpa_dev_config_get_nl_policy,
		.maxattr	= VDPA_ATTR_DEV_NAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VDPA_CMD_DEV_CONFIG_GET,
		.dumpit	= vdpa_nl_dev_config_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VDPA_CMD_DEV_VSTATS_GET,
		.pre_doit	= vdpa_nl_dev_pre_doit,
		.doit		= vdpa_nl_dev_vstats_get_doit,
		.post_doit	= vdpa_nl_dev_post_doit,
		.policy		= vdpa_dev_vstats_get_nl_policy,
		.maxattr	= VDPA_ATTR_DEV_QUEUE_INDEX,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VDPA_CMD_DEV_ATTR_SET,
		.pre_doit	= vdpa_nl_managed_dev_pre_doit,
		.doit		= vdpa_nl_dev_attr_set_doit,
		.post_doit	= vdpa_nl_mgmtdev_post_doit,
		.policy		= vdpa_dev_attr_set_nl_policy,
		.maxattr	= VDPA_ATTR_DEV_NET_CFG_MTU,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
};
