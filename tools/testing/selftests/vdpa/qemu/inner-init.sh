#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the guest that 86-qemu-vhost-vdpa.sh (and, with vdpatest=migrate
# on its command line, 86-qemu-migration.sh) boots with QEMU inside the
# test VM. Its virtio-net is a vhost-vdpa device on the net simulator,
# which loops every frame back: send pings to a neighbour that does not
# exist and count the frames that come back. Lines starting "INNER:" are
# what the outer test reads.
#
# The count must be exact: nothing but the ten pings is sent (no IPv6, a
# permanent neighbour, so no ARP), and virtio_net counts a frame as sent
# when its transmission is reaped, which may be late, so the counts are
# read once they agree and the pings are in, or at the deadline.

# First: a guest that dies before this line died in its kernel's boot.
echo "INNER: init"
mount -t proc none /proc
mount -t sysfs none /sys
# busybox's shell runs its own applet for a bare "ip": the real one (maddr,
# allmulticast) by its path.
ip() { /bin/ip "$@"; }
mods="failover net_failover virtio_net"
grep -q vdpatest=filter /proc/cmdline && mods="$mods llc stp garp mrp 8021q pktgen"
for m in $mods; do
	[ -e "/mod/$m.ko" ] && insmod "/mod/$m.ko"
done

# The first NIC (86-qemu-vhost-vdpa.sh gives the guest two).
dev=
for i in 1 2 3 4 5 6 7 8 9 10; do
	for d in /sys/class/net/*; do
		[ -e "$d/device" ] && dev=${d##*/} && break
	done
	[ -n "$dev" ] && break
	sleep 1
done
if [ -z "$dev" ]; then
	echo "INNER: no network device"
	poweroff -f
fi
stat=/sys/class/net/$dev/statistics

echo "INNER: booted $(cut -d' ' -f1 /proc/uptime)s"
echo "INNER: mac $(cat "/sys/class/net/$dev/address")"
echo 1 >"/proc/sys/net/ipv6/conf/$dev/disable_ipv6" 2>/dev/null
ip link set "$dev" up
ip addr add 192.0.2.1/24 dev "$dev"
# The neighbour's frames come back to us with its MAC as destination: the
# stack drops them, but the driver counted them first. A permanent entry,
# so that no ARP request goes out: busybox's "ip neigh" cannot add one
# (the stack then sent a number of ARP requests that varied from run to
# run, and no ping at all), its "arp -s" can.
arp -i "$dev" -s 192.0.2.2 02:00:00:00:00:02 || echo "INNER: no neighbour"
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(cat "/sys/class/net/$dev/operstate")" = up ] && break
	sleep 1
done
echo "INNER: operstate $(cat "/sys/class/net/$dev/operstate")"
tx0=$(cat "$stat/tx_packets")
rx0=$(cat "$stat/rx_packets")
echo "INNER: before sent $tx0 received $rx0"
# Promiscuous from the start where the device filters (vdpatest=filter):
# the ten pings' frames come back addressed to the neighbour.
if grep -q vdpatest=filter /proc/cmdline; then
	ip link set "$dev" promisc on
	sleep 3
fi
if grep -q vdpatest=migrate /proc/cmdline; then
	# 86-qemu-migration.sh moves this guest between QEMUs while it
	# pings in rounds of two, until the console says "stop"; "mac" on
	# the console gives it a MAC of its own, through the control queue.
	# Frames sent beyond the pings are the guest's announcements.
	r=0
	pings=0
	while :; do
		r=$((r + 1))
		ping -c 2 -W 1 192.0.2.2 >/ping.out 2>&1
		n=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' /ping.out)
		pings=$((pings + ${n:-0}))
		echo "INNER: round $r sent $(($(cat "$stat/tx_packets") - tx0))" \
			"received $(($(cat "$stat/rx_packets") - rx0)) pings $pings"
		# Not "read -t 1": busybox reads a line byte by byte and
		# checks its deadline between bytes, so a command that comes
		# in at the deadline is cut ("m", then "ac"). "read -t 0"
		# only asks whether a whole line waits; then it is read whole.
		cmd=
		sleep 1
		if read -t 0; then
			read -r cmd
		fi
		case $cmd in
		stop) break ;;
		mac)
			ip link set "$dev" address 52:54:00:12:34:99
			# A new address flushes every neighbour, permanent
			# ones too: without the entry again the pings would
			# wait for ARP and only its requests go out.
			arp -i "$dev" -s 192.0.2.2 02:00:00:00:00:02 ||
				echo "INNER: no neighbour"
			echo "INNER: mac now $(cat "/sys/class/net/$dev/address")"
			;;
		esac
	done
