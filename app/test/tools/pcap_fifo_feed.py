#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Feed a classic pcap into a FIFO that net_pcap reads as its rx_pcap, on cue.

  pcap_fifo_feed.py FIFO SRC GO

net_pcap opens its rx_pcap at probe (it reads the 24-byte file header then)
and afterwards reads frames as fast as its queue is polled, so frames sent
before a peer (a consumer, a capture) is ready are gone. This writes the
header at once, waits until the file GO exists, writes every frame, and
closes the FIFO (net_pcap then sees end of file). Python 3 standard library.
"""

import os
import sys
import time


def main(argv):
	if len(argv) != 3:
		print(__doc__.strip(), file=sys.stderr)
		return 2
	fifo, src, go = argv
	data = open(src, "rb").read()
	with open(fifo, "wb", buffering=0) as f:
		f.write(data[:24])
		while not os.path.exists(go):
			time.sleep(0.05)
		f.write(data[24:])
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
