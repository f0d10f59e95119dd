#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The provisioning snapshot seen from a routing script: tandemd with a
# database answers OPTIONS sip:USER@DOMAIN 403 when the domain is not
# local, 404 when USER is not an enabled subscriber, else 200. Rows are
# changed by plain SQL (the sqlite3 CLI, psql) and the answers must follow
# (polled, never timed). Also: an unmigrated database is refused with the
# sentence naming the migration; a hole in change_log ids filled later
# (a late commit) and a trimmed change_log are caught up; with PostgreSQL
# (tests/lib/pg.sh), LISTEN/NOTIFY, and the server killed under the
# running node (lookups go on) and back (a later change arrives).
# Ports 21940-21949.
set -u
tandemd=./tandemd
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
for tool in sipp sqlite3; do
	command -v $tool >/dev/null 2>&1 && continue
	[ -n "${TANDEM_REQUIRE_ALL:-}" ] && { echo "$tool missing"; exit 1; }
	echo "$tool missing: skipped"; exit 77
done
tmp=$(mktemp -d) || exit 1
node=
cleanup() {
	[ -n "$node" ] && kill -KILL "$node" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }

cat >"$tmp/node.route" <<'EOF'
route request {
    if (!is_domain_local(request.uri.host)) {
        reply(403)
    } else if (subscriber_exists(request.uri.user, request.uri.host)) {
        reply(200)
    } else {
        reply(404)
    }
}
EOF
# one SIPp scenario per expected code: OPTIONS [service]@[dom]
for code in 200 403 404; do
	cat >"$tmp/expect$code.xml" <<EOF
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="options $code">
  <send>
    <![CDATA[
OPTIONS sip:[service]@[dom] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:probe@[dom]>;tag=[call_number]
To: <sip:[service]@[dom]>
Call-ID: [call_id]
CSeq: 1 OPTIONS
Max-Forwards: 70
Content-Length: 0

    ]]>
  </send>
  <recv response="$code" timeout="2000"/>
</scenario>
EOF
done

# probe CODE USER DOMAIN: one OPTIONS, true when answered CODE
probe() {
	(cd "$tmp" && timeout 10 sipp 127.0.0.1:21940 -sf "expect$1.xml" \
		-s "$2" -key dom "$3" -m 1 -i 127.0.0.1 -p 21941 \
		-timeout 5s -timeout_error >/dev/null 2>&1)
}
# wait_code CODE USER DOMAIN: polls until the node answers CODE (30 s)
wait_code() {
	local i=0
	while [ $i -lt 60 ]; do
		probe "$@" && return 0
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}
# start_node URL: tandemd on that database, waiting until it is ready
start_node() {
	: >"$tmp/node.log"
	$tandemd -f "$tmp/node.route" --listen udp:127.0.0.1:21940 \
		--set "database=$1" --set workers=2 2>"$tmp/node.log" &
	node=$!
	local i=0
	while [ $i -lt 300 ] && ! grep -q 'msg="*ready' "$tmp/node.log"; do
		kill -0 "$node" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	grep -q 'msg="*ready' "$tmp/node.log"
}
stop_node() {
	kill -TERM "$node"
	wait "$node"
	node=
}
H32=$(printf '%032d' 0)
H64=$(printf '%064d' 0)
# sub_sql USER: the INSERT of an enabled subscriber of example.org
sub_sql() {
	echo "INSERT INTO subscriber (username, domain, ha1, ha1_sha256, ha1_sha512t256) VALUES ('$1', 'example.org', '$H32', '$H64', '$H64');"
}

# ---- SQLite -------------------------------------------------------------
db=$tmp/tandem.db
sq() { sqlite3 -cmd '.timeout 5000' "$db" "$@"; }

if $tandemd -f "$tmp/node.route" --listen udp:127.0.0.1:21940 \
	--set "database=sqlite:$tmp/empty.db" 2>"$tmp/refused.log"; then
	ko "an unmigrated database is refused"
elif grep -q 'schema is at version 0, this build needs 1: migration 0001_provisioning.sql is missing; apply with `tandemctl db migrate`' \
	"$tmp/refused.log"; then
	ok "an unmigrated database is refused, naming the migration"
else
	ko "refusal message ($(head -c 300 "$tmp/refused.log"))"
fi

if $tandemd -f "$tmp/node.route" --listen udp:127.0.0.1:21940 \
	--set "database=postgres://tandem@127.0.0.1:1/none?connect_timeout=2" \
	2>"$tmp/unreachable.log"; then
	ko "an unreachable database is refused"
else
	ok "an unreachable database is refused ($(head -c 120 "$tmp/unreachable.log"))"
fi

# the migration as the runner applies it, by plain SQL
{ cat "$srcdir/db-schema/sqlite/0001_provisioning.sql"
  echo "INSERT INTO schema_version (version, name) VALUES (1, '0001_provisioning.sql');"
} | sq || { echo "cannot create $db"; exit 1; }

if start_node "sqlite:$db"; then
	ok "tandemd starts on a migrated SQLite database"
