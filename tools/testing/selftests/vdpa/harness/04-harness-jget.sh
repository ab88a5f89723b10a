#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): a jget that fails inside $(...)
# fails the test, even when the empty output is the value expected.
# harness-expect: ^not ok [0-9]+ 04-harness-jget( |$)
# harness-expect: FAIL: no JSON value at 'dev' in the output
# harness-expect: FAIL: a check failed inside \$\(\.\.\.\) or a pipeline

. "${0%/*}/lib.sh"

run echo '{"mgmtdev":{}}'
expect_eq "$(jget dev)" "" "devices"
