// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vduse/<name>: the daemon's side of a device. One opener at a time;
 * closing the node keeps the device (a new daemon may take over).
 */

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/virtio_config.h>

#include "vduse.h"

static struct vduse_vq *vduse_vq_get(struct vduse_dev *dev, u32 index)
{
	if (index >= dev->nvqs)
		return NULL;
	return &dev->vqs[array_index_nospec(index, dev->nvqs)];
}

/* The domain exists from the first attach until the device is released. */
static struct vduse_domain *vduse_domain_get(struct vduse_dev *dev)
{
	struct vduse_domain *domain;

	mutex_lock(&dev->lock);
	domain = dev->domain;
	mutex_unlock(&dev->lock);
	return domain;
}

static long vduse_iotlb_get_fd(struct vduse_dev *dev, void __user *argp)
{
	struct vduse_domain *domain = vduse_domain_get(dev);
	struct vduse_iotlb_entry entry;
	struct file *file;
	int fd, err;

	if (copy_from_user(&entry, argp, sizeof(entry)))
		return -EFAULT;
	if (entry.start > entry.last)
		return -EINVAL;
	/* vhost-vdpa's map first; a driver in the kernel has none. */
	err = vduse_umap_lookup(dev, entry.start, entry.last, &entry, &file);
	if (err && domain)
		err = vduse_domain_lookup(domain, entry.start, entry.last,
					  &entry, &file);
	if (err)
		return err;
	fd = get_unused_fd_flags(0);
	if (fd < 0) {
		fput(file);
		return fd;
	}
	if (copy_to_user(argp, &entry, sizeof(entry))) {
		put_unused_fd(fd);
		fput(file);
		return -EFAULT;
	}
	fd_install(fd, file);
	return fd;
}

