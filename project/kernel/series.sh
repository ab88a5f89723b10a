#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Write our tree as a git format-patch series against Debian's pristine
# linux-source-6.12 (what `make patches` runs):
#
#   series.sh [OUTDIR]        (default: patches/ at the top of our tree)
#
# The pristine source becomes a git tree in the cache (see lib.sh) the
# first time; series.py then builds the commits there, without touching
# its work tree, and writes 0000-cover-letter.patch, 0001-*.patch, ...

set -eu
# shellcheck source=project/kernel/lib.sh
. "$(dirname "$0")/lib.sh"

OUT=${1:-$SRCTREE/patches}

ensure_pristine
# One clone at a time updates the series branch and its description.
flock "$KSRC/.git/vdpa-series.lock" \
	python3 "$KERNEL_TOOLS/series.py" --kernel "$KSRC" --out "$OUT" |
	sed "s|^$SRCTREE/||; s/^/  PATCH   /"
exit "${PIPESTATUS[0]}"
