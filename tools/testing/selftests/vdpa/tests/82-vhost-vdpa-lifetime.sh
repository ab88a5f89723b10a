#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A vhost-vdpa device goes away while userspace uses it: deleted, unbound
# through sysfs (in the middle of an IOTLB batch), or taken by its parent's
# module unload, each while the client has it open, mapped and running.
# Removal does not wait for the client, not even for calls stuck on page
# faults that userspace never serves; the client's fd then fails with
# ENODEV, its pins are gone, close works, and vhost_vdpa unloads once the
# last fd is closed (not before). A reset from another thread waits for
# an IOTLB update stuck on such a fault, so the update's range ends up
# pinned and mapped whole.

. "${0%/*}/lib.sh"

# hold NODE [batch]: start the client in the background, wait until ready.
hold()
{
	rm -f flag hold.out
	vhost_client hold "/dev/$1" "$WORK/flag" ${2:-} >hold.out 2>&1 &
	hold_pid=$!
	wait_for 20 grep -q READY hold.out || {
		cat hold.out
		fail "the client did not get ready"
	}
	cat hold.out
}

# release: let the client check its fd, and collect its verdict.
release()
{
	touch flag
	rc=0
	wait "$hold_pid" || rc=$?
	sed 's/^/    /' hold.out
	[ "$rc" -eq 0 ] || fail "the client saw the fd misbehave after removal"
}

new_dev()
{
	run vdpa dev add name v0 mgmtdev vdpasim_net mac 02:00:00:00:00:01
	node=$(vhost_node v0)
	node=${node#/dev/}
}

pins0=$(pins)
load vdpa_sim_net vhost_vdpa

step "vdpa dev del while open, mapped and running"
new_dev
hold "$node"
run vdpa dev del v0
expect_gone "/dev/$node"
release
expect_eq "$(pins)" "$pins0" "pins after delete"

step "unbind in the middle of an IOTLB batch"
new_dev
hold "$node" batch
echo v0 >/sys/bus/vdpa/drivers/vhost_vdpa/unbind
expect_gone "/dev/$node"
release
expect_eq "$(pins)" "$pins0" "pins after unbind"
echo v0 >/sys/bus/vdpa/drivers/vhost_vdpa/bind
node=$(vhost_node v0)
node=${node#/dev/}
run vhost_client net "/dev/$node" -n 5
run vdpa dev del v0

step "rmmod of the parent while open"
new_dev
hold "$node"
run rmmod vdpa_sim_net
expect_gone /sys/bus/vdpa/devices/v0
release
expect_eq "$(pins)" "$pins0" "pins after parent unload"
load vdpa_sim_net

step "vhost_vdpa cannot unload while its fd is open, and can after"
new_dev
hold "$node"
expect_fail rmmod vhost_vdpa
run vdpa dev del v0
release
run rmmod vhost_vdpa
expect_eq "$(pins)" "$pins0" "pins at the end"

step "vdpa dev del while calls wait on page faults userspace never serves"
load vhost_vdpa
new_dev
rm -f flag stuck.out
vhost_client stuck "/dev/$node" "$WORK/flag" >stuck.out 2>&1 &
stuck_pid=$!
wait_for 20 grep -q STUCK stuck.out || {
	cat stuck.out
	fail "the client's calls did not get stuck"
}
cat stuck.out
# Removal must not wait for them: it would hang for ever.
run timeout 20 vdpa dev del v0
expect_gone "/dev/$node"
touch flag
rc=0
wait "$stuck_pid" || rc=$?
sed 's/^/    /' stuck.out
[ "$rc" -eq 0 ] || fail "the stuck calls did not end cleanly after removal"
expect_eq "$(pins)" "$pins0" "pins after the stuck calls"

step "a reset waits for an IOTLB update that waits on a page fault"
load vhost_vdpa
new_dev
run vhost_client reset-mid-pin "/dev/$node"
run vdpa dev del v0
expect_eq "$(pins)" "$pins0" "pins after the reset in the middle of pinning"

step "open/close many times"
load vhost_vdpa
new_dev
i=0
while [ $i -lt 20 ]; do
	vhost_client net "/dev/$node" -n 2 >/dev/null 2>&1 ||
		fail "run $i failed"
	i=$((i + 1))
done
run vdpa dev del v0
expect_eq "$(pins)" "$pins0" "pins at the end"
