#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (run.sh --bench density, or make bench BENCH=density): how the
# cost of a simulator net device grows with the number of devices, for the
# two stacks of modules of common.sh (O ours, U upstream) alternated in one
# boot.
# Each pass loads one stack with one bus driver, runs vdpa_scale (create N
# devices from one netlink socket, dump them, open a sample of their
# vhost-vdpa nodes, delete them; costs per tenth, memory and kernel
# threads per device) and unloads it again.
#
# DENSITY_PLAN (kernel command line, like any variable init passes on):
# passes as N:DRIVER:STACKS, separated by spaces or commas; DRIVER is
# vhost (vhost_vdpa bound: a node in /dev per device), none (no bus
# driver), virtio (virtio_vdpa and virtio_net: a netdev per device) or
# vbus (virtio_vdpa alone: a virtio device per device, which no driver
# takes, so what a pass costs is the vDPA modules' part of the virtio
# path without virtio_net's);
# STACKS the order of the passes, e.g. OUOU. A pass that stops early (a
# limit reached: pids, memory) reports how far it got. DENSITY_SAMPLE:
# nodes to open and close per vhost pass. DENSITY_BUDGET: seconds of
# uptime after which no new pass starts (init gives the benchmark an hour).
#
# The numbers come from the guest's clock (vdpa_scale times each request
# with CLOCK_MONOTONIC); its "BENCH clock" lines let run.sh stamp each
# phase with the host's clock too, in the run's marks file.

# shellcheck source=tools/testing/selftests/vdpa/tests/lib.sh
. /tests/lib.sh
# shellcheck source=project/guest/bench/common.sh
. /bench/common.sh

