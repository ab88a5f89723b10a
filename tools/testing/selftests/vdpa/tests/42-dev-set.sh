#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Changing a net device's provisioning at run time (DEV_ATTR_SET), through
# two clients: our vdpa_nl, and the kernel's YNL CLI, which knows the family
# only from Documentation/netlink/specs/vdpa.yaml (iproute2 6.1 has no
# "vdpa dev set"). The MTU changes while no driver uses the device, the
# queue pairs while no bus driver is bound either (they change the number
# of queues); otherwise a message says why not. The MAC changes at any
# time, and a driver that runs is told: a config-change notification.

. "${0%/*}/lib.sh"

MAC=02:00:00:00:00:01
NEW_MAC=02:00:00:00:00:42

# config_of DEV KEY: KEY of DEV's config as iproute2 shows it.
config_of()
{
	quiet vdpa dev config show "$1" -j
	jget config "$1" "$2"
}

load vdpa_sim_net

step "no bus driver: MTU and max_vqp change, through vdpa_nl"
run vdpa dev add name s0 mgmtdev vdpasim_net mac $MAC mtu 1500 max_vqp 1
run vdpa dev show s0 -j
expect_eq "$(jget dev s0 max_vqs)" 3 "queues: a pair and the control queue"
run vdpa_nl set s0 mtu 4000 max_vqp 4
run vdpa dev config show s0
expect_eq "$(config_of s0 mtu)" 4000 "MTU after vdpa_nl set"
expect_eq "$(config_of s0 max_vq_pairs)" 4 "max_vqp after vdpa_nl set"
run vdpa dev show s0 -j
expect_eq "$(jget dev s0 max_vqs)" 9 "queues: 4 pairs and the control queue"

step "the same through YNL, with nothing but the spec"
run ynl vdpa.yaml --do dev-attr-set \
	--json '{"dev-name": "s0", "dev-net-cfg-mtu": 3000, "dev-net-cfg-max-vqp": 2}'
run ynl vdpa.yaml --do dev-config-get --json '{"dev-name": "s0"}'
expect_eq "$(jget dev-net-cfg-mtu)" 3000 "MTU YNL reads back"
expect_eq "$(jget dev-net-cfg-max-vqp)" 2 "max_vqp YNL reads back"
expect_eq "$(config_of s0 mtu)" 3000 "MTU iproute2 reads"
run ynl vdpa.yaml --dump dev-get
expect_out '"dev-name": "s0"'
expect_out '"dev-max-vqs": 5'

step "out of range: refused with a message, by both"
expect_fail_msg "max_vqp 9 exceeds" vdpa_nl set s0 max_vqp 9
expect_fail_msg "MTU 9001 out of range" vdpa_nl set s0 mtu 9001
# Below the minimum: the attribute's policy refuses it.
expect_fail_msg "out of range" vdpa_nl set s0 mtu 20
try ynl vdpa.yaml --do dev-attr-set \
	--json '{"dev-name": "s0", "dev-net-cfg-max-vqp": 9}'
[ "$RC" -ne 0 ] || fail "YNL: max_vqp 9 was taken"
expect_out "max_vqp 9 exceeds"
expect_eq "$(config_of s0 max_vq_pairs)" 2 "max_vqp after refusals"

step "a bound bus driver, not in use: the MTU changes, max_vqp does not"
load vhost_vdpa
node=$(vhost_node s0)
run vdpa_nl set s0 mtu 2000
expect_eq "$(config_of s0 mtu)" 2000 "MTU with vhost_vdpa bound"
expect_fail_msg "unbind vhost_vdpa first" vdpa_nl set s0 max_vqp 1
try ynl vdpa.yaml --do dev-attr-set \
	--json '{"dev-name": "s0", "dev-net-cfg-max-vqp": 1}'
[ "$RC" -ne 0 ] || fail "YNL: max_vqp changed under a bound driver"
expect_out "unbind vhost_vdpa first"
expect_eq "$(config_of s0 max_vq_pairs)" 2 "max_vqp with vhost_vdpa bound"

step "a driver runs: the MTU is refused, a new MAC reaches the driver"
vhost_client config "$node" >config.out 2>&1 &
client=$!
wait_for 10 grep -q DRIVER_OK config.out || fail "vhost_client did not start"
expect_fail_msg "only while no driver uses the device" vdpa_nl set s0 mtu 1400
run ynl vdpa.yaml --do dev-attr-set \
	--json '{"dev-name": "s0", "dev-net-cfg-macaddr": "020000000042"}'
rc=0
wait "$client" || rc=$?
sed 's/^/    /' config.out
expect_eq "$rc" 0 "vhost_client's exit status"
grep -q "config changed: mac $NEW_MAC" config.out ||
	fail "the driver did not see the new MAC"
expect_eq "$(config_of s0 mac)" $NEW_MAC "MAC iproute2 reads"
expect_eq "$(config_of s0 mtu)" 2000 "MTU after the refusal"

step "delete"
run vdpa dev del s0
