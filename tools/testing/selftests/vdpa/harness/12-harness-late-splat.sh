#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): the kernel log after the last
# test counts, as the result "after-tests". A process of its own writes
# the line two seconds after this test ends: it must stay the last one.
# harness-expect: ^ok [0-9]+ 12-harness-late-splat( |$)
# harness-expect: ^not ok [0-9]+ after-tests( |$)
# harness-expect: harness: late: WARNING: CPU: 0 PID: 1

. "${0%/*}/lib.sh"

# Not a job of ours (_on_exit would kill it), nor in our process group
# (init kills that once we exit).
sh -c 'setsid sh -c "sleep 2; echo \"<4>harness: late: WARNING: CPU: 0 PID: 1\" >/dev/kmsg" &' \
	</dev/null >/dev/null 2>&1
