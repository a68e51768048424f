#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Issue 15 item 2 through a real PMD: an rx path that attaches received data
# to an external buffer. nbfwd runs net_vhost0 with ext-buffer=1 (macswap,
# forwarding to net_pcap0's tx_pcap); dpdk-testpmd is the virtio_user
# frontend and sends a capture of mixed sizes (io, its net_pcap0 rx_pcap ->
# virtio_user). DPDK 22.11's vhost dequeue (virtio_dev_pktmbuf_prep) leaves a
# frame that fits the mbuf's tailroom (2048 B) in the mbuf and attaches a
# longer one to an rte_malloc'd buffer (virtio_dev_extbuf_alloc) that lies in
# no nbfwd region. nbfwd must:
#   - drop every frame over 2048 B, counted foreign_buffer (total, port 0,
#     its queue 0), and nothing else;
#   - forward every frame of at most 2048 B with its MACs swapped, byte for
#     byte (pcap_compare --mode macswap), and no other frame;
#   - exit 0 with every mbuf back.
# macswap rather than io: a bridge that resolves the mbuf's own (unused)
# buffer would swap bytes there and send the attached bytes untouched, so it
# shows as wrong bytes as well as missing counts (it did on 8cb9e1a).
# CPUs: nbfwd alone on CPU 1 (-l 1); testpmd's lcores on CPU 0.
set -euo pipefail
NBT_NAME=foreign-buffer
. "$(dirname "$0")/lib.sh"

need_cmd dpdk-testpmd
need_hugepages 64
need_nbfwd

# the mbuf's tailroom in nbfwd's pools (RTE_MBUF_DEFAULT_BUF_SIZE - headroom)
room=$NBT_SEG_FIRST
# mixed sizes, both sides of the boundary (2048 fits, 2049 does not)
sizes=(60 1514 2000 3000 64 9014 2047 2048 2049 4500 1500 9000 128 8192 2040 6000 60 3042)
fit=0
for s in "${sizes[@]}"; do
	[ "$s" -gt "$room" ] || fit=$((fit + 1))
done
big=$((${#sizes[@]} - fit))
in=$NBT_TMP/in.pcap
out=$NBT_TMP/out.pcap
"$NBT_PY" "$NBT_TOOLS/pcap_synth.py" "$in" "${sizes[@]}" || fail "pcap_synth"

sock=/tmp/nbt-foreign-buffer-$$.sock
reg_file "$sock"
rm -f "$sock"

NBT_LCORES=1 NBT_LIMIT=90 start_nbfwd vhost \
	--vdev "net_vhost0,iface=$sock,queues=1,ext-buffer=1" \
	--vdev "net_pcap0,tx_pcap=$out" -- --mode macswap
nbfwd_pid=$NBT_PID
nbfwd_log=$NBT_LOG
nbfwd_prefix=$NBT_PREFIX
wait_log "forwarding: mode macswap" 30
wait_socket "$sock" "nbfwd (vhost-user server)"

# port_rx: nbfwd's port 0 rx_packets, from /nbfwd/stats
port_rx() {
	"$NBT_PY" "$NBT_TOOLS/telemetry_query.py" "$nbfwd_prefix" /nbfwd/stats |
		"$NBT_PY" -c 'import json, sys
s = json.load(sys.stdin)["/nbfwd/stats"]
print(s["0"]["rx_packets"] if isinstance(s, dict) else s[0]["rx_packets"])' ||
		fail "telemetry /nbfwd/stats did not answer"
}

# testpmd, interactive, its commands written to a fifo; forwarding started
# once the vhost link is up, with --no-flush-rx (testpmd's start drains its
# rx queues first: the whole capture would go)
testpmd_start testpmd --lcores 0@0,1@0 --no-huge -m 512 \
	--vdev "net_pcap0,rx_pcap=$in" --vdev "net_virtio_user0,path=$sock,queues=1" -- \
	-i --forward-mode=io --no-flush-rx --total-num-mbufs=8192 --nb-cores=1

up=0
for ((t = 0; t < 80; t++)); do
	kill -0 "$tp_pid" 2>/dev/null || tp_fail "testpmd exited early"
	if grep -q "virtio is now ready for processing" "$nbfwd_log"; then
		up=1
		break
	fi
	sleep 0.25
done
[ $up = 1 ] || tp_fail "the vhost-user connection did not come up within 20 s"
tp_send "start"

# every frame reaches nbfwd (forwarded or dropped): its rx count says so
got=0
for ((t = 0; t < 100; t++)); do
	kill -0 "$nbfwd_pid" 2>/dev/null || { NBT_PID=$nbfwd_pid wait_nbfwd; fail "nbfwd exited ($NBT_RC)"; }
	got=$(port_rx)
	[ "$got" -lt "${#sizes[@]}" ] || break
	sleep 0.2
done
# testpmd first (the frontend leaves; nbfwd's vhost port stays), then nbfwd
tp_send "stop"
tp_send "quit"
testpmd_wait
NBT_PID=$nbfwd_pid
NBT_LOG=$nbfwd_log
stop_nbfwd

expect_ok "nbfwd on net_vhost ext-buffer=1"
# bytes first: an attached frame that left nbfwd was resolved somewhere
n_big_out=$(pcap_field "$out" packets --min-caplen $((room + 1)))
[ "$n_big_out" = 0 ] ||
	fail "$n_big_out frames over $room B (attached to external buffers) left net_pcap0:" \
		"$("$NBT_PY" "$NBT_TOOLS/pcap_compare.py" --mode macswap "$in" "$out" 2>&1)"
expect_json ports.0.driver == net_vhost ports.1.driver == net_pcap \
	ports.0.rx_packets == "${#sizes[@]}" \
	drops.foreign_buffer == "$big" ports.0.foreign_buffer == "$big" \
	ports.0.queues.0.foreign_buffer == "$big" \
	ports.0.dropped == "$big" dropped == "$big" \
	ports.1.tx_packets == "$fit"
expect_zero_drops
res=$(pcap_compare --mode macswap "$in" "$out" --max-caplen "$room")
[ "$tp_rc" = 0 ] || say "note: testpmd exit status $tp_rc (judged by nbfwd's counters)"
say "ok: $big frames attached to external buffers dropped as foreign_buffer;" \
	"the $fit that fit forwarded, macswapped: $res"
say PASS
