#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Record the captures in this directory from real kernel traffic: two network
# namespaces joined by a veth pair (VLAN subinterfaces on it when the kernel
# has 802.1Q), tcpdump -w on one end, traffic from ping, curl against
# python3's http.server, and small python3 UDP (DNS-like) and TCP
# request/response peers.
#   app/test/data/make-captures.sh [OUTDIR]     (root; default: this directory)
# Needs ip, ethtool, tcpdump, ping, curl, python3. Namespaces are named
# ${MAKE_CAPTURES_NS:-nbcap}<pid>-a/-b; only those are made and removed (on any
# exit). Traffic stays inside them. README.md here describes what comes out;
# the files differ from run to run in timestamps, ports and counts.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "${1:-$here}" && cd "${1:-$here}" && pwd)
tag=${MAKE_CAPTURES_NS:-nbcap}$$
na=$tag-a
nb=$tag-b
work=$(mktemp -d "/tmp/make-captures.XXXXXX")
made=()
pids=()

cleanup() {
	local rc=$? p ns
	set +e
	trap - EXIT INT TERM
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for ns in "${made[@]}"; do
		ip netns pids "$ns" 2>/dev/null | while read -r p; do kill -KILL "$p"; done
		ip netns del "$ns"
	done
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
	echo "make-captures.sh: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, tcpdump)"
for c in ip ethtool tcpdump ping curl python3; do
	command -v "$c" >/dev/null || die "needs $c"
done

A() { ip netns exec "$na" "$@"; }
B() { ip netns exec "$nb" "$@"; }

for ns in "$na" "$nb"; do
	ip netns add "$ns"
	made+=("$ns")
	ip -n "$ns" link set lo up
done
# a <-> b: veth va (10.99.0.1, fd6e:6200::1) -- vb (.2, ::2), fixed MACs; no
# offloads, so every frame is at most MTU + 14 bytes and carries a complete
# checksum. With the kernel's 802.1Q module: a VLAN 100 subinterface on each
# end (10.99.100.i) and VLAN 10 inside it (10.99.110.i, double-tagged).
ip -n "$na" link add name va address 02:6e:62:00:00:0a type veth \
	peer name vb address 02:6e:62:00:00:0b netns "$nb"
vlan=1
for x in "$na va 1" "$nb vb 2"; do
	read -r ns dev i <<<"$x"
	X() { ip netns exec "$ns" "$@"; }
	X ethtool -K "$dev" tx off tso off gso off gro off rxvlan off txvlan off \
		>/dev/null 2>&1 || true
	X sysctl -qw "net.ipv6.conf.$dev.accept_ra=0"
	X ip addr add "10.99.0.$i/24" dev "$dev"
	X ip addr add "fd6e:6200::$i/64" dev "$dev" nodad
	X ip link set "$dev" up
	if [ $vlan = 1 ] && X ip link add link "$dev" name "$dev.100" type vlan id 100 2>/dev/null; then
		X ip link add link "$dev.100" name "$dev.100.10" type vlan id 10
		X ip addr add "10.99.100.$i/24" dev "$dev.100"
		X ip addr add "10.99.110.$i/24" dev "$dev.100.10"
		X ip link set "$dev.100" up
		X ip link set "$dev.100.10" up
	else
		vlan=0
	fi
done
[ $vlan = 1 ] || echo "make-captures.sh: no 802.1Q in this kernel (CONFIG_VLAN_8021Q):" \
	"VLAN frames are real ARP/ICMP frames of a first capture, tagged and sent again"

# peers in b: HTTP (a 48 KB file), a DNS-like UDP responder (v4 and v6), a
# TCP echo server (v6)
head -c 49152 /dev/urandom >"$work/blob"
ip netns exec "$nb" python3 -m http.server 8080 --bind 10.99.0.2 --directory "$work" >/dev/null 2>&1 &
pids+=($!)
ip netns exec "$nb" python3 - <<'PY' >/dev/null 2>&1 &
import select, socket, struct, threading
def udp(fam, addr):
	s = socket.socket(fam, socket.SOCK_DGRAM)
	s.bind((addr, 53))
	while True:
		q, peer = s.recvfrom(512)
		# answer: the question, one A record 192.0.2.x (x from the id)
		qid = struct.unpack("!H", q[:2])[0]
		ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, qid & 255])
		s.sendto(q[:2] + b"\x81\x80" + q[4:6] + b"\x00\x01\x00\x00\x00\x00" + q[12:] + ans, peer)
