#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# QEMU 7.2 live-migrates a running guest between our devices. The guest
# (86-qemu-vhost-vdpa.sh's, nested under TCG) pings through a
# virtio-net-pci whose datapath is a net simulator behind vhost-vdpa, in
# rounds, from its boot until it is told to stop, and moves meanwhile
# A -> B -> C -> D over two devices, v0 and v1, in both ways QEMU 7.2
# migrates a vhost-vdpa netdev:
#   A (v0) -> B (v1): the device logs what it writes (vhost_vdpa's
#           dirty_log: VHOST_F_LOG_ALL and the log), QEMU drives the rings
#           from the guest's memory directly; QEMU 7.2 stops the source by
#           a reset and reads the queue positions after;
#   B (v1) -> C (v0): from a logging device to shadow virtqueues
#           (x-svq=on), QEMU relaying the rings and logging what it writes;
#   C (v0) -> D (v1): shadow virtqueues on both ends (QEMU 7.2's own way);
#           the guest has set a MAC of its own through the control queue
#           on C, and D replays the control state into v1.
# Not tested, because QEMU 7.2 cannot: shadow virtqueues to a destination
# without them. 7.2 passes the source's last avail index to the
# destination device before it rewinds the buffers the shadow rings held
# (fixed in QEMU 8.0), so every posted RX buffer is lost there.
#
# Then a second guest, E (v2) -> F (v3), on devices with the simulator's
# own features, VIRTIO_NET_F_GUEST_ANNOUNCE among them (QEMU 7.2 cannot
# have it with shadow virtqueues): F's device, started where E's stopped,
# asks the guest to announce itself.
#
# Checked: every migration completes (QEMU's downtime is reported) and
# the destination starts with the source's memory, byte for byte; the
# guest pings on every leg and every frame it sent came back (its own
# counters, exact); it sent its pings and nothing else, but for one
# announcement after E -> F, acknowledged on v3's control queue; the
# devices' counters, kept over resets for their life, add up to the
# guest's (frames v0 and v1 took = frames the guest sent = frames
# delivered, none dropped); v1 has the guest's MAC after D; every page
# pinned (the logs' among them) is unpinned at the end.
#
# v0's control queue is the vDPA core's (vdpasim_net), v1's the
# simulator's own (vdpasim_net_hwcvq): QEMU's shadow control queue drives
# both, and the state C set through one is replayed into the other on D.
#
# The simulators leave out VIRTIO_RING_F_INDIRECT_DESC: QEMU 7.2's shadow
# virtqueues refuse devices that offer it. The same features on both, as
# migration requires; iproute2 6.1 cannot provision them: vdpa_nl does.
# dirty_log is read when a node is opened: on for A and B, off for C and
# D (QEMU 7.2 refuses shadow virtqueues on a device that can log).
#
# The guest has no CMPXCHG16B: QEMU 7.2's TCG gets its flags wrong (see
# 86-qemu-vhost-vdpa.sh), which killed the guest's kernel at random.
#
# After every migration the destination's memory, before it runs, must be
# the source's byte for byte: a page the device wrote and did not log
# shows here at once, named, instead of as a crash some rounds later.
# The guest has 128 MiB and 8 KiB, not 128 MiB: QEMU 7.2's TCG loses
# guest stores while it migrates RAM blocks whose size is a multiple of
# 64 pages. Its fast bitmap sync clears their dirty bits without
# resetting the vCPU's TLB, so stores through entries already in the TLB
# mark nothing (fixed in QEMU 9.0, commit 03bfc2188f "physmem: Fix
# migration dirty bitmap coherency with TCG memory access"). Another
# size takes the slow sync, which resets the TLB. With 128 MiB, pages
# the guest wrote on B reached C stale (clock values, a process's GOT)
# and C's kernel crashed now and then; QEMU 7.2 alone, without any
# vhost device, loses pages the same way (a guest storing in a loop).
#
# Nested TCG: a guest boots in about 75 s, a migration takes 2 to 60 s,
# the whole test about 700 s unloaded (1,800 s leaves room for a loaded
# host: make soak-migration).
# vdpatest-timeout: 1800

. "${0%/*}/lib.sh"

