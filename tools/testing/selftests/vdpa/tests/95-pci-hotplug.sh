#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Taking the PCI function away under a running bus driver: unbind and
# rebind of the parent while virtio_net passes traffic, then QEMU's
# device_del (PCIe hot-unplug) of NIC A while bound to virtio_vdpa with
# traffic running, and while bound to vhost_vdpa with the fd open and the
# doorbell mapped. No splat (the harness checks dmesg), the bus driver
# goes away cleanly, and the NIC comes back with device_add.

. "${0%/*}/lib.sh"

A=$(nic_bdf 1)
NIC_A="mac=52:54:00:00:00:0a,disable-legacy=on,iommu_platform=on,page-per-vq=on"

[ -e "/sys/bus/pci/devices/$A" ] || skip "no PCI NIC at $A (run.sh's q35 machine)"
load vp_vdpa virtio_vdpa vhost_vdpa virtio_net

peer_up 192.0.2.2/24
# NIC C listens too, so that B's frames always have a receiver on the hub
# while A is gone (a hub port nobody reads stalls its sender: B's transmit
# queue would time out).
wait_for 10 pci_netdev "$(nic_bdf 3)" || fail "no netdev on $(nic_bdf 3)"
run ip link set "$(pci_netdev "$(nic_bdf 3)")" up

# up_a: a vdpa device on NIC A with virtio_net on it, answering pings.
up_a()
{
	run vdpa dev add name a0 mgmtdev "pci/$A"
	wait_for 10 vdpa_netdev a0 || fail "no netdev on a0 within 10s"
	na=$(vdpa_netdev a0)
	run ip addr add 192.0.2.1/24 dev "$na"
	run ip link set "$na" up
	wait_for 20 ping -c 1 -W 1 192.0.2.2 || fail "192.0.2.2 does not answer"
}

# flood: B pings A as fast as it can, in the background.
flood()
{
	ip netns exec peer ping -i 0.01 -W 1 192.0.2.1 >/dev/null 2>&1 &
	flood_pid=$!
	sleep 1
}

step "unbind and rebind the parent while traffic runs"
pci_bind "$A" vp_vdpa
up_a
flood
run sh -c "echo $A > /sys/bus/pci/drivers/vp_vdpa/unbind"
devs=$(vdpa_devs)
expect_eq "$devs" "" "vdpa devices after unbind"
[ -z "$(vdpa_netdev a0)" ] || fail "a0's netdev survived the unbind"
run sh -c "echo $A > /sys/bus/pci/drivers_probe"
expect_eq "$(pci_driver "$A")" vp_vdpa "$A's driver after rebind"
up_a
kill "$flood_pid" 2>/dev/null || true

step "device_del NIC A under virtio_vdpa while traffic runs"
flood
unplug 1
devs=$(vdpa_devs)
expect_eq "$devs" "" "vdpa devices after hot-unplug"
run vdpa mgmtdev show
! grep -q "pci/$A" "$OUT" || fail "pci/$A still listed after hot-unplug"
kill "$flood_pid" 2>/dev/null || true
plug 1 "$NIC_A"

step "device_del NIC A under vhost_vdpa, fd open and doorbell mapped"
# Only vhost_vdpa may take the next device.
run rmmod virtio_vdpa
pci_bind "$A" vp_vdpa
run vdpa dev add name a0 mgmtdev "pci/$A"
node=$(vhost_node a0)
rm -f flag hold.out
vhost_client hold "$node" "$WORK/flag" -m "$mac_b" >hold.out 2>&1 &
hold_pid=$!
wait_for 30 grep -q READY hold.out || { cat hold.out; fail "client not ready"; }
grep -q "doorbell mapped" hold.out || fail "the client did not map a doorbell"
unplug 1
touch flag
rc=0
wait "$hold_pid" || rc=$?
sed 's/^/    /' hold.out
[ "$rc" -eq 0 ] || fail "the client saw the wrong errors after removal"
plug 1 "$NIC_A"
