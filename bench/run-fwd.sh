#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/run-fwd.sh: nbfwd against dpdk-testpmd, side by side, on the same vdevs,
# lcores, burst and descriptor counts, interleaved run by run. See bench/README.md.

set -uo pipefail

orig_args="$*"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
	cat <<EOF
Usage: $(basename "$0") [options]

Runs nbfwd and dpdk-testpmd one after the other on the same virtual devices
(never a PCI device: every process gets --no-pci and its own --file-prefix),
same lcores (-l 0,1: main lcore 0, one forwarding lcore 1), burst 32 and
1024/1024 descriptors, interleaved run by run:
  testpmd, nbfwd, testpmd-xbuf, nbfwd-extbuf, testpmd, nbfwd, ...
and prints min/median/max Mpps per peer, nbfwd/testpmd ratios, cycles per
packet of the forwarding core, a final table, and writes a JSON file.

Setups:
  null   two net_null ports with copy=1 (the PMD copies 64 B in and out: bytes
         are touched, the fair load for a forwarder)
  ring   two net_ring ports (each loops its tx to its rx), seeded on both
         sides with --tx-first; both apps forward 0<->1
Modes (nbfwd / testpmd): io / io, macswap / macswap, l2fwd / mac
Peers (default: testpmd,nbfwd,testpmd-xbuf,nbfwd-extbuf, run in that order):
  testpmd           testpmd with its native mempool (--mp-alloc native)
  nbfwd             this project's forwarder, default pool layout (heap: whole
                    mempools inside the region)
  testpmd-xbuf      testpmd --mp-alloc=xbuf (pinned external data buffers)
  nbfwd-extbuf      nbfwd --pool-layout extbuf (data buffers in the region,
                    mbuf headers outside: testpmd-xbuf's layout)
  testpmd-xmemhuge  testpmd --mp-alloc=xmemhuge (whole mempool in external
                    hugepage memory: nbfwd heap's layout); not in the default

Method (the same for both; details in bench/README.md): each app's own
periodic stats (--stats-period 1) cut a run into intervals, each with a
packet count and a length from the app's counters and TSC clock (testpmd:
delta of RX-packets over the ports, length = delta / Rx-pps, blocks every 1-2
s; nbfwd: "pN rx R Mpps" every second). A run's figure is packets / seconds
(rx on all ports) over the intervals that begin after the first --skip
seconds. Each run forwards --seconds (nbfwd --time; testpmd is sent SIGINT by
PID once its stats cover that long). cycles/pkt = TSC Hz / that rate (one
forwarding core, busy-polling).

Options:
  --runs N          runs per peer and (setup, mode) (default 3)
  --seconds S       forwarding seconds per run (default 5)
  --skip K          warm-up seconds left out of each run's window (default 2;
                    if no interval begins after it, the last interval counts)
  --setups LIST     comma-separated: null,ring (default both)
  --modes LIST      comma-separated: io,macswap,l2fwd (default all)
  --peers LIST      comma-separated peers (above); the order is the
                    interleaving order
  --quick           CI smoke: 1 run, 2 s, skip 1, null/io only, --wait-idle 30,
                    --retries 1 (options after it override these)
  --json FILE       results (default bench/results/fwd-latest.json, with
                    --quick fwd-quick.json; a Markdown table goes next to it
                    as .md)
  --nbfwd PATH      nbfwd binary (default: \$NBFWD, else the first of
                    build-bench/, build/ app/nbfwd/nbfwd that exists)
  --testpmd PATH    testpmd binary (default: dpdk-testpmd from PATH)
  --lcores L        EAL -l list, main lcore first (default 0,1)
  --min-free-pages N  refuse to start with fewer free 2 MB hugepages (default 64)
  --keep-logs DIR   keep every run's output in DIR (default: removed)
  --wait-idle S     before each run, wait up to S seconds for the machine to be
                    idle (others using < 0.15 CPU over 1 s) (default 300; 0 = no)
  --retries N       rerun a run during which other processes used more than
                    10% of a CPU, up to N times (default 2); the figure kept is
                    the last attempt's, marked noisy if still disturbed
  -h, --help        this text