static long vduse_iotlb_get_info(struct vduse_dev *dev, void __user *argp)
{
	struct vduse_domain *domain = vduse_domain_get(dev);
	struct vduse_iotlb_entry entry;
	struct vduse_iova_info info;
	unsigned int i;
	int err;

	if (copy_from_user(&info, argp, sizeof(info)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(info.reserved); i++)
		if (info.reserved[i])
			return -EINVAL;
	if (info.start > info.last)
		return -EINVAL;
	info.capability = 0;
	err = vduse_umap_lookup(dev, info.start, info.last, &entry, NULL);
	if (err && domain) {
		err = vduse_domain_lookup(domain, info.start, info.last, &entry,
					  NULL);
		/* Only the bounce window can be the daemon's memory. */
		if (!err && entry.start == 0 &&
		    entry.last == vduse_domain_bounce_size(domain) - 1)
			info.capability = VDUSE_IOVA_CAP_UMEM;
	}
	if (err)
		return err;
	info.start = entry.start;
	info.last = entry.last;
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long vduse_iotlb_umem(struct vduse_dev *dev, void __user *argp,
			     bool reg)
{
	struct vduse_domain *domain = vduse_domain_get(dev);
	struct vduse_iova_umem umem;
	unsigned int i;

	if (copy_from_user(&umem, argp, sizeof(umem)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(umem.reserved); i++)
		if (umem.reserved[i])
			return -EINVAL;
	/* The whole bounce window, nothing else. */
	if (!domain || umem.iova ||
	    umem.size != vduse_domain_bounce_size(domain))
		return -EINVAL;
	if (!reg)
		return vduse_domain_dereg_umem(domain);
	if (!PAGE_ALIGNED(umem.uaddr))
		return -EINVAL;
	return vduse_domain_reg_umem(domain, umem.uaddr);
}

static long vduse_set_config(struct vduse_dev *dev, void __user *argp)
{
	struct vduse_config_data data;
	void *buf;

	if (copy_from_user(&data, argp, sizeof(data)))
		return -EFAULT;
	if (!data.length || data.offset > dev->config_size ||
	    data.length > dev->config_size - data.offset)
		return -EINVAL;
	buf = memdup_user(argp + offsetof(struct vduse_config_data, buffer),
			  data.length);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	spin_lock(&dev->config_lock);
	memcpy(dev->config + data.offset, buf, data.length);
	/* A driver reading several fields sees they changed under it. */
	dev->generation++;
	spin_unlock(&dev->config_lock);
	kfree(buf);
	return 0;
}

static long vduse_vq_setup(struct vduse_dev *dev, void __user *argp)
{
	struct vduse_vq_config config;
	struct vduse_vq *vq;
	unsigned int i;

	if (copy_from_user(&config, argp, sizeof(config)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(config.reserved); i++)
		if (config.reserved[i])
			return -EINVAL;
	vq = vduse_vq_get(dev, config.index);
	if (!vq)
		return -EINVAL;
	/* Any time: a daemon that takes over sets its queues up again. */
	WRITE_ONCE(vq->max_size, config.max_size);
	return 0;
}

static long vduse_vq_get_info(struct vduse_dev *dev, void __user *argp)
{
	struct vduse_vq_info info;
	struct vduse_vq *vq;

	if (copy_from_user(&info, argp, sizeof(info)))
		return -EFAULT;
	vq = vduse_vq_get(dev, info.index);
	if (!vq)
		return -EINVAL;
	info.num = vq->num;
	info.desc_addr = vq->desc_addr;
	info.driver_addr = vq->driver_addr;
	info.device_addr = vq->device_addr;
	if (READ_ONCE(dev->driver_features) & BIT_ULL(VIRTIO_F_RING_PACKED)) {
		info.packed.last_avail_counter = vq->state.packed.last_avail_counter;
		info.packed.last_avail_idx = vq->state.packed.last_avail_idx;
		info.packed.last_used_counter = vq->state.packed.last_used_counter;
		info.packed.last_used_idx = vq->state.packed.last_used_idx;
	} else {
		info.split.avail_index = vq->state.split.avail_index;
	}
	info.ready = READ_ONCE(vq->ready);
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long vduse_vq_setup_kickfd(struct vduse_dev *dev, void __user *argp)
{
	struct vduse_vq_eventfd efd;
	struct vduse_vq *vq;

	if (copy_from_user(&efd, argp, sizeof(efd)))
		return -EFAULT;
	vq = vduse_vq_get(dev, efd.index);
	if (!vq)
		return -EINVAL;
	return vduse_vq_set_kickfd(vq, efd.fd);
}

static long vduse_dev_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct vduse_dev *dev = file->private_data;
	void __user *argp = (void __user *)arg;
	struct vduse_vq *vq;
	u32 index;

	if (READ_ONCE(dev->broken))
		return -EPERM;

	switch (cmd) {
	case VDUSE_IOTLB_GET_FD:
		return vduse_iotlb_get_fd(dev, argp);
	case VDUSE_DEV_GET_FEATURES:
		return put_user(READ_ONCE(dev->driver_features),
				(u64 __user *)argp);
	case VDUSE_DEV_SET_CONFIG:
		return vduse_set_config(dev, argp);
	case VDUSE_DEV_INJECT_CONFIG_IRQ:
		return vduse_inject_config_irq(dev);
	case VDUSE_VQ_SETUP:
		return vduse_vq_setup(dev, argp);
	case VDUSE_VQ_GET_INFO:
		return vduse_vq_get_info(dev, argp);
	case VDUSE_VQ_SETUP_KICKFD:
		return vduse_vq_setup_kickfd(dev, argp);
	case VDUSE_VQ_INJECT_IRQ:
		if (get_user(index, (u32 __user *)argp))
			return -EFAULT;
		vq = vduse_vq_get(dev, index);
		return vq ? vduse_vq_inject_irq(vq) : -EINVAL;
	case VDUSE_IOTLB_REG_UMEM:
		return vduse_iotlb_umem(dev, argp, true);
	case VDUSE_IOTLB_DEREG_UMEM:
		return vduse_iotlb_umem(dev, argp, false);
	case VDUSE_IOTLB_GET_INFO:
		return vduse_iotlb_get_info(dev, argp);
	}
	return -ENOIOCTLCMD;
}

static int vduse_node_open(struct inode *inode, struct file *file)
{
	struct vduse_dev *dev = vduse_find_minor_get(iminor(inode));
	int err = 0;

	if (!dev)
		return -ENODEV;
	mutex_lock(&dev->lock);
	if (dev->open)
		err = -EBUSY;
	else
		dev->open = true;
	mutex_unlock(&dev->lock);
	if (err) {
		put_device(&dev->dev);
		return err;
	}
	vduse_takeover_disarm(dev);
	file->private_data = dev;
	return stream_open(inode, file);
}

static int vduse_node_release(struct inode *inode, struct file *file)
{
	struct vduse_dev *dev = file->private_data;
	struct vduse_domain *domain = vduse_domain_get(dev);

	/* The next daemon reads what this one left unanswered. */
	vduse_msg_requeue_read(dev);
	/* The pages were this daemon's: the kernel's take over again. */
	if (domain)
		vduse_domain_dereg_umem(domain);
	mutex_lock(&dev->lock);
	dev->open = false;
	mutex_unlock(&dev->lock);
	/* A driver running without a daemon gets msg_timeout for a new one. */
	vduse_takeover_arm(dev, false);
	put_device(&dev->dev);
	return 0;
}

const struct file_operations vduse_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= vduse_node_open,
	.release	= vduse_node_release,
	.read_iter	= vduse_msg_read_iter,
	.write_iter	= vduse_msg_write_iter,
	.poll		= vduse_msg_poll,
	.unlocked_ioctl	= vduse_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};
