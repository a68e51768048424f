#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The lease (issue 14, item 5). nbfwd --mode vmq on net_pcap0 replaying frames
# for two consumers without end (infinite_rx):
#   c1 (nbecho, honest: gives every packet back)
#   c2 (stall_ms = 500): nbshm_txsend --hold takes every packet lent and
#      returns none, so its pool runs dry and packets for it are refused.
# Then:
#   - nbfwd detaches c2 by itself (nbshm_txsend sees nbfwd go: exit 0),
#     logs why, counts stalled = 1, and takes back everything c2 held;
#   - c1 is untouched: attached once, never stalled, gave back all it got;
#   - c2 attaches again (nbecho) and receives;
#   - at exit nothing is lent and every mbuf is back.
set -euo pipefail
NBT_NAME=vmq-stall
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vmq_lib.sh"

need_nbfwd
need_hugepages 96
need_built TXSEND "$NBT_BUILD/app/test/tools/nbshm_txsend"
need_built NBECHO "$NBT_BUILD/app/nbcap/nbecho"

vmq_frames "$NBT_TMP/frames" 200 c1=02:00:00:00:00:c1 c2=02:00:00:00:00:c2
sock=$NBT_TMP/nbshm.sock
ini=$NBT_TMP/stall.ini
vmq_ini "$ini" "$sock" <<INI
[consumer c1]
port = net_pcap0
mac = 02:00:00:00:00:c1
buffers = 1024
ring_size = 256
[consumer c2]
port = net_pcap0
mac = 02:00:00:00:00:c2
buffers = 256
ring_size = 256
stall_ms = 500
INI
NBT_LIMIT=60 start_nbfwd stall --vdev "net_pcap0,rx_pcap=$NBT_TMP/frames/in.pcap,infinite_rx=1" \
	-- -f "$ini"
wait_log "consumers attach at" 30

bg_start 40 "$NBT_TMP/c1.log" "$NBECHO" -s "$sock" -n c1 -t 30 --stats-json "$NBT_TMP/c1.json"
c1_pid=$BG_PID
wait_log "consumer c1 attached" 20
# c2 hoards: nbfwd must let go of it (it waits up to 20 s)
timeout -k 5 30 "$TXSEND" -s "$sock" -n c2 --hold -t 20 >"$NBT_TMP/hold.out" \
	2>"$NBT_TMP/hold.err" || fail "c2 (--hold) was not detached by nbfwd: $(cat "$NBT_TMP/hold.out" "$NBT_TMP/hold.err")"
held=$(json_get "$NBT_TMP/hold.out" held)
[ "$held" -gt 0 ] || fail "c2 held nothing: $(cat "$NBT_TMP/hold.out")"
wait_log "consumer c2 stalled: returned nothing for 500 ms while holding its buffers" 5
wait_log "consumer c2 detached" 5
say "ok c2 held $held packets, returned none: nbfwd detached it"

# c2 may attach again and receives
timeout -k 5 30 "$NBECHO" -s "$sock" -n c2 -c 100 -t 20 --stats-json "$NBT_TMP/c2.json" \
	>"$NBT_TMP/c2.log" 2>&1 || fail "c2 could not attach again: $(cat "$NBT_TMP/c2.log")"
expect_eq "c2 (attached again) packets" 100 "$(json_get "$NBT_TMP/c2.json" packets)"
say "ok c2 attached again and received"

kill -TERM "$(pgrep -P "$c1_pid" -x nbecho)" || fail "nbecho c1 was not running"
bg_wait "$c1_pid"
[ "$BG_RC" = 0 ] || fail "nbecho c1 exit status $BG_RC: $(cat "$NBT_TMP/c1.log")"
stop_nbfwd
expect_ok "stall run"
expect_json consumers.1.name == c2 consumers.1.stalled == 1 consumers.1.attaches == 2 \
	consumers.1.lent_now == 0 consumers.1.reclaimed '>=' "$held" \
	consumers.0.name == c1 consumers.0.stalled == 0 consumers.0.attaches == 1 \
	consumers.0.lent_now == 0 consumers.0.delivered '>' 0
d=$(json_get "$NBT_JSON" consumers.1.delivered)
r=$(json_get "$NBT_JSON" consumers.1.returned)
k=$(json_get "$NBT_JSON" consumers.1.reclaimed)
expect_eq "c2: delivered = returned + reclaimed" "$d" "$((r + k))"
# c1 kept receiving and giving back the whole time (what its ring held when
# nbecho stopped is taken back at its detach, as for any consumer that goes)
n1=$(json_get "$NBT_TMP/c1.json" packets)
r1=$(json_get "$NBT_JSON" consumers.0.returned)
[ "$n1" -gt "$held" ] || fail "c1 received $n1 packets, fewer than c2 held ($held)"
expect_eq "c1: returned = what nbecho received" "$n1" "$r1"
say "ok at exit: c2 stalled once, delivered $d = returned $r + reclaimed $k; c1 never stalled"
say PASS
