#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# t_register.sh: registration with digest authentication through
# routing-scripts/default.route (modules auth + registrar + nat), UDP, on a
# SQLite database provisioned by the test:
#  - 10,000 users REGISTER with digest (SIPp, -inf users.csv), then re-REGISTER
#  - unregister one contact (Expires: 0) and everything (Contact: *)
#  - a short Expires runs out (min_expires lowered by a module parameter)
#  - wrong password -> 401 again; stale nonce (short nonce_expires) -> 401
#    stale=true then 200; a replayed nonce-count -> 401; Expires under
#    min_expires -> 423 with Min-Expires
#  - two SIPp UASes registered for one AOR: an INVITE rings both (parallel
#    fork), a MESSAGE reaches both; unknown user -> 404, no binding -> 480
#  - restart keeps bindings: SIGTERM, start again, a call succeeds without
#    re-registering
# Users: 10,000 inserted with plain SQL (HA1s computed here, as tandemctl
# would), a few with tandemctl user add. The domain (and realm) is 127.0.0.1,
# as a phone configured with only login, password and server would use.
TEST_NAME=register
PORT_BASE=${PORT_BASE:-21750}
. "$(dirname "$0")/lib.sh"
need python3
it_init

NUSERS=${NUSERS:-10000}
DOMAIN=$LOCAL
TANDEMCTL=${TANDEMCTL:-$(dirname "$TANDEMD")/tandemctl}
# Module parameters the cases rely on (short lifetimes, so nothing waits long)
AUTH_PARAMS='nonce_expires = 10'
REG_PARAMS='min_expires = 2; default_expires = 3600; max_contacts = 5; timer_interval = 1'
NAT_PARAMS=''
PX=$P0 UAC=$((P0 + 1)) UAS1=$((P0 + 2)) UAS2=$((P0 + 3)) UAS3=$((P0 + 4))
QP=$((P0 + 5))
DB=sqlite:$T/tandem.db

# ---- the node: default.route with the test's module parameters
script=$T/default.route
sed -e "s|^load \"auth\".*|load \"auth\" { $AUTH_PARAMS }|" \
	-e "s|^load \"registrar\".*|load \"registrar\" { $REG_PARAMS }|" \
	-e "s|^load \"nat\".*|load \"nat\" { $NAT_PARAMS }|" \
	-e '/^load "http"/d' \
	"$TANDEM_SRCDIR/routing-scripts/default.route" >"$script"
node_args=(--listen "udp:$LOCAL:$PX" --set "database=$DB" --set workers=2)

# ---- provisioning
provision() {
	"$TANDEMCTL" db migrate --db "$DB" >"$T/ctl.log" 2>&1 &&
		"$TANDEMCTL" domain add "$DOMAIN" --db "$DB" >>"$T/ctl.log" 2>&1 &&
		for u in bob carol; do
			printf 'Secret-%s-2026x\n' "${u:0:1}" |
				"$TANDEMCTL" user add "$u@$DOMAIN" --password-stdin \
					--db "$DB" >>"$T/ctl.log" 2>&1 || return 1
		done &&
		python3 - "$T/tandem.db" "$DOMAIN" "$NUSERS" "$T/users.csv" <<'EOF'
# 10,000 subscribers in one transaction: HA1 = H(user:realm:password) for
# MD5, SHA-256 and SHA-512/256, the columns tandemctl user add fills.
import hashlib, sqlite3, sys
db, domain, n, csv = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def h(alg, s):
    return hashlib.new(alg, s.encode()).hexdigest()
con = sqlite3.connect(db)
rows, lines = [], ["SEQUENTIAL"]
for i in range(n):
    u, p = "user%04d" % i, "pw%04d-secret" % i
    a1 = "%s:%s:%s" % (u, domain, p)
    rows.append((u, domain, h("md5", a1), h("sha256", a1), h("sha512_256", a1)))
    lines.append("%s;%s;[authentication username=%s password=%s]" % (u, p, u, p))
with con:
    con.executemany("INSERT INTO subscriber (username, domain, ha1, ha1_sha256,"
                    " ha1_sha512t256) VALUES (?, ?, ?, ?, ?)", rows)
con.close()
open(csv, "w").write("\n".join(lines) + "\n")
EOF
}
# one-user injection files: csv NAME USER PASSWORD
csv() {
	printf 'SEQUENTIAL\n%s;%s;[authentication username=%s password=%s]\n' \
		"$2" "$3" "$2" "$3" >"$T/$1.csv"
}

