#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/node/persist.sh: registrar persistence end to end (issue 6, item 4)
# on SQLite. A SIPp UAC registers alice (no authentication in this small
# script) with a Contact pointing at a SIPp UAS; tandemd is stopped with
# SIGTERM; the `location` row must exist; tandemd starts again and a
# MESSAGE to alice reaches the UAS without any new REGISTER (the binding
# was loaded back before the node answered). Then an unregister
# (Expires: 0) must delete the row at the next clean stop.
# Loopback ports from 21960 (lib.sh picks a free range).
TEST_NAME=persist
PORT_BASE=${PORT_BASE:-21960}
. "$(dirname "$0")/../integration/lib.sh"
need sqlite3
it_init

TANDEMCTL=${TANDEMCTL:-$(dirname "$TANDEMD")/tandemctl}
PX=$P0 UAC=$((P0 + 1)) UAS=$((P0 + 2)) UAC2=$((P0 + 3))
DB=sqlite:$T/tandem.db

cat >"$T/persist.route" <<EOF
# registrar save + lookup, nothing else
load "registrar" { }
route request {
    if (request.method == "REGISTER") {
        registrar.save()
        exit
    }
    let found = registrar.lookup()
    if (found == -1) {
        reply(404, "Not Found")
        exit
    }
    if (found != 1) {
        reply(480, "Temporarily Unavailable")
        exit
    }
    relay()
}
EOF

# REGISTER alice with Contact sip:alice@127.0.0.1:UAS, Expires from -key exp.
cat >"$T/reg.xml" <<'EOF'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="reg_plain">
  <send retrans="500">
    <![CDATA[
      REGISTER sip:[remote_ip] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: <sip:alice@[remote_ip]>;tag=[pid]r[call_number]
      To: <sip:alice@[remote_ip]>
      Call-ID: [call_id]
      CSeq: [cseq] REGISTER
      Contact: <sip:alice@[local_ip]:[uas]>
      Expires: [exp]
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
</scenario>
EOF

rows() { sqlite3 "$T/tandem.db" "SELECT count(*) FROM location WHERE username = 'alice'" 2>/dev/null; }

# ---- provisioning: the schema and the user
if "$TANDEMCTL" db migrate --db "$DB" >"$T/ctl.log" 2>&1 &&
	"$TANDEMCTL" domain add "$LOCAL" --db "$DB" >>"$T/ctl.log" 2>&1 &&
	printf 'Lantern-Orbit-2026\n' | "$TANDEMCTL" user add "alice@$LOCAL" \
		--password-stdin --db "$DB" >>"$T/ctl.log" 2>&1; then
	pass provision
else
	fail provision "tandemctl: $(tail -n 3 "$T/ctl.log")"
	it_done
fi
node_args=(--listen "udp:$LOCAL:$PX" --set "database=$DB" --set workers=2)

# ---- 1. register, stop cleanly: the row is there
if start_tandemd node1 "$T/persist.route" "${node_args[@]}"; then
	SIPP_DIR=$T run_uac reg reg.xml udp "$PX" "$UAC" 1 -key uas "$UAS" -key exp 3600
	if check_sipp reg "$UAC_RC" 1; then pass register; else fail register "REGISTER not answered 200"; fi
	stop_tandemd
	if [ "$TANDEMD_RC" -eq 0 ]; then pass clean_stop; else fail clean_stop "tandemd exited $TANDEMD_RC"; fi
	if [ "$(rows)" = 1 ]; then
		pass row_written
	else
		fail row_written "location rows for alice: $(rows)"
		show_log node1 2>/dev/null
	fi
else
	fail start1 "tandemd did not start"
fi

# ---- 2. restart: lookup works without a new REGISTER
if start_tandemd node2 "$T/persist.route" "${node_args[@]}"; then
	if grep -q 'loaded 1 bindings' "$T/node2.log"; then pass loaded; else fail loaded "no 'loaded 1 bindings' in the log"; fi
	if start_uas uas uas_message.xml udp "$UAS" 1; then
		run_uac msg uac_msg.xml udp "$PX" "$UAC2" 1 -s alice -key domain "$LOCAL"
		if check_sipp msg "$UAC_RC" 1; then pass lookup_after_restart; else fail lookup_after_restart "MESSAGE to alice not delivered"; fi
		uas_done uas 1 >/dev/null || true
	else
		fail uas "SIPp UAS did not start"
	fi
	# ---- 3. unregister: the row goes at the next clean stop (or before)
	SIPP_DIR=$T run_uac unreg reg.xml udp "$PX" "$UAC" 1 -key uas "$UAS" -key exp 0
	if check_sipp unreg "$UAC_RC" 1; then pass unregister; else fail unregister "Expires: 0 not answered 200"; fi
	stop_tandemd
	if [ "$(rows)" = 0 ]; then pass row_deleted; else fail row_deleted "location rows for alice: $(rows)"; fi
else
	fail start2 "tandemd did not start again"
fi
it_done
