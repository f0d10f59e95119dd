#!/bin/bash
# tandemctl's provisioning commands end to end (db, domain, user, alias,
# address): every command, every refusal with its exit status and
# message, nothing changed after a refused command, the stored HA1s equal
# to ones computed independently, --json that parses.
# The database is $CTL_DB_URL (default: a temporary SQLite file; it must
# be empty); tests/node/ctl_db_pg.sh runs the same cases on PostgreSQL.
set -u
ctl=${TANDEMCTL:-./tandemctl}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
url=${CTL_DB_URL:-sqlite:$tmp/ctl.db}
export TANDEM_DB=$url
case $url in
postgres*) dialect=postgres ;;
*) dialect=sqlite ;;
esac
pass=0 fail=0
ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }

# sql QUERY: runs QUERY on the test database, prints the rows (|-separated).
sql() {
	if [ "$dialect" = postgres ]; then
		PGCONNECT_TIMEOUT=5 psql -X -q -At -v ON_ERROR_STOP=1 -d "$url" -c "$1"
	else
		python3 - "${url#sqlite:}" "$1" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for r in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in r))
c.commit()
PY
	fi
}

# snapshot: everything the commands can change, to compare before/after.
snapshot() {
	for what in "domain list" "user list" "alias list" "address list"; do
		$ctl $what --json 2>&1
	done
	sql "SELECT count(*) FROM change_log" 2>&1
	sql "SELECT username, ha1, ha1_sha256, ha1_sha512t256 FROM subscriber ORDER BY username" 2>&1
}

# expect NAME STATUS REGEX CMD...: exit status and a line of the output.
expect() {
	local name=$1 want=$2 re=$3 got
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ] && grep -Eq -- "$re" "$tmp/err" "$tmp/out"; then
		ok "$name"
	else
		ko "$name (exit $got, wanted $want; output: $(head -c 400 "$tmp/out" "$tmp/err"))"
	fi
}

# refused NAME STATUS REGEX CMD...: as expect, and the database is as before.
refused() {
	local name=$1
	snapshot >"$tmp/before"
	expect "$@"
	snapshot >"$tmp/after"
	if cmp -s "$tmp/before" "$tmp/after"; then
		ok "$name: nothing changed"
	else
		ko "$name: the database changed: $(diff "$tmp/before" "$tmp/after" | head -5)"
	fi
}

# json NAME CMD...: exit 0 and the output parses as JSON; kept in $tmp/json.
json() {
	local name=$1
	shift
	if "$@" >"$tmp/json" 2>"$tmp/err" && python3 -m json.tool "$tmp/json" >/dev/null; then
		ok "$name"
	else
		ko "$name (not JSON: $(head -c 300 "$tmp/json" "$tmp/err"))"
	fi
}

# jcheck NAME PYEXPR: a Python expression over j (the last JSON) is true.
jcheck() {
	if python3 -c "import json,sys; j=json.load(open('$tmp/json')); sys.exit(0 if ($2) else 1)"; then
		ok "$1"
	else
		ko "$1 (got $(head -c 300 "$tmp/json"))"
	fi
}

# same NAME GOT WANT
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else ko "$1 (got '$2', wanted '$3')"; fi
}

hex() { printf '%s' "$1" | "$2" | cut -d' ' -f1; }
# ha1_ok NAME LOGIN DOMAIN PASSWORD: the three stored HA1s are the digests.
ha1_ok() {
	local got want
	got=$(sql "SELECT ha1 || ' ' || ha1_sha256 FROM subscriber WHERE username = '$2' AND domain = '$3'")
	want="$(hex "$2:$3:$4" md5sum) $(hex "$2:$3:$4" sha256sum)"
	same "$1: MD5 and SHA-256 HA1s" "$got" "$want"
	got=$(sql "SELECT ha1_sha512t256 FROM subscriber WHERE username = '$2' AND domain = '$3'")
	want=$(printf '%s' "$2:$3:$4" | python3 -c 'import hashlib,sys; print(hashlib.new("sha512_256", sys.stdin.buffer.read()).hexdigest())' 2>/dev/null)
	if [ -n "$want" ]; then
		same "$1: SHA-512/256 HA1" "$got" "$want"
	else # hashlib without sha512_256: the length at least
		same "$1: SHA-512/256 HA1 length" "${#got}" 64
	fi
}

