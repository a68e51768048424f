#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A clean exit gives back every hugepage: after nbfwd exits 0, no file of its
# --file-prefix is left in hugetlbfs (EAL's <prefix>map_N, the regions'
# nbshm-<prefix>.*), and the free 2 MB pages are what they were before, for
#   1. net_null ports stopped by SIGTERM, net_pcap ports at the end of --time;
#   2. vmq with a consumer (nbecho) attached, stopped by SIGTERM;
#   3. a secondary (dpdk-dumpcap) still attached when nbfwd gets SIGTERM:
#      then the files it maps stay (EAL's rule: a mapped file is locked) and
#      nbfwd says so; the test's cleanup removes them.
# The count: HugePages_Free plus the pages in hugetlbfs files of other
# prefixes (other processes on the machine may take or give back pages
# meanwhile), read until it is steady (see avail).
set -euo pipefail
NBT_NAME=exit-hugepages
. "$(dirname "$0")/lib.sh"

need_hugepages 96
need_nbfwd

# avail PREFIX [WANT]: free 2 MB pages plus those held in files not of PREFIX,
# once three reads in a row agree (and, with WANT, equal WANT: other
# processes' pages outside hugetlbfs files, e.g. a memfd, come and go; a page
# this prefix left behind never comes back). Gives up after 30 s.
avail() {
	local a b c
	a=$(avail_once "$1")
	b=$(avail_once "$1")
	for _ in $(seq 150); do
		c=$(avail_once "$1")
		if [ "$a" = "$b" ] && [ "$b" = "$c" ] && [ "${2:-$c}" = "$c" ]; then
			echo "$c"
			return 0
		fi
		a=$b
		b=$c
		sleep 0.2
	done
	echo "$c"
}
avail_once() {
	"$NBT_PY" - "$NBT_HUGEDIR" "$1" <<'PY'
import os, sys
d, prefix = sys.argv[1:3]
free = 0
for line in open("/proc/meminfo"):
	if line.startswith("HugePages_Free:"):
		free = int(line.split()[1])
held = 0
for e in os.scandir(d):
	n = e.name
	if n.startswith(prefix + "map_") or n.startswith("nbshm-" + prefix + ".") or \
			n.startswith(".nbshm-" + prefix + "."):
		continue
	try:
		held += e.stat(follow_symlinks=False).st_blocks * 512
	except FileNotFoundError:
		pass
print(free + held // (2 << 20))
PY
}

# prefix_files PREFIX: the prefix's files in hugetlbfs, one a line
prefix_files() {
	(cd "$NBT_HUGEDIR" && ls -A) | grep -E "^(${1}map_|\.?nbshm-${1}\.)" || true
}

# check_gone WHAT BEFORE: nothing of the last prefix left, pages back
check_gone() {
	local left after
	left=$(prefix_files "$NBT_PREFIX")
	[ -z "$left" ] || fail "$1: left in $NBT_HUGEDIR after exit 0:"$'\n'"$left"
	after=$(avail "$NBT_PREFIX" "$2")
	expect_eq "$1: free 2 MB pages (+ other prefixes' files) after exit" "$2" "$after"
	expect_log "hugepage files: [1-9][0-9]* removed$" "$1"
}

# run_held TAG: wait until nbfwd forwards, then count its map_ files (> 0)
run_held() {
	local n
	wait_log "forwarding: mode" 30
	n=$(prefix_files "$NBT_PREFIX" | grep -c "map_" || true)
	expect_gt "$1: the running nbfwd's hugepage files" 0 "$n"
	HELD=$n
}

# 1a. net_null, SIGTERM
before=$(avail "nbtX_none")
NBT_LIMIT=40 start_nbfwd null --log-level=nbfwd.app:info --vdev net_null0 --vdev net_null1 -- \
	--mode macswap
run_held null
stop_nbfwd
expect_ok "net_null, SIGTERM"
check_gone "net_null, SIGTERM" "$before"
say "ok net_null, SIGTERM: $HELD hugepage files while running, none after; free pages back to $before"

# 1b. net_pcap, --time
before=$(avail "nbtX_none")
in=$(pcap mix)
NBT_LIMIT=40 start_nbfwd pcap --log-level=nbfwd.app:info \
	--vdev "net_pcap0,rx_pcap=$in,tx_pcap=$NBT_TMP/out.pcap" -- --mode io --time 2
run_held pcap
wait_nbfwd
expect_ok "net_pcap, --time"
check_gone "net_pcap, --time" "$before"
say "ok net_pcap, end of --time: $HELD hugepage files while running, none after"

# 2. vmq, a consumer attached
nbt_c1_setup
before=$(avail "nbtX_none")
NBT_LIMIT=60 nbt_c1_start vmq "$NBT_C1_FRAMES/in.pcap" net_null0 net_pcap0
n_region=$(prefix_files "$NBT_PREFIX" | grep -c "nbshm-" || true)
expect_gt "vmq: region files while running" 0 "$n_region"
nbt_c1_nbecho echo -c 100
stop_nbfwd
bg_wait "$NBT_C1_ECHO_PID"
expect_ok "vmq with a consumer, SIGTERM"
check_gone "vmq with a consumer, SIGTERM" "$before"
say "ok vmq with consumer c1 (nbecho): $n_region region files and EAL's files gone after exit"

# 3. a secondary attached at exit keeps the files it maps
need_cmd dpdk-dumpcap unshare stdbuf
NBT_LIMIT=60 start_nbfwd sec --log-level=nbfwd.app:info --base-virtaddr 0x200000000000 \
	--vdev net_ring0 -- --mode io --tx-first
run_held sec
# dumpcap takes no EAL options: the PCI bus hidden in a private mount
# namespace (as capture.sh does); it captures until stopped
bg_start 60 "$NBT_TMP/dumpcap.log" unshare -m sh -c \
	'mount -t tmpfs -o ro,size=4k none /sys/bus/pci/devices &&
	exec stdbuf -o0 -e0 dpdk-dumpcap --file-prefix="$1" -i net_ring0 -w /dev/null' sh \
	"$NBT_PREFIX"
dc=$BG_PID
for _ in $(seq 100); do
	grep -q "Capturing on" "$NBT_TMP/dumpcap.log" && break
	kill -0 "$dc" 2>/dev/null || fail "dpdk-dumpcap stopped: $(cat "$NBT_TMP/dumpcap.log")"
	sleep 0.1
done
grep -q "Capturing on" "$NBT_TMP/dumpcap.log" ||
	fail "dpdk-dumpcap did not attach: $(cat "$NBT_TMP/dumpcap.log")"
stop_nbfwd
expect_rc "SIGTERM with dpdk-dumpcap attached" 0
expect_log "hugepage files: [0-9]+ removed, [1-9][0-9]* kept \(mapped by a secondary process\)" \
	"SIGTERM with dpdk-dumpcap attached"
kept=$(prefix_files "$NBT_PREFIX" | grep -c "map_" || true)
expect_gt "files kept for dpdk-dumpcap" 0 "$kept"
kill -INT "$dc" 2>/dev/null || true
bg_wait "$dc"
say "ok dpdk-dumpcap attached at exit: $kept hugepage files kept for it (the test removes them)"
say PASS
