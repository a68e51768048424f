#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vmq mode with two consumers, fed with real kernel traffic over net_af_packet.
#   nbt-a-PID [a] --veth-- [fa] nbt-fwd-PID (nbfwd --mode vmq, net_af_packet0 on fa)
# Consumers c1 (MAC 02:00:00:00:00:c1, any VLAN) and c2 (MAC 02:00:00:00:00:c2,
# VLAN 42) attach over the unix socket with nbcap (the client library's
# capture example) and write what they receive to pcaps. A mixed capture made
# by vmq_frames.py (unicast to each, wrong VLAN, unknown MACs, broadcast,
# multicast) is sent from a into the veth.
#   1. each consumer gets exactly the frames addressed to it, byte for byte;
#      the rest is dropped by policy (counted as filtered)
#   2. c2 is killed with SIGKILL after half of a second round: nbfwd keeps
#      going, c1 loses nothing, c2's lent buffers are taken back; c2 attaches
#      again and receives what is sent after that
#   3. at exit: every mbuf back in its pool, counters reconcile.
# Argument: c1's steering, software (default) or port. With port, every frame
# the port receives lands in c1's region: c1's are lent with no copy, the
# others (c2's, broadcast, unknown) are dropped as not_owner, never forwarded
# (unmatched = forward in this variant) nor copied to anyone; c2 has a port
# of its own (vmq_lib.sh) fed with the same frames.
set -euo pipefail
VMQ_C1_STEERING=${1:-software}
NBT_NAME=vmq-consumers${1:+-$1}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vmq_lib.sh"

vmq_setup 400
frames=$VMQ_FRAMES
n_c1=$(json_get "$frames/counts.json" c1)
n_c2=$(json_get "$frames/counts.json" c2)
n_total=$(json_get "$frames/counts.json" total)
vmq_start

# 1. both consumers attached, one full round
cap c1 c1-a "$n_c1"; pid1=$CAP_PID
cap c2 c2-a "$n_c2"; pid2=$CAP_PID
wait_attached c1 1
wait_attached c2 1
inject
cap_done "$pid1" c1-a "$frames/expect-c1.pcap"
cap_done "$pid2" c2-a "$frames/expect-c2.pcap"
say "ok round 1: c1 got its $n_c1 frames, c2 its $n_c2 (VLAN 42), byte for byte"
# both slept on the eventfd and nbfwd woke them (need_wakeup seen after a publish,
# or on a later poll), not only their 100 ms timeouts
for t in c1-a c2-a; do
	w=$(json_get "$NBT_TMP/$t.json" client.wakeups)
	[ "$w" -ge 1 ] || fail "nbcap $t was never woken through the eventfd (wakeups $w)"
done
say "ok nbfwd woke the sleeping consumers through the eventfd"
# /nbfwd/consumers while nbfwd runs: both detached again, everything returned
wait_detached c1 1
wait_detached c2 1
"$NBT_PY" "$NBT_TOOLS/telemetry_query.py" "$NBT_PREFIX" /nbfwd/consumers >"$NBT_TMP/tel.json" ||
	fail "telemetry query /nbfwd/consumers failed"
"$NBT_PY" - "$NBT_TMP/tel.json" "$n_c1" "$n_c2" "$VMQ_C1_STEERING" <<'PY' ||
import json, sys
c = json.load(open(sys.argv[1]))["/nbfwd/consumers"]
want = {"c1": int(sys.argv[2]), "c2": int(sys.argv[3])}
steering = {"c1": sys.argv[4], "c2": "software"}
bad = 0
for k, v in c.items():
	n = want.get(v["name"])
	exp = {"delivered": n, "returned": n, "lent_now": 0, "state": "detached", "attaches": 1,
		"steering": steering[v["name"]], "mac": "02:00:00:00:00:%s" % v["name"]}
	for key, val in exp.items():
		if v.get(key) != val:
			print("FAIL: consumer %s %s = %s, expected %s" % (v["name"], key, v.get(key), val))
			bad += 1
	if any(v["rejects"].values()) or set(v["drops"]) != {"detached", "ring_full",
			"no_buffer", "too_long", "tx_full", "tx_runt", "tx_too_long",
			"tx_too_many_segments", "tx_spoofed", "tx_prepare"} or v["stalled"] != 0:
		print("FAIL: consumer %s drops %s rejects %s" % (v["name"], v["drops"], v["rejects"]))
		bad += 1
