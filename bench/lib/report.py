#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The report and plots of bench/run; its helpers serve bench/latency/report.py too.

  report.py record                      one run's JSON line (inputs in the environment)
  report.py block RECORDS SETUP SIZE MODE   one cell's summary, printed
  report.py summary RECORDS JSON        final tables, the run set's JSON and Markdown
  report.py pcapstat FILE               "packets mean_caplen min max over_2048" of a pcap
  report.py plot RESULTS.json [PREFIX]  PNG plots of a run set (python3-matplotlib):
      <stem>-mpps-<setup>.png  Mpps against frame size, one panel per mode, each
                               peer's median with min..max bars (setups that ran
                               more than one size)
      <stem>-ratio.png         nbfwd/testpmd ratio of medians per setup, mode and
                               size, with the 0.97 target line; memif cells with
                               generator-bound runs hatched
    next to RESULTS.json, or PREFIX-*.png. Without matplotlib it says so on one
    line and exits 0: the JSON and the Markdown tables are the results; the
    plots are a view of them.

Method (the same for nbfwd and testpmd): each app's periodic stats split a run
into reporting intervals, each with a length and packet counts taken from the
app's own counters and TSC clock:
  testpmd  --stats-period 1 prints per port the cumulative RX-packets and
           Rx-pps = delta packets * TSC Hz / delta TSC (Tx likewise). Its loop
           sleeps 1 s and prints only once a full period of TSC cycles has
           passed, so blocks come every 1 or 2 s. Per interval: packets =
           delta of the ports' summed RX-packets, seconds = packets / summed
           Rx-pps. The first block comes as forwarding starts.
  nbfwd    --stats-period 1 prints "[  t s] | pN rx R tx T ..." every second
           since forwarding started (R, T in Mpps over that second).
