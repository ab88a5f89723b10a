# SPDX-License-Identifier: GPL-2.0
#
# Sourced by every test (busybox ash, in the test VM). Assertions that say
# what they expected and what they got, and helpers for the vdpa tool,
# modules, netdevs and block devices.
#
# A test exits 0 to pass, 4 (skip) to skip, anything else to fail. Every
# test starts and ends with no vdpa device and none of our modules loaded.

set -eu

SKIP=4
T=${0##*/}
T=${T%.sh}
WORK=/tmp/$T
OUT=$WORK/out		# output (stdout and stderr) of the last command run
STEP="start"
FAILED=

# Which kernel this is (run.sh --tier): "distro", Debian's with our modules
# in updates/, or "debug", the debug kernel with ours built in-tree.
TIER=$(sed -n 's/.*vdpatest\.tier=\([a-z]*\).*/\1/p' /proc/cmdline)
TIER=${TIER:-distro}

# Modules, most dependent first, as unload order.
MODULES="virtio_net virtio_blk vhost_vdpa virtio_vdpa vdpa_sim_net vdpa_sim_blk vdpa_sim vdpa"

# busybox-static's ash runs its own applet of a name before it looks in
# PATH: make iproute2's ip win over busybox's.
ip() { /usr/sbin/ip "$@"; }

mkdir -p "$WORK"
cd "$WORK"
: >"$OUT"

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
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

skip()
{
	printf 'SKIP: %s\n' "$*" >&2
	exit "$SKIP"
}

show_out() { sed 's/^/    /' "$OUT" >&2; }

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

# wait_for SECONDS CMD...: poll (10 times a second) until CMD succeeds.
wait_for()
{
	_n=$(($1 * 10))
	shift
	while ! "$@" >/dev/null 2>&1; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] || return 1
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

# Names of all vdpa devices, one per line (nothing when the core is absent).
vdpa_devs()
{
	[ -d /sys/module/vdpa ] || return 0
	vdpa -j dev show 2>/dev/null | jsonget dev 2>/dev/null || true
}

load()
{
	run modprobe -a "$@"
}

mod_loaded() { [ -d "/sys/module/$1" ]; }

# Back to a clean slate: no vdpa device, none of our modules.
reset_state()
{
	for d in $(vdpa_devs); do
		vdpa dev del "$d" >/dev/null 2>&1 || true
	done
	for m in $MODULES; do
		if mod_loaded "$m"; then
			rmmod "$m" >/dev/null 2>&1 || true
		fi
	done
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

netstat_of() { cat "/sys/class/net/$1/statistics/$2"; }

_on_exit()
{
	rc=$?
	set +e
	if [ "$rc" -ne 0 ] && [ "$rc" -ne "$SKIP" ] && [ -z "$FAILED" ]; then
		printf 'FAIL: unexpected exit (status %s) during: %s\n' \
			"$rc" "$STEP" >&2
	fi
	# Jobs the test started in the background.
	for j in $(jobs -p); do
		kill "$j" 2>/dev/null
	done
	wait 2>/dev/null
	reset_state
}
trap _on_exit EXIT

reset_state
