#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Figures of bench/run-consumer from its work directory.

  report.py --line WORK TAG TSC_HZ
      one line about run TAG (for the progress output)
  report.py --json FILE WORK TSC_HZ [--meta KEY=VALUE ...]
      every run, the per-peer/size summary, ratios and targets: FILE (JSON)
      and FILE without .json + .md (Markdown tables)

WORK holds runs.tsv (tag, peer, size, run, attempt, producer exit status,
consumer exit status, note) and per run TAG.sample.json (sample.py), the
logs TAG.p.log / TAG.c.log, nbfwd's TAG.p.json and nbecho's TAG.c.json.
Python 3 standard library only.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys

# the targets: (size, nbfwd peer, memif peer, minimum ratio)
TARGETS = [(64, "memif-copy", 2.0), (64, "memif-zc", 0.9), (1500, "memif-copy", 5.0)]
NB_PEERS = ("nbfwd", "nbfwd-pmd", "nbfwd-zc", "nbfwd-pmd-zc")
# consumers that are nbecho: their figure is what nbfwd saw come back
NBECHO_PEERS = ("nbfwd", "nbfwd-zc")
# a run is producer-bound when the producer hands off at least this share of
# what it receives (it drops almost nothing: the consumer keeps up)
BOUND_SHARE = 0.97
MEMIF_PEERS = ("memif-copy", "memif-zc")
ORDER = ("nbfwd", "nbfwd-pmd", "nbfwd-zc", "nbfwd-pmd-zc", "memif-copy", "memif-zc",
	"nbfwd-base", "memif-base")
CONSUMER = {
	"nbfwd": "nbecho --poll (libnbshm-client)",
	"nbfwd-pmd": "dpdk-testpmd rxonly, net_nbshm PMD (zero copy)",
	"nbfwd-zc": "nbecho --poll (libnbshm-client)",
	"nbfwd-pmd-zc": "dpdk-testpmd rxonly, net_nbshm PMD (zero copy)",
	"memif-copy": "dpdk-testpmd rxonly, net_memif client",
	"memif-zc": "dpdk-testpmd rxonly, net_memif client zero-copy=yes",
	"nbfwd-base": "none (producer alone)",
	"memif-base": "none (producer alone)",
}
PRODUCER = {
	"nbfwd": "nbfwd --mode vmq", "nbfwd-pmd": "nbfwd --mode vmq",
	"nbfwd-zc": "nbfwd --mode vmq, steering = port",
	"nbfwd-pmd-zc": "nbfwd --mode vmq, steering = port",
	"nbfwd-base": "nbfwd --mode vmq",
	"memif-copy": "dpdk-testpmd io, net_memif server",
	"memif-zc": "dpdk-testpmd io, net_memif server",
	"memif-base": "dpdk-testpmd io, net_memif server",
}


def load(path):
	try:
		with open(path) as f:
			return json.load(f)
	except (OSError, ValueError):
		return None


def delta(series, *keys, i=0, j=-1):
	a, b = series[i], series[j]
	for k in keys:
		a, b = a[k], b[k]
	return b - a


def interval_rates(series, times, *keys):
	"""pps of every interval between two sample rounds"""
	return [delta(series, *keys, i=k, j=k + 1) / (times[k + 1] - times[k])
		for k in range(len(times) - 1) if times[k + 1] > times[k]]


