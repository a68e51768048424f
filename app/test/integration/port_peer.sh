#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A port's peer may come and go at any moment (doc/port-peers.md).
#   port_peer.sh memif: nbfwd is a net_memif server, the peers dpdk-testpmd
#     memif clients;
#   port_peer.sh vhost: nbfwd is a net_vhost backend (vhost-user server), the
#     peers dpdk-testpmd virtio_user frontends.
# nbfwd (one port forwarding back out of itself, io) survives
# $NBT_PEER_CYCLES (default 50) connect/disconnect cycles of a peer that sends
# a tx_first burst (the burst then loops between the two at full rate) and is
# killed, at a random moment of the traffic, with SIGKILL (socket closed under
# it) or SIGTERM (testpmd stops its port). Every 5th peer is killed without
# waiting for the connection (during its start-up or the handshake).
# DPDK 22.11's memif PMD tears a connection down from the EAL interrupt thread
# (memif_disconnect(): clears CONNECTED, then unmaps the regions) while a
# worker may be inside rx/tx burst on those rings: on d0f316a nbfwd died with
# SIGSEGV. nbfwd now polls a memif port only under the lock memif_disconnect()
# takes between the two. The vhost PMD waits for its bursts itself.
# After each cycle nbfwd still runs; at the end it exits 0 with every mbuf
# back, and it logged a connection for every cycle that waited for one.
# CPUs: nbfwd alone on CPU 1 (-l 1); testpmd's lcores on CPU 0. About 2 s a
# cycle on a loaded 2-CPU machine: 50 cycles fit the 240 s meson timeout.
set -euo pipefail
mode=${1:-memif}
NBT_NAME=$mode-peer
. "$(dirname "$0")/lib.sh"

need_cmd dpdk-testpmd
need_hugepages 64
need_nbfwd

n=${NBT_PEER_CYCLES:-50}
RANDOM=${NBT_SEED:-$$}
say "seed ${NBT_SEED:-$$}, $n cycles"
sock=/tmp/nbt-$mode-peer-$$.sock
reg_file "$sock"
rm -f "$sock"
# nbfwd's port, the peer's, the line nbfwd logs per connection
case $mode in
memif)
	ours=(--log-level=pmd.net.memif:info
		--vdev "net_memif0,role=server,socket=$sock,socket-abstract=no")
	theirs="net_memif0,role=client,socket=$sock,socket-abstract=no"
	up="Connected\."
	;;
vhost)
	ours=(--vdev "net_vhost0,iface=$sock,queues=1")
	theirs="net_virtio_user0,path=$sock,queues=1"
	up="virtio is now ready for processing"
	;;
*)
	fail "mode $mode: expected memif or vhost"
	;;
esac

NBT_LCORES=1 NBT_LIMIT=$((60 + 5 * n)) start_nbfwd "$mode" "${ours[@]}" -- --mode io
nbfwd_pid=$NBT_PID
wait_log "forwarding: mode io" 20
wait_socket "$sock" "nbfwd ($mode server)"

connected() {
	grep -c -- "$up" "$NBT_LOG" || true
}

alive() {
	kill -0 "$nbfwd_pid" 2>/dev/null && return 0
	wait_nbfwd
	fail "nbfwd died in cycle $1 ($2): exit status $NBT_RC$([ "$NBT_RC" -gt 128 ] &&
		echo " (signal $((NBT_RC - 128)))")"
}

waited=0
for ((i = 0; i < n; i++)); do
	sigs=(KILL TERM)
	sig=${sigs[$((RANDOM % 2))]}
	before=$(connected)
	new_prefix
	bg_start 60 "$NBT_TMP/testpmd$i.log" dpdk-testpmd --lcores 0@0,1@0 --no-pci --no-huge \
		-m 256 --file-prefix "$NBT_PREFIX" \
		--vdev "$theirs" -- \
		--forward-mode=io --tx-first --total-num-mbufs=4096 --nb-cores=1
	tp=$BG_PID
	what="testpmd killed with SIG$sig"
	if [ $((i % 5)) = 4 ]; then
		sleep "0.$((RANDOM % 10))"
		what+=" after a random 0-0.9 s"
	else
		# the connection is up (nbfwd logged it), traffic loops; then 0-0.6 s
		for ((t = 0; t < 200; t++)); do
			[ "$(connected)" -gt "$before" ] && break
			kill -0 "$tp" 2>/dev/null ||
				fail "testpmd $i exited before connecting: $(tail -5 "$NBT_TMP/testpmd$i.log")"
			sleep 0.05
		done
		[ "$(connected)" -gt "$before" ] ||
			fail "cycle $i: no $mode connection within 10 s"
		waited=$((waited + 1))
		sleep "0.$((RANDOM % 7))"
		what+=" during traffic"
	fi
	# testpmd is the child of its timeout wrapper
	for c in $(ps -o pid= --ppid "$tp" 2>/dev/null); do
		kill -"$sig" "$c" 2>/dev/null || true
	done
	bg_wait "$tp"
	alive "$i" "$what"
done
sleep 0.5
alive "$n" "after the last peer left"
conns=$(connected)
stop_nbfwd
expect_ok "nbfwd after $n $mode peers"
expect_json ports.0.driver == "net_$mode" mbufs_in_use_at_exit == 0 rx_packets '>' 0 \
	tx_packets '>' 0
[ "$conns" -ge "$waited" ] || fail "nbfwd logged $conns $mode connections, $waited cycles waited for one"
say "ok: $n $mode peers came and went ($conns connections, killed by SIGKILL/SIGTERM" \
	"under traffic or while connecting); nbfwd ran on, exit 0, every mbuf back"
say PASS
