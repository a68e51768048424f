#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write a synthetic pcap of frames all addressed to one MAC.

  frames.py OUT.pcap --size BYTES [--dst MAC] [--count N]

BYTES is the Ethernet frame length with its 4-byte FCS, as pktgen and
RFC 2544 count it (64..1518); the pcap holds BYTES - 4 bytes per frame (no
FCS). Every frame: destination --dst (default 02:00:00:00:00:c1), source
02:00:00:00:bb:01, EtherType 0x88B5 (IEEE local experimental), then a
32-bit sequence number and a fixed filler, so no two frames are equal.
--count frames (default 512). Python 3 standard library only.
"""

import argparse
import struct
import sys

SRC = bytes.fromhex("02000000bb01")
ETHERTYPE = 0x88B5


def mac_bytes(text):
	parts = text.split(":")
	if len(parts) != 6:
		raise ValueError("bad MAC %r" % text)
	return bytes(int(p, 16) for p in parts)


def frame(dst, length, seq):
	head = dst + SRC + struct.pack("!HI", ETHERTYPE, seq)
	fill = bytes((seq + i) & 0xFF for i in range(length - len(head)))
	return head + fill


def main():
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument("out")
	ap.add_argument("--size", type=int, required=True)
	ap.add_argument("--dst", default="02:00:00:00:00:c1")
	ap.add_argument("--count", type=int, default=512)
	a = ap.parse_args()
	if not 64 <= a.size <= 1518:
		ap.error("--size must be 64..1518 (frame bytes with FCS)")
	if a.count < 1:
		ap.error("--count must be >= 1")
	try:
		dst = mac_bytes(a.dst)
	except ValueError as e:
		ap.error(str(e))
	length = a.size - 4
	with open(a.out, "wb") as f:
		f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
		for seq in range(a.count):
			f.write(struct.pack("<IIII", 1700000000, seq, length, length))
			f.write(frame(dst, length, seq))
	return 0


if __name__ == "__main__":
	sys.exit(main())
