# tests/node: tandemd as a program: its settings table and documentation,
# its command line and start-up refusals (loopback ports 21900-21909).
TESTS += tests/node/settings_doc.sh tests/node/cli.sh
EXTRA_DIST += tests/node/settings_doc.sh tests/node/cli.sh
