#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_errors.sh: requests the core must refuse by itself (RFC 3261 16.3 and
# 8.2/18.3), over UDP: Max-Forwards 0 -> 483 (nothing reaches the UAS);
# malformed requests sent as raw datagrams -> 400 when the response can be
# routed (bad CSeq, CSeq method mismatch, Content-Length larger than the
# datagram), no answer (and no crash) when it cannot (no Call-ID, garbage);
# afterwards OPTIONS is still answered 200.
TEST_NAME=errors
PORT_BASE=${PORT_BASE:-21400}
. "$(dirname "$0")/lib.sh"
it_init

PX=$P0 UAS=$((P0 + 1)) UAC=$((P0 + 2))
script=$(route_script proxy "sip:uas@$LOCAL:$UAS")
if ! start_tandemd tandemd "$script" --listen "udp:$LOCAL:$PX" --set workers=2; then
	fail "tandemd starts"
	it_done
fi
# No UAS listens: a MESSAGE relayed despite Max-Forwards 0 would not get 483.
run_uac maxfwd uac_maxfwd.xml udp "$PX" "$UAC" 3 -s uas
if check_sipp maxfwd "$UAC_RC" 3; then
	pass "Max-Forwards: 0 -> 483"
else
	fail "Max-Forwards: 0 -> 483" "$WHY"
	show_log tandemd
fi

# raw_case NAME EXPECT: sends $T/NAME.sip, EXPECT is a status code or "none"
raw_case() {
	local line
	line=$(udp_raw "$PX" "$T/$1.sip")
	case $2 in
	400-or-none)
		case $line in
		"" | "SIP/2.0 400 "*) pass "$1: 400 or no response (${line:-none})" ;;
		*) fail "$1: 400 or no response" "got '$line'" ;;
		esac
		;;
	none)
		if [ -z "$line" ]; then pass "$1: no response"; else
			fail "$1: no response" "got '$line'"
		fi
		;;
	*)
		case $line in
		"SIP/2.0 $2 "*) pass "$1 -> $2" ;;
		*) fail "$1 -> $2" "got '${line:-nothing}'"; show_log tandemd ;;
		esac
		;;
	esac
}
# msg NAME METHOD CSEQ-LINE [CALL-ID-LINE] [CONTENT-LENGTH] [BODY]
msg() {
	{
		echo "$2 sip:uas@$LOCAL:$PX SIP/2.0"
		echo "Via: SIP/2.0/UDP $LOCAL:@LPORT@;rport;branch=z9hG4bK-raw-$1"
		echo "Max-Forwards: 70"
		echo "From: <sip:raw@$LOCAL>;tag=raw-$1"
		echo "To: <sip:uas@$LOCAL>"
		[ -n "$4" ] && echo "$4"
		echo "$3"
		echo "Content-Type: text/plain"
		echo "Content-Length: $5"
		echo
		[ -n "${6:-}" ] && printf '%s' "$6"
	} >"$T/$1.sip"
}
msg bad-cseq MESSAGE "CSeq: abc MESSAGE" "Call-ID: raw-1@$LOCAL" 5 hello
raw_case bad-cseq 400
msg cseq-method-mismatch MESSAGE "CSeq: 1 INVITE" "Call-ID: raw-2@$LOCAL" 5 hello
raw_case cseq-method-mismatch 400
msg content-length-too-big MESSAGE "CSeq: 1 MESSAGE" "Call-ID: raw-3@$LOCAL" 500 hello
raw_case content-length-too-big 400
msg bad-content-length MESSAGE "CSeq: 1 MESSAGE" "Call-ID: raw-4@$LOCAL" x5 hello
raw_case bad-content-length 400
msg no-call-id MESSAGE "CSeq: 1 MESSAGE" "" 5 hello
raw_case no-call-id 400-or-none
printf 'hello proxy, this is not SIP\r\n\r\n' >"$T/garbage.sip"
raw_case garbage none

if alive "$TANDEMD_PID"; then pass "tandemd still runs"; else fail "tandemd still runs"; fi
run_uac options uac_options.xml udp "$PX" "$UAC" 3
if check_sipp options "$UAC_RC" 3; then
	pass "OPTIONS after the malformed requests -> 200"
else
	fail "OPTIONS after the malformed requests -> 200" "$WHY"
	show_log tandemd
fi
it_done