Time 0 is the start of forwarding, or for a DUT fed by a generator the end
of the first interval in which packets arrived. A run's figure is packets /
seconds over the intervals that begin in [skip, seconds); if none does, the
last interval with traffic.
"""

import json
import os
import re
import statistics
import struct
import sys

# Ethernet overhead per packet on a wire beyond the frame (which includes its
# 4-byte FCS): 7 B preamble + 1 B SFD + 12 B inter-frame gap.
WIRE_OVERHEAD = 20
FCS = 4


def testpmd_intervals(text):
    cut = re.search(r"Telling cores to stop|Forward statistics for port|"
                    r"Accumulated forward statistics", text)
    if cut:
        text = text[:cut.start()]
    pts = []
    nports = None
    for b in text.split("Port statistics ====")[1:]:
        rx = [int(x) for x in re.findall(r"RX-packets:\s*(\d+)", b)]
        tx = [int(x) for x in re.findall(r"TX-packets:\s*(\d+)", b)]
        rpps = [int(x) for x in re.findall(r"Rx-pps:\s*(\d+)", b)]
        tpps = [int(x) for x in re.findall(r"Tx-pps:\s*(\d+)", b)]
        if nports is None:
            nports = len(rx)
        if not rx or any(len(v) != nports for v in (rx, tx, rpps, tpps)):
            break  # a block cut short by the stop
        pts.append((sum(rx), sum(tx), sum(rpps), sum(tpps)))
    out = []
    for (r0, t0, _, _), (r1, t1, rp, tp) in zip(pts, pts[1:]):
        dr, dt_ = r1 - r0, t1 - t0
        if rp > 0:
            secs = dr / rp
        elif tp > 0:
            secs = dt_ / tp
        else:
            secs = 1.0  # no traffic: its length is unknown, call it the period
        out.append((secs, dr, dt_))
    return out


NB_LINE = re.compile(r"^\[\s*([0-9.]+)s\]\s*\|(.*)$", re.M)
NB_RX = re.compile(r"p\d+ rx ([0-9.]+)")
NB_TX = re.compile(r"p\d+ rx [0-9.]+ tx ([0-9.]+)")


def nbfwd_intervals(text):
    out = []
    prev = 0.0
    for m in NB_LINE.finditer(text):
        t = float(m.group(1))
        rx = sum(float(x) for x in NB_RX.findall(m.group(2)))
        tx = sum(float(x) for x in NB_TX.findall(m.group(2)))
        dt = t - prev
        prev = t
        if dt > 0:
            out.append((dt, rx * 1e6 * dt, tx * 1e6 * dt))
    return out


def intervals(peer, path):
    text = open(path, errors="replace").read()
    return testpmd_intervals(text) if peer.startswith("testpmd") else nbfwd_intervals(text)


def window(iv, skip, secs, from_traffic):
    """Intervals that begin in [t0 + skip, t0 + secs); t0 = 0, or for a DUT fed
    by a generator the end of the first interval with traffic (the generator
    started somewhere inside it). If none does, the last that begins in
    [t0, t0 + secs). Intervals that begin after t0 + secs are never used: a
    generator may have stopped during them."""
    t0 = 0.0
    if from_traffic:
        t = 0.0
        for dt, rx, _ in iv:
            t += dt
            if rx > 0:
                t0 = t
                break
        else:
            return []
    t = 0.0
    sel = []
    cand = []
    for dt, rx, tx in iv:
        if t0 - 0.05 <= t < t0 + secs - 0.05:
            cand.append((dt, rx, tx))
            if t >= t0 + skip - 0.05:
                sel.append((dt, rx, tx))
        t += dt
    return sel or cand[-1:]


TOTALS = r".*?RX-packets:\s*(\d+)\s+RX-dropped:\s*(\d+).*?TX-packets:\s*(\d+)\s+TX-dropped:\s*(\d+)"


def testpmd_totals(text):
    """testpmd's forward statistics at 'stop' or exit: the Accumulated block
    (two ports), else port 0's (one port prints no Accumulated block)."""
    m = (re.search("Accumulated forward statistics" + TOTALS, text, re.S) or
         re.search("Forward statistics for port 0" + TOTALS, text, re.S))
    if not m:
        return None
    return dict(zip(("rx_packets", "rx_dropped", "tx_packets", "tx_dropped"),
                    map(int, m.groups())))


def generator_stats(path):
    """testpmd's totals in the log at PATH (a generator's, or a one-port DUT's)."""
    try:
        return testpmd_totals(open(path, errors="replace").read())
    except OSError:
        return None


def other_cpu_s(e):
    """CPU seconds other processes used during a run: the machine's busy
    jiffies (B0..B1) less our children's CPU seconds (C0..C1)."""
    busy = (float(e["B1"]) - float(e["B0"])) / os.sysconf("SC_CLK_TCK")
    return max(busy - (float(e["C1"]) - float(e["C0"])), 0.0)


