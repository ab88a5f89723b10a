#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A device's life: created with provisioned attributes, shown with them
# (text and JSON), present on the vdpa bus in sysfs, deleted without a
# trace; and a device created with the defaults.

. "${0%/*}/lib.sh"

MAC=02:00:00:00:00:01

load vdpa_sim_net vdpa_sim_blk

step "create v0 with MAC, MTU and two queue pairs"
run vdpa dev add name v0 mgmtdev vdpasim_net mac $MAC mtu 1400 max_vqp 2
expect_exists /sys/bus/vdpa/devices/v0

step "vdpa dev show"
run vdpa dev show v0
expect_out "v0: type network mgmtdev vdpasim_net"
run vdpa dev show v0 -jp
expect_json
expect_eq "$(jget dev v0 type)" network "type"
expect_eq "$(jget dev v0 mgmtdev)" vdpasim_net "mgmtdev"
expect_ge "$(jget dev v0 max_vqs)" 5 "max_vqs (2 pairs and a control queue)"
expect_ge "$(jget dev v0 max_vq_size)" 1 "max_vq_size"
run vdpa dev show
expect_out "v0: type network mgmtdev vdpasim_net"

step "vdpa dev config show: the provisioned attributes"
run vdpa dev config show v0
expect_out "v0: mac $MAC link up"
expect_out "max_vq_pairs 2"
expect_out "mtu 1400"
run vdpa dev config show v0 -jp
expect_json
expect_eq "$(jget config v0 mac)" "$MAC" "config mac"
# iproute2 6.1 spells this JSON key with a trailing space.
expect_eq "$(jget config v0 "link ")" up "config link"
expect_eq "$(jget config v0 max_vq_pairs)" 2 "config max_vq_pairs"
expect_eq "$(jget config v0 mtu)" 1400 "config mtu"

step "delete v0"
run vdpa dev del v0
expect_fail_msg "kernel answers:" vdpa dev show v0
expect_fail vdpa dev config show v0
expect_gone /sys/bus/vdpa/devices/v0
run vdpa dev show -j
left=$(jget dev)
expect_eq "$left" "" "devices left"

step "a net device with the defaults"
run vdpa dev add name v1 mgmtdev vdpasim_net
run vdpa dev show v1
expect_out "v1: type network mgmtdev vdpasim_net"
run vdpa dev config show v1 -j
expect_json
expect_eq "$(jget config v1 "link ")" up "default link"
expect_eq "$(jget config v1 mtu)" 1500 "default mtu"
mq=$(jsonget config v1 max_vq_pairs <"$OUT" || echo 1)
expect_eq "$mq" 1 "default max_vq_pairs"

step "the name is free again after delete"
run vdpa dev add name v0 mgmtdev vdpasim_net mac $MAC
run vdpa dev show -j
devs=$(jget dev)
expect_eq "$(echo "$devs" | sort | tr '\n' ' ')" "v0 v1 " "devices"

step "a block device"
run vdpa dev add name b0 mgmtdev vdpasim_blk
run vdpa dev show b0
expect_out "b0: type block mgmtdev vdpasim_blk"
expect_exists /sys/bus/vdpa/devices/b0

step "delete all"
run vdpa dev del v0
run vdpa dev del v1
run vdpa dev del b0
run vdpa dev show -j
left=$(jget dev)
expect_eq "$left" "" "devices left"
left=$(ls /sys/bus/vdpa/devices)
expect_eq "$left" "" "/sys/bus/vdpa/devices"
