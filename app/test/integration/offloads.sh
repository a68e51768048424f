#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 15 items 3 and 6 on vdevs: each port's start-up line names the
# offloads requested and the burst mode each queue got (net_null says none:
# "n/a"); /nbfwd/info carries the same; an MTU a device cannot take is refused
# with the device's own numbers (net_pcap: no rx scatter for 9000; net_null:
# --mtu out of range).
set -euo pipefail
NBT_NAME=offloads
. "$(dirname "$0")/lib.sh"

need_hugepages 64
need_nbfwd

# macswap on a heap pool: nothing chains, net_null offers no offload to ask
run_nbfwd null --vdev net_null0 --vdev net_null1 -- --mode macswap --time 1
expect_ok "net_null macswap"
for p in 0 1; do
	expect_log "^nbfwd: port $p \\(net_null$p\\): offloads none; rx burst mode n/a; tx burst mode n/a$" \
		"start-up line of port $p"
done

# the same figures over telemetry
tq() {
	"$NBT_PY" "$NBT_SRC/app/test/tools/telemetry_query.py" "$NBT_PREFIX" "$@"
}
NBT_LIMIT=30 start_nbfwd tel --vdev net_null0 --vdev net_null1 -- --mode io --time 4
wait_log "forwarding: mode io" 20
tq /nbfwd/info >"$NBT_TMP/info.json" || fail "telemetry query failed"
wait_nbfwd
expect_ok "net_null io with telemetry"
"$NBT_PY" - "$NBT_TMP/info.json" <<'PY' || fail "/nbfwd/info: offloads or burst modes wrong (above)"
import json, sys
info = json.load(open(sys.argv[1]))["/nbfwd/info"]
ports = info.get("ports_info", {})
bad = []
for pid, name in (("0", "net_null0"), ("1", "net_null1")):
    want = {"name": name, "rx_offloads": 0, "tx_offloads": 0,
            "rx_burst_mode": "n/a", "tx_burst_mode": "n/a", "promiscuous": 1,
            "consumer_macs_added": 0, "consumer_macs_refused": 0}
    if ports.get(pid) != want:
        bad.append("port %s: %s, expected %s" % (pid, ports.get(pid), want))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY

# jumbo where the device cannot scatter: refused before any port starts
in=$(pcap DnsPackets)
run_nbfwd pcap-jumbo --vdev "net_pcap0,rx_pcap=$in,tx_pcap=$NBT_TMP/out.pcap" -- \
	--mtu 9000 --time 1
expect_rc "pcap --mtu 9000" 1
expect_log "port 0 \\(net_pcap0\\): MTU 9000 needs rx scatter \\(frames of 9018 bytes in buffers of 2048\\), which the device does not offer" \
	"scatter refusal"

# --mtu is range-checked like [nbfwd] mtu
run_nbfwd mtu-range --vdev net_null0 -- --mtu 9601 --time 1
expect_rc "--mtu 9601" 2
expect_log "option --mtu: expected an integer in 68..9600, got \"9601\" \\(out of range\\)" \
	"--mtu range"
say "ok offloads"
