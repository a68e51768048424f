#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write a small classic pcap (LE, microseconds, DLT_EN10MB) of synthetic frames.

  pcap_synth.py OUT CAPLEN [CAPLEN...]

Frame i has CAPLEN[i] bytes (0 allowed), byte j = (i * 37 + j) & 0xff, so every
frame and every offset differs; len = caplen. For the frames no real capture
holds: shorter than a MAC header, or empty. Python 3 standard library only.
"""

import struct
import sys


def main(argv):
	if len(argv) < 2:
		print(__doc__.strip(), file=sys.stderr)
		return 2
	try:
		lens = [int(x) for x in argv[1:]]
	except ValueError:
		print("pcap_synth: CAPLEN must be integers", file=sys.stderr)
		return 2
	if min(lens) < 0 or max(lens) > 65535:
		print("pcap_synth: CAPLEN must be in 0..65535", file=sys.stderr)
		return 2
	with open(argv[0], "wb") as f:
		f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
		for i, n in enumerate(lens):
			f.write(struct.pack("<IIII", 1700000000 + i, i, n, n))
			f.write(bytes((i * 37 + j) & 0xff for j in range(n)))
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
