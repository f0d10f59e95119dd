/* SPDX-License-Identifier: GPL-2.0-or-later
 * Driver conformance: `conformance URL` runs the same checklist through
 * <tandem/db.h> against an EMPTY database at URL, for every driver
 * (tests/db/sqlite.sh, tests/db/postgres.sh), and prints
 * "N passed, N failed" (exit 1 on a failure). Dialect differences are
 * kept to the few places marked DIALECT. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/db.h>
#include "db/schema.h"

static unsigned npass, nfail;

static void check(bool ok, const char *what, struct tdm_db *db)
{
	if (ok) {
		npass++;
		printf("PASS: %s\n", what);
	} else {
		nfail++;
		printf("FAIL: %s%s%s\n", what, db ? " -- " : "",
		       db ? tdm_db_error(db) : "");
	}
}

/* ---- helpers -------------------------------------------------------- */

struct one {
	struct tdm_db_val v[4];
	char *text[4];       /* copies of text columns (malloc) */
	unsigned ncol, rows;
};

static int keep_row(void *arg, const struct tdm_db_row *r)
{
	struct one *o = arg;

	o->rows++;
	if (o->rows > 1)
		return 0;
	o->ncol = r->ncol;
	for (unsigned i = 0; i < r->ncol && i < 4; i++) {
		o->v[i] = r->col[i];
		if (r->col[i].type == TDM_DB_TEXT) {
			o->text[i] = malloc(r->col[i].len + 1);
			memcpy(o->text[i], r->col[i].s, r->col[i].len);
			o->text[i][r->col[i].len] = '\0';
			o->v[i].s = o->text[i];
		}
	}
	return 0;
}

static void one_free(struct one *o)
{
	for (unsigned i = 0; i < 4; i++)
		free(o->text[i]);
	memset(o, 0, sizeof(*o));
}

static int64_t count_of(struct tdm_db *db, const char *sql,
			const struct tdm_db_val *p, unsigned n)
{
	struct one o = { 0 };
	int64_t c = -1;

	if (tdm_db_query(db, sql, p, n, keep_row, &o) == 0 && o.rows == 1)
		c = o.v[0].type == TDM_DB_INT ? o.v[0].i
					      : strtoll(o.text[0] ? o.text[0] : "-1", NULL, 10);
	one_free(&o);
	return c;
}

/* ---- values --------------------------------------------------------- */

static void check_text_round_trip(struct tdm_db *db, int64_t id,
				  const char *s, size_t len, const char *what)
{
	struct tdm_db_val p[2] = { TDM_DB_INT_V(id), TDM_DB_TEXT_V(s, len) };
	struct tdm_db_val k = TDM_DB_INT_V(id);
	struct one o = { 0 };
	int rc;

	rc = tdm_db_query(db, "INSERT INTO conf_t (id, s) VALUES ($1, $2)", p,
			  2, NULL, NULL);
	if (!rc)
		rc = tdm_db_query(db, "SELECT s FROM conf_t WHERE id = $1", &k,
				  1, keep_row, &o);
	check(!rc && o.rows == 1 && o.v[0].type == TDM_DB_TEXT &&
	      o.v[0].len == len && !memcmp(o.v[0].s, s, len), what, db);
	one_free(&o);
}

