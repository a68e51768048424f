#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/soak.sh: a bounded soak of nbfwd in vmq mode (not run in CI): minutes
# of mixed traffic while consumers attach, detach and are SIGKILLed at random,
# then every counter reconciled and a verdict. See --help.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=120
n_cons=3
seed=$$
rss_margin_kb=2048
json_out=

usage() {
	cat <<EOF
Usage: $(basename "$0") [-t SECONDS] [-c 2|3] [-s SEED] [-m KB] [-j FILE] [-b BUILD]

Runs nbfwd --mode vmq for SECONDS (default $seconds) on two net_af_packet ports
in network namespaces this script makes and removes:

  [a] --veth-- [fa] nbfwd [fb] --veth-- [b]     (ns nbt-sa-PID, nbt-sf-PID, nbt-sb-PID)

Traffic never stops: from a into fa, the mixed capture of vmq_frames.py
(frames for each consumer, untagged and VLAN-tagged, unknown unicast,
broadcast, multicast); from b into fb, the same capture (nothing there
matches a consumer of port fb: it is forwarded out of fa). Consumers on fa:
c1 (nbcap, pcap to /dev/null), c2 (VLAN 42, nbecho --echo: sends every packet
back out of fa), c3 (nbecho, counts). Every 0.2-1 s one consumer, picked at
random, is started if it is not attached, else stopped: SIGKILL or SIGTERM
(each half the time); a started one also ends by itself after 1-6 s.
Policies: unmatched = forward, broadcast = consumers, multicast = drop.
nbfwd's RSS (VmRSS in /proc/PID/status) is sampled when the warm-up ends
(after 10 s or SECONDS/6, whichever is shorter) and every 10 s.

At the end, traffic stops, the consumers are stopped, nbfwd is stopped with
SIGTERM, and these must hold (the verdict is PASS only if all do):
  nbfwd never exited before the end; exit status 0, no "leak:" line,
    mbufs_in_use_at_exit = 0, every pool "all N mbufs returned"
  per port: rx_packets = forwarded + delivered + dropped, and dropped = the
    sum of its reasons; every reason but filtered, consumer, tx_full is 0
  per port: forwarded = tx_packets of its peer port
  per consumer: delivered = returned + reclaimed, lent_now = 0, no rejects,
    attaches = the attaches this script made, and nbfwd saw every detach
  RSS at the end - RSS at the first sample <= the margin (-m, default $rss_margin_kb kB)
Frames the kernel dropped before nbfwd read them (sent - rx) are reported,
not judged.

Options:
  -t SECONDS  run time (default $seconds, at least 20)
  -c N        consumers, 2 or 3 (default $n_cons)
  -s SEED     seed of the random choices (default: the PID)
  -m KB       RSS margin in kB (default $rss_margin_kb)
  -j FILE     also write the figures and the verdict as JSON
  -b BUILD    build directory (default \$NBSHM_BUILD or build)
  -h, --help  this text

Needs root (namespaces), 2 MB hugepages (about 100 free), python3, ip,
ethtool. Every DPDK process gets --no-pci and its own --file-prefix and runs
under timeout; namespaces, hugepage and region files, sockets are removed at
exit (also after Ctrl-C). Exit status: 0 PASS, 1 FAIL, 2 usage or set-up error.
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	-t|-c|-s|-m|-j|-b)
		[ $# -ge 2 ] || { echo "soak.sh: $1 needs a value (see --help)" >&2; exit 2; }
		case $1 in
		-t) seconds=$2 ;;
		-c) n_cons=$2 ;;
		-s) seed=$2 ;;
		-m) rss_margin_kb=$2 ;;
		-j) json_out=$2 ;;
		-b) export NBSHM_BUILD=$2 ;;
		esac
		shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "soak.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
