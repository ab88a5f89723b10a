#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the vdpa family's kernel policies and split ops from its spec,
# with the kernel's own YNL generator (what tools/net/ynl/ynl-regen.sh does
# in a kernel tree):
#
#   netlink-gen.sh [OUTDIR]   (default: drivers/vdpa of this tree)
#
# writes vdpa_nl_gen.c and vdpa_nl_gen.h from
# Documentation/netlink/specs/vdpa.yaml. The generator and the YNL schema
# come from the pristine 6.12 source in the cache (kernel/lib.sh).

set -eu
# shellcheck source=project/kernel/lib.sh
. "$(dirname "$0")/kernel/lib.sh"

OUT=$(realpath "${1:-$SRCTREE/drivers/vdpa}")
ensure_pristine >/dev/null

# The generator names the spec in the files' header as it was given: give
# it the kernel tree's relative path, with the schema beside it.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/Documentation/netlink/specs"
kgit show pristine:Documentation/netlink/genetlink-legacy.yaml \
	>"$work/Documentation/netlink/genetlink-legacy.yaml"
cp "$SRCTREE/Documentation/netlink/specs/vdpa.yaml" \
	"$work/Documentation/netlink/specs/"
mkdir -p "$work/tools"
kgit archive pristine tools/net/ynl | tar -x -C "$work"
# The generator looks for the kernel tree (MAINTAINERS) above the spec.
touch "$work/MAINTAINERS"
cd "$work"
for part in source header; do
	ext=c
	[ "$part" = header ] && ext=h
	python3 tools/net/ynl/ynl-gen-c.py --mode kernel \
		--spec Documentation/netlink/specs/vdpa.yaml --"$part" \
		-o "$work/vdpa_nl_gen.$ext" >/dev/null
	cp "$work/vdpa_nl_gen.$ext" "$OUT/vdpa_nl_gen.$ext"
done
