#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# dpdk-dumpcap attached to a running nbfwd (rte_pdump) captures a port's
# packets, whose data lives in a region, into a pcapng file; nbfwd keeps
# forwarding and still ends with every mbuf back in its pool.
set -euo pipefail
NBT_NAME=capture
. "$(dirname "$0")/lib.sh"

need_hugepages 96
need_nbfwd
need_cmd dpdk-dumpcap unshare

# a fixed base address away from libraries and ASan's shadow, where dumpcap
# (a secondary) can map nbfwd's memory too (as capture-stress does)
NBT_LIMIT=40 start_nbfwd cap --base-virtaddr 0x200000000000 --vdev net_ring0 --vdev net_ring1 \
	-- --tx-first --time 8
for _ in $(seq 50); do
	grep -q "forwarding:" "$NBT_LOG" && break
	sleep 0.1
done
out=$NBT_TMP/cap.pcapng
reg_file "$out"
# dumpcap is a secondary of nbfwd's file prefix. It takes no EAL options, so
# it cannot be given --no-pci: run it in a private mount namespace whose
# /sys/bus/pci/devices is empty, so its EAL sees no PCI device at all.
rc=0
timeout -k 5 20 unshare -m sh -c 'mount -t tmpfs -o ro,size=4k none /sys/bus/pci/devices &&
	exec dpdk-dumpcap --file-prefix="$1" -i net_ring0 -c 500 -q -w "$2"' sh \
	"$NBT_PREFIX" "$out" >"$NBT_TMP/dumpcap.log" 2>&1 </dev/null || rc=$?
wait_nbfwd
[ $rc -eq 0 ] || { cat "$NBT_TMP/dumpcap.log"; fail "dpdk-dumpcap exited $rc"; }
expect_ok "nbfwd under capture"
expect_json mbufs_in_use_at_exit == 0 rx_packets '>' 0

"$NBT_PY" - "$out" <<'PY' || fail "capture file wrong (above)"
import struct, sys
data = open(sys.argv[1], "rb").read()
pos, epb, lengths = 0, 0, set()
while pos + 12 <= len(data):
    btype, blen = struct.unpack_from("<II", data, pos)
    if blen < 12 or pos + blen > len(data):
        sys.exit("FAIL: truncated pcapng block at %d" % pos)
    if btype == 6:  # Enhanced Packet Block: caplen at +20
        epb += 1
        lengths.add(struct.unpack_from("<I", data, pos + 20)[0])
    pos += blen
if epb < 500:
    sys.exit("FAIL: %d packets captured, expected at least 500" % epb)
if lengths != {60}:
    sys.exit("FAIL: captured lengths %s, expected the 60-byte --tx-first frames" % sorted(lengths))
print("captured %d packets of 60 bytes" % epb)
PY
say "ok: dpdk-dumpcap captured net_ring0 through rte_pdump; nbfwd exit 0, all mbufs back"
say PASS
