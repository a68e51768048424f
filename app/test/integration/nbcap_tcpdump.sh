#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# nbcap captures as tcpdump would, checked against tcpdump itself.
# nbfwd --mode vmq reads a real capture (app/test/data/mix.pcap: TCP, UDP/DNS, ICMP,
# ARP, IPv6, 802.1Q, 42..1514 B) from net_pcap0, every frame's destination
# rewritten to broadcast so that with [vmq] broadcast = consumers each of ten
# consumers gets a copy of every frame; each has the buffers and ring room
# for all of them, so none is dropped whatever its nbcap's pace. The frames
# are held back (pcap_fifo_feed.py) until every nbcap has attached.
#   1. six nbcaps with a filter each (-f, or the words after the options):
#      each file equals `tcpdump -r INPUT -w - FILTER` byte for byte, same
#      count; each got every frame (received), counted the others as
#      filtered; -d prints what tcpdump -d prints; a filter libpcap refuses
#      is a usage error (exit 2) with libpcap's message, as are options that
#      do not go together; a file that cannot be created: exit 1, named
#   2. -C 0.1: several files FILE, FILE1, FILE2, ..., each closed once past
#      100000 bytes; their packets one after another equal the input
#   3. -C 0.05 -W 3: three files FILE0..FILE2 (the oldest overwritten), no more
#   4. --pcapng-by-name with -G and a strftime name: one file, named by the
#      date, that tcpdump reads back as the input's packets; SHB, IDB with
#      if_tsresol 9, one EPB per frame (parsed here); SIGUSR1 prints the live
#      counts line
set -euo pipefail
NBT_NAME=nbcap-tcpdump
. "$(dirname "$0")/lib.sh"

need_cmd tcpdump
need_nbfwd
need_hugepages 200
need_built NBCAP "$NBT_BUILD/app/nbcap/nbcap"

# the input: a real capture, destinations rewritten to broadcast
src=$(pcap mix)
in=$NBT_TMP/in.pcap
"$NBT_PY" - "$src" "$in" <<'PY' || fail "cannot rewrite $src"
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
end = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
off = 24
while off + 16 <= len(d):
	caplen = struct.unpack(end + "I", d[off + 8:off + 12])[0]
	d[off + 16:off + 22] = b"\xff" * 6
	off += 16 + caplen
open(sys.argv[2], "wb").write(d)
PY
n_in=$(pcap_field "$in" packets)

filters=('tcp' 'udp port 53' 'icmp or arp' 'vlan' 'ip6' 'len > 1000')

# 1a. -d as tcpdump -d; a bad filter
for f in "${filters[@]}"; do
	# shellcheck disable=SC2086
	diff <("$NBCAP" -d -f "$f") <(tcpdump -d $f 2>/dev/null) >/dev/null ||
		fail "nbcap -d -f '$f' differs from tcpdump -d"
done
diff <("$NBCAP" -ddd udp port 53) <(tcpdump -ddd udp port 53 2>/dev/null) >/dev/null ||
	fail "nbcap -ddd (filter as words) differs from tcpdump -ddd"
rc=0
"$NBCAP" -s "$NBT_TMP/none.sock" -n x -w "$NBT_TMP/x.pcap" -f 'tcp port' \
	>"$NBT_TMP/bad.log" 2>&1 || rc=$?
expect_eq "nbcap exit status with filter 'tcp port'" 2 "$rc"
grep -q '^nbcap: bad filter "tcp port": .*syntax error' "$NBT_TMP/bad.log" ||
	fail "no libpcap message for a bad filter: $(cat "$NBT_TMP/bad.log")"
