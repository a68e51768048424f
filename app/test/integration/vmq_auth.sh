#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Who may attach (issue 14, item 2). nbfwd in vmq mode on net_pcap0 (c1's
# frames in a loop), its socket in the test directory with socket_group =
# nogroup; consumers c1 (uid = nobody), c2 (no uid/gid key: root and nbfwd's
# uid only), c3 (gid = 4343, a supplementary group). Checks:
#  - the socket file is mode 0660, group nogroup; a uid outside that group
#    cannot even connect (the file's mode);
#  - as nobody: c2 is refused with EACCES "not allowed", exactly as a name that
#    does not exist; nbfwd's log names the consumer, uid and pid, the
#    refusals are counted by reason (not_allowed, unknown_name);
#  - as nobody: c1 attaches and receives traffic (nbecho, also requiring the
#    producer's uid to be root with -u root);
#  - uid 4242 with 4343 as a supplementary group attaches as c3; without it
#    it may attach as nothing and is refused at connect, before it says a word;
#  - the client refuses a producer of another uid (nbecho -u nobody against
#    nbfwd running as root), and sends nothing;
#  - root may attach as c2 (always trusted); /nbfwd/attach and the exit JSON
#    count it all.
set -euo pipefail
NBT_NAME=vmq-auth
. "$(dirname "$0")/lib.sh"

need_root "setpriv to other uids"
need_cmd setpriv stat
nbt_c1_setup
need_built ATTACH "$NBT_BUILD/app/test/tools/nbshm_attach"
if ! getent passwd nobody >/dev/null || ! getent group nogroup >/dev/null; then
	skip "needs the user nobody and the group nogroup"
fi

NBT_LIMIT=60 nbt_c3_start auth "uid = nobody" "" "gid = 4343"
sock=$NBT_C3_SOCK

# as USER[:GROUP[:GROUPS]] CMD...: run CMD with those ids (no other groups)
as() {
	local u g groups x=(--clear-groups)
	IFS=: read -r u g groups <<<"$1"
	shift
	[ -z "${groups:-}" ] || x=(--groups "$groups")
	timeout -k 5 30 setpriv --reuid="$u" --regid="${g:-$u}" "${x[@]}" "$@"
}

# the socket file
got=$(stat -c '%a %G' "$sock")
expect_eq "socket file mode and group" "660 nogroup" "$got"
out=$(as 4242:4242 "$ATTACH" probe "$sock" c1 || true)
case $out in
*"Permission denied"*) ;;
*) fail "uid 4242 outside the socket's group: expected connect() refused by the file mode, got: $out" ;;
esac
say "ok socket: mode 0660, group nogroup, closed to other uids ($out)"

# not allowed and unknown look the same to the peer
a=$(as nobody:nogroup "$ATTACH" probe "$sock" c2 || true)
b=$(as nobody:nogroup "$ATTACH" probe "$sock" nosuch || true)
expect_eq "nobody asking for c2" "refused 13: nbfwd refused c2 queue 0: not allowed" "$a"
expect_eq "refusals of a forbidden and an unknown name" "${a/c2/nosuch}" "$b"
wait_log "attach refused: consumer c2: uid 65534 gid 65534 \(pid [0-9]+\) not allowed.*\[not_allowed\]" 10
wait_log "attach refused: no consumer named \"nosuch\" \(uid 65534, pid [0-9]+\) \[unknown_name\]" 10
say "ok nobody: c2 and an unknown name both refused with \"$a\"; the log says which"

# nobody is c1's: it attaches and gets traffic
as nobody:nogroup "$NBECHO" -s "$sock" -n c1 -u root -c 200 -t 20 >"$NBT_TMP/echo-nobody.log" 2>&1 ||
	fail "nbecho as nobody (c1): $(cat "$NBT_TMP/echo-nobody.log")"
grep -qE "^nbecho: 200 packets" "$NBT_TMP/echo-nobody.log" ||
	fail "nbecho as nobody did not count 200 packets: $(cat "$NBT_TMP/echo-nobody.log")"
wait_log "consumer c1 attached \(pid [0-9]+, uid 65534\)" 10
say "ok nobody: attached as c1 (uid = nobody) and received 200 packets"

# a supplementary group opens c3; without it, nothing is allowed
out=$(as 4242:nogroup:4343 "$ATTACH" probe "$sock" c3 || true)
expect_eq "uid 4242 in group 4343 asking for c3" attached "$out"
out=$(as 4242:nogroup "$ATTACH" probe "$sock" c3 || true)
expect_eq "uid 4242 without group 4343" "refused 13: nbfwd refused c3 queue 0: not allowed" "$out"
wait_log "attach refused: uid 4242 gid 65534 \(pid [0-9]+\) may attach as no consumer \[not_allowed\]" 10
say "ok gid: group 4343 as a supplementary group attaches c3; without it refused at connect"

# the client checks the producer's uid before it says anything
if "$NBECHO" -s "$sock" -n c2 -u nobody -c 1 -t 5 >"$NBT_TMP/echo-uid.log" 2>&1; then
	fail "nbecho -u nobody attached to an nbfwd running as root"
fi
grep -q "producer at $sock runs as uid 0, expected uid 65534" "$NBT_TMP/echo-uid.log" ||
	fail "nbecho -u nobody: $(cat "$NBT_TMP/echo-uid.log")"
out=$("$ATTACH" probe "$sock" c2)
expect_eq "root asking for c2" attached "$out"
say "ok client: a producer of another uid refused; root attaches as c2"

# the same counters over telemetry, while it runs
"$NBT_PY" "$NBT_TOOLS/telemetry_query.py" "$NBT_PREFIX" /nbfwd/attach /nbfwd/consumers \
	>"$NBT_TMP/tel.json" || fail "telemetry query failed"
"$NBT_PY" - "$NBT_TMP/tel.json" <<'PY' || fail "telemetry /nbfwd/attach: $(cat "$NBT_TMP/tel.json")"
import json, sys
q = json.load(open(sys.argv[1]))
a = q["/nbfwd/attach"]
ok = a["mode"] == "0660" and a["refused"]["not_allowed"] == 2 and \
	a["refused"]["unknown_name"] == 1 and a["attached"] == 3 and \
	q["/nbfwd/consumers"]["0"]["uid"] == 65534
sys.exit(0 if ok else 1)
PY
say "ok telemetry: /nbfwd/attach counts the refusals by reason; /nbfwd/consumers has c1's uid"

stop_nbfwd
expect_ok "vmq auth run"
expect_json attach.mode == 0660 attach.refused.not_allowed == 2 \
	attach.refused.unknown_name == 1 attach.attached == 3 consumers.0.delivered '>=' 200 \
	consumers.2.attaches == 1 consumers.1.attaches == 1
grep -q "consumer c2 attached" "$NBT_LOG" || fail "root's attach of c2 not in the log"
[ "$(grep -c "consumer c2 attached" "$NBT_LOG")" = 1 ] || fail "c2 attached more than once"
say "ok counters: $(json_get "$NBT_JSON" attach)"
say PASS
