#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The lease under bursty traffic (issue 14, item 5). A consumer that takes
# every packet lent and returns none is detached after its stall_ms also
# when the packets for it come in bursts, with pauses between them longer
# than nbfwd's look at it (about every 100 ms) in which nothing is refused.
# (Found by app/test/soak/run.sh: 1 of 32 hoards, fed by its injector's bursts, was
# never detached.)
# Set-up as vmq_consumers.sh (vmq_lib.sh), c2 with stall_ms = 500:
# nbshm_txsend --hold as c2 while the mixed capture is sent in bursts 0.5 s
# apart. Checks: nbfwd detaches c2 (nbshm_txsend sees it go: exit 0), logs
# and counts it stalled, once, and takes back all it held; nothing lent at
# exit, every mbuf back.
set -euo pipefail
NBT_NAME=vmq-stall-burst
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vmq_lib.sh"

need_built TXSEND "$NBT_BUILD/app/test/tools/nbshm_txsend"
vmq_setup 400
echo "stall_ms = 500" >>"$VMQ_INI"	# c2's section is the last
vmq_start

bg_start 40 "$NBT_TMP/hold.out" "$TXSEND" -s "$VMQ_SOCK" -n c2 --hold -t 20
hold=$BG_PID
wait_attached c2 1
bursts=0
while kill -0 "$hold" 2>/dev/null && [ "$bursts" -lt 60 ]; do
	inject
	bursts=$((bursts + 1))
	sleep 0.5
done
bg_wait "$hold"
[ "$BG_RC" = 0 ] ||
	fail "c2 hoarding between bursts was not detached by nbfwd: $(tail -n 1 "$NBT_TMP/hold.out")"
held=$(tail -n 1 "$NBT_TMP/hold.out" | "$NBT_PY" -c 'import json, sys; print(json.load(sys.stdin)["held"])')
wait_log "consumer c2 stalled: returned nothing for 500 ms while holding its buffers" 5
wait_detached c2 1
say "ok c2 held $held packets, returned none, fed in bursts 0.5 s apart: detached after $bursts bursts"

stop_nbfwd
expect_ok "vmq stall under bursts"
expect_json consumers.1.name == c2 consumers.1.stalled == 1 consumers.1.attaches == 1 \
	consumers.1.lent_now == 0 consumers.1.returned == 0 consumers.1.reclaimed '>=' "$held"
d=$(json_get "$NBT_JSON" consumers.1.delivered)
k=$(json_get "$NBT_JSON" consumers.1.reclaimed)
expect_eq "c2: delivered = reclaimed" "$d" "$k"
say PASS
