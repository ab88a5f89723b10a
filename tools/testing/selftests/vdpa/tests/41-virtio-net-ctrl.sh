#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The virtio-net control queue, driven by the kernel's virtio_net over
# virtio_vdpa through the real tools (ip, ethtool), on a simulated device
# that offers every control feature: each command must change what the
# device delivers. pktgen sends frames of a chosen destination, VLAN and
# transmit queue; the simulator loops each back to the receive queue of
# the same pair, through the receive filter the driver set. A frame is
# delivered when the netdev's rx_packets counts it, filtered when the
# device's filtered_frames (vstats) does. Per queue pair, the device's
# counters and virtio_net's own (the "netdev" family's qstats, read with
# the kernel's YNL CLI) must agree that each frame came back on its pair.
#
# All of it twice: on a device whose control queue the vDPA core presents
# (vdpasim_net) and on one that runs its own (vdpasim_net_hwcvq).

. "${0%/*}/lib.sh"

MAC=02:00:00:00:00:01
NEW_MAC=02:00:00:00:00:99
FOREIGN=02:00:00:00:00:02
GROUP=01:00:5e:01:02:03
BCAST=ff:ff:ff:ff:ff:ff
PAIRS=4
CVQ=$((2 * PAIRS))
# The simulator's default features with CTRL_RX, CTRL_VLAN, CTRL_RX_EXTRA.
FEATURES=0x330ff0028
N=16

# vstat QIDX NAME: counter NAME of v0's queue QIDX.
vstat()
{
	quiet vdpa -j dev vstats show v0 qidx "$1"
	# iproute2 6.1 exits 0 here even when the kernel refused.
	! grep -q "kernel answers" "$OUT" ||
		fail "vdpa dev vstats show v0 qidx $1: $(cat "$OUT")"
	jget vstats v0 "$2"
}

# filtered PAIR: frames the receive filter dropped on PAIR's rx queue.
filtered_on() { vstat $((2 * $1)) filtered_frames; }

# send COUNT DEST [QUEUE [VLAN]]: pktgen sends COUNT frames to DEST on
# $dev's transmit queue QUEUE (0), tagged with VLAN if given. The queue is
# "random" within [QUEUE, QUEUE]: pktgen's round robin starts its first
# frame at queue 1 whatever the range (one past its initial queue 0).
_pktgen_free() { ! [ -e "/proc/net/pktgen/$dev" ]; }

send()
{
	# pktgen's thread drops its devices when it next looks, maybe after
	# the add: the old one, set up for another queue, would send too.
	echo "rem_device_all" >/proc/net/pktgen/kpktgend_0
	wait_for 5 _pktgen_free || fail "pktgen keeps its old device $dev"
	echo "add_device $dev" >/proc/net/pktgen/kpktgend_0
	for _c in "count $1" "pkt_size 64" "delay 0" "clone_skb 0" \
		  "dst 192.0.2.2" "dst_mac $2" "queue_map_min ${3:-0}" \
		  "queue_map_max ${3:-0}" "flag QUEUE_MAP_RND" \
		  "vlan_id ${4:-9999}"; do
		echo "$_c" >"/proc/net/pktgen/$dev" ||
			fail "pktgen does not take '$_c'"
	done
	echo start >/proc/net/pktgen/pgctrl
	grep -q "^Result: OK" "/proc/net/pktgen/$dev" ||
		fail "pktgen: $(grep -A2 '^Result' "/proc/net/pktgen/$dev")"
}

_rx_reached() { [ "$(netstat_of "$dev" rx_packets)" -ge "$1" ]; }
_filtered_reached() { [ "$(filtered_on "$_pair")" -ge "$1" ]; }

# frames WHAT RECEIVED FILTERED DEST [QUEUE [VLAN]]: of $N frames sent to
# DEST, RECEIVED come back and FILTERED are dropped by the device's filter
# (which counts on the rx queue of the pair they were sent on).
frames()
{
	_what=$1 _want_rx=$2 _want_f=$3
	shift 3
	_pair=${2:-0}
	_rx0=$(netstat_of "$dev" rx_packets)
	_f0=$(filtered_on "$_pair")
	send "$N" "$@"
	wait_for 5 _rx_reached $((_rx0 + _want_rx)) || true
	wait_for 5 _filtered_reached $((_f0 + _want_f)) || true
	_rx=$(($(netstat_of "$dev" rx_packets) - _rx0))
	_f=$(($(filtered_on "$_pair") - _f0))
	log "$_what: received +$_rx, filtered +$_f"
	expect_eq "$_rx" "$_want_rx" "$_what: frames received"
	expect_eq "$_f" "$_want_f" "$_what: frames filtered"
}

