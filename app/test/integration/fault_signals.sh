#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Fault injection: SIGTERM and SIGINT under full load must stop nbfwd cleanly.
#   1. a net_null pair, copy=1 (every byte touched), io: the signal arrives
#      while the worker forwards tens of Mpps
#   2. vmq: net_pcap0 looping a capture of frames for consumer c1
#      (infinite_rx) + net_null0; c1 attached with nbecho --poll, busy
#      receiving and returning when the signal arrives (it holds lent buffers)
# Each run, once with SIGTERM and once with SIGINT sent to nbfwd itself:
# exit 0, the stats JSON written, mbufs_in_use_at_exit 0 and one "all N
# mbufs returned" line per pool (the consumer's pool included); in vmq, what
# c1 still held is taken back (reclaimed), every packet received on a port is
# counted as forwarded, delivered or dropped, and nbecho ends on its own
# ("nbfwd went away", exit 1), not by a signal.
set -euo pipefail
NBT_NAME=fault-signals
. "$(dirname "$0")/lib.sh"

nbt_c1_setup

# nbfwd_pid: the pid of the nbfwd that the last start_nbfwd's timeout runs
nbfwd_pid() {
	local p
	for _ in $(seq 50); do
		p=$(pgrep -P "$NBT_PID" -x nbfwd || true)
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
	done
	fail "no nbfwd process under pid $NBT_PID"
}

# signal_stop SIG: send SIG to nbfwd (not to its timeout), wait for it
signal_stop() {
	kill -"$1" "$(nbfwd_pid)" || fail "kill -$1 nbfwd"
	wait_nbfwd
	expect_ok "nbfwd stopped by SIG$1"
}

# pools_returned N: N "all ... mbufs returned" lines, none about a leak
pools_returned() {
	local n
	n=$(grep -c "all [0-9]* mbufs returned" "$NBT_LOG" || true)
	expect_eq "pools reporting all mbufs returned" "$1" "$n"
}

# 1. net_null pair at full rate
for sig in TERM INT; do
	start_nbfwd "null.$sig" --vdev net_null0,copy=1 --vdev net_null1,copy=1 -- --mode io
	wait_log "forwarding: mode io" 30
	sleep 1.5
	signal_stop "$sig"
	pools_returned 2
	expect_zero_drops
	expect_json rx_packets '>' 1000000 tx_packets == "$(json_get "$NBT_JSON" rx_packets)" \
		rx_mpps '>' 1
	say "ok net_null SIG$sig under load: $(json_get "$NBT_JSON" rx_mpps) Mpps, exit 0," \
		"all mbufs back"
done

# 2. vmq, consumer busy receiving
for sig in TERM INT; do
	nbt_c1_start "vmq.$sig" "$NBT_C1_FRAMES/in.pcap" net_null0 net_pcap0
	nbt_c1_nbecho "echo.$sig" --poll
	echo_pid=$NBT_C1_ECHO_PID
	sleep 1.5
	grep -q "consumer c1 detached" "$NBT_LOG" && fail "c1 detached before the signal"
	signal_stop "$sig"
	bg_wait "$echo_pid"
	[ "$BG_RC" = 1 ] || fail "nbecho exit status $BG_RC (expected 1: nbfwd went away):" \
		"$(cat "$NBT_TMP/echo.$sig.log")"
	grep -q "nbfwd went away" "$NBT_TMP/echo.$sig.log" ||
		fail "nbecho did not say that nbfwd went away: $(cat "$NBT_TMP/echo.$sig.log")"
	pools_returned 3
	expect_log "pool [^ ]* \(consumer c1\): all 1024 mbufs returned" "c1's pool"
	expect_log "consumer c1: detached at exit" "c1 detached by the stop"
	expect_zero_drops consumer
	expect_json consumers.0.delivered '>' 10000 consumers.0.lent_now == 0 \
		consumers.0.rejects.not_lent == 0 ports.0.rx_nombuf == 0
	d=$(json_get "$NBT_JSON" consumers.0.delivered)
	r=$(json_get "$NBT_JSON" consumers.0.returned)
	k=$(json_get "$NBT_JSON" consumers.0.reclaimed)
	expect_eq "c1: delivered = returned + reclaimed" "$d" "$((r + k))"
	# nbecho read what was lent (all, or all but the last lent); nbfwd took
	# back what came back after it stopped polling as reclaimed
	got=$(json_get "$NBT_TMP/echo.$sig.json" packets)
	[ "$got" -ge "$r" ] && [ "$got" -le "$d" ] ||
		fail "nbecho received $got, expected returned $r <= it <= delivered $d"
	rx=$(json_get "$NBT_JSON" ports.0.rx_packets)
	fwd=$(json_get "$NBT_JSON" ports.0.queues.0.forwarded)
	del=$(json_get "$NBT_JSON" ports.0.delivered)
	drp=$(json_get "$NBT_JSON" ports.0.dropped)
	expect_eq "port 0: rx = forwarded + delivered + dropped" "$rx" "$((fwd + del + drp))"
	say "ok vmq SIG$sig with c1 busy: delivered $d (returned $r, reclaimed $k at exit)," \
		"rx $rx = fwd $fwd + delivered $del + dropped $drp"
done
say PASS
