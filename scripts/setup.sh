#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Prepare a Debian 12 machine for nbshm: packages, hugepages, build.
# Idempotent; needs root (uses sudo when not root).
#   scripts/setup.sh [BUILD_DIR]      default BUILD_DIR: build
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo

packages=(
	build-essential meson ninja-build pkg-config
	dpdk dpdk-dev libdpdk-dev libnuma-dev libpcap-dev libcmocka-dev
	python3 iproute2 iputils-ping netcat-openbsd ethtool procps tcpdump
	man-db dpkg-dev debhelper lintian
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
fi
echo "setup: DPDK $(pkg-config --modversion libdpdk), meson $(meson --version)"

$sudo "$root/scripts/setup-hugepages.sh" "${NBSHM_HUGEPAGES:-1024}"

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" >/dev/null
fi
ninja -C "$build" >/dev/null
echo "setup: built in $build"
