#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): set -e passes on the status of
# any command; a command's 4 must not make the test a skip.
# harness-expect: ^not ok [0-9]+ 02-harness-exit-4( |$)
# harness-expect: FAIL: exit status 4, but not from skip\(\)

. "${0%/*}/lib.sh"

sh -c 'exit 4'
