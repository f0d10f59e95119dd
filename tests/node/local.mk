# tests/node: tandemd as a program: its settings table and documentation,
# its command line and start-up refusals, SIGHUP reloads (loopback ports
# 21900-21919).
TESTS += tests/node/settings_doc.sh tests/node/cli.sh tests/node/reload.sh
EXTRA_DIST += tests/node/settings_doc.sh tests/node/cli.sh tests/node/reload.sh
