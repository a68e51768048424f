#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A consumer's memory cannot fault or corrupt nbfwd, and detach revokes it
# (doc/channel.md, protocol version 3; doc/bad-input.md).
# Set-up as vmq_consumers.sh (vmq_lib.sh): nbfwd in vmq mode on net_af_packet,
# c1 received by nbcap, c2 taken by nbshm_hostile.
#   1. punch: nbshm_hostile --punch takes every free 2 MB hugepage into a file
#      of its own (removed at its exit, and by this script), then punches
#      holes in every page of both files it was given (fallocate
#      PUNCH_HOLE|KEEP_SIZE) and of both its mappings (madvise MADV_REMOVE),
#      and keeps punching its control file and taking the pages that frees,
#      while a round of traffic flows. Checks: every hole in the rx file is
#      refused; nbfwd survives: a fault in c2's control file is repaired by
#      its SIGBUS guard and c2 is detached and counted (faulted), or, when
#      nbfwd always found a page, its zeroed rings are refused like any forged
#      index; c1 gets every frame of two rounds byte for byte; c2's name
#      attaches again (nbcap) and gets the second round's frames for it; an
#      attach while the hugepages are still taken is refused (ENOMEM).
#   2. stale: nbshm_hostile --stale attaches as c1, takes and returns a round
#      of frames, detaches but keeps both mappings; nbcap attaches as c1 and
#      gets the next round. Checks: the stale mappings see nothing of it (rx
#      heads do not move, the rx area does not change) while the stale process
#      posts returns and tx chains in its old rings; nbcap gets every frame
#      byte for byte; nbfwd took no tx from c1 and refused nothing (the stale
#      rings reach nothing), every lent buffer came back, nothing reclaimed.
# Then nbfwd exits 0 with every mbuf back in its pool.
set -euo pipefail
NBT_NAME=vmq-hostile-mem
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vmq_lib.sh"

need_built HOSTILE "$NBT_BUILD/app/test/tools/nbshm_hostile"
vmq_setup 400
n_c1=$(json_get "$VMQ_FRAMES/counts.json" c1)
n_c2=$(json_get "$VMQ_FRAMES/counts.json" c2)
vmq_start

# 1. holes, with the free hugepages used up
hog=$NBT_HUGEDIR/nbt-hog-$$
reg_file "$hog"
cap c1 c1 "$((2 * n_c1))"; pid1=$CAP_PID
wait_attached c1 1
bg_start 60 "$NBT_TMP/punch.log" "$HOSTILE" -s "$VMQ_SOCK" -n c2 -t 3 --punch "$hog"
hpid=$BG_PID
wait_attached c2 1
inject
bg_wait "$hpid"
[ "$BG_RC" = 0 ] || fail "nbshm_hostile --punch exit status $BG_RC: $(cat "$NBT_TMP/punch.log")"
[ ! -e "$hog" ] || fail "the hugepage hog $hog was left behind"
grep -q "^refused holes in the rx file *: 0 of [0-9]* pages x 2 ways: " "$NBT_TMP/punch.log" ||
	fail "holes in the rx file were not all refused: $(cat "$NBT_TMP/punch.log")"
grep -q "^hog: took [0-9]* free hugepages" "$NBT_TMP/punch.log" || fail "no hugepage hog"
say "punch: $(grep -E '^(hog|refused holes|refused attach|ANSWERED|punched)' "$NBT_TMP/punch.log" | tr '\n' ';')"
kill -0 "$NBT_PID" 2>/dev/null || fail "nbfwd died: $(tail -n 5 "$NBT_LOG")"
wait_detached c2 1
# c2's name attaches again (new files over the repaired mapping) and works
cap c2 c2 "$n_c2"; pid2=$CAP_PID
wait_attached c2 2
inject
"$NBT_PY" - "$VMQ_FRAMES/expect-c1.pcap" "$NBT_TMP/c1-twice.pcap" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(data + data[24:])
PY
cap_done "$pid1" c1 "$NBT_TMP/c1-twice.pcap"
say "ok c1 while c2 punched holes: both rounds, $((2 * n_c1)) frames, byte for byte"
cap_done "$pid2" c2 "$VMQ_FRAMES/expect-c2.pcap"
say "ok c2 attached again after the attack: $n_c2 frames byte for byte"
faulted=0
grep -q "detached by nbfwd: yes" "$NBT_TMP/punch.log" && faulted=1
if grep -q "consumer c2 detaching (pid [0-9]*): its control file lost pages" "$NBT_LOG"; then
	[ "$faulted" = 1 ] || fail "nbfwd logged c2's fault but did not close its socket"
	grep -q "^refused attach, no hugepages *: consumer c2: no memory for a new attachment" \
		"$NBT_TMP/punch.log" ||
		fail "attaching c2 again with no free hugepage was not refused: $(cat "$NBT_TMP/punch.log")"
	expect_log "consumer c2: no fresh memory for an attach: " "nbfwd's reason for ENOMEM"
else
	faulted=0
	say "c2's control file never faulted nbfwd (a page was always free for the refault)"
fi

# 2. a stale attachment: its mappings outlive its socket
bg_start 60 "$NBT_TMP/stale.log" "$HOSTILE" -s "$VMQ_SOCK" -n c1 -t 8 --stale \
	--go "$NBT_TMP/stale.go"
spid=$BG_PID
wait_attached c1 2
inject
wait_detached c1 2
touch "$NBT_TMP/stale.go"	# nbfwd saw the hang-up: from now on it is stale
grep -q "^stale: got and returned $n_c1 frames" "$NBT_TMP/stale.log" ||
	fail "the stale consumer did not get the round: $(cat "$NBT_TMP/stale.log")"
cap c1 c1-new "$n_c1"; pid1=$CAP_PID
wait_attached c1 3
inject
cap_done "$pid1" c1-new "$VMQ_FRAMES/expect-c1.pcap"
say "ok c1's new attachment: $n_c1 frames byte for byte"
bg_wait "$spid"
say "stale: $(grep '^stale: rx heads' "$NBT_TMP/stale.log")"
[ "$BG_RC" = 0 ] || fail "the stale mappings saw the new attachment's frames: $(cat "$NBT_TMP/stale.log")"
grep -Eq "^stale: rx heads moved 0, rx area changed 0, returns posted [1-9][0-9]*, tx posted [1-9]" \
	"$NBT_TMP/stale.log" || fail "the stale consumer posted nothing: $(cat "$NBT_TMP/stale.log")"

stop_nbfwd
expect_ok "vmq run with a hole-punching and a stale consumer"
expect_json consumers.0.delivered == $((4 * n_c1)) consumers.0.returned == $((4 * n_c1)) \
	consumers.0.reclaimed == 0 consumers.0.tx_packets == 0 consumers.0.attaches == 3 \
	consumers.0.lent_now == 0 consumers.0.faulted == 0 \
	consumers.0.rejects.not_lent == 0 consumers.0.rejects.stale_generation == 0 \
	consumers.0.rejects.bad_handle == 0 consumers.0.rejects.index_jump == 0 \
	consumers.1.faulted == "$faulted" consumers.1.lent_now == 0 consumers.1.attaches == 2
d=$(json_get "$NBT_JSON" consumers.1.delivered)
r=$(json_get "$NBT_JSON" consumers.1.returned)
k=$(json_get "$NBT_JSON" consumers.1.reclaimed)
expect_eq "c2: delivered = returned + reclaimed" "$d" "$((r + k))"
say PASS
