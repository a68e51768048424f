#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build DPDK 24.11 LTS (the DPDK of Debian 13, trixie) into a private prefix,
# with only what nbshm and its tests use, so nbshm can be built and tested
# against it next to the system's DPDK 22.11 (nothing goes to /usr).
#
#   scripts/dpdk-24.11.sh [--force] [PREFIX [WORKDIR]]
#
# PREFIX   where DPDK is installed (default /opt/dpdk-24.11)
# WORKDIR  where the source is fetched and built (default PREFIX.build)
#
# Source: Debian trixie's source package of dpdk, checked along the archive's
# chain of trust (InRelease signature -> Sources.xz -> .dsc -> tarballs,
# dpkg-source -x). When the archive cannot be reached, a git repository of
# DPDK stable releases is used instead, if given:
#   DPDK_GIT=<path or URL of a dpdk(-stable) git repository>
#   DPDK_TAG=v24.11.N   (default: the newest v24.11.N tag in DPDK_GIT)
# Other settings: DEBIAN_MIRROR (default https://deb.debian.org/debian),
# DEBIAN_SUITE (default trixie), JOBS (ninja -j, default 2).
#
# Idempotent: a prefix that already holds this build (same source, same
# options) is left as it is; --force rebuilds. Prints the prefix and the
# PKG_CONFIG_PATH to use on the last lines of stdout.
set -euo pipefail

force=0
if [ "${1:-}" = --force ]; then
	force=1
	shift
fi
prefix=${1:-/opt/dpdk-24.11}
work=${2:-$prefix.build}
mirror=${DEBIAN_MIRROR:-https://deb.debian.org/debian}
suite=${DEBIAN_SUITE:-trixie}
jobs=${JOBS:-2}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# What nbshm uses: the vdevs of app/test, bench and README (null, ring,
# pcap, memif, af_packet, vhost, virtio_user) on the vdev bus with ring
# mempools; the capture tools and testpmd the tests run; the libraries those
# need. (DPDK adds bus/pci itself.)
drivers=bus/vdev,mempool/ring,net/null,net/ring,net/pcap,net/memif,net/af_packet,net/vhost,net/virtio
apps=test-pmd,dumpcap,pdump
libs=cfgfile,bpf,pcapng,pdump,vhost,cryptodev,dmadev
want_drivers=(librte_net_null librte_net_ring librte_net_pcap librte_net_memif
	librte_net_af_packet librte_net_vhost librte_net_virtio librte_mempool_ring
	librte_bus_vdev)
want_apps=(dpdk-testpmd dpdk-dumpcap dpdk-pdump)
# -rpath: the tools and nbshm find these libraries without LD_LIBRARY_PATH
meson_opts=(--prefix="$prefix" --libdir=lib/x86_64-linux-gnu
	-Dbuildtype=release -Ddefault_library=shared -Dplatform=generic
	-Denable_driver_sdk=true -Denable_docs=false -Denable_kmods=false
	-Dtests=false -Dexamples= "-Dc_link_args=-Wl,-rpath,$prefix/lib/x86_64-linux-gnu"
	"-Denable_drivers=$drivers" "-Denable_apps=$apps" "-Denable_libs=$libs")

msg() { echo "dpdk-24.11: $*" >&2; }
die() { msg "$*"; exit 1; }

pcdir=$prefix/lib/x86_64-linux-gnu/pkgconfig
stamp=$prefix/share/nbshm/dpdk-build.stamp
# the private driver headers nbshm needs, which DPDK does not install
# (net_memif's, for nbfwd's memif guard): drivers/net/nbshm/dpdk-driver-sdk.sh
sdk=$prefix/share/nbshm/dpdk-sdk
here=$(cd "$(dirname "$0")" && pwd)

report() {
	echo "DPDK $(PKG_CONFIG_PATH=$pcdir pkg-config --modversion libdpdk) in $prefix"
	echo "PKG_CONFIG_PATH=$pcdir"
}

# the build is complete when every tool and driver nbshm needs is installed
complete() {
	local f
	for f in "${want_apps[@]}"; do
		[ -x "$prefix/bin/$f" ] || return 1
	done
	for f in "${want_drivers[@]}"; do
		compgen -G "$prefix/lib/x86_64-linux-gnu/dpdk/pmds-*/$f.so" >/dev/null ||
			return 1
	done
	[ -s "$pcdir/libdpdk.pc" ] && [ -d "$sdk" ]
}

if [ "$force" = 0 ] && [ -s "$stamp" ] && complete &&
	[ "$(sed -n 2p "$stamp")" = "${meson_opts[*]}" ]; then
	msg "already built ($(head -n 1 "$stamp")), --force rebuilds"
	report
	exit 0
fi

for t in meson ninja pkg-config python3; do
	command -v "$t" >/dev/null || die "needs $t"
done
# DPDK's build tools need pyelftools in the python3 meson finds first
if ! python3 -c 'import elftools' 2>/dev/null; then
	/usr/bin/python3 -c 'import elftools' 2>/dev/null ||
		die "needs python3-pyelftools (apt-get install python3-pyelftools)"
	PATH=/usr/bin:$PATH
fi
mkdir -p "$work" "$prefix" || die "cannot create $work or $prefix"
cd "$work"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
get() { curl -fsSL --retry 2 --max-time 600 -o "$2" "$1"; }

# Debian trixie's source package: InRelease (signed by the archive keys)
# names Sources.xz's hash, Sources names the .dsc's, the .dsc the tarballs'.
from_debian() {
	local base=$mirror/dists/$suite f h dir ver files
	command -v dpkg-source >/dev/null || { msg "no dpkg-source"; return 1; }
	if ! command -v gpgv >/dev/null || [ ! -s "$keyring" ]; then
		msg "no gpgv or $keyring to check the archive"
		return 1
	fi
	get "$base/InRelease" InRelease || { msg "$base not reachable"; return 1; }
	gpgv --keyring "$keyring" InRelease 2>/dev/null ||
		{ msg "InRelease of $suite: bad signature"; return 1; }
	h=$(awk '/^SHA256:/{s=1; next} /^[^ ]/{s=0} s && $3 == "main/source/Sources.xz" {print $1}' InRelease)
	if ! get "$base/main/source/Sources.xz" Sources.xz ||
		[ "$(sha256_of Sources.xz)" != "$h" ]; then
		msg "Sources.xz of $suite missing or not the one InRelease names"
		return 1
	fi
	xz -dc Sources.xz | awk '/^Package: dpdk$/{p=1} p && /^$/{exit} p' >dpdk.sources
	ver=$(sed -n 's/^Version: //p' dpdk.sources)
	dir=$(sed -n 's/^Directory: //p' dpdk.sources)
	if [ -z "$ver" ] || [ -z "$dir" ]; then
		msg "no dpdk in $suite's Sources"
		return 1
	fi
	case $ver in 24.11.*) ;; *) msg "$suite has dpdk $ver, not 24.11"; return 1 ;; esac
	files=$(awk '/^Checksums-Sha256:/{s=1; next} /^[^ ]/{s=0} s {print $1, $3}' dpdk.sources)
	msg "fetching Debian's dpdk $ver source package ($suite)"
	while read -r h f; do
		[ -s "$f" ] && [ "$(sha256_of "$f")" = "$h" ] && continue
		get "$mirror/$dir/$f" "$f" || { msg "cannot fetch $mirror/$dir/$f"; return 1; }
		[ "$(sha256_of "$f")" = "$h" ] || { msg "$f: not the hash Sources names"; return 1; }
	done <<<"$files"
	rm -rf src
	dpkg-source -x "$(ls dpdk_"$ver".dsc)" src >&2 ||
		{ msg "dpkg-source -x failed"; return 1; }
	echo "Debian dpdk $ver ($suite source package)" >src/.nbshm-origin
}

