#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The vdpa netlink family beyond what iproute2 6.1 sends, through vdpa_nl:
# DEV_ATTR_SET (a new MAC reaches config space, and virtio_net after a
# rebind; a blk device refuses), block capacity provisioning, and requests
# the kernel must refuse with an errno and an extack message: wrong types
# and lengths, bad names, unknown management devices and attributes, out
# of range values. None of the refused requests may leave a device behind.

. "${0%/*}/lib.sh"

# nl_fail CMD...: vdpa_nl must fail and print the kernel's extack message.
nl_fail()
{
	expect_fail "$@"
	grep -q '^error: .* (errno [0-9]*): ..*' "$OUT" ||
		fail "'$*': no 'error: ... (errno N): <extack message>' line"
}

# nl_errno "N..." CMD...: as nl_fail, and the errno must be one of N...
nl_errno()
{
	_want=$1
	shift
	nl_fail "$@"
	_got=$(sed -n 's/^error: .* (errno \([0-9]*\)): .*/\1/p' "$OUT")
	case " $_want " in
	*" $_got "*) ;;
	*) fail "'$*': errno $_got, expected one of: $_want" ;;
	esac
}

# nl_attr NAME: the value vdpa_nl printed for attribute NAME.
nl_attr()
{
	sed -n "s/^$1 //p" "$OUT" | head -n 1
}

# The same refusal through DEV_NEW must leave no device named $1.
expect_no_dev()
{
	_devs=$(vdpa_devs)
	! echo "$_devs" | grep -qxF -- "$1" || fail "refused request created '$1'"
}

netdev_mac() { cat "/sys/class/net/$1/address"; }
no_netdev() { ! vdpa_netdev "$1"; }

NEW="raw dev_new"
NETMGMT="mgmtdev_dev_name:str:vdpasim_net"

step "modules and management devices"
load vdpa_sim_net vdpa_sim_blk
run vdpa_nl mgmtdev
grep -qx 'mgmtdev_dev_name vdpasim_net' "$OUT" || skip "no vdpasim_net"
grep -qx 'mgmtdev_dev_name vdpasim_blk' "$OUT" || skip "no vdpasim_blk"

step "vdpa_nl add and get"
run vdpa_nl add net0 vdpasim_net mac 02:00:00:00:35:01
run vdpa_nl get net0
expect_eq "$(nl_attr dev_name)" net0 "dev_name"
expect_eq "$(nl_attr mgmtdev_dev_name)" vdpasim_net "mgmtdev_dev_name"
expect_eq "$(nl_attr dev_id)" 1 "dev_id (virtio net)"
run vdpa_nl config net0
expect_eq "$(nl_attr dev_net_cfg_macaddr)" 02:00:00:00:35:01 "config MAC"

step "DEV_ATTR_SET changes the MAC, seen by the real vdpa tool"
run vdpa_nl set net0 mac 02:00:00:00:35:02
run vdpa -j dev config show net0
expect_eq "$(jget config net0 mac)" 02:00:00:00:35:02 "MAC after set"

step "virtio_net on virtio_vdpa takes the MAC from config space"
load virtio_vdpa virtio_net
wait_for 10 vdpa_netdev net0 || fail "no netdev on net0"
nd=$(vdpa_netdev net0)
expect_eq "$(netdev_mac "$nd")" 02:00:00:00:35:02 "netdev MAC"

step "a MAC set while bound reaches the netdev after a rebind"
run vdpa_nl set net0 mac 02:00:00:00:35:03
run vdpa -j dev config show net0
expect_eq "$(jget config net0 mac)" 02:00:00:00:35:03 "MAC after set"
drv=/sys/bus/vdpa/drivers/virtio_vdpa
run sh -c "echo net0 > $drv/unbind"
no_netdev net0 || fail "net0 still has a netdev after unbind"
run sh -c "echo net0 > $drv/bind"
wait_for 10 vdpa_netdev net0 || fail "no netdev on net0 after rebind"
nd=$(vdpa_netdev net0)
expect_eq "$(netdev_mac "$nd")" 02:00:00:00:35:03 "netdev MAC after rebind"

step "DEV_ATTR_SET: refusals"
nl_fail vdpa_nl set net0
nl_errno 19 vdpa_nl set nosuchdev mac 02:00:00:00:35:04
# A five-byte MAC fails the attribute policy: EINVAL, or ERANGE from the
# netlink core's binary length check (NLA_POLICY_ETH_ADDR).
nl_errno "22 34" vdpa_nl raw dev_attr_set dev_name:str:net0 \
	dev_net_cfg_macaddr:hex:0200000035
# Multicast and all-zero MACs are no station address.
nl_fail vdpa_nl set net0 mac 03:00:00:00:35:04
nl_fail vdpa_nl set net0 mac 00:00:00:00:00:00
# The MTU changes only while no driver uses the device: virtio_net does.
nl_errno 16 vdpa_nl raw dev_attr_set dev_name:str:net0 dev_net_cfg_mtu:u16:1400
run vdpa -j dev config show net0
expect_eq "$(jget config net0 mac)" 02:00:00:00:35:03 "MAC after refusals"

