# SPDX-License-Identifier: BSD-3-Clause
# Shared helpers of the integration tests. Source it first:
#   . "$(dirname "$0")/lib.sh"
#
# Environment:
#   NBSHM_BUILD   build directory (meson test sets it; else MESON_BUILD_ROOT,
#                 else <repo>/build)
#   NBSHM_SRC     repository root (else found from this file's place)
#   NBSHM_PCAPS   an extra corpus of captures, used beside the repository's own
#                 (app/test/data/) when present (default <repo>/../shared/pcaps;
#                 set to a directory that does not exist: every test fails)
#   NBSHM_NBFWD_ARGS  extra nbfwd options for every run but the CLI checks
#                 (e.g. "--pool-layout extbuf" to run the suite on that layout)
#   NBSHM_DPDK_BIN  directory of the DPDK tools to run (dpdk-testpmd,
#                 dpdk-dumpcap, dpdk-pdump), put first in PATH; meson test sets
#                 it when nbshm is built against a DPDK outside /usr
#                 (scripts/dpdk-24.11.sh)
#   NBT_KEEP=1    keep the temporary directory (logs, outputs) after a failure
#
# Safety: every DPDK process started through these helpers gets --no-pci and
# a --file-prefix of its own, runs under `timeout`, and is stopped by its PID;
# the EXIT trap kills what is still running and removes the hugepage files,
# runtime directories, sockets and network namespaces the test made.

set -euo pipefail

NBT_NAME=${NBT_NAME:-$(basename "$0" .sh)}
NBT_SRC=${NBSHM_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
NBT_BUILD=${NBSHM_BUILD:-${MESON_BUILD_ROOT:-$NBT_SRC/build}}
NBFWD=${NBFWD:-$NBT_BUILD/app/nbfwd/nbfwd}
[ -z "${NBSHM_DPDK_BIN:-}" ] || PATH=$NBSHM_DPDK_BIN:$PATH
NBT_DATA=$NBT_SRC/app/test/data
NBT_PCAPS=${NBSHM_PCAPS:-$NBT_SRC/../shared/pcaps}
NBT_TOOLS=$NBT_SRC/app/test/tools
NBT_PY=${NBSHM_PYTHON:-python3}
NBT_HUGEDIR=${NBSHM_HUGEDIR:-/dev/hugepages}
# How net_pcap splits a frame into nbfwd's mbufs (RTE_MBUF_DEFAULT_BUF_SIZE,
# 2176 bytes): the first segment keeps the 128-byte headroom (2048 data
# bytes), the chained ones get all 2176 (DPDK 22.11 eth_pcap_rx_jumbo()).
NBT_SEG_FIRST=2048
NBT_SEG_NEXT=2176

NBT_PIDS=()		# background processes (timeout wrappers) still to reap
NBT_PREFIXES=()		# DPDK --file-prefix values used
NBT_NETNS=()		# network namespaces created
NBT_FILES=()		# sockets and other files outside NBT_TMP
NBT_SEQ=0
NBT_TMP=$(mktemp -d "/tmp/nbt-$NBT_NAME.XXXXXX")

# Last nbfwd run: its log, stats JSON, exit status, pid (of its timeout).
NBT_LOG=
NBT_JSON=
NBT_RC=
NBT_PID=
NBT_CMD=

nbt_cleanup() {
	local rc=$? pid p ns f c
	set +e
	trap - EXIT INT TERM
	for pid in "${NBT_PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${NBT_PIDS[@]}"; do
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			# the timeout wrapper and the process it runs, by their pids
			for c in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
				echo "cleanup: pid $c did not stop on SIGTERM, sending SIGKILL" >&2
				kill -KILL "$c" 2>/dev/null
			done
			kill -KILL "$pid" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null
	done
	for ns in "${NBT_NETNS[@]}"; do
		# deleting a namespace removes the veths in it
		ip netns pids "$ns" 2>/dev/null | while read -r p; do kill -KILL "$p"; done
		ip netns del "$ns" 2>/dev/null
	done
	for p in "${NBT_PREFIXES[@]}"; do
		rm -f "$NBT_HUGEDIR/${p}map_"* "$NBT_HUGEDIR/nbshm-${p}."* \
			"$NBT_HUGEDIR/.nbshm-${p}."*
		rm -rf "/var/run/dpdk/$p"
	done
	for f in "${NBT_FILES[@]}"; do
		if [ -d "$f" ]; then rmdir "$f"; else rm -f "$f"; fi
	done
	if [ "$rc" -ne 0 ] && [ "${NBT_KEEP:-0}" = 1 ]; then
		echo "kept $NBT_TMP"
	else
		rm -rf "$NBT_TMP"
	fi
	exit "$rc"
}
trap nbt_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "${NBSHM_PCAPS:-}" ] && [ ! -d "$NBSHM_PCAPS" ]; then
	echo "FAIL: $NBT_NAME: NBSHM_PCAPS=$NBSHM_PCAPS is not a directory" >&2
	exit 1
