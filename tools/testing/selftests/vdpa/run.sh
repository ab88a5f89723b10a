#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vDPA test suite in one command: build the modules, build an
# initramfs, boot a 6.12 kernel in QEMU (TCG), run every tests/NN-*.sh of
# this directory in that one boot, report.
#
#   run.sh [-v] [--tier T] [PATTERN...]  run the tests (all, or those matching)
#   run.sh --demo               run $VDPA_GUEST_EXTRAS/demo.sh instead
#   run.sh --bench NAME         run $VDPA_GUEST_EXTRAS/bench/NAME.sh instead;
#                               lines it prints as "BENCH ..." are stamped
#                               with the host's clock and bench/report.awk
#                               there turns them into rates and ratios
#   run.sh --shell              boot to a shell on the console
#
# Tiers (--tier or TIER=):
#   distro (default)  the installed 6.12 kernel with the vDPA modules of
#                     this tree built out of tree against it
#   debug             a kernel built from this tree with qemu/kernel.config
#                     and qemu/debug.config (KASAN, lockdep, kmemleak,
#                     UBSAN, ..., and KUnit), linked at $VDPA_BUILD_DIR/
#                     debug-kernel; also runs the KUnit suites and a
#                     kmemleak scan after the last test
#
# Environment:
#   TESTS='10-* 20-*'   test filter, like the PATTERN arguments
#   VERBOSE=1           show the whole serial console, not just results
#   TIMEOUT=2400        seconds before the VM is killed (whole suite;
#                       debug tier: 4800)
#   TEST_TIMEOUT=600    seconds one test may take (debug tier: 1200)
#   NO_BUILD=1          reuse the modules (or debug kernel) as built
#   VDPA_DEPS=CMD       run CMD first, to install what is missing
#   NO_DEPS=1           do not run it
#   VDPA_BUILD_KERNEL=CMD  how the debug tier builds its kernel
#   VDPA_GUEST_EXTRAS=DIR  the demo, benchmarks and initramfs hooks of a
#                       project around the suite (see mkinitramfs.sh)
#   EXTRA_TESTS=DIR     more NN-name.sh tests to run, from DIR
#   KERNEL_ARGS=...     more kernel command line (e.g. fault injection)
#   KDIR, KVER, KERNEL  kernel tree, release and image to use
#   VDPA_BUILD_DIR      where the initramfs and logs go (default .build/)
#
# The last line is "N passed, N failed[, N skipped]"; the exit status is 0
# only when every planned result came, none failed, and every skip is one
# that expected-skips lists for the tier. The boot is a result of its own,
# and so is what the kernel logs after the last test.

set -eu
# shellcheck source=tools/testing/selftests/vdpa/common.sh
. "$(dirname "$0")/common.sh"

MODE="test"
VERBOSE=${VERBOSE:-}
FILTER=${TESTS:-}
TIER=${TIER:-distro}
while [ $# -gt 0 ]; do
	case "$1" in
	--demo) MODE=demo ;;
	--bench) MODE=bench; BENCH=${2:-}; shift ;;
	--shell) MODE=shell ;;
	--tier) TIER=${2:-}; shift ;;
	--tier=*) TIER=${1#--tier=} ;;
	-v|--verbose) VERBOSE=1 ;;
	-h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) die "unknown option $1" ;;
	*) FILTER="$FILTER $1" ;;
	esac
	shift
done
case "$MODE" in
demo|bench)
	[ -n "${VDPA_GUEST_EXTRAS:-}" ] ||
		die "--$MODE needs VDPA_GUEST_EXTRAS (the project's guest directory)"
	;;
esac
# The guest takes a comma-separated list of shell patterns.
FILTER=$(echo "$FILTER" | tr ' ,' '\n\n' | sed '/^$/d' | paste -sd, -)

case "$TIER" in
distro)
	TIMEOUT=${TIMEOUT:-2400}
	TEST_TIMEOUT=${TEST_TIMEOUT:-600}
	;;
debug)
	# KASAN and friends under TCG: several times slower.
	TIMEOUT=${TIMEOUT:-4800}
	TEST_TIMEOUT=${TEST_TIMEOUT:-1200}
	;;
*) die "unknown tier '$TIER' (distro or debug)" ;;
esac

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

T_START=$(now)

# Rerun the apt check cheaply; a fresh machine gets everything here.
if [ -z "${NO_DEPS:-}" ] && [ -n "${VDPA_DEPS:-}" ]; then
	$VDPA_DEPS
	# A fresh install may just have brought the kernel: look again.
	find_kernel
fi
[ "$TIER" = debug ] || check_kernel