[ ! -e "$NBT_TMP/x.pcap" ] || fail "a bad filter still created the file"
bad=$(head -n 1 "$NBT_TMP/bad.log")
# usage errors: ARGS|what the message says (the quotes are the message's)
# shellcheck disable=SC2089
for u in "-f tcp udp|a filter given both with -f and as words" \
		"-w - -C 1|-C and -G need a file name" "-W 2|-W needs -C or -G" \
		"-C 0|bad value \"0\" for -C SIZE" "-C 1x|bad value \"1x\" for -C SIZE" \
		"-G 0|bad value \"0\" for -G SECONDS" "-W 0|bad value \"0\" for -W FILES" \
		"--stats 0|bad value \"0\" for --stats SECONDS"; do
	rc=0
	# shellcheck disable=SC2086,SC2090
	"$NBCAP" -s "$NBT_TMP/none.sock" -n x -w "$NBT_TMP/x.pcap" ${u%%|*} \
		>"$NBT_TMP/bad.log" 2>&1 || rc=$?
	expect_eq "nbcap exit status with ${u%%|*}" 2 "$rc"
	grep -qF "nbcap: ${u#*|}" "$NBT_TMP/bad.log" ||
		fail "nbcap ${u%%|*}: $(cat "$NBT_TMP/bad.log")"
done
say "ok -d prints tcpdump -d's program; a bad filter: exit 2, $bad; usage errors: exit 2"

# nbfwd: consumers f0..f5 (the filters), rot, wrap, ng
sock=$NBT_TMP/nbshm.sock
fifo=$NBT_TMP/rx.fifo
ini=$NBT_TMP/vmq.ini
consumers=(f0 f1 f2 f3 f4 f5 rot wrap ng)
{
	printf '[nbfwd]\nmode = vmq\nsocket = %s\n' "$sock"
	printf '[vmq]\nunmatched = drop\nbroadcast = consumers\nmulticast = drop\n'
	for i in "${!consumers[@]}"; do
		printf '[consumer %s]\nport = net_pcap0\nmac = 02:00:00:00:01:%02x\n' \
			"${consumers[$i]}" "$i"
		printf 'buffers = 8192\nring_size = 8192\ntx_buffers = 16\n'
	done
} >"$ini"
mkfifo "$fifo"
bg_start 90 "$NBT_TMP/feed.log" "$NBT_PY" "$NBT_TOOLS/pcap_fifo_feed.py" "$fifo" "$in" \
	"$NBT_TMP/go"
feed_pid=$BG_PID
NBT_LIMIT=120 start_nbfwd vmq --vdev "net_pcap0,rx_pcap=$fifo" -- -f "$ini"
wait_log "consumers attach at" 30

# capture NAME ARGS...: nbcap for consumer NAME (log NAME.log, counters NAME.json)
declare -A cap_pid
capture() {
	local name=$1
	shift
	bg_start 100 "$NBT_TMP/$name.log" "$NBCAP" -s "$sock" -n "$name" -t 90 --wait-socket 20 \
		--stats-json "$NBT_TMP/$name.json" "$@"
	cap_pid[$name]=$BG_PID
}
capture f0 -w "$NBT_TMP/f0.pcap" -f "${filters[0]}" --stats 0.2
capture f1 -w "$NBT_TMP/f1.pcap" --stats 0.2 udp port 53
for i in 2 3 4 5; do
	capture "f$i" -w "$NBT_TMP/f$i.pcap" -f "${filters[$i]}" --stats 0.2
done
mkdir "$NBT_TMP/rot" "$NBT_TMP/wrap" "$NBT_TMP/ng"
capture rot -w "$NBT_TMP/rot/all.pcap" -C 0.1 --stats 0.2
capture wrap -w "$NBT_TMP/wrap/w.pcap" -C 0.05 -W 3 --stats 0.2
capture ng -w "$NBT_TMP/ng/%Y%m%d.pcapng" -G 86400
for c in "${consumers[@]}"; do
	wait_log "consumer $c attached" 20
done
touch "$NBT_TMP/go"

