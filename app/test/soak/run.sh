#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# app/test/soak/run.sh: a bounded soak of nbfwd in vmq mode (not run in CI): minutes
# of mixed traffic while consumers attach, detach and are SIGKILLed at random
# and hostile local users attack at random among them, then every counter
# reconciled and a verdict. See --help.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
seconds=120
n_cons=3
seed=$$
rss_margin_kb=2048
json_out=
hostile=0.3

usage() {
	cat <<EOF
Usage: app/test/soak/run.sh [-t SECONDS] [-c 2|3] [-s SEED] [-m KB] [-j FILE] [-b BUILD]
                [--hostile RATIO | --no-hostile]

Runs nbfwd --mode vmq for SECONDS (default $seconds) on two net_af_packet ports
in network namespaces this script makes and removes:

  [a] --veth-- [fa] nbfwd [fb] --veth-- [b]     (ns nbt-sa-PID, nbt-sf-PID, nbt-sb-PID)

Traffic never stops: from a into fa, the mixed capture of vmq_frames.py
(frames for each consumer, untagged and VLAN-tagged, unknown unicast,
broadcast, multicast); from b into fb, the same capture (nothing there
matches a consumer of port fb: it is forwarded out of fa). Honest consumers
on fa: c1 (nbcap, its capture checked), c2 (VLAN 42, nbecho --echo: sends
every packet back out of fa), c3 (nbecho, counts). Every 0.2-1 s an event:
with probability RATIO (--hostile, default $hostile) a hostile action picked at
random (below), else one honest consumer, picked at random, is started if it
is not attached, else stopped: SIGKILL or SIGTERM (each half the time); a
started one also ends by itself after 1-6 s. A hostile action that cannot
start now (its consumer is busy) is skipped and counted. Policies:
unmatched = forward, broadcast = consumers, multicast = drop. The socket
has group nogroup (mode 0660), so that uid nobody reaches it.
nbfwd's RSS (VmRSS in /proc/PID/status) is sampled when the warm-up ends
(after 10 s or SECONDS/6, whichever is shorter) and every 10 s.

Hostile actions (app/test/tools; consumers h1, h2, h3 on fa are theirs, h1
and h3 get traffic, h2 none; each runs to its end, never killed):
  forge   nbshm_hostile as h1, 2-4 s: 13 forged handshakes, then forged
          returns (double, foreign handle, old generation, out of bounds,
          misaligned, random), forged tx, ring index jumps; keeps 1 in 8
  punch   nbshm_hostile --punch --hog-max 0 as h1, 1-3 s: holes in every
          page of both its files and mappings (the rx file must refuse all),
          then keeps punching its control file; no hugepage is hogged (the
          machine is shared), so nbfwd refaults zero pages rather than SIGBUS
  stale   nbshm_hostile --stale as an honest consumer not attached now: an
          honest round, detach keeping both mappings, then 2 s of returns and
          tx posted in the old rings while the honest one may attach again;
          must see nothing new
  txbad   nbshm_txsend as h2 (VLAN 77): 1-5 each of good (60, 1518 B,
          tagged), runt (1, 13 B), too long (1519, 9000 B, tagged) and
          spoofed (another MAC; untagged; VLAN 7) frames
  hoard   nbshm_txsend --hold as h3 (stall_ms = 500): takes every packet,
          returns none, until nbfwd detaches it
  idle    attach_idle.py as root (the honest consumers' uid): 16-64 idle
          connections; nbfwd must close every one (alone: no other hostile
          action runs meanwhile)
  unauth  nbshm_attach probe as uid nobody (no consumer allows it): refused
          "not allowed"; or as uid 4242, outside the socket's group: connect
          refused by the file mode
  fork    nbshm_attach fork as an honest consumer not attached now: the
          process that attached exits, a child keeps its socket for 2 s
--no-hostile runs only the honest consumers (c1-c3, no h1-h3 and no
socket_group: the soak as before hostile actions were added).

At the end, the hostile actions still running finish, traffic stops, the
consumers are stopped, nbfwd is stopped with SIGTERM, and these must hold
(the verdict is PASS only if all do):
  nbfwd never exited before the end; exit status 0, no "leak:" line,
    mbufs_in_use_at_exit = 0, every pool "all N mbufs returned"
  per port: rx_packets = forwarded + delivered + dropped, and dropped = the
    sum of its reasons; every reason but filtered, consumer, tx_full is 0
  per port: forwarded = tx_packets of its peer port
  per consumer: delivered = returned + reclaimed, lent_now = 0,
    attaches = the attaches this script made, and nbfwd saw every detach;
    honest ones: no rejects, never stalled or faulted, every frame c1
    captured is one sent to it (byte for byte)
  attach: connections = attached + the sum of refusals; attached =
    detached_closed + detached_exited + stalled + faulted
  per hostile action: every run ended as it must (each forged handshake and
    rx hole refused, a stale mapping saw nothing, every tx buffer back, a
    hoard detached, every idle connection closed by nbfwd, every probe
    refused), and its counters moved (0 when it did not run):
    forge: attach refused bad_message, unknown_name, bad_queue; h1 rejects
      not_lent, bad_handle, stale_generation, out_of_bounds, misaligned,
      index_jump, tx_spoofed, each > 0 when its kind was sent; h1 tx 0
    punch: h1 faulted = the faults nbfwd logged
    txbad: h2 tx_runt, tx_too_long, tx_spoofed, tx_packets = what was sent
    hoard: h3 stalled = hoards; idle: displaced + timeout >= connections
    unauth: not_allowed = the probes as nobody; fork: detached_exited >= forks
  RSS at the end - RSS at the first sample <= the margin (-m, default $rss_margin_kb kB)
Frames the kernel dropped before nbfwd read them (sent - rx) are reported,
not judged. Prints the verdict, the counters, and a table of the hostile
actions: launched, ended as they must, skipped, and the counters they moved.

Options:
  -t SECONDS       run time (default $seconds, at least 20)
  -c N             honest consumers, 2 or 3 (default $n_cons)
  -s SEED          seed of the random choices (default: the PID)
  -m KB            RSS margin in kB (default $rss_margin_kb)
  -j FILE          also write the figures and the verdict as JSON
  -b BUILD         build directory (default \$NBSHM_BUILD or build)
  --hostile RATIO  share of events that are hostile actions, 0 to 1 (default $hostile)
  --no-hostile     no hostile actions (same as --hostile 0, without h1-h3)
  -h, --help       this text

Needs root (namespaces, setpriv), the user nobody and group nogroup, 2 MB
hugepages (about 100 free), python3, ip, ethtool. Every DPDK process gets
--no-pci and its own --file-prefix and runs under timeout, as does every
tool; namespaces, hugepage and region files (and nbshm_hostile's hog file),
sockets, children of forks are removed at exit (also after Ctrl-C). Exit
status: 0 PASS, 1 FAIL, 2 usage or set-up error.
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	-t|-c|-s|-m|-j|-b)
		[ $# -ge 2 ] || { echo "soak/run.sh: $1 needs a value (see --help)" >&2; exit 2; }
		case $1 in
		-t) seconds=$2 ;;
		-c) n_cons=$2 ;;
		-s) seed=$2 ;;
		-m) rss_margin_kb=$2 ;;
		-j) json_out=$2 ;;
		-b) export NBSHM_BUILD=$2 ;;
		esac
		shift 2 ;;
	--hostile)
		[ $# -ge 2 ] || { echo "soak/run.sh: $1 needs a value (see --help)" >&2; exit 2; }
		hostile=$2
		shift 2 ;;
	--no-hostile) hostile=off; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "soak/run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
