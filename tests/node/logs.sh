#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/node/logs.sh: tandemd's log lines as configured by the log_*
# settings. JSON lines: every line of a node's stderr is one JSON object
# with ts, level, subsys and msg; a module's line written while the
# script runs for a request carries that request's call_id; a level set
# at run time through the admin API (log.set_level) takes effect. Text
# lines under systemd start with journald's <N>; log_target = syslog
# leaves stderr empty; bad log settings stop the node with a message.
# Loopback ports 24190-24199.
set -u
tandemd=${TANDEMD:-./tandemd}
for tool in curl python3; do
	command -v $tool >/dev/null 2>&1 && continue
	[ -n "${TANDEM_REQUIRE_ALL:-}" ] && { echo "$tool missing"; exit 1; }
	echo "$tool missing: skipped"; exit 77
done
tmp=$(mktemp -d) || exit 1
node=
cleanup() {
	[ -n "$node" ] && kill -KILL "$node" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }
SIP=24190

cat >"$tmp/logs.route" <<ROUTE
settings { listen = ["udp:127.0.0.1:$SIP"]; workers = 1 }
load "auth" { }
load "http" { listen = ""; socket = "$tmp/api.sock" }
route request {
    log(notice, "request seen")
    if (auth.www_authorize("example.org") != 1) {
        auth.www_challenge("example.org")
        exit
    }
    reply(200, "OK")
}
ROUTE

# start_node LOGFILE ARGS...: a node in the background; waits for its
# admin socket (bounded), 0 when it came up
start_node() {
	local log=$1; shift
	"$tandemd" -f "$tmp/logs.route" "$@" >"$log" 2>&1 &
	node=$!
	for _ in $(seq 100); do
		[ -S "$tmp/api.sock" ] && curl -s --unix-socket "$tmp/api.sock" \
			http://n/health >/dev/null 2>&1 && return 0
		kill -0 "$node" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
stop_node() {
	kill -TERM "$node" 2>/dev/null
	wait "$node" 2>/dev/null
	node=
}
rpc() {
	curl -s --unix-socket "$tmp/api.sock" -XPOST -d "$1" http://n/rpc
}
# register CALLID: a REGISTER with credentials that cannot be right (a
# nonce the node never made), answered 401 after auth logs the failure
register() {
	python3 - "$SIP" "$1" <<'PY'
import socket, sys
port, cid = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); s.settimeout(5)
me = s.getsockname()[1]
msg = ("REGISTER sip:example.org SIP/2.0\r\n"
       f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bK{cid}\r\n"
       "Max-Forwards: 70\r\n"
       "From: <sip:alice@example.org>;tag=1\r\nTo: <sip:alice@example.org>\r\n"
       f"Call-ID: {cid}\r\nCSeq: 1 REGISTER\r\n"
       f"Contact: <sip:alice@127.0.0.1:{me}>\r\n"
       'Authorization: Digest username="alice", realm="example.org", '
       'nonce="bm90LWEtbm9uY2U", uri="sip:example.org", qop=auth, '
       'nc=00000001, cnonce="c", response="00000000000000000000000000000000"\r\n'
       "Content-Length: 0\r\n\r\n")
s.sendto(msg.encode(), ("127.0.0.1", port))
data, _ = s.recvfrom(65535)
sys.exit(0 if data.startswith(b"SIP/2.0 401") else 1)
PY
}
# wait_for FILE PATTERN: the pattern shows in the file (bounded)
wait_for() {
	for _ in $(seq 50); do
		grep -q -- "$2" "$1" && return 0
		sleep 0.1
	done
	return 1
}

# ---- JSON lines ----------------------------------------------------------
log=$tmp/json.log
if start_node "$log" --set log_format=json; then
	ok "node starts with log_format=json"
else
	ko "node starts with log_format=json ($(tail -c 300 "$log"))"
fi
register logs-call-1 && ok "REGISTER with bad credentials answered 401" ||
	ko "REGISTER answered 401"
