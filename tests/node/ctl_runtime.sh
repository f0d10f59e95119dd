#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/node/ctl_runtime.sh: tandemctl's runtime commands (status, reload,
# stats, reg, log, rpc) against a running tandemd with the http module on
# a Unix socket and on 127.0.0.1 (issue 7, item 5). SIPp registers a few
# bindings (a script calling registrar.save() without authentication);
# then every command, in text and --json (each --json output must parse),
# reload of a good and of a broken script (every error listed with
# file:line:col, the node keeps running the old version), the errors of a
# node that is not there, a node that does not answer (--timeout), and a
# second node with a token (token_file): refused without it, accepted with
# --token, $TANDEM_API_TOKEN or -f SCRIPT.
# Loopback ports 24130-24159 (lib.sh picks a free range).
TEST_NAME=ctl_runtime
PORT_BASE=${PORT_BASE:-24130}
. "$(dirname "$0")/../integration/lib.sh"
need sipp ss python3
if [ ! -x "$TANDEMD" ]; then
	echo "FAIL: no tandemd at $TANDEMD"
	echo "0 passed, 1 failed"
	exit 1
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/tandem-it-$TEST_NAME.XXXXXX") || exit 2
trap it_cleanup EXIT
trap 'exit 130' INT TERM HUP
pick_ports "$PORT_BASE" 30
TANDEMCTL=${TANDEMCTL:-$(dirname "$TANDEMD")/tandemctl}
case $TANDEMCTL in /*) ;; *) TANDEMCTL=$(pwd)/$TANDEMCTL ;; esac
log "tandemd=$TANDEMD tmp=$T ports=$P0..$((P0 + 29))"
# The node runs in $T: no tandem.db of the build folder is picked up.
cd "$T" || exit 2
unset TANDEM_API TANDEM_API_TOKEN

PX=$P0 HP=$((P0 + 1)) UAC=$((P0 + 2)) CLOSED=$((P0 + 5))
PX2=$((P0 + 6)) HP2=$((P0 + 7)) HANG=$((P0 + 8))
SOCK=$T/api.sock
TOKEN=Tok-$RANDOM-$RANDOM-secret

# ctl NAME ARGS...: runs tandemctl, stdout in $T/NAME.out, stderr in
# $T/NAME.err, exit status in RC.
ctl() {
	local name=$1
	shift
	timeout 30 "$TANDEMCTL" "$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}
out() { cat "$T/$1.out"; }
why() { echo "exit $RC; stdout: $(head -c 400 "$T/$1.out"); stderr: $(head -c 400 "$T/$1.err")"; }
# check NAME EXPECTED_RC [GREP_REGEX [FILE=out|err]]: one case.
check() {
	local name=$1 want=$2 re=${3:-} f=${4:-out}
	if [ "$RC" -ne "$want" ]; then
		fail "$name" "wanted exit $want; $(why "$name")"
	elif [ -n "$re" ] && ! grep -Eq -- "$re" "$T/$name.$f"; then
		fail "$name" "no /$re/ in std$f; $(why "$name")"
	else
		pass "$name"
	fi
}
# json_ok NAME: stdout of NAME parses as JSON.
json_ok() {
	if python3 -m json.tool "$T/$1.out" >/dev/null 2>&1; then
		pass "$1_parses"
	else
		fail "$1_parses" "not JSON: $(head -c 300 "$T/$1.out")"
	fi
}
# jqv NAME FILTER: a value of NAME's JSON output (python3, no jq needed).
jqv() {
	python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    if k == "":
        continue
    v = v[int(k)] if isinstance(v, list) else v.get(k)
print(json.dumps(v) if isinstance(v, (dict, list)) else ("" if v is None else v))' "$T/$1.out" "$2" 2>/dev/null
}

# ---- the node
node_script() { # REPLY_CODE: the routing script with the API on both
	cat <<EOF
# ctl_runtime.sh: registrar without authentication, the admin API on a
# Unix socket and on loopback
load "registrar" { natping_interval = 0 }
load "http" {
    listen = "127.0.0.1:$HP"
    socket = "$SOCK"
}
route request {
    if (request.method == "REGISTER") {
        registrar.save()
        exit
    }
    reply($1)
}
EOF
}
node_script 404 >"$T/node.route"

cat >"$T/reg.xml" <<'EOF'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="reg_plain">
  <send retrans="500">
    <![CDATA[
      REGISTER sip:[remote_ip] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: <sip:[user]@[remote_ip]>;tag=[pid]r[call_number]
      To: <sip:[user]@[remote_ip]>
      Call-ID: [call_id]
      CSeq: [cseq] REGISTER
      Contact: <sip:[user]@[local_ip]:[cport]>;q=[q]
      Expires: 3600
      User-Agent: ctl-runtime-test
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
</scenario>
EOF
# register NAME USER CONTACT_PORT Q
register() {
	SIPP_DIR=$T run_uac "$1" reg.xml udp "$PX" "$UAC" 1 -key user "$2" \
		-key cport "$3" -key q "$4"
	check_sipp "$1" "$UAC_RC" 1
}

if ! start_tandemd node "$T/node.route" --listen "udp:$LOCAL:$PX" \
	--set workers=2 || ! wait_for 10 test -S "$SOCK"; then
	fail start "tandemd with the http module did not start"
	it_done
fi
pass start
API=(--api "$SOCK")

# ---- status
ctl status status "${API[@]}"
check status 0 '^state: +running'
if grep -Eq "^script: +.*node.route" "$T/status.out" &&
	grep -Eq '^modules:.*registrar' "$T/status.out" &&
	grep -Eq "^pid: +$TANDEMD_PID\$" "$T/status.out"; then
	pass status_fields
else
	fail status_fields "$(why status)"
fi
ctl status_json status --json "${API[@]}"
check status_json 0
json_ok status_json
SHA1=$(jqv status_json script.sha256)
GEN1=$(jqv status_json script.generation)
if [ "$(jqv status_json pid)" = "$TANDEMD_PID" ] &&
	[ "$(jqv status_json state)" = running ] && [ ${#SHA1} -eq 64 ] &&
	[ -n "$(jqv status_json version)" ] &&
	[ -n "$(jqv status_json transactions.active)" ]; then
	pass status_json_fields
else
	fail status_json_fields "$(out status_json | head -c 600)"
fi
# the same node over TCP, from $TANDEM_API and from the script
TANDEM_API=http://$LOCAL:$HP ctl status_env status
check status_env 0 '^state: +running'
ctl status_script status -f "$T/node.route"
check status_script 0 '^state: +running'
ctl status_tcp status --api "$LOCAL:$HP" --json
check status_tcp 0 '"state"'

# ---- registrations
register reg_a1 alice "$((P0 + 10))" 1.0 && pass register_alice_1 ||
	fail register_alice_1 "$WHY"
register reg_a2 alice "$((P0 + 11))" 0.5 && pass register_alice_2 ||
	fail register_alice_2 "$WHY"
register reg_b bob "$((P0 + 12))" 1.0 && pass register_bob ||
	fail register_bob "$WHY"

ctl reg_json reg show --json "${API[@]}"
check reg_json 0
json_ok reg_json
ALICE=$(python3 -c 'import json, sys
for a in json.load(open(sys.argv[1])):
    if a["aor"].startswith("alice"): print(a["aor"])' "$T/reg_json.out" 2>/dev/null)
BOB=${ALICE/alice/bob}
C1="sip:alice@$LOCAL:$((P0 + 10))"
C2="sip:alice@$LOCAL:$((P0 + 11))"
if [ -n "$ALICE" ]; then pass reg_json_aor; else fail reg_json_aor "no alice in $(out reg_json | head -c 400)"; fi

ctl reg_show reg show "${API[@]}"
check reg_show 0 "^$ALICE \\(2 bindings\\)"
if grep -Eq "^  <?$C1>? expires=[0-9]+ q=1 received=.*ua=\"ctl-runtime-test\"" "$T/reg_show.out" &&
	grep -Eq "^  <?$C2>? expires=[0-9]+ q=0.5 " "$T/reg_show.out" &&
	grep -Eq "^$BOB \\(1 binding\\)" "$T/reg_show.out"; then
	pass reg_show_lines
else
	fail reg_show_lines "$(out reg_show)"
fi
ctl reg_show_aor reg show "$ALICE" "${API[@]}"
check reg_show_aor 0 "^$ALICE \\(2 bindings\\)"
if grep -q bob "$T/reg_show_aor.out"; then fail reg_show_aor_only "bob listed: $(out reg_show_aor)"; else pass reg_show_aor_only; fi
ctl reg_show_aor_json reg show "$ALICE" --json "${API[@]}"
check reg_show_aor_json 0
json_ok reg_show_aor_json
[ "$(jqv reg_show_aor_json 0.contacts.1.user_agent)" = ctl-runtime-test ] &&
	pass reg_binding_fields || fail reg_binding_fields "$(out reg_show_aor_json | head -c 600)"
ctl reg_show_unknown reg show "nobody@$LOCAL" "${API[@]}"
check reg_show_unknown 1 '^tandemctl: registrar.show: ' err

# ---- stats (after SIP traffic)
ctl stats stats "${API[@]}"
check stats 0 '^workers [0-9]+$'
if grep -Eq '^sip_requests_received_total\{.*REGISTER.*\} [0-9]+$' "$T/stats.out" &&
	grep -Eq '^build_info\{version="[^"]+"\} 1$' "$T/stats.out"; then
	pass stats_lines
else
	fail stats_lines "$(head -c 800 "$T/stats.out")"
fi
if sort -c "$T/stats.out" 2>/dev/null || LC_ALL=C sort -c "$T/stats.out"; then pass stats_sorted; else fail stats_sorted "$(head -c 400 "$T/stats.out")"; fi
ctl stats_prefix stats sip_ "${API[@]}"
check stats_prefix 0 '^sip_'
if grep -vq '^sip_' "$T/stats_prefix.out"; then fail stats_prefix_only "$(out stats_prefix)"; else pass stats_prefix_only; fi
ctl stats_json stats --json "${API[@]}"
check stats_json 0
json_ok stats_json

# ---- reg rm
ctl reg_rm_contact reg rm "$ALICE" "$C2" "${API[@]}"
check reg_rm_contact 0 "^removed 1 binding of $ALICE\$"
ctl reg_after reg show "$ALICE" "${API[@]}"
if grep -q "^$ALICE (1 binding)" "$T/reg_after.out" && grep -q "$C1" "$T/reg_after.out" &&
	! grep -q "$C2" "$T/reg_after.out"; then
	pass reg_rm_contact_left
else
	fail reg_rm_contact_left "$(why reg_after)"
fi
ctl reg_rm_aor reg rm "$BOB" "${API[@]}"
check reg_rm_aor 0 "^removed 1 binding of $BOB\$"
ctl reg_rm_again reg rm "$BOB" "${API[@]}"
check reg_rm_again 1 '^tandemctl: registrar.remove: ' err
ctl reg_rm_usage reg rm "${API[@]}"
check reg_rm_usage 2

# ---- log levels
ctl log_list log list --json "${API[@]}"
check log_list 0
json_ok log_list
SUB=$(python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["subsystems"]
print(s[0]["name"] if s else "")' "$T/log_list.out" 2>/dev/null)
[ -n "$SUB" ] || SUB=core
ctl log_set log level "$SUB" debug "${API[@]}"
check log_set 0 "^$SUB: [a-z]+ -> debug\$"
ctl log_level_alone log level "${API[@]}"
check log_level_alone 0 "^$SUB +debug\$"
ctl log_list_text log list "${API[@]}"
check log_list_text 0 '^\* +(error|warn|notice|info|debug) \(default\)$'
ctl log_back log level "$SUB" info --json "${API[@]}"
check log_back 0 '"previous": "debug"'
json_ok log_back
ctl log_bad_level log level "$SUB" loud "${API[@]}"
check log_bad_level 2
ctl log_bad_sub log level no_such_subsystem debug "${API[@]}"
check log_bad_sub 1 '^tandemctl: log.set_level: ' err

# ---- rpc
ctl rpc_list rpc rpc.list "${API[@]}"
check rpc_list 0 '"core.status"'
json_ok rpc_list
if grep -q '"registrar.show"' "$T/rpc_list.out"; then pass rpc_list_modules; else fail rpc_list_modules "no registrar.show"; fi
ctl rpc_pos rpc core.stats '["workers"]' "${API[@]}"
check rpc_pos 0 '"workers"'
json_ok rpc_pos
ctl rpc_named rpc registrar.show "{\"aor\": \"$ALICE\"}" "${API[@]}"
check rpc_named 0 "\"$C1\""
ctl rpc_badjson rpc core.stats '["workers"' "${API[@]}"
check rpc_badjson 2 'not valid JSON' err
ctl rpc_scalar rpc core.stats '"workers"' "${API[@]}"
check rpc_scalar 2 'array or object' err
ctl rpc_unknown rpc no.such_method "${API[@]}"
check rpc_unknown 1 '^tandemctl: no.such_method: ' err
ctl rpc_unknown_json rpc no.such_method --json "${API[@]}"
check rpc_unknown_json 1 '-32601'
json_ok rpc_unknown_json

# ---- reload: a good script, then a broken one
node_script 403 >"$T/node.route"
ctl reload_good reload "${API[@]}"
check reload_good 0 "^reloaded: .*node.route \\(sha256 [0-9a-f]{64}, generation"
ctl status2 status --json "${API[@]}"
SHA2=$(jqv status2 script.sha256)
GEN2=$(jqv status2 script.generation)
if [ ${#SHA2} -eq 64 ] && [ "$SHA2" != "$SHA1" ] && [ "$GEN2" != "$GEN1" ] &&
	grep -q "$SHA2" "$T/reload_good.out"; then
	pass reload_version_changed
else
	fail reload_version_changed "before $SHA1 ($GEN1), after $SHA2 ($GEN2); $(out reload_good)"
fi
ctl reload_json reload --json "${API[@]}"
check reload_json 0 '"reloaded": true'
json_ok reload_json
SHA2=$(jqv reload_json script.sha256)

cat >"$T/node.route" <<EOF
load "registrar" { natping_interval = 0 }
load "http" { listen = "127.0.0.1:$HP"; socket = "$SOCK" }
route request {
    reply(200, 3)
    let x = no_such_function()
    reply(200, "OK", 3, 4, 5)
}
EOF
ctl reload_bad reload "${API[@]}"
check reload_bad 1 'reload failed' err
nerr=$(grep -Ec '^[^ :]*node.route:[0-9]+:[0-9]+: ' "$T/reload_bad.err")
if [ "$nerr" -ge 3 ] && grep -Eq 'node.route:4:[0-9]+: ' "$T/reload_bad.err" &&
	grep -Eq 'node.route:5:[0-9]+: ' "$T/reload_bad.err" &&
	grep -Eq 'node.route:6:[0-9]+: ' "$T/reload_bad.err"; then
	pass reload_bad_every_error
else
	fail reload_bad_every_error "$nerr errors; $(cat "$T/reload_bad.err")"
fi
if grep -q "the running script stays: .*$SHA2" "$T/reload_bad.err"; then pass reload_bad_names_running; else fail reload_bad_names_running "$(cat "$T/reload_bad.err")"; fi
ctl reload_bad_json reload --json "${API[@]}"
check reload_bad_json 1 '"errors"'
json_ok reload_bad_json
ctl status3 status --json "${API[@]}"
check status3 0
if [ "$(jqv status3 script.sha256)" = "$SHA2" ]; then pass reload_bad_kept; else fail reload_bad_kept "sha $(jqv status3 script.sha256), wanted $SHA2"; fi
node_script 403 >"$T/node.route"

# ---- no node there
ctl down_socket status --api "$T/missing.sock"
check down_socket 1 "^tandemctl: cannot reach the node at $T/missing.sock: No such file or directory \\(is tandemd running with the http module loaded\\?\\)\$" err
ctl down_port status --api "http://$LOCAL:$CLOSED"
check down_port 1 "^tandemctl: cannot reach the node at http://$LOCAL:$CLOSED: Connection refused \\(is tandemd running" err
ctl bad_api status --api "https://$LOCAL:$CLOSED"
check bad_api 2
ctl bad_timeout status --timeout soon "${API[@]}"
check bad_timeout 2
# a listener that never answers: --timeout ends the wait
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5)
c = s.accept()[0]
time.sleep(60)' "$HANG" &
hang_pid=$!
it_pids="$it_pids $hang_pid"
if wait_for 10 listening tcp "$HANG"; then
	ctl hang status --api "http://$LOCAL:$HANG" --timeout 1
	check hang 1 "did not answer within 1 s" err
else
	fail hang "the silent listener did not start"
fi
stop_pid "$hang_pid"

# ---- a node with a token (read from token_file)
printf '%s\n' "$TOKEN" >"$T/token"
cat >"$T/tok.route" <<EOF
load "http" {
    listen = "127.0.0.1:$HP2"
    token_file = "$T/token"
}
route request { reply(404) }
EOF
node1_pid=$TANDEMD_PID
if start_tandemd tok "$T/tok.route" --listen "udp:$LOCAL:$PX2" --set workers=1 &&
	wait_for 10 listening tcp "$HP2"; then
	TAPI=(--api "http://$LOCAL:$HP2")
	ctl tok_none status "${TAPI[@]}"
	check tok_none 1 'the node refused the token.*\(set --token or \$TANDEM_API_TOKEN\)' err
	ctl tok_wrong status "${TAPI[@]}" --token wrong-token
	check tok_wrong 1 '^tandemctl: the node refused the token \(set --token or \$TANDEM_API_TOKEN\)$' err
	ctl tok_option status "${TAPI[@]}" --token "$TOKEN"
	check tok_option 0 '^state: +running'
	TANDEM_API_TOKEN=$TOKEN ctl tok_env status "${TAPI[@]}"
	check tok_env 0 '^state: +running'
	TANDEM_API_TOKEN=wrong ctl tok_env_wrong status "${TAPI[@]}"
	check tok_env_wrong 1 'refused the token' err
	ctl tok_script status -f "$T/tok.route" --json
	check tok_script 0 "\"pid\": $TANDEMD_PID"
	stop_tandemd
else
	fail tok_start "the node with a token did not start"
fi
TANDEMD_PID=$node1_pid

# ---- the first node still answers, then stops cleanly
ctl final status "${API[@]}"
check final 0 '^state: +running'
stop_tandemd "$node1_pid"
if [ "$TANDEMD_RC" -eq 0 ]; then pass clean_stop; else fail clean_stop "tandemd exited $TANDEMD_RC"; show_log node; fi
it_done