for v in "$seconds" "$seed" "$rss_margin_kb"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "soak/run.sh: expected a whole number, got '$v'" >&2; exit 2; }
done
[ "$seconds" -ge 20 ] || { echo "soak/run.sh: -t must be at least 20" >&2; exit 2; }
[ "$n_cons" = 2 ] || [ "$n_cons" = 3 ] ||
	{ echo "soak/run.sh: -c must be 2 or 3" >&2; exit 2; }
if [ "$hostile" != off ]; then
	[[ $hostile =~ ^(0(\.[0-9]+)?|1(\.0*)?)$ ]] ||
		{ echo "soak/run.sh: --hostile takes a ratio from 0 to 1, got '$hostile'" >&2; exit 2; }
	# in thousandths, for $RANDOM
	hostile_pm=$(awk -v r="$hostile" 'BEGIN { printf "%d", r * 1000 + 0.5 }')
fi
[ "$(id -u)" -eq 0 ] || { echo "soak/run.sh: needs root (network namespaces)" >&2; exit 2; }

# The integration tests' helpers: namespaces, veths, nbfwd under timeout with
# --no-pci and its own prefix, background processes, and the EXIT trap that
# removes everything.
NBT_NAME=soak
NBSHM_SRC=$root
. "$root/app/test/integration/lib.sh"
NBCAP=$NBT_BUILD/app/nbcap/nbcap
NBECHO=$NBT_BUILD/app/nbcap/nbecho
TOOLS_BIN=$NBT_BUILD/app/test/tools
need_cmd ip ethtool
need_hugepages 100
need_nbfwd
[ -x "$NBCAP" ] && [ -x "$NBECHO" ] || fail "nbcap/nbecho are not built in $NBT_BUILD"
hcons=()
if [ "$hostile" != off ]; then
	need_cmd setpriv
	for t in nbshm_hostile nbshm_txsend nbshm_attach; do
		[ -x "$TOOLS_BIN/$t" ] || fail "$t is not built in $TOOLS_BIN"
	done
	getent passwd nobody >/dev/null && getent group nogroup >/dev/null ||
		fail "hostile actions need the user nobody and the group nogroup"
	hcons=(h1 h2 h3)
	chmod 0711 "$NBT_TMP"	# uid nobody reaches the socket in it
fi
RANDOM=$seed

nbt_fwd_netns s
ns_f=$NBT_NS_F ns_a=$NBT_NS_A ns_b=$NBT_NS_B

cons=(c1 c2 c3)
cons=("${cons[@]:0:$n_cons}")
frames=$NBT_TMP/frames
hframes=()
[ "$hostile" = off ] ||
	hframes=(--consumer h1=02:00:00:00:00:d1 --consumer h3=02:00:00:00:00:d3)
"$NBT_PY" "$NBT_TOOLS/vmq_frames.py" "$frames" --count 2000 --seed "$seed" \
	--consumer c1=02:00:00:00:00:c1 --consumer c2=02:00:00:00:00:c2@42 \
	--consumer c3=02:00:00:00:00:c3 "${hframes[@]}" >/dev/null || fail "vmq_frames.py"
sock=$NBT_TMP/nbshm.sock
ini=$NBT_TMP/soak.ini
# cons_ini NAME MAC_LAST_BYTE LINE...: a [consumer] section on fa
cons_ini() {
	printf '[consumer %s]\nport = net_af_packet0\nmac = 02:00:00:00:00:%s\n' "$1" "$2"
	shift 2
	printf '%s\n' "$@"
}
{
	cat <<INI
[nbfwd]
mode = vmq
socket = $sock
INI
	[ "$hostile" = off ] || echo "socket_group = nogroup"
	cat <<INI
[vmq]
unmatched = forward
broadcast = consumers
multicast = drop
INI
	for c in "${cons[@]}"; do
		v=()
		[ "$c" != c2 ] || v=("vlan = 42")
		cons_ini "$c" "$c" "${v[@]}" "buffers = 512" "ring_size = 256" "tx_buffers = 256"
	done
	if [ "$hostile" != off ]; then
		# h1 forges and keeps 1 in 8 packets: no lease during its run
		cons_ini h1 d1 "buffers = 512" "ring_size = 256" "tx_buffers = 64" "stall_ms = 600000"
		# h2 sends (no traffic for it), with a VLAN for the spoof check
		cons_ini h2 d2 "vlan = 77" "buffers = 64" "ring_size = 64" "tx_buffers = 64" \
			"tx_buffer_size = 16384"
		# h3 hoards: its lease is short
		cons_ini h3 d3 "buffers = 256" "ring_size = 256" "stall_ms = 500"
	fi
} >"$ini"

