#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Plots of one bench/run result set (PNG, with Debian's python3-matplotlib).

  bench/plot.py RESULTS.json [OUTPUT_PREFIX]

Writes, next to RESULTS.json (or to OUTPUT_PREFIX-*.png):
  <stem>-mpps-<setup>.png  Mpps against frame size, one panel per mode, nbfwd
                           and testpmd medians with min..max bars (setups
                           that ran more than one size)
  <stem>-ratio.png         nbfwd/testpmd ratio of medians per setup, mode and
                           size, with the 0.97 target line; memif cells with
                           generator-bound runs hatched
Without matplotlib it says so on one line and exits 0: the JSON and the
Markdown tables are the results; the plots are a view of them.
"""

import json
import os
import sys

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


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    path = os.path.realpath(argv[1])  # latest.json -> the run set's own name
    prefix = argv[2] if len(argv) == 3 else (path[:-5] if path.endswith(".json") else path)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker
    except ImportError:
        print("plot: python3-matplotlib is not installed (apt-get install python3-matplotlib): "
              "no PNG plots; the JSON and Markdown tables hold the results")
        return 0
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
