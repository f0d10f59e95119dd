/* SPDX-License-Identifier: GPL-2.0-or-later
 * Statements of the database API. A statement keeps its SQL text and is
 * prepared on the driver lazily: at first use and again after each
 * reconnect (its handle belongs to one connection, recorded by the
 * connection's generation), so holders keep their pointer for the
 * connection's whole life. */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include "db/db_int.h"
#include "db/db_stats.h"

/* Prepares st on the current connection when it is not yet. */
static int ready(struct tdm_db_stmt *st)
{
	struct tdm_db *db = st->db;
	int rc = tdm_db_ensure(db);

	if (rc)
		return rc;
	if (st->h && st->gen == db->gen)
		return 0;
	st->h = NULL;
	rc = db->drv->prepare(db->conn, st->sql, &st->h, db->err,
			      sizeof(db->err));
	rc = tdm_db_result(db, rc);
	if (!rc)
		st->gen = db->gen;
	else
		st->h = NULL;
	return rc;
}

int tdm_db_prepare(struct tdm_db *db, const char *sql, struct tdm_db_stmt **out)
{
	struct tdm_db_stmt *st;
	int rc;

	*out = NULL;
	st = tdm_calloc(1, sizeof(*st));
	if (!st || !(st->sql = tdm_strndup(sql, strlen(sql)))) {
		tdm_free(st);
		return tdm_db_fail(db, -ENOMEM, "out of memory");
	}
	st->db = db;
	st->next = db->stmts;
	if (db->stmts)
		db->stmts->prev = st;
	db->stmts = st;
	db->err[0] = '\0';
	/* prepared now so bad SQL shows here; a database that is away only
	 * delays it (the statement is prepared on first use) */
	rc = ready(st);
	if (rc && rc != -ENOTCONN) {
		tdm_db_stmt_free(st);
		return rc;
	}
	*out = st;
	return 0;
}

void tdm_db_stmt_free(struct tdm_db_stmt *st)
{
	struct tdm_db *db;

	if (!st)
		return;
	db = st->db;
	if (st->h && db->conn)
		db->drv->finalize(db->conn, st->h);
	if (st->prev)
		st->prev->next = st->next;
	else
		db->stmts = st->next;
	if (st->next)
		st->next->prev = st->prev;
	tdm_free(st->sql);
	tdm_free(st);
}

int tdm_db_exec(struct tdm_db_stmt *st, const struct tdm_db_val *params,
		unsigned n, tdm_db_row_fn *fn, void *arg)
{
	struct tdm_db *db = st->db;
	uint64_t t0 = tdm_db_stats_clock();
	int64_t changes = 0;
	int rc;

	db->changes = 0;
	db->err[0] = '\0';
	rc = ready(st);
	if (!rc) {
		rc = db->drv->exec(db->conn, st->h, params, n, fn, arg, &changes,
				   db->err, sizeof(db->err));
		db->changes = changes;
		rc = tdm_db_result(db, rc);
	}
	tdm_db_stats_observe(rc, t0);
	return rc;
}

int tdm_db_query(struct tdm_db *db, const char *sql,
		 const struct tdm_db_val *params, unsigned n,
		 tdm_db_row_fn *fn, void *arg)
{
	struct tdm_db_stmt *st;
	int rc = tdm_db_prepare(db, sql, &st);

	if (rc)
		return rc;
	rc = tdm_db_exec(st, params, n, fn, arg);
	tdm_db_stmt_free(st);
	return rc;
}

int64_t tdm_db_changes(const struct tdm_db *db)
{
	return db->changes;
}

int tdm_db_script(struct tdm_db *db, const char *sql)
{
	uint64_t t0 = tdm_db_stats_clock();
	int rc = tdm_db_ensure(db);

	if (!rc) {
		db->err[0] = '\0';
		rc = db->drv->script(db->conn, sql, db->err, sizeof(db->err));
		rc = tdm_db_result(db, rc);
	}
	tdm_db_stats_observe(rc, t0);
	return rc;
}