fi

# say MESSAGE: a progress line
say() {
	echo "[$NBT_NAME] $*"
}

# fail MESSAGE: report on stderr (also from inside $(...)) and exit 1; the
# EXIT trap cleans up
fail() {
	{
		echo "FAIL: $NBT_NAME: $*"
		if [ -n "$NBT_LOG" ] && [ -f "$NBT_LOG" ]; then
			[ -z "$NBT_CMD" ] || echo "command: $NBT_CMD"
			echo "---- last lines of $NBT_LOG ----"
			tail -n 25 "$NBT_LOG"
			echo "----"
		fi
	} >&2
	exit 1
}

# skip MESSAGE: the test cannot run here (meson: SKIP)
skip() {
	echo "SKIP: $NBT_NAME: $*" >&2
	exit 77
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || fail "needs the command '$c' (scripts/setup.sh installs it)"
	done
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root ($*)"
}

need_nbfwd() {
	[ -x "$NBFWD" ] || fail "nbfwd is not built: $NBFWD (NBSHM_BUILD=$NBT_BUILD)"
}

# need_built VAR PATH: PATH (a program of this build) exists; VAR is set to it
need_built() {
	[ -x "$2" ] || fail "${2##*/} is not built: $2 (NBSHM_BUILD=$NBT_BUILD)"
	printf -v "$1" '%s' "$2"
}

# pcap NAME: path of a capture: the repository's own (app/test/data/NAME.pcap,
# see its README.md), else the extra corpus's ($NBT_PCAPS/NAME.pcap), checked
pcap() {
	local f
	for f in "$NBT_DATA/$1.pcap" "$NBT_PCAPS/$1.pcap"; do
		if [ -r "$f" ]; then
			echo "$f"
			return 0
		fi
	done
	fail "capture $1.pcap is neither in $NBT_DATA nor in $NBT_PCAPS"
}

# pcap_names ARG...: the captures a test loops over, one a line: a plain NAME
# as it is (the repository's own); "shared:NAME" only when the extra corpus
# has NAME.pcap (a note on stderr when the corpus is absent)
pcap_names() {
	local a said=0
	for a in "$@"; do
		case "$a" in
		shared:*)
			if [ -r "$NBT_PCAPS/${a#shared:}.pcap" ]; then
				echo "${a#shared:}"
			elif [ $said = 0 ]; then
				echo "[$NBT_NAME] no extra corpus at $NBT_PCAPS: the repository's captures only" >&2
				said=1
			fi
			;;
		*) echo "$a" ;;
		esac
	done
}

need_hugepages() {
	local free
	free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
	mountpoint -q "$NBT_HUGEDIR" 2>/dev/null || grep -q " $NBT_HUGEDIR hugetlbfs " /proc/mounts ||
		fail "no hugetlbfs at $NBT_HUGEDIR (run scripts/setup-hugepages.sh)"
	[ "${free:-0}" -ge "${1:-64}" ] ||
		fail "only ${free:-0} free 2 MB hugepages, need ${1:-64} (run scripts/setup-hugepages.sh)"
}

# new_prefix: a --file-prefix no other process uses; registered for cleanup
new_prefix() {
	NBT_SEQ=$((NBT_SEQ + 1))
	NBT_PREFIX="nbt${NBT_SEQ}_${NBT_NAME//[^A-Za-z0-9]/}_$$"
	NBT_PREFIXES+=("$NBT_PREFIX")
}

