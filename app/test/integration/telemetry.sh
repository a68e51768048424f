#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# nbfwd's rte_telemetry commands over the telemetry socket of its file prefix:
# /nbfwd/info, /nbfwd/stats, /nbfwd/drops, /nbfwd/regions answer while it
# forwards, the counters move between two queries, and agree with the exit JSON.
set -euo pipefail
NBT_NAME=telemetry
. "$(dirname "$0")/lib.sh"

need_hugepages 64
need_nbfwd

tq() {
	"$NBT_PY" "$NBT_SRC/app/test/tools/telemetry_query.py" "$NBT_PREFIX" "$@"
}

NBT_LIMIT=40 start_nbfwd tel --vdev net_null0 --vdev net_null1 -- --mode macswap --time 6
sock=/var/run/dpdk/$NBT_PREFIX/dpdk_telemetry.v2
for _ in $(seq 50); do
	[ -S "$sock" ] && grep -q "forwarding:" "$NBT_LOG" && break
	sleep 0.1
done
[ -S "$sock" ] || fail "no telemetry socket $sock"
tq /nbfwd/info /nbfwd/stats /nbfwd/drops /nbfwd/regions >"$NBT_TMP/q1.json" ||
	fail "telemetry query failed"
sleep 1.5
tq /nbfwd/stats >"$NBT_TMP/q2.json" || fail "second telemetry query failed"
wait_nbfwd
expect_ok "nbfwd with telemetry queries"

"$NBT_PY" - "$NBT_TMP/q1.json" "$NBT_TMP/q2.json" "$NBT_JSON" <<'PY' || fail "telemetry replies wrong (above)"
import json, sys
q1, q2, final = (json.load(open(p)) for p in sys.argv[1:4])
errors = []
info = q1["/nbfwd/info"]
if info.get("mode") != "macswap" or info.get("ports") != 2 or info.get("regions", 0) < 1:
    errors.append("info: %s" % info)
for port in ("0", "1"):
    a = q1["/nbfwd/stats"][port]["rx_packets"]
    b = q2["/nbfwd/stats"][port]["rx_packets"]
    last = final["ports"][int(port)]["rx_packets"]
    if not 0 < a < b <= last:
        errors.append("port %s rx: first %d, second %d, at exit %d: expected 0 < first < second <= exit" % (port, a, b, last))
    s2 = q2["/nbfwd/stats"][port]
    if not s2.get("rx_pps", 0) > 0 or s2.get("queue_rx_packets") is None:
        errors.append("port %s: no rx_pps over the last second or no per-queue rx: %s" % (port, s2))
    elif not b <= sum(s2["queue_rx_packets"]) <= last:
        # read just after the port's rx, before the exit JSON
        errors.append("port %s: queue rx %s not between rx %d and rx at exit %d" % (port, s2["queue_rx_packets"], b, last))
    # the same counter table feeds both: the same names, whatever is added later
    tel_keys = set(s2) - {"name", "rx_pps", "tx_pps", "queue_rx_packets"}
    json_keys = (set(final["ports"][int(port)]) - set(final["drops"]) -
                 {"port", "name", "driver", "peer", "rx_mpps", "rx_nombuf", "imissed", "queues"})
    if tel_keys != json_keys:
        errors.append("port %s: telemetry counters %s, exit JSON counters %s" % (port, sorted(tel_keys), sorted(json_keys)))
    drops = q1["/nbfwd/drops"][port]
    if set(drops) != set(final["drops"]) or any(drops.values()):
        errors.append("port %s drops: %s" % (port, drops))
regions = q1["/nbfwd/regions"]
if not regions or any(r["generation"] < 1 or r["size"] <= 0 or not r["file"] or
        not 0 < r["bytes_in_use"] <= r["size"] or r["pool_mbufs"] <= 0 or
        r["pool_mbufs_in_use"] > r["pool_mbufs"] for r in regions.values()):
    errors.append("regions: %s" % regions)
for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
PY
expect_json mbufs_in_use_at_exit == 0
say "ok: telemetry /nbfwd/info, stats, drops, regions answered and agree with the exit JSON"
say PASS
