#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# QEMU 7.2 for 86-qemu-vhost-vdpa.sh, run inside the test VM, and the tiny
# guest it boots. QEMU stays at /usr/bin: it finds its TCG accelerator
# module and its firmware relative to the paths it was built for.
#
# The inner guest is always the distribution's kernel (a debug kernel
# would take minutes to boot under nested TCG) with busybox, virtio_net
# and an init script that sends frames and reports what came back; for
# the control queue's commands, the real ip and ethtool, 8021q (VLANs)
# and pktgen (frames on a chosen queue).

. "$(dirname "$0")/lib.sh"

need_pkg qemu-system-x86 busybox-static
QEMU_MODDIR=/usr/lib/x86_64-linux-gnu/qemu
INNER=/usr/share/vdpatest/inner

copy_file /usr/bin/qemu-system-x86_64
copy_libs /usr/bin/qemu-system-x86_64
copy_file "$QEMU_MODDIR/accel-tcg-x86_64.so"
copy_libs "$QEMU_MODDIR/accel-tcg-x86_64.so"
# SeaBIOS, the option ROMs a PC with a virtio-net-pci asks for, and the
# ROMs -kernel boots through.
copy_file /usr/share/seabios/bios-256k.bin \
	/usr/share/seabios/vgabios-stdvga.bin \
	/usr/lib/ipxe/qemu/efi-virtio.rom \
	/usr/share/qemu/kvmvapic.bin \
	/usr/share/qemu/linuxboot_dma.bin
copy_file /lib/x86_64-linux-gnu/libgcc_s.so.1

# The distribution kernel, whatever tier the outer VM runs.
inner_moddir=$(ls -d /lib/modules/6.12*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -d "$inner_moddir/kernel" ] || { echo "qemu.sh: no 6.12 modules" >&2; exit 1; }
inner_kver=${inner_moddir##*/}
mkdir -p "$ROOT$INNER"
cp "/boot/vmlinuz-$inner_kver" "$ROOT$INNER/vmlinuz"

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree"/{bin,dev,proc,sys,mod}
cp /bin/busybox "$tree/bin/busybox"
for a in sh mount insmod arp ping cat sleep poweroff echo seq dmesg tail \
	 sed grep tr cut head; do
	ln -s busybox "$tree/bin/$a"
done
for t in /usr/sbin/ip /usr/sbin/ethtool; do
	cp "$t" "$tree/bin/"
	ROOT=$tree copy_libs "$t"
done
# virtio_net and what it needs, in load order; then 8021q's and pktgen.
for m in failover net_failover virtio_net llc stp garp mrp 8021q pktgen; do
	f=$(modinfo -k "$inner_kver" -F filename "$m")
	case "$f" in
	"(builtin)") continue ;;
	*.xz) xz -dc "$f" >"$tree/mod/$m.ko" ;;
	*) cp "$f" "$tree/mod/$m.ko" ;;
	esac
done
cp "$HARNESS/qemu/inner-init.sh" "$tree/init"
chmod +x "$tree/init"
(cd "$tree" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) | gzip -1 \
	>"$ROOT$INNER/initramfs.cpio.gz"
