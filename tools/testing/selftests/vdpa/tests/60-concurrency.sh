#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Concurrent management: loops adding and deleting devices of their own,
# two loops fighting over the same name, and a loop dumping devices and
# management devices, all at once. Only the races' own answers (the name
# is taken, the device is gone) may fail a command; at the end no device
# is left, and the kernel log is clean (init checks it after every test).

. "${0%/*}/lib.sh"

ROUNDS=${ROUNDS:-25}

# worker ID MGMTDEV: add and delete a device of its own, ROUNDS times.
worker()
{
	i=0
	while [ $i -lt "$ROUNDS" ]; do
		vdpa dev add name "w$1" mgmtdev "$2" >"w$1.out" 2>&1 ||
			{ echo "w$1 round $i: add: $(cat "w$1.out")"; }
		vdpa dev del "w$1" >"w$1.out" 2>&1 ||
			{ echo "w$1 round $i: del: $(cat "w$1.out")"; }
		i=$((i + 1))
	done
}

# fighter ID: add and delete the shared name "race"; losing is fine.
fighter()
{
	i=0
	while [ $i -lt "$ROUNDS" ]; do
		vdpa dev add name race mgmtdev vdpasim_net >"f$1.out" 2>&1 ||
			grep -q "kernel answers: File exists" "f$1.out" ||
			echo "f$1 round $i: add: $(cat "f$1.out")"
		vdpa dev del race >"f$1.out" 2>&1 ||
			grep -q "kernel answers: No such device" "f$1.out" ||
			echo "f$1 round $i: del: $(cat "f$1.out")"
		i=$((i + 1))
	done
}

# dumper: dumps must always succeed and always be valid JSON. Reading one
# device's config may find it gone.
dumper()
{
	while [ ! -e stop ]; do
		vdpa -j dev show >d.out 2>&1 && jsonget <d.out >/dev/null ||
			echo "dump: vdpa dev show: $(cat d.out)"
		vdpa -j mgmtdev show >d.out 2>&1 && jsonget <d.out >/dev/null ||
			echo "dump: vdpa mgmtdev show: $(cat d.out)"
		vdpa -j dev config show >d.out 2>&1 && jsonget <d.out >/dev/null ||
			echo "dump: vdpa dev config show: $(cat d.out)"
		vdpa dev config show race >d.out 2>&1 ||
			grep -q "kernel answers: No such device" d.out ||
			echo "dump: vdpa dev config show race: $(cat d.out)"
	done
}

load vdpa_sim_net vdpa_sim_blk

step "$ROUNDS rounds: 3 net and 2 blk workers, 2 fighters, 1 dumper"
rm -f stop
dumper >dumper.log &
dpid=$!
pids=
for id in 1 2 3; do
	worker $id vdpasim_net >"worker$id.log" &
	pids="$pids $!"
done
for id in 4 5; do
	worker $id vdpasim_blk >"worker$id.log" &
	pids="$pids $!"
done
for id in 1 2; do
	fighter $id >"fighter$id.log" &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p"
done
touch stop
wait "$dpid"

errors=$(cat worker*.log fighter*.log dumper.log)
if [ -n "$errors" ]; then
	echo "$errors" | head -n 40
	fail "unexpected failures: $(echo "$errors" | wc -l)"
fi

step "no device is left"
run vdpa dev show -j
left=$(jget dev)
expect_eq "$left" "" "devices left"
expect_eq "$(ls /sys/bus/vdpa/devices)" "" "/sys/bus/vdpa/devices"

step "and the management devices still work"
run vdpa dev add name after mgmtdev vdpasim_net
run vdpa dev del after
