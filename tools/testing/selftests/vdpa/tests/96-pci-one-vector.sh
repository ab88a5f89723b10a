#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The last interrupt fallback: NIC C is replugged with a single MSI-X
# vector (device_del, then device_add with vectors=1), so config changes
# and every queue share it; 91-pci-virtio-vdpa.sh must still pass traffic
# on it. NIC C gets its two vectors back afterwards.

. "${0%/*}/lib.sh"

C=$(nic_bdf 3)
NIC_C="mac=52:54:00:00:00:0c,disable-legacy=on,iommu_platform=on"

[ -e "/sys/bus/pci/devices/$C" ] || skip "no PCI NIC at $C (run.sh's q35 machine)"

step "NIC C with one MSI-X vector"
replug 3 "$NIC_C,vectors=1"
log "NIC C is back (vectors=1)"

rc=0
PARENT=vp_vdpa NIC=3 IRQS=single /bin/sh "${0%/*}/91-pci-virtio-vdpa.sh" || rc=$?

step "NIC C with its two vectors again"
replug 3 "$NIC_C,vectors=2"
[ "$rc" -eq 0 ] || fail "traffic on the single-vector NIC failed (see above)"
