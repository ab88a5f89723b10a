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
# Every frame is accounted for: the guest sends its ten pings and nothing
# else, and must see exactly as many frames back as it sent; the
# simulator's own counters must show every frame it was given over the
# whole run (QEMU's resets included) delivered, none dropped.
#
# Nested TCG makes QEMU run 2 to 3 minutes on either kernel, most of it
# the inner kernel's boot (about 110 s of its own clock, 2.5 s under plain
# TCG). QEMU gets 9 minutes:
# a run that needs them shows it in the guest's "booted" and "done" times.

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

# inner_done: the guest printed its last line, or QEMU is gone.
inner_done()
{
	grep -q "^INNER: rx_dropped" guest.log || ! kill -0 "$qemu_pid"
}

pins0=$(pins)
load vdpa_sim_net vhost_vdpa
run vdpa dev add name v0 mgmtdev vdpasim_net mac $DEV_MAC
node=$(vhost_node v0)
node=${node#/dev/}

step "QEMU boots a guest on -netdev vhost-vdpa"
# No CMPXCHG16B (the guest's kernel then uses its own emulation of it):
# QEMU 7.2's TCG computes the flags after one from a stale cc_op, so a
# guest resumed by an interrupt return just before it goes on with bits of
# an unrelated register as its flags (DF, AC, NT...) and its kernel dies
# wherever that lands (seen: SLUB's fast path with EFLAGS = a pointer's
# low half, text_poke_early() in boot, a second vCPU's boot). Fixed in
# QEMU 8.0, which inlines the instruction.
set -- qemu-system-x86_64 -accel tcg -cpu max,cx16=off -smp 1 -m 256M \
	-nodefaults -no-user-config -display none -no-reboot \
	-serial file:guest.log \
	-kernel "$INNER/vmlinuz" -initrd "$INNER/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 quiet mitigations=off" \
	-netdev "type=vhost-vdpa,vhostdev=/dev/$node,id=n0" \
	-device "virtio-net-pci,netdev=n0,mac=$GUEST_MAC"
log "\$ $(cmdline "$@")"

# boot_inner: run QEMU until the guest powers off; the device's counters
# are read while it runs (the guest waits a little after its last line).
boot_inner()
{
	rm -f guest.log
	t0=$(date +%s)
	rc=0
	timeout -s KILL 540 "$@" >qemu.out 2>&1 &
	qemu_pid=$!
	dev_tx= dev_rx= dev_drop=
	if wait_for 520 inner_done &&
	   grep -q "^INNER: rx_dropped" guest.log; then
		quiet vdpa -j dev vstats show v0 qidx 1
		dev_tx=$(jget vstats v0 sent_frames)
		quiet vdpa -j dev vstats show v0 qidx 0
		dev_rx=$(jget vstats v0 received_frames)
		dev_drop=$(jget vstats v0 dropped_frames)
	fi
	wait "$qemu_pid" || rc=$?
	t1=$(date +%s)
	sed 's/^/    /' qemu.out
	log "QEMU ran $((t1 - t0))s, exit status $rc"
	grep '^INNER:' guest.log | tr -d '\r' | sed 's/^/    guest: /'
	# QEMU's status says little (it exits 0 when its guest panics): the
	# guest's console says what happened.
	if [ "$rc" -ne 0 ] || ! grep -q "^INNER: rx_dropped" guest.log; then
		log "the guest's console, last 40 lines:"
		tail -n 40 guest.log | tr -d '\r' | sed 's/^/    /'
	fi
}

boot_inner "$@"
[ "$rc" -eq 0 ] || fail "QEMU exited with status $rc"

log "simulator: sent $dev_tx, received $dev_rx, dropped $dev_drop"

step "the guest's frames came back"
expect_eq "$(inner mac)" "$GUEST_MAC" "the guest's MAC"
expect_eq "$(inner operstate)" up "the guest's link"
# ping.out's last line: "10 packets transmitted, 0 packets received, ...".
expect_eq "$(inner ping.out | cut -d' ' -f1)" 10 "pings sent, as ping counts them"
sent=$(inner sent | cut -d' ' -f1)
received=$(inner sent | sed -n 's/.* received \([0-9]*\).*/\1/p')
expect_eq "$sent" 10 "frames the guest sent (its ten pings)"
expect_eq "$received" "$sent" "frames looped back to the guest"

step "the simulator delivered every frame it was given"
expect_eq "$dev_drop" 0 "frames the simulator dropped"
expect_eq "$dev_rx" "$dev_tx" "frames delivered of those sent"
expect_ge "$dev_tx" 10 "frames the simulator was given"

step "the device is clean afterwards"
run vdpa dev del v0
expect_eq "$(pins)" "$pins0" "pages pinned (FOLL_PIN) compared to the start"
