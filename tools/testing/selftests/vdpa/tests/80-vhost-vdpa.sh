#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vhost-vdpa end to end with our userspace client (../vhost_client.c):
# a device bound to vhost_vdpa (through driver_override)
# becomes /dev/vhost-vdpa-N; the client maps a buffer with IOTLB messages,
# builds split rings, kicks through eventfds and gets the net simulator's
# looped-back frames, and the blk simulator's sectors, through the call
# eventfds. Both IOTLB layouts, the persistent map and whole-map pushes
# (set_map) as well as increments (dma_map) are exercised. Unbinding makes
# the node go, binding brings it back, and no page stays pinned.

. "${0%/*}/lib.sh"

MAC=02:00:00:00:00:01


# bind_vhost DEV: move vdpa device DEV to vhost_vdpa, whoever has it.
bind_vhost()
{
	_d=/sys/bus/vdpa/devices/$1
	if [ -e "$_d/driver" ]; then
		[ "$(basename "$(readlink "$_d/driver")")" != vhost_vdpa ] || return 0
		echo "$1" >"$_d/driver/unbind"
	fi
	echo vhost_vdpa >"$_d/driver_override"
	echo "$1" >/sys/bus/vdpa/drivers/vhost_vdpa/bind
}

pins0=$(pins)
load vdpa_sim_net vdpa_sim_blk

step "a device with driver_override=vhost_vdpa binds to it and gets a node"
run vdpa dev add name v0 mgmtdev vdpasim_net mac $MAC max_vqp 1
echo vhost_vdpa >/sys/bus/vdpa/devices/v0/driver_override
# virtio_vdpa first: devices without an override go to it.
load virtio_vdpa vhost_vdpa virtio_net
expect_eq "$(basename "$(readlink /sys/bus/vdpa/devices/v0/driver)")" \
	vhost_vdpa "v0 bound to"
node=$(vhost_node v0)
node=${node#/dev/}
run ls -l "/dev/$node"
# Where upstream puts it, and libvirt and govdpa look: the vdpa device's
# own child, no class directory in between; one chrdev region named
# vhost-vdpa (DPDK's virtio_user checks the node's major against it).
expect_gone /sys/bus/vdpa/devices/v0/vhost-vdpa
expect_eq "$(cut -d: -f2 /sys/bus/vdpa/devices/v0/"$node"/dev)" \
	"${node#vhost-vdpa-}" "$node minor"
major=$(awk '$2 == "vhost-vdpa" { print $1 }' /proc/devices)
expect_eq "$(cut -d: -f1 /sys/bus/vdpa/devices/v0/"$node"/dev)" "$major" \
	"$node major (/proc/devices)"

step "frames loop back through the client (IOTLB v2, dma_map increments)"
run vhost_client net "/dev/$node" -n 100
expect_out "100 frames sent, 100 came back, 0 differed"
# MSG_V2 BATCH ASID SUSPEND RESUME ENABLE_AFTER_DRIVER_OK IOTLB_PERSIST
expect_out "backend features offered 0x17e"

step "again with v1 IOTLB messages"
run vhost_client net "/dev/$node" -n 20 -1
expect_out "20 frames sent, 20 came back, 0 differed"

step "the map persists across a reset with IOTLB_PERSIST"
run vhost_client net "/dev/$node" -n 20 -p
expect_out "the map persists"
expect_out "20 frames sent, 20 came back, 0 differed"

step "whole-map pushes (set_map) instead of increments"
echo 1 >/sys/module/vhost_vdpa/parameters/prefer_set_map
run vhost_client net "/dev/$node" -n 50
expect_out "50 frames sent, 50 came back, 0 differed"
run vhost_client net "/dev/$node" -n 20 -p
expect_out "20 frames sent, 20 came back, 0 differed"
echo 0 >/sys/module/vhost_vdpa/parameters/prefer_set_map

step "the device is virtio_vdpa's again once vhost_vdpa lets go"
run vdpa dev add name v1 mgmtdev vdpasim_net mac 02:00:00:00:00:02
wait_for 10 vdpa_netdev v1 || fail "v1 (no override) did not get a netdev"
echo v0 >/sys/bus/vdpa/drivers/vhost_vdpa/unbind
wait_for 5 sh -c "! [ -e /dev/$node ]" || fail "/dev/$node still there after unbind"
echo >/sys/bus/vdpa/devices/v0/driver_override
echo v0 >/sys/bus/vdpa/drivers/virtio_vdpa/bind
wait_for 10 vdpa_netdev v0 || fail "v0 did not get a netdev from virtio_vdpa"
dev=$(vdpa_netdev v0)
# It must work: bound to virtio_vdpa, its reset makes the map identity.
run ip link set "$dev" up
run ip addr add 192.0.2.1/24 dev "$dev"
run ip neigh replace 192.0.2.2 lladdr $MAC dev "$dev" nud permanent
rx0=$(netstat_of "$dev" rx_packets)
ping -c 5 -i 0.1 -W 1 192.0.2.2 >/dev/null 2>&1 || true
expect_ge "$(($(netstat_of "$dev" rx_packets) - rx0))" 5 "$dev frames back"

step "and back to vhost_vdpa"
bind_vhost v0
node=$(vhost_node v0)
node=${node#/dev/}
run vhost_client net "/dev/$node" -n 10
expect_out "10 frames sent, 10 came back, 0 differed"

step "blk sectors through the client"
run vdpa dev add name b0 mgmtdev vdpasim_blk
bind_vhost b0
bnode=$(vhost_node b0)
bnode=${bnode#/dev/}
run vhost_client blk "/dev/$bnode" -n 64
expect_out "64 sectors written and read back: same"

step "deleting the devices removes the nodes; no page stays pinned"
run vdpa dev del v0
run vdpa dev del b0
run vdpa dev del v1
wait_for 5 sh -c "! [ -e /dev/$node ] && ! [ -e /dev/$bnode ]" ||
	fail "device nodes left behind"
expect_eq "$(pins)" "$pins0" "pages pinned (FOLL_PIN) compared to the start"