for v in "$seconds" "$seed" "$rss_margin_kb"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "soak.sh: expected a whole number, got '$v'" >&2; exit 2; }
done
[ "$seconds" -ge 20 ] || { echo "soak.sh: -t must be at least 20" >&2; exit 2; }
[ "$n_cons" = 2 ] || [ "$n_cons" = 3 ] ||
	{ echo "soak.sh: -c must be 2 or 3" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "soak.sh: needs root (network namespaces)" >&2; exit 2; }

# The integration tests' helpers: namespaces, veths, nbfwd under timeout with
# --no-pci and its own prefix, background processes, and the EXIT trap that
# removes everything.
NBT_NAME=soak
NBSHM_SRC=$root
. "$root/app/test/integration/lib.sh"
NBCAP=$NBT_BUILD/app/nbcap/nbcap
NBECHO=$NBT_BUILD/app/nbcap/nbecho
need_cmd ip ethtool
need_hugepages 100
need_nbfwd
[ -x "$NBCAP" ] && [ -x "$NBECHO" ] || fail "nbcap/nbecho are not built in $NBT_BUILD"
RANDOM=$seed

ns_f=nbt-sf-$$
ns_a=nbt-sa-$$
ns_b=nbt-sb-$$
nbt_netns "$ns_f" "$ns_a" "$ns_b"
nbt_veth "$ns_a" a "$ns_f" fa
nbt_veth "$ns_b" b "$ns_f" fb

cons=(c1 c2 c3)
cons=("${cons[@]:0:$n_cons}")
frames=$NBT_TMP/frames
"$NBT_PY" "$NBT_TOOLS/vmq_frames.py" "$frames" --count 2000 --seed "$seed" \
	--consumer c1=02:00:00:00:00:c1 --consumer c2=02:00:00:00:00:c2@42 \
	--consumer c3=02:00:00:00:00:c3 >/dev/null || fail "vmq_frames.py"
sock=$NBT_TMP/nbshm.sock
ini=$NBT_TMP/soak.ini
{
	cat <<INI
[nbfwd]
mode = vmq
socket = $sock
[vmq]
unmatched = forward
broadcast = consumers
multicast = drop
INI
	for c in "${cons[@]}"; do
		echo "[consumer $c]"
		echo "port = net_af_packet0"
		echo "mac = 02:00:00:00:00:$c"
		[ "$c" != c2 ] || echo "vlan = 42"
		echo "buffers = 512"
		echo "ring_size = 256"
		echo "tx_buffers = 256"
	done
} >"$ini"

NBT_IN_NETNS=$ns_f NBT_LIMIT=$((seconds + 90)) start_nbfwd soak \
	--vdev net_af_packet0,iface=fa --vdev net_af_packet1,iface=fb -- -f "$ini"
wait_log "consumers attach at" 30
nbfwd_pid=$(pgrep -P "$NBT_PID" -x nbfwd) || fail "no nbfwd under $NBT_PID"
say "nbfwd pid $nbfwd_pid, $seconds s, consumers ${cons[*]}, seed $seed"

# traffic: a loop of pcap_inject.py per side until $stop_file exists
stop_file=$NBT_TMP/stop
for side in a b; do
	ns=$ns_a
	[ $side = a ] || ns=$ns_b
	bg_start $((seconds + 60)) "$NBT_TMP/inject-$side.log" bash -c '
		while [ ! -e "$1" ]; do
			ip netns exec "$2" "$3" "$4" "$5" "$6" --pace 32 --gap-ms 1 || exit 1
		done' inject "$stop_file" "$ns" "$NBT_PY" "$NBT_TOOLS/pcap_inject.py" "$side" \
		"$frames/in.pcap"
	eval "inject_$side=\$BG_PID"
done

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$nbfwd_pid/status" 2>/dev/null || echo 0; }
nbfwd_alive() { kill -0 "$nbfwd_pid" 2>/dev/null; }
logged() { grep -c -- "$1" "$NBT_LOG" || true; }

declare -A pid started kills terms
for c in "${cons[@]}"; do
	pid[$c]=
	started[$c]=0
	kills[$c]=0
	terms[$c]=0
