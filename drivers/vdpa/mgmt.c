// SPDX-License-Identifier: GPL-2.0
/*
 * Management devices: the handles through which userspace creates and
 * deletes the devices of a parent. There is one per parent (a simulator
 * class, a PCI function), so a short list is enough to find them; the
 * devices they create are tracked per handle, so deleting a parent touches
 * only its own children.
 */

#include <kunit/visibility.h>
#include <linux/device.h>
#include <linux/vdpa.h>

#include "vdpa_core.h"

LIST_HEAD(vdpa_mgmt_list);

static bool vdpa_mgmtdev_matches(const struct vdpa_mgmt_dev *mdev,
				 const char *bus_name, const char *name)
{
	const struct device *dev = mdev->device;

	if (strcmp(dev_name(dev), name))
		return false;
	/* a handle without a bus name only matches a device without a bus */
	if (!bus_name)
		return !dev->bus;
	return dev->bus && !strcmp(dev->bus->name, bus_name);
}

/**
 * vdpa_find_mgmtdev_locked - look a management device up by its handle
 * @bus_name: bus name part of the handle, or NULL
 * @dev_name: device name part of the handle
 *
 * Context: vdpa_mgmt_lock held.
 * Return: the management device, or NULL.
 */
struct vdpa_mgmt_dev *vdpa_find_mgmtdev_locked(const char *bus_name,
					       const char *dev_name)
{
	struct vdpa_mgmt_dev *mdev;

	lockdep_assert_held(&vdpa_mgmt_lock);
	list_for_each_entry(mdev, &vdpa_mgmt_list, list)
		if (vdpa_mgmtdev_matches(mdev, bus_name, dev_name))
			return mdev;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vdpa_find_mgmtdev_locked);

/**
 * vdpa_mgmtdev_register - make a parent's devices creatable from userspace
 * @mdev: the management device; @device, @ops (with dev_add and dev_del)
 *	and @id_table must be set, and @mdev must stay valid until
 *	vdpa_mgmtdev_unregister() returns
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for an incomplete @mdev, or -EEXIST if a management
 * device with the same handle exists.
 */
int vdpa_mgmtdev_register(struct vdpa_mgmt_dev *mdev)
{
	const char *bus_name;
	int err = 0;

	if (!mdev->device || !mdev->ops || !mdev->ops->dev_add ||
	    !mdev->ops->dev_del || !mdev->id_table)
		return -EINVAL;

	INIT_LIST_HEAD(&mdev->devices);
	bus_name = mdev->device->bus ? mdev->device->bus->name : NULL;

	mutex_lock(&vdpa_mgmt_lock);
	if (vdpa_find_mgmtdev_locked(bus_name, dev_name(mdev->device)))
		err = -EEXIST;
	else
		list_add_tail(&mdev->list, &vdpa_mgmt_list);
	mutex_unlock(&vdpa_mgmt_lock);
	return err;
}
EXPORT_SYMBOL_GPL(vdpa_mgmtdev_register);

/**
 * vdpa_mgmtdev_unregister - withdraw a management device and its children
 * @mdev: a registered management device
 *
 * Every device created through @mdev is deleted with its dev_del op first,
 * so a parent calls this from its remove or module exit path and needs no
 * bookkeeping of its own.
 *
 * Context: process context, may sleep.
 */
void vdpa_mgmtdev_unregister(struct vdpa_mgmt_dev *mdev)
{
	struct vdpa_device *vdev;

	mutex_lock(&vdpa_mgmt_lock);
	list_del(&mdev->list);
	/* dev_del unlinks the child from mdev->devices, so this terminates */
	while ((vdev = list_first_entry_or_null(&mdev->devices,
						struct vdpa_device,
						mdev_node)))
		mdev->ops->dev_del(mdev, vdev);
	mutex_unlock(&vdpa_mgmt_lock);
}
EXPORT_SYMBOL_GPL(vdpa_mgmtdev_unregister);
