/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vdpa.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_VDPA_GEN_H
#define _LINUX_VDPA_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/vdpa.h>

/* Ops table for vdpa */
extern const struct genl_split_ops vdpa_nl_ops[10];

int vdpa_nl_mgmtdev_pre_doit(const struct genl_split_ops *ops,
			     struct sk_buff *skb, struct genl_info *info);
int vdpa_nl_managed_dev_pre_doit(const struct genl_split_ops *ops,
				 struct sk_buff *skb, struct genl_info *info);
int vdpa_nl_dev_pre_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
			 struct genl_info *info);
void
vdpa_nl_mgmtdev_post_doit(const struct genl_split_ops *ops,
			  struct sk_buff *skb, struct genl_info *info);
void
vdpa_nl_dev_post_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		      struct genl_info *info);

int vdpa_nl_mgmtdev_get_doit(struct sk_buff *skb, struct genl_info *info);
int vdpa_nl_mgmtdev_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);
int vdpa_nl_dev_new_doit(struct sk_buff *skb, struct genl_info *info);
int vdpa_nl_dev_del_doit(struct sk_buff *skb, struct genl_info *info);
int vdpa_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int vdpa_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vdpa_nl_dev_config_get_doit(struct sk_buff *skb, struct genl_info *info);
int vdpa_nl_dev_config_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);
int vdpa_nl_dev_vstats_get_doit(struct sk_buff *skb, struct genl_info *info);
int vdpa_nl_dev_attr_set_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _LINUX_VDPA_GEN_H */
