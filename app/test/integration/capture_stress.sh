#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Captures started and stopped at any moment never crash nbfwd. nbfwd forwards
# at full rate between two net_ring ports (--tx-first: the frames circulate,
# one worker busy all the time) while $NBT_CAPTURES (default 50) captures run
# one after the other, mixed:
#   - dpdk-dumpcap, pcapng (rte_pcapng_copy) and -P pcap (plain copy), one
#     port or both, with and without a BPF filter and a snap length;
#   - stopped by their packet count, or by SIGINT or SIGTERM a random
#     0-1.5 s after the tool attached (before, during or after its enable);
#   - the last fifth dpdk-pdump (rx only, tx only or both, one queue or all,
#     stopped by SIGINT) mixed with dumpcap, on a second nbfwd with
#     --pool-layout extbuf (dpdk-pdump reads every mempool header, and the
#     default layout keeps them in regions a secondary does not map);
#   - two dumpcaps on one port at once: the second is refused (busy);
#   - a dumpcap killed with SIGKILL (it never disables): the next dumpcap on
#     that port ends its capture (queues_stale) and captures.
# After each: nbfwd still runs. At the end nbfwd exits 0 with every mbuf back
# in its pool, as many queues disabled as enabled, nothing else refused.
# NBT_SEED picks the random choices (default: the shell's pid, printed).
# On DPDK 22.11's own pdump server a worker still inside the capture callback
# copies into the mempool the capture tool frees right after its disable is
# acknowledged: nbfwd died with SIGSEGV in rte_pktmbuf_copy.
set -euo pipefail
NBT_NAME=capture-stress
. "$(dirname "$0")/lib.sh"

need_hugepages 160
need_nbfwd
need_cmd dpdk-dumpcap dpdk-pdump unshare stdbuf

n=${NBT_CAPTURES:-50}
RANDOM=${NBT_SEED:-$$}
say "seed ${NBT_SEED:-$$}, $n captures"

# alive I WHAT: nbfwd still runs after capture I
nbfwd_pid=
alive() {
	kill -0 "$nbfwd_pid" 2>/dev/null && return 0
	wait_nbfwd
	fail "nbfwd died during capture $1 ($2): exit status $NBT_RC$([ "$NBT_RC" -gt 128 ] &&
		echo " (signal $((NBT_RC - 128)))")"
}

# capture I STOP CMD...: run one capture tool (a secondary of nbfwd) in a
# private mount namespace whose /sys/bus/pci/devices is empty (dpdk-dumpcap
# takes no EAL options, so no --no-pci), its output unbuffered in
# $NBT_TMP/capI.log. STOP is "count" (it stops by itself) or "INT" / "TERM",
# sent a random 0-1.5 s after the tool attached (it prints "Capturing on" or,
# dpdk-pdump, "capture for" once its EAL runs; its enable request follows):
# before, during or after the enable, during the capture. Not during the
# tool's own EAL start-up: a secondary killed there can leave DPDK's shared
# locks taken, which blocks every later tool (doc/capture.md, "Limits").
# Sets CAP_RC, and CAP_ATTACHED=0 when the tool never attached.
capture() {
	local i=$1 stop=$2 log=$NBT_TMP/cap$1.log pid t
	shift 2
	: >"$log"
	timeout -k 10 30 unshare -m sh -c \
		'mount -t tmpfs -o ro,size=4k none /sys/bus/pci/devices && exec stdbuf -o0 -e0 "$@"' \
		sh "$@" >"$log" 2>&1 </dev/null &
	pid=$!
	NBT_PIDS+=("$pid")
	CAP_ATTACHED=0
	for ((t = 0; t < 200; t++)); do
		grep -qE "Capturing on|capture for" "$log" && CAP_ATTACHED=1 && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	grep -qE "Capturing on|capture for" "$log" && CAP_ATTACHED=1
	if [ "$stop" != count ] && kill -0 "$pid" 2>/dev/null; then
		sleep "$((RANDOM % 2)).$((RANDOM % 10))"
		kill -"$stop" "$pid" 2>/dev/null || true	# timeout passes it on
	fi
	bg_wait "$pid"
	CAP_RC=$BG_RC
}

