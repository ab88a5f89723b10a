#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): a skip that expected-skips does
# not list fails the run.
# harness-expect: ^ok [0-9]+ 03-harness-skip [#] SKIP harness self-check
# harness-expect: ^not ok - 03-harness-skip skipped \(harness self-check\), and tier distro

. "${0%/*}/lib.sh"

skip "harness self-check"
