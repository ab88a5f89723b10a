#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write this tree as a patch series against the pristine 6.12 source.

  series.py --kernel KSRC [--base pristine] [--branch NAME] --out DIR

KSRC is a git tree whose commit BASE is Debian's linux-source-6.12 as
shipped (series.sh makes it). Each step of STEPS below takes some of our
files into the kernel tree, wires them into Kconfig, Makefiles, the
documentation indexes and MAINTAINERS, and becomes one commit; git
format-patch then writes the commits and a cover letter to DIR.

Each step's tree is computed from scratch, from the pristine tree and the
state the series has reached (which of our files and Kconfig symbols are in
by then), and built in a private index: the kernel tree's work tree is
never touched, so this is quick and safe beside a build. Whatever a step
does not yet provide is kept out of its Kconfig and Makefiles, so that each
patch builds on its own.

Out-of-tree-only files (top-level Makefile, Kbuild, Kconfig, README.md,
.ci/, project/) never go into the kernel tree; the VIRTIO_VDPA entry of
our top-level Kconfig replaces upstream's in drivers/virtio/Kconfig.
"""

import argparse
import fnmatch
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))

# What of our tree may go into the kernel tree at all.
OUR_ROOTS = ["drivers", "include", "Documentation",
             "tools/testing/selftests/vdpa"]

# Files of ours that only serve the out-of-tree build: upstream's own
# drivers/vhost/Makefile already builds vhost_vdpa.o from vdpa.c, beside
# the other vhost drivers ours knows nothing of.
OOT_ONLY = {"drivers/vhost/Makefile"}

SOB = "Signed-off-by: vDPA team <vdpa@example.org>"


class Step:
    """One patch: the files it claims, the Kconfig symbols it brings."""

    def __init__(self, subject, body, files=(), symbols=(), delete=(),
                 prio=50, old_users_out=False, key=None):
        self.key = key                  # for LATER
        self.subject = subject
        self.body = body.strip("\n")
        self.files = list(files)        # patterns (fnmatch) of our paths
        self.symbols = list(symbols)    # patterns of our Kconfig symbols
        self.delete = list(delete)      # upstream paths (files or dirs)
        self.prio = prio                # lower claims a file first
        self.old_users_out = old_users_out


STEPS = [
    Step("vdpa: take the users of the old in-kernel API out of the build",
         """
The patches that follow replace the vDPA core, and with it the in-kernel
API between the core, its parents and its bus drivers (struct vdpa_device,
vdpa_config_ops, the management device callbacks, the IOTLB helpers). Every
in-tree user of that API would stop building.

Take them out of Kconfig first, so that each step of the series builds:

 - the parents IFCVF, VP_VDPA and VDPA_USER (VDUSE): rewritten on the
   new API later in this series, they come back then;
 - the parents MLX5_VDPA/MLX5_VDPA_NET, PDS_VDPA, OCTEONEP_VDPA,
   SNET_VDPA and ALIBABA_ENI_VDPA: their sources stay as they are, and
   each comes back, unchanged in what it does, with a small conversion
   patch at the end of this series;
 - VDPA_SIM* (the simulator) and the bus drivers VIRTIO_VDPA and
   VHOST_VDPA: they are rewritten on the new API later in this series
   and come back then.

Nothing outside drivers/vdpa, drivers/vhost and drivers/virtio includes
linux/vdpa.h, so no other driver is affected.
""", old_users_out=True),

    Step("vdpa: rewrite the bus core and management devices",
         """
Replace the vDPA core with a rewrite that redefines the in-kernel API
between the core, its parents and its bus drivers:

 - bus.c: the vdpa bus, device allocation, registration and naming (a
   hash table of names and an xarray of indexes: nothing walks all
   devices, which matters with a hundred thousand of them);
 - mgmt.c: management devices and the checks done once for every
   parent before it is asked to create a device (features within what
   it supports, those it requires, queue pairs).

struct vdpa_config_ops documents, per callback, its calling context, what
it may sleep on and its ordering against status changes, so that parents
and bus drivers can be checked against a written contract; the
kernel-doc of vdpa_mgmtdev_ops.dev_add says what a parent may rely on.

The generic netlink family that drives management devices follows in
the next patch.
""", files=["drivers/vdpa/bus.c", "drivers/vdpa/mgmt.c",
            "drivers/vdpa/vdpa_core.h", "drivers/vdpa/vdpa_kunit.h",
            "drivers/vdpa/Kconfig", "drivers/vdpa/Makefile",
            "include/linux/vdpa.h"],
         symbols=["VDPA"], delete=["drivers/vdpa/vdpa.c"], prio=20,
         key="bus"),

    Step("vdpa: the netlink family, generated from its YNL spec",
         """
The "vdpa" generic netlink family, version 1, with upstream's command and
attribute numbers, so iproute2's "vdpa" tool works unchanged: list
management devices, create and delete devices, read their config space
and per-queue statistics, change their provisioning (DEV_ATTR_SET).

The family is specified in Documentation/netlink/specs/vdpa.yaml; its
policies and split ops (vdpa_nl_gen.c) are generated from it by
tools/net/ynl/ynl-gen-c.py, so every attribute is validated, per
command, before a handler sees it. The spec also names a
pre_doit/post_doit pair per command: the locks a command needs and the
lookup of the object it names are done once, there.

KUnit: vdpa_core (VDPA_KUNIT_TEST), the registry and the netlink
requests, run through the family's own split ops as genetlink runs them.
""", files=["drivers/vdpa/netlink.c", "drivers/vdpa/vdpa_nl_gen.[ch]",
            "drivers/vdpa/core_kunit.c", "include/uapi/linux/vdpa.h",
            "Documentation/netlink/specs/vdpa.yaml"],
         symbols=["VDPA_KUNIT_TEST"], prio=20, key="netlink"),

    Step("vdpa: a software IOTLB for parents and bus drivers",
         """
