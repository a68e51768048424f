#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Attach cannot be jammed (issue 14, item 7). nbfwd in vmq mode on net_pcap0
# (c1's frames in a loop), one worker; consumers c1 (root), c2 (uid = nobody),
# c3 (root).
#  1. 64 idle connections held by nobody, then by root (the honest consumer's
#     own uid): an honest nbcap attaches c1 within 1 s both times (measured by
#     nbcap itself: connect to mapped region), and gets its packets; every idle
#     connection is closed by nbfwd (displaced by newer ones of its uid, or at
#     the 1 s handshake deadline) and counted.
#  2. A worker stuck (its thread stopped with ptrace for 4 s) while c1
#     detaches: the ack times out, is counted and waited for again, and
#     meanwhile c3 attaches (the control thread does not wait); once the
#     worker runs again, c1's detach completes. A second c1 is refused while
#     c1 is attached, and while its detach waits (EBUSY, no pid).
set -euo pipefail
NBT_NAME=vmq-jam
. "$(dirname "$0")/lib.sh"

need_root "setpriv, ptrace"
need_cmd setpriv pgrep
nbt_c1_setup
NBCAP=$NBT_BUILD/app/nbcap/nbcap
need_built ATTACH "$NBT_BUILD/app/test/tools/nbshm_attach"
if ! getent passwd nobody >/dev/null || ! getent group nogroup >/dev/null; then
	skip "needs the user nobody and the group nogroup"
fi

# nobody runs the system's python (NBSHM_PYTHON may live in root's home)
SYS_PY=$(command -v /usr/bin/python3 || true)
[ -n "$SYS_PY" ] || skip "needs /usr/bin/python3 for a process of uid nobody"
nbt_c3_start jam "" "uid = nobody" ""
sock=$NBT_C3_SOCK
mkdir -m 0777 "$NBT_TMP/w"	# where nobody writes

