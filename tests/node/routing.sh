#!/bin/bash
# Route processing of RFC 3261 §16.4 and §16.6 step 7, seen by a SIPp
# UAS: our own Route value is removed (loose routing), and a next hop
# without ;lr (a strict router) becomes the Request-URI while the old
# Request-URI goes to the end of the Route set. Ports 21920-21929.
set -u
tandemd=./tandemd
command -v sipp >/dev/null 2>&1 || {
	[ -n "${TANDEM_REQUIRE_ALL:-}" ] && { echo "sipp missing"; exit 1; }
	echo "sipp missing: skipped"; exit 77
}
tmp=$(mktemp -d) || exit 1
node= uas=
cleanup() {
	[ -n "$node" ] && kill -KILL "$node" 2>/dev/null
	[ -n "$uas" ] && kill -KILL "$uas" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }

printf 'settings { listen = ["udp:127.0.0.1:21920"] }\nroute request { relay() }\n' \
	>"$tmp/node.route"
$tandemd -f "$tmp/node.route" 2>"$tmp/node.log" &
node=$!
(cd "$tmp" && exec sipp -sn uas -i 127.0.0.1 -p 21921 -trace_msg \
	-message_file "$tmp/uas.msg" >/dev/null 2>&1) &
uas=$!
i=0
while [ $i -lt 100 ] && ! { grep -q 'msg="*ready' "$tmp/node.log" &&
	ss -lun 2>/dev/null | grep -q ':21921 '; }; do
	sleep 0.1
	i=$((i + 1))
done

# send CALLID ROUTE: one OPTIONS to the node, in one datagram
send() {
	printf 'OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:21922;branch=z9hG4bK-%s\r\nRoute: %s\r\nMax-Forwards: 70\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: %s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
		"$1" "$2" "$1" | cat >/dev/udp/127.0.0.1/21920
}
# got CALLID: the request the UAS received for it, headers only
got() {
	i=0
	while [ $i -lt 150 ]; do # bounded, generous: a loaded CI box
		tr -d '\r' <"$tmp/uas.msg" 2>/dev/null |
		awk -v id="Call-ID: $1" '/message received/ {m = ""; on = 1; next}
			on && /^$/ && m == "" {next}
			on && /^$/ {if (index(m, id)) {printf "%s", m; exit} on = 0}
			on {m = m $0 "\n"}' >"$tmp/got"
		[ -s "$tmp/got" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

send loose1 '<sip:127.0.0.1:21920;lr>, <sip:127.0.0.1:21921;lr>'
if got loose1 && grep -q '^OPTIONS sip:bob@example.com ' "$tmp/got" &&
   grep -q '^Route: <sip:127.0.0.1:21921;lr>$' "$tmp/got" &&
   ! grep -q '21920;lr' "$tmp/got"; then
	ok "loose routing: our Route value removed, Request-URI kept"
else
	ko "loose routing ($(cat "$tmp/got" 2>/dev/null | head -c 400); node: $(tail -c 600 "$tmp/node.log"))"
fi

send strict1 '<sip:127.0.0.1:21920;lr>, <sip:127.0.0.1:21921>'
if got strict1 && grep -q '^OPTIONS sip:127.0.0.1:21921 ' "$tmp/got" &&
   grep -q '^Route: <sip:bob@example.com>$' "$tmp/got" &&
   [ "$(grep -c '^Route:' "$tmp/got")" -eq 1 ]; then
	ok "strict next hop: it becomes the Request-URI, the old one goes last"
else
	ko "strict next hop ($(cat "$tmp/got" 2>/dev/null | head -c 400); node: $(tail -c 600 "$tmp/node.log"); uas saw: $(grep -c 'message received' "$tmp/uas.msg" 2>/dev/null) messages)"
fi

kill -TERM "$node"
wait "$node"
node=
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
