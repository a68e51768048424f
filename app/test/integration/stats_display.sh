#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# --stats-period output: plain lines when stdout is not a terminal, a table
# redrawn in place (ANSI cursor-up / clear-line) when it is (run under script(1)).
set -euo pipefail
NBT_NAME=stats-display
. "$(dirname "$0")/lib.sh"

need_hugepages 64
need_nbfwd
need_cmd script

NBT_APP_DEFAULTS=0 NBT_LIMIT=30 run_nbfwd plain --vdev net_null0 --vdev net_null1 -- \
	--time 3 --stats-period 1 --stats-json "$NBT_TMP/plain.json"
expect_ok "plain stats"
expect_log '^\[ *[0-9.]+s\] \| p0 rx [0-9.]+ tx [0-9.]+ Mpps drop 0 \| p1 rx' "plain stats line"
if grep -q $'\033\\[' "$NBT_LOG"; then
	fail "plain stats: escape sequences written to a non-terminal"
fi

new_prefix
tty_log=$NBT_TMP/tty.log
timeout -k 5 30 script -qfec "$NBFWD -l 0,1 --no-pci --file-prefix $NBT_PREFIX \
	--vdev net_null0 --vdev net_null1 -- --time 3 --stats-period 1" /dev/null \
	>"$tty_log" 2>&1 </dev/null || fail "nbfwd under script(1) failed: $(tail -n 3 "$tty_log")"
grep -q $'\033\\[2Kport  name' "$tty_log" || fail "terminal: no table header drawn"
grep -q $'\033\\[4A' "$tty_log" || fail "terminal: table not redrawn in place (no cursor-up by 4 lines)"
grep -qE $'\033\\[2K0 +net_null0 +[0-9.]+ +[0-9.]+ +0 ' "$tty_log" || fail "terminal: no row for port 0"
grep -q "mbufs in use at exit 0" "$tty_log" || fail "terminal run: mbufs not all back"
say "ok: plain lines off a terminal, in-place table on one"
say PASS
