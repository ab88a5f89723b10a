/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the ifcvf module: a bound VF, and the calls between
 * ifcvf_main.c (the PCI driver) and ifcvf_vq_state.c (queue positions
 * through the VF's live-migration registers).
 */
#ifndef _IFCVF_H
#define _IFCVF_H

#include <linux/bits.h>
#include <linux/vp_vdpa_lib.h>
#include "ifcvf_lm.h"

struct pci_device_id;

/* &pci_device_id.driver_data: the function has the live-migration block */
#define IFCVF_HAS_LM			BIT(0)

/**
 * struct ifcvf_vq_pos - a split queue's position, set but not yet written
 * @state: the position the driver set
 * @pending: @state is to be written before the queue starts
 */
struct ifcvf_vq_pos {
	struct vdpa_vq_state state;
	bool pending;
};

/**
 * struct ifcvf_vf - one bound virtual function
 * @hw: the virtio-pci side, with the management device
 * @lm: the live-migration registers, or none
 * @lm_region: we requested the BAR of @lm ourselves and must release it
 * @pos: with @lm, one per queue of the function, indexed as the driver
 *	sees queues
 */
struct ifcvf_vf {
	struct vp_vdpa_hw hw;
	struct ifcvf_lm lm;
	bool lm_region;
	struct ifcvf_vq_pos *pos;
};

void ifcvf_vq_state_init(void);
void ifcvf_lm_probe(struct ifcvf_vf *vf, const struct pci_device_id *id);
void ifcvf_lm_remove(struct ifcvf_vf *vf);

#endif /* _IFCVF_H */
