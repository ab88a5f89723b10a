#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DPDK 22.11's testpmd as a real vhost-vdpa client: virtio_user on
# /dev/vhost-vdpa-N drives the net simulator, sends a first burst and
# forwards whatever comes back (io mode, loop topology): frames must go
# round and round. No hugepages (--no-huge): its memory is ordinary
# private memory, which vhost-vdpa pins.
#
# Under TCG testpmd needs about 10 s to start, so the forwarding window is
# timed from its first periodic statistics (--stats-period, which also
# flushes its output), not from its launch. With a period set, testpmd
# runs until SIGTERM, then reads the Enter that ends it.

. "${0%/*}/lib.sh"

MAC=02:00:00:00:00:01
SECS=${DPDK_SECS:-5}

command -v dpdk-testpmd >/dev/null || skip "no dpdk-testpmd in the image"


# sim_count QIDX FIELD: one counter of `vdpa dev vstats show`.
sim_count()
{
	vdpa dev vstats show v0 qidx "$1" |
		sed -n "s/.* $2 \([0-9]*\).*/\1/p"
}

# The testpmd totals block: "RX-packets: N ... TX-packets: N".
testpmd_total()
{
	awk -v key="$1-packets:" '/Accumulated forward statistics/ { on = 1 }
	     on { for (i = 1; i < NF; i++) if ($i == key) { print $(i + 1); exit } }' \
		testpmd.out
}

show_testpmd()
{
	# EAL's usage text (on a bad option) is long: keep the lines that matter.
	tr -d '\033' <testpmd.out |
		grep -v '^  \|^\[\|IPC is disabled\|memseg\|lcore\|Port statistics\|^#*$' |
		sed 's/^/    /' | tail -n 100
}

pins0=$(pins)
load vdpa_sim_net vhost_vdpa
run vdpa dev add name v0 mgmtdev vdpasim_net mac $MAC
node=$(vhost_node v0)
node=${node#/dev/}

step "testpmd starts on /dev/$node"
mkdir -p /var/run/dpdk
rm -f stdin.fifo
mkfifo stdin.fifo
log "\$ dpdk-testpmd ... --vdev=virtio_user0,path=/dev/$node ... --tx-first"
dpdk-testpmd --lcores=0@0,1@0 -n 1 --no-pci \
	--no-huge -m 128 --iova-mode=va --no-shconf \
	--vdev="virtio_user0,path=/dev/$node,queue_size=256" -- \
	--port-topology=loop --eth-peer=0,$MAC --forward-mode=io \
	--tx-first --nb-cores=1 --total-num-mbufs=4096 --stats-period=1 \
	<stdin.fifo >testpmd.out 2>&1 &
pid=$!
# Hold the fifo open: testpmd reads its Enter from it.
exec 3>stdin.fifo
t0=$(date +%s)
if ! wait_for 120 grep -q 'Port statistics' testpmd.out; then
	show_testpmd
	kill "$pid" 2>/dev/null || true
	fail "testpmd did not start forwarding within 120s"
fi
log "testpmd forwarding after $(($(date +%s) - t0))s"

step "frames go round for ${SECS}s"
# The simulator's counters, read while testpmd runs: a reset (testpmd's
# exit) makes them unavailable.
rx0=$(sim_count 0 received_frames)
sleep "$SECS"
rx1=$(sim_count 0 received_frames)
tx1=$(sim_count 1 sent_frames)
drop1=$(sim_count 0 dropped_frames)
log "simulator: rx $rx0 -> $rx1 frames in ${SECS}s; tx $tx1, rx dropped $drop1"

step "testpmd stops and reports"
echo >&3
exec 3>&-
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
show_testpmd
[ "$rc" -eq 0 ] || fail "testpmd exited with status $rc"
rx=$(testpmd_total RX)
tx=$(testpmd_total TX)
log "testpmd: RX $rx, TX $tx"
# Frames kept circulating the whole window, not just the first burst.
expect_ge "$((rx1 - rx0))" $((SECS * 100)) "frames looped back during ${SECS}s"
# testpmd saw what the device did: all it was given but what was still on
# its rx ring (256 entries) when the counters were read, and it sent at
# least what the device had taken.
expect_ge "${rx:-0}" $((rx1 - 256)) "frames testpmd received"
expect_ge "${tx:-0}" "$tx1" "frames testpmd sent"

step "the device is clean afterwards"
run vdpa dev del v0
expect_eq "$(pins)" "$pins0" "pages pinned (FOLL_PIN) compared to the start"
