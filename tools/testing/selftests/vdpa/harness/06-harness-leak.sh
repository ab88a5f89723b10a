#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-check (check-harness.sh): a module reference the test
# leaves behind fails it. A process outside the test's jobs keeps the
# disk of a vdpa_sim_blk device open, so virtio_blk cannot unload; init
# kills it once the test is over.
# harness-expect: ^not ok [0-9]+ 06-harness-leak( |$)
# harness-expect: reset: rmmod virtio_blk: .*\(refcnt [1-9]
# harness-expect: FAIL: the test left behind what could not be removed

. "${0%/*}/lib.sh"

load vdpa_sim_blk virtio_vdpa virtio_blk
run vdpa dev add name hb0 mgmtdev vdpasim_blk
wait_for 10 vdpa_blkdev hb0 || fail "no disk on hb0"
blk=$(vdpa_blkdev hb0)
sh -c "sleep 600 3</dev/$blk &"