INNER=/usr/share/vdpatest/inner
PARAM=/sys/module/vhost_vdpa/parameters/dirty_log
# The guest's RAM: 128 MiB and 8 KiB (see above), in bytes for pmemsave.
GUEST_RAM=131080K
GUEST_RAM_BYTES=$((131080 * 1024))
DEV_MAC=02:00:00:00:00:01
GUEST_MAC=52:54:00:12:34:56
# The guest's own, set through the control queue (qemu/inner-init.sh).
NEW_MAC=52:54:00:12:34:99
# VERSION_1 ACCESS_PLATFORM EVENT_IDX MAC MTU STATUS CTRL_VQ CTRL_MAC_ADDR MQ
FEATURES=0x320c30028

# One tier each for the two nested-QEMU tests (see 86-qemu-vhost-vdpa.sh):
# this one on the debug kernel.
[ "$TIER" != distro ] || skip "nested QEMU runs on the debug tier only"
command -v qemu-system-x86_64 >/dev/null || skip "no QEMU in the image"
[ -r "$INNER/vmlinuz" ] || skip "no inner guest in the image"

# qemu_start NAME NODE SVQ [INCOMING]: QEMU NAME in the background on
# vhost-vdpa node NODE; with INCOMING it listens there for a migration
# and stays paused after it. Its serial console and monitor are FIFO
# pairs (NAME.in/.out, NAME-mon.in/.out), their output copied to NAME.log
# and NAME-mon.log; the guest's console follows it from QEMU to QEMU.
qemu_start()
{
	name=$1
	for f in "$name" "$name-mon"; do
		mkfifo "$f.in" "$f.out"
		cat "$f.out" >"$f.log" &
	done
	set -- qemu-system-x86_64 -accel tcg -cpu max,cx16=off -smp 1 -m "$GUEST_RAM" \
		-nodefaults -no-user-config -display none -no-reboot \
		-chardev "pipe,id=ser,path=$name" -serial chardev:ser \
		-chardev "pipe,id=mon,path=$name-mon" \
		-mon chardev=mon,mode=readline \
		-kernel "$INNER/vmlinuz" -initrd "$INNER/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 quiet mitigations=off vdpatest=migrate" \
		-netdev "type=vhost-vdpa,vhostdev=$2,id=n0,x-svq=$3" \
		-device "virtio-net-pci,netdev=n0,mac=$GUEST_MAC" \
		${4:+-S -incoming "unix:$PWD/$4"}
	log "\$ $(cmdline "$@")"
	timeout -s KILL 1200 "$@" >"$name.qemu" 2>&1 &
	eval "pid_$name=\$!"
}

# mon_type NAME COMMAND: COMMAND into QEMU NAME's monitor, unless it does not
# take it within 5 s (a FIFO blocks while nobody reads it).
mon_type()
{
	timeout 5 sh -c 'printf "%s\n" "$2" >"$1-mon.in"' sh "$1" "$2"
}

# mon NAME COMMAND: type COMMAND into QEMU NAME's monitor.
mon()
{
	mon_type "$1" "$2" || fail "QEMU $1's monitor does not take \"$2\""
}

# answers NAME: QEMU NAME's monitor answers.
answers()
{
	mon_type "$1" "info status" && sleep 1 && grep -q "VM status" "$1-mon.log"
}

# migrated NAME: QEMU NAME's last "info migrate" says it completed (or
# failed: the caller looks).
migrated()
{
	mon "$1" "info migrate"
	sleep 1
	grep -q "^Migration status: \(completed\|failed\)" "$1-mon.log"
}

# round NAME: the guest's last round as QEMU NAME's console shows it, 0
# before the first.
round()
{
	n=$(sed -n 's/^INNER: round \([0-9]*\) .*/\1/p' "$1.log" | tail -n 1)
	echo "${n:-0}"
}

# rounds_past NAME N: the guest finished round N on QEMU NAME.
rounds_past() { [ "$(round "$1")" -gt "$2" ] 2>/dev/null; }

# saved FILE: a pmemsave into FILE is complete.
saved() { [ "$(wc -c <"$1")" -eq "$GUEST_RAM_BYTES" ]; }

