# tests/node: checks of the running node that need no network.
TESTS += tests/node/settings_doc.sh
EXTRA_DIST += tests/node/settings_doc.sh
