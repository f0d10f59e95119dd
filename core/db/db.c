/* SPDX-License-Identifier: GPL-2.0-or-later
 * Connections of the database API (<tandem/db.h>): opening through the
 * URL's driver, the per-connection error message, and reconnecting by
 * itself with a doubling backoff when the driver reports the database
 * lost, so that callers only ever see -ENOTCONN and retry later. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/log.h>
#include "db/db_int.h"

static TDM_LOG_SUBSYS(log_db, "db");

int tdm_db_fail(struct tdm_db *db, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(db->err, sizeof(db->err), fmt, ap);
	va_end(ap);
	return code;
}

static void apply_defaults(struct tdm_db_opts *o, const struct tdm_db_opts *in)
{
	*o = in ? *in : (struct tdm_db_opts){ 0 };
	if (!o->connect_timeout_ms)
		o->connect_timeout_ms = 3000;
	if (!o->query_timeout_ms)
		o->query_timeout_ms = 5000;
	if (!o->backoff_min_ms)
		o->backoff_min_ms = 250;
	if (!o->backoff_max_ms)
		o->backoff_max_ms = 10000;
	if (o->backoff_max_ms < o->backoff_min_ms)
		o->backoff_max_ms = o->backoff_min_ms;
}

/* Forgets the driver's statements and connection (the statements stay,
 * to be prepared again on the next connection). */
static void drop(struct tdm_db *db)
{
	for (struct tdm_db_stmt *st = db->stmts; st; st = st->next) {
		if (st->h)
			db->drv->finalize(db->conn, st->h);
		st->h = NULL;
	}
	if (db->conn)
		db->drv->disconnect(db->conn);
	db->conn = NULL;
}

/* Subscribes the new connection to every channel listened before. */
static int relisten(struct tdm_db *db)
{
	for (unsigned i = 0; i < db->nchannels; i++) {
		int rc = db->drv->listen(db->conn, db->channels[i], db->err,
					 sizeof(db->err));
		if (rc)
			return rc;
	}
	return 0;
}

/* One connection attempt; on failure the next one waits for the backoff. */
static int connect_now(struct tdm_db *db)
{
	int rc = db->drv->connect(db->url, &db->opts, &db->conn, db->err,
				  sizeof(db->err));

	if (!rc && db->nchannels && (rc = relisten(db)) != 0)
		drop(db);
	if (rc) {
		unsigned wait = tdm_db_backoff_fail(&db->backoff);
		db->conn = NULL;
		db->connected = false;
		db->retry_at_ms = tdm_db_now_ms() + wait;
		return rc;
	}
	tdm_db_backoff_reset(&db->backoff);
	db->gen++;
	db->connected = true;
	return 0;
}

int tdm_db_ensure(struct tdm_db *db)
{
	uint64_t now;
	int rc;

	if (db->txn_lost)
		return tdm_db_fail(db, -ENOTCONN, "the connection was lost "
				   "inside a transaction: it was rolled back");
	if (db->conn)
		return 0;
	now = tdm_db_now_ms();
	if (now < db->retry_at_ms)
		return tdm_db_fail(db, -ENOTCONN, "database %s unreachable: "
				   "next attempt in %llu ms", db->url_safe,
				   (unsigned long long)(db->retry_at_ms - now));
	rc = connect_now(db);
	if (!rc)
		TDM_LOGN(&log_db, "reconnected to %s", db->url_safe);
	return rc == -ENOMEM || !rc ? rc : -ENOTCONN;
}

int tdm_db_result(struct tdm_db *db, int rc)
{
	if (rc != -ENOTCONN) {
		db->connected = true;
		return rc;
	}
	if (db->conn) {
		TDM_LOGW(&log_db, "lost %s: %s", db->url_safe, db->err);
		drop(db);
		db->retry_at_ms = tdm_db_now_ms() +
				  tdm_db_backoff_fail(&db->backoff);
	}
	db->connected = false;
	if (db->in_txn)
		db->txn_lost = true;
	return rc;
}

int tdm_db_open(const char *url, const struct tdm_db_opts *opts,
		struct tdm_db **out, char *err, size_t errlen)
{
	const struct tdm_db_driver *drv;
	struct tdm_db *db;
	int rc;

	*out = NULL;
	rc = tdm_db_driver_find(url, &drv, err, errlen);
	if (rc)
		return rc;
	db = tdm_calloc(1, sizeof(*db));
	if (!db || !(db->url = tdm_strndup(url, strlen(url))) ||
	    !(db->url_safe = tdm_db_url_redact(url))) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto fail;
	}
	db->drv = drv;
	apply_defaults(&db->opts, opts);
	tdm_db_backoff_init(&db->backoff, db->opts.backoff_min_ms,
			    db->opts.backoff_max_ms);
	rc = connect_now(db);
	if (rc) {
		/* a bad URL stays -EINVAL; everything else is unreachable */
		if (rc != -EINVAL && rc != -ENOMEM)
			rc = -ENOTCONN;
		snprintf(err, errlen, "%s", db->err);
		goto fail;
	}
	*out = db;
	return 0;
fail:
	tdm_db_close(db);
	return rc;
}

void tdm_db_close(struct tdm_db *db)
{
	if (!db)
		return;
	drop(db);
	while (db->stmts)
		tdm_db_stmt_free(db->stmts);
	for (unsigned i = 0; i < db->nchannels; i++)
		tdm_free(db->channels[i]);
	tdm_free(db->channels);
	tdm_free(db->url);
	tdm_free(db->url_safe);
	tdm_free(db);
}

const char *tdm_db_error(const struct tdm_db *db)
{
	return db ? db->err : "";
}

const char *tdm_db_dialect(const struct tdm_db *db)
{
	return db->drv->name;
}

const char *tdm_db_url_safe(const struct tdm_db *db)
{
	return db->url_safe;
}

bool tdm_db_connected(const struct tdm_db *db)
{
	return db && db->connected;
}
