#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_retrans.sh: calls through the proxy while both SIPp ends lose 10 % of the
# messages they send and receive (-lost 10): every call completes through
# retransmissions, and the UAS sees exactly one call per INVITE (a
# retransmitted INVITE relayed as a new request would show up as a failed or
# unexpected message in its statistics). The proxy keeps answered
# transactions for RFC 3261's full Timer J (txn_linger=32000, not the 5 s
# default): SIPp's UAC retransmits a BYE whose 200s it keeps losing for
# 32 s, and after a 5 s linger such a retransmission would be relayed anew
# to a UAS whose call is over.
TEST_NAME=retrans
PORT_BASE=${PORT_BASE:-21300}
. "$(dirname "$0")/lib.sh"
it_init

CALLS=100
PX=$P0 UAS=$((P0 + 1)) UAC=$((P0 + 2))
script=$(route_script proxy "sip:uas@$LOCAL:$UAS")
if ! start_tandemd tandemd "$script" --listen "udp:$LOCAL:$PX" --set workers=2 --set txn_linger=32000; then
	fail "tandemd starts"
	it_done
fi
UAS_WAIT=30
if start_uas uas uas_call_lossy.xml udp "$UAS" "$CALLS" -lost 10 ${RETRANS_TRACE:-}; then
	UAC_TIMEOUT=45 UAC_LIMIT=70 run_uac uac uac_call.xml udp "$PX" "$UAC" "$CALLS" \
		-s uas -r 20 -lost 10 ${RETRANS_TRACE:-}
	if check_sipp uac "$UAC_RC" "$CALLS" && uas_done uas "$CALLS"; then
		pass "$CALLS calls with 10 % loss at both ends complete (retrans: uac=$(stat uac 'Retransmissions(C)') uas=$(stat uas 'Retransmissions(C)'))"
	else
		fail "$CALLS calls with 10 % loss at both ends complete" "$WHY"
		show_log tandemd
	fi
else
	fail "SIPp UAS starts"
fi
it_done
