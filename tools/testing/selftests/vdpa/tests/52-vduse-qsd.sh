#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# VDUSE with its real daemon: qemu-storage-daemon 7.2 exports a file as a
# vduse-blk device, iproute2 attaches it to the vdpa bus, and the kernel's
# virtio_blk (over virtio_vdpa, its buffers bounced through pages the
# daemon maps) reads the file and writes it. A flush reaches the file;
# what is written reads back identical through the disk, and is in the
# file; fio's random writes verify.
#
# Then the order an operator tears down in: detach, stop the daemon (it
# destroys its device), unload.

. "${0%/*}/lib.sh"

command -v qemu-storage-daemon >/dev/null || skip "no qemu-storage-daemon in the image"

NAME=vduse-blk0
MIB=16
IMG=$WORK/disk.img

# attach: the daemon has set its queues up once vdpa dev add is taken.
attach() { vdpa dev add name "$NAME" mgmtdev vduse; }
blkdev() { vdpa_blkdev "$NAME"; }
qsd_gone() { ! kill -0 "$qsd_pid"; }

step "qemu-storage-daemon exports a file as a VDUSE block device"
load vduse virtio_vdpa virtio_blk
dd if=/dev/urandom of="$IMG" bs=1M count=$MIB 2>/dev/null
# libvduse keeps its reconnect log in TMPDIR. Between the export and the
# file, blkdebug fails the first flush that reaches it on its way to the
# file (and nothing else): the proof that a flush gets there.
FAIL_FLUSH=inject-error.0.event=flush_to_disk,inject-error.0.errno=5
FAIL_FLUSH=$FAIL_FLUSH,inject-error.0.once=on
TMPDIR=$WORK qemu-storage-daemon \
	--blockdev "driver=file,node-name=file0,filename=$IMG" \
	--blockdev "driver=blkdebug,node-name=dbg0,image=file0,$FAIL_FLUSH" \
	--blockdev "driver=raw,node-name=raw0,file=dbg0" \
	--export "type=vduse-blk,id=exp0,node-name=raw0,name=$NAME,writable=on" \
	>qsd.out 2>&1 &
qsd_pid=$!
wait_for 20 test -c "/dev/vduse/$NAME" ||
	{ cat qsd.out; fail "/dev/vduse/$NAME did not appear"; }
run vdpa mgmtdev show vduse
expect_out "vduse"

step "vdpa dev add attaches it; virtio_blk gets a disk of the file's size"
wait_for 10 attach || { cat qsd.out; fail "vdpa dev add $NAME failed"; }
run vdpa dev show "$NAME"
expect_out "mgmtdev vduse"
wait_for 20 blkdev || fail "no block device on $NAME"
disk=/dev/$(blkdev)
expect_eq "$(cat "/sys/block/${disk#/dev/}/size")" $((MIB * 2048)) \
	"the disk's size in sectors"

step "a flush reaches the daemon's file"
# The first fsync fails with the error blkdebug injected at the file; the
# next one goes through.
kmsg_allow "I/O error, dev ${disk#/dev/}, .*FLUSH"
dd if=/dev/urandom of=flushed bs=4k count=1 2>/dev/null
try dd if=flushed of="$disk" bs=4k seek=1000 oflag=direct conv=fsync
[ "$RC" -ne 0 ] || fail "the first flush did not reach the file (blkdebug did not fail it)"
expect_out "Input/output error"
run dd if=flushed of="$disk" bs=4k seek=1000 oflag=direct conv=fsync

step "the disk reads the file"
dd if="$disk" of=head.disk bs=1M count=4 iflag=direct 2>/dev/null ||
	fail "reading $disk failed"
dd if="$IMG" of=head.img bs=1M count=4 2>/dev/null
cmp head.disk head.img || fail "the disk's first 4 MiB differ from the file's"

step "what is written reads back, and is in the file"
dd if=/dev/urandom of=pattern bs=1M count=8 2>/dev/null
# 8 MiB at 4 MiB, in requests of 1 MiB and of 4 KiB (bounced page by page).
dd if=pattern of="$disk" bs=1M seek=4 oflag=direct conv=fsync 2>/dev/null ||
	fail "writing $disk failed"
dd if=pattern of="$disk" bs=4k count=256 seek=3072 oflag=direct 2>/dev/null ||
	fail "writing $disk in 4 KiB blocks failed"
dd if="$disk" of=back bs=1M skip=4 count=8 iflag=direct 2>/dev/null ||
	fail "reading $disk back failed"
cmp pattern back || fail "data read back differs from data written"
dd if="$disk" of=back4k bs=4k skip=3072 count=256 iflag=direct 2>/dev/null
dd if=pattern of=head.pattern bs=4k count=256 2>/dev/null
cmp head.pattern back4k || fail "4 KiB blocks read back differ"
run blockdev --flushbufs "$disk"
dd if="$IMG" of=file.part bs=1M skip=4 count=8 2>/dev/null
cmp pattern file.part || fail "the file does not hold what the disk wrote"

step "fio: 4 KiB random writes, every block verified (crc32c)"
quiet fio --name=verify --filename="$disk" --direct=1 --ioengine=libaio \
	--rw=randwrite --bs=4k --size=8M --iodepth=16 --verify=crc32c \
	--verify_fatal=1 --do_verify=1
grep -E '(READ|WRITE):' "$OUT" | sed 's/^ */    /'
grep -q "err= 0" "$OUT" || fail "fio reported errors"

step "detach, stop the daemon: the device is gone"
run vdpa dev del "$NAME"
expect_gone "/sys/bus/vdpa/devices/$NAME"
kill -TERM "$qsd_pid"
wait_for 20 qsd_gone || fail "qemu-storage-daemon did not exit"
wait "$qsd_pid" || fail "qemu-storage-daemon exited with status $?"
show_log() { sed 's/^/    qsd: /' qsd.out; }
show_log
expect_gone "/dev/vduse/$NAME"
expect_gone "/sys/class/vduse/$NAME"
