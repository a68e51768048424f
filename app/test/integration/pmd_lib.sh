# SPDX-License-Identifier: BSD-3-Clause
# The net_nbshm PMD in Debian's stock dpdk-testpmd as a consumer of nbfwd in
# vmq mode: helpers of pmd_testpmd.sh (the PMD of the build tree) and
# install.sh (the PMD and nbfwd installed into a DESTDIR). Source after lib.sh
# and vmq_lib.sh.
#
#   pmd_setup SO    PMD: a path of SO that EAL's -d accepts (a private copy
#                   when SO sits under a world-writable directory, removed at
#                   exit), TP_EAL, the attach socket sock, the frames: tp's
#                   (frames/, n_tp of n_total) and testpmd's (txin/)
#   tp_once TAG VDEV       testpmd probing VDEV, then exiting
#   start_vmq ROUND / tp_round ROUND COPY / stop_vmq
#                   nbfwd ($NBFWD) serving consumer tp, testpmd as tp for one
#                   feed of the frames (COPY: the PMD's copy=), nbfwd stopped;
#                   every check of pmd_testpmd.sh's part 3 on the way

pmd_setup() {
	local so=$1
	[ -r "$so" ] || fail "the PMD is not there: $so"
	# EAL takes no plugin from under a world-writable directory (a clone in /tmp)
	PMD=$("$NBT_SRC/drivers/net/nbshm/pmd-path.sh" "$so") || fail "pmd-path.sh failed"
	[ "$PMD" = "$so" ] || {
		reg_file "$PMD"
		reg_file "$(dirname "$PMD")"
	}

	TP_EAL=(-d "$PMD" --no-pci --no-huge -m 512 --lcores 0@0,1@0 --log-level=pmd.net.nbshm:info)

	# A PMD built with the sanitizers (the CI's ASan tree) needs their runtimes
	# loaded first in the stock, uninstrumented testpmd (and testpmd's own leaks
	# at exit are not the PMD's).
	if ldd "$PMD" | grep -q libasan; then
		export LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
		export ASAN_OPTIONS=detect_leaks=0:${ASAN_OPTIONS:-}
		say "the PMD is built with ASan: testpmd runs with LD_PRELOAD=$LD_PRELOAD"
	fi

	sock=$NBT_TMP/nbshm.sock
	frames=$NBT_TMP/frames
	vmq_frames "$frames" 400 tp=02:00:00:00:00:c1
	n_tp=$(json_get "$frames/counts.json" tp)
	n_total=$(json_get "$frames/counts.json" total)
	txin=$NBT_TMP/txin
	vmq_frames "$txin" 100 other=02:00:00:00:00:99	# the tx input
}

# tp_once TAG VDEV: testpmd, not interactive, stdin at EOF (it starts its
# ports, then exits at once); log in $NBT_TMP/TAG.log, set as NBT_LOG
tp_once() {
	new_prefix
	NBT_LOG=$NBT_TMP/$1.log
	NBT_CMD="dpdk-testpmd ${TP_EAL[*]} --file-prefix $NBT_PREFIX --vdev $2 -- --total-num-mbufs=2048"
	timeout -k 5 30 dpdk-testpmd "${TP_EAL[@]}" --file-prefix "$NBT_PREFIX" --vdev "$2" -- \
		--total-num-mbufs=2048 </dev/null >"$NBT_LOG" 2>&1 || true
}

# pcap_count FILE: packets in a capture (0 while it does not exist yet)
pcap_count() {
	[ -s "$1" ] || { echo 0; return; }
	"$NBT_PY" "$NBT_TOOLS/pcap_compare.py" --count --field packets "$1" 2>/dev/null || echo 0
}

# start_vmq ROUND: the feeder and nbfwd (vmq, consumer tp on net_pcap0)
start_vmq() {
	local fifo=$NBT_TMP/rx-$1.fifo ini=$NBT_TMP/vmq.ini
	mkfifo "$fifo"
	bg_start 60 "$NBT_TMP/feed-$1.log" "$NBT_PY" "$NBT_TOOLS/pcap_fifo_feed.py" "$fifo" \
		"$frames/in.pcap" "$NBT_TMP/go.$1"
	feed_pid=$BG_PID
	vmq_ini "$ini" "$sock" <<EOF
[consumer tp]
port = net_pcap0
mac = 02:00:00:00:00:c1
buffers = 2048
buffer_size = 512
ring_size = 1024
; testpmd forwards other stations' frames (any source MAC, any VLAN) into it
spoof_check = off
EOF
	nbfwd_tx=$NBT_TMP/nbfwd-tx-$1.pcap
	NBT_LIMIT=60 start_nbfwd "vmq-$1" -l 1 --vdev "net_pcap0,rx_pcap=$fifo,tx_pcap=$nbfwd_tx" \
		-- -f "$ini"
	nbfwd_pid=$NBT_PID
	nbfwd_log=$NBT_LOG
	wait_log "consumers attach at" 30
	[ -S "$sock" ] || fail "no attach socket at $sock"
}

