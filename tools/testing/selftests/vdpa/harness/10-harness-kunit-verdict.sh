#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): kunit_verdict, which 90-kunit
# applies to each suite's debugfs results, takes a suite whose cases all
# skipped for a failure (KUnit's own verdict line says "ok"), and one with
# some cases skipped for a pass. This one must pass.
# harness-expect: ^ok [0-9]+ 10-harness-kunit-verdict( |$)

. "${0%/*}/lib.sh"

# results PASS SKIP FAIL: a suite's results file as debugfs shows it.
results()
{
	echo "KTAP version 1"
	echo "1..1"
	echo "    KTAP version 1"
	echo "    # Subtest: s"
	echo "    1..$(($1 + $2 + $3))"
	i=0
	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		echo "    ok $i pass_$i"
	done
	while [ $i -lt $(($1 + $2)) ]; do
		i=$((i + 1))
		echo "    ok $i skip_$i # SKIP vdpasim_net is not loaded"
	done
	while [ $i -lt $(($1 + $2 + $3)) ]; do
		i=$((i + 1))
		echo "    not ok $i fail_$i"
	done
	# KUnit's suite verdict: "ok" unless a case failed.
	if [ "$3" -eq 0 ]; then
		echo "ok 1 s"
	else
		echo "not ok 1 s"
	fi
}

step "all cases skipped: a failure"
results 0 3 0 >r
! kunit_verdict r 2>why || fail "a suite whose cases all skipped passed"
grep -q "all 3 cases skipped" why || fail "wrong reason: $(cat why)"

step "no case at all: a failure"
results 0 0 0 >r
! kunit_verdict r 2>why || fail "a suite without a case passed"

step "a failed case: a failure"
results 2 0 1 >r
! kunit_verdict r 2>why || fail "a suite with a failed case passed"

step "some passed, some skipped: a pass, the skips shown"
results 2 1 0 >r
kunit_verdict r 2>why || fail "rejected: $(cat why)"
grep -q "skipped: ok 3 skip_3" why || fail "skipped case not shown: $(cat why)"

step "parameters' lines (indented twice) are not cases"
{
	results 0 1 0 | sed '$d'
	echo "        ok 1 param_1"
	echo "ok 1 s"
} >r
! kunit_verdict r 2>why || fail "a skipped case with passing parameters passed"
