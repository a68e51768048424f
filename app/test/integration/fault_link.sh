#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Fault injection: links going down and up under nbfwd while traffic flows.
#   nbt-la-PID [a 10.78.0.1/24] --veth-- [fa] nbt-lf-PID [fb] --veth-- [b 10.78.0.2/24] nbt-lb-PID
# nbfwd (io) bridges net_af_packet0 on fa and net_af_packet1 on fb. A net_ring
# link can only be set down from inside the process that owns it
# (rte_eth_dev_set_link_down), and nbfwd offers no command for that, so the
# links toggled here are the veths under net_af_packet, from outside, with
# `ip link set dev X down/up` in nbfwd's namespace.
# While a ping runs every 10 ms from a to b: fa down for 1 s, up; fb down for
# 1 s, up; then fa flapped 10 times in a row. After each: nbfwd still runs and
# answers telemetry. While fa is down, 3000 frames sent into fb are all
# received (the worker does not stall on fa's full tx ring) and those fa's
# ring cannot take are counted as tx_full. Afterwards ping a -> b loses
# nothing again and nbfwd's counters grew (it forwards after the link came
# back); it exits 0 on SIGTERM with every mbuf back, nothing dropped but
# tx_full.
set -euo pipefail
NBT_NAME=fault-link
. "$(dirname "$0")/lib.sh"

need_root "network namespaces"
need_cmd ip ping ethtool
need_hugepages 64
need_nbfwd

nbt_af_packet_io l link 110 10.78.0
ns_fwd=$NBT_NS_F ns_a=$NBT_NS_A ns_b=$NBT_NS_B

# port_rx PORT: rx_packets of a port, from /nbfwd/stats (nbfwd must answer)
port_rx() {
	"$NBT_PY" "$NBT_TOOLS/telemetry_query.py" "$NBT_PREFIX" /nbfwd/stats |
		"$NBT_PY" -c 'import json, sys
s = json.load(sys.stdin)["/nbfwd/stats"]
print(s[sys.argv[1]]["rx_packets"] if isinstance(s, dict) else s[int(sys.argv[1])]["rx_packets"])' \
		"$1" || fail "telemetry /nbfwd/stats did not answer"
}

# alive WHAT: nbfwd runs and answers telemetry
alive() {
	kill -0 "$NBT_PID" 2>/dev/null || { wait_nbfwd; fail "$1: nbfwd exited ($NBT_RC)"; }
	port_rx 0 >/dev/null
}

nbt_ping "$ns_a" 10.78.0.2 8 "before"
say "ok before: ping a -> b through nbfwd, 0% loss"

# a ping every 10 ms through all the flaps
bg_start 30 "$NBT_TMP/flood.log" ip netns exec "$ns_a" ping -i 0.01 -W 1 -w 8 10.78.0.2
flood=$BG_PID
sleep 0.5
"$NBT_PY" "$NBT_TOOLS/vmq_frames.py" "$NBT_TMP/frames" --count 3000 --max-len 1000 \
	--consumer x=02:00:00:00:00:0e >/dev/null || fail "vmq_frames.py"
for dev in fa fb; do
	ip -n "$ns_fwd" link set dev "$dev" down
	sleep 0.2
	alive "$dev down"
	if [ "$dev" = fa ]; then
		# 3000 frames into fb while fa, where they go, is down: the worker
		# must not stall on fa's full tx ring; it keeps receiving on fb
		rx1=$(port_rx 1)
		ip netns exec "$ns_b" timeout 60 "$NBT_PY" "$NBT_TOOLS/pcap_inject.py" b \
			"$NBT_TMP/frames/in.pcap" >/dev/null || fail "pcap_inject.py"
		sleep 0.3
		rx1b=$(port_rx 1)
		[ "$rx1b" -ge $((rx1 + 3000)) ] ||
			fail "fb received $((rx1b - rx1)) of 3000 frames while fa was down"
		say "ok fa down: fb still received the 3000 frames sent to it (rx $rx1 -> $rx1b)"
	fi
	sleep 0.8
	alive "$dev down"
	ip -n "$ns_fwd" link set dev "$dev" up
	sleep 0.5
	alive "$dev up"
	say "ok $dev down 1 s and up: nbfwd runs"
done
for _ in $(seq 10); do
	ip -n "$ns_fwd" link set dev fa down
	sleep 0.05
	ip -n "$ns_fwd" link set dev fa up
	sleep 0.05
done
alive "10 flaps of fa"
say "ok fa flapped 10 times: nbfwd runs"
bg_wait "$flood"
say "ping during the flaps: $(grep 'packet loss' "$NBT_TMP/flood.log" || echo '?')"
grep -q "packet loss" "$NBT_TMP/flood.log" || fail "the ping during the flaps did not finish"

rx0=$(port_rx 0)
rx1=$(port_rx 1)
nbt_ping "$ns_a" 10.78.0.2 8 "after the flaps"
sleep 0.2
rx0b=$(port_rx 0)
rx1b=$(port_rx 1)
[ "$rx0b" -ge $((rx0 + 5)) ] && [ "$rx1b" -ge $((rx1 + 5)) ] ||
	fail "nbfwd's rx counters did not grow with the pings: fa $rx0 -> $rx0b, fb $rx1 -> $rx1b"
say "ok after: ping 0% loss again, fa rx $rx0 -> $rx0b, fb rx $rx1 -> $rx1b"

stop_nbfwd
expect_ok "links flapped"
expect_zero_drops tx_full
expect_json ports.0.driver == net_af_packet ports.1.driver == net_af_packet \
	ports.0.tx_packets '>' 0 ports.1.tx_packets '>' 0
r0=$(json_get "$NBT_JSON" ports.0.rx_packets)
r1=$(json_get "$NBT_JSON" ports.1.rx_packets)
d0=$(json_get "$NBT_JSON" ports.0.dropped)
d1=$(json_get "$NBT_JSON" ports.1.dropped)
expect_json ports.1.tx_packets == $((r0 - d0)) ports.0.tx_packets == $((r1 - d1))
# fa's tx ring (512 frames) filled while fa was down: the rest was refused
[ "$d1" -gt 0 ] && [ "$d1" -le 3000 ] ||
	fail "frames from fb refused by fa while it was down: $d1 tx_full, expected 1..3000"
say "ok counters: fa rx $r0 (tx_full $d0), fb rx $r1 (tx_full $d1), mbufs in use at exit 0"
say PASS
