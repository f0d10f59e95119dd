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
# The admin API (module http) with curl, jq and promtool (loopback ports
# 24100-24129).
TESTS += tests/node/http.sh
EXTRA_DIST += tests/node/http.sh
# The core's statistics in /metrics of a running node: exact SIP counts
# after SIPp traffic and garbage, reloads, promtool (loopback ports
# 24160-24189).
TESTS += tests/node/metrics.sh
EXTRA_DIST += tests/node/metrics.sh
# tandemctl's runtime commands (status, reload, stats, reg, log, rpc)
# against a running node's admin API (loopback ports 24130-24159).
TESTS += tests/node/ctl_runtime.sh
EXTRA_DIST += tests/node/ctl_runtime.sh
# Log lines as the log_* settings make them: JSON lines, the Call-ID on a
# module's line during a request, levels set at run time, journald
# prefixes, syslog, refusals (loopback ports 24190-24199).
TESTS += tests/node/logs.sh
EXTRA_DIST += tests/node/logs.sh
