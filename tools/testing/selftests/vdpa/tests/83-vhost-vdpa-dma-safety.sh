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
#
# Then the same on a real device, NIC A on vp_vdpa, whose DMA goes through
# the platform IOMMU: its frames reach NIC B, where vhost_client sees them
# (-P). The IOMMU has no small table, so no invalidate fails there; what
# is checked is that the device cannot read an unmapped page nor physical
# addresses. The IOMMU blocks those reads and logs each as a DMAR fault,
# which this test allows and checks: a fault from NIC A at the unmapped
# IOVA, and one in the ring memory's physical range. (QEMU's device reads
# zeroes where the IOMMU refuses it, and does not report NEEDS_RESET as
# the simulator does.)

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
run vdpa dev del d0

A=$(nic_bdf 1)
[ -e "/sys/bus/pci/devices/$A" ] || fail "no PCI NIC at $A (run.sh's q35 machine)"
a_dev=$(echo "$A" | cut -d: -f2-)
# NIC A's reads that the IOMMU refuses, and the IOMMU driver's summary line.
kmsg_allow "DMAR: DRHD: handling fault status reg"
kmsg_allow "DMAR: \[DMA (Read|Write) NO_PASID\] Request device \[$a_dev\] fault addr"
load vp_vdpa virtio_net
peer_up
pci_bind "$A" vp_vdpa
run vdpa dev add name a0 mgmtdev "pci/$A"
node=$(vhost_node a0)

# new_kmsg: the kernel log since the last call, to ./kmsg: a fault must
# come from the step that checks for it, not from an earlier one.
kmsg_seen=$(dmesg | wc -l)
new_kmsg()
{
	dmesg | tail -n +$((kmsg_seen + 1)) >kmsg
	kmsg_seen=$((kmsg_seen + $(wc -l <kmsg)))
}

step "vp_vdpa: an unmapped page is not read"
new_kmsg
run ip netns exec peer vhost_client dma "$node" unmap -P "$nb"
expect_out "0 failure(s)"
iova=$(sed -n 's/^victim page at IOVA //p' "$OUT")
new_kmsg
grep -q "Request device \[$a_dev\] fault addr $iova " kmsg ||
	fail "no DMAR fault of NIC A at the unmapped IOVA $iova: $(grep DMAR kmsg | tail -n 3)"

step "vp_vdpa: physical addresses are not read"
new_kmsg
run ip netns exec peer vhost_client dma "$node" identity -P "$nb"
expect_out "0 failure(s)"
pa=$(sed -n 's/^ring memory at physical //p' "$OUT")
new_kmsg
in_ring=0
for f in $(sed -n "s/.*Request device \[$a_dev\] fault addr \(0x[0-9a-f]*\) .*/\1/p" kmsg); do
	[ $((f)) -ge $((pa)) ] && [ $((f)) -lt $((pa + 0x200000)) ] && in_ring=1
done
[ "$in_ring" = 1 ] ||
	fail "no DMAR fault of NIC A in the ring memory at $pa: $(grep DMAR kmsg | tail -n 3)"
expect_eq "$(pins)" "$pins0" "pages pinned after the client closed"

step "clean up"
run vdpa dev del a0
pci_restore "$A"
echo 0 >/proc/sys/vm/nr_hugepages