# reg_file PATH: remove PATH at exit (a directory: empty by then, register
# its files first)
reg_file() {
	NBT_FILES+=("$1")
}

# nbt_netns NAME...: create network namespaces (removed at exit), lo up
nbt_netns() {
	local ns
	for ns in "$@"; do
		NBT_NETNS+=("$ns")
		ip netns add "$ns" || fail "ip netns add $ns"
		ip -n "$ns" link set dev lo up
	done
}

# nbt_veth NS1 DEV1 NS2 DEV2: a veth pair made inside the namespaces (never in
# the root one), up, without offloads that af_packet would see as super-frames
# or partial checksums, and without IPv6 (no router solicitations, no MLD)
nbt_veth() {
	local x ns dev
	ip -n "$1" link add name "$2" type veth peer name "$4" netns "$3" ||
		fail "veth $1/$2 -- $3/$4"
	for x in "$1 $2" "$3 $4"; do
		read -r ns dev <<<"$x"
		ip netns exec "$ns" ethtool -K "$dev" tx off tso off gso off gro off \
			rxvlan off txvlan off >/dev/null 2>&1 || true
		ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1" || true
		ip -n "$ns" link set dev "$dev" up
	done
}

# nbt_fwd_netns TAG: namespaces nbt-TAGf, nbt-TAGa, nbt-TAGb (with the PID), in
# NBT_NS_F, NBT_NS_A, NBT_NS_B, joined by veths a--fa (A to F) and b--fb (B to F)
nbt_fwd_netns() {
	NBT_NS_F=nbt-$1f-$$
	NBT_NS_A=nbt-$1a-$$
	NBT_NS_B=nbt-$1b-$$
	nbt_netns "$NBT_NS_F" "$NBT_NS_A" "$NBT_NS_B"
	nbt_veth "$NBT_NS_A" a "$NBT_NS_F" fa
	nbt_veth "$NBT_NS_B" b "$NBT_NS_F" fb
}

# nbt_af_packet_io NS_TAG TAG LIMIT NET: nbt_fwd_netns NS_TAG with a = NET.1/24
# and b = NET.2/24, and nbfwd TAG (io, at most LIMIT s) in F forwarding between
# net_af_packet0 on fa and net_af_packet1 on fb
nbt_af_packet_io() {
	nbt_fwd_netns "$1"
	ip -n "$NBT_NS_A" addr add "$4.1/24" dev a
	ip -n "$NBT_NS_B" addr add "$4.2/24" dev b
	NBT_IN_NETNS=$NBT_NS_F NBT_LIMIT=$3 start_nbfwd "$2" \
		--vdev net_af_packet0,iface=fa --vdev net_af_packet1,iface=fb -- --mode io
	wait_log "forwarding: mode io" 30
}

# nbt_ping NS DST TRIES WHAT: from NS, DST answers one of TRIES pings (the first
# may be lost resolving ARP), then 5 of 5; NBT_PING_OUT is ping's summary line
# shellcheck disable=SC2034
nbt_ping() {
	local ok=0 out t
	for ((t = 0; t < $3; t++)); do
		if timeout 5 ip netns exec "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1; then
			ok=1
			break
		fi
	done
	[ $ok = 1 ] || fail "$4: $1 cannot reach $2 through nbfwd ($3 pings)"
	out=$(ip netns exec "$1" timeout 30 ping -c 5 -i 0.2 -W 2 "$2" 2>&1) ||
		fail "$4: ping -c 5 through nbfwd failed:"$'\n'"$out"
	echo "$out" | grep -q " 0% packet loss" || fail "$4: ping lost packets:"$'\n'"$out"
	NBT_PING_OUT=$(echo "$out" | grep 'packet loss')
}

# wait_socket PATH WHAT: PATH becomes a socket within 5 s
wait_socket() {
	local t
	for ((t = 0; t < 50; t++)); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	fail "$2 did not create $1"
}

