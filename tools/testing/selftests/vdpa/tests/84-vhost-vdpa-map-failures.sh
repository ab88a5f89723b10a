#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# When the parent's map operations fail, the device still reaches only
# what the owner mapped (vhost_client "dma keep" and "dma reinstall", with
# the simulator's operations made to fail through its fault-injection
# attributes fail_vdpa_sim_map and fail_vdpa_sim_unmap):
#  - an unmap that fails (dma_unmap, against the contract; or set_map,
#    which leaves the address space empty) fails the invalidate, and the
#    pages stay pinned as long as the parent may reach them;
#  - a persistent map that cannot be installed again after a reset keeps
#    the device from starting (DRIVER_OK refused) until it is in.
# Fault injection needs the debug kernel.

. "${0%/*}/lib.sh"

[ "$TIER" = debug ] || skip "fault injection is not in Debian's kernel"

step "a simulator device on vhost_vdpa, ring memory in huge pages"
echo 4 >/proc/sys/vm/nr_hugepages
expect_eq "$(cat /proc/sys/vm/nr_hugepages)" 4 "huge pages reserved"
load vdpa_sim_net vhost_vdpa
[ -d /sys/kernel/debug/fail_vdpa_sim_map ] ||
	fail "no fail_vdpa_sim_map in debugfs"
run vdpa dev add name f0 mgmtdev vdpasim_net mac 02:00:00:00:00:01
node=$(vhost_node f0)
pins0=$(pins)

for mode in 0 1; do
	echo $mode >/sys/module/vhost_vdpa/parameters/prefer_set_map
	if [ $mode = 0 ]; then
		keep="keep fail_vdpa_sim_unmap"
	else
		keep="keep-empty fail_vdpa_sim_map"
	fi

	step "prefer_set_map=$mode: the parent fails to unmap: the invalidate fails, pins stay"
	run vhost_client dma "$node" $keep
	expect_out "INVALIDATE with ${keep#* }: Cannot allocate memory"
	expect_out "0 failure(s)"

	step "prefer_set_map=$mode: maps fail after a reset: the device does not start"
	run vhost_client dma "$node" reinstall fail_vdpa_sim_map
	expect_out "DRIVER_OK with fail_vdpa_sim_map: Cannot allocate memory"
	expect_out "0 failure(s)"
	expect_eq "$(pins)" "$pins0" "pages pinned after the client closed"
done
echo 0 >/sys/module/vhost_vdpa/parameters/prefer_set_map

step "clean up"
run vdpa dev del f0
echo 0 >/proc/sys/vm/nr_hugepages
