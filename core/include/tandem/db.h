/* SPDX-License-Identifier: GPL-2.0-or-later
 * The database API: one driver-neutral interface for the core, the
 * modules and tandemctl, and the contract a database driver module fills.
 *
 *   struct tdm_db *db;
 *   char err[256];
 *   if (tdm_db_open("sqlite:/var/lib/tandem/tandem.db", NULL, &db, err,
 *                   sizeof err) < 0) ...
 *   struct tdm_db_stmt *st;
 *   tdm_db_prepare(db, "SELECT id FROM subscriber WHERE username = $1 "
 *                  "AND domain = $2", &st);
 *   struct tdm_db_val p[] = { TDM_DB_TEXT_C("alice"), TDM_DB_TEXT_C("example.org") };
 *   tdm_db_exec(st, p, 2, on_row, arg);
 *
 * Statements are written with numbered placeholders $1 .. $n in both SQL
 * dialects; values are always bound, never pasted into SQL text.
 *
 * A connection (struct tdm_db) is used by one thread at a time. It
 * reconnects by itself: when the driver reports the connection lost, the
 * call fails with -ENOTCONN, and the next call after the backoff delay
 * (doubling from backoff_min_ms to backoff_max_ms) connects again and
 * prepares the statements again, transparently to their holders. Calls in
 * the backoff window fail at once with -ENOTCONN: a worker or the
 * snapshot thread is never stuck on a dead database.
 *
 * Return values: 0 (or a count, or a row function's non-zero value) on
 * success, else -errno: -EEXIST a unique constraint was violated,
 * -EINVAL bad SQL, wrong parameters or another constraint violated,
 * -ENOTCONN the database is unreachable (retry later), -ETIMEDOUT the
 * query ran past query_timeout_ms, -ENOMEM. tdm_db_error() says more. */
#ifndef TANDEM_DB_H
#define TANDEM_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <tandem/compiler.h>

/* ---- Values ------------------------------------------------------------ */

enum tdm_db_type {
	TDM_DB_NULL = 0,
	TDM_DB_INT,      /* i */
	TDM_DB_TEXT,     /* s, len (not NUL-terminated in rows) */
};

/* A bound parameter or a column of a row. Text in a row points into the
 * driver's buffers and is valid during the row callback only. */
struct tdm_db_val {
	enum tdm_db_type type;
	int64_t i;
	const char *s;
	size_t len;
};

#define TDM_DB_NULL_V ((struct tdm_db_val){ .type = TDM_DB_NULL })
#define TDM_DB_INT_V(v) ((struct tdm_db_val){ .type = TDM_DB_INT, .i = (v) })
#define TDM_DB_TEXT_V(p, n) \
	((struct tdm_db_val){ .type = TDM_DB_TEXT, .s = (p), .len = (n) })
/* A NUL-terminated C string. */
#define TDM_DB_TEXT_C(p) TDM_DB_TEXT_V((p), strlen(p))

/* One row: ncol columns in the order of the SELECT list. An INT column
 * read as text, or a TEXT column holding a number, is converted by the
 * accessors below; drivers report each column in its declared type. */
struct tdm_db_row {
	const struct tdm_db_val *col;
	unsigned ncol;
};

/* Called for each row; return 0 to go on, anything else stops the
 * statement and is returned by tdm_db_exec(). */
typedef int tdm_db_row_fn(void *arg, const struct tdm_db_row *row);

/* Column accessors (out-of-range or NULL columns give 0 / "" / true). */
TDM_API int64_t tdm_db_row_int(const struct tdm_db_row *r, unsigned col);
TDM_API const char *tdm_db_row_text(const struct tdm_db_row *r, unsigned col,
				    size_t *len);
TDM_API bool tdm_db_row_null(const struct tdm_db_row *r, unsigned col);

/* ---- Connections ------------------------------------------------------- */

/* Zero fields take the defaults in brackets. */
struct tdm_db_opts {
	unsigned connect_timeout_ms;  /* [3000] bound on (re)connecting */
	unsigned query_timeout_ms;    /* [5000] bound on one statement;
				       * SQLite: busy timeout on a locked file */
	unsigned backoff_min_ms;      /* [250] first reconnect delay */
	unsigned backoff_max_ms;      /* [10000] longest reconnect delay */
};

struct tdm_db;
struct tdm_db_stmt;

