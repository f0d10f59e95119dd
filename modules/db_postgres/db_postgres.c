/* SPDX-License-Identifier: GPL-2.0-or-later
 * db_postgres: the PostgreSQL driver of the database API (<tandem/db.h>),
 * on libpq. Statements are server-side prepared statements (PostgreSQL
 * numbers placeholders $1..$n natively), parameters go as text, and
 * every round trip is bounded: see pg_io.c. tdm_db_open() loads this
 * module for postgres:// and postgresql:// URLs. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <tandem/alloc.h>
#include <tandem/tandem.h>
#include "pg.h"

TDM_LOG_SUBSYS(pg_log, "db_postgres");

/* Statements finalized are deallocated on the server in batches of this
 * many (one round trip), so a one-shot tdm_db_query() costs two round
 * trips, not three. */
#define DEALLOC_BATCH 16

static int pgd_connect(const char *url, const struct tdm_db_opts *o,
		       void **conn, char *err, size_t errlen)
{
	struct pg_conn *c;
	int rc = pg_connect(url, o, &c, err, errlen);

	*conn = rc == 0 ? c : NULL;
	return rc;
}

static void pgd_disconnect(void *conn)
{
	pg_disconnect(conn);
}

/* Sends the pending DEALLOCATEs when there are enough of them and no
 * transaction is open (where a failed one would abort it). Only a lost
 * connection is an error for the caller. */
static int flush_dealloc(struct pg_conn *c, char *err, size_t errlen)
{
	int rc;

	if (c->ndealloc < DEALLOC_BATCH ||
	    PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		return 0;
	rc = c->dealloc.err ? 0 : pg_simple(c, c->dealloc.data, err, errlen);
	tdm_buf_reset(&c->dealloc);
	c->dealloc.err = 0;
	c->ndealloc = 0;
	if (rc < 0)
		TDM_LOGD(&pg_log, "DEALLOCATE failed: %s", err);
	return rc == -ENOTCONN ? rc : 0;
}

static int pgd_prepare(void *conn, const char *sql, void **stmt, char *err,
		       size_t errlen)
{
	struct pg_conn *c = conn;
	struct pg_stmt *s;
	int rc;

	*stmt = NULL;
	if (!pg_usable(c))
		return pg_lost(c, err, errlen);
	if ((rc = flush_dealloc(c, err, errlen)) < 0)
		return rc;
	s = tdm_calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	snprintf(s->name, sizeof s->name, "tdm_%llu",
		 (unsigned long long)++c->next_stmt);
	if (!PQsendPrepare(c->pg, s->name, sql, 0, NULL))
		rc = pg_error(c, NULL, err, errlen);
	else
		rc = pg_results(c, NULL, NULL, NULL, err, errlen);
	if (rc < 0) {
		tdm_free(s);
		return rc;
	}
	*stmt = s;
	return 0;
}

/* The server statement is dropped later, in a batch (flush_dealloc); on
 * a dead session there is nothing to drop. conn may be NULL. */
static void pgd_finalize(void *conn, void *stmt)
{
	struct pg_conn *c = conn;
	struct pg_stmt *s = stmt;

	if (!s)
		return;
	if (pg_usable(c) &&
	    tdm_buf_printf(&c->dealloc, "DEALLOCATE %s;", s->name) >= 0)
		c->ndealloc++;
	tdm_free(s);
}

/* Parameters as NUL-terminated text (libpq's text format): integers in
 * decimal, NULL as a NULL pointer. One allocation for all of them. */
static int bind_text(const struct tdm_db_val *p, unsigned n, char **vals,
		     char **store, char *err, size_t errlen)
{
	size_t total = 0, off = 0;
	char *b;

	for (unsigned i = 0; i < n; i++)
		total += p[i].type == TDM_DB_TEXT ? p[i].len + 1 : 24;
	b = tdm_malloc(total ? total : 1);
	if (!b)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		vals[i] = b + off;
		switch (p[i].type) {
		case TDM_DB_INT:
			off += (size_t)snprintf(b + off, 24, "%lld",
						(long long)p[i].i) + 1;
			break;
		case TDM_DB_TEXT:
			if (p[i].len && memchr(p[i].s, '\0', p[i].len)) {
				snprintf(err, errlen, "parameter $%u holds a "
					 "NUL byte", i + 1);
				tdm_free(b);
				return -EINVAL;
			}
			if (p[i].len)
				memcpy(b + off, p[i].s, p[i].len);
			b[off + p[i].len] = '\0';
			off += p[i].len + 1;
			break;
		default:
			vals[i] = NULL;
			break;
		}
	}
	*store = b;
	return 0;
}

static int pgd_exec(void *conn, void *stmt, const struct tdm_db_val *params,
		    unsigned n, tdm_db_row_fn *fn, void *arg, int64_t *changes,
		    char *err, size_t errlen)
{
	struct pg_conn *c = conn;
	struct pg_stmt *s = stmt;
	char *vsmall[16], **vals = vsmall, *store = NULL;
	int rc, sent;

	*changes = 0;
	if (!pg_usable(c))
		return pg_lost(c, err, errlen);
	if ((rc = flush_dealloc(c, err, errlen)) < 0)
		return rc;
	if (n > 16 && !(vals = tdm_malloc(n * sizeof(*vals))))
		return -ENOMEM;
	rc = bind_text(params, n, vals, &store, err, errlen);
	if (rc == 0) {
		sent = PQsendQueryPrepared(c->pg, s->name, (int)n,
					   (const char *const *)vals, NULL, NULL, 0);
		rc = sent ? pg_results(c, fn, arg, changes, err, errlen)
			  : pg_error(c, NULL, err, errlen);
	}
	tdm_free(store);
	if (vals != vsmall)
		tdm_free(vals);
	return rc;
}

