#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The harness itself: the VM booted the right kernel, the real tools and
# helpers run, distribution modules load, and any vdpa module in the image
# is ours (updates/), not Debian's.

. "${0%/*}/lib.sh"

step "kernel and filesystems"
run uname -r
expect_eq "$(uname -r)" "$(ls /lib/modules)" "running kernel vs. image modules"
expect_exists /proc/self
expect_exists /sys/bus
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts || fail "debugfs not mounted"

step "real tools and helpers"
run vdpa -V
expect_out "vdpa utility, iproute2-"
run ip -V
expect_out "iproute2"
run sh -c 'echo "{\"a\":[1]}" | jsonget a 0'
expect_eq "$(cat "$OUT")" "1" "jsonget"
run dropcap grep CapEff /proc/self/status
expect_out "0000000000000000"

step "distribution modules load"
load virtio_net virtio_blk
mod_loaded virtio_net || fail "virtio_net not loaded"
mod_loaded net_failover || fail "net_failover (virtio_net dependency) not loaded"
run rmmod virtio_net net_failover failover virtio_blk

# On Debian's kernel ours are in updates/, ahead of Debian's own; the debug
# kernel was built from our series, so its own are ours.
step "vdpa modules come from this tree"
for m in vdpa vdpa_sim vdpa_sim_net vdpa_sim_blk virtio_vdpa; do
	f=$(modinfo -F filename "$m" 2>/dev/null || true)
	log "$m: ${f:-not built}"
	case "$TIER:$f" in
	*:|distro:*/updates/*) ;;
	debug:*/kernel/drivers/vdpa/*|debug:*/kernel/drivers/virtio/*) ;;
	*) fail "$m would load from $f, not from our build" ;;
	esac
done