step "block device: capacity provisioning, no DEV_ATTR_SET"
run vdpa_nl add blk0 vdpasim_blk capacity 4096
run vdpa_nl config blk0
expect_eq "$(nl_attr dev_blk_cfg_capacity)" 4096 "capacity (sectors)"
nl_errno 95 vdpa_nl set blk0 mac 02:00:00:00:35:05
load virtio_blk
wait_for 10 vdpa_blkdev blk0 || fail "no block device on blk0"
bd=$(vdpa_blkdev blk0)
expect_eq "$(cat "/sys/block/$bd/size")" 4096 "/sys/block/$bd/size"
expect_eq "$(($(cat "/sys/block/$bd/size") * 512))" 2097152 "disk bytes"

step "DEV_NEW: wrong types and lengths"
nl_fail vdpa_nl $NEW dev_name:str:bad0 $NETMGMT dev_net_cfg_mtu:u32:1500
expect_no_dev bad0
nl_fail vdpa_nl $NEW dev_name:str:bad0 $NETMGMT dev_net_cfg_mtu:u8:200
expect_no_dev bad0
nl_errno "22 34" vdpa_nl $NEW dev_name:str:bad0 $NETMGMT \
	dev_net_cfg_macaddr:hex:0200000035
expect_no_dev bad0
nl_fail vdpa_nl $NEW dev_name:str:bad0 $NETMGMT \
	dev_net_cfg_macaddr:hex:02000000350600
expect_no_dev bad0
nl_fail vdpa_nl $NEW dev_name:u32:7 $NETMGMT
nl_fail vdpa_nl $NEW dev_name:nstr:bad0 $NETMGMT
expect_no_dev bad0

step "DEV_NEW: names"
nl_fail vdpa_nl $NEW dev_name:strn=256:x $NETMGMT
nl_fail vdpa_nl $NEW dev_name:strn=4000:y $NETMGMT
nl_fail vdpa_nl $NEW dev_name:str: $NETMGMT
nl_fail vdpa_nl $NEW dev_name:str:a/b $NETMGMT
nl_fail vdpa_nl $NEW "dev_name:str:a b" $NETMGMT
nl_fail vdpa_nl $NEW dev_name:str:.. $NETMGMT
# Missing name: the core may say so in words or name the missing attribute.
expect_fail vdpa_nl $NEW $NETMGMT
grep -q '^error: .* (errno 22)' "$OUT" || fail "missing name: expected EINVAL"
grep -q '^error: .*): ..*\|^missing-attr dev_name ' "$OUT" ||
	fail "missing name: neither a message nor the missing attribute"
nl_errno 17 vdpa_nl add net0 vdpasim_net

step "DEV_NEW: management devices"
nl_errno 19 vdpa_nl add bad0 nosuchmgmt
nl_errno 19 vdpa_nl add bad0 pci/0000:00:1f.7
expect_fail vdpa_nl $NEW dev_name:str:bad0
nl_fail vdpa_nl $NEW dev_name:str:bad0 mgmtdev_dev_name:strn=300:m
expect_no_dev bad0

step "DEV_NEW: unknown attributes"
nl_fail vdpa_nl $NEW dev_name:str:bad0 $NETMGMT 250:u32:1
nl_fail vdpa_nl $NEW dev_name:str:bad0 $NETMGMT dev_max_vqs:u32:4
nl_fail vdpa_nl $NEW dev_name:str:bad0 $NETMGMT 0:u32:0
expect_no_dev bad0

step "DEV_NEW: values out of range"
nl_fail vdpa_nl add bad0 vdpasim_net max_vqp 0
nl_fail vdpa_nl add bad0 vdpasim_net max_vqp 65535
nl_fail vdpa_nl add bad0 vdpasim_net mtu 10
nl_fail vdpa_nl add bad0 vdpasim_net mtu 0
nl_fail vdpa_nl add bad0 vdpasim_net features 0x8000000000000000
nl_fail vdpa_nl add bad0 vdpasim_blk capacity 0
nl_fail vdpa_nl add bad0 vdpasim_blk mac 02:00:00:00:35:06
expect_no_dev bad0

step "other commands refuse bad input too"
nl_errno 19 vdpa_nl get nosuchdev
nl_fail vdpa_nl raw dev_get dev_name:strn=300:z
nl_fail vdpa_nl raw dev_del dev_name:u8:1
expect_fail vdpa_nl raw dev_vstats_get dev_name:str:net0
nl_fail vdpa_nl raw dev_vstats_get dev_name:str:net0 dev_queue_index:u32:9999
expect_fail vdpa_nl raw 200

step "only the two good devices exist"
devs=$(vdpa_devs)
expect_eq "$(echo "$devs" | sort | tr '\n' ' ')" "blk0 net0 " "devices"
run vdpa_nl get
expect_eq "$(grep -c '^dev_name ' "$OUT")" 2 "devices in a DEV_GET dump"

step "delete while bound, the netdev up"
run ip link set "$nd" up
run vdpa_nl del net0
no_netdev net0 || fail "netdev $nd outlived net0"
run vdpa_nl del blk0
expect_gone "/sys/block/$bd"
devs=$(vdpa_devs)
expect_eq "$devs" "" "devices left"