def run_figures(work, tag, peer, tsc):
	"""Rates (pps) and cycles of one run, from its telemetry window."""
	fig = {"ok": False}
	s = load(os.path.join(work, tag + ".sample.json"))
	if not s or "replies" not in s:
		fig["error"] = (s or {}).get("error", "no sample")
		return fig
	w = s["window_s"]
	p = s["replies"]["p"]
	fig.update(window_s=round(w, 4), others_cpus=s.get("others_cpus"),
		ours_cpus=s.get("ours_cpus"), steal_cpus=s.get("steal_cpus"),
		query_round_s=s.get("round_s"))
	rx = delta(p["/ethdev/stats,0"], "ipackets") / w
	fig["producer_rx_pps"] = rx
	if peer.startswith("nbfwd"):
		cons = p["/nbfwd/consumers"]
		handed = delta(cons, "0", "delivered") / w
		returned = delta(cons, "0", "returned") / w
		fig["producer_drops"] = {k: delta(cons, "0", "drops", k)
			for k in cons[1]["0"]["drops"] if delta(cons, "0", "drops", k)}
		fig["rejects"] = sum(delta(cons, "0", "rejects", k) for k in cons[1]["0"]["rejects"])
	else:
		handed = delta(p["/ethdev/stats,1"], "opackets") / w
		returned = None
	fig["handed_pps"] = handed
	times = s.get("times") or [0, w]
	if peer in NBECHO_PEERS:
		cons_pps = returned
		series = interval_rates(p["/nbfwd/consumers"], times, "0", "returned")
	elif "c" in s["replies"]:
		cons_pps = delta(s["replies"]["c"]["/ethdev/stats,0"], "ipackets") / w
		fig["consumer_missed_pps"] = delta(s["replies"]["c"]["/ethdev/stats,0"], "imissed") / w
		series = interval_rates(s["replies"]["c"]["/ethdev/stats,0"], times, "ipackets")
	else:
		cons_pps = None
		series = interval_rates(p["/ethdev/stats,0"], times, "ipackets")
	fig["interval_mpps"] = [round(x / 1e6, 3) for x in series]
	if series and min(series) > 0:
		fig["interval_spread"] = round(max(series) / min(series), 3)
	fig["consumer_pps"] = cons_pps
	if returned is not None and peer not in NBECHO_PEERS:
		fig["returned_pps"] = returned
	if rx > 0:
		fig["producer_cycles_per_rx"] = tsc / rx
	if handed > 0:
		fig["producer_cycles_per_handed"] = tsc / handed
	if cons_pps:
		fig["consumer_cycles_per_packet"] = tsc / cons_pps
	if rx > 0 and not peer.endswith("-base"):
		# the producer hands off nearly all it receives: it is the slower side
		fig["bound"] = "producer" if handed >= BOUND_SHARE * rx else "consumer"
	fig["ok"] = rx > 0 and (peer.endswith("-base") or (cons_pps or 0) > 0)
	if not fig["ok"]:
		fig["error"] = "a rate is zero"
	return fig


def cross_checks(work, tag, peer):
	"""What each process said at exit (not used for the figures)."""
	out = {}
	pj = load(os.path.join(work, tag + ".p.json"))
	if pj:
		c = (pj.get("consumers") or [{}])[0]
		out["nbfwd"] = {k: pj.get(k) for k in ("duration_s", "rx_packets", "dropped",
			"rx_mpps", "mbufs_in_use_at_exit")}
		out["nbfwd"]["consumer"] = {k: c.get(k) for k in ("delivered", "returned",
			"reclaimed", "drops", "attaches")}
	cj = load(os.path.join(work, tag + ".c.json"))
	if cj and cj.get("duration_s"):
		out["nbecho"] = {"packets": cj.get("packets"), "duration_s": cj["duration_s"],
			"rejected": cj.get("rejected"),
			"whole_run_mpps": round(cj["packets"] / cj["duration_s"] / 1e6, 3)}
	try:
		with open(os.path.join(work, tag + ".p.log"), errors="replace") as f:
			m = re.search(r"CPU cycles/packet=([0-9.]+) \(total cycles=(\d+) / total \w+ "
				r"packets=(\d+)\) at (\d+) MHz", f.read())
		if m:
			out["testpmd_producer"] = {"busy_cycles_per_rx_packet": float(m.group(1)),
				"busy_cycles": int(m.group(2)), "rx_packets": int(m.group(3)),
				"tsc_mhz": int(m.group(4))}
	except OSError:
		pass
	return out


