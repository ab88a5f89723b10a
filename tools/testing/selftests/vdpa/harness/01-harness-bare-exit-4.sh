#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): status 4 without lib.sh's skip()
# and its "SKIP:" line is a failure, not a skip.
# harness-expect: ^not ok [0-9]+ 01-harness-bare-exit-4( |$)
# harness-expect: exit status 4, not from skip\(\)

exit 4