# ---- the schema ---------------------------------------------------------------
expect "db status on an empty database: behind" 1 "^missing  0001_provisioning.sql" \
	$ctl db status
json "db status --json on an empty database" sh -c "$ctl db status --json; true"
jcheck "db status --json: not up to date" 'j["up_to_date"] is False and j["current"] == 0 and j["missing"][0]["name"] == "0001_provisioning.sql"'
expect "a command on an old schema is refused" 1 "schema is behind.*tandemctl db migrate" \
	$ctl domain add example.org
expect "db migrate" 0 "^applied 0001_provisioning.sql" $ctl db migrate
expect "db migrate again: up to date" 0 "up to date \(version 1\)" $ctl db migrate
expect "db status: up to date" 0 "^applied  0001_provisioning.sql  [0-9]{4}-" $ctl db status
json "db status --json" $ctl db status --json
jcheck "db status --json: up to date" 'j["up_to_date"] and j["current"] == j["target"] == 1 and not j["missing"] and j["dialect"] == "'$dialect'"'

# ---- domains ------------------------------------------------------------------
expect "domain add (stored in lower case)" 0 "added domain example.org" \
	$ctl domain add Example.ORG
expect "domain add a second" 0 "added domain other.net" $ctl domain add other.net
refused "domain add duplicate" 1 "domain example.org already exists" \
	$ctl domain add example.org
refused "domain add duplicate, other case" 1 "already exists" $ctl domain add EXAMPLE.org
for d in bad_domain -x.org a..b x.org. "exa mple.org" ""; do
	refused "domain add invalid '$d'" 1 "invalid domain" $ctl domain add -- "$d"
done
expect "domain add [IPv6]" 0 "added domain \[::1\]" $ctl domain add "[::1]"
expect "domain add IPv4" 0 "added domain 192.0.2.1" $ctl domain add 192.0.2.1
expect "domain list: header" 0 "^DOMAIN +USERS +CREATED$" $ctl domain list
expect "domain list: row" 0 "^example.org +0 +[0-9]{4}-[0-9]{2}-[0-9]{2}T" $ctl domain list
json "domain list --json" $ctl domain list --json
jcheck "domain list --json: content" '[d["domain"] for d in j] == ["192.0.2.1", "[::1]", "example.org", "other.net"] and j[2]["users"] == 0'

# ---- users --------------------------------------------------------------------
expect "user add --password" 0 "added user alice@example.org" \
	$ctl user add alice@example.org --password 'Wonder-land7' --display 'Alice Liddell'
ha1_ok "user add alice" alice example.org 'Wonder-land7'
if printf 'B0b-secret!\n' | $ctl user add bob@example.org --password-stdin >"$tmp/out" 2>&1; then
	ok "user add --password-stdin"
else
	ko "user add --password-stdin: $(cat "$tmp/out")"
fi
ha1_ok "user add --password-stdin (newline stripped)" bob example.org 'B0b-secret!'
grep -q 'B0b-secret' "$tmp/out" && ko "the password is printed" || ok "the password is not printed"
expect "user add telephone-number login" 0 "added user \+4930123@example.org" \
	$ctl user add +4930123@example.org --password 'Tel-phone-42'
expect "user add: domain case folded" 0 "added user carol@other.net" \
	$ctl user add carol@OTHER.net --password 'Car0l-pass'
ha1_ok "user add carol: realm lower case" carol other.net 'Car0l-pass'
refused "user add duplicate" 1 "user alice@example.org already exists" \
	$ctl user add alice@example.org --password 'Another-one9'
refused "user add unknown domain" 1 "unknown domain nowhere.org" \
	$ctl user add dave@nowhere.org --password 'Tr0ub4dor&3'
refused "user add invalid domain" 1 "invalid domain" \
	$ctl user add dave@bad_domain --password 'Tr0ub4dor&3'
