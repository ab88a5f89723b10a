#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (run.sh --bench vduse, or make bench BENCH=vduse): fio through
# Debian's virtio_blk on a VDUSE device served by qemu-storage-daemon, for
# two stacks of modules alternated in one boot:
#   O  ours:     our vdpa, vduse and virtio_vdpa (updates/ of the image,
#                loaded with modprobe);
#   U  upstream: Debian's own vhost_iotlb, vdpa, vduse and virtio_vdpa
#                (upstream-peer.sh collects them), loaded with insmod from
#                /usr/lib/vdpa-upstream-peer/.
# virtio_blk and qemu-storage-daemon are Debian's in both: only the vDPA
# modules under them differ.
#
# Each pass loads one stack, has qemu-storage-daemon export one file as a
# vduse-blk device, attaches it with vdpa dev add and runs two fio jobs on
# the disk virtio_blk makes of it:
#   randread-4k  4 KiB random reads, iodepth 32: IOPS and mean completion
#                latency (the cost of a request: message, bounce, kick,
#                interrupt);
#   read-64k     64 KiB sequential reads, iodepth 16: MiB/s and mean
#                completion latency (the cost of the bounce copies);
# both libaio, O_DIRECT, read-only, time-based. Then it detaches the
# device, stops the daemon (SIGTERM: it must exit 0, having destroyed its
# device) and unloads the stack.
#
# The file lives on the VM's tmpfs and is written once, before the first
# pass, so that every pass of both stacks reads the same pages (a hole
# would read as the zero page and cost less): the daemon serves every read
# from memory, and what is measured is the VDUSE path, not a disk.
#
# Variables (kernel command line, like any variable init passes on):
# VDUSE_BENCH_PLAN  the passes' stacks in order, e.g. OUOU (the default);
# VDUSE_BENCH_SECS  seconds each fio job measures (10), after
# VDUSE_BENCH_RAMP  seconds it runs unmeasured first (2);
# VDUSE_BENCH_MIB   the file's size in MiB (256).
#
# Each pass prints its numbers as "BENCH result METRIC STACK PASS VALUE
# UNIT" lines, and "BENCH clock" lines around each fio job: run.sh stamps
# them with the host's clock and bench/report.awk prints each metric's
# mean per stack and ours over upstream's (O/U), and each job's duration
# by the guest's clock and by the host's. fio's figures come from the
# guest's clock; the clock lines are there to check it against.
# A pass that fails (the daemon, the device, the disk or fio) is reported
# as such, torn down, and fails the benchmark at the end; the passes after
# it still run.

# shellcheck source=tools/testing/selftests/vdpa/tests/lib.sh
. /tests/lib.sh

PLAN=${VDUSE_BENCH_PLAN:-OUOU}
SECS=${VDUSE_BENCH_SECS:-10}
RAMP=${VDUSE_BENCH_RAMP:-2}
MIB=${VDUSE_BENCH_MIB:-256}
UP=/usr/lib/vdpa-upstream-peer
# Upstream's VDUSE needs vhost_iotlb; ours does not, and unloading a
# module that is not loaded is a no-op (_unload).
UP_MODULES="vhost_iotlb vdpa vduse virtio_vdpa"
UNLOAD="virtio_blk virtio_vdpa vduse vdpa vhost_iotlb"
NAME=vduse-bench
IMG=$WORK/disk.img
FAILS=0
qsd_pid=
WHY=

{ is_num "$SECS" && [ "$SECS" -gt 0 ]; } || fail "bad VDUSE_BENCH_SECS '$SECS'"
is_num "$RAMP" || fail "bad VDUSE_BENCH_RAMP '$RAMP'"
{ is_num "$MIB" && [ "$MIB" -gt 0 ]; } || fail "bad VDUSE_BENCH_MIB '$MIB'"

gone() { ! kill -0 "$1" 2>/dev/null; }
# Its last refusal is kept, to show should every try fail.
attach() { vdpa dev add name "$NAME" mgmtdev vduse >"$WORK/attach.out" 2>&1; }
blkdev() { vdpa_blkdev "$NAME"; }

# clock TAG PHASE: a mark run.sh stamps with the host's clock; the guest's
# own (seconds since boot) goes with it, for report.awk to compare.
clock()
{
	read -r _up _rest </proc/uptime
	echo "BENCH clock $1 $2 $_up"
}

# load_stack O|U
load_stack()
{
	if [ "$1" = O ]; then
		quiet modprobe -a vduse virtio_vdpa
	else
		for _m in $UP_MODULES; do
			quiet insmod "$UP/$_m.ko"
		done
	fi
	quiet modprobe virtio_blk
	# Ours are built out of tree (taint O), Debian's are not: each of the
	# three must be of the stack asked for, or the pass would compare
	# nothing (a stray module of the other stack left loaded).
	for _m in vdpa vduse virtio_vdpa; do
		case "$(cat "/sys/module/$_m/taint")" in
		*O*) _got=O ;;
		*) _got=U ;;
		esac
		[ "$_got" = "$1" ] ||
			fail "stack $1 wanted, but $_m.ko is of stack $_got"
	done
}