def cmd_record():
    e = os.environ
    peer = e["PEER"]
    secs, skip = float(e["SECS"]), float(e["SKIP"])
    from_traffic = e.get("FROM", "start") == "traffic"
    iv = intervals(peer, e["LOG"])
    sel = window(iv, skip, secs, from_traffic)
    wsecs = sum(dt for dt, _, _ in sel)
    mpps = sum(rx for _, rx, _ in sel) / wsecs / 1e6 if wsecs > 0 else None
    tx_mpps = sum(tx for _, _, tx in sel) / wsecs / 1e6 if wsecs > 0 else None
    note = [e["NOTE"].strip("; ")] if e["NOTE"].strip("; ") else []
    if not sel:
        note.append("no stats intervals with traffic")
    clk = os.sysconf("SC_CLK_TCK")
    other = other_cpu_s(e)
    r = {"setup": e["SETUP"], "size": e["SIZE"], "mode": e["MODE"], "peer": peer,
         "run": int(e["RUN"]), "ok": e["OK"] == "1" and bool(mpps),
         "exit_status": int(e["RC"]),
         "mpps": round(mpps, 4) if mpps else None,
         "tx_mpps": round(tx_mpps, 4) if tx_mpps is not None else None,
         "window_s": round(wsecs, 3), "forwarded_s": round(sum(dt for dt, _, _ in iv), 3),
         "intervals": [[round(dt, 3), round(rx / dt / 1e6, 4), round(tx / dt / 1e6, 4)]
                       for dt, rx, tx in iv],
         "other_cpu_s": round(other, 2),
         "steal_s": round((float(e["ST1"]) - float(e["ST0"])) / clk, 2),
         "noisy": other > 0.1 * secs,
         "note": "; ".join(note), "command": e["CMD"]}
    for k, env in (("frame_bytes", "FRAME"), ("mbuf_bytes", "MBUF"), ("segments", "SEGS")):
        v = e.get(env, "")
        r[k] = (float(v) if "." in v else int(v)) if v else None
    r["cell_note"] = e.get("CELL_NOTE", "")
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
        t = testpmd_totals(log)
        if t:
            r["testpmd_totals"] = t
    if e.get("GEN_LOG"):
        g = generator_stats(e["GEN_LOG"])
        r["generator"] = {"command": e.get("GEN_CMD", ""), "exit_status": int(e.get("GEN_RC", "0")),
                          "totals": g}
        if g:
            offered = g["tx_packets"] + g["tx_dropped"]
            # The generator drops what the DUT's rx ring had no room for. If it
            # (almost) never did, the DUT kept up: the figure is the
            # generator's limit, not the DUT's.
            frac = g["tx_dropped"] / offered if offered else 0.0
            r["generator"]["tx_dropped_fraction"] = round(frac, 5)
            r["generator_bound"] = frac < 0.01
    print(json.dumps(r))


