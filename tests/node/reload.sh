#!/bin/sh
# SIGHUP reloads the routing script atomically: a script that compiles
# replaces the running one (new requests see it at once), one that does
# not is reported with file:line:col and the running one stays. Drives
# tandemd with SIPp over 127.0.0.1 (ports 21910-21919).
set -u
tandemd=./tandemd
command -v sipp >/dev/null 2>&1 || {
	[ -n "${TANDEM_REQUIRE_ALL:-}" ] && { echo "sipp missing"; exit 1; }
	echo "sipp missing: skipped"; exit 77
}
tmp=$(mktemp -d) || exit 1
node=
cleanup() {
	[ -n "$node" ] && kill -KILL "$node" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }

# wait_log REGEX: up to 10 s for a line in the node's log
wait_log() {
	i=0
	while [ $i -lt 100 ]; do
		grep -Eq -- "$1" "$tmp/node.log" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# options CODE: one OPTIONS to the node must be answered CODE
options() {
	cat >"$tmp/uac.xml" <<X
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="options">
  <send retrans="500"><![CDATA[
OPTIONS sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
Max-Forwards: 70
From: <sip:t@[local_ip]:[local_port]>;tag=[call_number]
To: <sip:[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 OPTIONS
Content-Length: 0

]]></send>
  <recv response="$1"/>
</scenario>
X
	(cd "$tmp" && timeout 20 sipp -sf uac.xml 127.0.0.1:21910 -i 127.0.0.1 \
		-p 21911 -m 1 -timeout 10s -timeout_error >/dev/null 2>&1)
}

script() { # CODE
	printf 'settings { listen = ["udp:127.0.0.1:21910"] }\nroute request { reply(%s) }\n' "$1"
}

script 200 >"$tmp/node.route"
$tandemd -f "$tmp/node.route" 2>"$tmp/node.log" &
node=$!
wait_log 'msg="?ready' || ko "node ready"
options 200 && ok "first script answers 200" || ko "first script answers 200"

printf 'route request {\n  reply(200, 3)\n}\n' >"$tmp/node.route"
kill -HUP "$node"
if wait_log 'reload failed' && grep -q 'node.route:2:' "$tmp/node.log"; then
	ok "broken script reported with its position"
else
	ko "broken script reported ($(tail -c 300 "$tmp/node.log"))"
fi
options 200 && ok "running script kept after a failed reload" ||
	ko "running script kept after a failed reload"

script 403 >"$tmp/node.route"
kill -HUP "$node"
i=0
until options 403 || [ $i -ge 20 ]; do sleep 0.1; i=$((i + 1)); done
[ $i -lt 20 ] && ok "good script replaces it" || ko "good script replaces it"

kill -TERM "$node"
wait "$node"
rc=$?
node=
[ "$rc" -eq 0 ] && ok "stops with exit 0" || ko "stops with exit $rc"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