if sorted(v["name"] for v in c.values()) != ["c1", "c2"] or c["1"]["vlan"] != 42:
	print("FAIL: consumers %s" % c)
	bad += 1
sys.exit(1 if bad else 0)
PY
	fail "/nbfwd/consumers wrong (above)"
say "ok /nbfwd/consumers: delivered = returned, nothing lent, per-reason counters"

# 2. c2 killed mid-stream; c1 must not lose a frame
cap c1 c1-b "$n_c1"; pid1=$CAP_PID
bg_start 60 "$NBT_TMP/c2-b.log" "$NBCAP" -s "$VMQ_SOCK" -n c2 -w "$NBT_TMP/c2-b.pcap" -t 50
pid2=$BG_PID
wait_attached c1 2
wait_attached c2 2
half=$((n_total / 2))
inject --stop "$half"
sleep 0.3
# the timeout wrapper's child is nbcap: SIGKILL it, not the wrapper
kill -KILL "$(pgrep -P "$pid2" -x nbcap)" 2>/dev/null || fail "nbcap c2 was not running"
bg_wait "$pid2" 2>/dev/null
wait_detached c2 2
inject --start "$half"
cap_done "$pid1" c1-b "$frames/expect-c1.pcap"
say "ok round 2: c2 killed after $half frames, c1 still got all $n_c1 frames"

# 3. c2 attaches again and gets a full round
cap c2 c2-c "$n_c2"; pid2=$CAP_PID
wait_attached c2 3
inject
cap_done "$pid2" c2-c "$frames/expect-c2.pcap"
say "ok round 3: c2 attached again and got its $n_c2 frames"

stop_nbfwd
expect_ok "vmq run"
if [ "$VMQ_C1_STEERING" = port ]; then
	expect_log "consumer c1: every rx queue of port [0-9]* \(net_af_packet0\) fills from its region" \
		"c1 owns the port's rx queues"
	expect_log "pool [^ ]* \(consumer c1\): all 4096 mbufs returned" "c1's pool (the rx ring's too)"
	# c1's port: the others' frames dropped as not_owner, none forwarded
	nown=$(json_get "$NBT_JSON" ports.0.not_owner)
	[ "$nown" -ge $((3 * (n_total - n_c1))) ] ||
		fail "port 0: not_owner $nown, expected >= $((3 * (n_total - n_c1)))"
	# (tx_packets counts by the port sent out of: port 1 is port 0's peer)
	expect_json ports.1.tx_packets == 0 ports.0.delivered == $((2 * n_c1)) \
		ports.0.filtered == 0 ports.0.tx_packets '>' 0
	say "ok c1's port: $nown frames not for c1 dropped as not_owner, none forwarded"
fi
expect_json consumers.0.name == c1 consumers.1.name == c2 \
	consumers.0.attaches == 2 consumers.1.attaches == 3 \
	consumers.0.delivered == $((2 * n_c1)) consumers.0.returned == $((2 * n_c1)) \
	consumers.0.lent_now == 0 consumers.1.lent_now == 0 \
	consumers.0.drops.detached == "$n_c1" \
	consumers.0.rejects.bad_handle == 0 consumers.1.rejects.not_lent == 0
expect_zero_drops filtered consumer
d1=$(json_get "$NBT_JSON" consumers.1.delivered)
r1=$(json_get "$NBT_JSON" consumers.1.returned)
k1=$(json_get "$NBT_JSON" consumers.1.reclaimed)
expect_eq "c2: delivered = returned + reclaimed" "$d1" "$((r1 + k1))"
rx=$(json_get "$NBT_JSON" ports.0.rx_packets)
del=$(json_get "$NBT_JSON" ports.0.delivered)
drp=$(json_get "$NBT_JSON" ports.0.dropped)
expect_eq "port rx = delivered + dropped" "$rx" "$((del + drp))"
[ "$rx" -ge $((3 * n_total)) ] || fail "port received $rx frames, sent $((3 * n_total))"
say "ok counters: rx $rx = delivered $del + dropped $drp; c2 delivered $d1 = returned $r1 + reclaimed $k1"
say PASS
