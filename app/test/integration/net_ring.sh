#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two ports: net_pcap0 (reads a capture, writes what comes back) paired with
# net_ring0 (no arguments: its tx ring is its rx ring). Every packet crosses
# nbfwd twice: pcap -> ring -> (loop) -> ring -> pcap. The output must equal
# the input after the mode's rewrite applied twice, and both ports' counters
# must agree with each other.
#   net_ring.sh            the above
#   net_ring.sh tx-first   net_ring0 alone (its own peer), seeded by
#                          --tx-first: the burst circulates until --time ends,
#                          and every mbuf (also those left in the ring) must
#                          be back in its pool at exit
set -euo pipefail
NBT_NAME=net-ring${1:+-$1}
. "$(dirname "$0")/lib.sh"

secs=${NBT_TIME:-2}
need_hugepages 64
need_nbfwd

if [ "${1:-}" = tx-first ]; then
	for mode in io macswap; do
		NBT_LIMIT=$((secs + 30)) run_nbfwd "txfirst.$mode" --vdev net_ring0 -- \
			--mode "$mode" --tx-first --time "$secs"
		expect_log "--tx-first: sent [1-9][0-9]* packets" "--tx-first"
		expect_ok "net_ring0 --tx-first $mode"
		expect_json ports.0.driver == net_ring ports.0.peer == 0 \
			rx_packets '>' 1000 tx_packets '>' 1000
		expect_zero_drops
		say "ok --tx-first $mode: rx $(json_get "$NBT_JSON" rx_packets), all mbufs back"
	done
	say PASS
	exit 0
fi

# capture, mode (shared:NAME: the extra corpus's, when present)
cases=(
	"jumbo io"
	"mix macswap"
	"vlan l2fwd"
	"shared:no-ip-frag-all io"
	"shared:many-protocols macswap"
	"shared:VlanPackets l2fwd"
)
for c in "${cases[@]}"; do
	read -r name mode <<<"$c"
	name=$(pcap_names "$name")
	[ -n "$name" ] || continue
	in=$(pcap "$name")
	out=$NBT_TMP/$name.ring.$mode.pcap
	min=0
	[ "$mode" = io ] || min=12
	n_in=$(pcap_field "$in" packets)
	n_fwd=$(pcap_field "$in" packets --min-caplen "$min")
	runts=$((n_in - n_fwd))

	NBT_LIMIT=$((secs + 30)) run_nbfwd "$name.ring.$mode" \
		--vdev "net_pcap0,rx_pcap=$in,tx_pcap=$out" --vdev net_ring0 -- \
		--mode "$mode" --time "$secs"
	expect_ok "$name ring $mode"
	# runts are dropped on the first hop, they never reach the ring
	expect_json \
		ports.0.name == net_pcap0 ports.0.driver == net_pcap ports.0.peer == 1 \
		ports.1.name == net_ring0 ports.1.driver == net_ring ports.1.peer == 0 \
		ports.0.rx_packets == "$n_in" ports.1.tx_packets == "$n_fwd" \
		ports.1.rx_packets == "$n_fwd" ports.0.tx_packets == "$n_fwd" \
		ports.0.dropped == "$runts" ports.1.dropped == 0 \
		ports.0.runt == "$runts" \
		rx_packets == $((n_in + n_fwd)) tx_packets == $((2 * n_fwd)) \
		dropped == "$runts" ports.0.rx_nombuf == 0 ports.1.rx_nombuf == 0
	expect_zero_drops runt
	case "$mode" in
	io)
		# jumbo frames: the chains must have crossed the ring as chains
		segs=$(pcap_field "$in" segments)
		expect_json ports.0.segments == "$segs" ports.1.segments == "$segs"
		res=$(pcap_compare --mode io "$in" "$out")
		;;
	macswap)
		# swapped on each hop: back as it was; runts absent
		res=$(pcap_compare --mode io --min-caplen 12 "$in" "$out")
		;;
	l2fwd)
		# the last rewrite wins: tx port 0's addresses
		res=$(compare_l2fwd "$in" "$out")
		;;
	esac
	say "ok $name ($mode): pcap rx $n_in -> ring tx/rx $n_fwd -> pcap tx $n_fwd; $res"
done
say PASS