# ---- a small SIP client for what SIPp cannot express: a query REGISTER
# (no Contact) that counts the bindings, and a replayed nonce-count.
cat >"$T/sipc.py" <<'EOF'
import hashlib, random, re, socket, sys

def main():
    cmd, port, user, pw, domain, lport = sys.argv[1:7]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", int(lport)))
    s.settimeout(3)
    dst = ("127.0.0.1", int(port))
    callid = "%x@sipc" % random.getrandbits(48)
    cseq = [0]

    def send(auth=None):
        cseq[0] += 1
        m = ("REGISTER sip:%s SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 127.0.0.1:%s;rport;branch=z9hG4bK%x\r\n"
             "Max-Forwards: 70\r\nFrom: <sip:%s@%s>;tag=q%x\r\nTo: <sip:%s@%s>\r\n"
             "Call-ID: %s\r\nCSeq: %d REGISTER\r\n"
             % (domain, lport, random.getrandbits(40), user, domain,
                random.getrandbits(20), user, domain, callid, cseq[0]))
        if auth:
            m += "Authorization: %s\r\n" % auth
        m += "Content-Length: 0\r\n\r\n"
        s.sendto(m.encode(), dst)
        while True:
            r = s.recv(65535).decode(errors="replace")
            code = int(r.split(" ", 2)[1])
            if code >= 200:
                return code, r

    def digest(r, nc):
        ch = None
        for m in re.finditer(r"(?im)^WWW-Authenticate:\s*Digest\s+(.*)$", r):
            p = dict((k.lower(), v.strip('"')) for k, v in
                     re.findall(r'(\w+)=("[^"]*"|[^,\s]+)', m.group(1)))
            if p.get("algorithm", "MD5").upper() == "MD5":
                ch = p
                break
        md5 = lambda x: hashlib.md5(x.encode()).hexdigest()
        ha1 = md5("%s:%s:%s" % (user, ch["realm"], pw))
        ha2 = md5("REGISTER:sip:%s" % domain)
        cn, ncs = "c0ffee", "%08x" % nc
        if "qop" in ch:
            resp = md5("%s:%s:%s:%s:auth:%s" % (ha1, ch["nonce"], ncs, cn, ha2))
            extra = ', qop=auth, nc=%s, cnonce="%s"' % (ncs, cn)
        else:
            resp = md5("%s:%s:%s" % (ha1, ch["nonce"], ha2))
            extra = ""
        a = ('Digest username="%s", realm="%s", nonce="%s", uri="sip:%s", '
             'response="%s", algorithm=MD5%s' % (user, ch["realm"], ch["nonce"],
                                                 domain, resp, extra))
        if "opaque" in ch:
            a += ', opaque="%s"' % ch["opaque"]
        return a

    code, r = send()
    if code != 401:
        print("first %d" % code); return
    auth = digest(r, 1)
    code, r = send(auth)
    if cmd == "count":      # bindings listed in the 200
        if code != 200:
            print("code %d" % code); return
        print(len(re.findall(r"(?im)^(?:Contact|m):", r)) +
              sum(len(re.findall(r">\s*,", l)) for l in
                  re.findall(r"(?im)^(?:Contact|m):(.*)$", r)))
    elif cmd == "replay":   # the same Authorization (same nc) again
        first = code
        code, r = send(auth)
        print("%d %d" % (first, code))

main()
EOF
sipc() { timeout 20 python3 "$T/sipc.py" "$1" "$PX" "$2" "$3" "$DOMAIN" "$QP" 2>&1; }
bindings() { sipc count "$1" "$2"; }
no_bindings() { [ "$(bindings "$1" "$2")" = 0 ]; }