def read_runs(work, tsc):
	runs = []
	with open(os.path.join(work, "runs.tsv")) as f:
		for line in f:
			v = line.rstrip("\n").split("\t")
			if len(v) < 8:
				continue
			tag, peer, size, run, att, prc, crc, note = v[:8]
			c2c = [int(x) if x.isdigit() else None for x in (v[8:10] + ["", ""])[:2]]
			r = {"tag": tag, "peer": peer, "size": int(size), "run": int(run),
				"attempt": int(att),
				"producer_exit": int(prc) if prc.lstrip("-").isdigit() else None,
				"consumer_exit": int(crc) if crc.lstrip("-").isdigit() else None,
				"note": note.strip(), "c2c_cycles": c2c}
			r.update(run_figures(work, tag, peer, tsc))
			r["exit_counters"] = cross_checks(work, tag, peer)
			for part, name in (("p", "producer"), ("c", "consumer")):
				try:
					with open(os.path.join(work, "%s.%s.log.cmd" % (tag, part))) as cf:
						r[name + "_command"] = cf.read().strip()
				except OSError:
					pass
			nb = r["exit_counters"].get("nbfwd")
			if nb and nb.get("mbufs_in_use_at_exit"):
				r["note"] += " nbfwd: %s mbufs in use at exit;" % nb["mbufs_in_use_at_exit"]
			if r.get("rejects"):
				r["note"] += " nbfwd rejected %d descriptors;" % r["rejects"]
			if r["consumer_exit"] not in (None, 0, 130) and peer.startswith("memif"):
				r["note"] += (" consumer exit %d after the producer left (memif, known;"
					" judged by the window's counters);" % r["consumer_exit"])
			elif r["consumer_exit"] not in (None, 0, 130):
				r["note"] += " consumer exit %d;" % r["consumer_exit"]
			if r["producer_exit"] not in (None, 0, 130):
				r["note"] += " producer exit %d;" % r["producer_exit"]
			r["note"] = r["note"].strip()
			runs.append(r)
	return runs


def mpps(x):
	return None if x is None else round(x / 1e6, 3)


def final_runs(runs, noise):
	"""Last attempt of each (peer, size, run); noisy flag set."""
	last = {}
	for r in runs:
		r["noisy"] = r.get("others_cpus") is not None and r["others_cpus"] > noise
		last[(r["peer"], r["size"], r["run"])] = r
	for r in runs:
		r["kept"] = last[(r["peer"], r["size"], r["run"])] is r
	return [r for r in runs if r["kept"]]


# placement levels by the CPU-to-CPU round trip, as multiples of the smallest
# one seen in the run set (seen here: ~115-165 cycles, ~200-240, ~900-1000)
LEVELS = (("near", 1.6), ("mid", 4.0), ("far", None))


def placement(runs):
	"""Label each run by its CPU-to-CPU round trips before and after it
	(consumer/c2c.c): the level both fall in (LEVELS), else mixed."""
	vals = [c for r in runs for c in r.get("c2c_cycles") or [] if c]
	if not vals:
		return None
	low = min(vals)

	def level(x):
		for name, f in LEVELS:
			if f is None or x <= f * low:
				return name
	for r in runs:
		c = [level(x) for x in r.get("c2c_cycles") or [] if x]
		if len(c) < 2:
			r["placement"] = "unknown"
		else:
			r["placement"] = c[0] if c[0] == c[1] else "mixed"
	return {name: (round(f * low) if f else None) for name, f in LEVELS}


