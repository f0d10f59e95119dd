#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/clients/baresip.sh: two real softphones (baresip) through tandemd
# running routing-scripts/default.route on SQLite, with two users made by
# tandemctl. Each phone is configured with only login, password and server
# (its AOR names the node), answers automatically and sends a sine wave.
# Over UDP, then over TCP: both register with digest, alice calls bob, both
# see the call established with RTP flowing, alice hangs up, both see it
# closed, then alice sends bob a MESSAGE through tandemd, answered 200
# (alice's trace) and received (bob's trace). UAs are stopped before tandemd.
# Runs in its own network namespace when it can; ports from 22700.
TEST_NAME=clients-baresip
PORT_BASE=${PORT_BASE:-22700}
# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
cl_netns "$@"
cl_init 70 baresip python3 ss
cl_route

PX=$P0 # tandemd: udp and tcp
if ! cl_db; then
	fail "provisioning with tandemctl" "$(tail -n 3 "$T/tandemctl.log" | tr '\n' ' ')"
	it_done
fi
pass "provisioning with tandemctl (domain $DOMAIN, users alice and bob)"

# round PROTO OFFSET: one pair of phones over PROTO, on ports P0+OFFSET...
round() {
	local proto=$1 o=$2 a b sa sb tp out=$T/$1.out
	sa=$((P0 + o)) sb=$((P0 + o + 2)) # each + 1 is baresip's TLS port
	a=$T/$proto-alice b=$T/$proto-bob
	tp=";transport=$proto"
	# the "server" setting: over TCP also the outbound proxy, or baresip
	# 1.0.0 sends /message (which drops the contact's transport) over UDP
	local ob=""
	[ "$proto" = tcp ] && ob=";outbound=\"sip:127.0.0.1:$PX$tp\""
	bs_config "$a" alice "$sa" $((P0 + o + 10)) $((P0 + o + 6)) \
		"<sip:alice@$DOMAIN:$PX$tp>;auth_pass=$PW_ALICE;answermode=auto;regint=300$ob" \
		"\"Bob\" <sip:bob@$DOMAIN:$PX$tp>"
	bs_config "$b" bob "$sb" $((P0 + o + 20)) $((P0 + o + 7)) \
		"<sip:bob@$DOMAIN:$PX$tp>;auth_pass=$PW_BOB;answermode=auto;regint=300$ob" \
		"\"Alice\" <sip:alice@$DOMAIN:$PX$tp>"
	if [ -n "$STUB" ]; then
		stub_route "sip:127.0.0.1:$sa$tp" "sip:127.0.0.1:$sb$tp"
		# reload the script with this round's targets
		local n
		n=$(grep -c 'loaded, sha256' "$T/tandemd.log")
		kill -HUP "$TANDEMD_PID"
		wait_for 10 eval "[ \$(grep -c 'loaded, sha256' '$T/tandemd.log') -gt $n ]"
	fi
	bs_start "$a"
	local pa=$BS_PID
	bs_start "$b"
	local pb=$BS_PID
	local dg=--digest
	[ -n "$STUB" ] && dg=
	timeout -k 5 200 python3 "$CL_DIR/bsctl.py" call "$proto" \
		"$((P0 + o + 6)):$a/trace.log" "$((P0 + o + 7)):$b/trace.log" \
		"sip:bob@$DOMAIN:$PX" "hello bob over $proto $$" $dg >"$out" 2>&1
	cl_count "$out" $? "$proto: the baresip driver"
	# stop the phones while the node still runs (they un-register)
	bs_stop "$pa"
	bs_stop "$pb"
	if grep -q '^FAIL' "$out"; then
		bs_show "$a"
		bs_show "$b"
		show_log tandemd
	fi
}

[ -n "$STUB" ] && stub_route "sip:127.0.0.1:9" "sip:127.0.0.1:9"
if ! start_tandemd tandemd "$ROUTE" --listen "udp:127.0.0.1:$PX" \
	--listen "tcp:127.0.0.1:$PX" --set "database=$DB"; then
	fail "tandemd starts with $(basename "$ROUTE")"
	it_done
fi
pass "tandemd starts with $(basename "$ROUTE")"

round udp 2
round tcp 32

stop_tandemd "$TANDEMD_PID"
if [ "$TANDEMD_RC" -eq 0 ]; then
	pass "tandemd stops cleanly"
else
	fail "tandemd stops cleanly" "exit status $TANDEMD_RC"
	show_log tandemd
fi
it_done
