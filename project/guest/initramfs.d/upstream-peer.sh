#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The upstream peer of the benchmarks (bench/density.sh, bench/vduse.sh),
# when upstream-peer.sh has built it for this kernel: Debian's vdpa,
# vhost_vdpa, virtio_vdpa, vduse, vhost and vhost_iotlb, and upstream's
# vringh, vdpa_sim and vdpa_sim_net built from Debian's source, at
# /usr/lib/vdpa-upstream-peer/ of the image, outside /lib/modules (00-boot
# checks that it holds one release only). No modules.dep knows them: only the
# benchmark loads them, with insmod by path, after unloading ours.

# shellcheck source=tools/testing/selftests/vdpa/initramfs.d/lib.sh
. "$HARNESS/initramfs.d/lib.sh"

KCACHE=${VDPA_KERNEL_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/vdpa-kernel}
PEER=$KCACHE/upstream-peer/$KVER/modules
[ -r "$PEER/load-order" ] || exit 0
mkdir -p "$ROOT/usr/lib/vdpa-upstream-peer"
cp "$PEER"/*.ko "$PEER/load-order" "$ROOT/usr/lib/vdpa-upstream-peer/"
