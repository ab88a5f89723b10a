#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# QEMU 7.2 as the real vhost-vdpa client: a nested QEMU (TCG inside the
# TCG test VM) gives a tiny guest a virtio-net-pci whose datapath is the
# net simulator behind /dev/vhost-vdpa-N. The guest brings its link up,
# pings a neighbour and counts the frames the simulator loops back.
#
# Guest RAM is QEMU's default private memory: vhost-vdpa pins the pages,
# so no shared memory backend is needed. QEMU writes its own MAC into the
# device and the guest reads it back from the device's config space: the
# simulator's config must follow.
#
# Nested TCG takes about a minute per run here; the debug kernel makes it
# several, so that tier runs it only with VDPA_SLOW_TESTS=1 on the host.

. "${0%/*}/lib.sh"

INNER=/usr/share/vdpatest/inner
DEV_MAC=02:00:00:00:00:01
GUEST_MAC=52:54:00:12:34:56

command -v qemu-system-x86_64 >/dev/null || skip "no QEMU in the image"
[ -r "$INNER/vmlinuz" ] || skip "no inner guest in the image"
if [ "$TIER" = debug ] && ! grep -q 'vdpatest.slow=1' /proc/cmdline; then
	skip "nested QEMU on the debug kernel is slow: VDPA_SLOW_TESTS=1 runs it"
fi

pins()
{
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null || true
	awk '/^nr_foll_pin_acquired/ { a = $2 }
	     /^nr_foll_pin_released/ { r = $2 }
	     END { print a - r }' /proc/vmstat
}

# inner KEY: the rest of the guest's "INNER: KEY ..." line.
inner()
{
	sed -n "s/^INNER: $1 //p" guest.log | tr -d '\r' | tail -n 1
}

pins0=$(pins)
load vdpa_sim_net vhost_vdpa
run vdpa dev add name v0 mgmtdev vdpasim_net mac $DEV_MAC
node=$(ls /sys/bus/vdpa/devices/v0/vhost-vdpa/)
wait_for 5 test -c "/dev/$node" || fail "/dev/$node did not appear"

step "QEMU boots a guest on -netdev vhost-vdpa"
set -- qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m 256M \
	-nodefaults -no-user-config -display none -no-reboot \
	-serial file:guest.log \
	-kernel "$INNER/vmlinuz" -initrd "$INNER/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 quiet" \
	-netdev "type=vhost-vdpa,vhostdev=/dev/$node,id=n0" \
	-device "virtio-net-pci,netdev=n0,mac=$GUEST_MAC"
log "\$ $(cmdline "$@")"
t0=$(date +%s)
rc=0
timeout 400 "$@" >qemu.out 2>&1 || rc=$?
t1=$(date +%s)
sed 's/^/    /' qemu.out
log "QEMU ran $((t1 - t0))s, exit status $rc"
grep '^INNER:' guest.log | tr -d '\r' | sed 's/^/    guest: /'
[ "$rc" -eq 0 ] || {
	tail -n 30 guest.log | sed 's/^/    /'
	fail "QEMU exited with status $rc"
}

step "the guest's frames came back"
expect_eq "$(inner mac)" "$GUEST_MAC" "the guest's MAC"
expect_eq "$(inner operstate)" up "the guest's link"
sent=$(inner sent | cut -d' ' -f1)
received=$(inner sent | sed -n 's/.* received \([0-9]*\).*/\1/p')
expect_ge "${sent:-0}" 10 "frames the guest sent"
expect_eq "${received:-0}" "$sent" "frames looped back to the guest"

step "the device is clean afterwards"
run vdpa dev del v0
expect_eq "$(pins)" "$pins0" "pages pinned (FOLL_PIN) compared to the start"
