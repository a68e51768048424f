# SPDX-License-Identifier: BSD-3-Clause
# app/test/build-dir.sh: a build directory of its own for a test runner
# (fuzz/run.sh, valgrind/run.sh; sourced, not run). Needs from the caller:
# $root (repository).

# setup_build PROG DIR CC OPTION: configure DIR with compiler CC and meson
# option OPTION (e.g. -Dfuzz=true) unless it is configured already; on
# failure print meson's log and exit 2. Messages start with "PROG: ".
setup_build() {
	local prog=$1 dir=$2 cc=$3 opt=$4

	[ -f "$dir/build.ninja" ] && return 0
	echo "$prog: configuring $dir ($cc, $opt)"
	CC=$cc meson setup "$dir" "$root" "$opt" >"$dir.setup.log" 2>&1 || {
		cat "$dir.setup.log" >&2
		exit 2
	}
	rm -f "$dir.setup.log"
}