else
	# All ten go out however slow the guest is (-w would cut them short).
	ping -c 10 -W 1 192.0.2.2 >/ping.out 2>&1
fi
# What ping itself says it sent (it stops at a failed send).
echo "INNER: ping status $? $(grep -E 'transmitted|ping:' /ping.out | head -n 2 | tr '\n' ' ')"
# Nested TCG is slow (more so on a debug kernel): give the last frames
# time to come back, and the transmissions time to be reaped.
for i in $(seq 20); do
	tx=$(($(cat "$stat/tx_packets") - tx0))
	rx=$(($(cat "$stat/rx_packets") - rx0))
	[ "$tx" -ge 10 ] && [ "$rx" -eq "$tx" ] && break
	sleep 1
done
echo "INNER: sent $tx received $rx"
[ -z "${pings:-}" ] || echo "INNER: pings $pings"
if grep -q vdpatest=filter /proc/cmdline; then
	# 86-qemu-vhost-vdpa.sh offers the receive filters, on two NICs whose
	# control queues differ on the host: the control commands virtio_net
	# sends through QEMU must change what each device delivers. The pings'
	# frames come back addressed to the neighbour: dropped by the device
	# unless promiscuous, or once the neighbour's address is the NIC's;
	# to a multicast group: dropped unless joined or allmulticast; on a
	# VLAN: dropped unless virtio_net added it. Then two queue pairs,
	# pktgen sending on each. virtio_net sends a new filter from a work
	# item, which has run well within 2 s even here; ping waits a second
	# for its last frame, which is back well before.
	filter_step()
	{
		fs=/sys/class/net/$1/statistics
		sleep 2
		t0=$(cat "$fs/tx_packets")
		r0=$(cat "$fs/rx_packets")
		ping -c 5 -i 0.2 -W 1 "$2" >/dev/null 2>&1
		sleep 1
		echo "INNER: filter $nic $3 sent $(($(cat "$fs/tx_packets") - t0))" \
			"received $(($(cat "$fs/rx_packets") - r0))"
	}
	# pg_send DEV QUEUE: pktgen sends 5 frames to the NIC's own address on
	# DEV's transmit queue QUEUE ("random" within one queue: its round
	# robin would start at queue 1).
	pg_send()
	{
		echo rem_device_all >/proc/net/pktgen/kpktgend_0
		while [ -e "/proc/net/pktgen/$1" ]; do sleep 1; done
		echo "add_device $1" >/proc/net/pktgen/kpktgend_0
		for c in "count 5" "pkt_size 64" "delay 0" "clone_skb 0" \
			 "dst 192.0.2.2" "dst_mac 02:00:00:00:00:02" \
			 "queue_map_min $2" "queue_map_max $2" "flag QUEUE_MAP_RND"; do
			echo "$c" >"/proc/net/pktgen/$1"
		done
		echo start >/proc/net/pktgen/pgctrl
	}
	# No IPv6 on the VLAN devices to come either: its frames would count.
	echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6 2>/dev/null
	n=2
	for d in /sys/class/net/*; do
		[ -e "$d/device" ] || continue
		fd=${d##*/}
		nic=$(cat "$d/address")
		nb=192.0.2.2
		if [ "$fd" != "$dev" ]; then
			# Another NIC: a subnet of its own.
			n=$((n + 1))
			nb=192.0.$n.2
			echo 1 >"/proc/sys/net/ipv6/conf/$fd/disable_ipv6" 2>/dev/null
			ip link set "$fd" up
			ip addr add "192.0.$n.1/24" dev "$fd"
			arp -i "$fd" -s "$nb" 02:00:00:00:00:02 ||
				echo "INNER: no neighbour"
		fi
		ip link set "$fd" promisc off
		filter_step "$fd" "$nb" promisc-off
		ip link set "$fd" promisc on
		filter_step "$fd" "$nb" promisc-on
		ip link set "$fd" promisc off
		ip link set "$fd" address 02:00:00:00:00:02
		arp -i "$fd" -s "$nb" 02:00:00:00:00:02 || echo "INNER: no neighbour"
		filter_step "$fd" "$nb" station
		# A group of its own per NIC, routed out of it.
		grp=239.1.2.$n
		ip route add "$grp/32" dev "$fd"
		filter_step "$fd" "$grp" mcast
		ip maddr add "01:00:5e:01:02:0$n" dev "$fd"
		filter_step "$fd" "$grp" mcast-joined
		ip maddr del "01:00:5e:01:02:0$n" dev "$fd"
		ip link set "$fd" allmulticast on
		filter_step "$fd" "$grp" mcast-allmulti
		ip link set "$fd" allmulticast off
		ip link add link "$fd" name "vl$n" type vlan id 100
		ip link set "vl$n" up
		ip addr add "192.0.10$n.1/24" dev "vl$n"
		arp -i "vl$n" -s "192.0.10$n.2" 02:00:00:00:00:02 ||
			echo "INNER: no neighbour"
		filter_step "$fd" "192.0.10$n.2" vlan
		ip link del "vl$n"
		ethtool -L "$fd" combined 2 || echo "INNER: ethtool -L failed"
		t0=$(cat "/sys/class/net/$fd/statistics/tx_packets")
		r0=$(cat "/sys/class/net/$fd/statistics/rx_packets")
		pg_send "$fd" 0
		pg_send "$fd" 1
		sleep 3
		echo "INNER: filter $nic pairs" \
			"sent $(($(cat "/sys/class/net/$fd/statistics/tx_packets") - t0))" \
			"received $(($(cat "/sys/class/net/$fd/statistics/rx_packets") - r0))"
	done
