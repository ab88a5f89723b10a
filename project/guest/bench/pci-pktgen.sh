#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (run.sh --bench pci-pktgen, or make bench): pktgen from NIC A
# to NIC B across QEMU's hub, 64 and 1500 byte frames, through two paths
# to the same NIC A:
#   D  direct: virtio_pci + virtio_net, as the kernel drives it today;
#   V  vDPA:   vp_vdpa + virtio_vdpa + virtio_net.
# The paths alternate, D V D V D, so that drift of the host (other load,
# CPU frequency) does not land on one path. Each run prints "BENCH begin"
# and "BENCH end" lines; the host stamps them with its own clock and
# report.awk prints the rates and the V/D ratio with its spread.

. /tests/lib.sh
# shellcheck source=project/guest/bench/common.sh
. /bench/common.sh

A=$(nic_bdf 1)
ROUNDS=${BENCH_ROUNDS:-"D V D V D"}
SIZES=${BENCH_SIZES:-"64 1500"}
# Frames per run: a few seconds each under TCG.
count_for() { [ "$1" -le 128 ] && echo 200000 || echo 150000; }

load pktgen vp_vdpa virtio_vdpa virtio_net

peer_up

# path_up D|V: NIC A's netdev on that path, up; prints its name.
path_up()
{
	if [ "$1" = D ]; then
		pci_restore "$A" >/dev/null
		wait_for 10 pci_netdev "$A" || fail "no virtio_pci netdev on $A"
		_n=$(pci_netdev "$A")
	else
		pci_bind "$A" vp_vdpa >/dev/null
		quiet vdpa dev add name a0 mgmtdev "pci/$A"
		wait_for 10 vdpa_netdev a0 || fail "no netdev on a0"
		_n=$(vdpa_netdev a0)
	fi
	ip link set "$_n" up
	echo "$_n"
}

path_down()
{
	if [ "$1" = V ]; then
		quiet vdpa dev del a0
	fi
	pci_restore "$A" >/dev/null
}

r=0
for path in $ROUNDS; do
	r=$((r + 1))
	dev=$(path_up "$path")
	# Let the link settle before timing.
	sleep 1
	for size in $SIZES; do
		n=$(count_for "$size")
		tx0=$(netstat_of "$dev" tx_packets)
		echo "BENCH begin $path $size $r"
		res=$(pktgen_run "$dev" "$size" "$n" "$mac_b")
		tx1=$(netstat_of "$dev" tx_packets)
		echo "BENCH end $path $size $r $((tx1 - tx0))"
		log "  $path round $r, ${size} B: $res"
	done
	path_down "$path"
done
