# SPDX-License-Identifier: GPL-2.0-or-later
# tests/clients/lib.sh: helpers of the real-client tests (baresip.sh,
# browser.sh), on top of tests/integration/lib.sh (pass/fail counting,
# start_tandemd, stop_pid, wait_for, pick_ports). Adds: running the test in
# its own network namespace, a provisioned SQLite node, and baresip user
# agents configured in the test's temporary folder (ctrl_tcp control,
# sine-wave audio source, no sound card, loopback only).
#
# Environment (besides lib.sh's TANDEMD, TANDEM_REQUIRE_ALL, TANDEM_TEST_KEEP):
#   TANDEMCTL             the tandemctl binary (default: ./tandemctl)
#   TANDEM_CLIENTS_ROUTE  the routing script (default: the source tree's
#                         routing-scripts/default.route); "stub" runs the
#                         harness against tests/clients/stub.route.in, a
#                         script without registrar or authentication that
#                         relays alice/bob to their known ports (a check of
#                         the harness itself, not of the node);
#                         TANDEM_CLIENTS_STUB names another such template
#   TANDEM_NO_NETNS       when set, do not enter a private network namespace

# shellcheck source=../integration/lib.sh
. "$(cd "$(dirname "$0")/../integration" && pwd)/lib.sh"

CL_DIR=$TANDEM_SRCDIR/tests/clients

