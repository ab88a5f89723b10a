// SPDX-License-Identifier: GPL-2.0
/*
 * Per-device attributes under /sys/class/vduse/<name>/: how long a request
 * waits for the daemon, and the size of the bounce window.
 */

#include <linux/device.h>
#include <linux/kstrtox.h>
#include <linux/sysfs.h>

#include "vduse.h"

static ssize_t msg_timeout_show(struct device *d, struct device_attribute *attr,
				char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_vduse_dev(d)->msg_timeout));
}

static ssize_t msg_timeout_store(struct device *d,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	unsigned int secs;
	int err;

	err = kstrtouint(buf, 10, &secs);
	if (err)
		return err;
	/* Read when a request starts waiting: later ones see the change. */
	WRITE_ONCE(to_vduse_dev(d)->msg_timeout, secs);
	return count;
}
static DEVICE_ATTR_RW(msg_timeout);

static ssize_t bounce_size_show(struct device *d, struct device_attribute *attr,
				char *buf)
{
	struct vduse_dev *dev = to_vduse_dev(d);
	u64 size;

	mutex_lock(&dev->lock);
	size = dev->bounce_size;
	mutex_unlock(&dev->lock);
	return sysfs_emit(buf, "%llu\n", size);
}

static ssize_t bounce_size_store(struct device *d,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct vduse_dev *dev = to_vduse_dev(d);
	u64 size;
	int err;

	err = kstrtou64(buf, 10, &size);
	if (err)
		return err;
	if (size < VDUSE_BOUNCE_MIN || size > VDUSE_BOUNCE_MAX)
		return -EINVAL;
	mutex_lock(&dev->lock);
	/* The domain is made at the first attach and keeps its size. */
	if (dev->domain)
		err = -EPERM;
	else
		dev->bounce_size = round_down(size, PAGE_SIZE);
	mutex_unlock(&dev->lock);
	return err ?: count;
}
static DEVICE_ATTR_RW(bounce_size);

static struct attribute *vduse_dev_attrs[] = {
	&dev_attr_msg_timeout.attr,
	&dev_attr_bounce_size.attr,
	NULL
};

static const struct attribute_group vduse_dev_group = {
	.attrs = vduse_dev_attrs,
};

const struct attribute_group *vduse_dev_groups[] = {
	&vduse_dev_group,
	NULL
};
