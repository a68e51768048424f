#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Print a path of the net_nbshm PMD that EAL's -d accepts.
#   drivers/net/nbshm/pmd-path.sh BUILD/drivers/net/nbshm/librte_net_nbshm.so
# EAL refuses a plugin when its directory or any directory above it is
# world-writable ("directory path /tmp is world-writable and insecure"): a
# build in a clone under /tmp. Then the .so is copied into a new private
# directory (mode 0700, under $NBSHM_PMD_DIR or /run) and that copy's path is
# printed; the caller removes its directory. Otherwise the path is printed as
# it is. Exit 1 when the .so does not exist.
set -euo pipefail

so=${1:?usage: pmd-path.sh PATH/librte_net_nbshm.so}
[ -f "$so" ] || { echo "pmd-path.sh: $so: no such file" >&2; exit 1; }
dir=$(cd "$(dirname "$so")" && pwd -P)
while :; do
	if [ -n "$(find "$dir" -maxdepth 0 -perm -0002)" ]; then
		copy=$(mktemp -d "${NBSHM_PMD_DIR:-/run}/nbshm-pmd.XXXXXX")
		cp "$so" "$copy/"
		echo "$copy/$(basename "$so")"
		exit 0
	fi
	[ "$dir" = / ] && break
	dir=$(dirname "$dir")
done
echo "$so"
