#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel: the pristine 6.12 source with our series applied
# by `git am` (which proves that it applies), configured from
# kernel.config + debug.config on top of allnoconfig, built out of tree
# with ccache.
#
#   build-kernel.sh [--sparse] [--parents] [--no-series] [--each]
#   build-kernel.sh --coverage [--no-series]
#
#   --sparse      then run sparse (C=2) over our objects; fails on any
#                 warning in a file of ours
#   --parents     then compile upstream's parents that the series converts
#                 (upstream-parents/, parents.config), W=1 and sparse, in
#                 a build tree of their own: their directories only;
#                 fails on any error or warning there
#   --no-series   build what the source tree holds (after a failed am,
#                 to look at it by hand)
#   --each        then build the series patch by patch, each with the
#                 debug configuration less what it does not bring yet
#                 (a result per patch; slow the first time)
#   --coverage    the coverage kernel instead (make coverage): the same
#                 configuration plus coverage.config (gcov), and our code
#                 alone built with gcov instrumentation (GCOV_PROFILE
#                 lines added to its Makefiles). In a source tree of its
#                 own (linux-coverage/, a git worktree of linux/) and a
#                 build tree of its own, linked as
#                 $BUILD_DIR/coverage-kernel; the source files it was
#                 built from are kept there (vdpa-coverage-src/), for the
#                 report.
#
# The source tree, the build trees (one per configuration) and the ccache
# directory live in the cache (lib.sh): after a small change of ours a
# rebuild recompiles only what changed. $BUILD_DIR/debug-kernel (.build/
# of this clone) links to the build tree used, where run.sh --tier debug
# finds bzImage and the installed modules (modules/lib/modules/<release>).
#
# Prints KTAP-like "ok"/"not ok" lines for the parts the test summary
# counts: the series applies, the kernel builds, (sparse is clean).

set -eu
# shellcheck source=project/kernel/lib.sh
. "$(dirname "$0")/lib.sh"

SPARSE=
PARENTS=
SERIES=1
EACH=
COVERAGE=
for arg; do
	case "$arg" in
	--sparse) SPARSE=1 ;;
	--parents) PARENTS=1 ;;
	--no-series) SERIES= ;;
	--each) EACH=1 ;;
	--coverage) COVERAGE=1 ;;
	-h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown argument $arg" ;;
	esac
done
[ -z "$COVERAGE" ] || [ -z "$SPARSE$EACH" ] ||
	die "--coverage goes with neither --sparse nor --each"

JOBS=${JOBS:-2}
# Our files in the kernel tree, as a regular expression for the logs.
OURS='drivers/vdpa/|drivers/virtio/virtio_vdpa|drivers/vhost/vdpa|include/linux/vdpa'
OURS="$OURS|include/uapi/linux/vdpa|include/linux/vp_vdpa_lib"
# $BUILD_DIR/debug-kernel or, for the coverage kernel, coverage-kernel.
LINK=debug-kernel
[ -z "$COVERAGE" ] || LINK=coverage-kernel
# The coverage kernel's Makefiles differ from the series': a worktree of
# the source tree of its own, which no other build checks out under it.
KSRC_MAIN=$KSRC
[ -z "$COVERAGE" ] || KSRC=$KCACHE/linux-coverage
# The series and the logs of this run: several runs from one clone must
# not write over each other's (check.sh gives its own directory).
LOGDIR=${KERNEL_LOGDIR:-$BUILD_DIR/kernel}
PATCHES=$LOGDIR/patches-$$
trap 'rm -rf "$PATCHES"' EXIT
# Reproducible version strings keep init/version.o a ccache hit.
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2025"
export KBUILD_BUILD_USER=vdpa KBUILD_BUILD_HOST=vdpa

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
T0=$(now)

command -v ccache >/dev/null || die "ccache missing: run project/deps.sh"
mkdir -p "$KCACHE" "$BUILD_DIR" "$LOGDIR"

# The series goes to .build/, not patches/: `make patches` is the
# developer's own, and check runs must not overwrite what they look at.
t=$(now)
"$KERNEL_TOOLS/series.sh" "$PATCHES" >/dev/null
n=$(find "$PATCHES" -name '0*.patch' ! -name '0000-*' | wc -l)
echo "  SERIES  $n patches in $(since "$t")s"