# same_memory FROM TO: the guest's memory on TO, paused since it came in,
# is what it was on FROM when FROM stopped, byte for byte.
same_memory()
{
	# pmemsave's arguments are expressions: a relative file name, in
	# QEMU's directory (this one).
	for q in "$1" "$2"; do
		mon "$q" "pmemsave 0 $GUEST_RAM_BYTES $q.mem"
	done
	for q in "$1" "$2"; do
		wait_for 120 saved "$q.mem" || fail "QEMU $q did not save its memory"
	done
	if ! cmp -s "$1.mem" "$2.mem"; then
		cmp -l "$1.mem" "$2.mem" >mem.diff || true
		awk '{ printf "0x%x\n", int(($1 - 1) / 4096) }' mem.diff |
			uniq >mem.pages
		log "guest frames that differ: $(head -n 20 mem.pages | tr '\n' ' ')"
		fail "the guest's memory on $2 differs from $1's:" \
		     "$(wc -l <mem.diff) bytes in $(wc -l <mem.pages) pages"
	fi
	rm -f "$1.mem" "$2.mem"
}

# migrate FROM TO SOCKET: FROM's guest goes to TO, listening on SOCKET,
# arrives whole, and runs there.
migrate()
{
	mon "$1" "migrate -d unix:$PWD/$3"
	wait_for 300 migrated "$1" || fail "migration $1 -> $2 did not finish"
	sed -n '/^Migration status/,$p' "$1-mon.log" | tr -d '\r' |
		grep -E "^(Migration status|total time|downtime|transferred ram)" |
		tail -n 4 | sed 's/^/    /'
	grep -q "^Migration status: completed" "$1-mon.log" ||
		fail "migration $1 -> $2 failed"
	downtime=$(sed -n 's/^downtime: \([0-9]*\) ms.*/\1/p' "$1-mon.log" |
		   tail -n 1)
	log "migration $1 -> $2: downtime $downtime ms"
	same_memory "$1" "$2"
	mon "$2" cont
}

# show_qemu NAME: what QEMU NAME and the guest said, for the log.
show_qemu()
{
	sed 's/^/    qemu '"$1"': /' "$1.qemu"
	grep '^INNER:' "$1.log" | tr -d '\r' | sed 's/^/    guest on '"$1"': /'
}

# stuck NAME: QEMU NAME's state and the guest's last console lines, then
# fail.
stuck()
{
	eval "p=\$pid_$1"
	[ -n "$(qemu_of "$p")" ] || log "QEMU $1 is gone"
	mon_type "$1" "info status" || log "QEMU $1's monitor does not answer"
	mon_type "$1" "info migrate" || true
	sleep 2
	show_qemu "$1"
	tr -d '\r' <"$1-mon.log" | tail -n 20 | sed 's/^/    monitor '"$1"': /'
	# From the guest kernel's first report on, if it has one.
	grep -v '^INNER:' "$1.log" | tr -d '\r' >"$1.console"
	if grep -qE "BUG:|Oops|general protection|Kernel panic" "$1.console"; then
		sed -nE '/BUG:|Oops|general protection|Kernel panic/,$p' \
			"$1.console" | head -n 60
	else
		tail -n 30 "$1.console"
	fi | sed 's/^/    console '"$1"': /'
	fail "$2"
}

# qemu_of PID: QEMU's PID, the child of timeout PID, while it runs
# (busybox has no pgrep).
qemu_of()
{
	for st in /proc/[0-9]*/stat; do
		read -r qp _comm _state ppid _rest <"$st" 2>/dev/null || continue
		[ "$ppid" = "$1" ] && echo "$qp"
	done
	return 0
}

# stacks PID: where the threads of QEMU (the child of timeout PID) are.
stacks()
{
	for t in /proc/$(qemu_of "$1")/task/*; do
		log "    thread ${t##*/} ($(cat "$t/comm")): $(cat "$t/wchan")"
		sed 's/^/        /' "$t/stack"
	done
}

qemu_gone() { [ -z "$(qemu_of "$1")" ]; }