# fallback: a DPDK stable git repository (DPDK_GIT), at DPDK_TAG
from_git() {
	local git=${DPDK_GIT:-} tag=${DPDK_TAG:-}
	[ -n "$git" ] || return 1
	if [ -z "$tag" ]; then
		tag=$(git ls-remote --tags "$git" 'v24.11.*' | sed -n 's|.*refs/tags/||p' |
			grep -E '^v24\.11\.[0-9]+$' | sort -V | tail -n 1)
	fi
	[ -n "$tag" ] || { msg "no v24.11.N tag in $git"; return 1; }
	msg "taking DPDK $tag from $git (not Debian's source package)"
	rm -rf src gitsrc
	if [ -d "$git" ]; then
		mkdir src
		git --git-dir="$git" archive --format=tar "$tag" | tar -x -C src
	else
		git clone -q --depth 1 --branch "$tag" "$git" gitsrc && mv gitsrc src
	fi
	echo "DPDK $tag (git $git)" >src/.nbshm-origin
}

if [ -s src/.nbshm-origin ] && [ -s src/VERSION ]; then
	msg "source already here: $(cat src/.nbshm-origin)"
elif ! from_debian; then
	msg "Debian's source package unavailable"
	from_git || die "no source: Debian's source package could not be fetched and DPDK_GIT is not set"
fi
grep -q '^24\.11\.' src/VERSION || die "src/VERSION is $(cat src/VERSION), not 24.11"

start=$(date +%s)
rm -rf build
msg "configuring (drivers: $drivers; apps: $apps)"
meson setup build src "${meson_opts[@]}" >build.log 2>&1 ||
	{ tail -n 30 build.log >&2; die "meson setup failed, see $work/build.log"; }
msg "building with ninja -j$jobs (log: $work/build.log)"
ninja -C build -j "$jobs" >>build.log 2>&1 ||
	{ tail -n 30 build.log >&2; die "build failed, see $work/build.log"; }
ninja -C build install >>build.log 2>&1 ||
	{ tail -n 30 build.log >&2; die "install failed, see $work/build.log"; }
PKG_CONFIG_PATH=$pcdir NBSHM_DPDK_SRC=$work/src \
	"$here/../drivers/net/nbshm/dpdk-driver-sdk.sh" "$sdk" >/dev/null ||
	die "cannot keep the private driver headers in $sdk"
complete || die "installed, but a driver or tool nbshm needs is missing (see build.log)"
mkdir -p "$(dirname "$stamp")"
printf '%s\n%s\n' "$(cat src/.nbshm-origin)" "${meson_opts[*]}" >"$stamp"
msg "built in $(( $(date +%s) - start )) s from $(cat src/.nbshm-origin)"
report
