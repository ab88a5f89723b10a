#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# VDUSE with a net daemon: vduse_tool net serves a VDUSE net device whose
# datapath loops every frame the driver sends back to it. iproute2
# attaches it to the vdpa bus and the kernel's virtio_net (over
# virtio_vdpa, its buffers bounced through pages the daemon maps) makes a
# netdev with the MAC of the device's config space. Pings to a neighbour
# that does not exist go out and come back (with the neighbour's MAC, so
# the stack drops them, but virtio_net counted them first).
#
# Then the order an operator tears down in: detach, stop the daemon (it
# destroys its device), unload.

. "${0%/*}/lib.sh"

NAME=vnet0
MAC=02:00:00:00:00:0a
N=10

# Both counts, once every frame sent came back (and was reaped).
counts_agree()
{
	tx=$(netstat_of "$dev" tx_packets)
	rx=$(netstat_of "$dev" rx_packets)
	[ "$tx" -ge $N ] && [ "$rx" -eq "$tx" ]
}

step "vduse_tool serves a VDUSE net device"
load vduse virtio_vdpa virtio_net
vduse_net_start "$NAME"
expect_exists "/dev/vduse/$NAME"

step "vdpa dev add attaches it; virtio_net makes a netdev with its MAC"
run vdpa dev add name "$NAME" mgmtdev vduse
run vdpa dev show "$NAME"
expect_out "mgmtdev vduse"
wait_for 20 vdpa_netdev "$NAME" || fail "no netdev on $NAME"
dev=$(vdpa_netdev "$NAME")
log "netdev: $dev"
expect_eq "$(cat "/sys/class/net/$dev/address")" "$MAC" "$dev MAC"
expect_eq "$(cat "/sys/class/net/$dev/mtu")" 1500 "$dev MTU"

step "it comes up with carrier"
# No IPv6: router solicitations would blur the counts.
echo 1 >"/proc/sys/net/ipv6/conf/$dev/disable_ipv6" 2>/dev/null || true
run ip link set "$dev" up
wait_for 10 grep -qx 1 "/sys/class/net/$dev/carrier" ||
	fail "$dev has no carrier (the config space says link up)"

step "$N frames go out and come back"
run ip addr add 192.0.2.1/24 dev "$dev"
run ip neigh replace 192.0.2.2 lladdr 02:00:00:00:00:02 dev "$dev" \
	nud permanent
log "\$ ping -c $N -i 0.2 -W 1 192.0.2.2  (no replies expected)"
ping -c $N -i 0.2 -W 1 192.0.2.2 >/dev/null 2>&1 || true
wait_for 20 counts_agree || true
counts_agree ||
	fail "$dev: tx_packets $tx, rx_packets $rx: expected equal, at least $N"
log "$dev: tx_packets $tx, rx_packets $rx"
expect_eq "$(netstat_of "$dev" rx_errors)" 0 "$dev rx_errors"
expect_eq "$(netstat_of "$dev" tx_errors)" 0 "$dev tx_errors"

step "detach, stop the daemon: the device is gone"
run vdpa dev del "$NAME"
expect_gone "/sys/bus/vdpa/devices/$NAME"
wait_for 10 test ! -e "/sys/class/net/$dev" ||
	fail "$dev still there after vdpa dev del"
vduse_net_stop "$NAME"
looped=$(sed -n 's/.*frames looped \([0-9]*\),.*/\1/p' net.err)
expect_ge "$looped" $N "frames the daemon looped"
expect_gone "/dev/vduse/$NAME"
expect_gone "/sys/class/vduse/$NAME"
