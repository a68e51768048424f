# SPDX-License-Identifier: BSD-3-Clause
# bench/lib/pktgen.sh: bench/run --pktgen PATH: a local Pktgen-DPDK
# (pktgen-23.06.1, see bench/pktgen/README.md) drives each DUT over one
# net_memif link with bench/pktgen/size-sweep.lua, as it would drive a NIC
# port on bare metal. Sourced by bench/run; uses its globals.
#
# pktgen: memif server, --lcores 0@A,1@A, -m 1.0 (lcore 1 polls port 0); its
# main and timer threads spin, so they get SCHED_IDLE: the worker keeps CPU A.
# The DUT: memif client on CPU B (--lcores 0@B,1@B), forwarding back out of
# the same port. pktgen needs a terminal (script(1)) and ~1.25 GB of
# hugepages. Figures: pktgen's own per-second rx/tx rates (rx = what the DUT
# sent back), averaged by the profile over --seconds after --skip seconds.
# Shutdown: when the profile has written every size, the DUT gets SIGINT
# (pktgen sends nothing by then), then pktgen is stopped by PID (SIGTERM,
# then SIGKILL): the run is judged by the CSV lines, not by exit codes.

# descendants PID: PID's children, grandchildren, ... (by /proc)
descendants() {
	local c
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

# idle_threads PID: SCHED_IDLE for every thread of PID but its lcore workers
idle_threads() {
	local t comm
	for t in /proc/"$1"/task/*; do
		[[ -r $t/comm ]] || continue
		comm=$(<"$t/comm")
		[[ $comm == rte-worker-* || $comm == lcore-worker-* ]] && continue
		chrt --idle -p 0 "${t##*/}" >/dev/null 2>&1
	done
}

