#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hold idle connections to nbfwd's attach socket, as a jamming local user
would: connect N times, send nothing, and watch what nbfwd does with them.

    attach_idle.py SOCKET N SECONDS [--ready FILE]

Opens N SOCK_SEQPACKET connections (each connect bounded by 2 s), writes FILE
(if given) once all are open, then waits up to SECONDS for nbfwd to close
them. Prints one JSON line: connected, closed (by nbfwd), open (still at the
end), and the ERROR codes received ({"11": 60, ...}: errno values).
Exit 0, or 1 when a connection could not be made.
"""

import json
import select
import socket
import struct
import sys
import time


def main():
    args = sys.argv[1:]
    ready = None
    if "--ready" in args:
        i = args.index("--ready")
        ready = args[i + 1]
        del args[i:i + 2]
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, n, secs = args[0], int(args[1]), float(args[2])
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(2.0)
        try:
            s.connect(path)
        except OSError as e:
            print("connect %s: %s" % (path, e), file=sys.stderr)
            return 1
        s.setblocking(False)
        socks.append(s)
    if ready:
        with open(ready, "w") as f:
            f.write("%d\n" % len(socks))
    codes = {}
    open_ = set(socks)
    end = time.monotonic() + secs
    while open_ and time.monotonic() < end:
        r, _, _ = select.select(list(open_), [], [], max(0.0, end - time.monotonic()))
        for s in r:
            try:
                msg = s.recv(512)
            except OSError:
                msg = b""
            if len(msg) >= 20:
                # header (16 bytes), then the ERROR's code (int32)
                code = struct.unpack_from("<i", msg, 16)[0]
                codes[str(code)] = codes.get(str(code), 0) + 1
                continue    # the close follows
            open_.discard(s)
            s.close()
    print(json.dumps({"connected": len(socks), "closed": len(socks) - len(open_),
                      "open": len(open_), "codes": codes}))
    for s in open_:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