# delivered WHAT DEST...: all come back; filtered WHAT DEST...: none.
delivered() { _w=$1; shift; frames "$_w" "$N" 0 "$@"; }
filtered() { _w=$1; shift; frames "$_w" 0 "$N" "$@"; }

# driver_rx: packets virtio_net received on each of its queues, as the
# "netdev" family's per-queue counters (qstats) report them, read by YNL:
# one count per line, queue 0 first.
driver_rx()
{
	quiet ynl netdev.yaml --dump qstats-get \
		--json "{\"ifindex\": $(cat "/sys/class/net/$dev/ifindex"), \"scope\": \"queue\"}"
	python3 -c '
import json, sys
rx = {e["queue-id"]: e["rx-packets"] for e in json.load(sys.stdin)
      if e.get("queue-type") == "rx"}
for q in range(int(sys.argv[1])):
    print(rx.get(q, "none"))' "$PAIRS" <"$OUT"
}

# device_counts: sent and received frames of each pair, a line per pair.
device_counts()
{
	_p=0
	while [ "$_p" -lt "$PAIRS" ]; do
		echo "$(vstat $((2 * _p + 1)) sent_frames)" \
			"$(vstat $((2 * _p)) received_frames)"
		_p=$((_p + 1))
	done
}

_commands_reached() { [ "$(vstat $CVQ commands)" -ge "$1" ]; }

# rx_mode CMD...: CMD changes the netdev's receive filter; virtio_net
# sends it from a work item (PROMISC, ALLMULTI, then MAC_TABLE_SET), so
# wait until the device has taken all three.
rx_mode()
{
	_c0=$(vstat $CVQ commands)
	run "$@"
	wait_for 10 _commands_reached $((_c0 + 3)) ||
		fail "virtio_net did not send its receive filter after '$*'"
}

