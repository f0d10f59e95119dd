/* SPDX-License-Identifier: GPL-2.0-or-later
 * tests/db/pg_checks URL: what only PostgreSQL does, through the database
 * API and the db_postgres driver, against the private server that
 * tests/db/postgres.sh started (it exports PG_SH, the path of
 * tests/lib/pg.sh, to restart or stop that server, and TDM_SCHEMA_DIR).
 * Column types, error codes, batched DEALLOCATE, LISTEN/NOTIFY (psql and
 * the change_log trigger), query and connect timeouts, and surviving a
 * server restart and a server dying mid-query. No timing assertions:
 * waits are generous upper bounds. Prints "N passed, N failed". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/db.h>

static int npass, nfail;
static const char *url, *pg_sh;
static const struct tdm_db_opts opts = {
	.connect_timeout_ms = 5000, .query_timeout_ms = 10000,
	.backoff_min_ms = 50, .backoff_max_ms = 400,
};

static void check(bool ok, const char *what, const struct tdm_db *db)
{
	if (ok) {
		npass++;
		printf("PASS: %s\n", what);
	} else {
		nfail++;
		printf("FAIL: %s%s%s\n", what, db ? ": " : "",
		       db ? tdm_db_error(db) : "");
	}
	fflush(stdout);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Runs `bash pg.sh ARGS` (restart, kill, resume, psql ...). */
static int pg_cmd(const char *args, bool background)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "%sbash '%s' %s >/dev/null 2>&1%s",
		 background ? "(sleep 0.3; " : "", pg_sh, args,
		 background ? ") &" : "");
	return system(cmd);
}

/* ---- Row collectors ---------------------------------------------------- */

struct got {
	struct tdm_db_val v[24];
	char text[24][32];
	unsigned ncol, nrow;
};

static int keep_first(void *arg, const struct tdm_db_row *r)
{
	struct got *g = arg;

	if (g->nrow++ == 0) {
		g->ncol = r->ncol < 24 ? r->ncol : 24;
		for (unsigned i = 0; i < g->ncol; i++) {
			g->v[i] = r->col[i];
			if (r->col[i].type == TDM_DB_TEXT) {
				snprintf(g->text[i], sizeof g->text[i], "%.*s",
					 (int)r->col[i].len, r->col[i].s);
				g->v[i].s = g->text[i];
			}
		}
	}
	return 0;
}

static int stop_at_3(void *arg, const struct tdm_db_row *r)
{
	int *n = arg;

	(void)r;
	return ++*n == 3 ? 7 : 0;
}

static int64_t one_int(struct tdm_db *db, const char *sql)
{
	struct got g = { 0 };

	if (tdm_db_query(db, sql, NULL, 0, keep_first, &g) || g.nrow != 1 ||
	    g.v[0].type != TDM_DB_INT)
		return -1;
	return g.v[0].i;
}

static bool is_int(const struct got *g, unsigned c, int64_t v)
{
	return c < g->ncol && g->v[c].type == TDM_DB_INT && g->v[c].i == v;
}

static bool is_text(const struct got *g, unsigned c, const char *s)
{
	return c < g->ncol && g->v[c].type == TDM_DB_TEXT &&
	       strcmp(g->text[c], s) == 0;
}

/* ---- Checks ------------------------------------------------------------ */

