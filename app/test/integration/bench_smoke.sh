#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The bench harness runs and writes valid results: bench/run --quick (1 run of
# 2 s per peer: net_null io at 64 B, and a testpmd generator feeding the DUT
# over net_memif; testpmd and nbfwd side by side). A smoke test only: no
# figure or ratio is compared with a threshold, only that each is there and
# not zero.
set -euo pipefail
NBT_NAME=bench-smoke
. "$(dirname "$0")/lib.sh"

need_hugepages 96
need_nbfwd
need_cmd dpdk-testpmd

json=$NBT_TMP/quick.json
rc=0
timeout -k 5 170 bash "$NBT_SRC/bench/run" --quick --wait-idle 5 --retries 0 --no-plot \
	--peers testpmd,nbfwd --nbfwd "$NBFWD" --json "$json" \
	>"$NBT_TMP/bench.log" 2>&1 </dev/null || rc=$?
[ $rc -eq 0 ] || { tail -n 30 "$NBT_TMP/bench.log"; fail "bench/run --quick exited $rc"; }
grep -q "pktgen: skipped" "$NBT_TMP/bench.log" ||
	fail "bench/run did not say that it skipped pktgen"
"$NBT_PY" - "$json" <<'PY' || fail "bench JSON incomplete (above)"
import json, sys
d = json.load(open(sys.argv[1]))
for key in ("benchmark", "dpdk_version", "cpu_model", "kernel", "git_commit", "tsc_hz",
            "config", "results", "skipped", "runs", "failed_runs", "wire", "method"):
    if key not in d:
        sys.exit("FAIL: no %r in the results" % key)
for key in ("dpdk_version", "cpu_model", "kernel", "git_commit"):
    if not d[key] or d[key] == "unknown":
        sys.exit("FAIL: %s is empty or unknown: %r" % (key, d[key]))
if not d["tsc_hz"] > 0 or d["failed_runs"] != 0:
    sys.exit("FAIL: tsc_hz %r, failed_runs %r" % (d["tsc_hz"], d["failed_runs"]))
cells = {(r["setup"], r["size"], r["mode"]): r for r in d["results"]}
want = [("null", "64", "io"), ("memif", "64", "io")]
if sorted(cells) != sorted(want):
    sys.exit("FAIL: cells %s, expected %s" % (sorted(cells), want))
for k in want:
    r = cells[k]
    if r["frame_bytes"] != 64 or r["mbuf_bytes"] != 60:
        sys.exit("FAIL: %s: frame/mbuf bytes %r/%r" % (k, r["frame_bytes"], r["mbuf_bytes"]))
    for peer in ("testpmd", "nbfwd"):
        p = r["peers"].get(peer)
        if not p:
            sys.exit("FAIL: %s: no figures for %s" % (k, peer))
        for f in ("min_mpps", "median_mpps", "max_mpps", "median_gbps", "cycles_per_packet"):
            if not p.get(f, 0) > 0:
                sys.exit("FAIL: %s %s: %s = %r" % (k, peer, f, p.get(f)))
    if not r["ratios"].get("nbfwd/testpmd", 0) > 0:
        sys.exit("FAIL: %s: no nbfwd/testpmd ratio: %s" % (k, r["ratios"]))
if len(d["runs"]) != 4:
    sys.exit("FAIL: %d runs recorded, expected 4" % len(d["runs"]))
for r in d["runs"]:
    if not r["ok"] or not r["mpps"] > 0 or not r["intervals"]:
        sys.exit("FAIL: run %s" % {k: r[k] for k in ("setup", "peer", "ok", "mpps", "note")})
    if r["setup"] == "memif":
        g = r.get("generator", {}).get("totals")
        if not (r["tx_mpps"] or 0) > 0 or not g or not g["tx_packets"] > 0:
            sys.exit("FAIL: memif %s: DUT tx %r, generator %r" % (r["peer"], r["tx_mpps"], g))
    if r["peer"] == "nbfwd" and not (r.get("nbfwd_json") or {}).get("rx_packets", 0) > 0:
        sys.exit("FAIL: %s nbfwd: no --stats-json counters" % r["setup"])
print("bench JSON: null io 64: testpmd %.1f, nbfwd %.1f Mpps; memif io 64: testpmd %.1f, "
      "nbfwd %.1f Mpps (smoke: not compared)" % tuple(
          cells[k]["peers"][p]["median_mpps"] for k in want for p in ("testpmd", "nbfwd")))
PY
say "ok: bench/run --quick ran testpmd and nbfwd on net_null and net_memif and wrote $(basename "$json")"
say PASS
