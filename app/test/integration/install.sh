#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# meson install into a DESTDIR, and the installed files used from there:
#   1. the files: exactly nbfwd, nbcap, nbecho (and nbctl once app/nbctl
#      exists), their man pages, libnbshm-client (.so, .so.0, .so.VERSION,
#      .a, .pc, headers), the net_nbshm PMD in DPDK's PMD directory (the
#      directory librte_eal.so scans at start, read from the library itself,
#      or -Dpmd_dir) and every config/*.ini; nothing else (no test tool, no
#      bench program)
#   2. libnbshm-client.pc and the headers: each header compiles alone, and a
#      program built with pkg-config --cflags --libs against the DESTDIR links
#      the installed libnbshm-client.so.0
#   3. the man pages: man renders them without a warning (lintian's check),
#      and every option a program's --help prints is in its page
#   4. the installed nbfwd on two null ports for 2 s: exit 0, packets
#      forwarded, no mbuf in use at exit
#   5. the installed nbfwd in vmq mode with the installed PMD in stock
#      dpdk-testpmd as its consumer (-d on a private copy: a test cannot write
#      DPDK's real PMD directory), pmd_testpmd.sh's zero-copy round: testpmd
#      gets exactly tp's frames byte for byte, its frames leave nbfwd byte for
#      byte, every lent buffer comes back; before it, the program of 2 talks
#      to that nbfwd through the installed library (an unknown name refused
#      "not allowed")
set -euo pipefail
NBT_NAME=install
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vmq_lib.sh"
. "$(dirname "$0")/pmd_lib.sh"

need_cmd meson pkg-config cc man strings dpdk-testpmd mkfifo
need_hugepages 64

dd=$NBT_TMP/destdir
meson install -C "$NBT_BUILD" --no-rebuild --destdir "$dd" >"$NBT_TMP/install.log" 2>&1 ||
	NBT_LOG=$NBT_TMP/install.log fail "meson install --destdir $dd"

# where meson put things (options relative to the prefix, or absolute)
eval "$(meson introspect "$NBT_BUILD" --buildoptions --projectinfo | "$NBT_PY" -c '
import json, os, shlex, sys
d = json.load(sys.stdin)
o = {x["name"]: x["value"] for x in d["buildoptions"]}
proj = d["projectinfo"]
for k in ("bindir", "libdir", "includedir", "mandir", "datadir"):
	print("%s=%s" % (k, shlex.quote(os.path.join(o["prefix"], o[k]))))
print("pmd_dir_opt=%s" % shlex.quote(o["pmd_dir"]))
print("version=%s" % shlex.quote(proj["version"]))
')"

# DPDK's PMD directory as EAL has it compiled in (RTE_EAL_PMD_PATH)
eal=$(realpath -e "$(pkg-config --variable=libdir libdpdk)/librte_eal.so") ||
	fail "no librte_eal.so in libdpdk's libdir"
eal_pmd_dir=$(strings "$eal" | sed -n 's/^DPDK_PLUGIN_PATH=//p' | head -n 1)
[ -n "$eal_pmd_dir" ] || fail "$eal names no DPDK_PLUGIN_PATH"
pmd_dir=${pmd_dir_opt:-$eal_pmd_dir}
say "prefix layout: bin $bindir, lib $libdir; EAL's PMD directory $eal_pmd_dir"

