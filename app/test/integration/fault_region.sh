#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Fault injection: a consumer's region files, from either side.
#   1. handed out unsealed: the producer here is fake_nbfwd.py (the handshake
#      and rings of doc/channel.md, protocol version 3, over memfds). With
#      both files sealed as the protocol says, nbcap gets five frames byte for
#      byte and returns them; with an rx file not sealed F_SEAL_FUTURE_WRITE
#      (someone else could write or punch it under the consumer), nbcap
#      refuses the attach: exit 1, one line naming the file and the seals.
#   2. the real nbfwd (vmq, vmq_lib.sh set-up): a consumer's region is two
#      unnamed hugetlbfs files (memfds, control and rx) with their sizes
#      sealed, so there is no file to remove, and truncating them through
#      nbfwd's own descriptors (/proc/PID/fd/N, as a consumer could with the
#      fds it was given) is refused while c1 and c2 receive: both get every
#      frame of two rounds, c1 attaches again and gets a third; nbfwd exits 0
#      with every mbuf back.
set -euo pipefail
NBT_NAME=fault-region
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vmq_lib.sh"

need_built NBCAP "$NBCAP"

# 1. sealed as the protocol says, then not
"$NBT_PY" "$NBT_TOOLS/pcap_synth.py" "$NBT_TMP/five.pcap" 60 100 1514 64 2000 ||
	fail "pcap_synth.py"
# fake_run TAG [ARGS]: fake_nbfwd.py and nbcap on it; sets FAKE_RC (nbcap's status)
fake_run() {
	local fsock=$NBT_TMP/fake-$1.sock tag=$1 fake t
	shift
	bg_start 30 "$NBT_TMP/fake-$tag.log" "$NBT_PY" "$NBT_TOOLS/fake_nbfwd.py" "$fsock" c1 \
		"$NBT_TMP/five.pcap" --timeout 20 "$@"
	fake=$BG_PID
	for ((t = 0; t < 50; t++)); do
		[ -S "$fsock" ] && break
		sleep 0.1
	done
	[ -S "$fsock" ] || fail "fake_nbfwd.py did not listen: $(cat "$NBT_TMP/fake-$tag.log")"
	FAKE_RC=0
	timeout 30 "$NBCAP" -s "$fsock" -n c1 -w "$NBT_TMP/$tag.pcap" -c 5 -t 20 \
		>"$NBT_TMP/$tag.log" 2>&1 || FAKE_RC=$?
	bg_wait "$fake"
	[ "$BG_RC" = 0 ] || fail "fake_nbfwd.py exit status $BG_RC: $(cat "$NBT_TMP/fake-$tag.log")"
}
fake_run sealed
expect_eq "nbcap exit status with sealed files" 0 "$FAKE_RC"
grep -qx "returned 5" "$NBT_TMP/fake-sealed.log" || fail "nbcap did not return the 5 frames"
pcap_compare --mode io "$NBT_TMP/five.pcap" "$NBT_TMP/sealed.pcap" >/dev/null
say "ok sealed: 5 frames byte for byte, all returned"
fake_run unsealed --unsealed
expect_eq "nbcap exit status with an unsealed rx file" 1 "$FAKE_RC"
grep -q "rx file nbfwd sent is not sealed F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_FUTURE_WRITE" \
	"$NBT_TMP/unsealed.log" || fail "nbcap's refusal does not name the seals: $(cat "$NBT_TMP/unsealed.log")"
grep -qx "returned 5" "$NBT_TMP/fake-unsealed.log" && fail "nbcap took frames from an unsealed rx file"
say "ok unsealed: nbcap refused: $(grep -o 'rx file.*' "$NBT_TMP/unsealed.log" | head -n 1)"

# 2. the real nbfwd: a sealed memfd nobody can truncate
vmq_setup 400
n_c1=$(json_get "$VMQ_FRAMES/counts.json" c1)
n_c2=$(json_get "$VMQ_FRAMES/counts.json" c2)
vmq_start
[ ! -e "$NBT_HUGEDIR/nbshm-$NBT_PREFIX.c.c1" ] ||
	fail "c1's region is a named file in $NBT_HUGEDIR: it should be a memfd"
nbfwd_pid=$(pgrep -P "$NBT_PID" -x nbfwd) || fail "nbfwd's pid not found under $NBT_PID"
regions=()
for f in /proc/"$nbfwd_pid"/fd/*; do
	case "$(readlink "$f")" in */memfd:nbshm-$NBT_PREFIX.c.c1.*) regions+=("$f") ;; esac
done
expect_eq "memfds of c1's region among nbfwd's descriptors (control, rx)" 2 "${#regions[@]}"
cap c1 c1 $((2 * n_c1)); pid1=$CAP_PID
cap c2 c2 $((2 * n_c2)); pid2=$CAP_PID
wait_attached c1 1
wait_attached c2 1
inject
for region in "${regions[@]}"; do
	if truncate -s 0 "$region" 2>"$NBT_TMP/truncate.err"; then
		fail "truncating c1's region through $region was allowed"
	fi
	grep -q "Operation not permitted" "$NBT_TMP/truncate.err" ||
		fail "truncate failed for another reason: $(cat "$NBT_TMP/truncate.err")"
	if truncate -s 1G "$region" 2>/dev/null; then
		fail "growing c1's region through $region was allowed"
	fi
done
inject
"$NBT_PY" - "$VMQ_FRAMES" "$NBT_TMP" <<'PY'
import sys
for c in ("c1", "c2"):
	data = open("%s/expect-%s.pcap" % (sys.argv[1], c), "rb").read()
	open("%s/twice-%s.pcap" % (sys.argv[2], c), "wb").write(data + data[24:])
PY
cap_done "$pid1" c1 "$NBT_TMP/twice-c1.pcap"
cap_done "$pid2" c2 "$NBT_TMP/twice-c2.pcap"
say "ok sealed: truncate refused (EPERM); c1 and c2 got both rounds ($((2 * n_c1)), $((2 * n_c2)) frames), byte for byte"
cap c1 c1-again "$n_c1"; pid1=$CAP_PID
wait_attached c1 2
inject
cap_done "$pid1" c1-again "$VMQ_FRAMES/expect-c1.pcap"
say "ok c1 attached again and got $n_c1 frames"
stop_nbfwd
expect_ok "vmq run with c1's region truncated from outside"
expect_json consumers.0.delivered == $((3 * n_c1)) consumers.0.returned == $((3 * n_c1)) \
	consumers.0.attaches == 2 consumers.1.delivered == $((2 * n_c2)) \
	consumers.1.drops.detached == "$n_c2" \
	consumers.0.lent_now == 0 consumers.1.lent_now == 0
expect_zero_drops filtered consumer
say PASS
