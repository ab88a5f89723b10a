# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by the initramfs.d hooks (run by mkinitramfs.sh with ROOT set):
# install a package when missing, copy a binary with the libraries it loads.

set -eu

# need_pkg PKG...: apt-get install those not installed (as deps.sh does).
need_pkg()
{
	local p st missing=

	for p in "$@"; do
		st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		case "$st" in ii*) ;; *) missing="$missing $p" ;; esac
	done
	[ -n "$missing" ] || return 0
	if [ "$(id -u)" != 0 ]; then
		echo "initramfs.d: missing packages:$missing (run as root)" >&2
		return 1
	fi
	echo "initramfs.d: installing:$missing"
	# shellcheck disable=SC2086 # a list of packages
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing </dev/null >/dev/null
}

# copy_libs FILE...: every library the files load. Each is copied once, at
# its real path, and the name the loader asks for links there: a library
# reached under two names must still be one file, or it would be loaded
# twice (DPDK's buses would then exist twice, each with half the drivers).
copy_libs()
{
	local f lib real

	for f in "$@"; do
		ldd "$f" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
			[ -e "$ROOT$lib" ] || [ -L "$ROOT$lib" ] && continue
			real=$(readlink -f "$lib")
			if [ ! -e "$ROOT$real" ]; then
				mkdir -p "$ROOT$(dirname "$real")"
				cp "$real" "$ROOT$real"
			fi
			if [ "$real" != "$lib" ]; then
				mkdir -p "$ROOT$(dirname "$lib")"
				ln -s "$real" "$ROOT$lib"
			fi
		done
	done
}

# copy_file FILE...: files at the same path, links resolved.
copy_file()
{
	local f

	for f in "$@"; do
		mkdir -p "$ROOT$(dirname "$f")"
		cp -L "$f" "$ROOT$f"
	done
}
