#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Ports and lcores without an INI file, on net_pcap ports:
#   pcap_ports.sh pairing   three ports: 0<->1 paired, the odd last port 2
#                           forwards to itself; l2fwd writes each tx port's own
#                           addresses; stopped with SIGINT (no --time)
#   pcap_ports.sh workers   two worker lcores, one port with two rx/tx queue
#                           pairs (two rx_pcap, two tx_pcap): queue q is worker
#                           q's and leaves on tx queue q
set -euo pipefail
NBT_NAME=pcap-${1:-pairing}
. "$(dirname "$0")/lib.sh"

case=${1:?usage: pcap_ports.sh pairing|workers}
secs=${NBT_TIME:-2}
need_hugepages 64
need_nbfwd

pairing() {
	local names=(vlan arp-icmp be-ns) i peer vdevs=() dst
	local ins=() outs=() counts=() macs=()
	for i in 0 1 2; do
		ins+=("$(pcap "${names[$i]}")")
		outs+=("$NBT_TMP/port$i.pcap")
		counts+=("$(pcap_field "${ins[$i]}" packets --min-caplen 12)")
		vdevs+=(--vdev "net_pcap$i,rx_pcap=${ins[$i]},tx_pcap=${outs[$i]}")
	done
	NBT_LIMIT=60 start_nbfwd pairing "${vdevs[@]}" -- --mode l2fwd
	wait_log "forwarding: mode l2fwd" 30
	sleep "$secs"
	kill -INT "$NBT_PID"
	wait_nbfwd
	expect_ok "3 ports, SIGINT"
	expect_json ports.0.peer == 1 ports.1.peer == 0 ports.2.peer == 2 \
		ports.0.rx_packets == "${counts[0]}" ports.1.tx_packets == "${counts[0]}" \
		ports.1.rx_packets == "${counts[1]}" ports.0.tx_packets == "${counts[1]}" \
		ports.2.rx_packets == "${counts[2]}" ports.2.tx_packets == "${counts[2]}"
	expect_zero_drops ""
	for i in 0 1 2; do
		macs+=("$(port_mac "$i")")
	done
	if [ "${macs[0]}" = "${macs[1]}" ] || [ "${macs[1]}" = "${macs[2]}" ] ||
			[ "${macs[0]}" = "${macs[2]}" ]; then
		fail "ports share a MAC: ${macs[*]}"
	fi
	# what port i received left through its peer: l2fwd with the peer's addresses
	for i in 0 1 2; do
		case $i in 0) peer=1 ;; 1) peer=0 ;; 2) peer=2 ;; esac
		dst=02:00:00:00:00:0$peer
		res=$(pcap_compare --mode l2fwd --l2fwd-dst "$dst" --l2fwd-src "${macs[$peer]}" \
			"${ins[$i]}" "${outs[$peer]}")
		say "ok port $i (${names[$i]}) -> port $peer (dst $dst src ${macs[$peer]}): $res"
	done
}

workers() {
	local a b na nb oa=$NBT_TMP/q0.pcap ob=$NBT_TMP/q1.pcap
	a=$(pcap mix)
	b=$(pcap jumbo)
	na=$(pcap_field "$a" packets)
	nb=$(pcap_field "$b" packets)
	# two workers share CPU 1 (slow, but this is about who polls what)
	NBT_LIMIT=$((secs + 30)) run_nbfwd workers --lcores 0@0,1@1,2@1 \
		--vdev "net_pcap0,rx_pcap=$a,rx_pcap=$b,tx_pcap=$oa,tx_pcap=$ob" -- \
		--mode macswap --time "$secs"
	expect_ok "2 workers"
	expect_json workers == 2 rx_packets == $((na + nb)) tx_packets == $((na + nb)) \
		ports.0.queues.0.rx_packets == "$na" ports.0.queues.0.forwarded == "$na" \
		ports.0.queues.1.rx_packets == "$nb" ports.0.queues.1.forwarded == "$nb"
	expect_zero_drops ""
	res=$(pcap_compare --mode macswap "$a" "$oa")
	say "ok queue 0 (mix) -> tx queue 0: $res"
	res=$(pcap_compare --mode macswap "$b" "$ob")
	say "ok queue 1 (jumbo) -> tx queue 1: $res"
}

case "$case" in
pairing) pairing ;;
workers) workers ;;
*) fail "unknown case $case" ;;
esac
say PASS
