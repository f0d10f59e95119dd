/* SPDX-License-Identifier: GPL-2.0-or-later
 * db_sqlite: the SQLite driver of the database API (<tandem/db.h>), for
 * single-node installations and tests. URLs "sqlite:PATH" (the file is
 * created, its folder must exist) and "sqlite::memory:". Each connection
 * enforces foreign keys, uses WAL on files, waits query_timeout_ms on a
 * locked database and interrupts statements (not scripts: migrations)
 * running longer than that.
 * Placeholders $1..$n are SQLite's own "$N" named parameters. */
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <tandem/alloc.h>
#include <tandem/db.h>
#include <tandem/module.h>

/* Finalized statements kept for reuse by SQL text (tdm_db_query runs
 * the same few statements again and again). */
#define SQ_CACHE 16

struct sq_conn {
	sqlite3 *h;
	unsigned timeout_ms;
	struct timespec deadline;  /* of the running statement */
	bool armed;                /* a statement runs: the deadline counts */
	sqlite3_stmt *cache[SQ_CACHE];
	unsigned ncache;
};

/* The -errno for SQLite's (extended) result code rc. */
static int sq_errno(int rc)
{
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return -EEXIST;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_FULL:
		return -ENOSPC;
	}
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_INTERRUPT:  /* our progress handler: query timeout */
		return -ETIMEDOUT;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return -ENOTCONN;    /* reopen later: the file may come back */
	default:
		return -EINVAL;
	}
}

static int sq_fail(struct sq_conn *c, int rc, char *err, size_t errlen)
{
	int e = sq_errno(rc);

	if (e == -ETIMEDOUT)
		snprintf(err, errlen, "sqlite: %s (query_timeout_ms %u passed)",
			 sqlite3_errstr(rc), c->timeout_ms);
	else
		snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(c->h));
	return e;
}

/* Interrupts a statement that runs past its deadline. */
static int sq_progress(void *arg)
{
	struct sq_conn *c = arg;
	struct timespec now;

	if (!c->armed)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > c->deadline.tv_sec ||
	       (now.tv_sec == c->deadline.tv_sec &&
		now.tv_nsec > c->deadline.tv_nsec);
}

static void sq_arm(struct sq_conn *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->deadline);
	c->deadline.tv_sec += c->timeout_ms / 1000;
	c->deadline.tv_nsec += (long)(c->timeout_ms % 1000) * 1000000L;
	if (c->deadline.tv_nsec >= 1000000000L) {
		c->deadline.tv_sec++;
		c->deadline.tv_nsec -= 1000000000L;
	}
	c->armed = true;
}

/* Refuses a file in a folder that does not exist, with a clear message
 * (SQLite only says "unable to open database file"). */
static int sq_check_folder(const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct stat st;

	if (!slash)
		return 0;
	if (slash == path)
		return 0;
	if ((size_t)(slash - path) >= sizeof(dir)) {
		snprintf(err, errlen, "sqlite: path too long");
		return -EINVAL;
	}
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "sqlite: folder %s does not exist (create "
			 "it first; the database file is created in it)", dir);
		return -ENOTCONN;
	}
	return 0;
}

static void sq_disconnect(void *conn)
{
	struct sq_conn *c = conn;

	if (!c)
		return;
	while (c->ncache)
		sqlite3_finalize(c->cache[--c->ncache]);
	sqlite3_close_v2(c->h);
	tdm_free(c);
}

static int sq_connect(const char *url, const struct tdm_db_opts *o,
		      void **out, char *err, size_t errlen)
{
	const char *path = url + strlen("sqlite:");
	bool memory;
	struct sq_conn *c;
	char pragmas[200];
	int rc;

	*out = NULL;
	if (strncmp(url, "sqlite:", 7)) {
		snprintf(err, errlen, "sqlite: not a sqlite: URL");
		return -EINVAL;
	}
	if (!strncmp(path, "//", 2))  /* sqlite:///abs/path */
		path += 2;
	if (!*path) {
		snprintf(err, errlen, "sqlite: no file in the URL (sqlite:PATH "
			 "or sqlite::memory:)");
		return -EINVAL;
	}
	memory = !strcmp(path, ":memory:");
	if (!memory && (rc = sq_check_folder(path, err, errlen)) != 0)
		return rc;
	c = tdm_calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->timeout_ms = o->query_timeout_ms;
	rc = sqlite3_open_v2(path, &c->h, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "sqlite: %s: %s", path,
			 c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
		sq_disconnect(c);
		return rc == SQLITE_NOMEM ? -ENOMEM : -ENOTCONN;
	}
	sqlite3_extended_result_codes(c->h, 1);
	snprintf(pragmas, sizeof(pragmas), "PRAGMA foreign_keys=ON; "
		 "PRAGMA busy_timeout=%u; PRAGMA synchronous=NORMAL;%s",
		 c->timeout_ms, memory ? "" : " PRAGMA journal_mode=WAL;");
	rc = sqlite3_exec(c->h, pragmas, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		/* a file that is not a database shows here */
		int e = sq_fail(c, rc, err, errlen);
		sq_disconnect(c);
		return e == -EINVAL ? -ENOTCONN : e;
	}
	sqlite3_progress_handler(c->h, 1000, sq_progress, c);
	*out = c;
	return 0;
}

static bool blank(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ';')
		s++;
	return !*s;
}

