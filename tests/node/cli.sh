#!/bin/sh
# tandemd's command line and start-up refusals: every bad input gets one
# clear line and a non-zero exit, and nothing is left running. Uses ports
# 21900-21909 on 127.0.0.1.
set -u
top=${srcdir:-.}
tandemd=./tandemd
tmp=$(mktemp -d) || exit 1
pids=
cleanup() {
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }

# expect NAME STATUS REGEX CMD...: exit status and a line of its stderr
expect() {
	name=$1 want=$2 re=$3
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ] && grep -Eq -- "$re" "$tmp/err" "$tmp/out"; then
		ok "$name"
	else
		ko "$name (exit $got, wanted $want; output: $(head -c 300 "$tmp/err"))"
	fi
}

cat >"$tmp/ok.route" <<'R'
settings { listen = ["udp:127.0.0.1:21900"] }
route request { reply(200) }
R
printf 'route request {\n  relay(1, 2)\n}\n' >"$tmp/bad.route"

expect "unknown setting" 2 "--set colour=blue: unknown setting 'colour'" \
	$tandemd -f "$tmp/ok.route" --set colour=blue
expect "setting out of range" 2 "workers must be an integer from 0 to 256, not 'lots'" \
	$tandemd -f "$tmp/ok.route" --set workers=lots
expect "--set without =" 2 "--set needs KEY=VALUE" \
	$tandemd -f "$tmp/ok.route" --set workers
expect "--listen without argument" 2 "--listen needs an argument" \
	$tandemd -f "$tmp/ok.route" --listen
expect "bad listen address" 1 "listen 'udp:999.0.0.1:5060'" \
	$tandemd -f "$tmp/ok.route" --listen udp:999.0.0.1:5060
expect "unknown transport" 1 "listen 'sctp:127.0.0.1:5060'" \
	$tandemd -f "$tmp/ok.route" --listen sctp:127.0.0.1:5060
expect "tls without a certificate" 1 "tls and wss need tls_certificate and tls_private_key" \
	$tandemd -f "$tmp/ok.route" --listen tls:127.0.0.1:21901
expect "missing certificate file" 1 "nonexistent.pem" \
	$tandemd -f "$tmp/ok.route" --listen tls:127.0.0.1:21901 \
	--set tls_certificate="$tmp/nonexistent.pem" --set tls_private_key="$tmp/nonexistent.pem"
expect "script that does not compile" 1 "bad.route:2:3: error" \
	$tandemd -f "$tmp/bad.route"
expect "missing script" 1 "nothere.route" $tandemd -f "$tmp/nothere.route"
expect "settings table" 0 '^\| `timer_t1` \| int' $tandemd --settings

# a second node on an address the first one holds is refused
$tandemd -f "$tmp/ok.route" 2>"$tmp/first.log" &
first=$!
pids="$pids $first"
i=0
while [ $i -lt 100 ] && ! grep -q 'msg="*ready' "$tmp/first.log"; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q 'msg="*ready' "$tmp/first.log"; then
	expect "address held by another node" 1 "cannot listen on udp:127.0.0.1:21900: Address already in use" \
		$tandemd -f "$tmp/ok.route"
else
	ko "first node ready (log: $(head -c 300 "$tmp/first.log"))"
fi
kill -TERM "$first" 2>/dev/null
wait "$first"
rc=$?
[ "$rc" -eq 0 ] && ok "SIGTERM: exit 0" || ko "SIGTERM: exit $rc"
grep -q 'msg="*stopped' "$tmp/first.log" && ok "logs stopped" || ko "no stopped line"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
