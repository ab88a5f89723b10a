#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install (with apt) everything the build, the QEMU test suite and the demo
# need. Quick no-op when all of it is already there, so every entry point
# can call it.

set -eu

# The kernel we test on and build against: Debian 12's 6.12 line. The
# meta-packages keep image and headers at the same version.
PKGS="make gcc libc6-dev
      linux-headers-6.12-amd64 linux-image-6.12-amd64
      qemu-system-x86 busybox-static iproute2 kmod cpio gzip xz-utils
      util-linux sparse ethtool"
# The series and the debug kernel (kernel/): the 6.12 source, git to apply
# the series, what kbuild and objtool need, ccache for quick rebuilds,
# perl for checkpatch.pl, python3 for the series and the netlink spec check.
PKGS="$PKGS linux-source-6.12 git perl ccache flex bison bc libelf-dev
      libssl-dev python3 python3-yaml python3-jsonschema"
# Real vhost-vdpa clients run in the VM (tools/testing/selftests/vdpa/initramfs.d/).
PKGS="$PKGS dpdk-dev"
# A third-party fuzzer beside ours (make fuzz, tests/97-fuzz.sh).
PKGS="$PKGS trinity"
PKGS="$PKGS fio"

missing=
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root: apt-get install$missing" >&2
	exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y -q --no-install-recommends $missing </dev/null