# scenario MGMTDEV: all of it on a device of MGMTDEV.
scenario()
{
	step "$1: a device with every control feature, and virtio_net on it"
	run vdpa mgmtdev show "$1"
	run vdpa_nl add v0 "$1" mac $MAC max_vqp $PAIRS features $FEATURES
	wait_for 10 vdpa_netdev v0 || fail "no netdev on v0 within 10s"
	dev=$(vdpa_netdev v0)
	# No IPv6 (where the kernel has it): its frames would blur the counts.
	[ ! -e "/proc/sys/net/ipv6/conf/$dev" ] ||
		echo 1 >"/proc/sys/net/ipv6/conf/$dev/disable_ipv6"
	rx_mode ip link set "$dev" up
	wait_for 10 grep -qx 1 "/sys/class/net/$dev/carrier" ||
		fail "$dev has no carrier"
	run vdpa dev config show v0
	# CTRL_RX_EXTRA is offered too, but virtio_net has no use for it.
	for f in CTRL_VQ CTRL_RX CTRL_VLAN CTRL_MAC_ADDR MQ; do
		grep -qw "$f" "$OUT" || fail "virtio_net did not negotiate $f"
	done
	cmds0=$(vstat $CVQ commands)
	log "control commands so far: $cmds0"
	expect_ge "$cmds0" 3 "control commands after the netdev came up"
	expect_eq "$(vstat $CVQ command_errors)" 0 "failed control commands"

	step "$1: unicast: the station address and broadcast pass, others do not"
	delivered "to the station address" $MAC
	delivered "broadcast" $BCAST
	filtered "to another address" $FOREIGN

	step "$1: promiscuous mode lets the others through, and only while on"
	rx_mode ip link set "$dev" promisc on
	delivered "promiscuous, to another address" $FOREIGN
	rx_mode ip link set "$dev" promisc off
	filtered "promiscuous off, to another address" $FOREIGN

	step "$1: a new station address, set through the control queue"
	run ip link set "$dev" address $NEW_MAC
	run vdpa dev config show v0
	expect_out "mac $NEW_MAC"
	delivered "to the new address" $NEW_MAC
	filtered "to the old address" $MAC

	step "$1: multicast: a group passes once joined, and every group with allmulticast"
	filtered "to a group not joined" $GROUP
	rx_mode ip maddr add $GROUP dev "$dev"
	delivered "to the joined group" $GROUP
	rx_mode ip maddr del $GROUP dev "$dev"
	filtered "to the group left" $GROUP
	rx_mode ip link set "$dev" allmulticast on
	delivered "allmulticast, to a group not joined" $GROUP
	rx_mode ip link set "$dev" allmulticast off
	filtered "allmulticast off" $GROUP

	step "$1: VLAN filter: a VLAN's frames pass while it exists"
	filtered "VLAN 100, not added" $NEW_MAC 0 100
	run ip link add link "$dev" name vl100 type vlan id 100
	delivered "VLAN 100, added" $NEW_MAC 0 100
	filtered "VLAN 200, not added" $NEW_MAC 0 200
	run ip link del vl100
	filtered "VLAN 100, removed" $NEW_MAC 0 100
	delivered "untagged" $NEW_MAC

	step "$1: every queue pair carries traffic, each frame on its own pair"
	run ethtool -l "$dev"
	run ethtool -L "$dev" combined $PAIRS
	run ethtool -l "$dev"
	expect_eq "$(sed -n '/^Current/,$s/^Combined:[[:space:]]*//p' "$OUT")" $PAIRS \
		"current combined channels"
	# $N frames on each pair in turn; then each pair must have moved
	# exactly its own $N, by the device's counters and by virtio_net's.
	device_counts >dev.before
	driver_rx >drv.before
	q=0
	while [ "$q" -lt "$PAIRS" ]; do
		delivered "on pair $q" $NEW_MAC "$q"
		q=$((q + 1))
	done
	device_counts >dev.after
	driver_rx >drv.after
	paste dev.before dev.after drv.before drv.after >pairs
	q=0
	while read -r tx0 rx0 tx1 rx1 drv0 drv1; do
		is_num "$drv0" && is_num "$drv1" ||
			fail "netdev qstats: no rx-packets for queue $q"
		tx=$((tx1 - tx0)) rx=$((rx1 - rx0)) drv=$((drv1 - drv0))
		log "pair $q: device sent +$tx received +$rx, virtio_net rx-$q +$drv"
		expect_eq "$tx" "$N" "frames the device took from tx queue $q"
		expect_eq "$rx" "$N" "frames the device put on rx queue $q"
		expect_eq "$drv" "$N" "frames virtio_net received on its queue $q"
		q=$((q + 1))
	done <pairs

	step "$1: fewer queue pairs: the device uses only those"
	run ethtool -L "$dev" combined 1
	for q in 1 2 3; do
		eval "rx0_$q=\$(vstat $((2 * q)) received_frames)"
	done
	# pktgen moves a queue beyond the netdev's count onto one that exists,
	# and says so.
	kmsg_allow 'pktgen: WARNING: Requested queue_map_m(in|ax) \(zero-based\) \(3\)'
	delivered "on pair 3, now folded onto pair 0" $NEW_MAC 3
	for q in 1 2 3; do
		eval "rx0=\$rx0_$q"
		expect_eq "$(vstat $((2 * q)) received_frames)" "$rx0" \
			"frames on rx queue $q after going down to one pair"
	done
	run ethtool -L "$dev" combined $PAIRS
	delivered "on pair 3 again" $NEW_MAC 3

	step "$1: the control queue counted every command, none failed"
	run vdpa dev vstats show v0 qidx $CVQ
	expect_out "queue_type control_vq"
	cmds=$(vstat $CVQ commands)
	log "control commands: $cmds0 at start, $cmds now"
	# At least: 3 for each of six filter changes, the MAC, 2 VLANs, 3 channels.
	expect_ge "$cmds" $((cmds0 + 24)) "control commands"
	expect_eq "$(vstat $CVQ command_errors)" 0 "failed control commands"

	step "$1: delete the device"
	run vdpa dev del v0
	wait_for 10 sh -c "! [ -e /sys/class/net/$dev ]" ||
		fail "$dev still there after vdpa dev del"
}

load vdpa_sim_net virtio_vdpa virtio_net pktgen 8021q
# The control queue presented by the core, then the simulator's own, as
# hardware with one has it: virtio_net must see no difference.
scenario vdpasim_net
scenario vdpasim_net_hwcvq
