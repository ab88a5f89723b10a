#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test VM's initramfs: busybox, the real iproute2 `vdpa` and `ip`
# with their libraries, the kernel modules, static helpers, the tests and
# the demo.
#
#   mkinitramfs.sh [OUTPUT]     (default $BUILD_DIR/initramfs.cpio.gz)
#
# Modules, by TIER:
#   distro (default)  our out-of-tree modules, freshly built, in updates/,
#                     and the distribution modules the tests need;
#   debug             every module of the debug kernel (ours are built
#                     in-tree there), as installed in DISTRO_MODDIR; none
#                     of the out-of-tree ones, built for another kernel.
#                     A test per KUnit module is made from 90-kunit.sh.
#
# The tree it is made from goes to root/ beside OUTPUT.

set -eu
# shellcheck source=tools/testing/selftests/vdpa/common.sh
. "$(dirname "$0")/common.sh"

OUT=${1:-$BUILD_DIR/initramfs.cpio.gz}
ROOT=$(dirname "$OUT")/root
MODDIR=$ROOT/lib/modules/$KVER
TIER=${TIER:-distro}

# Distribution modules the tests load on top of ours.
EXTRA_MODULES=${EXTRA_MODULES:-"virtio_net virtio_blk pktgen 8021q"}
# Never take these from the distribution: ours replace them, and a stale
# copy would hide a missing module of ours.
OURS_ALWAYS="vdpa vdpa_sim vdpa_sim_net vdpa_sim_blk virtio_vdpa vhost_vdpa
	     vp_vdpa_lib vp_vdpa ifcvf vduse"
# The real tools under test, with their shared libraries.
REAL_TOOLS="/usr/sbin/vdpa /usr/sbin/ip /usr/sbin/ethtool"

case "$TIER" in
distro) check_kernel ;;
debug) [ -d "$DISTRO_MODDIR/kernel" ] || die "no modules in $DISTRO_MODDIR" ;;
*) die "unknown TIER '$TIER' (distro or debug)" ;;
esac
for t in $REAL_TOOLS /bin/busybox; do
	[ -x "$t" ] || die "$t missing: install it (the README lists what the suite needs)"
done

rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,tests}
mkdir -p "$MODDIR/updates"

# PID 1 and the helpers, static so they need nothing from the image.
gcc -static -O2 -Wall -o "$ROOT/init" "$HARNESS/qemu/init.c"
for c in "$HARNESS"/*.c; do
	[ -e "$c" ] || continue
	gcc -static -O2 -Wall -I"$SRCTREE/include/uapi" \
		-o "$ROOT/usr/bin/$(basename "$c" .c)" "$c"
done

# busybox, one symlink per applet, except where a real tool stands in.
cp /bin/busybox "$ROOT/bin/busybox"
real_names=" "
for t in $REAL_TOOLS; do
	real_names="$real_names$(basename "$t") "
done
busybox --list-full | while read -r applet; do
	case "$real_names" in *" ${applet##*/} "*) continue ;; esac
	[ -e "$ROOT/$applet" ] || ln -s /bin/busybox "$ROOT/$applet"
done

# Real tools and every library ldd says they load (ld.so included).
for t in $REAL_TOOLS; do
	cp "$t" "$ROOT/usr/sbin/"
	ldd "$t" | grep -o '/[^ ]*' | while read -r lib; do
		mkdir -p "$ROOT$(dirname "$lib")"
		cp -L "$lib" "$ROOT$lib"
	done
done

