#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# For tests/97-fuzz.sh: Debian's trinity, a third-party syscall fuzzer
# (make fuzz runs it on the vhost-vdpa nodes and generic netlink), and the
# fuzzing knobs of the host's environment, as /etc/vdpa-fuzz.env:
#   VDPA_FUZZ_SEED     vdpa_fuzz's seed (default: a random one)
#   VDPA_FUZZ_OPS      an operation budget instead of the time budget
#   VDPA_FUZZ_TRINITY  seconds of trinity after vdpa_fuzz (default: none)

. "$(dirname "$0")/lib.sh"

need_pkg trinity
copy_file /usr/bin/trinity
copy_libs /usr/bin/trinity

mkdir -p "$ROOT/etc"
: >"$ROOT/etc/vdpa-fuzz.env"
for v in VDPA_FUZZ_SEED VDPA_FUZZ_OPS VDPA_FUZZ_TRINITY; do
	val=${!v:-}
	[ -n "$val" ] || continue
	case "$val" in
	*[!0-9a-fA-Fx]*) echo "initramfs.d/fuzz.sh: $v='$val' is not a number" >&2
			 exit 1 ;;
	esac
	echo "$v=$val" >>"$ROOT/etc/vdpa-fuzz.env"
done
