#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The bench harness runs and writes valid results: bench/run-fwd.sh --quick
# (1 run, 2 s, net_null io, testpmd and nbfwd side by side). A smoke test
# only: no figure is compared with a threshold.
set -euo pipefail
NBT_NAME=bench-smoke
. "$(dirname "$0")/lib.sh"

need_hugepages 96
need_nbfwd
need_cmd dpdk-testpmd

json=$NBT_TMP/quick.json
rc=0
timeout -k 5 170 bash "$NBT_SRC/bench/run-fwd.sh" --quick --wait-idle 5 \
	--peers testpmd,nbfwd --nbfwd "$NBFWD" --json "$json" \
	>"$NBT_TMP/bench.log" 2>&1 </dev/null || rc=$?
[ $rc -eq 0 ] || { tail -n 30 "$NBT_TMP/bench.log"; fail "bench/run-fwd.sh --quick exited $rc"; }
"$NBT_PY" - "$json" <<'PY' || fail "bench JSON incomplete (above)"
import json, sys
d = json.load(open(sys.argv[1]))
for key in ("dpdk_version", "cpu_model", "tsc_hz", "runs", "results"):
    if key not in d:
        sys.exit("FAIL: no %r in the results" % key)
r = d["results"][0]
if (r["setup"], r["mode"]) != ("null", "io") or d["failed_runs"]:
    sys.exit("FAIL: unexpected results %s" % r)
for peer in ("testpmd", "nbfwd"):
    if not r["peers"][peer]["median_mpps"] > 0:
        sys.exit("FAIL: no figure for %s: %s" % (peer, r["peers"][peer]))
if not r["ratios"]["nbfwd/testpmd"] > 0:
    sys.exit("FAIL: no ratio: %s" % r["ratios"])
print("bench JSON: testpmd %.1f Mpps, nbfwd %.1f Mpps (smoke: not compared)" %
      (r["peers"]["testpmd"]["median_mpps"], r["peers"]["nbfwd"]["median_mpps"]))
PY
say "ok: bench/run-fwd.sh --quick ran testpmd and nbfwd and wrote $(basename "$json")"
say PASS
