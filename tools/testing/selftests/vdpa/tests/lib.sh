# SPDX-License-Identifier: GPL-2.0
#
# Sourced by every test (busybox ash, in the test VM). Assertions that say
# what they expected and what they got, and helpers for the vdpa tool,
# modules, netdevs and block devices.
#
# A test exits 0 to pass, anything else to fail; only skip() skips (status
# 4 with a "SKIP: reason" line: init and _on_exit take a bare status 4,
# which set -e passes on from any command, for a failure). Every test
# starts and ends with no vdpa device and none of our modules loaded; a
# test that leaves one behind that cannot be removed fails.

set -eu

SKIP=4
T=${0##*/}
T=${T%.sh}
WORK=/tmp/$T
OUT=$WORK/out		# output (stdout and stderr) of the last command run
STEP="start"
FAILED=
SKIPPING=
AT_EXIT=
# fail() inside $(...) or a pipeline only ends that subshell: it leaves
# this mark, and the test fails at exit all the same.
FAIL_MARK=$WORK/.failed

# Which kernel this is (run.sh --tier): "distro", Debian's with our modules
# in updates/, or "debug", the debug kernel with ours built in-tree.
TIER=$(sed -n 's/.*vdpatest\.tier=\([a-z]*\).*/\1/p' /proc/cmdline)
TIER=${TIER:-distro}

# Modules, most dependent first, as unload order.
MODULES="virtio_net virtio_blk vhost_vdpa virtio_vdpa vduse vdpa_sim_net vdpa_sim_blk
	 vdpa_sim vp_vdpa ifcvf vp_vdpa_lib vdpa"

# busybox-static's ash runs its own applet of a name before it looks in
# PATH: make iproute2's ip win over busybox's.
ip() { /usr/sbin/ip "$@"; }

mkdir -p "$WORK"
cd "$WORK"
: >"$OUT"
rm -f "$FAIL_MARK"

# ---- reporting --------------------------------------------------------

log() { printf '%s\n' "$*"; }

# step TEXT: name the part of the test that runs next (shown on failure).
step()
{
	STEP=$*
	printf -- '-- %s\n' "$*"
}

# Messages go to stderr so that a failure inside $(...) is still seen.
fail()
{
	FAILED=1
	: >"$FAIL_MARK"
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

# skip REASON: the only way to skip; init looks for the SKIP: line.
skip()
{
	SKIPPING=1
	printf 'SKIP: %s\n' "$*" >&2
	exit "$SKIP"
}

show_out() { sed 's/^/    /' "$OUT" >&2; }

# kmsg_allow ERE: lines of the kernel log that match ERE (extended
# regular expression) do not fail this test: for a message the test
# provokes on purpose, such as virtio_net's warning when fault injection
# fails its command. init shows each allowance; a taint still fails.
kmsg_allow()
{
	printf '%s\n' "$1" >>/run/vdpatest-kmsg-allow
}

# ---- running commands -------------------------------------------------

# cmdline ARG...: the command as one would type it (quoted where needed).
cmdline()
{
	_s=
	for _a in "$@"; do
		case "$_a" in
		''|*[!A-Za-z0-9_./:=,+@%-]*)
			_a="'$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'" ;;
		esac
		_s="$_s${_s:+ }$_a"
	done
	printf '%s' "$_s"
}

# run CMD...: CMD must succeed. Echoed with its output; output kept in $OUT.
run()
{
	printf '$ %s\n' "$(cmdline "$@")"
	rc=0
	"$@" >"$OUT" 2>&1 || rc=$?
	show_out
	[ "$rc" -eq 0 ] || fail "'$*' exited with status $rc"
}

# quiet CMD...: like run, but shows the command and output only on failure.
quiet()
{
	rc=0
	"$@" >"$OUT" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		printf '$ %s\n' "$(cmdline "$@")" >&2
		show_out
		fail "'$*' exited with status $rc"
	fi
}

# try CMD...: run CMD, show its output, keep its exit status in $RC; never
# fails by itself.
try()
{
	printf '$ %s\n' "$(cmdline "$@")"
	# shellcheck disable=SC2034 # RC is for the caller
	RC=0
	"$@" >"$OUT" 2>&1 || RC=$?
	show_out
}

# expect_fail CMD...: CMD must fail (exit status not 0).
expect_fail()
{
	printf '$ %s    # must fail\n' "$(cmdline "$@")"
	rc=0
	"$@" >"$OUT" 2>&1 || rc=$?
	show_out
	[ "$rc" -ne 0 ] || fail "'$*' succeeded; it must fail"
}

# expect_fail_msg TEXT CMD...: CMD must fail and print TEXT (stdout or
# stderr), e.g. an errno string ("kernel answers: File exists") or part of
# a kernel extack message.
expect_fail_msg()
{
	_msg=$1
	shift
	expect_fail "$@"
	grep -qF -- "$_msg" "$OUT" ||
		fail "'$*' failed, but without the expected message '$_msg'"
}

# expect_extack CMD...: CMD must fail with a kernel error message (extack):
# iproute2 prints it as "Error: <message>." before "kernel answers: <errno>".
expect_extack()
{
	grep -q '^Error: ..*' "$OUT" ||
		fail "'$*': no kernel error message (extack, 'Error: ...') in the output"
}

# expect_out TEXT: the last command's output contains TEXT.
expect_out()
{
	grep -qF -- "$1" "$OUT" ||
		fail "expected '$1' in the output of the last command"
}

# text_section NAME: the block of the last command's text output that
# starts at line "NAME:" (iproute2's layout: a handle line, then indented
# lines or more words on the same line).
text_section()
{
	awk -v h="$1:" '
		$1 == h { on = 1; print; next }
		on && /^[^ ]/ { on = 0 }
		on { print }' "$OUT"
}

expect_no_out()
{
	! grep -qF -- "$1" "$OUT" ||
		fail "did not expect '$1' in the output of the last command"
}

# ---- assertions on values ---------------------------------------------

expect_eq()
{
	[ "$1" = "$2" ] || fail "${3:-value}: got '$1', expected '$2'"
}

is_num() { case "$1" in ''|*[!0-9]*) return 1 ;; esac; }

