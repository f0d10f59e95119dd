#!/bin/sh
# The SQLite migrations of db-schema/sqlite apply in order to an empty
# file, and their constraints and change-log triggers behave as
# docs/schema.md says: every insert, update and delete of a provisioning
# table (cascades included) is logged; domains are unique without case;
# a subscriber needs a known domain; HA1 columns have their lengths.
set -u
top=${srcdir:-.}
command -v sqlite3 >/dev/null 2>&1 || {
	[ -n "${TANDEM_REQUIRE_ALL:-}" ] && { echo "sqlite3 missing"; exit 1; }
	echo "sqlite3 missing: skipped"; exit 77
}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
db=$tmp/t.db
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }
sql() { sqlite3 -bail "$db" "PRAGMA foreign_keys=ON; $1" 2>&1; }

applied=0
for f in "$top"/db-schema/sqlite/[0-9]*.sql; do
	if sqlite3 -bail "$db" <"$f" >"$tmp/err" 2>&1; then
		applied=$((applied + 1))
	else
		ko "apply $(basename "$f"): $(head -c 300 "$tmp/err")"
	fi
done
[ "$applied" -ge 1 ] && ok "$applied migration(s) apply to an empty file"

h32=$(printf '%032d' 0) h64=$(printf '%064d' 0)
sub="INSERT INTO subscriber (username, domain, ha1, ha1_sha256, ha1_sha512t256)"
out=$(sql "INSERT INTO domain (domain) VALUES ('example.org');
	$sub VALUES ('alice', 'example.org', '$h32', '$h64', '$h64');
	INSERT INTO alias (alias_username, alias_domain, username, domain)
	VALUES ('+15551234', 'example.org', 'alice', 'example.org');
	INSERT INTO address (ip_addr, mask, tag) VALUES ('192.0.2.0', 24, 'pbx');
	UPDATE subscriber SET enabled = 0 WHERE username = 'alice';
	DELETE FROM subscriber WHERE username = 'alice';
	SELECT group_concat(tbl || ':' || op, ' ') FROM
	  (SELECT tbl, op FROM change_log ORDER BY id);")
want="domain:insert subscriber:insert alias:insert address:insert subscriber:update alias:delete subscriber:delete"
[ "$out" = "$want" ] && ok "change log: every change in order, cascades included" ||
	ko "change log: got '$out'"

sql "INSERT INTO domain (domain) VALUES ('EXAMPLE.org')" | grep -q 'UNIQUE constraint' &&
	ok "domains are unique without case" || ko "domain case"
sql "$sub VALUES ('bob', 'nowhere.org', '$h32', '$h64', '$h64')" | grep -q 'FOREIGN KEY' &&
	ok "a subscriber needs a known domain" || ko "subscriber domain"
sql "$sub VALUES ('bob', 'example.org', 'short', '$h64', '$h64')" | grep -q 'CHECK constraint' &&
	ok "HA1 lengths are checked" || ko "HA1 length"
sql "$sub VALUES ('bob', 'example.org', '$h32', '$h64', '$h64');
     $sub VALUES ('bob', 'example.org', '$h32', '$h64', '$h64')" | grep -q 'UNIQUE constraint' &&
	ok "one subscriber per login and domain" || ko "duplicate subscriber"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
