#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/clients/browser.sh: a web client through tandemd. tandemd runs
# routing-scripts/default.route on SQLite with a WebSocket listener; a JsSIP
# page (npm jssip, bundled with esbuild) in Debian's headless Chromium,
# driven by puppeteer-core (browser/drive.js), registers over WebSocket with
# digest as carol; a baresip phone registers over UDP as bob. The page sends
# bob a MESSAGE (200 on the page, received in bob's trace), then bob sends
# carol one (200 in bob's trace, the text shows on the page).
#
# The npm packages (browser/package.json, pinned by browser/package-lock.json)
# are installed with `npm ci` into tests/clients/npm/ of the build folder
# ($TANDEM_NPM_DIR overrides it) when missing or stale; that needs the
# registry, so it happens before the test enters its network namespace.
# Without node, npm, chromium, baresip or the packages the test is skipped
# (77), unless TANDEM_REQUIRE_ALL is set: then it fails. Ports from 22800.
TEST_NAME=clients-browser
PORT_BASE=${PORT_BASE:-22800}
# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
NPM_DIR=${TANDEM_NPM_DIR:-$(pwd)/tests/clients/npm}
BW_SRC=$CL_DIR/browser

# missing REASON: the tools or packages are not there: skip, or fail when
# TANDEM_REQUIRE_ALL is set.
missing() {
	if [ -n "${TANDEM_REQUIRE_ALL:-}" ]; then
		echo "FAIL: $1 (TANDEM_REQUIRE_ALL is set)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "SKIP: $1"
	exit 77
}

# npm_setup: node_modules in $NPM_DIR matching the committed lockfile, and
# the JsSIP bundle $NPM_DIR/jssip.js.
npm_setup() {
	mkdir -p "$NPM_DIR" || missing "cannot create $NPM_DIR"
	if ! cmp -s "$BW_SRC/package-lock.json" "$NPM_DIR/package-lock.json" ||
		[ ! -d "$NPM_DIR/node_modules/puppeteer-core" ] ||
		[ ! -d "$NPM_DIR/node_modules/jssip" ]; then
		[ -n "${TANDEM_IN_NETNS:-}" ] && missing "npm packages not installed in $NPM_DIR"
		echo "installing the npm packages into $NPM_DIR (npm ci)"
		rm -f "$NPM_DIR/package-lock.json" "$NPM_DIR/jssip.js"
		cp "$BW_SRC/package.json" "$BW_SRC/package-lock.json" "$NPM_DIR/" &&
			(cd "$NPM_DIR" && timeout 600 npm ci --no-audit --no-fund \
				--cache "$NPM_DIR/.npm-cache" >npm.log 2>&1)
		local rc=$?
		if [ $rc -ne 0 ]; then
			tail -n 10 "$NPM_DIR/npm.log" 2>/dev/null | sed 's/^/    /'
			rm -f "$NPM_DIR/package-lock.json" # retried next time
			missing "npm ci failed in $NPM_DIR (exit $rc; is the npm registry reachable?)"
		fi
	fi
	if [ ! -s "$NPM_DIR/jssip.js" ] ||
		[ "$NPM_DIR/jssip.js" -ot "$NPM_DIR/package-lock.json" ]; then
		"$NPM_DIR/node_modules/.bin/esbuild" "$NPM_DIR/node_modules/jssip/lib/JsSIP.js" \
			--bundle --format=iife --global-name=JsSIP --target=es2018 \
			--log-level=warning --outfile="$NPM_DIR/jssip.js" >"$NPM_DIR/esbuild.log" 2>&1 ||
			{
				cat "$NPM_DIR/esbuild.log"
				rm -f "$NPM_DIR/jssip.js"
				missing "esbuild could not bundle jssip"
			}
	fi
}

for t in node npm baresip python3 ss; do
	command -v "$t" >/dev/null 2>&1 || missing "$t is not installed (apt-get install $(pkg_of "$t"))"
done
[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] || missing "chromium is not installed (apt-get install chromium)"
npm_setup
cl_netns "$@"
cl_init 40 baresip python3 ss node
cl_route

PX=$P0 PWS=$((P0 + 1)) SB=$((P0 + 2)) CTRL=$((P0 + 6)) HTTP=$((P0 + 20))
WEB_USER=carol
PW_WEB=Wq5-jd3-Pn8
if ! cl_db; then
	fail "provisioning with tandemctl" "$(tail -n 3 "$T/tandemctl.log" | tr '\n' ' ')"
	it_done
fi
pass "provisioning with tandemctl (domain $DOMAIN, users bob and carol)"

