#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The KUnit suites of the kernel under test. A test module's suites run as
# it loads; KUnit keeps each suite's KTAP result in debugfs, where we read
# it: any "not ok" fails the test. Takes the modules to run as arguments
# (mkinitramfs.sh makes a test per module out of this one, so that each
# module's verdict is a result of its own), or runs every *kunit* module
# of the kernel. Debian's kernel has no KUnit: skipped there.

. "${0%/*}/lib.sh"

KUNIT=/sys/kernel/debug/kunit

if [ $# -gt 0 ]; then
	mods=$*
else
	mods=$(find "/lib/modules/$(uname -r)" -name '*kunit*.ko' |
	       sed 's|.*/||; s|\.ko$||' | sort)
fi
[ -n "$mods" ] || skip "no KUnit test modules in this kernel"
# KUnit itself may be a module (Debian's is).
modprobe -q kunit 2>/dev/null || true
[ -d "$KUNIT" ] || skip "no KUnit debugfs in this kernel ($KUNIT missing)"

bad=
for m in $mods; do
	step "the suites of $m"
	ls "$KUNIT" | sort >before
	run modprobe "$m"
	ls "$KUNIT" | sort >after
	suites=$(awk 'FILENAME == ARGV[1] { old[$0] = 1; next } !old[$0]' \
		before after)
	[ -n "$suites" ] || fail "$m loaded but added no suite to $KUNIT"
	for s in $suites; do
		sed 's/^/  /' "$KUNIT/$s/results"
		# A suite's verdict is its last unindented (not ok|ok) line;
		# the cases' lines are indented. Any "not ok" is a failure.
		last=$(grep -E '^(not )?ok ' "$KUNIT/$s/results" | tail -n 1)
		log "$s: ${last:-no result}"
		case "$last" in
		"ok "*) grep -q 'not ok' "$KUNIT/$s/results" && bad="$bad $s" ;;
		*) bad="$bad $s" ;;
		esac
	done
	# Unload it and whatever of ours it pulled in.
	run rmmod "$m"
	reset_state
done
[ -z "$bad" ] || fail "KUnit suite(s) failed:$bad"
