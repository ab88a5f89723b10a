#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The VDUSE ABI, with no vDPA device: vduse_tool api checks the control
# node's ioctls, CREATE_DEV's validation (each refusal EINVAL), the device
# node's ioctls before any attach, the message protocol with nothing to
# read, the sysfs attributes, CAP_NET_ADMIN for net devices and the module
# reference each device holds; it destroys every device it made.
#
# Then with a daemon serving a device: the module cannot go, the device
# cannot be destroyed from outside while it is open, and goes when the
# daemon stops.

. "${0%/*}/lib.sh"

NAME=vt-51

load vduse

step "vduse_tool api: every corner of the ABI"
try vduse_tool api
nfail=$(grep -c '^FAIL' "$OUT" || true)
[ "$nfail" -eq 0 ] || fail "vduse_tool api: $nfail check(s) failed (FAIL: above)"
[ "$RC" -eq 0 ] || fail "vduse_tool api exited with status $RC"
grep -q '^ok: ' "$OUT" || fail "vduse_tool api checked nothing"

step "it left no VDUSE device behind"
expect_eq "$(cd /sys/class/vduse && echo *)" control "/sys/class/vduse"
expect_fail_msg "Invalid argument" vduse_tool destroy vt-api-0

step "a device being served: the module stays, destroy is refused"
vduse_net_start "$NAME"
expect_exists "/dev/vduse/$NAME"
expect_exists "/sys/class/vduse/$NAME"
expect_fail rmmod vduse
expect_fail_msg "Device or resource busy" vduse_tool destroy "$NAME"

step "the daemon stops: its device is gone, the module can go"
vduse_net_stop "$NAME"
run rmmod vduse
expect_gone /sys/module/vduse
