# SPDX-License-Identifier: BSD-3-Clause
# bench/lib/common.sh: helpers of bench/run (sourced, not run): messages,
# hugepages, the work directory and its cleanup, stopping a run by PID, the
# machine's description, and the accounting of other processes' CPU time.
#
# Needs from the caller: $root (repository), $lcores, $wait_idle, $keep_logs.

die() { echo "bench: $*" >&2; exit 2; }
need_arg() { [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value (--help)"; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

# in_list WORD "a,b,c": is WORD one of the comma-separated items?
in_list() { [[ ,$2, == *,$1,* ]]; }

# --- hugepages ---------------------------------------------------------------
hp_free() { awk '/^HugePages_Free:/ {print $2}' /proc/meminfo; }

bench_hugedir() {
	hp_dir=/dev/hugepages
	mountpoint -q "$hp_dir" 2>/dev/null ||
		hp_dir=$(awk '$3 == "hugetlbfs" {print $2; exit}' /proc/mounts)
	[[ -n $hp_dir ]] || die "no hugetlbfs mount; reserve and mount 2 MB pages first (scripts/setup.sh)"
}

# clean_prefix P: EAL's hugepage files, nbfwd's region files and EAL's
# runtime directory of one --file-prefix
clean_prefix() {
	local p=$1
	[[ -n $p ]] || return 0
	rm -f "$hp_dir"/*"$p"* "$hp_dir"/.*"$p"* 2>/dev/null
	rm -rf "/var/run/dpdk/$p" 2>/dev/null
}

# --- work directory, prefixes, cleanup -------------------------------------------
# Every DPDK process of this script gets one of these prefixes (one per role,
# reused run after run and cleaned after each run).
bench_setup_work() {
	work=$(mktemp -d /tmp/bench-run.XXXXXX) || die "mktemp failed"
	prefixes=()
	bg_pids=()	# timeout(1) wrappers still running
	fifo_fd_open=0
}

new_prefix_for() {	# $1 = role: sets $pfx
	pfx=bench_${1//[^A-Za-z0-9]/}_$$
	in_list "$pfx" "$(IFS=,; echo "${prefixes[*]}")" || prefixes+=("$pfx")
}

forget_pid() {
	local p keep=()
	for p in "${bg_pids[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
	bg_pids=("${keep[@]}")
}

# kill_run PID: PID is a timeout(1) wrapper: SIGINT it (it forwards the signal
# to the app), wait up to 10 s, then SIGKILL the app and the wrapper by PID.
kill_run() {
	local t=$1 child i c
	[[ -n $t ]] || return 0
	child=$(cat "/proc/$t/task/$t/children" 2>/dev/null)
	kill -INT "$t" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$t" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$t" 2>/dev/null; then
		for c in $child; do kill -KILL "$c" 2>/dev/null; done
		kill -KILL "$t" 2>/dev/null
	fi
	wait "$t" 2>/dev/null
	forget_pid "$t"
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
	rm -rf "$work"
	exit "$rc"
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
		tsc_src="measured (rdtsc vs CLOCK_MONOTONIC_RAW, 0.4 s)"
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
			echo "  bench: machine still busy after ${wait_idle} s (others: $u CPUs: $(busy_procs)); running anyway"
			return 0
		fi
		((said)) || echo "  bench: waiting for the machine to go idle (others use $u CPUs: $(busy_procs))"
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
		echo "bench: only $fr free hugepages before $1 (need $min_free): leaked by an earlier run, or others use them" >&2
		return 1
	fi
	return 0
}
