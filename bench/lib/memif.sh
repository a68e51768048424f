# SPDX-License-Identifier: BSD-3-Clause
# bench/lib/memif.sh: one run of the memif setup: a dpdk-testpmd generator
# and the DUT (nbfwd or testpmd io/macswap/mac) in two processes joined by
# one net_memif link. Sourced by bench/run; uses its globals.
#
# CPUs: with two CPUs each process gets one: the generator's main and
# forwarding lcores both on the first CPU of --lcores (--lcores 0@A,1@A), the
# DUT's on the second (--lcores 0@B,1@B). Main lcores sleep (testpmd's
# interactive prompt, testpmd's and nbfwd's 1 s stats loop), so each
# forwarding lcore has its CPU to itself.
#
# The generator is the memif server, interactive, its commands written to a
# fifo; the DUT is the client and forwards what it receives back out of the
# same port (one port: nbfwd pairs it with itself, testpmd too). Generator
# modes:
#   flowgen  (default) receives and frees what comes back, then sends a burst
#            of UDP frames (one built per burst and sent burst times, its
#            refcount raised: --flowgen-clones) over 1024 flows: the DUT
#            really forwards.
#   txonly   only sends: the DUT's tx ring fills at once and the DUT drops
#            what it cannot send (tx_full): an rx-and-drop measure.
# Shutdown: DPDK 22.11's memif PMD unmaps the shared memory from the
# interrupt thread when the peer goes away, while the process's lcore may be
# in rx/tx burst on it (SIGSEGV). So: generator "stop" (its lcore stops
# polling), then SIGINT to the DUT (its lcore stops before it closes the
# port), then generator "quit". If the generator dies anyway, the DUT's
# figures stand on their own: the run is judged by the DUT's counters.

# gen_send CMD: one command to the generator; a subshell that ignores SIGPIPE,
# so that a generator that died makes the write fail instead of killing us
gen_send() {
	(trap '' PIPE; echo "$1" >&7) 2>/dev/null
}

# run_memif PEER RUN: one run in the current cell; returns 0 recorded, 1
# failed, 2 interrupted (not recorded)
run_memif() {
	r_peer=$1 r_run=$2
	local tag=$c_setup-$c_size-$c_mode-$r_peer-$r_run i up=0 gpid dpid sock lpid
	local gen_pfx dut_pfx fifo tx_len rc
	local -a gcmd dcmd
	r_log=$work/$tag.log r_sj=$work/$tag.json r_rc=0 r_ok=1 r_note="" r_from=traffic
	r_gen_log=$work/$tag.gen.log r_gen_rc=0
	sock=$work/memif-$r_run.sock
	fifo=$work/gen.fifo
	rm -f "$sock" "$fifo"
	mkfifo "$fifo" || { echo "bench: mkfifo $fifo failed" >&2; return 1; }

	# generator: testpmd flowgen takes the frame length with its FCS and
	# sends 4 bytes less; txonly sends --txpkts bytes
	new_prefix_for gen; gen_pfx=$pfx
	if [[ $gen_mode == flowgen ]]; then tx_len=$c_frame; else tx_len=$c_mbuf; fi
	gcmd=("$tp_bin" --lcores "0@$cpu_gen,1@$cpu_gen" --no-pci --file-prefix "$gen_pfx"
		--vdev "net_memif0,role=server,socket=$sock,socket-abstract=no" --
		-i --forward-mode="$gen_mode" --nb-cores=1 --burst="$burst"
		--total-num-mbufs=8192)
	# a jumbo frame in one generator mbuf; memif cuts it into 2 KB buffers
	((c_mbuf > 2048)) && gcmd+=(--mbuf-size=9344)
	gcmd+=(--txpkts="$tx_len")
	# flowgen: one frame built per burst, sent 32 times (refcount): the DUT
	# gets 32 copies (memif copies), the generator saves the header writes
	[[ $gen_mode == flowgen ]] && gcmd+=(--flowgen-clones=$((burst - 1)))
	r_gen_cmd="${gcmd[*]}"

	memif_dut_cmd "$r_peer" "$c_mode" "$sock" "$r_sj"
	dut_pfx=$pfx
	r_cmd="${dcmd[*]}"
	check_free_pages "generator and $r_peer" || return 1
	clean_prefix "$gen_pfx"
	clean_prefix "$dut_pfx"
	echo "$r_gen_cmd" >"$r_gen_log.cmd"
	echo "$r_cmd" >"$r_log.cmd"
	: >"$r_log"
	: >"$r_gen_log"

	acct_begin
	# the generator reads its commands from the fifo, not /dev/null
	${pin_cpus:+taskset -c "$pin_cpus"} timeout -k 10 $((secs + 90)) "${gcmd[@]}" \
		<"$fifo" >>"$r_gen_log" 2>&1 &
	gpid=$!
	bg_pids+=("$gpid")
	exec 7>"$fifo"
	fifo_fd_open=1
	if ! wait_sock "$sock" "$gpid" 10; then
		r_note+="generator did not create its memif socket; "
		r_ok=0
	else
		launch "$pin_cpus" "$r_log" $((secs + 80)) "${dcmd[@]}"; dpid=$lpid
		# the link is up once the client connected
		for ((i = 0; i < 60; i++)); do
			((interrupted)) && break
			kill -0 "$gpid" 2>/dev/null || break
			kill -0 "$dpid" 2>/dev/null || break
			gen_send "show port info 0"
			sleep 0.25
			grep -q "Link status: up" "$r_gen_log" && { up=1; break; }
		done
		if ((up)); then
			gen_send "start"
			for ((i = 0; i < 2 * (secs + 30) && !interrupted; i++)); do
				kill -0 "$dpid" 2>/dev/null || break
				sleep 0.5
				covered "$r_log" "$secs" traffic && break
			done
			gen_send "stop"
			sleep 0.5
		else
			r_note+="memif link did not come up in 15 s; "
			r_ok=0
		fi
		kill_run "$dpid" 15; r_rc=$?
		((r_rc == 255)) && r_note+="DUT killed after SIGINT; "
	fi
	gen_send "quit"
	exec 7>&-
	fifo_fd_open=0
	wait_pid "$gpid" 10; rc=$?
	if ((rc == 255)); then
		kill_run "$gpid"
		r_note+="generator killed after quit; "
	fi
	r_gen_rc=$rc
	acct_end
	clean_prefix "$gen_pfx"
	clean_prefix "$dut_pfx"
	rm -f "$sock" "$fifo"
	((interrupted)) && return 2

	((r_gen_rc == 0)) || r_note+="generator exit status $r_gen_rc (judged by the DUT's counters); "
	judge_run 'Port statistics ===='
	record_run
}
