#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every allocation on the main paths fails once, one after the other
# (failslab through /proc/thread-self/fail-nth, see fail_nth.h): device
# creation through netlink, with no bus driver and with virtio_vdpa
# registering a virtio device for it; and vhost_vdpa's open, map and
# DRIVER_OK. Each failure must give a clean error (or be absorbed) and
# leave nothing behind: the device is absent or deletable, the next run
# works, and the harness's kmemleak scan and splat check see nothing.
#
# virtio_net stays out: injected into its probe, failures after it set
# queue affinity leak its XPS maps and a small object (kmemleak), in
# virtio_net and the core, not in our code.
#
# Device creation and vhost_vdpa's open have a few dozen points, and each
# is tried. A map has one per page of a fragmented buffer (about 500, 0.4 s
# each on the debug kernel): there the first 16 are tried, then every
# STRIDE-th: 13, or vdpa.fi_stride=N on the kernel command line (1 tries
# all).

. "${0%/*}/lib.sh"

[ "$TIER" = debug ] || skip "fault injection is not in Debian's kernel"
FS=/sys/kernel/debug/failslab
[ -d $FS ] || fail "no failslab in debugfs"
[ -e /proc/self/fail-nth ] || fail "no /proc/self/fail-nth"
# GFP_KERNEL allocations too; no stack dump per injected failure.
echo N >$FS/ignore-gfp-wait
echo 0 >$FS/verbose
STRIDE=$(sed -n 's/.*vdpa\.fi_stride=\([0-9]*\).*/\1/p' /proc/cmdline)

# nth_loop WHAT STRIDE CMD...: run CMD with VDPA_FAIL_NTH=1, 2, ... 16,
# then every STRIDE-th, until the fault is no longer reached; after each run, "check_WHAT RC
# N" cleans up and checks what is left. (lib.sh's helpers use _n, _rc.)
nth_loop()
{
	_fi_what=$1
	_fi_stride=$2
	shift 2
	_fi_n=1
	_fi_tried=0
	while :; do
		_fi_rc=0
		VDPA_FAIL_NTH=$_fi_n "$@" >"$OUT" 2>&1 || _fi_rc=$?
		if grep -q "fail-nth: not reached" "$OUT"; then
			[ "$_fi_rc" -eq 0 ] ||
				{ show_out; fail "$_fi_what: plain run failed"; }
			"check_$_fi_what" 0 "$_fi_n"
			break
		fi
		grep -q "fail-nth: injected" "$OUT" || {
			show_out
			fail "$_fi_what: fault point $_fi_n: no fail-nth report"
		}
		"check_$_fi_what" "$_fi_rc" "$_fi_n"
		_fi_tried=$((_fi_tried + 1))
		if [ $_fi_n -lt 16 ]; then
			_fi_n=$((_fi_n + 1))
		else
			_fi_n=$((_fi_n + _fi_stride))
		fi
		[ $_fi_n -le 5000 ] || fail "$_fi_what: more than 5000 fault points?"
	done
	log "$_fi_what: $_fi_tried of $((_fi_n - 1))+ fault points failed once each, all clean"
}

# A request that failed left no device, unless what failed was the reply:
# netlink then reports ENOBUFS on the socket for a request that was done.
dev_gone_or_del()
{
	if vdpa_nl get fi0 >/dev/null 2>&1; then
		[ "$1" -eq 0 ] || grep -q "No buffer space available" "$OUT" || {
			show_out
			fail "fault $2: request failed but fi0 exists"
		}
		vdpa dev del fi0 || fail "fault $2: fi0 cannot be deleted"
	fi
}

check_create() { dev_gone_or_del "$@"; }

step "device creation, every allocation failing once"
load vdpa_sim_net
nth_loop create 1 vdpa_nl add fi0 vdpasim_net
run vdpa dev add name fi0 mgmtdev vdpasim_net
run vdpa dev del fi0

# A device left without a driver (its probe failed) binds on a second
# try, which shows the failed probe cleaned up after itself.
check_probe()
{
	if vdpa_nl get fi0 >/dev/null 2>&1 &&
	   [ ! -e /sys/bus/vdpa/devices/fi0/driver ]; then
		echo fi0 >/sys/bus/vdpa/drivers/virtio_vdpa/bind ||
			fail "fault $2: fi0 does not bind after a failed probe"
	fi
	if vdpa_nl get fi0 >/dev/null 2>&1; then
		[ -n "$(ls -d /sys/bus/vdpa/devices/fi0/virtio* 2>/dev/null)" ] ||
			fail "fault $2: fi0 has no virtio device"
	fi
	dev_gone_or_del "$@"
}

step "creation with virtio_vdpa registering a virtio device"
load virtio_vdpa
nth_loop probe 1 vdpa_nl add fi0 vdpasim_net
load virtio_net
run vdpa dev add name fi0 mgmtdev vdpasim_net
wait_for 10 vdpa_netdev fi0 || fail "fi0 got no netdev after the loop"
run vdpa dev del fi0
run rmmod virtio_vdpa

check_vhost()
{
	[ "$1" -eq 0 ] || { show_out; fail "fault $2: client did not fail cleanly"; }
}

step "vhost_vdpa open, map and DRIVER_OK"
load vhost_vdpa
run vdpa dev add name fi0 mgmtdev vdpasim_net mac 02:00:00:00:00:01
node=$(vhost_node fi0)
pins0=$(pins)
for at in open update driver_ok; do
	export VDPA_FAIL_AT=$at
	nth_loop vhost "${STRIDE:-13}" vhost_client net "$node" -n 3
	unset VDPA_FAIL_AT
	expect_eq "$(pins)" "$pins0" "pages pinned after the $at loop"
done
run vhost_client net "$node" -n 5
run vdpa dev del fi0
echo Y >$FS/ignore-gfp-wait
