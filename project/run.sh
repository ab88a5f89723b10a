#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The suite (tools/testing/selftests/vdpa/run.sh, same arguments) with this
# project's hooks: apt-get first, the debug tier's kernel built from the
# series, the demo and the benchmarks in the guest.

set -eu
# shellcheck source=project/env.sh
. "$(dirname "$0")/env.sh"
exec "$HARNESS/run.sh" "$@"
