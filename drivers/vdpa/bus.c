// SPDX-License-Identifier: GPL-2.0
/*
 * The vdpa bus: device allocation, registration and lookup, bus drivers,
 * and the locked helpers bus drivers use to touch features, status and
 * config space.
 *
 * Devices are found by name through a resizable hash table and enumerated by
 * index through an xarray, so neither creation nor lookup scans the device
 * population: the bus must stay fast with 100,000 devices on it.
 */

#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/vdpa.h>

#include "vdpa_core.h"

DEFINE_XARRAY_ALLOC(vdpa_devices);
static u32 vdpa_next_index;

/*
 * Guards the name table and the index xarray's live entries, which a device
 * joins and leaves together, and (with vdpa_mgmt_lock, see mgmt.c) the
 * management devices' lists of children. Netlink fills messages under it,
 * so a device seen there cannot be unregistered (nor its parent go away)
 * until the fill is done. Taken after vdpa_mgmt_lock, before a device's
 * cf_lock.
 */
DEFINE_MUTEX(vdpa_dev_lock);

static struct rhashtable vdpa_names;

static u32 vdpa_name_hash(const void *data, u32 len, u32 seed)
{
	const char *name = data;

	return jhash(name, strlen(name), seed);
}

static u32 vdpa_name_obj_hash(const void *data, u32 len, u32 seed)
{
	const struct vdpa_device *vdev = data;

	return vdpa_name_hash(dev_name(&vdev->dev), len, seed);
}

static int vdpa_name_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct vdpa_device *vdev = obj;

	return strcmp(dev_name(&vdev->dev), arg->key);
}

static const struct rhashtable_params vdpa_name_params = {
	.head_offset = offsetof(struct vdpa_device, name_node),
	.hashfn = vdpa_name_hash,
	.obj_hashfn = vdpa_name_obj_hash,
	.obj_cmpfn = vdpa_name_cmp,
	.automatic_shrinking = true,
};

/**
 * vdpa_find_device_locked - look a registered device up by name
 * @name: the device name
 *
 * Context: vdpa_dev_lock held; the device stays registered until it drops.
 * Return: the device, or NULL.
 */
struct vdpa_device *vdpa_find_device_locked(const char *name)
{
	lockdep_assert_held(&vdpa_dev_lock);
	return rhashtable_lookup_fast(&vdpa_names, name, vdpa_name_params);
}

static int vdpa_bus_match(struct device *dev, const struct device_driver *drv)
{
	struct vdpa_device *vdev = dev_to_vdpa(dev);

	/* Without an override, any vdpa driver may take any device. */
	if (vdev->driver_override)
		return !strcmp(vdev->driver_override, drv->name);
	return 1;
}

/*
 * dma_api_bound covers the driver's probe and remove, which reset the
 * device, so that a software parent's address spaces are identity only
 * for a DMA API driver and empty for anyone else.
 */
static int vdpa_bus_probe(struct device *dev)
{
	struct vdpa_driver *drv = drv_to_vdpa(dev->driver);
	struct vdpa_device *vdev = dev_to_vdpa(dev);
	int err;

	WRITE_ONCE(vdev->dma_api_bound, drv->dma_api);
	err = drv->probe(vdev);
	if (err && drv->dma_api) {
		WRITE_ONCE(vdev->dma_api_bound, false);
		vdpa_reset(vdev);
	}
	return err;
}

static void vdpa_bus_remove(struct device *dev)
{
	struct vdpa_driver *drv = drv_to_vdpa(dev->driver);
	struct vdpa_device *vdev = dev_to_vdpa(dev);

	if (drv->remove)
		drv->remove(vdev);
	/* Leave no identity map behind for the next driver to inherit. */
	if (drv->dma_api) {
		WRITE_ONCE(vdev->dma_api_bound, false);
		vdpa_reset(vdev);
	}
}

static ssize_t driver_override_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct vdpa_device *vdev = dev_to_vdpa(dev);
	int err;

	err = driver_set_override(dev, &vdev->driver_override, buf, count);
	return err ? err : count;
}

static ssize_t driver_override_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct vdpa_device *vdev = dev_to_vdpa(dev);
	ssize_t len;

	device_lock(dev);
	len = sysfs_emit(buf, "%s\n", vdev->driver_override ?: "");
	device_unlock(dev);
	return len;
}
static DEVICE_ATTR_RW(driver_override);

static struct attribute *vdpa_dev_attrs[] = {
	&dev_attr_driver_override.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vdpa_dev);