# tool_failed I WHAT: the tool itself could not run (not nbfwd's doing): it
# did not attach (a sanitized nbfwd's address space can keep a secondary
# from mapping DPDK's memory), or found no hugepage for its ring or pool while
# other work holds them. Counted; at most a quarter of the captures.
tool_failures=0
tool_failed() {
	local log=$NBT_TMP/cap$1.log
	if [ "$CAP_ATTACHED" = 1 ] && ! grep -q "creation failed: Cannot allocate memory" "$log"; then
		return 1
	fi
	tool_failures=$((tool_failures + 1))
	say "note: capture $1 ($2): the tool could not run: $(grep -m1 -E 'EAL: (Cannot|Error)|Cause' "$log" || echo "exit status $CAP_RC")"
	[ $((tool_failures * 4)) -le "$n" ] || fail "$tool_failures capture tools could not run"
}

# run_captures FIRST COUNT KINDS: captures FIRST.. of the kinds KINDS (a list
# of 0-4: 0 pcapng, 1 pcap (-P), 2 pcapng filtered (-f, -s), 3 pcapng on both
# ports, 4 dpdk-pdump); nbfwd must be alive after each
run_captures() {
	local first=$1 count=$2 i kind stop out what spec
	local kinds=($3) stops=(count INT TERM) dirs queues args ports
	for ((i = first; i < first + count; i++)); do
		kind=${kinds[$((i % ${#kinds[@]}))]}
		stop=${stops[$((RANDOM % 3))]}
		out=/dev/null
		ports=(-i "net_ring$((RANDOM % 2))")
		case $kind in
		0|1|2|3)
			[ "$stop" != count ] || out=$NBT_TMP/cap$i.out
			[ $kind != 3 ] || ports=(-i net_ring0 -i net_ring1)
			args=(dpdk-dumpcap --file-prefix="$NBT_PREFIX" -q -w "$out" "${ports[@]}")
			[ $kind != 1 ] || args+=(-P)
			[ $kind != 2 ] || args+=(-f "ether[0] & 1 = 0" -s 40)
			[ "$stop" != count ] || args+=(-c $((50 + RANDOM % 500)))
			what="${args[*]:2}, stop $stop"
			capture "$i" "$stop" "${args[@]}"
			if [ "$stop" = count ] && [ "$CAP_RC" != 0 ]; then
				tool_failed "$i" "$what" ||
					fail "capture $i ($what): exit status $CAP_RC: $(cat "$NBT_TMP/cap$i.log")"
			fi
			rm -f "$NBT_TMP/cap$i.out"
			;;
		4)
			dirs=("rx-dev=/dev/null" "tx-dev=/dev/null" "rx-dev=/dev/null,tx-dev=/dev/null")
			queues=('*' 0)
			spec="device_id=net_ring$((RANDOM % 2)),queue=${queues[$((RANDOM % 2))]}"
			spec+=",${dirs[$((RANDOM % 3))]}"
			what="dpdk-pdump $spec, stop INT"
			capture "$i" INT dpdk-pdump --no-pci --file-prefix="$NBT_PREFIX" -l 0 \
				--log-level=lib.eal:error -- --pdump "$spec"
			;;
		esac
		alive "$i" "$what"
	done
}

# dumpcap_bg PORT TAG: a dumpcap capturing PORT until stopped, in the
# background (log $NBT_TMP/TAG.log); returns once it captures. Sets DC_PID
# (its timeout wrapper, which passes SIGINT on).
dumpcap_bg() {
	timeout -k 10 -s INT 30 unshare -m sh -c \
		'mount -t tmpfs -o ro,size=4k none /sys/bus/pci/devices && exec stdbuf -o0 -e0 "$@"' \
		sh dpdk-dumpcap --file-prefix="$NBT_PREFIX" -w /dev/null -i "$1" \
		>"$NBT_TMP/$2.log" 2>&1 </dev/null &
	DC_PID=$!
	NBT_PIDS+=("$DC_PID")
	for _ in $(seq 100); do
		grep -q "Capturing on" "$NBT_TMP/$2.log" && break
		sleep 0.1
	done
	sleep 0.5
	kill -0 "$DC_PID" 2>/dev/null || fail "dumpcap on $1 stopped: $(cat "$NBT_TMP/$2.log")"
}

# busy_check: while one dumpcap captures net_ring0, a second one on the same
# port is refused (the queues are captured already) and the first one goes on
busy_check() {
	dumpcap_bg net_ring0 busy-a
	capture busy count dpdk-dumpcap --file-prefix="$NBT_PREFIX" -w /dev/null -i net_ring0 -c 10
	[ "$CAP_RC" != 0 ] || fail "a second dumpcap on a captured port was not refused"
	# 22.11: "Packet dump enable failed"; 24.11: "... enable on 0:net_ring0 failed"
	grep -Eq "Packet dump enable (on [^ ]+ )?failed" "$NBT_TMP/capbusy.log" ||
		fail "second dumpcap: $(cat "$NBT_TMP/capbusy.log")"
	kill -0 "$DC_PID" 2>/dev/null || fail "the first dumpcap stopped: $(cat "$NBT_TMP/busy-a.log")"
	kill -INT "$DC_PID"
	bg_wait "$DC_PID"
	[ "$BG_RC" = 0 ] || fail "first dumpcap: exit status $BG_RC: $(cat "$NBT_TMP/busy-a.log")"
	alive busy "two captures of one port"
}

# stale_check: a dumpcap killed with SIGKILL never disables its capture of
# net_ring1; the next dumpcap on that port ends it (its tool has gone) and
# captures
stale_check() {
	local c
	dumpcap_bg net_ring1 stale-a
	for c in $(ps -o pid= --ppid "$DC_PID" 2>/dev/null); do
		kill -KILL "$c"
	done
	bg_wait "$DC_PID"
	alive stale "a dumpcap killed with SIGKILL"
	capture stale count dpdk-dumpcap --file-prefix="$NBT_PREFIX" -w /dev/null -i net_ring1 -c 100
	[ "$CAP_RC" = 0 ] || fail "dumpcap after a SIGKILLed one: exit status $CAP_RC:" \
		"$(cat "$NBT_TMP/capstale.log")"
}

# stress LAYOUT FIRST COUNT KINDS: nbfwd with that pool layout, the captures,
# then nbfwd runs on and ends clean. DPDK's memory at a fixed address far
# from where libraries and heaps land (outside ASan's shadow too): a secondary
# maps it at the primary's addresses, and with a sanitized nbfwd the default
# place was sometimes taken in the tool, which then crashed in its start-up.
stress() {
	NBT_LIMIT=$((60 + 8 * $3)) start_nbfwd "$1" -l 0,1 --base-virtaddr 0x200000000000 \
		--vdev net_ring0 --vdev net_ring1 -- \
		--tx-first --pool-layout "$1"
	wait_log "forwarding:" 30
	nbfwd_pid=$NBT_PID
	run_captures "$2" "$3" "$4"
	if [ "$1" = heap ]; then
		busy_check
		stale_check
	fi
	# the last capture tool has gone; nbfwd forwards on
	sleep 1
	alive "$(($2 + $3))" "after the last capture"
	stop_nbfwd
	expect_ok "nbfwd ($1 layout) after $3 captures"
	expect_json mbufs_in_use_at_exit == 0 rx_packets '>' 0 capture.queues_enabled '>' 0
	# every capture enabled was disabled again (with its workers quiesced),
	# no request refused
	expect_json capture.queues_disabled == "$(json_get "$NBT_JSON" capture.queues_enabled)" \
		capture.refused.quiesce_timeout == 0 capture.refused.bad_request == 0 \
		capture.refused.busy == "$([ "$1" = heap ] && echo 1 || echo 0)" \
		capture.refused.not_enabled == 0 \
		capture.queues_stale == "$([ "$1" = heap ] && echo 2 || echo 0)"
	say "$1 layout: $(json_get "$NBT_JSON" capture.queues_enabled) queue captures enabled and disabled"
}

# dpdk-pdump looks mempools up by name, and so reads every mempool header:
# with the heap layout those live in the region, which a secondary does not
# map, so it crashes itself (not nbfwd); it runs against the extbuf layout
n_pdump=$((n / 5))
stress heap 0 $((n - n_pdump)) "0 1 2 3"
stress extbuf $((n - n_pdump)) "$n_pdump" "4 0 4 3 4 1 4 2"
say "ok: $n captures started and stopped under load (dpdk-dumpcap pcapng, pcap," \
	"filtered, two ports; $n_pdump of them dpdk-pdump); nbfwd ran on, exit 0, every mbuf back"
say PASS