static void test_values(struct tdm_db *db)
{
	static const int64_t ints[] = { 0, 1, -1, INT64_MAX, INT64_MIN,
					4294967296LL };
	char name[80], *big, ctl[64];
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		struct tdm_db_val p[2] = { TDM_DB_INT_V(100 + i),
					   TDM_DB_INT_V(ints[i]) };
		struct tdm_db_val k = TDM_DB_INT_V(100 + i);
		struct one o = { 0 };
		int rc = tdm_db_query(db, "INSERT INTO conf_t (id, i) VALUES "
				      "($1, $2)", p, 2, NULL, NULL);
		if (!rc)
			rc = tdm_db_query(db, "SELECT i, s FROM conf_t WHERE "
					  "id = $1", &k, 1, keep_row, &o);
		snprintf(name, sizeof(name), "int %" PRId64 " round trip, "
			 "NULL text column", ints[i]);
		check(!rc && o.rows == 1 && o.v[0].type == TDM_DB_INT &&
		      o.v[0].i == ints[i] && o.v[1].type == TDM_DB_NULL, name, db);
		one_free(&o);
	}
	{
		struct tdm_db_val p[3] = { TDM_DB_INT_V(120), TDM_DB_NULL_V,
					   TDM_DB_NULL_V };
		struct tdm_db_val k = TDM_DB_INT_V(120);
		struct one o = { 0 };
		int rc = tdm_db_query(db, "INSERT INTO conf_t (id, i, s) VALUES "
				      "($1, $2, $3)", p, 3, NULL, NULL);
		if (!rc)
			rc = tdm_db_query(db, "SELECT i, s FROM conf_t WHERE "
					  "id = $1", &k, 1, keep_row, &o);
		check(!rc && o.rows == 1 && o.v[0].type == TDM_DB_NULL &&
		      o.v[1].type == TDM_DB_NULL, "NULL parameters", db);
		one_free(&o);
	}
	check_text_round_trip(db, 130, "O'Brien \"q\" ; -- DROP TABLE conf_t; \\x",
			      strlen("O'Brien \"q\" ; -- DROP TABLE conf_t; \\x"),
			      "text with quotes, backslash and SQL is data");
	/* control bytes and multi-byte UTF-8 (PostgreSQL text must be UTF-8) */
	for (int c = 1; c < 32; c++)
		ctl[n++] = (char)c;
	ctl[n++] = 0x7f;
	memcpy(ctl + n, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
	n += 9;
	check_text_round_trip(db, 131, ctl, n, "control bytes and UTF-8 text");
	check_text_round_trip(db, 132, "", 0, "empty text is not NULL");
	big = malloc(100 * 1024);
	for (size_t i = 0; i < 100 * 1024; i++)
		big[i] = (char)('a' + i % 26);
	check_text_round_trip(db, 133, big, 100 * 1024, "100 KB text");
	free(big);
	{
		struct tdm_db_val k = TDM_DB_INT_V(100);
		struct one o = { 0 };
		int rc = tdm_db_query(db, "SELECT i, s FROM conf_t WHERE id = $1",
				      &k, 1, keep_row, &o);
		size_t len = 1;
		check(!rc && tdm_db_row_int(&(struct tdm_db_row){ o.v, 2 }, 0) == 0 &&
		      !strcmp(tdm_db_row_text(&(struct tdm_db_row){ o.v, 2 }, 0, NULL), "0") &&
		      tdm_db_row_null(&(struct tdm_db_row){ o.v, 2 }, 1) &&
		      !*tdm_db_row_text(&(struct tdm_db_row){ o.v, 2 }, 1, &len) &&
		      len == 0, "row accessors on a fetched row", db);
		one_free(&o);
	}
}

/* ---- rows, early stop, changes ----------------------------------------- */

struct seen {
	unsigned rows, stop_at;
	int64_t last;
	bool order_ok;
};

static int seen_row(void *arg, const struct tdm_db_row *r)
{
	struct seen *s = arg;
	int64_t id = tdm_db_row_int(r, 0);

	if (s->rows && id <= s->last)
		s->order_ok = false;
	s->last = id;
	if (++s->rows == s->stop_at)
		return 42;
	return 0;
}

