#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The daemon dies under load and a new one takes over: qemu-storage-daemon
# is killed (SIGKILL) while fio writes, so requests are left in flight
# and nobody answers. The device and the disk stay; a new daemon with the
# same name finds the device (VDUSE_CREATE_DEV says EEXIST), opens it,
# looks the running queues up and resubmits what its predecessor left
# (from libvduse's log); fio finishes and every block verifies.

. "${0%/*}/lib.sh"

command -v qemu-storage-daemon >/dev/null || skip "no qemu-storage-daemon in the image"

NAME=vduse-rc
IMG=$WORK/disk.img
# Enough writing that fio still runs 2 s in, on either kernel (the debug
# kernel's I/O is some ten times slower), and the time to finish it.
if [ "$TIER" = debug ]; then
	FIO_MIB=16 FIO_WAIT=300
else
	FIO_MIB=48 FIO_WAIT=120
fi

attach() { vdpa dev add name "$NAME" mgmtdev vduse; }
blkdev() { vdpa_blkdev "$NAME"; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# qsd N: a daemon exporting the image, its output in qsdN.out.
qsd()
{
	TMPDIR=$WORK qemu-storage-daemon \
		--blockdev "driver=file,node-name=file0,filename=$IMG" \
		--export "type=vduse-blk,id=exp0,node-name=file0,name=$NAME,writable=on" \
		>"qsd$1.out" 2>&1 &
	qsd_pid=$!
}

# Should the test fail while no daemon serves the disk, serve it again so
# that its requests finish rather than wait for the kernel's takeover
# (msg_timeout, 30 s; 57-vduse-daemon-death.sh tests that).
rescue()
{
	[ -n "${qsd_pid:-}" ] && gone "$qsd_pid" || return 0
	qsd 9
	sleep 5
}

step "qemu-storage-daemon serves a disk; fio writes to it"
load vduse virtio_vdpa virtio_blk
dd if=/dev/zero of="$IMG" bs=1M count=64 2>/dev/null
qsd 1
wait_for 20 test -c "/dev/vduse/$NAME" || fail "/dev/vduse/$NAME did not appear"
wait_for 10 attach || { cat qsd1.out; fail "vdpa dev add $NAME failed"; }
wait_for 20 blkdev || fail "no block device on $NAME"
disk=/dev/$(blkdev)
fio --name=rc --filename="$disk" --direct=1 --ioengine=libaio \
	--rw=randwrite --bs=4k --size=${FIO_MIB}M --iodepth=32 --verify=crc32c \
	--verify_fatal=1 --do_verify=1 >fio.out 2>&1 &
fio_pid=$!
sleep 2

step "the daemon is killed under load; the disk waits"
gone "$fio_pid" && { cat fio.out; fail "fio finished before the daemon was killed"; }
AT_EXIT=rescue
kill -KILL "$qsd_pid"
wait "$qsd_pid" 2>/dev/null || true
sleep 2
gone "$fio_pid" && { cat fio.out; fail "fio ended while no daemon served the disk"; }
expect_exists "/dev/vduse/$NAME"
expect_exists "/sys/bus/vdpa/devices/$NAME"

step "a new daemon takes over; fio finishes and verifies"
qsd 2
wait_for $FIO_WAIT gone "$fio_pid" || {
	sed 's/^/    qsd: /' qsd2.out
	sed 's/^/    fio: /' fio.out
	fail "fio did not finish in ${FIO_WAIT}s after the new daemon started"
}
rc=0
wait "$fio_pid" || rc=$?
grep -E '(READ|WRITE):|err=' fio.out | sed 's/^ */    /'
expect_eq "$rc" 0 "fio's exit status"

step "detach, stop the daemon: the device is gone"
run vdpa dev del "$NAME"
kill -TERM "$qsd_pid"
wait_for 20 gone "$qsd_pid" || fail "qemu-storage-daemon did not exit"
rc=0
wait "$qsd_pid" || rc=$?
expect_eq "$rc" 0 "qemu-storage-daemon's exit status"
expect_gone "/dev/vduse/$NAME"
