#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 15 item 6: jumbo frames (MTU 9000) through the rx-scatter path.
#
# 1. net_ring0 ([port] mtu = 9000: needs rx scatter, which net_ring offers)
#    paired with net_pcap0 reading 9014-byte frames: the start-up lines show
#    SCATTER on the ring's rx and warn that chains reach the pcap's tx, which
#    does not offer MULTI_SEGS; every frame crosses the ring as a chain of 2048-byte mbufs and comes
#    out byte-exact.
# 2. Devices that cannot take MTU 9000 refuse it with their own numbers,
#    before any port starts: net_af_packet on a veth pair with MTU 9000 (it
#    copies a frame into one mbuf: max_rx_pktlen 1518) and net_tap (1522 in
#    DPDK 22.11), both in a network namespace made here (removed at exit).
set -euo pipefail
NBT_NAME=jumbo
. "$(dirname "$0")/lib.sh"

need_hugepages 64
need_nbfwd

# 1. chains through net_ring0 at MTU 9000
n=40
in=$NBT_TMP/jumbo.pcap
out=$NBT_TMP/jumbo.out.pcap
# shellcheck disable=SC2046
"$NBT_PY" "$NBT_TOOLS/pcap_synth.py" "$in" $(for _ in $(seq $n); do echo 9014; done) ||
	fail "pcap_synth"
ini=$NBT_TMP/jumbo.ini
cat >"$ini" <<EOT
[port net_pcap0]
[port net_ring0]
mtu = 9000
EOT
run_nbfwd ring --vdev "net_pcap0,rx_pcap=$in,tx_pcap=$out" --vdev net_ring0 -- \
	-f "$ini" --mode io --time 2
expect_ok "pcap + ring at MTU 9000"
# the ring's chains reach the pcap's tx, and net_pcap does not offer MULTI_SEGS
# (its tx copies chains out whole all the same): a warning, nothing requested
expect_log "port 0 \\(net_pcap0\\): chained frames may reach it and the device does not offer tx MULTI_SEGS" \
	"pcap port: chains without MULTI_SEGS"
expect_log "port 0 \\(net_pcap0\\): offloads none; rx burst mode n/a; tx burst mode n/a" \
	"pcap port: no offloads"
expect_log "port 1 \\(net_ring0\\): offloads rx SCATTER; rx burst mode n/a; tx burst mode n/a" \
	"ring port: SCATTER"
# 9014 bytes in 2048-byte buffers: 5 mbufs a frame, on both hops
expect_json ports.0.rx_packets == "$n" ports.1.rx_packets == "$n" \
	ports.0.tx_packets == "$n" ports.0.segments == $((n * 5)) \
	ports.1.segments == $((n * 5)) dropped == 0
res=$(pcap_compare --mode io "$in" "$out")
say "ok ring MTU 9000: $res"

# 2. refusals with the device's numbers
need_root "network namespaces"
need_cmd ip
pfx=${NBT_IF_PREFIX:-nbt}
ns=$pfx-jumbo-$$
nbt_netns "$ns"
ip -n "$ns" link add name "${pfx}va" mtu 9000 type veth peer name "${pfx}vb" mtu 9000 ||
	fail "veth pair in $ns"
ip -n "$ns" link set dev "${pfx}va" up
ip -n "$ns" link set dev "${pfx}vb" up
NBT_IN_NETNS=$ns run_nbfwd af-packet --vdev "net_af_packet0,iface=${pfx}va" \
	--vdev "net_af_packet1,iface=${pfx}vb" -- --mode io --mtu 9000 --time 1
expect_rc "af_packet --mtu 9000" 1
expect_log "port 0 \\(net_af_packet0\\): MTU 9000 makes frames of 9018 bytes, the device receives at most 1518 \\(max_rx_pktlen\\)" \
	"af_packet MTU refusal"
if [ -c /dev/net/tun ]; then
	NBT_IN_NETNS=$ns run_nbfwd tap --vdev "net_tap0,iface=${pfx}t0" -- \
		--mode io --mtu 9000 --time 1
	expect_rc "net_tap --mtu 9000" 1
	expect_log "port 0 \\(net_tap0\\): MTU 9000 makes frames of 9018 bytes, the device receives at most [0-9]+ \\(max_rx_pktlen\\)" \
		"net_tap MTU refusal"
fi
say "ok jumbo"