# expect_ge A B [WHAT]: integers, A >= B.
expect_ge()
{
	is_num "$1" && is_num "$2" && [ "$1" -ge "$2" ] ||
		fail "${3:-value}: got '$1', expected at least $2"
}

expect_le()
{
	is_num "$1" && is_num "$2" && [ "$1" -le "$2" ] ||
		fail "${3:-value}: got '$1', expected at most $2"
}

expect_exists() { [ -e "$1" ] || fail "$1 does not exist"; }
expect_gone() { [ ! -e "$1" ] || fail "$1 still exists"; }

# wait_for SECONDS CMD...: poll (10 times a second) until CMD succeeds,
# for at most SECONDS of the clock: counting polls would stretch the wait
# by however long each CMD takes, several times over on the debug kernel.
wait_for()
{
	read -r _up _rest </proc/uptime
	_end=$((${_up%.*} + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		read -r _up _rest </proc/uptime
		[ "${_up%.*}" -lt "$_end" ] || return 1
		usleep 100000
	done
}

# ---- JSON (vdpa -j) -----------------------------------------------------

# jget KEY...: value at KEY... in the last command's output (must exist).
jget()
{
	jsonget "$@" <"$OUT" ||
		fail "no JSON value at '$*' in the output of the last command"
}

# expect_json: the last command printed valid JSON.
expect_json()
{
	jsonget <"$OUT" || fail "the last command's output is not valid JSON"
}

# ---- vdpa devices and modules -------------------------------------------

# _dev_names: the vdpa devices' names, one per line (nothing when the
# core is not loaded); status 1, the reason on stderr, when the dump fails.
_dev_names()
{
	[ -d /sys/module/vdpa ] || return 0
	_rc=0
	vdpa -j dev show >"$WORK/.devs" 2>"$WORK/.devs.err" || _rc=$?
	[ "$_rc" -eq 0 ] && jsonget dev <"$WORK/.devs" && return 0
	printf 'vdpa -j dev show (status %s): %s\n' "$_rc" \
		"$(cat "$WORK/.devs.err" "$WORK/.devs")" >&2
	return 1
}

# seq_names PREFIX COUNT: PREFIX0 .. PREFIX<COUNT-1>, one per line, sorted
# (as a dump's names are once sorted), for tests of many devices.
seq_names()
{
	_i=0
	while [ "$_i" -lt "$2" ]; do
		echo "$1$_i"
		_i=$((_i + 1))
	done | sort
}

# Names of all vdpa devices, one per line (nothing when the core is
# absent). A failed dump fails the test.
vdpa_devs()
{
	_dev_names || fail "cannot list the vdpa devices"
}

load()
{
	run modprobe -a "$@"
}

mod_loaded() { [ -d "/sys/module/$1" ]; }

# _unload MODULE: rmmod it if it is a loaded module. A reference that
# the test let go of may take a moment to drop: retry for 10 seconds
# before calling it a leak (not when another module holds it: that one's
# own rmmod said why).
_unload()
{
	[ -e "/sys/module/$1/initstate" ] || return 0
	_n=100
	until rmmod "$1" >"$WORK/.rmmod" 2>&1; do
		_n=$((_n - 1))
		_h=$(ls "/sys/module/$1/holders" 2>/dev/null | tr '\n' ' ')
		if [ "$_n" -le 0 ] || [ -n "$_h" ]; then
			printf 'reset: rmmod %s: %s (refcnt %s, holders: %s)\n' \
				"$1" "$(cat "$WORK/.rmmod")" \
				"$(cat "/sys/module/$1/refcnt" 2>/dev/null)" \
				"${_h:-none}" >&2
			return 1
		fi
		usleep 100000
	done
}

# Back to a clean slate: no vdpa device, none of our modules, every NIC
# back on virtio-pci, no network namespace. Returns 1, having said why on
# stderr, when something would not go: a device that cannot be deleted
# or a module that cannot be unloaded (a leaked reference) fails the test
# that left it.
reset_state()
{
	_ok=0
	if _devs=$(_dev_names); then
		for _d in $_devs; do
			vdpa dev del "$_d" >"$WORK/.del" 2>&1 && continue
			printf 'reset: vdpa dev del %s: %s\n' "$_d" \
				"$(cat "$WORK/.del")" >&2
			_ok=1
		done
	else
		_ok=1
	fi
	# A VDUSE device outlives its daemon: one left behind is a leak, and
	# would keep vduse loaded.
	for _v in /sys/class/vduse/*; do
		_n=${_v##*/}
		[ -e "$_v" ] && [ "$_n" != control ] || continue
		printf 'reset: VDUSE device %s left behind\n' "$_n" >&2
		_ok=1
		vduse_tool destroy "$_n" >"$WORK/.destroy" 2>&1 ||
			printf 'reset: vduse_tool destroy %s: %s\n' "$_n" \
				"$(cat "$WORK/.destroy")" >&2
	done
	for _m in $MODULES; do
		_unload "$_m" || _ok=1
	done
	for _b in $(nic_bdf 1) $(nic_bdf 2) $(nic_bdf 3); do
		[ -e "/sys/bus/pci/devices/$_b" ] || continue
		[ "$(pci_driver "$_b")" = virtio-pci ] || pci_restore "$_b"
		[ "$(pci_driver "$_b")" = virtio-pci ] && continue
		printf 'reset: %s is bound to "%s", not virtio-pci\n' "$_b" \
			"$(pci_driver "$_b")" >&2
		_ok=1
	done
	for _ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do
		ip netns del "$_ns" >"$WORK/.netns" 2>&1 && continue
		printf 'reset: ip netns del %s: %s\n' "$_ns" \
			"$(cat "$WORK/.netns")" >&2
		_ok=1
	done
	return "$_ok"
}

# ---- KUnit ----------------------------------------------------------------

# kunit_verdict RESULTS: whether a suite's KUnit results (debugfs'
# kunit/<suite>/results) are a pass. Says why not on stderr and returns 1
# when a case failed or when no case ran: a suite whose cases all skip
# tested nothing, and debugfs then still ends with "ok 1 <suite>".
kunit_verdict()
{
	_last=$(grep -E '^(not )?ok ' "$1" | tail -n 1)
	# The cases' lines are indented once, parameters' twice.
	_cases=$(grep -cE '^    (not )?ok [0-9]+ ' "$1" || true)
	_skipped=$(grep -cE '^    ok [0-9]+ .*# SKIP' "$1" || true)
	grep -E '^    ok [0-9]+ .*# SKIP' "$1" | sed 's/^ */skipped: /' >&2
	if grep -q 'not ok' "$1"; then
		echo "a case failed" >&2
	elif [ "${_last#ok }" = "$_last" ]; then
		echo "no verdict line (got '$_last')" >&2
	elif [ "$_cases" -eq 0 ]; then
		echo "no case ran" >&2
	elif [ "$_skipped" -eq "$_cases" ]; then
		echo "all $_cases cases skipped" >&2
	else
		return 0
	fi
	return 1
}

# ---- PCI NICs (run.sh's q35 machine) -------------------------------------

# nic_bdf N: NIC N (1: A, 2: B, 3: C) sits alone behind root port N, so it
# is bus N's only function. NIC A has a doorbell page per queue
# (page-per-vq), NIC C fewer MSI-X vectors than queues; all three share a
# hub, and everything goes through the IOMMU.
nic_bdf() { printf '0000:%02x:00.0' "$1"; }

# pci_driver BDF: the driver bound to it, or nothing.
pci_driver()
{
	_l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) || return 0
	echo "${_l##*/}"
}

