#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/unit/persist/pg.sh: the registrar write-behind cases of
# persist-tests again on a private PostgreSQL server (tests/lib/pg.sh),
# where upserts go 32 bindings to a statement.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/lib/pg.sh"
pg_start || exit $?
PERSIST_PG_URL=$PG_URL ./tests/unit/persist/persist-tests
rc=$?
pg_stop
exit $rc
