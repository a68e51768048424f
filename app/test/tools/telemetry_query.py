#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Query a DPDK process's telemetry socket (SOCK_SEQPACKET, JSON replies).

    telemetry_query.py FILE_PREFIX COMMAND [COMMAND ...]

Prints one JSON object: {COMMAND: reply, ...}. Exit 1 when the socket is
missing or a reply is not JSON.
"""
import json
import socket
import sys


def query(prefix, commands):
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(5)
    s.connect(path)
    info = json.loads(s.recv(16384).decode())
    size = int(info.get("max_output_len", 16384))
    out = {}
    for cmd in commands:
        s.send(cmd.encode())
        out[cmd] = json.loads(s.recv(size).decode()).get(cmd)
    s.close()
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    try:
        print(json.dumps(query(sys.argv[1], sys.argv[2:])))
    except (OSError, ValueError) as e:
        sys.exit("telemetry %s: %s" % (sys.argv[1], e))


if __name__ == "__main__":
    main()