IOVA to host address translation for parents that translate in
software (the simulators, VDUSE) and for bus drivers that keep the
tables they push to a parent (vhost-vdpa): an interval tree of
translations with a release hook per entry (so the owner unpins or puts
what an entry held when it goes, whichever path removes it), a limit of
entries per table, and copies to and from driver memory that mark a
dirty log for live migration.

Why not vhost_iotlb (drivers/vhost/iotlb.c): its entries have no
release hook, so each owner walks the tree again to unpin what it held;
removing part of an entry drops all of it rather than splitting it with
room set aside beforehand; and its copies know no dirty log. The cover
letter compares the two: a lookup here costs up to a third more on a
small table, about a sixth more on larger ones.

KUnit: vdpa_iotlb.
""", files=["drivers/vdpa/iotlb.c", "drivers/vdpa/iotlb_kunit.c",
            "include/linux/vdpa_iotlb.h"], prio=20, key="iotlb"),

    Step("vdpa: device-side split virtqueue access for software parents",
         """
The device side of a split virtqueue in driver memory, reached through a
software IOTLB: fetch and validate an available chain (indirect
descriptors, loops, lengths and permissions checked against the
device's view), copy to and from it, publish used entries with the
event index, save and restore positions for live migration. Every
software parent (the simulators, the control queue the core presents)
uses this one copy instead of each keeping its own.

KUnit: vdpa_devring, against rings a test builds in RAM, malformed ones
included.
""", files=["drivers/vdpa/devring.c", "drivers/vdpa/devring_kunit.c",
            "include/linux/vdpa_devring.h"], prio=20, key="devring"),

    Step("vdpa: decode virtio-net control commands once, and a control queue the core presents",
         """
net_ctrl.c (linux/vdpa_net_ctrl.h) decodes virtio-net control commands
once for every parent: MAC, MAC tables, RX modes, VLANs, queue pairs and
announcements are checked (length, range, negotiated feature, address
kind) and reach a parent whole and valid through struct
vdpa_net_ctrl_ops, so no parent parses what an untrusted driver wrote.

ctrlq.c presents a control virtqueue for a net parent that has none
(vdpa_net_add_ctrlq()), walking it in software through the address
spaces the bus driver maps, so that a device saves a hardware queue.

KUnit: vdpa_net_ctrl (the decoder) and vdpa_ctrlq (the core's queue on
a fake parent).
""", files=["drivers/vdpa/net_ctrl.c", "drivers/vdpa/net_ctrl_kunit.c",
            "drivers/vdpa/ctrlq.c", "drivers/vdpa/ctrlq_kunit.c",
            "include/linux/vdpa_net_ctrl.h"], prio=20, key="ctrlq"),

    Step("vdpa_sim: rewrite the net and block simulators",
         """
Replace the simulator with one written against the new core API. The
common part (vdpa_sim) keeps virtqueues in driver memory, reached through
the device's IOTLB and the shared device-side ring code, and runs them on
a shared workqueue instead of a kthread per device, so that thousands of
devices cost little until a driver starts them.

vdpa_sim_net loops transmitted frames back to the receive queue of the
same queue pair through the receive filter the driver set (MAC tables, RX
modes, VLANs) and supports MAC, MTU and queue pair provisioning, a control
virtqueue (its own, or the core's) and per-queue statistics; vdpa_sim_blk
is a sparse RAM disk. They register management devices ("vdpasim_net",
"vdpasim_net_hwcvq", "vdpasim_blk") through which devices are created
over netlink.

The Kconfig symbol of the block simulator is now VDPA_SIM_BLK, like its
module's name.

KUnit: vdpa_sim_features and vdpa_sim_provision (VDPA_SIM_KUNIT_TEST),
the simulator's virtio rules and provisioning.
""", files=["drivers/vdpa/vdpa_sim/*", "drivers/vdpa/.kunitconfig"],
         symbols=["VDPA_SIM*"],
         delete=["drivers/vdpa/vdpa_sim"], prio=30),

    Step("virtio_vdpa: rewrite on the new vDPA core API",
         """
Bring back VIRTIO_VDPA, rewritten for the new in-kernel API: it registers a
virtio device for every vDPA device it binds, so that virtio_net and
virtio_blk run on vDPA devices without a VM, on bare metal or in
containers.
""", files=["drivers/virtio/virtio_vdpa.c"], symbols=["VIRTIO_VDPA"],
         prio=40),

    Step("vhost-vdpa: rewrite on the new vDPA core API",
         """
Bring back VHOST_VDPA, rewritten for the new in-kernel API: every vDPA
device it binds becomes /dev/vhost-vdpa-N, with the vhost ioctl interface
and its vDPA extensions, so that a VMM (QEMU's "-netdev vhost-vdpa") gives
a guest the device's datapath, or a userspace driver (DPDK's virtio_user)
drives it directly.

Live migration without shadow virtqueues, which upstream's cannot do:
for parents that can log (the simulators) and with the new dirty_log
parameter, it offers VHOST_F_LOG_ALL and fills vhost's dirty page log,
pinned beforehand so that the device never waits on the owner's page
faults; and a reset of a running device keeps the queues' positions for
VHOST_GET_VRING_BASE, which QEMU 7.2 asks for after it reset the source.

It no longer needs the vhost core (VHOST) or vringh: drivers/Makefile now
descends into drivers/vhost/ for it as well.
""", files=["drivers/vhost/vdpa.c", "drivers/vhost/vdpa_as.[ch]",
                "drivers/vhost/vdpa_log.[ch]"],
         symbols=["VHOST_VDPA"], prio=40),

    Step("vdpa: a library for parents that are virtio-pci functions",
         """
Any virtio-pci modern function can be a vDPA device: its virtqueues,
doorbells and MSI-X vectors are the datapath, its common configuration
the control path. vp_vdpa_lib implements the parent operations on top of
the kernel's virtio_pci_modern_dev helpers once, for every parent of that
kind (vp_vdpa next, ifcvf after), with the management device through
which userspace provisions a device of the function.

Interrupts are allocated when a driver starts the device: a vector per
virtqueue when the function has enough, else one shared vector, so
functions with fewer vectors than queues still work. Doorbells are
offered for mapping only when each queue's notify area is a page of its
own. Ring memory is reached through the platform IOMMU.

VP_VDPA_LIB has no prompt: the parents that follow select it.
""", files=["drivers/vdpa/virtio_pci/vp_vdpa_*.[ch]",
            "drivers/vdpa/virtio_pci/Makefile",
            "include/linux/vp_vdpa_lib.h"], symbols=["VP_VDPA_LIB"],
         delete=["drivers/vdpa/virtio_pci"], prio=20),

    Step("vp_vdpa: drive virtio-pci modern functions as vDPA parents",
         """
vp_vdpa binds the virtio-pci modern functions an administrator hands it
(driver_override or new_id, never by default over virtio_pci) and
registers a management device per function, on vp_vdpa_lib: "vdpa dev
add name NAME mgmtdev pci/<BDF>" then creates its vDPA device.
""", files=["drivers/vdpa/virtio_pci/*"], symbols=["VP_VDPA"], prio=30),

    Step("ifcvf: rewrite the Intel IFC VF parent on the virtio-pci library",
         """
Bring back IFCVF on vp_vdpa_lib: the VF's control path is virtio-pci
modern, so the library does all of it; the virtio part maps only the
BARs its capabilities point at. The driver also runs, as a plain
virtio-pci parent, on other functions bound to it with driver_override.

What the VF adds, its vendor live-migration registers, comes in the next
patch.
""", files=["drivers/vdpa/ifcvf/*"], symbols=["IFCVF"],
         delete=["drivers/vdpa/ifcvf"], prio=30, key="ifcvf"),

    Step("ifcvf: queue positions through the VF's live-migration registers",
         """
An IFC VF has a block of vendor registers at BAR 4 through which a split
queue's position can be read back and restored, which plain virtio-pci
cannot do: with it, vhost-vdpa's VHOST_GET_VRING_BASE and
VHOST_SET_VRING_BASE work for live migration. ifcvf_lm.c is the register
code, on a mapping and nothing else; ifcvf_vq_state.c puts it behind
the library's get_vq_state/set_vq_state (a position set before the
queue starts is written when it starts, to the slot of the function's
queue behind it).

The block is looked for only on the IFC VFs' own IDs, in a BAR no
virtio capability or MSI-X structure uses: other virtio-pci functions
have something else there (QEMU's common config).

KUnit: ifcvf_lm (IFCVF_KUNIT_TEST), the register code against a buffer
in RAM standing in for the VF's BAR. Compile-tested and KUnit-tested
only: we have no IFC VF.
""", files=["drivers/vdpa/ifcvf/ifcvf_lm.[ch]",
            "drivers/vdpa/ifcvf/ifcvf_vq_state.c",
            "drivers/vdpa/ifcvf/ifcvf_kunit.c"],
         symbols=["IFCVF_KUNIT_TEST"], prio=25, key="ifcvf-lm"),

    Step("vduse: rewrite VDUSE on the new vDPA core API",
         """
Bring back VDPA_USER, rewritten on the new core API with the same
userspace ABI (include/uapi/linux/vduse.h, API version 0): a daemon
creates a device through /dev/vduse/control, serves it through
/dev/vduse/<name> and attaches it with "vdpa dev add ... mgmtdev vduse".
qemu-storage-daemon's vduse-blk export runs on it unchanged.

The module is split by concern: the control node and the registry of
devices (hashed by name, indexed by minor: one character region for all
nodes, no cdev per device), the daemon's node and its ioctls, the
request protocol with its timeout and broken state, kicks and
interrupts, the vDPA operations and management device, and the IOVA
domain with the DMA operations that bounce an in-kernel driver's buffers
into pages the daemon maps.

Unlike upstream, a daemon that dies for good does not hang the kernel:
virtio_blk waits for every request it made available, removal included.
The kernel follows each split ring a kernel driver placed in the domain
(before every interrupt) and, when no daemon came back within
msg_timeout or a request timed out, takes the device over: it revokes the
daemon's mappings and completes what is in flight, and all later
requests, with VIRTIO_BLK_S_IOERR.

KUnit: vduse_domain (VDUSE_KUNIT_TEST), the IOVA domain's allocator,
bounce copies and translations.
""", files=["drivers/vdpa/vdpa_user/*"],
         symbols=["VDPA_USER", "VDUSE_KUNIT_TEST"],
         delete=["drivers/vdpa/vdpa_user"], prio=30),

    Step("Documentation: vdpa: document the in-kernel API and the netlink family",
         """
Describe the vDPA bus and its in-kernel API for authors of parents and bus
drivers (driver-api/vdpa.rst, with the kernel-doc of every exported
function and of the operations contract), and the device management
interface for users (userspace-api/vdpa.rst). The netlink family's YNL
spec came with the family.
""", files=["Documentation/*"], prio=40),

    Step("selftests: vdpa: add a QEMU test harness",
         """
One command (run.sh) that builds the modules, boots a kernel in QEMU (no
KVM needed) on an initramfs with busybox, iproute2's real "vdpa" and "ip"
tools and the tests, runs every test in that one boot and prints KTAP and
a pass/fail total. A test also fails when the kernel logged a splat
(BUG, WARNING, KASAN, UBSAN, lockdep, kmemleak) while it ran.

It runs on an installed 6.12 kernel with the vDPA modules built out of
tree against it, or on a small debug kernel (KASAN, lockdep, kmemleak,
UBSAN, KUnit, ...) built from this tree with qemu/kernel.config and
qemu/debug.config. check-harness.sh stages each way the suite could pass
by accident and checks that it fails.

The tests drive the subsystem with the clients users run: iproute2's
"vdpa", YNL's cli.py, QEMU's vhost-vdpa netdev, DPDK's virtio_user,
qemu-storage-daemon's VDUSE export and the kernel's virtio drivers; small
C helpers (vhost_client, vduse_tool, vdpa_nl, vdpa_fuzz, vdpa_scale) do
what those cannot, such as checking by DMA that a device reaches only
what its owner mapped.
""", files=["tools/testing/selftests/vdpa/*"], prio=40),
]

# Text of our files that a later step brings: before the step keyed KEY, the
# file reads OLD where it now reads NEW, so that each patch builds on its
# own and shows only its own part. NEW must be in the file exactly once: a
# change to the code that breaks an entry stops the series here.
LATER = [
    # the netlink family
    ("netlink", "drivers/vdpa/bus.c", """	err = vdpa_netlink_init();
	if (err)
		goto err_bus;
	return 0;

err_bus:
	bus_unregister(&vdpa_bus);
err_names:""", """	return 0;

err_names:"""),
    ("netlink", "drivers/vdpa/bus.c", """	vdpa_netlink_exit();
	bus_unregister(&vdpa_bus);""", """	bus_unregister(&vdpa_bus);"""),
    ("netlink", "drivers/vdpa/bus.c",
     'MODULE_DESCRIPTION("vDPA bus, management and netlink core");',
     'MODULE_DESCRIPTION("vDPA bus and management core");'),
    ("netlink", "drivers/vdpa/vdpa_core.h", """
int vdpa_netlink_init(void);
void vdpa_netlink_exit(void);
""", ""),
    ("netlink", "drivers/vdpa/vdpa_kunit.h", """struct genl_family;

/* The family, whose split ops (policy, then doit) a suite runs directly. */
extern struct genl_family vdpa_nl_family;

""", ""),
    ("netlink", "drivers/vdpa/Kconfig", """	  of their own. This is the bus they register on, with the "vdpa"
	  generic netlink family through which the iproute2 "vdpa" tool
	  creates, inspects and deletes them. Bus drivers then present each
""", """	  of their own. This is the bus they register on, and the
	  management devices that create them. Bus drivers then present each
"""),
    # the software IOTLB
    ("iotlb", "drivers/vdpa/Kconfig", "\tselect INTERVAL_TREE\n", ""),
    # ifcvf's live-migration registers
    ("ifcvf-lm", "drivers/vdpa/Kconfig", """	  (N3000, C5000X-PL) as vDPA devices: the virtio-pci side as
	  VP_VDPA does, plus the VF's live-migration registers, from
	  which vhost-vdpa can read and restore where each split
	  virtqueue stands. Each VF becomes the management device
""", """	  (N3000, C5000X-PL) as vDPA devices, on the virtio-pci library
	  VP_VDPA uses. Each VF becomes the management device
"""),
    ("ifcvf-lm", "drivers/vdpa/Kconfig", """	  driver_override; it then has no live-migration registers and
	  behaves as under VP_VDPA.
""", """	  driver_override; it then behaves as under VP_VDPA.
"""),
    ("ifcvf-lm", "drivers/vdpa/ifcvf/ifcvf.h", """ * Private to the ifcvf module: a bound VF, and the calls between
 * ifcvf_main.c (the PCI driver) and ifcvf_vq_state.c (queue positions
 * through the VF's live-migration registers).
""", """ * Private to the ifcvf module: a bound VF.
"""),
    ("ifcvf-lm", "drivers/vdpa/ifcvf/ifcvf.h", "#include <linux/bits.h>\n", ""),
    ("ifcvf-lm", "drivers/vdpa/ifcvf/ifcvf.h", """#include "ifcvf_lm.h"

struct pci_device_id;

/* &pci_device_id.driver_data: the function has the live-migration block */
#define IFCVF_HAS_LM			BIT(0)

/**
 * struct ifcvf_vq_pos - a split queue's position, set but not yet written
 * @state: the position the driver set
 * @pending: @state is to be written before the queue starts
 */
struct ifcvf_vq_pos {
	struct vdpa_vq_state state;
	bool pending;
};
""", ""),
    ("ifcvf-lm", "drivers/vdpa/ifcvf/ifcvf.h", """ * @hw: the virtio-pci side, with the management device
 * @lm: the live-migration registers, or none
 * @lm_region: we requested the BAR of @lm ourselves and must release it
 * @pos: with @lm, one per queue of the function, indexed as the driver
 *	sees queues
 */
struct ifcvf_vf {
	struct vp_vdpa_hw hw;
	struct ifcvf_lm lm;
	bool lm_region;
	struct ifcvf_vq_pos *pos;
};

void ifcvf_vq_state_init(void);
void ifcvf_lm_probe(struct ifcvf_vf *vf, const struct pci_device_id *id);
void ifcvf_lm_remove(struct ifcvf_vf *vf);
""", """ * @hw: the virtio-pci side, with the management device
 */
struct ifcvf_vf {
	struct vp_vdpa_hw hw;
};
"""),
    ("ifcvf-lm", "drivers/vdpa/ifcvf/ifcvf_main.c", """ * "vdpa dev add" creates one device. What the VF adds is a block of
 * live-migration registers (ifcvf_lm.c), through which a queue's position
 * can be read back and restored, which plain virtio-pci cannot do
 * (ifcvf_vq_state.c).
 *
 * The driver also binds, through driver_override, to any virtio-pci modern
 * function, such as QEMU's virtio-net-pci. Those have no such block and
 * something else at its place, so it is only looked for on the PCI IDs of
 * IFC VFs; without it the VF behaves exactly as under vp_vdpa.
""", """ * "vdpa dev add" creates one device.
 *
 * The driver also binds, through driver_override, to any virtio-pci modern
 * function, such as QEMU's virtio-net-pci.
"""),
    ("ifcvf-lm", "drivers/vdpa/ifcvf/ifcvf_main.c",
     "\tifcvf_lm_probe(vf, id);\n", ""),
    ("ifcvf-lm", "drivers/vdpa/ifcvf/ifcvf_main.c", """err_remove:
	ifcvf_lm_remove(vf);
""", """err_remove:
"""),
    ("ifcvf-lm", "drivers/vdpa/ifcvf/ifcvf_main.c", """	/*
	 * The device goes first, since its operations use the block; the
	 * block next, while its BAR is still mapped and the function enabled.
	 */
	vp_vdpa_lib_unregister(&vf->hw);
	ifcvf_lm_remove(vf);
""", """	vp_vdpa_lib_unregister(&vf->hw);
"""),
    ("ifcvf-lm", "drivers/vdpa/ifcvf/ifcvf_main.c", """			 PCI_VENDOR_ID_INTEL, IFCVF_N3000_SUBSYS_DEVICE),
	  .driver_data = IFCVF_HAS_LM },
	{ PCI_DEVICE_SUB(PCI_VENDOR_ID_REDHAT_QUMRANET, IFCVF_C5000X_NET_DEVICE,
			 PCI_VENDOR_ID_INTEL, VIRTIO_ID_NET),
	  .driver_data = IFCVF_HAS_LM },
	{ PCI_DEVICE_SUB(PCI_VENDOR_ID_REDHAT_QUMRANET, IFCVF_C5000X_BLK_DEVICE,
			 PCI_VENDOR_ID_INTEL, VIRTIO_ID_BLOCK),
	  .driver_data = IFCVF_HAS_LM },
""", """			 PCI_VENDOR_ID_INTEL, IFCVF_N3000_SUBSYS_DEVICE) },
	{ PCI_DEVICE_SUB(PCI_VENDOR_ID_REDHAT_QUMRANET, IFCVF_C5000X_NET_DEVICE,
			 PCI_VENDOR_ID_INTEL, VIRTIO_ID_NET) },
	{ PCI_DEVICE_SUB(PCI_VENDOR_ID_REDHAT_QUMRANET, IFCVF_C5000X_BLK_DEVICE,
			 PCI_VENDOR_ID_INTEL, VIRTIO_ID_BLOCK) },
