#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up a fresh Debian 12 machine, build, run every test suite, and print
# "N passed, N failed" (from meson's testlog.json) as the last line.
#   scripts/run-tests.sh [meson test options...]
# NBSHM_BUILD: build directory (default build); NBSHM_SUMMARY_LABEL: text put
# before the summary line (.ci/run uses it, its own last line sums two trees).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${NBSHM_BUILD:-$root/build}
"$root/scripts/setup.sh" "$build" || { echo "0 passed, 1 failed"; exit 1; }

meson test -C "$build" --print-errorlogs --num-processes 1 "$@"
status=$?
"$root/scripts/count-tests.py" ${NBSHM_SUMMARY_LABEL:+--label "$NBSHM_SUMMARY_LABEL"} \
	"$build/meson-logs/testlog.json"
summary=$?
[ $status -eq 0 ] && [ $summary -eq 0 ]
