#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vmq start-up errors and the attach socket: each refused with the exit status
# for a configuration error (1) and a line that names what was wrong; a stale
# socket file is replaced, a live one (another nbfwd serving it) is not.
set -euo pipefail
NBT_NAME=vmq-errors
. "$(dirname "$0")/lib.sh"

need_nbfwd
need_hugepages 96

# vmq_case WHAT STATUS PATTERN INI_TEXT [EAL args]
vmq_case() {
	local what=$1 status=$2 pat=$3 ini=$NBT_TMP/case$NBT_SEQ.ini
	printf '%b' "$4" >"$ini"
	shift 4
	NBT_APP_DEFAULTS=0 NBT_LIMIT=30 run_nbfwd "vmq$NBT_SEQ" "$@" \
		--vdev net_null0 -- -f "$ini" --time 1 --stats-period 0
	expect_rc "$what" "$status"
	expect_log "$pat" "$what"
	say "ok $what: exit $status, $(grep -E -m1 -- "$pat" "$NBT_LOG" | cut -c1-120)"
}

sock=$NBT_TMP/a.sock
c1="[consumer c1]\nport = net_null0\nmac = 02:00:00:00:00:01\nbuffers = 256\n"

vmq_case "vmq without consumers" 1 'mode vmq needs at least one \[consumer NAME\]' \
	"[nbfwd]\nmode = vmq\n"
vmq_case "consumer on a port not in use" 1 '\[consumer c1\] port = net_null7: no such port in use' \
	"[nbfwd]\nmode = vmq\nsocket = $sock\n[consumer c1]\nport = net_null7\nmac = 02:00:00:00:00:01\n"
vmq_case "socket in a missing directory" 1 "attach socket $NBT_TMP/no/such/dir/a.sock: .*directory must exist" \
	"[nbfwd]\nmode = vmq\nsocket = $NBT_TMP/no/such/dir/a.sock\n$c1"
: >"$NBT_TMP/plain-file"
vmq_case "socket path is a regular file" 1 "attach socket $NBT_TMP/plain-file: exists and is not a socket" \
	"[nbfwd]\nmode = vmq\nsocket = $NBT_TMP/plain-file\n$c1"
[ -f "$NBT_TMP/plain-file" ] || fail "nbfwd removed a regular file at its socket path"
vmq_case "steering = flow on a port without rte_flow" 1 \
	'\[consumer c1\] steering = flow: port 0 \(net_null0\) refused the rte_flow rule \(destination MAC -> rx queue 1\): rte_flow_validate: .* \(error type [0-9]+: .*\); use steering = software' \
	"[nbfwd]\nmode = vmq\nsocket = $sock\n${c1}steering = flow\n"
vmq_case "steering = port with too few buffers" 1 \
	'\[consumer c1\] steering = port: buffers = 256 is too few: .* set buffers >= [0-9]+' \
	"[nbfwd]\nmode = vmq\nsocket = $sock\n${c1}steering = port\n"
c2="[consumer c2]\nport = net_null0\nmac = 02:00:00:00:00:02\nbuffers = 8192\nsteering = port\n"
vmq_case "two consumers own one port" 1 \
	"\[consumer c2\] steering = port: port net_null0 is consumer c1's already" \
	"[nbfwd]\nmode = vmq\nsocket = $sock\n${c1/256/8192}steering = port\n$c2"
# an owned port carries its owner's traffic only: any other consumer on it is refused,
# declared after the owner or before it
c3="[consumer c3]\nport = net_null0\nmac = 02:00:00:00:00:03\n"
vmq_case "a software consumer on an owned port" 1 \
	"\[consumer c1\] steering = port: port net_null0 is consumer c1's alone, but \[consumer c3\] also uses it" \
	"[nbfwd]\nmode = vmq\nsocket = $sock\n${c1/256/8192}steering = port\n$c3"
vmq_case "an owned port declared after another consumer of it" 1 \
	"\[consumer c1\] steering = port: port net_null0 is consumer c1's alone, but \[consumer c3\] also uses it" \
	"[nbfwd]\nmode = vmq\nsocket = $sock\n$c3${c1/256/8192}steering = port\n"
vmq_case "[consumer] sections without vmq" 0 'mode io: the 1 \[consumer\] section\(s\) are not used' \
	"[nbfwd]\nmode = io\n$c1"

# a stale socket (nobody listening) is replaced
"$NBT_PY" - "$sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind(sys.argv[1])
s.close()
PY
[ -S "$sock" ] || fail "could not make a stale socket"
vmq_case "stale socket replaced" 0 "attach socket $sock: stale \(nobody listening\), replaced" \
	"[nbfwd]\nmode = vmq\nsocket = $sock\n$c1"
[ ! -e "$sock" ] || fail "nbfwd left its socket $sock behind at exit"

# a live one is not: a first nbfwd serves it, a second must refuse
printf '[nbfwd]\nmode = vmq\nsocket = %s\n%b' "$sock" "$c1" >"$NBT_TMP/live.ini"
NBT_APP_DEFAULTS=0 NBT_LIMIT=30 start_nbfwd first --vdev net_null0 -- -f "$NBT_TMP/live.ini" \
	--stats-period 0
first_pid=$NBT_PID
first_log=$NBT_LOG
wait_log "consumers attach at $sock" 20
vmq_case "socket served by another nbfwd" 1 "attach socket $sock: another process is serving it" \
	"[nbfwd]\nmode = vmq\nsocket = $sock\n$c1"
NBT_PID=$first_pid
NBT_LOG=$first_log
stop_nbfwd
expect_rc "first nbfwd" 0
say PASS
