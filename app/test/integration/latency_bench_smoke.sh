#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The latency harness runs and writes valid results: bench/run-latency --quick
# (nblat over net_memif through testpmd and nbfwd in io mode, 64 B, 100 kpps
# and 50% of the probed maximum, 1 run of 1 s each). A smoke test only: no
# latency or rate is compared with a threshold; it checks that every figure
# is there, that percentiles are ordered, and that the DUTs' own counters
# account for the frames nblat got back.
set -euo pipefail
NBT_NAME=latency-bench-smoke
. "$(dirname "$0")/lib.sh"

need_hugepages 64
need_nbfwd
need_cmd dpdk-testpmd taskset
NBLAT=${NBLAT:-$NBT_BUILD/bench/latency/nblat}
need_built NBLAT "$NBLAT"

json=$NBT_TMP/latency-quick.json
rc=0
timeout -k 5 110 bash "$NBT_SRC/bench/run-latency" --quick --wait-idle 5 --retries 0 \
	--nbfwd "$NBFWD" --nblat "$NBLAT" --json "$json" \
	>"$NBT_TMP/bench.log" 2>&1 </dev/null || rc=$?
[ $rc -eq 0 ] || { tail -n 30 "$NBT_TMP/bench.log"; fail "bench/run-latency --quick exited $rc"; }
[ -s "${json%.json}.md" ] || fail "no Markdown table next to the JSON"
"$NBT_PY" - "$json" <<'PY' || fail "latency JSON incomplete (above)"
import json, sys
d = json.load(open(sys.argv[1]))
for key in ("benchmark", "dpdk_version", "cpu_model", "kernel", "git_commit", "tsc_hz",
            "config", "method", "results", "runs", "failed_runs", "load_before"):
    if key not in d:
        sys.exit("FAIL: no %r in the results" % key)
if d["benchmark"] != "latency" or not d["tsc_hz"] > 0 or d["failed_runs"] != 0:
    sys.exit("FAIL: benchmark %r, tsc_hz %r, failed_runs %r"
             % (d["benchmark"], d["tsc_hz"], d["failed_runs"]))
cells = {(c["size"], c["rate"]): c for c in d["results"]}
want = [(64, "100k"), (64, "50%")]
if sorted(cells) != sorted(want):
    sys.exit("FAIL: cells %s, expected %s" % (sorted(cells), want))
for k in want:
    c = cells[k]
    for peer in ("testpmd", "nbfwd"):
        p = c["peers"].get(peer)
        if not p:
            sys.exit("FAIL: %s: no figures for %s" % (k, peer))
        if not p["received"] > 0 or p["received"] > p["sent"]:
            sys.exit("FAIL: %s %s: sent %r received %r" % (k, peer, p["sent"], p["received"]))
        qs = [p["median_%s_us" % q] for q in ("min", "p50", "p90", "p99", "p999", "max")]
        if not all(q is not None and q > 0 for q in qs) or qs != sorted(qs):
            sys.exit("FAIL: %s %s: percentiles missing, zero or unordered: %s" % (k, peer, qs))
    for q in ("p50", "p99", "p999"):
        # present and a number: the ratio is rounded, and on a loaded host
        # testpmd's p50 can dwarf nbfwd's so that it rounds to 0.0
        r = c["ratios"].get("nbfwd/testpmd_" + q)
        if not isinstance(r, (int, float)) or r < 0:
            sys.exit("FAIL: %s: no nbfwd/testpmd %s ratio: %s" % (k, q, c["ratios"]))
if len(d["runs"]) != 4:
    sys.exit("FAIL: %d runs recorded, expected 4" % len(d["runs"]))
for r in d["runs"]:
    n = r["nblat"]
    if not r["ok"] or r["nblat_exit_status"] != 0 or n["interrupted"]:
        sys.exit("FAIL: run %s" % {k: r[k] for k in ("peer", "rate", "ok", "note")})
    if n["frame_bytes"] != 64 or n["mbuf_bytes"] != 60 or n["foreign"] != 0:
        sys.exit("FAIL: %s %s: frame %r mbuf %r foreign %r" % (
            r["peer"], r["rate"], n["frame_bytes"], n["mbuf_bytes"], n["foreign"]))
    if r["rate"] == "50%" and not n["probe_max_pps"] > 0:
        sys.exit("FAIL: %s 50%%: no probed maximum" % r["peer"])
    # everything nblat got back (warm-up and measured) passed through the DUT
    back = n["received"] + n["warmup_received"] + n["probe_received"]
    dut = r["dut"] or {}
    if not dut.get("tx_packets", 0) >= back or not dut.get("rx_packets", 0) >= back:
        sys.exit("FAIL: %s %s: DUT counters %r below the %d frames nblat got back"
                 % (r["peer"], r["rate"], dut, back))
    if r["peer"] == "nbfwd" and (r["dut_exit_status"] != 0 or dut.get("mbufs_in_use_at_exit")):
        sys.exit("FAIL: nbfwd exit %r, mbufs in use at exit %r"
                 % (r["dut_exit_status"], dut.get("mbufs_in_use_at_exit")))
print("latency JSON: 64 B 100k: p50 testpmd %.2f, nbfwd %.2f us; 50%%: testpmd %.2f, "
      "nbfwd %.2f us (smoke: not compared)" % tuple(
          cells[k]["peers"][p]["median_p50_us"] for k in want for p in ("testpmd", "nbfwd")))
PY
say "ok: bench/run-latency --quick timed testpmd and nbfwd over net_memif and wrote $(basename "$json")"
say PASS
