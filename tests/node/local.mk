# tests/node: tandemd as a program: its settings table and documentation,
# its command line and start-up refusals, SIGHUP reloads (loopback ports
# 21900-21929), routing (§16.4, §16.6 step 7).
TESTS += tests/node/settings_doc.sh tests/node/cli.sh tests/node/reload.sh tests/node/routing.sh
EXTRA_DIST += tests/node/settings_doc.sh tests/node/cli.sh tests/node/reload.sh tests/node/routing.sh
