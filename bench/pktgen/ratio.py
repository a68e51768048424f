#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare DUTs from the CSV files the pktgen profiles write.

  bench/pktgen/ratio.py [--num nbfwd] [--den testpmd] FILE.csv [FILE.csv ...]

Throughput files (size-sweep, flows-sweep): per step (profile, frame size,
flows, rate) and DUT, the received Mpps summed over the ports of one run,
then min / median / max over runs, Gbit/s on the wire (frame + 20 B per
packet) and the ratio of medians NUM / DEN.
Latency files (latency.lua): per frame size and rate, the medians over runs
and ports of p50 / p99 / p99.9 in microseconds, NUM beside DEN.
Python 3 standard library only.
"""

import argparse
import csv
import statistics
import sys


def throughput(rows, num, den):
    runs = {}
    for r in rows:
        key = (r["profile"], int(r["frame_bytes"]), int(r["flows"]), r["rate_pct"])
        k = (key, r["dut"], r.get("run", ""))
        runs[k] = runs.get(k, 0.0) + float(r["rx_mpps"])
    keys = list(dict.fromkeys(k[0] for k in runs))
    duts = list(dict.fromkeys(k[1] for k in runs))
    print("%-12s %6s %6s %5s  " % ("profile", "frame", "flows", "rate") +
          "  ".join("%-30s" % ("%s Mpps min/med/max (Gbit/s)" % d) for d in duts) +
          "  %s/%s" % (num, den))
    for key in keys:
        med = {}
        cells = []
        for d in duts:
            v = [x for (k, dd, _), x in runs.items() if k == key and dd == d]
            if not v:
                cells.append("%-30s" % "-")
                continue
            med[d] = statistics.median(v)
            cells.append("%-30s" % ("%.2f / %.2f / %.2f (%.1f)" % (
                min(v), med[d], max(v), med[d] * (key[1] + 20) * 8 / 1e3)))
        ratio = "%.3f" % (med[num] / med[den]) if num in med and den in med and med[den] else "-"
        print("%-12s %6d %6d %5s  " % key + "  ".join(cells) + "  " + ratio)


def latency(rows, num, den):
    keys = list(dict.fromkeys((int(r["frame_bytes"]), r["rate_pct"]) for r in rows))
    duts = [d for d in (num, den) if any(r["dut"] == d for r in rows)]
    duts += [d for d in dict.fromkeys(r["dut"] for r in rows) if d not in duts]
    print("%6s %5s  " % ("frame", "rate") +
          "  ".join("%-28s" % ("%s p50/p99/p99.9 us" % d) for d in duts))
    for key in keys:
        cells = []
        for d in duts:
            sel = [r for r in rows if (int(r["frame_bytes"]), r["rate_pct"]) == key
                   and r["dut"] == d]
            if not sel:
                cells.append("%-28s" % "-")
                continue
            cells.append("%-28s" % " / ".join(
                "%.2f" % statistics.median(float(r[c]) for r in sel)
                for c in ("p50_us", "p99_us", "p999_us")))
        print("%6d %5s  " % key + "  ".join(cells))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--num", default="nbfwd")
    ap.add_argument("--den", default="testpmd")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args(argv)
    for path in a.files:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        print("== %s (%d lines)" % (path, len(rows)))
        if rows and "p50_us" in rows[0]:
            latency(rows, a.num, a.den)
        elif rows:
            throughput(rows, a.num, a.den)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