# quit NAME: QEMU NAME, whose guest went on elsewhere, exits.
quit()
{
	mon "$1" quit
	eval "p=\$pid_$1"
	if ! wait_for 60 qemu_gone "$p"; then
		stacks "$p"
		fail "QEMU $1 does not exit"
	fi
	rc=0
	wait "$p" || rc=$?
	eval "pid_$1="
	[ "$rc" -eq 0 ] || fail "QEMU $1 exited with status $rc"
}

pid_a= pid_b= pid_c= pid_d= pid_e= pid_f=
stop_all()
{
	for p in "$pid_a" "$pid_b" "$pid_c" "$pid_d" "$pid_e" "$pid_f"; do
		if [ -n "$p" ]; then
			kill -KILL "$p" 2>/dev/null || true
		fi
	done
	wait
	echo N >"$PARAM"
}
AT_EXIT=stop_all

# leg FROM TO NODE SVQ: QEMU TO starts on NODE listening for FROM's
# guest, which moves there mid-traffic; FROM exits.
leg()
{
	step "$1 -> $2: $2 on $3, $([ "$4" = on ] && echo "shadow virtqueues" ||
		echo "the device logging")"
	qemu_start "$2" "$3" "$4" "$2.sock"
	wait_for 60 answers "$2" || stuck "$2" "QEMU $2 did not start"
	r=$(round "$1")
	wait_for 120 rounds_past "$1" "$r" ||
		stuck "$1" "the guest does not ping on $1"
	migrate "$1" "$2" "$2.sock"
	eval "down_$1$2=\$downtime"
	quit "$1"
	r=$(round "$2")
	wait_for 120 rounds_past "$2" "$r" ||
		stuck "$2" "the guest does not ping on $2"
}

pins0=$(pins)
load vdpa_sim_net vhost_vdpa
run vdpa_nl add v0 vdpasim_net mac "$DEV_MAC" features "$FEATURES"
run vdpa_nl add v1 vdpasim_net_hwcvq mac "$DEV_MAC" features "$FEATURES"
v0=$(vhost_node v0)
v1=$(vhost_node v1)

step "QEMU A boots the guest on v0, the device logging"
echo Y >"$PARAM"
qemu_start a "$v0" off
wait_for 540 rounds_past a 1 || stuck a "the guest did not ping on A"

leg a b "$v1" off
echo N >"$PARAM"
leg b c "$v0" on

step "the guest sets a MAC of its own, through the control queue"
timeout 10 sh -c 'echo mac >c.in' || fail "C's console does not take input"
wait_for 60 grep -q "^INNER: mac now" c.log || stuck c "no MAC set"
expect_eq "$(sed -n 's/^INNER: mac now //p' c.log | tr -d '\r')" "$NEW_MAC" \
	"the guest's MAC"

leg c d "$v1" on

step "the guest stops; every frame is accounted for"
timeout 10 sh -c 'echo stop >d.in' || fail "D's console does not take input"
wait_for 120 grep -q "^INNER: rx_dropped" d.log || stuck d "the guest did not stop"
# vstats wants a driver that negotiated features: v1 has D (its counters
# hold B's leg and D's), v0 nobody since C left (its counters, kept for
# the device's life, hold A's and C's): our client negotiates, no more.
vhost_client features-ok "$v0" "$WORK/v0-read" >v0-ok.out 2>&1 &
ok_pid=$!
wait_for 20 grep -q FEATURES_OK v0-ok.out || fail "v0: no features negotiated"
tx=0 rx=0 drop=0
for d in v0 v1; do
	quiet vdpa -j dev vstats show "$d" qidx 1
	t=$(jget vstats "$d" sent_frames)
	quiet vdpa -j dev vstats show "$d" qidx 0
	r=$(jget vstats "$d" received_frames)
	dr=$(jget vstats "$d" dropped_frames)
	log "$d: sent $t, received $r, dropped $dr"
	tx=$((tx + t)) rx=$((rx + r)) drop=$((drop + dr))
done
touch "$WORK/v0-read"
wait "$ok_pid" || fail "vhost_client features-ok failed"
quiet vdpa -j dev config show v1
mac=$(jget config v1 mac)
rc=0
wait "$pid_d" || rc=$?
pid_d=
for q in a b c d; do show_qemu $q; done
[ "$rc" -eq 0 ] || fail "QEMU D exited with status $rc"