# 1. exactly the expected files
progs=(nbfwd nbcap nbecho)
[ ! -d "$NBT_SRC/app/nbctl" ] || progs+=(nbctl)
{
	for p in "${progs[@]}"; do
		echo "$bindir/$p"
		echo "$mandir/man1/$p.1"
	done
	for f in libnbshm-client.so libnbshm-client.so.0 "libnbshm-client.so.$version" \
			libnbshm-client.a pkgconfig/libnbshm-client.pc; do
		echo "$libdir/$f"
	done
	echo "$pmd_dir/librte_net_nbshm.so"
	for f in "$NBT_SRC"/config/*.ini; do
		echo "$datadir/nbshm/config/$(basename "$f")"
	done
} | sort >"$NBT_TMP/expected"
(cd "$dd" && find . ! -type d | sed 's/^\.//') | sort >"$NBT_TMP/installed"
[ -f "$dd$includedir/nbshm/nbshm_client.h" ] || fail "no $includedir/nbshm/nbshm_client.h"
grep -v "^$includedir/nbshm/[^/]*\.h$" "$NBT_TMP/installed" >"$NBT_TMP/installed-not-h" || true
diff -u "$NBT_TMP/expected" "$NBT_TMP/installed-not-h" >"$NBT_TMP/files.diff" ||
	fail "installed files differ from the expected ones (- missing, + unexpected):"$'\n'"$(cat "$NBT_TMP/files.diff")"
for p in "${progs[@]}"; do
	[ -x "$dd$bindir/$p" ] || fail "$bindir/$p is not executable"
done
[ "$(readlink "$dd$libdir/libnbshm-client.so")" = libnbshm-client.so.0 ] ||
	fail "libnbshm-client.so does not link to libnbshm-client.so.0"
readelf -d "$dd$libdir/libnbshm-client.so.$version" | grep -q 'Library soname: \[libnbshm-client.so.0\]' ||
	fail "libnbshm-client's SONAME is not libnbshm-client.so.0"
if readelf -d "$dd$bindir"/* "$dd$pmd_dir/librte_net_nbshm.so" | grep -qiE 'rpath|runpath'; then
	fail "an installed binary keeps an RPATH into the build tree"
fi
# EAL dlopens every module of its PMD directory in every DPDK application, in
# directory order, with RTLD_NOW: a symbol the PMD takes from a library it
# does not name (rte_vdev_register of librte_bus_vdev, loaded by testpmd
# before any -d) fails EAL's start in all of them
ldd -r "$dd$pmd_dir/librte_net_nbshm.so" >"$NBT_TMP/ldd.log" 2>&1 ||
	NBT_LOG=$NBT_TMP/ldd.log fail "ldd -r on the installed PMD failed"
if grep -i "undefined symbol" "$NBT_TMP/ldd.log"; then
	fail "the installed PMD leaves symbols undefined (above): EAL would refuse to start with it in $pmd_dir"
fi
say "ok files: $(wc -l <"$NBT_TMP/installed") installed, the PMD in $pmd_dir (every symbol resolved), exactly as expected"

# 2. the .pc and the headers
export PKG_CONFIG_SYSROOT_DIR=$dd PKG_CONFIG_LIBDIR=$dd$libdir/pkgconfig PKG_CONFIG_PATH=
[ "$(pkg-config --modversion libnbshm-client)" = "$version" ] || fail "libnbshm-client.pc: wrong version"
read -r -a pc_cflags <<<"$(pkg-config --cflags libnbshm-client)"
read -r -a pc_libs <<<"$(pkg-config --libs libnbshm-client)"
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR PKG_CONFIG_PATH
for h in "$dd$includedir"/nbshm/*.h; do
	echo "#include <$(basename "$h")>" | cc -std=gnu11 -Wall -Wextra -Werror -fsyntax-only \
		"${pc_cflags[@]}" -x c - 2>"$NBT_TMP/cc.log" ||
		NBT_LOG=$NBT_TMP/cc.log fail "the installed header $(basename "$h") does not compile alone"
done
cat >"$NBT_TMP/client.c" <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <nbshm_client.h>

/* client SOCKET NAME ENOENT|EACCES: attach; exit 0 when it fails with that */
int
main(int argc, char **argv)
{
	struct nbshm_client *c = NULL;
	int rc, want;

	if (argc != 4)
		return 2;
	want = strcmp(argv[3], "ENOENT") == 0 ? -ENOENT : -EACCES;
	rc = nbshm_client_connect(argv[1], argv[2], 0, 0, &c);
	printf("rc=%d (%s): %s\n", rc, rc < 0 ? strerror(-rc) : "ok", nbshm_client_error());
	if (c != NULL)
		nbshm_client_close(c);
	return rc == want ? 0 : 1;
}
EOF
# (a library built with the sanitizers, the CI's ASan tree, needs their
# runtime first: the program is built with them too)
san=()
! grep -q libasan <<<"$(ldd "$dd$libdir/libnbshm-client.so.$version")" ||
	san=(-fsanitize=address,undefined)
cc -std=gnu11 -Wall -Wextra -Werror "${san[@]}" "${pc_cflags[@]}" -o "$NBT_TMP/client" \
	"$NBT_TMP/client.c" "${pc_libs[@]}" 2>"$NBT_TMP/cc.log" ||
	NBT_LOG=$NBT_TMP/cc.log fail "a program does not build with pkg-config libnbshm-client"
client_lib=$(LD_LIBRARY_PATH=$dd$libdir ldd "$NBT_TMP/client" | awk '/libnbshm-client/ { print $3 }')
[ "$client_lib" = "$dd$libdir/libnbshm-client.so.0" ] ||
	fail "the program links libnbshm-client from '$client_lib', not the DESTDIR"
LD_LIBRARY_PATH=$dd$libdir "$NBT_TMP/client" "$NBT_TMP/none.sock" x ENOENT >"$NBT_TMP/client.log" 2>&1 ||
	NBT_LOG=$NBT_TMP/client.log fail "no socket: the installed library did not say ENOENT"
say "ok libnbshm-client.pc: each header compiles alone, a program links the installed library"

# 3. the man pages
for p in "${progs[@]}"; do
	page=$dd$mandir/man1/$p.1
	warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z \
		"$page" 2>&1 >/dev/null) || fail "man cannot render $page"
	[ -z "$warn" ] || fail "man warns on $p.1: $warn"
	if [ "$p" = nbfwd ]; then
		new_prefix
		help=$("$dd$bindir/nbfwd" --no-pci --file-prefix "$NBT_PREFIX" -- --help 2>&1) ||
			fail "nbfwd -- --help failed"
	else
		help=$("$dd$bindir/$p" --help 2>&1) || fail "$p --help failed"
	fi
	# the page's text: roff's \- is -, font escapes go
	text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$page")
	for o in $(grep -oE -- '(^|[][ ,|])--?[A-Za-z][A-Za-z0-9-]*' <<<"$help" |
			sed -E 's/^[][ ,|]//' | sort -u); do
		grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|\$)" <<<"$text" ||
			fail "$p --help prints $o, its man page $p.1 does not"
	done
