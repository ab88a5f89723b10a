// SPDX-License-Identifier: GPL-2.0
/*
 * ifcvf: Intel IFC virtual functions (N3000, C5000X-PL) as vDPA parents.
 *
 * An IFC VF is a virtio-pci modern function, so the virtio side is
 * vp_vdpa_lib's: each VF is the management device "pci/<BDF>" on which
 * "vdpa dev add" creates one device. What the VF adds is a block of
 * live-migration registers (ifcvf_lm.c), through which a queue's position
 * can be read back and restored, which plain virtio-pci cannot do
 * (ifcvf_vq_state.c).
 *
 * The driver also binds, through driver_override, to any virtio-pci modern
 * function, such as QEMU's virtio-net-pci. Those have no such block and
 * something else at its place, so it is only looked for on the PCI IDs of
 * IFC VFs; without it the VF behaves exactly as under vp_vdpa.
 */

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_pci.h>
#include "ifcvf.h"

/* The IFC VFs' PCI IDs: virtio vendor and device, Intel subsystem. */
#define IFCVF_N3000_DEVICE		0x1041
#define IFCVF_N3000_SUBSYS_DEVICE	0x001a
#define IFCVF_C5000X_NET_DEVICE		0x1000	/* transitional virtio-net */
#define IFCVF_C5000X_BLK_DEVICE		0x1001	/* transitional virtio-blk */

static int ifcvf_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct ifcvf_vf *vf;
	int err;

	/* driver_override binds us to anything: only virtio functions do */
	if (pdev->vendor != PCI_VENDOR_ID_REDHAT_QUMRANET)
		return -ENODEV;

	vf = kzalloc(sizeof(*vf), GFP_KERNEL);
	if (!vf)
		return -ENOMEM;
	err = vp_vdpa_lib_probe(pdev, &vf->hw);
	if (err)
		goto err_free;
	ifcvf_lm_probe(vf, id);
	err = vp_vdpa_lib_register(&vf->hw);
	if (err)
		goto err_remove;
	pci_set_drvdata(pdev, vf);
	return 0;

err_remove:
	ifcvf_lm_remove(vf);
	vp_vdpa_lib_remove(&vf->hw);
err_free:
	kfree(vf);
	return err;
}

static void ifcvf_remove(struct pci_dev *pdev)
{
	struct ifcvf_vf *vf = pci_get_drvdata(pdev);

	/*
	 * The device goes first, since its operations use the block; the
	 * block next, while its BAR is still mapped and the function enabled.
	 */
	vp_vdpa_lib_unregister(&vf->hw);
	ifcvf_lm_remove(vf);
	vp_vdpa_lib_release(&vf->hw);
	kfree(vf);
}

static const struct pci_device_id ifcvf_ids[] = {
	{ PCI_DEVICE_SUB(PCI_VENDOR_ID_REDHAT_QUMRANET, IFCVF_N3000_DEVICE,
			 PCI_VENDOR_ID_INTEL, IFCVF_N3000_SUBSYS_DEVICE),
	  .driver_data = IFCVF_HAS_LM },
	{ PCI_DEVICE_SUB(PCI_VENDOR_ID_REDHAT_QUMRANET, IFCVF_C5000X_NET_DEVICE,
			 PCI_VENDOR_ID_INTEL, VIRTIO_ID_NET),
	  .driver_data = IFCVF_HAS_LM },
	{ PCI_DEVICE_SUB(PCI_VENDOR_ID_REDHAT_QUMRANET, IFCVF_C5000X_BLK_DEVICE,
			 PCI_VENDOR_ID_INTEL, VIRTIO_ID_BLOCK),
	  .driver_data = IFCVF_HAS_LM },
	{ }
};
MODULE_DEVICE_TABLE(pci, ifcvf_ids);

static struct pci_driver ifcvf_driver = {
	.name		= "ifcvf",
	.id_table	= ifcvf_ids,
	.probe		= ifcvf_probe,
	.remove		= ifcvf_remove,
};

static int __init ifcvf_init(void)
{
	ifcvf_vq_state_init();
	return pci_register_driver(&ifcvf_driver);
}
module_init(ifcvf_init);

static void __exit ifcvf_exit(void)
{
	pci_unregister_driver(&ifcvf_driver);
}
module_exit(ifcvf_exit);

MODULE_DESCRIPTION("vDPA parent for Intel IFC virtual functions");
MODULE_LICENSE("GPL");
