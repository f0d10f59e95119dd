#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_load.sh: 10,000 calls (INVITE/180/200/ACK/BYE/200, record-routed) from
# a SIPp UAC through tandemd to a SIPp UAS at a fixed moderate rate, over
# UDP: not one may fail. The rate is no measurement (tools/bench is): it is
# low enough for a loaded 2-core CI machine; only the counts are checked.
TEST_NAME=load
PORT_BASE=${PORT_BASE:-21600}
. "$(dirname "$0")/lib.sh"
it_init

CALLS=${LOAD_CALLS:-10000}
RATE=${LOAD_RATE:-500}
PX=$P0 UAS=$((P0 + 1)) UAC=$((P0 + 2))
script=$(route_script proxy "sip:uas@$LOCAL:$UAS")
if ! start_tandemd tandemd "$script" --listen "udp:$LOCAL:$PX" --set workers=2 \
	--set udp_rcvbuf=4194304; then
	fail "tandemd starts"
	it_done
fi
if start_uas uas uas_call.xml udp "$UAS" "$CALLS" -buff_size 4194304; then
	UAC_TIMEOUT=$((CALLS / RATE + 40)) UAC_LIMIT=$((CALLS / RATE + 60)) \
		run_uac uac uac_call.xml udp "$PX" "$UAC" "$CALLS" -s uas -r "$RATE" \
		-buff_size 4194304
	if check_sipp uac "$UAC_RC" "$CALLS" && uas_done uas "$CALLS"; then
		pass "$CALLS calls at $RATE/s, none failed (retransmissions: $(stat uac 'Retransmissions(C)'))"
	else
		fail "$CALLS calls at $RATE/s, none failed" "$WHY"
		show_log tandemd
	fi
else
	fail "SIPp UAS starts"
fi
it_done