Exit status: 0 all runs produced figures, 1 some run failed, 2 usage or setup error.
EOF
}

runs=3
secs=5
skip=2
setups=null,ring
modes=io,macswap,l2fwd
peers=testpmd,nbfwd,testpmd-xbuf,nbfwd-extbuf
json=
nbfwd=${NBFWD:-}
testpmd=dpdk-testpmd
lcores=0,1
min_free=64
keep_logs=
quick=0
wait_idle=300
retries=2
burst=32
rxd=1024
txd=1024

die() { echo "run-fwd: $*" >&2; exit 2; }
need_arg() { [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value (--help)"; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

while [[ $# -gt 0 ]]; do
	case $1 in
	--runs) need_arg "$@"; runs=$2; shift ;;
	--seconds) need_arg "$@"; secs=$2; shift ;;
	--skip) need_arg "$@"; skip=$2; shift ;;
	--setups) need_arg "$@"; setups=$2; shift ;;
	--modes) need_arg "$@"; modes=$2; shift ;;
	--peers) need_arg "$@"; peers=$2; shift ;;
	--quick) runs=1; secs=2; skip=1; setups=null; modes=io; wait_idle=30; retries=1
		quick=1 ;;
	--json) need_arg "$@"; json=$2; shift ;;
	--nbfwd) need_arg "$@"; nbfwd=$2; shift ;;
	--testpmd) need_arg "$@"; testpmd=$2; shift ;;
	--lcores) need_arg "$@"; lcores=$2; shift ;;
	--min-free-pages) need_arg "$@"; min_free=$2; shift ;;
	--keep-logs) need_arg "$@"; keep_logs=$2; shift ;;
	--wait-idle) need_arg "$@"; wait_idle=$2; shift ;;
	--retries) need_arg "$@"; retries=$2; shift ;;
	-h|--help) usage; exit 0 ;;
	*) die "unknown option '$1' (--help)" ;;
	esac
	shift
done

if [[ -z $json ]]; then
	((quick)) && json=$root/bench/results/fwd-quick.json || json=$root/bench/results/fwd-latest.json
fi
is_uint "$runs" && ((runs >= 1)) || die "--runs: a positive integer, not '$runs'"
is_uint "$secs" && ((secs >= 2)) || die "--seconds: an integer >= 2, not '$secs'"
is_uint "$skip" || die "--skip: a non-negative integer, not '$skip'"
is_uint "$wait_idle" || die "--wait-idle: seconds, not '$wait_idle'"
is_uint "$retries" || die "--retries: an integer, not '$retries'"
is_uint "$min_free" || die "--min-free-pages: an integer, not '$min_free'"
((skip >= secs)) && skip=$((secs - 1))
[[ $lcores =~ ^[0-9]+(,[0-9]+)+$ ]] || die "--lcores: like 0,1 (main lcore, then one forwarding lcore)"
IFS=, read -r -a setup_list <<<"$setups"
IFS=, read -r -a mode_list <<<"$modes"
IFS=, read -r -a peer_list <<<"$peers"
for s in "${setup_list[@]}"; do [[ $s == null || $s == ring ]] || die "unknown setup '$s'"; done
for m in "${mode_list[@]}"; do [[ $m == io || $m == macswap || $m == l2fwd ]] || die "unknown mode '$m'"; done
want_nbfwd=0
for p in "${peer_list[@]}"; do
	case $p in
	testpmd|testpmd-xbuf|testpmd-xmemhuge) ;;
	nbfwd|nbfwd-extbuf) want_nbfwd=1 ;;
	*) die "unknown peer '$p'" ;;
	esac
done

# --- tools -----------------------------------------------------------------
py=$(command -v /usr/bin/python3 || command -v python3) || die "python3 is needed"
report=$root/bench/fwd_report.py
[[ -r $report ]] || die "missing $report"
command -v timeout >/dev/null || die "timeout (coreutils) is needed"
tp_bin=$(command -v "$testpmd") || die "testpmd not found ('$testpmd'): apt-get install dpdk"
if ((want_nbfwd)); then
	if [[ -z $nbfwd ]]; then
		for c in "$root/build-bench/app/nbfwd/nbfwd" "$root/build/app/nbfwd/nbfwd"; do
			[[ -x $c ]] && { nbfwd=$c; break; }
		done
	fi
	[[ -n $nbfwd && -x $nbfwd ]] || die "nbfwd binary not found; build it:
  cd $root && meson setup build-bench -Dbuildtype=release && ninja -C build-bench
