#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# nbfwd's registered log types: --log-level=nbfwd.region:debug shows the
# region lines, the default level does not; nbfwd.* types are all registered.
set -euo pipefail
NBT_NAME=log-types
. "$(dirname "$0")/lib.sh"

need_hugepages 64
need_nbfwd

NBT_LIMIT=30 run_nbfwd default --vdev net_null0 -- --time 1
expect_ok "default log level"
if grep -q "nbfwd: region .*pages on node" "$NBT_LOG"; then
	fail "region lines shown at the default log level"
fi

NBT_LIMIT=30 run_nbfwd debug --log-level=nbfwd.region:debug --vdev net_null0 -- --time 1
expect_ok "--log-level=nbfwd.region:debug"
expect_log "nbfwd: region .*pages on node" "region lines at nbfwd.region:debug"
expect_log "nbfwd: pool nbfwd_p0: .* in region" "pool line at nbfwd.region:debug"
expect_log "nbfwd: region .*unregistered, file .* removed" "teardown line at nbfwd.region:debug"

NBT_LIMIT=30 run_nbfwd quiet --log-level=nbfwd.*:error --vdev net_null0 -- --time 1
expect_ok "--log-level=nbfwd.*:error"
if grep -q "nbfwd: port 0 (" "$NBT_LOG"; then
	fail "nbfwd.app info lines shown at nbfwd.*:error"
fi
say "ok: nbfwd.region debug lines only when asked; nbfwd.* glob silences info"
say PASS
