/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private interfaces between the files of the vdpa core module.
 *
 * Lock order: vdpa_mgmt_lock, then vdpa_dev_lock, then a device's cf_lock.
 */
#ifndef _DRIVERS_VDPA_VDPA_CORE_H
#define _DRIVERS_VDPA_VDPA_CORE_H

#include <linux/mutex.h>
#include <linux/vdpa.h>
#include <linux/xarray.h>

/* Serialises device creation/deletion and the management-device list. */
extern struct mutex vdpa_mgmt_lock;

/*
 * Guards the name table, the index xarray's live entries and every
 * management device's list of children. Netlink fills messages under it, so
 * a device seen there cannot be unregistered (nor its parent go away) until
 * the fill is done.
 */
extern struct mutex vdpa_dev_lock;

/* Index -> registered device; an index is reserved (NULL) from allocation. */
extern struct xarray vdpa_devices;

extern struct list_head vdpa_mgmt_list;

struct vdpa_device *vdpa_find_device_locked(const char *name);
struct vdpa_mgmt_dev *vdpa_find_mgmtdev_locked(const char *bus_name,
					       const char *dev_name);

void vdpa_ctrlq_release(struct vdpa_device *vdev);
void vdpa_ctrlq_set_pairs(struct vdpa_device *vdev, u16 pairs);

int vdpa_netlink_init(void);
void vdpa_netlink_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * For the KUnit suites, which run requests through the family's own split
 * ops (policy, then doit) as genetlink would.
 */
extern struct genl_family vdpa_nl_family;
#endif

#endif /* _DRIVERS_VDPA_VDPA_CORE_H */