done
say "ok man pages: rendered without warnings, every option of --help documented"

# 4. the installed nbfwd on two null ports
NBFWD=$dd$bindir/nbfwd
run_nbfwd null -l 0,1 --vdev net_null0,copy=1 --vdev net_null1,copy=1 -- --time 2
expect_ok "installed nbfwd on null ports"
expect_json rx_packets ">" 0 tx_packets ">" 0
say "ok installed nbfwd: forwarded $(json_get "$NBT_JSON" tx_packets) packets in 2 s, exit 0"

# 5. the installed PMD in testpmd, consumer of the installed nbfwd
pmd_setup "$dd$pmd_dir/librte_net_nbshm.so"
cmp -s "$PMD" "$dd$pmd_dir/librte_net_nbshm.so" || fail "$PMD is not the installed PMD"
start_vmq 1
LD_LIBRARY_PATH=$dd$libdir "$NBT_TMP/client" "$sock" nosuch EACCES >"$NBT_TMP/client.log" 2>&1 ||
	NBT_LOG=$NBT_TMP/client.log fail "the installed library attaching as an unknown name: not EACCES"
grep -q "not allowed" "$NBT_TMP/client.log" ||
	NBT_LOG=$NBT_TMP/client.log fail "nbfwd's refusal not passed on by the installed library"
tp_round 1 0
stop_vmq
say "ok installed PMD: testpmd got the $n_tp frames for tp byte for byte from the installed nbfwd and gave every buffer back; its 100 frames left nbfwd byte for byte"
