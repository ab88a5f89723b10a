#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Management at scale, concurrently: over a population of devices that
# stay (b0..), processes at once
#   - create and delete devices of their own with iproute2,
#   - unbind devices from vhost_vdpa and bind them back, while
#   - others open those devices' nodes as they come and go,
#   - a vhost client drives devices of the population, and
#   - iproute2 dumps the devices, their config and the management devices.
# Every dump must name each device of the population exactly once and no
# device twice, whatever was added and deleted while its messages were
# being filled; the only failures allowed are the races' own answers (a
# node gone between finding and opening it). The kernel log must stay
# clean (init checks it: lockdep, KASAN and kmemleak on the debug kernel).

. "${0%/*}/lib.sh"

if [ "$TIER" = debug ]; then
	N=300
	SECS=60
else
	N=2000
	SECS=30
fi
MOVERS=8	# devices u0..u7, unbound and bound again

# check_dump WHAT FILE: the names in FILE hold every device of the
# population exactly once, and no name twice.
check_dump()
{
	sort "$2" >"$2.s"
	twice=$(uniq -d "$2.s" | head -n 3 | tr '\n' ' ')
	[ -z "$twice" ] || echo "$1: named twice: $twice"
	grep '^b[0-9]*$' "$2.s" | cmp -s population - ||
		echo "$1: $(grep -c '^b[0-9]*$' "$2.s") of the $N devices"
}

# worker NAME FUNC ARG...: FUNC ARG... ROUND for ROUND = 0, 1, ... until
# told to stop; then how many rounds it did in NAME.rounds. A round says
# what went wrong on its output, which is NAME.log.
worker()
{
	wname=$1
	shift
	round=0
	while [ ! -e stop ]; do
		"$@" "$round"
		round=$((round + 1))
	done
	echo "$round" >"$wname.rounds"
}

# churn ID ROUND: add a device of its own with iproute2 and delete it.
churn()
{
	vdpa dev add name "c$1_$2" mgmtdev vdpasim_net >"c$1.out" 2>&1 ||
		echo "churner $1: add c$1_$2: $(cat "c$1.out")"
	vdpa dev del "c$1_$2" >"c$1.out" 2>&1 ||
		echo "churner $1: del c$1_$2: $(cat "c$1.out")"
}

# move ROUND: unbind one of u0..u7 from vhost_vdpa and bind it back.
move()
{
	d=u$(($1 % MOVERS))
	echo "$d" >/sys/bus/vdpa/drivers/vhost_vdpa/unbind ||
		echo "mover: unbind $d failed"
	echo "$d" >/sys/bus/vdpa/drivers/vhost_vdpa/bind ||
		echo "mover: bind $d failed"
}

# open_nodes ROUND: open and close the nodes of u0..u7 as they come and
# go. A node not there yet or gone already, or a minor whose device just
# went, is the race (ENOENT, ENXIO, ENODEV); any other error is a failure.
open_nodes()
{
	for d in /sys/bus/vdpa/devices/u*/vhost-vdpa-*; do
		[ -e "$d" ] || continue
		node=/dev/${d##*/}
		# Opened for the length of "true" (not a special builtin: a
		# failed redirection does not end the shell), and read-only:
		# "<>" would create a file in /dev where the node just went.
		true 2>opener.err 3<"$node" && continue
		case "$(cat opener.err)" in
		*": no such file") ;;	# busybox's ENOENT
		*"No such device or address"*) ;;
		*"No such device"*) ;;
		*) echo "opener: $node: $(cat opener.err)" ;;
		esac
	done
}

# drive ROUND: a vhost client moves frames through a device of the
# population.
drive()
{
	d=b$(($1 * 37 % N))
	node=$(ls "/sys/bus/vdpa/devices/$d" | grep -m 1 '^vhost-vdpa')
	vhost_client net "/dev/$node" -n 5 >driver.out 2>&1 ||
		echo "driver: $d: $(tail -n 3 driver.out)"
}

# dump ID ROUND: each dump complete, each population device once in it.
dump()
{
	if vdpa -j dev show >"d$1.json" 2>&1 &&
	   jsonget dev <"d$1.json" >"d$1.names"; then
		check_dump "vdpa -j dev show" "d$1.names"
	else
		echo "dumper $1: vdpa -j dev show: $(head -c 300 "d$1.json")"
	fi
	if vdpa -j dev config show >"d$1.json" 2>&1 &&
	   jsonget config <"d$1.json" >"d$1.names"; then
		check_dump "vdpa -j dev config show" "d$1.names"
	else
		echo "dumper $1: vdpa -j dev config show: $(head -c 300 "d$1.json")"
	fi
	vdpa -j mgmtdev show >"d$1.json" 2>&1 &&
		jsonget mgmtdev vdpasim_net <"d$1.json" >/dev/null ||
		echo "dumper $1: vdpa -j mgmtdev show: $(head -c 300 "d$1.json")"
}

load vdpa_sim_net vhost_vdpa
seq_names b "$N" >population
pins0=$(pins)

step "a population of $N devices, and $MOVERS to move between drivers"
run vdpa_scale -k -n "$N" -p b
for i in $(seq 0 $((MOVERS - 1))); do
	quiet vdpa dev add name "u$i" mgmtdev vdpasim_net
done

step "${SECS}s of 2 churners, a mover, an opener, a driver, 2 dumpers"
rm -f stop
pids=
# start NAME FUNC ARG...: a worker in the background.
start()
{
	worker "$@" >"$1.log" &
	pids="$pids $!"
}
start churner1 churn 1
start churner2 churn 2
start mover move
start opener open_nodes
start driver drive
start dumper1 dump 1
start dumper2 dump 2
sleep "$SECS"
touch stop
for p in $pids; do
	wait "$p"
done
for f in churner1 churner2 mover opener driver dumper1 dumper2; do
	log "$f: $(cat "$f.rounds") rounds"
	expect_ge "$(cat "$f.rounds")" 1 "rounds of $f"
done
errors=$(cat ./*.log)
if [ -n "$errors" ]; then
	echo "$errors" | head -n 40
	fail "unexpected failures: $(echo "$errors" | wc -l)"
fi

step "what is left: the population and the movers, each with its node"
quiet vdpa -j dev show
jget dev | sort >left
{ cat population; seq_names u "$MOVERS"; } | sort >expected
cmp -s expected left || fail "devices left: $(wc -l <left), not $((N + MOVERS))"
for i in $(seq 0 $((MOVERS - 1))); do
	ls "/sys/bus/vdpa/devices/u$i" | grep -q '^vhost-vdpa' ||
		fail "u$i is not bound to vhost_vdpa after the mover stopped"
	run vhost_client net "$(vhost_node "u$i")" -n 5
done

step "all deleted, nothing pinned"
for i in $(seq 0 $((MOVERS - 1))); do
	quiet vdpa dev del "u$i"
done
# Its dump must see the population and nothing else.
run vdpa_scale -d -n "$N" -p b
expect_eq "$(ls /sys/bus/vdpa/devices | wc -l)" 0 "devices in sysfs"
expect_eq "$(pins)" "$pins0" "pages pinned compared to the start"