# The series' patches in order, without the cover letter.
series_patches()
{
	local p

	for p in "$PATCHES"/0*.patch; do
		[ "${p##*/}" = 0000-cover-letter.patch ] || echo "$p"
	done
}

# kmake TARGET...: kbuild in our build tree, with ccache.
kmake()
{
	make -C "$KSRC" O="$KBUILD" -j"$JOBS" --no-print-directory \
		CC="ccache gcc" LOCALVERSION= "$@"
}

build()
{
	local t frag hash missing=0 line sym val got patches

	[ -z "$COVERAGE" ] || coverage_worktree
	# A fresh checkout of the pristine commit, then the series. Only the
	# files the last series touched are rewritten: the rest keep their
	# timestamps, so make rebuilds just what depends on ours.
	if [ -n "$SERIES" ]; then
		t=$(now)
		kgit am --abort >/dev/null 2>&1 || true
		kgit checkout -q -f --detach pristine
		mapfile -t patches < <(series_patches)
		if ! kgit am -q "${patches[@]}" 2>"$LOGDIR/am.log"; then
			sed 's/^/    /' "$LOGDIR/am.log"
			kgit am --abort >/dev/null 2>&1 || true
			echo "not ok - series applies to pristine $(kmake_version) (git am)"
			return 1
		fi
		echo "  AM      $(kgit rev-list --count pristine..HEAD) patches onto" \
			"$(kgit rev-parse --short pristine) in $(since "$t")s"
		echo "ok - series applies to pristine $(kmake_version) (git am)"
	fi

	# The configuration: both fragments, plus our KUnit suites as
	# modules (their symbols come and go with drivers/vdpa/Kconfig).
	frag=$(mktemp)
	cat "$HARNESS/qemu/kernel.config" "$HARNESS/qemu/debug.config" \
		${COVERAGE:+"$KERNEL_TOOLS/coverage.config"} >"$frag"
	find "$KSRC/drivers/vdpa" -name Kconfig -exec \
		sed -n 's/^config \([A-Z0-9_]*KUNIT[A-Z0-9_]*\)$/CONFIG_\1=m/p' {} + |
		sort >>"$frag"
	# One build tree per configuration and compiler.
	hash=$( (cat "$frag"; gcc --version | head -n 1; kgit rev-parse pristine) |
		sha256sum | cut -c1-12)
	KBUILD=$KCACHE/build-$hash
	mkdir -p "$KBUILD"
	ln -sfn "$KBUILD" "$BUILD_DIR/$LINK"

	t=$(now)
	if ! cmp -s "$frag" "$KBUILD/vdpa.config"; then
		kmake KCONFIG_ALLCONFIG="$frag" allnoconfig >/dev/null
		cp "$frag" "$KBUILD/vdpa.config"
	else
		kmake olddefconfig >/dev/null
	fi
	# Every option we asked for must be there as asked: Kconfig drops a
	# value whose dependencies are not met without a word.
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) sym=${line%%=*} val=${line#*=} ;;
		"# CONFIG_"*" is not set") sym=${line#"# "} sym=${sym%% *} val=n ;;
		*) continue ;;
		esac
		got=$(grep -E "^$sym=|^# $sym is not set" "$KBUILD/.config" || true)
		if [ "$val" = n ]; then
			# Off, or not even offered: both are off.
			case "$got" in ""|"# $sym is not set") continue ;; esac
		elif [ "$got" = "$sym=$val" ]; then
			continue
		fi
		echo "    $sym: asked for ${val}, got '${got:-nothing}'"
		missing=1
	done <"$frag"
	rm -f "$frag"
	if [ "$missing" = 1 ]; then
		echo "not ok - debug kernel config has every option asked for ($KBUILD/.config)"
		return 1
	fi

	[ -z "$COVERAGE" ] || gcov_profile
	if ! kmake bzImage modules >"$LOGDIR/kernel-build.log" 2>&1; then
		grep -E 'error|Error|warning:' "$LOGDIR/kernel-build.log" |
			head -n 40 | sed 's/^/    /'
		echo "not ok - debug kernel builds (log: $LOGDIR/kernel-build.log)"
		return 1
	fi
	# Our code must build without a warning in-tree as well.
	if grep -E "^($OURS).*warning:" "$LOGDIR/kernel-build.log" |
		sed 's/^/    /' | grep .; then
		echo "not ok - debug kernel builds without warnings in our files"
		return 1
	fi
	rm -rf "$KBUILD/modules"
	kmake INSTALL_MOD_PATH="$KBUILD/modules" INSTALL_MOD_STRIP=1 \
		modules_install >/dev/null
	echo "  KERNEL  $(cat "$KBUILD/include/config/kernel.release") in $(since "$t")s ($KBUILD)"
	echo "ok - debug kernel builds"
}

