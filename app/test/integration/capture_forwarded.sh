#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# dpdk-dumpcap captures exactly what nbfwd forwards. Real kernel traffic:
#   nbt-ca-PID [a] --veth-- [fa] nbt-cf-PID (nbfwd io: net_af_packet0 = fa,
#   net_af_packet1 = fb) [fb] --veth-- [b] nbt-cb-PID
# nbfwd runs, dpdk-dumpcap attaches to port 1 for both directions (it
# captures one interface at a time), then real captures, read in place, are
# sent both ways: DnsPackets.pcap into a (out of port 1: its tx) and
# one_tcp_stream.pcap into b (into port 1: its rx). The capture must hold, per
# direction, the same packets byte for byte and in order as were sent; counts
# and bytes equal nbfwd's own counters; capturing drops nothing, leaks no mbuf.
set -euo pipefail
NBT_NAME=capture-forwarded
. "$(dirname "$0")/lib.sh"

need_root "network namespaces"
need_cmd ip ethtool dpdk-dumpcap unshare stdbuf
need_hugepages 64
need_nbfwd
input=$(pcap DnsPackets)
n_in=$(pcap_field "$input" packets)
b_in=$(pcap_field "$input" bytes)
back=$(pcap one_tcp_stream)
n_back=$(pcap_field "$back" packets)
b_back=$(pcap_field "$back" bytes)

ns_f=nbt-cf-$$
ns_a=nbt-ca-$$
ns_b=nbt-cb-$$
nbt_netns "$ns_f" "$ns_a" "$ns_b"
nbt_veth "$ns_a" a "$ns_f" fa
nbt_veth "$ns_b" b "$ns_f" fb

NBT_IN_NETNS=$ns_f NBT_LIMIT=90 start_nbfwd fwd \
	--vdev net_af_packet0,iface=fa --vdev net_af_packet1,iface=fb -- --mode io
wait_log "forwarding: mode io" 30

out=$NBT_TMP/cap.pcapng
# dumpcap takes no EAL options (no --no-pci): hide the PCI bus from it in a
# private mount namespace; it is a secondary of nbfwd's file prefix
timeout -k 5 60 unshare -m sh -c 'mount -t tmpfs -o ro,size=4k none /sys/bus/pci/devices &&
	exec stdbuf -o0 -e0 dpdk-dumpcap --file-prefix="$1" -i net_af_packet1 -c "$2" -w "$3"' \
	sh "$NBT_PREFIX" "$((n_in + n_back))" "$out" >"$NBT_TMP/dumpcap.log" 2>&1 </dev/null &
dumpcap=$!
NBT_PIDS+=("$dumpcap")
for ((t = 0; t < 100; t++)); do
	grep -q "Capturing on" "$NBT_TMP/dumpcap.log" 2>/dev/null && break
	kill -0 "$dumpcap" 2>/dev/null || break
	sleep 0.1
done
grep -q "Capturing on" "$NBT_TMP/dumpcap.log" ||
	fail "dpdk-dumpcap did not start: $(cat "$NBT_TMP/dumpcap.log")"
sleep 0.5

ip netns exec "$ns_a" timeout 60 "$NBT_PY" "$NBT_TOOLS/pcap_inject.py" a "$input" >/dev/null ||
	fail "pcap_inject.py a"
ip netns exec "$ns_b" timeout 60 "$NBT_PY" "$NBT_TOOLS/pcap_inject.py" b "$back" >/dev/null ||
	fail "pcap_inject.py b"
rc=0
wait "$dumpcap" || rc=$?
nbt_forget_pid "$dumpcap"
[ $rc = 0 ] || fail "dpdk-dumpcap exit status $rc: $(cat "$NBT_TMP/dumpcap.log")"
stop_nbfwd
expect_ok "nbfwd under capture"
expect_zero_drops

split=$("$NBT_PY" "$NBT_TOOLS/pcapng_split.py" "$out" "$NBT_TMP/split") || fail "pcapng_split: $split"
say "captured: $split"
# one interface block: dumpcap names it after the device's interface
ifname=$("$NBT_PY" -c 'import json, sys; d = json.loads(sys.argv[1]); assert len(d) == 1, d; print(list(d)[0])' "$split") ||
	fail "expected one captured interface, got $split"
pcap_compare --mode io "$input" "$NBT_TMP/split/$ifname.tx.pcap" >/dev/null
pcap_compare --mode io "$back" "$NBT_TMP/split/$ifname.rx.pcap" >/dev/null
expect_json ports.0.rx_packets == "$n_in" ports.1.tx_packets == "$n_in" \
	ports.1.rx_packets == "$n_back" ports.0.tx_packets == "$n_back"
"$NBT_PY" - "$split" "$n_in" "$b_in" "$n_back" "$b_back" <<'PY' ||
import json, sys
s = json.loads(sys.argv[1])
n, b, nb, bb = (int(x) for x in sys.argv[2:6])
for d, want in (("tx", [n, b]), ("rx", [nb, bb])):
	got = list(s.values())[0].get(d)
	if got != want:
		sys.exit("port 1 %s: captured %s, nbfwd forwarded %s" % (d, got, want))
PY
	fail "capture counts differ from what nbfwd forwarded"
grep -qE "Packets received/dropped on interface .*: [0-9]+/0 " "$NBT_TMP/dumpcap.log" ||
	fail "dpdk-dumpcap reports drops: $(grep 'received/dropped' "$NBT_TMP/dumpcap.log")"
say "ok: port 1 tx captured = the $n_in packets ($b_in B) sent into a; port 1 rx captured" \
	"= the $n_back ($b_back B) sent into b; byte for byte, equal to nbfwd's counters"
say PASS