else
	ko "tandemd on SQLite ($(head -c 400 "$tmp/node.log"))"
	exit 1
fi
probe 403 alice example.org && ok "no domain yet: 403" || ko "no domain yet"
sq "INSERT INTO domain (domain) VALUES ('example.org');"
wait_code 404 alice example.org && ok "domain inserted: is_domain_local" ||
	ko "domain inserted"
sq "$(sub_sql alice)"
wait_code 200 alice Example.ORG && ok "subscriber inserted: 200" ||
	ko "subscriber inserted"
sq "UPDATE subscriber SET enabled = 0 WHERE username = 'alice';"
wait_code 404 alice example.org && ok "subscriber disabled: 404" ||
	ko "subscriber disabled"
sq "UPDATE subscriber SET enabled = 1 WHERE username = 'alice';"
wait_code 200 alice example.org && ok "enabled again: 200" || ko "enabled again"
sq "DELETE FROM subscriber WHERE username = 'alice';"
wait_code 404 alice example.org && ok "subscriber deleted: 404" ||
	ko "subscriber deleted"

# a hole in change_log ids, filled later (as a late PostgreSQL commit)
sq "BEGIN; $(sub_sql bob)
    DELETE FROM change_log WHERE id = (SELECT MAX(id) FROM change_log);
    INSERT INTO change_log (id, tbl, op, row_id)
        VALUES ((SELECT seq FROM sqlite_sequence WHERE name = 'change_log') + 1,
                'domain', 'update', 1);
    COMMIT;"
hole=$(sq "SELECT MAX(id) - 1 FROM change_log;")
probe 404 bob example.org || ko "bob is not visible before his change"
sq "INSERT INTO change_log (id, tbl, op, row_id) VALUES ($hole, 'subscriber', 'insert', (SELECT id FROM subscriber WHERE username = 'bob'));"
wait_code 200 bob example.org && ok "a late change in a hole of change_log ids is applied" ||
	ko "late change in a hole ($hole)"

# change_log trimmed past what the node saw: everything loads again
sq "BEGIN; $(sub_sql carol)
    DELETE FROM change_log;
    INSERT INTO change_log (id, tbl, op, row_id)
        VALUES ((SELECT seq FROM sqlite_sequence WHERE name = 'change_log') + 5,
                'domain', 'update', 1);
    COMMIT;"
wait_code 200 carol example.org && grep -q 'loading everything again' "$tmp/node.log" &&
	ok "a trimmed change_log reloads the snapshot" || ko "trimmed change_log"
stop_node

# ---- PostgreSQL -----------------------------------------------------------
if [ -z "${TANDEM_PG:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	echo "PostgreSQL server binaries missing: its cases skipped"
	echo "$pass passed, $fail failed"
	[ $fail -eq 0 ]
	exit
fi
. "$srcdir/tests/lib/pg.sh"
pg_start
{ cat "$srcdir/db-schema/postgres/0001_provisioning.sql"
  echo "INSERT INTO schema_version (version, name) VALUES (1, '0001_provisioning.sql');"
} | pg_psql -f - >/dev/null || { ko "PostgreSQL schema"; exit 1; }
pg_psql -c "INSERT INTO domain (domain) VALUES ('example.org');"
if start_node "$PG_URL"; then
	ok "tandemd starts on PostgreSQL"
else
	ko "tandemd on PostgreSQL ($(head -c 400 "$tmp/node.log"))"
	exit 1
fi
pg_psql -c "$(sub_sql dave)"
wait_code 200 dave example.org && ok "PostgreSQL: insert arrives (LISTEN/NOTIFY)" ||
	ko "PostgreSQL insert"
pg_psql -c "DELETE FROM subscriber WHERE username = 'dave';"
wait_code 404 dave example.org && ok "PostgreSQL: delete arrives" ||
	ko "PostgreSQL delete"
pg_psql -c "$(sub_sql erin)"
wait_code 200 erin example.org || ko "PostgreSQL: erin"
pg_kill
# the node notices (polls fail), and keeps answering from the snapshot
i=0
while [ $i -lt 100 ] && ! grep -q 'level=warn.*lookups answer from the snapshot' "$tmp/node.log"; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q 'level=warn.*lookups answer from the snapshot' "$tmp/node.log" &&
   probe 200 erin example.org && probe 404 dave example.org; then
	ok "PostgreSQL down: lookups answer from the snapshot"
else
	ko "PostgreSQL down ($(grep subsys=db "$tmp/node.log" | tail -n 3))"
fi
pg_resume
pg_psql -c "$(sub_sql frank)"
wait_code 200 frank example.org && ok "PostgreSQL back: a later change arrives" ||
	ko "PostgreSQL back ($(grep subsys=db "$tmp/node.log" | tail -n 3))"
grep -q 'is back: caught up' "$tmp/node.log" && ok "recovery is logged" ||
	ko "recovery log"
[ "$(grep -c 'level=warn.*lookups answer from the snapshot' "$tmp/node.log")" -eq 1 ] &&
	ok "the outage is logged once" || ko "outage logged more than once"
stop_node
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