or pass --nbfwd PATH (or --peers testpmd,testpmd-xbuf)"
fi
[[ $(id -u) -eq 0 ]] || echo "run-fwd: warning: not root; hugepages may be unusable" >&2

# Our shell and its helpers (sleep, awk, grep) run on the main lcore's CPU,
# which the apps' main threads leave idle; the apps start with every CPU and
# EAL pins their lcores itself. The same for both apps.
main_cpu=${lcores%%,*}
all_cpus=0-$(($(getconf _NPROCESSORS_ONLN) - 1))
pin=()
if command -v taskset >/dev/null; then
	taskset -pc "$main_cpu" $$ >/dev/null 2>&1 && pin=(taskset -c "$all_cpus")
fi

# --- hugepages ---------------------------------------------------------------
hp_free() { awk '/^HugePages_Free:/ {print $2}' /proc/meminfo; }
hp_dir=/dev/hugepages
mountpoint -q "$hp_dir" 2>/dev/null || hp_dir=$(awk '$3 == "hugetlbfs" {print $2; exit}' /proc/mounts)
[[ -n $hp_dir ]] || die "no hugetlbfs mount; reserve and mount 2 MB pages first (scripts/setup.sh)"
free0=$(hp_free)
((free0 >= min_free)) || die "only ${free0:-0} free 2 MB hugepages; each run needs ~40: reserve more, e.g.
  echo 512 > /proc/sys/vm/nr_hugepages"

# --- work dir, prefixes, cleanup ----------------------------------------------
work=$(mktemp -d /tmp/run-fwd.XXXXXX) || die "mktemp failed"
pfx_tp=bench_tp_$$
pfx_tx=bench_tx_$$
pfx_nb=bench_nb_$$
pfx_tm=bench_tm_$$
pfx_nx=bench_nx_$$
cur_pid=        # the running timeout(1) process, if any

