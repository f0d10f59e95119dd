# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib/pg.sh: a private PostgreSQL server for one test script (bash).
# Sourced by tests that need a real server; each gets its own cluster in a
# temporary folder, on 127.0.0.1 and a free port, with its Unix socket in
# that folder, fsync off, and removed with everything it wrote on exit.
#
#   . "$srcdir/tests/lib/pg.sh"
#   pg_start            # or pg_start PORT; exports PG_URL, PG_PORT, ...
#   pg_psql -c 'SELECT 1'
#   pg_restart          # fast shutdown + start, same port and data
#   pg_kill; pg_resume  # server gone (immediate stop) / back again
#   pg_stop             # also run by the EXIT trap pg_start installs
#
# The binaries are looked up under /usr/lib/postgresql/*/bin (newest
# first; PG_BINDIR overrides). Without them the test is skipped (exit 77),
# or fails when TANDEM_REQUIRE_ALL is set (tools/test sets it). initdb
# refuses to run as root: as root, every server command runs as the
# postgres user (runuser) in a folder that user owns.
#
# The state lives in exported variables (PG_BIN, PG_DIR, PG_PORT, PG_URL),
# so a child process can drive the same server with
# `bash tests/lib/pg.sh restart|kill|resume|psql ...`.

# pg_find_bin: sets PG_BIN to the folder holding initdb and pg_ctl.
pg_find_bin() {
	local d
	if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then
		PG_BIN=$PG_BINDIR
		return 0
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -rn); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			PG_BIN=$d
			return 0
		fi
	done
	return 1
}

# pg_as CMD...: runs a server command as the cluster's owner.
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd "$PG_DIR" && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# pg_psql ARG...: psql on the test database, stopping at the first error.
pg_psql() {
	PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
		-d "$PG_URL" "$@"
}

# pg_port_busy PORT: something accepts connections on 127.0.0.1:PORT.
pg_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pg_server_start: pg_ctl start on PG_PORT, waiting (bounded) for it to
# accept connections. Returns pg_ctl's status.
pg_server_start() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
		-w -t 60 -o "-c listen_addresses=127.0.0.1 -p $PG_PORT \
-k $PG_DIR/sock -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c max_connections=50" start >/dev/null
}

# pg_start [PORT]: creates, starts and exports a fresh server + database.
pg_start() {
	local want=${1:-} tries=0 port

	if ! pg_find_bin; then
		if [ -n "${TANDEM_REQUIRE_ALL:-}" ]; then
			echo "FAIL: PostgreSQL server binaries missing" \
				"(apt-get install postgresql)"
			exit 1
		fi
		echo "SKIP: PostgreSQL server binaries missing" \
			"(apt-get install postgresql)"
		exit 77
	fi
	if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
		echo "FAIL: running as root needs the postgres user (apt-get install postgresql)"
		exit 1
	fi
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tandem-pg.XXXXXX") || exit 1
	export PG_BIN PG_DIR
	pg_trap_exit
	mkdir -p "$PG_DIR/sock"
	[ "$(id -u)" -eq 0 ] && chown -R postgres: "$PG_DIR"
	chmod 700 "$PG_DIR"
	if ! pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U tandem \
		--no-sync -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1; then
		echo "FAIL: initdb failed:"
		tail -n 20 "$PG_DIR/initdb.log"
		exit 1
	fi
	# a given port, else random free ones until a server starts (another
	# test may take a port between the check and the bind)
	while :; do
		tries=$((tries + 1))
		if [ -n "$want" ]; then
			port=$want
		else
			port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
			pg_port_busy "$port" && continue
		fi
		PG_PORT=$port
		export PG_PORT
		pg_server_start && break
		if [ -n "$want" ] || [ "$tries" -ge 5 ]; then
			echo "FAIL: the PostgreSQL server did not start:"
			tail -n 20 "$PG_DIR/server.log"
			exit 1
		fi
	done
	PG_URL=postgres://tandem@127.0.0.1:$PG_PORT/tandem_test
	export PG_URL
	if ! PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
		-d "postgres://tandem@127.0.0.1:$PG_PORT/postgres" \
		-c 'CREATE DATABASE tandem_test' >"$PG_DIR/createdb.log" 2>&1; then
		echo "FAIL: CREATE DATABASE:"
		cat "$PG_DIR/createdb.log"
		exit 1
	fi
}

# pg_stop: fast shutdown and removal of the cluster. Idempotent; falls back
# to killing the postmaster this script started when pg_ctl cannot stop it.
pg_stop() {
	local pid
	[ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ] || return 0
	if [ -f "$PG_DIR/data/postmaster.pid" ]; then
		if ! pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 \
			stop >/dev/null 2>&1 &&
			pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
			pid=$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null)
			[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
		fi
	fi
	rm -rf "$PG_DIR"
	PG_DIR=
}

# pg_restart: fast shutdown (sessions are cut) and start again.
pg_restart() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop \
		>/dev/null && pg_server_start
}

# pg_kill: the server goes away at once (immediate shutdown); the data
# stays for pg_resume.
pg_kill() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop \
		>/dev/null
}

# pg_resume: starts the server pg_kill stopped, on the same port.
pg_resume() {
	pg_server_start
}

# pg_trap_exit: pg_stop on exit, before whatever EXIT trap was set; INT
# and TERM exit so that it runs.
pg_trap_exit() {
	local old
	old=$(trap -p EXIT)
	old=${old#trap -- \'}
	old=${old%\' EXIT}
	old=${old//\'\\\'\'/\'}
	# shellcheck disable=SC2064
	trap "pg_stop; $old" EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Run as a program: bash pg.sh restart|kill|resume|psql ARG... on the
# server named by the exported variables of the test that started it.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	: "${PG_BIN:?} ${PG_DIR:?} ${PG_PORT:?} ${PG_URL:?}"
	cmd=$1
	shift
	case $cmd in
	restart) pg_restart ;;
	kill) pg_kill ;;
	resume) pg_resume ;;
	psql) pg_psql "$@" ;;
	*) echo "usage: pg.sh restart|kill|resume|psql ARG..." >&2; exit 2 ;;
	esac
fi