static const struct bus_type vdpa_bus = {
	.name = "vdpa",
	.dev_groups = vdpa_dev_groups,
	.match = vdpa_bus_match,
	.probe = vdpa_bus_probe,
	.remove = vdpa_bus_remove,
};

/**
 * __vdpa_register_driver - register a vdpa bus driver
 * @drv: the driver
 * @owner: the module that owns it
 *
 * Return: 0, -EINVAL for a driver without a probe op, or -errno.
 */
int __vdpa_register_driver(struct vdpa_driver *drv, struct module *owner)
{
	/* a driver that cannot bind is a bug in it, not a runtime condition */
	if (!drv->probe)
		return -EINVAL;
	drv->driver.owner = owner;
	drv->driver.bus = &vdpa_bus;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__vdpa_register_driver);

/**
 * vdpa_unregister_driver - unregister a vdpa bus driver
 * @drv: the driver; it is unbound from every device first
 */
void vdpa_unregister_driver(struct vdpa_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(vdpa_unregister_driver);

static void vdpa_release_dev(struct device *dev)
{
	struct vdpa_device *vdev = dev_to_vdpa(dev);

	/* ops is only set once allocation succeeded: see __vdpa_alloc_device */
	if (vdev->ops && vdev->ops->free)
		vdev->ops->free(vdev);
	vdpa_ctrlq_release(vdev);
	xa_erase(&vdpa_devices, vdev->index);
	kfree(vdev->driver_override);
	kfree(vdev);
}

/* Operations every parent must provide, checked once at allocation. */
static const size_t vdpa_mandatory_ops[] = {
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
	offsetof(struct vdpa_config_ops, get_device_features),
	offsetof(struct vdpa_config_ops, set_driver_features),
	offsetof(struct vdpa_config_ops, get_driver_features),
	offsetof(struct vdpa_config_ops, set_config_cb),
	offsetof(struct vdpa_config_ops, get_device_id),
	offsetof(struct vdpa_config_ops, get_vendor_id),
	offsetof(struct vdpa_config_ops, get_status),
	offsetof(struct vdpa_config_ops, set_status),
	offsetof(struct vdpa_config_ops, reset),
	offsetof(struct vdpa_config_ops, get_config_size),
	offsetof(struct vdpa_config_ops, get_config),
	offsetof(struct vdpa_config_ops, set_config),
};

static bool vdpa_ops_valid(const struct vdpa_config_ops *ops,
			   unsigned int ngroups, bool use_va)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vdpa_mandatory_ops); i++) {
		const void * const *op = (const void *)ops + vdpa_mandatory_ops[i];

		if (!*op)
			return false;
	}
	/* with several groups, userspace must learn which queue is where */
	if (ngroups > 1 && !ops->get_vq_group)
		return false;
	/* incremental mapping needs both halves */
	if (!ops->dma_map != !ops->dma_unmap)
		return false;
	/* VAs only make sense if the parent receives maps at all */
	if (use_va && !ops->set_map && !ops->dma_map)
		return false;
	return true;
}

/**
 * __vdpa_alloc_device - allocate a vDPA device; use vdpa_alloc_device()
 * @parent: the parent device, or NULL
 * @ops: the parent's operations
 * @ngroups: number of virtqueue groups
 * @nas: number of address spaces
 * @size: size of the parent's structure embedding struct vdpa_device at
 *	offset zero
 * @name: device name, or NULL for "vdpa<index>"
 * @use_va: the parent translates user virtual addresses
 *
 * Context: process context, may sleep.
 * Return: the new device, or an ERR_PTR(): -EINVAL when @ops misses a
 * mandatory operation or the counts are zero, -ENOMEM, -EBUSY when the
 * index space is exhausted.
 */
