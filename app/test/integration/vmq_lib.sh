# SPDX-License-Identifier: BSD-3-Clause
# Shared set-up of the vmq tests; source after lib.sh.
#   nbt-va-PID [a] --veth-- [fa] nbt-vf-PID (nbfwd --mode vmq on net_af_packet0 = fa)
# Consumers c1 (MAC 02:00:00:00:00:c1, any VLAN) and c2 (02:00:00:00:00:c2,
# VLAN 42); frames from vmq_frames.py in $VMQ_FRAMES, sent from namespace a.

NBCAP=$NBT_BUILD/app/nbcap/nbcap

# vmq_ini FILE SOCKET [KEY=VALUE...]: an INI of mode vmq attached at SOCKET
# ([nbfwd] also gets each KEY = VALUE), unmatched frames ${VMQ_UNMATCHED:-drop},
# broadcast and multicast dropped; the sections that follow are read from stdin
vmq_ini() {
	local file=$1 sock=$2 kv
	shift 2
	{
		printf '[nbfwd]\nmode = vmq\nsocket = %s\n' "$sock"
		for kv in "$@"; do
			printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"
		done
		printf '[vmq]\nunmatched = %s\nbroadcast = drop\nmulticast = drop\n' \
			"${VMQ_UNMATCHED:-drop}"
		cat
	} >"$file"
}

# vmq_frames DIR COUNT CONSUMER...: vmq_frames.py's COUNT frames into DIR
# for each CONSUMER (NAME=MAC[@VLAN])
vmq_frames() {
	local dir=$1 count=$2 c args=()
	shift 2
	for c in "$@"; do
		args+=(--consumer "$c")
	done
	"$NBT_PY" "$NBT_TOOLS/vmq_frames.py" "$dir" --count "$count" "${args[@]}" >/dev/null ||
		fail "vmq_frames.py"
}

# vmq_setup COUNT: namespaces, veth, frames, INI ($VMQ_INI), socket ($VMQ_SOCK).
# VMQ_C1_STEERING (default software) is c1's steering; with "port" c1's pool
# also fills the port's rx ring, so it gets more buffers, and c1 owns
# net_af_packet0 alone: c2 moves to net_af_packet1 on a second veth
#   nbt-va-PID [b] --veth-- [fb] nbt-vf-PID
# which gets the same frames (inject sends them into both), and unmatched
# frames are forwarded (what c1's port must not forward is then visible).
vmq_setup() {
	local c1_buffers=1024 c2_port=net_af_packet0 unmatched=drop
	VMQ_C1_STEERING=${VMQ_C1_STEERING:-software}
	VMQ_VDEVS=(--vdev net_af_packet0,iface=fa)
	if [ "$VMQ_C1_STEERING" = port ]; then
		c1_buffers=4096
		c2_port=net_af_packet1
		unmatched=forward
		VMQ_VDEVS+=(--vdev net_af_packet1,iface=fb)
	fi
	need_root "network namespaces"
	need_cmd ip ethtool
	need_hugepages 96
	need_nbfwd
	need_built NBCAP "$NBCAP"
	VMQ_NS_FWD=nbt-vf-$$
	VMQ_NS_A=nbt-va-$$
	nbt_netns "$VMQ_NS_FWD" "$VMQ_NS_A"
	nbt_veth "$VMQ_NS_A" a "$VMQ_NS_FWD" fa
	[ "$VMQ_C1_STEERING" != port ] || nbt_veth "$VMQ_NS_A" b "$VMQ_NS_FWD" fb
	VMQ_FRAMES=$NBT_TMP/frames
	vmq_frames "$VMQ_FRAMES" "$1" c1=02:00:00:00:00:c1 c2=02:00:00:00:00:c2@42
	VMQ_SOCK=$NBT_TMP/nbshm.sock
	VMQ_INI=$NBT_TMP/vmq.ini
	VMQ_UNMATCHED=$unmatched vmq_ini "$VMQ_INI" "$VMQ_SOCK" <<INI
[consumer c1]
port = net_af_packet0
mac = 02:00:00:00:00:c1
buffers = $c1_buffers
ring_size = 256
steering = $VMQ_C1_STEERING
[consumer c2]
port = $c2_port
mac = 02:00:00:00:00:c2
vlan = 42
buffers = 1024
ring_size = 256
INI
}

# vmq_start: nbfwd in the forwarding namespace, attach socket up
vmq_start() {
	NBT_IN_NETNS=$VMQ_NS_FWD NBT_LIMIT=120 start_nbfwd vmq \
		"${VMQ_VDEVS[@]}" -- -f "$VMQ_INI"
	wait_log "consumers attach at" 30
	[ -S "$VMQ_SOCK" ] || fail "no attach socket at $VMQ_SOCK"
}

# cap NAME TAG COUNT: nbcap for consumer NAME into $NBT_TMP/TAG.pcap (counters in
# TAG.json); it sleeps on the eventfd between frames. Sets CAP_PID
cap() {
	bg_start 60 "$NBT_TMP/$2.log" "$NBCAP" -s "$VMQ_SOCK" -n "$1" -w "$NBT_TMP/$2.pcap" \
		-c "$3" -t 50 --stats-json "$NBT_TMP/$2.json"
	CAP_PID=$BG_PID
}

# wait_logged PATTERN N WHAT: the last nbfwd's log has N lines matching PATTERN
wait_logged() {
	local t
	for ((t = 0; t < 200; t++)); do
		[ "$(grep -c -- "$1" "$NBT_LOG")" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "$3 within 20 s"
}

# wait_attached NAME N / wait_detached NAME N: the N-th attach / detach of NAME
wait_attached() {
	wait_logged "consumer $1 attached" "$2" "consumer $1 did not attach (attach #$2)"
}
wait_detached() {
	wait_logged "consumer $1 detached" "$2" "consumer $1 did not detach (detach #$2)"
}

# inject [ARGS]: send the mixed capture from namespace a (into a, and b when
# c1 owns its port)
inject() {
	local dev
	for dev in a $([ "$VMQ_C1_STEERING" != port ] || echo b); do
		ip netns exec "$VMQ_NS_A" timeout 60 "$NBT_PY" "$NBT_TOOLS/pcap_inject.py" \
			"$dev" "$VMQ_FRAMES/in.pcap" "$@" >/dev/null || fail "pcap_inject.py $dev $*"
	done
}

# cap_done PID TAG EXPECT: nbcap PID exited 0 and TAG.pcap equals EXPECT byte for byte
cap_done() {
	bg_wait "$1"
	[ "$BG_RC" = 0 ] || fail "nbcap $2 exit status $BG_RC: $(tail -n 5 "$NBT_TMP/$2.log")"
	pcap_compare --mode io "$3" "$NBT_TMP/$2.pcap" >/dev/null
}
