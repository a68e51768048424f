# SPDX-License-Identifier: BSD-3-Clause
# bench/lib/common.sh: the shell library of bench/run, bench/run-latency and
# bench/run-consumer (sourced, not run): messages and option checks,
# hugepages, the work directory and its cleanup, starting and stopping a
# process by PID, the run order, the machine's description, and the
# accounting of other processes' CPU time.
#
# Needs from the caller: $root (repository), $wait_idle, $keep_logs; $prog,
# the name messages start with (default "bench"). BENCH_PREFIX in the
# environment sets the stem of every --file-prefix (default "bench").

: "${prog:=bench}"
die() { echo "$prog: $*" >&2; exit 2; }
say() { echo "$prog: $*"; }
need_arg() { [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value (--help)"; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
is_num() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }

# in_list WORD "a,b,c": is WORD one of the comma-separated items?
in_list() { [[ ,$2, == *,$1,* ]]; }

# --- hugepages ---------------------------------------------------------------
hp_free() { awk '/^HugePages_Free:/ {print $2}' /proc/meminfo; }

bench_hugedir() {
	hp_dir=/dev/hugepages
	mountpoint -q "$hp_dir" 2>/dev/null ||
		hp_dir=$(awk '$3 == "hugetlbfs" {print $2; exit}' /proc/mounts)
	[[ -n $hp_dir ]] || die "no hugetlbfs mount; reserve and mount 2 MB pages first (scripts/setup-hugepages.sh)"
}

# clean_prefix P: EAL's hugepage files, nbfwd's region files and EAL's
# runtime directory of one --file-prefix
clean_prefix() {
	local p=$1
	[[ -n $p ]] || return 0
	rm -f "$hp_dir"/*"$p"* "$hp_dir"/.*"$p"* 2>/dev/null
	rm -rf "/var/run/dpdk/$p" 2>/dev/null
}

# find_built SUBPATH DIR...: the first DIR (absolute, or under $root) that
# holds an executable SUBPATH; prints DIR
find_built() {
	local sub=$1 d
	shift
	for d in "$@"; do
		[[ -n $d ]] || continue
		[[ $d == /* ]] || d=$root/$d
		[[ -x $d/$sub ]] && { echo "$d"; return 0; }
	done
	return 1
}

# --- work directory, prefixes, cleanup -------------------------------------------
# Every DPDK process of this script gets one of these prefixes (one per role,
# reused run after run and cleaned after each run).
bench_setup_work() {
	work=$(mktemp -d "/tmp/$prog.XXXXXX") || die "mktemp failed"
	prefixes=()
	bg_pids=()	# timeout(1) wrappers still running
	fifo_fd_open=0
	cleanup_dirs=()	# removed at exit too
}

new_prefix_for() {	# $1 = role: sets $pfx
	pfx=${BENCH_PREFIX:-bench}_${1//[^A-Za-z0-9]/}_$$
	in_list "$pfx" "$(IFS=,; echo "${prefixes[*]}")" || prefixes+=("$pfx")
}

# launch CPUS LOG LIMIT CMD...: start CMD in the background under timeout(1)
# (SIGINT at LIMIT seconds, SIGKILL 10 s later), pinned to CPUS by taskset
# unless CPUS is empty, stdin /dev/null, output appended to LOG; sets $lpid
launch() {
	local cpus=$1 log=$2 limit=$3
	local -a pin=()
	shift 3
	[[ -n $cpus ]] && pin=(taskset -c "$cpus")
	"${pin[@]}" timeout -s INT -k 10 "$limit" "$@" </dev/null >>"$log" 2>&1 &
	lpid=$!
	bg_pids+=("$lpid")
}

# wait_sock PATH PID SECONDS: wait for a socket file while PID lives
wait_sock() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[[ -S $1 ]] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# abba_order RUN: sets order=() to peer_list, reversed on even runs, so that
# no peer always runs first (ABBA)
abba_order() {
	local i
	order=("${peer_list[@]}")
	(($1 % 2 == 0)) || return 0
	order=()
	for ((i = ${#peer_list[@]} - 1; i >= 0; i--)); do order+=("${peer_list[i]}"); done
}

forget_pid() {
	local p keep=()
	for p in "${bg_pids[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
	bg_pids=("${keep[@]}")
}

# wait_pid PID SECONDS: wait for a background PID to end; its exit status,
# or 255 after SECONDS (still running)
wait_pid() {
	local p=$1 n=$(($2 * 10)) i rc
	for ((i = 0; i < n; i++)); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$p" 2>/dev/null && return 255
	wait "$p"; rc=$?
	forget_pid "$p"
	return $rc
}

# kill_run PID [SECONDS]: PID is a timeout(1) wrapper: SIGINT it (it forwards
# the signal to the app), wait up to SECONDS (default 10), then SIGKILL the
# app and the wrapper by PID. Returns the app's exit status, 255 if killed.
kill_run() {
	local t=$1 c rc
	[[ -n $t ]] || return 0
	kill -INT "$t" 2>/dev/null
	wait_pid "$t" "${2:-10}"; rc=$?
	((rc == 255)) || return $rc
	for c in $(cat "/proc/$t/task/$t/children" 2>/dev/null); do
		kill -KILL "$c" 2>/dev/null
	done
	kill -KILL "$t" 2>/dev/null
	wait "$t" 2>/dev/null
	forget_pid "$t"
	return 255
}

bench_cleanup() {
	local rc=$? p
	trap - EXIT INT TERM
	((fifo_fd_open)) && exec 7>&-
	for p in "${bg_pids[@]}"; do kill_run "$p"; done
	for p in "${prefixes[@]}"; do clean_prefix "$p"; done
	rm -f "$work"/*.sock 2>/dev/null
	if [[ -n $keep_logs ]]; then
		mkdir -p "$keep_logs" && cp -r "$work"/. "$keep_logs"/ 2>/dev/null
	fi
	rm -rf "$work" "${cleanup_dirs[@]}"
	exit "$rc"
}

# bench_traps summary|exit: the EXIT trap cleans up; a first SIGINT/SIGTERM
# either sets $interrupted (summary: the caller stops the run in progress
# and summarises the runs made so far; a second one exits at once) or exits
# at once (exit)
bench_traps() {
	interrupted=0
	trap bench_cleanup EXIT
	if [[ $1 == exit ]]; then
		trap 'echo "$prog: interrupted" >&2; exit 130' INT TERM
	else
		trap on_signal INT TERM
	fi
}
on_signal() {
	if ((interrupted)); then
		echo "$prog: interrupted again: exiting without a summary" >&2
		exit 130
	fi
	interrupted=1
	echo "$prog: interrupted: stopping the run in progress, then summarising the runs made so far" >&2
}

# --- results ------------------------------------------------------------------------
# results_path KIND: the default results file of a run set,
# bench/results/KIND-<UTC date>-<time>-<short commit>.json
results_path() {
	echo "$root/bench/results/$1-$(date -u +%Y%m%d-%H%M%S)-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo norev).json"
}

# results_unlink JSON: a JSON (or its .md) named by a link is written anew,
# not through the link into the dated run set it points at
results_unlink() {
	local f
	for f in "$1" "${1%.json}.md"; do
		[[ -L $f ]] && rm -f "$f"
	done
	return 0
}

# results_link_latest JSON NAME: bench/results/NAME.json and NAME.md point at
# JSON and its .md, when JSON was written into bench/results
results_link_latest() {
	[[ $(dirname "$1") -ef $root/bench/results ]] || return 0
	ln -sfn "$(basename "$1")" "$root/bench/results/$2.json"
	ln -sfn "$(basename "${1%.json}").md" "$root/bench/results/$2.md"
}

# --- the machine ----------------------------------------------------------------------
# Sets dpdk_ver cpu_model kernel ncpu tsc_hz tsc_src git_rev git_commit.
bench_machine() {
	dpdk_ver=$(pkg-config --modversion libdpdk 2>/dev/null || echo unknown)
	cpu_model=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
	kernel=$(uname -r)
	ncpu=$(getconf _NPROCESSORS_ONLN)
	git_rev=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
	git_commit=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)

	# TSC frequency: measured against CLOCK_MONOTONIC_RAW by a tiny C
	# program; else the kernel's "tsc: Detected" line; else cpuinfo's MHz.
	tsc_hz=
	tsc_src=
	if command -v cc >/dev/null && cc -O2 -o "$work/tsc" "$root/bench/lib/tsc.c" 2>/dev/null; then
		tsc_hz=$("$work/tsc")
		tsc_src="measured: rdtsc over 0.4 s of CLOCK_MONOTONIC_RAW (bench/lib/tsc.c)"
	fi
	if [[ -z $tsc_hz ]]; then
		local mhz
		mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | head -1)
		if [[ -n $mhz ]]; then
			tsc_src="kernel log"
		else
			mhz=$(awk -F': *' '/^cpu MHz/ {print $2; exit}' /proc/cpuinfo)
			tsc_src="/proc/cpuinfo"
		fi
		tsc_hz=$(awk -v m="$mhz" 'BEGIN {printf "%.0f", m * 1e6}')
	fi
}

# --- other processes' CPU time ---------------------------------------------------------
# /proc/stat busy jiffies (and steal) of the whole machine
stat_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $9; exit}' /proc/stat; }

# CPU seconds our children used so far, into $work/cpu. Must run in the
# main shell: a subshell's `times` starts from zero.
child_cpu() {
	times >"$work/times"
	awk 'NR == 2 {
		n = split($0, f, " "); s = 0
		for (i = 1; i <= n; i++) { split(f[i], a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] }
		print s }' "$work/times" >"$work/cpu"
}

# Others' CPU use over 1 s, in CPUs (we only sleep meanwhile).
others_cpus() {
	local b0 b1
	read -r b0 _ < <(stat_busy)
	sleep 1
	read -r b1 _ < <(stat_busy)
	awk -v d=$((b1 - b0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", d / hz}'
}

busy_procs() {
	top -bn1 -w 200 2>/dev/null |
		awk -v me=$$ 'NR > 7 && $1 != me && $9 + 0 >= 10 {printf "%s[%s](%s%%) ", $12, $1, $9}'
}

# Before a run: wait up to $wait_idle seconds for the machine to be idle
# (others use < 0.15 CPU over 1 s).
wait_for_idle() {
	local t0=$SECONDS u said=0
	((wait_idle > 0)) || return 0
	while ((!interrupted)); do
		u=$(others_cpus)
		awk -v u="$u" 'BEGIN {exit !(u < 0.15)}' && return 0
		if ((SECONDS - t0 >= wait_idle)); then
			echo "  $prog: machine still busy after ${wait_idle} s (others: $u CPUs: $(busy_procs)); running anyway"
			return 0
		fi
		((said)) || echo "  $prog: waiting for the machine to go idle (others use $u CPUs: $(busy_procs))"
		said=1
	done
}

# Start/stop accounting around one run: sets acct_b0/acct_st0/acct_c0, then
# acct_b1/acct_st1/acct_c1.
acct_begin() { read -r acct_b0 acct_st0 < <(stat_busy); child_cpu; acct_c0=$(<"$work/cpu"); }
acct_end() { read -r acct_b1 acct_st1 < <(stat_busy); child_cpu; acct_c1=$(<"$work/cpu"); }

# check_free_pages WHAT: enough free hugepages before starting WHAT?
check_free_pages() {
	local fr
	fr=$(hp_free)
	if ((fr < min_free)); then
		echo "$prog: only $fr free hugepages before $1 (need $min_free): leaked by an earlier run, or others use them" >&2
		return 1
	fi
	return 0
}
