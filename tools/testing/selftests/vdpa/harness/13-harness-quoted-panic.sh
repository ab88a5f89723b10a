#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): a test may quote another kernel's
# panic in its output (test 86 shows its nested guest's console); that is
# not a panic of the kernel under test. This one must pass, and the run
# must not report a kernel panic.
# harness-expect: ^ok [0-9]+ 13-harness-quoted-panic( |$)
# harness-reject: ^not ok - .*kernel panic

. "${0%/*}/lib.sh"

log "a nested guest's console, as test 86 shows it:"
log "    [   21.431871] Kernel panic - not syncing: Attempted to kill the idle task!"
