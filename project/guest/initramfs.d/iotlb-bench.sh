#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/datapath.sh's module (project/bench-mod/vdpa_iotlb_bench.c), built
# against the kernel of Debian's tier and our modules just built for it,
# at /usr/lib/vdpa-bench/ of the image. It links against our vdpa.ko and
# Debian's vhost_iotlb.ko, so only the distro tier has it, and only when
# upstream-peer.sh has built the peer (make bench does): the tests do not
# wait for it.

# shellcheck source=tools/testing/selftests/vdpa/initramfs.d/lib.sh
. "$HARNESS/initramfs.d/lib.sh"

[ "${TIER:-distro}" = distro ] || exit 0
SRCTREE=$(cd "$HARNESS/../../../.." && pwd)
[ -r "$SRCTREE/Module.symvers" ] || exit 0
KCACHE=${VDPA_KERNEL_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/vdpa-kernel}
[ -r "$KCACHE/upstream-peer/$KVER/modules/load-order" ] || exit 0

b=$(mktemp -d)
trap 'rm -rf "$b"' EXIT
cp "$SRCTREE/project/bench-mod/vdpa_iotlb_bench.c" \
	"$SRCTREE/project/bench-mod/Kbuild" "$b/"
if ! make -s -C "$KDIR" M="$b" \
	NOSTDINC_FLAGS="-nostdinc -I$SRCTREE/include -I$SRCTREE/include/uapi" \
	KBUILD_EXTRA_SYMBOLS="$SRCTREE/Module.symvers" modules >"$b/log" 2>&1; then
	cat "$b/log" >&2
	exit 1
fi
mkdir -p "$ROOT/usr/lib/vdpa-bench"
strip --strip-debug -o "$ROOT/usr/lib/vdpa-bench/vdpa_iotlb_bench.ko" \
	"$b/vdpa_iotlb_bench.ko"
