#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make soak-migration: tests/86-qemu-migration.sh again and again on the
# debug kernel, with SOAK_LOAD busy loops on the host meanwhile. The host's
# load slows the test VM (TCG) unevenly. With a 128 MiB guest, QEMU 7.2's
# TCG lost guest stores while migrating (see the test's header), and the
# B -> C leg left the guest with stale pages in about one run of four;
# the test now compares the memory of both ends after every migration,
# so a lost page fails the run at once. Prints one verdict per run and a
# count; exits non-zero if any run failed. Each run's output goes to a /tmp file
# named in its verdict; the VM's console log stays in .build/.
#
#   SOAK_RUNS=N   runs (default 5)
#   SOAK_LOAD=N   busy loops on the host during each run (default 2)

set -eu

here=$(cd "$(dirname "$0")" && pwd)
runs=${SOAK_RUNS:-5}
load=${SOAK_LOAD:-2}
failed=0
pids=

stop_load()
{
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	pids=
}
trap stop_load EXIT INT TERM

i=1
while [ "$i" -le "$runs" ]; do
	n=0
	while [ "$n" -lt "$load" ]; do
		sh -c 'while :; do :; done' &
		pids="$pids $!"
		n=$((n + 1))
	done
	log=$(mktemp /tmp/soak-migration.XXXXXX)
	if NO_DEPS=1 "$here/run.sh" --tier debug 86-qemu-migration >"$log" 2>&1; then
		echo "run $i: ok ($log)"
	else
		echo "run $i: FAILED ($log)"
		failed=$((failed + 1))
	fi
	stop_load
	i=$((i + 1))
done
echo "$((runs - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
