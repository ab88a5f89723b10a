#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Our fuzzer (vdpa_fuzz.c of this directory) for a bounded time on every
# parent the VM has: the net and block simulators and vp_vdpa on NICs A
# (doorbell pages) and C, every device bound to vhost_vdpa. Three workers
# mix netlink requests (well-formed, mutated, random, interrupted dumps)
# and vhost-vdpa calls (ioctls, IOTLB messages, rings run on garbage,
# doorbells, eventfd swaps, close and reopen) and, with vduse, a hostile
# VDUSE daemon (devices created with good and bad configs, attached to
# vhost_vdpa, requests answered wrong, late or never, IOTLB files mapped
# and touched, interrupt storms, garbage used rings) while a fourth
# deletes and creates devices, unbinds and binds them and unloads and
# loads the parents and vhost_vdpa under them. Any errno is fine; the
# verdict is the kernel log (init, and the fuzzer itself, watch it), the
# fuzzer neither hanging nor dying, and afterwards: every device
# deletable, no VDUSE device left (the fuzzer destroys its own), every
# module unloadable, no page left pinned.
#
# The seed is random and printed; VDPA_FUZZ_SEED pins it: in the VM's
# environment, or in the host's when the image is made (make check
# VDPA_FUZZ_SEED=0x...: initramfs.d/fuzz.sh writes /etc/vdpa-fuzz.env).
# VDPA_FUZZ_OPS=N runs N operations instead of the time budget (make
# fuzz); VDPA_FUZZ_TRINITY=SECONDS then also runs Debian's trinity for
# that long against the vhost-vdpa nodes and generic netlink sockets.

. "${0%/*}/lib.sh"

# The host's knobs, unless the VM's environment has its own.
_seed=${VDPA_FUZZ_SEED:-}
VDPA_FUZZ_SEED= VDPA_FUZZ_OPS= VDPA_FUZZ_TRINITY=
# shellcheck disable=SC1091 # made by initramfs.d/fuzz.sh
[ ! -r /etc/vdpa-fuzz.env ] || . /etc/vdpa-fuzz.env
SEED=${_seed:-$VDPA_FUZZ_SEED}
[ -n "$SEED" ] || SEED=0x$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
OPS=$VDPA_FUZZ_OPS
TRINITY_SECS=$VDPA_FUZZ_TRINITY
# The debug kernel is several times slower per operation: more time for
# a comparable number of operations.
case "$TIER" in
debug) SECS=75 ;;
*) SECS=30 ;;
esac
if [ -n "$OPS" ]; then
	BUDGET="-n $OPS"
else
	BUDGET="-t $SECS"
fi
A=$(nic_bdf 1)
C=$(nic_bdf 3)
PARENTS="vdpa_sim_net vdpa_sim_blk vhost_vdpa"
FUZZ_MODULES=vdpa_sim_net,vdpa_sim_blk,vp_vdpa,vhost_vdpa

pins0=$(pins)

# Dirty page logging offered, so that the fuzzer's log ioctls reach it:
# in modprobe.d, so that the chaos thread's reloads keep it.
FUZZ_CONF=/etc/modprobe.d/vdpa-fuzz.conf
no_fuzz_conf() { rm -f "$FUZZ_CONF"; }
AT_EXIT=no_fuzz_conf
mkdir -p /etc/modprobe.d
echo "options vhost_vdpa dirty_log=1" >"$FUZZ_CONF"

step "parents: the simulators, and vp_vdpa on NICs A and C"
# No virtio_vdpa: every device goes to vhost_vdpa.
load vdpa_sim_net vdpa_sim_blk vhost_vdpa
expect_eq "$(cat /sys/module/vhost_vdpa/parameters/dirty_log)" Y \
	"vhost_vdpa's dirty_log"
for bdf in $A $C; do
	[ -e "/sys/bus/pci/devices/$bdf" ] || continue
	load vp_vdpa
	pci_bind "$bdf" vp_vdpa
	PARENTS="$PARENTS vp_vdpa"
done
# The fuzzer is the daemon of its VDUSE devices. rmmod vduse fails while
# one exists, which is only an errno to the chaos thread.
if modinfo vduse >/dev/null 2>&1; then
	load vduse
	FUZZ_MODULES=$FUZZ_MODULES,vduse
fi
run vdpa mgmtdev show

step "vdpa_fuzz, seed $SEED ($BUDGET)"
# -p 8: a device on each management device and more on the simulators;
# -c dum: device del/add, unbind/bind, module unload/load meanwhile.
rc=0
vdpa_fuzz -s "$SEED" $BUDGET -j 3 -c dum -p 8 -m "$FUZZ_MODULES" || rc=$?
case $rc in
0) ;;
3) fail "vdpa_fuzz: an operation hung (seed $SEED; its last operations above)" ;;
4) fail "vdpa_fuzz: the kernel logged a splat (seed $SEED; its last operations above)" ;;
*) fail "vdpa_fuzz exited with status $rc (seed $SEED)" ;;
esac

