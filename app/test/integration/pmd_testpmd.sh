#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The net_nbshm PMD loaded into Debian's stock dpdk-testpmd (-d the .so) as a
# consumer of nbfwd.
#   1. devargs: bad ones are refused at probe, each with a sentence naming it
#   2. a socket nobody serves, a consumer name or queue nbfwd does not have:
#      the port does not start and the log says why
#   3. nbfwd --mode vmq on net_pcap (one consumer, MAC filter, 512-byte rx
#      buffers so that longer frames arrive as chains) and testpmd (io) with
#      net_nbshm0 and a net_pcap port, twice: zero copy, then copy=1.
#      testpmd's net_pcap port captures exactly the frames addressed to the
#      consumer, byte for byte; the frames testpmd sends into net_nbshm0 leave
#      nbfwd's port byte for byte; every lent buffer comes back before detach
#      (nbfwd reclaims none) and no mbuf is left in use.
# nbfwd reads its rx_pcap from a FIFO that this script feeds only once testpmd
# is attached (net_pcap reads a file as fast as it can, and frames for a
# consumer not attached yet are dropped), then closes: at EOF nbfwd's worker
# no longer waits inside a read, so it takes the PMD's returns at once.
# CPUs: nbfwd alone on CPU 1 (-l 1), testpmd's lcores both on CPU 0.
set -euo pipefail
NBT_NAME=pmd-testpmd
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vmq_lib.sh"
. "$(dirname "$0")/pmd_lib.sh"

need_cmd dpdk-testpmd mkfifo
need_hugepages 64
need_nbfwd
pmd_setup "$NBT_BUILD/drivers/net/nbshm/librte_net_nbshm.so"

# refused VDEV_ARGS PATTERN: probe fails with PATTERN in the log, no port
refused() {
	tp_once bad "net_nbshm0${1:+,$1}"
	expect_log "net_nbshm: net_nbshm0: $2" "devargs '$1'"
	expect_log "No probed ethernet devices" "devargs '$1' (no port may exist)"
}

# 1. devargs
refused "" "socket= and name= are required"
refused "socket=/nonexistent.sock" "name= is required"
refused "name=tp" "socket= is required"
refused "socket=/x.sock,name=tp,role=producer" "role=producer is not supported: .*role=consumer"
refused "socket=/x.sock,name=tp,copy=2" "copy=2 must be 0 \(zero copy\) or 1"
refused "socket=/x.sock,name=tp,queue=65536" "queue=65536 is not a number in 0..65535"
refused "socket=/x.sock,name=tp/x" "name=tp/x is not a consumer name"
refused "socket=/x.sock,name=tp,mode=x" "unknown devarg \"mode\""
refused "socket=/x.sock,name=tp,name=u" "devarg name= given twice"
refused "socket=/x.sock,name=tp,producer_uid=root" "producer_uid=root is not a uid"
say "ok devargs: bad ones refused at probe, each named"

# 2. nobody serves the socket
tp_once nosock "net_nbshm0,socket=$sock,name=tp"
expect_log "cannot attach to consumer tp queue 0 at $sock: connect $sock: No such file or directory" \
	"missing socket"
expect_log "Fail to start port 0" "missing socket"
say "ok missing socket: the port does not start, the log says why"

# 3. nbfwd in vmq mode
for round in 1 2; do
	copy=$((round - 1))
	start_vmq "$round"
	if [ "$round" = 1 ]; then
		# nbfwd's refusals reach testpmd's log
		tp_once noname "net_nbshm0,socket=$sock,name=nosuch"
		expect_log "cannot attach to consumer nosuch queue 0 at $sock: nbfwd refused nosuch queue 0: " \
			"unknown consumer"
		expect_log "Fail to start port 0" "unknown consumer"
		tp_once noqueue "net_nbshm0,socket=$sock,name=tp,queue=1"
		expect_log "cannot attach to consumer tp queue 1 at $sock: nbfwd refused tp queue 1: " \
			"queue nbfwd does not have"
		expect_log "Fail to start port 0" "queue nbfwd does not have"
		NBT_LOG=$nbfwd_log
		say "ok refusals: unknown consumer, unknown queue; nbfwd's reason in testpmd's log"
	fi
	tp_round "$round" "$copy"
	stop_vmq
	say "ok $([ "$copy" = 0 ] && echo "zero copy" || echo "copy=1"): testpmd got the $n_tp frames for tp byte for byte and gave every buffer back; its 100 frames left nbfwd byte for byte"
done
