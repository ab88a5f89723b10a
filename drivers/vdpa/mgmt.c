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
#include <linux/netlink.h>
#include <linux/vdpa.h>
#include <uapi/linux/vdpa.h>

#include "vdpa_core.h"
#include "vdpa_kunit.h"

/*
 * vdpa_mgmt_lock serialises device creation and deletion through management
 * devices (dev_add, dev_del and dev_set_attr run with it held) and guards
 * vdpa_mgmt_list. Lock order: vdpa_mgmt_lock, then vdpa_dev_lock (bus.c),
 * then a device's cf_lock.
 *
 * A management device's list of children (&vdpa_mgmt_dev.devices) is
 * written with both locks held: a child joins it when dev_add registers it
 * and leaves it when dev_del unregisters it, and registration takes
 * vdpa_dev_lock. Either lock is therefore enough to read the list
 * (vdpa_mgmtdev_unregister() walks it under vdpa_mgmt_lock).
 */
DEFINE_MUTEX(vdpa_mgmt_lock);
LIST_HEAD(vdpa_mgmt_list);

/**
 * vdpa_mgmt_check_config - what the core checks of a provisioning request
 * @mdev: the management device it is for
 * @config: the request (&vdpa_dev_set_config.mask says what it sets)
 * @extack: where the reason goes
 * @bad: set to the VDPA_ATTR_* of the refused field
 *
 * Done once here for every parent, before dev_add or dev_set_attr: a
 * parent may rely on its result (see &vdpa_mgmtdev_ops.dev_add).
 *
 * Return: 0; -EOPNOTSUPP for features beyond @mdev's supported ones;
 * -EINVAL for features without all of @mdev's required ones; -ERANGE for
 * more queue pairs than @mdev's queues allow.
 */
int vdpa_mgmt_check_config(const struct vdpa_mgmt_dev *mdev,
			   const struct vdpa_dev_set_config *config,
			   struct netlink_ext_ack *extack, unsigned int *bad)
{
	u64 features = config->device_features;

	if ((config->mask & BIT_ULL(VDPA_ATTR_DEV_NET_CFG_MAX_VQP)) &&
	    mdev->max_supported_vqs &&
	    2 * (u32)config->net.max_vq_pairs > mdev->max_supported_vqs) {
		*bad = VDPA_ATTR_DEV_NET_CFG_MAX_VQP;
		NL_SET_ERR_MSG_FMT(extack,
				   "max_vqp %u exceeds the management device's limit of %u",
				   config->net.max_vq_pairs,
				   mdev->max_supported_vqs / 2);
		return -ERANGE;
	}
	if (!(config->mask & BIT_ULL(VDPA_ATTR_DEV_FEATURES)))
		return 0;
	*bad = VDPA_ATTR_DEV_FEATURES;
	if (features & ~mdev->supported_features) {
		NL_SET_ERR_MSG_FMT(extack,
				   "features 0x%llx are not supported by the management device",
				   features & ~mdev->supported_features);
		return -EOPNOTSUPP;
	}
	if (~features & mdev->required_features) {
		NL_SET_ERR_MSG_FMT(extack,
				   "features must include 0x%llx",
				   mdev->required_features);
		return -EINVAL;
	}
	return 0;
}

/* Link a device being registered to its management device's children. */
void vdpa_mgmt_link_child(struct vdpa_device *vdev)
{
	lockdep_assert_held(&vdpa_mgmt_lock);
	lockdep_assert_held(&vdpa_dev_lock);
	list_add_tail(&vdev->mdev_node, &vdev->mdev->devices);
}

/* Unlink a device being unregistered; nothing for one of no mgmt device. */
void vdpa_mgmt_unlink_child(struct vdpa_device *vdev)
{
	lockdep_assert_held(&vdpa_dev_lock);
	if (list_empty(&vdev->mdev_node))
		return;
	lockdep_assert_held(&vdpa_mgmt_lock);
	list_del_init(&vdev->mdev_node);
}

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

#if IS_ENABLED(CONFIG_KUNIT)
/* The registries as netlink reaches them, for the KUnit suites. */
struct vdpa_device *vdpa_test_find_device(const char *name)
{
	struct vdpa_device *vdev;

	mutex_lock(&vdpa_dev_lock);
	vdev = vdpa_find_device_locked(name);
	mutex_unlock(&vdpa_dev_lock);
	return vdev;
}
EXPORT_SYMBOL_IF_KUNIT(vdpa_test_find_device);

struct vdpa_mgmt_dev *vdpa_test_find_mgmtdev(const char *bus_name,
					     const char *name)
{
	struct vdpa_mgmt_dev *mdev;

	mutex_lock(&vdpa_mgmt_lock);
	mdev = vdpa_find_mgmtdev_locked(bus_name, name);
	mutex_unlock(&vdpa_mgmt_lock);
	return mdev;
}
EXPORT_SYMBOL_IF_KUNIT(vdpa_test_find_mgmtdev);

/* What DEV_NEW does once it parsed the request; -ENODEV: no such handle. */
int vdpa_test_dev_add(const char *bus_name, const char *mgmt,
		      const char *name,
		      const struct vdpa_dev_set_config *config,
		      struct netlink_ext_ack *extack)
{
	struct vdpa_mgmt_dev *mdev;
	unsigned int bad;
	int err = -ENODEV;

	mutex_lock(&vdpa_mgmt_lock);
	mdev = vdpa_find_mgmtdev_locked(bus_name, mgmt);
	if (mdev)
		err = vdpa_mgmt_check_config(mdev, config, extack, &bad);
	if (mdev && !err)
		err = mdev->ops->dev_add(mdev, name, config, extack);
	mutex_unlock(&vdpa_mgmt_lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(vdpa_test_dev_add);

/* What DEV_DEL does: -ENODEV unless @name is a child of that handle. */
int vdpa_test_dev_del(const char *bus_name, const char *mgmt,
		      const char *name)
{
	struct vdpa_mgmt_dev *mdev;
	struct vdpa_device *vdev;
	int err = -ENODEV;

	mutex_lock(&vdpa_mgmt_lock);
	mdev = vdpa_find_mgmtdev_locked(bus_name, mgmt);
	mutex_lock(&vdpa_dev_lock);
	vdev = vdpa_find_device_locked(name);
	mutex_unlock(&vdpa_dev_lock);
	if (mdev && vdev && vdev->mdev == mdev) {
		mdev->ops->dev_del(mdev, vdev);
		err = 0;
	}
	mutex_unlock(&vdpa_mgmt_lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(vdpa_test_dev_del);
#endif
