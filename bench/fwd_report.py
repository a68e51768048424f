#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Helper of bench/run-fwd.sh (not meant to be run by hand).

  fwd_report.py elapsed testpmd|nbfwd LOG     seconds of forwarding the log covers
  fwd_report.py record                        one run's JSON line (inputs in env)
  fwd_report.py block RECORDS SETUP MODE      a (setup, mode) summary
  fwd_report.py summary RECORDS JSON          final table, JSON and Markdown (env)

Method (the same for both apps): each app's periodic stats split a run into
reporting intervals; each interval has a length and a packet count taken from
the app's own counters and TSC clock:
  testpmd  --stats-period 1 prints per port the cumulative RX-packets and
           Rx-pps = delta packets * TSC Hz / delta TSC. Its loop sleeps 1 s and
           prints only once a full period of TSC cycles has passed, so blocks
           come every 1 or 2 s. Per interval: packets = delta of the ports'
           summed RX-packets, seconds = packets / summed Rx-pps. The first block
           is printed when forwarding starts (no interval behind it).
  nbfwd    --stats-period 1 prints "[  t s] | pN rx R ..." every second since
           forwarding started, R = delta packets / delta TSC time in Mpps.
           Per interval: seconds = t - previous t, packets = sum(R) * seconds.
A run's figure is packets / seconds over the intervals that begin at or after
the warm-up (--skip seconds); if none does, the last interval.
"""

import json
import os
import re
import statistics
import sys


def testpmd_intervals(text):
    cut = re.search(r"Telling cores to stop|Forward statistics for port|"
                    r"Accumulated forward statistics", text)
    if cut:
        text = text[:cut.start()]
    pts = []
    nports = None
    for b in text.split("Port statistics ====")[1:]:
        rx = [int(x) for x in re.findall(r"RX-packets:\s*(\d+)", b)]
        pps = [int(x) for x in re.findall(r"Rx-pps:\s*(\d+)", b)]
        if nports is None:
            nports = len(rx)
        if not rx or len(rx) != nports or len(pps) != nports:
            break  # a block cut short by the stop
        pts.append((sum(rx), sum(pps)))
    out = []
    for (p0, _), (p1, pps) in zip(pts, pts[1:]):
        d = p1 - p0
        # no traffic in the interval: its length is unknown, call it the period
        out.append((d / pps if pps > 0 else 1.0, d))
    return out


NB_LINE = re.compile(r"^\[\s*([0-9.]+)s\]\s*\|(.*)$", re.M)
NB_RX = re.compile(r"p\d+ rx ([0-9.]+)")


def nbfwd_intervals(text):
    out = []
    prev = 0.0
    for m in NB_LINE.finditer(text):
        t = float(m.group(1))
        rates = [float(x) for x in NB_RX.findall(m.group(2))]
        dt = t - prev
        prev = t
        if dt > 0:
            out.append((dt, sum(rates) * 1e6 * dt))
    return out


def intervals(peer, path):
    text = open(path, errors="replace").read()
    return testpmd_intervals(text) if peer.startswith("testpmd") else nbfwd_intervals(text)


def window(iv, skip):
    t = 0.0
    sel = []
    for dt, pk in iv:
        if t >= skip - 0.05:
            sel.append((dt, pk))
        t += dt
    if not sel and iv:
        sel = [iv[-1]]
    return sel


def cmd_elapsed(peer, path):
    print("%.3f" % sum(dt for dt, _ in intervals(peer, path)))


def cmd_record():
    e = os.environ
    peer = e["PEER"]
    iv = intervals(peer, e["LOG"])
    sel = window(iv, float(e["SKIP"]))
    secs = sum(dt for dt, _ in sel)
    mpps = sum(pk for _, pk in sel) / secs / 1e6 if secs > 0 else None
    note = [e["NOTE"].strip("; ")] if e["NOTE"].strip("; ") else []
    if not sel:
        note.append("no stats intervals")
    clk = os.sysconf("SC_CLK_TCK")
    busy = (float(e["B1"]) - float(e["B0"])) / clk
    ours = float(e["C1"]) - float(e["C0"])
    other = max(busy - ours, 0.0)
    r = {"setup": e["SETUP"], "mode": e["MODE"], "peer": peer, "run": int(e["RUN"]),
         "ok": e["OK"] == "1" and bool(mpps), "exit_status": int(e["RC"]),
         "mpps": round(mpps, 3) if mpps else None,
         "window_s": round(secs, 3), "forwarded_s": round(sum(dt for dt, _ in iv), 3),
         "intervals": [[round(dt, 3), round(pk / dt / 1e6, 3)] for dt, pk in iv],
         "other_cpu_s": round(other, 2),
         "steal_s": round((float(e["ST1"]) - float(e["ST0"])) / clk, 2),
         "noisy": other > 0.1 * float(e["SECS"]),
         "note": "; ".join(note), "command": e["CMD"]}
    log = open(e["LOG"], errors="replace").read()
    if peer.startswith("nbfwd"):
        try:
            j = json.load(open(e["SJ"]))
            r["nbfwd_json"] = {k: j.get(k) for k in (
                "duration_s", "rx_packets", "tx_packets", "dropped", "rx_mpps",
                "mbufs_in_use_at_exit", "drops")}
        except (OSError, ValueError):
            r["nbfwd_json"] = None
        leak = re.findall(r"leak: .*", log)
        if leak:
            r["nbfwd_leak_lines"] = leak
    else:
        m = re.search(r"Accumulated forward statistics.*?RX-packets:\s*(\d+)\s+RX-dropped:\s*(\d+)"
                      r".*?TX-packets:\s*(\d+)\s+TX-dropped:\s*(\d+)", log, re.S)
        if m:
            r["testpmd_totals"] = dict(zip(("rx_packets", "rx_dropped", "tx_packets",
                                            "tx_dropped"), map(int, m.groups())))
    print(json.dumps(r))


def load(path):
    return [json.loads(l) for l in open(path)] if os.path.exists(path) else []


def summarise(rs, setup, mode, peers, hz):
    res = {"setup": setup, "mode": mode, "peers": {}, "ratios": {}}
    for p in peers:
        v = [r["mpps"] for r in rs if r["setup"] == setup and r["mode"] == mode
             and r["peer"] == p and r["ok"]]
        if not v:
            continue
        m = statistics.median(v)
        res["peers"][p] = {"runs_mpps": v, "min_mpps": min(v), "median_mpps": m,
                           "max_mpps": max(v),
                           "cycles_per_packet": round(hz / (m * 1e6), 2) if hz and m > 0 else None,
                           "noisy_runs": sum(1 for r in rs if r["setup"] == setup and
                                             r["mode"] == mode and r["peer"] == p and
                                             r.get("noisy"))}
    pp = res["peers"]
    for a, b in RATIOS:
        if a in pp and b in pp and pp[b]["median_mpps"] > 0:
            res["ratios"][a + "/" + b] = round(pp[a]["median_mpps"] / pp[b]["median_mpps"], 3)
    return res


# numerator / denominator pairs reported when both peers ran
RATIOS = [("nbfwd", "testpmd"), ("nbfwd", "testpmd-xbuf"), ("nbfwd", "testpmd-xmemhuge"),
          ("nbfwd-extbuf", "testpmd"), ("nbfwd-extbuf", "testpmd-xbuf"),
          ("testpmd-xbuf", "testpmd"), ("testpmd-xmemhuge", "testpmd"),
          ("nbfwd-extbuf", "nbfwd")]
SHORT = {"testpmd": "tp", "testpmd-xbuf": "xbuf", "testpmd-xmemhuge": "xmem",
         "nbfwd": "nb", "nbfwd-extbuf": "nb-ext"}


def cmd_block(path, setup, mode):
    rs = load(path)
    peers = list(dict.fromkeys(r["peer"] for r in rs))
    hz = float(os.environ.get("TSC_HZ", "0"))
    res = summarise(rs, setup, mode, peers, hz)
    for p, x in res["peers"].items():
        cyc = "  %5.1f cycles/pkt" % x["cycles_per_packet"] if x["cycles_per_packet"] else ""
        print("   %-16s min %8.3f  median %8.3f  max %8.3f Mpps%s" % (
            p, x["min_mpps"], x["median_mpps"], x["max_mpps"], cyc))
    for k, v in res["ratios"].items():
        print("   %-26s %.3f" % (k, v))


def cmd_summary(path, out_json):
    e = os.environ
    rs = load(path)
    hz = float(e["TSC_HZ"])
    peers = e["PEERS"].split(",")
    out = {
        "benchmark": "bench/run-fwd.sh",
        "command": e["ARGV"].strip(),
        "date": e["DATE"], "host": e["HOST"], "dpdk_version": e["DPDK"],
        "cpu_model": e["CPU"], "cpus": int(e["NCPU"]), "kernel": e["KERNEL"],
        "tsc_hz": hz, "tsc_hz_source": e["TSC_SRC"],
        "tree": e.get("GIT_REV", ""), "nbfwd_sha256_16": e.get("NB_SUM", ""),
        "nbfwd_built": e.get("NB_MTIME", ""),
        "load_average_before": e["LOAD"], "busy_processes_before": e["TOPB"].strip(),
        "method": ("per run: packets / seconds over the apps' own stats intervals that begin "
                   "after 'skip' seconds of forwarding (testpmd --stats-period 1: delta of summed "
                   "RX-packets, seconds = delta / summed Rx-pps; nbfwd --stats-period 1: summed "
                   "'pN rx' Mpps x interval); per peer: min/median/max over runs; ratios of "
                   "medians; cycles_per_packet = tsc_hz / median pps (one forwarding core); "
                   "a run during which other processes used > 10% of a CPU is 'noisy' and "
                   "is retried"),
        "config": {"runs": int(e["RUNS"]), "seconds": int(e["SECS"]), "skip": int(e["SKIP"]),
                   "lcores": e["LCORES"], "burst": int(e["BURST"]), "rxd": int(e["RXD"]),
                   "txd": int(e["TXD"]), "setups": e["SETUPS"].split(","),
                   "modes": e["MODES"].split(","), "peers": peers,
                   "testpmd": e["TP"], "nbfwd": e["NB"] or None,
                   "testpmd_total_num_mbufs": 16384, "nbfwd_pool_per_port": "its default",
                   "vdevs": {"null": "net_null0,copy=1 net_null1,copy=1",
                             "ring": "net_ring0 net_ring1, --tx-first in both apps"}},
        "results": [summarise(rs, s, m, peers, hz)
                    for s in e["SETUPS"].split(",") for m in e["MODES"].split(",")],
        "noisy_runs": sum(1 for r in rs if r.get("noisy")),
        "failed_runs": sum(1 for r in rs if not r["ok"]),
        "runs": rs,
    }
    with open(out_json, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")

    def cell(res, p):
        x = res["peers"].get(p)
        return "%.1f / %.1f / %.1f" % (x["min_mpps"], x["median_mpps"], x["max_mpps"]) if x else "-"

    def cyc(res, p):
        x = res["peers"].get(p)
        return "%.1f" % x["cycles_per_packet"] if x and x["cycles_per_packet"] else "-"

    ran = [p for p in peers if any(p in r["peers"] for r in out["results"])]
    rkeys = [a + "/" + b for a, b in RATIOS
             if any(a + "/" + b in r["ratios"] for r in out["results"])]
    hdr1 = ["setup", "mode"] + [p + " Mpps" for p in ran]
    t1 = [[r["setup"], r["mode"]] + [cell(r, p) for p in ran] for r in out["results"]]
    hdr2 = ["setup", "mode"] + ["%s/%s" % (SHORT[a], SHORT[b]) for a, b in
                                (k.split("/") for k in rkeys)] + \
        ["cyc/pkt " + SHORT[p] for p in ran]
    t2 = [[r["setup"], r["mode"]] + ["%.3f" % r["ratios"][k] if k in r["ratios"] else "-"
                                     for k in rkeys] + [cyc(r, p) for p in ran]
          for r in out["results"]]

    def show(hdr, table):
        w = [max(len(str(x)) for x in col) for col in zip(hdr, *table)]
        print("  ".join(h.ljust(n) for h, n in zip(hdr, w)).rstrip())
        for row in table:
            print("  ".join(str(c).ljust(n) for c, n in zip(row, w)).rstrip())

    def md_table(f, hdr, table):
        f.write("| " + " | ".join(hdr) + " |\n|" + "---|" * len(hdr) + "\n")
        for row in table:
            f.write("| " + " | ".join(row) + " |\n")

    print("Throughput, Mpps (rx on both ports, one forwarding core): min / median / max over runs")
    show(hdr1, t1)
    print("\nRatios of medians; cycles/pkt = %.1f MHz TSC / median pps" % (hz / 1e6))
    show(hdr2, t2)
    md = out_json[:-5] + ".md" if out_json.endswith(".json") else out_json + ".md"
    with open(md, "w") as f:
        f.write("<!-- %s | %s | tree %s | %s, %s CPUs, kernel %s, DPDK %s, TSC %.1f MHz -->\n\n" % (
            out["command"], e["DATE"], out["tree"], e["CPU"], e["NCPU"], e["KERNEL"], e["DPDK"],
            hz / 1e6))
        md_table(f, hdr1, t1)
        f.write("\n")
        md_table(f, hdr2, t2)
    odd = [r for r in rs if r["note"]]
    if odd:
        print("\nruns with remarks:")
        for r in odd:
            print("  %s %s %s run %d: %s" % (r["setup"], r["mode"], r["peer"], r["run"], r["note"]))
    print("\nnoisy runs kept (others used > 10%% of a CPU): %d, failed runs: %d" % (
        out["noisy_runs"], out["failed_runs"]))
    print("JSON: %s\nMarkdown table: %s" % (out_json, md))


def main(argv):
    if len(argv) == 4 and argv[1] == "elapsed":
        cmd_elapsed(argv[2], argv[3])
    elif len(argv) == 2 and argv[1] == "record":
        cmd_record()
    elif len(argv) == 5 and argv[1] == "block":
        cmd_block(argv[2], argv[3], argv[4])
    elif len(argv) == 4 and argv[1] == "summary":
        cmd_summary(argv[2], argv[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
