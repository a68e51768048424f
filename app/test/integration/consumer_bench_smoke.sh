#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The consumer hand-off benchmark runs and writes valid results:
# bench/run-consumer --quick (1 run, 64 B, a 1 s window: nbfwd vmq -> nbecho,
# nbfwd -> testpmd with net_nbshm, both again with steering = port (no copy in
# nbfwd), testpmd -> testpmd over net_memif in copy and zero-copy mode, and
# the two producers alone). A smoke test only: no
# figure, ratio or timing is compared with a threshold, only that every
# figure is there and not zero.
set -euo pipefail
# shellcheck disable=SC2034  # read by lib.sh
NBT_NAME=consumer-bench-smoke
. "$(dirname "$0")/lib.sh"

need_root "hugepages, /var/run/dpdk"
need_hugepages 160
need_nbfwd
need_cmd dpdk-testpmd taskset timeout
[ -x "$NBT_BUILD/app/nbcap/nbecho" ] || fail "nbecho is not built in $NBT_BUILD"

json=$NBT_TMP/consumer-quick.json
rc=0
timeout -k 5 170 bash "$NBT_SRC/bench/run-consumer" --quick --build "$NBT_BUILD" \
	--json "$json" >"$NBT_TMP/bench.log" 2>&1 </dev/null || rc=$?
[ $rc -eq 0 ] || { tail -n 30 "$NBT_TMP/bench.log"; fail "bench/run-consumer --quick exited $rc"; }
[ -s "${json%.json}.md" ] || fail "no Markdown next to $json"
"$NBT_PY" - "$json" "$NBT_BUILD" <<'PY' || fail "consumer bench JSON incomplete (above)"
import json, os, sys
d = json.load(open(sys.argv[1]))
for key in ("benchmark", "cpu_model", "kernel", "dpdk_version", "tsc_hz", "meta", "method",
            "summary", "ratios", "targets", "failed_runs", "runs"):
    if key not in d:
        sys.exit("FAIL: no %r in the results" % key)
if not d["tsc_hz"] > 0 or d["failed_runs"] != 0:
    sys.exit("FAIL: tsc_hz %r, failed_runs %r" % (d["tsc_hz"], d["failed_runs"]))
for key in ("git_commit", "command", "started"):
    if not d["meta"].get(key) or d["meta"][key] == "unknown":
        sys.exit("FAIL: meta %s is %r" % (key, d["meta"].get(key)))
want = ["nbfwd", "nbfwd-zc", "memif-copy", "memif-zc", "nbfwd-base", "memif-base"]
pmd = os.path.join(sys.argv[2], "drivers/net/nbshm/librte_net_nbshm.so")
if os.path.exists(pmd):
    want += ["nbfwd-pmd", "nbfwd-pmd-zc"]
elif "nbfwd-pmd" not in d["meta"].get("skipped", ""):
    sys.exit("FAIL: no PMD built and no note that nbfwd-pmd was skipped")
cell = d["summary"].get("64", {})
for peer in want:
    e = cell.get(peer)
    if not e or e["ok"] != 1:
        sys.exit("FAIL: 64 B %s: %r" % (peer, e))
    keys = ["producer_rx_mpps", "producer_cycles_per_rx"]
    if not peer.endswith("-base"):
        keys += ["handed_mpps", "consumer_cycles_per_packet", "producer_cycles_per_handed",
                 "producer_marginal_cycles_per_handed"]
        c = e.get("consumer_mpps") or {}
        if not all((c.get(k) or 0) > 0 for k in ("min", "median", "max")):
            sys.exit("FAIL: 64 B %s: consumer Mpps %r" % (peer, c))
    for k in keys:
        if e.get(k) is None or (k != "producer_marginal_cycles_per_handed" and not e[k] > 0):
            sys.exit("FAIL: 64 B %s: %s = %r" % (peer, k, e.get(k)))
for r in ("nbfwd/memif-copy", "nbfwd/memif-zc"):
    if not d["ratios"]["64"].get(r, 0) > 0:
        sys.exit("FAIL: no ratio %s: %r" % (r, d["ratios"]))
if sorted(t["ratio"] for t in d["targets"] if t["ratio"].startswith("nbfwd/")) != \
        ["nbfwd/memif-copy", "nbfwd/memif-zc"]:
    sys.exit("FAIL: targets %r" % d["targets"])
if len(d["runs"]) < len(want):
    sys.exit("FAIL: %d runs recorded, expected %d" % (len(d["runs"]), len(want)))
for r in d["runs"]:
    if not r["ok"] or not r["window_s"] > 0:
        sys.exit("FAIL: run %s: %s" % (r["tag"], r.get("error")))
    if r["peer"] in ("nbfwd", "nbfwd-zc"):
        nb, echo = r["exit_counters"].get("nbfwd"), r["exit_counters"].get("nbecho")
        if not nb or nb["mbufs_in_use_at_exit"] != 0 or not echo or not echo["packets"] > 0:
            sys.exit("FAIL: nbfwd run exit counters %r" % r["exit_counters"])
print("consumer bench JSON: 64 B consumer Mpps %s (smoke: not compared)" % ", ".join(
    "%s %.2f" % (p, cell[p]["consumer_mpps"]["median"]) for p in want if "-base" not in p))
PY
say "ok: bench/run-consumer --quick wrote $(basename "$json") and its .md"
say PASS
