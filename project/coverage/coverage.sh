#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Line coverage of our code by the test suite (what `make coverage` runs):
# build the coverage kernel (the debug kernel plus gcov, only our code
# instrumented: kernel/build-kernel.sh --coverage), run the debug tier's
# tests on it, take the gcov data out of the VM, report with gcov.
#
#   coverage.sh [PATTERN...]      all tests, or those matching (as run.sh)
#
# Environment: TESTS= (as run.sh), NO_BUILD=1 (boot the coverage kernel as
# built), NO_RUN=1 (report again on the data of the last run), NO_DEPS=1.
#
# Everything goes to $BUILD_DIR/coverage/: summary.txt (the table printed
# at the end), unreached.txt, coverage.info (lcov's genhtml reads it),
# gcov/<file>.gcov (annotated sources), gcda/ (the data), run/ (run.sh's
# logs). The exit status is 0 when coverage was measured, whether or not
# every test passed (a failed test is said, and counts as far as it ran).

set -eu
# shellcheck source=project/kernel/lib.sh
. "$(dirname "$0")/../kernel/lib.sh"

COV=$PROJECT/coverage
OUT=$BUILD_DIR/coverage
FILTER=${TESTS:-}
for arg; do
	case "$arg" in
	-h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) die "unknown option $arg" ;;
	*) FILTER="$FILTER $arg" ;;
	esac
done
# The dump comes after every test; with a filter, it must match as well.
DUMP=99-zz-gcov-dump
[ -z "${FILTER// /}" ] || FILTER="$FILTER $DUMP"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
T0=$(now)

if [ -z "${NO_DEPS:-}" ]; then
	"$PROJECT/deps.sh"
	export NO_DEPS=1
fi
mkdir -p "$OUT"

t=$(now)
if [ -z "${NO_BUILD:-}${NO_RUN:-}" ]; then
	KERNEL_LOGDIR=$OUT/kernel "$KERNEL_TOOLS/build-kernel.sh" --coverage ||
		die "the coverage kernel did not build"
fi
T_BUILD=$(since "$t")
KBUILD=$(readlink -f "$BUILD_DIR/coverage-kernel") ||
	die "no coverage kernel: run without NO_BUILD"
[ -r "$KBUILD/arch/x86/boot/bzImage" ] && [ -d "$KBUILD/vdpa-coverage-src" ] ||
	die "no coverage kernel in $KBUILD: run without NO_BUILD"

# run.sh boots $VDPA_BUILD_DIR/debug-kernel: ours, under a build dir of
# our own, so that .build/debug-kernel stays the debug kernel.
t=$(now)
RUN_LOG=$OUT/run/test-debug.log
if [ -z "${NO_RUN:-}" ]; then
	mkdir -p "$OUT/run"
	ln -sfn "$KBUILD" "$OUT/run/debug-kernel"
	set +e
	# shellcheck disable=SC2086 # FILTER is a list of patterns
	TESTS='' VDPA_BUILD_DIR=$OUT/run NO_BUILD=1 EXTRA_TESTS=$COV/guest \
		"$PROJECT/run.sh" --tier debug $FILTER | tee "$OUT/run.out"
	set -e
fi
T_RUN=$(since "$t")
[ -r "$RUN_LOG" ] || die "no console log $RUN_LOG"

# The data: base64 between the dump's GCOV-BEGIN and GCOV-END lines, as
# KTAP diagnostics ("# ...") on the console.
t=$(now)
rm -rf "$OUT/gcda" "$OUT/gcov" "$OUT/gcov.tgz"
tr -d '\r' <"$RUN_LOG" | awk -v out="$OUT/gcov.b64" '
	/^# GCOV-BEGIN / { print $3, $4, $5; on = 1; printf "" >out; next }
	/^# GCOV-END$/ { on = 0 }
	on { sub(/^# /, ""); print >out }' >"$OUT/gcov.head"
read -r NFILES SIZE SUM <"$OUT/gcov.head" ||
	die "no gcov data in $RUN_LOG: did $DUMP run? (see $OUT/run.out)"
base64 -d "$OUT/gcov.b64" >"$OUT/gcov.tgz" ||
	die "the gcov data in $RUN_LOG is not base64 (a line garbled on the console?)"
[ "$(stat -c %s "$OUT/gcov.tgz")" = "$SIZE" ] &&
[ "$(sha256sum <"$OUT/gcov.tgz" | cut -d' ' -f1)" = "$SUM" ] ||
	die "the gcov data in $RUN_LOG does not match its sum (a line garbled on the console?)"
rm -f "$OUT/gcov.b64" "$OUT/gcov.head"
mkdir -p "$OUT/gcda.vm"
tar -xzf "$OUT/gcov.tgz" -C "$OUT/gcda.vm"
# In the VM the files are at /sys/kernel/debug/gcov/<build tree>/...:
# keep them relative to the build tree, as its .gcno files are.
if [ -d "$OUT/gcda.vm/$KBUILD" ]; then
	mv "$OUT/gcda.vm/$KBUILD" "$OUT/gcda"
else
	die "the gcov data is not of $KBUILD: $(cd "$OUT/gcda.vm" &&
		find . -name '*.gcda' | head -n 1)"
fi
rm -rf "$OUT/gcda.vm"
echo "  GCOV    $NFILES .gcda files, $SIZE bytes from the VM"

# gcov must be the one of the gcc that built the kernel.
[ "$(gcov --version | head -n 1 | awk '{ print $NF }')" = \
  "$(gcc --version | head -n 1 | awk '{ print $NF }')" ] ||
	die "gcov and gcc are not the same version: $(gcov --version | head -n 1)"
echo
python3 "$COV/report.py" --build "$KBUILD" --gcda "$OUT/gcda" \
	--src "$KBUILD/vdpa-coverage-src" --srctree "$SRCTREE" \
	--out "$OUT"
T_REPORT=$(since "$t")
echo
echo "  DETAIL  $OUT/{summary.txt,unreached.txt,coverage.info,gcov/}"
verdict=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUT/run.out" 2>/dev/null |
	tail -n 1 || true)
echo "  TESTS   ${verdict:-see $RUN_LOG}"
case "$verdict" in
*" 0 failed"*) ;;
*) echo "  NOTE    not every test passed: coverage counts what ran" ;;
esac
echo "  TIME    build ${T_BUILD}s, tests ${T_RUN}s, report ${T_REPORT}s," \
	"total $(since "$T0")s"