# A directory per run: several people may run the suite from one tree.
# Keep the last few; $BUILD_DIR/$MODE.log links to the newest log.
# The debug tier's logs are test-debug.log etc.
NAME=$MODE
[ "$TIER" = distro ] || NAME=$MODE-$TIER
mkdir -p "$BUILD_DIR"
RUN_DIR=$BUILD_DIR/$NAME-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$RUN_DIR"
ls -dt "$BUILD_DIR/$NAME"-2*-* 2>/dev/null | tail -n +6 | xargs -r rm -rf
LOG=$RUN_DIR/console.log
INITRD=$RUN_DIR/initramfs.cpio.gz
TIMING=$RUN_DIR/timing
ln -sfn "${LOG#"$BUILD_DIR"/}" "$BUILD_DIR/$NAME.log"

if [ -n "${NO_BUILD:-}" ]; then
	:
elif [ "$TIER" = debug ]; then
	[ -n "${VDPA_BUILD_KERNEL:-}" ] || die "set VDPA_BUILD_KERNEL," \
		"or NO_BUILD=1 with a kernel built in $BUILD_DIR/debug-kernel"
	if ! $VDPA_BUILD_KERNEL; then
		echo "not ok - the debug kernel did not build"
		echo "0 passed, 1 failed"
		exit 1
	fi
else
	echo "  MAKE    modules (KDIR=$KDIR)"
	if ! make -C "$SRCTREE" --no-print-directory KDIR="$KDIR" modules; then
		echo "not ok - the modules did not build"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi
T_BUILT=$(now)

if [ "$TIER" = debug ]; then
	# What VDPA_BUILD_KERNEL made (a link to its build directory).
	KBUILD=$BUILD_DIR/debug-kernel
	[ -r "$KBUILD/include/config/kernel.release" ] ||
		die "no debug kernel in $KBUILD: run without NO_BUILD"
	KVER=$(cat "$KBUILD/include/config/kernel.release")
	KERNEL=$KBUILD/arch/x86/boot/bzImage
	DISTRO_MODDIR=$KBUILD/modules/lib/modules/$KVER
	SYSTEM_MAP=$KBUILD/System.map
fi
TIER=$TIER KDIR=$KDIR KVER=$KVER KERNEL=$KERNEL DISTRO_MODDIR=$DISTRO_MODDIR \
	SYSTEM_MAP=${SYSTEM_MAP:-} "$HARNESS/mkinitramfs.sh" "$INITRD"

# A log buffer that a chatty test cannot overflow between two reads:
# init counts overwritten records as a failure (a splat may be among them).
APPEND="console=ttyS0 panic=-1 oops=panic mitigations=off log_buf_len=8M"
APPEND="$APPEND vdpatest.mode=$MODE vdpatest.timeout=$TEST_TIMEOUT"
APPEND="$APPEND vdpatest.tier=$TIER"
# A periodic tick. With NOHZ, the switch to the TSC clocksource early in
# boot flips static keys used by hrtimer_start_range_ns(), which the idle
# vCPU runs in a tight loop; multi-threaded TCG (QEMU 7.2) sometimes has
# that vCPU execute the int3 of text_poke_bp() after the patch is done, and
# the boot dies with "Oops: int3" before any module of ours is loaded
# (seen in 3 of some 100 boots of Debian's kernel, once failing CI).
APPEND="$APPEND nohz=off"
[ "$MODE" != bench ] || APPEND="$APPEND vdpatest.bench=$BENCH"
[ -n "$FILTER" ] && APPEND="$APPEND vdpatest.filter=$FILTER"
# KASAN reports only its first bug of a boot unless told otherwise: one
# bug in an early test would hide those of all later ones.
[ "$TIER" != debug ] || APPEND="$APPEND kasan_multi_shot"
APPEND="$APPEND${KERNEL_ARGS:+ $KERNEL_ARGS}"

# A PCIe machine with an IOMMU and three virtio-net-pci NICs on one hub,
# for the PCI parents (1NN-pci-* tests): NIC A has a doorbell page per
# queue, NIC C fewer MSI-X vectors than queues. Each sits on a root port
# of its own, so it has an IOMMU group of its own and can be hot-unplugged.
# The guest reaches QEMU's monitor on its second serial port (ttyS1): a
# client chardev connected to the monitor's own socket.
APPEND="$APPEND intel_iommu=on"
HMP=$RUN_DIR/hmp.sock
nic()
{
	local n=$1 mac=$2 opts=$3
	local dev="virtio-net-pci,id=nic$n,bus=rp$n,netdev=hub$n,mac=$mac"

	NICS+=(-netdev "hubport,id=hub$n,hubid=0"
	       -device "pcie-root-port,id=rp$n,chassis=$n"
	       -device "$dev,disable-legacy=on,iommu_platform=on$opts")
}
NICS=()
nic 1 52:54:00:00:00:0a ",page-per-vq=on"
nic 2 52:54:00:00:00:0b ""
nic 3 52:54:00:00:00:0c ",vectors=2"

