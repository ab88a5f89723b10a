/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private interfaces between the files of the vp_vdpa_lib module. The
 * structures they share are the public ones of <linux/vp_vdpa_lib.h>.
 *
 *   vp_vdpa_main.c    the devices' vdpa_config_ops; the PCI function
 *   vp_vdpa_config.c  the device-specific config space
 *   vp_vdpa_irq.c     the interrupt vectors of a running device
 *   vp_vdpa_mgmt.c    the management device: provisioning, creation and
 *                     deletion of devices
 *
 * Calls go one way: vp_vdpa_main.c into the other three, vp_vdpa_mgmt.c
 * into vp_vdpa_config.c.
 */
#ifndef _DRIVERS_VDPA_VIRTIO_PCI_VP_VDPA_PRIV_H
#define _DRIVERS_VDPA_VIRTIO_PCI_VP_VDPA_PRIV_H

#include <linux/types.h>
#include <linux/vp_vdpa_lib.h>

static inline struct pci_dev *vp_pdev(const struct vp_vdpa_hw *hw)
{
	return hw->mdev.pci_dev;
}

/* vp_vdpa_config.c */
int vp_vdpa_hw_cfg_get(struct vp_vdpa_hw *hw, unsigned int offset,
		       void *buf, unsigned int len);
size_t vp_vdpa_get_config_size(struct vdpa_device *vdpa);
u32 vp_vdpa_get_generation(struct vdpa_device *vdpa);

/* vp_vdpa_irq.c: taken at DRIVER_OK, given back at reset */
int vp_vdpa_request_irqs(struct vp_vdpa *vp);
void vp_vdpa_free_irqs(struct vp_vdpa *vp);

/* vp_vdpa_mgmt.c: what vp_vdpa_lib_probe() fills the management device with */
extern const struct vdpa_mgmtdev_ops vp_vdpa_lib_mgmt_ops;
u64 vp_vdpa_attr_mask(struct vp_vdpa_hw *hw);

#endif /* _DRIVERS_VDPA_VIRTIO_PCI_VP_VDPA_PRIV_H */
