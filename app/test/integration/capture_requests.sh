#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# nbfwd's capture server against requests written from doc/capture.md alone
# (app/test/tools/pdump_hostile.c, a secondary process): wrong size, version,
# operation, flags, no ring, a device name without NUL, unknown device, queue
# out of range, a BPF program of the wrong type or that does not load, a
# disable of nothing; then an honest capture, a second enable of it, its
# disable, a second disable. Each reply is the documented one, each refusal
# is counted under its reason, and the honest capture got packets; the tool
# frees its ring and pool right after the disable is acknowledged.
set -euo pipefail
NBT_NAME=capture-requests
. "$(dirname "$0")/lib.sh"

need_hugepages 96
need_nbfwd
need_built PDUMP_HOSTILE "$NBT_BUILD/app/test/tools/pdump_hostile"

# DPDK's memory at a fixed address the secondary can map too (capture_stress.sh)
NBT_LIMIT=60 start_nbfwd req --base-virtaddr 0x200000000000 --vdev net_ring0 --vdev net_ring1 \
	-- --tx-first
wait_log "forwarding:" 30
rc=0
# built with the tree's sanitizers: the secondary's EAL (bus_vdev) leaks at
# exit, which is DPDK's, not what this test checks
ASAN_OPTIONS=detect_leaks=0:${ASAN_OPTIONS:-} timeout -k 5 40 "$PDUMP_HOSTILE" --proc-type=secondary --no-pci --file-prefix "$NBT_PREFIX" \
	-l 0 --log-level=lib.eal:error -- net_ring0 >"$NBT_TMP/hostile.log" 2>&1 || rc=$?
cat "$NBT_TMP/hostile.log"
[ $rc = 0 ] || fail "pdump_hostile: exit status $rc (a reply not as documented, above)"
kill -0 "$NBT_PID" 2>/dev/null || { wait_nbfwd; fail "nbfwd died: exit status $NBT_RC"; }
stop_nbfwd
expect_ok "nbfwd after hostile capture requests"
expect_json mbufs_in_use_at_exit == 0 capture.requests == 16 \
	capture.queues_enabled == 2 capture.queues_disabled == 2 \
	capture.refused.bad_request == 6 capture.refused.no_port == 3 \
	capture.refused.filter == 2 capture.refused.not_enabled == 2 \
	capture.refused.busy == 1 capture.refused.callback == 0 \
	capture.refused.quiesce_timeout == 0
expect_log "capture: enable request for \"net_nosuch9\" refused \\(no_port\\)"
say "ok: 16 bad or repeated requests refused with the documented errors and counted" \
	"by reason, the honest capture got packets; nbfwd exit 0, every mbuf back"
say PASS
