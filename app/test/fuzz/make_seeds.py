#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the fuzz targets' seed corpora into app/test/fuzz/corpus/<target>/.

    app/test/fuzz/make_seeds.py [--check]

config: the sample INI files (config/*.ini) and the loader's fixtures
(app/test/fixtures/config/*.ini), copied, plus a few hand-made files.
netbuf, bridge, chan_chain, chan_proto: small binary inputs in each target's input
format (see the comment at the top of fuzz_<target>.c), one per case worth
starting from: a good packet, and one per reason it can be refused.
--check: write nothing; exit 1 when a committed seed differs from what this
script would write (or is missing).
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


def config_seeds():
    seeds = {}
    for d, prefix in ((os.path.join(ROOT, "config"), "sample-"),
                      (os.path.join(ROOT, "app", "test", "fixtures", "config"), "fixture-")):
        for name in sorted(os.listdir(d)):
            if name.endswith(".ini"):
                with open(os.path.join(d, name), "rb") as f:
                    seeds[prefix + name] = f.read()
    seeds["hand-vmq.ini"] = (
        b"[nbfwd]\nmode = vmq\nsocket = /tmp/nbfwd.sock\n\n"
        b"[vmq]\nunmatched = drop\nbroadcast = consumers\nmulticast = all\n\n"
        b"[port net_null0]\nqueues = 1\n\n"
        b"[consumer ids]\nport = net_null0\nmac = 02:00:00:00:00:01\nvlan = 100\n"
        b"buffers = 1024\nbuffer_size = 2048\nring_size = 256\ntx_buffers = 64\n"
        b"tx_buffer_size = 2048\nnuma_node = 0\n")
    seeds["hand-crlf.ini"] = b"[nbfwd]\r\nmode = io\r\n"
    seeds["hand-nul.ini"] = b"[nbfwd]\nmode = i\x00o\n"
    seeds["hand-utf8-bom.ini"] = b"\xef\xbb\xbf[nbfwd]\nburst = 32\n"
    seeds["hand-no-newline.ini"] = b"[stats]\nperiod = 0"
    return seeds


# ---- netbuf: see fuzz_netbuf.c ----

def nb_slot(op, length, gen=0):
    return struct.pack("<BHI", op, length - 1, gen)


def nb_seg(nxt, idx, gen, off, length, flags=0):
    return struct.pack("<BIBIII", nxt, flags, idx, gen, off, length)


def nb_input(max_segs, slots, segs, head=0, data_offset=0, data_length=None):
    """slots: list of (op, len, gen); segs: list of (next, idx, gen, off, len[, flags])."""
    if data_length is None:
        data_length = sum(s[4] for s in segs)
    out = struct.pack("<BB", max_segs, len(slots) - 1)
    out += b"".join(nb_slot(*s) for s in slots)
    out += struct.pack("<BBII", len(segs), head, data_offset, data_length)
    out += b"".join(nb_seg(*s) for s in segs)
    return out


def netbuf_seeds():
    two = [(1, 4096), (1, 2048)]          # slots 0 and 1 via add: generation 1
    end = 0xff
    return {
        "good-one": nb_input(8, two, [(end, 0, 1, 64, 1500)]),
        "good-chain": nb_input(8, two, [(1, 0, 1, 0, 1000), (2, 1, 1, 100, 500),
                                        (end, 0, 1, 3000, 1096)]),
        "good-edge": nb_input(8, two, [(end, 0, 1, 0, 4096)]),
        "good-set-gen": nb_input(4, [(3, 256, 7)], [(end, 0, 7, 16, 240)]),
        "bad-handle": nb_input(8, two, [(end, 5, 1, 0, 64)]),
        "bad-gen0": nb_input(8, two, [(end, 0, 0, 0, 64)]),
        "stale": nb_input(8, [(5, 512), (1, 512)], [(end, 0, 1, 0, 64)]),
        "out-of-bounds": nb_input(8, two, [(end, 1, 1, 2000, 49)]),
        "offset-wrap": nb_input(8, two, [(end, 0, 1, 0xffffffff, 2)]),
        "zero-length": nb_input(8, two, [(1, 0, 1, 0, 64), (end, 0, 1, 64, 0)]),
        "too-many": nb_input(2, two, [(1, 0, 1, 0, 1), (2, 0, 1, 1, 1), (end, 0, 1, 2, 1)]),
        "cycle": nb_input(8, two, [(1, 0, 1, 0, 10), (0, 0, 1, 10, 10)], data_length=20),
        "self-loop": nb_input(64, two, [(0, 0, 1, 0, 10)], data_length=10),
        "mismatch": nb_input(8, two, [(end, 0, 1, 0, 64)], data_length=65),
        "bad-flags": nb_input(8, two, [(end, 0, 1, 0, 64, 0x1000)]),
        "data-offset": nb_input(8, two, [(end, 0, 1, 0, 64)], data_offset=4),
        "no-head": nb_input(8, two, [(end, 0, 1, 0, 64)], head=1),
        "empty-table": nb_input(8, [(0, 1)], [(end, 0, 1, 0, 1)]),
    }


# ---- bridge: see fuzz_bridge.c ----

def br_mbuf(kind=0, slot=0, buf_off=2048, buf_len=2176, data_off=128, data_len=60,
            pkt_len=None, nb_segs=1, nxt=0xff, flags=0, foreign=(0, 0, 0)):
    """One mbuf; pkt_len defaults to data_len."""
    out = struct.pack("<BBHHHHIHBB", kind, slot, buf_off, buf_len, data_off, data_len,
                      data_len if pkt_len is None else pkt_len, nb_segs, nxt, flags)
    if kind % 4 == 2:
        out += struct.pack("<QII", *foreign)
    return out


def br_chain(lens, first=0, flags=3, **kw):
    """Mbufs first.. first+len(lens)-1 chained in order, pkt_len and nb_segs derived."""
    n = len(lens)
    return [br_mbuf(buf_off=2048 * ((first + i) % 30), data_len=length,
                    nxt=first + i + 1 if i + 1 < n else 0xff,
                    flags=flags if i == 0 else 0, **kw)
            for i, length in enumerate(lens)]


def br_input(mbufs, heads=(0,), cap=8, min_first=0, slots=((1, 65536, 1),)):
    """slots: (op, length, generation); mbufs: br_mbuf() byte strings."""
    out = struct.pack("<BBB", cap - 1, min_first, len(slots) - 1)
    out += b"".join(struct.pack("<BHB", op, length - 1, gen - 1) for op, length, gen in slots)
    out += struct.pack("<BB", len(mbufs) - 1, len(heads) - 1) + bytes(heads)
    return out + b"".join(mbufs)


def bridge_seeds():
    two = ((1, 65536, 1), (1, 8192, 5))
    return {
        "good-one": br_input([br_mbuf()]),
        "good-chain": br_input(br_chain([2048, 2048, 100])),
        "good-burst": br_input([br_mbuf(buf_off=2048 * i, data_len=60 + i) for i in range(4)],
                               heads=(0, 1, 2, 3), min_first=14),
        "good-two-regions": br_input([br_mbuf(nxt=1, nb_segs=2, pkt_len=160),
                                      br_mbuf(slot=1, buf_off=4096, data_len=100)],
                                     slots=two),
        "good-region-end": br_input([br_mbuf(kind=3, buf_len=2048, data_off=0,
                                             data_len=2048, flags=4)]),
        "good-max-chain": br_input(br_chain([16] * 64), cap=64),
        "good-beyond-buffer": br_input([br_mbuf(buf_len=256, data_off=128, data_len=1500)]),
        "nb-segs-zero": br_input([br_mbuf(nb_segs=0)]),
        "nb-segs-one-chained": br_input([br_mbuf(nxt=1, pkt_len=60), br_mbuf(buf_off=0)]),
        "nb-segs-lie": br_input([br_mbuf(nxt=1, nb_segs=5, pkt_len=120), br_mbuf(buf_off=0)]),
        "too-many": br_input(br_chain([10] * 3), cap=2),
        "too-many-65": br_input(br_chain([16] * 65), cap=64),
        "cycle": br_input([br_mbuf(nxt=1, nb_segs=2, pkt_len=120), br_mbuf(nxt=0)]),
        "self-loop": br_input([br_mbuf(nxt=0, nb_segs=2, pkt_len=120)], cap=64),
        "mismatch": br_input([br_mbuf(pkt_len=61)]),
        "chain-mismatch": br_input(br_chain([100, 100], flags=2), cap=8),
        "foreign-no-priv": br_input([br_mbuf(nxt=1, nb_segs=2, pkt_len=120),
                                     br_mbuf(kind=1, slot=0)]),
        "foreign-small-priv": br_input([br_mbuf(nxt=1, nb_segs=2, pkt_len=120),
                                        br_mbuf(kind=1, slot=63)]),
        "foreign-priv": br_input([br_mbuf(nxt=1, nb_segs=2, pkt_len=120),
                                  br_mbuf(kind=2, foreign=((1 << 32), 0, 0x6e627369))]),
        "other-table": br_input([br_mbuf()], slots=((0, 65536, 1),)),
        "removed": br_input([br_mbuf()], slots=((3, 65536, 1),)),
        "stale": br_input([br_mbuf()], slots=((7, 65536, 1),)),
        "stale-second": br_input([br_mbuf(nxt=1, nb_segs=2, pkt_len=120),
                                  br_mbuf(slot=1, buf_off=0)],
                                 slots=((1, 65536, 1), (7, 8192, 1))),
        "index-past-table": br_input([br_mbuf(slot=0xf3)]),
        "out-of-bounds": br_input([br_mbuf(data_off=0xffff, data_len=0xffff)],
                                  slots=((1, 4096, 1),)),
        "out-of-bounds-second": br_input([br_mbuf(nxt=1, nb_segs=2, pkt_len=2060),
                                          br_mbuf(buf_off=4000, data_len=2000)],
                                         slots=((1, 4096, 1),)),
        "zero-length": br_input([br_mbuf(data_len=0)]),
        "zero-length-second": br_input(br_chain([60, 0])),
        "short": br_input([br_mbuf(data_len=10)], min_first=14),
        "short-and-bad": br_input([br_mbuf(data_len=10), br_mbuf(data_len=60, pkt_len=1)],
                                  heads=(0, 1), min_first=14),
        "shared-segment": br_input([br_mbuf(nxt=2, nb_segs=2, pkt_len=120),
                                    br_mbuf(buf_off=4096, nxt=2, nb_segs=2, pkt_len=120),
                                    br_mbuf(buf_off=8192)], heads=(0, 1)),
    }


# ---- chan_chain: see fuzz_chan_chain.c ----

CH_HANDLE = (1 << 32) | 3          # region index 3, generation 1
F_NEXT = 0x0001
F_SHM = 0x1000


def desc(off, length, flags=F_SHM, pkt_len=0, n_segs=0, handle=CH_HANDLE, r0=0, r1=0):
    return struct.pack("<QIIIIHHI", handle, off, length, flags, pkt_len, n_segs, r0, r1)


def chain(lens, off0=4096, handle=CH_HANDLE, pkt_len=None, n_segs=None, stride=2048):
    """A well-formed chain of len(lens) descriptors, buffers stride bytes apart."""
    n = len(lens)
    out = b""
    for i, length in enumerate(lens):
        flags = F_SHM | (F_NEXT if i + 1 < n else 0)
        out += desc(off0 + i * stride, length, flags,
                    (sum(lens) if pkt_len is None else pkt_len) if i == 0 else 0,
                    (n if n_segs is None else n_segs) if i == 0 else 0, handle)
    return out


def cc_input(descs, max_segs=8, mtu=9000, area_off=4096, area_len=32768, wide=False,
             handle=CH_HANDLE, avail=None):
    n = len(descs) // 32 if avail is None else avail
    out = struct.pack("<BBBQI", n - 1, max_segs, 1 if wide else 0, handle, mtu)
    if wide:
        out += struct.pack("<QQ", area_off, area_len)
    else:
        out += struct.pack("<HH", area_off, area_len - 1)
    return out + descs


def chan_chain_seeds():
    good3 = chain([1500, 1500, 1000])
    return {
        "good-one": cc_input(chain([60])),
        "good-three": cc_input(good3),
        "good-then-more": cc_input(chain([100, 200]) + chain([64], off0=12288)),
        "good-area-end": cc_input(chain([2048], off0=4096 + 30720)),
        "good-wide": cc_input(chain([60], off0=0xfffff000), area_off=0xfffff000,
                              area_len=4096, wide=True),
        "too-many": cc_input(chain([10] * 3), max_segs=2),
        "n-segs-zero": cc_input(chain([60], n_segs=0)),
        "truncated": cc_input(chain([10] * 3)[:64], avail=2),
        "bad-flag": cc_input(desc(4096, 60, F_SHM | 0x8, pkt_len=60, n_segs=1)),
        "next-on-last": cc_input(desc(4096, 60, F_SHM | F_NEXT, pkt_len=60, n_segs=1)),
        "reserved": cc_input(desc(4096, 60, pkt_len=60, n_segs=1, r1=1)),
        "second-has-len": cc_input(desc(4096, 30, F_SHM | F_NEXT, 60, 2) +
                                   desc(6144, 30, F_SHM, pkt_len=60)),
        "stale": cc_input(chain([60], handle=(2 << 32) | 3)),
        "bad-handle": cc_input(chain([60], handle=(1 << 32) | 4)),
        "zero-length": cc_input(desc(4096, 0, pkt_len=0, n_segs=1)),
        "below-area": cc_input(chain([60], off0=4095)),
        "past-area": cc_input(chain([2049], off0=4096 + 30720)),
        "wrap": cc_input(chain([0x20], off0=0xfffffff0), wide=True, area_off=0,
                         area_len=1 << 40),
        "mismatch": cc_input(chain([100, 100], pkt_len=199)),
        "over-mtu": cc_input(chain([1500, 1500]), mtu=2999),
    }


# ---- chan_proto: see fuzz_chan_proto.c ----

MAGIC = 0x4d53424e
VERSION = 3  # NBSHM_PROTO_VERSION


def hdr(mtype, length, magic=MAGIC, version=VERSION, reserved=0):
    return struct.pack("<IHHII", magic, version, mtype, length, reserved)


def attach_msg(name=b"vm1", queue=0, **kw):
    body = name.ljust(32, b"\0") + struct.pack("<HHI", queue, 0, 0)
    return hdr(1, 16 + len(body), **kw) + body


# version 3: control file [0, rx_off) = header, rings, tx area; rx file after
LAYOUT = dict(region_size=4 << 20, handle=CH_HANDLE, rings_off=4096, ring_stride=8320,
              ring_size=256, n_qp=1, max_segs=8, mtu=9000, rx_off=2 << 20, rx_len=2 << 20,
              tx_off=65536, tx_buf_size=2048, n_tx_bufs=256)


def layout(**kw):
    v = dict(LAYOUT, **kw)
    return struct.pack("<QQQQIIIIQQQII", v["region_size"], v["handle"], v["rings_off"],
                       v["ring_stride"], v["ring_size"], v["n_qp"], v["max_segs"], v["mtu"],
                       v["rx_off"], v["rx_len"], v["tx_off"], v["tx_buf_size"],
                       v["n_tx_bufs"])


def attach_ok_msg(lay=None, page_size=2 << 20, region=b"vm1-q0", vlan=0xffff):
    body = (lay or layout()) + struct.pack("<Q", page_size) + region.ljust(64, b"\0")
    body += bytes([2, 0, 0, 0, 0, 1]) + struct.pack("<HI", vlan, 0) + b"\0" * 4  # tail pad
    return hdr(2, 16 + len(body)) + body


def error_msg(code=2, text=b"no consumer vm9"):
    body = struct.pack("<iI", code, 0) + text.ljust(128, b"\0")
    return hdr(3, 16 + len(body)) + body


def raw(n_fds, msg):
    return bytes([n_fds, 0]) + msg


def build(name=b"vm1", queue=0, lay=None, page_size=2 << 20, region=b"vm1-q0",
          vlan=0xffff, code=2, text=b"no consumer vm9"):
    out = bytes([0, 0x80])
    out += name.ljust(39, b"x") + bytes([len(name)]) + struct.pack("<H", queue)
    out += (lay or layout()) + struct.pack("<Q", page_size)
    out += region.ljust(71, b"y") + bytes([len(region)])
    out += bytes([2, 0, 0, 0, 0, 1]) + struct.pack("<H", vlan)
    out += struct.pack("<i", code) + text.ljust(71, b"z") + bytes([len(text)])
    return out


def chan_proto_seeds():
    ok = attach_ok_msg()
    return {
        "attach": raw(0, attach_msg()),
        "attach-ok": raw(3, ok),
        "error": raw(0, error_msg()),
        "attach-with-fd": raw(1, attach_msg()),
        "attach-bad-name": raw(0, attach_msg(b"vm 1")),
        "attach-no-nul": raw(0, attach_msg(b"v" * 32)),
        "attach-bad-magic": raw(0, attach_msg(magic=0x4e42534d)),
        "attach-version-1": raw(0, attach_msg(version=VERSION - 1)),
        "attach-version-next": raw(0, attach_msg(version=VERSION + 1)),
        "attach-short": raw(0, attach_msg()[:40]),
        "header-only": raw(0, hdr(1, 16)),
        "attach-ok-two-fds": raw(2, ok),  # version 2's count
        "attach-ok-four-fds": raw(4, ok),
        "attach-ok-rings-overlap-rx": raw(3, attach_ok_msg(layout(rx_off=4096))),
        "attach-ok-ring-not-pow2": raw(3, attach_ok_msg(layout(ring_size=1000))),
        "attach-ok-tx-outside": raw(3, attach_ok_msg(layout(n_tx_bufs=4096))),
        "attach-ok-page-size": raw(3, attach_ok_msg(page_size=3000)),
        "attach-ok-rx-off-not-page": raw(3, attach_ok_msg(layout(rx_off=(2 << 20) + 4096,
                                                                 rx_len=(2 << 20) - 4096))),
        "attach-ok-tx-after-rx": raw(3, attach_ok_msg(layout(tx_off=3 << 20))),
        "attach-ok-version-2": raw(3, hdr(2, 184, version=2) + attach_ok_msg()[16:]),
        "error-code-0": raw(0, error_msg(code=0)),
        "error-no-nul": raw(0, error_msg(text=b"e" * 128)),
        "build-good": build(),
        "build-bad-name": build(name=b"a/b"),
        "build-long-name": build(name=b"n" * 39),
        "build-bad-layout": build(lay=layout(n_qp=0)),
        "build-empty-region": build(region=b""),
        "build-vlan": build(vlan=4096),
        "build-code-negative": build(code=-5),
    }


def write_all(check):
    corpora = {"config": config_seeds(), "netbuf": netbuf_seeds(), "bridge": bridge_seeds(),
               "chan_chain": chan_chain_seeds(), "chan_proto": chan_proto_seeds()}
    bad = 0
    for target, seeds in corpora.items():
        d = os.path.join(HERE, "corpus", target)
        if not check:
            os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            path = os.path.join(d, name)
            if check:
                try:
                    with open(path, "rb") as f:
                        same = f.read() == data
                except OSError:
                    same = False
                if not same:
                    print("differs: %s" % os.path.relpath(path, ROOT))
                    bad += 1
                continue
            with open(path, "wb") as f:
                f.write(data)
        print("%s: %d seeds" % (target, len(seeds)))
    return bad


if __name__ == "__main__":
    sys.exit(1 if write_all("--check" in sys.argv[1:]) else 0)
