#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/pktgen/consumer.sh PKTGEN [BUILD_DIR]: Pktgen-DPDK as a consumer of
# nbfwd (vmq mode) through the net_nbshm PMD loaded with -d, both ways:
#   nbfwd -l 1: net_pcap0 (rx_pcap = 512 frames to c1, infinite_rx=1;
#               tx_pcap = what c1 sends) -> consumer c1, software steering
#   pktgen on CPU 0: -d librte_net_nbshm.so --vdev net_nbshm0,socket=,name=c1
#               (consumer.lua): counts what it receives, sends NBB_COUNT frames
# Checks: pktgen received frames, nbfwd took exactly NBB_COUNT from c1's tx
# ring and wrote them to tx_pcap, every mbuf back at exit. Prints one line.
# Every process --no-pci, its own --file-prefix, timeout, stopped by PID;
# hugepage files, runtime directories and sockets removed. Exit 0 ok, 1 a
# check failed, 2 usage or setup.

set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case ${1:-} in -h | --help | '')
	sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; [[ -n ${1:-} ]]; exit $? ;; esac
pktgen=$1
build=${2:-${NBSHM_BUILD:-$root/build}}
nbfwd=$build/app/nbfwd/nbfwd
pmd=$build/drivers/net/nbshm/librte_net_nbshm.so
count=${NBB_COUNT:-5000}
for f in "$pktgen" "$nbfwd"; do [[ -x $f ]] || { echo "consumer.sh: $f: not built" >&2; exit 2; }; done
[[ -f $pmd ]] || { echo "consumer.sh: $pmd: not built" >&2; exit 2; }
command -v script >/dev/null || { echo "consumer.sh: needs script(1)" >&2; exit 2; }
[[ $EUID -eq 0 ]] || { echo "consumer.sh: needs root (hugepages)" >&2; exit 2; }

work=$(mktemp -d /tmp/pktgen-consumer.XXXXXX)
pn=pgc_n_$$ pg=pgc_g_$$ npid='' spid='' pmd_copy=''
cleanup() {
	[[ -n $spid ]] && kill -TERM "$spid" 2>/dev/null
	[[ -n $npid ]] && kill -INT "$npid" 2>/dev/null
	wait 2>/dev/null
	rm -rf /dev/hugepages/"$pn"* /dev/hugepages/"$pg"* /var/run/dpdk/"$pn" /var/run/dpdk/"$pg"
	rm -rf "$work"
	[[ -z $pmd_copy ]] || rm -rf "$pmd_copy"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# EAL takes no plugin from under a world-writable directory (a clone in /tmp)
p=$("$root/drivers/net/nbshm/pmd-path.sh" "$pmd") || exit 2
[[ $p == "$pmd" ]] || { pmd_copy=$(dirname "$p"); pmd=$p; }

python3 "$root/bench/consumer/frames.py" "$work/in.pcap" --size 64 --count 512 >/dev/null ||
	{ echo "consumer.sh: frames.py failed" >&2; exit 2; }
. "$root/bench/lib/vmq.sh"
vmq_ini "$work/s.sock" >"$work/n.ini"
taskset -c 1 timeout -s INT -k 5 60 "$nbfwd" -l 1 --no-pci --file-prefix "$pn" \
	--vdev "net_pcap0,rx_pcap=$work/in.pcap,infinite_rx=1,tx_pcap=$work/tx.pcap" -- \
	-f "$work/n.ini" --stats-period 0 --stats-json "$work/n.json" >"$work/n.log" 2>&1 &
npid=$!
for ((i = 0; i < 100; i++)); do [[ -S $work/s.sock ]] && break; sleep 0.1; done
[[ -S $work/s.sock ]] || { echo "consumer.sh: nbfwd made no socket: $(tail -3 "$work/n.log")" >&2; exit 1; }
NBB_OUT=$work/pg.txt NBB_COUNT=$count timeout -s TERM -k 5 40 script -qfec \
	"taskset -c 0 $pktgen --lcores 0@0,1@0 --no-pci --file-prefix $pg -d $pmd --vdev net_nbshm0,socket=$work/s.sock,name=c1 -- -P -m 1.0 -f $root/bench/pktgen/consumer.lua" \
	/dev/null </dev/null >"$work/pg.log" 2>&1 &
spid=$!
wait "$spid"; spid=''
kill -INT "$npid"; wait "$npid"; nrc=$?; npid=''
[[ -s $work/pg.txt ]] || { echo "consumer.sh: pktgen wrote no counters; its output:" >&2
	sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$work/pg.log" | grep -v '^\s*$' | tail -5 >&2; exit 1; }
# frames nbfwd wrote to tx_pcap (bench/run's pcap reader; none: 0)
frames=$(python3 "$root/bench/lib/report.py" pcapstat "$work/tx.pcap" 2>/dev/null | cut -d' ' -f1)
python3 - "$work" "$count" "$nrc" "${frames:-0}" <<'PY'
import json, sys
work, count, nrc, frames = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
pg = dict(kv.split("=") for kv in open(work + "/pg.txt").read().split())
n = json.load(open(work + "/n.json"))
c = n["consumers"][0]
print("pktgen as consumer c1: received %s, sent %s; nbfwd delivered %d, got back %d, "
	"sent %d of c1's frames (%d in tx_pcap); mbufs in use at exit %d" % (pg["ipackets"],
	pg["opackets"], c["delivered"], c["returned"] + c["reclaimed"], c["tx_packets"], frames,
	n["mbufs_in_use_at_exit"]))
ok = (int(pg["ipackets"]) > 0 and int(pg["opackets"]) == count and c["tx_packets"] == count
	and frames == count and n["mbufs_in_use_at_exit"] == 0 and nrc == 0
	and c["delivered"] == c["returned"] + c["reclaimed"])
sys.exit(0 if ok else 1)
PY