done

# start_consumer C: attach C (only once nbfwd saw its last detach)
start_consumer() {
	local c=$1 life=$((1 + RANDOM % 6))
	[ "$(logged "consumer $c detached")" = "${started[$c]}" ] || return 0
	case $c in
	c1) bg_start 30 "$NBT_TMP/$c.log" "$NBCAP" -s "$sock" -n "$c" -w /dev/null -t "$life" ;;
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
	say "note: $c did not attach: $(tail -n 1 "$NBT_TMP/$c.log")"
}

# stop_consumer C SIG: SIG to C's process (not its timeout wrapper), reap it
stop_consumer() {
	local c=$1 p
	p=$(pgrep -P "${pid[$c]}" 2>/dev/null | head -n 1 || true)
	[ -z "$p" ] || kill -"$2" "$p" 2>/dev/null || true
	bg_wait "${pid[$c]}" 2>/dev/null	# no "Killed" line from bash
	pid[$c]=
}

# reap: consumers that ended by themselves
reap() {
	local c
	for c in "${cons[@]}"; do
		if [ -n "${pid[$c]}" ] && ! kill -0 "${pid[$c]}" 2>/dev/null; then
			bg_wait "${pid[$c]}"
			pid[$c]=
		fi
	done
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
say "churn done after $((SECONDS - t0)) s; stopping traffic and consumers"

# the end: traffic, consumers, then nbfwd
touch "$stop_file"
bg_wait "$inject_a"
bg_wait "$inject_b"
for c in "${cons[@]}"; do
	[ -z "${pid[$c]}" ] || stop_consumer "$c" TERM
done
problems=()
for c in "${cons[@]}"; do
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
[ "$pools" = $((2 + n_cons)) ] || problems+=("$pools of $((2 + n_cons)) pools said all mbufs returned")

attaches=
for c in "${cons[@]}"; do
	attaches+="$c=${started[$c]},${kills[$c]},${terms[$c]} "
done
report=$NBT_TMP/report.json
if [ -s "$NBT_JSON" ]; then
	"$NBT_PY" - "$NBT_JSON" "$report" "$sent" "$rss0" "$rss1" "$rss_margin_kb" \
		"$seconds" "$seed" "$attaches" "${rss_samples[*]}" <<'PY' || problems+=("reconciliation (above)")
import json, sys
doc = json.load(open(sys.argv[1]))
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
for c in doc["consumers"]:
	if c["delivered"] != c["returned"] + c["reclaimed"]:
		bad.append("%s: delivered %d != returned %d + reclaimed %d" % (
			c["name"], c["delivered"], c["returned"], c["reclaimed"]))
	if c["lent_now"] != 0:
		bad.append("%s: %d still lent at exit" % (c["name"], c["lent_now"]))
	if any(c["rejects"].values()):
		bad.append("%s: rejects %s" % (c["name"], c["rejects"]))
	if c["attaches"] != made[c["name"]][0]:
		bad.append("%s: nbfwd counted %d attaches, the script made %d" % (
			c["name"], c["attaches"], made[c["name"]][0]))
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
print("frames sent %d, received by nbfwd %d (the kernel dropped %d before nbfwd read them)"
	% (sent, rx, sent - rx))
print("nbfwd RSS kB (s:kB): %s; start %d, end %d, growth %d (margin %d)" % (
	sys.argv[10], rss0, rss1, rss1 - rss0, margin))
print("duration %.1f s, mbufs_in_use_at_exit %d" % (doc["duration_s"], doc["mbufs_in_use_at_exit"]))
for b in bad:
	print("FAIL: " + b)
json.dump({"seconds": int(sys.argv[7]), "seed": int(sys.argv[8]), "frames_sent": sent,
	"rx_packets": rx, "rss_kb": {"start": rss0, "end": rss1, "samples": sys.argv[10]},
	"consumers_made": made, "nbfwd": doc, "problems": bad}, open(out, "w"), indent=1)
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
