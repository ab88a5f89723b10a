#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's YNL CLI (tools/net/ynl/cli.py), a generic netlink client
# that knows a family only from its YAML spec: the second client of our
# "vdpa" family beside iproute2 (with Documentation/netlink/specs/vdpa.yaml)
# and the reader of the "netdev" family's per-queue counters
# (41-virtio-net-ctrl.sh). In the image: python3 with its library (no
# tests, GUI or build tools), PyYAML, YNL from linux-source-6.12 as
# /usr/lib/ynl/cli.py, the specs in /usr/share/ynl/specs/.

. "$(dirname "$0")/lib.sh"

need_pkg python3 python3-yaml linux-source-6.12

PY=$(readlink -f /usr/bin/python3)
PYLIB=/usr/lib/$(basename "$PY")
copy_file "$PY"
ln -sf "$(basename "$PY")" "$ROOT/usr/bin/python3"
copy_libs "$PY"

mkdir -p "$ROOT$PYLIB"
tar -C "$PYLIB" -cf - --exclude=test --exclude=tests --exclude=idlelib \
	--exclude=tkinter --exclude=turtledemo --exclude=lib2to3 \
	--exclude=ensurepip --exclude=distutils --exclude=pydoc_data \
	--exclude='config-*' --exclude=site-packages --exclude=dist-packages \
	--exclude='*.opt-1.pyc' --exclude='*.opt-2.pyc' . |
	tar -C "$ROOT$PYLIB" -xf -
copy_libs "$PYLIB"/lib-dynload/*.so

DIST=/usr/lib/python3/dist-packages
mkdir -p "$ROOT$DIST"
cp -r "$DIST/yaml" "$ROOT$DIST/"
for so in "$DIST"/_yaml*.so "$DIST"/yaml/_yaml*.so; do
	[ -e "$so" ] || continue
	cp "$so" "$ROOT$so"
	copy_libs "$so"
done

# YNL and the netdev spec, out of the source tarball once per tarball.
TARBALL=/usr/src/linux-source-6.12.tar.xz
KCACHE=${VDPA_KERNEL_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/vdpa-kernel}
YSRC=$KCACHE/ynl/$(stat -c %Y "$TARBALL")
if [ ! -e "$YSRC/done" ]; then
	rm -rf "$KCACHE/ynl"
	mkdir -p "$YSRC"
	tar -C "$YSRC" --strip-components=1 -xJf "$TARBALL" \
		linux-source-6.12/tools/net/ynl/cli.py \
		linux-source-6.12/tools/net/ynl/lib \
		linux-source-6.12/Documentation/netlink/specs/netdev.yaml
	touch "$YSRC/done"
fi
mkdir -p "$ROOT/usr/lib/ynl" "$ROOT/usr/share/ynl/specs"
cp "$YSRC/tools/net/ynl/cli.py" "$ROOT/usr/lib/ynl/"
cp -r "$YSRC/tools/net/ynl/lib" "$ROOT/usr/lib/ynl/"
cp "$YSRC/Documentation/netlink/specs/netdev.yaml" "$ROOT/usr/share/ynl/specs/"
cp "$HARNESS/../../../../Documentation/netlink/specs/vdpa.yaml" \
	"$ROOT/usr/share/ynl/specs/"