clean_prefix() {
	local p=$1
	rm -f "$hp_dir"/*"$p"* "$hp_dir"/.*"$p"* 2>/dev/null
	rm -rf "/var/run/dpdk/$p" 2>/dev/null
}

kill_run() {    # $1 = timeout's PID: SIGINT it (it forwards), then SIGKILL both
	local t=$1 child i
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
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[[ -n $cur_pid ]] && kill_run "$cur_pid"
	for p in "$pfx_tp" "$pfx_tx" "$pfx_nb" "$pfx_tm" "$pfx_nx"; do clean_prefix "$p"; done
	if [[ -n $keep_logs ]]; then
		mkdir -p "$keep_logs" && cp -r "$work"/. "$keep_logs"/ 2>/dev/null
	fi
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "run-fwd: interrupted" >&2; exit 130' INT TERM

# --- machine -------------------------------------------------------------------
dpdk_ver=$(pkg-config --modversion libdpdk 2>/dev/null || echo unknown)
cpu_model=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
kernel=$(uname -r)
ncpu=$(getconf _NPROCESSORS_ONLN)

# TSC frequency: measured against CLOCK_MONOTONIC_RAW by a 10-line C program;
# else the kernel's "tsc: Detected" line; else /proc/cpuinfo's MHz.
tsc_hz=
tsc_src=
if command -v cc >/dev/null; then
	cat >"$work/tsc.c" <<'EOF'
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC_RAW, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(void) {
	double t0 = now(), t1; unsigned long long c0 = __rdtsc(), c1;
	struct timespec d = { 0, 400000000 }; nanosleep(&d, NULL);
	c1 = __rdtsc(); t1 = now();
	printf("%.0f\n", (c1 - c0) / (t1 - t0));
	return 0;
}
EOF
	if cc -O2 -o "$work/tsc" "$work/tsc.c" 2>/dev/null; then
		tsc_hz=$("$work/tsc")
		tsc_src="measured (rdtsc vs CLOCK_MONOTONIC_RAW, 0.4 s)"
	fi
fi
if [[ -z $tsc_hz ]]; then
	mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | head -1)
	[[ -n $mhz ]] && tsc_src="kernel log" || { mhz=$(awk -F': *' '/^cpu MHz/ {print $2; exit}' /proc/cpuinfo); tsc_src="/proc/cpuinfo"; }
	tsc_hz=$(awk -v m="$mhz" 'BEGIN {printf "%.0f", m * 1e6}')
fi

# What was measured: the tree's revision and the nbfwd binary.
git_rev=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
nb_sum=
nb_mtime=
if [[ -n $nbfwd ]]; then
	nb_sum=$(sha256sum "$nbfwd" | cut -c1-16)
	nb_mtime=$(date -Is -r "$nbfwd")
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
top_before=$(top -bn1 -w 200 2>/dev/null | awk -v me=$$ 'NR > 7 && $1 != me && $9 + 0 >= 5 {printf "%s(%s%%) ", $12, $9}')
echo "run-fwd: $(date -Is) on $(hostname): $cpu_model, $ncpu CPUs, kernel $kernel, DPDK $dpdk_ver"
echo "run-fwd: TSC $(awk -v h="$tsc_hz" 'BEGIN {printf "%.1f MHz", h / 1e6}') ($tsc_src)"
echo "run-fwd: load average before: $load_before; busy processes: ${top_before:-none}"
awk -v l="${load_before%% *}" 'BEGIN {exit !(l > 0.5)}' &&
	echo "run-fwd: WARNING: the machine is not idle (load ${load_before%% *}); figures will be noisy"
echo "run-fwd: testpmd $tp_bin${nbfwd:+, nbfwd $nbfwd (built $nb_mtime, sha256 $nb_sum)}; tree $git_rev"
echo "run-fwd: $runs run(s) x ${secs} s, skip $skip, setups ${setups}, modes ${modes}, peers ${peers}; $free0 hugepages free"
echo

# --- one run -----------------------------------------------------------------------
# CPU time on the machine that was not ours during a run: /proc/stat busy
# jiffies minus what our children used (bash's `times`), in seconds.
stat_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $9; exit}' /proc/stat; }
child_cpu() {   # must run in this shell: a subshell's `times` starts at zero
	times >"$work/times"
	awk 'NR == 2 {
		n = split($0, f, " "); s = 0
		for (i = 1; i <= n; i++) { split(f[i], a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] }
		print s }' "$work/times" >"$work/cpu"
}

# Others' CPU use over 1 s, in CPUs (we are idle meanwhile: only `sleep`).
others_cpus() {
	local b0 b1
	read -r b0 _ < <(stat_busy)
	sleep 1
	read -r b1 _ < <(stat_busy)
	awk -v d=$((b1 - b0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", d / hz}'
}
busy_procs() {
	top -bn1 -w 200 2>/dev/null | awk -v me=$$ 'NR > 7 && $1 != me && $9 + 0 >= 10 {printf "%s[%s](%s%%) ", $12, $1, $9}'
}
wait_for_idle() {
	local t0=$SECONDS u said=0
	((wait_idle > 0)) || return 0
	while :; do
		u=$(others_cpus)
		awk -v u="$u" 'BEGIN {exit !(u < 0.15)}' && return 0
		if ((SECONDS - t0 >= wait_idle)); then
			echo "  run-fwd: machine still busy after ${wait_idle} s (others: $u CPUs: $(busy_procs)); running anyway"
			return 0
		fi
		((said)) || echo "  run-fwd: waiting for the machine to go idle (others use $u CPUs: $(busy_procs))"
		said=1
	done
}

vdevs_for() {
	case $1 in
	null) echo "--vdev net_null0,copy=1 --vdev net_null1,copy=1" ;;
	ring) echo "--vdev net_ring0 --vdev net_ring1" ;;
	esac
}

# Do testpmd's stats blocks in LOG cover >= S seconds of forwarding? (awk: cheap
# enough to poll while testpmd forwards; fwd_report.py does the same sum.)
tp_elapsed_ge() {
	awk -v s="$2" '
		/Telling cores to stop|Forward statistics for port/ { exit }
		/Port statistics ====/ { if (nb++) blk(); rx = 0; pps = 0; next }
		/RX-packets:/ { rx += $2 }
		/Rx-pps:/ { pps += $2 }
		function blk() { if (have) t += pps > 0 ? (rx - prx) / pps : 1; prx = rx; have = 1 }
		END { if (nb) blk(); exit !(t >= s - 0.05) }' "$1"
}

records=$work/records.jsonl
failed=0

# run_one SETUP MODE PEER RUN
run_one() {
	local setup=$1 mode=$2 peer=$3 run=$4
	local log=$work/$setup-$mode-$peer-$run.log sj=$work/$setup-$mode-$peer-$run.json
	local vd pfx tpmode rc=0 i started=0 ok=1 note=""
	local b0 b1 c0 c1 st0 st1
	local -a cmd

	vd=$(vdevs_for "$setup")
	case $mode in l2fwd) tpmode=mac ;; *) tpmode=$mode ;; esac
	case $peer in
	testpmd*)
		case $peer in
		testpmd) pfx=$pfx_tp ;;
		testpmd-xbuf) pfx=$pfx_tx ;;
		testpmd-xmemhuge) pfx=$pfx_tm ;;
		esac
		# shellcheck disable=SC2206
		cmd=("$tp_bin" -l "$lcores" --no-pci --file-prefix "$pfx" $vd --
			--forward-mode="$tpmode" --nb-cores=1 --burst="$burst"
			--rxd="$rxd" --txd="$txd" --stats-period 1 --total-num-mbufs=16384)
		[[ $peer == testpmd-xbuf ]] && cmd+=(--mp-alloc=xbuf)
		[[ $peer == testpmd-xmemhuge ]] && cmd+=(--mp-alloc=xmemhuge)
		[[ $setup == ring ]] && cmd+=(--tx-first)
		;;
	nbfwd*)
		[[ $peer == nbfwd ]] && pfx=$pfx_nb || pfx=$pfx_nx
		rm -f "$sj"
		# shellcheck disable=SC2206
		cmd=("$nbfwd" -l "$lcores" --no-pci --file-prefix "$pfx" $vd --
			--mode "$mode" --time "$secs" --stats-period 1 --burst "$burst"
			--stats-json "$sj")
		[[ $peer == nbfwd-extbuf ]] && cmd+=(--pool-layout extbuf)
		[[ $setup == ring ]] && cmd+=(--tx-first)
		;;
	esac

	local fr
	fr=$(hp_free)
	if ((fr < min_free)); then
		echo "run-fwd: only $fr free hugepages before $peer (need $min_free): leaked by an earlier run?" >&2
		ls -la "$hp_dir" >&2
		return 1
	fi
	clean_prefix "$pfx"
	echo "${cmd[*]}" >"$log.cmd"

	read -r b0 st0 < <(stat_busy); child_cpu; c0=$(<"$work/cpu")
	: >"$log"
	"${pin[@]}" timeout -s INT -k 10 $((secs + 60)) "${cmd[@]}" </dev/null >>"$log" 2>&1 &
	cur_pid=$!
	if [[ $peer == nbfwd* ]]; then
		wait "$cur_pid"; rc=$?
	else
		# testpmd with --stats-period does not read stdin (Enter does nothing):
		# it forwards until SIGINT/SIGTERM. Send SIGINT (by PID, through
		# timeout(1), which forwards it) once its own stats cover $secs
		# seconds of forwarding, as nbfwd's --time does. Poll twice a second.
		for ((i = 0; i < 2 * (secs + 40); i++)); do
			kill -0 "$cur_pid" 2>/dev/null || break
			sleep 0.5
			grep -q 'Port statistics ====' "$log" || continue
			started=1
			tp_elapsed_ge "$log" "$secs" && break
		done
		kill -INT "$cur_pid" 2>/dev/null
		for ((i = 0; i < 150; i++)); do
			kill -0 "$cur_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$cur_pid" 2>/dev/null && { kill_run "$cur_pid"; note+="killed after SIGINT; "; }
		wait "$cur_pid"; rc=$?
		((started)) || { note+="never started forwarding; "; ok=0; }
	fi
	cur_pid=
	read -r b1 st1 < <(stat_busy); child_cpu; c1=$(<"$work/cpu")
	clean_prefix "$pfx"

	if [[ $peer == nbfwd* ]]; then
		((rc == 0)) || note+="exit status $rc; "
		((rc == 3)) && note+="(nbfwd: mbufs in use at exit) "
		[[ -s $sj ]] || note+="no --stats-json; "
		grep -q '^\[ *[0-9.]*s\] |' "$log" || ok=0
	else
		# 130: stopped by our SIGINT (testpmd re-raises it)
		((rc == 0 || rc == 130)) || note+="exit status $rc; "
		grep -q 'Bye' "$log" || note+="no clean exit; "
	fi

	SETUP=$setup MODE=$mode PEER=$peer RUN=$run RC=$rc OK=$ok NOTE=$note \
	SKIP=$skip SECS=$secs B0=$b0 B1=$b1 ST0=$st0 ST1=$st1 C0=$c0 C1=$c1 \
	LOG=$log SJ=$sj CMD="${cmd[*]}" "$py" "$report" record >>"$records" ||
		{ echo "run-fwd: cannot summarise $log" >&2; return 1; }
	local fig
	fig=$(tail -1 "$records" | "$py" -c 'import json,sys; r=json.load(sys.stdin); print(r["mpps"] if r["mpps"] is not None else "FAILED", "Mpps over", r["window_s"], "s; others used", r["other_cpu_s"], "CPU-s;", r["note"])')
	printf '  %-5s %-8s %-16s run %d: %s\n' "$setup" "$mode" "$peer" "$run" "$fig"
	ok=$(tail -1 "$records" | "$py" -c 'import json,sys; print(int(json.load(sys.stdin)["ok"]))')
	if ((!ok)); then
		echo "  --- last lines of $peer's output:" >&2
		tail -15 "$log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g; s/^/  | /' >&2
		return 1
	fi
	return 0
}

# --- the matrix ----------------------------------------------------------------------
for setup in "${setup_list[@]}"; do
	for mode in "${mode_list[@]}"; do
		echo "== $setup / $mode (load $(cut -d' ' -f1 /proc/loadavg))"
		for ((run = 1; run <= runs; run++)); do
			for peer in "${peer_list[@]}"; do
				for ((attempt = 0; ; attempt++)); do
					wait_for_idle
					run_one "$setup" "$mode" "$peer" "$run" || { failed=1; break; }
					noisy=$(tail -1 "$records" | "$py" -c 'import json,sys; print(int(json.load(sys.stdin)["noisy"]))')
					((noisy && attempt < retries)) || break
					# drop the disturbed record, run again
					sed -i '$ d' "$records"
					echo "  (disturbed by other processes: again)"
				done
			done
		done
		TSC_HZ=$tsc_hz "$py" "$report" block "$records" "$setup" "$mode"
		echo
	done
done

# --- summary and JSON ----------------------------------------------------------------
mkdir -p "$(dirname "$json")" || die "cannot create $(dirname "$json")"
DATE=$(date -Is) HOST=$(hostname) DPDK=$dpdk_ver CPU=$cpu_model KERNEL=$kernel NCPU=$ncpu \
TSC_HZ=$tsc_hz TSC_SRC=$tsc_src LOAD=$load_before TOPB=$top_before \
RUNS=$runs SECS=$secs SKIP=$skip LCORES=$lcores BURST=$burst RXD=$rxd TXD=$txd \
SETUPS=$setups MODES=$modes PEERS=$peers TP=$tp_bin NB=$nbfwd \
GIT_REV=$git_rev NB_SUM=$nb_sum NB_MTIME=$nb_mtime \
ARGV="$0 $orig_args" "$py" "$report" summary "$records" "$json"
echo "run-fwd: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
((failed)) && exit 1
exit 0