for l in "da ve" "al/ice" ".dave" "-dave" "dåve" "" \
	"a1234567890123456789012345678901234567890123456789012345678901234"; do
	refused "user add invalid login '$l'" 1 "invalid login" \
		$ctl user add --password 'Tr0ub4dor&3' -- "$l@example.org"
done
refused "user add without @" 1 "is not LOGIN@DOMAIN" $ctl user add dave --password 'Tr0ub4dor&3'
refused "user add short password" 1 "weak password: it must have 8" \
	$ctl user add dave@example.org --password 'Ab1-x'
refused "user add common password" 1 "weak password: it is one of the most common" \
	$ctl user add dave@example.org --password 'Password123'
refused "user add digits-only password" 1 "weak password: it must not be digits only" \
	$ctl user add dave@example.org --password '20242025'
refused "user add one-character password" 1 "weak password: it must not repeat" \
	$ctl user add dave@example.org --password 'zzzzzzzzzz'
refused "user add password containing the login" 1 "weak password: it must not contain the login" \
	$ctl user add dave@example.org --password 'my-DAVE-99'
refused "user add empty password" 1 "the password is empty" \
	$ctl user add dave@example.org --password ''
refused "user add --password-stdin, empty line" 1 "the password is empty" \
	sh -c "printf '\n' | $ctl user add dave@example.org --password-stdin"
refused "user add --password-stdin, no input" 1 "no password on standard input" \
	$ctl user add dave@example.org --password-stdin
refused "user add without a password" 2 "either --password P or --password-stdin" \
	$ctl user add dave@example.org
refused "user add with both passwords" 2 "either --password P or --password-stdin" \
	$ctl user add dave@example.org --password 'Tr0ub4dor&3' --password-stdin
refused "user add display name with a control character" 1 "control character" \
	$ctl user add dave@example.org --password 'Tr0ub4dor&3' --display "$(printf 'a\tb')"
grep -q 'Tr0ub4dor&3' "$tmp/out" "$tmp/err" && ko "a refused password is printed" || ok "a refused password is not printed"

expect "user passwd" 0 "changed the password of alice@example.org" \
	$ctl user passwd alice@example.org --password 'Looking-glass8'
ha1_ok "user passwd" alice example.org 'Looking-glass8'
if printf 'Looking-glass9\r\n' | $ctl user passwd alice@example.org --password-stdin >/dev/null 2>&1; then
	ok "user passwd --password-stdin (CRLF)"
else
	ko "user passwd --password-stdin (CRLF)"
fi
ha1_ok "user passwd --password-stdin" alice example.org 'Looking-glass9'
refused "user passwd unknown user" 1 "no user zed@example.org" \
	$ctl user passwd zed@example.org --password 'Tr0ub4dor&3'
refused "user passwd weak password" 1 "weak password" \
	$ctl user passwd alice@example.org --password 'alice1234'

expect "user show: login" 0 "^login +alice$" $ctl user show alice@example.org
expect "user show: display name" 0 "^display name +Alice Liddell$" $ctl user show alice@example.org
expect "user show: enabled" 0 "^enabled +yes$" $ctl user show alice@example.org
expect "user show: created" 0 "^created +[0-9]{4}-" $ctl user show alice@example.org
if $ctl user show alice@example.org --json | grep -Eqi 'ha1|[0-9a-f]{32}'; then
	ko "user show prints an HA1"
else
	ok "user show prints no HA1"
fi
json "user show --json" $ctl user show alice@example.org --json
jcheck "user show --json: content" 'j["login"] == "alice" and j["domain"] == "example.org" and j["enabled"] is True and j["aliases"] == [] and not any("ha1" in k for k in j)'
expect "user show unknown" 1 "no user zed@example.org" $ctl user show zed@example.org
expect "user list: header" 0 "^LOGIN +DOMAIN +DISPLAY NAME +ENABLED +CREATED +MODIFIED$" $ctl user list
expect "user list: row" 0 "^alice +example.org +Alice Liddell +yes +" $ctl user list
json "user list --json" $ctl user list --json
jcheck "user list --json: every user" 'sorted(u["login"] + "@" + u["domain"] for u in j) == ["+4930123@example.org", "alice@example.org", "bob@example.org", "carol@other.net"]'
json "user list --domain --json" $ctl user list --domain other.net --json
jcheck "user list --domain: only that domain" '[u["login"] for u in j] == ["carol"]'
expect "user list --domain unknown" 1 "no domain nowhere.org" $ctl user list --domain nowhere.org

