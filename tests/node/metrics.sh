#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/node/metrics.sh: the core's statistics in GET /metrics (module
# http) of a running node with two workers and a SQLite database. SIPp
# sends N OPTIONS over UDP (no retransmissions) and one over TCP, a few
# garbage datagrams follow; the exact counts must show in
# sip_requests_received_total{method,transport}, sip_replies_sent_total
# {class} and sip_parse_errors_total{transport}; the snapshot gauges
# count the provisioned rows; script_reloads_total follows a good and a
# broken SIGHUP reload; core.stats agrees with /metrics; `promtool check
# metrics` accepts every scrape. The modules' counters (example, auth)
# show too, and example.greetings agrees; db.status and the auth
# module's commands answer through tandemctl. Counts are polled until they arrive
# (bounded), never timed. Loopback ports 24160-24189.
set -u
tandemd=${TANDEMD:-./tandemd}
srcdir=$(cd "${srcdir:-$(dirname "$0")/../..}" && pwd) # absolute: SIPp runs elsewhere
for tool in curl jq promtool sipp sqlite3; do
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

API=24160     # the admin API
SIP=24161     # SIP, UDP and TCP
UAC=24162     # SIPp's UDP port
UACT=24163    # SIPp's TCP port
N=40          # OPTIONS over UDP
GARBAGE=3     # datagrams that do not parse

# ---- a migrated SQLite database with one domain and two subscribers ------
db=$tmp/tandem.db
H32=$(printf '%032d' 0)
H64=$(printf '%064d' 0)
{
	cat "$srcdir/db-schema/sqlite/0001_provisioning.sql"
	echo "INSERT INTO schema_version (version, name) VALUES (1, '0001_provisioning.sql');"
	echo "INSERT INTO domain (domain) VALUES ('example.org');"
	for u in alice bob; do
		echo "INSERT INTO subscriber (username, domain, ha1, ha1_sha256, ha1_sha512t256) VALUES ('$u', 'example.org', '$H32', '$H64', '$H64');"
	done
} | sqlite3 "$db" || { echo "cannot create $db"; echo "0 passed, 1 failed"; exit 1; }

good_script() {
	cat >"$tmp/node.route" <<EOF
load "http" { listen = "127.0.0.1:$API"; socket = "" }
load "example" { greeting = "Hi" }
load "auth" { algorithms = "MD5" }
route request {
    if (request.method == "OPTIONS") { reply(200, example.greet("probe")); exit }
    reply(404)
}
EOF
}
good_script

: >"$tmp/node.log"
$tandemd -f "$tmp/node.route" --listen "udp:127.0.0.1:$SIP" \
	--listen "tcp:127.0.0.1:$SIP" --set workers=2 \
	--set "database=sqlite:$db" 2>"$tmp/node.log" &
node=$!
i=0
while [ $i -lt 300 ] && ! grep -q 'msg="*ready' "$tmp/node.log"; do
	kill -0 "$node" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
if grep -q 'msg="*ready' "$tmp/node.log"; then
	ok "tandemd starts with http, two workers and SQLite"
else
	ko "tandemd start ($(head -c 600 "$tmp/node.log"))"
	echo "$pass passed, $fail failed"
	exit 1
fi