step "after the fuzzer: every module loads, every device goes"
# The chaos thread may have left a parent unloaded, or a device unbound.
load vdpa_sim_net vdpa_sim_blk vhost_vdpa
case "$PARENTS" in *vp_vdpa*) load vp_vdpa ;; esac
run vdpa dev show
for d in $(vdpa_devs); do
	run vdpa dev del "$d"
done
expect_eq "$(vdpa_devs)" "" "vdpa devices left"
# The fuzzer destroys its VDUSE devices; whatever it left goes, then fails.
left=
for v in /sys/class/vduse/*; do
	n=${v##*/}
	[ -e "$v" ] || continue
	[ "$n" != control ] || continue
	left="$left${left:+ }$n"
	run vduse_tool destroy "$n"
done
expect_eq "$left" "" "VDUSE devices the fuzzer left"
for bdf in $A $C; do
	[ -e "/sys/bus/pci/devices/$bdf" ] || continue
	pci_restore "$bdf"
done
for m in $MODULES; do
	! mod_loaded "$m" || run rmmod "$m"
done
expect_eq "$(pins)" "$pins0" "pages pinned after the fuzzer"

[ -n "$TRINITY_SECS" ] && [ "$TRINITY_SECS" -gt 0 ] || exit 0

# Debian's trinity, an independent fuzzer of its own: syscalls on fds it
# opens itself. Its victims are the vhost-vdpa nodes only (a directory of
# their device nodes: it takes one path), its sockets generic netlink ones
# (the vdpa family is one of its families): the socket cache it would
# otherwise make by trying protocols at random (and give up on the first
# the kernel lacks) is written for it, AF_NETLINK/NETLINK_GENERIC in raw
# and datagram sockets. It must run as root to open the nodes, hence
# --dangerous; the syscalls are limited to those that work on fds, so
# that it cannot take the VM itself down (kill, reboot, mount, ...). It
# knows neither the vhost-vdpa ioctls nor the vdpa family: it sends raw
# syscalls, which is what it is here for. Its verdict is the kernel log.
step "trinity for ${TRINITY_SECS}s on the vhost-vdpa nodes and netlink"
command -v trinity >/dev/null || fail "trinity is not in the image"
load vdpa_sim_net vdpa_sim_blk vhost_vdpa
run vdpa dev add name tn0 mgmtdev vdpasim_net mac 02:00:00:00:00:01 max_vqp 2
run vdpa dev add name tb0 mgmtdev vdpasim_blk
if [ -e "/sys/bus/pci/devices/$A" ]; then
	load vp_vdpa
	[ "$(pci_driver "$A")" = vp_vdpa ] || pci_bind "$A" vp_vdpa
	run vdpa dev add name ta0 mgmtdev "pci/$A"
fi
mkdir -p "$WORK/victims" "$WORK/trinity"
for d in $(vdpa_devs); do
	n=$(vhost_node "$d")
	mknod "$WORK/victims/${n#/dev/}" c \
		"$(cut -d: -f1 "/sys/bus/vdpa/devices/$d/${n#/dev/}/dev")" \
		"$(cut -d: -f2 "/sys/bus/vdpa/devices/$d/${n#/dev/}/dev")"
done
run ls -l "$WORK/victims"
# trinity's seed is 32 bits: the first 7 hex digits of ours.
TSEED=$(printf '%d' "0x$(printf '%s' "${SEED#0x}" | cut -c1-7)")
cd "$WORK/trinity"
# struct { u32 family, type, protocol; }, native (little) endian, 16 of each
i=0
while [ $i -lt 16 ]; do
	printf '\020\000\000\000\003\000\000\000\020\000\000\000'
	printf '\020\000\000\000\002\000\000\000\020\000\000\000'
	i=$((i + 1))
done >trinity.socketcache
rc=0
timeout -s INT "$TRINITY_SECS" trinity --dangerous -q -l off -C 2 -a 64 \
	-s "$TSEED" -V "$WORK/victims" -P NETLINK --stats \
	--disable-fds=pipes,perf,epoll,eventfd,pseudo,timerfd,memfd,drm \
	-c ioctl -c read -c write -c readv -c writev -c pread64 \
	-c pwrite64 -c mmap -c munmap -c mprotect -c madvise -c poll \
	-c sendmsg -c recvmsg -c sendto -c recvfrom -c setsockopt \
	-c getsockopt -c bind -c connect -c getsockname -c fcntl \
	-c close -c dup </dev/null || rc=$?
cd "$WORK"
echo "trinity exited with status $rc (seed $TSEED)"
# Whatever of it is left (children outliving their parent).
for p in $(pidof trinity); do
	kill -9 "$p" 2>/dev/null || true
done
wait_for 10 sh -c '! pidof trinity' || fail "trinity processes did not go"
run vdpa dev del tn0
run vdpa dev del tb0
[ ! -e /sys/bus/vdpa/devices/ta0 ] || run vdpa dev del ta0
expect_eq "$(pins)" "$pins0" "pages pinned after trinity"
