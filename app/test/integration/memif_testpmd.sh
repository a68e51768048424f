#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# nbfwd as a net_memif server (one port, forwards back out of itself, io)
# against dpdk-testpmd as the memif client (io, one tx_first burst): the burst
# loops between the two processes. Both must count the traffic, the counts
# must agree, and nbfwd must get every mbuf back.
#
# Shutdown order matters for testpmd. DPDK 22.11's memif PMD unmaps a
# connection's shared memory from the EAL interrupt thread (memif_intr_handler
# -> memif_disconnect -> memif_free_regions) when the peer goes away, while the
# process's lcore may be inside rx/tx burst on those rings: SIGSEGV. nbfwd
# polls memif under the driver's teardown lock (memif-peer tests it; see
# doc/port-peers.md); testpmd does not. So testpmd runs interactively:
# "start tx_first", "stop" (no poller on its side any more), then nbfwd is
# stopped with SIGTERM, then testpmd "quit".
# CPUs: nbfwd alone on CPU 1 (-l 1: its worker runs on the main lcore);
# testpmd's main and forwarding lcores both on CPU 0 (--lcores 0@0,1@0).
set -euo pipefail
NBT_NAME=memif-testpmd
. "$(dirname "$0")/lib.sh"

need_cmd dpdk-testpmd
need_hugepages 64
need_nbfwd

run=${NBT_MEMIF_RUN:-3}
sock=/tmp/nbt-memif-$$.sock
reg_file "$sock"
rm -f "$sock"

NBT_LCORES=1 NBT_LIMIT=60 start_nbfwd memif \
	--vdev "net_memif0,role=server,socket=$sock,socket-abstract=no" -- --mode io
nbfwd_pid=$NBT_PID
nbfwd_log=$NBT_LOG
wait_log "forwarding: mode io" 20
wait_socket "$sock" "nbfwd (memif server)"

# testpmd, interactive, its commands written to a fifo
testpmd_start testpmd --lcores 0@0,1@0 --no-huge -m 512 \
	--vdev "net_memif0,role=client,socket=$sock,socket-abstract=no" -- \
	-i --forward-mode=io --total-num-mbufs=16384 --nb-cores=1

# wait for the memif link (the client connects when its port starts)
up=0
for ((t = 0; t < 40; t++)); do
	kill -0 "$tp_pid" 2>/dev/null || tp_fail "testpmd exited early"
	tp_send "show port info 0"
	sleep 0.25
	if grep -q "Link status: up" "$tp_log"; then
		up=1
		break
	fi
done
[ $up = 1 ] || tp_fail "the memif link did not come up within 10 s"
tp_send "start tx_first"
sleep "$run"
tp_send "stop"
sleep 0.5

# nbfwd first (workers stop, then the port closes), then testpmd
NBT_PID=$nbfwd_pid
NBT_LOG=$nbfwd_log
stop_nbfwd
tp_send "quit"
testpmd_wait

expect_ok "nbfwd memif server"
expect_json ports.0.driver == net_memif ports.0.peer == 0 \
	rx_packets '>' 0 tx_packets '>' 0 ports.0.rx_packets '>' 0 ports.0.tx_packets '>' 0
expect_zero_drops ""
nb_rx=$(json_get "$NBT_JSON" rx_packets)
nb_tx=$(json_get "$NBT_JSON" tx_packets)

# testpmd's "stop" report: "Forward statistics for port 0", RX-packets / TX-packets
tp_stats=$(sed -n '/Forward statistics for port 0/,/-----------------------------------/p' "$tp_log")
tp_rx=$(echo "$tp_stats" | sed -nE 's/.*RX-packets: *([0-9]+).*/\1/p' | head -n 1)
tp_tx=$(echo "$tp_stats" | sed -nE 's/.*TX-packets: *([0-9]+).*/\1/p' | head -n 1)
if [ -z "$tp_rx" ] || [ -z "$tp_tx" ]; then
	tp_fail "no port statistics in testpmd's output (exit status $tp_rc)"
fi
NBT_LOG=$tp_log expect_gt "testpmd RX-packets" 0 "$tp_rx"
NBT_LOG=$tp_log expect_gt "testpmd TX-packets" 0 "$tp_tx"
# testpmd had stopped sending when nbfwd stopped: nbfwd received all of it;
# what nbfwd sent back last may still sit in testpmd's rx ring (one burst)
expect_eq "nbfwd rx_packets == testpmd TX-packets" "$tp_tx" "$nb_rx"
if [ "$tp_rx" -gt "$nb_tx" ] || [ $((nb_tx - tp_rx)) -gt 512 ]; then
	fail "testpmd RX-packets $tp_rx vs nbfwd tx_packets $nb_tx: expected <= nbfwd tx and at most 512 less"
fi
[ "$tp_rc" = 0 ] || say "note: testpmd exit status $tp_rc (judged by its counters)"
say "ok: nbfwd rx $nb_rx tx $nb_tx; testpmd RX $tp_rx TX $tp_tx (testpmd exit status $tp_rc)"
say PASS
