#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Fault injection: mbuf pools running empty.
#   1. a port pool much smaller than its rx ring: net_pcap0 ([port] pool_size
#      1023, rx_desc 4096) reads a capture of 3000 frames and forwards into
#      net_ring0, whose packets loop back into itself, so every mbuf of
#      net_pcap0's pool ends up held in the ring: the rest of the capture finds
#      the pool empty. Every frame of the file is received or counted as
#      rx_nombuf, nbfwd keeps forwarding the ring, exits 0 and the ring's
#      mbufs all come back at exit.
#   2. a consumer pool running empty (vmq, af_packet; set-up of vmq_lib.sh):
#      c1 has 64 rx buffers and its nbcap is stopped (SIGSTOP): of a round of
#      traffic c1 is lent exactly its 64 buffers, the rest is counted as
#      no_buffer, while c2 gets all its frames. SIGCONT: nbcap writes and
#      returns the 64, the next round is delivered whole. nbcap's pcap equals
#      the first 64 frames plus the whole second round; at exit nothing is
#      lent and no mbuf is missing.
set -euo pipefail
NBT_NAME=fault-mempool
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vmq_lib.sh"

# 1. port pool
need_hugepages 96
need_nbfwd
"$NBT_PY" "$NBT_TOOLS/vmq_frames.py" "$NBT_TMP/many" --count 3000 --max-len 1514 \
	--consumer x=02:00:00:00:00:0e >/dev/null || fail "vmq_frames.py"
in=$NBT_TMP/many/in.pcap
n_in=$(pcap_field "$in" packets)
cat >"$NBT_TMP/pool.ini" <<INI
[port net_pcap0]
peer = net_ring0
pool_size = 1023
rx_desc = 4096
[port net_ring0]
peer = net_ring0
INI
run_nbfwd pool --vdev "net_pcap0,rx_pcap=$in" --vdev net_ring0 -- \
	-f "$NBT_TMP/pool.ini" --time 2
expect_ok "port pool exhausted"
expect_log "pool nbfwd_p0: all 1023 mbufs returned" "net_pcap0's pool at exit"
expect_log "port 0 \(net_pcap0, net_pcap\): 1 rxq / 1 txq, 4096/1024 desc, .* pool 1023 mbufs" \
	"net_pcap0 with 4096 rx descriptors and a pool of 1023"
expect_zero_drops
rx=$(json_get "$NBT_JSON" ports.0.rx_packets)
nombuf=$(json_get "$NBT_JSON" ports.0.rx_nombuf)
expect_gt "net_pcap0 rx_nombuf" 0 "$nombuf"
expect_eq "net_pcap0: rx + rx_nombuf = frames in the file" "$n_in" "$((rx + nombuf))"
[ "$rx" -le 1023 ] || fail "net_pcap0 received $rx frames with a pool of 1023 that never refilled"
expect_json ports.1.rx_packets '>' 100000 ports.1.rx_nombuf == 0
say "ok port pool: $n_in frames = $rx received + $nombuf rx_nombuf; the ring looped" \
	"$(json_get "$NBT_JSON" ports.1.rx_packets) packets; all 1023 mbufs back at exit"

# 2. consumer pool
vmq_setup 400
n_c1=$(json_get "$VMQ_FRAMES/counts.json" c1)
n_c2=$(json_get "$VMQ_FRAMES/counts.json" c2)
[ "$n_c1" -gt 64 ] || fail "only $n_c1 frames for c1: the pool of 64 would not run empty"
sed -i '/^\[consumer c1\]/,/^\[consumer c2\]/ s/^buffers = .*/buffers = 64/' "$VMQ_INI"
grep -q "^buffers = 64" "$VMQ_INI" || fail "could not set c1's buffers"
# stopped, c1 holds its 64 buffers for seconds under traffic: no lease here
# (vmq-stall tests that nbfwd detaches such a consumer after stall_ms)
sed -i '/^\[consumer c1\]/a stall_ms = 0' "$VMQ_INI"
grep -q "^stall_ms = 0" "$VMQ_INI" || fail "could not set c1's stall_ms"
vmq_start

# c1: the 64 frames lent while stopped, then the whole second round
"$NBT_PY" - "$VMQ_FRAMES/expect-c1.pcap" "$NBT_TMP/expect-c1-pool.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
recs, at = [], 24
while at < len(data):
	cap = struct.unpack("<I", data[at + 8:at + 12])[0]
	recs.append(data[at:at + 16 + cap])
	at += 16 + cap
open(sys.argv[2], "wb").write(data[:24] + b"".join(recs[:64] + recs))
PY
cap c1 c1 $((64 + n_c1)); pid1=$CAP_PID
cap c2 c2 $((2 * n_c2)); pid2=$CAP_PID
wait_attached c1 1
wait_attached c2 1
cap1=$(pgrep -P "$pid1" -x nbcap) || fail "nbcap c1 is not running"
kill -STOP "$cap1"

# consumer NAME FIELD: one value from /nbfwd/consumers
consumer() {
	"$NBT_PY" "$NBT_TOOLS/telemetry_query.py" "$NBT_PREFIX" /nbfwd/consumers |
		"$NBT_PY" -c '
import json, sys
c = json.load(sys.stdin)["/nbfwd/consumers"]
v = [x for x in c.values() if x["name"] == sys.argv[1]][0]
for k in sys.argv[2].split("."):
	v = v[k]
print(v)' "$1" "$2" || fail "telemetry /nbfwd/consumers $1 $2"
}

inject
lent=$(consumer c1 lent_now)
nobuf=$(consumer c1 drops.no_buffer)
expect_eq "c1 lent while stopped (its 64 buffers)" 64 "$lent"
expect_eq "c1 no_buffer drops while stopped" "$((n_c1 - 64))" "$nobuf"
expect_eq "c1 ring_full drops (its ring has room)" 0 "$(consumer c1 drops.ring_full)"
expect_eq "c2 delivered meanwhile" "$n_c2" "$(consumer c2 delivered)"
say "ok c1 stopped: 64 lent, $nobuf counted as no_buffer; c2 got its $n_c2 frames"

kill -CONT "$cap1"
for ((t = 0; t < 100; t++)); do
	[ "$(consumer c1 returned)" = 64 ] && break
	sleep 0.1
done
expect_eq "c1 returned after SIGCONT" 64 "$(consumer c1 returned)"
inject --pace 8
cap_done "$pid1" c1 "$NBT_TMP/expect-c1-pool.pcap"
bg_wait "$pid2"
[ "$BG_RC" = 0 ] || fail "nbcap c2 exit status $BG_RC"
expect_eq "c2 frames" "$((2 * n_c2))" "$(pcap_field "$NBT_TMP/c2.pcap" packets)"
say "ok c1 continued: its 64 frames, then all $n_c1 of the next round, byte for byte"

stop_nbfwd
expect_ok "vmq run with c1's pool exhausted"
expect_json consumers.0.name == c1 consumers.0.delivered == $((64 + n_c1)) \
	consumers.0.returned == $((64 + n_c1)) consumers.0.lent_now == 0 \
	consumers.0.drops.no_buffer == $((n_c1 - 64)) consumers.1.delivered == $((2 * n_c2)) \
	consumers.1.drops.no_buffer == 0 ports.0.rx_nombuf == 0
expect_log "pool [^ ]* \(consumer c1\): all 64 mbufs returned" "c1's pool at exit"
expect_zero_drops filtered consumer
say PASS
