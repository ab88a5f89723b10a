// SPDX-License-Identifier: GPL-2.0
/*
 * vp_vdpa: a virtio-pci modern function as a vDPA parent, mostly for
 * testing vDPA with the virtio devices a VMM emulates, and for hardware
 * whose virtual functions are plain virtio-pci.
 *
 * The function is never taken from virtio_pci by default: the id table
 * matches only when userspace names this driver in driver_override. Each
 * bound function becomes the management device "pci/<BDF>", on which
 * "vdpa dev add" creates one device.
 */

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/vp_vdpa_lib.h>

/* Modern-only virtio device ids; transitional ones are virtio_pci's. */
#define VP_VDPA_FIRST_DEVICE	0x1041
#define VP_VDPA_LAST_DEVICE	0x107f

static int vp_vdpa_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vp_vdpa_hw *hw;
	int err;

	/* driver_override binds us to anything: check what we were given */
	if (pdev->vendor != PCI_VENDOR_ID_REDHAT_QUMRANET ||
	    pdev->device < VP_VDPA_FIRST_DEVICE ||
	    pdev->device > VP_VDPA_LAST_DEVICE)
		return -ENODEV;

	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return -ENOMEM;
	err = vp_vdpa_lib_probe(pdev, hw);
	if (err)
		goto err_free;
	err = vp_vdpa_lib_register(hw);
	if (err)
		goto err_remove;
	pci_set_drvdata(pdev, hw);
	return 0;

err_remove:
	vp_vdpa_lib_remove(hw);
err_free:
	kfree(hw);
	return err;
}

static void vp_vdpa_remove(struct pci_dev *pdev)
{
	struct vp_vdpa_hw *hw = pci_get_drvdata(pdev);

	vp_vdpa_lib_remove(hw);
	kfree(hw);
}

/*
 * Matches only with driver_override set to "vp_vdpa"; no MODULE_DEVICE_TABLE,
 * so the module never loads for a function on its own either.
 */
static const struct pci_device_id vp_vdpa_ids[] = {
	{ PCI_DEVICE_DRIVER_OVERRIDE(PCI_VENDOR_ID_REDHAT_QUMRANET, PCI_ANY_ID,
				     1) },
	{ }
};

static struct pci_driver vp_vdpa_driver = {
	.name		= "vp_vdpa",
	.id_table	= vp_vdpa_ids,
	.probe		= vp_vdpa_probe,
	.remove		= vp_vdpa_remove,
};
module_pci_driver(vp_vdpa_driver);

MODULE_DESCRIPTION("vDPA parent for virtio-pci modern functions");
MODULE_LICENSE("GPL");