# wait_file FILE SECONDS WHAT
wait_file() {
	local t
	for ((t = 0; t < $2 * 10; t++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	fail "$3 within $2 s"
}

# jam TAG [setpriv args]: 64 idle connections, an honest nbcap for c1 meanwhile
jam() {
	local tag=$1 idle took
	shift
	bg_start 30 "$NBT_TMP/idle-$tag.log" "$@" "$SYS_PY" "$NBT_TOOLS/attach_idle.py" "$sock" 64 10 \
		--ready "$NBT_TMP/w/ready-$tag"
	idle=$BG_PID
	wait_file "$NBT_TMP/w/ready-$tag" 10 "64 idle connections ($tag) not open"
	timeout -k 5 30 "$NBCAP" -s "$sock" -n c1 -w "$NBT_TMP/c1-$tag.pcap" -c 50 -t 20 \
		>"$NBT_TMP/cap-$tag.log" 2>&1 ||
		fail "honest nbcap with 64 idle connections of $tag held: $(cat "$NBT_TMP/cap-$tag.log")"
	took=$(sed -nE 's/^nbcap: attached c1 queue 0 in ([0-9.]+) s:.*/\1/p' "$NBT_TMP/cap-$tag.log")
	[ -n "$took" ] || fail "no attach time in nbcap's log: $(cat "$NBT_TMP/cap-$tag.log")"
	"$NBT_PY" -c "import sys; sys.exit(0 if float(sys.argv[1]) < 1.0 else 1)" "$took" ||
		fail "honest attach took $took s with 64 idle connections of $tag held (must be < 1 s)"
	grep -q "^nbcap: 50 packets" "$NBT_TMP/cap-$tag.log" ||
		fail "honest nbcap did not get its 50 packets: $(cat "$NBT_TMP/cap-$tag.log")"
	bg_wait "$idle"
	[ "$BG_RC" = 0 ] || fail "attach_idle.py ($tag): $(cat "$NBT_TMP/idle-$tag.log")"
	"$NBT_PY" - "$NBT_TMP/idle-$tag.log" <<'PY' || fail "idle connections ($tag): $(cat "$NBT_TMP/idle-$tag.log")"
import json, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
# every one closed by nbfwd, each after an ERROR: EAGAIN (displaced) or ETIMEDOUT
ok = d["connected"] == 64 and d["closed"] == 64 and \
	sum(d["codes"].values()) == 64 and set(d["codes"]) <= {"11", "110"}
sys.exit(0 if ok else 1)
PY
	say "ok $tag holding 64 idle connections: honest nbcap attached in $took s;" \
		"nbfwd closed them all: $(tail -n 1 "$NBT_TMP/idle-$tag.log")"
}

jam nobody setpriv --reuid=nobody --regid=nogroup --clear-groups
jam root
# 128 refusals in about two seconds: the log keeps 32 a second and says the rest
wait_log "attach: [0-9]+ more refusal\(s\) not logged \(see /nbfwd/attach\)" 5
n=$(grep -c "attach refused" "$NBT_LOG")
[ "$n" -lt 128 ] || fail "every one of the 128 refusals was logged ($n lines)"
say "ok log: $n refusal lines of 128, the rest summed up"

# 2. a worker stuck while c1 detaches
bg_start 60 "$NBT_TMP/c1-stall.log" "$NBCAP" -s "$sock" -n c1 -w "$NBT_TMP/c1-stall.pcap" -t 50
cap_pid=$BG_PID
for _ in $(seq 100); do
	[ "$(grep -c "consumer c1 attached" "$NBT_LOG")" -ge 3 ] && break
	sleep 0.1
done
[ "$(grep -c "consumer c1 attached" "$NBT_LOG")" -ge 3 ] || fail "c1 did not attach a third time"
out=$("$ATTACH" probe "$sock" c1 || true)
expect_eq "a second c1" "refused 16: nbfwd refused c1 queue 0: consumer c1 is attached already" "$out"
nbfwd_pid=$(pgrep -P "$NBT_PID" -x nbfwd) || fail "nbfwd's pid not found under $NBT_PID"
bg_start 30 "$NBT_TMP/stall.log" "$NBT_PY" "$NBT_TOOLS/thread_stall.py" "$nbfwd_pid" \
	"rte-worker-1|dpdk-worker1" 4 "$NBT_TMP/stopped" "$NBT_TMP/resumed"
stall=$BG_PID
wait_file "$NBT_TMP/stopped" 10 "worker thread not stopped: $(cat "$NBT_TMP/stall.log")"
kill -TERM "$(pgrep -P "$cap_pid" -x nbcap)" || fail "nbcap c1 was not running"
bg_wait "$cap_pid"
wait_log "consumer c1: 0 of 1 workers acknowledged its detach within [0-9]+ ms; waiting again" 10
out=$("$ATTACH" probe "$sock" c3 || true)
[ ! -e "$NBT_TMP/resumed" ] || fail "c3's attach was answered only after the worker ran again"
expect_eq "c3 attaching while c1's detach waits for a stuck worker" attached "$out"
out=$("$ATTACH" probe "$sock" c1 || true)
expect_eq "c1 while its detach waits" \
	"refused 16: nbfwd refused c1 queue 0: consumer c1 is being detached: try again" "$out"
bg_wait "$stall"
[ "$BG_RC" = 0 ] || fail "thread_stall.py: $(cat "$NBT_TMP/stall.log")"
wait_log "consumer c1 detached" 10
wait_log "consumer c3 detached" 10
say "ok stuck worker: c1's detach ack timed out and was waited for again; c3 attached meanwhile"

stop_nbfwd
expect_ok "vmq jam run"
d=$(json_get "$NBT_JSON" attach.refused.displaced)
t=$(json_get "$NBT_JSON" attach.refused.timeout)
expect_eq "idle connections refused (displaced + timeout)" 128 "$((d + t))"
expect_json attach.refused.too_many == 0 attach.ack_timeouts '>=' 1 attach.refused.busy == 2 \
	attach.attached == 4 consumers.2.attaches == 1
say "ok counters: $(json_get "$NBT_JSON" attach)"
say PASS
