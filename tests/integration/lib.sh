# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/lib.sh: shared helpers of the SIPp integration tests
# (t_*.sh), sourced by each. A test runs a real tandemd between SIPp UACs and
# UASes on 127.0.0.1, in a temporary folder of its own, on ports of its own,
# and stops every process it started (by PID) when it ends, whatever happens.
#
# Environment:
#   TANDEMD          the tandemd binary (default: ./tandemd, the build folder)
#   TANDEM_SRCDIR    the source tree (default: $srcdir, else two levels up)
#   TANDEM_REQUIRE_ALL  when set, a missing tool (sipp, dnsmasq, openssl) is a
#                    failure instead of a skip (exit 77)
#   TANDEM_TEST_KEEP when set, the temporary folder is kept for inspection
#
# A test script: sets TEST_NAME and PORT_BASE, sources this file, calls
# it_init, then for each case runs commands and ends it with `pass NAME` or
# `fail NAME why`; `it_done` prints "N passed, N failed" and exits.

set -u

it_here=$(cd "$(dirname "$0")" && pwd)
TANDEM_SRCDIR=${TANDEM_SRCDIR:-${srcdir:-$it_here/../..}}
TANDEM_SRCDIR=$(cd "$TANDEM_SRCDIR" && pwd)
IT_DIR=$TANDEM_SRCDIR/tests/integration
SIPP_DIR=$IT_DIR/sipp
ROUTE_DIR=$IT_DIR/routes
TANDEMD=${TANDEMD:-./tandemd}
case $TANDEMD in /*) ;; *) TANDEMD=$(pwd)/$TANDEMD ;; esac
LOCAL=127.0.0.1
PATH=$PATH:/usr/sbin:/sbin # dnsmasq lives there

it_pass=0
it_fail=0
it_pids=""          # every background process we started, stopped on exit
it_tandemds=""      # the tandemd ones among them (stopped first, gracefully)
T=""                # the test's temporary folder

log() { printf '%s: %s\n' "${TEST_NAME:-test}" "$*"; }

# pass NAME / fail NAME WHY: the outcome of one case.
pass() { it_pass=$((it_pass + 1)); echo "PASS: $1"; }
fail() {
	it_fail=$((it_fail + 1))
	echo "FAIL: $1${2:+ ($2)}"
}

# need TOOL...: skip the whole script (77) when a tool is missing, unless
# TANDEM_REQUIRE_ALL is set (then it is a failure, exit 1).
need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 && continue
		if [ -n "${TANDEM_REQUIRE_ALL:-}" ]; then
			echo "FAIL: $t is not installed (TANDEM_REQUIRE_ALL is set)"
			echo "0 passed, 1 failed"
			exit 1
		fi
		echo "SKIP: $t is not installed (apt-get install $(pkg_of "$t"))"
		exit 77
	done
}
pkg_of() {
	case $1 in
	sipp) echo sip-tester ;;
	dnsmasq) echo dnsmasq-base ;;
	*) echo "$1" ;;
	esac
}

# it_init: checks tools, makes the temporary folder, picks the ports.
it_init() {
	need sipp ss
	if [ ! -x "$TANDEMD" ]; then
		echo "FAIL: no tandemd at $TANDEMD"
		echo "0 passed, 1 failed"
		exit 1
	fi
	T=$(mktemp -d "${TMPDIR:-/tmp}/tandem-it-${TEST_NAME}.XXXXXX") || exit 2
	trap it_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	pick_ports "$PORT_BASE" 40
	log "tandemd=$TANDEMD tmp=$T ports=$P0..$((P0 + 39))"
}

it_cleanup() {
	local p
	for p in $it_tandemds; do stop_tandemd "$p"; done
	for p in $it_pids; do stop_pid "$p"; done
	if [ -n "${TANDEM_TEST_KEEP:-}" ]; then
		log "kept $T"
	elif [ -n "$T" ]; then
		rm -rf "$T"
	fi
}

# it_done: the summary line; exit status 0 only when no case failed.
it_done() {
	echo "$it_pass passed, $it_fail failed"
	[ "$it_fail" -eq 0 ] && exit 0
	exit 1
}

# port_free PORT: no UDP or TCP socket (any state, any address) uses PORT.
port_free() {
	[ -z "$(ss -Huan "sport = :$1" 2>/dev/null)" ] &&
		[ -z "$(ss -Htan "sport = :$1" 2>/dev/null)" ]
}

# pick_ports BASE N: sets P0 to the first of N consecutive free ports, trying
# BASE, BASE+1000, ... (each test script has its own BASE, so scripts run in
# parallel by make -j do not collide). Tests use P0+i for their sockets.
pick_ports() {
	local base=$1 n=$2 try i ok
	for try in 0 1 2 3 4 5 6 7 8 9; do
		P0=$((base + try * 1000))
		ok=1
		for i in $(seq 0 $((n - 1))); do
			port_free $((P0 + i)) || { ok=0; break; }
		done
		[ "$ok" -eq 1 ] && return 0
	done
	echo "FAIL: no $n free ports from $base"
	exit 1
}

# wait_for TIMEOUT_S COMMAND...: polls COMMAND every 0.1 s until it
# succeeds (0) or TIMEOUT_S seconds pass (1).
wait_for() {
	local limit=$(($1 * 10)) i=0
	shift
	while [ "$i" -lt "$limit" ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

alive() { kill -0 "$1" 2>/dev/null; }

# stop_pid PID: SIGTERM, then SIGKILL if it is still there after 5 s.
stop_pid() {
	local pid=$1
	# forget it first: a PID that ended may be reused by someone else
	it_pids=$(printf '%s\n' $it_pids | grep -vx "$pid" | tr '\n' ' ')
	alive "$pid" || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM "$pid" 2>/dev/null
	if ! wait_for 5 eval "! kill -0 $pid 2>/dev/null"; then
		log "pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) ignored SIGTERM for 5 s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# stop_tandemd [PID]: SIGTERM (graceful: tandemd waits for transactions in
# flight, lingering ones included), a second SIGTERM after 3 s (stop now),
# SIGKILL after 10 more. Sets TANDEMD_RC to its exit status (137 if killed).
stop_tandemd() {
	local pid=${1:-$TANDEMD_PID}
	TANDEMD_RC=0
	if alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		if ! wait_for 3 eval "! kill -0 $pid 2>/dev/null"; then
			kill -TERM "$pid" 2>/dev/null
			if ! wait_for 10 eval "! kill -0 $pid 2>/dev/null"; then
				log "tandemd $pid still runs 13 s after SIGTERM: SIGKILL"
				kill -KILL "$pid" 2>/dev/null
			fi
		fi
	fi
	wait "$pid" 2>/dev/null
	TANDEMD_RC=$?
	it_pids=$(printf '%s\n' $it_pids | grep -vx "$pid" | tr '\n' ' ')
	it_tandemds=$(printf '%s\n' $it_tandemds | grep -vx "$pid" | tr '\n' ' ')
	return 0
}

# wait_exit PID TIMEOUT_S: waits (bounded) for a background process to end by
# itself; sets EXIT_RC to its status (or 124 if it had to be stopped).
wait_exit() {
	local pid=$1
	if wait_for "$2" eval "! kill -0 $pid 2>/dev/null"; then
		wait "$pid"
		EXIT_RC=$?
	else
		stop_pid "$pid"
		EXIT_RC=124
	fi
	it_pids=$(printf '%s\n' $it_pids | grep -vx "$pid" | tr '\n' ' ')
}

listening() { # listening udp|tcp PORT
	if [ "$1" = udp ]; then
		[ -n "$(ss -Hlun "sport = :$2" 2>/dev/null)" ]
	else
		[ -n "$(ss -Hltn "sport = :$2" 2>/dev/null)" ]
	fi
}

# route_script NAME UAS1_URI [UAS2_URI]: writes $T/NAME.route from
# routes/proxy.route.in with the URIs filled in; prints its path.
route_script() {
	local out=$T/$1.route
	sed -e "s|@UAS1@|$2|g" -e "s|@UAS2@|${3:-sip:nobody@127.0.0.1:9}|g" \
		"$ROUTE_DIR/proxy.route.in" >"$out"
	echo "$out"
}

# start_tandemd NAME SCRIPT ARG...: starts tandemd (logs in $T/NAME.log),
# waits up to 15 s for its "msg=ready" (or msg="ready") line. Sets TANDEMD_PID. Returns 1 when
# it exits or does not become ready (and shows the log's end).
start_tandemd() {
	local name=$1 script=$2
	shift 2
	"$TANDEMD" -f "$script" "$@" >"$T/$name.log" 2>&1 &
	TANDEMD_PID=$!
	it_pids="$it_pids $TANDEMD_PID"
	it_tandemds="$it_tandemds $TANDEMD_PID"
	if wait_for 15 ready_or_dead "$T/$name.log" "$TANDEMD_PID" &&
		alive "$TANDEMD_PID"; then
		return 0
	fi
	log "tandemd $name did not become ready; end of its log:"
	tail -n 20 "$T/$name.log" | sed 's/^/    /'
	stop_pid "$TANDEMD_PID"
	return 1
}
ready_or_dead() { grep -Eq 'msg="?ready\b' "$1" 2>/dev/null || ! alive "$2"; }

# sipp_common: arguments every SIPp run gets.
sipp_common() {
	printf '%s\n' -i "$LOCAL" -nostdin -trace_err -trace_stat -fd 1 \
		-max_log_size 2000000
}
sipp_tp() { # SIPp transport option and Contact transport keyword for udp|tcp
	case $1 in
	tcp) printf '%s\n' -t t1 -key tp tcp ;;
	*) printf '%s\n' -t u1 -key tp udp ;;
	esac
}

# start_uas NAME SCENARIO PROTO PORT CALLS [SIPP-ARG...]: a SIPp UAS in the
# background (folder $T/NAME) that exits after CALLS calls; waits until it
# listens. Sets UAS_PID (also remembered as UAS_PID_NAME).
start_uas() {
	local name=$1 sf=$2 proto=$3 port=$4 calls=$5 dir=$T/$1
	shift 5
	mkdir -p "$dir"
	# shellcheck disable=SC2046
	(cd "$dir" && exec sipp -sf "$SIPP_DIR/$sf" -p "$port" -m "$calls" \
		$(sipp_common) $(sipp_tp "$proto") -stf stat.csv "$@" \
		>sipp.out 2>&1) &
	UAS_PID=$!
	it_pids="$it_pids $UAS_PID"
	eval "UAS_PID_${name//[^A-Za-z0-9_]/_}=$UAS_PID"
	if ! wait_for 10 listening "$proto" "$port"; then
		log "SIPp UAS $name did not listen on $proto $port"
		tail -n 5 "$dir/sipp.out" | sed 's/^/    /'
		return 1
	fi
	return 0
}

# run_uac NAME SCENARIO PROTO TARGET_PORT PORT CALLS [SIPP-ARG...]: a SIPp
# UAC in the foreground (bounded by -timeout 30 s, plus a hard limit), folder
# $T/NAME. Sets UAC_RC; stat_* read the results.
run_uac() {
	local name=$1 sf=$2 proto=$3 target=$4 port=$5 calls=$6 dir=$T/$1
	shift 6
	mkdir -p "$dir"
	# shellcheck disable=SC2046
	(cd "$dir" && exec timeout -k 5 "${UAC_LIMIT:-60}" sipp "$LOCAL:$target" \
		-sf "$SIPP_DIR/$sf" -p "$port" -m "$calls" $(sipp_common) \
		$(sipp_tp "$proto") -stf stat.csv -timeout "${UAC_TIMEOUT:-30}s" \
		-timeout_error "$@" >sipp.out 2>&1)
	UAC_RC=$?
}

# stat NAME FIELD: FIELD (a column of SIPp's -trace_stat CSV, e.g.
# SuccessfulCall(C)) from the last row SIPp wrote for $T/NAME.
stat() {
	awk -F';' -v f="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		{ v = $h[f] } END { print (v == "" ? -1 : v) + 0 }' \
		"$T/$1/stat.csv" 2>/dev/null || echo -1
}

# unexpected NAME: the number of "unexpected message" errors SIPp logged.
unexpected() {
	cat "$T/$1"/*_errors.log 2>/dev/null | grep -ci 'unexpected'
}

# check_sipp NAME RC CALLS: SIPp exited RC=0 with CALLS successful calls, no
# failed call and no unexpected message. Prints why not and returns 1.
check_sipp() {
	local name=$1 rc=$2 calls=$3 ok fl un
	ok=$(stat "$name" 'SuccessfulCall(C)')
	fl=$(stat "$name" 'FailedCall(C)')
	un=$(unexpected "$name")
	if [ "$rc" -eq 0 ] && [ "$ok" -eq "$calls" ] && [ "$fl" -eq 0 ] &&
		[ "$un" -eq 0 ]; then
		return 0
	fi
	WHY="$name: exit=$rc successful=$ok/$calls failed=$fl unexpected=$un"
	show_errors "$name"
	return 1
}

show_errors() {
	local f
	for f in "$T/$1"/*_errors.log; do
		[ -s "$f" ] || continue
		log "$1: from $(basename "$f"):"
		# SIPp runs its entries together: show the aborted calls, cut short
		grep -aoE "Abort[^']{0,120}'[^']{0,200}" "$f" | head -n 5 | tr '\r\n' '  ' |
			sed 's/Abort/\n    Abort/g'
		echo
		grep -q Abort "$f" || tail -c 600 "$f" | sed 's/^/    /'
	done
	[ -s "$T/$1/sipp.out" ] && tail -n 3 "$T/$1/sipp.out" | sed 's/^/    /'
	return 0
}

# uas_done NAME CALLS: waits (10 s) for the UAS started as NAME to exit after
# its CALLS calls and checks its results like check_sipp.
uas_done() {
	local pid
	eval "pid=\$UAS_PID_${1//[^A-Za-z0-9_]/_}"
	wait_exit "$pid" "${UAS_WAIT:-10}"
	check_sipp "$1" "$EXIT_RC" "$2"
}

# show_log NAME: the end of tandemd's log NAME (after a failed case).
show_log() {
	[ -f "$T/$1.log" ] || return 0
	log "end of $1.log:"
	tail -n 15 "$T/$1.log" | sed 's/^/    /'
}

# udp_raw PORT FILE: sends FILE (a whole message, LF line ends turned into
# CRLF; @LPORT@ becomes our own port, @PORT@ the target's) as one datagram
# to 127.0.0.1:PORT from a fresh socket, and prints the first line of the
# first response within 3 s (nothing when none came). Uses bash's /dev/udp;
# ss tells which local port the socket got.
udp_raw() {
	local port=$1 file=$2 lport me
	(
		me=$BASHPID # (in a child, $BASHPID is the child's)
		exec 3<>"/dev/udp/$LOCAL/$port" || exit 1
		lport=$(ss -Hunp "dst $LOCAL:$port" 2>/dev/null |
			grep "pid=$me," | awk '{ n = split($4, a, ":"); print a[n] }' |
			head -n 1)
		[ -n "$lport" ] || exit 1
		sed -e "s/@LPORT@/$lport/g" -e "s/@PORT@/$port/g" -e 's/$/\r/' \
			"$file" >"$T/raw.$me"
		cat "$T/raw.$me" >&3 # one write(): one datagram
		timeout 3 dd bs=65535 count=1 <&3 2>/dev/null | head -n 1 | tr -d '\r'
	)
}

# make_certs: a test CA and a server certificate for 127.0.0.1 / localhost in
# $T (ca.pem, cert.pem, key.pem), made with the openssl CLI.
# Returns 2 when there is no openssl (the caller skips its TLS cases).
make_certs() {
	command -v openssl >/dev/null 2>&1 || return 2
	(
		cd "$T" || exit 1
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=tandem-test-ca \
			-keyout ca-key.pem -out ca.pem &&
			openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
				-keyout key.pem -out cert.csr &&
			printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n' >ext.cnf &&
			openssl x509 -req -in cert.csr -CA ca.pem -CAkey ca-key.pem \
				-CAcreateserial -days 2 -extfile ext.cnf -out cert.pem
	) >"$T/openssl.log" 2>&1
}

# tls_request PORT FILE: sends FILE (as udp_raw) over a TLS connection to
# 127.0.0.1:PORT, verifying the server against $T/ca.pem; prints the first
# response line (waits at most 5 s for it).
tls_request() {
	local port=$1 file=$2 out=$T/tls.$$.$RANDOM pid
	sed -e "s/@LPORT@/5061/g" -e "s/@PORT@/$port/g" -e 's/$/\r/' "$file" \
		>"$out.in"
	openssl s_client -connect "$LOCAL:$port" -CAfile "$T/ca.pem" \
		-verify_return_error -quiet <"$out.in" >"$out" 2>"$out.err" &
	pid=$!
	wait_for 5 grep -q '^SIP/2.0 ' "$out"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	grep -m 1 '^SIP/2.0 ' "$out" | tr -d '\r'
}