NBT_IN_NETNS=$ns_f NBT_LIMIT=$((seconds + 150)) start_nbfwd soak \
	--vdev net_af_packet0,iface=fa --vdev net_af_packet1,iface=fb -- -f "$ini"
wait_log "consumers attach at" 30
nbfwd_pid=$(pgrep -P "$NBT_PID" -x nbfwd) || fail "no nbfwd under $NBT_PID"
say "nbfwd pid $nbfwd_pid, $seconds s, consumers ${cons[*]}${hcons[*]:+ ${hcons[*]}}, seed $seed," \
	"hostile ${hostile}"

# traffic: a loop of pcap_inject.py per side until $stop_file exists
stop_file=$NBT_TMP/stop
for side in a b; do
	ns=$ns_a
	[ $side = a ] || ns=$ns_b
	bg_start $((seconds + 120)) "$NBT_TMP/inject-$side.log" bash -c '
		while [ ! -e "$1" ]; do
			ip netns exec "$2" "$3" "$4" "$5" "$6" --pace 32 --gap-ms 1 || exit 1
		done' inject "$stop_file" "$ns" "$NBT_PY" "$NBT_TOOLS/pcap_inject.py" "$side" \
		"$frames/in.pcap"
	eval "inject_$side=\$BG_PID"
done

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$nbfwd_pid/status" 2>/dev/null || echo 0; }
nbfwd_alive() { kill -0 "$nbfwd_pid" 2>/dev/null; }
logged() { grep -c -- "$1" "$NBT_LOG" || true; }
detached() { [ "$(logged "consumer $1 detached")" = "${started[$1]}" ]; }

declare -A pid started kills terms
for c in "${cons[@]}" "${hcons[@]}"; do
	pid[$c]=
	started[$c]=0
	kills[$c]=0
	terms[$c]=0
done
problems=()

# c1's captures: every frame in them must be one sent to c1 (its own or a
# broadcast), byte for byte; a SIGKILLed nbcap may leave a last record cut
c1_check=$NBT_TMP/c1_check.py
cat >"$c1_check" <<'PY'
import struct, sys
def frames(path, whole=True):
	d = open(path, "rb").read()
	off, out = 24, []
	while off + 16 <= len(d):
		incl = struct.unpack_from("<I", d, off + 8)[0]
		if off + 16 + incl > len(d):
			break
		out.append(d[off + 16:off + 16 + incl])
		off += 16 + incl
	return out
ok = set(frames(sys.argv[1]))
ok |= {f for f in frames(sys.argv[2]) if f[:6] == b"\xff" * 6}
got = frames(sys.argv[3]) if len(open(sys.argv[3], "rb").read()) >= 24 else []
bad = [f for f in got if f not in ok]
print(len(got), len(bad))
PY
c1_seq=0
c1_frames=0
c1_bad=0
c1_files=0
c1_check_file() {
	local n b
	[ -e "$1" ] || return 0
	read -r n b < <("$NBT_PY" "$c1_check" "$frames/expect-c1.pcap" "$frames/in.pcap" "$1") ||
		{ problems+=("c1's capture $1 could not be read"); return 0; }
	c1_frames=$((c1_frames + n))
	c1_bad=$((c1_bad + b))
	c1_files=$((c1_files + 1))
	[ "$b" = 0 ] || { problems+=("c1 captured $b frames not sent to it (kept: $1.bad)"); mv "$1" "$1.bad"; }
	rm -f "$1"
}
declare -A c1_file

# start_consumer C: attach C (only once nbfwd saw its last detach)
start_consumer() {
	local c=$1 life=$((1 + RANDOM % 6))
	detached "$c" || return 0
	case $c in
	c1)
		c1_seq=$((c1_seq + 1))
		c1_file[$c]=$NBT_TMP/c1-$c1_seq.pcap
		bg_start 30 "$NBT_TMP/$c.log" "$NBCAP" -s "$sock" -n "$c" -w "${c1_file[$c]}" -t "$life" ;;
	c2) bg_start 30 "$NBT_TMP/$c.log" "$NBECHO" -s "$sock" -n "$c" --echo -t "$life" ;;
	*) bg_start 30 "$NBT_TMP/$c.log" "$NBECHO" -s "$sock" -n "$c" -t "$life" ;;
	esac
	pid[$c]=$BG_PID
	started[$c]=$((started[$c] + 1))
	# wait for the attach: a kill before it would not be an attach at all
	for _ in $(seq 50); do
		[ "$(logged "consumer $c attached")" -ge "${started[$c]}" ] && return 0
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.05
	done
	bg_wait "$BG_PID"
	pid[$c]=
	started[$c]=$((started[$c] - 1))
	[ "$c" != c1 ] || c1_check_file "${c1_file[$c]}"
	say "note: $c did not attach: $(tail -n 1 "$NBT_TMP/$c.log")"
}

# stop_consumer C SIG: SIG to C's process (not its timeout wrapper), reap it
stop_consumer() {
	local c=$1 p
	p=$(pgrep -P "${pid[$c]}" 2>/dev/null | head -n 1 || true)
	[ -z "$p" ] || kill -"$2" "$p" 2>/dev/null || true
	bg_wait "${pid[$c]}" 2>/dev/null	# no "Killed" line from bash
	pid[$c]=
	[ "$c" != c1 ] || c1_check_file "${c1_file[$c]}"
}

# reap: consumers that ended by themselves
reap() {
	local c
	for c in "${cons[@]}"; do
		if [ -n "${pid[$c]}" ] && ! kill -0 "${pid[$c]}" 2>/dev/null; then
			bg_wait "${pid[$c]}"
			pid[$c]=
			[ "$c" != c1 ] || c1_check_file "${c1_file[$c]}"
		fi
	done
}

# --- hostile actions --------------------------------------------------------
kinds=(forge punch stale txbad hoard idle unauth fork)
declare -A hl hok hskip hrun hname hlog hsum
for k in "${kinds[@]}"; do
	hl[$k]=0
	hok[$k]=0
	hskip[$k]=0
	hrun[$k]=
