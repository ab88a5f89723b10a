#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The KUnit suites of the kernel under test. A test module's suites run as
# it loads; KUnit keeps each suite's KTAP result in debugfs, where we read
# it: any "not ok" fails the test, and so does a suite whose cases all
# skipped. Takes the modules to run as arguments
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

# pre_softdeps MODULE: the modules of its MODULE_SOFTDEP("pre: ...").
pre_softdeps()
{
	modinfo -F softdep "$1" | awk '{
		for (i = 1; i <= NF; i++)
			if ($i ~ /:$/)
				pre = ($i == "pre:")
			else if (pre)
				print $i
	}'
}

bad=
for m in $mods; do
	step "the suites of $m"
	# busybox modprobe ignores MODULE_SOFTDEP: without what the module
	# asks for, suites that need it skip every case.
	pre=$(pre_softdeps "$m")
	# shellcheck disable=SC2086 # a list of names
	[ -z "$pre" ] || load $pre
	ls "$KUNIT" | sort >before
	run modprobe "$m"
	ls "$KUNIT" | sort >after
	suites=$(awk 'FILENAME == ARGV[1] { old[$0] = 1; next } !old[$0]' \
		before after)
	[ -n "$suites" ] || fail "$m loaded but added no suite to $KUNIT"
	for s in $suites; do
		sed 's/^/  /' "$KUNIT/$s/results"
		if kunit_verdict "$KUNIT/$s/results" 2>verdict; then
			log "$s: ok"
		else
			log "$s: FAILED: $(tr '\n' ';' <verdict)"
			bad="$bad $s"
		fi
	done
	# Unload it and whatever of ours it pulled in.
	run rmmod "$m"
	reset_state || fail "$m left state behind (reset: above)"
done
[ -z "$bad" ] || fail "KUnit suite(s) failed:$bad"
