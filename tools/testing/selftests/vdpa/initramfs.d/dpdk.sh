#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DPDK 22.11's testpmd for 85-dpdk-testpmd.sh: the binary, its libraries,
# and only the PMD plugins it needs (EAL loads every file of the plugin
# directory, so the others stay out; they keep their .so.23.0 names).

. "$(dirname "$0")/lib.sh"

need_pkg dpdk-dev
PMDS=/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0
copy_file /usr/bin/dpdk-testpmd
mkdir -p "$ROOT$PMDS"
copy_libs /usr/bin/dpdk-testpmd
for p in bus_vdev mempool_ring net_virtio; do
	[ -e "$ROOT$PMDS/librte_$p.so.23.0" ] ||
		cp "$PMDS/librte_$p.so.23.0" "$ROOT$PMDS/"
	copy_libs "$PMDS/librte_$p.so.23.0"
done
# glibc loads libgcc_s at run time (thread cancellation, unwinding).
copy_file /lib/x86_64-linux-gnu/libgcc_s.so.1