# pci_bind BDF DRIVER: hand the function to DRIVER, as an operator does:
# unbind, driver_override, reprobe.
pci_bind()
{
	_d=$(pci_driver "$1")
	printf '$ echo %s > /sys/bus/pci/devices/%s/driver_override\n' "$2" "$1"
	if [ -n "$_d" ]; then
		echo "$1" >"/sys/bus/pci/drivers/$_d/unbind"
	fi
	echo "$2" >"/sys/bus/pci/devices/$1/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe
	[ "$(pci_driver "$1")" = "$2" ] ||
		fail "$1 is bound to '$(pci_driver "$1")', not $2"
}

# pci_restore BDF: back to virtio-pci (and no override).
pci_restore()
{
	_d=$(pci_driver "$1")
	if [ -n "$_d" ] && [ "$_d" != virtio-pci ]; then
		echo "$1" >"/sys/bus/pci/drivers/$_d/unbind"
	fi
	echo >"/sys/bus/pci/devices/$1/driver_override"
	[ -n "$(pci_driver "$1")" ] || echo "$1" >/sys/bus/pci/drivers_probe
}

# pci_netdev BDF: the netdev of a NIC bound to virtio-pci (and virtio_net).
pci_netdev()
{
	for _n in /sys/bus/pci/devices/$1/virtio*/net/*; do
		[ -e "$_n" ] && { echo "${_n##*/}"; return 0; }
	done
	return 1
}

