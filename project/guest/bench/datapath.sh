#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (run.sh --bench datapath, or make bench BENCH=datapath): our
# software datapath beside upstream's, where they differ: our IOTLB
# (linux/vdpa_iotlb.h) and device-side rings (linux/vdpa_devring.h)
# against vhost_iotlb and vringh.
#
#  1. lookup cost: vdpa_iotlb_bench.ko (project/bench-mod/) fills ours and
#     vhost_iotlb with the same entries, translates the same IOVAs
#     through each and empties them, at several table sizes; ns per
#     add, translation and removal, "BENCH result" lines (O ours, U
#     upstream), in one kernel.
#  2. throughput: the two stacks of common.sh alternated, O U O U ...: a
#     vdpasim_net device on virtio_vdpa and virtio_net, pktgen sending
#     frames to the device's own MAC, which the simulator loops back to
#     the receive queue: each frame crosses the simulator's TX ring and
#     its RX ring, every buffer translated through the device's IOTLB.
#     "BENCH begin/end" lines count the frames received; the host stamps
#     them and report.awk prints rates and O/U.
#
# DATAPATH_ROUNDS (stacks, e.g. "O U O U"), DATAPATH_SIZES (frame sizes),
# DATAPATH_IOTLB (module parameters of vdpa_iotlb_bench) on the kernel
# command line, like any variable init passes on.

# shellcheck source=tools/testing/selftests/vdpa/tests/lib.sh
. /tests/lib.sh
# shellcheck source=project/guest/bench/common.sh
. /bench/common.sh

ROUNDS=${DATAPATH_ROUNDS:-"O U O U O U"}
SIZES=${DATAPATH_SIZES:-"64 1500"}
IOTLB_ARGS=${DATAPATH_IOTLB:-}
MAC=02:00:00:00:00:d0
BENCHMOD=/usr/lib/vdpa-bench/vdpa_iotlb_bench.ko
# Frames per run: a few seconds each under TCG.
count_for() { [ "$1" -le 128 ] && echo 100000 || echo 60000; }

[ -r "$UP/load-order" ] ||
	fail "no upstream peer in the image (make bench BENCH=datapath builds it)"
[ -r "$BENCHMOD" ] || fail "no $BENCHMOD in the image"

log "== lookup cost: vdpa_iotlb against vhost_iotlb"
quiet modprobe vdpa
quiet insmod "$UP/vhost_iotlb.ko"
mark=$(dmesg | wc -l)
# Its work is done at load; it then refuses to stay (EAGAIN).
# shellcheck disable=SC2086 # the parameters are words
insmod "$BENCHMOD" $IOTLB_ARGS >"$WORK/insmod" 2>&1 &&
	fail "vdpa_iotlb_bench stayed loaded"
dmesg | tail -n +"$((mark + 1))" >"$WORK/dmesg"
sed -n 's/.*\(BENCH [a-z]* .*\)$/\1/p' "$WORK/dmesg" >"$WORK/iotlb"
if grep -q 'BENCH iotlb' "$WORK/iotlb" ||
   ! grep -q 'BENCH result' "$WORK/iotlb"; then
	cat "$WORK/insmod" "$WORK/dmesg"
	fail "vdpa_iotlb_bench failed or printed no result (its output above)"
fi
cat "$WORK/iotlb"
_unload vhost_iotlb || fail "cannot unload vhost_iotlb"
_unload vdpa || fail "cannot unload vdpa"

log "== throughput: vdpasim_net looping pktgen's frames, rounds $ROUNDS"
quiet modprobe pktgen
r=0
for stack in $ROUNDS; do
	r=$((r + 1))
	load_stack "$stack" virtio
	quiet vdpa dev add name d0 mgmtdev vdpasim_net mac "$MAC"
	wait_for 10 vdpa_netdev d0 || fail "no netdev on d0 (stack $stack)"
	dev=$(vdpa_netdev d0)
	ip link set "$dev" up
	sleep 1
	for size in $SIZES; do
		rx0=$(netstat_of "$dev" rx_packets)
		echo "BENCH begin $stack $size $r"
		res=$(pktgen_run "$dev" "$size" "$(count_for "$size")" "$MAC")
		rx1=$(netstat_of "$dev" rx_packets)
		echo "BENCH end $stack $size $r $((rx1 - rx0))"
		log "  $stack round $r, ${size} B: $res; $((rx1 - rx0)) received"
		[ "$((rx1 - rx0))" -gt 0 ] || fail "stack $stack: nothing came back"
	done
	echo "rem_device_all" >/proc/net/pktgen/kpktgend_0
	quiet vdpa dev del d0
	unload_stack
done
log "== datapath: done"
