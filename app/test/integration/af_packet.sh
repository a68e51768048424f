#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Real kernel traffic through nbfwd over net_af_packet. Three network
# namespaces made here and removed at exit:
#   nbt-pa-PID  [a 10.77.0.1/24] --veth-- [fa]  nbt-pf-PID  [fb] --veth-- [b 10.77.0.2/24]  nbt-pb-PID
# nbfwd runs inside nbt-pf-PID with net_af_packet0 on fa and net_af_packet1 on
# fb (paired 0<->1, io). ping a -> b must lose nothing, and 2 MB of random
# data sent over TCP from a to b must arrive with the same SHA-256.
# Nothing touches the root namespace's interfaces.
set -euo pipefail
NBT_NAME=af-packet
. "$(dirname "$0")/lib.sh"

need_root "network namespaces"
need_cmd ip ping sha256sum ethtool
need_hugepages 64
need_nbfwd

nbt_af_packet_io p af_packet 120 10.77.0
ns_a=$NBT_NS_A ns_b=$NBT_NS_B

nbt_ping "$ns_a" 10.77.0.2 5 "a -> b"
say "ok ping: $NBT_PING_OUT"

data=$NBT_TMP/data.bin
head -c 2097152 /dev/urandom >"$data"
want=$(sha256sum "$data" | cut -d' ' -f1)
ready=$NBT_TMP/server.ready
bg_start 60 "$NBT_TMP/server.log" ip netns exec "$ns_b" \
	"$NBT_PY" "$NBT_TOOLS/tcp_xfer.py" serve 10.77.0.2 5201 "$ready" --timeout 40
srv=$BG_PID
for ((t = 0; t < 100; t++)); do
	[ -e "$ready" ] && break
	kill -0 "$srv" 2>/dev/null || break
	sleep 0.1
done
[ -e "$ready" ] || fail "TCP server in $ns_b did not start: $(cat "$NBT_TMP/server.log")"
send_out=$(timeout 60 ip netns exec "$ns_a" "$NBT_PY" "$NBT_TOOLS/tcp_xfer.py" \
	send 10.77.0.2 5201 "$data" --timeout 40 2>&1) || fail "TCP send through nbfwd: $send_out"
bg_wait "$srv"
[ "$BG_RC" = 0 ] || fail "TCP server exit status $BG_RC: $(cat "$NBT_TMP/server.log")"
got=$(sed -nE 's/^received ([0-9]+) bytes sha256 ([0-9a-f]+).*/\1 \2/p' "$NBT_TMP/server.log")
expect_eq "TCP transfer (bytes sha256)" "2097152 $want" "$got"
say "ok TCP: 2097152 bytes, sha256 $want on both ends"

stop_nbfwd
expect_ok "af_packet run"
expect_json ports.0.driver == net_af_packet ports.1.driver == net_af_packet \
	ports.0.peer == 1 ports.1.peer == 0 \
	ports.0.rx_packets '>' 0 ports.1.rx_packets '>' 0 \
	ports.0.tx_packets '>' 0 ports.1.tx_packets '>' 0
# what one port received, the other sent (or dropped: only tx_full is allowed)
expect_zero_drops tx_full
rx0=$(json_get "$NBT_JSON" ports.0.rx_packets)
rx1=$(json_get "$NBT_JSON" ports.1.rx_packets)
d0=$(json_get "$NBT_JSON" ports.0.dropped)
d1=$(json_get "$NBT_JSON" ports.1.dropped)
expect_json ports.1.tx_packets == $((rx0 - d0)) ports.0.tx_packets == $((rx1 - d1))
say "ok counters: fa rx $rx0 (dropped $d0), fb rx $rx1 (dropped $d1), mbufs in use at exit 0"
say PASS
