#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Not a test of the suite: coverage.sh (make coverage) adds it to the
# coverage kernel's run, after every test (hence the name), and it hands
# the gcov data of our code to the host. The VM has no network and no
# disk: the data goes out on the console, as a gzipped tar in base64
# between a GCOV-BEGIN line (files, bytes, sha256) and a GCOV-END line;
# coverage.sh checks the sum.
#
# gcov keeps the counters of an unloaded module (gcov_persist=1, the
# default) and adds them up when the module comes back, so the data of
# modules the tests unloaded long ago is there.

set -eu

G=/sys/kernel/debug/gcov
if [ ! -d "$G" ]; then
	echo "SKIP: no $G: not the coverage kernel"
	exit 4
fi

echo "our modules loaded now: $(lsmod | awk 'NR > 1 && /vdpa/ { printf "%s ", $1 }')"
# debugfs files have no size: tar would store them empty. cat them.
rm -rf /tmp/gcov /tmp/gcov.tgz
mkdir -p /tmp/gcov
(cd "$G" && find . -name '*.gcda') | while read -r f; do
	mkdir -p "/tmp/gcov/${f%/*}"
	cat "$G/$f" >"/tmp/gcov/$f"
done
n=$(find /tmp/gcov -name '*.gcda' | wc -l)
if [ "$n" -eq 0 ]; then
	echo "no .gcda file under $G: is our code instrumented?"
	exit 1
fi
tar -C /tmp/gcov -czf /tmp/gcov.tgz .
echo "GCOV-BEGIN $n $(wc -c </tmp/gcov.tgz) $(sha256sum </tmp/gcov.tgz | cut -d' ' -f1)"
base64 -w 512 /tmp/gcov.tgz
echo "GCOV-END"
