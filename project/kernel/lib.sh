# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # the variables are for the sourcer
#
# Sourced by the in-tree kernel tooling (series.sh, build-kernel.sh): where
# the pristine 6.12 source, its git history and the build outputs live, and
# how to make them.
#
# Everything here is a cache outside the clone: a kernel source tree, a
# build tree per configuration and a ccache directory are too big for the
# repository and are worth keeping between clones.

KERNEL_TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=project/env.sh
. "$KERNEL_TOOLS/../env.sh"

# Debian's packaged source of the kernel we build against.
LINUX_TARBALL=${LINUX_TARBALL:-/usr/src/linux-source-6.12.tar.xz}

KCACHE=${VDPA_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vdpa-kernel}
# The git tree made from the tarball: its first commit is the pristine
# source (tag "pristine"); the series is applied on top of it.
KSRC=$KCACHE/linux
export CCACHE_DIR=${CCACHE_DIR:-$KCACHE/ccache}

# Fixed identity and dates make every generated commit, and so every
# patch's "From <sha1>" line and the base-commit trailer, reproducible.
export GIT_AUTHOR_NAME="vDPA team" GIT_AUTHOR_EMAIL="vdpa@example.org"
export GIT_COMMITTER_NAME="vDPA team" GIT_COMMITTER_EMAIL="vdpa@example.org"
export GIT_AUTHOR_DATE="2025-01-01T00:00:00+0000"
export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"

kgit() { git -C "$KSRC" -c core.autocrlf=false -c gc.auto=0 "$@"; }

# ensure_pristine: make $KSRC from the tarball unless it already holds a
# pristine commit made from this very tarball (a Debian update of
# linux-source-6.12 brings a new one).
ensure_pristine()
{
	local id t0

	[ -r "$LINUX_TARBALL" ] ||
		die "$LINUX_TARBALL missing: run project/deps.sh" \
			"(apt-get install linux-source-6.12)"
	# Size and mtime identify a Debian package's file well enough, and
	# hashing 150 MB on every run would not be free.
	id=$(stat -c '%s-%Y' "$LINUX_TARBALL")
	if [ "$(cat "$KSRC/.git/vdpa-pristine-id" 2>/dev/null)" = "$id" ] &&
	   kgit rev-parse -q --verify pristine >/dev/null; then
		return 0
	fi

	t0=$(date +%s)
	echo "  SOURCE  $LINUX_TARBALL -> $KSRC (once per tarball)"
	rm -rf "$KSRC" "$KSRC.tmp"
	mkdir -p "$KSRC.tmp"
	tar -xJf "$LINUX_TARBALL" -C "$KSRC.tmp" --strip-components=1
	mv "$KSRC.tmp" "$KSRC"
	kgit init -q -b linux-6.12
	# The Debian tarball's .gitignore ignores everything at the top
	# level ("/*"): -f takes the files all the same.
	kgit add -f -A .
	kgit commit -q --no-verify -m "Linux $(kmake_version) (Debian linux-source-6.12)"
	kgit tag -f pristine >/dev/null
	echo "$id" >"$KSRC/.git/vdpa-pristine-id"
	echo "  SOURCE  done in $(($(date +%s) - t0))s"
}

# VERSION.PATCHLEVEL.SUBLEVEL of the kernel source in $KSRC.
kmake_version()
{
	awk '/^VERSION =/ { v = $3 } /^PATCHLEVEL =/ { p = $3 }
	     /^SUBLEVEL =/ { s = $3 } END { print v "." p "." s }' "$KSRC/Makefile"
}
