#!/bin/bash
# tests/node/ctl_db.sh again, on a private PostgreSQL server
# (tests/lib/pg.sh): the same provisioning cases, in the other dialect.
# Skipped (77) without the server binaries.
set -u
top=${srcdir:-.}
. "$top/tests/lib/pg.sh"
pg_start
PATH=$PG_BIN:$PATH CTL_DB_URL=$PG_URL bash "$top/tests/node/ctl_db.sh"