struct vdpa_device *__vdpa_alloc_device(struct device *parent,
					const struct vdpa_config_ops *ops,
					unsigned int ngroups, unsigned int nas,
					size_t size, const char *name,
					bool use_va)
{
	struct vdpa_device *vdev;
	int err;

	if (WARN_ON_ONCE(size < sizeof(*vdev)) || !ngroups || !nas ||
	    !vdpa_ops_valid(ops, ngroups, use_va))
		return ERR_PTR(-EINVAL);

	vdev = kzalloc(size, GFP_KERNEL);
	if (!vdev)
		return ERR_PTR(-ENOMEM);

	/* Cyclic so a resumed netlink dump never meets a recycled index. */
	err = xa_alloc_cyclic(&vdpa_devices, &vdev->index, NULL, xa_limit_31b,
			      &vdpa_next_index, GFP_KERNEL);
	if (err < 0) {
		kfree(vdev);
		return ERR_PTR(err);
	}

	device_initialize(&vdev->dev);
	vdev->dev.bus = &vdpa_bus;
	vdev->dev.parent = parent;
	vdev->dev.release = vdpa_release_dev;
	vdev->dma_dev = &vdev->dev;
	vdev->ngroups = ngroups;
	vdev->nas = nas;
	vdev->use_va = use_va;
	init_rwsem(&vdev->cf_lock);
	INIT_LIST_HEAD(&vdev->mdev_node);

	if (name)
		err = dev_set_name(&vdev->dev, "%s", name);
	else
		err = dev_set_name(&vdev->dev, "vdpa%u", vdev->index);
	if (err) {
		put_device(&vdev->dev);
		return ERR_PTR(err);
	}

	vdev->ops = ops;
	vdev->parent_ops = ops;
	return vdev;
}
EXPORT_SYMBOL_GPL(__vdpa_alloc_device);

static void vdpa_unlink_locked(struct vdpa_device *vdev)
{
	rhashtable_remove_fast(&vdpa_names, &vdev->name_node, vdpa_name_params);
	/* keep the index reserved until release */
	xa_store(&vdpa_devices, vdev->index, NULL, GFP_KERNEL);
	vdpa_mgmt_unlink_child(vdev);
}

/**
 * vdpa_register_device - put an allocated device on the bus
 * @vdev: the device, from vdpa_alloc_device()
 * @nvqs: number of virtqueues the device has
 *
 * Bus drivers may bind before this returns. A device created by a
 * management device must have &vdpa_device.mdev set first, and is
 * registered from its &vdpa_mgmtdev_ops.dev_add (and unregistered from its
 * dev_del): its parent's list of children changes under the management
 * lock those run with.
 *
 * Context: process context, may sleep; must not hold vdpa_dev_lock.
 * Return: 0, -EEXIST if the name is taken, or another -errno. On failure
 * the caller still owns the reference from allocation.
 */
int vdpa_register_device(struct vdpa_device *vdev, u32 nvqs)
{
	int err;

	if (!nvqs)
		return -EINVAL;
	/* A control queue of the core's comes after the parent's queues. */
	vdev->nvqs = nvqs + !!vdev->ctrlq;

	mutex_lock(&vdpa_dev_lock);
	err = rhashtable_lookup_insert_key(&vdpa_names, dev_name(&vdev->dev),
					   &vdev->name_node, vdpa_name_params);
	if (!err) {
		if (vdev->mdev)
			vdpa_mgmt_link_child(vdev);
		xa_store(&vdpa_devices, vdev->index, vdev, GFP_KERNEL);
	}
	mutex_unlock(&vdpa_dev_lock);
	if (err)
		return err;

	err = device_add(&vdev->dev);
	if (err) {
		mutex_lock(&vdpa_dev_lock);
		vdpa_unlink_locked(vdev);
		mutex_unlock(&vdpa_dev_lock);
	}
	return err;
}
EXPORT_SYMBOL_GPL(vdpa_register_device);

/**
 * vdpa_set_nvqs - change how many virtqueues a registered device has
 * @vdev: the device, with its device lock held and no bus driver bound
 *	(a bus driver sizes its own state by the count when it binds)
 * @nvqs: the parent's virtqueues, counted as for vdpa_register_device()
 *
 * For a parent whose provisioning changes its queues (a net device's
 * max_vqp). A control queue the core presents follows: it is last.
 *
 * Context: process context; must not hold the parent's locks, since
 * readers of the count hold &vdpa_device.cf_lock while they call the
 * parent.
 */
void vdpa_set_nvqs(struct vdpa_device *vdev, u32 nvqs)
{
	device_lock_assert(&vdev->dev);
	if (WARN_ON_ONCE(vdev->dev.driver || !nvqs))
		return;
	down_write(&vdev->cf_lock);
	vdev->nvqs = nvqs + !!vdev->ctrlq;
	if (vdev->ctrlq)
		vdpa_ctrlq_set_pairs(vdev, nvqs / 2);
	up_write(&vdev->cf_lock);
}
EXPORT_SYMBOL_GPL(vdpa_set_nvqs);

/**
 * vdpa_unregister_device - take a device off the bus and drop its reference
 * @vdev: a registered device
 *
 * The bound driver is removed before this returns; the parent's free op
 * runs when the last reference is dropped, possibly later.
 *
 * Context: process context, may sleep; must not hold vdpa_dev_lock.
 */