# coverage_worktree: make $KSRC, the coverage kernel's source tree, a git
# worktree of the main one (once; again after series.sh made the main one
# anew from a new tarball).
coverage_worktree()
{
	[ -f "$KSRC/.git" ] &&
		git -C "$KSRC" rev-parse -q --verify pristine >/dev/null 2>&1 && return 0
	echo "  SOURCE  worktree $KSRC (once)"
	rm -rf "$KSRC"
	git -C "$KSRC_MAIN" worktree prune
	git -C "$KSRC_MAIN" worktree add -q --detach "$KSRC" pristine
}

# gcov_profile: GCOV_PROFILE lines in the Makefiles of our code (all of
# drivers/vdpa/; vhost-vdpa's objects in drivers/vhost, one object in
# drivers/virtio),
# in the coverage kernel's own source tree. The next build's checkout -f
# and git am start from the series' Makefiles again.
gcov_profile()
{
	local mk line

	(cd "$KSRC" && find drivers/vdpa -name Makefile &&
		echo drivers/vhost/Makefile && echo drivers/virtio/Makefile) |
		while read -r mk; do
			case "$mk" in
			drivers/vhost/*) line=$(printf 'GCOV_PROFILE_%s.o := y\n' \
				vdpa vdpa_as vdpa_log) ;;
			drivers/virtio/*) line="GCOV_PROFILE_virtio_vdpa.o := y" ;;
			*) line="GCOV_PROFILE := y" ;;
			esac
			printf '\n# build-kernel.sh --coverage\n%s\n' "$line" >>"$KSRC/$mk"
		done
	# What the objects are built from, for the report, whatever the
	# source tree holds later.
	rm -rf "$KBUILD/vdpa-coverage-src"
	mkdir -p "$KBUILD/vdpa-coverage-src"
	(cd "$KSRC" && find drivers/vdpa drivers/vhost/vdpa*.[ch] \
		drivers/virtio/virtio_vdpa.c include/linux/vdpa*.h \
		include/uapi/linux/vdpa*.h -name '*.[ch]' -print0 |
		cpio -0pdm --quiet "$KBUILD/vdpa-coverage-src")
}

# sparse over every object of ours; warnings elsewhere (headers of the
# kernel's) are shown but not counted.
sparse()
{
	local log=$LOGDIR/sparse.log t

	t=$(now)
	if ! kmake C=2 drivers/vdpa/ drivers/virtio/virtio_vdpa.o \
		drivers/vhost/vdpa.o drivers/vhost/vdpa_as.o \
		drivers/vhost/vdpa_log.o >"$log" 2>&1; then
		tail -n 20 "$log" | sed 's/^/    /'
		echo "not ok - sparse over our files"
		return 1
	fi
	sed -i "s|$KSRC/||g; s|^\.\./||" "$log"
	echo "  SPARSE  $(grep -c '^  CHECK' "$log" || true) files in $(since "$t")s"
	if grep -E "^($OURS)[^:]*:[0-9]+:[0-9]+: (warning|error)" "$log" |
		sed 's/^/    /' | grep .; then
		echo "not ok - sparse over our files (log: $log)"
		return 1
	fi
	echo "ok - sparse over our files"
}

# The converted upstream parents: their build tree is the debug kernel's
# .config plus parents.config; only their directories are compiled, so
# what they depend on (mlx5_core, pds_core) is configured, never built.
parents()
{
	local pkbuild=$KBUILD-parents log=$LOGDIR/parents.log t dirs line sym
	local missing=0 n

	t=$(now)
	mkdir -p "$pkbuild"
	cat "$KBUILD/.config" "$KERNEL_TOOLS/parents.config" >"$pkbuild/.config"
	KBUILD=$pkbuild kmake olddefconfig >/dev/null 2>&1
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		sym=${line%%=*}
		grep -qx "$line" "$pkbuild/.config" && continue
		echo "    $sym: asked for ${line#*=}, got '$(grep -E "^$sym=" \
			"$pkbuild/.config" || true)'"
		missing=1
	done <"$KERNEL_TOOLS/parents.config"
	if [ "$missing" = 1 ]; then
		echo "not ok - upstream's parents are configured ($pkbuild/.config)"
		return 1
	fi
	# the directories the conversion patches touch
	dirs=$(sed -n 's|^diff --git a/\(drivers/vdpa/[a-z0-9_]*/\).*|\1|p' \
		"$SRCTREE"/upstream-parents/*.patch | sort -u)
	if ! KBUILD=$pkbuild kmake W=1 C=2 $dirs >"$log" 2>&1; then
		grep -E 'error|Error' "$log" | head -n 20 | sed 's/^/    /'
		echo "not ok - upstream's parents build on the series (log: $log)"
		return 1
	fi
	sed -i "s|$KSRC/||g; s|^\.\./||" "$log"
	if grep -E "^drivers/vdpa/[^:]*:[0-9]+:[0-9]+: (warning|error)" "$log" |
		sed 's/^/    /' | grep .; then
		echo "not ok - upstream's parents build without warnings ($log)"
		return 1
	fi
	n=$(grep -c '^  CHECK   drivers/vdpa/' "$log" || true)
	echo "  PARENTS $(echo "$dirs" | wc -w) directories, $n files in $(since "$t")s"
	echo "ok - upstream's parents build on the series (W=1, sparse):" $dirs
}