# done_when NAME: its live counts line says every frame was received; SIGTERM, exit 0
done_when() {
	local t
	for ((t = 0; t < 300; t++)); do
		grep -q "^nbcap: $n_in received, " "$NBT_TMP/$1.log" && break
		sleep 0.1
	done
	grep -q "^nbcap: $n_in received, " "$NBT_TMP/$1.log" ||
		fail "nbcap $1 did not receive the $n_in frames in 30 s: $(tail -n 3 "$NBT_TMP/$1.log")"
	kill -TERM "$(pgrep -P "${cap_pid[$1]}" -x nbcap)" || fail "nbcap $1 was not running"
	bg_wait "${cap_pid[$1]}"
	[ "$BG_RC" = 0 ] || fail "nbcap $1 exit status $BG_RC: $(tail -n 5 "$NBT_TMP/$1.log")"
}

# 1b. the filters, against tcpdump's reading of the same frames
for i in "${!filters[@]}"; do
	f=${filters[$i]}
	done_when "f$i"
	# shellcheck disable=SC2086
	tcpdump -r "$in" -w "$NBT_TMP/expect-$i.pcap" $f 2>/dev/null ||
		fail "tcpdump -r -w '$f'"
	n=$(pcap_field "$NBT_TMP/expect-$i.pcap" packets)
	[ "$n" -gt 0 ] && [ "$n" -lt "$n_in" ] ||
		fail "filter '$f' selects $n of $n_in frames: it tests nothing"
	pcap_compare --mode io "$NBT_TMP/expect-$i.pcap" "$NBT_TMP/f$i.pcap" >/dev/null
	expect_json "$NBT_TMP/f$i.json" packets == "$n" received == "$n_in" \
		filtered == $((n_in - n)) rejected == 0 files == 1
	say "ok '$f': $n of $n_in frames, byte for byte as tcpdump -r -w '$f'"
done
# a file that cannot be created: exit 1, named (f0 detached by now)
wait_log "consumer f0 detached" 20
rc=0
timeout -k 5 30 "$NBCAP" -s "$sock" -n f0 -w "$NBT_TMP/nodir/x.pcap" -t 20 \
	>"$NBT_TMP/nodir.log" 2>&1 || rc=$?
expect_eq "nbcap exit status with -w in a missing directory" 1 "$rc"
grep -qF "nbcap: $NBT_TMP/nodir/x.pcap: No such file or directory" "$NBT_TMP/nodir.log" ||
	fail "no error naming the file: $(cat "$NBT_TMP/nodir.log")"
say "ok a file that cannot be created: exit 1, named"

# 2. -C 0.1: FILE, FILE1, ... each past 100000 bytes only by its last packet
done_when rot
nfiles=$(json_get "$NBT_TMP/rot.json" files)
[ "$nfiles" -ge 3 ] || fail "-C 0.1 on $(stat -c %s "$in") bytes gave $nfiles files"
[ "$(find "$NBT_TMP/rot" -type f | wc -l)" = "$nfiles" ] || fail "rot: $(ls "$NBT_TMP/rot")"
parts=("$NBT_TMP/rot/all.pcap")
for ((k = 1; k < nfiles; k++)); do
	parts+=("$NBT_TMP/rot/all.pcap$k")
done
"$NBT_PY" - "$NBT_TMP/rot-all.pcap" 100000 "${parts[@]}" <<'PY' || fail "-C files wrong (above)"
import struct, sys
out, limit, parts = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
data = b""
for k, p in enumerate(parts):
	d = open(p, "rb").read()
	if k == 0:
		data = d[:24]
	# size before its last record <= limit < size, but for the last file
	off, last = 24, 24
	while off < len(d):
		last = off
		off += 16 + struct.unpack("<I", d[off + 8:off + 12])[0]
	if off != len(d) or (k < len(parts) - 1 and not (last <= limit < len(d))):
		print("FAIL: %s: %d bytes, last record at %d, limit %d" % (p, len(d), last, limit))
		sys.exit(1)
	data += d[24:]
open(out, "wb").write(data)
PY
pcap_compare --mode io "$in" "$NBT_TMP/rot-all.pcap" >/dev/null
for p in "${parts[@]}"; do
	tcpdump -r "$p" -w /dev/null 2>/dev/null || fail "tcpdump cannot read $p"
