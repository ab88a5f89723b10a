#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): a kernel log line the test says
# it provokes (kmsg_allow) does not fail it. This one must pass.
# harness-expect: ^ok [0-9]+ 11-harness-kmsg-allow( |$)
# harness-expect: # kernel log: this test allows /harness: provoked: /

. "${0%/*}/lib.sh"

kmsg_allow 'harness: provoked: '
echo "<4>harness: provoked: net eth9: Fail to set num of queue pairs to 1" >/dev/kmsg
