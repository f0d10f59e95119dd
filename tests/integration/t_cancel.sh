#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_cancel.sh: CANCEL of a ringing INVITE through the proxy (UDP, TCP): the
# UAS gets the CANCEL (and answers the INVITE 487), the UAC gets 200 for its
# CANCEL and 487 for its INVITE.
TEST_NAME=cancel
PORT_BASE=${PORT_BASE:-21100}
. "$(dirname "$0")/lib.sh"
it_init

CALLS=10
for proto in udp tcp; do
	case $proto in udp) o=0 ;; tcp) o=10 ;; esac
	PX=$((P0 + o)) UAS=$((P0 + o + 1)) UAC=$((P0 + o + 2))
	script=$(route_script "proxy-$proto" "sip:uas@$LOCAL:$UAS;transport=$proto")
	if ! start_tandemd "tandemd-$proto" "$script" --listen "$proto:$LOCAL:$PX" \
		--set workers=2; then
		fail "$proto: tandemd starts"
		continue
	fi
	if start_uas "uas-$proto" uas_cancelled.xml "$proto" "$UAS" "$CALLS"; then
		run_uac "cancel-$proto" uac_cancel.xml "$proto" "$PX" "$UAC" "$CALLS" -s uas -r 10
		if check_sipp "cancel-$proto" "$UAC_RC" "$CALLS" &&
			uas_done "uas-$proto" "$CALLS"; then
			pass "$proto: $CALLS ringing INVITEs CANCELled: UAS gets CANCEL, UAC gets 487"
		else
			fail "$proto: $CALLS ringing INVITEs CANCELled: UAS gets CANCEL, UAC gets 487" "$WHY"
			show_log "tandemd-$proto"
		fi
	else
		fail "$proto: SIPp UAS starts"
	fi
	stop_tandemd
done
it_done
