#!/bin/sh
# tandemctl route test: every routing-scripts/X.route runs with its
# X.cases and every case passes; then the runner itself: a wrong
# expectation FAILs with its expected/got diff, a case without an action,
# a malformed case file and a database fixture are file:line errors
# (exit 2), unknown txn variables too, and a script that does not compile
# exits 1. Prints "N passed, N failed".
set -u
src=$(cd "${srcdir:-.}" && pwd)
ctl=$(pwd)/tandemctl
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAILED: $*"; }

# run NAME.cases SCRIPT: output (stdout then stderr) in $out, status in
# $rc. Runs in $tmp so that the file names in the output are short.
run() {
	out=$(cd "$tmp" && "$ctl" route test "$2" "$1" 2>&1)
	rc=$?
}

# expect_out WHAT STATUS: $rc must be STATUS and $out exactly stdin.
expect_out() {
	cat > "$tmp/want"
	printf '%s\n' "$out" > "$tmp/got"
	if [ "$rc" -eq "$2" ] && cmp -s "$tmp/want" "$tmp/got"; then
		ok "$1"
	else
		bad "$1 (exit $rc, want $2)"
		diff -u "$tmp/want" "$tmp/got" | head -30
	fi
}

for f in "$src"/routing-scripts/*.route; do
	cases=${f%.route}.cases
	if [ ! -f "$cases" ]; then
		bad "$f has no $(basename "$cases")"
		continue
	fi
	out=$("$ctl" route test "$f" "$cases" 2>&1)
	rc=$?
	last=$(printf '%s\n' "$out" | tail -1)
	if [ "$rc" -eq 0 ] && printf '%s\n' "$last" | grep -q '^[1-9][0-9]* passed, 0 failed$' &&
	   ! printf '%s\n' "$out" | grep -q '^FAIL'; then
		ok "$(basename "$cases"): $last"
	else
		bad "$(basename "$cases") (exit $rc)"
		printf '%s\n' "$out"
	fi
done

proxy=$src/routing-scripts/proxy.route
example=$src/routing-scripts/example.route
invite=$src/routing-scripts/fixtures/invite.sip

# A wrong expectation fails the case with a readable diff, exit 1; the
# right case in the same file still passes.
cat > "$tmp/wrong.cases" <<END
case INVITE is relayed
  request $invite
  expect relay to sip:bob@example.com

case INVITE wrongly expected to be refused
  request $invite
  expect reply 404 "Not Found"
  expect record-route no
  expect log info /never/
  expect ruri sip:carol@example.com
END
run wrong.cases "$proxy"
expect_out "a wrong expectation fails with the diff" 1 <<'END'
ok - INVITE is relayed
FAIL - INVITE wrongly expected to be refused
    wrong.cases:7: expected reply 404 "Not Found"
                   got      relay to sip:bob@example.com
    wrong.cases:8: expected record-route no
                   got      record-route yes
    wrong.cases:9: expected log info /never/
                   got      no log lines
    wrong.cases:10: expected Request-URI sip:carol@example.com
                    got      Request-URI sip:bob@example.com
1 passed, 1 failed
END

# Headers and transaction variables in the diff (example.route).
cat > "$tmp/wrong2.cases" <<END
case greeting and callee
  request $invite
  expect relay
  expect header-added X-Greeting "hello, Alice!"
  expect header-removed Contact
  expect txn.callee = "carol"
END
run wrong2.cases "$example"
expect_out "header and txn mismatches are shown" 1 <<'END'
FAIL - greeting and callee
    wrong2.cases:4: expected header added X-Greeting: "hello, Alice!"
                    got      header added X-Greeting: "hi, Alice!"
    wrong2.cases:5: expected header removed Contact
                    got      no headers removed
    wrong2.cases:6: expected txn.callee = "carol"
                    got      txn.callee = "bob"
0 passed, 1 failed
END

# A case that states no action is an error of the file, not a pass.
cat > "$tmp/noaction.cases" <<END
case asserts nothing
  request $invite
  expect record-route yes
END
run noaction.cases "$proxy"
expect_out "a case without an action is a file:line error" 2 <<'END'
noaction.cases:1: case 'asserts nothing' states no action: add 'expect reply CODE', 'expect relay', 'expect forward', 'expect drop' or 'expect none'
END

# Malformed lines: every one is reported, nothing runs.
cat > "$tmp/malformed.cases" <<END
# a comment
case one
  request $invite
  expect reply 99 "Too Small"
  expcet relay
  source udp 192.0.2.300 5060
case two
  expect relay
  expect log loud "x"
case one
  request <<MSG
    INVITE sip:bob@example.com SIP/2.0
    Content-Length: auto
  MSG
  expect drop
END
run malformed.cases "$proxy"
expect_out "a malformed case file exits 2 with every error" 2 <<'END'
malformed.cases:4: bad status code '99' (100 to 699)
malformed.cases:5: unknown keyword 'expcet' (case, route, source, request, response, given, expect)
malformed.cases:6: bad IP address '192.0.2.300'
malformed.cases:9: unknown log level 'loud' (error, warn, notice, info, debug)
malformed.cases:7: case 'two' has no request message (request FILE or request <<END)
malformed.cases:10: case 'one' is defined twice (first at line 2)
malformed.cases:11: the request does not parse: offset 57: missing Via
END

# Database fixtures do not exist yet: refused, never ignored.
cat > "$tmp/db.cases" <<END
case with a database
  request $invite
  database subscribers.sql
  expect relay
END
run db.cases "$proxy"
expect_out "a database line is refused" 2 <<'END'
db.cases:3: database fixtures are not supported yet (the database layer comes later); remove this line
END

# Transaction variables the script does not declare, or of another type.
cat > "$tmp/txn.cases" <<END
case unknown variable
  request $invite
  given txn.attempts = "two"
  expect relay
  expect txn.calee = "bob"
END
run txn.cases "$example"
expect_out "unknown or mistyped txn variables exit 2" 2 <<'END'
txn.cases:3: txn.attempts is int in the script, not str
txn.cases:5: the script has no transaction variable 'calee' (it declares: callee, attempts)
END

# A script that does not compile: its diagnostics, exit 1.
cat > "$tmp/any.cases" <<END
case anything
  request $invite
  expect relay
END
run any.cases "$src/tests/script/mistakes.route"
if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -q 'mistakes.route: [0-9]* errors$'; then
	ok "a script that does not compile exits 1"
else
	bad "a script that does not compile (exit $rc)"
	printf '%s\n' "$out" | tail -5
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
