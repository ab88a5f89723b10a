#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 91-pci-virtio-vdpa.sh with the IFC VF parent (ifcvf) bound to NIC A by
# driver_override: QEMU's virtio-net-pci has no vendor capability, so this
# runs the parent's virtio-pci part; its vendor registers are covered by
# the ifcvf_kunit suite against a fake BAR.

PARENT=ifcvf NIC=1 exec /bin/sh "${0%/*}/91-pci-virtio-vdpa.sh"
