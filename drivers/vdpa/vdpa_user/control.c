// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vduse/control: creating and destroying VDUSE devices, and the
 * registry that finds them by name (attach) and by minor (open).
 */

#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stringhash.h>
#include <linux/uaccess.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/xarray.h>

#include "vduse.h"

/* Guards the registry and serialises creation against destruction. */
static DEFINE_MUTEX(vduse_lock);
static DEFINE_XARRAY_ALLOC(vduse_minors);
static DEFINE_HASHTABLE(vduse_names, 10);

/* What one open of the control node chose. */
struct vduse_control {
	u64 api_version;
};

static struct vduse_dev *vduse_lookup_locked(const char *name)
{
	u32 hash = full_name_hash(NULL, name, strlen(name));
	struct vduse_dev *dev;

	lockdep_assert_held(&vduse_lock);
	hash_for_each_possible(vduse_names, dev, name_node, hash)
		if (!strcmp(dev_name(&dev->dev), name))
			return dev;
	return NULL;
}

/**
 * vduse_find_get - find a device by name
 * @name: the device's name
 *
 * Return: the device with a reference held, or NULL.
 */
struct vduse_dev *vduse_find_get(const char *name)
{
	struct vduse_dev *dev;

	mutex_lock(&vduse_lock);
	dev = vduse_lookup_locked(name);
	if (dev)
		get_device(&dev->dev);
	mutex_unlock(&vduse_lock);
	return dev;
}

/**
 * vduse_find_minor_get - find a device by the minor of its node
 * @minor: the minor
 *
 * Return: the device with a reference held, or NULL.
 */
struct vduse_dev *vduse_find_minor_get(u32 minor)
{
	struct vduse_dev *dev;

	mutex_lock(&vduse_lock);
	dev = xa_load(&vduse_minors, minor);
	if (dev)
		get_device(&dev->dev);
	mutex_unlock(&vduse_lock);
	return dev;
}

/*
 * The name becomes a node under /dev/vduse/ and, attached, a vDPA device
 * name: refuse what the vdpa netlink family would refuse, and "control".
 */
static bool vduse_name_ok(const char *name)
{
	const char *c;

	for (c = name; *c; c++)
		if (!isascii(*c) || !isgraph(*c) || *c == '/')
			return false;
	return *name && strcmp(name, ".") && strcmp(name, "..") &&
	       strcmp(name, "control");
}

static bool vduse_features_ok(const struct vduse_dev_config *cfg)
{
	u64 f = cfg->features;

	/* Without ACCESS_PLATFORM a driver would hand the daemon PAs. */
	if (!(f & BIT_ULL(VIRTIO_F_ACCESS_PLATFORM)))
		return false;
	switch (cfg->device_id) {
	case VIRTIO_ID_BLOCK:
		/* A writable cache mode the daemon could not honour. */
		return !(f & BIT_ULL(VIRTIO_BLK_F_CONFIG_WCE));
	case VIRTIO_ID_NET:
		/* No control queue: a stalled daemon would hang RTNL. */
		return !(f & BIT_ULL(VIRTIO_NET_F_CTRL_VQ)) &&
		       (f & BIT_ULL(VIRTIO_F_VERSION_1));
	}
	return false;
}

static bool vduse_config_ok(const struct vduse_dev_config *cfg)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cfg->reserved); i++)
		if (cfg->reserved[i])
			return false;
	return cfg->vq_align >= 4 && cfg->vq_align <= PAGE_SIZE &&
	       is_power_of_2(cfg->vq_align) &&
	       cfg->config_size <= PAGE_SIZE && cfg->vq_num <= U16_MAX &&
	       cfg->name[0] && vduse_features_ok(cfg);
}

static void vduse_dev_release(struct device *d)
{
	struct vduse_dev *dev = to_vduse_dev(d);

	vduse_takeover_exit(dev);
	/* Kick eventfds the daemon left, work it may have queued. */
	vduse_vqs_reset(dev);
	vduse_config_reset(dev);
	vduse_umap_clear(dev);
	if (dev->domain)
		vduse_domain_destroy(dev->domain);
	kvfree(dev->vqs);
	kfree(dev->config);
	kfree(dev);
}

static struct vduse_dev *vduse_dev_alloc(const struct vduse_dev_config *cfg,
					 void *config)
{
	struct vduse_dev *dev;
	u32 i;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return NULL;
	dev->vqs = kvcalloc(cfg->vq_num, sizeof(*dev->vqs), GFP_KERNEL);
	if (!dev->vqs && cfg->vq_num) {
		kfree(dev);
		return NULL;
	}
	mutex_init(&dev->lock);
	spin_lock_init(&dev->config_lock);
	spin_lock_init(&dev->config_cb_lock);
	dev->bounce_size = VDUSE_BOUNCE_DEFAULT;
	dev->device_id = cfg->device_id;
	dev->vendor_id = cfg->vendor_id;
	dev->device_features = cfg->features;
	dev->vq_align = cfg->vq_align;
	dev->nvqs = cfg->vq_num;
	dev->config_size = cfg->config_size;
	dev->config = config;
	for (i = 0; i < dev->nvqs; i++)
		vduse_vq_init(dev, &dev->vqs[i], i);
	vduse_config_init(dev);
	vduse_umap_init(dev);
	vduse_msg_init(dev);
	vduse_takeover_init(dev);
	/* From here on put_device() frees everything, @config included. */
	device_initialize(&dev->dev);
	dev->dev.class = &vduse_class;
	dev->dev.groups = vduse_dev_groups;
	dev->dev.release = vduse_dev_release;
	return dev;
}