# Bisectability: every prefix of the series builds. A build tree of its
# own, configured from the full build's .config: olddefconfig drops what
# a prefix does not define yet.
each()
{
	local patches p k=0 n ekbuild=$KBUILD-each

	mapfile -t patches < <(series_patches)
	n=${#patches[@]}
	mkdir -p "$ekbuild"
	for p in "${patches[@]}"; do
		k=$((k + 1))
		kgit am --abort >/dev/null 2>&1 || true
		kgit checkout -q -f --detach pristine
		if ! kgit am -q "${patches[@]:0:k}" >/dev/null 2>&1; then
			echo "not ok - patch $k/$n applies"
			continue
		fi
		cp "$KBUILD/.config" "$ekbuild/.config"
		if KBUILD=$ekbuild kmake olddefconfig >/dev/null &&
		   KBUILD=$ekbuild kmake bzImage modules >"$LOGDIR/each-$k.log" 2>&1; then
			echo "ok - builds up to patch $k/$n: $(basename "$p" .patch)"
		else
			grep -E 'error|Error' "$LOGDIR/each-$k.log" | head -n 20 |
				sed 's/^/    /'
			echo "not ok - builds up to patch $k/$n: $(basename "$p" .patch)"
		fi
	done
	# Leave the source tree with the whole series, as build() did.
	kgit checkout -q -f --detach pristine
	kgit am -q "${patches[@]}"
}

# One build at a time on the machine's two cores, and one user of the
# shared source tree.
export -f build sparse parents each series_patches kmake now since kgit kmake_version die \
	gcov_profile coverage_worktree
export KSRC KSRC_MAIN KBUILD_BUILD_TIMESTAMP PATCHES JOBS SERIES SPARSE BUILD_DIR LOGDIR \
	KERNEL_TOOLS HARNESS KCACHE OURS EACH COVERAGE LINK PARENTS SRCTREE
rc=0
T_LOCK=$(now)
export T_LOCK
with_lock bash -c '
	w=$(since "$T_LOCK")
	[ "${w%.*}" -lt 1 ] || echo "  LOCK    waited ${w}s for the build lock"
	build && { [ -z "$SPARSE" ] || sparse; } &&
		{ [ -z "$PARENTS" ] || parents; } && { [ -z "$EACH" ] || each; }' || rc=$?
echo "  TIME    kernel $(since "$T0")s"
exit "$rc"