done
say "ok -C 0.1: $nfiles files all.pcap, all.pcap1 .. all.pcap$((nfiles - 1)), together the input"

# 3. -C 0.05 -W 3: w.pcap0..2 only, rotated past them
done_when wrap
[ "$(cd "$NBT_TMP/wrap" && echo *)" = "w.pcap0 w.pcap1 w.pcap2" ] ||
	fail "-C 0.05 -W 3 left: $(ls "$NBT_TMP/wrap")"
expect_json "$NBT_TMP/wrap.json" files '>' 3 packets == "$n_in"
say "ok -C 0.05 -W 3: $(json_get "$NBT_TMP/wrap.json" files) files opened in w.pcap0..2"

# 4. pcapng by name, -G's strftime name; SIGUSR1 for the live counts
for ((t = 0; t < 300; t++)); do
	kill -USR1 "$(pgrep -P "${cap_pid[ng]}" -x nbcap)" || fail "nbcap ng was not running"
	sleep 0.1
	grep -q "^nbcap: $n_in received, $n_in written, 0 filtered, 0 rejected, " \
		"$NBT_TMP/ng.log" && break
done
done_when ng
ng=$(find "$NBT_TMP/ng" -type f)
[ "$(echo "$ng" | wc -l)" = 1 ] && [[ "$ng" =~ /ng/20[0-9]{6}\.pcapng$ ]] ||
	fail "-G 86400 -w %Y%m%d.pcapng made: $ng"
tcpdump -r "$ng" -w "$NBT_TMP/ng-as.pcap" 2>/dev/null || fail "tcpdump -r $ng"
pcap_compare --mode io "$in" "$NBT_TMP/ng-as.pcap" >/dev/null
"$NBT_PY" - "$ng" "$n_in" <<'PY' || fail "pcapng blocks wrong (above)"
import struct, sys
d = open(sys.argv[1], "rb").read()
blocks, off = [], 0
while off < len(d):
	t, n = struct.unpack("<II", d[off:off + 8])
	if n < 12 or n % 4 or struct.unpack("<I", d[off + n - 4:off + n])[0] != n:
		print("FAIL: block at %d: type %#x length %d" % (off, t, n))
		sys.exit(1)
	blocks.append((t, d[off + 8:off + n - 4]))
	off += n
types = [t for t, _ in blocks]
if types[:2] != [0x0A0D0D0A, 1] or types[2:] != [6] * int(sys.argv[2]):
	print("FAIL: blocks %s..., %d in all" % ([hex(t) for t in types[:3]], len(types)))
	sys.exit(1)
if struct.unpack("<I", blocks[0][1][:4])[0] != 0x1A2B3C4D:
	print("FAIL: SHB byte-order magic")
	sys.exit(1)
idb = blocks[1][1]
opts, o, res = idb[8:], 0, None
while o + 4 <= len(opts):
	code, ln = struct.unpack("<HH", opts[o:o + 4])
	if code == 0:
		break
	if code == 9:
		res = opts[o + 4]
	o += 4 + (ln + 3) // 4 * 4
if struct.unpack("<HHI", idb[:8]) != (1, 0, 262144) or res != 9:
	print("FAIL: IDB linktype/snaplen %s, if_tsresol %s" % (struct.unpack("<HHI", idb[:8]), res))
	sys.exit(1)
PY
say "ok pcapng ($(basename "$ng")): SHB, IDB if_tsresol 9, $n_in EPBs; tcpdump reads the input's frames back"

bg_wait "$feed_pid"
[ "$BG_RC" = 0 ] || fail "the FIFO feeder exit status $BG_RC"
stop_nbfwd
expect_ok "nbfwd vmq run"
for i in "${!consumers[@]}"; do
	expect_json "consumers.$i.delivered" == "$n_in" "consumers.$i.returned" == "$n_in" \
		"consumers.$i.lent_now" == 0
done
say "ok nbfwd lent every frame to each of ${#consumers[@]} consumers; all given back"
say PASS
