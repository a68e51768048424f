#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write a mixed capture for vmq mode and what each consumer must receive.

  vmq_frames.py OUTDIR --consumer NAME=MAC[@VLAN] [--consumer ...]
                [--count N] [--seed S] [--max-len N]

Writes OUTDIR/in.pcap: N frames (default 600) in a fixed pseudo-random order:
unicast to each consumer's MAC (untagged, and 802.1Q-tagged with its VLAN when
one is given, with a wrong VLAN otherwise), unicast to unknown MACs, broadcast,
and multicast. Frame lengths vary from 60 to --max-len (default 1514) bytes;
every frame carries its sequence number, so no two are equal. Then
OUTDIR/expect-NAME.pcap per consumer (the frames its filter matches, in order),
OUTDIR/expect-unmatched.pcap (unicast frames no filter matches) and
OUTDIR/counts.json ({"NAME": packets, ..., "unmatched": n, "broadcast": n,
"multicast": n, "total": n}). A filter without @VLAN matches tagged and
untagged frames alike (as nbfwd's [consumer] without vlan =).
Python 3 standard library only.
"""

import argparse
import json
import os
import random
import struct
import sys

SRC = bytes.fromhex("020000aa0001")
ETHERTYPE = 0x88B5	# IEEE local experimental


def mac_bytes(s):
	parts = s.split(":")
	if len(parts) != 6:
		raise ValueError("bad MAC %s" % s)
	return bytes(int(p, 16) for p in parts)


def frame(dst, vlan, length, seq, rnd):
	hdr = dst + SRC
	if vlan is not None:
		hdr += struct.pack("!HH", 0x8100, vlan & 0xFFF)
	hdr += struct.pack("!H", ETHERTYPE)
	body = struct.pack("!I", seq)
	pad = length - len(hdr) - len(body)
	body += bytes(rnd.getrandbits(8) for _ in range(max(pad, 0)))
	return hdr + body


def write_pcap(path, frames):
	with open(path, "wb") as f:
		f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
		for i, fr in enumerate(frames):
			f.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000,
				len(fr), len(fr)))
			f.write(fr)


def main():
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument("outdir")
	ap.add_argument("--consumer", action="append", required=True, metavar="NAME=MAC[@VLAN]")
	ap.add_argument("--count", type=int, default=600)
	ap.add_argument("--seed", type=int, default=7)
	ap.add_argument("--max-len", type=int, default=1514)
	a = ap.parse_args()
	cons = []
	for spec in a.consumer:
		name, _, rest = spec.partition("=")
		mac, _, vlan = rest.partition("@")
		cons.append((name, mac_bytes(mac), int(vlan) if vlan else None))
	rnd = random.Random(a.seed)
	frames = []
	expect = {name: [] for name, _, _ in cons}
	unmatched = []
	counts = {"broadcast": 0, "multicast": 0}
	for seq in range(a.count):
		length = rnd.randint(60, a.max_len)
		kind = rnd.random()
		if kind < 0.05:
			fr = frame(b"\xff" * 6, None, length, seq, rnd)
			counts["broadcast"] += 1
		elif kind < 0.10:
			fr = frame(bytes.fromhex("01005e000001"), None, length, seq, rnd)
			counts["multicast"] += 1
		elif kind < 0.25:
			dst = bytes([0x02, 0x99]) + struct.pack("!I", rnd.getrandbits(32))
			fr = frame(dst, None, length, seq, rnd)
			unmatched.append(fr)
		else:
			name, mac, vlan = cons[rnd.randrange(len(cons))]
			tagged = rnd.random() < 0.3
			if vlan is None:
				tag = rnd.randrange(1, 4095) if tagged else None
				fr = frame(mac, tag, length, seq, rnd)
				expect[name].append(fr)
			elif tagged and rnd.random() < 0.5:
				fr = frame(mac, (vlan % 4094) + 1, length, seq, rnd)	# wrong VLAN
				unmatched.append(fr)
			else:
				fr = frame(mac, vlan, length, seq, rnd)
				expect[name].append(fr)
		frames.append(fr)
	os.makedirs(a.outdir, exist_ok=True)
	write_pcap(os.path.join(a.outdir, "in.pcap"), frames)
	for name, fl in expect.items():
		write_pcap(os.path.join(a.outdir, "expect-%s.pcap" % name), fl)
		counts[name] = len(fl)
	write_pcap(os.path.join(a.outdir, "expect-unmatched.pcap"), unmatched)
	counts["unmatched"] = len(unmatched)
	counts["total"] = len(frames)
	with open(os.path.join(a.outdir, "counts.json"), "w") as f:
		json.dump(counts, f)
	print(json.dumps(counts))
	return 0


if __name__ == "__main__":
	sys.exit(main())
