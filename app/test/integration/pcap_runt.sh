#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Frames no real capture here holds, from a synthetic pcap written to the
# test's temporary directory: empty, and shorter than two MAC addresses.
# io forwards everything but the empty frame (a zero-length segment never
# resolves: zero_length); macswap and l2fwd also drop the frames under 12
# bytes as runt. Nothing else is touched; no mbuf is lost.
set -euo pipefail
NBT_NAME=pcap-runt
. "$(dirname "$0")/lib.sh"

secs=${NBT_TIME:-2}
need_hugepages 64
need_nbfwd

lens=(0 1 5 6 11 12 13 14 60 11 2048 2049)
in=$NBT_TMP/tiny.pcap
"$NBT_PY" "$NBT_TOOLS/pcap_synth.py" "$in" "${lens[@]}" || fail "cannot write $in"
n_in=${#lens[@]}
n_empty=0
n_runt=0
for l in "${lens[@]}"; do
	[ "$l" -ne 0 ] || n_empty=$((n_empty + 1))
	[ "$l" -eq 0 ] || [ "$l" -ge 12 ] || n_runt=$((n_runt + 1))
done

for mode in io macswap l2fwd; do
	out=$NBT_TMP/tiny.$mode.pcap
	runt=0
	[ "$mode" = io ] || runt=$n_runt
	n_fwd=$((n_in - n_empty - runt))
	NBT_LIMIT=$((secs + 30)) run_nbfwd "tiny.$mode" \
		--vdev "net_pcap0,rx_pcap=$in,tx_pcap=$out" -- --mode "$mode" --time "$secs"
	expect_ok "runts $mode"
	expect_json rx_packets == "$n_in" tx_packets == "$n_fwd" \
		dropped == $((n_empty + runt)) drops.zero_length == "$n_empty" drops.runt == "$runt"
	expect_zero_drops zero_length runt
	case "$mode" in
	io) res=$(pcap_compare --mode io --min-caplen 1 "$in" "$out") ;;
	macswap) res=$(pcap_compare --mode macswap "$in" "$out") ;;
	l2fwd) res=$(compare_l2fwd "$in" "$out") ;;
	esac
	say "ok $mode: rx $n_in, zero_length $n_empty, runt $runt, tx $n_fwd; $res"
done
say PASS
