#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Split a pcapng capture by interface and direction into classic pcaps.

  pcapng_split.py FILE OUTDIR

Reads the Interface Description Blocks (their if_name option) and every
Enhanced Packet Block with its epb_flags direction (bits 0-1: 1 inbound,
2 outbound, 0 unknown), and writes OUTDIR/IFNAME.rx.pcap, IFNAME.tx.pcap (and
IFNAME.any.pcap for packets without a direction): captured bytes, in order.
Prints a JSON object {"IFNAME": {"rx": [packets, bytes], "tx": [...]}, ...}.
dpdk-dumpcap writes pcapng by default (one interface block per -i).
Python 3 standard library only.
"""

import json
import os
import struct
import sys


def opts(buf, off, end, e):
	"""Yield (code, value) of the options in buf[off:end]."""
	while off + 4 <= end:
		code, length = struct.unpack(e + "HH", buf[off:off + 4])
		if code == 0:
			return
		yield code, buf[off + 4:off + 4 + length]
		off += 4 + ((length + 3) & ~3)


def main(argv):
	if len(argv) != 2:
		print(__doc__.strip(), file=sys.stderr)
		return 2
	data = open(argv[0], "rb").read()
	off, e = 0, "<"
	ifaces, out = [], {}
	while off + 12 <= len(data):
		btype = struct.unpack("<I", data[off:off + 4])[0]
		if btype == 0x0A0D0D0A:
			bom = data[off + 8:off + 12]
			e = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
		blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
		if blen < 12 or off + blen > len(data):
			print("pcapng_split: truncated block at offset %d" % off, file=sys.stderr)
			return 1
		body = data[off + 8:off + blen - 4]
		if btype == 1:	# Interface Description Block
			name = "if%d" % len(ifaces)
			for code, val in opts(body, 8, len(body), e):
				if code == 2:
					name = val.rstrip(b"\0").decode(errors="replace")
			ifaces.append(name)
		elif btype == 6:	# Enhanced Packet Block
			ifid, _, _, caplen, _ = struct.unpack(e + "IIIII", body[:20])
			pkt = body[20:20 + caplen]
			direction = "any"
			for code, val in opts(body, 20 + ((caplen + 3) & ~3), len(body), e):
				if code == 2 and len(val) >= 4:
					d = struct.unpack(e + "I", val[:4])[0] & 3
					direction = {1: "rx", 2: "tx"}.get(d, "any")
			name = ifaces[ifid] if ifid < len(ifaces) else "if%d" % ifid
			out.setdefault((name, direction), []).append(pkt)
		off += blen
	os.makedirs(argv[1], exist_ok=True)
	summary = {}
	for (name, direction), pkts in out.items():
		safe = "".join(c if c.isalnum() or c in "_.-" else "_" for c in name)
		with open(os.path.join(argv[1], "%s.%s.pcap" % (safe, direction)), "wb") as f:
			f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
			for i, p in enumerate(pkts):
				f.write(struct.pack("<IIII", i, 0, len(p), len(p)))
				f.write(p)
		summary.setdefault(name, {})[direction] = [len(pkts), sum(len(p) for p in pkts)]
	print(json.dumps(summary, sort_keys=True))
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