def summarise(runs, tsc, noise):
	kept = final_runs(runs, noise)
	thr = placement(runs)
	cells = {}
	for r in kept:
		cells.setdefault((r["size"], r["peer"]), []).append(r)
	summary = {}
	for (size, peer), rs in sorted(cells.items()):
		good = [r for r in rs if r["ok"]]
		clean = [r for r in good if not r["noisy"]]
		use = clean or good
		e = {"runs": len(rs), "ok": len(good), "noisy_kept": len(good) - len(clean),
			"medians_over": "clean runs" if clean else ("noisy runs" if good else "none"),
			"producer": PRODUCER[peer], "consumer": CONSUMER[peer]}
		if use:
			def med(key):
				v = [r[key] for r in use if r.get(key) is not None]
				return statistics.median(v) if v else None
			if not peer.endswith("-base"):
				c = sorted(r["consumer_pps"] for r in use)
				e.update(consumer_mpps={"min": mpps(c[0]), "median": mpps(statistics.median(c)),
					"max": mpps(c[-1])})
				e["consumer_cycles_per_packet"] = round(tsc / statistics.median(c), 1)
				e["handed_mpps"] = mpps(med("handed_pps"))
			rx = med("producer_rx_pps")
			e["producer_rx_mpps"] = mpps(rx)
			e["producer_cycles_per_rx"] = round(tsc / rx, 1) if rx else None
			if not peer.endswith("-base") and med("handed_pps"):
				e["producer_cycles_per_handed"] = round(tsc / med("handed_pps"), 1)
			e["_rx"], e["_handed"] = rx, med("handed_pps")
			if not peer.endswith("-base"):
				e["producer_bound_runs"] = sum(1 for r in use if r.get("bound") == "producer")
				e["runs_used"] = len(use)
			spreads = [r["interval_spread"] for r in use if r.get("interval_spread")]
			e["max_interval_spread"] = max(spreads) if spreads else None
			if not peer.endswith("-base") and thr:
				bs = {}
				for st, _ in LEVELS:
					v = sorted(r["consumer_pps"] for r in use if r.get("placement") == st)
					if v:
						bs[st] = {"runs": len(v), "min": mpps(v[0]),
							"median": mpps(statistics.median(v)), "max": mpps(v[-1])}
				e["consumer_mpps_by_placement"] = bs
		summary.setdefault(str(size), {})[peer] = e
	# marginal producer cycles per handed-off packet, against the base run
	for size, peers in summary.items():
		for peer, e in peers.items():
			base = peers.get(("nbfwd" if peer.startswith("nbfwd") else "memif") + "-base")
			if (not peer.endswith("-base") and base and base.get("producer_cycles_per_rx")
					and e.get("_handed")):
				e["producer_marginal_cycles_per_handed"] = round(
					(tsc - e["_rx"] * base["producer_cycles_per_rx"]) / e["_handed"], 1)
		for e in peers.values():
			e.pop("_rx", None)
			e.pop("_handed", None)
	ratios, targets, by_state = {}, [], {}
	for size, peers in summary.items():
		rs = {}
		for nb in NB_PEERS:
			for mf in MEMIF_PEERS:
				a = peers.get(nb, {}).get("consumer_mpps")
				b = peers.get(mf, {}).get("consumer_mpps")
				if a and b and b["median"]:
					rs["%s/%s" % (nb, mf)] = round(a["median"] / b["median"], 3)
		ratios[size] = rs
		for st, _ in LEVELS:
			for nb in NB_PEERS:
				for mf in MEMIF_PEERS:
					a = peers.get(nb, {}).get("consumer_mpps_by_placement", {}).get(st)
					b = peers.get(mf, {}).get("consumer_mpps_by_placement", {}).get(st)
					if a and b and b["median"]:
						by_state.setdefault(size, {}).setdefault(st, {})[
							"%s/%s" % (nb, mf)] = round(a["median"] / b["median"], 3)
	for size, mf, want in TARGETS:
		for nb in NB_PEERS:
			got = ratios.get(str(size), {}).get("%s/%s" % (nb, mf))
			if got is not None:
				targets.append({"size": size, "ratio": "%s/%s" % (nb, mf), "target": want,
					"measured": got, "met": got >= want})
	return summary, ratios, targets, by_state, thr


def machine():
	def cmd(*a):
		try:
			return subprocess.run(a, capture_output=True, text=True).stdout.strip()
		except OSError:
			return ""
	cpu = ""
	with open("/proc/cpuinfo") as f:
		for line in f:
			if line.startswith("model name"):
				cpu = line.split(":", 1)[1].strip()
				break
	return {"cpu_model": cpu, "cpus": os.cpu_count(), "kernel": platform.release(),
		"dpdk_version": cmd("pkg-config", "--modversion", "libdpdk") or "unknown"}


def fmt(x, nd=2):
	return "–" if x is None else ("%.*f" % (nd, x))


