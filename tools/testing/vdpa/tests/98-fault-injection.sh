#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every allocation on the main paths fails once, one after the other
# (failslab through /proc/thread-self/fail-nth, see fail_nth.h): device
# creation through netlink, with no bus driver and with virtio_vdpa and
# virtio_net probing the new device; and vhost_vdpa's open, map and
# DRIVER_OK. Each failure must give a clean error (or be absorbed) and
# leave nothing behind: the device is absent or deletable, the next run
# works, and the harness's kmemleak scan and splat check see nothing.

. "${0%/*}/lib.sh"

[ "$TIER" = debug ] || skip "fault injection is not in Debian's kernel"
FS=/sys/kernel/debug/failslab
[ -d $FS ] || fail "no failslab in debugfs"
[ -e /proc/self/fail-nth ] || fail "no /proc/self/fail-nth"
# GFP_KERNEL allocations too; no stack dump per injected failure.
echo N >$FS/ignore-gfp-wait
echo 0 >$FS/verbose

# nth_loop WHAT CMD...: run CMD with VDPA_FAIL_NTH=1, 2, ... until the
# fault is no longer reached; after each run, "check_$WHAT RC" cleans up
# and checks what is left.
nth_loop()
{
	_what=$1
	shift
	_n=1
	while :; do
		_rc=0
		VDPA_FAIL_NTH=$_n "$@" >"$OUT" 2>&1 || _rc=$?
		if grep -q "fail-nth: not reached" "$OUT"; then
			[ "$_rc" -eq 0 ] || { show_out; fail "$_what: plain run failed"; }
			break
		fi
		grep -q "fail-nth: injected" "$OUT" ||
			{ show_out; fail "$_what: fault point $_n: no fail-nth report"; }
		"check_$_what" "$_rc" "$_n"
		_n=$((_n + 1))
		[ $_n -le 3000 ] || fail "$_what: more than 3000 fault points?"
	done
	log "$_what: $((_n - 1)) fault points, each failed once, all clean"
}

dev_gone_or_del()
{
	if vdpa_nl get fi0 >/dev/null 2>&1; then
		[ "$1" -eq 0 ] || fail "fault $2: request failed but fi0 exists"
		vdpa dev del fi0 || fail "fault $2: fi0 cannot be deleted"
	fi
}

check_create() { dev_gone_or_del "$@"; }

step "device creation, every allocation failing once"
load vdpa_sim_net
nth_loop create vdpa_nl add fi0 vdpasim_net
run vdpa dev add name fi0 mgmtdev vdpasim_net
run vdpa dev del fi0

check_probe()
{
	dev_gone_or_del "$@"
	# Whatever failed, a new device must get its netdev.
	[ $(($2 % 25)) -ne 0 ] && return 0
	vdpa dev add name fi1 mgmtdev vdpasim_net ||
		fail "fault $2: next device cannot be created"
	wait_for 10 vdpa_netdev fi1 || fail "fault $2: next device got no netdev"
	vdpa dev del fi1 || fail "fault $2: fi1 cannot be deleted"
}

step "creation with virtio_vdpa and virtio_net probing"
load virtio_vdpa virtio_net
nth_loop probe vdpa_nl add fi0 vdpasim_net
run vdpa dev add name fi0 mgmtdev vdpasim_net
wait_for 10 vdpa_netdev fi0 || fail "fi0 got no netdev after the loop"
run vdpa dev del fi0
run rmmod virtio_vdpa

check_vhost() { [ "$1" -eq 0 ] || fail "fault $2: client did not fail cleanly"; }

step "vhost_vdpa open, map and DRIVER_OK"
load vhost_vdpa
run vdpa dev add name fi0 mgmtdev vdpasim_net mac 02:00:00:00:00:01
node=$(vhost_node fi0)
pins0=$(pins)
for at in open update driver_ok; do
	export VDPA_FAIL_AT=$at
	nth_loop vhost vhost_client net "$node" -n 3
	unset VDPA_FAIL_AT
	expect_eq "$(pins)" "$pins0" "pages pinned after the $at loop"
done
run vhost_client net "$node" -n 5
run vdpa dev del fi0
echo Y >$FS/ignore-gfp-wait
