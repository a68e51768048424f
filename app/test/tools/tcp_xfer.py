#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""One TCP transfer, checked by SHA-256 (Python 3 standard library only).

  tcp_xfer.py serve ADDR PORT READY_FILE [--timeout S]
      listen on ADDR:PORT, create READY_FILE once listening, accept one
      connection, read to EOF, print "received N bytes sha256 HEX"
  tcp_xfer.py send ADDR PORT FILE [--timeout S]
      connect (retrying until the timeout), send FILE, shut down the write
      side, wait for the peer to close, print "sent N bytes sha256 HEX"
Exit status 0, or 1 with a message on stderr.
"""

import argparse
import hashlib
import socket
import sys
import time


def serve(args):
	srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
	srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	srv.bind((args.addr, args.port))
	srv.listen(1)
	srv.settimeout(args.timeout)
	with open(args.arg, "w") as f:
		f.write("listening\n")
	conn, peer = srv.accept()
	conn.settimeout(args.timeout)
	h = hashlib.sha256()
	n = 0
	while True:
		b = conn.recv(65536)
		if not b:
			break
		h.update(b)
		n += len(b)
	conn.close()
	srv.close()
	print("received %d bytes sha256 %s from %s" % (n, h.hexdigest(), peer[0]))


def send(args):
	with open(args.arg, "rb") as f:
		data = f.read()
	deadline = time.monotonic() + args.timeout
	while True:
		try:
			s = socket.create_connection((args.addr, args.port), timeout=5)
			break
		except OSError as e:
			if time.monotonic() > deadline:
				raise
			print("connect: %s; retrying" % e, file=sys.stderr)
			time.sleep(0.5)
	s.settimeout(args.timeout)
	s.sendall(data)
	s.shutdown(socket.SHUT_WR)
	while s.recv(4096):
		pass
	s.close()
	print("sent %d bytes sha256 %s" % (len(data), hashlib.sha256(data).hexdigest()))


def main():
	ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	ap.add_argument("role", choices=("serve", "send"))
	ap.add_argument("addr")
	ap.add_argument("port", type=int)
	ap.add_argument("arg", metavar="READY_FILE|FILE")
	ap.add_argument("--timeout", type=float, default=30.0)
	args = ap.parse_args()
	try:
		(serve if args.role == "serve" else send)(args)
	except (OSError, socket.timeout) as e:
		print("tcp_xfer %s: %s" % (args.role, e), file=sys.stderr)
		return 1
	return 0


if __name__ == "__main__":
	sys.exit(main())
