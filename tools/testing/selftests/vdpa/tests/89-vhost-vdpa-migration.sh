#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What a VMM migrating a guest needs of vhost-vdpa, with our client on the
# net simulator:
#  - dirty page logging is offered only where asked for (vhost_vdpa's
#    dirty_log parameter, read at open): otherwise VHOST_F_LOG_ALL is not
#    in the features and the log ioctls are refused;
#  - with VHOST_F_LOG_ALL acked and a log set (VHOST_SET_LOG_BASE,
#    VHOST_SET_LOG_FD) while the device runs, every page the device writes
#    (the RX buffers, as far as each frame filled them, and the used rings)
#    is marked in the owner's log, by IOVA, and no other page is; the log
#    eventfd fires; a log in no mapping is refused when set; with logging
#    off again, frames still loop and the log stays empty;
#  - moving a running device: frames loop through one device with its log
#    on, it is stopped with a frame in flight, its queue positions are read
#    (VHOST_GET_VRING_BASE), and a second device takes the same memory and
#    rings at those positions (SET_VRING_BASE before DRIVER_OK): every frame
#    comes back exactly once, and the first device's log holds exactly the
#    pages it wrote. Stopped both ways QEMU stops a device: suspended
#    (VHOST_VDPA_SUSPEND), and reset before the positions are read (QEMU
#    7.2), where the positions are those at the reset;
#  - the log's pages are unpinned when the devices go.

. "${0%/*}/lib.sh"

PARAM=/sys/module/vhost_vdpa/parameters/dirty_log

restore_param() { [ -w "$PARAM" ] && echo N >"$PARAM"; }

pins0=$(pins)
load vdpa_sim_net vhost_vdpa
run vdpa dev add name ml0 mgmtdev vdpasim_net mac 02:00:00:00:00:01
run vdpa dev add name ml1 mgmtdev vdpasim_net mac 02:00:00:00:00:01
a=$(vhost_node ml0)
b=$(vhost_node ml1)

step "without dirty_log, logging is neither offered nor accepted"
expect_eq "$(cat "$PARAM")" N "vhost_vdpa's dirty_log by default"
run vhost_client log "$a" -n 4
expect_out "VHOST_F_LOG_ALL not offered; logging refused"
expect_out "0 failure(s)"

AT_EXIT=restore_param
echo Y >"$PARAM"

step "frames loop while logging; the log holds exactly the pages written"
run vhost_client log "$a" -n 40
expect_out "40 frames sent, 40 came back, 0 differed"
expect_out ", 0 written pages missed, 0 logged not written;"
expect_out "logging off: 0 pages logged"
# The client's own checks, the log eventfd and the refused log among them.
expect_out "0 failure(s)"

step "a suspended device moves to another: no frame lost or doubled"
run vhost_client migrate "$a" "$b" -n 40
expect_out "A suspended:"
expect_out "A's log:"
expect_out ", 0 written pages missed, 0 logged not written"
expect_out "migrate: 40 frames sent, 40 came back, 0 differed"
expect_out "0 failure(s)"

step "a device stopped by a reset (QEMU 7.2's order) moves the same way"
run vhost_client migrate "$a" "$b" -n 40 -R
expect_out "A reset:"
expect_out ", 0 written pages missed, 0 logged not written"
expect_out "migrate: 40 frames sent, 40 came back, 0 differed"
expect_out "0 failure(s)"

step "the devices go, and every page pinned with them"
run vdpa dev del ml0
run vdpa dev del ml1
expect_eq "$(pins)" "$pins0" "pages pinned (FOLL_PIN) compared to the start"