# The debug kernel's own modules, all of them: a small configuration has
# few, and they include ours and the KUnit suites.
debug_modules()
{
	local ko rel

	while read -r ko; do
		rel=${ko#"$DISTRO_MODDIR"/}
		mkdir -p "$MODDIR/$(dirname "$rel")"
		cp "$ko" "$MODDIR/$rel"
	done < <(find "$DISTRO_MODDIR/kernel" -name '*.ko')
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		cp "$DISTRO_MODDIR/$f" "$MODDIR/"
	done
	# -e with the kernel's System.map: every symbol a module needs is
	# in the kernel or in a module in the image.
	depmod -b "$ROOT" -e -F "${SYSTEM_MAP:?}" "$KVER"
}

distro_modules()
{
	# Our modules go to updates/, which depmod ranks above kernel/.
	ours=" $OURS_ALWAYS "
	while read -r ko; do
		rel=${ko#"$SRCTREE"/}
		mkdir -p "$MODDIR/updates/$(dirname "$rel")"
		cp "$ko" "$MODDIR/updates/$rel"
		name=$(basename "$ko" .ko)
		ours="$ours${name//-/_} "
	done < <(find "$SRCTREE" \( -path "$SRCTREE/.git" -o -path "$SRCTREE/.build" \
			-o -path "$SRCTREE/tools" \) -prune -o -name '*.ko' -print)

	# Distribution modules, with everything they depend on, decompressed so
	# busybox modprobe can load them.
	declare -A seen
	add_distro_module()
	{
		local name=${1//-/_} file rel dep

		[ -n "$name" ] && [ -z "${seen[$name]:-}" ] || return 0
		seen[$name]=1
		case "$ours" in *" $name "*) return 0 ;; esac
		file=$(modinfo -k "$KVER" -F filename "$name" 2>/dev/null) ||
			die "module $name not found in $DISTRO_MODDIR"
		[ "$file" = "(builtin)" ] && return 0
		rel=${file#"$DISTRO_MODDIR"/}
		rel=${rel%.xz}
		mkdir -p "$MODDIR/$(dirname "$rel")"
		case "$file" in
		*.xz) xz -dc "$file" >"$MODDIR/$rel" ;;
		*) cp "$file" "$MODDIR/$rel" ;;
		esac
		for dep in $(modinfo -F depends "$file" | tr ',' ' '); do
			add_distro_module "$dep"
		done
	}

	for m in $EXTRA_MODULES; do
		add_distro_module "$m"
	done
	while read -r ko; do
		for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
			add_distro_module "$dep"
		done
	done < <(find "$MODDIR/updates" -name '*.ko')

	for f in modules.builtin modules.builtin.modinfo modules.order; do
		if [ -e "$DISTRO_MODDIR/$f" ]; then
			cp "$DISTRO_MODDIR/$f" "$MODDIR/"
		fi
	done
	# -e reports a symbol that neither the kernel nor a module in the image
	# provides: a distribution module we failed to pull in.
	depmod -b "$ROOT" -e -E "$KDIR/Module.symvers" "$KVER"
}

if [ "$TIER" = debug ]; then
	debug_modules
else
	distro_modules
fi

# Tests, their helper library, the demo. EXTRA_TESTS: a directory of more
# NN-name.sh tests, e.g. ones that check the harness itself.
cp "$HARNESS"/tests/*.sh "$ROOT/tests/"
if [ -n "${EXTRA_TESTS:-}" ]; then
	cp "$EXTRA_TESTS"/*.sh "$ROOT/tests/"
fi
# VDPA_GUEST_EXTRAS: a directory of more for the guest: demo.sh, bench/*.sh
# (run.sh --demo, --bench) and initramfs.d/ hooks of its own.
extras=${VDPA_GUEST_EXTRAS:-}
if [ -n "$extras" ]; then
	[ ! -e "$extras/demo.sh" ] || cp "$extras/demo.sh" "$ROOT/demo.sh"
	if [ -d "$extras/bench" ]; then
		mkdir -p "$ROOT/bench"
		cp "$extras"/bench/*.sh "$ROOT/bench/"
	fi
fi
# A KUnit verdict per test module: 90-kunit.sh becomes kunit.sh (no
# number, so not a test by itself) and each module a test that runs it.
kunit_mods=$(find "$MODDIR" -name '*kunit*.ko' | sed 's|.*/||; s|\.ko$||' | sort)
if [ -n "$kunit_mods" ] && [ -e "$ROOT/tests/90-kunit.sh" ]; then
	mv "$ROOT/tests/90-kunit.sh" "$ROOT/tests/kunit.sh"
	for m in $kunit_mods; do
		{
			echo '#!/bin/sh'
			echo '# Made by mkinitramfs.sh from 90-kunit.sh.'
			echo "exec /bin/sh \"\${0%/*}/kunit.sh\" $m"
		} >"$ROOT/tests/90-kunit-$m.sh"
	done
fi
chmod +x "$ROOT"/tests/*.sh
find "$ROOT/bench" "$ROOT/demo.sh" -name '*.sh' -exec chmod +x {} + 2>/dev/null || :
echo "vdpa-vm" >"$ROOT/etc/hostname"
echo "root:x:0:0:root:/tmp:/bin/sh" >"$ROOT/etc/passwd"
echo "root:x:0:" >"$ROOT/etc/group"
# Larger payloads for some tests (DPDK, QEMU, ...): each hook in
# initramfs.d/ adds its files to $ROOT and installs what it needs.
for hook in "$HARNESS"/initramfs.d/*.sh ${extras:+"$extras"/initramfs.d/*.sh}; do
	[ -e "$hook" ] || continue
	ROOT=$ROOT HARNESS=$HARNESS KVER=$KVER KERNEL=$KERNEL \
		DISTRO_MODDIR=$DISTRO_MODDIR bash "$hook" || die "$hook failed"
done

mkdir -p "$(dirname "$OUT")"
(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) | gzip -1 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "  INITRAMFS $OUT ($(du -h "$OUT" | cut -f1); modules: $(cd "$MODDIR" &&
	find . -name '*.ko' | sed 's|.*/||; s|\.ko$||' | sort | tr '\n' ' '))"
