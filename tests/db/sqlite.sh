#!/bin/sh
# The driver conformance checklist (tests/db/conformance.c) on SQLite: a
# new database file in a temporary folder, and a private in-memory one.
# Also: a file in a folder that does not exist is refused clearly.
set -u
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
prog=./tests/db/conformance
rc=0
echo "== sqlite:$tmp/conf.db"
$prog "sqlite:$tmp/conf.db" || rc=1
echo "== sqlite::memory:"
$prog "sqlite::memory:" || rc=1
echo "== sqlite:$tmp/missing/conf.db"
out=$($prog "sqlite:$tmp/missing/conf.db" 2>&1)
case $out in
*"does not exist"*) echo "PASS: a missing folder is named" ;;
*) echo "FAIL: a missing folder: $out"; rc=1 ;;
esac
exit $rc