# start_nbfwd TAG [EAL args] -- [nbfwd args]
#   Starts nbfwd in the background under `timeout $NBT_LIMIT` (default 30 s),
#   with --no-pci, a fresh --file-prefix, -l $NBT_LCORES (default 0,1) unless
#   the EAL args give -l/--lcores, and, unless NBT_APP_DEFAULTS=0, the nbfwd
#   options --stats-period 0 --stats-json $NBT_JSON $NBSHM_NBFWD_ARGS before
#   the caller's.
#   NBT_IN_NETNS=NS runs it inside that network namespace.
#   Sets NBT_PID, NBT_LOG ($NBT_TMP/TAG.log: stdout and stderr), NBT_JSON.
start_nbfwd() {
	local tag=$1 a has_l=0 limit=${NBT_LIMIT:-30}
	local eal=() app=() seen=0 cmd=()
	shift
	need_nbfwd
	for a in "$@"; do
		if [ $seen = 0 ] && [ "$a" = "--" ]; then
			seen=1
			continue
		fi
		if [ $seen = 0 ]; then
			eal+=("$a")
			case "$a" in -l|-l*|--lcores|--lcores=*) has_l=1 ;; esac
		else
			app+=("$a")
		fi
	done
	new_prefix
	NBT_LOG=$NBT_TMP/$tag.log
	NBT_JSON=$NBT_TMP/$tag.json
	rm -f "$NBT_JSON"
	[ $has_l = 1 ] || eal=(-l "${NBT_LCORES:-0,1}" "${eal[@]}")
	if [ "${NBT_APP_DEFAULTS:-1}" = 1 ]; then
		# shellcheck disable=SC2206
		app=(--stats-period 0 --stats-json "$NBT_JSON" ${NBSHM_NBFWD_ARGS:-} "${app[@]}")
	fi
	[ -z "${NBT_IN_NETNS:-}" ] || cmd=(ip netns exec "$NBT_IN_NETNS")
	cmd+=("$NBFWD" --no-pci --file-prefix "$NBT_PREFIX" "${eal[@]}" -- "${app[@]}")
	NBT_CMD="${cmd[*]}"
	: >"$NBT_LOG"
	bg_start "$limit" "$NBT_LOG" "${cmd[@]}"
	NBT_PID=$BG_PID
}

# wait_nbfwd: wait for the last started nbfwd; sets NBT_RC (124: timed out)
wait_nbfwd() {
	bg_wait "$NBT_PID"
	NBT_RC=$BG_RC
}

# stop_nbfwd: SIGTERM to the last started nbfwd (timeout passes it on), wait
stop_nbfwd() {
	kill -TERM "$NBT_PID" 2>/dev/null || true
	wait_nbfwd
}

nbt_forget_pid() {
	local keep=() p
	for p in "${NBT_PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	NBT_PIDS=("${keep[@]}")
}

# run_nbfwd TAG [EAL args] -- [nbfwd args]: start_nbfwd, then wait_nbfwd
run_nbfwd() {
	start_nbfwd "$@"
	wait_nbfwd
}

# bg_start LIMIT LOG CMD...: run CMD in the background under `timeout LIMIT`,
# stdout and stderr to LOG; sets BG_PID (stopped by the EXIT trap if still running)
bg_start() {
	local limit=$1 log=$2
	shift 2
	timeout -k 5 "$limit" "$@" >"$log" 2>&1 </dev/null &
	BG_PID=$!
	NBT_PIDS+=("$BG_PID")
}

# bg_wait PID: wait for a bg_start process; sets BG_RC
# shellcheck disable=SC2034
bg_wait() {
	BG_RC=0
	wait "$1" || BG_RC=$?
	nbt_forget_pid "$1"
}

# nbt_c1_setup: for the tests of one consumer c1 served by nbecho (vmq, fed
#   from net_pcap0): checks (hugepages, nbfwd and nbecho built), sets NBECHO
#   and NBT_C1_FRAMES, vmq_frames.py's 200 frames for c1=02:00:00:00:00:c1
#   (in.pcap mixed, expect-c1.pcap c1's alone)
nbt_c1_setup() {
	NBECHO=$NBT_BUILD/app/nbcap/nbecho
	need_hugepages 96
	need_nbfwd
	[ -x "$NBECHO" ] || fail "nbecho is not built: $NBECHO"
	NBT_C1_FRAMES=$NBT_TMP/frames
	"$NBT_PY" "$NBT_TOOLS/vmq_frames.py" "$NBT_C1_FRAMES" --count 200 \
		--consumer c1=02:00:00:00:00:c1 >/dev/null || fail "vmq_frames.py"
}

