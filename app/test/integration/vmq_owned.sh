#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A port a consumer owns (steering = port) exposes no other station's frames
# (issue 14, item 6). nbfwd --mode vmq reads a mixed capture on net_pcap0,
# which consumer c1 owns (its pool fills the port's rx queue), and forwards
# unmatched frames ([vmq] unmatched = forward, broadcast / multicast = default)
# out of net_pcap1 into a capture. c1 need not attach: the frames land in its
# region either way.
#   1. foreign = drop (the default): every frame not c1's is dropped as
#      not_owner, nothing leaves through net_pcap1;
#   2. foreign = forward: those frames are copied out of c1's memory and
#      forwarded, byte for byte the unmatched, broadcast and multicast ones.
# (vmq-errors: another consumer on an owned port is refused at start.)
set -euo pipefail
NBT_NAME=vmq-owned
. "$(dirname "$0")/lib.sh"

need_nbfwd
need_hugepages 96
"$NBT_PY" "$NBT_TOOLS/vmq_frames.py" "$NBT_TMP/frames" --count 300 \
	--consumer c1=02:00:00:00:00:c1 >/dev/null || fail "vmq_frames.py"
counts=$NBT_TMP/frames/counts.json
n_total=$(json_get "$counts" total)
n_c1=$(json_get "$counts" c1)
n_other=$((n_total - n_c1))
[ "$n_other" -gt 0 ] || fail "no frame in the capture is for someone else"

# run FOREIGN: nbfwd until the capture is read, then stopped
run() {
	local ini=$NBT_TMP/$1.ini
	cat >"$ini" <<INI
[nbfwd]
mode = vmq
socket = $NBT_TMP/$1.sock
[vmq]
unmatched = forward
[consumer c1]
port = net_pcap0
mac = 02:00:00:00:00:c1
buffers = 4096
steering = port
foreign = $1
INI
	run_nbfwd "$1" --vdev "net_pcap0,rx_pcap=$NBT_TMP/frames/in.pcap" \
		--vdev "net_pcap1,tx_pcap=$NBT_TMP/out-$1.pcap" -- -f "$ini" --time 2
	expect_ok "foreign = $1"
	expect_json ports.0.rx_packets == "$n_total"
}

run drop
expect_json ports.0.not_owner == "$n_other" ports.1.tx_packets == 0 ports.0.filtered == 0
n=$(pcap_compare --count --field packets "$NBT_TMP/out-drop.pcap")
expect_eq "frames out of net_pcap1 with foreign = drop" 0 "$n"
say "ok foreign = drop: $n_other frames not c1's dropped as not_owner, none forwarded"

run forward
expect_json ports.0.not_owner == 0 ports.1.tx_packets == "$n_other"
"$NBT_PY" - "$NBT_TMP/frames/in.pcap" "$NBT_TMP/expect-other.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
out, at = [d[:24]], 24
while at < len(d):
	incl = struct.unpack_from("<I", d, at + 8)[0]
	if d[at + 16:at + 22] != bytes.fromhex("0200000000c1"):
		out.append(d[at:at + 16 + incl])
	at += 16 + incl
open(sys.argv[2], "wb").write(b"".join(out))
PY
pcap_compare --mode io "$NBT_TMP/expect-other.pcap" "$NBT_TMP/out-forward.pcap" >/dev/null
say "ok foreign = forward: the $n_other other frames copied out and forwarded, byte for byte"
say PASS
