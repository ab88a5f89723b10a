# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # the variables are for the sourcer
#
# Sourced by the project's scripts: the selftests' own settings (source
# tree, kernel, build outputs: common.sh there), and the hooks through
# which the suite, which goes upstream, calls what only this project has:
# apt-get, the debug kernel built from the series, the demo and the
# benchmarks.

PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tools/testing/selftests/vdpa/common.sh
. "$PROJECT/../tools/testing/selftests/vdpa/common.sh"

export VDPA_DEPS=${VDPA_DEPS-$PROJECT/deps.sh}
export VDPA_BUILD_KERNEL=${VDPA_BUILD_KERNEL-$PROJECT/kernel/build-kernel.sh}
export VDPA_GUEST_EXTRAS=${VDPA_GUEST_EXTRAS-$PROJECT/guest}
