/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vdpa core's test interface: all the KUnit suites (the core's, the
 * simulator's) reach of the core's internals. Each function takes the
 * core's locks itself, as netlink would, so no suite touches a lock of the
 * core or relies on its rules. The pointers returned are not references:
 * a suite looks up only what it created and keeps.
 */
#ifndef _DRIVERS_VDPA_VDPA_KUNIT_H
#define _DRIVERS_VDPA_VDPA_KUNIT_H

#include <linux/vdpa.h>

#if IS_ENABLED(CONFIG_KUNIT)
struct genl_family;

/* The family, whose split ops (policy, then doit) a suite runs directly. */
extern struct genl_family vdpa_nl_family;

struct vdpa_device *vdpa_test_find_device(const char *name);
struct vdpa_mgmt_dev *vdpa_test_find_mgmtdev(const char *bus_name,
					     const char *name);
int vdpa_test_dev_add(const char *bus_name, const char *mgmt,
		      const char *name,
		      const struct vdpa_dev_set_config *config,
		      struct netlink_ext_ack *extack);
int vdpa_test_dev_del(const char *bus_name, const char *mgmt,
		      const char *name);
#endif

#endif /* _DRIVERS_VDPA_VDPA_KUNIT_H */
