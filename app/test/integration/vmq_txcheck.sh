#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# What a consumer may send (issue 14, item 3). nbfwd --mode vmq with
#   c1 on net_pcap0 (MTU 1500, tx into a capture), MAC 02:00:00:00:00:c1,
#      VLAN 42, spoof_check on (the default)
#   c2 on net_ring0 ([port] mtu = 9000, [nbfwd] max_segments = 2: a frame may
#      take two 2048-byte mbufs), spoof_check = off
# nbshm_txsend (lib/client's public API) posts, for each, frames nbfwd must
# send and frames it must refuse: runts (1 and 13 bytes), frames longer than
# the port's MTU + header + tags, frames from another MAC, untagged, with
# another VLAN, double-tagged, and (c2) frames needing more mbufs than the
# port may take. Then:
#   - the capture of net_pcap0 holds exactly c1's good frames, and c2's
#     tx_packets are its good frames;
#   - every refusal is counted by its reason (tx_runt, tx_too_long,
#     tx_too_many_segments, tx_spoofed), nothing else;
#   - every tx buffer came back on txdone (nbshm_txsend waits for all of
#     them: refused frames leak none), every mbuf back at exit.
set -euo pipefail
NBT_NAME=vmq-txcheck
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vmq_lib.sh"

need_nbfwd
need_hugepages 96
need_built TXSEND "$NBT_BUILD/app/test/tools/nbshm_txsend"

vmq_frames "$NBT_TMP/rx" 1 x=02:00:00:00:00:77
sock=$NBT_TMP/nbshm.sock
ini=$NBT_TMP/txcheck.ini
vmq_ini "$ini" "$sock" max_segments=2 <<INI
[port net_pcap0]
[port net_ring0]
mtu = 9000
[consumer c1]
port = net_pcap0
mac = 02:00:00:00:00:c1
vlan = 42
buffers = 256
tx_buffers = 64
tx_buffer_size = 16384
[consumer c2]
port = net_ring0
mac = 02:00:00:00:00:c2
buffers = 256
tx_buffers = 64
tx_buffer_size = 16384
spoof_check = off
INI
out=$NBT_TMP/out.pcap
start_nbfwd txcheck --vdev "net_pcap0,rx_pcap=$NBT_TMP/rx/in.pcap,tx_pcap=$out" \
	--vdev net_ring0 -- -f "$ini"
wait_log "consumers attach at" 30
expect_log "consumer c1: tx up to 1514 bytes a frame \(\+4 per VLAN tag\) in at most 1 mbuf" \
	"c1's limits (net_pcap0 has no MULTI_SEGS)"
expect_log "consumer c2: tx up to 9014 bytes a frame \(\+4 per VLAN tag\) in at most 2 mbuf" \
	"c2's limits (net_ring0: MULTI_SEGS, max_segments 2)"

# txsend NAME SPEC...: post the frames, wait for every tx buffer; JSON in NAME.out
txsend() {
	local name=$1
	shift
	timeout -k 5 30 "$TXSEND" -s "$sock" -n "$name" -t 20 "$@" >"$NBT_TMP/$name.out" \
		2>"$NBT_TMP/$name.err" || fail "nbshm_txsend $name: status $?: $(cat "$NBT_TMP/$name.err" "$NBT_TMP/$name.out")"
	[ "$(json_get "$NBT_TMP/$name.out" sent)" = "$(json_get "$NBT_TMP/$name.out" txdone)" ] ||
		fail "$name: not every tx buffer came back: $(cat "$NBT_TMP/$name.out")"
}
# c1, VLAN 42: good 10 + 3 + 2; runt 3 + 2; too long 2 + 2 + 1; spoofed 3 + 2 + 2 + 1
txsend c1 60:own:ownx10 1518:own:ownx3 18:own:ownx2 \
	1:own:nonex3 13:own:nonex2 17:own:own \
	1519:own:ownx2 9000:own:ownx2 1515:own:none \
	60:other:ownx3 60:own:nonex2 60:own:7x2 60:own:qinq
# c2, no spoof check, 2 mbufs: good 2 + 2; too many segments 2 + 1 + 1 (tagged, at
# its length limit); too long 1 (two tags, one byte over)
txsend c2 4096:other:nonex2 60:own:99x2 \
	4097:other:nonex2 9014:other:none 9018:other:7 9023:other:qinq
say "ok nbshm_txsend: every tx buffer came back, refused frames included"

stop_nbfwd
expect_ok "txcheck run"
expect_json consumers.0.tx_packets == 15 consumers.0.drops.tx_runt == 6 \
	consumers.0.drops.tx_too_long == 5 consumers.0.drops.tx_spoofed == 8 \
	consumers.0.drops.tx_too_many_segments == 0 consumers.0.drops.tx_full == 0 \
	consumers.0.drops.tx_prepare == 0 \
	consumers.1.tx_packets == 4 consumers.1.drops.tx_too_many_segments == 4 \
	consumers.1.drops.tx_too_long == 1 consumers.1.drops.tx_spoofed == 0 \
	consumers.1.drops.tx_runt == 0
n=$(pcap_compare --count --field packets "$out")
expect_eq "frames c1 sent out of net_pcap0" 15 "$n"
"$NBT_PY" - "$out" <<'PY' || fail "a frame in $out is not one of c1's good ones"
import struct, sys
d = open(sys.argv[1], "rb").read()
off, lens = 24, []
while off < len(d):
	_, _, incl, orig = struct.unpack_from("<IIII", d, off)
	f = d[off + 16:off + 16 + incl]
	off += 16 + incl
	assert f[6:12] == bytes.fromhex("0200000000c1"), f[:18].hex()
	assert f[12:14] == b"\x81\x00" and struct.unpack("!H", f[14:16])[0] & 0xfff == 42, f[:18].hex()
	lens.append(orig)
assert sorted(lens) == sorted([60] * 10 + [1518] * 3 + [18] * 2), lens
PY
say "ok c1: 15 good frames out byte-checked (its MAC, VLAN 42); refused 6 runt, 5 too long, 8 spoofed"
say "ok c2: 4 sent; 4 needing more than 2 mbufs, 1 too long refused"
say PASS
