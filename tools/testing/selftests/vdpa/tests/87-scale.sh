#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Many devices at once, as a container host has them: 10,000 net
# simulator devices with vhost_vdpa bound (1,000 on the debug kernel,
# where KASAN and lockdep make each one some ten times dearer), created
# on one netlink socket by vdpa_scale, then looked at with the real
# clients: iproute2's dumps (many netlink messages each) must name every
# device exactly once, and vhost clients drive a sample of the nodes,
# found as libvirt finds them. Then every device is deleted and what the
# devices took must come back: memory, pinned pages, kernel threads,
# minors.
#
# Memory is checked on Debian's kernel: on the debug kernel KASAN's
# quarantine holds freed objects back, and kmemleak, which scans after the
# last test, is the check there.
#
# Each phase has a time bound far above what it takes (10,000 devices are
# created in about 10 s on Debian's kernel under TCG): the bound catches a
# cost that grows with the number of devices, the density benchmark
# measures it (bench/density.sh).

. "${0%/*}/lib.sh"

if [ "$TIER" = debug ]; then
	N=1000
else
	N=10000
fi
# Seconds each of creation and deletion may take, at most.
BOUND=120

# expect_names FILE WHAT: FILE holds each expected name exactly once.
expect_names()
{
	sort "$1" >"$1.sorted"
	dups=$(uniq -d "$1.sorted" | head -n 3 | tr '\n' ' ')
	[ -z "$dups" ] || fail "$2: named twice: $dups..."
	cmp -s want "$1.sorted" || {
		diff want "$1.sorted" | grep '^[-+][^-+]' | head -n 5 >&2
		fail "$2: $(wc -l <"$1.sorted") names, not the $N expected"
	}
	log "$2: each of the $N names exactly once"
}

# meminfo KEY: its value in KiB after dropping the reclaimable caches.
meminfo()
{
	echo 2 >/proc/sys/vm/drop_caches
	echo 1 >/proc/sys/vm/stat_refresh
	sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo
}

# kthreads: how many kernel threads there are (kthreadd's children). A
# workqueue may start a worker or two under load: a thread per device is
# what must not be.
kthreads()
{
	cat /proc/[0-9]*/stat 2>/dev/null |
		awk '{ sub(/.*\) /, ""); if ($2 == 2) n++ } END { print n + 0 }'
}

# positive N: N, or 0 when it is below (more free after than before).
positive() { [ "$1" -gt 0 ] && echo "$1" || echo 0; }

# result KEY: the value of KEY in vdpa_scale's result line.
result()
{
	sed -n "s/^scale result .* $1=\([^ ]*\).*/\1/p" "$OUT"
}

load vdpa_sim_net vhost_vdpa
seq_names s "$N" >want
pins0=$(pins)
threads0=$(kthreads)
avail0=$(meminfo MemAvailable)
unrecl0=$(meminfo SUnreclaim)

step "$N devices with vhost_vdpa bound, on one netlink socket"
t0=$(date +%s)
run vdpa_scale -k -n "$N" -o 100
t1=$(date +%s)
expect_eq "$(result created)" "$N" "devices created"
expect_le "$((t1 - t0))" "$BOUND" "seconds to create $N devices"
expect_eq "$(result dump_missing)" 0 "devices missing from vdpa_scale's dump"
expect_eq "$(result opened)" 100/100 "nodes opened"
expect_eq "$(ls /sys/bus/vdpa/devices | wc -l)" "$N" "devices in sysfs"
# Counted by the shell: the names would overflow an exec's arguments.
c=0
for d in /sys/bus/vdpa/devices/*/vhost-vdpa-*; do
	[ -e "$d" ] && c=$((c + 1))
done
expect_eq "$c" "$N" "vhost-vdpa nodes in sysfs"
expect_eq "$(ls /dev | grep -c '^vhost-vdpa-')" "$N" "nodes in /dev"
expect_le "$(kthreads)" "$((threads0 + N / 100))" \
	"kernel threads (there were $threads0; none per device)"
used=$((avail0 - $(meminfo MemAvailable)))
log "MemAvailable fell by $used KiB, $((used / N)) KiB per device"

step "iproute2: every device exactly once in each dump"
quiet vdpa -j dev show
jget dev >dev-json
expect_names dev-json "vdpa -j dev show"
quiet vdpa dev show
sed -n 's/^\(s[0-9]*\): type network mgmtdev vdpasim_net .*/\1/p' \
	"$OUT" >dev-text
expect_names dev-text "vdpa dev show"
quiet vdpa -j dev config show
jget config >config-json
expect_names config-json "vdpa -j dev config show"
quiet vdpa dev config show
sed -n 's/^\(s[0-9]*\): mac .*/\1/p' "$OUT" >config-text
expect_names config-text "vdpa dev config show"
run vdpa mgmtdev show
expect_out "vdpasim_net:"
run vdpa dev show "s$((N - 1))"
expect_out "s$((N - 1)): type network mgmtdev vdpasim_net"

step "vhost clients drive the first, a middle and the last device"
for i in 0 $((N / 2)) $((N - 1)); do
	run vhost_client net "$(vhost_node "s$i")" -n 20
done

step "all $N deleted, and what they took comes back"
t0=$(date +%s)
run vdpa_scale -d -n "$N"
t1=$(date +%s)
expect_eq "$(result deleted)" "$N" "devices deleted"
expect_le "$((t1 - t0))" "$BOUND" "seconds to delete $N devices"
expect_eq "$(ls /sys/bus/vdpa/devices | wc -l)" 0 "devices in sysfs"
expect_eq "$(ls /dev | grep -c '^vhost-vdpa-')" 0 "nodes in /dev"
expect_eq "$(pins)" "$pins0" "pages pinned compared to the start"
expect_le "$(kthreads)" "$((threads0 + N / 100))" \
	"kernel threads (there were $threads0 at the start)"
# Slab pages still holding one live object of another user stay; what a
# device forgot to free would stay N times over. Allow 1/20 of it all.
kept=$(positive $((avail0 - $(meminfo MemAvailable))))
unkept=$(positive $(($(meminfo SUnreclaim) - unrecl0)))
log "not back: MemAvailable $kept KiB, SUnreclaim $unkept KiB of $used KiB"
if [ "$TIER" = distro ]; then
	expect_le "$kept" "$((used / 20))" "KiB of MemAvailable not back"
	expect_le "$unkept" "$((used / 20))" "KiB of SUnreclaim not back"
fi

step "a device made afterwards gets the first minor again"
run vdpa dev add name again mgmtdev vdpasim_net
expect_eq "$(vhost_node again)" /dev/vhost-vdpa-0 "the new device's node"
run vdpa dev del again
