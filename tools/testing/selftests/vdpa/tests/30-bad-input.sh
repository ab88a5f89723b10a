#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Requests that must be refused, through the real vdpa tool: the kernel
# answers with an errno and a message (extack), and nothing is left behind.
# iproute2 prints the message as "Error: <msg>." and the errno as
# "kernel answers: <strerror>".

. "${0%/*}/lib.sh"

MAC=02:00:00:00:00:01

# refused ERRNO_TEXT CMD...: the kernel refuses CMD with errno ERRNO_TEXT
# (empty: any errno) and an extack message.
refused()
{
	_errno=$1
	shift
	expect_fail_msg "kernel answers: $_errno" "$@"
	expect_extack "$@"
}

no_devs_but()
{
	devs=$(vdpa_devs)
	expect_eq "$(echo "$devs" | tr '\n' ' ')" "$*" "devices after refused requests"
}

load vdpa_sim_net vdpa_sim_blk
run vdpa mgmtdev show vdpasim_net -j
max_vqs=$(jget mgmtdev vdpasim_net max_supported_vqs)

step "a name that is taken"
run vdpa dev add name v0 mgmtdev vdpasim_net mac $MAC
refused "File exists" vdpa dev add name v0 mgmtdev vdpasim_net
refused "File exists" vdpa dev add name v0 mgmtdev vdpasim_blk
run vdpa dev config show v0
expect_out "mac $MAC"	# the first v0 is untouched
no_devs_but "v0 "

step "an unknown management device"
refused "No such device" vdpa dev add name x0 mgmtdev nosuch
refused "No such device" vdpa dev add name x0 mgmtdev pci/0000:00:1f.7
no_devs_but "v0 "

step "a malformed MAC: the tool refuses it"
expect_fail_msg "invalid lladdr" \
	vdpa dev add name x0 mgmtdev vdpasim_net mac 02:00:00:zz:00:01
# (iproute2 6.1 pads a short "mac 02:00:00" to 02:00:00:00:00:00, a valid
# address, so that one reaches the kernel as a good request; vdpa_nl checks
# a truly short MAC attribute in 35-netlink-raw.)
no_devs_but "v0 "

step "queue pairs: none, more than the device has, absurdly many"
refused "" vdpa dev add name x0 mgmtdev vdpasim_net max_vqp 0
refused "" vdpa dev add name x0 mgmtdev vdpasim_net max_vqp $((max_vqs / 2 + 1))
refused "" vdpa dev add name x0 mgmtdev vdpasim_net max_vqp 65535
no_devs_but "v0 "

step "MTU out of range"
refused "" vdpa dev add name x0 mgmtdev vdpasim_net mtu 0
refused "" vdpa dev add name x0 mgmtdev vdpasim_net mtu 67
# Over 65535 does not fit the u16 attribute: the tool itself refuses.
expect_fail vdpa dev add name x0 mgmtdev vdpasim_net mtu 70000
no_devs_but "v0 "

step "network attributes for a block device"
refused "" vdpa dev add name x0 mgmtdev vdpasim_blk mac $MAC
refused "" vdpa dev add name x0 mgmtdev vdpasim_blk mtu 1400
no_devs_but "v0 "

step "devices that do not exist"
refused "No such device" vdpa dev del nosuch
refused "No such device" vdpa dev show nosuch
refused "No such device" vdpa dev config show nosuch
# iproute2 6.1 exits 0 from "dev vstats show" whatever the kernel says:
# judge by what it printed.
try vdpa dev vstats show nosuch qidx 0
expect_out "kernel answers: No such device"
expect_extack vdpa dev vstats show nosuch qidx 0
no_devs_but "v0 "

step "without CAP_NET_ADMIN"
# Reading is for everyone, changing is not (as upstream: DEV_NEW and
# DEV_DEL are GENL_ADMIN_PERM, the GETs are not).
run dropcap vdpa mgmtdev show
expect_out "vdpasim_net:"
run dropcap vdpa dev show
expect_out "v0: type network"
expect_fail_msg "kernel answers: Operation not permitted" \
	dropcap vdpa dev add name x0 mgmtdev vdpasim_net
expect_fail_msg "kernel answers: Operation not permitted" \
	dropcap vdpa dev add name x0 mgmtdev vdpasim_net mac $MAC mtu 1400
expect_fail_msg "kernel answers: Operation not permitted" \
	dropcap vdpa dev del v0
no_devs_but "v0 "

step "nothing left behind"
run vdpa dev del v0
run vdpa dev show -j
left=$(jget dev)
expect_eq "$left" "" "devices left"
expect_eq "$(ls /sys/bus/vdpa/devices)" "" "/sys/bus/vdpa/devices"