static void t_types(struct tdm_db *db)
{
	struct got g = { 0 };
	struct tdm_db_val p[] = { TDM_DB_INT_V(41), TDM_DB_TEXT_C("hé"),
				  TDM_DB_NULL_V, TDM_DB_INT_V(-9000000000LL) };
	int rc;

	rc = tdm_db_query(db, "SELECT 1::int2, 2::int4, 3::int8, true, false, "
			  "'x'::text, NULL, 1.5::numeric, ''::text", NULL, 0,
			  keep_first, &g);
	check(rc == 0 && g.nrow == 1 && g.ncol == 9 && is_int(&g, 0, 1) &&
	      is_int(&g, 1, 2) && is_int(&g, 2, 3) && is_int(&g, 3, 1) &&
	      is_int(&g, 4, 0) && is_text(&g, 5, "x") &&
	      g.v[6].type == TDM_DB_NULL && is_text(&g, 7, "1.5") &&
	      is_text(&g, 8, ""),
	      "int2/int4/int8 and bool are INT, NULL is NULL, the rest TEXT", db);

	memset(&g, 0, sizeof g);
	rc = tdm_db_query(db, "SELECT $1::bigint + 1, $2::text || '!', "
			  "$3::text IS NULL, $4::bigint", p, 4, keep_first, &g);
	check(rc == 0 && is_int(&g, 0, 42) && is_text(&g, 1, "hé!") &&
	      is_int(&g, 2, 1) && is_int(&g, 3, -9000000000LL),
	      "parameters: int, UTF-8 text, NULL, 64-bit", db);
}

/* More than the drivers' small on-stack arrays (16). */
static void t_wide(struct tdm_db *db)
{
	struct tdm_db_val p[20];
	struct got g = { 0 };
	char sql[512];
	size_t off = 0;
	bool ok;
	int rc;

	off += (size_t)snprintf(sql + off, sizeof sql - off, "SELECT ");
	for (int i = 0; i < 20; i++) {
		p[i] = TDM_DB_INT_V(i * 10);
		off += (size_t)snprintf(sql + off, sizeof sql - off, "%s$%d::int",
					i ? ", " : "", i + 1);
	}
	rc = tdm_db_query(db, sql, p, 20, keep_first, &g);
	ok = rc == 0 && g.ncol == 20;
	for (unsigned i = 0; ok && i < 20; i++)
		ok = is_int(&g, i, i * 10);
	check(ok, "20 parameters and 20 columns", db);
}

static void t_schema(struct tdm_db *db, const char *dir)
{
	char path[1024], *sql;
	FILE *f;
	long n;
	int rc = -EIO;

	snprintf(path, sizeof path, "%s/0001_provisioning.sql", dir);
	f = fopen(path, "rb");
	if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (sql = tdm_malloc((size_t)n + 1))) {
		if (fread(sql, 1, (size_t)n, f) == (size_t)n) {
			sql[n] = '\0';
			rc = tdm_db_script(db, sql);
		}
		tdm_free(sql);
	}
	if (f)
		fclose(f);
	check(rc == 0, "script: migration 0001 applies (functions, triggers)", db);
	check(tdm_db_script(db, "SELEC 1; SELECT 2") == -EINVAL &&
	      strstr(tdm_db_error(db), "syntax") != NULL,
	      "script: a syntax error is -EINVAL with the server's message", db);
}