# peer_up [ADDR]: NIC B (on virtio-pci and virtio_net) up in network
# namespace "peer", with ADDR (e.g. 192.0.2.2/24) if given. Sets nb (its
# name) and mac_b. The peer must be up: a hub port nobody reads stalls the
# sender.
peer_up()
{
	wait_for 10 pci_netdev "$(nic_bdf 2)" || fail "no netdev on $(nic_bdf 2)"
	nb=$(pci_netdev "$(nic_bdf 2)")
	mac_b=$(cat "/sys/class/net/$nb/address")
	run ip netns add peer
	run ip link set "$nb" netns peer
	[ -z "${1:-}" ] || run ip netns exec peer ip addr add "$1" dev "$nb"
	run ip netns exec peer ip link set "$nb" up
}

# _on_virtio_pci BDF: bound to virtio-pci now (read on every wait_for try).
_on_virtio_pci() { [ "$(pci_driver "$1")" = virtio-pci ]; }

# plug N PROPS: QEMU's device_add of NIC N (a virtio-net-pci with the
# properties PROPS) after a device_del, and wait until virtio-pci has it.
# QEMU drops the old device only once the guest has ejected it, a little
# after it is gone from sysfs; until then device_add fails (the id is still
# taken), so it is tried again.
plug()
{
	_b=$(nic_bdf "$1")
	for _try in 1 2 3; do
		hmp "device_add virtio-net-pci,id=nic$1,bus=rp$1,netdev=hub$1,$2"
		wait_for 15 test -e "/sys/bus/pci/devices/$_b" && break
	done
	[ -e "/sys/bus/pci/devices/$_b" ] ||
		fail "$_b did not come back after device_add"
	if ! wait_for 30 _on_virtio_pci "$_b"; then
		dmesg | tail -n 40 | sed 's/^/    /'
		fail "$_b came back without virtio-pci (driver: '$(pci_driver "$_b")')"
	fi
}

# unplug N: QEMU's device_del of NIC N; wait until the guest let it go.
unplug()
{
	_b=$(nic_bdf "$1")
	hmp "device_del nic$1"
	wait_for 30 test ! -e "/sys/bus/pci/devices/$_b" ||
		fail "$_b still present 30s after device_del"
}

# replug N PROPS: unplug, then plug with PROPS.
replug()
{
	unplug "$1"
	plug "$1" "$2"
}

# hmp COMMAND: a command for QEMU's human monitor, which run.sh connects
# to our second serial port (e.g. device_del, device_add).
hmp()
{
	log "(qemu) $*"
	stty -F /dev/ttyS1 raw -echo 2>/dev/null || true
	# A line first: it ends whatever the tty echoed back to the monitor
	# before it was raw, so that our command stands on a line of its own.
	printf '\r\n%s\r\n' "$*" >/dev/ttyS1
}

# The netdev whose virtio device sits on vdpa device $1 (empty if none).
vdpa_netdev()
{
	for n in /sys/class/net/*; do
		[ -e "$n/device" ] || continue
		case "$(readlink -f "$n/device")" in
		*/"$1"/virtio*) echo "${n##*/}"; return 0 ;;
		esac
	done
	return 1
}

