#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo, run inside the test VM by init (vdpatest.mode=demo): the story
# of a vDPA device told with the real tools, each command shown before its
# output. Stops at the first command that fails.

set -eu

# busybox-static's ash runs its own applet of a name before it looks in
# PATH: make iproute2's ip win over busybox's.
ip() { /usr/sbin/ip "$@"; }

say()
{
	printf '\n### %s\n' "$*"
}

# cmdline ARG...: the command as one would type it (quoted where needed).
cmdline()
{
	_s=
	for _a in "$@"; do
		case "$_a" in
		''|*[!A-Za-z0-9_./:=,+@%-]*)
			_a="'$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'" ;;
		esac
		_s="$_s${_s:+ }$_a"
	done
	printf '%s' "$_s"
}

# show CMD...: print the command, then run it.
show()
{
	printf '$ %s\n' "$(cmdline "$@")"
	"$@" || { echo "!!! '$*' failed (exit $?)"; exit 1; }
}

# The netdev / block device whose virtio device sits on vdpa device $1.
on_vdpa()
{
	for d in /sys/class/net/* /sys/block/*; do
		[ -e "$d/device" ] || continue
		case "$(readlink -f "$d/device")" in
		*/"$1"/virtio*) echo "${d##*/}"; return 0 ;;
		esac
	done
	return 1
}

wait_on_vdpa()
{
	n=100
	until on_vdpa "$1" >/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || { echo "!!! nothing appeared on $1"; exit 1; }
		usleep 100000
	done
	on_vdpa "$1"
}

stat_of() { cat "/sys/class/net/$1/statistics/$2"; }

say "1. Load the vDPA simulators: each registers a management device"
show modprobe vdpa_sim_net
show modprobe vdpa_sim_blk
show vdpa mgmtdev show

say "2. Create a network device with a MAC, an MTU and two queue pairs"
show vdpa dev add name v0 mgmtdev vdpasim_net mac 02:00:00:00:00:01 mtu 1400 max_vqp 2
show vdpa dev show
show vdpa dev config show v0 -jp

say "3. Bind it to virtio_vdpa: the kernel's own virtio_net drives it"
show modprobe virtio_vdpa
show modprobe virtio_net
dev=$(wait_on_vdpa v0)
show ip -d link show "$dev"

say "4. Send frames: the simulator loops every TX frame back to RX"
# 192.0.2.0/24 is TEST-NET-1, and the VM has no NIC: nothing leaves it.
# The neighbour's MAC is our own, so looped frames pass the device's
# receive filter.
# No IPv6 on it: its router solicitations would muddle the counts.
echo 1 >"/proc/sys/net/ipv6/conf/$dev/disable_ipv6"
show ip link set "$dev" up
show ip addr add 192.0.2.1/24 dev "$dev"
show ip neigh add 192.0.2.2 lladdr 02:00:00:00:00:01 dev "$dev" nud permanent
tx0=$(stat_of "$dev" tx_packets)
rx0=$(stat_of "$dev" rx_packets)
# Pinned to CPU 0, so the frames use queue pair 0 (qidx 0 rx, 1 tx).
printf '$ %s\n' "taskset 1 ping -c 5 -i 0.2 -W 1 192.0.2.2"
taskset 1 ping -c 5 -i 0.2 -W 1 192.0.2.2 || true
echo "(no echo replies: nobody at 192.0.2.2 answers; the frames came back to us)"
sleep 1
show ip -s link show "$dev"
tx=$(($(stat_of "$dev" tx_packets) - tx0))
rx=$(($(stat_of "$dev" rx_packets) - rx0))
echo "=> $dev sent $tx and received $rx packets"
[ "$tx" -ge 5 ] && [ "$rx" -ge 5 ] || { echo "!!! frames did not loop back"; exit 1; }
show vdpa dev vstats show v0 qidx 0
show vdpa dev vstats show v0 qidx 1

say "5. A block device: a RAM disk behind virtio_blk"
show modprobe virtio_blk
show vdpa dev add name b0 mgmtdev vdpasim_blk
blk=$(wait_on_vdpa b0)
show ls -l "/dev/$blk"
printf '$ cat /sys/block/%s/size\n' "$blk"
echo "$(cat "/sys/block/$blk/size") sectors of 512 bytes"
show dd if=/dev/urandom of=/tmp/pattern bs=64k count=16
show dd if=/tmp/pattern of="/dev/$blk" bs=64k oflag=direct
show sh -c 'echo 3 >/proc/sys/vm/drop_caches'
show dd if="/dev/$blk" of=/tmp/readback bs=64k count=16 iflag=direct
show cmp /tmp/pattern /tmp/readback
echo "=> the 1 MiB read back is identical to what was written"

say "6. Delete the devices: their netdev and disk go with them"
show vdpa dev del v0
show vdpa dev del b0
show vdpa dev show
show ip link show
