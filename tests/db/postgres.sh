#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The database layer on PostgreSQL: a private server (tests/lib/pg.sh) with
# one empty database for the driver-neutral conformance checklist
# (tests/db/conformance) and another for pg_checks (what only PostgreSQL
# does: LISTEN/NOTIFY, query and connect timeouts, server restarts). Runs
# from the top build folder; the server and its files are gone on exit.
# The last line sums both programs: "N passed, N failed".
set -u
top=${srcdir:-.}
. "$top/tests/lib/pg.sh"
pg_start
export PG_SH=$top/tests/lib/pg.sh TDM_SCHEMA_DIR=$top/db-schema/postgres

pass=0 fail=0
# run NAME PROG ARG...: runs a test program, adds its last counts line
# (a program that dies without one counts as one failure).
run() {
	local name=$1 out line p f
	shift
	echo "== $name"
	out=$("$@" 2>&1)
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL: $name printed no result line"
		fail=$((fail + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	pass=$((pass + p)) fail=$((fail + f))
}

if [ -x ./tests/db/conformance ]; then
	run conformance ./tests/db/conformance "$PG_URL"
else
	echo "FAIL: ./tests/db/conformance is not built"
	fail=$((fail + 1))
fi

if pg_psql -c 'CREATE DATABASE tandem_checks'; then
	run pg_checks ./tests/db/pg_checks "${PG_URL%/*}/tandem_checks"
else
	echo "FAIL: CREATE DATABASE tandem_checks"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
