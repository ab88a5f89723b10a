// SPDX-License-Identifier: GPL-2.0
/*
 * VDUSE module: the "vduse" class and character region, the control node,
 * the workqueue interrupts are injected from and the management device.
 *
 * One character region serves every node: minor 0 is /dev/vduse/control,
 * the others are devices, found by minor when opened. No cdev per device,
 * so a device costs a minor and a class device, nothing more.
 */

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/workqueue.h>

#include "vduse.h"

static dev_t vduse_devt;
static struct cdev vduse_control_cdev;
static struct cdev vduse_dev_cdev;
static struct device *vduse_control;

struct workqueue_struct *vduse_irq_wq;
struct workqueue_struct *vduse_irq_bound_wq;

static char *vduse_devnode(const struct device *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "vduse/%s", dev_name(dev));
}

struct class vduse_class = {
	.name = "vduse",
	.devnode = vduse_devnode,
};

/**
 * vduse_devt_of - the device number of a minor of our region
 * @minor: 0 for the control node, else a device's
 *
 * Return: the dev_t.
 */
dev_t vduse_devt_of(u32 minor)
{
	return MKDEV(MAJOR(vduse_devt), minor);
}

static int __init vduse_init(void)
{
	int err;

	err = class_register(&vduse_class);
	if (err)
		return err;
	err = alloc_chrdev_region(&vduse_devt, 0, VDUSE_MINORS, "vduse");
	if (err)
		goto err_class;

	cdev_init(&vduse_control_cdev, &vduse_control_fops);
	vduse_control_cdev.owner = THIS_MODULE;
	err = cdev_add(&vduse_control_cdev, vduse_devt, 1);
	if (err)
		goto err_region;
	cdev_init(&vduse_dev_cdev, &vduse_dev_fops);
	vduse_dev_cdev.owner = THIS_MODULE;
	err = cdev_add(&vduse_dev_cdev, vduse_devt_of(1), VDUSE_MINORS - 1);
	if (err)
		goto err_control_cdev;

	/* Interrupts reach bus drivers from here, as a device's would. */
	vduse_irq_wq = alloc_workqueue("vduse-irq",
				       WQ_HIGHPRI | WQ_SYSFS | WQ_UNBOUND, 0);
	if (!vduse_irq_wq) {
		err = -ENOMEM;
		goto err_dev_cdev;
	}
	/* Queue interrupts go round the CPUs, as a device's vectors would. */
	vduse_irq_bound_wq = alloc_workqueue("vduse-irq-bound", WQ_HIGHPRI, 0);
	if (!vduse_irq_bound_wq) {
		err = -ENOMEM;
		goto err_wq;
	}

	vduse_control = device_create(&vduse_class, NULL, vduse_devt, NULL,
				      "control");
	if (IS_ERR(vduse_control)) {
		err = PTR_ERR(vduse_control);
		goto err_wq;
	}
	err = vduse_mgmtdev_init();
	if (err)
		goto err_control;
	return 0;

err_control:
	device_destroy(&vduse_class, vduse_devt);
err_wq:
	if (vduse_irq_bound_wq)
		destroy_workqueue(vduse_irq_bound_wq);
	destroy_workqueue(vduse_irq_wq);
err_dev_cdev:
	cdev_del(&vduse_dev_cdev);
err_control_cdev:
	cdev_del(&vduse_control_cdev);
err_region:
	unregister_chrdev_region(vduse_devt, VDUSE_MINORS);
err_class:
	class_unregister(&vduse_class);
	return err;
}
module_init(vduse_init);

/* Every device holds a module reference: none exists by now. */
static void __exit vduse_exit(void)
{
	vduse_mgmtdev_exit();
	device_destroy(&vduse_class, vduse_devt);
	destroy_workqueue(vduse_irq_bound_wq);
	destroy_workqueue(vduse_irq_wq);
	cdev_del(&vduse_dev_cdev);
	cdev_del(&vduse_control_cdev);
	unregister_chrdev_region(vduse_devt, VDUSE_MINORS);
	class_unregister(&vduse_class);
}
module_exit(vduse_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VDUSE: vDPA devices implemented in userspace");