# stop_vmq: the feeder is done, nbfwd stops; its counters say every frame for
# tp was delivered and given back by the PMD (none reclaimed at detach) and
# testpmd's 100 frames were sent; they left net_pcap0 byte for byte
stop_vmq() {
	local r
	bg_wait "$feed_pid"
	[ "$BG_RC" = 0 ] || fail "the FIFO feeder exit status $BG_RC"
	NBT_PID=$nbfwd_pid
	NBT_LOG=$nbfwd_log
	stop_nbfwd
	expect_ok "nbfwd vmq run"
	expect_json consumers.0.delivered == "$n_tp" consumers.0.returned == "$n_tp" \
		consumers.0.reclaimed == 0 consumers.0.lent_now == 0 \
		consumers.0.tx_packets == 100 consumers.0.attaches == 1 \
		drops.consumer == 0 drops.filtered == $((n_total - n_tp))
	for r in bad_handle stale_generation out_of_bounds zero_length too_many_segments \
			length_mismatch bad_flags truncated not_lent misaligned index_jump; do
		expect_json "consumers.0.rejects.$r" == 0
	done
	pcap_compare --mode io "$txin/in.pcap" "$nbfwd_tx" >/dev/null
}

# tp_round ROUND COPY: testpmd as consumer tp for one feed of the capture
tp_round() {
	local r=$1 copy=$2 out=$NBT_TMP/tp-out-$1.pcap tp_log=$NBT_TMP/testpmd-$1.log t n
	local tp_in=$NBT_TMP/testpmd-$1.stdin tp_pid how="zero copy"
	[ "$copy" = 0 ] || how=copy
	new_prefix
	mkfifo "$tp_in"
	local tp_cmd=(dpdk-testpmd "${TP_EAL[@]}" --file-prefix "$NBT_PREFIX"
		--vdev "net_nbshm0,socket=$sock,name=tp,copy=$copy"
		--vdev "net_pcap1,rx_pcap=$txin/in.pcap,tx_pcap=$out"
		-- -i --forward-mode=io --nb-cores=1 --total-num-mbufs=8192 --no-flush-rx)
	: >"$tp_log"
	timeout -k 5 60 "${tp_cmd[@]}" <"$tp_in" >"$tp_log" 2>&1 &
	tp_pid=$!
	NBT_PIDS+=("$tp_pid")
	exec 7>"$tp_in"
	tp_fail() {
		NBT_CMD="${tp_cmd[*]}" NBT_LOG=$tp_log fail "round $r ($how): $*"
	}
	tp_send() {
		echo "$1" >&7 || tp_fail "testpmd stopped reading commands (before '$1')"
	}
	for ((t = 0; t < 200; t++)); do
		grep -q "consumer tp attached" "$nbfwd_log" && break
		kill -0 "$tp_pid" 2>/dev/null || tp_fail "testpmd exited early"
		sleep 0.1
	done
	grep -q "consumer tp attached" "$nbfwd_log" || tp_fail "testpmd did not attach within 20 s"
	grep -qE "net_nbshm0: attached to consumer tp queue 0 at $sock: .*, $how$" "$tp_log" ||
		tp_fail "no 'attached ... $how' line from the PMD"
	tp_send "start"
	touch "$NBT_TMP/go.$r"
	for ((t = 0; t < 200; t++)); do
		n=$(pcap_count "$out")
		[ "$n" -ge "$n_tp" ] && break
		sleep 0.1
	done
	# testpmd goes on polling a while: the PMD gives back the last frames
	sleep 0.5
	tp_send "show port xstats 0"
	tp_send "stop"
	tp_send "quit"
	exec 7>&-
	wait "$tp_pid" || tp_fail "testpmd exit status $?"
	nbt_forget_pid "$tp_pid"
	n=$(pcap_count "$out")
	[ "$n" = "$n_tp" ] || tp_fail "testpmd captured $n frames, expected $n_tp"
	grep -qE "^ *rx_good_packets: $n_tp$" "$tp_log" || tp_fail "rx_good_packets is not $n_tp"
	grep -qE "^ *rx_q0_packets: $n_tp$" "$tp_log" || tp_fail "rx_q0_packets is not $n_tp"
	grep -qE "^ *tx_good_packets: 100$" "$tp_log" || tp_fail "tx_good_packets is not 100"
	grep -qE "^ *returns_pending: 0$" "$tp_log" || tp_fail "no 'returns_pending: 0' xstat"
	if grep -E "^ *(rx_rejected_[a-z_]+|index_jumps|tx_no_buffer|tx_too_long|rx_missed_errors|rx_errors|tx_errors): [1-9]" \
			"$tp_log"; then
		tp_fail "a PMD error counter is not 0"
	fi
	grep -q "net_nbshm0: detached from consumer tp queue 0" "$tp_log" ||
		tp_fail "the PMD did not log its detach"
	pcap_compare --mode io "$frames/expect-tp.pcap" "$out" >/dev/null
	for ((t = 0; t < 50; t++)); do
		grep -q "consumer tp detached" "$nbfwd_log" && break
		sleep 0.1
	done
	grep "consumer tp detached" "$nbfwd_log" | grep -q ": 0 lent buffer(s) taken back" ||
		tp_fail "nbfwd took back buffers the PMD did not return: $(grep "consumer tp detached" "$nbfwd_log")"
}