fi
echo "INNER: done $(cut -d' ' -f1 /proc/uptime)s"
# Where a frame could have gone, for a run whose counts disagree.
echo "INNER: tx_dropped $(cat "$stat/tx_dropped") tx_errors $(cat "$stat/tx_errors")"
grep virtio /proc/interrupts | tr -s ' ' | sed 's/^/INNER: irq /'
# Byte queue limits: bytes the stack counts as still on the TX ring.
bql=/sys/class/net/$dev/queues/tx-0/byte_queue_limits
for f in inflight limit stall_cnt; do
	[ -r "$bql/$f" ] && echo "INNER: bql $f $(cat "$bql/$f")"
done
dmesg | tail -n 8 | sed 's/^/INNER: dmesg /'
# What ping itself printed, and the stack's own view of the TX queue.
sed 's/^/INNER: ping.out /' /ping.out
grep "$dev:" /proc/net/dev | tr -s ' ' | sed 's/^/INNER: netdev /'
tq=/sys/class/net/$dev/queues/tx-0
echo "INNER: carrier_changes $(cat "/sys/class/net/$dev/carrier_changes")"
echo "INNER: tx-0 timeouts $(cat "$tq/tx_timeout" 2>/dev/null)" \
	"tx_queue_len $(cat "/sys/class/net/$dev/tx_queue_len")"
echo "INNER: rx_dropped $(cat "$stat/rx_dropped") rx_errors $(cat "$stat/rx_errors")"
# The outer test reads the device's counters now, while the device runs.
sleep 15
poweroff -f
