#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A daemon that misbehaves hurts its own device, never the kernel:
#  - one that stops answering: the kernel's requests give up after
#    msg_timeout, the device is broken for good (its ioctls fail, poll
#    says EPOLLERR) and can still be detached and destroyed, all in
#    bounded time;
#  - one that writes garbage in the used rings: virtio_net's rings are
#    marked broken (virtio_ring says so), nothing else;
#  - one that injects interrupts without end, for queues ready or not,
#    and config interrupts: traffic still flows;
#  - one that sets config bytes beyond the config space: refused.
# Each daemon exits cleanly and destroys its device.

. "${0%/*}/lib.sh"

NAME=vhostile
TIMEOUT=3

broken_logged() { dmesg | grep -q "$NAME: the daemon did not answer in time"; }
netdev() { vdpa_netdev "$NAME"; }

# daemon ARGS...: vduse_tool net NAME ARGS serving, requests timing out
# in $TIMEOUT seconds.
daemon()
{
	vduse_net_start "$NAME" "$@"
	echo $TIMEOUT >"/sys/class/vduse/$NAME/msg_timeout"
}

# stop: detach, stop the daemon, which must exit 0 (it destroyed its device).
stop()
{
	run vdpa dev del "$NAME"
	vduse_net_stop "$NAME"
}

# ping_neighbour: frames out of the netdev (they come back, or not).
ping_neighbour()
{
	run ip link set "$dev" up
	run ip addr add 192.0.2.1/24 dev "$dev"
	run ip neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev "$dev"
	try ping -c 5 -i 0.2 -W 1 192.0.2.2
}

load vduse virtio_vdpa virtio_net

step "a daemon that stops answering: requests give up, the device breaks"
daemon --stall-after 2
read -r t0 rest </proc/uptime
# virtio_vdpa's probe asks for status changes the daemon never answers.
try vdpa dev add name "$NAME" mgmtdev vduse
read -r t1 rest </proc/uptime
log "vdpa dev add: status $RC after $(( ${t1%.*} - ${t0%.*} ))s"
expect_le $(( ${t1%.*} - ${t0%.*} )) $((3 * TIMEOUT + 5)) \
	"seconds vdpa dev add took with a stalled daemon"
wait_for 5 broken_logged || fail "the kernel did not say the device broke"
netdev && fail "a netdev came up on a device whose daemon never answered"
read -r t0 rest </proc/uptime
stop
read -r t1 rest </proc/uptime
expect_le $(( ${t1%.*} - ${t0%.*} )) 15 "seconds detaching and destroying took"

step "a daemon that writes garbage in the used rings"
# virtio_ring refuses the ids and marks the queue broken, and virtio_net
# says its sends fail: that is the kernel defending itself, as it should.
kmsg_allow 'out of range|is not a head|Unexpected TXQ \(0\) queue failure'
daemon --garbage-used
run vdpa dev add name "$NAME" mgmtdev vduse
wait_for 20 netdev || fail "no netdev on $NAME"
dev=$(netdev)
ping_neighbour
stop

step "a daemon that injects interrupts without end"
daemon --irq-storm
run vdpa dev add name "$NAME" mgmtdev vduse
wait_for 20 netdev || fail "no netdev on $NAME"
dev=$(netdev)
ping_neighbour
expect_eq "$RC" 1 "ping's status (no neighbour answers)"
expect_ge "$(netstat_of "$dev" rx_packets)" 5 "frames that came back"
stop

step "a daemon that sets config bytes beyond the config space"
daemon --bad-config
run vdpa dev add name "$NAME" mgmtdev vduse
wait_for 20 netdev || fail "no netdev on $NAME"
stop
grep -q "bad-config: .*accepted" net.err &&
	fail "an out-of-range config write was accepted"
expect_ge "$(grep -c 'bad-config: .*Invalid argument' net.err)" 12 \
	"out-of-range config writes refused (EINVAL)"
