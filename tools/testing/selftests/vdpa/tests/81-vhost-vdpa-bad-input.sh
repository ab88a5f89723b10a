#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vhost-vdpa refuses bad input with the errno upstream documents and leaks
# nothing: malformed IOTLB messages (size, type, zero or wrapping or
# unaligned ranges, permission 0, overlaps, unknown address space), ioctls
# before SET_OWNER or from another process, queue and group indexes out of
# range, status going backwards, config out of bounds, doorbell mappings
# that do not fit, and maps beyond RLIMIT_MEMLOCK for an owner without
# CAP_IPC_LOCK. The client checks VmPin after each step; here we check the
# global pin counters and that the kernel said nothing (init watches for
# splats).

. "${0%/*}/lib.sh"

pins0=$(pins)
load vdpa_sim_net vhost_vdpa
run vdpa dev add name v0 mgmtdev vdpasim_net max_vqp 2
node=$(vhost_node v0)
node=${node#/dev/}

step "bad ioctls and IOTLB messages"
run vhost_client bad "/dev/$node"
expect_out "0 failure(s)"

step "RLIMIT_MEMLOCK is enforced without CAP_IPC_LOCK"
run dropcap vhost_client memlock "/dev/$node"
expect_out "0 failure(s)"

step "the device still works afterwards"
run vhost_client net "/dev/$node" -n 10
expect_out "10 frames sent, 10 came back, 0 differed"

step "nothing stays pinned"
run vdpa dev del v0
expect_eq "$(pins)" "$pins0" "pages pinned (FOLL_PIN) compared to the start"