def echo():
	l = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
	l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	l.bind(("fd6e:6200::2", 7))
	l.listen(1)
	while True:
		c, _ = l.accept()
		c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
		while True:
			d = c.recv(4096)
			if not d:
				break
			c.sendall(d)
		c.close()
threading.Thread(target=udp, args=(socket.AF_INET, "10.99.0.2"), daemon=True).start()
threading.Thread(target=udp, args=(socket.AF_INET6, "fd6e:6200::2"), daemon=True).start()
echo()
PY
pids+=($!)

# wait_port PORT: until b listens on it
wait_port() {
	for _ in $(seq 50); do
		B ss -Hlntu | grep -q ":$1 " && return 0
		sleep 0.1
	done
	die "nothing listens on port $1 in $nb"
}
wait_port 8080
wait_port 7
wait_port 53

# capture_start FILE [tcpdump args]: tcpdump on vb until capture_stop
# (--immediate-mode: each frame reaches the file at once, none waits in a
# ring block when tcpdump is stopped)
capture_start() {
	local f=$1
	shift
	ip netns exec "$nb" tcpdump -i vb -n -U --immediate-mode -Z root "$@" -w "$f" \
		2>"$f.log" &
	cap_pids+=($!)
	cap_files+=("$f")
	pids+=($!)
	for _ in $(seq 50); do
		grep -q "listening on" "$f.log" && return 0
		sleep 0.1
	done
	die "tcpdump did not start: $(cat "$f.log")"
}
# capture_stop: one last ping whose payload is a marker; once every running
# tcpdump has written its request and reply, stop them
capture_stop() {
	local p f ok
	marker=$((marker + 1))
	A ping -q -c 1 -p "$(printf '6e62656e64%06x' "$marker")" 10.99.0.2 >/dev/null
	for f in "${cap_files[@]}"; do
		ok=0
		for _ in $(seq 100); do
			if python3 - "$f" "$marker" <<'PY'
import struct, sys
raw = open(sys.argv[1], "rb").read()
mark = bytes.fromhex("6e62656e64%06x" % int(sys.argv[2]))
off, n = 24, 0
while off + 16 <= len(raw):
	cap = struct.unpack("<I", raw[off + 8:off + 12])[0]
	if off + 16 + cap > len(raw):
		break
	n += mark in raw[off + 16:off + 16 + cap]
	off += 16 + cap
sys.exit(0 if n >= 2 else 1)
PY
			then
				ok=1
				break
			fi
			sleep 0.1
		done
		[ $ok = 1 ] || die "tcpdump did not record the end marker in $f"
	done
	for p in "${cap_pids[@]}"; do
		kill -TERM "$p"
		wait "$p" || true
	done
	cap_pids=()
	cap_files=()
}
cap_pids=()
cap_files=()
marker=0

# 0. without 802.1Q: ARP and ICMP, then tagged (VLAN 100; VLAN 100 + 10) in a
#    file that phase 1 sends from va as it is
if [ $vlan = 0 ]; then
	capture_start "$work/seed.pcap"
	A ip neigh flush all
	A ping -q -c 4 -i 0.2 10.99.0.2 >/dev/null
	capture_stop
	python3 - "$work/seed.pcap" "$work/tagged.pcap" <<'PY'
import struct, sys
raw = open(sys.argv[1], "rb").read()
out, off = [raw[:24]], 24
for tags in ((100,), (100, 10)):
	off = 24
	while off < len(raw):
		sec, usec, cap, olen = struct.unpack("<IIII", raw[off:off + 16])
		f = raw[off + 16:off + 16 + cap]
		off += 16 + cap
		tag = b"".join(struct.pack("!HH", 0x8100, t) for t in tags)
		out.append(struct.pack("<IIII", sec, usec, cap + len(tag), olen + len(tag)) +
			f[:12] + tag + f[12:])
open(sys.argv[2], "wb").write(b"".join(out))
PY
fi

