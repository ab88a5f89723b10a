#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything `make check` runs, in order, with one verdict at the end:
#
#   1. host checks: the netlink spec against the YNL schema, the uapi
#      header and the kernel's policies; checkpatch.pl --strict over the
#      series (a result per patch);
#   1b. the harness's self-check (check-harness.sh): staged failures of
#      every kind the suite must catch come out as failures;
#   2. tier 1: run.sh on Debian's 6.12 kernel with our modules built out
#      of tree;
#   3. the series: applied to the pristine 6.12 source with git am, the
#      debug kernel built from it, sparse over our files in that build;
#   4. tier 2: run.sh --tier debug: the same tests on the debug kernel,
#      then our KUnit suites and a kmemleak scan.
#
#   check.sh [PART...]     parts: host harness distro kernel debug
#                          (default: all)
#
# Every part's results count; a part that cannot run counts as a failure.
# The last line is "N passed, N failed[, N skipped]" over all of them; the
# exit status is 0 only when nothing failed.

set -u
# shellcheck source=project/kernel/lib.sh
. "$(dirname "$0")/kernel/lib.sh"

PARTS=${*:-host harness distro kernel debug}
if [ -z "${NO_DEPS:-}" ]; then
	"$PROJECT/deps.sh" || { echo "0 passed, 1 failed"; exit 1; }
	export NO_DEPS=1
fi
PASS=0
FAIL=0
SKIP=0
T_START=$(date +%s)
# A directory per run (several people may run it from one clone), the
# newest linked as .build/check; each part's output goes there.
OUTDIR=$BUILD_DIR/check-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$OUTDIR"
ls -dt "$BUILD_DIR"/check-2*-* 2>/dev/null | tail -n +6 | xargs -r rm -rf
[ -L "$BUILD_DIR/check" ] || rm -rf "$BUILD_DIR/check"
ln -sfn "${OUTDIR##*/}" "$BUILD_DIR/check"
export KERNEL_LOGDIR=$OUTDIR/kernel

