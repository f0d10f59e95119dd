# tests/node: tandemd as a program: its settings table and documentation,
# its command line and start-up refusals, SIGHUP reloads (loopback ports
# 21900-21929), routing (§16.4, §16.6 step 7); tandemctl's provisioning
# commands on SQLite and on a private PostgreSQL (ctl_db*.sh).
TESTS += tests/node/settings_doc.sh tests/node/cli.sh tests/node/reload.sh tests/node/routing.sh
TESTS += tests/node/ctl_db.sh tests/node/ctl_db_pg.sh
EXTRA_DIST += tests/node/settings_doc.sh tests/node/cli.sh tests/node/reload.sh tests/node/routing.sh
EXTRA_DIST += tests/node/ctl_db.sh tests/node/ctl_db_pg.sh
# The provisioning snapshot through a routing script, SQLite and
# PostgreSQL (loopback ports 21940-21949).
TESTS += tests/node/snapshot.sh
EXTRA_DIST += tests/node/snapshot.sh
