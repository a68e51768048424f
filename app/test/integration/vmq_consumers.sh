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
set -euo pipefail
NBT_NAME=vmq-consumers
. "$(dirname "$0")/lib.sh"

need_root "network namespaces"
need_cmd ip ethtool
need_hugepages 96
need_nbfwd
NBCAP=$NBT_BUILD/app/nbcap/nbcap
[ -x "$NBCAP" ] || fail "nbcap is not built: $NBCAP"

ns_fwd=nbt-vf-$$
ns_a=nbt-va-$$
for ns in "$ns_fwd" "$ns_a"; do
	NBT_NETNS+=("$ns")
	ip netns add "$ns" || fail "ip netns add $ns"
	ip -n "$ns" link set dev lo up
done
ip -n "$ns_a" link add name a type veth peer name fa netns "$ns_fwd"
for x in "$ns_a a" "$ns_fwd fa"; do
	read -r ns dev <<<"$x"
	ip netns exec "$ns" ethtool -K "$dev" tx off tso off gso off gro off rxvlan off txvlan off \
		>/dev/null 2>&1 || true
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1" || true
	ip -n "$ns" link set dev "$dev" up
done

frames=$NBT_TMP/frames
"$NBT_PY" "$NBT_TOOLS/vmq_frames.py" "$frames" --count 400 \
	--consumer c1=02:00:00:00:00:c1 --consumer c2=02:00:00:00:00:c2@42 >/dev/null ||
	fail "vmq_frames.py"
n_c1=$(json_get "$frames/counts.json" c1)
n_c2=$(json_get "$frames/counts.json" c2)
n_total=$(json_get "$frames/counts.json" total)

sock=$NBT_TMP/nbshm.sock
ini=$NBT_TMP/vmq.ini
cat >"$ini" <<EOF
[nbfwd]
mode = vmq
socket = $sock
[vmq]
unmatched = drop
broadcast = drop
multicast = drop
[consumer c1]
port = net_af_packet0
mac = 02:00:00:00:00:c1
buffers = 1024
ring_size = 256
[consumer c2]
port = net_af_packet0
mac = 02:00:00:00:00:c2
vlan = 42
buffers = 1024
ring_size = 256
EOF

NBT_IN_NETNS=$ns_fwd NBT_LIMIT=120 start_nbfwd vmq --vdev net_af_packet0,iface=fa -- -f "$ini"
wait_log "consumers attach at" 30
[ -S "$sock" ] || fail "no attach socket at $sock"

# cap NAME TAG COUNT: start nbcap for consumer NAME, writing $NBT_TMP/TAG.pcap
cap() {
	bg_start 60 "$NBT_TMP/$2.log" "$NBCAP" -s "$sock" -n "$1" -w "$NBT_TMP/$2.pcap" \
		-c "$3" -t 50
	CAP_PID=$BG_PID
}
# wait_attached NAME N: nbfwd logged the N-th attach of consumer NAME
wait_attached() {
	local t
	for ((t = 0; t < 200; t++)); do
		[ "$(grep -c "consumer $1 attached" "$NBT_LOG")" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "consumer $1 did not attach (attach #$2) within 20 s"
}
# inject [ARGS]: send the mixed capture from namespace a
inject() {
	ip netns exec "$ns_a" timeout 60 "$NBT_PY" "$NBT_TOOLS/pcap_inject.py" a \
		"$frames/in.pcap" "$@" >/dev/null || fail "pcap_inject.py $*"
}
# summary TAG: the packets nbcap said it wrote
summary() {
	sed -nE 's/^nbcap: ([0-9]+) packets.*/\1/p' "$NBT_TMP/$1.log" | tail -n 1
}

# 1. both consumers attached, one full round
cap c1 c1-a "$n_c1"; pid1=$CAP_PID
cap c2 c2-a "$n_c2"; pid2=$CAP_PID
wait_attached c1 1
wait_attached c2 1
inject
bg_wait "$pid1"; rc1=$BG_RC
bg_wait "$pid2"; rc2=$BG_RC
[ "$rc1" = 0 ] || fail "nbcap c1 exit status $rc1: $(tail -n 5 "$NBT_TMP/c1-a.log")"
[ "$rc2" = 0 ] || fail "nbcap c2 exit status $rc2: $(tail -n 5 "$NBT_TMP/c2-a.log")"
pcap_compare --mode io "$frames/expect-c1.pcap" "$NBT_TMP/c1-a.pcap" >/dev/null
pcap_compare --mode io "$frames/expect-c2.pcap" "$NBT_TMP/c2-a.pcap" >/dev/null
say "ok round 1: c1 got its $n_c1 frames, c2 its $n_c2 (VLAN 42), byte for byte"

# 2. c2 killed mid-stream; c1 must not lose a frame
cap c1 c1-b "$n_c1"; pid1=$CAP_PID
bg_start 60 "$NBT_TMP/c2-b.log" "$NBCAP" -s "$sock" -n c2 -w "$NBT_TMP/c2-b.pcap" -t 50
pid2=$BG_PID
wait_attached c1 2
wait_attached c2 2
half=$((n_total / 2))
inject --stop "$half"
sleep 0.3
# the timeout wrapper's child is nbcap: SIGKILL it, not the wrapper
kill -KILL "$(pgrep -P "$pid2" -x nbcap)" 2>/dev/null || fail "nbcap c2 was not running"
bg_wait "$pid2"
for ((t = 0; t < 100; t++)); do
	grep -q "consumer c2 detached" "$NBT_LOG" && break
	sleep 0.1
done
grep -q "consumer c2 detached" "$NBT_LOG" || fail "nbfwd did not see c2 go"
inject --start "$half"
bg_wait "$pid1"
[ "$BG_RC" = 0 ] || fail "nbcap c1 (round 2) exit status $BG_RC: $(tail -n 5 "$NBT_TMP/c1-b.log")"
pcap_compare --mode io "$frames/expect-c1.pcap" "$NBT_TMP/c1-b.pcap" >/dev/null
say "ok round 2: c2 killed after $half frames, c1 still got all $n_c1 frames"

# 3. c2 attaches again and gets a full round
cap c2 c2-c "$n_c2"; pid2=$CAP_PID
wait_attached c2 3
inject
bg_wait "$pid2"
[ "$BG_RC" = 0 ] || fail "nbcap c2 (round 3) exit status $BG_RC: $(tail -n 5 "$NBT_TMP/c2-c.log")"
pcap_compare --mode io "$frames/expect-c2.pcap" "$NBT_TMP/c2-c.pcap" >/dev/null
say "ok round 3: c2 attached again and got its $n_c2 frames"

stop_nbfwd
expect_ok "vmq run"
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