# reg NAME SCENARIO CSV PORT CONTACT EXPIRES [SIPP-ARG...]: one SIPp UAC run
reg() {
	local name=$1 sf=$2 inf=$3 port=$4 contact=$5 exp=$6
	shift 6
	run_uac "$name" "$sf" udp "$PX" "$port" "${CALLS:-1}" -inf "$T/$inf.csv" \
		-key domain "$DOMAIN" -key contact "$contact" -key expires "$exp" "$@"
}

if ! provision; then
	fail "provisioning" "$(tail -n 3 "$T/ctl.log")"
	it_done
fi
if ! start_tandemd tandemd "$script" "${node_args[@]}"; then
	fail "tandemd starts with default.route"
	it_done
fi

# ---- 10,000 users
UAC_LIMIT=300 UAC_TIMEOUT=240 CALLS=$NUSERS \
	reg reg10k reg_auth.xml users "$UAC" "$LOCAL:$UAC" 3600 -r 500 -l 100
if check_sipp reg10k "$UAC_RC" "$NUSERS"; then
	pass "REGISTER with digest: $NUSERS users, 401 then 200"
else
	fail "REGISTER with digest: $NUSERS users" "$WHY"
	show_log tandemd
fi
n=$(bindings user0042 pw0042-secret)
if [ "$n" = 1 ]; then pass "a registered user has one binding"; else
	fail "a registered user has one binding" "query says: $n"; fi

# ---- re-REGISTER (the same contact again: refreshed, not added)
UAC_TIMEOUT=60 CALLS=100 reg rereg reg_auth.xml users "$UAC" "$LOCAL:$UAC" 3600 -r 200
n=$(bindings user0042 pw0042-secret)
if check_sipp rereg "$UAC_RC" 100 && [ "$n" = 1 ]; then
	pass "re-REGISTER of 100 users refreshes their single binding"
else
	fail "re-REGISTER" "${WHY:-bindings of user0042: $n}"
fi

# ---- unregister: one contact (Expires: 0), then everything (Contact: *)
csv u0 user0000 pw0000-secret
reg unreg reg_unreg.xml u0 "$UAC" "$LOCAL:$UAC" 0
if check_sipp unreg "$UAC_RC" 1 && no_bindings user0000 pw0000-secret; then
	pass "unregister one contact with Expires: 0"
else
	fail "unregister one contact with Expires: 0" "${WHY:-bindings remain}"
fi
csv u1 user0001 pw0001-secret
CALLS=1 reg u1b reg_auth.xml u1 "$UAC" "$LOCAL:$UAS3" 3600 # a second contact
reg unregall reg_unreg_all.xml u1 "$UAC" "$LOCAL:$UAC" 0
if check_sipp unregall "$UAC_RC" 1 && no_bindings user0001 pw0001-secret; then
	pass "unregister everything with Contact: * and Expires: 0"
else
	fail "unregister with Contact: *" "${WHY:-bindings remain}"
fi

# ---- expiry
csv u2 user0002 pw0002-secret
reg expiry reg_auth.xml u2 "$UAC" "$LOCAL:$UAC" 2
if check_sipp expiry "$UAC_RC" 1 && wait_for 20 no_bindings user0002 pw0002-secret; then
	pass "a binding registered with Expires: 2 expires"
else
	fail "expiry" "${WHY:-the binding is still there after 20 s}"
fi

# ---- wrong password
csv bad user0003 not-the-password
reg badpw reg_badpw.xml bad "$UAC" "$LOCAL:$UAC" 3600
if check_sipp badpw "$UAC_RC" 1; then
	pass "wrong password: 401 again (not stale)"
else
	fail "wrong password: 401 again" "$WHY"
fi

# ---- stale nonce: answer a challenge after nonce_expires (10 s, the least)
csv u4 user0004 pw0004-secret
reg stale reg_stale.xml u4 "$UAC" "$LOCAL:$UAC" 3600 -d 11500
if check_sipp stale "$UAC_RC" 1; then
	pass "stale nonce: 401 stale=true, then 200 with the new nonce"
else
	fail "stale nonce" "$WHY"
fi

# ---- replayed nonce-count
out=$(sipc replay user0005 pw0005-secret)
if [ "$out" = "200 401" ]; then
	pass "replayed nonce-count: 200 then 401"
