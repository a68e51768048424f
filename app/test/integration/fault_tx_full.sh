#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Fault injection: a tx ring that stays full for seconds, on the consumer side.
#   net_pcap0 (infinite_rx: a capture of frames for c1, looped at full rate)
#       --unmatched, forwarded--> net_ring0 (its tx ring is its rx ring)
#   net_ring0 --frames for c1--> consumer c1 (nbecho --echo) --echo--> net_ring0
# net_pcap0 alone fills net_ring0's 1023 slots as fast as the worker drains
# them; the echoes c1 sends on top find the ring full. (net_af_packet cannot
# be used for this: when its kernel ring is full and the socket has no error
# its tx blocks in poll() until a frame is sent.)
# For 3 s: c1's tx_full drops grow between two telemetry queries a second
# apart, so do net_pcap0's tx_full drops; nbfwd keeps delivering to c1 and
# taking its tx. Then nbecho stops (SIGTERM, exit 0) and nbfwd (SIGTERM):
# exit 0, every mbuf back; every packet nbecho posted was taken by nbfwd and
# either sent or counted as tx_full, each of its tx buffers given back on
# txdone (all but those in flight when it closed); nothing lent at exit.
set -euo pipefail
NBT_NAME=fault-tx-full
. "$(dirname "$0")/lib.sh"

nbt_c1_setup
nbt_c1_start txfull "$NBT_C1_FRAMES/expect-c1.pcap" net_ring0 net_ring0 "tx_buffers = 512" \
	"[port net_pcap0]" "peer = net_ring0" "[port net_ring0]" "peer = net_pcap0"
nbt_c1_nbecho echo --echo
echo_pid=$NBT_C1_ECHO_PID

# c1: tx_full, tx_packets, delivered from /nbfwd/consumers; port 0 tx_full from /nbfwd/drops
sample() {
	"$NBT_PY" "$NBT_TOOLS/telemetry_query.py" "$NBT_PREFIX" /nbfwd/consumers /nbfwd/drops |
		"$NBT_PY" -c 'import json, sys
q = json.load(sys.stdin)
c = q["/nbfwd/consumers"]["0"]
d = q["/nbfwd/drops"]
d = d["0"] if isinstance(d, dict) else d[0]
print(c["drops"]["tx_full"], c["tx_packets"], c["delivered"], d["tx_full"])' ||
		fail "telemetry query failed (nbfwd not answering?)"
}
sleep 1
read -r full1 tx1 del1 pfull1 <<<"$(sample)"
sleep 1
read -r full2 tx2 del2 pfull2 <<<"$(sample)"
sleep 1
read -r full3 tx3 del3 pfull3 <<<"$(sample)"
kill -0 "$NBT_PID" 2>/dev/null || fail "nbfwd exited"
[ "$full1" -gt 0 ] && [ "$full2" -gt "$full1" ] && [ "$full3" -gt "$full2" ] ||
	fail "c1's tx_full did not keep growing: $full1, $full2, $full3"
[ "$pfull2" -gt "$pfull1" ] && [ "$pfull3" -gt "$pfull2" ] ||
	fail "net_pcap0's tx_full (into the full ring) did not keep growing: $pfull1, $pfull2, $pfull3"
[ "$tx3" -gt "$tx1" ] && [ "$del3" -gt "$del1" ] ||
	fail "nbfwd stopped serving c1: tx $tx1 -> $tx3, delivered $del1 -> $del3"
say "ok for 2 s: c1 tx_full $full1 -> $full2 -> $full3 (sent $tx1 -> $tx3)," \
	"net_pcap0 tx_full $pfull1 -> $pfull3, delivered $del1 -> $del3"

kill -TERM "$(pgrep -P "$echo_pid" -x nbecho)" || fail "nbecho was not running"
bg_wait "$echo_pid"
[ "$BG_RC" = 0 ] || fail "nbecho exit status $BG_RC: $(cat "$NBT_TMP/echo.log")"
wait_log "consumer c1 detached" 20
stop_nbfwd
expect_ok "tx ring full for seconds"
expect_log "pool [^ ]* \(consumer c1\): all 1024 mbufs returned" "c1's pool"
expect_zero_drops tx_full
echoed=$(json_get "$NBT_TMP/echo.json" echoed)
posted=$(json_get "$NBT_TMP/echo.json" client.tx_packets)
txdone=$(json_get "$NBT_TMP/echo.json" client.txdone)
sent=$(json_get "$NBT_JSON" consumers.0.tx_packets)
full=$(json_get "$NBT_JSON" consumers.0.drops.tx_full)
expect_eq "nbecho echoed = posted" "$echoed" "$posted"
expect_eq "posted by nbecho = sent + tx_full at nbfwd" "$posted" "$((sent + full))"
[ "$txdone" -le "$posted" ] && [ $((posted - txdone)) -le 512 ] ||
	fail "txdone $txdone of $posted posted: more than the 512 tx buffers missing"
expect_json consumers.0.lent_now == 0 consumers.0.drops.no_buffer == 0 \
	consumers.0.rejects.not_lent == 0 consumers.0.rejects.bad_handle == 0 \
	ports.0.tx_full '>' 0 ports.1.tx_full == 0
d=$(json_get "$NBT_JSON" consumers.0.delivered)
r=$(json_get "$NBT_JSON" consumers.0.returned)
k=$(json_get "$NBT_JSON" consumers.0.reclaimed)
expect_eq "c1: delivered = returned + reclaimed" "$d" "$((r + k))"
say "ok at exit: nbecho posted $posted = sent $sent + tx_full $full;" \
	"txdone $txdone; delivered $d = returned $r + reclaimed $k"
say PASS
