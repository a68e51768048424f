# SPDX-License-Identifier: BSD-3-Clause
# bench/lib/fwd.sh: one run of one forwarder on vdevs it owns alone (setups
# null, ring, pcap), and the code every run shares: peer options, recording.
# Sourced by bench/run; uses its globals (tp_bin, nbfwd, lcores, burst, rxd,
# txd, secs, skip, work, py, report, records, pin_cpus, hp_dir, pcap_file, ...).

# testpmd options of a testpmd peer
tp_peer_args() {
	case $1 in
	testpmd-xbuf) echo "--mp-alloc=xbuf" ;;
	testpmd-xmemhuge) echo "--mp-alloc=xmemhuge" ;;
	esac
}

# nbfwd options of an nbfwd peer
nb_peer_args() {
	case $1 in
	nbfwd-extbuf) echo "--pool-layout extbuf" ;;
	esac
}

# memif_dut_cmd PEER MODE SOCK STATS_JSON: sets dcmd=() to the DUT on CPU
# $cpu_dut as the client of one net_memif link (bench/run's memif setup and
# --pktgen), forwarding back out of that port; $pfx is its --file-prefix
memif_dut_cmd() {
	local peer=$1 mode=$2 sock=$3 sj=$4 tpmode
	local vdev="net_memif0,role=client,socket=$sock,socket-abstract=no"
	case $mode in l2fwd) tpmode=mac ;; *) tpmode=$mode ;; esac
	case $peer in
	testpmd*)
		new_prefix_for "tp$peer"
		# shellcheck disable=SC2206
		dcmd=("$tp_bin" --lcores "0@$cpu_dut,1@$cpu_dut" --no-pci --file-prefix "$pfx"
			--vdev "$vdev" -- --forward-mode="$tpmode" --nb-cores=1 --burst="$burst"
			--rxd="$rxd" --txd="$txd" --stats-period 1 --total-num-mbufs=16384
			$(tp_peer_args "$peer"))
		;;
	nbfwd*)
		new_prefix_for "nb$peer"
		rm -f "$sj"
		# shellcheck disable=SC2206
		dcmd=("$nbfwd" --lcores "0@$cpu_dut,1@$cpu_dut" --no-pci --file-prefix "$pfx"
			--vdev "$vdev" -- --mode "$mode" --stats-period 1 --burst "$burst"
			--stats-json "$sj" $(nb_peer_args "$peer"))
		;;
	esac
}

# judge_run STARTED_PATTERN: after one run of $r_peer, note its exit status
# (nbfwd: 0 when stopped by --time or SIGINT, 3 mbufs in use at exit;
# testpmd: 0 or 130, re-raised SIGINT) and clear r_ok when its log has no
# stats line (nbfwd) or no STARTED_PATTERN (testpmd)
judge_run() {
	if [[ $r_peer == nbfwd* ]]; then
		((r_rc == 0)) || r_note+="exit status $r_rc; "
		((r_rc == 3)) && r_note+="(nbfwd: mbufs in use at exit) "
		[[ -s $r_sj ]] || r_note+="no --stats-json; "
		grep -q '^\[ *[0-9.]*s\] |' "$r_log" || r_ok=0
	else
		((r_rc == 0 || r_rc == 130)) || r_note+="exit status $r_rc; "
		grep -q -- "$1" "$r_log" || r_ok=0
	fi
}

# vdevs_for SETUP MBUF_BYTES
vdevs_for() {
	case $1 in
	null) echo "--vdev net_null0,copy=1,size=$2 --vdev net_null1,copy=1,size=$2" ;;
	ring) echo "--vdev net_ring0 --vdev net_ring1" ;;
	pcap) echo "--vdev net_pcap0,rx_pcap=$pcap_file,infinite_rx=1 --vdev net_pcap1,rx_pcap=$pcap_file,infinite_rx=1" ;;
	esac
}

# An nbfwd INI for the pcap setup: net_pcap's infinite_rx keeps every packet
# of the file in an mbuf of the port's pool for the whole run, so the pools
# must hold the file plus the working set (nbfwd's automatic pool is 4095).
write_pcap_ini() {
	local n=$1 pool=8191
	while ((pool < n + 4096)); do pool=$((pool * 2 + 1)); done
	local pages=$(((pool * 2 * 2600 / 2097152) + 16))
	cat >"$work/pcap.ini" <<EOF
; written by bench/run for the pcap setup (infinite_rx holds $n mbufs per port)
[region r0]
pages = $pages
page_size = 2M

[port net_pcap0]
region = r0
peer = net_pcap1
queues = 1
rx_desc = $rxd
tx_desc = $txd
pool_size = $pool

[port net_pcap1]
region = r0
peer = net_pcap0
queues = 1
rx_desc = $rxd
tx_desc = $txd
pool_size = $pool
EOF
	pcap_pool=$pool
}

# Does testpmd's log cover S seconds of stats? (from=start|traffic)
covered() { awk -v s="$2" -v from="$3" -f "$root/bench/lib/covered.awk" "$1"; }

