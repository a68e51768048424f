#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 15 item 4 on vdevs: what vmq asks of each port's receive filter.
#   unmatched = drop:    c1 on net_null0 (no MAC filter: mac_addr_add is not
#                        supported) -> refused, counted, promiscuous mode on
#                        for those consumers; c2 on net_ring0 (MAC all zero:
#                        no filter of its own) -> not added, promiscuous off
#   unmatched = forward: promiscuous mode on net_null0 for the unmatched frames
# Checked: the log lines, /nbfwd/info's per-port promiscuous and
# consumer_macs_added/refused, a clean exit with every mbuf back.
set -euo pipefail
NBT_NAME=vmq-filters
. "$(dirname "$0")/lib.sh"

need_nbfwd
need_hugepages 96

tq() {
	"$NBT_PY" "$NBT_SRC/app/test/tools/telemetry_query.py" "$NBT_PREFIX" "$@"
}

for unmatched in drop forward; do
	ini=$NBT_TMP/$unmatched.ini
	cat >"$ini" <<INI
[nbfwd]
mode = vmq
socket = $NBT_TMP/$unmatched.sock
[vmq]
unmatched = $unmatched
[port net_null0]
[port net_ring0]
[consumer c1]
port = net_null0
mac = 02:00:00:00:00:c1
vlan = 42
buffers = 256
[consumer c2]
port = net_ring0
mac = 02:00:00:00:00:c2
buffers = 256
INI
	NBT_LIMIT=30 start_nbfwd "$unmatched" --vdev net_null0 --vdev net_ring0 -- \
		-f "$ini" --time 4
	wait_log "forwarding: mode vmq" 20
	tq /nbfwd/info >"$NBT_TMP/info-$unmatched.json" || fail "telemetry query failed"
	wait_nbfwd
	expect_ok "vmq unmatched = $unmatched"
	expect_log "port 0 \\(net_null0\\): consumer c1's MAC 02:00:00:00:00:C1 not added to the device: Operation not supported" \
		"null: MAC refused"
	expect_log "port 1 \\(net_ring0\\): the device has no MAC address of its own, so no MAC filter: consumer MACs not added" \
		"ring: no MAC filter"
	if [ "$unmatched" = drop ]; then
		expect_log "port 0 \\(net_null0\\): 0 consumer MAC\\(s\\) added, promiscuous mode on for frames to the consumers whose MAC the device refused" \
			"null: promiscuous fallback"
		expect_log "port 1 \\(net_ring0\\): 0 consumer MAC\\(s\\) added, promiscuous mode off \\(unmatched = drop\\)" \
			"ring: promiscuous off"
		want='{"0": [1, 0, 1], "1": [0, 0, 0]}'
	else
		expect_log "port 0 \\(net_null0\\): 0 consumer MAC\\(s\\) added, promiscuous mode on for frames no consumer's MAC matches \\(unmatched = forward\\)" \
			"null: promiscuous for unmatched = forward"
		expect_log "port 1 \\(net_ring0\\): 0 consumer MAC\\(s\\) added, promiscuous mode (on|not offered)" \
			"ring: promiscuous asked"
		want='{"0": [1, 0, 1], "1": [-1, 0, 0]}'
	fi
	"$NBT_PY" - "$NBT_TMP/info-$unmatched.json" "$want" <<'PY' ||
import json, sys
ports = json.load(open(sys.argv[1]))["/nbfwd/info"]["ports_info"]
want = json.loads(sys.argv[2])
bad = []
for pid, (promisc, added, refused) in want.items():
    p = ports[pid]
    got = [p["promiscuous"], p["consumer_macs_added"], p["consumer_macs_refused"]]
    if got[1:] != [added, refused] or (promisc >= 0 and got[0] != promisc):
        bad.append("port %s: promiscuous, added, refused = %s, expected %s" %
                   (pid, got, [promisc, added, refused]))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
		fail "/nbfwd/info: filter counters wrong (above)"
	say "ok unmatched = $unmatched"
done
