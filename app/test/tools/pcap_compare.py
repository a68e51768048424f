#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare a forwarder's output capture with its input capture.

  pcap_compare.py [--mode io|macswap|l2fwd] [--l2fwd-dst MAC] [--l2fwd-src MAC]
                  [--min-caplen N] [--max-caplen N] INPUT OUTPUT
  pcap_compare.py --count [--seg-size N[,M]] [--min-caplen N] [--max-caplen N]
                  [--field NAME] FILE

Compare: OUTPUT must hold, in order, every INPUT packet whose caplen is within
[--min-caplen, --max-caplen], each rewritten as the mode says:
  io       untouched
  macswap  bytes 0-5 and 6-11 swapped
  l2fwd    bytes 0-5 := --l2fwd-dst, bytes 6-11 := --l2fwd-src
In macswap and l2fwd modes frames shorter than 12 bytes (no room for two MAC
addresses) are expected to be dropped, so --min-caplen is at least 12 there.
Only captured bytes are compared: an input packet with caplen < len is
expected back with its caplen bytes (net_pcap writes len = caplen).
Prints "compared N packets (B bytes): OK", or the first mismatch; exits 0 when
equal, 1 when not, 2 on a usage or file error.

Count: prints "packets=N bytes=B" for FILE (bytes = sum of caplen), plus
min/max caplen, packets with caplen < len, and with --seg-size the number of
mbuf segments the packets need when the first segment of a packet holds N
data bytes and each next one M (net_pcap with 2176-byte mbufs: 2048,2176:
the first keeps its headroom, chained ones do not). --min-caplen / --max-caplen
count only packets in that range; --field NAME prints only that value.