# scrape: /metrics into $tmp/metrics; false on a non-200
scrape() {
	local code
	code=$(curl -s -o "$tmp/metrics" -w '%{http_code}' --max-time 10 \
		"http://127.0.0.1:$API/metrics")
	[ "$code" = 200 ]
}
# value SERIES: the value of the sample line `SERIES VALUE` of the last
# scrape, empty when there is none
value() {
	awk -v s="$1" 'substr($0, 1, length(s) + 1) == s " " { print $2; exit }' \
		"$tmp/metrics"
}
# wait_value SERIES WANT: scrapes until SERIES is WANT (20 s)
wait_value() {
	local i=0
	while [ $i -lt 100 ]; do
		scrape && [ "$(value "$1")" = "$2" ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}
# promtool_ok NAME: the last scrape passes `promtool check metrics`
promtool_ok() {
	if promtool check metrics <"$tmp/metrics" >"$tmp/promtool.log" 2>&1; then
		ok "promtool check metrics accepts /metrics ($1)"
	else
		ko "promtool check metrics ($1): $(head -c 600 "$tmp/promtool.log")"
		cp "$tmp/metrics" "$tmp/metrics.$1"
	fi
}

# ---- before any traffic --------------------------------------------------
if scrape; then
	ok "GET /metrics answers 200"
else
	ko "GET /metrics"
fi
promtool_ok "at start"
for fam in sip_requests_received_total:counter sip_replies_received_total:counter \
	sip_replies_sent_total:counter sip_parse_errors_total:counter \
	transactions_active:gauge transactions_total:counter \
	retransmissions_total:counter retransmissions_absorbed_total:counter \
	transaction_timeouts_total:counter tcp_connections:gauge \
	tcp_connections_accepted_total:counter tls_handshake_failures_total:counter \
	udp_datagrams_dropped_total:counter dns_queries_total:counter \
	dns_cache_hits_total:counter dns_failures_total:counter \
	db_queries_total:counter db_errors_total:counter \
	db_query_duration_seconds:histogram snapshot_domains:gauge \
	snapshot_subscribers:gauge snapshot_aliases:gauge snapshot_addresses:gauge \
	snapshot_age_seconds:gauge script_reloads_total:counter \
	start_time_seconds:gauge build_info:gauge workers:gauge; do
	grep -qx "# TYPE tandem_${fam%%:*} ${fam##*:}" "$tmp/metrics" || missing="${missing:-} ${fam%%:*}"
done
[ -z "${missing:-}" ] && ok "every core family has its # TYPE line" ||
	ko "families without # TYPE:$missing"
[ "$(value tandem_workers)" = 2 ] && ok "tandem_workers 2" ||
	ko "tandem_workers ($(value tandem_workers))"
grep -q '^tandem_build_info{version="[^"]*"} 1$' "$tmp/metrics" &&
	ok "tandem_build_info{version} 1" || ko "build_info ($(grep build_info "$tmp/metrics"))"
st=$(value tandem_start_time_seconds)
now=$(date +%s)
[ -n "$st" ] && awk -v s="$st" -v n="$now" 'BEGIN { exit !(s > 1e9 && s <= n + 1) }' &&
	ok "tandem_start_time_seconds is a unix time ($st)" || ko "start_time_seconds ($st)"
[ "$(value tandem_snapshot_domains)" = 1 ] && [ "$(value tandem_snapshot_subscribers)" = 2 ] &&
	[ "$(value tandem_snapshot_aliases)" = 0 ] &&
	ok "snapshot gauges: 1 domain, 2 subscribers, 0 aliases" ||
	ko "snapshot gauges ($(grep '^tandem_snapshot' "$tmp/metrics" | tr '\n' ' '))"
age=$(value tandem_snapshot_age_seconds)
[ -n "$age" ] && awk -v a="$age" 'BEGIN { exit !(a >= 0) }' &&
	ok "tandem_snapshot_age_seconds is there ($age)" || ko "snapshot_age_seconds ($age)"
q=$(value tandem_db_queries_total)
[ -n "$q" ] && [ "$q" -gt 0 ] && ok "the snapshot sync's statements are counted ($q)" ||
	ko "db_queries_total ($q)"
[ "$(value 'tandem_db_query_duration_seconds_count')" = \
	"$(value 'tandem_db_query_duration_seconds_bucket{le="+Inf"}')" ] &&
	ok "db_query_duration_seconds: _count = +Inf bucket" || ko "histogram count"
[ "$(value 'tandem_script_reloads_total{result="ok"}')" = 0 ] &&
	[ "$(value 'tandem_script_reloads_total{result="failed"}')" = 0 ] &&
	ok "no script reload yet" || ko "script_reloads_total at start"

# ---- N OPTIONS over UDP, one over TCP, garbage -----------------------------
if (cd "$tmp" && timeout 60 sipp "127.0.0.1:$SIP" \
	-sf "$srcdir/tests/integration/sipp/uac_options.xml" -key tp udp \
	-m $N -r 20 -l 10 -nr -i 127.0.0.1 -p $UAC -timeout 30s -timeout_error \
	>"$tmp/sipp-udp.out" 2>&1); then
	ok "SIPp: $N OPTIONS over UDP answered 200"
else
	ko "SIPp over UDP ($(tail -c 400 "$tmp/sipp-udp.out"))"
fi
if (cd "$tmp" && timeout 60 sipp "127.0.0.1:$SIP" \
	-sf "$srcdir/tests/integration/sipp/uac_options.xml" -key tp tcp -t t1 \
	-m 1 -i 127.0.0.1 -p $UACT -timeout 30s -timeout_error \
	>"$tmp/sipp-tcp.out" 2>&1); then
	ok "SIPp: one OPTIONS over TCP answered 200"
else
	ko "SIPp over TCP ($(tail -c 400 "$tmp/sipp-tcp.out"))"
fi
for k in $(seq $GARBAGE); do
	printf 'this is no SIP message %s\r\n\r\n' "$k" >/dev/udp/127.0.0.1/$SIP
done

if wait_value 'tandem_sip_parse_errors_total{transport="udp"}' $GARBAGE; then
	ok "sip_parse_errors_total{transport=\"udp\"} $GARBAGE"
else
	ko "parse errors ($(grep '^tandem_sip_parse_errors_total' "$tmp/metrics" | tr '\n' ' '))"
fi
s='tandem_sip_requests_received_total{method="OPTIONS",transport="udp"}'
[ "$(value "$s")" = $N ] && ok "$s $N" || ko "$s ($(value "$s"))"
s='tandem_sip_requests_received_total{method="OPTIONS",transport="tcp"}'
[ "$(value "$s")" = 1 ] && ok "$s 1" || ko "$s ($(value "$s"))"
grep -q '^tandem_sip_requests_received_total{method="INVITE"' "$tmp/metrics" &&
	ko "a method never received has a sample" || ok "methods never received have no sample"
s='tandem_sip_replies_sent_total{class="2xx"}'
[ "$(value "$s")" = $((N + 1)) ] && ok "$s $((N + 1))" || ko "$s ($(value "$s"))"
s='tandem_sip_replies_sent_total{class="4xx"}'
[ "$(value "$s")" = 0 ] && ok "$s 0 (garbage gets no answer)" || ko "$s ($(value "$s"))"
s='tandem_sip_parse_errors_total{transport="tcp"}'
[ "$(value "$s")" = 0 ] && ok "$s 0" || ko "$s ($(value "$s"))"
a=$(value tandem_tcp_connections_accepted_total)
[ -n "$a" ] && [ "$a" -ge 1 ] && ok "tcp_connections_accepted_total $a" ||
	ko "tcp_connections_accepted_total ($a)"
s=tandem_example_greetings_total
[ "$(value $s)" = $((N + 1)) ] && ok "$s $((N + 1)) (a module's .value counter)" ||
	ko "$s ($(value $s))"
for s in tandem_auth_challenges_total tandem_auth_success_total tandem_auth_failures_total; do
	[ "$(value $s)" = 0 ] || bad="${bad:-} $s=$(value $s)"
done
[ -z "${bad:-}" ] && ok "auth's three counters are exported (0)" || ko "auth counters:$bad"
promtool_ok "after traffic"
if curl -s --max-time 10 -H 'Content-Type: application/json' \
	-d '{"jsonrpc":"2.0","method":"example.greetings","params":{"who":"me"},"id":2}' \
	"http://127.0.0.1:$API/rpc" >"$tmp/rpc2.json" &&
	[ "$(jq -c .result "$tmp/rpc2.json")" = "{\"greetings\":$((N + 1)),\"who\":\"me\"}" ]; then
	ok "example.greetings: $((N + 1))"
else
	ko "example.greetings ($(head -c 400 "$tmp/rpc2.json"))"
fi

# core.stats reads the same tables
if curl -s --max-time 10 -H 'Content-Type: application/json' \
	-d '{"jsonrpc":"2.0","method":"core.stats","params":["sip_requests"],"id":1}' \
	"http://127.0.0.1:$API/rpc" >"$tmp/rpc.json" &&
	[ "$(jq -r '.result.sip_requests_received_total[] | select(.labels.method == "OPTIONS" and .labels.transport == "udp") | .value' "$tmp/rpc.json")" = $N ]; then
	ok "core.stats sip_requests: OPTIONS/udp $N"
else
	ko "core.stats ($(head -c 400 "$tmp/rpc.json"))"
fi

# db.status and the auth module's commands, through the API and tandemctl
ctl=$(dirname "$tandemd")/tandemctl
if "$ctl" rpc db.status --api "http://127.0.0.1:$API" >"$tmp/db.json" &&
	[ "$(jq -r '.schema.version, .schema.latest, (.schema.missing | length), .snapshot.subscribers, .snapshot.domains' "$tmp/db.json" | tr '\n' ' ')" = "1 1 0 2 1 " ] &&
	jq -e '.snapshot.age_seconds >= 0 and (.url | startswith("sqlite:"))' "$tmp/db.json" >/dev/null; then
	ok "db.status: schema 1 of 1, 2 subscribers, 1 domain, an age"
else
	ko "db.status ($(head -c 400 "$tmp/db.json"))"
fi
if "$ctl" rpc auth.failures '["127.0.0.1"]' --api "http://127.0.0.1:$API" >"$tmp/af.json" &&
	[ "$(jq -r '.ip, .failures' "$tmp/af.json" | tr '\n' ' ')" = "127.0.0.1 0 " ] &&
	"$ctl" rpc auth.clear '{"ip":"::1"}' --api "http://127.0.0.1:$API" >"$tmp/ac.json" &&
	[ "$(jq -r '.ip, .cleared' "$tmp/ac.json" | tr '\n' ' ')" = "::1 0 " ]; then
	ok "auth.failures and auth.clear through tandemctl"
else
	ko "auth RPCs ($(cat "$tmp/af.json" "$tmp/ac.json" 2>/dev/null | head -c 400))"
fi
"$ctl" rpc auth.failures '["nope"]' --api "http://127.0.0.1:$API" >/dev/null 2>"$tmp/ae.txt"
[ $? -eq 1 ] && grep -q "not an IP address" "$tmp/ae.txt" &&
	ok "auth.failures refuses a value that is not an IP address" ||
	ko "auth.failures bad ip ($(cat "$tmp/ae.txt"))"

# ---- reloads ---------------------------------------------------------------
kill -HUP "$node"
if wait_value 'tandem_script_reloads_total{result="ok"}' 1; then
	ok "a good SIGHUP reload: script_reloads_total{result=\"ok\"} 1"
else
	ko "reload ok ($(grep '^tandem_script_reloads' "$tmp/metrics" | tr '\n' ' '))"
fi
echo 'route request { reply( }' >"$tmp/node.route"
kill -HUP "$node"
if wait_value 'tandem_script_reloads_total{result="failed"}' 1 &&
	[ "$(value 'tandem_script_reloads_total{result="ok"}')" = 1 ]; then
	ok "a broken SIGHUP reload: script_reloads_total{result=\"failed\"} 1"
else
	ko "reload failed ($(grep '^tandem_script_reloads' "$tmp/metrics" | tr '\n' ' '))"
fi
promtool_ok "after reloads"

kill -TERM "$node"
wait "$node"
rc=$?
node=
[ $rc -eq 0 ] && ok "tandemd stops cleanly" || ko "tandemd exit status $rc ($(tail -c 400 "$tmp/node.log"))"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
