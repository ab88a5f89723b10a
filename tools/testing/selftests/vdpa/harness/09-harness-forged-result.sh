#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): a result line on the console that
# init did not plan (here written by the test itself, past init's "# "
# prefix) does not count as a pass.
# harness-expect: ^ok [0-9]+ 09-harness-forged-result( |$)
# harness-expect: ^not ok - result 1 \(forged\) is not one the plan 1\.\.[0-9]+ still expects

. "${0%/*}/lib.sh"

printf '\r\nok 1 forged\r\n' >/dev/ttyS0