def load(path):
    """The records of a JSON-lines file; [] if there is none."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(x) for x in f if x.strip()]


def med(xs):
    """Median of the values that are not None; None if there are none."""
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


# numerator / denominator pairs reported when both peers ran
RATIOS = [("nbfwd", "testpmd"), ("nbfwd", "testpmd-xbuf"), ("nbfwd", "testpmd-xmemhuge"),
          ("nbfwd-extbuf", "testpmd"), ("nbfwd-extbuf", "testpmd-xbuf"),
          ("testpmd-xbuf", "testpmd"), ("testpmd-xmemhuge", "testpmd"),
          ("nbfwd-extbuf", "nbfwd")]
SHORT = {"testpmd": "tp", "testpmd-xbuf": "xbuf", "testpmd-xmemhuge": "xmem",
         "nbfwd": "nb", "nbfwd-extbuf": "nb-ext"}


def wire_bits(cell):
    """Bits per packet on a wire, or None where it means nothing (ring)."""
    fb = cell.get("frame_bytes")
    return (fb + WIRE_OVERHEAD) * 8 if fb else None


def summarise(rs, cell, peers, hz):
    setup, size, mode = cell["setup"], cell["size"], cell["mode"]
    res = dict(cell)
    res.update({"peers": {}, "ratios": {}})
    bits = wire_bits(cell)
    mine = [r for r in rs if r["setup"] == setup and r["size"] == size and r["mode"] == mode]
    for p in peers:
        pr = [r for r in mine if r["peer"] == p]
        v = [r["mpps"] for r in pr if r["ok"]]
        if not v:
            continue
        m = statistics.median(v)
        x = {"runs_mpps": v, "min_mpps": min(v), "median_mpps": m, "max_mpps": max(v),
             "cycles_per_packet": round(hz / (m * 1e6), 2) if hz and m > 0 else None,
             "noisy_runs": sum(1 for r in pr if r.get("noisy"))}
        if bits:
            x["min_gbps"] = round(min(v) * bits / 1e3, 3)
            x["median_gbps"] = round(m * bits / 1e3, 3)
            x["max_gbps"] = round(max(v) * bits / 1e3, 3)
        tx = [r["tx_mpps"] for r in pr if r["ok"] and r.get("tx_mpps") is not None]
        if tx:
            x["median_tx_mpps"] = statistics.median(tx)
        gb = [r for r in pr if "generator_bound" in r]
        if gb:
            x["generator_bound_runs"] = sum(1 for r in gb if r["generator_bound"])
        res["peers"][p] = x
    res["ratios"] = ratios_of(res["peers"])
    return res


def ratios_of(pp):
    """The RATIOS of median Mpps among the peers in pp (peer -> figures)."""
    return {a + "/" + b: round(pp[a]["median_mpps"] / pp[b]["median_mpps"], 3)
            for a, b in RATIOS if a in pp and b in pp and pp[b]["median_mpps"] > 0}


def cells_of(rs):
    """(setup, size, mode) cells in the order they ran, with their descriptions."""
    seen = {}
    for r in rs:
        k = (r["setup"], r["size"], r["mode"])
        if k not in seen:
            seen[k] = {"setup": r["setup"], "size": r["size"], "mode": r["mode"],
                       "frame_bytes": r.get("frame_bytes"), "mbuf_bytes": r.get("mbuf_bytes"),
                       "segments": r.get("segments"), "note": r.get("cell_note", "")}
    return list(seen.values())


def cmd_block(path, setup, size, mode):
    rs = load(path)
    peers = list(dict.fromkeys(r["peer"] for r in rs))
    hz = float(os.environ.get("TSC_HZ", "0"))
    cell = [c for c in cells_of(rs) if (c["setup"], c["size"], c["mode"]) == (setup, size, mode)]
    if not cell:
        return
    res = summarise(rs, cell[0], peers, hz)
    for p, x in res["peers"].items():
        cyc = "  %6.1f cyc/pkt" % x["cycles_per_packet"] if x["cycles_per_packet"] else ""
        gb = "  %7.2f Gbit/s" % x["median_gbps"] if "median_gbps" in x else ""
        gen = ""
        if "generator_bound_runs" in x and x["generator_bound_runs"]:
            gen = "  (generator-bound in %d run(s))" % x["generator_bound_runs"]
        print("   %-16s min %8.3f  median %8.3f  max %8.3f Mpps%s%s%s" % (
            p, x["min_mpps"], x["median_mpps"], x["max_mpps"], gb, cyc, gen))
    for k, v in res["ratios"].items():
        print("   %-26s %.3f" % (k, v))


def size_label(c):
    return "%s%s" % (c["size"], "*" if c.get("note") else "")


def pktgen_summary(path, binary):
    """bench/run --pktgen: lines peer,mode,run,frame_bytes,rx_mpps,tx_mpps."""
    if not path or not os.path.exists(path):
        return None
    rows = []
    for line in open(path):
        f = line.strip().split(",")
        if len(f) == 6:
            rows.append({"peer": f[0], "mode": f[1], "run": int(f[2]), "frame_bytes": int(f[3]),
                         "rx_mpps": float(f[4]), "tx_mpps": float(f[5])})
    cells = []
    for mode, size in dict.fromkeys((r["mode"], r["frame_bytes"]) for r in rows):
        c = {"mode": mode, "frame_bytes": size, "peers": {}, "ratios": {}}
        for peer in dict.fromkeys(r["peer"] for r in rows):
            v = [r["rx_mpps"] for r in rows if (r["mode"], r["frame_bytes"], r["peer"]) ==
                 (mode, size, peer)]
            if v:
                m = statistics.median(v)
                c["peers"][peer] = {"runs_rx_mpps": v, "min_mpps": min(v), "median_mpps": m,
                                    "max_mpps": max(v),
                                    "median_gbps": round(m * (size + WIRE_OVERHEAD) * 8 / 1e3, 3)}
        c["ratios"] = ratios_of(c["peers"])
        cells.append(c)
    return {"binary": binary, "profile": "bench/pktgen/size-sweep.lua over one net_memif link "
            "(pktgen memif server on CPU A, DUT on CPU B); rx = what the DUT sent back, "
            "pktgen's per-second rates averaged over the measured seconds",
            "runs": rows, "results": cells}


def cmd_summary(path, out_json):
    e = os.environ
    rs = load(path)
    hz = float(e["TSC_HZ"])
    peers = e["PEERS"].split(",")
    skipped = [json.loads(x) for x in open(e["SKIPPED"])] if os.path.exists(e["SKIPPED"]) else []
    results = [summarise(rs, c, peers, hz) for c in cells_of(rs)]
    out = {
        "benchmark": "bench/run",
        "schema": 1,
        "interrupted": e.get("INTERRUPTED", "0") == "1",
        "command": e["ARGV"].strip(),
        "date": e["DATE"], "date_end": e["DATE_END"], "host": e["HOST"],
        "dpdk_version": e["DPDK"], "cpu_model": e["CPU"], "cpus": int(e["NCPU"]),
        "kernel": e["KERNEL"], "tsc_hz": hz, "tsc_hz_source": e["TSC_SRC"],
        "git_commit": e["GIT_COMMIT"], "tree": e["GIT_REV"],
        "nbfwd_sha256_16": e.get("NB_SUM", ""), "nbfwd_built": e.get("NB_MTIME", ""),
        "load_average_before": e["LOAD"], "load_average_after": e["LOAD_AFTER"],
        "busy_processes_before": e["TOPB"].strip(),
        "method": ("per run: packets / seconds over the apps' own stats intervals that begin "
                   "in [skip, seconds) after forwarding (or, for a DUT fed by a generator, "
                   "traffic) started: testpmd --stats-period 1: delta of summed RX-packets, "
                   "seconds = delta / summed Rx-pps; nbfwd --stats-period 1: summed 'pN rx' "
                   "Mpps x interval; Mpps = packets received on all the forwarder's ports "
                   "(one forwarding core); per peer min/median/max over runs; ratios of "
                   "medians; cycles_per_packet = tsc_hz / median pps; runs interleaved, the "
                   "peer order reversed every other run; a run during which other processes "
                   "used > 10% of a CPU is 'noisy' and retried"),
        "wire": ("Gbit/s = Mpps x (frame_bytes + 20) x 8: frame_bytes is the Ethernet frame "
                 "with its 4-byte FCS (the apps forward mbufs of frame_bytes - 4 bytes: vdevs "
                 "carry no FCS), 20 = 7 B preamble + 1 B SFD + 12 B inter-frame gap per "
                 "packet on a wire. Not given for the ring setup (64 mbufs circulate: a "
                 "per-packet cost probe, not a throughput)"),
        "config": json.loads(e["CONFIG"]),
        "results": results,
        "skipped": skipped,
        "pktgen": pktgen_summary(e.get("PKTGEN_CSV", ""), e.get("PKTGEN_BIN", "")),
        "noisy_runs": sum(1 for r in rs if r.get("noisy")),
        "failed_runs": sum(1 for r in rs if not r["ok"]),
        "runs": rs,
    }
    with open(out_json, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")

    ran = [p for p in peers if any(p in r["peers"] for r in results)]
    rkeys = [a + "/" + b for a, b in RATIOS if any(a + "/" + b in r["ratios"] for r in results)]

    def cell(res, p):
        x = res["peers"].get(p)
        return "%.2f / %.2f / %.2f" % (x["min_mpps"], x["median_mpps"], x["max_mpps"]) if x else "-"

    def gbps(res, p):
        x = res["peers"].get(p)
        return "%.1f" % x["median_gbps"] if x and "median_gbps" in x else "-"

    def cyc(res, p):
        x = res["peers"].get(p)
        return "%.1f" % x["cycles_per_packet"] if x and x["cycles_per_packet"] else "-"

    hdr1 = ["setup", "size", "mode"] + [p + " Mpps min/med/max" for p in ran] + \
        ["%s/%s" % (SHORT[a], SHORT[b]) for a, b in (k.split("/") for k in rkeys)]
    t1 = [[r["setup"], size_label(r), r["mode"]] + [cell(r, p) for p in ran] +
          ["%.3f" % r["ratios"][k] if k in r["ratios"] else "-" for k in rkeys]
          for r in results]
    hdr2 = ["setup", "size", "mode"] + ["Gbit/s " + SHORT[p] for p in ran] + \
        ["cyc/pkt " + SHORT[p] for p in ran]
    t2 = [[r["setup"], size_label(r), r["mode"]] + [gbps(r, p) for p in ran] +
          [cyc(r, p) for p in ran] for r in results]

    def show(hdr, table):
        w = [max(len(str(x)) for x in col) for col in zip(hdr, *table)]
        print("  ".join(h.ljust(n) for h, n in zip(hdr, w)).rstrip())
        for row in table:
            print("  ".join(str(c).ljust(n) for c, n in zip(row, w)).rstrip())

    def md_table(f, hdr, table):
        f.write("| " + " | ".join(hdr) + " |\n|" + "---|" * len(hdr) + "\n")
        for row in table:
            f.write("| " + " | ".join(row) + " |\n")

    notes = ["%s %s: %s" % (r["setup"], size_label(r), r["note"])
             for r in results if r.get("note")]
    notes = list(dict.fromkeys(notes))
    if results:
        print("Throughput, Mpps (received on all the forwarder's ports, one forwarding core): "
              "min / median / max over runs; ratios of medians")
        show(hdr1, t1)
        print("\nMedian Gbit/s on the wire (frame + 20 B preamble/SFD/IFG per packet); "
              "cycles/pkt = %.1f MHz TSC / median pps" % (hz / 1e6))
        show(hdr2, t2)
    for n in notes:
        print("  * " + n)
    md = out_json[:-5] + ".md" if out_json.endswith(".json") else out_json + ".md"
    with open(md, "w") as f:
        f.write("<!-- %s | %s .. %s | tree %s | %s, %s CPUs, kernel %s, DPDK %s, TSC %.1f MHz -->\n\n" % (
            out["command"], e["DATE"], e["DATE_END"], out["tree"], e["CPU"], e["NCPU"],
            e["KERNEL"], e["DPDK"], hz / 1e6))
        if results:
            md_table(f, hdr1, t1)
            f.write("\n")
            md_table(f, hdr2, t2)
        if notes:
            f.write("\n" + "".join("\\* %s\n\n" % n for n in notes))
        if skipped:
            f.write("\nNot run: " + "; ".join("%s %s: %s" % (s["setup"], s["size"], s["reason"])
                                              for s in skipped) + "\n")
    for s in skipped:
        print("  not run: %s %s: %s" % (s["setup"], s["size"], s["reason"]))
    pg = out["pktgen"]
    if pg and pg["results"]:
        pk = [p for p in peers if any(p in c["peers"] for c in pg["results"])]
        hdr3 = ["mode", "size"] + ["pktgen rx Mpps, " + p for p in pk] + ["nb/tp"]
        t3 = [[c["mode"], str(c["frame_bytes"])] +
              ["%.2f / %.2f / %.2f" % (c["peers"][p]["min_mpps"], c["peers"][p]["median_mpps"],
                                       c["peers"][p]["max_mpps"]) if p in c["peers"] else "-"
               for p in pk] +
              ["%.3f" % c["ratios"]["nbfwd/testpmd"] if "nbfwd/testpmd" in c["ratios"] else "-"]
              for c in pg["results"]]
        print("\npktgen over net_memif (min / median / max over runs; ratio of medians)")
        show(hdr3, t3)
        with open(md, "a") as f:
            f.write("\npktgen over net_memif, rx Mpps at pktgen (min / median / max)\n\n")
            md_table(f, hdr3, t3)
    odd = [r for r in rs if r["note"]]
    if odd:
        print("\nruns with remarks:")
        for r in odd:
            print("  %s %s %s %s run %d: %s" % (r["setup"], r["size"], r["mode"], r["peer"],
                                                r["run"], r["note"]))
    gb = sum(1 for r in rs if r.get("generator_bound"))
    if gb:
        print("\nmemif runs where the DUT kept up with the generator (< 1%% generator tx "
              "drops: the figure is a lower bound of the DUT's rate): %d" % gb)
    print("\nnoisy runs kept (others used > 10%% of a CPU): %d, failed runs: %d" % (
        out["noisy_runs"], out["failed_runs"]))
    print("JSON: %s\nMarkdown: %s" % (out_json, md))


def cmd_pcapstat(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        magic = hdr[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            end = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            end = ">"
        else:
            sys.exit("pcapstat: %s: not a classic pcap" % path)
        lens = []
        while True:
            h = f.read(16)
            if len(h) < 16:
                break
            _, _, caplen, _ = struct.unpack(end + "IIII", h)
            f.seek(caplen, 1)
            lens.append(caplen)
    if not lens:
        sys.exit("pcapstat: %s: no packets" % path)
    print("%d %.2f %d %d %d" % (len(lens), sum(lens) / len(lens), min(lens), max(lens),
                                sum(1 for x in lens if x > 2048)))


# --- plots ----------------------------------------------------------------------------
COLORS = {"testpmd": "#1f77b4", "nbfwd": "#d62728", "testpmd-xbuf": "#17becf",
          "nbfwd-extbuf": "#ff7f0e", "testpmd-xmemhuge": "#9467bd"}
TARGET = 0.97
YMAX = 1.6	# ratio bars above it are cut there, their value written on them


def size_key(s):
    return (0, int(s)) if str(s).isdigit() else (1, str(s))


def subtitle(d):
    return "%s | DPDK %s | tree %s | %s" % (d["cpu_model"], d["dpdk_version"], d["tree"],
                                           d["date"][:16].replace("T", " "))


def plot_setup(plt, matplotlib, d, setup, out):
    rows = [r for r in d["results"] if r["setup"] == setup]
    modes = list(dict.fromkeys(r["mode"] for r in rows))
    sizes = sorted({r["size"] for r in rows}, key=size_key)
    peers = [p for p in d["config"]["peers"] if any(p in r["peers"] for r in rows)]
    fig, axes = plt.subplots(1, len(modes), figsize=(4.6 * len(modes), 4.2), squeeze=False)
    for ax, mode in zip(axes[0], modes):
        for i, p in enumerate(peers):
            xs, med, lo, hi = [], [], [], []
            for j, s in enumerate(sizes):
                r = [x for x in rows if x["mode"] == mode and x["size"] == s]
                if not r or p not in r[0]["peers"]:
                    continue
                v = r[0]["peers"][p]
                xs.append(j)
                med.append(v["median_mpps"])
                lo.append(v["median_mpps"] - v["min_mpps"])
                hi.append(v["max_mpps"] - v["median_mpps"])
            if xs:
                ax.errorbar(xs, med, yerr=[lo, hi], marker="os^vD"[i % 5], ms=5, capsize=3 + 2 * i,
                            lw=1.4, color=COLORS.get(p), label=p, alpha=0.85)
        ax.set_xticks(range(len(sizes)))
        ax.set_xticklabels([str(s) for s in sizes])
        ax.set_xlabel("frame size, bytes (with FCS)")
        ax.set_ylabel("Mpps (median; bars: min..max)")
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: "%g" % v))
        ax.yaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(
            lambda v, _: "%g" % v if ("%.0e" % v)[0] in "25" else ""))
        ax.set_title("%s / %s" % (setup, mode))
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("nbfwd vs testpmd, %s setup: %d run(s) x %d s each\n%s" % (
        setup, d["config"]["runs"], d["config"]["seconds"], subtitle(d)), fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)


def plot_ratios(plt, d, out):
    rows = [r for r in d["results"] if "nbfwd/testpmd" in r["ratios"]]
    if not rows:
        return False
    groups = list(dict.fromkeys((r["setup"], r["size"]) for r in rows))
    modes = list(dict.fromkeys(r["mode"] for r in rows))
    mcol = dict(zip(modes, ["#4c72b0", "#dd8452", "#55a868", "#8172b3"]))
    w = 0.8 / len(modes)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.75 * len(groups) * max(1, len(modes) / 2) + 1.5),
                                    4.4))
    vals = [r["ratios"]["nbfwd/testpmd"] for r in rows]
    lo = max(0.0, min(0.8, min(vals) - 0.1))
    hi = min(YMAX, max(1.1, max(vals) + 0.12))
    hatched = False
    for k, m in enumerate(modes):
        xs, ys, hs = [], [], []
        for g, (setup, size) in enumerate(groups):
            r = [x for x in rows if (x["setup"], x["size"], x["mode"]) == (setup, size, m)]
            if r:
                xs.append(g + (k - (len(modes) - 1) / 2) * w)
                ys.append(r[0]["ratios"]["nbfwd/testpmd"])
                hs.append(any(p.get("generator_bound_runs") for p in r[0]["peers"].values()))
        bars = ax.bar(xs, [min(y, hi) for y in ys], width=w, color=mcol[m], label=m)
        for b, h in zip(bars, hs):
            if h:
                b.set_hatch("///")
                hatched = True
        for x, y in zip(xs, ys):
            ax.text(x, min(y, hi) + 0.005 if y < hi else hi - 0.01, "%.2f" % y,
                    ha="center", va="bottom" if y < hi else "top", fontsize=6, rotation=90)
    if hatched:
        ax.bar([0], [0], color="white", edgecolor="black", hatch="///",
               label="generator-bound runs (memif)")
    ax.axhline(1.0, color="black", lw=0.8)
    ax.axhline(TARGET, color="red", lw=1.0, ls="--", label="target %.2f" % TARGET)
    ax.set_ylim(lo, hi)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(["%s\n%s" % g for g in groups], fontsize=8)
    ax.set_ylabel("nbfwd / testpmd (ratio of median Mpps)")
    ax.legend(fontsize=8, ncol=len(modes) + 1, loc="upper left")
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_title("nbfwd / testpmd by setup and frame size (y axis does not start at 0; "
                 "bars above %.1f cut)\n%s" % (YMAX, subtitle(d)), fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return True


def cmd_plot(path, prefix=None):
    path = os.path.realpath(path)  # latest.json -> the run set's own name
    if prefix is None:
        prefix = path[:-5] if path.endswith(".json") else path
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker
    except ImportError:
        print("plot: python3-matplotlib is not installed (apt-get install python3-matplotlib): "
              "no PNG plots; the JSON and Markdown tables hold the results")
        return
    d = json.load(open(path))
    made = []
    for setup in dict.fromkeys(r["setup"] for r in d["results"]):
        if len({r["size"] for r in d["results"] if r["setup"] == setup}) > 1:
            out = "%s-mpps-%s.png" % (prefix, setup)
            plot_setup(plt, matplotlib, d, setup, out)
            made.append(out)
    out = prefix + "-ratio.png"
    if plot_ratios(plt, d, out):
        made.append(out)

    def show(m):
        r = os.path.relpath(m)
        return m if r.startswith("..") else r
    print("plot: " + (", ".join(show(m) for m in made) if made else "nothing to plot"))


def main(argv):
    if len(argv) == 2 and argv[1] == "record":
        cmd_record()
    elif len(argv) == 6 and argv[1] == "block":
        cmd_block(argv[2], argv[3], argv[4], argv[5])
    elif len(argv) == 4 and argv[1] == "summary":
        cmd_summary(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "pcapstat":
        cmd_pcapstat(argv[2])
    elif len(argv) in (3, 4) and argv[1] == "plot":
        cmd_plot(*argv[2:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
