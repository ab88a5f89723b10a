#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 91-pci-virtio-vdpa.sh on NIC C, which has 2 MSI-X vectors for its three
# queues and config changes (QEMU's vectors=2): the parent must fall back
# to shared vectors and still pass traffic.

PARENT=vp_vdpa NIC=3 IRQS=shared exec /bin/sh "${0%/*}/91-pci-virtio-vdpa.sh"