expect "user disable" 0 "disabled user bob@example.org" $ctl user disable bob@example.org
expect "user disable: shown" 0 "^enabled +no$" $ctl user show bob@example.org
same "user disable: stored" "$(sql "SELECT CASE WHEN enabled THEN 1 ELSE 0 END FROM subscriber WHERE username = 'bob'")" 0
expect "user enable" 0 "enabled user bob@example.org" $ctl user enable bob@example.org
expect "user enable: shown" 0 "^enabled +yes$" $ctl user show bob@example.org
refused "user disable unknown" 1 "no user zed@example.org" $ctl user disable zed@example.org
refused "user enable unknown" 1 "no user zed@example.org" $ctl user enable zed@example.org

# ---- aliases ------------------------------------------------------------------
expect "alias add number" 0 "added alias \+4930555@example.org of alice@example.org" \
	$ctl alias add +4930555 alice@example.org
expect "alias add sip URI" 0 "added alias al@example.org of alice@example.org" \
	$ctl alias add sip:al@Example.org alice@example.org
expect "alias add tel URI" 0 "added alias \+4930999@example.org of bob@example.org" \
	$ctl alias add tel:+49-30-999 bob@example.org
expect "alias add in another served domain" 0 "added alias alice@other.net" \
	$ctl alias add alice@other.net alice@example.org
refused "alias add duplicate" 1 "alias al@example.org already exists" \
	$ctl alias add al@example.org bob@example.org
refused "alias add to an unknown user" 1 "no user zed@example.org" \
	$ctl alias add +4930777 zed@example.org
refused "alias add in an unknown domain" 1 "unknown domain nowhere.org" \
	$ctl alias add al@nowhere.org alice@example.org
refused "alias add shadowing a user" 1 "bob@example.org is a user" \
	$ctl alias add sip:bob@example.org alice@example.org
refused "alias add invalid" 1 "invalid login" $ctl alias add 'a b' alice@example.org
refused "alias add invalid tel" 1 "invalid telephone number" $ctl alias add tel:+49x1 alice@example.org
refused "user add over an alias" 1 "al@example.org already exists as an alias" \
	$ctl user add al@example.org --password 'Al-pass-123'
expect "alias list: header" 0 "^ALIAS +USER +CREATED$" $ctl alias list
expect "alias list: row" 0 "^al@example.org +alice@example.org +[0-9]{4}-" $ctl alias list
json "alias list --json" $ctl alias list --json
jcheck "alias list --json: every alias" 'len(j) == 4'
json "alias list LOGIN@DOMAIN --json" $ctl alias list bob@example.org --json
jcheck "alias list LOGIN@DOMAIN: that user's" '[a["alias"] for a in j] == ["+4930999@example.org"] and j[0]["user"] == "bob@example.org"'
expect "alias list of an unknown user" 1 "no user zed@example.org" $ctl alias list zed@example.org
expect "user show: aliases" 0 "^aliases +\+4930555@example.org, al@example.org, alice@other.net$" \
	$ctl user show alice@example.org
json "user show --json with aliases" $ctl user show alice@example.org --json
jcheck "user show --json: aliases" 'j["aliases"] == ["+4930555@example.org", "al@example.org", "alice@other.net"]'
expect "alias add the same number in another domain" 0 "added alias \+4930555@other.net" \
	$ctl alias add +4930555 carol@other.net
refused "alias rm of a number in two domains" 1 "alias in 2 domains" $ctl alias rm +4930555
expect "alias rm NUMBER@DOMAIN" 0 "removed alias \+4930555@other.net" $ctl alias rm +4930555@other.net
expect "alias rm bare number" 0 "removed alias \+4930999@example.org" $ctl alias rm +4930999
refused "alias rm unknown" 1 "no alias nope@example.org" $ctl alias rm nope@example.org
refused "alias rm unknown number" 1 "no alias \+111" $ctl alias rm +111

