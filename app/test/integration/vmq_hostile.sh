#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A hostile consumer cannot hurt nbfwd or the other consumers.
# (It also tries to truncate its two files, which would SIGBUS nbfwd: they are
# memfds whose size is sealed; and to map its rx file writable: sealed
# F_SEAL_FUTURE_WRITE.)
# Set-up as vmq_consumers.sh (vmq_lib.sh): nbfwd in vmq mode on net_af_packet,
# c1 attached with nbcap, c2 taken by nbshm_hostile, which first tries a dozen
# malformed handshakes, then attaches and, while two rounds of traffic flow,
# answers what it is lent with double returns, foreign handles, other
# generations, offsets out of bounds or off the buffer start, random
# descriptors, ring heads jumped far ahead, forged tx chains, and keeps some
# buffers. Then it exits without giving them back.
# Then c2's name attaches once more (its ring views start over: the counts of
# the hostile attachment must stay).
# Checks: every forged handshake refused; c1 gets every frame addressed to it,
# byte for byte, in both rounds; nbfwd counts the rejects by reason (also
# after c2's next attach), takes back what c2 kept, keeps running, exits 0
# with every mbuf back in its pool.
set -euo pipefail
NBT_NAME=vmq-hostile
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vmq_lib.sh"

need_built HOSTILE "$NBT_BUILD/app/test/tools/nbshm_hostile"
need_built ATTACH "$NBT_BUILD/app/test/tools/nbshm_attach"
vmq_setup 400
n_c1=$(json_get "$VMQ_FRAMES/counts.json" c1)
vmq_start

cap c1 c1 "$((2 * n_c1))"; pid1=$CAP_PID
wait_attached c1 1
bg_start 60 "$NBT_TMP/hostile.log" "$HOSTILE" -s "$VMQ_SOCK" -n c2 -t 6
hpid=$BG_PID
wait_attached c2 1
inject
inject
bg_wait "$hpid"
[ "$BG_RC" = 0 ] || fail "nbshm_hostile exit status $BG_RC: $(cat "$NBT_TMP/hostile.log")"
refused=$(grep -c '^refused ' "$NBT_TMP/hostile.log")
expect_eq "forged handshakes, truncation and a writable rx mapping refused" 15 "$refused"
grep -q "^refused previous version *: bad attach message: unsupported protocol version" \
	"$NBT_TMP/hostile.log" || fail "a version-2 ATTACH was not refused for its version"
grep -q "^refused truncate region *: Operation not permitted" "$NBT_TMP/hostile.log" ||
	fail "the hostile consumer's ftruncate was not refused with EPERM"
grep -q "^refused writable rx mapping *: Operation not permitted" "$NBT_TMP/hostile.log" ||
	fail "the hostile consumer's writable mapping of its rx file was not refused with EPERM"
wait_detached c2 1
say "hostile: $(grep '^sent:' "$NBT_TMP/hostile.log")"

# the good consumer saw both rounds, whole
bg_wait "$pid1"
[ "$BG_RC" = 0 ] || fail "nbcap c1 exit status $BG_RC: $(tail -n 5 "$NBT_TMP/c1.log")"
"$NBT_PY" - "$VMQ_FRAMES/expect-c1.pcap" "$NBT_TMP/c1-twice.pcap" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(data + data[24:])
PY
pcap_compare --mode io "$NBT_TMP/c1-twice.pcap" "$NBT_TMP/c1.pcap" >/dev/null
say "ok c1: both rounds, $((2 * n_c1)) frames, byte for byte"

# nbfwd still forwards for c1 after all that
cap c1 c1-after "$n_c1"; pid1=$CAP_PID
wait_attached c1 2
inject
cap_done "$pid1" c1-after "$VMQ_FRAMES/expect-c1.pcap"
say "ok c1 after the attack: $n_c1 frames"
# the next attachment of c2 (fresh rings) must not wipe what the hostile one did
out=$("$ATTACH" probe "$VMQ_SOCK" c2 || true)
expect_eq "c2 attaching again" attached "$out"
wait_detached c2 2

stop_nbfwd
expect_ok "vmq hostile run"
# its well-formed tx frames carry a forged source MAC (and no VLAN 42 tag):
# refused by the spoof check, their buffers given back
expect_json consumers.1.name == c2 consumers.1.lent_now == 0 \
	consumers.1.rejects.not_lent '>' 0 consumers.1.rejects.bad_handle '>' 0 \
	consumers.1.rejects.stale_generation '>' 0 consumers.1.rejects.out_of_bounds '>' 0 \
	consumers.1.rejects.misaligned '>' 0 consumers.1.rejects.index_jump '>' 0 \
	consumers.1.reclaimed '>' 0 consumers.1.drops.tx_spoofed '>' 0 \
	consumers.0.rejects.not_lent == 0 consumers.0.rejects.bad_handle == 0
expect_log "attach refused: bad attach message" "nbfwd's log of refused handshakes"
d=$(json_get "$NBT_JSON" consumers.1.delivered)
r=$(json_get "$NBT_JSON" consumers.1.returned)
k=$(json_get "$NBT_JSON" consumers.1.reclaimed)
expect_eq "c2: delivered = returned + reclaimed" "$d" "$((r + k))"
say "ok c2: delivered $d = returned $r + reclaimed $k;" \
	"rejects $(json_get "$NBT_JSON" consumers.1.rejects)"
say PASS
