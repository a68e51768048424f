#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every file in config/ is runnable: take the "Run" command documented in its
# comments (the first "build/app/nbfwd/nbfwd ..." block), run it here with a
# short --time, and check that it forwards and ends with every mbuf back.
# The documented command is used as written, but for: this test's own
# --file-prefix and JSON file, the build directory, the repository's paths
# (config/, app/test/data/: made absolute), a temporary output capture, and, on machines with fewer than 3 CPUs,
# "-l 0-2" mapped to "--lcores 0@0,1@1,2@0" (the file documents that too).
set -euo pipefail
NBT_NAME=config-samples
. "$(dirname "$0")/lib.sh"

need_hugepages 96
need_nbfwd

# run_line FILE: print the documented command's arguments, one per line
run_args() {
	"$NBT_PY" - "$1" "$NBT_SRC" "$NBT_PCAPS" "$NBT_TMP" "$(nproc)" <<'PY'
import shlex, sys
path, src, pcaps, tmp, ncpu = sys.argv[1:6]
lines, grab = [], False
for raw in open(path):
	if not raw.startswith(";"):
		if grab:
			break
		continue
	text = raw[1:].strip()
	if not grab and text.startswith("build/app/nbfwd/nbfwd"):
		grab = True
	if grab:
		lines.append(text.rstrip("\\").strip())
		if not text.endswith("\\"):
			break
if not lines:
	sys.exit("no documented run command (a comment line starting with build/app/nbfwd/nbfwd)")
args = shlex.split(" ".join(lines))[1:]
out, skip = [], 0
for i, a in enumerate(args):
	if skip:
		skip -= 1
		continue
	if a in ("--no-pci",):
		continue
	if a == "--file-prefix":
		skip = 1
		continue
	if a == "--time":
		out += ["--time", "2"]
		skip = 1
		continue
	if a == "-l" and args[i + 1] == "0-2" and int(ncpu) < 3:
		out += ["--lcores", "0@0,1@1,2@0"]
		skip = 1
		continue
	a = a.replace("../shared/pcaps", pcaps).replace("/tmp/nbfwd-out.pcap", tmp + "/out.pcap")
	a = a.replace("=app/test/data/", "=" + src + "/app/test/data/")
	if a.startswith("config/"):
		a = src + "/" + a
	out.append(a)
print("\n".join(out))
PY
}

n=0
for f in "$NBT_SRC"/config/*.ini; do
	name=$(basename "$f" .ini)
	mapfile -t args < <(run_args "$f") || fail "$f: cannot read its run command"
	[ ${#args[@]} -gt 0 ] || fail "$f: empty run command"
	NBT_LIMIT=40 run_nbfwd "$name" "${args[@]}"
	expect_ok "config/$name.ini (${args[*]})"
	expect_json rx_packets '>' 0 tx_packets '>' 0 mbufs_in_use_at_exit == 0
	say "ok config/$name.ini: rx $(json_get "$NBT_JSON" rx_packets)," \
		"tx $(json_get "$NBT_JSON" tx_packets)"
	n=$((n + 1))
done
[ $n -gt 0 ] || fail "no config/*.ini found"
say PASS