"""),
    ("ifcvf-lm", "drivers/vdpa/ifcvf/ifcvf_main.c",
     "\tifcvf_vq_state_init();\n", ""),
    # the core's control queue
    ("ctrlq", "drivers/vdpa/bus.c", "\tvdpa_ctrlq_release(vdev);\n", ""),
    ("ctrlq", "drivers/vdpa/bus.c", """	/* A control queue of the core's comes after the parent's queues. */
	vdev->nvqs = nvqs + !!vdev->ctrlq;""", """	vdev->nvqs = nvqs;"""),
    ("ctrlq", "drivers/vdpa/bus.c", """ * max_vqp). A control queue the core presents follows: it is last.""",
     """ * max_vqp)."""),
    ("ctrlq", "drivers/vdpa/bus.c", """	vdev->nvqs = nvqs + !!vdev->ctrlq;
	if (vdev->ctrlq)
		vdpa_ctrlq_set_pairs(vdev, nvqs / 2);""", """	vdev->nvqs = nvqs;"""),
    ("ctrlq", "drivers/vdpa/bus.c", "\tvdev->parent_ops = ops;\n", ""),
    ("ctrlq", "drivers/vdpa/vdpa_core.h", """
void vdpa_ctrlq_release(struct vdpa_device *vdev);
void vdpa_ctrlq_set_pairs(struct vdpa_device *vdev, u16 pairs);
""", ""),
    ("ctrlq", "include/linux/vdpa.h", "struct vdpa_ctrlq;\n", ""),
    ("ctrlq", "include/linux/vdpa.h", """ * @parent_ops: the parent's operations when the core stands in front of
 *	them (vdpa_net_add_ctrlq(): @ops is then the core's), else @ops
 * @ctrlq: the control queue the core presents, or NULL (core private)
""", ""),
    ("ctrlq", "include/linux/vdpa.h", """	const struct vdpa_config_ops *parent_ops;
	struct vdpa_ctrlq *ctrlq;
""", ""),
]

# Upstream's parents this series keeps: each is a patch against its pristine
# files in upstream-parents/ (first line the subject, then the body up to
# "---", then the diff), applied after our own steps; its Kconfig entries
# and Makefile line come back from upstream's drivers/vdpa/ unchanged.
# Fixes to upstream's files that the series needs (upstream-fixes/, the same
# format) come before them, with no Kconfig to restore.
UPSTREAM_PATCHES = [
    # (patch, upstream Kconfig symbols, subdirectory of drivers/vdpa)
    ("upstream-fixes/ynl-gen-kernel-root.patch", [], None),
    ("upstream-parents/mlx5.patch", ["MLX5_VDPA", "MLX5_VDPA_NET", "MLX5_VDPA_STEERING_DEBUG"],
     "mlx5"),
    ("upstream-parents/pds.patch", ["PDS_VDPA"], "pds"),
    ("upstream-parents/octeon_ep.patch", ["OCTEONEP_VDPA"], "octeon_ep"),
    ("upstream-parents/solidrun.patch", ["SNET_VDPA"], "solidrun"),
    ("upstream-parents/alibaba.patch", ["ALIBABA_ENI_VDPA"], "alibaba"),
]

# Help text added to an upstream entry whose own is shorter than
# checkpatch --strict asks of an entry a patch adds.
HELP_MORE = {
    "ALIBABA_ENI_VDPA": """
	  The driver offers the ENI's virtio-net function as a vDPA device,
	  for vhost-vdpa or virtio-vdpa to bind.

	  If unsure, say N.
""",
}

# Our Kconfig entries that live in a file of upstream's outside our
# directories: where upstream has them. Those we do not define (yet) are
# only taken out of the build.
KCONFIG_HOME = {
    "VIRTIO_VDPA": "drivers/virtio/Kconfig",
    "VHOST_VDPA": "drivers/vhost/Kconfig",
}

# Makefile hooks: when the symbol is in, add a line after one of
# upstream's.
MAKEFILE_HOOKS = [
    ("VHOST_VDPA", "drivers/Makefile", "obj-$(CONFIG_VHOST)\t\t+= vhost/\n",
     "obj-$(CONFIG_VHOST_VDPA)\t+= vhost/\n"),
    ("VHOST_VDPA", "drivers/vhost/Makefile", "vhost_vdpa-y := vdpa.o\n",
     "vhost_vdpa-y += vdpa_as.o vdpa_log.o\n"),
]

# Toctree hooks: when our page is in, add it to its index, before a line
# of upstream's.
DOC_HOOKS = [
    ("Documentation/driver-api/vdpa.rst", "Documentation/driver-api/index.rst",
     "   virtio/index\n", "   vdpa\n"),
    ("Documentation/userspace-api/vdpa.rst",
     "Documentation/userspace-api/index.rst", "   vduse\n", "   vdpa\n"),
]

# One leading space is tolerated: upstream has " config SNET_VDPA".
KCONFIG_TOP = re.compile(
    r"^ ?(config|menuconfig|if|endif|menu|endmenu|source|choice|endchoice|"
    r"comment|mainmenu)\b")
KCONFIG_SYM = re.compile(r"^ ?(?:menu)?config\s+(\w+)")


def die(msg):
    sys.stderr.write("series: %s\n" % msg)
    sys.exit(1)


class Git:
    def __init__(self, tree, index):
        self.tree = tree
        self.env = dict(os.environ, GIT_INDEX_FILE=index)

    def __call__(self, *args, data=None, index=True):
        res = subprocess.run(["git", "-C", self.tree] + list(args),
                             input=data, stdout=subprocess.PIPE,
                             env=self.env if index else None, check=False)
        if res.returncode:
            die("git %s failed" % " ".join(args))
        return res.stdout

    def blob(self, data):
        return self("hash-object", "-w", "--stdin",
                    data=data).decode().strip()


# ---- text transforms ------------------------------------------------------

def kconfig_blocks(text):
    """Split Kconfig text into (symbol or None, text) chunks."""
    chunks, cur, sym = [], [], None
    for line in text.splitlines(keepends=True):
        if KCONFIG_TOP.match(line):
            chunks.append((sym, "".join(cur)))
            m = KCONFIG_SYM.match(line)
            cur, sym = [], m.group(1) if m else None
        cur.append(line)
    chunks.append((sym, "".join(cur)))
    return [c for c in chunks if c[1]]


def tidy(text):
    """Drop if/endif pairs left empty and runs of blank lines."""
    while True:
        new = re.sub(r"(?m)^if [^\n]*\n(\s*\n)*endif[^\n]*\n", "", text)
        if new == text:
            break
        text = new
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.rstrip("\n") + "\n"


def kconfig_filter(text, drop, present):
    """Remove the entries of the symbols in drop, and source lines of
    files not in the tree yet."""
    out = []
    for sym, chunk in kconfig_blocks(text):
        if sym in drop:
            continue
        m = re.match(r'source\s+"([^"]+)"', chunk)
        if m and m.group(1) not in present:
            continue
        out.append(chunk)
    return tidy("".join(out))


def kconfig_block(text, sym):
    for s, chunk in kconfig_blocks(text):
        if s == sym:
            return chunk
    return None


def makefile_filter(text, drop, where=None, present=()):
    """Remove the (logical, backslash-continued) lines naming a dropped
    symbol, and the composite object lines (foo-y := ...) of the objects
    only those lines built; with where (the Makefile's directory), also
    the lines naming an object whose source is not in the tree yet."""
    lines, logical = [], ""
    for line in text.splitlines(keepends=True):
        logical += line
        if line.rstrip("\n").endswith("\\"):
            continue
        lines.append(logical)
        logical = ""
    lines.append(logical)

    def dropped(line):
        return any(n in drop for n in re.findall(r"CONFIG_(\w+)", line))

    gone = set()
    for line in lines:
        if dropped(line):
            gone |= set(re.findall(r"(\w+)\.o\b", line))
    for line in lines:
        if not dropped(line):
            gone -= set(re.findall(r"(\w+)\.o\b", line.split("=", 1)[-1]))
    out = [l for l in lines if not dropped(l) and
           not (re.match(r"(\w+)-(y|objs)\b", l) and
                re.match(r"(\w+)-", l).group(1) in gone)]
    if where is not None:
        out = makefile_sources_filter(out, where, present)
    return tidy("".join(out))


def makefile_sources_filter(lines, where, present):
    """Drop the lines naming an object neither built from a source in the
    tree nor composed by a line that stays."""
    def source(obj):
        return os.path.join(where, obj + ".c") in present

    composite = re.compile(r"(\w+)-(y|objs)\s*[:+]?=")
    composed = set()
    kept = []
    for line in lines:
        m = composite.match(line)
        if m:
            objs = re.findall(r"(\w+)\.o\b", line.split("=", 1)[1])
            if not all(source(o) for o in objs):
                continue
            composed.add(m.group(1))
        kept.append(line)
    return [l for l in kept if composite.match(l) or
            all(source(o) or o in composed
                for o in re.findall(r"(\w+)\.o\b", l.split("=", 1)[-1]))]


def maintainers_entries(text):
    """Our MAINTAINERS: the paragraphs whose lines after the first are all
    'X:<tab>value' fields."""
    entries = []
    for para in re.split(r"\n\s*\n", text):
        lines = para.strip("\n").splitlines()
        if len(lines) > 1 and all(re.match(r"[A-Z]:\t", l) for l in lines[1:]):
            entries.append(lines)
    return entries


def maintainers_merge(upstream, ours, present):
    """Insert our entries, with F: lines of paths not in the tree yet left
    out, where they sort among upstream's."""
    lines = upstream.splitlines(keepends=True)
    for entry in ours:
        title, fields = entry[0], []
        for f in entry[1:]:
            if f.startswith("F:\t"):
                path = f[3:].strip()
                if not any(p == path or p.startswith(path.rstrip("/") + "/")
                           or fnmatch.fnmatchcase(p, path) for p in present):
                    continue
            fields.append(f)
        if not any(f.startswith("F:\t") for f in fields):
            continue
        block = [title + "\n"] + [f + "\n" for f in fields] + ["\n"]
        # Entries start after the "Maintainers List" heading, each a title
        # line followed by a field line.
        start = next(i for i, l in enumerate(lines)
                     if l.startswith("Maintainers List"))
        at = None
        for i in range(start, len(lines) - 1):
            if (re.match(r"[A-Z]:\t", lines[i + 1]) and lines[i].strip() and
                    not re.match(r"[A-Z]:\t", lines[i]) and
                    lines[i].strip().upper() > title.upper()):
                at = i
                break
        if at is None:
            die("no place for MAINTAINERS entry %s" % title)
        lines[at:at] = block
    return "".join(lines)


# ---- the series -----------------------------------------------------------

def our_files():
    res = subprocess.run(["git", "-C", TOP, "ls-files", "-co",
                          "--exclude-standard", "--"] + OUR_ROOTS,
                         stdout=subprocess.PIPE, check=True)
    files = sorted(set(f for f in res.stdout.decode().splitlines()
                       if os.path.isfile(os.path.join(TOP, f)) and
                       f not in OOT_ONLY))
    return files


def claim(names, patterns):
    """Map each name (a file of ours, a Kconfig symbol) to the step that
    brings it: the first, in priority order, with a pattern for it. So
    drivers/vdpa/vdpa_sim/vdpa_sim_kunit.c and VDPA_SIM_KUNIT_TEST go with
    the KUnit tests, not with the simulator."""
    owner = {}
    order = sorted(range(len(STEPS)), key=lambda i: (STEPS[i].prio, i))
    for n in names:
        for i in order:
            if any(fnmatch.fnmatchcase(n, p) for p in patterns(STEPS[i])):
                owner[n] = i
                break
    return owner


def read(path):
    with open(os.path.join(TOP, path), "rb") as f:
        return f.read()


def our_symbols(files):
    syms = set()
    for f in files + ["Kconfig"]:
        if os.path.basename(f) == "Kconfig":
            syms |= set(re.findall(r"(?m)^(?:menu)?config\s+(\w+)",
                                   read(f).decode()))
    return syms


def later(path, data, k):
    """Our file as it reads at step k: what later steps bring taken out."""
    text = data.decode()
    for key, f, new, old in LATER:
        if f != path:
            continue
        steps = [i for i, s in enumerate(STEPS) if s.key == key]
        if len(steps) != 1:
            die("LATER: no one step keyed %s" % key)
        if text.count(new) != 1:
            die("LATER: %s no longer has, once, what step %s brings:\n%s"
                % (path, key, new))
        if k < steps[0]:
            text = text.replace(new, old)
    return text.encode()


def build_series(kernel, base, branch, cover):
    files = our_files()
    owner = claim(files, lambda step: step.files)
    for f in files:
        if f not in owner:
            die("%s is in no step of the series: add it to STEPS in %s"
                % (f, os.path.relpath(__file__, TOP)))
    ours = our_symbols(files)
    sym_owner = claim(ours, lambda step: step.symbols)
    top_kconfig = read("Kconfig").decode()
    maint = maintainers_entries(read("MAINTAINERS").decode())

    with tempfile.TemporaryDirectory() as tmp:
        git = Git(kernel, os.path.join(tmp, "index"))
        pristine = git("rev-parse", "--verify", base + "^{commit}").decode().strip()

        def upstream(path):
            return git("cat-file", "blob", "%s:%s" % (pristine, path)).decode()

        upstream_files = set(git("ls-tree", "-r", "--name-only",
                                 pristine).decode().splitlines())
        parent, allowed, deleted, out_of_build = pristine, set(), set(), False
        for k, step in enumerate(STEPS):
            mine = [f for f in files if owner[f] == k]
            # A step whose files are all missing (say, no KUnit tests yet)
            # has nothing to bring.
            if step.files and not mine:
                continue
            out_of_build |= step.old_users_out
            deleted |= set(step.delete)
            allowed |= set(s for s in ours if sym_owner.get(s) == k)
            drop = ours - allowed
            have = [f for f in files if owner[f] <= k]

            git("read-tree", pristine)
            gone = [p for p in upstream_files
                    if any(p == d or p.startswith(d + "/") for d in deleted)]
            present = (upstream_files - set(gone)) | set(have)

            entries = []
            for f in have:
                data = later(f, read(f), k)
                name = os.path.basename(f)
                if name == "Kconfig":
                    data = kconfig_filter(data.decode(), drop,
                                          present).encode()
                elif name == "Makefile":
                    data = makefile_filter(data.decode(), drop,
                                           os.path.dirname(f),
                                           present).encode()
                mode = "100755" if os.access(os.path.join(TOP, f),
                                             os.X_OK) else "100644"
                entries.append((mode, git.blob(data), f))

            edited = {}
            if out_of_build and "drivers/vdpa/Kconfig" not in have:
                # Until ours replaces it, upstream's drivers/vdpa/Kconfig
                # keeps only the core: every entry inside "if VDPA" is a
                # user of the old API.
                text = upstream("drivers/vdpa/Kconfig")
                text = re.sub(r"(?ms)^if VDPA\n.*?^endif # VDPA\n", "", text)
                edited["drivers/vdpa/Kconfig"] = tidy(text)
            if out_of_build:
                for sym, home in KCONFIG_HOME.items():
                    text = edited.get(home) or upstream(home)
                    old = kconfig_block(text, sym)
                    new = kconfig_block(top_kconfig, sym) if sym in allowed else ""
                    if old is None:
                        die("no %s entry in upstream's %s" % (sym, home))
                    if new and not new.endswith("\n\n"):
                        new = new.rstrip("\n") + "\n\n"
                    edited[home] = text.replace(old, new, 1)
            for sym, path, anchor, line in MAKEFILE_HOOKS:
                if sym in allowed:
                    text = upstream(path)
                    if anchor not in text:
                        die("no '%s' in %s" % (anchor.strip(), path))
                    edited[path] = text.replace(anchor, anchor + line, 1)
            for page, index, anchor, line in DOC_HOOKS:
                if page in have:
                    text = upstream(index)
                    if anchor not in text:
                        die("no '%s' in %s" % (anchor.strip(), index))
                    edited[index] = text.replace(anchor, line + anchor, 1)
            merged = maintainers_merge(upstream("MAINTAINERS"), maint,
                                       set(have))
            if merged != upstream("MAINTAINERS"):
                edited["MAINTAINERS"] = merged
            for path, text in edited.items():
                entries.append(("100644", git.blob(text.encode()), path))

            if gone:
                git("update-index", "--force-remove", "-z", "--stdin",
                    data="".join(p + "\0" for p in gone).encode())
            git("update-index", "--add", "-z", "--index-info",
                data="".join("%s %s\t%s\0" % e for e in entries).encode())
            tree = git("write-tree").decode().strip()
            if tree == git("rev-parse", parent + "^{tree}").decode().strip():
                continue
            msg = "%s\n\n%s\n\n%s\n" % (step.subject, step.body, SOB)
            parent = git("commit-tree", tree, "-p", parent, "-F", "-",
                         data=msg.encode()).decode().strip()

        for patch, symbols, subdir in UPSTREAM_PATCHES:
            parent = upstream_patch(git, upstream, parent, patch, symbols,
                                    subdir)

        git("update-ref", "refs/heads/" + branch, parent, index=False)
        git("config", "branch.%s.description" % branch, cover, index=False)
    return pristine


def parent_patch(name):
    """Subject, body and diff of one of UPSTREAM_PATCHES."""
    text = read(name).decode()
    msg, sep, diff = text.partition("\n---\n")
    subject, _, body = msg.partition("\n\n")
    if not sep or not body.strip() or "\ndiff --git " not in "\n" + diff:
        die("%s: subject, blank line, body, '---', diff" % name)
    return subject.strip(), body.strip("\n"), diff


def upstream_patch(git, upstream, parent, name, symbols, subdir):
    """Commit one patch to upstream's files on top of parent; for a
    converted parent, also its Kconfig entries and Makefile line back in
    ours."""
    subject, body, diff = parent_patch(name)
    git("read-tree", parent)
    with tempfile.NamedTemporaryFile(suffix=".patch") as f:
        f.write(diff.encode())
        f.flush()
        git("apply", "--cached", "--whitespace=nowarn", f.name)
    if subdir is not None:
        restore_parent_build(git, upstream, symbols, subdir)
    tree = git("write-tree").decode().strip()
    msg = "%s\n\n%s\n\n%s\n" % (subject, body, SOB)
    return git("commit-tree", tree, "-p", parent, "-F", "-",
               data=msg.encode()).decode().strip()


def restore_parent_build(git, upstream, symbols, subdir):
    """Upstream's Kconfig entries of a converted parent into our
    drivers/vdpa/Kconfig, its Makefile line into our Makefile."""
    kconfig = git("cat-file", "blob", ":drivers/vdpa/Kconfig").decode()
    theirs = upstream("drivers/vdpa/Kconfig")
    blocks = []
    for sym in symbols:
        block = kconfig_block(theirs, sym)
        if block is None:
            die("no %s entry in upstream's drivers/vdpa/Kconfig" % sym)
        blocks.append(block.rstrip("\n") + "\n" + HELP_MORE.get(sym, "") +
                      "\n")
    end = "endif # VDPA\n"
    if end not in kconfig:
        die("no '%s' in our drivers/vdpa/Kconfig" % end.strip())
    kconfig = tidy(kconfig.replace(end, "".join(blocks) + end, 1))

    makefile = git("cat-file", "blob", ":drivers/vdpa/Makefile").decode()
    line = [l for l in upstream("drivers/vdpa/Makefile").splitlines()
            if l.rstrip().endswith("+= %s/" % subdir)]
    if len(line) != 1:
        die("no one line building %s/ in upstream's drivers/vdpa/Makefile"
            % subdir)
    # after the last line of ours that builds a subdirectory
    dirs = list(re.finditer(r"(?m)^obj-\$\(CONFIG_\w+\)\s*\+=\s*\w+/\n",
                            makefile))
    if not dirs:
        die("no subdirectory line in our drivers/vdpa/Makefile")
    at = dirs[-1].end()
    makefile = makefile[:at] + line[0] + "\n" + makefile[at:]
    entries = [("100644", git.blob(kconfig.encode()), "drivers/vdpa/Kconfig"),
               ("100644", git.blob(makefile.encode()), "drivers/vdpa/Makefile")]
    git("update-index", "--add", "-z", "--index-info",
        data="".join("%s %s\t%s\0" % e for e in entries).encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", required=True, help="pristine kernel git tree")
    ap.add_argument("--base", default="pristine")
    ap.add_argument("--branch", default="vdpa-series")
    ap.add_argument("--cover", default=os.path.join(HERE, "cover-letter.txt"))
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    with open(args.cover) as f:
        # Lines starting with '#' are notes for whoever edits the file.
        cover = "".join(l for l in f if not l.startswith("#")).strip() + "\n"
    base = build_series(args.kernel, args.base, args.branch, cover)

    os.makedirs(args.out, exist_ok=True)
    for f in os.listdir(args.out):
        if f.endswith(".patch"):
            os.unlink(os.path.join(args.out, f))
    subprocess.run(["git", "-C", args.kernel, "format-patch", "-q",
                    "--cover-letter", "--cover-from-description=subject",
                    "--base=" + base, "--no-signature",
                    "-o", os.path.abspath(args.out),
                    "%s..%s" % (base, args.branch)], check=True)
    for f in sorted(os.listdir(args.out)):
        if f.endswith(".patch"):
            print(os.path.join(args.out, f))


if __name__ == "__main__":
    main()
