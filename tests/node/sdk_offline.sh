#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The module SDK offline: `tandemctl route test` with tests/module/sdkprobe
# loaded. The case file gives the source's connection and local address
# (tdm_scr_peer), and expects the reply's extra headers and body
# (tdm_scr_reply) and the destinations (tdm_scr_set_targets: dst, path,
# conn). A wrong expectation must fail with an expected/got pair.
set -u
ctl=./tandemctl
mods=$(pwd)/tests/module/.libs
[ -f "$mods/sdkprobe.so" ] || { echo "sdkprobe.so missing: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }

cat >"$tmp/sdk.route" <<'EOF'
load "sdkprobe"
route request {
    match request.uri.user {
        "reply" => { sdkprobe.reply(202) }
        "fork" => {
            sdkprobe.targets("sip:b1@10.0.0.5^sip:192.0.2.10:40312;transport=udp^^|sip:b2@10.0.0.6;transport=tcp^^<sip:edge.example.net;lr>^flow")
            relay()
        }
        "remember" => {
            if (sdkprobe.remember() > 0) { reply(200) } else { reply(500) }
        }
        else => { reply(404) }
    }
}
EOF
cat >"$tmp/sdk.cases" <<'EOF'
source tcp 192.0.2.10 40312 conn 7 local 192.0.2.1 5060 listen 1

case the reply carries the module's headers and body
  request <<END
    MESSAGE sip:reply@example.com SIP/2.0
    Via: SIP/2.0/TCP 192.0.2.10:40312;branch=z9hG4bK-r1
    Max-Forwards: 70
    From: <sip:alice@example.com>;tag=a1
    To: <sip:reply@example.com>
    Call-ID: r1@192.0.2.10
    CSeq: 1 MESSAGE
    Content-Length: auto
  END
  expect reply 202 "Accepted"
  expect reply-header X-Probe "yes"
  expect reply-header X-Peer "tcp 192.0.2.10 40312 conn=7 local=192.0.2.1:5060 li=1"
  expect reply-header X-Setting "-"
  expect reply-body /^probe body/

case the targets of a lookup
  request <<END
    MESSAGE sip:fork@example.com SIP/2.0
    Via: SIP/2.0/TCP 192.0.2.10:40312;branch=z9hG4bK-f1
    Max-Forwards: 70
    From: <sip:alice@example.com>;tag=a1
    To: <sip:fork@example.com>
    Call-ID: f1@192.0.2.10
    CSeq: 1 MESSAGE
    Content-Length: auto
  END
  expect relay to sip:b1@10.0.0.5
  expect ruri sip:b1@10.0.0.5
  expect target sip:b1@10.0.0.5 dst sip:192.0.2.10:40312;transport=udp q none
  expect target sip:b2@10.0.0.6;transport=tcp path "<sip:edge.example.net;lr>" conn 0

case a UDP source has no connection
  source udp 192.0.2.11 5060
  request <<END
    MESSAGE sip:remember@example.com SIP/2.0
    Via: SIP/2.0/UDP 192.0.2.11:5060;branch=z9hG4bK-m1
    Max-Forwards: 70
    From: <sip:alice@example.com>;tag=a1
    To: <sip:remember@example.com>
    Call-ID: m1@192.0.2.11
    CSeq: 1 MESSAGE
    Content-Length: auto
  END
  expect reply 500
EOF
if $ctl route test "$tmp/sdk.route" "$tmp/sdk.cases" --module-path "$mods" >"$tmp/out" 2>&1 &&
   grep -q '^3 passed, 0 failed' "$tmp/out"; then
	ok "source conn/local/listen, reply-header, reply-body, target"
else
	ko "offline SDK cases: $(cat "$tmp/out")"
fi

# wrong expectations fail, showing what the module did
sed -e 's/conn 0$/conn 5/' -e 's/X-Probe "yes"/X-Probe "no"/' "$tmp/sdk.cases" >"$tmp/wrong.cases"
$ctl route test "$tmp/sdk.route" "$tmp/wrong.cases" --module-path "$mods" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^1 passed, 2 failed' "$tmp/out" &&
   grep -q 'expected reply header X-Probe: "no"' "$tmp/out" &&
   grep -q 'got      reply header X-Probe: "yes"' "$tmp/out" &&
   grep -q 'target sip:b2@10.0.0.6;transport=tcp path "<sip:edge.example.net;lr>"$' "$tmp/out"; then
	ok "wrong reply-header and target expectations fail with expected/got"
else
	ko "wrong expectations (exit $rc): $(cat "$tmp/out")"
fi

# a bad source line is an error of the file
printf 'source tcp 192.0.2.1 5060 flow 3\ncase x\n  request <<END\n    OPTIONS sip:a@b SIP/2.0\n    Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-1\n    From: <sip:a@b>;tag=1\n    To: <sip:a@b>\n    Call-ID: x\n    CSeq: 1 OPTIONS\n    Content-Length: auto\n  END\n  expect none\n' >"$tmp/bad.cases"
$ctl route test "$tmp/sdk.route" "$tmp/bad.cases" --module-path "$mods" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "bad.cases:1: unexpected 'flow' in source" "$tmp/out"; then
	ok "a bad source attribute is refused"
else
	ko "bad source (exit $rc): $(cat "$tmp/out")"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