unload_stack()
{
	for _m in $UNLOAD; do
		_unload "$_m" || fail "cannot unload $_m"
	done
}

# pass_failed WHY: return 1 with the reason, for run_pass to report.
pass_failed()
{
	WHY=$*
	return 1
}

# fio_job TAG JOB RW BS DEPTH [FIO ARG...]: one fio job on $disk; prints
# its "BENCH result" lines. Returns 1 (WHY says why) if fio failed.
fio_job()
{
	_tag=$1
	_job=$2
	_rw=$3
	_bs=$4
	_qd=$5
	shift 5
	_json=$WORK/$_tag-$_job.json
	clock "$_tag" "$_job-begin"
	_rc=0
	fio --name="$_job" --filename="$disk" --readonly --direct=1 \
		--ioengine=libaio --rw="$_rw" --bs="$_bs" --iodepth="$_qd" \
		--time_based --runtime="$SECS" --ramp_time="$RAMP" \
		--output-format=json --output="$_json" "$@" \
		>"$WORK/$_tag-$_job.err" 2>&1 || _rc=$?
	clock "$_tag" "$_job-end"
	if [ "$_rc" -ne 0 ]; then
		sed 's/^/    fio: /' "$WORK/$_tag-$_job.err" | tail -n 20
		pass_failed "fio $_job exited with status $_rc"
		return 1
	fi
	# fio 3.33's JSON, one job: jobs[0].error (errno of the first error,
	# 0 for none), jobs[0].read.iops (float), .bw_bytes (bytes/s),
	# .clat_ns.mean (submission to completion, ns), .total_ios.
	if ! { _err=$(jsonget jobs 0 error <"$_json") &&
	       _iops=$(jsonget jobs 0 read iops <"$_json") &&
	       _bw=$(jsonget jobs 0 read bw_bytes <"$_json") &&
	       _clat=$(jsonget jobs 0 read clat_ns mean <"$_json") &&
	       _ios=$(jsonget jobs 0 read total_ios <"$_json"); }; then
		sed 's/^/    fio: /' "$WORK/$_tag-$_job.err" | tail -n 20
		pass_failed "no numbers in fio's JSON output ($_json)"
		return 1
	fi
	[ "$_err" = 0 ] || { pass_failed "fio $_job: error $_err"; return 1; }
	# A job that did nothing would make a mean of 0 look like a result.
	[ "$_ios" != 0 ] || { pass_failed "fio $_job completed no I/O"; return 1; }
	awk -v tag="$_tag" -v job="$_job" -v iops="$_iops" -v bw="$_bw" \
	    -v clat="$_clat" 'BEGIN {
		split(tag, t, "-")
		if (job ~ /^rand/)
			printf "BENCH result %s %s %s %.0f IOPS\n", \
				job, t[1], t[2], iops
		else
			printf "BENCH result %s %s %s %.1f MiB/s\n", \
				job, t[1], t[2], bw / 1048576
		printf "BENCH result %s-clat %s %s %.1f us\n", \
			job, t[1], t[2], clat / 1000
	}'
}

