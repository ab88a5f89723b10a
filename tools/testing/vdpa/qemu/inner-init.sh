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
for m in failover net_failover virtio_net; do
	[ -e "/mod/$m.ko" ] && insmod "/mod/$m.ko"
done

dev=
for i in 1 2 3 4 5 6 7 8 9 10; do
	for d in /sys/class/net/*; do
		[ -e "$d/device" ] && dev=${d##*/}
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