PLAN=${DENSITY_PLAN:-"1000:vhost:OUOU 10000:vhost:OUOU 100000:vhost:OUOU
		      10000:none:OU 1000:virtio:OU"}
SAMPLE=${DENSITY_SAMPLE:-100}
BUDGET=${DENSITY_BUDGET:-3000}
RESULTS=$WORK/results
FAILS=0

uptime_s() { cut -d. -f1 /proc/uptime; }

# run_pass N DRIVER STACK ROUND
run_pass()
{
	_tag=$3-$2-$1-r$4
	_o=0
	[ "$2" != vhost ] || _o=$SAMPLE
	log "== pass $_tag: $1 devices, stack $3, bus driver $2"
	load_stack "$3" "$2"
	# Its lines reach the console as they come: run.sh stamps the
	# "BENCH clock" ones with the host's clock. The exit status goes
	# round the pipe, which busybox sh would lose.
	{
		_rc=0
		vdpa_scale -n "$1" -o "$_o" -t "$_tag" 2>&1 || _rc=$?
		echo "$_rc" >"$WORK/$_tag.rc"
	} | tee "$WORK/$_tag.out"
	_rc=$(cat "$WORK/$_tag.rc")
	unload_stack
	if [ "$_rc" -ne 0 ]; then
		log "pass $_tag: vdpa_scale exit status $_rc"
		FAILS=$((FAILS + 1))
	fi
	sed -n "s/^$_tag result /$1 $2 $3 $4 /p" "$WORK/$_tag.out" >>"$RESULTS"
}

# report [N DRIVER]: per N, driver and stack, the means over the passes,
# and ours over upstream's; every N and driver without arguments.
report()
{
	awk -v only_n="${1:-}" -v only_d="${2:-}" '
	function v(k) { return (k in kv) ? kv[k] : -1 }
	function mean(s, k) { return n[s] ? sum[s, k] / n[s] : -1 }
	function ratio(a, b) {
		return (a > 0 && b > 0) ? sprintf("%.2f", a / b) : "-"
	}
	only_n != "" && ($1 != only_n || $2 != only_d) { next }
	{
		delete kv
		stop = $0
		sub(/.* stop=/, "", stop)
		for (i = 5; i <= NF; i++) {
			if ($i ~ /^stop=/)
				break
			split($i, f, "=")
			kv[f[1]] = f[2]
		}
		key = $1 SUBSEP $2
		if (!(key in seen)) {
			seen[key] = 1
			order[++nkeys] = key
		}
		s = key SUBSEP $3
		n[s]++
		for (k in kv)
			sum[s, k] += kv[k]
		if (!((s, "min_created") in sum) || v("created") < sum[s, "min_created"])
			sum[s, "min_created"] = v("created")
		if (stop != "-")
			stops[s] = stop
	}
	END {
		for (o = 1; o <= nkeys; o++) {
			split(order[o], nd, SUBSEP)
			for (st = 1; st <= 2; st++) {
				stk = st == 1 ? "O" : "U"
				s = order[o] SUBSEP stk
				if (!n[s])
					continue
				printf "DENSITY %6d %-6s %s: %d runs, created %d of %d%s\n", \
					nd[1], nd[2], stk, n[s], sum[s, "min_created"], \
					nd[1], (s in stops) ? " (stopped: " stops[s] ")" : ""
				printf "DENSITY %6d %-6s %s:   create %8.1f -> %8.1f " \
				       "us/device (x%.2f), delete %8.1f -> %8.1f " \
				       "us/device (x%.2f)\n", \
					nd[1], nd[2], stk, mean(s, "create_first_us"), \
					mean(s, "create_last_us"), mean(s, "create_growth"), \
					mean(s, "delete_first_us"), mean(s, "delete_last_us"), \
					mean(s, "delete_growth")
				printf "DENSITY %6d %-6s %s:   %.2f KiB/device " \
				       "(slab %.2f, stacks %.2f), %.3f threads/device, " \
				       "dump %.3f s in %d messages, node open+close " \
				       "%.1f us, %.0f KiB not returned\n", \
					nd[1], nd[2], stk, mean(s, "kib"), \
					mean(s, "slab_kib"), mean(s, "stack_kib"), \
					mean(s, "threads"), mean(s, "dump_s"), \
					mean(s, "dump_msgs"), mean(s, "open_us"), \
					mean(s, "kept_kib")
			}
			so = order[o] SUBSEP "O"
			su = order[o] SUBSEP "U"
			if (!n[so] || !n[su])
				continue
			printf "DENSITY %6d %-6s O/U: create first %s last %s, " \
			       "delete first %s last %s, KiB/device %s, dump %s%s\n", \
				nd[1], nd[2], \
				ratio(mean(so, "create_first_us"), mean(su, "create_first_us")), \
				ratio(mean(so, "create_last_us"), mean(su, "create_last_us")), \
				ratio(mean(so, "delete_first_us"), mean(su, "delete_first_us")), \
				ratio(mean(so, "delete_last_us"), mean(su, "delete_last_us")), \
				ratio(mean(so, "kib"), mean(su, "kib")), \
				ratio(mean(so, "dump_s"), mean(su, "dump_s")), \
				sum[so, "min_created"] != sum[su, "min_created"] ? \
				sprintf(" (over %d and %d devices)", sum[so, "min_created"], \
					sum[su, "min_created"]) : ""
		}
	}' "$RESULTS"
}

[ -r "$UP/load-order" ] ||
	log "no upstream peer in the image" \
	    "(project/upstream-peer.sh builds it): stack U is skipped"
: >"$RESULTS"
log "kernel $(uname -r), $(nproc) CPUs, $(sed -n 's/^MemTotal: *//p' /proc/meminfo) RAM," \
	"pid_max $(cat /proc/sys/kernel/pid_max), threads-max $(cat /proc/sys/kernel/threads-max)"
done_plan=
for item in $(echo "$PLAN" | tr ',' ' '); do
	n=${item%%:*}
	rest=${item#*:}
	drv=${rest%%:*}
	stacks=${rest#*:}
	is_num "$n" || fail "bad DENSITY_PLAN item '$item'"
	case "$drv" in vhost|none|virtio|vbus) ;; *) fail "bad driver in '$item'" ;; esac
	round=0
	while [ -n "$stacks" ]; do
		stack=$(echo "$stacks" | cut -c1)
		stacks=$(echo "$stacks" | cut -c2-)
		case "$stack" in
		O) ;;
		U) [ -r "$UP/load-order" ] || continue ;;
		*) fail "bad stack '$stack' in '$item'" ;;
		esac
		if [ "$(uptime_s)" -ge "$BUDGET" ]; then
			log "== pass $stack-$drv-$n skipped: uptime over DENSITY_BUDGET=${BUDGET}s"
			continue
		fi
		round=$((round + 1))
		run_pass "$n" "$drv" "$stack" "$round"
	done
	report "$n" "$drv"
	done_plan="$done_plan $item"
done

log "== density: all passes (ours O, upstream U; means over the runs)"
report
[ "$FAILS" -eq 0 ] || fail "$FAILS pass(es) found a device missing, twice or undeletable"
