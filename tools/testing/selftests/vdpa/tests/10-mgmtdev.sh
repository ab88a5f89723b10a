#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Management devices: each simulator registers one (the net one two),
# `vdpa mgmtdev show` lists it with its device class, queue limit and
# features, in text and in JSON; it goes away with its module.

. "${0%/*}/lib.sh"

step "load the simulators"
load vdpa_sim_net vdpa_sim_blk

step "text: both management devices, each with its class"
run vdpa mgmtdev show
sec=$(text_section vdpasim_net)
[ -n "$sec" ] || fail "no 'vdpasim_net:' in vdpa mgmtdev show"
echo "$sec" | grep -q 'supported_classes net$' ||
	fail "vdpasim_net: no 'supported_classes net'"
sec=$(text_section vdpasim_blk)
[ -n "$sec" ] || fail "no 'vdpasim_blk:' in vdpa mgmtdev show"
echo "$sec" | grep -q 'supported_classes block$' ||
	fail "vdpasim_blk: no 'supported_classes block'"

step "JSON: valid, with classes, max_supported_vqs and dev_features"
run vdpa mgmtdev show -jp
expect_json
expect_eq "$(jget mgmtdev vdpasim_net supported_classes)" net \
	"vdpasim_net supported_classes"
expect_eq "$(jget mgmtdev vdpasim_blk supported_classes)" block \
	"vdpasim_blk supported_classes"

# Two queue pairs (as 20-dev-lifecycle provisions) need 4 data queues and,
# for VIRTIO_NET_F_MQ, a control queue.
vqs=$(jget mgmtdev vdpasim_net max_supported_vqs)
expect_ge "$vqs" 5 "vdpasim_net max_supported_vqs"
vqs=$(jget mgmtdev vdpasim_blk max_supported_vqs)
expect_ge "$vqs" 1 "vdpasim_blk max_supported_vqs"

feat=$(jget mgmtdev vdpasim_net dev_features)
for f in MAC MTU STATUS CTRL_VQ MQ VERSION_1; do
	echo "$feat" | grep -qx "$f" ||
		fail "vdpasim_net dev_features lacks $f (has: $(echo "$feat" | tr "\n" " "))"
done
feat=$(jget mgmtdev vdpasim_blk dev_features)
echo "$feat" | grep -qx VERSION_1 ||
	fail "vdpasim_blk dev_features lacks VERSION_1 (has: $(echo "$feat" | tr "\n" " "))"

step "one management device by name"
run vdpa mgmtdev show vdpasim_net -j
expect_eq "$(jget mgmtdev)" vdpasim_net "the only management device shown"
expect_fail_msg "kernel answers:" vdpa mgmtdev show nosuch

step "a management device leaves with its module"
run rmmod vdpa_sim_blk
run vdpa mgmtdev show -j
# vdpa_sim_net registers two: the control queue is the core's, or its own.
expect_eq "$(jget mgmtdev | tr '\n' ' ')" "vdpasim_net vdpasim_net_hwcvq " \
	"management devices left"
