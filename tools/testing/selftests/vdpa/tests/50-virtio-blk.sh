#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# virtio_vdpa + virtio_blk on a simulated block device: a disk of the
# simulator's capacity appears; data written reaches the device and reads
# back identical (with the page cache out of the way), at both ends of the
# disk; flushes succeed; I/O past the end fails.

. "${0%/*}/lib.sh"

# The simulator's capacity in 512-byte sectors (128 MiB, as upstream).
CAPACITY=${VDPA_SIM_BLK_SECTORS:-262144}

load vdpa_sim_blk virtio_vdpa virtio_blk

step "a disk appears with the simulator's capacity"
run vdpa dev add name b0 mgmtdev vdpasim_blk
wait_for 10 vdpa_blkdev b0 || fail "no block device on b0 within 10s"
blk=$(vdpa_blkdev b0)
log "disk: $blk"
wait_for 10 test -b "/dev/$blk" || fail "/dev/$blk did not appear"
expect_eq "$(cat "/sys/block/$blk/size")" "$CAPACITY" "/sys/block/$blk/size"
run blockdev --getsize64 "/dev/$blk"
expect_eq "$(cat "$OUT")" $((CAPACITY * 512)) "blockdev --getsize64"

step "1 MiB written at the start reads back identical"
run dd if=/dev/urandom of=pattern bs=64k count=16
run dd if=pattern of="/dev/$blk" bs=64k oflag=direct
run sh -c 'echo 3 >/proc/sys/vm/drop_caches'
run dd if="/dev/$blk" of=back bs=64k count=16 iflag=direct
run cmp pattern back

step "the same through the page cache, then flushed"
run dd if=/dev/urandom of=pattern2 bs=64k count=16
run dd if=pattern2 of="/dev/$blk" bs=64k seek=16 conv=fsync
run blockdev --flushbufs "/dev/$blk"
run sh -c 'echo 3 >/proc/sys/vm/drop_caches'
run dd if="/dev/$blk" of=back2 bs=64k skip=16 count=16 iflag=direct
run cmp pattern2 back2
# The first MiB was not disturbed.
run dd if="/dev/$blk" of=back bs=64k count=16 iflag=direct
run cmp pattern back

step "the last MiB of the disk"
last=$((CAPACITY / 128 - 16))		# in 64 KiB blocks
run dd if=pattern of="/dev/$blk" bs=64k seek=$last oflag=direct
run dd if="/dev/$blk" of=back3 bs=64k skip=$last count=16 iflag=direct
run cmp pattern back3

step "nothing past the end"
run dd if="/dev/$blk" of=past bs=512 skip=$CAPACITY count=1 iflag=direct
expect_eq "$(wc -c <past)" 0 "bytes read past the end"
expect_fail dd if=pattern of="/dev/$blk" bs=512 seek=$CAPACITY count=1 oflag=direct

step "delete the device: the disk goes"
run vdpa dev del b0
wait_for 10 sh -c "! [ -e /sys/block/$blk ]" ||
	fail "$blk still there after vdpa dev del"
