#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A minimal nbfwd stand-in for one consumer, to hand it a bad region on purpose.

  fake_nbfwd.py SOCKET NAME FRAMES.pcap [--unsealed] [--timeout S]

Listens on SOCKET (AF_UNIX, SOCK_SEQPACKET), answers the consumer NAME's
ATTACH with ATTACH_OK (protocol version 3) and three fds: the control file
(header page, rings, tx buffers; sealed F_SEAL_SHRINK|F_SEAL_GROW), the rx
file (sealed F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_FUTURE_WRITE after the frames
are written into it), both memfds laid out as doc/channel.md says, and an
eventfd. It lends every frame of FRAMES.pcap (at most 32, one rx buffer
each) on rx[0] and waits until all come back on ret[0], then for the
consumer to close its socket. With --unsealed the rx file is not sealed
against writes: a consumer must refuse it (and close the socket).
Prints "listening", "attached", "returned N", "closed" as it goes; exit 0
when every step happened within --timeout seconds (default 20).
Python 3 standard library only.
"""

import argparse
import array
import fcntl
import mmap
import os
import select
import socket
import struct
import sys
import time

MAGIC = 0x4D53424E
VERSION = 3				# NBSHM_PROTO_VERSION
ATTACH, ATTACH_OK = 1, 2
F_NEXT, F_SHM_VALID = 0x0001, 0x1000
HANDLE = (1 << 32) | 5			# generation 1, slot 5
PAGE = 4096
RING = 64				# descriptors per ring
STRIDE = 128 + 32 * RING		# 2176, a multiple of 64
N_QP = 1
RINGS_OFF = PAGE
RX_BUF, RX_BUFS = 2048, 32
TX_BUF, TX_BUFS = 2048, 8
MAX_SEGS = 1
MTU = 2048
F_ADD_SEALS = 1033
F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_FUTURE_WRITE = 0x1, 0x2, 0x4, 0x10


def align(v, a):
	return (v + a - 1) // a * a


# control file [0, RX_OFF): header, rings, tx buffers; rx file [RX_OFF, REGION)
TX_OFF = align(RINGS_OFF + STRIDE * (2 * N_QP + 2), PAGE)
RX_OFF = align(TX_OFF + TX_BUF * TX_BUFS, PAGE)
RX_LEN = RX_BUF * RX_BUFS
REGION = align(RX_OFF + RX_LEN, PAGE)


def ring_off(i):
	return RINGS_OFF + i * STRIDE


def frames(path):
	with open(path, "rb") as f:
		hdr = f.read(24)
		end = "<" if struct.unpack("<I", hdr[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D) else ">"
		while True:
			rec = f.read(16)
			if len(rec) < 16:
				return
			caplen = struct.unpack(end + "IIII", rec)[2]
			yield f.read(caplen)


def attach_ok(name):
	layout = struct.pack("<QQQQIIIIQQQII", REGION, HANDLE, RINGS_OFF, STRIDE, RING, N_QP,
		MAX_SEGS, MTU, RX_OFF, RX_LEN, TX_OFF, TX_BUF, TX_BUFS)
	body = layout + struct.pack("<Q", PAGE) + ("fake.c." + name).encode().ljust(64, b"\0")
	body += bytes.fromhex("0200000000c1") + struct.pack("<HII", 0xFFFF, 0, 0)
	msg = struct.pack("<IHHII", MAGIC, VERSION, ATTACH_OK, 16 + len(body), 0) + body
	assert len(msg) == 184
	return msg


def say(what):
	print(what, flush=True)


def main():
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument("socket")
	ap.add_argument("name")
	ap.add_argument("frames")
	ap.add_argument("--unsealed", action="store_true")
	ap.add_argument("--timeout", type=float, default=20.0)
	a = ap.parse_args()
	deadline = time.monotonic() + a.timeout
	todo = [fr for fr in frames(a.frames)][:RX_BUFS]

	seal = os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING
	mfd = os.memfd_create("fake-nbfwd-ctl", seal)
	os.ftruncate(mfd, RX_OFF)
	fcntl.fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)
	rfd = os.memfd_create("fake-nbfwd-rx", seal)
	os.ftruncate(rfd, REGION - RX_OFF)
	rxmap = mmap.mmap(rfd, REGION - RX_OFF)	# writable before the seal, as nbfwd
	fcntl.fcntl(rfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
		(0 if a.unsealed else F_SEAL_FUTURE_WRITE) | F_SEAL_SEAL)
	efd = os.eventfd(0, os.EFD_CLOEXEC)
	ls = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
	ls.bind(a.socket)
	ls.listen(1)
	say("listening")
	ls.settimeout(a.timeout)
	conn, _ = ls.accept()
	req = conn.recv(512)
	magic, _, typ, length = struct.unpack("<IHHI", req[:12])
	name = req[16:48].split(b"\0")[0].decode()
	if magic != MAGIC or typ != ATTACH or length != len(req) or name != a.name:
		say("bad ATTACH %r" % req)
		return 1
	conn.sendmsg([attach_ok(a.name)],
		[(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [mfd, rfd, efd]))])
	say("attached")

	# lend each frame in its own rx buffer, then publish head once
	rx = ring_off(0)
	for i, fr in enumerate(todo):
		off = RX_OFF + i * RX_BUF
		rxmap[off - RX_OFF:off - RX_OFF + len(fr)] = fr
		desc = struct.pack("<QIIIIHHI", HANDLE, off, len(fr), F_SHM_VALID, len(fr), 1, 0, 0)
		os.pwrite(mfd, desc, rx + 128 + 32 * (i % RING))
	os.pwrite(mfd, struct.pack("<I", len(todo)), rx)
	os.eventfd_write(efd, 1)

	ret = ring_off(1)
	head = 0
	while head < len(todo):
		if time.monotonic() > deadline:
			say("only %d of %d returned" % (head, len(todo)))
			return 1
		r, _, _ = select.select([conn], [], [], 0.01)
		if r and conn.recv(512) == b"":
			break			# it left (or refused the region)
		head = struct.unpack("<I", os.pread(mfd, 4, ret))[0]
	else:
		os.pwrite(mfd, struct.pack("<I", head), ret + 64)	# ret tail: taken
		say("returned %d" % head)
	while time.monotonic() < deadline:
		r, _, _ = select.select([conn], [], [], 0.1)
		if r and conn.recv(512) == b"":
			say("closed")
			return 0
	say("the consumer did not close its socket")
	return 1


if __name__ == "__main__":
	sys.exit(main())
