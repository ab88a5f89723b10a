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
# whole run (QEMU's resets included) delivered or filtered, none dropped.
#
# The devices offer the receive filters (CTRL_RX, CTRL_VLAN), and QEMU
# without shadow virtqueues hands the guest's control queues to them. The
# guest has a second NIC: v0's control queue is presented by the vDPA core
# (vdpasim_net), v1's is the simulator's own (vdpasim_net_hwcvq), and both
# must behave the same. On each, the guest pings with promiscuous mode off
# (its frames, addressed to the neighbour, must be filtered), then on, then
# takes the neighbour's address as its own (they must come back); pings a
# multicast group not joined (filtered), joined, and with allmulticast;
# pings on a VLAN it added; then goes to two queue pairs and sends five
# frames on each (pktgen), which the device must count on that pair.
#
# Nested TCG makes QEMU run 7 to 9 minutes: the inner kernel's boot
# (about 110 s of its own clock, 2.5 s under plain TCG), then the 16
# control steps (about 15 s each: the real ip loading its libraries, ping,
# pktgen). QEMU gets 15 minutes: a run that needs them shows it in the
# guest's "booted" and "done" times.
# vdpatest-timeout: 1000

. "${0%/*}/lib.sh"

INNER=/usr/share/vdpatest/inner
DEV_MAC=02:00:00:00:00:01
GUEST_MAC=52:54:00:12:34:56
GUEST_MAC1=52:54:00:12:34:57
# The simulator's default features with CTRL_RX, CTRL_VLAN, CTRL_RX_EXTRA.
FEATURES=0x330ff0028

# One tier each for the two nested-QEMU tests (about 8 minutes apiece
# under nested TCG): this one on Debian's kernel, as operators run QEMU;
# 86-qemu-migration.sh on the debug kernel, whose KASAN and lockdep watch
# the same vhost-vdpa paths and more (maps, logging, reset-first stops).
[ "$TIER" != debug ] || skip "nested QEMU runs on the distro tier only"
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
run vdpa_nl add v0 vdpasim_net mac $DEV_MAC features $FEATURES max_vqp 2
run vdpa_nl add v1 vdpasim_net_hwcvq mac $DEV_MAC features $FEATURES max_vqp 2
node=$(vhost_node v0)
node=${node#/dev/}
node1=$(vhost_node v1)

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
	-append "console=ttyS0 panic=-1 quiet mitigations=off vdpatest=filter" \
	-netdev "type=vhost-vdpa,vhostdev=/dev/$node,id=n0" \
	-device "virtio-net-pci,netdev=n0,mac=$GUEST_MAC,mq=on,vectors=6" \
	-netdev "type=vhost-vdpa,vhostdev=$node1,id=n1" \
	-device "virtio-net-pci,netdev=n1,mac=$GUEST_MAC1,mq=on,vectors=6"
log "\$ $(cmdline "$@")"

# boot_inner: run QEMU until the guest powers off; the device's counters
# are read while it runs (the guest waits a little after its last line).
boot_inner()
{
	rm -f guest.log
	t0=$(date +%s)
	rc=0
	timeout -s KILL 900 "$@" >qemu.out 2>&1 &
	qemu_pid=$!
	if wait_for 880 inner_done &&
	   grep -q "^INNER: rx_dropped" guest.log; then
		for d in v0 v1; do
			quiet vdpa -j dev vstats show $d qidx 1
			eval "${d}_tx=\$(jget vstats $d sent_frames)"
			quiet vdpa -j dev vstats show $d qidx 0
			eval "${d}_rx=\$(jget vstats $d received_frames)"
			eval "${d}_drop=\$(jget vstats $d dropped_frames)"
			eval "${d}_filtered=\$(jget vstats $d filtered_frames)"
			quiet vdpa -j dev vstats show $d qidx 3
			eval "${d}_tx1=\$(jget vstats $d sent_frames)"
			quiet vdpa -j dev vstats show $d qidx 2
			eval "${d}_rx1=\$(jget vstats $d received_frames)"
		done
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

for d in v0 v1; do
	eval "tx=\$${d}_tx rx=\$${d}_rx filtered=\$${d}_filtered drop=\$${d}_drop"
	log "$d: sent $tx, received $rx, filtered $filtered, dropped $drop"
done

step "the guest's frames came back"
expect_eq "$(inner mac)" "$GUEST_MAC" "the guest's MAC"
expect_eq "$(inner operstate)" up "the guest's link"
# ping.out's last line: "10 packets transmitted, 0 packets received, ...".
expect_eq "$(inner ping.out | cut -d' ' -f1)" 10 "pings sent, as ping counts them"
sent=$(inner sent | cut -d' ' -f1)
received=$(inner sent | sed -n 's/.* received \([0-9]*\).*/\1/p')
expect_eq "$sent" 10 "frames the guest sent (its ten pings)"
expect_eq "$received" "$sent" "frames looped back to the guest"

for m in $GUEST_MAC $GUEST_MAC1; do
	step "NIC $m: its control commands, through QEMU, changed the filter"
	expect_eq "$(inner "filter $m promisc-off")" "sent 5 received 0" \
		"pings to the neighbour, not promiscuous"
	expect_eq "$(inner "filter $m promisc-on")" "sent 5 received 5" \
		"pings to the neighbour, promiscuous"
	expect_eq "$(inner "filter $m station")" "sent 5 received 5" \
		"pings to the neighbour, whose address the NIC took"
	expect_eq "$(inner "filter $m mcast")" "sent 5 received 0" \
		"pings to a group not joined"
	expect_eq "$(inner "filter $m mcast-joined")" "sent 5 received 5" \
		"pings to a group joined"
	expect_eq "$(inner "filter $m mcast-allmulti")" "sent 5 received 5" \
		"pings to a group, allmulticast"
	expect_eq "$(inner "filter $m vlan")" "sent 5 received 5" \
		"pings on VLAN 100, added"
	expect_eq "$(inner "filter $m pairs")" "sent 10 received 10" \
		"frames on two queue pairs"
done

step "each simulator delivered or filtered every frame it was given"
# Pair 0: v0 the ten pings and seven rounds of five, v1 the seven rounds;
# pair 1: pktgen's five frames on each, nothing else.
for d in v0:45 v1:35; do
	eval "tx=\$${d%:*}_tx rx=\$${d%:*}_rx tx1=\$${d%:*}_tx1 rx1=\$${d%:*}_rx1"
	eval "filtered=\$${d%:*}_filtered drop=\$${d%:*}_drop"
	expect_eq "$drop" 0 "frames ${d%:*} dropped"
	expect_eq "$filtered" 10 "frames ${d%:*} filtered"
	expect_eq "$((rx + filtered))" "$tx" "frames ${d%:*} delivered or filtered"
	expect_ge "$tx" "${d#*:}" "frames ${d%:*} was given on pair 0"
	expect_eq "$tx1" 5 "frames ${d%:*} was given on pair 1"
	expect_eq "$rx1" 5 "frames ${d%:*} delivered on pair 1"
done

step "the device is clean afterwards"
run vdpa dev del v0
run vdpa dev del v1
expect_eq "$(pins)" "$pins0" "pages pinned (FOLL_PIN) compared to the start"