/* True when sql is just the keyword word (any case, blanks and a ';'
 * around it). */
static bool is_just(const char *sql, const char *word)
{
	size_t n = strlen(word);

	while (*sql == ' ' || *sql == '\t' || *sql == '\n')
		sql++;
	if (strncasecmp(sql, word, n) != 0)
		return false;
	for (sql += n; *sql; sql++)
		if (*sql != ' ' && *sql != ';' && *sql != '\n' && *sql != '\t')
			return false;
	return true;
}

/* A statement that fails inside a transaction aborts it in PostgreSQL,
 * and COMMIT then answers "ROLLBACK" without an error. The caller asked
 * to keep the changes and they are gone: that is a failed commit. A
 * ROLLBACK with no transaction open (the core sends one after a failed
 * COMMIT) is a no-op we skip, sparing the server's WARNING. */
static int pgd_script(void *conn, const char *sql, char *err, size_t errlen)
{
	struct pg_conn *c = conn;
	bool aborted = pg_usable(c) &&
		       PQtransactionStatus(c->pg) == PQTRANS_INERROR;
	int rc;

	if (pg_usable(c) && PQtransactionStatus(c->pg) == PQTRANS_IDLE &&
	    is_just(sql, "ROLLBACK"))
		return 0;
	rc = pg_simple(c, sql, err, errlen);
	if (rc == 0 && aborted && (is_just(sql, "COMMIT") || is_just(sql, "END"))) {
		snprintf(err, errlen, "the transaction was rolled back: a "
			 "statement in it failed");
		return -EINVAL;
	}
	return rc;
}

static int pgd_listen(void *conn, const char *channel, char *err, size_t errlen)
{
	struct pg_conn *c = conn;
	struct tdm_buf q = TDM_BUF_INIT;
	char *id;
	int rc;

	if (!pg_usable(c))
		return pg_lost(c, err, errlen);
	id = PQescapeIdentifier(c->pg, channel, strlen(channel));
	if (!id)
		return pg_error(c, NULL, err, errlen);
	tdm_buf_printf(&q, "LISTEN %s", id);
	PQfreemem(id);
	rc = q.err ? q.err : pg_simple(c, q.data, err, errlen);
	tdm_buf_free(&q);
	return rc;
}

/* Consumes every notification libpq holds: true when there was one. */
static bool drain_notifies(PGconn *pg)
{
	PGnotify *n;
	bool got = false;

	while ((n = PQnotifies(pg))) {
		TDM_LOGD(&pg_log, "notification on %s: %s", n->relname, n->extra);
		PQfreemem(n);
		got = true;
	}
	return got;
}

/* Notifications that arrived during earlier queries are already queued
 * in libpq; otherwise sleep on the socket until one comes. */
static int pgd_wait(void *conn, unsigned timeout_ms, char *err, size_t errlen)
{
	struct pg_conn *c = conn;
	uint64_t deadline = pg_now_ms() + timeout_ms;

	if (!pg_usable(c))
		return pg_lost(c, err, errlen);
	for (;;) {
		int r;

		if (!PQconsumeInput(c->pg))
			return pg_lost(c, err, errlen);
		if (drain_notifies(c->pg))
			return 1;
		r = pg_poll(c->pg, POLLIN, deadline);
		if (r == 0)
			return 0;
		if (r < 0)
			return pg_lost(c, err, errlen);
	}
}

static const char *const pg_schemes[] = { "postgres", "postgresql", NULL };

static const struct tdm_db_driver pg_driver = {
	.name = "postgres",
	.schemes = pg_schemes,
	.connect = pgd_connect,
	.disconnect = pgd_disconnect,
	.prepare = pgd_prepare,
	.finalize = pgd_finalize,
	.exec = pgd_exec,
	.script = pgd_script,
	.listen = pgd_listen,
	.wait = pgd_wait,
};

static int pgd_load(void)
{
	int rc = tdm_log_subsys_register(&pg_log);

	return rc == -EEXIST ? 0 : rc;
}

static void pgd_unload(void)
{
	tdm_log_subsys_unregister(&pg_log);
}

TDM_MODULE_DESCRIPTOR(db_postgres) = {
	TDM_MODULE_HEADER,
	.name = "db_postgres",
	.description = "PostgreSQL database driver (libpq)",
	.load = pgd_load,
	.unload = pgd_unload,
	.db_driver = &pg_driver,
	.doc = "Serves `postgres://` and `postgresql://` URLs (any libpq "
	       "connection URI) for the database API. Connecting is bounded "
	       "by connect_timeout_ms, each statement by query_timeout_ms "
	       "(the server cancels it past that). Sessions run with "
	       "application_name=tandem and client_min_messages=warning.",
};