# nbt_c1_start TAG PCAP VDEV PORT [INI LINE...]: start_nbfwd TAG in vmq mode on
#   net_pcap0 (reading PCAP in a loop: infinite_rx) and VDEV; its INI
#   $NBT_TMP/TAG.ini: attach socket NBT_C1_SOCK=$NBT_TMP/TAG.sock, unmatched
#   frames forwarded, broadcast and multicast dropped, consumer c1
#   (02:00:00:00:00:c1, 1024 buffers, rings of 256) on PORT, then the INI
#   LINEs (in c1's section until one opens another). Returns once nbfwd takes
#   attaches.
nbt_c1_start() {
	local tag=$1 pcap=$2 vdev=$3 port=$4 ini=$NBT_TMP/$1.ini
	shift 4
	NBT_C1_SOCK=$NBT_TMP/$tag.sock
	{
		cat <<INI
[nbfwd]
mode = vmq
socket = $NBT_C1_SOCK
[vmq]
unmatched = forward
broadcast = drop
multicast = drop
[consumer c1]
port = $port
mac = 02:00:00:00:00:c1
buffers = 1024
ring_size = 256
INI
		[ $# -eq 0 ] || printf '%s\n' "$@"
	} >"$ini"
	start_nbfwd "$tag" --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" --vdev "$vdev" -- \
		-f "$ini"
	wait_log "consumers attach at" 30
}

# nbt_c1_nbecho TAG [NBECHO ARG...]: nbecho for c1 on NBT_C1_SOCK in the
#   background (-t 50 under timeout 60; log $NBT_TMP/TAG.log, counters
#   $NBT_TMP/TAG.json), waiting until nbfwd logs the attach; sets
#   NBT_C1_ECHO_PID (bg_wait it)
# shellcheck disable=SC2034
nbt_c1_nbecho() {
	local tag=$1
	shift
	bg_start 60 "$NBT_TMP/$tag.log" "$NBECHO" -s "$NBT_C1_SOCK" -n c1 "$@" -t 50 \
		--stats-json "$NBT_TMP/$tag.json"
	NBT_C1_ECHO_PID=$BG_PID
	wait_log "consumer c1 attached" 20
}

# nbt_c3_start TAG C1_KEYS C2_KEYS C3_KEYS: start_nbfwd TAG (limit NBT_LIMIT,
#   default 90 s) in vmq mode on net_pcap0 (NBT_C1_FRAMES's in.pcap in a loop:
#   run nbt_c1_setup first) and net_null0, consumers c1, c2, c3 on net_pcap0
#   (MACs 02:00:00:00:00:c1..c3; c1 1024 buffers, rings of 256; c2 and c3 256
#   buffers, rings of 64), each section ending with its KEYS (lines, "" for
#   none). The socket NBT_C3_SOCK=$NBT_TMP/TAG.sock has group nogroup, and
#   NBT_TMP is made reachable (mode 0711) for other uids. Returns once nbfwd
#   takes attaches.
nbt_c3_start() {
	local tag=$1 ini=$NBT_TMP/$1.ini i
	shift
	chmod 0711 "$NBT_TMP"
	NBT_C3_SOCK=$NBT_TMP/$tag.sock
	printf '[nbfwd]\nmode = vmq\nsocket = %s\nsocket_group = nogroup\n[vmq]\n%s\n' \
		"$NBT_C3_SOCK" "unmatched = forward"$'\n'"broadcast = drop"$'\n'"multicast = drop" \
		>"$ini"
	for i in 1 2 3; do
		printf '[consumer c%s]\nport = net_pcap0\nmac = 02:00:00:00:00:c%s\n' "$i" "$i"
		if [ "$i" = 1 ]; then
			printf 'buffers = 1024\nring_size = 256\n'
		else
			printf 'buffers = 256\nring_size = 64\n'
		fi
		[ -z "$1" ] || printf '%s\n' "$1"
		shift
	done >>"$ini"
	NBT_LIMIT=${NBT_LIMIT:-90} start_nbfwd "$tag" \
		--vdev "net_pcap0,rx_pcap=$NBT_C1_FRAMES/in.pcap,infinite_rx=1" --vdev net_null0 -- \
		-f "$ini"
	wait_log "consumers attach at" 30
}

# wait_log PATTERN SECONDS: wait until the last nbfwd's log matches (grep -E)
wait_log() {
	local pat=$1 secs=${2:-20} t
	for ((t = 0; t < secs * 10; t++)); do
		grep -qE -- "$pat" "$NBT_LOG" && return 0
		if ! kill -0 "$NBT_PID" 2>/dev/null; then
			sleep 0.2
			grep -qE -- "$pat" "$NBT_LOG" && return 0
			wait_nbfwd
			fail "nbfwd exited (status $NBT_RC$([ "$NBT_RC" -gt 128 ] &&
				echo ": signal $((NBT_RC - 128))")) before its log showed /$pat/"
		fi
		sleep 0.1
	done
	fail "nbfwd's log did not show /$pat/ within $secs s"
}