def markdown(d):
	m = d["meta"]
	out = ["# bench/run-consumer: consumer hand-off, nbfwd vmq against net_memif", "",
		"%s to %s; `%s`; tree %s; %s, %s CPUs, kernel %s, DPDK %s; TSC %.1f MHz."
		% (m.get("started"), m.get("ended"), m.get("command"), m.get("git_describe"),
			d["cpu_model"], d["cpus"], d["kernel"], d["dpdk_version"], d["tsc_hz"] / 1e6),
		"Producer on CPU %s, consumer on CPU %s; %s run(s) x %s s window after %s s warm-up; "
		"load before %s. Medians over runs in which others used <= %s CPU%s."
		% (m.get("cpu_producer"), m.get("cpu_consumer"), m.get("runs"), m.get("seconds"),
			m.get("skip"), m.get("load_before"), m.get("noise_cpus"),
			" (noisy runs kept only where no clean one exists)"), ""]
	if m.get("skipped"):
		out += ["Skipped: %s" % m["skipped"], ""]
	out += ["## Consumer Mpps (min / median / max)", "",
		"| size | " + " | ".join(p for p in ORDER if not p.endswith("-base")) + " |",
		"|---|" + "---|" * len([p for p in ORDER if not p.endswith("-base")])]
	for size, peers in d["summary"].items():
		row = []
		for p in ORDER:
			if p.endswith("-base"):
				continue
			e = peers.get(p, {})
			c = e.get("consumer_mpps")
			n = e.get("noisy_kept", 0)
			note = ""
			if n and e.get("medians_over") == "clean runs":
				note = " (%d noisy run%s left out)" % (n, "s" if n > 1 else "")
			elif n:
				note = " (noisy runs only)"
			row.append("–" if not c else "%s / **%s** / %s%s" % (fmt(c["min"]),
				fmt(c["median"]), fmt(c["max"]), note))
		out.append("| %s B | %s |" % (size, " | ".join(row)))
	out += ["", "## Ratios of medians and the issue's targets", "",
		"| size | ratio | measured | target | met |", "|---|---|---|---|---|"]
	for t in d["targets"]:
		out.append("| %d B | %s | %.2f | >= %.1f | %s |" % (t["size"], t["ratio"],
			t["measured"], t["target"], "yes" if t["met"] else "**no**"))
	for size, rs in d["ratios"].items():
		for k, v in rs.items():
			if not any(t["size"] == int(size) and t["ratio"] == k for t in d["targets"]):
				out.append("| %s B | %s | %.2f | – | – |" % (size, k, v))
	if d.get("ratios_by_placement"):
		out += ["", "## By vCPU placement (consumer Mpps medians, runs; ratios of those)", "",
			"Round trip of a cache line between the two CPUs (`consumer/c2c.c`), TSC cycles, "
			"before and after each run: near if both <= %s, mid if both <= %s, far if both "
			"above; mixed runs are in none." % (d["placement"]["upper_bound_cycles"]["near"],
				d["placement"]["upper_bound_cycles"]["mid"]), "",
			"| size | placement | " + " | ".join(p for p in ORDER if not p.endswith("-base"))
			+ " | nbfwd/memif-copy | nbfwd/memif-zc |",
			"|---|---|" + "---|" * (len([p for p in ORDER if not p.endswith("-base")]) + 2)]
		for size, peers in d["summary"].items():
			for st, _ in LEVELS:
				if not any(peers.get(p, {}).get("consumer_mpps_by_placement", {}).get(st)
						for p in NB_PEERS + MEMIF_PEERS):
					continue
				row = []
				for p in ORDER:
					if p.endswith("-base"):
						continue
					b = peers.get(p, {}).get("consumer_mpps_by_placement", {}).get(st)
					row.append("%s (%d)" % (fmt(b["median"]), b["runs"]) if b else "–")
				rs = d["ratios_by_placement"].get(size, {}).get(st, {})
				out.append("| %s B | %s | %s | %s | %s |" % (size, st, " | ".join(row),
					fmt(rs.get("nbfwd/memif-copy")), fmt(rs.get("nbfwd/memif-zc"))))
	out += ["", "## Cost (medians; cycles from the TSC, both cores busy-poll)", "",
		"Slower side: producer when it hands off >= %d%% of what it receives (the consumer "
		"keeps up and partly idles: its cycles per packet are then an upper bound)." % (
			BOUND_SHARE * 100), "",
		"| size | peer | producer rx Mpps | handed off Mpps | producer cyc / rx pkt "
		"| producer cyc / handed pkt | marginal producer cyc / handed pkt "
		"| consumer core cyc / pkt taken | slower side |", "|---|---|---|---|---|---|---|---|---|"]
	for size, peers in d["summary"].items():
		for p in ORDER:
			e = peers.get(p)
			if not e:
				continue
			bound = "–"
			if e.get("runs_used"):
				nb = e["producer_bound_runs"]
				bound = "producer (%d/%d runs)" % (nb, e["runs_used"]) if nb * 2 > e["runs_used"] \
					else "consumer (%d/%d runs)" % (e["runs_used"] - nb, e["runs_used"])
			out.append("| %s B | %s | %s | %s | %s | %s | %s | %s | %s |" % (size, p,
				fmt(e.get("producer_rx_mpps")), fmt(e.get("handed_mpps")),
				fmt(e.get("producer_cycles_per_rx"), 1),
				fmt(e.get("producer_cycles_per_handed"), 1),
				fmt(e.get("producer_marginal_cycles_per_handed"), 1),
				fmt(e.get("consumer_cycles_per_packet"), 1), bound))
	out += ["", "## Runs", "",
		"| run | size | peer | try | consumer Mpps | per second | producer rx Mpps "
		"| others CPUs | c2c cycles before/after | placement | kept | note |",
		"|---|---|---|---|---|---|---|---|---|---|---|---|"]
	for r in d["runs"]:
		c2c = r.get("c2c_cycles") or [None, None]
		out.append("| %d | %d B | %s | %d | %s | %s | %s | %s | %s / %s | %s | %s | %s |" % (
			r["run"], r["size"], r["peer"], r["attempt"], fmt(mpps(r.get("consumer_pps"))),
			" ".join(fmt(x, 1) for x in r.get("interval_mpps") or []),
			fmt(mpps(r.get("producer_rx_pps"))), fmt(r.get("others_cpus")),
			c2c[0] or "–", c2c[1] or "–", r.get("placement", "–"),
			("yes" if r["kept"] else "no") + (", noisy" if r.get("noisy") else ""),
			(r.get("error", "") + " " + r["note"]).strip()))
	return "\n".join(out) + "\n"


