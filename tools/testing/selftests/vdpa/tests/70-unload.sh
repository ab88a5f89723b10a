#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Modules unload with devices alive: a parent takes its devices with it
# (also when a bus driver is bound and the netdev is up and busy); a bus
# driver lets go of its devices, which stay and are picked up again.

. "${0%/*}/lib.sh"

MAC=02:00:00:00:00:01

step "rmmod vdpa_sim_net with two unbound devices"
load vdpa_sim_net
run vdpa dev add name v0 mgmtdev vdpasim_net
run vdpa dev add name v1 mgmtdev vdpasim_net mac $MAC
run rmmod vdpa_sim_net
expect_gone /sys/bus/vdpa/devices/v0
expect_gone /sys/bus/vdpa/devices/v1
run vdpa dev show -j
left=$(jget dev)
expect_eq "$left" "" "devices left"
run vdpa mgmtdev show -j
expect_no_out vdpasim_net

step "rmmod vdpa_sim_net with a netdev up and sending"
load vdpa_sim_net virtio_vdpa virtio_net
run vdpa dev add name v0 mgmtdev vdpasim_net mac $MAC max_vqp 2
wait_for 10 vdpa_netdev v0 || fail "no netdev on v0"
dev=$(vdpa_netdev v0)
run ip link set "$dev" up
run ip addr add 192.0.2.1/24 dev "$dev"
run ip neigh replace 192.0.2.2 lladdr $MAC dev "$dev" nud permanent
ping -i 0.01 -W 1 192.0.2.2 >/dev/null 2>&1 &
ping_pid=$!
sleep 1
run rmmod vdpa_sim_net
kill "$ping_pid" 2>/dev/null || true
wait "$ping_pid" 2>/dev/null || true
expect_gone "/sys/class/net/$dev"
expect_gone /sys/bus/vdpa/devices/v0

step "rmmod virtio_vdpa while bound: the netdev goes, the device stays"
load vdpa_sim_net
run vdpa dev add name v0 mgmtdev vdpasim_net mac $MAC
wait_for 10 vdpa_netdev v0 || fail "no netdev on v0"
dev=$(vdpa_netdev v0)
run ip link set "$dev" up
run rmmod virtio_vdpa
expect_gone "/sys/class/net/$dev"
expect_exists /sys/bus/vdpa/devices/v0
expect_gone /sys/bus/vdpa/devices/v0/driver
run vdpa dev show v0
expect_out "v0: type network"

step "virtio_vdpa again: it binds the device it left"
load virtio_vdpa
wait_for 10 vdpa_netdev v0 || fail "no netdev on v0 after reloading virtio_vdpa"
dev=$(vdpa_netdev v0)
expect_eq "$(cat "/sys/class/net/$dev/address")" $MAC "$dev MAC"
run vdpa dev del v0
expect_gone "/sys/class/net/$dev"

step "blk: rmmod vdpa_sim_blk with a disk in use"
load vdpa_sim_blk virtio_blk
run vdpa dev add name b0 mgmtdev vdpasim_blk
wait_for 10 vdpa_blkdev b0 || fail "no disk on b0"
blk=$(vdpa_blkdev b0)
wait_for 10 test -b "/dev/$blk" || fail "/dev/$blk did not appear"
dd if=/dev/zero of="/dev/$blk" bs=64k count=400 oflag=direct >/dev/null 2>&1 &
dd_pid=$!
usleep 300000
run rmmod vdpa_sim_blk
# The writer sees I/O errors or finishes; it must not hang.
(sleep 20; touch dd_hung; kill -9 "$dd_pid") 2>/dev/null &
watchdog=$!
wait "$dd_pid" 2>/dev/null || true
kill "$watchdog" 2>/dev/null || true
[ ! -e dd_hung ] || fail "dd writing to the removed disk hung for 20s"
expect_gone "/sys/block/$blk"

step "the core goes last, when nothing uses it"
# Released devices may hold their module for a moment (deferred work):
# allow a few seconds before calling a module stuck.
for m in virtio_net virtio_blk virtio_vdpa vdpa_sim_net vdpa_sim_blk vdpa_sim vdpa; do
	if mod_loaded $m; then
		wait_for 5 rmmod $m || run rmmod $m
		log "rmmod $m: done"
	fi
done
! mod_loaded vdpa || fail "vdpa still loaded"