static void test_rows(struct tdm_db *db)
{
	struct tdm_db_stmt *ins, *sel;
	struct seen s = { .order_ok = true };
	int rc, bad = 0;

	rc = tdm_db_prepare(db, "INSERT INTO conf_t (id, i, u) VALUES ($1, $2, $3)",
			    &ins);
	check(!rc, "prepare an INSERT", db);
	if (rc)
		return;
	for (int i = 1; i <= 10; i++) {
		char u[16];
		snprintf(u, sizeof(u), "u%d", i);
		struct tdm_db_val p[3] = { TDM_DB_INT_V(i), TDM_DB_INT_V(i * 10),
					   TDM_DB_TEXT_C(u) };
		if (tdm_db_exec(ins, p, 3, NULL, NULL) != 0 ||
		    tdm_db_changes(db) != 1)
			bad++;
	}
	check(!bad, "one prepared INSERT run 10 times, 1 change each", db);
	rc = tdm_db_prepare(db, "SELECT id, i FROM conf_t WHERE id <= $1 "
			    "ORDER BY id", &sel);
	check(!rc, "prepare a SELECT", db);
	if (rc)
		return;
	struct tdm_db_val lim = TDM_DB_INT_V(10);
	rc = tdm_db_exec(sel, &lim, 1, seen_row, &s);
	check(rc == 0 && s.rows == 10 && s.order_ok, "10 rows in order", db);
	check(tdm_db_changes(db) == 0, "a SELECT changes nothing", db);
	s = (struct seen){ .stop_at = 3, .order_ok = true };
	rc = tdm_db_exec(sel, &lim, 1, seen_row, &s);
	check(rc == 42 && s.rows == 3, "a row function stops the statement "
	      "and its value is returned", db);
	s = (struct seen){ .order_ok = true };
	rc = tdm_db_exec(sel, &lim, 1, seen_row, &s);
	check(rc == 0 && s.rows == 10, "the statement runs again after an "
	      "early stop", db);
	rc = tdm_db_exec(sel, &lim, 1, NULL, NULL);
	check(rc == 0, "rows without a row function", db);

	struct tdm_db_val five = TDM_DB_INT_V(5);
	rc = tdm_db_query(db, "UPDATE conf_t SET i = i + 1 WHERE id <= $1",
			  &five, 1, NULL, NULL);
	check(rc == 0 && tdm_db_changes(db) == 5, "UPDATE reports 5 changes", db);
	rc = tdm_db_query(db, "DELETE FROM conf_t WHERE id = $1 AND id < 0",
			  &five, 1, NULL, NULL);
	check(rc == 0 && tdm_db_changes(db) == 0, "DELETE of nothing: 0 changes",
	      db);

	/* errors */
	struct tdm_db_val dup[3] = { TDM_DB_INT_V(11), TDM_DB_INT_V(0),
				     TDM_DB_TEXT_C("u1") };
	rc = tdm_db_exec(ins, dup, 3, NULL, NULL);
	check(rc == -EEXIST && *tdm_db_error(db), "unique violation: -EEXIST "
	      "with a message", db);
	struct tdm_db_val pk[3] = { TDM_DB_INT_V(1), TDM_DB_INT_V(0),
				    TDM_DB_TEXT_C("other") };
	rc = tdm_db_exec(ins, pk, 3, NULL, NULL);
	check(rc == -EEXIST, "primary key violation: -EEXIST", db);
	rc = tdm_db_exec(ins, pk, 2, NULL, NULL);
	check(rc == -EINVAL, "too few parameters: -EINVAL", db);
	struct tdm_db_stmt *bad_st = NULL;
	rc = tdm_db_prepare(db, "SELEC id FROM conf_t", &bad_st);
	check(rc == -EINVAL && !bad_st && *tdm_db_error(db),
	      "bad SQL: -EINVAL with a message", db);
	rc = tdm_db_query(db, "SELECT nope FROM conf_t", NULL, 0, NULL, NULL);
	check(rc == -EINVAL, "unknown column: -EINVAL", db);
	rc = tdm_db_query(db, "SELECT id FROM conf_t WHERE id = 1", NULL, 0,
			  NULL, NULL);
	check(rc == 0 && !*tdm_db_error(db), "a success clears the message", db);
	check(tdm_db_connected(db), "connected after calls that reached it", db);
	tdm_db_stmt_free(sel);
	tdm_db_stmt_free(ins);
}

/* ---- transactions and scripts ------------------------------------------ */