static int vduse_create_locked(struct vduse_dev *dev, const char *name)
{
	u32 minor;
	int err;

	if (vduse_lookup_locked(name))
		return -EEXIST;
	err = xa_alloc(&vduse_minors, &minor, dev,
		       XA_LIMIT(1, VDUSE_MINORS - 1), GFP_KERNEL);
	if (err)
		return err == -EBUSY ? -ENOSPC : err;

	dev->minor = minor;
	dev->dev.devt = vduse_devt_of(minor);
	err = dev_set_name(&dev->dev, "%s", name);
	if (!err)
		err = device_add(&dev->dev);
	if (err) {
		xa_erase(&vduse_minors, minor);
		return err;
	}
	hash_add(vduse_names, &dev->name_node,
		 full_name_hash(NULL, name, strlen(name)));
	/* Each device keeps the module: its nodes use our code. */
	__module_get(THIS_MODULE);
	return 0;
}

static int vduse_create(void __user *argp)
{
	struct vduse_dev_config cfg;
	struct vduse_dev *dev;
	void *config;
	int err;

	if (copy_from_user(&cfg, argp, sizeof(cfg)))
		return -EFAULT;
	if (!vduse_config_ok(&cfg))
		return -EINVAL;
	cfg.name[VDUSE_NAME_MAX - 1] = '\0';
	if (!vduse_name_ok(cfg.name))
		return -EINVAL;
	/* A net device's traffic is the host's business. */
	if (cfg.device_id == VIRTIO_ID_NET && !capable(CAP_NET_ADMIN))
		return -EPERM;

	config = memdup_user(argp + sizeof(cfg), cfg.config_size);
	if (IS_ERR(config))
		return PTR_ERR(config);
	dev = vduse_dev_alloc(&cfg, config);
	if (!dev) {
		kfree(config);
		return -ENOMEM;
	}

	mutex_lock(&vduse_lock);
	err = vduse_create_locked(dev, cfg.name);
	mutex_unlock(&vduse_lock);
	if (err)
		put_device(&dev->dev);
	return err;
}

static int vduse_destroy(void __user *argp)
{
	char name[VDUSE_NAME_MAX];
	struct vduse_dev *dev;
	int err = 0;

	if (copy_from_user(name, argp, sizeof(name)))
		return -EFAULT;
	name[VDUSE_NAME_MAX - 1] = '\0';

	mutex_lock(&vduse_lock);
	dev = vduse_lookup_locked(name);
	if (!dev) {
		err = -EINVAL;
		goto out;
	}
	/* Attached or served, it is in use: userspace detaches first. */
	mutex_lock(&dev->lock);
	if (dev->vdpa || dev->open)
		err = -EBUSY;
	else
		dev->dead = true;
	mutex_unlock(&dev->lock);
	if (err)
		goto out;
	hash_del(&dev->name_node);
	xa_erase(&vduse_minors, dev->minor);
	device_unregister(&dev->dev);
	module_put(THIS_MODULE);
out:
	mutex_unlock(&vduse_lock);
	return err;
}

static long vduse_control_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	struct vduse_control *ctl = file->private_data;
	void __user *argp = (void __user *)arg;
	u64 version;

	switch (cmd) {
	case VDUSE_GET_API_VERSION:
		return put_user(ctl->api_version, (u64 __user *)argp);
	case VDUSE_SET_API_VERSION:
		if (get_user(version, (u64 __user *)argp))
			return -EFAULT;
		if (version > VDUSE_API_VERSION)
			return -EINVAL;
		ctl->api_version = version;
		return 0;
	case VDUSE_CREATE_DEV:
		return vduse_create(argp);
	case VDUSE_DESTROY_DEV:
		return vduse_destroy(argp);
	}
	/* What upstream answers, and libvduse expects. */
	return -EINVAL;
}

static int vduse_control_open(struct inode *inode, struct file *file)
{
	struct vduse_control *ctl = kzalloc(sizeof(*ctl), GFP_KERNEL);

	if (!ctl)
		return -ENOMEM;
	ctl->api_version = VDUSE_API_VERSION;
	file->private_data = ctl;
	return 0;
}

static int vduse_control_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

const struct file_operations vduse_control_fops = {
	.owner		= THIS_MODULE,
	.open		= vduse_control_open,
	.release	= vduse_control_release,
	.unlocked_ioctl	= vduse_control_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};
