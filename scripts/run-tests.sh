#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up a fresh Debian 12 machine, build, run every test suite, and print
# "N passed, N failed" (from meson's testlog.json) as the last line.
#   scripts/run-tests.sh [meson test options...]
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${NBSHM_BUILD:-$root/build}
"$root/scripts/setup.sh" "$build" || { echo "0 passed, 1 failed"; exit 1; }

meson test -C "$build" --print-errorlogs --num-processes 1 "$@"
status=$?
python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = 0
try:
	with open(sys.argv[1]) as f:
		for line in f:
			line = line.strip()
			if not line:
				continue
			r = json.loads(line)
			if r.get("result") in ("OK", "EXPECTEDFAIL"):
				passed += 1
			else:
				failed += 1
				print("failed: %s (%s)" % (r.get("name"), r.get("result")))
except OSError as e:
	print("no test log: %s" % e)
	failed += 1
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
summary=$?
[ $status -eq 0 ] && [ $summary -eq 0 ]
