#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A consumer's tx flood costs another consumer of the same worker no frame
# (issue 14, item 8): bench/run-consumer-txflood --quick --check. One worker
# serves a victim consumer fed 8000 frames by the kernel over net_af_packet
# (its ring overflows if the worker polls too seldom; [nbfwd] burst = 8) and
# four consumers flooding their tx rings, twice: on net_null1 (MTU 1500) with
# 16384- and 1514-byte frames (the longest the channel takes, the longest the
# port sends), then on net_ring0 (MTU 9000) with 9014-byte frames, all of
# which may go out. Asserted on counts: every frame sent reaches the port and
# is delivered to the victim while the others flood (nbfwd refuses frames
# past the port's MTU before copying them, and copies at most 64 KiB of
# consumer tx per poll).
set -euo pipefail
NBT_NAME=vmq-txflood
. "$(dirname "$0")/lib.sh"

need_root "network namespaces"
need_hugepages 160
need_nbfwd
for port in null ring; do
	rc=0
	timeout -k 5 150 bash "$NBT_SRC/bench/run-consumer-txflood" --quick --check \
		--flood-port $port --build "$NBT_BUILD" >"$NBT_TMP/bench-$port.log" 2>&1 \
		</dev/null || rc=$?
	cat "$NBT_TMP/bench-$port.log"
	[ $rc -eq 0 ] || fail "bench/run-consumer-txflood --quick --check --flood-port $port exited $rc"
	grep -qE '^flood +8000 +8000 +0 +8000 ' "$NBT_TMP/bench-$port.log" ||
		fail "no flood line with 8000 sent, received and delivered (above)"
	say "ok flooders on net_$port: the victim got all 8000 frames"
done
say PASS
