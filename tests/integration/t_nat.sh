#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_nat.sh: clients behind NAT through routing-scripts/default.route (UDP).
# A NATed phone registers from one address and port but writes another in
# its Contact (here 127.0.0.99:5999, where nothing listens: a private
# address behind the NAT); the node must store where the REGISTER came from
# and reach the phone there.
#  - call: a SIPp UAS registered that way gets the INVITE at its source
#    address; the call completes
#  - keep-alive: with a short natping_interval the registered SIPp UAS sees
#    the node's OPTIONS pings at its source address
TEST_NAME=nat
PORT_BASE=${PORT_BASE:-21850}
. "$(dirname "$0")/lib.sh"
it_init

DOMAIN=$LOCAL
PRIVATE=127.0.0.99:5999   # the Contact a NATed phone writes
TANDEMCTL=${TANDEMCTL:-$(dirname "$TANDEMD")/tandemctl}
PX1=$P0 PX2=$((P0 + 1)) UAC=$((P0 + 2)) UAS1=$((P0 + 3)) UAS2=$((P0 + 4))
DB=sqlite:$T/tandem.db

# node NAME PORT NATPING_INTERVAL: default.route with the test's parameters
node() {
	local s=$T/$1.route
	sed -e "s|^load \"registrar\".*|load \"registrar\" { natping_interval = $3 }|" \
		-e '/^load "http"/d' \
		"$TANDEM_SRCDIR/routing-scripts/default.route" >"$s"
	start_tandemd "$1" "$s" --listen "udp:$LOCAL:$2" --set "database=$DB" \
		--set workers=2
}

{
	"$TANDEMCTL" db migrate --db "$DB" &&
		"$TANDEMCTL" domain add "$DOMAIN" --db "$DB" &&
		for u in dave erin; do
			printf 'Secret-%s-2026x\n' "${u:0:1}" |
				"$TANDEMCTL" user add "$u@$DOMAIN" --password-stdin --db "$DB" ||
				exit 1
		done
} >"$T/ctl.log" 2>&1 || { fail "provisioning" "$(tail -n 3 "$T/ctl.log")"; it_done; }
for u in dave erin; do
	printf 'SEQUENTIAL\n%s;x;[authentication username=%s password=Secret-%s-2026x]\n' \
		"$u" "$u" "${u:0:1}" >"$T/$u.csv"
done

# ---- a call to a NATed phone (pings effectively off: once an hour)
if node nat1 "$PX1" 3600; then
	run_uac regdave reg_auth.xml udp "$PX1" "$UAS1" 1 -inf "$T/dave.csv" \
		-key domain "$DOMAIN" -key contact "$PRIVATE" -key expires 3600
	if check_sipp regdave "$UAC_RC" 1; then
		pass "NATed REGISTER (Contact $PRIVATE, sent from port $UAS1): 200"
		if start_uas dave uas_call.xml udp "$UAS1" 1; then
			run_uac calldave uac_call.xml udp "$PX1" "$UAC" 1 -s dave
			if check_sipp calldave "$UAC_RC" 1 && uas_done dave 1; then
				pass "a call to the NATed phone reaches it at its source address"
			else
				fail "call to the NATed phone" "$WHY"
				show_log nat1
			fi
		else
			fail "call to the NATed phone: SIPp UAS starts"
		fi
	else
		fail "NATed REGISTER" "$WHY"
		show_log nat1
	fi
	stop_pid "${UAS_PID_dave:-0}"
	stop_tandemd
else
	fail "tandemd starts (natping_interval 3600)"
fi

# ---- keep-alive pings (every second)
if node nat2 "$PX2" 1; then
	run_uac regerin reg_auth.xml udp "$PX2" "$UAS2" 1 -inf "$T/erin.csv" \
		-key domain "$DOMAIN" -key contact "$PRIVATE" -key expires 3600
	if check_sipp regerin "$UAC_RC" 1 && start_uas pings uas_ping.xml udp "$UAS2" 2; then
		if UAS_WAIT=20 uas_done pings 2; then
			pass "keep-alive: the registered NATed phone sees OPTIONS pings"
		else
			fail "keep-alive OPTIONS pings" "$WHY"
			show_log nat2
		fi
	else
		fail "keep-alive: NATed REGISTER and SIPp UAS" "${WHY:-}"
	fi
else
	fail "tandemd starts (natping_interval 1)"
fi
it_done