static void test_txn(struct tdm_db *db)
{
	struct tdm_db_val p[2] = { TDM_DB_INT_V(500), TDM_DB_INT_V(1) };
	struct tdm_db_val k = TDM_DB_INT_V(500);
	const char *count = "SELECT count(*) FROM conf_t WHERE id = $1";
	int rc;

	rc = tdm_db_begin(db);
	check(rc == 0, "begin", db);
	check(tdm_db_begin(db) == -EINVAL, "begin inside a transaction: -EINVAL",
	      db);
	rc = tdm_db_query(db, "INSERT INTO conf_t (id, i) VALUES ($1, $2)", p,
			  2, NULL, NULL);
	check(rc == 0 && count_of(db, count, &k, 1) == 1,
	      "a row inserted in a transaction is visible in it", db);
	check(tdm_db_rollback(db) == 0 && count_of(db, count, &k, 1) == 0,
	      "rollback undoes it", db);
	rc = tdm_db_begin(db);
	if (!rc)
		rc = tdm_db_query(db, "INSERT INTO conf_t (id, i) VALUES ($1, $2)",
				  p, 2, NULL, NULL);
	if (!rc)
		rc = tdm_db_commit(db);
	check(rc == 0 && count_of(db, count, &k, 1) == 1, "commit keeps it", db);
	check(tdm_db_commit(db) == -EINVAL, "commit without a transaction: "
	      "-EINVAL", db);
	check(tdm_db_rollback(db) == -EINVAL, "rollback without a transaction: "
	      "-EINVAL", db);
	/* a failed statement inside, then rollback: the connection is usable */
	rc = tdm_db_begin(db);
	if (!rc)
		rc = tdm_db_query(db, "INSERT INTO conf_t (id, i) VALUES ($1, $2)",
				  p, 2, NULL, NULL);
	check(rc == -EEXIST, "a violation inside a transaction", db);
	check(tdm_db_rollback(db) == 0 && count_of(db, count, &k, 1) == 1,
	      "rollback after a failed statement, connection usable", db);

	rc = tdm_db_script(db, "CREATE TABLE conf_s (a INTEGER); "
			   "INSERT INTO conf_s (a) VALUES (1);\n"
			   "INSERT INTO conf_s (a) VALUES (2);");
	check(rc == 0 && count_of(db, "SELECT count(*) FROM conf_s", NULL, 0) == 2,
	      "script with several statements", db);
	rc = tdm_db_script(db, "INSERT INTO conf_s (a) VALUES (3); NOT SQL;");
	check(rc == -EINVAL && *tdm_db_error(db), "script with bad SQL: -EINVAL",
	      db);
}

/* A row locked by one connection: another one gives up after its
 * query_timeout_ms with -ETIMEDOUT (SQLite: the busy timeout on the write
 * lock; PostgreSQL: statement_timeout on the row lock). */
static void test_lock_timeout(struct tdm_db *db, const char *url)
{
	struct tdm_db_opts o = { .query_timeout_ms = 200 };
	struct tdm_db *db2;
	struct tdm_db_val k = TDM_DB_INT_V(1);
	const char *upd = "UPDATE conf_t SET i = i + 1 WHERE id = $1";
	char err[512];
	int rc;

	/* a statement running too long is stopped (the bound is only a
	 * guard against a hang: 10^9 rows) */
	rc = tdm_db_open(url, &o, &db2, err, sizeof(err));
	if (!rc) {
		rc = tdm_db_query(db2, "WITH RECURSIVE c(x) AS (SELECT 1 UNION "
				  "ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
				  "SELECT count(*) FROM c", NULL, 0, NULL, NULL);
		check(rc == -ETIMEDOUT, "a statement past query_timeout_ms: "
		      "-ETIMEDOUT", db2);
		rc = tdm_db_query(db2, "SELECT 1", NULL, 0, NULL, NULL);
		check(rc == 0, "the connection works after a timeout", db2);
		tdm_db_close(db2);
	}
	if (strstr(url, ":memory:")) {
		printf("SKIP: lock timeout (a private in-memory database has "
		       "one connection)\n");
		return;
	}
	rc = tdm_db_open(url, &o, &db2, err, sizeof(err));
	check(rc == 0, "a second connection", NULL);
	if (rc) {
		printf("  %s\n", err);
		return;
	}
	rc = tdm_db_begin(db);
	if (!rc)
		rc = tdm_db_query(db, upd, &k, 1, NULL, NULL);
	check(rc == 0, "the first connection locks a row", db);
	rc = tdm_db_query(db2, upd, &k, 1, NULL, NULL);
	check(rc == -ETIMEDOUT && *tdm_db_error(db2), "the second one gives "
	      "up after query_timeout_ms: -ETIMEDOUT", db2);
	check(tdm_db_rollback(db) == 0, "the first one rolls back", db);
	rc = tdm_db_query(db2, upd, &k, 1, NULL, NULL);
	check(rc == 0 && tdm_db_changes(db2) == 1, "then the second one "
	      "updates the row", db2);
	tdm_db_close(db2);
}