static void t_errors(struct tdm_db *db)
{
	struct tdm_db_stmt *st = NULL;
	struct tdm_db_val d[] = { TDM_DB_TEXT_C("example.org") };
	struct tdm_db_val d2[] = { TDM_DB_TEXT_C("EXAMPLE.org") };
	struct tdm_db_val one[] = { TDM_DB_TEXT_C("x") };
	char h32[33], h64[65];
	struct tdm_db_val sub[] = { TDM_DB_TEXT_C("bob"), TDM_DB_TEXT_C("nowhere.org"),
				    TDM_DB_TEXT_V(h32, 32), TDM_DB_TEXT_V(h64, 64) };
	int rc;

	memset(h32, '0', 32);
	memset(h64, '0', 64);
	h32[32] = h64[64] = '\0';
	rc = tdm_db_prepare(db, "INSERT INTO domain (domain) VALUES ($1)", &st);
	check(rc == 0, "prepare an INSERT", db);
	if (rc)
		return;
	check(tdm_db_exec(st, d, 1, NULL, NULL) == 0 && tdm_db_changes(db) == 1,
	      "INSERT: one row changed", db);
	check(tdm_db_exec(st, d, 1, NULL, NULL) == -EEXIST,
	      "duplicate key (23505) is -EEXIST", db);
	{
		struct tdm_db_val r[] = { TDM_DB_TEXT_C("returning.org") };
		struct got g = { 0 };

		check(tdm_db_query(db, "INSERT INTO domain (domain) VALUES ($1) "
				   "RETURNING id", r, 1, keep_first, &g) == 0 &&
		      g.nrow == 1 && g.v[0].type == TDM_DB_INT &&
		      tdm_db_changes(db) == 1,
		      "INSERT ... RETURNING: the row, and one change", db);
		memset(&g, 0, sizeof g);
		check(tdm_db_query(db, "SELECT id FROM domain", NULL, 0,
				   keep_first, &g) == 0 && g.nrow == 2 &&
		      tdm_db_changes(db) == 0, "SELECT: no changes", db);
	}
	check(tdm_db_exec(st, d2, 1, NULL, NULL) == -EEXIST,
	      "unique index without case is -EEXIST too", db);
	check(tdm_db_query(db, "INSERT INTO subscriber (username, domain, ha1, "
			   "ha1_sha256, ha1_sha512t256) VALUES ($1, $2, $3, $4, $4)",
			   sub, 4, NULL, NULL) == -EINVAL &&
	      strstr(tdm_db_error(db), "foreign key") != NULL,
	      "foreign key violation (23503) is -EINVAL with the message", db);
	check(tdm_db_exec(st, NULL, 0, NULL, NULL) == -EINVAL,
	      "too few parameters is -EINVAL", db);
	check(tdm_db_query(db, "SELECT 1 WHERE $1 = 'x'", one, 1, NULL, NULL) == 0,
	      "the session is fine after those errors", db);
	check(tdm_db_query(db, "SELECT no_such_column FROM domain", NULL, 0,
			   NULL, NULL) == -EINVAL &&
	      strstr(tdm_db_error(db), "no_such_column"),
	      "an unknown column (42703) is -EINVAL at prepare", db);
	check(tdm_db_query(db, "SELECT 1/0", NULL, 0, NULL, NULL) == -EINVAL,
	      "division by zero (22012) is -EINVAL", db);
	check(tdm_db_query(db, "UPDATE domain SET last_modified = now()", NULL,
			   0, NULL, NULL) == 0 && tdm_db_changes(db) == 2,
	      "UPDATE: changes counts the rows", db);
	tdm_db_stmt_free(st);
}

static void t_rows(struct tdm_db *db)
{
	int n = 0;

	check(tdm_db_query(db, "SELECT generate_series(1, 10)", NULL, 0,
			   stop_at_3, &n) == 7 && n == 3,
	      "a row function's non-zero value stops and is returned", db);
	check(one_int(db, "SELECT 5") == 5, "the next query runs", db);
}

static void t_txn(struct tdm_db *db)
{
	struct tdm_db_val d[] = { TDM_DB_TEXT_C("txn.org") };
	const char *ins = "INSERT INTO domain (domain) VALUES ($1)";
	const char *cnt = "SELECT count(*) FROM domain WHERE domain = 'txn.org'";

	check(tdm_db_begin(db) == 0 &&
	      tdm_db_query(db, ins, d, 1, NULL, NULL) == 0 &&
	      tdm_db_rollback(db) == 0 && one_int(db, cnt) == 0,
	      "rollback undoes an INSERT", db);
	check(tdm_db_begin(db) == 0 &&
	      tdm_db_query(db, ins, d, 1, NULL, NULL) == 0 &&
	      tdm_db_query(db, ins, d, 1, NULL, NULL) == -EEXIST &&
	      tdm_db_commit(db) != 0 && one_int(db, cnt) == 0,
	      "a failed statement aborts the transaction; commit fails", db);
	check(tdm_db_begin(db) == 0 &&
	      tdm_db_query(db, ins, d, 1, NULL, NULL) == 0 &&
	      tdm_db_commit(db) == 0 && one_int(db, cnt) == 1,
	      "commit keeps it", db);
}

/* One-shot queries prepare and drop a server statement each: the drops
 * are batched, the session does not collect them. */