/* Connects to url: "sqlite:PATH" (PATH relative to the working folder,
 * created when missing; "sqlite::memory:" for a private in-memory
 * database) or "postgres://user:pass@host:port/db?params" (also
 * "postgresql://", any libpq connection URI). The scheme picks the driver
 * module (sqlite → db_sqlite, postgres/postgresql → db_postgres), loaded
 * on first use. opts may be NULL. Returns 0, -EINVAL (bad URL, unknown
 * scheme, driver module missing) or -ENOTCONN (cannot connect), with the
 * reason in err. */
TDM_API int tdm_db_open(const char *url, const struct tdm_db_opts *opts,
			struct tdm_db **out, char *err, size_t errlen);
/* Finalizes every statement of db and disconnects. NULL is fine. */
TDM_API void tdm_db_close(struct tdm_db *db);

/* The message of the last failed call on db ("" when none). */
TDM_API const char *tdm_db_error(const struct tdm_db *db);
/* "sqlite" or "postgres": selects db-schema/<dialect>/. */
TDM_API const char *tdm_db_dialect(const struct tdm_db *db);
/* The URL with any password replaced by "***", for logs. */
TDM_API const char *tdm_db_url_safe(const struct tdm_db *db);
/* True when the last call reached the database. */
TDM_API bool tdm_db_connected(const struct tdm_db *db);

/* Prepares sql ($1..$n placeholders) on db. The statement belongs to db
 * (freed by tdm_db_close, or earlier by tdm_db_stmt_free) and survives
 * reconnects. 0 or -errno. */
TDM_API int tdm_db_prepare(struct tdm_db *db, const char *sql,
			   struct tdm_db_stmt **out);
TDM_API void tdm_db_stmt_free(struct tdm_db_stmt *st);

/* Runs st with n bound parameters, calling fn (may be NULL) for each row.
 * Returns 0 when done, fn's non-zero value when fn stopped it, or -errno.
 * tdm_db_changes() then gives the rows an INSERT/UPDATE/DELETE touched. */
TDM_API int tdm_db_exec(struct tdm_db_stmt *st, const struct tdm_db_val *params,
			unsigned n, tdm_db_row_fn *fn, void *arg);
/* One-shot: prepare, exec, free. */
TDM_API int tdm_db_query(struct tdm_db *db, const char *sql,
			 const struct tdm_db_val *params, unsigned n,
			 tdm_db_row_fn *fn, void *arg);
TDM_API int64_t tdm_db_changes(const struct tdm_db *db);

/* Runs several ;-separated statements without parameters (migrations). */
TDM_API int tdm_db_script(struct tdm_db *db, const char *sql);

/* Transactions (not nested). A lost connection rolls back by itself. */
TDM_API int tdm_db_begin(struct tdm_db *db);
TDM_API int tdm_db_commit(struct tdm_db *db);
TDM_API int tdm_db_rollback(struct tdm_db *db);

/* Change notifications. tdm_db_listen subscribes to channel (PostgreSQL
 * LISTEN; kept across reconnects); -ENOTSUP when the driver has none
 * (SQLite). tdm_db_wait blocks up to timeout_ms: 1 when a notification
 * arrived (all pending ones are consumed), 0 on timeout (the only outcome
 * without notifications: it just sleeps), -errno on a lost connection. */
TDM_API int tdm_db_listen(struct tdm_db *db, const char *channel);
TDM_API int tdm_db_wait(struct tdm_db *db, unsigned timeout_ms);

/* ---- Drivers ------------------------------------------------------------
 * A driver module sets .db_driver in its descriptor (<tandem/module.h>).
 * Every function gets the driver's connection handle; errors return
 * -errno as above with a message in err. conn and stmt are the driver's
 * own objects. */
struct tdm_db_driver {
	const char *name;             /* "sqlite": the dialect */
	const char *const *schemes;   /* URL schemes, NULL-terminated */
	int (*connect)(const char *url, const struct tdm_db_opts *o,
		       void **conn, char *err, size_t errlen);
	void (*disconnect)(void *conn);
	int (*prepare)(void *conn, const char *sql, void **stmt, char *err,
		       size_t errlen);
	void (*finalize)(void *conn, void *stmt);
	/* *changes: rows touched (0 for a SELECT). */
	int (*exec)(void *conn, void *stmt, const struct tdm_db_val *params,
		    unsigned n, tdm_db_row_fn *fn, void *arg, int64_t *changes,
		    char *err, size_t errlen);
	int (*script)(void *conn, const char *sql, char *err, size_t errlen);
	/* Optional (NULL: no notifications). */
	int (*listen)(void *conn, const char *channel, char *err, size_t errlen);
	int (*wait)(void *conn, unsigned timeout_ms, char *err, size_t errlen);
};

#endif
