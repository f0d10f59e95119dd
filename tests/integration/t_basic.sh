#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_basic.sh: OPTIONS to the proxy is answered 200 (UDP, TCP, TLS), and a
# whole call INVITE/100/180/200/ACK/BYE/200 through the record-routing proxy
# reaches a SIPp UAS and the BYE goes via the proxy (UDP, TCP, and TLS:
# UAC -UDP-> tandemd A -TLS-> tandemd B -UDP-> UAS, since SIPp has no TLS).
TEST_NAME=basic
PORT_BASE=${PORT_BASE:-21000}
. "$(dirname "$0")/lib.sh"
it_init

CALLS=20

# one tandemd per transport, relaying to a UAS on the same transport
for proto in udp tcp; do
	case $proto in udp) o=0 ;; tcp) o=10 ;; esac
	PX=$((P0 + o)) UAS=$((P0 + o + 1)) UAC=$((P0 + o + 2))
	uri="sip:uas@$LOCAL:$UAS;transport=$proto"
	script=$(route_script "proxy-$proto" "$uri")
	if ! start_tandemd "tandemd-$proto" "$script" --listen "$proto:$LOCAL:$PX" \
		--set workers=2; then
		fail "$proto: tandemd starts"
		continue
	fi

	run_uac "options-$proto" uac_options.xml "$proto" "$PX" "$UAC" 3
	if check_sipp "options-$proto" "$UAC_RC" 3; then
		pass "$proto: OPTIONS to the proxy -> 200"
	else
		fail "$proto: OPTIONS to the proxy -> 200" "$WHY"
	fi

	if start_uas "uas-$proto" uas_call.xml "$proto" "$UAS" "$CALLS"; then
		run_uac "call-$proto" uac_call.xml "$proto" "$PX" "$UAC" "$CALLS" -s uas -r 10
		if check_sipp "call-$proto" "$UAC_RC" "$CALLS" &&
			uas_done "uas-$proto" "$CALLS"; then
			pass "$proto: $CALLS calls INVITE/180/200/ACK/BYE/200 via the proxy"
		else
			fail "$proto: $CALLS calls INVITE/180/200/ACK/BYE/200 via the proxy" "$WHY"
			show_log "tandemd-$proto"
		fi
	else
		fail "$proto: SIPp UAS starts"
	fi
	stop_tandemd
	if [ "$TANDEMD_RC" -eq 0 ]; then
		pass "$proto: tandemd stops on SIGTERM with exit 0"
	else
		fail "$proto: tandemd stops on SIGTERM with exit 0" "exit $TANDEMD_RC"
	fi
done

# ---- TLS
make_certs
case $? in
0) ;;
2)
	if [ -n "${TANDEM_REQUIRE_ALL:-}" ]; then
		fail "tls: openssl is not installed"
	else
		echo "SKIP: tls cases (openssl is not installed)"
	fi
	it_done
	;;
*)
	fail "tls: test certificates (openssl)"
	sed 's/^/    /' "$T/openssl.log" | tail -n 5
	it_done
	;;
esac
TLSOPTS=(--set "tls_certificate=$T/cert.pem" --set "tls_private_key=$T/key.pem"
	--set "tls_ca_file=$T/ca.pem" --set workers=2)
A=$((P0 + 20)) ATLS=$((P0 + 21)) BTLS=$((P0 + 22)) BUDP=$((P0 + 23))
UAS=$((P0 + 24)) UAC=$((P0 + 25))
sa=$(route_script proxy-a "sip:uas@$LOCAL:$BTLS;transport=tls")
sb=$(route_script proxy-b "sip:uas@$LOCAL:$UAS")
if start_tandemd tandemd-b "$sb" --listen "tls:$LOCAL:$BTLS" \
	--listen "udp:$LOCAL:$BUDP" "${TLSOPTS[@]}"; then

	cat >"$T/options-tls.sip" <<MSG
OPTIONS sip:$LOCAL:$BTLS;transport=tls SIP/2.0
Via: SIP/2.0/TLS $LOCAL:@LPORT@;branch=z9hG4bK-tls-options-1
Max-Forwards: 70
From: <sip:tester@$LOCAL>;tag=tls1
To: <sip:$LOCAL:$BTLS>
Call-ID: tls-options-1@$LOCAL
CSeq: 1 OPTIONS
Content-Length: 0

MSG
	line=$(tls_request "$BTLS" "$T/options-tls.sip")
	case $line in
	"SIP/2.0 200"*) pass "tls: OPTIONS to the proxy -> 200" ;;
	*) fail "tls: OPTIONS to the proxy -> 200" "got '${line:-nothing}'"
		show_log tandemd-b ;;
	esac

	if start_tandemd tandemd-a "$sa" --listen "udp:$LOCAL:$A" \
		--listen "tls:$LOCAL:$ATLS" "${TLSOPTS[@]}" &&
		start_uas uas-tls uas_call.xml udp "$UAS" "$CALLS"; then
		run_uac call-tls uac_call.xml udp "$A" "$UAC" "$CALLS" -s uas -r 10
		if check_sipp call-tls "$UAC_RC" "$CALLS" && uas_done uas-tls "$CALLS"; then
			pass "tls: $CALLS calls UAC -udp-> A -tls-> B -udp-> UAS"
		else
			fail "tls: $CALLS calls UAC -udp-> A -tls-> B -udp-> UAS" "$WHY"
			show_log tandemd-a
			show_log tandemd-b
		fi
	else
		fail "tls: tandemd A and the UAS start"
	fi
else
	fail "tls: tandemd B starts"
fi

it_done