static int sq_prepare(void *conn, const char *sql, void **out, char *err,
		      size_t errlen)
{
	struct sq_conn *c = conn;
	sqlite3_stmt *st;
	const char *tail;
	int rc;

	for (unsigned i = 0; i < c->ncache; i++)
		if (!strcmp(sqlite3_sql(c->cache[i]), sql)) {
			*out = c->cache[i];
			c->cache[i] = c->cache[--c->ncache];
			return 0;
		}
	rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
				&tail);
	if (rc != SQLITE_OK)
		return sq_fail(c, rc, err, errlen);
	if (!st) {
		snprintf(err, errlen, "sqlite: empty statement");
		return -EINVAL;
	}
	if (!blank(tail)) {
		sqlite3_finalize(st);
		snprintf(err, errlen, "sqlite: one statement per prepare (several "
			 "go through tdm_db_script): \"%.40s\"", tail);
		return -EINVAL;
	}
	*out = st;
	return 0;
}

static void sq_finalize(void *conn, void *stmt)
{
	struct sq_conn *c = conn;
	sqlite3_stmt *st = stmt;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (c->ncache == SQ_CACHE) {   /* the oldest goes */
		sqlite3_finalize(c->cache[0]);
		memmove(c->cache, c->cache + 1, (SQ_CACHE - 1) * sizeof(*c->cache));
		c->ncache--;
	}
	c->cache[c->ncache++] = st;
}

/* Binds $1..$n: each must appear in the statement, and nothing else. */
static int sq_bind(struct sq_conn *c, sqlite3_stmt *st,
		   const struct tdm_db_val *p, unsigned n, char *err,
		   size_t errlen)
{
	int want = sqlite3_bind_parameter_count(st), rc = SQLITE_OK;

	if ((unsigned)want != n) {
		snprintf(err, errlen, "sqlite: the statement takes %d "
			 "parameter(s), %u given", want, n);
		return -EINVAL;
	}
	for (unsigned i = 0; i < n && rc == SQLITE_OK; i++) {
		char name[16];
		int idx;

		snprintf(name, sizeof(name), "$%u", i + 1);
		idx = sqlite3_bind_parameter_index(st, name);
		if (!idx) {
			snprintf(err, errlen, "sqlite: parameter %s is not in "
				 "the statement (use $1..$%u)", name, n);
			return -EINVAL;
		}
		switch (p[i].type) {
		case TDM_DB_NULL:
			rc = sqlite3_bind_null(st, idx);
			break;
		case TDM_DB_INT:
			rc = sqlite3_bind_int64(st, idx, p[i].i);
			break;
		case TDM_DB_TEXT:
			if (p[i].len > INT_MAX) {
				snprintf(err, errlen, "sqlite: parameter %s is "
					 "too long", name);
				return -EINVAL;
			}
			rc = sqlite3_bind_text(st, idx, p[i].s ? p[i].s : "",
					       (int)p[i].len, SQLITE_STATIC);
			break;
		default:
			snprintf(err, errlen, "sqlite: parameter %s has no type",
				 name);
			return -EINVAL;
		}
	}
	return rc == SQLITE_OK ? 0 : sq_fail(c, rc, err, errlen);
}

/* Reports one row; columns in their stored type (INTEGER, NULL, and the
 * rest as text). */
static int sq_row(sqlite3_stmt *st, struct tdm_db_val *v, unsigned ncol,
		  tdm_db_row_fn *fn, void *arg)
{
	struct tdm_db_row row = { v, ncol };

	for (unsigned i = 0; i < ncol; i++) {
		switch (sqlite3_column_type(st, (int)i)) {
		case SQLITE_INTEGER:
			v[i] = TDM_DB_INT_V(sqlite3_column_int64(st, (int)i));
			break;
		case SQLITE_NULL:
			v[i] = TDM_DB_NULL_V;
			break;
		default: {
			const char *s = (const char *)sqlite3_column_text(st, (int)i);
			v[i] = TDM_DB_TEXT_V(s ? s : "",
					     (size_t)sqlite3_column_bytes(st, (int)i));
		}
		}
	}
	return fn(arg, &row);
}

static int sq_exec(void *conn, void *stmt, const struct tdm_db_val *params,
		   unsigned n, tdm_db_row_fn *fn, void *arg, int64_t *changes,
		   char *err, size_t errlen)
{
	struct sq_conn *c = conn;
	sqlite3_stmt *st = stmt;
	struct tdm_db_val small[16], *v = small;
	unsigned ncol = (unsigned)sqlite3_column_count(st);
	int rc, ret = 0;

	*changes = 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	rc = sq_bind(c, st, params, n, err, errlen);
	if (rc)
		return rc;
	if (ncol > 16 && !(v = tdm_malloc(ncol * sizeof(*v)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	sq_arm(c);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn && (ret = sq_row(st, v, ncol, fn, arg)) != 0)
			break;
	}
	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		if (rc == SQLITE_DONE && !sqlite3_stmt_readonly(st))
			*changes = sqlite3_changes64(c->h);
		rc = ret;
	} else {
		rc = sq_fail(c, rc, err, errlen);
	}
	c->armed = false;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (v != small)
		tdm_free(v);
	return rc;
}

static int sq_script(void *conn, const char *sql, char *err, size_t errlen)
{
	struct sq_conn *c = conn;
	int rc;

	/* scripts are migrations and transaction control: a migration may
	 * rewrite a big table, so only the busy timeout bounds them */
	rc = sqlite3_exec(c->h, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sq_fail(c, rc, err, errlen);
}

static const char *const sq_schemes[] = { "sqlite", NULL };

static const struct tdm_db_driver sq_driver = {
	.name = "sqlite",
	.schemes = sq_schemes,
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.exec = sq_exec,
	.script = sq_script,
};

TDM_MODULE_DESCRIPTOR(db_sqlite) = {
	TDM_MODULE_HEADER,
	.name = "db_sqlite",
	.description = "SQLite database driver (sqlite:PATH URLs)",
	.doc = "The driver of `sqlite:PATH` and `sqlite::memory:` database "
	       "URLs (<tandem/db.h>). No parameters, no script functions.",
	.db_driver = &sq_driver,
};
