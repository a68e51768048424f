#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# dpdk-dumpcap captures exactly what nbfwd forwards. Real captures
# (app/test/data/) replayed as real kernel traffic:
#   nbt-ca-PID [a] --veth-- [fa] nbt-cf-PID (nbfwd io: net_af_packet0 = fa,
#   net_af_packet1 = fb) [fb] --veth-- [b] nbt-cb-PID
# dumpcap on port 1 (it captures one interface at a time), then
# udp.pcap (DNS-like) is sent into a (port 1's tx) and tcp.pcap (HTTP) into b
# (port 1's rx): per direction the same packets byte for byte and in order as
# were sent, counts and bytes equal to nbfwd's counters, no capture drops, no
# mbuf leaked.
# Not net_pcap: nbfwd reads its rx file as soon as the port starts, and a
# FIFO fed later does not work either, because dumpcap, a secondary process,
# opens net_pcap's rx file itself when it probes the device.
set -euo pipefail
NBT_NAME=capture-forwarded
. "$(dirname "$0")/lib.sh"

need_cmd dpdk-dumpcap unshare stdbuf
need_hugepages 64
need_nbfwd
input=$(pcap udp)
n_in=$(pcap_field "$input" packets)
b_in=$(pcap_field "$input" bytes)
out=$NBT_TMP/cap.pcapng

# dumpcap_start PORT COUNT: dpdk-dumpcap on PORT (rx and tx) until COUNT packets.
# It takes no EAL options (no --no-pci): the PCI bus is hidden from it in a
# private mount namespace; it is a secondary of nbfwd's file prefix.
dumpcap_start() {
	local t
	timeout -k 5 60 unshare -m sh -c 'mount -t tmpfs -o ro,size=4k none /sys/bus/pci/devices &&
		exec stdbuf -o0 -e0 dpdk-dumpcap --file-prefix="$1" -i "$2" -c "$3" -w "$4"' \
		sh "$NBT_PREFIX" "$1" "$2" "$out" >"$NBT_TMP/dumpcap.log" 2>&1 </dev/null &
	DUMPCAP=$!
	NBT_PIDS+=("$DUMPCAP")
	for ((t = 0; t < 100; t++)); do
		grep -q "Capturing on" "$NBT_TMP/dumpcap.log" 2>/dev/null && break
		kill -0 "$DUMPCAP" 2>/dev/null || break
		sleep 0.1
	done
	grep -q "Capturing on" "$NBT_TMP/dumpcap.log" ||
		fail "dpdk-dumpcap did not start: $(cat "$NBT_TMP/dumpcap.log")"
	sleep 0.5
}

# dumpcap_end: it stopped by itself (at its count), without drops
dumpcap_end() {
	local rc=0
	wait "$DUMPCAP" || rc=$?
	nbt_forget_pid "$DUMPCAP"
	[ $rc = 0 ] || fail "dpdk-dumpcap exit status $rc: $(cat "$NBT_TMP/dumpcap.log")"
	grep -qE "Packets received/dropped on interface .*: [0-9]+/0 " "$NBT_TMP/dumpcap.log" ||
		fail "dpdk-dumpcap reports drops: $(grep 'received/dropped' "$NBT_TMP/dumpcap.log")"
}

# check_capture TX_PCAP RX_PCAP: split the pcapng (one interface: dumpcap names
# it after the device) and compare each direction, counts and bytes included
check_capture() {
	local split ifname
	split=$("$NBT_PY" "$NBT_TOOLS/pcapng_split.py" "$out" "$NBT_TMP/split") ||
		fail "pcapng_split: $split"
	say "captured: $split"
	ifname=$("$NBT_PY" -c 'import json, sys; d = json.loads(sys.argv[1]); assert len(d) == 1; print(list(d)[0])' "$split") ||
		fail "expected one captured interface, got $split"
	pcap_compare --mode io "$1" "$NBT_TMP/split/$ifname.tx.pcap" >/dev/null
	pcap_compare --mode io "$2" "$NBT_TMP/split/$ifname.rx.pcap" >/dev/null
	"$NBT_PY" - "$split" "$(pcap_field "$1" packets)" "$(pcap_field "$1" bytes)" \
		"$(pcap_field "$2" packets)" "$(pcap_field "$2" bytes)" <<'PY' ||
import json, sys
s = list(json.loads(sys.argv[1]).values())[0]
n, b, nb, bb = (int(x) for x in sys.argv[2:6])
for d, want in (("tx", [n, b]), ("rx", [nb, bb])):
	if s.get(d) != want:
		sys.exit("%s: captured %s, nbfwd forwarded %s" % (d, s.get(d), want))
PY
		fail "capture counts differ from what nbfwd forwarded"
}

need_root "network namespaces"
need_cmd ip ethtool
back=$(pcap tcp)
n_back=$(pcap_field "$back" packets)
nbt_fwd_netns c
ns_f=$NBT_NS_F ns_a=$NBT_NS_A ns_b=$NBT_NS_B

# a fixed base address away from libraries and ASan's shadow, where dumpcap
# (a secondary) can map nbfwd's memory too (as capture-stress does)
NBT_IN_NETNS=$ns_f NBT_LIMIT=90 start_nbfwd fwd --base-virtaddr 0x200000000000 \
	--vdev net_af_packet0,iface=fa --vdev net_af_packet1,iface=fb -- --mode io
wait_log "forwarding: mode io" 30
dumpcap_start net_af_packet1 "$((n_in + n_back))"
ip netns exec "$ns_a" timeout 60 "$NBT_PY" "$NBT_TOOLS/pcap_inject.py" a "$input" >/dev/null ||
	fail "pcap_inject.py a"
ip netns exec "$ns_b" timeout 60 "$NBT_PY" "$NBT_TOOLS/pcap_inject.py" b "$back" >/dev/null ||
	fail "pcap_inject.py b"
dumpcap_end
stop_nbfwd
expect_ok "nbfwd under capture"
expect_zero_drops
expect_json ports.0.rx_packets == "$n_in" ports.1.tx_packets == "$n_in" \
	ports.1.rx_packets == "$n_back" ports.0.tx_packets == "$n_back"
check_capture "$input" "$back"
say "ok: port 1 tx captured = the $n_in packets sent into a, port 1 rx = the $n_back" \
	"sent into b; byte for byte, equal to nbfwd's counters"
say PASS
