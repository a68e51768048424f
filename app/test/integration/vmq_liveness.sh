#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A consumer's attachment ends when the process that attached exits, even if
# a child inherited its socket (issue 14, item 4: liveness by the peer's
# pidfd as well as by the socket). nbfwd in vmq mode on net_pcap0 (c1's
# frames in a loop). nbshm_attach attaches c1 and forks: the child keeps the
# socket and the mapping and sleeps, the parent exits at once. Checks: nbfwd
# detaches c1 ("the process that attached exited") and takes back what was
# lent to it while the child still holds the socket; another consumer
# attaches as c1 and receives; the exit JSON counts the detach.
set -euo pipefail
NBT_NAME=vmq-liveness
. "$(dirname "$0")/lib.sh"

nbt_c1_setup
need_built ATTACH "$NBT_BUILD/app/test/tools/nbshm_attach"
nbt_c1_start live "$NBT_C1_FRAMES/in.pcap" net_null0 net_pcap0

out=$("$ATTACH" fork "$NBT_C1_SOCK" c1 30) || fail "nbshm_attach fork: $out"
child=${out#child }
[[ $child =~ ^[0-9]+$ ]] || fail "nbshm_attach fork said: $out"
NBT_PIDS+=("$child")	# killed at exit if still there
wait_log "consumer c1 detaching \(pid [0-9]+\): the process that attached exited" 10
wait_log "consumer c1 detached" 10
kill -0 "$child" 2>/dev/null || fail "the child holding c1's socket is gone: nothing was shown"
say "ok: parent gone, child $child still holds the socket: c1 detached"

nbt_c1_nbecho echo -c 100
bg_wait "$NBT_C1_ECHO_PID"
[ "$BG_RC" = 0 ] || fail "nbecho as the next c1: exit status $BG_RC: $(cat "$NBT_TMP/echo.log")"
grep -q "^nbecho: 100 packets" "$NBT_TMP/echo.log" ||
	fail "the next c1 did not get 100 packets: $(cat "$NBT_TMP/echo.log")"
say "ok: the next consumer attached as c1 and received 100 packets"
kill -TERM "$child"

stop_nbfwd
expect_ok "vmq liveness run"
expect_json attach.detached_exited == 1 attach.attached == 2 consumers.0.attaches == 2 \
	consumers.0.reclaimed '>' 0 consumers.0.lent_now == 0
say "ok counters: reclaimed $(json_get "$NBT_JSON" consumers.0.reclaimed)," \
	"$(json_get "$NBT_JSON" attach)"
say PASS
