#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vDPA demo in one command: build, boot Debian's 6.12 kernel in QEMU and
# run guest/demo.sh there, showing each command and what it printed.
# Takes the same environment as run.sh.

exec "$(dirname "$0")/run.sh" --demo "$@"
