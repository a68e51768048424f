#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Fault injection: a consumer's region file removed or truncated under it.
#   1. truncated: the file shrinks to 0 bytes while nbcap has it mapped. The
#      producer here is fake_nbfwd.py (the handshake and rings of
#      doc/channel.md over a memfd it never maps), because truncating a region
#      of the real nbfwd kills nbfwd too (it maps the same file: SIGBUS in
#      its worker; see doc/bad-input.md). nbcap's next access faults; the
#      client library's SIGBUS handler maps zeros over the region and every
#      call returns -EIO: nbcap exits 1 with one line naming the region and
#      the fault, after writing the frames it had received, byte for byte.
#   2. the real nbfwd (vmq, vmq_lib.sh set-up): a consumer's region is an
#      unnamed hugetlbfs file (memfd) with its size sealed, so there is no
#      file to remove, and truncating it through nbfwd's own descriptor
#      (/proc/PID/fd/N, as a consumer could with the fd it was given) is
#      refused while c1 and c2 receive: both get every frame of two rounds,
#      c1 attaches again and gets a third; nbfwd exits 0 with every mbuf back.
set -euo pipefail
NBT_NAME=fault-region
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vmq_lib.sh"

[ -x "$NBCAP" ] || fail "nbcap is not built: $NBCAP"

# 1. truncated under the consumer
"$NBT_PY" "$NBT_TOOLS/pcap_synth.py" "$NBT_TMP/five.pcap" 60 100 1514 64 2000 ||
	fail "pcap_synth.py"
fsock=$NBT_TMP/fake.sock
bg_start 30 "$NBT_TMP/fake.log" "$NBT_PY" "$NBT_TOOLS/fake_nbfwd.py" "$fsock" c1 \
	"$NBT_TMP/five.pcap" --truncate --timeout 20
fake=$BG_PID
for ((t = 0; t < 50; t++)); do
	[ -S "$fsock" ] && break
	sleep 0.1
done
[ -S "$fsock" ] || fail "fake_nbfwd.py did not listen: $(cat "$NBT_TMP/fake.log")"
rc=0
timeout 30 "$NBCAP" -s "$fsock" -n c1 -w "$NBT_TMP/trunc.pcap" -t 20 \
	>"$NBT_TMP/trunc.log" 2>&1 || rc=$?
bg_wait "$fake"
[ "$BG_RC" = 0 ] || fail "fake_nbfwd.py exit status $BG_RC: $(cat "$NBT_TMP/fake.log")"
grep -qx "truncated" "$NBT_TMP/fake.log" || fail "the region was not truncated"
expect_eq "nbcap exit status after the truncation" 1 "$rc"
msg=$(grep "shrank" "$NBT_TMP/trunc.log" || true)
[ -n "$msg" ] || fail "nbcap said nothing about the region: $(cat "$NBT_TMP/trunc.log")"
case "$msg" in
"nbcap: region fake.c.c1 shrank under this client (SIGBUS at offset 0x"*"its file was truncated"*) ;;
*) fail "nbcap's message does not name the region and the fault: $msg" ;;
esac
pcap_compare --mode io "$NBT_TMP/five.pcap" "$NBT_TMP/trunc.pcap" >/dev/null
say "ok truncated: nbcap exit 1: ${msg#nbcap: }"

# 2. the real nbfwd: a sealed memfd nobody can truncate
vmq_setup 400
n_c1=$(json_get "$VMQ_FRAMES/counts.json" c1)
n_c2=$(json_get "$VMQ_FRAMES/counts.json" c2)
vmq_start
[ ! -e "$NBT_HUGEDIR/nbshm-$NBT_PREFIX.c.c1" ] ||
	fail "c1's region is a named file in $NBT_HUGEDIR: it should be a memfd"
nbfwd_pid=$(pgrep -P "$NBT_PID" -x nbfwd) || fail "nbfwd's pid not found under $NBT_PID"
region=
for f in /proc/"$nbfwd_pid"/fd/*; do
	case "$(readlink "$f")" in */memfd:nbshm-$NBT_PREFIX.c.c1*) region=$f ;; esac
done
[ -n "$region" ] || fail "no memfd for c1's region among nbfwd's descriptors"
cap c1 c1 $((2 * n_c1)); pid1=$CAP_PID
cap c2 c2 $((2 * n_c2)); pid2=$CAP_PID
wait_attached c1 1
wait_attached c2 1
inject
if truncate -s 0 "$region" 2>"$NBT_TMP/truncate.err"; then
	fail "truncating c1's region through $region was allowed"
fi
grep -q "Operation not permitted" "$NBT_TMP/truncate.err" ||
	fail "truncate failed for another reason: $(cat "$NBT_TMP/truncate.err")"
if truncate -s 1G "$region" 2>/dev/null; then
	fail "growing c1's region through $region was allowed"
fi
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