# ---- addresses ----------------------------------------------------------------
expect "address add network" 0 "added address 10.0.0.0/8 port 0 to group 1" \
	$ctl address add 10.0.0.0/8 --tag office
expect "address add IPv6 with port and group" 0 "added address ::1/128 port 5060 to group 2" \
	$ctl address add 0:0::1 --port 5060 --group 2
expect "address add host" 0 "added address 192.0.2.7/32" $ctl address add 192.0.2.7 --group 2 --tag 'pbx 1'
expect "address add same network, other group" 0 "to group 3" $ctl address add 10.0.0.0/8 --group 3
refused "address add duplicate" 1 "address 10.0.0.0/8 port 0 is already in group 1" \
	$ctl address add 10.0.0.0/8
refused "address add host bits set" 1 "bits set outside the /8 mask" $ctl address add 10.1.2.3/8
refused "address add bad IP" 1 "invalid address" $ctl address add 10.0.0.256
refused "address add bad mask" 1 "invalid mask" $ctl address add 10.0.0.0/33
refused "address add bad port" 1 "invalid port" $ctl address add 10.9.0.0/16 --port 70000
refused "address add bad group" 1 "invalid group" $ctl address add 10.9.0.0/16 --group -1
refused "address add tag too long" 1 "tag is longer" $ctl address add 10.9.0.0/16 \
	--tag "$(printf '%070d' 0)"
expect "address list: header" 0 "^GROUP +IP +MASK +PORT +TAG$" $ctl address list
expect "address list: row" 0 "^1 +10.0.0.0 +8 +0 +office$" $ctl address list
json "address list --group --json" $ctl address list --group 2 --json
jcheck "address list --group: that group" 'sorted((a["ip"], a["mask"], a["port"], a["tag"]) for a in j) == [("192.0.2.7", 32, 0, "pbx 1"), ("::1", 128, 5060, "")] and all(a["group"] == 2 for a in j)'
expect "address rm" 0 "removed address ::1/128 port 5060 from group 2" \
	$ctl address rm ::1 --port 5060 --group 2
refused "address rm again" 1 "no address ::1/128 port 5060 in group 2" \
	$ctl address rm ::1 --port 5060 --group 2
refused "address rm wrong group" 1 "no address 192.0.2.7/32 port 0 in group 1" \
	$ctl address rm 192.0.2.7

# ---- removals -----------------------------------------------------------------
refused "domain rm with users" 1 "domain example.org still has 3 users" $ctl domain rm example.org
expect "user rm" 0 "removed user alice@example.org" $ctl user rm alice@example.org
same "user rm: its aliases are gone" "$(sql "SELECT count(*) FROM alias WHERE username = 'alice'")" 0
refused "user rm again" 1 "no user alice@example.org" $ctl user rm alice@example.org
refused "domain rm with a user in it" 1 "domain other.net still has 1 user \(remove it" $ctl domain rm other.net
expect "user rm carol" 0 "removed user carol@other.net" $ctl user rm carol@other.net
refused "domain rm unknown" 1 "no domain nowhere.org" $ctl domain rm nowhere.org
expect "domain rm" 0 "removed domain other.net" $ctl domain rm other.net
expect "alias for the alias-in-domain check" 0 "added alias x@192.0.2.1" $ctl alias add x@192.0.2.1 bob@example.org
refused "domain rm with an alias in it" 1 "domain 192.0.2.1 still has 1 alias" $ctl domain rm 192.0.2.1

# A failure half-way through a command leaves nothing done: user rm
# removes the aliases first, then the subscriber, which a trigger refuses.
if [ "$dialect" = postgres ]; then
	sql "CREATE FUNCTION ctl_test_refuse() RETURNS trigger LANGUAGE plpgsql AS
	     \$\$ BEGIN RAISE EXCEPTION 'refused by the test'; END \$\$;
	     CREATE TRIGGER ctl_test BEFORE DELETE ON subscriber
	     FOR EACH ROW EXECUTE FUNCTION ctl_test_refuse();" >/dev/null
else
	sql "CREATE TRIGGER ctl_test BEFORE DELETE ON subscriber
	     BEGIN SELECT RAISE(ABORT, 'refused by the test'); END" >/dev/null
