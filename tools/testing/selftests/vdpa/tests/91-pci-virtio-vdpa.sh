#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A real PCI function as a vDPA device: QEMU's virtio-net-pci NIC A is
# handed to a PCI parent (vp_vdpa, or the one named in $PARENT), a vdpa
# device is created on it with iproute2, and the kernel's virtio_net runs
# on it through virtio_vdpa. NIC B stays on virtio-pci, in a network
# namespace of its own; the two ping each other across QEMU's hub and
# exchange a counted burst.
#
# PARENT=ifcvf NIC=1 and PARENT=vp_vdpa NIC=3 (few MSI-X vectors) reuse
# this test from their own files; IRQS says which interrupt layout the
# parent must have chosen: per-vq (a vector per queue, the default),
# shared (one for config, one for all queues) or single (one for all).

. "${0%/*}/lib.sh"

PARENT=${PARENT:-vp_vdpa}
IRQS=${IRQS:-per-vq}
A=$(nic_bdf "${NIC:-1}")
N=200

[ -e "/sys/bus/pci/devices/$A" ] || skip "no PCI NIC at $A (run.sh's q35 machine)"
load "$PARENT" virtio_vdpa virtio_net

step "$A goes to $PARENT and shows up as a management device"
pci_bind "$A" "$PARENT"
run vdpa mgmtdev show
expect_out "pci/$A"
run vdpa -j mgmtdev show "pci/$A"
expect_eq "$(jget mgmtdev "pci/$A" supported_classes)" net "supported classes"

step "a vdpa device on it becomes a virtio_net netdev"
run vdpa dev add name a0 mgmtdev "pci/$A"
run vdpa dev show a0
expect_out "mgmtdev pci/$A"
expect_fail vdpa dev add name a1 mgmtdev "pci/$A"
wait_for 10 vdpa_netdev a0 || fail "no netdev on a0 within 10s"
na=$(vdpa_netdev a0)
run vdpa dev config show a0
mac=$(sed -n 's/.*mac \([0-9a-f:]*\).*/\1/p' "$OUT")
expect_eq "$(cat "/sys/class/net/$na/address")" "$mac" \
	"$na's MAC (the NIC's, read through the vdpa device)"

step "NIC B on virtio-pci, in namespace peer"
peer_up 192.0.2.2/24
run ip addr add 192.0.2.1/24 dev "$na"
run ip link set "$na" up

step "ping both ways"
wait_for 20 ping -c 1 -W 1 192.0.2.2 || fail "192.0.2.2 does not answer"
run ping -c 3 -i 0.2 -W 2 192.0.2.2
run ip netns exec peer ping -c 3 -i 0.2 -W 2 192.0.2.1

step "a counted burst from A to B"
rx0=$(ip netns exec peer cat "/sys/class/net/$nb/statistics/rx_packets")
tx0=$(netstat_of "$na" tx_packets)
run ping -c "$N" -i 0.01 -W 2 -q 192.0.2.2
tx1=$(netstat_of "$na" tx_packets)
rx1=$(ip netns exec peer cat "/sys/class/net/$nb/statistics/rx_packets")
log "A sent $((tx1 - tx0)), B received $((rx1 - rx0))"
expect_ge "$((tx1 - tx0))" "$N" "frames A sent"
expect_ge "$((rx1 - rx0))" "$N" "frames B received"
grep -q " 0% packet loss" "$OUT" || fail "ping lost replies: $(grep loss "$OUT")"

step "interrupts: $IRQS"
grep 'vp-vdpa\[a0\]' /proc/interrupts | sed 's/^/    /'
case "$IRQS" in
per-vq) pattern='vp-vdpa\[a0\]-vq0$' ;;
shared) pattern='vp-vdpa\[a0\]-vqs$' ;;
single) pattern='vp-vdpa\[a0\]$' ;;
esac
grep -q "$pattern" /proc/interrupts || fail "no '$pattern' in /proc/interrupts"

step "teardown: device, parent, NIC back on virtio-pci"
run ip link set "$na" down
run vdpa dev del a0
pci_restore "$A"
expect_eq "$(pci_driver "$A")" virtio-pci "$A's driver"
