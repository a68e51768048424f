#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build nbshm's Debian packages (debian/: nbshm, libnbshm-client0,
# libnbshm-client-dev, and the native source package) with dpkg-buildpackage
# from the working tree, and check them with lintian (no error, no warning).
# With --test, also install them, use them (testpmd loads the net_nbshm PMD
# from DPDK's PMD directory, without -d) and remove them again.
#   scripts/build-deb.sh [--test] [OUT_DIR]     OUT_DIR default: build-deb
# Missing build tools and build dependencies are installed with apt-get (it
# says which first). Needs root for apt-get and --test (sudo otherwise).
# --test refuses to run when one of the packages is installed already (it
# would leave the machine without it). NBSHM_DEB_PREFIX: start of its DPDK
# --file-prefix names (default nbdeb).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
test_pkgs=0
if [ "${1:-}" = --test ]; then
	test_pkgs=1
	shift
fi
out=$(realpath -m "${1:-$root/build-deb}")
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
packages=(nbshm libnbshm-client0 libnbshm-client-dev)

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

apt_install() {
	echo "build-deb: installing $*"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"$@" >/dev/null
}

# the tools, then what debian/control's Build-Depends lists
missing=()
for p in dpkg-dev debhelper lintian; do
	installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
if ! unmet=$(cd "$root" && dpkg-checkbuilddeps 2>&1); then
	# "dpkg-checkbuilddeps: error: Unmet build dependencies: meson (>= 0.63) ninja-build"
	read -r -a missing <<<"$(sed -n 's/.*Unmet build dependencies: //p' <<<"$unmet" |
		sed -E 's/\([^)]*\)//g; s/\|[^ ]*//g')"
	[ ${#missing[@]} -gt 0 ] || { echo "$unmet" >&2; exit 1; }
	apt_install "${missing[@]}"
fi

version=$(cd "$root" && dpkg-parsechangelog -S Version)
meson_version=$(sed -nE "s/^[[:space:]]*version: '([^']+)',.*/\1/p" "$root/meson.build" | head -n 1)
if [ "$version" != "$meson_version" ]; then
	echo "build-deb: debian/changelog says $version, meson.build $meson_version: add a changelog entry (dch -v $meson_version)" >&2
	exit 1
fi

# the source: the working tree's files that git tracks or would (not build
# directories, not ignored files), so uncommitted edits are in
work=$(mktemp -d "${TMPDIR:-/tmp}/nbshm-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/nbshm-$version
mkdir "$src"
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$root" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf -) | tar -C "$src" -xf -
else
	tar -C "$root" --exclude='./build*' -cf - . | tar -C "$src" -xf -
fi

# the driver SDK headers' cache of a tree build (debhelper gives the build a
# HOME of its own)
export NBSHM_DPDK_SDK_CACHE=${NBSHM_DPDK_SDK_CACHE:-${XDG_CACHE_HOME:-${HOME:-/var/tmp}/.cache}/nbshm}
case " ${DEB_BUILD_OPTIONS:-} " in
*" parallel="*) ;;
*) export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:+$DEB_BUILD_OPTIONS }parallel=$(nproc)" ;;
esac
start=$SECONDS
echo "build-deb: dpkg-buildpackage in $src (log: $out/build.log)"
mkdir -p "$out"
if ! (cd "$src" && dpkg-buildpackage -us -uc) >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log"
	echo "build-deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
fi
echo "build-deb: built in $((SECONDS - start)) s"
arch=$(dpkg --print-architecture)
changes=nbshm_${version}_$arch.changes
for f in "$changes" "nbshm_${version}_$arch.deb" "libnbshm-client0_${version}_$arch.deb" \
		"libnbshm-client-dev_${version}_$arch.deb"; do
	[ -f "$work/$f" ] || { echo "build-deb: dpkg-buildpackage made no $f" >&2; exit 1; }