# count FILE: add the "ok"/"not ok" result lines of FILE to the totals. A
# part that failed without saying which check failed counts one failure.
count()
{
	local p f s

	read -r p f s < <(awk '
		/^ok .*# SKIP/ { s++; next }
		/^ok / { p++ } /^not ok / { f++ }
		END { print p + 0, f + 0, s + 0 }' "$1")
	if [ "$PART_RC" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $2 stopped (exit status $PART_RC) before reporting a failure"
		f=1
	fi
	PASS=$((PASS + p))
	FAIL=$((FAIL + f))
	SKIP=$((SKIP + s))
}

# count_summary FILE: add a run.sh's own "N passed, N failed[, N skipped]".
count_summary()
{
	local line p f s

	line=$(grep -E '^  TOTAL   [0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		echo "not ok - $2 gave no verdict"
		FAIL=$((FAIL + 1))
		return
	fi
	read -r p f s < <(echo "$line" | awk '{
		for (i = 1; i <= NF; i++) {
			if ($(i + 1) ~ /^passed/) p = $i
			if ($(i + 1) ~ /^failed/) f = $i
			if ($(i + 1) ~ /^skipped/) s = $i
		}
		print p + 0, f + 0, s + 0 }')
	PASS=$((PASS + p))
	FAIL=$((FAIL + f))
	SKIP=$((SKIP + s))
}

# part NAME CMD...: run a part, its output shown and kept; a run.sh's own
# total becomes "TOTAL" so that only our line is the verdict.
part()
{
	local name=$1 t0

	t0=$(date +%s)

	shift
	echo "== $name"
	"$@" 2>&1 | sed -u -E 's/^([0-9]+ passed, [0-9]+ failed.*)$/  TOTAL   \1/' |
		tee "$OUTDIR/$name.log"
	PART_RC=${PIPESTATUS[0]}
	echo "  TIME    $name $(($(date +%s) - t0))s"
}

host_checks()
{
	local p log bad out rc

	ensure_pristine || { echo "not ok - pristine 6.12 source"; return; }
	out=$(python3 "$PROJECT/check-netlink-spec.py" \
		--gen "$PROJECT/netlink-gen.sh" \
		--schema "$KSRC/Documentation/netlink/genetlink-legacy.yaml" 2>&1)
	rc=$?
	echo "$out"
	# A crash is a failure too, not just its "not ok" lines.
	[ "$rc" -eq 0 ] || echo "$out" | grep -q '^not ok ' ||
		echo "not ok - check-netlink-spec.py (exit status $rc)"

	if ! "$KERNEL_TOOLS/series.sh" "$OUTDIR/patches" >/dev/null; then
		echo "not ok - the series could not be written"
		return
	fi
	# A result per patch; --strict's CHECKs are shown, errors and
	# warnings fail unless excepted next to the code: a comment
	# "checkpatch-ignore: TYPE <why>" on the line or up to 3 lines above.
	for p in "$OUTDIR"/patches/0*.patch; do
		case "$p" in */0000-cover-letter.patch) continue ;; esac
		log=$(cd "$KSRC" && ./scripts/checkpatch.pl --strict --no-tree \
			--terse --show-types "$p" 2>&1)
		bad=$(echo "$log" | awk -v patch="$p" '
			BEGIN { while ((getline l < patch) > 0) text[++n] = l }
			match($0, /:[0-9]+: (ERROR|WARNING):[A-Z_0-9]+:/) {
				split(substr($0, RSTART + 1, RLENGTH - 2), f, ":")
				sub(/^ /, "", f[2])
				for (i = f[1] - 3; i <= f[1]; i++)
					if (index(text[i], "checkpatch-ignore: " f[3]))
						next
				print
			}')
		echo "$log" | grep -v -e '^total:' -e '^$' |
			sed "s|^$OUTDIR/patches/||; s/^/# /"
		if ! echo "$log" | grep -qE ': (ERROR|WARNING):'; then
			echo "ok - checkpatch --strict ${p##*/}"
		elif [ -z "$bad" ]; then
			echo "# (every error and warning above is excepted in the code)"
			echo "ok - checkpatch --strict ${p##*/}"
		else
			echo "not ok - checkpatch --strict ${p##*/}"
		fi
	done
}

for p in $PARTS; do
	case "$p" in
	host)
		part host host_checks
		count "$OUTDIR/host.log" "host checks"
		;;
	harness)
		part harness env HARNESS_OUT="$OUTDIR/harness" \
			"$HARNESS/check-harness.sh"
		count "$OUTDIR/harness.log" "the harness self-check"
		;;
	distro)
		part distro "$PROJECT/run.sh" --tier distro
		count_summary "$OUTDIR/distro.log" "tier 1 (distro kernel)"
		;;
	kernel)
		part kernel "$KERNEL_TOOLS/build-kernel.sh" --sparse --parents
		count "$OUTDIR/kernel.log" "the series and the debug kernel"
		grep -q '^ok - debug kernel builds$' "$OUTDIR/kernel.log" &&
			KERNEL_OK=1
		;;
	debug)
		if [ -z "${KERNEL_OK:-}" ] && [[ " $PARTS " == *" kernel "* ]]; then
			echo "== debug"
			echo "not ok - tier 2 (debug kernel): no kernel to boot"
			FAIL=$((FAIL + 1))
			continue
		fi
		# The kernel part built it; alone, this part builds it too.
		if [ -n "${KERNEL_OK:-}" ]; then
			part debug env NO_BUILD=1 NO_DEPS=1 "$PROJECT/run.sh" --tier debug
		else
			part debug "$PROJECT/run.sh" --tier debug
		fi
		count_summary "$OUTDIR/debug.log" "tier 2 (debug kernel)"
		;;
	*)
		echo "unknown part $p (host harness distro kernel debug)"
		FAIL=$((FAIL + 1))
		;;
	esac
done

echo "  TIME    check $(($(date +%s) - T_START))s"
summary="$PASS passed, $FAIL failed"
[ "$SKIP" -eq 0 ] || summary="$summary, $SKIP skipped"
echo "$summary"
[ "$FAIL" -eq 0 ]
