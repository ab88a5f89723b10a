/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private interfaces between the files of the vdpa core module.
 *
 * Lock order: vdpa_mgmt_lock, then vdpa_dev_lock, then a device's cf_lock.
 * Each lock's rule is written where it is defined: vdpa_mgmt_lock in
 * mgmt.c, vdpa_dev_lock in bus.c.
 */
#ifndef _DRIVERS_VDPA_VDPA_CORE_H
#define _DRIVERS_VDPA_VDPA_CORE_H

#include <linux/mutex.h>
#include <linux/vdpa.h>
#include <linux/xarray.h>

extern struct mutex vdpa_mgmt_lock;
extern struct mutex vdpa_dev_lock;

/* Index -> registered device; an index is reserved (NULL) from allocation. */
extern struct xarray vdpa_devices;

extern struct list_head vdpa_mgmt_list;

struct vdpa_device *vdpa_find_device_locked(const char *name);
struct vdpa_mgmt_dev *vdpa_find_mgmtdev_locked(const char *bus_name,
					       const char *dev_name);

int vdpa_mgmt_check_config(const struct vdpa_mgmt_dev *mdev,
			   const struct vdpa_dev_set_config *config,
			   struct netlink_ext_ack *extack, unsigned int *bad);
void vdpa_mgmt_link_child(struct vdpa_device *vdev);
void vdpa_mgmt_unlink_child(struct vdpa_device *vdev);

void vdpa_ctrlq_release(struct vdpa_device *vdev);
void vdpa_ctrlq_set_pairs(struct vdpa_device *vdev, u16 pairs);

int vdpa_netlink_init(void);
void vdpa_netlink_exit(void);

#endif /* _DRIVERS_VDPA_VDPA_CORE_H */
