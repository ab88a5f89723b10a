#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness's self-check: each way the suite could pass by accident is
# staged, and must come out as a failure where it happens.
#
#   check-harness.sh
#
#   1. init's kernel log patterns: `init --classify` takes each line of
#      harness/kmsg-samples marked "+" for a splat, none marked "-";
#   2. one boot of Debian's kernel on the tests of harness/, with a splat
#      staged at boot: each test says in "# harness-expect: REGEX" lines
#      what run.sh must report (its output and the console log), and in
#      "# harness-reject: REGEX" lines what it must not;
#   3. a filter that matches no test fails the run.
#
# Prints "ok - ..." / "not ok - ..." (check.sh counts them) and a last
# line "harness self-check: N passed, N failed"; run.sh's own output goes
# to $HARNESS_OUT (default $BUILD_DIR/harness), not here: its result lines
# would be counted.

set -u
# shellcheck source=tools/testing/selftests/vdpa/common.sh
. "$(dirname "$0")/common.sh"

OUT=${HARNESS_OUT:-$BUILD_DIR/harness}
mkdir -p "$OUT"
PASS=0
FAIL=0

# check OK WHAT: one result.
check()
{
	if [ "$1" = 0 ]; then
		echo "ok - harness: $2"
		PASS=$((PASS + 1))
	else
		echo "not ok - harness: $2"
		FAIL=$((FAIL + 1))
		return 1
	fi
}

# expect FILE REGEX WHAT: REGEX (extended) matches a line of FILE; if
# not, the end of FILE is shown, so that a failure says what came instead.
expect()
{
	grep -qE -- "$2" "$1"
	check $? "$3: /$2/" || tail -n 25 "$1" | sed 's/^/#   /'
}

# 1. The patterns, on the host: init.c is plain C.
classify_patterns()
{
	local line text want got bad=0

	gcc -O2 -Wall -o "$OUT/init" "$HARNESS/qemu/init.c" || return 1
	while IFS= read -r line; do
		case "$line" in
		"+ "*) want=1 ;;
		"- "*) want=0 ;;
		*) continue ;;
		esac
		text=${line#? }
		got=$(printf '%s\n' "$text" | "$OUT/init" --classify | grep -c .)
		if [ "$got" != "$want" ]; then
			echo "# init --classify: '$text': $got splat line(s), expected $want"
			bad=1
		fi
	done <"$HARNESS/harness/kmsg-samples"
	return "$bad"
}
classify_patterns
check $? "init --classify sorts harness/kmsg-samples"

# run_sh LOG ARG...: run.sh on Debian's kernel, its output to LOG; then
# the console log appended to LOG, without the serial line's \r.
run_sh()
{
	local log=$1 rc console

	shift
	"$HARNESS/run.sh" --tier distro "$@" >"$log" 2>&1
	rc=$?
	console=$(sed -n 's/^  QEMU .*(log: \(.*\))$/\1/p' "$log")
	[ -z "$console" ] || tr -d '\r' <"$console" >>"$log"
	return "$rc"
}

# 2. The staged failures. The filter takes only harness/'s tests.
LOG=$OUT/run.log
EXTRA_TESTS=$HARNESS/harness KERNEL_ARGS=vdpatest.inject=boot-splat \
	run_sh "$LOG" '*-harness-*'
[ $? -ne 0 ]
check $? "run.sh fails (log: $LOG)"
expect "$LOG" '^not ok 1 boot( |$)' "a splat at boot fails the result boot"
expect "$LOG" 'vdpatest.inject=boot-splat: a splat at boot' \
	"the splat at boot is shown"
for t in "$HARNESS"/harness/*.sh; do
	while IFS= read -r re; do
		expect "$LOG" "$re" "${t##*/}"
	done < <(sed -n 's/^# harness-expect: //p' "$t")
	while IFS= read -r re; do
		! grep -qE -- "$re" "$LOG"
		check $? "${t##*/}: no line /$re/" ||
			grep -E -- "$re" "$LOG" | head -n 5 | sed 's/^/#   /'
	done < <(sed -n 's/^# harness-reject: //p' "$t")
done

# 3. No test at all is not a pass.
LOG=$OUT/no-match.log
NO_BUILD=1 run_sh "$LOG" 'no-such-test'
[ $? -ne 0 ]
check $? "TESTS= matching nothing fails run.sh (log: $LOG)"
expect "$LOG" "^not ok - Bail out! no test matches the filter 'no-such-test'" \
	"TESTS= matching nothing"
[ "$(grep -E '^[0-9]+ passed' "$LOG" | tail -n 1)" = "0 passed, 1 failed" ]
check $? "TESTS= matching nothing: 0 passed, 1 failed"

echo "harness self-check: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
