#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sample DPDK telemetry counters of several processes over one window.

  sample.py --out FILE [--start LABEL:COMMAND:KEY] [--wait S] [--skip S]
            [--seconds S] [--interval S] [--pids PID,...]
            LABEL=PREFIX:COMMAND[+COMMAND...] ...

Connects to /var/run/dpdk/PREFIX/dpdk_telemetry.v2 of every process (waiting
up to --wait seconds, default 20, for each socket), then waits until the
--start counter (COMMAND's reply, KEY a dotted path such as 0.delivered)
is above zero: traffic reaches the consumer. Then it sleeps --skip seconds
(warm-up, default 1), then queries every process's commands in rounds:
at t0, every --interval seconds (default 1; rounded so that they divide the
window) and at t1 = t0 + --seconds (default 3). Every round goes in the same
order, so every process's window has the same length within a round's
duration (milliseconds). Writes FILE:
  {"t0": s, "t1": s, "window_s": t1 - t0, "times": [0, ..., window_s],
   "round_s": [duration of each round], "waited_s": ...,
   "replies": {LABEL: {COMMAND: [reply of each round]}}}
Times are CLOCK_MONOTONIC seconds taken in the middle of each round.
With --pids (ours: the benchmark's processes; their descendants count too)
it adds "others_cpus": CPUs that everything else on the machine used during
the window (/proc/stat busy time minus ours and this script's), and
"steal_cpus" (time the hypervisor gave to others). It prints one line:
"window_s=... others_cpus=... steal_cpus=...".
Exit status: 0 ok, 1 a socket never appeared, a query failed or traffic
never started (FILE then holds {"error": ...}), 2 usage.
Python 3 standard library only.
"""

import argparse
import json
import os
import socket
import sys
import time


class Tel:
	def __init__(self, prefix, wait):
		path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
		deadline = time.monotonic() + wait
		while True:
			try:
				s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
				s.settimeout(5)
				s.connect(path)
				break
			except OSError as e:
				s.close()
				if time.monotonic() > deadline:
					raise OSError("telemetry socket %s: %s" % (path, e))
				time.sleep(0.05)
		self.s = s
		info = json.loads(s.recv(65536).decode())
		self.size = int(info.get("max_output_len", 16384))

	def query(self, cmd):
		self.s.send(cmd.encode())
		reply = json.loads(self.s.recv(self.size).decode())
		if cmd.split(",")[0] not in reply:
			raise ValueError("no reply to %s: %s" % (cmd, reply))
		return reply[cmd.split(",")[0]]


def descendants(pid):
	out = [pid]
	try:
		for task in os.listdir("/proc/%d/task" % pid):
			with open("/proc/%d/task/%s/children" % (pid, task)) as f:
				for c in f.read().split():
					out += descendants(int(c))
	except OSError:
		pass
	return out


def proc_ticks(pid):
	try:
		with open("/proc/%d/stat" % pid) as f:
			fields = f.read().rsplit(")", 1)[1].split()
		return int(fields[11]) + int(fields[12])	# utime, stime
	except (OSError, IndexError, ValueError):
		return 0


def cpu_ticks(pids):
	"""(machine busy ticks, steal ticks, ticks of pids and their descendants)"""
	with open("/proc/stat") as f:
		v = [int(x) for x in f.readline().split()[1:]]
	busy = v[0] + v[1] + v[2] + v[5] + v[6]
	ours = sum(proc_ticks(p) for root in pids for p in descendants(root))
	return busy, v[7] if len(v) > 7 else 0, ours


def dig(obj, path):
	for k in path.split("."):
		obj = obj[k] if isinstance(obj, dict) else obj[int(k)]
	return obj


def main():
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument("--out", required=True)
	ap.add_argument("--start", help="LABEL:COMMAND:KEY")
	ap.add_argument("--wait", type=float, default=20)
	ap.add_argument("--skip", type=float, default=1)
	ap.add_argument("--seconds", type=float, default=3)
	ap.add_argument("--pids", default="")
	ap.add_argument("--interval", type=float, default=1)
	ap.add_argument("procs", nargs="+", metavar="LABEL=PREFIX:COMMAND[+COMMAND...]")
	a = ap.parse_args()
	procs = []
	for spec in a.procs:
		label, _, rest = spec.partition("=")
		prefix, _, cmds = rest.partition(":")
		if not label or not prefix or not cmds:
			ap.error("bad process spec %r" % spec)
		procs.append((label, prefix, cmds.split("+")))
	pids = [int(p) for p in a.pids.split(",") if p] + [os.getpid()] if a.pids else []
	out = {}
	try:
		tels = {label: Tel(prefix, a.wait) for label, prefix, _ in procs}
		t_begin = time.monotonic()
		if a.start:
			label, cmd, key = a.start.split(":", 2)
			deadline = t_begin + a.wait
			while True:
				try:
					if int(dig(tels[label].query(cmd), key)) > 0:
						break
				except (KeyError, IndexError, TypeError):
					pass
				if time.monotonic() > deadline:
					raise ValueError("no traffic at %s after %.0f s" % (a.start, a.wait))
				time.sleep(0.02)
		out["waited_s"] = time.monotonic() - t_begin
		time.sleep(a.skip)
		# rounds at t0, t0 + step, ..., t0 + seconds on a fixed schedule
		n = max(1, int(round(a.seconds / a.interval)))
		step = a.seconds / n
		rounds = []
		sched = time.monotonic()
		for k in range(n + 1):
			pause = sched + k * step - time.monotonic()
			if pause > 0:
				time.sleep(pause)
			r0 = time.monotonic()
			got = {label: {c: tels[label].query(c) for c in cmds}
				for label, _, cmds in procs}
			r1 = time.monotonic()
			rounds.append(((r0 + r1) / 2, r1 - r0, got, cpu_ticks(pids) if pids else None))
		out.update({
			"t0": rounds[0][0], "t1": rounds[-1][0],
			"window_s": rounds[-1][0] - rounds[0][0],
			"times": [r[0] - rounds[0][0] for r in rounds],
			"round_s": [r[1] for r in rounds],
			"replies": {label: {c: [r[2][label][c] for r in rounds]
				for c in cmds} for label, _, cmds in procs},
		})
		line = "window_s=%.3f" % out["window_s"]
		if pids:
			hz = os.sysconf("SC_CLK_TCK")
			b0, s0, o0 = rounds[0][3]
			b1, s1, o1 = rounds[-1][3]
			w = out["window_s"]
			out["others_cpus"] = max(0, (b1 - b0) - (o1 - o0)) / hz / w
			out["ours_cpus"] = (o1 - o0) / hz / w
			out["steal_cpus"] = (s1 - s0) / hz / w
			line += " others_cpus=%.3f ours_cpus=%.3f steal_cpus=%.3f" % (
				out["others_cpus"], out["ours_cpus"], out["steal_cpus"])
		print(line)
		rc = 0
	except (OSError, ValueError) as e:
		out = {"error": str(e)}
		rc = 1
	tmp = a.out + ".tmp"
	with open(tmp, "w") as f:
		json.dump(out, f, indent=1)
	os.replace(tmp, a.out)
	if rc:
		print("sample.py: %s" % out["error"], file=sys.stderr)
	return rc


if __name__ == "__main__":
	sys.exit(main())