[ -n "$STUB" ] && stub_route "sip:127.0.0.1:9" "sip:127.0.0.1:$SB;transport=udp"
if ! start_tandemd tandemd "$ROUTE" --listen "udp:127.0.0.1:$PX" \
	--listen "tcp:127.0.0.1:$PX" --listen "ws:127.0.0.1:$PWS" --set "database=$DB"; then
	fail "tandemd starts with $(basename "$ROUTE") and a WebSocket listener"
	it_done
fi
pass "tandemd starts with $(basename "$ROUTE") and a WebSocket listener"

b=$T/bob
bs_config "$b" bob "$SB" $((P0 + 10)) "$CTRL" \
	"<sip:bob@$DOMAIN:$PX;transport=udp>;auth_pass=$PW_BOB;answermode=auto;regint=300" \
	"\"Carol\" <sip:carol@$DOMAIN:$PX>"
bs_start "$b"
BOB=$BS_PID
dg=--digest
[ -n "$STUB" ] && dg=
timeout -k 5 60 python3 "$CL_DIR/bsctl.py" register web "$CTRL:$b/trace.log" $dg >"$T/reg.out" 2>&1
cl_count "$T/reg.out" $? "web: the baresip driver (register)"

TO_BOB="hello bob from the browser $$"
TO_CAROL="hello carol from baresip $$"
mkdir -p "$T/profile"
CHROMIUM=$CHROMIUM PAGE_DIR=$BW_SRC BUNDLE=$NPM_DIR/jssip.js HTTP_PORT=$HTTP \
	WS_URL=ws://127.0.0.1:$PWS SIP_URI=sip:carol@$DOMAIN SIP_PASSWORD=$PW_WEB \
	SEND_TO=sip:bob@$DOMAIN SEND_TEXT=$TO_BOB RECV_TEXT=$TO_CAROL \
	NO_REGISTER=$STUB PROFILE_DIR=$T/profile CONSOLE_LOG=$T/console.log NODE_PATH=$NPM_DIR/node_modules \
	timeout -k 5 180 node "$BW_SRC/drive.js" >"$T/drive.out" 2>&1 &
DRIVE=$!
it_pids="$it_pids $DRIVE"
# the page has registered and sent its MESSAGE (or given up)
wait_for 120 eval "grep -q '^WAITING: ' '$T/drive.out' || ! kill -0 $DRIVE 2>/dev/null"
if [ -n "$STUB" ]; then # the page did not register: only page -> bob
	wait_exit "$DRIVE" 90
	timeout -k 5 60 python3 "$CL_DIR/bsctl.py" received web "$b/trace.log" "$TO_BOB" >"$T/recv.out" 2>&1
	cl_count "$T/recv.out" $? "web: the baresip driver (received)"
elif grep -q '^WAITING: ' "$T/drive.out"; then
	timeout -k 5 60 python3 "$CL_DIR/bsctl.py" received web "$b/trace.log" "$TO_BOB" >"$T/recv.out" 2>&1
	cl_count "$T/recv.out" $? "web: the baresip driver (received)"
	timeout -k 5 60 python3 "$CL_DIR/bsctl.py" message web "$CTRL:$b/trace.log" "$TO_CAROL" >"$T/msg.out" 2>&1
	cl_count "$T/msg.out" $? "web: the baresip driver (message)"
fi
wait_exit "$DRIVE" 90
grep -v '^WAITING: ' "$T/drive.out" >"$T/drive.res"
cl_count "$T/drive.res" "$EXIT_RC" "browser: the puppeteer driver"
if [ -z "$STUB" ] && grep -q '^PASS: browser: JsSIP registers' "$T/drive.res"; then
	# JsSIP's debug log (the page console) shows the challenge it answered
	if grep -q '^SIP/2.0 401' "$T/console.log" &&
		grep -q '^Authorization: Digest' "$T/console.log"; then
		pass "browser: JsSIP answered a 401 digest challenge"
	else
		fail "browser: JsSIP answered a 401 digest challenge" "no 401 / Authorization in $T/console.log"
	fi
fi
if [ "$it_fail" -gt 0 ]; then
	log "the page's console ($T/console.log):"
	tail -n 30 "$T/console.log" 2>/dev/null | cut -c1-300 | sed 's/^/    /'
	bs_show "$b"
	show_log tandemd
fi

bs_stop "$BOB" # before tandemd: baresip un-registers
stop_tandemd "$TANDEMD_PID"
if [ "$TANDEMD_RC" -eq 0 ]; then
	pass "tandemd stops cleanly"
else
	fail "tandemd stops cleanly" "exit status $TANDEMD_RC"
	show_log tandemd
fi
it_done