# No CMPXCHG16B: QEMU 7.2's TCG computes the flags after it from a stale
# cc_op, so the guest, resumed by an interrupt's return just before one,
# may go on with an unrelated register's bits as its flags (DF, AC, NT...)
# and its kernel dies wherever that lands. The nested guests of the 86-*
# tests died that way (EFLAGS = the low half of a pointer, in SLUB's fast
# path); this kernel runs the same code. Without the instruction the
# kernel uses its own emulation of it. QEMU 8.0 computes the flags right.
QEMU=(qemu-system-x86_64 -accel tcg -cpu max,cx16=off -smp 2 -m 2G
      -machine q35 -device intel-iommu
      -nographic -nodefaults -no-reboot
      "${NICS[@]}"
      -chardev "socket,id=hmp,path=$HMP,server=on,wait=off"
      -mon chardev=hmp,mode=readline
      -chardev "socket,id=hmpc,path=$HMP"
      -device isa-serial,chardev=hmpc,index=1
      -kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND")

if [ "$MODE" = shell ]; then
	# Interactive: Ctrl-a x quits QEMU.
	exec "${QEMU[@]}" -serial mon:stdio
fi

# Show results as they come: result lines with their duration, and the
# diagnostics of a test that failed. Everything goes to $LOG as well.
live()
{
	local line diag="" dur t0 t1
	t0=$(now)
	while IFS= read -r line; do
		line=${line%$'\r'}
		case "$line" in
		"### vdpa: lock taken, starting QEMU")
			t1=$(now)
			dur=$(elapsed "$t0" "$t1")
			[ "${dur%.*}" -lt 1 ] ||
				echo "  LOCK    waited ${dur}s for $VDPA_LOCK"
			t0=$t1
			continue
			;;
		"KTAP version 1"|"=== vdpa demo"*|"=== vdpa bench"*)
			t1=$(now)
			echo "boot $(elapsed "$t0" "$t1")" >"$TIMING"
			echo "  BOOT    $(elapsed "$t0" "$t1")s"
			# The demo is all about its output: show it from here.
			[ "$MODE" = test ] || VERBOSE=1
			;;
		"BENCH "*)
			# Timed here: the guest's clock under TCG is not to be
			# trusted for rates.
			printf '%s %s\n' "$(now)" "$line" >>"$RUN_DIR/marks"
			;;
		"# test: "*)
			diag=""
			;;
		"#"*)
			diag="$diag$line"$'\n'
			;;
		"ok "*|"not ok "*)
			if [ -z "$VERBOSE" ]; then
				dur=$(printf '%s' "$diag" |
				      sed -n 's/^# duration: \(.*\)$/ (\1)/p')
				printf '%s%s\n' "$line" "$dur"
				[ "${line#not ok}" = "$line" ] ||
					printf '%s' "$diag" | sed 's/^/    /'
			fi
			diag=""
			;;
		esac
		[ -z "$VERBOSE" ] || printf '%s\n' "$line"
	done
	echo "end $(elapsed "$t0" "$(now)")" >>"$TIMING"
}

rm -f "$TIMING"
echo "  QEMU    $KERNEL (log: $LOG)"
set +e
# The marker line lets live() time the boot from when we got the lock.
with_lock sh -c 'echo "### vdpa: lock taken, starting QEMU"; exec "$@"' - \
	timeout -k 10 "$TIMEOUT" "${QEMU[@]}" -serial stdio </dev/null 2>&1 |
	tee "$LOG" | live
QEMU_RC=${PIPESTATUS[0]}
set -e
T_END=$(now)

BOOT=$(sed -n 's/^boot //p' "$TIMING" 2>/dev/null || true)
RUN=$(sed -n 's/^end //p' "$TIMING" 2>/dev/null || true)

# Why the VM did not finish, if it did not.
vm_problem()
{
	if [ "$QEMU_RC" = 124 ] || [ "$QEMU_RC" = 137 ]; then
		echo "VM killed after ${TIMEOUT}s (TIMEOUT)"
	# A test's own lines ("    # ...") may quote a nested guest's panic.
	elif tr -d '\r' <"$LOG" | grep -v '^ *#' | grep -q 'Kernel panic'; then
		echo "kernel panic"
	elif ! grep -q '^# init: powering off' <(tr -d '\r' <"$LOG"); then
		echo "VM stopped before init finished (qemu exit status $QEMU_RC)"
	fi
}
PROBLEM=$(vm_problem)

