#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# When the parent's map operations fail, the device still reaches only
# what the owner mapped (vhost_client "dma keep" and "dma reinstall", with
# the simulator's operations made to fail through fail_function):
#  - an unmap (dma_unmap, or set_map for whole-map parents) that fails
#    fails the invalidate, and the pages stay pinned while the parent may
#    still reach them;
#  - a persistent map that cannot be installed again after a reset keeps
#    the device from starting (DRIVER_OK refused) until it is in.
# fail_function needs the debug kernel.

. "${0%/*}/lib.sh"

[ "$TIER" = debug ] || skip "fail_function is not in Debian's kernel"
[ -d /sys/kernel/debug/fail_function ] || fail "no fail_function in debugfs"

step "a simulator device on vhost_vdpa, ring memory in huge pages"
echo 4 >/proc/sys/vm/nr_hugepages
expect_eq "$(cat /proc/sys/vm/nr_hugepages)" 4 "huge pages reserved"
load vdpa_sim_net vhost_vdpa
run vdpa dev add name f0 mgmtdev vdpasim_net mac 02:00:00:00:00:01
node=$(vhost_node f0)
pins0=$(pins)

for mode in 0 1; do
	echo $mode >/sys/module/vhost_vdpa/parameters/prefer_set_map
	if [ $mode = 0 ]; then
		unmap=vdpasim_dma_unmap map=vdpasim_dma_map
	else
		unmap=vdpasim_set_map map=vdpasim_set_map
	fi

	step "prefer_set_map=$mode: $unmap fails: the invalidate fails, pins stay"
	run vhost_client dma "$node" keep $unmap
	expect_out "INVALIDATE with $unmap failing: Cannot allocate memory"
	expect_out "0 failure(s)"

	step "prefer_set_map=$mode: $map fails after a reset: the device does not start"
	run vhost_client dma "$node" reinstall $map
	expect_out "DRIVER_OK while $map fails: Cannot allocate memory"
	expect_out "0 failure(s)"
	expect_eq "$(pins)" "$pins0" "pages pinned after the client closed"
done
echo 0 >/sys/module/vhost_vdpa/parameters/prefer_set_map

step "clean up"
run vdpa dev del f0
echo 0 >/proc/sys/vm/nr_hugepages
