#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/node/http.sh: the admin API (module http, docs/admin-api.md) seen
# with curl. A node loads http (and registrar, whose RPCs join the list):
# every command of rpc.list that needs no parameter answers, JSON-RPC
# errors (-32700, -32600, -32601, -32602), batches and notifications,
# 404/405/413, /health, /metrics through `promtool check metrics`, the
# Unix socket, the debug line of each request. The token rule: a node on
# 0.0.0.0 without a token refuses to start; with a token, TCP requests
# need it and the Unix socket does not. Start-up refusals name the
# address and the reason (port taken, live socket); a stale socket file
# is replaced. Slow clients: connections that send half a request and
# stay do not hold up others, and idle ones are closed after `timeout`.
# [::1] when the host has it. Loopback ports 24100-24129.
set -u
tandemd=${TANDEMD:-./tandemd}
for tool in curl jq promtool; do
	command -v $tool >/dev/null 2>&1 && continue
	[ -n "${TANDEM_REQUIRE_ALL:-}" ] && { echo "$tool missing"; exit 1; }
	echo "$tool missing: skipped"; exit 77
done
tmp=$(mktemp -d) || exit 1
nodes=""
cleanup() {
	local p
	for p in $nodes; do kill -KILL "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }

API=24100     # main node, TCP
TOKP=24101    # node with a token
ANYP=24102    # 0.0.0.0 without token (refused before binding)
STALEP=24103  # node restarted on a stale socket
SIP=24110     # SIP listen ports: 24110...
SOCK=$tmp/api.sock
TSOCK=$tmp/tok.sock
TOKEN='Quartz-Harbor-7319'

# node_script FILE HTTP_SETTINGS [EXTRA_LOAD]: a script loading http
node_script() {
	{
		echo "load \"http\" { $2 }"
		[ -n "${3:-}" ] && echo "$3"
		echo 'route request { reply(404) }'
	} >"$1"
}
# start_node NAME SCRIPT SIPPORT: tandemd in the background, waiting for
# `ready` (30 s); its pid in $NODE_PID, its log in $tmp/NAME.log
start_node() {
	local i=0
	$tandemd -f "$2" --listen "udp:127.0.0.1:$3" --set workers=1 \
		2>"$tmp/$1.log" &
	NODE_PID=$!
	nodes="$nodes $NODE_PID"
	while [ $i -lt 300 ] && ! grep -q 'msg="*ready' "$tmp/$1.log"; do
		kill -0 "$NODE_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	grep -q 'msg="*ready' "$tmp/$1.log"
}
# stop_node PID: SIGTERM, waits; $STOP_RC is its exit status
stop_node() {
	kill -TERM "$1"
	wait "$1"
	STOP_RC=$?
	nodes=$(echo "$nodes" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
}
# refused NAME SCRIPT SIPPORT: tandemd must exit non-zero by itself
refused() {
	timeout 30 $tandemd -f "$2" --listen "udp:127.0.0.1:$3" --set workers=1 \
		2>"$tmp/$1.log" >/dev/null
	local rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ]
}

# rpc BODY [CURL ARGS]: POST /rpc on the main node; the HTTP status in
# $CODE, the body in $tmp/out
rpc() {
	local body=$1
	shift
	CODE=$(curl -sS -m 20 -o "$tmp/out" -w '%{http_code}' \
		-H 'Content-Type: application/json' --data-binary "$body" "$@" \
		"http://127.0.0.1:$API/rpc")
}
# get PATH [CURL ARGS]: GET on the main node, same outputs
get() {
	local path=$1
	shift
	CODE=$(curl -sS -m 20 -o "$tmp/out" -D "$tmp/hdr" -w '%{http_code}' "$@" \
		"http://127.0.0.1:$API$path")
}
errcode() { jq -r '.error.code' "$tmp/out" 2>/dev/null; }
detail() { echo "$CODE $(head -c 300 "$tmp/out")"; }

# ---- the main node -------------------------------------------------------
node_script "$tmp/main.route" \
	"listen = \"127.0.0.1:$API\"; socket = \"$SOCK\"; max_body = 4096; timeout = 60; threads = 2" \
	'load "registrar" { }'
if start_node main "$tmp/main.route" $SIP; then
	ok "tandemd starts with http on 127.0.0.1:$API and $SOCK"
	MAIN=$NODE_PID
else
	ko "tandemd with http ($(head -c 600 "$tmp/main.log"))"
	echo "$pass passed, $fail failed"
	exit 1
fi

rpc '{"jsonrpc":"2.0","method":"log.set_level","params":["http","debug"],"id":0}'
[ "$CODE" = 200 ] && [ "$(jq -r '.result.level' "$tmp/out")" = debug ] &&
	ok "log.set_level http debug" || ko "log.set_level http debug ($(detail))"

rpc '{"jsonrpc":"2.0","method":"rpc.list","id":1}'
if [ "$CODE" = 200 ] && [ "$(jq -r '.id' "$tmp/out")" = 1 ] &&
   jq -e '.result | map(.name) | index("core.status") != null' "$tmp/out" >/dev/null; then
	ok "rpc.list answers and lists core.status"
else
	ko "rpc.list ($(detail))"
fi
jq -e '.result | map(.name) | index("registrar.show") != null' "$tmp/out" >/dev/null &&
	ok "rpc.list lists the registrar's commands" || ko "registrar in rpc.list"
cp "$tmp/out" "$tmp/list.json"
grep -q 'subsys=http.*method=POST.*path=/rpc.*status=200.*caller=127.0.0.1:' "$tmp/main.log" &&
	ok "a debug line per request (method, path, status, caller)" ||
	ko "request log line ($(grep subsys=http "$tmp/main.log" | tail -n 2))"

# every command whose parameters are all optional answers (an error of
# its own is fine: -32001/-32002; not -32601/-32603)
bad=""
n=0
for m in $(jq -r '.result[] | select((.params // "") == "" or ((.params // "") | startswith("["))) | .name' "$tmp/list.json"); do
	rpc "{\"jsonrpc\":\"2.0\",\"method\":\"$m\",\"id\":7}"
	n=$((n + 1))
	c=$(errcode)
	if [ "$CODE" != 200 ] || [ "$(jq -r '.id' "$tmp/out")" != 7 ] ||
	   [ "$c" = -32601 ] || [ "$c" = -32603 ] ||
	   ! jq -e 'has("result") or has("error")' "$tmp/out" >/dev/null; then
		bad="$bad $m=[$(detail)]"
	fi
done
[ $n -ge 8 ] && [ -z "$bad" ] && ok "all $n commands without required parameters answer" ||
	ko "commands without parameters ($n called):$bad"

rpc '{"jsonrpc":"2.0","method":"core.reload","id":2}'
[ "$CODE" = 200 ] && [ "$(jq -r '.result.reloaded' "$tmp/out")" = true ] &&
	ok "core.reload reloads the script" || ko "core.reload ($(detail))"

rpc '{"jsonrpc":"2.0","method":"core.status","id":3'
[ "$CODE" = 200 ] && [ "$(errcode)" = -32700 ] && [ "$(jq -r '.id' "$tmp/out")" = null ] &&
	ok "bad JSON: -32700, id null" || ko "parse error ($(detail))"
rpc '{"foo":1}'
[ "$CODE" = 200 ] && [ "$(errcode)" = -32600 ] && ok "{\"foo\":1}: -32600" ||
	ko "invalid request ($(detail))"
rpc '{"jsonrpc":"1.0","method":"core.version","id":4}'
[ "$CODE" = 200 ] && [ "$(errcode)" = -32600 ] && ok "jsonrpc 1.0: -32600" ||
	ko "wrong jsonrpc version ($(detail))"
rpc '{"jsonrpc":"2.0","method":"no.such_method","id":5}'
[ "$CODE" = 200 ] && [ "$(errcode)" = -32601 ] && [ "$(jq -r '.id' "$tmp/out")" = 5 ] &&
	ok "unknown method: -32601" || ko "unknown method ($(detail))"
rpc '{"jsonrpc":"2.0","method":"log.set_level","params":{"subsystem":1,"level":"info"},"id":6}'
[ "$CODE" = 200 ] && [ "$(errcode)" = -32602 ] && ok "an int for a str parameter: -32602" ||
	ko "bad params ($(detail))"
rpc '{"jsonrpc":"2.0","method":"log.set_level","params":["http"],"id":6}'
[ "$CODE" = 200 ] && [ "$(errcode)" = -32602 ] && ok "a missing parameter: -32602" ||
	ko "missing param ($(detail))"

rpc '[{"jsonrpc":"2.0","method":"core.version","id":10},{"jsonrpc":"2.0","method":"core.uptime"}]'
[ "$CODE" = 200 ] && [ "$(jq -r 'length' "$tmp/out")" = 1 ] &&
	[ "$(jq -r '.[0].id' "$tmp/out")" = 10 ] && [ "$(jq -r '.[0].result.version' "$tmp/out")" != null ] &&
	ok "batch of a request and a notification: one answer" || ko "batch ($(detail))"
rpc '{"jsonrpc":"2.0","method":"core.version"}'
[ "$CODE" = 204 ] && [ ! -s "$tmp/out" ] && ok "a notification alone: 204, no body" ||
	ko "notification ($(detail))"
rpc '[{"jsonrpc":"2.0","method":"core.version"},{"jsonrpc":"2.0","method":"core.uptime"}]'
[ "$CODE" = 204 ] && ok "a batch of notifications: 204" || ko "notification batch ($(detail))"

# ---- HTTP errors ----------------------------------------------------------
get /rpc
[ "$CODE" = 405 ] && grep -qi '^Allow: POST' "$tmp/hdr" && ok "GET /rpc: 405, Allow: POST" ||
	ko "GET /rpc ($(detail))"
get /metrics -X POST
[ "$CODE" = 405 ] && grep -qi '^Allow: GET' "$tmp/hdr" && ok "POST /metrics: 405" ||
	ko "POST /metrics ($(detail))"
get /nope
[ "$CODE" = 404 ] && ok "/nope: 404" || ko "/nope ($(detail))"
head -c 5000 /dev/zero | tr '\0' ' ' >"$tmp/big"
rpc "@$tmp/big"
[ "$CODE" = 413 ] && ok "a body over max_body (Content-Length): 413" || ko "big body ($(detail))"
rpc "@$tmp/big" -H 'Transfer-Encoding: chunked'
[ "$CODE" = 413 ] && ok "a chunked body over max_body: 413" || ko "big chunked body ($(detail))"
rpc '{"jsonrpc":"2.0","method":"core.version","id":11}' -H 'Transfer-Encoding: chunked'
[ "$CODE" = 200 ] && [ "$(jq -r '.id' "$tmp/out")" = 11 ] && ok "a small chunked body is answered" ||
	ko "small chunked body ($(detail))"
rpc '{"jsonrpc":"2.0","method":"core.version","id":12}'
[ "$CODE" = 200 ] && ok "the API still answers after the refusals" || ko "after 413 ($(detail))"

# ---- /health and /metrics -------------------------------------------------
get /health
[ "$CODE" = 200 ] && [ "$(jq -r .status "$tmp/out")" = ok ] && ok "/health: 200 ok" ||
	ko "/health ($(detail))"
get /metrics
cp "$tmp/out" "$tmp/metrics"
[ "$CODE" = 200 ] && grep -qi '^Content-Type: text/plain; version=0.0.4' "$tmp/hdr" &&
	ok "/metrics: 200 text/plain; version=0.0.4" || ko "/metrics ($CODE $(grep -i content-type "$tmp/hdr"))"
if promtool check metrics <"$tmp/metrics" >"$tmp/promtool.log" 2>&1; then
	ok "promtool check metrics accepts /metrics"
else
	ko "promtool check metrics ($(head -c 600 "$tmp/promtool.log"))"
fi
grep -q '^# TYPE ' "$tmp/metrics" && grep -q '^# HELP ' "$tmp/metrics" &&
	ok "/metrics has # HELP and # TYPE lines" || ko "no # TYPE in /metrics"
# a timestamp would be a third field after the value
if grep -Ev '^#' "$tmp/metrics" | sed 's/{.*}//' | awk 'NF != 2 { bad = 1 } END { exit bad }'; then
	ok "/metrics has no timestamps"
else
	ko "timestamps in /metrics ($(grep -Ev '^#' "$tmp/metrics" | sed 's/{.*}//' | awk 'NF != 2' | head -n 3))"
fi
grep -q '^tandem_http_requests_total{code="200"} [1-9]' "$tmp/metrics" &&
	ok "tandem_http_requests_total counts requests by code" ||
	ko "tandem_http_requests_total ($(grep http_requests "$tmp/metrics" | head -n 3))"

# ---- the Unix socket -------------------------------------------------------
[ "$(stat -c %a "$SOCK" 2>/dev/null)" = 660 ] && ok "the Unix socket has mode 0660" ||
	ko "socket mode ($(stat -c %a "$SOCK" 2>&1))"
CODE=$(curl -sS -m 20 -o "$tmp/out" -w '%{http_code}' --unix-socket "$SOCK" \
	--data-binary '{"jsonrpc":"2.0","method":"core.status","id":20}' http://localhost/rpc)
[ "$CODE" = 200 ] && [ "$(jq -r '.id' "$tmp/out")" = 20 ] &&
	ok "JSON-RPC over the Unix socket" || ko "Unix socket ($(detail))"
grep -q 'subsys=http.*caller=unix' "$tmp/main.log" && ok "Unix socket requests log caller=unix" ||
	ko "caller=unix"

# ---- slow clients ----------------------------------------------------------
# half a request line, half the headers, half a body: they stay open
exec 5<>"/dev/tcp/127.0.0.1/$API" 6<>"/dev/tcp/127.0.0.1/$API" 7<>"/dev/tcp/127.0.0.1/$API"
printf 'GET /hea' >&5
printf 'POST /rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le' >&6
printf 'POST /rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"jsonrpc":' >&7
get /health
[ "$CODE" = 200 ] && ok "three stalled clients (threads = 2) do not hold up a request" ||
	ko "request behind stalled clients ($(detail))"
rpc '{"jsonrpc":"2.0","method":"core.version","id":30}'
[ "$CODE" = 200 ] && ok "... nor an RPC" || ko "RPC behind stalled clients ($(detail))"
exec 5>&- 6>&- 7>&-

# ---- start-up refusals -------------------------------------------------------
node_script "$tmp/any.route" "listen = \"0.0.0.0:$ANYP\""
if refused any "$tmp/any.route" $((SIP + 1)); then
	grep -q 'subsys=http.*token' "$tmp/any.log" &&
		ok "listen 0.0.0.0 without a token is refused, naming the token" ||
		ko "0.0.0.0 refusal message ($(head -c 400 "$tmp/any.log"))"
else
	ko "listen 0.0.0.0 without a token starts"
fi
node_script "$tmp/none.route" 'listen = ""; socket = ""'
refused none "$tmp/none.route" $((SIP + 1)) && grep -q 'both empty' "$tmp/none.log" &&
	ok "no listen and no socket: refused" || ko "empty listen and socket ($(head -c 300 "$tmp/none.log"))"
node_script "$tmp/taken.route" "listen = \"127.0.0.1:$API\""
refused taken "$tmp/taken.route" $((SIP + 1)) &&
	grep -q "127.0.0.1:$API.*in use" "$tmp/taken.log" &&
	ok "a port in use is refused, naming the address and why" ||
	ko "port in use ($(head -c 400 "$tmp/taken.log"))"
node_script "$tmp/live.route" "listen = \"\"; socket = \"$SOCK\""
refused live "$tmp/live.route" $((SIP + 1)) && grep -q 'another process listens' "$tmp/live.log" &&
	[ -S "$SOCK" ] && ok "a socket another node listens on is refused and left alone" ||
	ko "live socket ($(head -c 400 "$tmp/live.log"))"

# ---- stop ----------------------------------------------------------------------
stop_node "$MAIN"
[ "$STOP_RC" = 0 ] && ok "SIGTERM stops the node cleanly" || ko "SIGTERM exit status $STOP_RC"
[ ! -e "$SOCK" ] && ok "the Unix socket is removed at stop" || ko "socket left behind"

# ---- the token -------------------------------------------------------------------
node_script "$tmp/tok.route" \
	"listen = \"127.0.0.1:$TOKP\"; socket = \"$TSOCK\"; token = \"$TOKEN\"; timeout = 1"
if start_node tok "$tmp/tok.route" $((SIP + 2)); then
	ok "a node with a token starts"
	TOK=$NODE_PID
else
	ko "node with token ($(head -c 400 "$tmp/tok.log"))"
	echo "$pass passed, $fail failed"
	exit 1
fi
tok_rpc() { # tok_rpc [CURL ARGS]: core.version on the token node
	CODE=$(curl -sS -m 20 -o "$tmp/out" -D "$tmp/hdr" -w '%{http_code}' "$@" \
		--data-binary '{"jsonrpc":"2.0","method":"core.version","id":1}' \
		"http://127.0.0.1:$TOKP/rpc")
}
tok_rpc
[ "$CODE" = 401 ] && grep -qi '^WWW-Authenticate: Bearer realm="tandem"' "$tmp/hdr" &&
	jq -e .error "$tmp/out" >/dev/null && ok "no Authorization: 401 with WWW-Authenticate" ||
	ko "no token ($(detail))"
tok_rpc -H "Authorization: Bearer ${TOKEN}x"
[ "$CODE" = 401 ] && ok "a wrong token: 401" || ko "wrong token ($(detail))"
tok_rpc -H "Authorization: Bearer ${TOKEN%?}"
[ "$CODE" = 401 ] && ok "a prefix of the token: 401" || ko "token prefix ($(detail))"
tok_rpc -H "Authorization: Basic $TOKEN"
[ "$CODE" = 401 ] && ok "another scheme: 401" || ko "Basic ($(detail))"
tok_rpc -H "Authorization: Bearer $TOKEN"
[ "$CODE" = 200 ] && [ "$(jq -r '.result.version' "$tmp/out")" != null ] &&
	ok "the right token: 200" || ko "right token ($(detail))"
CODE=$(curl -sS -m 20 -o "$tmp/out" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	"http://127.0.0.1:$TOKP/health")
[ "$CODE" = 200 ] && ok "/health with the token: 200" || ko "/health with token ($(detail))"
CODE=$(curl -sS -m 20 -o "$tmp/out" -w '%{http_code}' "http://127.0.0.1:$TOKP/metrics")
[ "$CODE" = 401 ] && ok "/metrics without the token: 401" || ko "/metrics without token ($(detail))"
CODE=$(curl -sS -m 20 -o "$tmp/out" -w '%{http_code}' --unix-socket "$TSOCK" \
	--data-binary '{"jsonrpc":"2.0","method":"core.version","id":1}' http://localhost/rpc)
[ "$CODE" = 200 ] && ok "the Unix socket needs no token" || ko "Unix socket without token ($(detail))"

# timeout = 1: a stalled connection is closed by the node (read sees EOF;
# the 20 s bound only stops a hang)
exec 5<>"/dev/tcp/127.0.0.1/$TOKP"
printf 'GET /health HTTP/1.1\r\nHo' >&5
if read -r -t 20 -u 5 line; then
	ko "stalled connection: unexpected answer ($line)"
elif [ $? -gt 128 ]; then
	ko "a stalled connection is not closed after timeout"
else
	ok "a stalled connection is closed after timeout"
fi
exec 5>&-

# SIGKILL leaves the socket file: the next node removes it as stale
{ kill -KILL "$TOK"; wait "$TOK"; } 2>/dev/null
nodes=$(echo "$nodes" | tr ' ' '\n' | grep -vx "$TOK" | tr '\n' ' ')
[ -S "$TSOCK" ] || ko "SIGKILL should have left $TSOCK"
printf '%s\n' "$TOKEN" >"$tmp/token"
node_script "$tmp/stale.route" \
	"listen = \"127.0.0.1:$STALEP\"; socket = \"$TSOCK\"; token_file = \"$tmp/token\""
if start_node stale "$tmp/stale.route" $((SIP + 3)); then
	grep -q 'removing the stale socket' "$tmp/stale.log" &&
		ok "a stale socket file is replaced" || ko "stale socket message"
	CODE=$(curl -sS -m 20 -o "$tmp/out" -w '%{http_code}' --unix-socket "$TSOCK" http://localhost/health)
	[ "$CODE" = 200 ] && ok "... and the new socket answers" || ko "new socket ($(detail))"
	CODE=$(curl -sS -m 20 -o "$tmp/out" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
		"http://127.0.0.1:$STALEP/health")
	[ "$CODE" = 200 ] && ok "token_file: its first line is the token" || ko "token_file ($(detail))"
	stop_node "$NODE_PID"
	[ "$STOP_RC" = 0 ] && [ ! -e "$TSOCK" ] && ok "stopped cleanly, socket removed" ||
		ko "stale node stop ($STOP_RC)"
else
	ko "start on a stale socket ($(head -c 400 "$tmp/stale.log"))"
fi

# IPv6 loopback, when the host has ::1
V6P=24104
if grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
	node_script "$tmp/v6.route" "listen = \"[::1]:$V6P\""
	if start_node v6 "$tmp/v6.route" $((SIP + 4)); then
		CODE=$(curl -sS -m 20 -g -o "$tmp/out" -w '%{http_code}' \
			--data-binary '{"jsonrpc":"2.0","method":"core.version","id":1}' \
			"http://[::1]:$V6P/rpc")
		[ "$CODE" = 200 ] && ok "listen [::1]: JSON-RPC answers without a token" ||
			ko "[::1] ($(detail))"
		stop_node "$NODE_PID"
	else
		ko "listen [::1] ($(head -c 400 "$tmp/v6.log"))"
	fi
else
	echo "no ::1 on this host: IPv6 case skipped"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