if [ "$MODE" = bench ]; then
	echo "  TIME    boot ${BOOT:-?}s, bench+boot ${RUN:-?}s," \
		"total $(elapsed "$T_START" "$T_END")s"
	if [ -z "$PROBLEM" ] && grep -q '^=== BENCH OK ===' <(tr -d '\r' <"$LOG"); then
		awk -f "$VDPA_GUEST_EXTRAS/bench/report.awk" "$RUN_DIR/marks"
		exit 0
	fi
	echo "benchmark failed${PROBLEM:+: $PROBLEM}"
	exit 1
fi

if [ "$MODE" = demo ]; then
	echo "  TIME    boot ${BOOT:-?}s, demo+boot ${RUN:-?}s," \
		"total $(elapsed "$T_START" "$T_END")s"
	if [ -z "$PROBLEM" ] && grep -q '^=== DEMO OK ===' <(tr -d '\r' <"$LOG"); then
		exit 0
	fi
	# The console was shown as it came; just say why it ended early.
	echo "demo failed${PROBLEM:+: $PROBLEM}"
	exit 1
fi

# Count from the log, not from what was shown live. Every result of the
# plan must come exactly once (a line garbled on the console is a result
# lost), and a skip counts as one only when expected-skips lists it for
# this tier; anything else is a failure, said in a "not ok - " line.
EXPECTED_SKIPS=$HARNESS/expected-skips
VERDICT=$RUN_DIR/verdict
tr -d '\r' <"$LOG" | awk -v tier="$TIER" -v list="$EXPECTED_SKIPS" '
	function bad(msg) { print "not ok - " msg; fail++ }
	BEGIN {
		while ((getline l < list) > 0) {
			split(l, f, /[ \t]+/)
			if (f[1] == tier)
				expected[f[2]] = 1
		}
	}
	/^1\.\.[0-9]+$/ && !plan_seen { planned = substr($0, 4) + 0; plan_seen = 1 }
	/^Bail out!/ { bad($0) }
	/^(not )?ok [0-9]+ / {
		not = ($1 == "not")
		n = $(2 + not) + 0
		name = $(3 + not)
		if (n < 1 || n > planned || (n in seen)) {
			bad("result " n " (" name ") is not one the plan 1.." \
			    planned " still expects")
			next
		}
		seen[n] = 1
		done++
		if (not) {
			fail++
		} else if ($0 ~ / # SKIP/) {
			why = $0
			sub(/.* # SKIP */, "", why)
			if (name in expected)
				skip++
			else
				bad(name " skipped (" why "), and tier " tier \
				    " expects no such skip (expected-skips)")
		} else {
			pass++
			if (name in expected)
				print "# note: " name " ran; expected-skips says tier " \
				      tier " skips it"
		}
	}
	END {
		printf "%d %d %d %d %d\n", planned, pass, skip, fail, done
	}' >"$VERDICT"
read -r PLANNED PASS SKIPPED FAILED DONE < <(tail -n 1 "$VERDICT")
sed '$d' "$VERDICT"

if [ -n "$PROBLEM" ]; then
	current=$(tr -d '\r' <"$LOG" | sed -n 's/^# test: //p' | tail -n 1)
	echo "not ok - ${current:-boot}: $PROBLEM; the console since it started:"
	# The test's own output, then the oops or panic (the kernel writes
	# to the console again once it oopses).
	tr -d '\r' <"$LOG" | awk '/^# test: / { n = 0 } { buf[n++] = $0 }
		END { for (i = 0; i < n; i++) print buf[i] }' |
		tail -n 150 | sed 's/^/    /'
	# The test in progress and all that never ran count as failed.
	missing=$((PLANNED - DONE))
	[ "$missing" -gt 0 ] || missing=1
	FAILED=$((FAILED + missing))
elif [ "$PLANNED" -eq 0 ] && [ "$FAILED" -eq 0 ]; then
	echo "not ok - no result planned (filter '${FILTER}')"
	FAILED=1
elif [ "$DONE" -lt "$PLANNED" ]; then
	echo "not ok - $((PLANNED - DONE)) of $PLANNED planned results never came"
	FAILED=$((FAILED + PLANNED - DONE))
fi

echo "  TIME    build $(elapsed "$T_START" "$T_BUILT")s, boot ${BOOT:-?}s," \
	"boot+tests ${RUN:-?}s, total $(elapsed "$T_START" "$T_END")s"
summary="$PASS passed, $FAILED failed"
[ "$SKIPPED" -gt 0 ] && summary="$summary, $SKIPPED skipped"
echo "$summary"
[ "$FAILED" -eq 0 ]
