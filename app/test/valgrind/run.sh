#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# app/test/valgrind/run.sh: the unit suite under Valgrind memcheck (not run in CI).
# See --help.

set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build=${NBSHM_VALGRIND_BUILD:-$root/build-valgrind}
# shellcheck source=../build-dir.sh
. "$root/app/test/build-dir.sh"
supp=$root/app/test/valgrind/valgrind.supp
all=0

usage() {
	cat <<EOF
Usage: app/test/valgrind/run.sh [-b BUILD_DIR] [-a] [test...]

Runs the unit tests (meson suite 'unit': the cmocka tests and the fuzz
replays) under Valgrind memcheck, one at a time:

  valgrind --error-exitcode=1 --leak-check=full --track-origins=yes
           --suppressions=app/test/valgrind/valgrind.supp

A test fails on any memcheck error: a read of uninitialised memory (which the
ASan/UBSan tree of .ci/run does not see), an invalid read or write, a bad
free, or a leak (definite or possible). BUILD_DIR is configured with gcc and
-Dtests=true when it is not a Meson build directory yet, and built.

By default every unit test but 'client' runs: its SIGBUS tests truncate a
region under the client, whose SIGBUS handler maps zeros over it and returns;
Valgrind 3.19 cannot deliver that second SIGBUS ("Can't extend stack ...
during signal delivery") and kills the test. -a runs it too (it then fails
there, and only there). The suppressions (valgrind.supp, next to this script) are for
what is not a bug of this project; each says why.

Options:
  -b DIR       build directory (default \$NBSHM_VALGRIND_BUILD or build-valgrind)
  -a           include the 'client' test
  -h, --help   this text
  test...      only these unit tests (meson test names)

Exit status: 0 when every test passed, 1 when one failed (the log: BUILD_DIR/
meson-logs/testlog-valgrind.txt), 2 on a usage or build error.
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	-b) [ $# -ge 2 ] || { echo "valgrind/run.sh: -b needs a value" >&2; exit 2; }
		build=$2; shift 2 ;;
	-a) all=1; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) echo "valgrind/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) break ;;
	esac
done

if ! command -v valgrind >/dev/null; then
	echo "valgrind/run.sh: valgrind not found: apt-get install valgrind" >&2
	exit 2
fi
setup_build valgrind/run.sh "$build" gcc -Dtests=true
ninja -C "$build" >"$build/valgrind-build.log" 2>&1 || {
	tail -40 "$build/valgrind-build.log" >&2
	echo "valgrind/run.sh: build failed (log: $build/valgrind-build.log)" >&2
	exit 2
}

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	mapfile -t tests < <(meson test -C "$build" --suite unit --list 2>/dev/null |
		sed -n 's|^nbshm:unit / ||p; s|^nbshm / ||p' | sort -u)
	if [ "$all" -eq 0 ]; then
		mapfile -t tests < <(printf '%s\n' "${tests[@]}" | grep -vx client)
	fi
fi
if [ ${#tests[@]} -eq 0 ]; then
	echo "valgrind/run.sh: no unit tests in $build" >&2
	exit 2
fi

wrap="valgrind --error-exitcode=1 --leak-check=full --track-origins=yes"
wrap="$wrap --suppressions=$supp"
echo "valgrind/run.sh: ${#tests[@]} tests under memcheck: ${tests[*]}"
meson test -C "$build" --suite unit --num-processes 1 --timeout-multiplier 5 \
	--wrap="$wrap" "${tests[@]}"
rc=$?
[ $rc -eq 0 ] || echo "valgrind/run.sh: failed; log: $build/meson-logs/testlog-valgrind.txt" >&2
[ $rc -eq 0 ] && exit 0
exit 1