# pktgen_one PEER MODE RUN SIZES: one pktgen process against one DUT
pktgen_one() {
	local peer=$1 mode=$2 run=$3 psizes=$4 i n want pg_pid spid dpid pfx_pg pfx_d
	local tag=pktgen-$mode-$peer-$run sock=$work/pktgen.sock csv=$work/pktgen-$mode-$peer-$run.csv
	local log=$work/$tag.log dlog=$work/$tag.dut.log sj=$work/$tag.json
	local -a pcmd dcmd
	rm -f "$sock" "$csv"
	new_prefix_for pktgen; pfx_pg=$pfx
	pcmd=("$pktgen" --lcores "0@$cpu_gen,1@$cpu_gen" --no-pci --file-prefix "$pfx_pg"
		--vdev "net_memif0,role=server,socket=$sock,socket-abstract=no" --
		-P -m 1.0 -f "$root/bench/pktgen/size-sweep.lua")
	memif_dut_cmd "$peer" "$mode" "$sock" "$sj"
	pfx_d=$pfx
	clean_prefix "$pfx_pg"
	clean_prefix "$pfx_d"
	n=$(hp_free)
	if ((n < 700)); then
		echo "  pktgen $mode $peer run $run: only $n free hugepages (pktgen needs ~640): not run"
		return 1
	fi
	echo "${pcmd[*]}" >"$log.cmd"
	echo "${dcmd[*]}" >"$dlog.cmd"

	# script(1) gives pktgen its terminal; the profile's settings go
	# through the environment
	NBB_DUT=$peer NBB_PORTS=0 NBB_SIZES=$psizes NBB_SECONDS=$((secs - skip)) NBB_WARMUP=$skip \
	NBB_OUT=$csv NBB_QUIT=0 NBB_WAIT_LINK=30 \
		${pin_cpus:+taskset -c "$pin_cpus"} timeout -s TERM -k 5 $((secs * 6 + 120)) \
		script -qfec "$(printf '%q ' "${pcmd[@]}")" /dev/null </dev/null >"$log" 2>&1 &
	spid=$!
	bg_pids+=("$spid")
	for ((i = 0; i < 150; i++)); do
		[[ -S $sock ]] && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.2
	done
	if [[ ! -S $sock ]]; then
		echo "  pktgen $mode $peer run $run: pktgen did not create its memif socket; its output:"
		sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$log" | grep -v '^\s*$' | tail -8 | sed 's/^/  | /'
		kill_run "$spid"
		return 1
	fi
	: >"$dlog"
	launch "$pin_cpus" "$dlog" $((secs * 6 + 110)) "${dcmd[@]}"; dpid=$lpid

	want=$(tr ',' '\n' <<<"$psizes" | grep -c .)
	for ((i = 0; i < 2 * (secs * 6 + 100); i++)); do
		pg_pid=$(descendants "$spid" | while read -r p; do
			[[ $(cat /proc/"$p"/comm 2>/dev/null) == pktgen ]] && echo "$p"; done | head -1)
		[[ -n $pg_pid ]] && idle_threads "$pg_pid"
		n=$( (grep -c "^$peer,size-sweep," "$csv" 2>/dev/null) || true)
		((n >= want || interrupted)) && break
		kill -0 "$spid" 2>/dev/null || break
		kill -0 "$dpid" 2>/dev/null || break
		sleep 0.5
	done
	kill_run "$dpid" 15
	# pktgen ignores SIGINT at its prompt: TERM to it, then KILL, by PID
	[[ -n $pg_pid ]] && kill -TERM "$pg_pid" 2>/dev/null
	wait_pid "$spid" 5 || true
	if kill -0 "$spid" 2>/dev/null; then
		[[ -n $pg_pid ]] && kill -KILL "$pg_pid" 2>/dev/null
		kill_run "$spid"
	fi
	clean_prefix "$pfx_pg"
	clean_prefix "$pfx_d"
	rm -f "$sock"

	n=$( (grep -c "^$peer,size-sweep," "$csv" 2>/dev/null) || true)
	if ((n < want)); then
		echo "  pktgen $mode $peer run $run: $n of $want sizes measured; pktgen's last lines:"
		sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$log" | grep -v '^\s*$' | tail -6 | sed 's/^/  | /'
		echo "  DUT's last lines:"
		tail -4 "$dlog" | sed 's/^/  | /'
		return 1
	fi
	# dut,profile,frame_bytes,flows,rate_pct,port,rx_mpps,tx_mpps,rx_gbps_wire
	awk -F, -v m="$mode" -v r="$run" -v p="$peer" '$1 == p && $2 == "size-sweep" {
		printf "  pktgen %-8s %-16s run %d: %5d B: pktgen rx %.3f Mpps (tx %.3f)\n", m, p, r, $3, $7, $8
		printf "%s,%s,%d,%d,%s,%s\n", p, m, r, $3, $7, $8 >> "'"$work/pktgen.all"'"
	}' "$csv"
	return 0
}

run_pktgen() {
	local psizes="" s mode run peer failed_pg=0
	local -a order
	[[ -x $pktgen ]] || { echo "bench: pktgen: '$pktgen' is not an executable: skipped"; return 1; }
	command -v script >/dev/null || { echo "bench: pktgen: needs script(1) (util-linux): skipped"; return 1; }
	command -v chrt >/dev/null || { echo "bench: pktgen: needs chrt(1) (util-linux): skipped"; return 1; }
	for s in "${size_list[@]}"; do
		if ((s <= 1518)); then
			psizes+=${psizes:+,}$s
		else
			echo "bench: pktgen: $s B not driven (pktgen 23.06 sends jumbo frames only with its own jumbo setup)"
		fi
	done
	[[ -n $psizes ]] || { echo "bench: pktgen: no size <= 1518 in --sizes: skipped"; return 0; }
	echo "== pktgen ($pktgen) over net_memif: mode io (or the first of --modes), sizes $psizes, ${secs} s per size (warm-up $skip s)"
	: >"$work/pktgen.all"
	# one mode: io if asked for, else the first (memif's copies dwarf the mode)
	mode=${mode_list[0]}
	in_list io "$modes" && mode=io
	for mode in "$mode"; do
		for ((run = 1; run <= runs && !interrupted; run++)); do
			abba_order "$run"
			for peer in "${order[@]}"; do
				((interrupted)) && break
				wait_for_idle
				pktgen_one "$peer" "$mode" "$run" "$psizes" || failed_pg=1
			done
		done
	done
	pktgen_csv=$work/pktgen.all
	return $failed_pg
}