else
	fail "replayed nonce-count: 200 then 401" "got: $out"
fi

# ---- 423
csv u6 user0006 pw0006-secret
reg brief reg_423.xml u6 "$UAC" "$LOCAL:$UAC" 1
if check_sipp brief "$UAC_RC" 1; then
	pass "Expires: 1 under min_expires: 423 with Min-Expires"
else
	fail "423 Interval Too Brief" "$WHY"
fi

# ---- two devices for bob: each SIPp UAS registers from its own port
csv bob bob Secret-b-2026x
reg bob1 reg_auth.xml bob "$UAS1" "$LOCAL:$UAS1" 3600
r1=$UAC_RC
reg bob2 reg_auth.xml bob "$UAS2" "$LOCAL:$UAS2" 3600
n=$(bindings bob Secret-b-2026x)
if check_sipp bob1 "$r1" 1 && check_sipp bob2 "$UAC_RC" 1 && [ "$n" = 2 ]; then
	pass "two contacts for one AOR: the 200 lists both"
else
	fail "two contacts for one AOR" "${WHY:-bindings of bob: $n}"
fi

if start_uas winner uas_call.xml udp "$UAS1" 1 -d 1000 &&
	start_uas loser uas_cancelled.xml udp "$UAS2" 1; then
	run_uac fork uac_call.xml udp "$PX" "$UAC" 1 -s bob
	if check_sipp fork "$UAC_RC" 1 && uas_done winner 1 && uas_done loser 1; then
		pass "INVITE to bob rings both devices; one answers, the other is cancelled"
	else
		fail "INVITE forks to both contacts" "$WHY"
		show_log tandemd
	fi
else
	fail "forking: SIPp UASes start"
fi
stop_pid "${UAS_PID_winner:-0}"
stop_pid "${UAS_PID_loser:-0}"

if start_uas m1 uas_message.xml udp "$UAS1" 1 &&
	start_uas m2 uas_message.xml udp "$UAS2" 1; then
	run_uac msg uac_msg.xml udp "$PX" "$UAC" 1 -s bob -key domain "$DOMAIN"
	if check_sipp msg "$UAC_RC" 1 && uas_done m1 1 && uas_done m2 1; then
		pass "MESSAGE to bob reaches both registered devices"
	else
		fail "MESSAGE to every contact" "$WHY"
		show_log tandemd
	fi
else
	fail "MESSAGE: SIPp UASes start"
fi
stop_pid "${UAS_PID_m1:-0}"
stop_pid "${UAS_PID_m2:-0}"

# ---- 404 and 480
run_uac nouser uac_msg_404.xml udp "$PX" "$UAC" 1 -s nosuchuser -key domain "$DOMAIN"
if check_sipp nouser "$UAC_RC" 1; then pass "unknown user: 404"; else
	fail "unknown user: 404" "$WHY"; fi
run_uac notreg uac_msg_480.xml udp "$PX" "$UAC" 1 -s user0000 -key domain "$DOMAIN"
if check_sipp notreg "$UAC_RC" 1; then pass "user without binding: 480"; else
	fail "user without binding: 480" "$WHY"; fi

# ---- restart keeps bindings
csv carol carol Secret-c-2026x
reg carol reg_auth.xml carol "$UAS3" "$LOCAL:$UAS3" 3600
rc=$UAC_RC
stop_tandemd
if check_sipp carol "$rc" 1 && [ "$TANDEMD_RC" -eq 0 ] &&
	start_tandemd tandemd2 "$script" "${node_args[@]}"; then
	if start_uas callee uas_call.xml udp "$UAS3" 1; then
		run_uac aftr uac_call.xml udp "$PX" "$UAC" 1 -s carol
		if check_sipp aftr "$UAC_RC" 1 && uas_done callee 1; then
			pass "restart keeps bindings: a call reaches carol without re-registering"
		else
			fail "restart keeps bindings" "$WHY"
			show_log tandemd2
		fi
	else
		fail "restart: SIPp UAS starts"
	fi
else
	fail "restart keeps bindings" "${WHY:-tandemd stopped with $TANDEMD_RC or did not start again}"
fi
it_done