static void t_dealloc(struct tdm_db *db)
{
	struct tdm_db_stmt *st;
	bool ok = tdm_db_prepare(db, "SELECT $1::int * 2", &st) == 0;
	int64_t left;

	for (int i = 0; ok && i < 200; i++) {
		struct tdm_db_val p[] = { TDM_DB_INT_V(i) };
		struct got g = { 0 };

		ok = tdm_db_exec(st, p, 1, keep_first, &g) == 0 &&
		     is_int(&g, 0, 2 * i);
	}
	check(ok, "one statement executed 200 times", db);
	tdm_db_stmt_free(st);
	for (int i = 0; ok && i < 100; i++)
		ok = one_int(db, "SELECT 1") == 1;
	left = one_int(db, "SELECT count(*) FROM pg_prepared_statements");
	check(ok && left >= 0 && left <= 20,
	      "100 one-shot queries leave few server statements", db);
}

static void t_notify(struct tdm_db *db)
{
	struct tdm_db *other = NULL;
	char err[256];
	int rc;

	check(tdm_db_listen(db, "tandem test") == 0 &&
	      tdm_db_listen(db, "tandem_change") == 0,
	      "LISTEN (a channel name that needs quoting, and tandem_change)", db);
	check(tdm_db_wait(db, 50) == 0, "wait without a notification: 0", db);
	pg_cmd("psql -c 'NOTIFY \"tandem test\"'", true);
	rc = tdm_db_wait(db, 20000);
	check(rc == 1, "a NOTIFY from psql wakes the waiter", db);
	check(tdm_db_wait(db, 50) == 0, "and it was consumed", db);

	if (tdm_db_open(url, &opts, &other, err, sizeof err)) {
		check(false, err, NULL);
		return;
	}
	check(tdm_db_query(other, "INSERT INTO domain (domain) VALUES "
			   "('notify.org')", NULL, 0, NULL, NULL) == 0 &&
	      tdm_db_wait(db, 20000) == 1,
	      "an INSERT into domain notifies tandem_change (trigger)", db);
	check(tdm_db_query(other, "NOTIFY \"tandem test\"", NULL, 0, NULL,
			   NULL) == 0 && one_int(db, "SELECT 3") == 3 &&
	      tdm_db_wait(db, 0) == 1,
	      "a notification that came during a query is kept for wait", db);
	tdm_db_close(other);
}

static void t_query_timeout(void)
{
	struct tdm_db_opts o = opts;
	struct tdm_db *db;
	char err[256];
	int rc;

	o.query_timeout_ms = 300;
	if (tdm_db_open(url, &o, &db, err, sizeof err)) {
		check(false, err, NULL);
		return;
	}
	rc = tdm_db_query(db, "SELECT pg_sleep(5)", NULL, 0, NULL, NULL);
	check(rc == -ETIMEDOUT, "pg_sleep(5) past query_timeout_ms=300: "
	      "-ETIMEDOUT", db);
	check(one_int(db, "SELECT 6") == 6 && tdm_db_connected(db),
	      "the same session is usable after the cancel", db);
	tdm_db_close(db);
}

/* A port with a listener that never answers: the TCP handshake completes,
 * the PostgreSQL one never does. */
static void t_connect(void)
{
	struct tdm_db_opts o = opts;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof a;
	struct tdm_db *db = NULL;
	char u[256], err[256];
	int s = socket(AF_INET, SOCK_STREAM, 0), port = 0, rc;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
	    listen(s, 8) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &alen) == 0)
		port = ntohs(a.sin_port);
	o.connect_timeout_ms = 300;
	snprintf(u, sizeof u, "postgres://tandem@127.0.0.1:%d/x", port);
	err[0] = '\0';
	rc = tdm_db_open(u, &o, &db, err, sizeof err);
	check(port && rc == -ENOTCONN && strstr(err, "timed out"),
	      "a server that never answers: -ENOTCONN after connect_timeout_ms",
	      NULL);
	if (rc)
		printf("  (%s)\n", err);
	tdm_db_close(db);

	/* the same port closed: nothing listens there now */
	if (s >= 0)
		close(s);
	db = NULL;
	rc = tdm_db_open(u, &o, &db, err, sizeof err);
	check(rc == -ENOTCONN, "nothing listening on the port: -ENOTCONN", NULL);
	tdm_db_close(db);

	db = NULL;
	rc = tdm_db_open("postgres://tandem@127.0.0.1/x?no_such_param=1", &o,
			 &db, err, sizeof err);
	check(rc == -EINVAL, "a URL libpq refuses: -EINVAL", NULL);
	tdm_db_close(db);
}