wait_for "$log" '"call_id":"logs-call-1"' || true
json_lines_ok() {
	python3 - "$log" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines, "no lines"
for l in lines:
    o = json.loads(l)
    for k in ("ts", "level", "subsys", "msg"):
        assert k in o, (k, l)
    assert o["ts"].endswith("Z"), l
PY
}
json_lines_ok && ok "every line is one JSON object with ts, level, subsys, msg" ||
	ko "JSON lines ($(head -c 300 "$log"))"
call_ids_ok() {
	python3 - "$log" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]
assert any(o["subsys"] == "auth" and o.get("call_id") == "logs-call-1" for o in objs)
assert any(o["subsys"] == "script" and o.get("call_id") == "logs-call-1" for o in objs)
# no line outside a request names it
assert not any(o["msg"] == "ready" and "call_id" in o for o in objs)
PY
}
call_ids_ok && ok "auth's failure line carries the request's call_id" ||
	ko "module line with call_id ($(grep -c . "$log") lines: $(tail -c 400 "$log"))"
r=$(rpc '{"jsonrpc":"2.0","id":1,"method":"log.set_level","params":["auth","warn"]}')
case $r in *'"previous":"info"'*) ok "log.set_level auth warn" ;;
*) ko "log.set_level ($r)" ;; esac
register logs-call-2 >/dev/null
if ! wait_for "$log" '"call_id":"logs-call-2"'; then # the script's notice line
	ko "the second request never reached the script ($(tail -c 300 "$log"))"
elif grep '"call_id":"logs-call-2"' "$log" | grep -q '"subsys":"auth"'; then
	ko "auth at warn still writes its info line"
else
	ok "auth at warn: its info line is gone, the script's line stays"
fi
stop_node

# ---- journald's <N> prefixes ---------------------------------------------
log=$tmp/journal.log
if JOURNAL_STREAM=1:1 start_node "$log"; then
	register logs-call-3 >/dev/null
	wait_for "$log" 'call_id=logs-call-3' || ko "no line names logs-call-3"
	stop_node
	if grep -qv '^<[3-7]>level=' "$log"; then
		ko "journald prefixes ($(head -c 300 "$log"))"
	else
		ok "under systemd every text line starts with <N>level="
	fi
	grep -q '^<5>level=notice subsys=node msg="ready"' "$log" &&
		ok "ready is <5> (notice)" || ko "ready line ($(head -c 300 "$log"))"
else
	ko "node starts under JOURNAL_STREAM ($(tail -c 300 "$log"))"
fi

# ---- syslog --------------------------------------------------------------
log=$tmp/syslog.log
if start_node "$log" --set log_target=syslog --set log_facility=local3; then
	register logs-call-4 >/dev/null
	stop_node
	[ ! -s "$log" ] && ok "log_target=syslog: nothing on stderr" ||
		ko "syslog target wrote to stderr ($(head -c 300 "$log"))"
else
	ko "node starts with log_target=syslog ($(tail -c 300 "$log"))"
fi

# ---- refusals ------------------------------------------------------------
refuse() { # SETTING EXPECTED-MESSAGE
	local out rc
	out=$(timeout 20 "$tandemd" -f "$tmp/logs.route" --set "$1" 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && [[ $out == *"$2"* ]]; then
		ok "refused: $1"
	else
		ko "$1: exit $rc, $out"
	fi
}
refuse log_format=xml "log_format 'xml': expected text or json"
refuse log_level=loud "log_level 'loud': expected error, warn, notice, info or debug"
refuse log_target=file "log_target 'file': expected stderr or syslog"
refuse log_facility=kern "log_facility 'kern': expected daemon, user or local0..local7"
refuse 'log_levels=auth=loud' "log_levels 'auth=loud': expected SUBSYSTEM=LEVEL"
refuse 'log_levels=nosuch=debug' "log_levels: no log subsystem 'nosuch'"
[ ! -e "$tmp/api.sock" ] && ok "refused nodes leave no socket behind" ||
	ko "a refused node left $tmp/api.sock"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
