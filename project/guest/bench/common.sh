# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Sourced by the benchmarks: pktgen runs (pci-pktgen.sh, datapath.sh), and
# the two stacks of modules that density.sh and datapath.sh compare in one
# boot:
#   O  ours:     our vdpa, vdpa_sim, vdpa_sim_net, vhost_vdpa, virtio_vdpa
#                (updates/ of the image, loaded with modprobe);
#   U  upstream: Debian's vdpa, vhost_vdpa, virtio_vdpa, vhost and
#                vhost_iotlb, and vringh, vdpa_sim and vdpa_sim_net built
#                from Debian's source (upstream-peer.sh), loaded with
#                insmod from /usr/lib/vdpa-upstream-peer/.
# Not a benchmark itself: it has no "Benchmark" line.

UP=/usr/lib/vdpa-upstream-peer

# load_stack O|U DRIVER
load_stack()
{
	_drv=
	case "$2" in
	vhost) _drv=vhost_vdpa ;;
	virtio|vbus) _drv=virtio_vdpa ;;
	esac
	if [ "$1" = O ]; then
		quiet modprobe -a vdpa_sim_net $_drv
	else
		[ -z "$_drv" ] || quiet modprobe irqbypass
		for _m in vhost_iotlb vdpa vringh vdpa_sim vdpa_sim_net; do
			quiet insmod "$UP/$_m.ko"
		done
		case "$2" in
		vhost) quiet insmod "$UP/vhost.ko"
		       quiet insmod "$UP/vhost_vdpa.ko" ;;
		virtio|vbus) quiet insmod "$UP/virtio_vdpa.ko" ;;
		esac
	fi
	[ "$2" != virtio ] || quiet modprobe virtio_net
	# Ours are built out of tree (taint O), Debian's vdpa.ko is not.
	case "$(cat /sys/module/vdpa/taint)" in
	*O*) _got=O ;;
	*) _got=U ;;
	esac
	[ "$_got" = "$1" ] || fail "stack $1 wanted, but vdpa.ko is of stack $_got"
}

unload_stack()
{
	for _m in virtio_net vhost_vdpa virtio_vdpa vdpa_sim_net vdpa_sim \
		  vringh vhost vdpa vhost_iotlb; do
		_unload "$_m" || fail "cannot unload $_m"
	done
}

# pktgen_run DEV SIZE COUNT DST_MAC: COUNT frames of SIZE bytes from DEV,
# as fast as it goes; prints pktgen's result line.
pktgen_run()
{
	echo "rem_device_all" >/proc/net/pktgen/kpktgend_0
	echo "add_device $1" >/proc/net/pktgen/kpktgend_0
	for _c in "count $3" "pkt_size $2" "delay 0" "clone_skb 0" \
		  "dst 192.0.2.2" "dst_mac $4"; do
		echo "$_c" >"/proc/net/pktgen/$1"
	done
	echo start >/proc/net/pktgen/pgctrl
	sed -n 's/^ *Result: //p' "/proc/net/pktgen/$1"
}
