#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# --max-segments caps the mbuf chain of a packet: a frame that arrives in more
# segments (net_pcap: 2048 data bytes in the first, 2176 in each next) is dropped and counted as too_many_segments,
# every other frame is forwarded unchanged, and no mbuf is lost.
set -euo pipefail
NBT_NAME=max-segments
. "$(dirname "$0")/lib.sh"

secs=${NBT_TIME:-2}
need_hugepages 64
need_nbfwd

# capture, --max-segments, mode (shared:NAME: the extra corpus's, when present);
# jumbo.pcap's frames of 3042, 4478, 5042 and 9014 B need 2, 3, 3 and 5 segments
cases=(
	"jumbo 2 io"
	"jumbo 3 l2fwd"
	"jumbo 1 macswap"
	"shared:no-ip-frag-all 2 io"
	"shared:no-ip-frag-all 3 l2fwd"
	"shared:of10_s4810 1 macswap"
)
for c in "${cases[@]}"; do
	read -r name maxseg mode <<<"$c"
	name=$(pcap_names "$name")
	[ -n "$name" ] || continue
	in=$(pcap "$name")
	out=$NBT_TMP/$name.seg$maxseg.pcap
	limit=$(seg_limit "$maxseg")
	n_in=$(pcap_field "$in" packets)
	n_big=$(pcap_field "$in" packets --min-caplen $((limit + 1)))
	n_fwd=$(pcap_field "$in" packets --max-caplen "$limit")
	segs=$(pcap_field "$in" segments --max-caplen "$limit")
	[ "$n_big" -gt 0 ] || fail "$name has no frame over $limit bytes: the case tests nothing"

	NBT_LIMIT=$((secs + 30)) run_nbfwd "$name.seg$maxseg" \
		--vdev "net_pcap0,rx_pcap=$in,tx_pcap=$out" -- \
		--mode "$mode" --max-segments "$maxseg" --time "$secs"
	expect_ok "$name --max-segments $maxseg"
	expect_json max_segments == "$maxseg" \
		rx_packets == "$n_in" tx_packets == "$n_fwd" dropped == "$n_big" \
		drops.too_many_segments == "$n_big" \
		ports.0.too_many_segments == "$n_big" ports.0.segments == "$segs" \
		ports.0.queues.0.too_many_segments == "$n_big" ports.0.rx_nombuf == 0
	expect_zero_drops too_many_segments
	if [ "$mode" = l2fwd ]; then
		res=$(compare_l2fwd --max-caplen "$limit" "$in" "$out")
	else
		res=$(pcap_compare --mode "$mode" --max-caplen "$limit" "$in" "$out")
	fi
	say "ok $name --max-segments $maxseg ($mode): rx $n_in, $n_big over $limit B dropped as too_many_segments, tx $n_fwd; $res"
done
say PASS
