#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Send every frame of a classic pcap out of a network interface (AF_PACKET).

  pcap_inject.py IFACE FILE [--pace N] [--gap-ms MS] [--start K] [--stop K]

Frames are sent as they are, in order (the kernel adds nothing: no FCS, no
tag handling). After every --pace frames (default 32) it sleeps --gap-ms
(default 1) so a poll-mode receiver on the other end of a veth keeps up.
--start/--stop send only frames K..stop-1. Prints "sent N frames (B bytes)".
Run it inside the network namespace that holds IFACE; needs CAP_NET_RAW.
Python 3 standard library only.
"""

import argparse
import socket
import struct
import sys
import time


def frames(path):
	with open(path, "rb") as f:
		hdr = f.read(24)
		if len(hdr) < 24:
			raise ValueError("%s: not a pcap" % path)
		magic = struct.unpack("<I", hdr[:4])[0]
		if magic in (0xA1B2C3D4, 0xA1B23C4D):
			end = "<"
		elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
			end = ">"
		else:
			raise ValueError("%s: not a classic pcap" % path)
		while True:
			rec = f.read(16)
			if len(rec) < 16:
				return
			_, _, caplen, _ = struct.unpack(end + "IIII", rec)
			yield f.read(caplen)


def main():
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument("iface")
	ap.add_argument("file")
	ap.add_argument("--pace", type=int, default=32)
	ap.add_argument("--gap-ms", type=float, default=1.0)
	ap.add_argument("--start", type=int, default=0)
	ap.add_argument("--stop", type=int, default=-1)
	a = ap.parse_args()
	s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
	s.bind((a.iface, 0))
	n = nbytes = 0
	for i, fr in enumerate(frames(a.file)):
		if i < a.start or (a.stop >= 0 and i >= a.stop):
			continue
		s.send(fr)
		n += 1
		nbytes += len(fr)
		if a.pace > 0 and n % a.pace == 0:
			time.sleep(a.gap_ms / 1000.0)
	print("sent %d frames (%d bytes)" % (n, nbytes))
	return 0


if __name__ == "__main__":
	sys.exit(main())
