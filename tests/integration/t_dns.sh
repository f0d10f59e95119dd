#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_dns.sh: RFC 3263 next hop with failover. A dnsmasq on 127.0.0.1 (its own
# port, given to tandemd with --set dns_servers) serves
#   svc.test     NAPTR SIP+D2U -> _sip._udp.svc.test SRV: prio 10 a.svc.test
#                port with nothing listening, prio 20 b.svc.test -> UAS (200)
#   svc503.test  NAPTR SIP+D2U -> _sip._udp.svc503.test SRV: prio 10 -> a UAS
#                answering 503, prio 20 -> a UAS answering 200
#   a/b.svc.test, a/b.svc503.test  A 127.0.0.1
# The proxy rewrites the Request-URI to sip:uas@svc.test (svc503.test) and
# relays: every call must succeed through failover to the priority-20 target.
TEST_NAME=dns
PORT_BASE=${PORT_BASE:-21500}
. "$(dirname "$0")/lib.sh"
it_init
need dnsmasq

CALLS=5
PX=$P0 DNS=$((P0 + 1)) DEAD=$((P0 + 2)) UAS_OK=$((P0 + 3)) UAS_503=$((P0 + 4))
UAS_OK2=$((P0 + 5)) UAC=$((P0 + 6))

dnsmasq --keep-in-foreground --port="$DNS" --no-resolv --no-hosts \
	--conf-file=/dev/null --bind-interfaces --listen-address="$LOCAL" \
	--pid-file= --user="$(id -un)" --local=/test/ --log-queries \
	--log-facility="$T/dnsmasq.log" \
	--naptr-record=svc.test,10,100,S,SIP+D2U,,_sip._udp.svc.test \
	--srv-host=_sip._udp.svc.test,a.svc.test,"$DEAD",10,0 \
	--srv-host=_sip._udp.svc.test,b.svc.test,"$UAS_OK",20,0 \
	--host-record=a.svc.test,"$LOCAL" --host-record=b.svc.test,"$LOCAL" \
	--naptr-record=svc503.test,10,100,S,SIP+D2U,,_sip._udp.svc503.test \
	--srv-host=_sip._udp.svc503.test,a.svc503.test,"$UAS_503",10,0 \
	--srv-host=_sip._udp.svc503.test,b.svc503.test,"$UAS_OK2",20,0 \
	--host-record=a.svc503.test,"$LOCAL" --host-record=b.svc503.test,"$LOCAL" \
	>"$T/dnsmasq.out" 2>&1 &
DNS_PID=$!
it_pids="$it_pids $DNS_PID"
if ! wait_for 10 listening udp "$DNS"; then
	fail "dnsmasq starts" "$(tail -n 3 "$T/dnsmasq.out")"
	it_done
fi

script=$(route_script proxy "sip:nobody@$LOCAL:9")
# timer_b bounds the wait for the dead target (ICMP may not count as an error)
if ! start_tandemd tandemd "$script" --listen "udp:$LOCAL:$PX" --set workers=2 \
	--set "dns_servers=$LOCAL:$DNS" --set timer_b=2000; then
	fail "tandemd starts"
	it_done
fi

# ---- priority 10 is a port with nothing listening
if start_uas ok uas_call.xml udp "$UAS_OK" "$CALLS"; then
	run_uac svc uac_call.xml udp "$PX" "$UAC" "$CALLS" -s svc -r 2
	if check_sipp svc "$UAC_RC" "$CALLS" && uas_done ok "$CALLS"; then
		pass "NAPTR/SRV: dead priority-10 target -> failover to priority 20 ($CALLS calls)"
	else
		fail "NAPTR/SRV: dead priority-10 target -> failover to priority 20" "$WHY"
		show_log tandemd
		tail -n 8 "$T/dnsmasq.log" | sed 's/^/    /'
	fi
else
	fail "SIPp UAS starts"
fi

# ---- priority 10 answers 503
if start_uas busy503 uas_unavailable.xml udp "$UAS_503" 1000 &&
	start_uas ok2 uas_call.xml udp "$UAS_OK2" "$CALLS"; then
	run_uac svc503 uac_call.xml udp "$PX" "$UAC" "$CALLS" -s svc503 -r 2
	stop_pid "$UAS_PID_busy503"
	n503=$(stat busy503 'SuccessfulCall(C)')
	if check_sipp svc503 "$UAC_RC" "$CALLS" && uas_done ok2 "$CALLS" &&
		[ "$n503" -ge 1 ]; then
		pass "NAPTR/SRV: 503 from priority 10 -> failover to priority 20 ($CALLS calls, $n503 tried the 503 target)"
	else
		fail "NAPTR/SRV: 503 from priority 10 -> failover to priority 20" \
			"${WHY:-} 503-target calls=$n503"
		show_log tandemd
	fi
else
	fail "SIPp UASes start"
fi
it_done
