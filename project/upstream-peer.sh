#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The upstream peer of the benchmarks that compare ours with upstream's
# (bench/density.sh, bench/vduse.sh): the vDPA modules as Debian ships them
# for its 6.12 kernel (VDUSE included), plus what Debian does not build
# (CONFIG_VHOST_RING and CONFIG_VDPA_SIM are off there): vringh and the net
# simulator, built out of tree from Debian's linux-source-6.12 against the
# same kernel's headers.
#
#   upstream-peer.sh [DIR]   build (once per kernel and tarball) into the
#                            cache and print the directory of the modules
#
# Upstream's code is the peer here, never ours: it is extracted and built
# in a cache outside the git tree (VDPA_KERNEL_CACHE, by default
# ~/.cache/vdpa-kernel/upstream-peer/<release>/) and never copied into it.
# initramfs.d/upstream-peer.sh puts the modules at /usr/lib/vdpa-upstream-peer/
# of the test VM, where only the benchmark loads them (insmod by path).

set -eu
# shellcheck source=project/env.sh
. "$(dirname "$0")/env.sh"

LINUX_TARBALL=${LINUX_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
KCACHE=${VDPA_KERNEL_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/vdpa-kernel}
PEER=${1:-$KCACHE/upstream-peer/$KVER}

# Debian's own, as the linux-image package installs them (load order;
# vduse needs vhost_iotlb and vdpa).
DISTRO_PEER="vhost_iotlb vhost vdpa vhost_vdpa virtio_vdpa vduse"
# Built here from the same release's source (load order after the above).
BUILT_PEER="vringh vdpa_sim vdpa_sim_net"
SOURCES="drivers/vhost/vringh.c drivers/vdpa/vdpa_sim/vdpa_sim.c
	 drivers/vdpa/vdpa_sim/vdpa_sim.h drivers/vdpa/vdpa_sim/vdpa_sim_net.c"

check_kernel
[ -r "$LINUX_TARBALL" ] ||
	die "$LINUX_TARBALL missing: apt-get install linux-source-6.12"

# The tarball, the headers and the lists of modules identify a build: a
# Debian update of either, or a module added here, brings a new one.
id="$(stat -c '%s-%Y' "$LINUX_TARBALL") $(stat -c '%s-%Y' "$KDIR/Module.symvers")"
id="$id $(echo "$DISTRO_PEER $BUILT_PEER" | tr -s ' ' '-')"
if [ "$(cat "$PEER/.id" 2>/dev/null)" = "$id" ]; then
	echo "$PEER"
	exit 0
fi

rm -rf "$PEER"
mkdir -p "$PEER/src"
echo "  PEER    $LINUX_TARBALL -> $PEER" >&2
# tar's member names carry the top directory (linux-source-6.12/).
top=$(tar -tJf "$LINUX_TARBALL" | head -n 1 | cut -d/ -f1)
members=()
for f in $SOURCES; do
	members+=("$top/$f")
done
tar -xJf "$LINUX_TARBALL" -C "$PEER/src" --strip-components=1 "${members[@]}"

# One directory, one Kbuild: vringh's exports reach the simulators through
# this build's own Module.symvers, Debian's vdpa and vhost_iotlb through
# the headers' one.
b=$PEER/build
mkdir -p "$b"
for f in $SOURCES; do
	cp "$PEER/src/$f" "$b/"
done
cat >"$b/Kbuild" <<'EOF'
obj-m := vringh.o vdpa_sim.o vdpa_sim_net.o
EOF
echo "  MAKE    upstream vringh, vdpa_sim, vdpa_sim_net (KDIR=$KDIR)" >&2
nice -n 19 make -C "$KDIR" M="$b" -j1 modules >"$PEER/build.log" 2>&1 || {
	cat "$PEER/build.log" >&2
	die "the upstream peer did not build (log: $PEER/build.log)"
}

mkdir -p "$PEER/modules"
for m in $BUILT_PEER; do
	# Debian strips its modules too; the image carries them on every run.
	strip --strip-debug -o "$PEER/modules/$m.ko" "$b/$m.ko"
done
for m in $DISTRO_PEER; do
	f=$(find "$DISTRO_MODDIR/kernel" -name "$m.ko*" | head -n 1)
	[ -n "$f" ] || die "Debian's $m.ko is not in $DISTRO_MODDIR/kernel"
	case "$f" in
	*.xz) xz -dc "$f" >"$PEER/modules/$m.ko" ;;
	*) cp "$f" "$PEER/modules/$m.ko" ;;
	esac
done
echo "$DISTRO_PEER $BUILT_PEER" >"$PEER/modules/load-order"
echo "$id" >"$PEER/.id"
echo "$PEER"
