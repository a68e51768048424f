#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# app/test/fuzz/run.sh: build the libFuzzer targets (app/test/fuzz) with clang and run
# each one for a given time, then print a table of execs, execs/s, coverage and
# findings. See --help.

set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build=${NBSHM_FUZZ_BUILD:-$root/build-fuzz}
# shellcheck source=../build-dir.sh
. "$root/app/test/build-dir.sh"
seconds=60
stop=0
fuzz_src=$root/app/test/fuzz

usage() {
	cat <<EOF
Usage: app/test/fuzz/run.sh [-t SECONDS_PER_TARGET] [-s] [-b BUILD_DIR] [target...]

Builds the fuzz targets with clang (CC=clang meson setup BUILD_DIR -Dfuzz=true,
only when BUILD_DIR is not configured for it yet; only the fuzz executables are
built), then runs each target, one after the other, for SECONDS_PER_TARGET
seconds (libFuzzer -max_total_time) and prints, per target: seconds run,
executions, executions per second, coverage (libFuzzer "cov": edges; "ft":
features), corpus size, and findings (crash-, leak-, timeout-, oom- files,
and how many kinds: distinct check or sanitizer messages, listed below the
table). By default a target keeps going after a finding (libFuzzer -fork=1
-ignore_crashes=1: one job process at a time), so every target runs its full
time; -s stops a target at its first finding instead (plain libFuzzer).

Targets (default: every one the build defines): $(cd "$fuzz_src" && ls fuzz_*.c 2>/dev/null | grep -v '^fuzz_replay' | sed 's/^fuzz_//; s/\.c$//' | tr '\n' ' ')
(chan_chain and chan_proto exist once lib/channel is built.)

Options:
  -t SECONDS   seconds per target (default $seconds)
  -s           stop each target at its first finding
  -b DIR       build directory (default \$NBSHM_FUZZ_BUILD or build-fuzz)
  -h, --help   this text

Files, under BUILD_DIR/fuzz/:
  corpus/TARGET/     the working corpus: grows run after run; the seeds in
                     app/test/fuzz/corpus/TARGET are read each time, never written
  findings/TARGET/   what libFuzzer wrote when a target failed (one file each)
  logs/TARGET.log    libFuzzer's output of the last run
A finding is kept as a regression test by copying its file to
app/test/fuzz/regressions/TARGET/ (replayed by the unit test
fuzz-replay-TARGET on every meson test run) once the bug is fixed; until
then it waits in app/test/fuzz/pending/TARGET/.

Exit status: 0 when no target had a finding, 1 otherwise, 2 on a usage or
build error.
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	-t) [ $# -ge 2 ] || { echo "fuzz/run.sh: -t needs a value" >&2; exit 2; }
		seconds=$2; shift 2 ;;
	-s) stop=1; shift ;;
	-b) [ $# -ge 2 ] || { echo "fuzz/run.sh: -b needs a value" >&2; exit 2; }
		build=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) echo "fuzz/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) break ;;
	esac
done
case $seconds in
''|*[!0-9]*|0) echo "fuzz/run.sh: -t expects a whole number of seconds >= 1, got '$seconds'" >&2
	exit 2 ;;
esac

# Build.
if ! command -v clang >/dev/null; then
	echo "fuzz/run.sh: clang not found: apt-get install clang libclang-rt-dev" >&2
	exit 2
fi
setup_build fuzz/run.sh "$build" clang -Dfuzz=true
if ! meson introspect --buildoptions "$build" 2>/dev/null |
		python3 -c 'import json,sys; sys.exit(0 if any(o["name"] == "fuzz" and o["value"] for o in json.load(sys.stdin)) else 1)'; then
	echo "fuzz/run.sh: enabling -Dfuzz=true in $build"
	meson configure "$build" -Dfuzz=true >/dev/null || exit 2