# port_mac PORT_ID: the MAC nbfwd logged for that port ("port N (...) ... MAC x")
port_mac() {
	local mac
	mac=$(sed -nE "s/.*port $1 \([^)]*\): .* MAC ([0-9A-Fa-f:]{17}), forwards to port.*/\1/p" \
		"$NBT_LOG" | head -n 1)
	[ -n "$mac" ] || fail "no 'port $1 (...) ... MAC xx:xx:xx:xx:xx:xx, forwards to port' line in the log"
	echo "$mac" | tr 'A-F' 'a-f'
}

# testpmd_start TAG EAL_AND_APP_ARGS...: dpdk-testpmd in the background (give
# it -i), with --no-pci, a fresh --file-prefix, `timeout 60`; output in
# $NBT_TMP/TAG.log; its commands go through a fifo on fd 7 (tp_send).
# Sets tp_pid, tp_log, tp_cmd.
testpmd_start() {
	local tag=$1 in
	shift
	new_prefix
	tp_log=$NBT_TMP/$tag.log
	in=$NBT_TMP/$tag.stdin
	mkfifo "$in"
	tp_cmd="dpdk-testpmd --no-pci --file-prefix $NBT_PREFIX $*"
	: >"$tp_log"
	timeout -k 5 60 dpdk-testpmd --no-pci --file-prefix "$NBT_PREFIX" "$@" \
		<"$in" >"$tp_log" 2>&1 &
	tp_pid=$!
	NBT_PIDS+=("$tp_pid")
	exec 7>"$in"
}

# tp_fail MSG: fail, showing testpmd's command and log
tp_fail() {
	NBT_CMD=$tp_cmd NBT_LOG=$tp_log fail "$@"
}

# tp_send CMD: one command to the testpmd of testpmd_start
tp_send() {
	echo "$1" >&7 || tp_fail "testpmd stopped reading commands (before '$1')"
}

# testpmd_wait: close testpmd's command fifo and wait for it; sets tp_rc
testpmd_wait() {
	exec 7>&-
	tp_rc=0
	wait "$tp_pid" || tp_rc=$?
	nbt_forget_pid "$tp_pid"
}

# json_get FILE KEY.PATH: print one value (a.b.0.c: list index 0)
json_get() {
	"$NBT_PY" - "$1" "$2" <<'PY' || fail "cannot read '$2' from $1"
import json, sys
with open(sys.argv[1]) as f:
	d = json.load(f)
for k in sys.argv[2].split("."):
	d = d[int(k)] if isinstance(d, list) else d[k]
print(json.dumps(d) if isinstance(d, (dict, list, bool)) else d)
PY
}

