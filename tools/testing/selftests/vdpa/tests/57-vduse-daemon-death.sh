#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The daemon dies under load and none comes back: qemu-storage-daemon is
# killed (SIGKILL) while fio writes with 32 requests in flight. After the
# device's msg_timeout (3 s here) without a daemon, the kernel takes the
# device over: the requests in flight, and every later one, end with an
# I/O error, so fio stops with EIO instead of waiting for ever; the disk
# and the vDPA device are deleted in bounded time and the VDUSE device is
# destroyed.

. "${0%/*}/lib.sh"

command -v qemu-storage-daemon >/dev/null || skip "no qemu-storage-daemon in the image"

NAME=vduse-dd
IMG=$WORK/disk.img
TIMEOUT=3

attach() { vdpa dev add name "$NAME" mgmtdev vduse; }
blkdev() { vdpa_blkdev "$NAME"; }
gone() { ! kill -0 "$1" 2>/dev/null; }
took_over() { dmesg | grep -q "$NAME: no daemon: device broken"; }
now() { read -r up rest </proc/uptime; echo "${up%.*}"; }

step "qemu-storage-daemon serves a disk; fio writes to it"
load vduse virtio_vdpa virtio_blk
dd if=/dev/zero of="$IMG" bs=1M count=64 2>/dev/null
TMPDIR=$WORK qemu-storage-daemon \
	--blockdev "driver=file,node-name=file0,filename=$IMG" \
	--export "type=vduse-blk,id=exp0,node-name=file0,name=$NAME,writable=on" \
	>qsd.out 2>&1 &
qsd_pid=$!
wait_for 20 test -c "/dev/vduse/$NAME" || fail "/dev/vduse/$NAME did not appear"
run sh -c "echo $TIMEOUT >/sys/class/vduse/$NAME/msg_timeout"
wait_for 10 attach || { cat qsd.out; fail "vdpa dev add $NAME failed"; }
wait_for 20 blkdev || fail "no block device on $NAME"
disk=/dev/$(blkdev)
fio --name=dd --filename="$disk" --direct=1 --ioengine=libaio \
	--rw=randwrite --bs=4k --size=48M --iodepth=32 >fio.out 2>&1 &
fio_pid=$!
sleep 2
gone "$fio_pid" && { cat fio.out; fail "fio finished before the daemon was killed"; }

step "the daemon is killed; after msg_timeout fio fails with EIO"
# The block layer reports each failed request; that is what this provokes.
kmsg_allow "I/O error, dev $(blkdev)"
kill -KILL "$qsd_pid"
wait "$qsd_pid" 2>/dev/null || true
t0=$(now)
wait_for 120 gone "$fio_pid" || { cat fio.out; fail "fio still runs 120 s after the daemon died"; }
t1=$(now)
rc=0
wait "$fio_pid" || rc=$?
grep -E 'err=|error' fio.out | head -n 5 | sed 's/^ */    /'
log "fio ended $((t1 - t0)) s after the daemon died, status $rc"
[ "$rc" -ne 0 ] || fail "fio succeeded on a disk whose daemon is dead"
grep -q 'Input/output error' fio.out || fail "fio did not report EIO"
expect_le $((t1 - t0)) $((TIMEOUT + 27)) "seconds until fio saw the errors"
wait_for 5 took_over || fail "the kernel did not say it took the device over"

step "a new read fails at once"
t0=$(now)
try timeout 20 dd if="$disk" of=/dev/null bs=4k count=1 iflag=direct
t1=$(now)
[ "$RC" -ne 0 ] || fail "a read of a dead disk succeeded"
[ "$RC" -ne 124 ] || fail "a read of a dead disk hung"
expect_le $((t1 - t0)) 10 "seconds the failed read took"

step "disk, vDPA device and VDUSE device are deleted in bounded time"
t0=$(now)
run vdpa dev del "$NAME"
t1=$(now)
expect_le $((t1 - t0)) 15 "seconds vdpa dev del took"
expect_gone "$disk"
run vduse_tool destroy "$NAME"
expect_gone "/dev/vduse/$NAME"
expect_gone "/sys/class/vduse/$NAME"