# 1. MTU 1500: ARP, ICMP, ICMPv6 (and neighbour discovery), DNS-like UDP over
#    IPv4 and IPv6, one HTTP download, 1000 TCP/IPv6 request/response rounds,
#    ICMP and ARP in VLAN 100 and in VLAN 10 inside 100
capture_start "$work/mix.pcap"
A ip neigh flush all
A ping -q -c 4 -i 0.2 10.99.0.2 >/dev/null
A ping -6 -q -c 4 -i 0.2 fd6e:6200::2 >/dev/null
A python3 - <<'PY'
import socket, struct
for fam, addr, n in ((socket.AF_INET, "10.99.0.2", 60), (socket.AF_INET6, "fd6e:6200::2", 20)):
	s = socket.socket(fam, socket.SOCK_DGRAM)
	s.settimeout(2)
	for i in range(n):
		name = b"".join(bytes([len(p)]) + p for p in (b"host-%d" % i, b"example", b"net")) + b"\0"
		s.sendto(struct.pack("!HHHHHH", i, 0x0100, 1, 0, 0, 0) + name + struct.pack("!HH", 1, 1),
			(addr, 53))
		s.recvfrom(512)
PY
A curl -sS -o /dev/null http://10.99.0.2:8080/blob
A python3 - <<'PY'
import socket
s = socket.create_connection(("fd6e:6200::2", 7))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i in range(1000):
	m = b"%07d\n" % i
	s.sendall(m)
	got = b""
	while len(got) < len(m):
		got += s.recv(64)
s.close()
PY
if [ $vlan = 1 ]; then
	A ping -q -c 4 -i 0.2 10.99.100.2 >/dev/null
	A ping -q -c 4 -i 0.2 10.99.110.2 >/dev/null
else
	A python3 "$here/../tools/pcap_inject.py" va "$work/tagged.pcap" >/dev/null
fi
capture_stop

# 2. MTU 9000: ICMP echo of 3042, 5042 and 9014-byte frames (-M do: not
#    fragmented), one HTTP download in 9014-byte segments, ARP; a second
#    tcpdump with snaplen 128 records the same traffic truncated
for x in "$na va" "$nb vb"; do
	read -r ns dev <<<"$x"
	ip -n "$ns" link set "$dev" mtu 9000
done
capture_start "$work/jumbo.pcap"
capture_start "$work/trunc.pcap" -s 128
A ip neigh flush all
for s in 3000 5000 8972; do
	A ping -q -c 2 -i 0.2 -M "do" -s "$s" 10.99.0.2 >/dev/null
done
A curl -sS -o /dev/null http://10.99.0.2:8080/blob
capture_stop

# the files: whole phases, and real subsets of phase 1 by protocol
cp "$work/mix.pcap" "$work/jumbo.pcap" "$work/trunc.pcap" "$out/"
tcpdump -Z root -r "$work/mix.pcap" -w "$out/tcp.pcap" 'ip and tcp port 8080' 2>/dev/null
tcpdump -Z root -r "$work/mix.pcap" -w "$out/udp.pcap" 'udp port 53' 2>/dev/null
tcpdump -Z root -r "$work/mix.pcap" -w "$out/vlan.pcap" 'vlan' 2>/dev/null
tcpdump -Z root -r "$work/mix.pcap" -w "$work/ai.pcap" '(arp or icmp or icmp6) and not vlan' 2>/dev/null
cp "$work/ai.pcap" "$out/arp-icmp.pcap"
# the same frames in a big-endian, nanosecond file (magic a1b23c4d)
python3 - "$work/ai.pcap" "$out/be-ns.pcap" <<'PY'
import struct, sys
raw = open(sys.argv[1], "rb").read()
assert raw[:4] == b"\xd4\xc3\xb2\xa1", "expected a little-endian microsecond pcap"
_, vmaj, vmin, zone, sig, snap, link = struct.unpack("<IHHiIII", raw[:24])
out = [struct.pack(">IHHiIII", 0xa1b23c4d, vmaj, vmin, zone, sig, snap, link)]
off = 24
while off < len(raw):
	sec, usec, cap, olen = struct.unpack("<IIII", raw[off:off + 16])
	out.append(struct.pack(">IIII", sec, usec * 1000, cap, olen) + raw[off + 16:off + 16 + cap])
	off += 16 + cap
open(sys.argv[2], "wb").write(b"".join(out))
PY
for f in mix jumbo trunc tcp udp vlan arp-icmp be-ns; do
	printf '%-10s %6d packets %8d bytes\n' "$f" \
		"$(tcpdump -r "$out/$f.pcap" 2>/dev/null | wc -l)" "$(stat -c %s "$out/$f.pcap")"
done