# round_sent NAME: frames the guest had sent by its last round on NAME.
round_sent()
{
	sed -n 's/^INNER: round [0-9]* sent \([0-9]*\) .*/\1/p' "$1.log" |
		tr -d '\r' | tail -n 1
}
# final NAME: the guest's last counters, on QEMU NAME: sent, received and
# the pings it sent.
final()
{
	sent=$(sed -n 's/^INNER: sent \([0-9]*\) .*/\1/p' "$1.log" | tr -d '\r')
	received=$(sed -n 's/^INNER: sent .* received \([0-9]*\).*/\1/p' \
		   "$1.log" | tr -d '\r')
	pings=$(sed -n 's/^INNER: pings //p' "$1.log" | tr -d '\r')
}
final d
for q in a b c d; do
	log "guest on $q: to round $(round $q), $(round_sent $q) frames sent by then"
done
log "guest: sent $sent, received $received; devices: sent $tx," \
    "received $rx, dropped $drop"
log "downtime: A -> B $down_ab ms, B -> C $down_bc ms, C -> D $down_cd ms"
expect_ge "$sent" 10 "frames the guest sent"
expect_eq "$sent" "$pings" "frames the guest sent: its pings, nothing else"
expect_eq "$received" "$sent" "frames that came back to the guest"
expect_eq "$tx" "$sent" "frames v0 and v1 took from the guest"
expect_eq "$rx" "$tx" "frames v0 and v1 delivered"
expect_eq "$drop" 0 "frames v0 and v1 dropped"
expect_eq "$mac" "$NEW_MAC" "v1's MAC after D replayed the control state"

run vdpa dev del v0
run vdpa dev del v1

# The simulator's own features this time, GUEST_ANNOUNCE among them: QEMU
# 7.2 cannot have it with shadow virtqueues, so a second guest moves
# between two devices that log, E (v2) -> F (v3). v3 starts at the queue
# positions E left, which tells v3 that the driver continues a session:
# it asks the guest to announce itself, the guest sends a gratuitous ARP
# and acknowledges through the control queue.
step "QEMU E boots a guest on v2 with GUEST_ANNOUNCE, the device logging"
for d in v2 v3; do
	run vdpa dev add name "$d" mgmtdev vdpasim_net mac "$DEV_MAC"
done
v2=$(vhost_node v2)
v3=$(vhost_node v3)
echo Y >"$PARAM"
qemu_start e "$v2" off
wait_for 540 rounds_past e 1 || stuck e "the guest did not ping on E"
leg e f "$v3" off

step "on F, the guest announced itself"
timeout 10 sh -c 'echo stop >f.in' || fail "F's console does not take input"
wait_for 120 grep -q "^INNER: rx_dropped" f.log ||
	stuck f "the guest did not stop"
quiet vdpa -j dev config show v3
# iproute2 6.1's JSON key has a trailing space ("link_announce ").
announce=$(jget config v3 "link_announce ")
quiet vdpa -j dev vstats show v3 qidx 2
commands=$(jget vstats v3 commands)
command_errors=$(jget vstats v3 command_errors)
rc=0
wait "$pid_f" || rc=$?
pid_f=
for q in e f; do show_qemu $q; done
[ "$rc" -eq 0 ] || fail "QEMU F exited with status $rc"
final f
log "guest: sent $sent ($pings pings), received $received;" \
    "v3's control queue: $commands commands, $command_errors refused;" \
    "downtime E -> F $down_ef ms"
expect_eq "$received" "$sent" "frames that came back to the guest"
expect_ge "$((sent - pings))" 1 "frames beyond the pings: the announcement"
expect_ge "$commands" 1 "commands on v3's control queue (the acknowledgment)"
expect_eq "$command_errors" 0 "commands v3 refused"
expect_eq "$announce" false "v3 still asking for an announcement"

step "the devices go, and every page pinned with them"
run vdpa dev del v2
run vdpa dev del v3
expect_eq "$(pins)" "$pins0" "pages pinned (FOLL_PIN) compared to the start"
