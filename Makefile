# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree entry point: build the vDPA modules with kbuild against an
# installed 6.12 kernel tree, install them, run the QEMU test suite or the
# demo. kbuild itself reads ./Kbuild, not this file.
#
#   make [KDIR=...] [W=1] [C=1]   build the modules
#   make modules_install [INSTALL_MOD_PATH=dir]
#   make check                    everything CI runs: host checks, the suite
#                                 on Debian's kernel, the series built into
#                                 a debug kernel, the suite on that kernel
#   make check TIER=distro [TESTS='10-* 20-*']  only the suite on Debian's
#                                 kernel (the quick one while developing)
#   make check-debug [TESTS=...]  only the suite on the debug kernel
#   make patches                  the series against pristine 6.12 -> patches/
#   make kernel                   build the debug kernel (series applied)
#   make demo                     run the demo in QEMU
#   make bench [BENCH=pci-pktgen] run a benchmark in QEMU (numbers, no verdict):
#                                 pci-pktgen, density, vduse or datapath
#   make fuzz [FUZZ_OPS=1000000] [TRINITY_SECS=300] [VDPA_FUZZ_SEED=...]
#                                 our fuzzer, then trinity, on the debug kernel
#   make soak-migration [SOAK_RUNS=5] [SOAK_LOAD=2]
#                                 86-qemu-migration again and again on the
#                                 debug kernel with the host loaded (not in
#                                 check; reproduces the B -> C corruption)
#   make coverage [TESTS=...]     line coverage of our code by the suite, on
#                                 the debug kernel with gcov (not in check)
#   make deps                     apt-get install what all of this needs
#   make clean

# The host may run any kernel, so never `uname -r`: take the newest 6.12
# kbuild tree (tools/testing/selftests/vdpa/common.sh uses the same rule).
KDIR ?= $(shell ls -d /usr/src/linux-headers-6.12*-amd64 \
		/lib/modules/6.12*/build 2>/dev/null | sort -V | tail -n 1)

# Both engineers' builds and QEMU boots share two cores: take turns.
VDPA_LOCK ?= /tmp/vdpa-build.lock
LOCK := $(shell command -v flock >/dev/null && echo flock $(VDPA_LOCK))

# Our headers first, so include/linux/vdpa.h and include/uapi/linux/vdpa.h
# shadow the kernel's copies. Setting NOSTDINC_FLAGS on the command line
# replaces kbuild's own value, so keep its -nostdinc.
KBUILD_ARGS := -C $(KDIR) M=$(CURDIR) \
	NOSTDINC_FLAGS="-nostdinc -I$(CURDIR)/include -I$(CURDIR)/include/uapi"
ifneq ($(W),)
KBUILD_ARGS += W=$(W)
endif
ifneq ($(C),)
KBUILD_ARGS += C=$(C)
endif
ifneq ($(V),)
KBUILD_ARGS += V=$(V)
endif

# Tooling of this project that never goes upstream; the suite itself is
# tools/testing/selftests/vdpa.
PROJECT := project

.PHONY: all modules modules_install clean check check-debug patches kernel \
	demo bench coverage deps kdir

all: modules

kdir:
	@if [ -z "$(KDIR)" ] || [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "No 6.12 kernel build tree found (KDIR='$(KDIR)')."; \
		echo "Install one with:  make deps"; \
		echo "  (apt-get install linux-headers-6.12-amd64)"; \
		echo "or point KDIR at a configured kernel tree."; \
		exit 1; \
	fi

modules: kdir
	$(LOCK) $(MAKE) $(KBUILD_ARGS) modules

# Modules go to /lib/modules/<release>/updates so they win over Debian's
# own vdpa.ko, virtio_vdpa.ko, ... Unsigned: the distribution's key is not
# ours, so do not let kbuild try to sign them.
modules_install: kdir
	$(MAKE) $(KBUILD_ARGS) INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= \
		$(if $(INSTALL_MOD_PATH),INSTALL_MOD_PATH=$(INSTALL_MOD_PATH)) \
		modules_install
	@# kbuild skips depmod without System.map; the headers have none.
	@if [ -z "$(INSTALL_MOD_PATH)" ]; then \
		echo "  DEPMOD  $$(cat $(KDIR)/include/config/kernel.release)"; \
		depmod -a "$$(cat $(KDIR)/include/config/kernel.release)"; \
	else \
		echo "Run depmod on the target: depmod -a $$(cat $(KDIR)/include/config/kernel.release)"; \
	fi

clean:
	@if [ -n "$(KDIR)" ] && [ -f "$(KDIR)/Makefile" ]; then \
		$(MAKE) $(KBUILD_ARGS) clean; \
	fi
	rm -rf .build

# TIER=distro or TIER=debug runs just that tier's suite; TESTS= filters it.
check:
ifeq ($(TIER),)
	@$(PROJECT)/check.sh
else
	@$(PROJECT)/run.sh --tier $(TIER)
endif

check-debug:
	@$(PROJECT)/run.sh --tier debug

patches:
	@$(PROJECT)/kernel/series.sh $(CURDIR)/patches

kernel:
	@$(PROJECT)/kernel/build-kernel.sh

demo:
	@$(PROJECT)/demo.sh

# Benchmarks print numbers, not verdicts; BENCH= picks one (project/guest/bench/NAME.sh).
# density, vduse and datapath first build their upstream peer (cached outside the
# tree); density may take most of the hour init gives a benchmark.
BENCH ?= pci-pktgen
bench:
ifneq ($(filter density vduse datapath,$(BENCH)),)
	@$(LOCK) $(PROJECT)/upstream-peer.sh >/dev/null
endif
ifeq ($(BENCH),density)
	@TIMEOUT=$${TIMEOUT:-3900} $(PROJECT)/run.sh --bench $(BENCH)
else
	@$(PROJECT)/run.sh --bench $(BENCH)
endif

# tests/97-fuzz.sh (of the suite) with an operation budget instead of a time budget, then
# Debian's trinity for TRINITY_SECS; initramfs.d/fuzz.sh hands the knobs
# (and VDPA_FUZZ_SEED, which make check takes too) to the VM.
FUZZ_OPS ?= 1000000
TRINITY_SECS ?= 300
FUZZ_TIER ?= debug
.PHONY: fuzz
fuzz:
	@VDPA_FUZZ_OPS=$(FUZZ_OPS) VDPA_FUZZ_TRINITY=$(TRINITY_SECS) \
		TEST_TIMEOUT=$${TEST_TIMEOUT:-25200} TIMEOUT=$${TIMEOUT:-28800} \
		$(PROJECT)/run.sh --tier $(FUZZ_TIER) '97-*'

# The migration test repeated under host load: a reproducer, see the script.
.PHONY: soak-migration
soak-migration:
	@$(PROJECT)/soak-migration.sh

# gcov of our code in the debug kernel, from the suite; a report, no verdict.
coverage:
	@$(PROJECT)/coverage/coverage.sh

deps:
	@$(PROJECT)/deps.sh
