#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up a fresh Debian 12 machine and run nbfwd on its built-in default: two
# net_null ports (no NIC needed), macswap, live stats every second, 10 seconds.
#   scripts/run-demo.sh [SECONDS]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" "$root/build"
secs=${1:-10}
# EAL keeps its hugepage files for the next run of the same prefix: remove them.
trap 'rm -f /dev/hugepages/nbfwd-demomap_* 2>/dev/null; rm -rf /var/run/dpdk/nbfwd-demo' EXIT
# --no-pci: never probe this machine's own (virtio) NIC.
timeout --signal=INT --kill-after=10 $((secs + 30)) \
	"$root/build/app/nbfwd/nbfwd" -l 0,1 --no-pci --file-prefix nbfwd-demo \
	--vdev net_null0,copy=1 --vdev net_null1,copy=1 -- \
	--mode macswap --time "$secs" --stats-period 1