# expect_json [FILE] KEY OP VALUE [KEY OP VALUE ...]: OP is == != > >= < <=;
# FILE defaults to $NBT_JSON. Every failing check is printed, then fail.
expect_json() {
	local file=$NBT_JSON out
	if [ $(( $# % 3 )) -eq 1 ]; then
		file=$1
		shift
	fi
	[ -s "$file" ] || fail "no stats JSON written ($file); nbfwd exit status ${NBT_RC:-?}"
	if ! out=$("$NBT_PY" - "$file" "$@" <<'PY'
import json, operator, sys
ops = {"==": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge,
	"<": operator.lt, "<=": operator.le}
with open(sys.argv[1]) as f:
	doc = json.load(f)
args = sys.argv[2:]
bad = 0
for i in range(0, len(args), 3):
	key, op, want = args[i:i + 3]
	d = doc
	try:
		for k in key.split("."):
			d = d[int(k)] if isinstance(d, list) else d[k]
	except (KeyError, IndexError, ValueError, TypeError):
		print("  %s: missing in the stats JSON" % key)
		bad += 1
		continue
	try:
		w = type(d)(want) if not isinstance(d, bool) else want == "true"
	except ValueError:
		w = want
	if not ops[op](d, w):
		print("  %s: expected %s %s, got %s" % (key, op, want, d))
		bad += 1
sys.exit(1 if bad else 0)
PY
	); then
		fail "stats JSON $(basename "$file"):"$'\n'"$out"
	fi
}

# expect_zero_drops [EXCEPT...]: every drop reason in the JSON is 0 except those named
# shellcheck disable=SC2120
expect_zero_drops() {
	local r checks=()
	for r in bad_handle stale_generation out_of_bounds zero_length too_many_segments \
			length_mismatch bad_flags runt tx_full; do
		case " $* " in *" $r "*) continue ;; esac
		checks+=("drops.$r" "==" 0)
	done
	expect_json "${checks[@]}"
}

# expect_rc WHAT EXPECTED: the last nbfwd's exit status
expect_rc() {
	local why=
	[ "$NBT_RC" != 124 ] || why=" (timed out)"
	[ "$NBT_RC" -le 128 ] || [ "$NBT_RC" = 124 ] || why=" (signal $((NBT_RC - 128)))"
	[ "$NBT_RC" = "$2" ] || fail "$1: nbfwd exit status $NBT_RC, expected $2$why"
}

# expect_ok: exit 0, JSON written, no mbuf in use at exit
expect_ok() {
	expect_rc "${1:-run}" 0
	expect_json mbufs_in_use_at_exit == 0
	if grep -q "leak:" "$NBT_LOG"; then
		fail "the log reports a leak"
	fi
}

# expect_log PATTERN WHAT: the last log matches (grep -E)
expect_log() {
	grep -qE -- "$1" "$NBT_LOG" || fail "${2:-log}: no line matching /$1/ in the output"
}

# expect_eq WHAT EXPECTED GOT / expect_gt WHAT MIN GOT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected $2, got $3"
}
expect_gt() {
	[ "$3" -gt "$2" ] 2>/dev/null || fail "$1: expected > $2, got $3"
}

# pcap_compare ARGS...: app/test/tools/pcap_compare.py; fails the test on a mismatch
pcap_compare() {
	local out
	out=$("$NBT_PY" "$NBT_TOOLS/pcap_compare.py" "$@" 2>&1) || fail "pcap_compare $*: $out"
	echo "$out"
}

# compare_l2fwd [ARGS] IN OUT: pcap_compare --mode l2fwd of what tx port 0 sent:
# dst 02:00:00:00:00:00, src the port's own MAC (from the log)
compare_l2fwd() {
	local src
	src=$(port_mac 0)
	pcap_compare --mode l2fwd --l2fwd-dst 02:00:00:00:00:00 --l2fwd-src "$src" "$@"
}

# seg_limit K: the largest frame that fits in K segments
seg_limit() {
	echo $((NBT_SEG_FIRST + ($1 - 1) * NBT_SEG_NEXT))
}

# pcap_field FILE FIELD [--min-caplen N] [--max-caplen N]: one value of pcap_compare --count
pcap_field() {
	local f=$1 field=$2
	shift 2
	"$NBT_PY" "$NBT_TOOLS/pcap_compare.py" --count --seg-size "$NBT_SEG_FIRST,$NBT_SEG_NEXT" \
		--field "$field" "$@" "$f" || fail "cannot count $field in $f"
}