# The block device (vdX) whose virtio device sits on vdpa device $1.
vdpa_blkdev()
{
	for b in /sys/block/*; do
		[ -e "$b/device" ] || continue
		case "$(readlink -f "$b/device")" in
		*/"$1"/virtio*) echo "${b##*/}"; return 0 ;;
		esac
	done
	return 1
}

# vhost_node VDPA_DEV: its /dev/vhost-vdpa-N, once it exists.
_vhost_child()
{
	ls "/sys/bus/vdpa/devices/$1" 2>/dev/null | grep -m 1 '^vhost-vdpa'
}

vhost_node()
{
	# As libvirt and govdpa find it: the vdpa device's child whose name
	# starts with vhost-vdpa is the name of the node in /dev.
	wait_for 5 _vhost_child "$1" || fail "$1 has no vhost-vdpa node"
	_vn=$(_vhost_child "$1")
	wait_for 5 test -c "/dev/$_vn" || fail "/dev/$_vn did not appear"
	echo "/dev/$_vn"
}

netstat_of() { cat "/sys/class/net/$1/statistics/$2"; }

# ynl SPEC ARG...: the kernel's YNL CLI with /usr/share/ynl/specs/SPEC
# (vdpa.yaml, netdev.yaml), answers as JSON.
ynl()
{
	_spec=$1
	shift
	python3 /usr/lib/ynl/cli.py --no-schema --output-json \
		--spec "/usr/share/ynl/specs/$_spec" "$@"
}

# ---- VDUSE ------------------------------------------------------------

# vduse_net_start NAME [OPTION]...: vduse_tool net NAME serving (output in
# net.out and net.err, pid in $vduse_pid). Its requests time out in 5 s, not
# 30: a daemon that dies must not hold anything past the hung-task limit.
vduse_net_start()
{
	vduse_tool net "$@" >net.out 2>net.err &
	vduse_pid=$!
	wait_for 10 grep -qx ready net.out ||
		{ cat net.err; fail "vduse_tool net $* did not get ready"; }
	echo 5 >"/sys/class/vduse/$1/msg_timeout"
}

_vduse_gone() { ! kill -0 "$vduse_pid" 2>/dev/null; }

# vduse_net_stop NAME: the daemon (detached first) destroys its device on
# SIGTERM and exits 0; its log is shown.
vduse_net_stop()
{
	kill -TERM "$vduse_pid"
	wait_for 10 _vduse_gone || fail "vduse_tool net $1 did not exit"
	_rc=0
	wait "$vduse_pid" || _rc=$?
	sed 's/^/    daemon: /' net.err
	expect_eq "$_rc" 0 "the daemon's exit status"
	expect_gone "/dev/vduse/$1"
	expect_gone "/sys/class/vduse/$1"
}

# pins: pages pinned with FOLL_PIN anywhere, right now (acquired less
# released, the per-cpu counter deltas folded first: /proc/vmstat alone may
# lag), to compare before and after a test that pins userspace memory.
pins()
{
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null || true
	awk '/^nr_foll_pin_acquired/ { a = $2 }
	     /^nr_foll_pin_released/ { r = $2 }
	     END { print a - r }' /proc/vmstat
}

_on_exit()
{
	rc=$?
	set +e
	if [ "$rc" -eq "$SKIP" ] && [ -z "$SKIPPING" ]; then
		printf 'FAIL: exit status %s, but not from skip(), during: %s\n' \
			"$rc" "$STEP" >&2
		rc=1
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne "$SKIP" ] && [ -z "$FAILED" ]; then
		printf 'FAIL: unexpected exit (status %s) during: %s\n' \
			"$rc" "$STEP" >&2
	fi
	# The test's own last step, if it set one (AT_EXIT=function): e.g.
	# serve a disk again, so that its requests finish and it can go.
	[ -z "$AT_EXIT" ] || "$AT_EXIT"
	# Jobs the test started in the background.
	for j in $(jobs -p); do
		kill "$j" 2>/dev/null
	done
	wait 2>/dev/null
	if ! reset_state; then
		printf 'FAIL: the test left behind what could not be removed (reset: above)\n' >&2
		rc=1
	fi
	if [ -e "$FAIL_MARK" ] && { [ "$rc" -eq 0 ] || [ "$rc" -eq "$SKIP" ]; }; then
		printf 'FAIL: a check failed inside $(...) or a pipeline (FAIL: above)\n' >&2
		rc=1
	fi
	exit "$rc"
}
trap _on_exit EXIT

reset_state || fail "no clean slate to start from (reset: above)"