Reads classic pcap in either byte order, with microsecond or nanosecond
timestamps (magic a1b2c3d4 / a1b23c4d). Python 3 standard library only.
"""

import argparse
import struct
import sys

MAGICS = {
	b"\xa1\xb2\xc3\xd4": (">", "us"),
	b"\xd4\xc3\xb2\xa1": ("<", "us"),
	b"\xa1\xb2\x3c\x4d": (">", "ns"),
	b"\x4d\x3c\xb2\xa1": ("<", "ns"),
}
MAC_BYTES = 12


class PcapError(Exception):
	pass


def read_pcap(path):
	"""Return (info, [(caplen, origlen, data), ...]) for a classic pcap file."""
	try:
		with open(path, "rb") as f:
			raw = f.read()
	except OSError as e:
		raise PcapError("%s: %s" % (path, e.strerror or e))
	if len(raw) < 24:
		raise PcapError("%s: %d bytes, too short for a pcap file header" % (path, len(raw)))
	magic = raw[:4]
	if magic not in MAGICS:
		raise PcapError("%s: not a classic pcap file (magic %s; pcapng is not supported)"
				% (path, magic.hex()))
	order, res = MAGICS[magic]
	vmaj, vmin, _zone, _sigfigs, snaplen, linktype = struct.unpack(order + "HHiIII", raw[4:24])
	info = {"order": "big-endian" if order == ">" else "little-endian", "resolution": res,
		"version": "%d.%d" % (vmaj, vmin), "snaplen": snaplen, "linktype": linktype & 0x0fffffff}
	pkts = []
	off = 24
	rec = struct.Struct(order + "IIII")
	while off < len(raw):
		if off + 16 > len(raw):
			raise PcapError("%s: packet %d: record header cut short at byte %d"
					% (path, len(pkts), off))
		_sec, _frac, caplen, origlen = rec.unpack_from(raw, off)
		off += 16
		if off + caplen > len(raw):
			raise PcapError("%s: packet %d: caplen %d runs past the end of the file"
					% (path, len(pkts), caplen))
		pkts.append((caplen, origlen, raw[off:off + caplen]))
		off += caplen
	return info, pkts


def parse_mac(text):
	parts = text.replace("-", ":").split(":")
	if len(parts) != 6:
		raise argparse.ArgumentTypeError("bad MAC address %r" % text)
	try:
		b = bytes(int(p, 16) for p in parts)
	except ValueError:
		raise argparse.ArgumentTypeError("bad MAC address %r" % text)
	return b


def fmt_mac(b):
	return ":".join("%02x" % x for x in b)


def segments(caplen, first, rest):
	"""mbuf segments for caplen bytes: first holds `first`, each next `rest`."""
	if caplen <= first:
		return 1
	return 1 + -(-(caplen - first) // rest)


def parse_seg_size(text):
	try:
		v = [int(x) for x in text.split(",")]
	except ValueError:
		v = []
	if len(v) not in (1, 2) or min(v) <= 0:
		raise argparse.ArgumentTypeError("expected N or FIRST,NEXT, got %r" % text)
	return (v[0], v[-1])


def in_range(caplen, lo, hi):
	return caplen >= lo and (hi is None or caplen <= hi)


def expected_packet(data, mode, dst, src):
	if mode == "macswap":
		return data[6:12] + data[0:6] + data[12:]
	if mode == "l2fwd":
		return dst + src + data[12:]
	return data


def hexbytes(b, off, n=16):
	chunk = b[off:off + n]
	s = " ".join("%02x" % x for x in chunk)
	if off + n < len(b):
		s += " ..."
	return s if s else "(none)"


def do_count(args):
	info, pkts = read_pcap(args.files[0])
	sel = [p for p in pkts if in_range(p[0], args.min_caplen, args.max_caplen)]
	fields = [
		("packets", len(sel)),
		("bytes", sum(p[0] for p in sel)),
		("min_caplen", min((p[0] for p in sel), default=0)),
		("max_caplen", max((p[0] for p in sel), default=0)),
		("truncated", sum(1 for p in sel if p[0] < p[1])),
	]
	if args.seg_size:
		first, rest = args.seg_size
		fields.append(("segments", sum(segments(p[0], first, rest) for p in sel)))
	if args.field:
		d = dict(fields)
		if args.field not in d:
			print("pcap_compare: no field %r (have: %s)" % (args.field, ", ".join(d)),
				file=sys.stderr)
			return 2
		print(d[args.field])
		return 0
	print(" ".join("%s=%d" % kv for kv in fields) + " (%s, %s, %s)"
		% (args.files[0], info["order"], info["resolution"]))
	return 0


def do_compare(args):
	if args.mode == "l2fwd" and (args.l2fwd_dst is None or args.l2fwd_src is None):
		print("pcap_compare: --mode l2fwd needs --l2fwd-dst and --l2fwd-src", file=sys.stderr)
		return 2
	lo = args.min_caplen
	if args.mode != "io":
		lo = max(lo, MAC_BYTES)
	_, inp = read_pcap(args.files[0])
	_, out = read_pcap(args.files[1])
	exp = [p for p in inp if in_range(p[0], lo, args.max_caplen)]
	# index in the input file of each expected packet, for the messages
	idx = [i for i, p in enumerate(inp) if in_range(p[0], lo, args.max_caplen)]
	nbytes = 0
	for k in range(min(len(exp), len(out))):
		want = expected_packet(exp[k][2], args.mode, args.l2fwd_dst, args.l2fwd_src)
		got = out[k][2]
		where = "output packet %d (input packet %d)" % (k, idx[k])
		if len(got) != len(want):
			print("MISMATCH: %s: length: expected %d bytes, got %d"
				% (where, len(want), len(got)))
			return 1
		if out[k][1] < out[k][0]:
			print("MISMATCH: %s: len %d < caplen %d in the output"
				% (where, out[k][1], out[k][0]))
			return 1
		if got != want:
			off = next(i for i in range(len(want)) if want[i] != got[i])
			print("MISMATCH: %s at offset %d (mode %s): expected %s, got %s"
				% (where, off, args.mode, hexbytes(want, off), hexbytes(got, off)))
			return 1
		nbytes += len(got)
	if len(out) != len(exp):
		skipped = len(inp) - len(exp)
		print("MISMATCH: packet count: expected %d (input %d, %d outside the caplen "
			"range %d..%s), got %d; the first %d are equal"
			% (len(exp), len(inp), skipped, lo,
			   args.max_caplen if args.max_caplen is not None else "any",
			   len(out), min(len(exp), len(out))))
		return 1
	print("compared %d packets (%d bytes): OK" % (len(out), nbytes))
	return 0


def main(argv):
	ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
		formatter_class=argparse.RawDescriptionHelpFormatter,
		epilog=__doc__.split("\n", 1)[1])
	ap.add_argument("--mode", choices=("io", "macswap", "l2fwd"), default="io")
	ap.add_argument("--l2fwd-dst", type=parse_mac, metavar="MAC")
	ap.add_argument("--l2fwd-src", type=parse_mac, metavar="MAC")
	ap.add_argument("--min-caplen", type=int, default=0, metavar="N")
	ap.add_argument("--max-caplen", type=int, default=None, metavar="N")
	ap.add_argument("--count", action="store_true", help="count packets and bytes of FILE")
	ap.add_argument("--seg-size", type=parse_seg_size, default=None, metavar="N[,M]",
		help="with --count: also count mbuf segments: the first holds N data "
		"bytes, every next one M (default N)")
	ap.add_argument("--field", metavar="NAME", help="with --count: print only this value")
	ap.add_argument("files", nargs="+", metavar="FILE")
	args = ap.parse_args(argv)
	try:
		if args.count:
			if len(args.files) != 1:
				ap.error("--count takes one FILE")
			return do_count(args)
		if len(args.files) != 2:
			ap.error("compare takes INPUT and OUTPUT")
		return do_compare(args)
	except PcapError as e:
		print("pcap_compare: %s" % e, file=sys.stderr)
		return 2


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