/* ---- notifications ------------------------------------------------------ */

static void test_listen(struct tdm_db *db)
{
	int rc = tdm_db_listen(db, "tandem_conformance");

	check(rc == 0 || rc == -ENOTSUP, "listen: 0, or -ENOTSUP without "
	      "notifications", db);
	rc = tdm_db_wait(db, 20);
	check(rc == 0, "wait without a notification times out with 0", db);
}

/* ---- migrations --------------------------------------------------------- */

static unsigned napplied_cb;

static void on_applied(void *arg, const struct tdm_db_migration *m)
{
	(void)arg;
	napplied_cb++;
	printf("  applied %s\n", m->name);
}

static int copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb"), *b = a ? fopen(to, "wb") : NULL;
	char buf[8192];
	size_t n;
	int rc = a && b ? 0 : -1;

	while (!rc && (n = fread(buf, 1, sizeof(buf), a)) > 0)
		if (fwrite(buf, 1, n, b) != n)
			rc = -1;
	if (a)
		fclose(a);
	if (b && fclose(b))
		rc = -1;
	return rc;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f) ? -1 : 0;
}

static void test_migrations(struct tdm_db *db)
{
	struct tdm_db_schema_status st;
	char err[512] = "", tmp[] = "/tmp/tdm-conf-XXXXXX", path[600];
	unsigned target;
	int rc;

	rc = tdm_db_schema_status(db, NULL, &st, err, sizeof(err));
	check(rc == 0 && st.plan.current == 0 && st.plan.todo == st.ms.n &&
	      st.ms.n >= 1, "status of an empty database: nothing applied", NULL);
	if (rc) {
		printf("  %s\n", err);
		return;
	}
	target = st.plan.target;
	/* from each earlier version to the next, then the rest */
	for (unsigned v = 1; v <= target; v++) {
		struct tdm_db_schema_status s2;
		char name[80];
		napplied_cb = 0;
		rc = tdm_db_schema_migrate(db, NULL, v, on_applied, NULL, err,
					   sizeof(err));
		snprintf(name, sizeof(name), "migrate from %u to %u", v - 1, v);
		check(rc == 1 && napplied_cb == 1, name, NULL);
		if (rc != 1)
			printf("  %s\n", err);
		rc = tdm_db_schema_status(db, NULL, &s2, err, sizeof(err));
		snprintf(name, sizeof(name), "status says version %u", v);
		check(rc == 0 && s2.plan.current == v, name, NULL);
		if (!rc)
			tdm_db_schema_status_free(&s2);
	}
	rc = tdm_db_schema_migrate(db, NULL, 0, on_applied, NULL, err, sizeof(err));
	check(rc == 0, "migrate on an up-to-date database applies nothing", NULL);
	tdm_db_schema_status_free(&st);
	rc = tdm_db_schema_status(db, NULL, &st, err, sizeof(err));
	check(rc == 0 && st.plan.todo == 0 && st.plan.current == target,
	      "status: up to date", NULL);
	if (!rc) {
		char msg[256];
		tdm_db_plan_describe(&st.ms, &st.plan, msg, sizeof(msg));
		check(strstr(msg, "up to date") != NULL, msg, NULL);
		tdm_db_schema_status_free(&st);
	}

	/* the provisioning schema enforces what docs/schema.md says */
	struct tdm_db_val dom = TDM_DB_TEXT_C("example.org");
	rc = tdm_db_query(db, "INSERT INTO domain (domain) VALUES ($1)", &dom,
			  1, NULL, NULL);
	check(rc == 0 && tdm_db_changes(db) == 1, "insert a domain", db);
	struct tdm_db_val dom2 = TDM_DB_TEXT_C("EXAMPLE.org");
	rc = tdm_db_query(db, "INSERT INTO domain (domain) VALUES ($1)", &dom2,
			  1, NULL, NULL);
	check(rc == -EEXIST, "domains are unique without case: -EEXIST", db);
	char h32[33], h64[65];
	memset(h32, '0', 32); h32[32] = '\0';
	memset(h64, '0', 64); h64[64] = '\0';
	struct tdm_db_val sub[5] = { TDM_DB_TEXT_C("alice"),
				     TDM_DB_TEXT_C("nowhere.example"),
				     TDM_DB_TEXT_C(h32), TDM_DB_TEXT_C(h64),
				     TDM_DB_TEXT_C(h64) };
	const char *ins_sub = "INSERT INTO subscriber (username, domain, ha1, "
		"ha1_sha256, ha1_sha512t256) VALUES ($1, $2, $3, $4, $5)";
	rc = tdm_db_query(db, ins_sub, sub, 5, NULL, NULL);
	check(rc == -EINVAL && *tdm_db_error(db), "a subscriber of an unknown "
	      "domain: -EINVAL (foreign keys enforced)", db);
	sub[1] = dom;
	rc = tdm_db_query(db, ins_sub, sub, 5, NULL, NULL);
	check(rc == 0, "insert a subscriber", db);
	check(count_of(db, "SELECT count(*) FROM change_log", NULL, 0) >= 2,
	      "changes are logged in change_log", db);

	/* more migrations in a copy of the folder: 2 good, then a bad one */
	if (!mkdtemp(tmp)) {
		check(false, "temporary folder", NULL);
		return;
	}
	char dir[300];
	struct tdm_db_migrations ms;
	rc = tdm_db_schema_dir(tdm_db_dialect(db), dir, sizeof(dir));
	if (!rc && !(rc = tdm_db_migrations_scan(dir, &ms, err, sizeof(err)))) {
		for (unsigned i = 0; !rc && i < ms.n; i++) {
			snprintf(path, sizeof(path), "%s/%s", tmp, ms.m[i].name);
			rc = copy_file(ms.m[i].path, path);
		}
		tdm_db_migrations_free(&ms);
	}
	snprintf(path, sizeof(path), "%s/%04u_conf_a.sql", tmp, target + 1);
	rc = rc ? rc : write_file(path, "CREATE TABLE conf_m (x INTEGER);\n"
				  "INSERT INTO conf_m (x) VALUES (1);\n");
	snprintf(path, sizeof(path), "%s/%04u_conf_b.sql", tmp, target + 2);
	rc = rc ? rc : write_file(path, "ALTER TABLE conf_m ADD COLUMN y TEXT;\n");
	check(rc == 0, "a schema folder with two more migrations", NULL);
	napplied_cb = 0;
	rc = tdm_db_schema_migrate(db, tmp, 0, on_applied, NULL, err, sizeof(err));
	check(rc == 2 && napplied_cb == 2, "migrate applies the two new ones",
	      NULL);
	if (rc != 2)
		printf("  %s\n", err);
	snprintf(path, sizeof(path), "%s/%04u_conf_bad.sql", tmp, target + 3);
	write_file(path, "CREATE TABLE conf_n (x INTEGER);\nNOT SQL AT ALL;\n");
	rc = tdm_db_schema_migrate(db, tmp, 0, on_applied, NULL, err, sizeof(err));
	check(rc == -EINVAL && strstr(err, "conf_bad") != NULL,
	      "a failing migration: -EINVAL naming the file", NULL);
	printf("  (%s)\n", err);
	check(count_of(db, "SELECT count(*) FROM schema_version", NULL, 0) ==
	      target + 2, "... and it was not recorded", db);
	rc = tdm_db_query(db, "SELECT x FROM conf_n", NULL, 0, NULL, NULL);
	check(rc == -EINVAL, "... and its first statement was rolled back", db);
	unlink(path);
	rc = tdm_db_schema_status(db, NULL, &st, err, sizeof(err));
	check(rc == -EINVAL && strstr(err, "newer"), "status against the "
	      "build's folder: the database is newer", NULL);
	printf("  (%s)\n", err);
	if (!rc)
		tdm_db_schema_status_free(&st);
	snprintf(path, sizeof(path), "%s/%04u_conf_a.sql", tmp, target + 1);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%04u_conf_b.sql", tmp, target + 2);
	unlink(path);
	if (!tdm_db_migrations_scan(tmp, &ms, err, sizeof(err))) {
		for (unsigned i = 0; i < ms.n; i++)
			unlink(ms.m[i].path);
		tdm_db_migrations_free(&ms);
	}
	rmdir(tmp);
}

