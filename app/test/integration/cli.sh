#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# nbfwd's command line and start-up errors: exit status and a message that
# names what was wrong. Every run still gets --no-pci and its own
# --file-prefix, in case a broken parser let EAL start.
set -euo pipefail
NBT_NAME=cli
. "$(dirname "$0")/lib.sh"

need_nbfwd

# cli_case WHAT STATUS PATTERN [EAL args] -- [nbfwd args]
#   nbfwd must exit with STATUS and print a line matching PATTERN (grep -E).
cli_case() {
	local what=$1 status=$2 pat=$3
	shift 3
	NBT_APP_DEFAULTS=0 NBT_LCORES=0 NBT_LIMIT=30 run_nbfwd "cli$NBT_SEQ" "$@"
	expect_rc "$what" "$status"
	expect_log "$pat" "$what"
	say "ok $what: exit $status, $(grep -E -m1 -- "$pat" "$NBT_LOG" | cut -c1-110)"
}

cli_case "--help" 0 "^Usage: .*nbfwd \[EAL options\] -- \[options\]" -- --help
cli_case "-h" 0 "^Usage: " -- -h
expect_log "--max-segments" "--help lists --max-segments"
cli_case "unknown option" 2 'unknown option.*--no-such-option' -- --no-such-option
cli_case "unexpected argument" 2 'unexpected argument.*stray' -- --mode io stray
cli_case "--mode bogus" 2 '--mode.*"bogus"' -- --mode bogus
cli_case "--mode without a value" 2 '"--mode" needs a value' -- --mode
cli_case "--burst 0" 2 '--burst.*"0"' -- --burst 0
cli_case "--burst 513" 2 '--burst.*"513"' -- --burst 513
cli_case "--max-segments 0" 2 '--max-segments.*"0"' -- --max-segments 0
cli_case "--time abc" 2 '--time.*"abc"' -- --time abc
cli_case "--max-segments 65" 2 '--max-segments.*"65"' -- --max-segments 65
cli_case "--pool-layout bogus" 2 '--pool-layout.*"bogus"' -- --pool-layout bogus
cli_case "-f twice" 2 '-f given twice' -- -f a.ini -f b.ini
cli_case "--stats-period missing value" 2 'needs a value' -- --stats-period
cli_case "-f missing file" 1 '/nonexistent/nbt-no-such\.ini' -- -f /nonexistent/nbt-no-such.ini
expect_log "^nbfwd: " "-f missing file: message starts with nbfwd:"

# Hugepage preflight: a region larger than the free hugepages is refused
# before EAL starts, with one sentence saying what is needed and what to run.
printf '[region huge]\npages = 65536\n' >"$NBT_TMP/huge.ini"
cli_case "too few hugepages" 1 'needs about [0-9]+ hugepages of 2048 kB.* are free: run scripts/setup-hugepages.sh' \
	--vdev net_null0 -- -f "$NBT_TMP/huge.ini"
expect_log "regions 65536" "too few hugepages: names the region pages"
if grep -q "EAL:" "$NBT_LOG"; then
	fail "too few hugepages: EAL started before the preflight refused"
fi

# A bad INI file: the error names file, line, section and key; EAL never starts.
printf '[nbfwd]\nburst = many\n' >"$NBT_TMP/bad.ini"
cli_case "bad INI value" 1 'bad\.ini:2: \[nbfwd\] burst: expected an integer' -- -f "$NBT_TMP/bad.ini"

# These run EAL: no vdev, no PCI -> nothing to forward; a port no lcore polls.
need_hugepages 64
cli_case "no ports" 1 'no ports' -- --time 1
printf '[port net_null0]\n[port net_null1]\n[lcore 1]\nrx = net_null0:0\n' >"$NBT_TMP/unpolled.ini"
cli_case "port nobody polls" 1 'port net_null1: no \[lcore N\] rx list polls it' \
	-l 0,1 --vdev net_null0 --vdev net_null1 -- -f "$NBT_TMP/unpolled.ini" --time 1
# --stats-json names a symlink (nbfwd often runs as root): the link is replaced
# by the document, the file it pointed to is left alone.
echo "not nbfwd's" >"$NBT_TMP/victim"
ln -s "$NBT_TMP/victim" "$NBT_TMP/stats.json"
cli_case "--stats-json over a symlink" 0 'mbufs in use at exit 0' \
	-l 0 --vdev net_null0 -- --time 1 --stats-json "$NBT_TMP/stats.json"
[ "$(cat "$NBT_TMP/victim")" = "not nbfwd's" ] ||
	fail "--stats-json wrote through a symlink into the file it names"
[ -f "$NBT_TMP/stats.json" ] && [ ! -L "$NBT_TMP/stats.json" ] ||
	fail "--stats-json: $NBT_TMP/stats.json is not a regular file"
json_get "$NBT_TMP/stats.json" rx_packets >/dev/null
[ -z "$(find "$NBT_TMP" -name 'stats.json.*')" ] || fail "--stats-json left its temporary file"
say PASS