# pkg_of TOOL: the Debian package of a tool (replaces lib.sh's, for `need`)
pkg_of() {
	case $1 in
	baresip) echo baresip-core ;;
	node) echo nodejs ;;
	ss | ip) echo iproute2 ;;
	sipp) echo sip-tester ;;
	*) echo "$1" ;;
	esac
}
TANDEMCTL=${TANDEMCTL:-./tandemctl}
case $TANDEMCTL in /*) ;; *) TANDEMCTL=$(pwd)/$TANDEMCTL ;; esac
BARESIP_MODULES=${BARESIP_MODULES:-/usr/lib/baresip/modules}
PW_ALICE=Kx7-wq2-Lm9
PW_BOB=Rt4-zp8-Hv3
DOMAIN=127.0.0.1

# cl_netns "$@": re-executes the test inside a private network namespace
# (unshare -n, loopback up) when it can (root, unshare and ip present): no
# packet can leave the machine, and no port collides with other servers.
# Everything that needs the network (npm ci) must run before this.
cl_netns() {
	[ -n "${TANDEM_NO_NETNS:-}${TANDEM_IN_NETNS:-}" ] && return 0
	command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 || return 0
	unshare -n true 2>/dev/null || return 0
	# shellcheck disable=SC2016
	exec unshare -n /bin/bash -c 'ip link set lo up && TANDEM_IN_NETNS=1 exec "$0" "$@"' \
		/bin/bash "$0" "$@"
}

# cl_init NPORTS TOOL...: tools present (else skip/fail as lib.sh's need),
# tandemd and tandemctl present, temporary folder, ports P0..P0+NPORTS-1.
cl_init() {
	local n=$1
	shift
	need "$@"
	local b
	for b in "$TANDEMD" "$TANDEMCTL"; do
		if [ ! -x "$b" ]; then
			echo "FAIL: no $(basename "$b") at $b"
			echo "0 passed, 1 failed"
			exit 1
		fi
	done
	T=$(mktemp -d "${TMPDIR:-/tmp}/tandem-cl-${TEST_NAME}.XXXXXX") || exit 2
	trap cl_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	pick_ports "$PORT_BASE" "$n"
	log "tandemd=$TANDEMD tmp=$T ports=$P0..$((P0 + n - 1))${TANDEM_IN_NETNS:+ (private network namespace)}"
}

# cl_cleanup: user agents first (a baresip whose server is gone hangs while
# un-registering), then tandemd and the rest (lib.sh's it_cleanup).
cl_cleanup() {
	local p
	for p in $cl_uas; do bs_stop "$p"; done
	it_cleanup
}
cl_uas=""

# cl_route: the routing script to run, per TANDEM_CLIENTS_ROUTE; fails the
# test loudly when default.route is not there.
cl_route() {
	case ${TANDEM_CLIENTS_ROUTE:-} in
	stub) ROUTE=$T/stub.route ;;
	'') # default.route without its admin API (fixed port: tests run side by side)
		ROUTE=$T/default.route
		sed '/^load "http"/d' "$TANDEM_SRCDIR/routing-scripts/default.route" \
			>"$ROUTE" 2>/dev/null || rm -f "$ROUTE" ;;
	*) ROUTE=$TANDEM_CLIENTS_ROUTE ;;
	esac
	if [ "$ROUTE" != "$T/stub.route" ] && [ ! -r "$ROUTE" ]; then
		echo "FAIL: routing script $ROUTE not found"
		echo "0 passed, 1 failed"
		exit 1
	fi
	STUB=""
	[ "$ROUTE" = "$T/stub.route" ] && STUB=1
	log "routing script: $ROUTE"
}

# stub_route ALICE_URI BOB_URI: writes $T/stub.route (see TANDEM_CLIENTS_ROUTE).
stub_route() {
	sed -e "s|@ALICE@|$1|g" -e "s|@BOB@|$2|g" \
		"${TANDEM_CLIENTS_STUB:-$CL_DIR/stub.route.in}" >"$T/stub.route"
}

# cl_db: a migrated SQLite database $T/tandem.db serving $DOMAIN with the
# users alice and bob (and $WEB_USER when set), provisioned by tandemctl.
cl_db() {
	DB=sqlite:$T/tandem.db
	local u
	{
		"$TANDEMCTL" db migrate --db "$DB" &&
			"$TANDEMCTL" domain add "$DOMAIN" --db "$DB" &&
			"$TANDEMCTL" user add "alice@$DOMAIN" --password "$PW_ALICE" --db "$DB" &&
			"$TANDEMCTL" user add "bob@$DOMAIN" --password "$PW_BOB" --db "$DB" &&
			for u in ${WEB_USER:-}; do
				"$TANDEMCTL" user add "$u@$DOMAIN" --password "$PW_WEB" --db "$DB" || exit 1
			done
	} >"$T/tandemctl.log" 2>&1
}

# bs_config DIR NAME SIP_PORT RTP_FIRST CTRL_PORT ACCOUNT CONTACT: a baresip
# configuration folder. ACCOUNT is the accounts line (AOR, password,
# answermode), CONTACT the one contact (the /message target). baresip also
# listens for TLS on SIP_PORT + 1.
bs_config() {
	local dir=$1 name=$2 sport=$3 rtp=$4 ctrl=$5
	mkdir -p "$dir"
	cat >"$dir/config" <<EOF
# generated by tests/clients/lib.sh
poll_method		epoll
sip_listen		127.0.0.1:$sport
net_interface		127.0.0.1
rtp_ports		$rtp-$((rtp + 9))
audio_source		ausine,440
ausrc_srate		48000
ausrc_channels		2
audio_player		aubridge,$name
audio_alert		aubridge,$name
module_path		$BARESIP_MODULES
module			g711.so
module			ausine.so
module			aubridge.so
module_app		account.so
module_app		contact.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$ctrl
EOF
	printf '%s\n' "$6" >"$dir/accounts"
	printf '%s\n' "$7" >"$dir/contacts"
}

# bs_start DIR: starts baresip on that folder, printing every SIP message
# (-s) to DIR/trace.log. Sets BS_PID.
bs_start() {
	baresip -f "$1" -s </dev/null >"$1/trace.log" 2>&1 &
	BS_PID=$!
	cl_uas="$cl_uas $BS_PID"
}

# bs_stop PID: SIGTERM (baresip un-registers first), a second SIGTERM after
# 5 s (forced stop), SIGKILL after 5 more.
bs_stop() {
	local pid=$1
	cl_uas=$(printf '%s\n' $cl_uas | grep -vx "$pid" | tr '\n' ' ')
	if alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		if ! wait_for 5 eval "! kill -0 $pid 2>/dev/null"; then
			kill -TERM "$pid" 2>/dev/null
			if ! wait_for 5 eval "! kill -0 $pid 2>/dev/null"; then
				log "baresip $pid still runs 10 s after SIGTERM: SIGKILL"
				kill -KILL "$pid" 2>/dev/null
			fi
		fi
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# cl_count OUTPUT_FILE RC WHAT: adds the PASS/FAIL lines of a driver's
# output to the counts (and shows them); a driver that failed (RC != 0)
# without saying why is one more failure.
cl_count() {
	local n f
	cat "$1"
	n=$(grep -c '^PASS: ' "$1")
	it_pass=$((it_pass + n))
	f=$(grep -c '^FAIL: ' "$1")
	it_fail=$((it_fail + f))
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		fail "$3" "exit status $2"
	fi
}

# bs_show DIR: the end of a UA's trace (after a failure).
bs_show() {
	log "end of $1/trace.log:"
	sed 's/\x1b\[[0-9;]*m//g' "$1/trace.log" | grep -v '^\[' | tail -n 40 | sed 's/^/    /'
}