/* Retries fn-less sql until it runs (the backoff expires), at most
 * ~20 s; returns the last result. */
static int until_ok(struct tdm_db_stmt *st, int *first)
{
	int rc = tdm_db_exec(st, NULL, 0, NULL, NULL);

	*first = rc;
	for (int i = 0; rc != 0 && i < 200; i++) {
		sleep_ms(100);
		rc = tdm_db_exec(st, NULL, 0, NULL, NULL);
	}
	return rc;
}

static void t_restart(struct tdm_db *db)
{
	struct tdm_db_stmt *st;
	int first, rc, w = 0;

	if (tdm_db_prepare(db, "SELECT count(*) FROM domain", &st)) {
		check(false, "prepare", db);
		return;
	}
	check(tdm_db_exec(st, NULL, 0, NULL, NULL) == 0, "before the restart", db);
	check(pg_cmd("restart", false) == 0, "server restarted", NULL);
	rc = until_ok(st, &first);
	check(first == -ENOTCONN, "the first call after a restart: -ENOTCONN",
	      db);
	check(rc == 0 && tdm_db_connected(db),
	      "a later call reconnects and prepares the statement again", db);

	/* the listener came back with the connection: LISTEN again */
	while (tdm_db_wait(db, 0) == 1 && w++ < 10)
		; /* a reconnect may report 1 once: flush */
	pg_cmd("psql -c 'NOTIFY tandem_change'", true);
	for (w = 0, rc = 0; rc != 1 && w < 20; w++)
		rc = tdm_db_wait(db, 1000);
	check(rc == 1, "LISTEN is renewed on the new connection", db);

	/* the server dies while a query runs */
	pg_cmd("kill", true);
	rc = tdm_db_query(db, "SELECT pg_sleep(30)", NULL, 0, NULL, NULL);
	check(rc == -ENOTCONN, "the server dying mid-query: -ENOTCONN", db);
	check(tdm_db_exec(st, NULL, 0, NULL, NULL) == -ENOTCONN,
	      "calls fail at once while it is away", db);
	check(pg_cmd("resume", false) == 0, "server started again", NULL);
	check(until_ok(st, &first) == 0, "and the connection comes back", db);
	tdm_db_stmt_free(st);
}

int main(int argc, char **argv)
{
	struct tdm_db *db;
	const char *schema = getenv("TDM_SCHEMA_DIR");
	char err[512];
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pg_checks postgres://...\n");
		return 2;
	}
	url = argv[1];
	pg_sh = getenv("PG_SH");
	if (!pg_sh || !schema) {
		fprintf(stderr, "pg_checks: PG_SH and TDM_SCHEMA_DIR must be set "
			"(tests/db/postgres.sh does)\n");
		return 2;
	}
	/* pg.sh psql talks to PG_URL: our database (NOTIFY is per database) */
	setenv("PG_URL", url, 1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = tdm_db_open(url, &opts, &db, err, sizeof err);
	check(rc == 0, "open", NULL);
	if (rc) {
		printf("  (%s)\n", err);
		printf("%d passed, %d failed\n", npass, nfail);
		return 1;
	}
	check(strcmp(tdm_db_dialect(db), "postgres") == 0, "dialect postgres", db);
	t_types(db);
	t_wide(db);
	t_schema(db, schema);
	t_errors(db);
	t_rows(db);
	t_txn(db);
	t_dealloc(db);
	t_notify(db);
	t_query_timeout();
	t_connect();
	t_restart(db);
	tdm_db_close(db);
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
