#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The device reaches only what its owner mapped, checked by DMA with
# vhost_client's "dma" checks on the net simulator, for increments
# (dma_map) and whole maps (set_map):
#  - an invalidate the tables cannot carry out (a split in a full table)
#    fails, and the page stays mapped and pinned; one that succeeds stops
#    the device from reading the page;
#  - after a batch larger than the parent takes and a reset that installs
#    the persistent map again, an address space the owner never mapped is
#    empty: rings and buffers at physical addresses are not read.
# The simulator's table limit is lowered so that it is reached quickly;
# vhost_vdpa must take it as its own.

. "${0%/*}/lib.sh"

step "a small table in the simulator; huge pages for the ring memory"
echo 4 >/proc/sys/vm/nr_hugepages
expect_eq "$(cat /proc/sys/vm/nr_hugepages)" 4 "huge pages reserved"
run modprobe vdpa_sim max_iotlb_entries=16
load vdpa_sim_net vhost_vdpa
run vdpa dev add name d0 mgmtdev vdpasim_net mac 02:00:00:00:00:01
node=$(vhost_node d0)
pins0=$(pins)

for mode in 0 1; do
	echo $mode >/sys/module/vhost_vdpa/parameters/prefer_set_map

	step "prefer_set_map=$mode: a failed invalidate keeps the page; a done one hides it"
	run vhost_client dma "$node" unmap
	expect_out "table full after 15 more entries"
	expect_out "0 failure(s)"

	step "prefer_set_map=$mode: an address space never mapped is not physical memory"
	run vhost_client dma "$node" identity
	expect_out "batch took 15 entries"
	expect_out "0 failure(s)"
	expect_eq "$(pins)" "$pins0" "pages pinned after the client closed"
done
echo 0 >/sys/module/vhost_vdpa/parameters/prefer_set_map

step "clean up"
run vdpa dev del d0
echo 0 >/proc/sys/vm/nr_hugepages