void vdpa_unregister_device(struct vdpa_device *vdev)
{
	mutex_lock(&vdpa_dev_lock);
	vdpa_unlink_locked(vdev);
	mutex_unlock(&vdpa_dev_lock);
	device_unregister(&vdev->dev);
}
EXPORT_SYMBOL_GPL(vdpa_unregister_device);

/**
 * vdpa_reset - reset a device on behalf of its bus driver
 * @vdev: the device
 *
 * Context: process context, may sleep.
 * Return: the parent's reset result.
 */
int vdpa_reset(struct vdpa_device *vdev)
{
	int ret;

	down_write(&vdev->cf_lock);
	ret = vdev->ops->reset(vdev);
	up_write(&vdev->cf_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vdpa_reset);

/**
 * vdpa_set_features - give the device the features the driver accepted
 * @vdev: the device
 * @features: the accepted features
 *
 * Context: process context, may sleep.
 * Return: 0 or the parent's -errno.
 */
int vdpa_set_features(struct vdpa_device *vdev, u64 features)
{
	int ret;

	down_write(&vdev->cf_lock);
	ret = vdev->ops->set_driver_features(vdev, features);
	up_write(&vdev->cf_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vdpa_set_features);

/**
 * vdpa_set_status - write the device status byte
 * @vdev: the device
 * @status: the new status; 0 resets the device
 *
 * Context: process context, may sleep.
 */
void vdpa_set_status(struct vdpa_device *vdev, u8 status)
{
	down_write(&vdev->cf_lock);
	if (status)
		vdev->ops->set_status(vdev, status);
	else
		vdev->ops->reset(vdev);
	up_write(&vdev->cf_lock);
}
EXPORT_SYMBOL_GPL(vdpa_set_status);

static bool vdpa_config_range_ok(struct vdpa_device *vdev,
				 unsigned int offset, unsigned int len)
{
	size_t size = vdev->ops->get_config_size(vdev);

	return offset <= size && len <= size - offset;
}

/**
 * vdpa_get_config - read device config space
 * @vdev: the device
 * @offset: byte offset into config space
 * @buf: where to put the bytes
 * @len: how many bytes
 *
 * Bytes outside the config space read as zero.
 *
 * Context: process context, may sleep.
 */
void vdpa_get_config(struct vdpa_device *vdev, unsigned int offset,
		     void *buf, unsigned int len)
{
	down_read(&vdev->cf_lock);
	if (vdpa_config_range_ok(vdev, offset, len))
		vdev->ops->get_config(vdev, offset, buf, len);
	else
		memset(buf, 0, len);
	up_read(&vdev->cf_lock);
}
EXPORT_SYMBOL_GPL(vdpa_get_config);

/**
 * vdpa_set_config - write device config space
 * @vdev: the device
 * @offset: byte offset into config space
 * @buf: the bytes to write
 * @len: how many bytes
 *
 * A write that does not fit in config space is dropped.
 *
 * Context: process context, may sleep.
 */
void vdpa_set_config(struct vdpa_device *vdev, unsigned int offset,
		     const void *buf, unsigned int len)
{
	down_write(&vdev->cf_lock);
	if (vdpa_config_range_ok(vdev, offset, len))
		vdev->ops->set_config(vdev, offset, buf, len);
	up_write(&vdev->cf_lock);
}
EXPORT_SYMBOL_GPL(vdpa_set_config);

static int __init vdpa_init(void)
{
	int err;

	err = rhashtable_init(&vdpa_names, &vdpa_name_params);
	if (err)
		return err;
	err = bus_register(&vdpa_bus);
	if (err)
		goto err_names;
	err = vdpa_netlink_init();
	if (err)
		goto err_bus;
	return 0;

err_bus:
	bus_unregister(&vdpa_bus);
err_names:
	rhashtable_destroy(&vdpa_names);
	return err;
}

static void __exit vdpa_exit(void)
{
	vdpa_netlink_exit();
	bus_unregister(&vdpa_bus);
	rhashtable_destroy(&vdpa_names);
	WARN_ON(!xa_empty(&vdpa_devices));
}

/* Built in, drivers/virtio/ initialises first: the bus must exist then. */
subsys_initcall(vdpa_init);
module_exit(vdpa_exit);

MODULE_DESCRIPTION("vDPA bus, management and netlink core");
MODULE_LICENSE("GPL");
