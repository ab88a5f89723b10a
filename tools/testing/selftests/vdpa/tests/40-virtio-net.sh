#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# virtio_vdpa + virtio_net on a simulated net device: a netdev with the
# provisioned MAC and MTU appears; frames it sends come back to it (the
# simulator loops TX to RX) and both the netdev's and the device's own
# (vstats) counters see them.

. "${0%/*}/lib.sh"

MAC=02:00:00:00:00:01
N=20

# vstats_by_name DEV rx|tx PAIRS: "name<tab>total" for each counter that
# vstats shows, summed over all rx (even qidx) or tx (odd qidx) queues.
vstats_by_name()
{
	_q=0
	[ "$2" = tx ] && _q=1
	: >vstats.raw
	while [ "$_q" -lt $(($3 * 2)) ]; do
		quiet vdpa -j dev vstats show "$1" qidx "$_q"
		# iproute2 6.1 exits 0 here even when the kernel refused.
		! grep -q "kernel answers" "$OUT" ||
			fail "vdpa dev vstats show $1 qidx $_q: $(cat "$OUT")"
		jget vstats "$1" >keys
		grep -qx queue_type keys ||
			fail "vstats $1 qidx $_q: no queue_type"
		while IFS= read -r _k; do
			[ "$_k" != queue_type ] || continue
			_v=$(jget vstats "$1" "$_k")
			is_num "$_v" ||
				fail "vstats $1 qidx $_q: '$_k' is '$_v', not a count"
			printf '%s\t%s\n' "$_k" "$_v" >>vstats.raw
		done <keys
		_q=$((_q + 2))
	done
	awk -F '\t' '{ s[$1] += $2 } END { for (k in s) print k "\t" s[k] }' \
		vstats.raw
}

# grew BEFORE AFTER N: some counter grew by N frames (N to N+5: a counter
# of frames, not of bytes); shows how each one moved.
grew()
{
	awk -F '\t' -v n="$3" '
		NR == FNR { b[$1] = $2; next }
		{ d = $2 - b[$1]; printf "  %s +%d\n", $1, d }
		d >= n && d <= n + 5 { ok = 1 }
		END { exit !ok }' "$1" "$2"
}

load vdpa_sim_net virtio_vdpa virtio_net

step "a netdev appears with the provisioned MAC and MTU"
run vdpa dev add name v0 mgmtdev vdpasim_net mac $MAC mtu 1400 max_vqp 2
wait_for 10 vdpa_netdev v0 || fail "no netdev on v0 within 10s"
dev=$(vdpa_netdev v0)
log "netdev: $dev"
expect_eq "$(cat "/sys/class/net/$dev/address")" "$MAC" "$dev MAC"
expect_eq "$(cat "/sys/class/net/$dev/mtu")" 1400 "$dev MTU"
run ip -d link show "$dev"
expect_exists /sys/bus/vdpa/devices/v0/driver
expect_eq "$(basename "$(readlink /sys/bus/vdpa/devices/v0/driver)")" \
	virtio_vdpa "v0 bound to"

step "it comes up with carrier"
# No IPv6: router solicitations would blur the counts.
echo 1 >"/proc/sys/net/ipv6/conf/$dev/disable_ipv6" 2>/dev/null || true
run ip link set "$dev" up
wait_for 10 grep -qx 1 "/sys/class/net/$dev/carrier" ||
	fail "$dev has no carrier (link should be up)"
run vdpa dev config show v0
expect_out "link up"

step "vstats name their queues"
run vdpa dev vstats show v0 qidx 0
expect_out "queue_type rx"
run vdpa dev vstats show v0 qidx 1
expect_out "queue_type tx"
vstats_by_name v0 rx 2 >rx.before
vstats_by_name v0 tx 2 >tx.before

step "$N frames go out and come back"
run ip addr add 192.0.2.1/24 dev "$dev"
# Unicast to our own MAC, so the looped frames pass the receive filter.
run ip neigh replace 192.0.2.2 lladdr $MAC dev "$dev" nud permanent
tx0=$(netstat_of "$dev" tx_packets)
rx0=$(netstat_of "$dev" rx_packets)
log "\$ ping -c $N -i 0.05 -W 1 192.0.2.2  (no replies expected)"
ping -c $N -i 0.05 -W 1 192.0.2.2 >/dev/null 2>&1 || true
wait_for 5 sh -c "[ \$(cat /sys/class/net/$dev/statistics/rx_packets) -ge $((rx0 + N)) ]" || true
tx=$(($(netstat_of "$dev" tx_packets) - tx0))
rx=$(($(netstat_of "$dev" rx_packets) - rx0))
log "$dev: tx +$tx, rx +$rx"
expect_ge "$tx" $N "$dev tx_packets increase"
expect_ge "$rx" $N "$dev rx_packets increase"
# The device can only give back what was sent.
expect_le "$rx" "$tx" "$dev rx_packets increase (vs. tx)"
expect_eq "$(netstat_of "$dev" rx_errors)" 0 "$dev rx_errors"
expect_eq "$(netstat_of "$dev" tx_errors)" 0 "$dev tx_errors"

step "the device's own counters saw them"
run vdpa dev vstats show v0 qidx 0
run vdpa dev vstats show v0 qidx 1
vstats_by_name v0 rx 2 >rx.after
vstats_by_name v0 tx 2 >tx.after
log "rx queues:"
grew rx.before rx.after $N ||
	fail "no rx queue counter grew by the $N frames that came back"
log "tx queues:"
grew tx.before tx.after $N ||
	fail "no tx queue counter grew by the $N frames sent"

step "delete the device: the netdev goes"
run vdpa dev del v0
wait_for 10 sh -c "! [ -e /sys/class/net/$dev ]" ||
	fail "$dev still there after vdpa dev del"
