#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): a test that taints the kernel
# fails, whatever the log says (a WARN_ONCE that already fired, a report
# that got lost). The taint (W) is staged through /proc/sys/kernel/tainted.
# harness-expect: ^not ok [0-9]+ 08-harness-taint( |$)
# harness-expect: # kernel tainted: W

. "${0%/*}/lib.sh"

echo 512 >/proc/sys/kernel/tainted
