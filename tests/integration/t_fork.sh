#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_fork.sh: forking through the routing script (UDP).
#  serial:   UAS1 answers 486, the failure route relays to UAS2, which answers
#            200; the UAC sees only the 200 (and UAS2's 180).
#  parallel: one INVITE, two branches at once: UAS1 rings and answers 200
#            after 1 s, UAS2 rings and must get the proxy's CANCEL.
TEST_NAME=fork
PORT_BASE=${PORT_BASE:-21200}
. "$(dirname "$0")/lib.sh"
it_init

CALLS=10
PX=$((P0)) UAS1=$((P0 + 1)) UAS2=$((P0 + 2)) UAC=$((P0 + 3))
script=$(route_script proxy "sip:uas@$LOCAL:$UAS1" "sip:uas@$LOCAL:$UAS2")
if ! start_tandemd tandemd "$script" --listen "udp:$LOCAL:$PX" --set workers=2; then
	fail "tandemd starts"
	it_done
fi

# ---- serial
if start_uas busy uas_busy.xml udp "$UAS1" "$CALLS" &&
	start_uas answer uas_call.xml udp "$UAS2" "$CALLS"; then
	run_uac serial uac_call.xml udp "$PX" "$UAC" "$CALLS" -s serial -r 10
	if check_sipp serial "$UAC_RC" "$CALLS" && uas_done busy "$CALLS" &&
		uas_done answer "$CALLS"; then
		pass "serial: 486 from UAS1 -> failure route -> UAS2 answers 200 ($CALLS calls)"
	else
		fail "serial: 486 from UAS1 -> failure route -> UAS2 answers 200" "$WHY"
		show_log tandemd
	fi
else
	fail "serial: SIPp UASes start"
fi
stop_pid "${UAS_PID_busy:-0}"
stop_pid "${UAS_PID_answer:-0}"

# ---- parallel
if start_uas winner uas_call.xml udp "$UAS1" "$CALLS" -d 1000 &&
	start_uas loser uas_cancelled.xml udp "$UAS2" "$CALLS"; then
	run_uac parallel uac_call.xml udp "$PX" "$UAC" "$CALLS" -s fork -r 10
	if check_sipp parallel "$UAC_RC" "$CALLS" && uas_done winner "$CALLS" &&
		uas_done loser "$CALLS"; then
		pass "parallel: UAS1 answers 200, UAS2 gets CANCEL ($CALLS calls)"
	else
		fail "parallel: UAS1 answers 200, UAS2 gets CANCEL" "$WHY"
		show_log tandemd
	fi
else
	fail "parallel: SIPp UASes start"
fi
it_done