# record_run: summarise one run (environment as report.py record wants) into
# $records, print its line; return 1 if it produced no figure
record_run() {
	local fig ok
	SETUP=$c_setup SIZE=$c_size MODE=$c_mode PEER=$r_peer RUN=$r_run RC=$r_rc OK=$r_ok \
	NOTE=$r_note SKIP=$skip SECS=$secs FROM=$r_from \
	B0=$acct_b0 B1=$acct_b1 ST0=$acct_st0 ST1=$acct_st1 C0=$acct_c0 C1=$acct_c1 \
	FRAME=$c_frame MBUF=$c_mbuf SEGS=$c_segs CELL_NOTE=$c_note \
	LOG=$r_log SJ=$r_sj CMD=$r_cmd GEN_LOG=${r_gen_log:-} GEN_CMD=${r_gen_cmd:-} \
	GEN_RC=${r_gen_rc:-0} "$py" "$report" record >>"$records" ||
		{ echo "bench: cannot summarise $r_log" >&2; return 1; }
	fig=$(tail -1 "$records" | "$py" -c '
import json, sys
r = json.load(sys.stdin)
s = ("%.3f Mpps" % r["mpps"]) if r["mpps"] is not None else "FAILED"
if r.get("tx_mpps") is not None and r["setup"] == "memif":
    s += " (tx %.3f)" % r["tx_mpps"]
s += " over %s s; others used %s CPU-s" % (r["window_s"], r["other_cpu_s"])
if r.get("generator_bound"):
    s += "; generator-bound"
if r["note"]:
    s += "; " + r["note"]
print(s)')
	printf '  %-5s %5s %-8s %-16s run %d: %s\n' "$c_setup" "$c_size" "$c_mode" "$r_peer" "$r_run" "$fig"
	ok=$(tail -1 "$records" | "$py" -c 'import json,sys; print(int(json.load(sys.stdin)["ok"]))')
	if ((!ok)); then
		echo "  --- last lines of $r_peer's output:" >&2
		tail -15 "$r_log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g; s/^/  | /' >&2
		if [[ -n ${r_gen_log:-} ]]; then
			echo "  --- last lines of the generator's output:" >&2
			tail -8 "$r_gen_log" | sed 's/^/  | /' >&2
		fi
		return 1
	fi
	return 0
}

# run_single PEER RUN: one run in the current cell (c_setup, c_size, c_mode,
# c_mbuf) of a forwarder that owns its vdevs (null, ring, pcap): -l $lcores,
# main lcore plus one forwarding lcore. Returns 0 recorded, 1 failed, 2
# interrupted (not recorded).
run_single() {
	r_peer=$1 r_run=$2
	local tag=$c_setup-$c_size-$c_mode-$r_peer-$r_run vd tpmode i started=0 pid
	local -a cmd
	r_log=$work/$tag.log r_sj=$work/$tag.json r_rc=0 r_ok=1 r_note="" r_from=start
	r_gen_log="" r_gen_cmd="" r_gen_rc=0

	vd=$(vdevs_for "$c_setup" "$c_mbuf")
	case $c_mode in l2fwd) tpmode=mac ;; *) tpmode=$c_mode ;; esac
	case $r_peer in
	testpmd*)
		new_prefix_for "tp$r_peer"
		# shellcheck disable=SC2206
		cmd=("$tp_bin" -l "$lcores" --no-pci --file-prefix "$pfx" $vd --
			--forward-mode="$tpmode" --nb-cores=1 --burst="$burst"
			--rxd="$rxd" --txd="$txd" --stats-period 1 --total-num-mbufs=16384
			$(tp_peer_args "$r_peer"))
		[[ $c_setup == ring ]] && cmd+=(--tx-first)
		[[ $c_setup == pcap ]] && cmd+=(--no-flush-rx)
		;;
	nbfwd*)
		new_prefix_for "nb$r_peer"
		rm -f "$r_sj"
		# shellcheck disable=SC2206
		cmd=("$nbfwd" -l "$lcores" --no-pci --file-prefix "$pfx" $vd --)
		[[ $c_setup == pcap ]] && cmd+=(-f "$work/pcap.ini")
		# shellcheck disable=SC2206
		cmd+=(--mode "$c_mode" --time "$secs" --stats-period 1 --burst "$burst"
			--stats-json "$r_sj" $(nb_peer_args "$r_peer"))
		[[ $c_setup == ring ]] && cmd+=(--tx-first)
		;;
	esac
	r_cmd="${cmd[*]}"
	check_free_pages "$r_peer" || return 1
	clean_prefix "$pfx"
	echo "$r_cmd" >"$r_log.cmd"

	acct_begin
	: >"$r_log"
	launch "$pin_cpus" "$r_log" $((secs + 60)) "${cmd[@]}"; pid=$lpid
	if [[ $r_peer == nbfwd* ]]; then
		# nbfwd stops itself after --time; poll, so that a signal to us
		# (interrupted) is seen while it runs
		while kill -0 "$pid" 2>/dev/null && ((!interrupted)); do
			sleep 0.5
		done
		if ((interrupted)); then
			kill_run "$pid"
			acct_end
			clean_prefix "$pfx"
			return 2
		fi
		wait "$pid"; r_rc=$?
		forget_pid "$pid"
	else
		# testpmd with --stats-period does not read stdin: it forwards until
		# SIGINT. Send it (by PID, through timeout(1), which forwards it)
		# once its own stats cover $secs seconds, as nbfwd's --time does.
		for ((i = 0; i < 2 * (secs + 40) && !interrupted; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
			grep -q 'Port statistics ====' "$r_log" || continue
			started=1
			covered "$r_log" "$secs" start && break
		done
		kill_run "$pid" 15; r_rc=$?
		((r_rc == 255)) && r_note+="killed after SIGINT; "
		((started)) || { r_note+="never started forwarding; "; r_ok=0; }
	fi
	acct_end
	clean_prefix "$pfx"
	((interrupted)) && return 2

	# testpmd: forwarding started is already known; its exit must be clean
	judge_run 'Port statistics ===='
	[[ $r_peer == nbfwd* ]] || grep -q 'Bye' "$r_log" || r_note+="no clean exit; "
	record_run
}
