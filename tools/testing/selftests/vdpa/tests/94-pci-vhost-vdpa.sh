#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vhost-vdpa on a real PCI function: our userspace client drives NIC A
# through vp_vdpa and /dev/vhost-vdpa-N, rings the doorbell through the
# mmapped notify page of the real BAR (NIC A has page-per-vq) and NIC B,
# on virtio-pci, counts the frames. Ring memory reaches the device through
# the platform IOMMU (the parent has no DMA translation of its own). NIC C
# has no page per queue: mmap must be refused and eventfd kicks still work.

. "${0%/*}/lib.sh"

A=$(nic_bdf 1)
C=$(nic_bdf 3)
N=100

[ -e "/sys/bus/pci/devices/$A" ] || skip "no PCI NIC at $A (run.sh's q35 machine)"
load vp_vdpa vhost_vdpa virtio_net

# NIC B listens in its own namespace.
peer_up
rx_b() { ip netns exec peer cat "/sys/class/net/$nb/statistics/rx_packets"; }

step "NIC A: frames leave through the mapped doorbell"
# b_got_all: NIC B received the N frames since rx0 (a function: wait_for
# must read the counter on every try, not once when it is called).
b_got_all() { [ "$(($(rx_b) - rx0))" -ge "$N" ]; }

pci_bind "$A" vp_vdpa
run vdpa dev add name a0 mgmtdev "pci/$A"
node=$(vhost_node a0)
rx0=$(rx_b)
run vhost_client send "$node" "$mac_b" -n $N -D
expect_out "$N completed, kicked by the mapped doorbell"
wait_for 5 b_got_all || true
expect_ge "$(($(rx_b) - rx0))" $N "frames NIC B received"
run vdpa dev del a0
pci_restore "$A"

step "NIC C: no doorbell page, mmap refused, eventfd kicks"
pci_bind "$C" vp_vdpa
run vdpa dev add name c0 mgmtdev "pci/$C"
node=$(vhost_node c0)
rx0=$(rx_b)
run vhost_client send "$node" "$mac_b" -n $N
expect_out "no doorbell to map"
expect_out "$N completed, kicked by eventfd"
wait_for 5 b_got_all || true
expect_ge "$(($(rx_b) - rx0))" $N "frames NIC B received"
run vdpa dev del c0
pci_restore "$C"
