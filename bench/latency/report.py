#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""bench/latency/report.py: the records and summary of bench/run-latency.

  report.py record          one run (environment below) -> one JSON line on stdout
  report.py block RECORDS SIZE RATE   print one cell's medians and ratios
  report.py summary RECORDS OUT.json  the run set: JSON and OUT.md

A run is nblat's JSON (--json) plus what the DUT said: nbfwd's --stats-json
counters or testpmd's port totals, exit status, and the CPU time others used
meanwhile. Per cell (frame size, offered rate) and DUT, every figure is the
median over the runs; ratios are nbfwd / testpmd of those medians.
"""

import json
import os
import re
import sys

QS = ("p50", "p90", "p99", "p999")
QNAMES = {"p50": "p50", "p90": "p90", "p99": "p99", "p999": "p99.9"}


def _bench_lib_report():
    """bench/lib/report.py (bench/run's), loaded by path: it has this file's name."""
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "report.py")
    spec = importlib.util.spec_from_file_location("bench_lib_report", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# shared with bench/run: records (load), medians, others' CPU time, and
# testpmd's "Forward statistics for port 0" totals at exit (the DUT's counters)
_lib = _bench_lib_report()
load, med, other_cpu_s, testpmd_totals = _lib.load, _lib.med, _lib.other_cpu_s, _lib.generator_stats


def cmd_record():
    e = os.environ
    peer = e["PEER"]
    note = [e.get("NOTE", "").strip("; ")] if e.get("NOTE", "").strip("; ") else []
    lat = None
    try:
        lat = json.load(open(e["LAT_JSON"]))
    except (OSError, ValueError) as err:
        note.append("no nblat JSON (%s)" % err.__class__.__name__)
    other = other_cpu_s(e)
    span = float(e["SPAN"])
    r = {"peer": peer, "size": int(e["SIZE"]), "rate": e["RATE"], "run": int(e["RUN"]),
         "dut_exit_status": int(e["DUT_RC"]), "nblat_exit_status": int(e["LAT_RC"]),
         "other_cpu_s": round(other, 2), "span_s": round(span, 1),
         "noisy": other > 0.1 * span,
         "dut_command": e["DUT_CMD"], "nblat_command": e["LAT_CMD"]}
    if peer.startswith("nbfwd"):
        try:
            j = json.load(open(e["DUT_JSON"]))
            r["dut"] = {k: j.get(k) for k in ("rx_packets", "tx_packets", "dropped",
                                               "mbufs_in_use_at_exit", "drops")}
        except (OSError, ValueError):
            r["dut"] = None
            note.append("no nbfwd --stats-json")
    else:
        r["dut"] = testpmd_totals(e["DUT_LOG"])
        if r["dut"] is None:
            note.append("no testpmd port totals")
    if lat is not None:
        r["nblat"] = lat
        for k in ("tx_pps", "rx_pps", "sent", "received", "lost", "reordered",
                  "probe_max_pps", "rate_pps_requested"):
            r[k] = lat.get(k)
        r["latency_us"] = lat.get("latency_us")
        if lat.get("interrupted"):
            note.append("interrupted")
    ok = (lat is not None and int(e["LAT_RC"]) == 0 and (lat.get("received") or 0) > 0
          and not lat.get("interrupted"))
    r["ok"] = ok
    r["note"] = "; ".join(note)
    print(json.dumps(r))


def cells(recs):
    """[(size, rate)] in the order first seen"""
    seen = []
    for r in recs:
        k = (r["size"], r["rate"])
        if k not in seen:
            seen.append(k)
    return seen


def summarise_cell(recs, size, rate, peers):
    out = {"size": size, "rate": rate, "peers": {}, "ratios": {}}
    for p in peers:
        rs = [r for r in recs if r["peer"] == p and r["size"] == size and r["rate"] == rate]
        good = [r for r in rs if r["ok"]]
        if not good:
            continue
        lat = [r["latency_us"] for r in good]
        s = {"runs": len(good),
             "tx_pps": med([r["tx_pps"] for r in good]),
             "rx_pps": med([r["rx_pps"] for r in good]),
             "sent": sum(r["sent"] for r in good),
             "received": sum(r["received"] for r in good),
             "lost": sum(r["lost"] for r in good),
             "reordered": sum(r["reordered"] for r in good),
             "noisy_runs": sum(1 for r in good if r.get("noisy")),
             "runs_latency_us": lat}
        for q in ("min", "mean", "max") + QS:
            s["median_" + q + "_us"] = med([x.get(q) for x in lat])
        probes = [r.get("probe_max_pps") for r in good if r.get("probe_max_pps")]
        if probes:
            s["probe_max_pps"] = med(probes)
        out["peers"][p] = s
    a, b = out["peers"].get("nbfwd"), out["peers"].get("testpmd")
    if a and b:
        for q in ("p50", "p99", "p999"):
            x, y = a["median_%s_us" % q], b["median_%s_us" % q]
            if x is not None and y:
                out["ratios"]["nbfwd/testpmd_" + q] = round(x / y, 3)
    return out


def fmt(x, nd=2):
    if x is None:
        return "–"
    if x >= 1000:
        return "%.0f" % x
    if x >= 100:
        return "%.1f" % x
    return "%.*f" % (nd, x)


def rate_label(rate, cell):
    if rate.endswith("%"):
        return rate + " of max"
    return rate


def cmd_block():
    recs = load(sys.argv[2])
    size, rate = int(sys.argv[3]), sys.argv[4]
    peers = [p for p in ("testpmd", "nbfwd") if any(r["peer"] == p for r in recs)]
    c = summarise_cell(recs, size, rate, peers)
    for p, s in c["peers"].items():
        print("  %-8s median of %d: p50 %s  p99 %s  p99.9 %s us  (sent %.3f Mpps, lost %d)"
              % (p, s["runs"], fmt(s["median_p50_us"]), fmt(s["median_p99_us"]),
                 fmt(s["median_p999_us"]), (s["tx_pps"] or 0) / 1e6, s["lost"]))
    if c["ratios"]:
        print("  nbfwd/testpmd: p50 %.3f  p99 %.3f  p99.9 %.3f" % tuple(
            c["ratios"].get("nbfwd/testpmd_" + q, float("nan")) for q in ("p50", "p99", "p999")))


def markdown(d):
    lines = ["# Latency through the DUT: nbfwd and dpdk-testpmd (io), net_memif", ""]
    lines.append("%s, %s, %d CPUs, kernel %s, DPDK %s, tree %s. Load average before: %s, "
                 "after: %s." % (d["date"], d["cpu_model"], d["cpus"], d["kernel"],
                                 d["dpdk_version"], d["tree"], d["load_before"],
                                 d["load_after"]))
    c = d["config"]
    lines.append("")
    lines.append("nblat (CPU %s) ⇄ net_memif ⇄ DUT (CPU %s), %d run(s) per DUT and cell, "
                 "interleaved; %s s measured after %s s warm-up; burst %d, %d/%d "
                 "descriptors. Latency = rx TSC − tx TSC on nblat's core, µs; "
                 "median over the runs of each run's percentile. "
                 "Ratio = nbfwd / testpmd (below 1: nbfwd faster)."
                 % (c["cpu_gen"], c["cpu_dut"], c["runs"], c["seconds"], c["warmup"],
                    c["burst"], c["rxd"], c["txd"]))
    lines.append("")
    lines.append("| frame | offered | DUT | sent Mpps | p50 | p90 | p99 | p99.9 | max | lost | "
                 "noisy runs |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for cell in d["results"]:
        for p, s in cell["peers"].items():
            lines.append("| %d B | %s | %s | %.3f | %s | %s | %s | %s | %s | %d | %d |" % (
                cell["size"], rate_label(cell["rate"], cell), p, (s["tx_pps"] or 0) / 1e6,
                fmt(s["median_p50_us"]), fmt(s["median_p90_us"]), fmt(s["median_p99_us"]),
                fmt(s["median_p999_us"]), fmt(s["median_max_us"]), s["lost"],
                s["noisy_runs"]))
    lines.append("")
    lines.append("| frame | offered | nbfwd/testpmd p50 | p99 | p99.9 |")
    lines.append("|---|---|---|---|---|")
    for cell in d["results"]:
        r = cell["ratios"]
        if r:
            lines.append("| %d B | %s | %.3f | %.3f | %.3f |" % (
                cell["size"], rate_label(cell["rate"], cell), r.get("nbfwd/testpmd_p50", 0),
                r.get("nbfwd/testpmd_p99", 0), r.get("nbfwd/testpmd_p999", 0)))
    lines.append("")
    lines.append("Runs: %d, failed: %d, noisy (others used > 10%% of a CPU): %d%s." % (
        len(d["runs"]), d["failed_runs"], d["noisy_runs"],
        ", interrupted" if d["interrupted"] else ""))
    return "\n".join(lines) + "\n"


def cmd_summary():
    e = os.environ
    recs = load(sys.argv[2])
    out_path = sys.argv[3]
    peers = [p for p in e["PEERS"].split(",")]
    res = [summarise_cell(recs, s, r, peers) for s, r in cells(recs)]
    d = {"benchmark": "latency", "date": e["DATE"], "date_end": e["DATE_END"],
         "host": e["HOST"], "dpdk_version": e["DPDK"], "cpu_model": e["CPU"],
         "cpus": int(e["NCPU"]), "kernel": e["KERNEL"], "tsc_hz": int(e["TSC_HZ"]),
         "tsc_source": e["TSC_SRC"], "git_commit": e["GIT_COMMIT"], "tree": e["GIT_REV"],
         "nbfwd_sha256_16": e["NB_SUM"], "nbfwd_built": e["NB_MTIME"],
         "load_before": e["LOAD"], "load_after": e["LOAD_AFTER"],
         "busy_before": e["TOPB"], "argv": e["ARGV"],
         "config": json.loads(e["CONFIG"]),
         "method": ("nblat (bench/latency/nblat.c) on one CPU sends frames paced with the "
                    "TSC, each stamped with a sequence number and the TSC at tx, over a "
                    "net_memif client; the DUT (memif server, io mode, one port) forwards "
                    "them back out of the same port; latency = TSC at rx - stamp, both on "
                    "nblat's core, after a warm-up. Percentiles from a histogram (10 ns "
                    "buckets below 200 us). Rates: packets per second, or N% = N percent of "
                    "the loop's maximum measured by a full-speed probe at the start of the "
                    "run (per DUT). Per cell and DUT: medians over the runs."),
         "results": res, "runs": recs,
         "failed_runs": sum(1 for r in recs if not r["ok"]),
         "noisy_runs": sum(1 for r in recs if r.get("noisy")),
         "interrupted": e.get("INTERRUPTED") == "1"}
    with open(out_path, "w") as f:
        json.dump(d, f, indent=1)
        f.write("\n")
    md = markdown(d)
    with open(re.sub(r"\.json$", "", out_path) + ".md", "w") as f:
        f.write(md)
    print(md)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "record":
        cmd_record()
    elif cmd == "block":
        cmd_block()
    elif cmd == "summary":
        cmd_summary()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
