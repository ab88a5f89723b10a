#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# VDUSE behind vhost-vdpa: a userspace driver (our vhost_client) on
# /dev/vhost-vdpa-N and a userspace device (vduse_tool net) on
# /dev/vduse/<name>. The driver's memory reaches the daemon as the file
# behind it: the driver's rings and buffers are in a shared memfd, whose
# map vhost-vdpa gives the device (set_map) and the daemon looks up
# (VDUSE_IOTLB_GET_FD) and maps. Frames go round through both.
#
# Memory with no file behind it (anonymous, private) cannot reach the
# daemon: the daemon refuses DRIVER_OK, the driver sees it, nothing else
# happens.

. "${0%/*}/lib.sh"

NAME=vnet-vh

step "vduse_tool serves a VDUSE net device; vhost-vdpa binds it"
load vduse vhost_vdpa
vduse_net_start "$NAME"
run vdpa dev add name "$NAME" mgmtdev vduse
node=$(vhost_node "$NAME")

step "frames go round through a driver's shared memory"
run vhost_client net "$node" -s -V -n 50
expect_out "50 frames sent, 50 came back, 0 differed"

step "private memory never reaches the daemon"
try vhost_client net "$node" -V -n 5
[ "$RC" -ne 0 ] || fail "a driver with private memory ran on a VDUSE device"
# The daemon could not look its rings up and refused to start.
expect_out "status 0xf did not stick"

step "detach, stop the daemon"
run vdpa dev del "$NAME"
vduse_net_stop "$NAME"
