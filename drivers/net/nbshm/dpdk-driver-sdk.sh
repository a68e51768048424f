#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Debian's DPDK 22.11 packages install no driver SDK headers (ethdev_driver.h,
# ethdev_vdev.h, bus_vdev_driver.h, bus_driver.h, dev_driver.h), which a PMD
# built outside the DPDK tree needs. Take them from Debian's source package of
# the installed DPDK version, with apt-get and a private source list (the
# system's apt configuration is not touched), and keep them in a cache.
#
#   dpdk-driver-sdk.sh [CACHE_DIR]
#
# CACHE_DIR defaults to $NBSHM_DPDK_SDK_CACHE, else $XDG_CACHE_HOME/nbshm,
# else ~/.cache/nbshm. A DPDK built by scripts/dpdk-24.11.sh keeps its headers
# in its prefix (share/nbshm/dpdk-sdk), which is looked at first.
# NBSHM_DPDK_SRC=<unpacked DPDK source tree of the installed version>: take
# the headers from there instead of Debian's source package.
# NBSHM_DPDK_VERSION, NBSHM_DPDK_PREFIX: the DPDK built against (meson passes
# them: a reconfigure may run without the PKG_CONFIG_PATH of the setup);
# pkg-config's libdpdk otherwise.
# Prints the include directory on stdout (with dpdk-source-version, the DPDK
# version the headers come from); messages go to stderr. Idempotent:
# a cache that already holds the headers of this version is used as it is.
set -euo pipefail

default_cache=${XDG_CACHE_HOME:-${HOME:-/var/tmp}/.cache}/nbshm
cache=${1:-${NBSHM_DPDK_SDK_CACHE:-$default_cache}}
# (net_memif's two private headers: nbfwd's memif guard reads the driver's
# state, app/nbfwd/nbfwd_memif.c, doc/port-peers.md)
headers=(lib/ethdev/ethdev_driver.h lib/ethdev/ethdev_vdev.h
	drivers/bus/vdev/bus_vdev_driver.h lib/eal/include/bus_driver.h
	lib/eal/include/dev_driver.h drivers/net/memif/rte_eth_memif.h
	drivers/net/memif/memif.h)

upstream=${NBSHM_DPDK_VERSION:-$(pkg-config --modversion libdpdk)}
debver=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null || true)
inc=$cache/dpdk-$upstream/include

# complete DIR: DIR holds every header and the version they come from
complete() {
	local h
	for h in "${headers[@]}"; do
		[ -s "$1/$(basename "$h")" ] || return 1
	done
	[ -s "$1/dpdk-source-version" ]
}

# store TOP VERSION: the headers of the source tree TOP (DPDK VERSION) into
# the cache; prints the include directory
store() {
	local h
	rm -rf "$inc.tmp"
	mkdir -p "$inc.tmp"
	for h in "${headers[@]}"; do
		cp "$1/$h" "$inc.tmp/"
	done
	# the version the headers come from (a private layout may change between
	# releases of one branch): nbfwd checks it against the running DPDK
	echo "$2" >"$inc.tmp/dpdk-source-version"
	rm -rf "$inc"
	mv "$inc.tmp" "$inc"
	complete "$inc"
	echo "dpdk-driver-sdk: headers of DPDK $2 in $inc" >&2
	echo "$inc"
}

# a private DPDK's own copy (scripts/dpdk-24.11.sh), then the cache
own=${NBSHM_DPDK_PREFIX:-$(pkg-config --variable=prefix libdpdk)}/share/nbshm/dpdk-sdk
own=$own/dpdk-$upstream/include
for d in "$own" "$inc"; do
	if [ -z "${NBSHM_DPDK_SRC:-}" ] && complete "$d"; then
		echo "$d"
		exit 0
	fi
done

if [ -n "${NBSHM_DPDK_SRC:-}" ]; then
	got=$(cat "$NBSHM_DPDK_SRC/VERSION")
	if [ "$got" != "$upstream" ]; then
		echo "dpdk-driver-sdk: $NBSHM_DPDK_SRC is DPDK $got, installed is $upstream" >&2
		exit 1
	fi
	store "$NBSHM_DPDK_SRC" "$got"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nbshm-dpdk-sdk.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
. /etc/os-release
cat >"$work/sources.list" <<LIST
deb-src http://deb.debian.org/debian ${VERSION_CODENAME:-bookworm} main
deb-src http://deb.debian.org/debian ${VERSION_CODENAME:-bookworm}-updates main
deb-src http://deb.debian.org/debian-security ${VERSION_CODENAME:-bookworm}-security main
LIST
apt_opts=(-q -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
	-o APT::Sandbox::User=root)

echo "dpdk-driver-sdk: fetching the driver headers of DPDK $upstream (Debian source package)" >&2
apt-get "${apt_opts[@]}" update >&2
cd "$work/src"
# the installed version first; any 22.11 the archive still has otherwise
# (the driver interface does not change within an LTS branch)
if [ -z "$debver" ] || ! apt-get "${apt_opts[@]}" source --download-only "dpdk=$debver" >&2; then
	echo "dpdk-driver-sdk: source of dpdk $debver not found, trying the archive's dpdk" >&2
	apt-get "${apt_opts[@]}" source --download-only dpdk >&2
fi
tarball=$(ls dpdk_*.orig.tar.*)
got=${tarball#dpdk_}
got=${got%.orig.tar.*}
if [ "${got%.*}" != "${upstream%.*}" ]; then
	echo "dpdk-driver-sdk: got DPDK $got, installed is $upstream: not the same branch" >&2
	exit 1
fi
top=$({ tar -tf "$tarball" || true; } | head -n 1)
top=${top%%/*}
tar -xf "$tarball" "${headers[@]/#/$top/}"
store "$top" "$got"
