#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-storage-daemon 7.2 for the VDUSE tests: its vduse-blk export is
# the real daemon a VDUSE block device is served by; fio drives and
# verifies the disk it becomes.

. "$(dirname "$0")/lib.sh"

need_pkg qemu-system-common fio
copy_file /usr/bin/qemu-storage-daemon /usr/bin/fio
copy_libs /usr/bin/qemu-storage-daemon /usr/bin/fio
copy_file /lib/x86_64-linux-gnu/libgcc_s.so.1