/* ---- reconnect ---------------------------------------------------------- */

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };
	nanosleep(&ts, NULL);
}

/* Runs st until it succeeds again (the backoff of this connection is
 * 10..50 ms; 400 tries of 10 ms bound the wait without timing it). */
static int until_back(struct tdm_db_stmt *st)
{
	int rc = -ENOTCONN;

	for (int i = 0; i < 400 && rc == -ENOTCONN; i++) {
		rc = tdm_db_exec(st, NULL, 0, NULL, NULL);
		if (rc == -ENOTCONN)
			sleep_ms(10);
	}
	return rc;
}

static void test_reconnect(struct tdm_db *db)
{
	/* DIALECT: only PostgreSQL can be told to drop this connection */
	static const char kill_sql[] = "SELECT pg_terminate_backend(pg_backend_pid())";
	struct tdm_db_stmt *st;
	int rc;

	if (strcmp(tdm_db_dialect(db), "postgres")) {
		printf("SKIP: reconnect (%s cannot be made to drop a connection)\n",
		       tdm_db_dialect(db));
		return;
	}
	rc = tdm_db_prepare(db, "SELECT count(*) FROM conf_t", &st);
	check(rc == 0, "prepare before the reconnect", db);
	if (rc)
		return;
	rc = tdm_db_query(db, kill_sql, NULL, 0, NULL, NULL);
	check(rc == -ENOTCONN && !tdm_db_connected(db),
	      "a dropped connection: -ENOTCONN", db);
	rc = until_back(st);
	check(rc == 0 && tdm_db_connected(db), "the statement prepared before "
	      "works after the reconnect", db);
	rc = tdm_db_begin(db);
	if (!rc)
		rc = tdm_db_query(db, kill_sql, NULL, 0, NULL, NULL);
	check(rc == -ENOTCONN, "connection dropped inside a transaction", db);
	rc = tdm_db_exec(st, NULL, 0, NULL, NULL);
	check(rc == -ENOTCONN, "calls inside the lost transaction fail", db);
	rc = tdm_db_commit(db);
	check(rc == -ENOTCONN, "commit of the lost transaction: -ENOTCONN", db);
	rc = until_back(st);
	check(rc == 0, "usable again after the lost transaction", db);
	rc = tdm_db_listen(db, "tandem_conformance");
	check(rc == 0, "listen survives (subscribed again)", db);
	tdm_db_stmt_free(st);
}

int main(int argc, char **argv)
{
	struct tdm_db_opts o = { .backoff_min_ms = 10, .backoff_max_ms = 50 };
	struct tdm_db *db;
	char err[512];
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s URL (of an empty database)\n", argv[0]);
		return 2;
	}
	rc = tdm_db_open(argv[1], &o, &db, err, sizeof(err));
	if (rc) {
		printf("FAIL: open %s: %s\n0 passed, 1 failed\n", argv[1], err);
		return 1;
	}
	printf("# %s (dialect %s)\n", tdm_db_url_safe(db), tdm_db_dialect(db));
	/* DIALECT: none: BIGINT, TEXT and UNIQUE mean the same in both */
	rc = tdm_db_script(db, "CREATE TABLE conf_t (id BIGINT PRIMARY KEY, "
			   "i BIGINT, s TEXT, u TEXT UNIQUE)");
	check(rc == 0, "create a table with tdm_db_script", db);
	if (!rc) {
		test_values(db);
		test_rows(db);
		test_txn(db);
		test_lock_timeout(db, argv[1]);
		test_listen(db);
		test_migrations(db);
		test_reconnect(db);
	}
	tdm_db_close(db);
	printf("%u passed, %u failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
