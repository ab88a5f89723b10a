#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): a line of the kernel log that
# reports a problem fails the test that was running. Staged through
# /dev/kmsg; check-harness.sh proves each pattern with init --classify.
# harness-expect: ^not ok [0-9]+ 07-harness-kmsg( |$)
# harness-expect: # kernel: .*harness: .*input.0:id 7 is not a head!
# harness-expect: kernel log: 1 splat line\(s\) during this test

. "${0%/*}/lib.sh"

echo "<3>harness: virtio_net virtio9: input.0:id 7 is not a head!" >/dev/kmsg
