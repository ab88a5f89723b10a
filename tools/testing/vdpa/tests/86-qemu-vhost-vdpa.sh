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
# Nested TCG takes about 90 s per run on Debian's kernel, 105 s on the
# debug kernel.

. "${0%/*}/lib.sh"

INNER=/usr/share/vdpatest/inner
DEV_MAC=02:00:00:00:00:01
GUEST_MAC=52:54:00:12:34:56

command -v qemu-system-x86_64 >/dev/null || skip "no QEMU in the image"
[ -r "$INNER/vmlinuz" ] || skip "no inner guest in the image"


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
# The pings and whatever else the guest's stack sent (IPv6 neighbour
# discovery...) come back. Known issue, not explained yet: now and then
# one or two of them (of ~15) are not seen by the inner guest within 20 s;
# allow for two.
expect_ge "${received:-0}" 10 "frames looped back to the guest"
expect_ge "${received:-0}" "$((sent - 2))" "frames looped back to the guest"

step "the device is clean afterwards"
run vdpa dev del v0
expect_eq "$(pins)" "$pins0" "pages pinned (FOLL_PIN) compared to the start"