fi
refused "user rm failing half-way rolls back" 1 "cannot remove the user.*refused by the test" \
	$ctl user rm bob@example.org
if [ "$dialect" = postgres ]; then
	sql "DROP TRIGGER ctl_test ON subscriber" >/dev/null
else
	sql "DROP TRIGGER ctl_test" >/dev/null
fi
expect "user rm after the trigger is gone" 0 "removed user bob@example.org" $ctl user rm bob@example.org

# ---- command lines ------------------------------------------------------------
expect "unknown option" 2 "unknown option '--colour'" $ctl domain list --colour
expect "missing argument" 2 "missing argument" $ctl user add
expect "extra argument" 2 "unexpected argument 'b'" $ctl domain add a.org b
expect "--json on a command that changes" 2 "unknown option '--json'" $ctl domain add a.org --json
expect "option without its value" 2 "--password needs a value" $ctl user passwd x@example.org --password
for c in "db migrate" "db status" "domain add" "domain list" "domain rm" "user add" \
	"user passwd" "user list" "user show" "user rm" "user disable" "user enable" \
	"alias add" "alias list" "alias rm" "address add" "address list" "address rm"; do
	expect "$c --help" 0 "^usage: tandemctl $c" $ctl $c --help
done
expect "tandemctl --help lists the provisioning commands" 0 "^  user add LOGIN@DOMAIN" $ctl --help

# ---- which database -----------------------------------------------------------
# (SQLite files of their own, whatever the database under test)
expect "--db wins over TANDEM_DB" 0 "^applied 0001" $ctl db migrate --db "sqlite:$tmp/a.db"
[ -f "$tmp/a.db" ] && ok "--db: the file is created" || ko "--db: the file is created"
expect "TANDEM_DB" 0 "^applied 0001" env TANDEM_DB="sqlite:$tmp/b.db" $ctl db migrate
[ -f "$tmp/b.db" ] && ok "TANDEM_DB: the file is created" || ko "TANDEM_DB: the file is created"
printf 'settings { database = "sqlite:%s/c.db" }\nroute request { reply(200) }\n' "$tmp" >"$tmp/c.route"
expect "-f SCRIPT: its database setting" 0 "^applied 0001" env -u TANDEM_DB $ctl db migrate -f "$tmp/c.route"
[ -f "$tmp/c.db" ] && ok "-f SCRIPT: the file is created" || ko "-f SCRIPT: the file is created"
printf 'route request {\n  relay(1, 2)\n}\n' >"$tmp/bad.route"
expect "-f SCRIPT that does not compile" 1 "bad.route:2:3: error" env -u TANDEM_DB $ctl db status -f "$tmp/bad.route"
mkdir "$tmp/cwd"
expect "the default: sqlite:tandem.db" 0 "^applied 0001" \
	env -u TANDEM_DB sh -c "cd '$tmp/cwd' && exec '$(cd "$(dirname "$ctl")" && pwd)/$(basename "$ctl")' db migrate"
[ -f "$tmp/cwd/tandem.db" ] && ok "the default: tandem.db created" || ko "the default: tandem.db created"
expect "database unreachable" 1 "cannot open the database \(postgres URL from --db\)" \
	$ctl domain list --db "postgres://tandem:topsecret@127.0.0.1:1/nope?connect_timeout=2"
if grep -q topsecret "$tmp/err" "$tmp/out"; then ko "the URL's password is not printed"; else ok "the URL's password is not printed"; fi
expect "database folder missing" 1 "cannot open the database" $ctl domain list --db "sqlite:$tmp/no/such/x.db"
expect "unknown scheme" 1 "cannot open the database" $ctl domain list --db "mysql://x@127.0.0.1/y"
python3 -c "import sqlite3; c=sqlite3.connect('$tmp/a.db'); c.execute(\"INSERT INTO schema_version (version, name) VALUES (2, '0002_future.sql')\"); c.commit()"
expect "a schema newer than this build" 1 "database schema: .*version 2" $ctl domain list --db "sqlite:$tmp/a.db"
expect "db status on a newer schema" 1 "version 2" $ctl db status --db "sqlite:$tmp/a.db"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