done
for k in handshakes hs_launches punch_closed punch_reattach punch_enomem stale_posted \
	tx_good tx_runt tx_long tx_spoofed held idle_conns unauth_nobody unauth_mode; do
	hsum[$k]=0
done
declare -A fsent	# nbshm_hostile's "sent:" figures, summed
fork_kids=()
stale_go=
stale_watch=

# hbad KIND WHY: a hostile action did not end as it must
hbad() {
	problems+=("hostile $1: $2")
	say "FAIL hostile $1: $2"
}

# hbusy NAME: a hostile action runs as NAME
hbusy() {
	local k
	for k in "${kinds[@]}"; do
		[ -n "${hrun[$k]}" ] && [ "${hname[$k]}" = "$1" ] && return 0
	done
	return 1
}

hany() {
	local k
	for k in "${kinds[@]}"; do
		[ -z "${hrun[$k]}" ] || return 0
	done
	return 1
}

# honest_free: free_c = an honest consumer no process holds (from a random
# one on), or empty
honest_free() {
	local i c from=$((RANDOM % n_cons))
	free_c=
	for i in $(seq 0 $((n_cons - 1))); do
		c=${cons[$(((from + i) % n_cons))]}
		if [ -z "${pid[$c]}" ] && detached "$c" && ! hbusy "$c"; then
			free_c=$c
			return 0
		fi
	done
}