# pass_io TAG: the daemon, the device, the disk and both fio jobs. Called
# as a condition (set -e is off in it): every step is checked, and a
# failure returns 1 with WHY set, for run_pass to report and tear down.
pass_io()
{
	# libvduse keeps its reconnect log in TMPDIR.
	TMPDIR=$WORK qemu-storage-daemon \
		--blockdev "driver=file,node-name=file0,filename=$IMG" \
		--export "type=vduse-blk,id=exp0,node-name=file0,name=$NAME,writable=on" \
		>"$WORK/$1.qsd" 2>&1 &
	qsd_pid=$!
	wait_for 20 test -c "/dev/vduse/$NAME" || {
		pass_failed "/dev/vduse/$NAME did not appear"
		return 1
	}
	# vdpa dev add is refused until the daemon has set its queues up.
	wait_for 10 attach || {
		sed 's/^/    vdpa: /' "$WORK/attach.out"
		pass_failed "vdpa dev add $NAME failed"
		return 1
	}
	wait_for 20 blkdev || { pass_failed "no block device on $NAME"; return 1; }
	disk=/dev/$(blkdev)
	_size=$(cat "/sys/block/${disk#/dev/}/size")
	[ "$_size" = $((MIB * 2048)) ] || {
		pass_failed "$disk has $_size sectors, the file $((MIB * 2048))"
		return 1
	}
	# What bounds the jobs' requests: the queue's depth and request size.
	_q=/sys/block/${disk#/dev/}
	log "$disk: $MIB MiB, $(cat "$_q/queue/nr_requests") requests," \
		"at most $(cat "$_q/queue/max_sectors_kb") KiB each"
	# --norandommap: the reads need not cover every block once, and
	# keeping the map would cost fio time on the same two CPUs.
	fio_job "$1" randread-4k randread 4k 32 --norandommap || return 1
	fio_job "$1" read-64k read 64k 16 || return 1
}

# teardown TAG: detach, stop the daemon, unload, whatever state the pass
# left. What cannot be undone (a device that will not go, a module that
# will not unload) ends the benchmark; a daemon that exits with an error
# fails the pass.
teardown()
{
	if [ -e "/sys/bus/vdpa/devices/$NAME" ]; then
		quiet vdpa dev del "$NAME"
	fi
	if [ -n "$qsd_pid" ]; then
		kill -TERM "$qsd_pid" 2>/dev/null || true
		if ! wait_for 20 gone "$qsd_pid"; then
			kill -KILL "$qsd_pid" 2>/dev/null || true
			sed 's/^/    qsd: /' "$WORK/$1.qsd"
			fail "qemu-storage-daemon did not exit on SIGTERM"
		fi
		_rc=0
		wait "$qsd_pid" || _rc=$?
		qsd_pid=
		if [ "$_rc" -ne 0 ]; then
			sed 's/^/    qsd: /' "$WORK/$1.qsd"
			log "pass $1 FAILED: qemu-storage-daemon exited with status $_rc"
			FAILS=$((FAILS + 1))
		fi
	fi
	# The daemon destroys its device as it exits.
	wait_for 10 test ! -e "/sys/class/vduse/$NAME" ||
		fail "VDUSE device $NAME outlived its daemon"
	unload_stack
}

# run_pass STACK N
run_pass()
{
	_t=$1-$2
	log "== pass $_t: stack $1"
	load_stack "$1"
	WHY=
	if ! pass_io "$_t"; then
		[ ! -s "$WORK/$_t.qsd" ] || sed 's/^/    qsd: /' "$WORK/$_t.qsd"
		log "pass $_t FAILED: $WHY"
		FAILS=$((FAILS + 1))
	fi
	teardown "$_t"
}

# If the benchmark ends early (fail), leave nothing loaded: lib.sh's reset
# does not know vhost_iotlb, which only upstream's vduse needs, and the
# device goes more quietly with its daemon stopped than killed.
at_exit()
{
	[ ! -e "/sys/bus/vdpa/devices/$NAME" ] || vdpa dev del "$NAME"
	if [ -n "$qsd_pid" ]; then
		kill -TERM "$qsd_pid" 2>/dev/null
		wait_for 20 gone "$qsd_pid" || kill -KILL "$qsd_pid" 2>/dev/null
	fi
	for _m in $UNLOAD; do
		_unload "$_m"
	done
}
AT_EXIT=at_exit

command -v qemu-storage-daemon >/dev/null || fail "no qemu-storage-daemon in the image"
command -v fio >/dev/null || fail "no fio in the image"
have_up=1
[ -r "$UP/vduse.ko" ] || {
	have_up=
	log "no upstream VDUSE peer in the image" \
	    "(project/upstream-peer.sh collects it): stack U is skipped"
}
log "kernel $(uname -r), $(nproc) CPUs, $(sed -n 's/^MemTotal: *//p' /proc/meminfo) RAM," \
	"$(qemu-storage-daemon --version | head -n 1), $(fio --version)"
log "plan $PLAN; fio ${SECS}s per job after ${RAMP}s of ramp; a ${MIB} MiB file on tmpfs"
dd if=/dev/zero of="$IMG" bs=1M count="$MIB" 2>/dev/null ||
	fail "cannot write the $MIB MiB file $IMG"

pass=0
for stack in $(echo "$PLAN" | sed 's/[, ]//g; s/./& /g'); do
	case "$stack" in
	O) ;;
	U) if [ -z "$have_up" ]; then
		   log "== pass $stack-$((pass + 1)) skipped: no upstream peer"
		   continue
	   fi ;;
	*) fail "bad stack '$stack' in VDUSE_BENCH_PLAN '$PLAN' (O or U)" ;;
	esac
	pass=$((pass + 1))
	run_pass "$stack" "$pass"
done
rm -f "$IMG"

[ "$pass" -gt 0 ] || fail "no pass ran"
[ "$FAILS" -eq 0 ] || fail "$FAILS pass(es) failed (FAILED: above)"
log "== vduse: $pass passes; bench/report.awk on the host prints the means and O/U"
