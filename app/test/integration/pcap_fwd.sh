#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# nbfwd on one net_pcap port (forwards back out of itself) reads a real capture
# and writes what it forwards; the output must equal the input byte for byte,
# with the mode's MAC rewrite, and every counter must add up.
#   pcap_fwd.sh MODE [CAPTURE...]     MODE: io | macswap | l2fwd
# CAPTURE is a name without .pcap: one of app/test/data/, or shared:NAME, one
# of the extra corpus (NBSHM_PCAPS, ../shared/pcaps), run only when present.
set -euo pipefail
NBT_NAME=${NBT_NAME:-pcap-${1:-io}}
. "$(dirname "$0")/lib.sh"

mode=${1:?usage: pcap_fwd.sh io|macswap|l2fwd [CAPTURE...]}
shift
case "$mode" in
io|macswap|l2fwd) ;;
*) fail "unknown mode $mode" ;;
esac
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
	# io is cheap: every capture; the rewriting modes: the ones that differ
	# in a way that matters (frames < 60 B, VLAN, thousands, truncated, BE/ns,
	# jumbo)
	args=(mix vlan jumbo trunc be-ns arp-icmp
		shared:many-protocols shared:VlanPackets shared:tls2 shared:babel_update_oobr
		shared:nanosecs_big_endian shared:no-ip-frag-all shared:of10_s4810
		shared:gateway_or_not)
	[ "$mode" != io ] || args+=(tcp udp shared:one_tcp_stream shared:DnsPackets
		shared:frag_with_padding shared:ip6_fragments)
fi
mapfile -t captures < <(pcap_names "${args[@]}")
secs=${NBT_TIME:-2}
need_hugepages 64
need_nbfwd

# frames too short for two MAC addresses are dropped (runt) by the rewriting modes
min=0
[ "$mode" = io ] || min=12

for name in "${captures[@]}"; do
	in=$(pcap "$name")
	out=$NBT_TMP/$name.$mode.pcap
	n_in=$(pcap_field "$in" packets)
	n_fwd=$(pcap_field "$in" packets --min-caplen "$min")
	segs=$(pcap_field "$in" segments)
	runts=$((n_in - n_fwd))

	NBT_LIMIT=$((secs + 30)) run_nbfwd "$name.$mode" \
		--vdev "net_pcap0,rx_pcap=$in,tx_pcap=$out" -- --mode "$mode" --time "$secs"
	expect_ok "$name $mode"
	expect_json mode == "$mode" workers == 1 \
		rx_packets == "$n_in" tx_packets == "$n_fwd" dropped == "$runts" \
		drops.runt == "$runts" \
		ports.0.driver == net_pcap ports.0.peer == 0 \
		ports.0.rx_packets == "$n_in" ports.0.tx_packets == "$n_fwd" \
		ports.0.segments == "$segs" ports.0.rx_nombuf == 0 ports.0.imissed == 0 \
		ports.0.queues.0.rx_packets == "$n_in" ports.0.queues.0.forwarded == "$n_fwd"
	expect_zero_drops runt
	if [ "$segs" -gt "$n_in" ]; then
		# frames over 2048 bytes must have crossed as mbuf chains
		expect_json ports.0.segments '>' "$n_in"
	fi
	[ -s "$out" ] || fail "$name $mode: net_pcap wrote no output file $out"

	case "$mode" in
	io|macswap)
		res=$(pcap_compare --mode "$mode" "$in" "$out")
		;;
	l2fwd)
		res="$(compare_l2fwd "$in" "$out") (src $(port_mac 0))"
		;;
	esac
	extra=
	[ "$runts" -eq 0 ] || extra=", $runts runts dropped"
	[ "$segs" -eq "$n_in" ] || extra="$extra, $segs segments: multi-segment chains crossed"
	say "ok $name: rx $n_in tx $n_fwd$extra; $res"
done
say "PASS ($mode, ${#captures[@]} captures)"
