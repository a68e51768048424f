#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# nbfwd as a net_memif server (one port, forwards back out of itself, io)
# against dpdk-testpmd as the memif client (io, --tx-first): the seed burst
# loops between the two processes. Both must count traffic, and nbfwd must
# get every mbuf back. testpmd is judged by its counters, not its exit code.
# CPUs: nbfwd alone on CPU 1 (-l 1: its worker runs on the main lcore);
# testpmd's main and forwarding lcores both on CPU 0 (--lcores 0@0,1@0).
set -euo pipefail
NBT_NAME=memif-testpmd
. "$(dirname "$0")/lib.sh"

need_cmd dpdk-testpmd
need_hugepages 64
need_nbfwd

secs=${NBT_MEMIF_TIME:-8}
sock=/tmp/nbt-memif-$$.sock
reg_file "$sock"
rm -f "$sock"

NBT_LCORES=1 NBT_LIMIT=$((secs + 30)) start_nbfwd memif \
	--vdev "net_memif0,role=server,socket=$sock,socket-abstract=no" -- --mode io --time "$secs"
nbfwd_pid=$NBT_PID
wait_log "forwarding: mode io" 20
for ((t = 0; t < 50; t++)); do
	[ -S "$sock" ] && break
	sleep 0.1
done
[ -S "$sock" ] || fail "nbfwd (memif server) did not create $sock"

# testpmd: non-interactive, it forwards until it reads a line on stdin
new_prefix
tp_log=$NBT_TMP/testpmd.log
tp_in=$NBT_TMP/testpmd.stdin
mkfifo "$tp_in"
timeout -k 5 30 dpdk-testpmd --lcores 0@0,1@0 --no-pci --no-huge -m 512 \
	--file-prefix "$NBT_PREFIX" --vdev "net_memif0,role=client,socket=$sock,socket-abstract=no" -- \
	--forward-mode=io --tx-first --total-num-mbufs=16384 --nb-cores=1 \
	<"$tp_in" >"$tp_log" 2>&1 &
tp_pid=$!
NBT_PIDS+=("$tp_pid")
# hold the fifo open, let the loop run, then press Enter
exec 7>"$tp_in"
sleep "${NBT_MEMIF_RUN:-4}"
echo >&7 || true
exec 7>&-
tp_rc=0
wait "$tp_pid" || tp_rc=$?
nbt_forget_pid "$tp_pid"

NBT_PID=$nbfwd_pid
wait_nbfwd
expect_ok "nbfwd memif server"
expect_json ports.0.driver == net_memif ports.0.peer == 0 \
	rx_packets '>' 0 tx_packets '>' 0 ports.0.rx_packets '>' 0 ports.0.tx_packets '>' 0
expect_zero_drops tx_full
nb_rx=$(json_get "$NBT_JSON" rx_packets)
nb_tx=$(json_get "$NBT_JSON" tx_packets)

# testpmd's exit report: "Forward statistics for port 0" then RX-packets / TX-packets
tp_stats=$(sed -n '/Forward statistics for port 0/,/-----------------------------------/p' "$tp_log")
tp_rx=$(echo "$tp_stats" | sed -nE 's/.*RX-packets: *([0-9]+).*/\1/p' | head -n 1)
tp_tx=$(echo "$tp_stats" | sed -nE 's/.*TX-packets: *([0-9]+).*/\1/p' | head -n 1)
if [ -z "$tp_rx" ] || [ -z "$tp_tx" ]; then
	NBT_LOG=$tp_log fail "no port statistics in testpmd's output (exit status $tp_rc)"
fi
NBT_LOG=$tp_log expect_gt "testpmd RX-packets" 0 "$tp_rx"
NBT_LOG=$tp_log expect_gt "testpmd TX-packets" 0 "$tp_tx"
say "ok: nbfwd rx $nb_rx tx $nb_tx; testpmd RX $tp_rx TX $tp_tx (testpmd exit status $tp_rc)"
say PASS