def main():
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument("--line", action="store_true")
	ap.add_argument("--json")
	ap.add_argument("--meta", nargs="*", default=[])
	ap.add_argument("work")
	ap.add_argument("rest", nargs="+")
	a = ap.parse_args()
	if a.line:
		tag, tsc = a.rest[0], float(a.rest[1])
		runs = [r for r in read_runs(a.work, tsc) if r["tag"] == tag]
		if not runs:
			print("%s: no record" % tag)
			return 1
		r = runs[0]
		if not r["ok"]:
			print("run %s: %s" % (tag, r.get("error")))
			return 0
		print("%-22s consumer %s Mpps, producer rx %s handed %s Mpps, others %s CPUs%s" % (
			tag, fmt(mpps(r.get("consumer_pps"))), fmt(mpps(r["producer_rx_pps"])),
			fmt(mpps(r["handed_pps"])), fmt(r.get("others_cpus")),
			("; " + r["note"]) if r["note"] else ""))
		return 0
	if not a.json or len(a.rest) != 1:
		ap.error("--json FILE WORK TSC_HZ")
	tsc = float(a.rest[0])
	meta = dict(kv.split("=", 1) for kv in a.meta)
	noise = float(meta.get("noise_cpus", 0.1))
	runs = read_runs(a.work, tsc)
	summary, ratios, targets, by_state, thr = summarise(runs, tsc, noise)
	d = {"benchmark": "consumer hand-off: nbfwd vmq vs net_memif (testpmd to testpmd)",
		**machine(), "tsc_hz": tsc, "meta": meta,
		"method": "counters read through DPDK telemetry at two instants (window_s apart), "
		"after a warm-up; rate = delta / window; cycles/pkt = TSC Hz / rate; marginal "
		"producer cycles per handed-off packet = (TSC Hz - rx pps x base cycles/rx pkt) "
		"/ handed-off pps, base from the producer-alone run",
		"frame_bytes_note": "size = Ethernet frame bytes with the 4-byte FCS; the pcap "
		"and the mbufs hold size - 4 bytes",
		"summary": summary, "ratios": ratios, "targets": targets,
		"placement": {"upper_bound_cycles": thr, "rule": "c2c round trip (bench/consumer/"
			"c2c.c) before and after a run, both in the same level: near <= 1.6 x the "
			"smallest round trip of the set, mid <= 4 x, far above; else mixed"},
		"ratios_by_placement": by_state,
		"failed_runs": sum(1 for r in runs if r["kept"] and not r["ok"]),
		"runs": runs}
	with open(a.json, "w") as f:
		json.dump(d, f, indent=1)
		f.write("\n")
	with open(re.sub(r"\.json$", "", a.json) + ".md", "w") as f:
		f.write(markdown(d))
	return 0


if __name__ == "__main__":
	sys.exit(main())