done
# what the .changes lists (source, binaries, debug symbols, buildinfo)
rm -f "$out"/*.changes "$out"/*.deb "$out"/*.dsc "$out"/*.tar.* "$out"/*.buildinfo
cp "$work/$changes" "$out/"
sed -n '/^Files:/,/^[^ ]/s/^ [0-9a-f]\{32\} [0-9]* [^ ]* [^ ]* //p' "$work/$changes" |
	while read -r f; do cp "$work/$f" "$out/"; done

start=$SECONDS
lint_rc=0
lintian --fail-on error,warning --info "$out/$changes" >"$work/lintian.log" 2>&1 || lint_rc=$?
# (less its "running with root privileges is not recommended")
grep -v "^running with root privileges" "$work/lintian.log" >"$out/lintian.log" || true
if [ $lint_rc != 0 ]; then
	cat "$out/lintian.log"
	echo "build-deb: lintian reports errors or warnings (above)" >&2
	exit 1
fi
echo "build-deb: lintian clean in $((SECONDS - start)) s$( [ -s "$out/lintian.log" ] &&
	echo ", notes:"; cat "$out/lintian.log")"
ls -1 "$out"/*.deb

[ $test_pkgs = 1 ] || exit 0

# --test: install, use, remove; the machine ends as it started
for p in "${packages[@]}"; do
	if installed "$p"; then
		echo "build-deb: --test: $p is installed already; remove it first (the test would remove it)" >&2
		exit 1
	fi
done
prefix=${NBSHM_DEB_PREFIX:-nbdeb}$$
pids=()
test_cleanup() {
	local rc=$? p left
	set +e
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "/var/run/dpdk/${prefix}"* "/dev/hugepages/${prefix}"* "/dev/hugepages/nbshm-${prefix}"*
	left=()
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -qv "not-installed" && left+=("$p")
	done
	# all at once: -dev depends on the library
	if [ ${#left[@]} -gt 0 ] && ! $sudo dpkg -P "${left[@]}" >/dev/null 2>&1; then
		echo "build-deb: could not purge ${left[*]}: remove them by hand" >&2
		rc=1
	fi
	rm -rf "$work"
	exit "$rc"
}
trap test_cleanup EXIT
tfail() {
	echo "build-deb: --test: $*" >&2
	exit 1
}

$sudo dpkg -i "$out/nbshm_${version}_$arch.deb" "$out/libnbshm-client0_${version}_$arch.deb" \
	"$out/libnbshm-client-dev_${version}_$arch.deb" >"$out/dpkg.log" 2>&1 ||
	tfail "dpkg -i failed: $(cat "$out/dpkg.log")"
for p in "${packages[@]}"; do
	dpkg -L "$p" >>"$work/files"
done
pmd=$(grep '/dpdk/pmds-[^/]*/librte_net_nbshm.so$' "$work/files") ||
	tfail "the nbshm package has no librte_net_nbshm.so in a pmds directory"
eal_pmd_dir=$(strings "$(realpath "$(pkg-config --variable=libdir libdpdk)/librte_eal.so")" |
	sed -n 's/^DPDK_PLUGIN_PATH=//p')
[ "$(dirname "$pmd")" = "$eal_pmd_dir" ] || tfail "the PMD is in $(dirname "$pmd"), EAL loads $eal_pmd_dir"
[ "$(pkg-config --modversion libnbshm-client)" = "$version" ] || tfail "pkg-config libnbshm-client"
for p in nbfwd nbcap nbecho; do
	man -w "$p" >/dev/null || tfail "no man page for $p"
done

# the installed nbfwd in vmq mode (consumer tp) and stock testpmd as tp,
# with the PMD found in DPDK's PMD directory: no -d
ini=$work/vmq.ini
printf '[nbfwd]\nmode = vmq\nsocket = %s\n[consumer tp]\nport = net_null0\nmac = 02:00:00:00:00:c1\nbuffers = 1024\nring_size = 256\n' \
	"$work/nbshm.sock" >"$ini"
: >"$work/nbfwd.log"
timeout -k 5 60 /usr/bin/nbfwd -l 0 --no-pci --file-prefix "${prefix}f" \
	--vdev net_null0,copy=1 --vdev net_null1,copy=1 -- -f "$ini" --stats-period 0 \
	</dev/null >"$work/nbfwd.log" 2>&1 &
pids+=($!)
for ((t = 0; t < 300; t++)); do
	grep -q "consumers attach at" "$work/nbfwd.log" && break
	kill -0 "${pids[0]}" 2>/dev/null || tfail "nbfwd exited: $(tail -5 "$work/nbfwd.log")"
	sleep 0.1
done
grep -q "consumers attach at" "$work/nbfwd.log" || tfail "nbfwd did not take attaches within 30 s"
timeout -k 5 60 dpdk-testpmd --no-pci --no-huge -m 512 --lcores 0@0,1@0 \
	--log-level=pmd.net.nbshm:info --file-prefix "${prefix}t" --vdev "net_nbshm0,socket=$work/nbshm.sock,name=tp" -- \
	--total-num-mbufs=2048 </dev/null >"$work/testpmd.log" 2>&1 ||
	tfail "dpdk-testpmd failed: $(tail -20 "$work/testpmd.log")"
grep -q "net_nbshm0: attached to consumer tp queue 0" "$work/testpmd.log" ||
	tfail "testpmd without -d did not attach through net_nbshm: $(tail -20 "$work/testpmd.log")"
grep -q "consumer tp attached" "$work/nbfwd.log" || tfail "nbfwd did not log tp's attach"
kill -TERM "${pids[0]}"
wait "${pids[0]}" || tfail "nbfwd exit status $?: $(tail -5 "$work/nbfwd.log")"
pids=()
echo "build-deb: --test: installed; dpdk-testpmd without -d attached to the installed nbfwd through $pmd"

$sudo dpkg -P "${packages[@]}" >"$out/dpkg.log" 2>&1 || tfail "dpkg -P failed: $(cat "$out/dpkg.log")"
for p in "${packages[@]}"; do
	! installed "$p" || tfail "$p is still installed"
done
while read -r f; do
	[ -d "$f" ] || [ ! -e "$f" ] || tfail "$f is left after dpkg -P"
done <"$work/files"
echo "build-deb: --test: removed (dpkg -P), no file left"