# hostile_finish KIND: reap its process, judge how it ended, sum its figures
hostile_finish() {
	local k=$1 n=${hname[$1]} log=${hlog[$1]} rc h line
	bg_wait "${hrun[$k]}"
	rc=$BG_RC
	hrun[$k]=
	case $k in
	forge|punch|stale)
		# 13 forged handshakes, then the truncate and the writable mapping
		h=$(grep '^refused ' "$log" | grep -Evc '^refused (truncate region|writable rx mapping|holes in the rx file|attach, no hugepages) ' || true)
		hsum[handshakes]=$((hsum[handshakes] + h))
		hsum[hs_launches]=$((hsum[hs_launches] + 1))
		[ "$rc" = 0 ] && [ "$h" = 13 ] &&
			grep -q '^refused truncate region' "$log" && grep -q '^refused writable rx mapping' "$log" ||
			{ hbad "$k" "nbshm_hostile -n $n exit $rc, $h handshakes refused: $(tail -n 3 "$log" | tr '\n' ' ')"; return 0; }
		;;
	esac
	case $k in
	forge)
		line=$(grep '^sent:' "$log") || { hbad forge "no sent: line"; return 0; }
		for kv in ${line#sent:}; do
			fsent[${kv%=*}]=$(( ${fsent[${kv%=*}]:-0} + ${kv#*=} ))
		done ;;
	punch)
		grep -q "^refused holes in the rx file *: 0 of" "$log" ||
			{ hbad punch "rx holes not refused: $(grep 'rx file' "$log")"; return 0; }
		if grep -q "detached by nbfwd: yes" "$log"; then
			hsum[punch_closed]=$((hsum[punch_closed] + 1))
			if grep -q "^ANSWERED attach, no hugepages *: ATTACH_OK" "$log"; then
				hsum[punch_reattach]=$((hsum[punch_reattach] + 1))
				started[h1]=$((started[h1] + 1))
			fi
			! grep -q "^refused attach, no hugepages" "$log" ||
				hsum[punch_enomem]=$((hsum[punch_enomem] + 1))
		fi ;;
	stale)
		bg_wait "$stale_watch"
		line=$(grep '^stale: rx heads' "$log" || true)
		[[ $line =~ ^"stale: rx heads moved 0, rx area changed 0, returns posted "([0-9]+)", tx posted "([0-9]+) ]] ||
			{ hbad stale "as $n: $line"; return 0; }
		hsum[stale_posted]=$((hsum[stale_posted] + BASH_REMATCH[1] + BASH_REMATCH[2])) ;;
	txbad)
		[ "$rc" = 0 ] || { hbad txbad "nbshm_txsend exit $rc: $(tr '\n' ' ' <"$log")"; return 0; }
		line=$(tail -n 1 "$log")
		echo "$line" >"$log.json"
		[ "$(json_get "$log.json" sent)" = "$(json_get "$log.json" txdone)" ] ||
			{ hbad txbad "not every tx buffer came back: $line"; return 0; }
		for kv in ${hlog[txbad_n]}; do
			hsum[${kv%=*}]=$((hsum[${kv%=*}] + ${kv#*=}))
		done ;;
	hoard)
		[ "$rc" = 0 ] || { hbad hoard "not detached by nbfwd: exit $rc: $(tr '\n' ' ' <"$log")"; return 0; }
		tail -n 1 "$log" >"$log.json"
		hsum[held]=$((hsum[held] + $(json_get "$log.json" held))) ;;
	idle)
		[ "$rc" = 0 ] || { hbad idle "attach_idle.py exit $rc: $(tr '\n' ' ' <"$log")"; return 0; }
		"$NBT_PY" - "$log" "${hlog[idle_n]}" <<'PY' || { hbad idle "$(tail -n 1 "$log")"; return 0; }
import json, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
n = int(sys.argv[2])
# every one closed by nbfwd after an ERROR: EAGAIN (displaced) or ETIMEDOUT
sys.exit(0 if d["connected"] == n and d["closed"] == n and
	sum(d["codes"].values()) == n and set(d["codes"]) <= {"11", "110"} else 1)
PY
		hsum[idle_conns]=$((hsum[idle_conns] + hlog[idle_n])) ;;
	esac
	hok[$k]=$((hok[$k] + 1))
}

hreap() {
	local k
	for k in "${kinds[@]}"; do
		if [ -n "${hrun[$k]}" ] && ! kill -0 "${hrun[$k]}" 2>/dev/null; then
			hostile_finish "$k"
		fi
	done
}

# hstart KIND NAME LIMIT CMD...: run a hostile tool in the background as NAME
hstart() {
	local k=$1 n=$2 limit=$3
	shift 3
	hl[$k]=$((hl[$k] + 1))
	hname[$k]=$n
	hlog[$k]=$NBT_TMP/hostile-$k-${hl[$k]}.log
	bg_start "$limit" "${hlog[$k]}" "$@"
	hrun[$k]=$BG_PID
	[ -z "$n" ] || started[$n]=$((started[$n] + 1))
}

# hostile_event: one hostile action, picked at random (skipped when it cannot run)
hostile_event() {
	local k=${kinds[$((RANDOM % ${#kinds[@]}))]} c out secs
	# idle connections jam every root handshake: they run alone
	if [ -n "${hrun[idle]}" ] || { [ "$k" = idle ] && hany; }; then
		hskip[$k]=$((hskip[$k] + 1))
		return 0
	fi
	case $k in
	forge|punch)
		if hbusy h1 || ! detached h1; then
			hskip[$k]=$((hskip[$k] + 1))
			return 0
		fi
		secs=$((2 + RANDOM % 3))
		if [ "$k" = forge ]; then
			hstart forge h1 30 "$TOOLS_BIN/nbshm_hostile" -s "$sock" -n h1 -t "$secs" \
				--seed "$RANDOM"
		else
			reg_file "$NBT_HUGEDIR/nbt-soak-hog-$$-${hl[punch]}"
			hstart punch h1 30 "$TOOLS_BIN/nbshm_hostile" -s "$sock" -n h1 -t "$((secs - 1))" \
				--punch "$NBT_HUGEDIR/nbt-soak-hog-$$-${hl[punch]}" --hog-max 0
		fi ;;
	stale)
		honest_free
		c=$free_c
		if [ -z "$c" ] || [ -n "${hrun[stale]}" ]; then
			hskip[$k]=$((hskip[$k] + 1))
			return 0
		fi
		stale_go=$NBT_TMP/stale-go-$((hl[stale] + 1))
		hstart stale "$c" 40 "$TOOLS_BIN/nbshm_hostile" -s "$sock" -n "$c" -t 2 --stale \
			--go "$stale_go"
		# the old mappings turn stale once nbfwd saw the hang-up
		bg_start 30 /dev/null bash -c 'until [ "$(grep -c -- "consumer $1 detached" "$2")" -ge "$3" ]; do
			sleep 0.05; done; touch "$4"' watch "$c" "$NBT_LOG" "${started[$c]}" "$stale_go"
		stale_watch=$BG_PID ;;
	txbad)
		if hbusy h2 || ! detached h2; then
			hskip[$k]=$((hskip[$k] + 1))
			return 0
		fi
		local g1=$((1 + RANDOM % 5)) g2=$((1 + RANDOM % 5)) r1=$((1 + RANDOM % 5))
		local r2=$((1 + RANDOM % 5)) l1=$((1 + RANDOM % 5)) l2=$((1 + RANDOM % 5))
		local s1=$((1 + RANDOM % 5)) s2=$((1 + RANDOM % 5)) s3=$((1 + RANDOM % 5))
		hstart txbad h2 30 "$TOOLS_BIN/nbshm_txsend" -s "$sock" -n h2 -t 10 \
			"60:own:ownx$g1" "1518:own:ownx$g2" "1:own:nonex$r1" "13:own:nonex$r2" \
			"1519:own:ownx$l1" "9000:own:ownx$l2" "60:other:ownx$s1" "60:own:nonex$s2" \
			"60:own:7x$s3"
		hlog[txbad_n]="tx_good=$((g1 + g2)) tx_runt=$((r1 + r2)) tx_long=$((l1 + l2)) tx_spoofed=$((s1 + s2 + s3))" ;;
	hoard)
		if hbusy h3 || ! detached h3; then
			hskip[$k]=$((hskip[$k] + 1))
			return 0
		fi
		hstart hoard h3 30 "$TOOLS_BIN/nbshm_txsend" -s "$sock" -n h3 --hold -t 10 ;;
	idle)
		hlog[idle_n]=$((16 + RANDOM % 49))
		hstart idle "" 30 "$NBT_PY" "$NBT_TOOLS/attach_idle.py" "$sock" "${hlog[idle_n]}" 5 ;;
	unauth)
		hl[unauth]=$((hl[unauth] + 1))
		if [ $((RANDOM % 4)) = 0 ]; then
			out=$(timeout -k 2 10 setpriv --reuid=4242 --regid=4242 --clear-groups \
				"$TOOLS_BIN/nbshm_attach" probe "$sock" c1 2>&1 || true)
			case $out in
			*"Permission denied"*) hsum[unauth_mode]=$((hsum[unauth_mode] + 1)) ;;
			*) hbad unauth "uid 4242 outside the socket's group: $out"; return 0 ;;
			esac
		else
			local names=("${cons[@]}" "${hcons[@]}" nosuch)
			c=${names[$((RANDOM % ${#names[@]}))]}
			out=$(timeout -k 2 10 setpriv --reuid=nobody --regid=nogroup --clear-groups \
				"$TOOLS_BIN/nbshm_attach" probe "$sock" "$c" 2>&1 || true)
			hsum[unauth_nobody]=$((hsum[unauth_nobody] + 1))
			[ "$out" = "refused 13: nbfwd refused $c queue 0: not allowed" ] ||
				{ hbad unauth "nobody asking for $c: $out"; return 0; }
		fi
		hok[unauth]=$((hok[unauth] + 1)) ;;
	fork)
		honest_free
		c=$free_c
		if [ -z "$c" ]; then
			hskip[$k]=$((hskip[$k] + 1))
			return 0
		fi
		hl[fork]=$((hl[fork] + 1))
		out=$(timeout -k 2 10 "$TOOLS_BIN/nbshm_attach" fork "$sock" "$c" 2 2>&1 || true)
		if [[ $out =~ ^child\ ([0-9]+)$ ]]; then
			fork_kids+=("${BASH_REMATCH[1]}")
			started[$c]=$((started[$c] + 1))
			hok[fork]=$((hok[fork] + 1))
		else
			hbad fork "nbshm_attach fork as $c: $out"
		fi ;;
	esac
}

t0=$SECONDS
warm=$((seconds / 6 < 10 ? seconds / 6 : 10))
rss0=
rss_samples=()
next_sample=$((t0 + warm))
died_at=
while [ $((SECONDS - t0)) -lt "$seconds" ]; do
	if ! nbfwd_alive; then
		died_at=$((SECONDS - t0))
		break
	fi
	if [ "$SECONDS" -ge "$next_sample" ]; then
		r=$(rss)
		[ -n "$rss0" ] || rss0=$r
		rss_samples+=("$((SECONDS - t0)):$r")
		next_sample=$((SECONDS + 10))
	fi
	reap
	if [ "$hostile" != off ]; then
		hreap
		if [ $((RANDOM % 1000)) -lt "$hostile_pm" ]; then
			hostile_event
			sleep "0.$((2 + RANDOM % 8))"
			continue
		fi
	fi
	c=${cons[$((RANDOM % n_cons))]}
	if [ -z "${pid[$c]}" ]; then
		start_consumer "$c"
	elif [ $((RANDOM % 2)) = 0 ]; then
		stop_consumer "$c" KILL
		kills[$c]=$((kills[$c] + 1))
	else
		stop_consumer "$c" TERM
		terms[$c]=$((terms[$c] + 1))
	fi
	sleep "0.$((2 + RANDOM % 8))"
done
say "churn done after $((SECONDS - t0)) s; letting hostile actions end, stopping traffic and consumers"

# the end: hostile actions run to their end (each is bounded), then traffic,
# consumers, then nbfwd
if [ "$hostile" != off ]; then
	for _ in $(seq 600); do
		hreap
		hany || break
		sleep 0.1
	done
	hany && problems+=("hostile actions still running 60 s after the churn")
	for k in $(seq 0 $((${#fork_kids[@]} - 1))); do
		p=${fork_kids[$k]}
		# a fork's child sleeps 2 s; still there (and still ours): stop it
		if grep -qa nbshm_attach "/proc/$p/cmdline" 2>/dev/null; then
			kill -TERM "$p" 2>/dev/null || true
		fi
	done
fi
touch "$stop_file"
bg_wait "$inject_a"
bg_wait "$inject_b"
for c in "${cons[@]}"; do
	[ -z "${pid[$c]}" ] || stop_consumer "$c" TERM
done
for c in "${cons[@]}" "${hcons[@]}"; do
	for _ in $(seq 100); do
		[ "$(logged "consumer $c detached")" -ge "${started[$c]}" ] && break
		sleep 0.1
	done
	[ "$(logged "consumer $c detached")" = "${started[$c]}" ] ||
		problems+=("$c: ${started[$c]} attaches but $(logged "consumer $c detached") detaches logged")
done
sleep 0.5
rss1=$(rss)
[ -n "$rss0" ] || rss0=$rss1
rss_samples+=("$((SECONDS - t0)):$rss1")
sent=$(cat "$NBT_TMP"/inject-*.log | awk '/^sent/ {n += $2} END {print n + 0}')

if [ -n "$died_at" ]; then
	problems+=("nbfwd exited after $died_at s")
	wait_nbfwd
else
	stop_nbfwd
fi
[ "$NBT_RC" = 0 ] || problems+=("nbfwd exit status $NBT_RC")
grep -q "leak:" "$NBT_LOG" && problems+=("nbfwd reports a leak: $(grep 'leak:' "$NBT_LOG" | head -n 1)")
pools=$(logged "mbufs returned")
n_pools=$((2 + n_cons + ${#hcons[@]}))
[ "$pools" = "$n_pools" ] || problems+=("$pools of $n_pools pools said all mbufs returned")

attaches=
for c in "${cons[@]}" "${hcons[@]}"; do
	attaches+="$c=${started[$c]},${kills[$c]},${terms[$c]} "
done
# what the hostile actions did, for the reconciliation
hfile=$NBT_TMP/hostile.json
{
	echo "{\"on\": $([ "$hostile" = off ] && echo false || echo true),"
	echo " \"faults_logged\": $(logged "its control file lost pages"),"
	echo " \"c1\": {\"captures\": $c1_files, \"frames\": $c1_frames, \"bad\": $c1_bad},"
	for x in hl hok hskip hsum fsent; do
		declare -n ref=$x
		printf ' "%s": {' "$x"
		sep=
		for k in "${!ref[@]}"; do
			[[ ${ref[$k]} =~ ^[0-9]+$ ]] || continue
			printf '%s"%s": %s' "$sep" "$k" "${ref[$k]}"
			sep=", "
		done
		printf '}%s\n' "$([ $x = fsent ] || echo ,)"
		unset -n ref
	done
	echo "}"
} >"$hfile"
report=$NBT_TMP/report.json
if [ -s "$NBT_JSON" ]; then
	"$NBT_PY" - "$NBT_JSON" "$report" "$sent" "$rss0" "$rss1" "$rss_margin_kb" \
		"$seconds" "$seed" "$attaches" "${rss_samples[*]}" "$hfile" <<'PY' || problems+=("reconciliation (above)")
import json, sys
doc = json.load(open(sys.argv[1]))
hx = json.load(open(sys.argv[11]))
out, sent, rss0, rss1, margin = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
	int(sys.argv[5]), int(sys.argv[6])
made = {}
for item in sys.argv[9].split():
	name, v = item.split("=")
	made[name] = [int(x) for x in v.split(",")]
bad = []
reasons_ok = {"filtered", "consumer", "tx_full"}
ports = doc["ports"]
for p in ports:
	fwd = sum(q["forwarded"] for q in p["queues"])
	if p["rx_packets"] != fwd + p["delivered"] + p["dropped"]:
		bad.append("port %s: rx %d != forwarded %d + delivered %d + dropped %d" % (
			p["name"], p["rx_packets"], fwd, p["delivered"], p["dropped"]))
	reasons = {k: v for k, v in doc["drops"].items()}
	by = sum(p[k] for k in reasons)
	if by != p["dropped"]:
		bad.append("port %s: dropped %d != sum of its reasons %d" % (p["name"], p["dropped"], by))
	for k in reasons:
		if k not in reasons_ok and p[k] != 0:
			bad.append("port %s: %s = %d" % (p["name"], k, p[k]))
	peer = ports[p["peer"]]
	if fwd != peer["tx_packets"]:
		bad.append("port %s: forwarded %d != tx of its peer %s %d" % (
			p["name"], fwd, peer["name"], peer["tx_packets"]))
	p["forwarded"] = fwd
cons = {c["name"]: c for c in doc["consumers"]}
for c in doc["consumers"]:
	honest = not c["name"].startswith("h")
	if c["delivered"] != c["returned"] + c["reclaimed"]:
		bad.append("%s: delivered %d != returned %d + reclaimed %d" % (
			c["name"], c["delivered"], c["returned"], c["reclaimed"]))
	if c["lent_now"] != 0:
		bad.append("%s: %d still lent at exit" % (c["name"], c["lent_now"]))
	if honest and any(c["rejects"].values()):
		bad.append("%s: rejects %s" % (c["name"], c["rejects"]))
	if honest and (c["stalled"] or c["faulted"]):
		bad.append("%s: stalled %d, faulted %d" % (c["name"], c["stalled"], c["faulted"]))
	if c["attaches"] != made[c["name"]][0]:
		bad.append("%s: nbfwd counted %d attaches, the script made %d" % (
			c["name"], c["attaches"], made[c["name"]][0]))
at = doc["attach"]
ref = at["refused"]
if at["connections"] != at["attached"] + sum(ref.values()):
	bad.append("attach: connections %d != attached %d + refused %d" % (
		at["connections"], at["attached"], sum(ref.values())))
st = sum(c["stalled"] for c in doc["consumers"])
fa = sum(c["faulted"] for c in doc["consumers"])
if at["attached"] != at["detached_closed"] + at["detached_exited"] + st + fa:
	bad.append("attach: attached %d != detached closed %d + exited %d + stalled %d + faulted %d"
		% (at["attached"], at["detached_closed"], at["detached_exited"], st, fa))
if sum(c["attaches"] for c in doc["consumers"]) != at["attached"]:
	bad.append("attach: attached %d != the consumers' attaches %d" % (
		at["attached"], sum(c["attaches"] for c in doc["consumers"])))
c1 = hx["c1"]
if c1["bad"]:
	bad.append("c1 captured %d frames not sent to it" % c1["bad"])

# each hostile action: its counters moved exactly when it ran
hl, hok, hs, fs = hx["hl"], hx["hok"], hx["hsum"], hx["fsent"]
rows = []
def judge(kind, what, value, ok):
	rows.append((kind, what, value, ok))
	if not ok:
		bad.append("hostile %s: %s = %s" % (kind, what, value))
if hx["on"]:
	h1, h2, h3 = cons["h1"], cons["h2"], cons["h3"]
	ran = hs["hs_launches"] > 0
	for r in ("bad_message", "unknown_name", "bad_queue"):
		judge("handshakes", "refused." + r, ref[r], (ref[r] > 0) == ran)
	judge("handshakes", "refused (13 per nbshm_hostile)", hs["handshakes"],
		hs["handshakes"] == 13 * hs["hs_launches"])
	forged = hok["forge"] > 0
	for kind, reason in (("double_return", "not_lent"), ("foreign_handle", "bad_handle"),
			("old_generation", "stale_generation"), ("out_of_bounds", "out_of_bounds"),
			("misaligned", "misaligned"), ("ret_jump", "index_jump")):
		n = fs.get(kind, 0)
		v = h1["rejects"][reason]
		# punched rings are read as forged indices too
		judge("forge", "h1.rejects.%s (sent %d)" % (reason, n), v,
			v > 0 if n > 0 else (v == 0 or hl["punch"] > 0))
	n = fs.get("tx_good", 0)
	judge("forge", "h1.drops.tx_spoofed (sent %d)" % n, h1["drops"]["tx_spoofed"],
		(h1["drops"]["tx_spoofed"] > 0) == (n > 0) or (n == 0 and hl["punch"] > 0))
	judge("forge", "h1.tx_packets", h1["tx_packets"], h1["tx_packets"] == 0)
	judge("forge", "h1.reclaimed (kept %d)" % fs.get("kept", 0), h1["reclaimed"],
		h1["reclaimed"] > 0 if fs.get("kept", 0) else True)
	judge("punch", "h1.faulted (logged %d)" % hx["faults_logged"], h1["faulted"],
		h1["faulted"] == hx["faults_logged"] and (h1["faulted"] == 0 or hl["punch"] > 0))
	judge("punch", "refused.no_memory (%d re-attaches refused)" % hs["punch_enomem"],
		ref["no_memory"], ref["no_memory"] >= hs["punch_enomem"] and
		(ref["no_memory"] == 0 or hs["punch_closed"] > 0))
	for what, key in (("tx_runt", "tx_runt"), ("tx_too_long", "tx_long"),
			("tx_spoofed", "tx_spoofed")):
		judge("txbad", "h2.drops.%s (sent %d)" % (what, hs[key]), h2["drops"][what],
			h2["drops"][what] == hs[key])
	judge("txbad", "h2.tx_packets (sent %d)" % hs["tx_good"], h2["tx_packets"],
		h2["tx_packets"] == hs["tx_good"])
	for what in ("tx_too_many_segments", "tx_prepare"):
		judge("txbad", "h2.drops." + what, h2["drops"][what], h2["drops"][what] == 0)
	judge("hoard", "h3.stalled (hoards %d)" % hok["hoard"], h3["stalled"],
		h3["stalled"] == hok["hoard"])
	judge("hoard", "h3.reclaimed (held %d)" % hs["held"], h3["reclaimed"],
		h3["reclaimed"] >= hs["held"])
	judge("hoard", "h1.stalled + h2.stalled", h1["stalled"] + h2["stalled"],
		h1["stalled"] + h2["stalled"] == 0)
	hr = sum(sum(cons[n]["rejects"].values()) for n in cons if not n.startswith("h"))
	judge("stale", "rejects of c1-c3 (%d posted in stale rings)" % hs["stale_posted"], hr,
		hr == 0)
	dt = ref["displaced"] + ref["timeout"]
	judge("idle", "refused.displaced + timeout (connections %d)" % hs["idle_conns"], dt,
		dt >= hs["idle_conns"] and (dt == 0) == (hl["idle"] == 0))
	judge("idle", "refused.too_many", ref["too_many"], ref["too_many"] == 0)
	judge("unauth", "refused.not_allowed (probes as nobody %d)" % hs["unauth_nobody"],
		ref["not_allowed"], ref["not_allowed"] == hs["unauth_nobody"])
	judge("fork", "detached_exited (forks %d)" % hok["fork"], at["detached_exited"],
		at["detached_exited"] >= hok["fork"])
	for r in ("internal", "peer_gone"):
		judge("any", "refused." + r, ref[r], ref[r] == 0)
	for k in hl:
		if hok.get(k, 0) != hl[k]:
			bad.append("hostile %s: %d launched, %d ended as they must" % (k, hl[k], hok.get(k, 0)))
if doc["mbufs_in_use_at_exit"] != 0:
	bad.append("mbufs_in_use_at_exit %d" % doc["mbufs_in_use_at_exit"])
if rss1 - rss0 > margin:
	bad.append("RSS grew by %d kB (from %d to %d kB), margin %d kB" % (rss1 - rss0, rss0, rss1, margin))
rx = sum(p["rx_packets"] for p in ports)

print("%-14s %12s %12s %12s %12s %12s %10s" % ("port", "rx", "forwarded", "delivered",
	"dropped", "tx", "imissed"))
for p in ports:
	print("%-14s %12d %12d %12d %12d %12d %10d" % (p["name"], p["rx_packets"], p["forwarded"],
		p["delivered"], p["dropped"], p["tx_packets"], p["imissed"]))
	print("%-14s %s" % ("", " ".join("%s=%d" % (k, p[k]) for k in doc["drops"] if p[k])))
print("%-6s %7s %7s %7s %10s %10s %10s %9s %5s  %s" % ("cons", "attach", "SIGKILL",
	"SIGTERM", "delivered", "returned", "reclaimed", "tx", "lent", "drops"))
for c in doc["consumers"]:
	m = made[c["name"]]
	print("%-6s %7d %7d %7d %10d %10d %10d %9d %5d  %s" % (c["name"], c["attaches"], m[1],
		m[2], c["delivered"], c["returned"], c["reclaimed"], c["tx_packets"], c["lent_now"],
		" ".join("%s=%d" % kv for kv in c["drops"].items() if kv[1])))
if hx["on"]:
	print("%-7s %8s %6s %8s  %s" % ("hostile", "launched", "ok", "skipped", "details"))
	det = {"forge": "sent " + " ".join("%s=%d" % kv for kv in sorted(fs.items())),
		"punch": "nbfwd closed %d, re-attached %d, re-attach refused ENOMEM %d, faults logged %d"
			% (hs["punch_closed"], hs["punch_reattach"], hs["punch_enomem"], hx["faults_logged"]),
		"stale": "returns + tx posted in stale rings %d" % hs["stale_posted"],
		"txbad": "good %d runt %d too long %d spoofed %d" % (hs["tx_good"], hs["tx_runt"],
			hs["tx_long"], hs["tx_spoofed"]),
		"hoard": "held %d" % hs["held"], "idle": "connections %d" % hs["idle_conns"],
		"unauth": "as nobody %d, outside the socket's group %d" % (hs["unauth_nobody"],
			hs["unauth_mode"]), "fork": ""}
	for k in ("forge", "punch", "stale", "txbad", "hoard", "idle", "unauth", "fork"):
		print("%-7s %8d %6d %8d  %s" % (k, hl[k], hok[k], hx["hskip"][k], det[k]))
	print("%-10s %-52s %10s %s" % ("action", "counter", "value", "check"))
	for kind, what, value, ok in rows:
		print("%-10s %-52s %10s %s" % (kind, what, value, "ok" if ok else "FAIL"))
	print("attach: %s" % json.dumps(at))
	print("h1 rejects: %s" % " ".join("%s=%d" % kv for kv in cons["h1"]["rejects"].items() if kv[1]))
print("c1 captures checked: %d, %d frames, all sent to c1 byte for byte: %s" % (
	c1["captures"], c1["frames"], "yes" if not c1["bad"] else "NO (%d)" % c1["bad"]))
print("frames sent %d, received by nbfwd %d (the kernel dropped %d before nbfwd read them)"
	% (sent, rx, sent - rx))
print("nbfwd RSS kB (s:kB): %s; start %d, end %d, growth %d (margin %d)" % (
	sys.argv[10], rss0, rss1, rss1 - rss0, margin))
print("duration %.1f s, mbufs_in_use_at_exit %d" % (doc["duration_s"], doc["mbufs_in_use_at_exit"]))
for b in bad:
	print("FAIL: " + b)
json.dump({"seconds": int(sys.argv[7]), "seed": int(sys.argv[8]), "frames_sent": sent,
	"rx_packets": rx, "rss_kb": {"start": rss0, "end": rss1, "samples": sys.argv[10]},
	"consumers_made": made, "hostile": hx, "hostile_checks": [list(r) for r in rows],
	"nbfwd": doc, "problems": bad}, open(out, "w"), indent=1)
sys.exit(1 if bad else 0)
PY
else
	problems+=("no stats JSON from nbfwd")
fi
for p in "${problems[@]}"; do
	echo "FAIL: $p"
done
verdict=PASS
[ ${#problems[@]} = 0 ] || verdict=FAIL
if [ -n "$json_out" ] && [ -s "$report" ]; then
	"$NBT_PY" - "$report" "$json_out" "$verdict" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["verdict"] = sys.argv[3]
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
fi
echo "soak: $verdict ($seconds s, seed $seed)"
[ $verdict = PASS ]