fi
# the targets this tree builds (chan_* need lib/channel)
known=$(meson introspect --targets "$build" | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if t["type"] == "executable" and t["name"].startswith("fuzz_"):
        print(t["name"][5:])')
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	mapfile -t targets <<<"$known"
fi
for t in "${targets[@]}"; do
	if ! grep -qx -- "$t" <<<"$known"; then
		echo "fuzz/run.sh: no target '$t' in $build (known: $(echo $known))" >&2
		exit 2
	fi
done
exes=()
for t in "${targets[@]}"; do
	exes+=("app/test/fuzz/fuzz_$t")
done
ninja -C "$build" "${exes[@]}" >"$build/fuzz-build.log" 2>&1 || {
	tail -40 "$build/fuzz-build.log" >&2
	echo "fuzz/run.sh: build failed (log: $build/fuzz-build.log)" >&2
	exit 2
}

# Run.
work=$build/fuzz
mkdir -p "$work/logs"
rows=()
any_findings=0
if [ "$stop" -eq 1 ]; then
	mode_args=()
else
	# keep going after a finding: jobs in a child process, crashes collected
	mode_args=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
for t in "${targets[@]}"; do
	corpus=$work/corpus/$t
	findings=$work/findings/$t
	log=$work/logs/$t.log
	mkdir -p "$corpus" "$findings"
	before=$(find "$findings" -type f | wc -l)
	stamp=$work/logs/$t.start
	: >"$stamp"
	echo "fuzz/run.sh: $t for ${seconds}s (log: $log)"
	start=$(date +%s.%N)
	# the timeout only bounds a hang of libFuzzer itself
	timeout --kill-after=10 $((seconds + 120)) "$build/app/test/fuzz/fuzz_$t" \
		"$corpus" "$fuzz_src/corpus/$t" "${mode_args[@]}" \
		-max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
		-artifact_prefix="$findings/" >"$log" 2>&1
	rc=$?
	end=$(date +%s.%N)
	after=$(find "$findings" -type f | wc -l)
	new=$((after - before))
	[ $new -gt 0 ] && any_findings=1
	[ $new -eq 0 ] && [ "$stop" -eq 1 ] && [ $rc -ne 0 ] && any_findings=1
	rows+=("$(python3 - "$log" "$t" "$start" "$end" "$new" "$rc" "$stop" \
		"$build/app/test/fuzz/fuzz_$t" "$findings" "$stamp" <<'PY'
import os, re, subprocess, sys
log, target, start, end, new, rc, stop, exe, fdir, stamp = sys.argv[1:]
text = open(log, errors="replace").read()
def stat(name):
    m = re.search(r"stat::%s:\s+(\d+)" % name, text)
    return int(m.group(1)) if m else None
secs = float(end) - float(start)
execs = stat("number_of_executed_units")
if execs is None:
    runs = re.findall(r"^#(\d+)[:\s]", text, re.M)
    execs = int(runs[-1]) if runs else 0
eps = stat("average_exec_per_sec") if stop == "1" else None
if eps is None:
    eps = int(execs / secs) if secs > 0 else 0
cov = re.findall(r"\bcov: (\d+) ft: (\d+) corp: (\d+)", text)
cov, ft, corp = cov[-1] if cov else ("-", "-", "-")
# kinds of finding: run each new file once more through the target (at most
# 200) and take its first check, sanitizer or libFuzzer message
pat = re.compile(r"check failed: .*|runtime error: .*|"
                 r"SUMMARY: (?:Address|Leak|UndefinedBehavior)Sanitizer: .*|"
                 r"ERROR: libFuzzer: .*")
since = os.stat(stamp).st_mtime
files = [os.path.join(fdir, f) for f in os.listdir(fdir)]
files = sorted((f for f in files if os.stat(f).st_mtime >= since), key=os.path.getsize)
kinds = {}
for f in files[:200]:
    try:
        out = subprocess.run([exe, f], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=60).stdout.decode(errors="replace")
    except subprocess.TimeoutExpired:
        out = "ERROR: libFuzzer: timeout (replay)"
    m = pat.search(out)
    k = re.sub(r"0x[0-9a-f]+", "ADDR", m.group(0)) if m else "does not reproduce"
    k = re.sub(r"^.*/(fuzz_[a-z_]+\.c:)", r"\1", k)
    if k not in kinds:
        kinds[k] = [0, os.path.basename(f)]
    kinds[k][0] += 1
status = "%s (%d kind%s)" % (new, len(kinds), "" if len(kinds) == 1 else "s") \
    if new != "0" else ("0" if stop == "0" or rc == "0" else "exit %s" % rc)
print("\t".join(str(x) for x in (target, "%.0f" % secs, execs, eps, cov, ft, corp, status,
                                 " | ".join("%s (%d, e.g. %s)" % (k, v[0], v[1])
                                            for k, v in sorted(kinds.items())))))
PY
)")
done

printf '\n%-12s %8s %12s %9s %6s %7s %7s  %s\n' target seconds execs execs/s cov ft corpus findings
for r in "${rows[@]}"; do
	IFS=$'\t' read -r t s e eps c f corp fi kinds <<<"$r"
	printf '%-12s %8s %12s %9s %6s %7s %7s  %s\n' "$t" "$s" "$e" "$eps" "$c" "$f" "$corp" "$fi"
done
if [ $any_findings -ne 0 ]; then
	echo
	echo "kinds of finding (each new file run once more through its target):"
	for r in "${rows[@]}"; do
		IFS=$'\t' read -r t s e eps c f corp fi kinds <<<"$r"
		[ -n "$kinds" ] || continue
		tr "|" "\n" <<<"$kinds" | sed "s|^ *||; s| *$||; s|^|  $t: |"
	done
	echo "files (reproduce: $build/app/test/fuzz/fuzz_TARGET FILE; all under $work/findings):"
	for t in "${targets[@]}"; do
		n=$(find "$work/findings/$t" -type f | wc -l)
		[ "$n" -eq 0 ] || echo "  $t: $n, newest $(ls -t "$work/findings/$t" | head -1)"
	done
	exit 1
fi
exit 0
