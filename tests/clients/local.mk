# tests/clients: real SIP clients through tandemd running
# routing-scripts/default.route on SQLite. baresip.sh: two baresip phones
# register with digest, call each other with RTP, hang up and exchange a
# MESSAGE, over UDP and over TCP. browser.sh: a JsSIP page in headless
# Chromium (puppeteer-core) registers over WebSocket and exchanges MESSAGEs
# with a baresip phone; its npm packages go to tests/clients/npm/ of the
# build folder (npm ci from browser/package-lock.json, on first use). Each
# runs in its own network namespace when it can (root), else on loopback
# ports from 22700 / 22800. Skipped (77) without baresip, node, npm or
# chromium unless TANDEM_REQUIRE_ALL is set. docs/testing-clients.md.
clients_tests = %reldir%/baresip.sh %reldir%/browser.sh
TESTS += $(clients_tests)
EXTRA_DIST += $(clients_tests) %reldir%/lib.sh %reldir%/bsctl.py \
	%reldir%/stub.route.in \
	%reldir%/browser/package.json %reldir%/browser/package-lock.json \
	%reldir%/browser/page.html %reldir%/browser/drive.js
# The npm packages browser.sh installs into the build folder go with
# `make clean` (npm ci puts them back on the next run).
clean-local: clients-clean-npm
clients-clean-npm:
	rm -rf tests/clients/npm
.PHONY: clients-clean-npm
