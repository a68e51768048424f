#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Real kernel traffic through nbfwd over net_af_packet. Three network
# namespaces made here and removed at exit:
#   nbt-a-PID  [a 10.77.0.1/24] --veth-- [fa]  nbt-fwd-PID  [fb] --veth-- [b 10.77.0.2/24]  nbt-b-PID
# nbfwd runs inside nbt-fwd-PID with net_af_packet0 on fa and net_af_packet1 on
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

ns_fwd=nbt-fwd-$$
ns_a=nbt-a-$$
ns_b=nbt-b-$$
for ns in "$ns_fwd" "$ns_a" "$ns_b"; do
	NBT_NETNS+=("$ns")
	ip netns add "$ns" || fail "ip netns add $ns"
	ip -n "$ns" link set dev lo up
done
# veth pairs made inside the namespaces, never in the root one
ip -n "$ns_a" link add name a type veth peer name fa netns "$ns_fwd"
ip -n "$ns_b" link add name b type veth peer name fb netns "$ns_fwd"
ip -n "$ns_a" addr add 10.77.0.1/24 dev a
ip -n "$ns_b" addr add 10.77.0.2/24 dev b
for x in "$ns_a a" "$ns_b b" "$ns_fwd fa" "$ns_fwd fb"; do
	read -r ns dev <<<"$x"
	# af_packet sees what the veth carries: no TSO/GSO super-frames, no
	# partial checksums left for an offload that never comes, no GRO
	ip netns exec "$ns" ethtool -K "$dev" tx off tso off gso off gro off >/dev/null 2>&1 ||
		say "note: ethtool -K $dev: some offloads could not be changed"
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1" || true
	ip -n "$ns" link set dev "$dev" up
done

NBT_IN_NETNS=$ns_fwd NBT_LIMIT=120 start_nbfwd af_packet \
	--vdev net_af_packet0,iface=fa --vdev net_af_packet1,iface=fb -- --mode io
wait_log "forwarding: mode io" 30

# first contact: ARP through nbfwd (allow the very first probe to be lost)
ok=0
for _ in 1 2 3 4 5; do
	if timeout 5 ip netns exec "$ns_a" ping -c 1 -W 2 10.77.0.2 >/dev/null 2>&1; then
		ok=1
		break
	fi
done
[ $ok = 1 ] || fail "10.77.0.1 cannot reach 10.77.0.2 through nbfwd (5 pings)"

ping_out=$(ip netns exec "$ns_a" timeout 30 ping -c 5 -i 0.2 -W 2 10.77.0.2 2>&1) ||
	fail "ping -c 5 through nbfwd failed:"$'\n'"$ping_out"
echo "$ping_out" | grep -q " 0% packet loss" ||
	fail "ping through nbfwd lost packets:"$'\n'"$ping_out"
say "ok ping: $(echo "$ping_out" | grep 'packet loss')"

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
