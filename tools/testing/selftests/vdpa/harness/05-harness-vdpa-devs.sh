#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): vdpa_devs does not hide a dump
# that fails. The dump's failure is staged: vdpa is a shell function here.
# harness-expect: ^not ok [0-9]+ 05-harness-vdpa-devs( |$)
# harness-expect: vdpa -j dev show \(status 1\): harness: staged failure

. "${0%/*}/lib.sh"

load vdpa
vdpa() { echo "harness: staged failure" >&2; return 1; }
expect_eq "$(vdpa_devs)" "" "vdpa devices"
