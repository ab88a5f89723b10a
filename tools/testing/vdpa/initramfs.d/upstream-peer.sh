#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The upstream peer of the density benchmark (bench/density.sh), when
# upstream-peer.sh has built it for this kernel: Debian's vdpa,
# vhost_vdpa, virtio_vdpa, vhost and vhost_iotlb, and upstream's vringh,
# vdpa_sim and vdpa_sim_net built from Debian's source, at
# /lib/modules/upstream/ of the image. No modules.dep knows them: only the
# benchmark loads them, with insmod by path, after unloading ours.

# shellcheck source=tools/testing/vdpa/initramfs.d/lib.sh
. "$(dirname "$0")/lib.sh"

KCACHE=${VDPA_KERNEL_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/vdpa-kernel}
PEER=$KCACHE/upstream-peer/$KVER/modules
[ -r "$PEER/load-order" ] || exit 0
mkdir -p "$ROOT/lib/modules/upstream"
cp "$PEER"/*.ko "$PEER/load-order" "$ROOT/lib/modules/upstream/"
