# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # the variables are for the sourcer
#
# Sourced by the host-side scripts (run.sh, mkinitramfs.sh,
# check-harness.sh): where the source tree, the kernel and the build
# outputs are.

SRCTREE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
HARNESS=$SRCTREE/tools/testing/selftests/vdpa

# Build outputs (initramfs, logs) stay out of git: .build/ is gitignored,
# and per source tree, so engineers with several clones do not collide.
BUILD_DIR=${VDPA_BUILD_DIR:-$SRCTREE/.build}

# Serialises module builds and QEMU boots between engineers sharing the
# machine's two cores.
VDPA_LOCK=${VDPA_LOCK:-/tmp/vdpa-build.lock}

# The host may run any kernel: never use uname -r. Take the newest 6.12
# kbuild tree (the same rule as the top-level Makefile), and the image and
# modules of the same release.
find_kdir()
{
	ls -d /usr/src/linux-headers-6.12*-amd64 /lib/modules/6.12*/build \
		2>/dev/null | sort -V | tail -n 1
}

# Fill in KDIR, KVER, KERNEL and DISTRO_MODDIR, keeping what the user set.
# Called again after deps.sh may have installed the kernel.
_user_kdir=${KDIR:-}
_user_kver=${KVER:-}
_user_kernel=${KERNEL:-}
_user_moddir=${DISTRO_MODDIR:-}
find_kernel()
{
	KDIR=${_user_kdir:-$(find_kdir)}
	KVER=$_user_kver
	if [ -z "$KVER" ] && [ -r "$KDIR/include/config/kernel.release" ]; then
		KVER=$(cat "$KDIR/include/config/kernel.release")
	fi
	KERNEL=${_user_kernel:-/boot/vmlinuz-$KVER}
	DISTRO_MODDIR=${_user_moddir:-/lib/modules/$KVER}
}
find_kernel

die()
{
	echo "error: $*" >&2
	exit 1
}

check_kernel()
{
	[ -n "$KDIR" ] && [ -d "$KDIR" ] ||
		die "no 6.12 kernel headers: install them (or set KDIR)"
	[ -n "$KVER" ] || die "cannot tell the kernel release of $KDIR (set KVER)"
	[ -r "$KERNEL" ] ||
		die "no kernel image $KERNEL: apt-get install linux-image-$KVER (or set KERNEL)"
	[ -d "$DISTRO_MODDIR/kernel" ] ||
		die "no modules in $DISTRO_MODDIR: apt-get install linux-image-$KVER"
}

# with_lock CMD...: run CMD holding the shared build/boot lock.
with_lock()
{
	if command -v flock >/dev/null; then
		flock "$VDPA_LOCK" "$@"
	else
		"$@"
	fi
}
