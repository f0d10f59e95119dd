/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/db: the connection and statement objects behind
 * <tandem/db.h>, and the pure helpers (URL scheme, redaction, backoff)
 * the unit tests check on their own. */
#ifndef TDM_DB_INT_H
#define TDM_DB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/compiler.h>
#include <tandem/db.h>

/* Reconnect delays: doubling from min to max, back to min on success. */
struct tdm_db_backoff {
	unsigned min_ms, max_ms;
	unsigned next_ms;   /* the delay the next failure waits */
};

void tdm_db_backoff_init(struct tdm_db_backoff *b, unsigned min_ms,
			 unsigned max_ms);
/* The delay after one more failure (then doubles the next one). */
unsigned tdm_db_backoff_fail(struct tdm_db_backoff *b);
void tdm_db_backoff_reset(struct tdm_db_backoff *b);

/* The scheme of url ("sqlite" for "sqlite:x", "postgres" for
 * "postgres://..."), lower-cased into out. 0 or -EINVAL (no scheme, or one
 * that is not [a-z][a-z0-9+.-]*, or longer than outlen - 1). */
int tdm_db_url_scheme(const char *url, char *out, size_t outlen);
/* The driver module of a scheme: sqlite -> db_sqlite, postgres and
 * postgresql -> db_postgres, x -> db_x. 0 or -EINVAL (too long). */
int tdm_db_scheme_module(const char *scheme, char *out, size_t outlen);
/* A copy of url (tdm_malloc) with the password of "scheme://user:pw@..."
 * and of any "password=" parameter replaced by "***"; NULL on ENOMEM. */
char *tdm_db_url_redact(const char *url);

/* The driver for url's scheme: among the loaded modules, else loaded now
 * (db_driver.c). 0 or -EINVAL with the reason in err. */
int tdm_db_driver_find(const char *url, const struct tdm_db_driver **out,
		       char *err, size_t errlen);
/* A driver descriptor is usable: name, schemes and every required
 * function set. 0 or -EINVAL with the missing piece in err. */
int tdm_db_driver_check(const struct tdm_db_driver *d, char *err,
			size_t errlen);

struct tdm_db_stmt {
	struct tdm_db *db;
	char *sql;              /* kept to prepare again after a reconnect */
	void *h;                /* the driver's statement, NULL: not prepared */
	unsigned gen;           /* db->gen when h was prepared */
	struct tdm_db_stmt *prev, *next;
};

/* One connection; used by one thread at a time (see <tandem/db.h>). */
struct tdm_db {
	const struct tdm_db_driver *drv;
	void *conn;             /* driver connection, NULL while down */
	char *url;
	char *url_safe;
	struct tdm_db_opts opts;
	unsigned gen;           /* bumped on every (re)connect */
	struct tdm_db_backoff backoff;
	uint64_t retry_at_ms;   /* no reconnect attempt before (monotonic) */
	bool connected;         /* the last call reached the database */
	bool in_txn;            /* between begin and commit/rollback */
	bool txn_lost;          /* the connection dropped inside it */
	int64_t changes;
	struct tdm_db_stmt *stmts;
	char **channels;        /* LISTENed, subscribed again on reconnect */
	unsigned nchannels;
	char err[512];
};

/* Makes sure db has a live connection, reconnecting when the backoff
 * allows (db.c). 0 or -ENOTCONN with db->err set. */
int tdm_db_ensure(struct tdm_db *db);
/* Records a driver result: -ENOTCONN drops the connection (statements
 * forgotten, backoff armed, a transaction marked lost); anything else
 * marks the database reached. Returns rc. */
int tdm_db_result(struct tdm_db *db, int rc);
/* Writes a message into db->err and returns code. */
int tdm_db_fail(struct tdm_db *db, int code, const char *fmt, ...)
	TDM_PRINTF(3, 4);
/* Monotonic clock in milliseconds. */
uint64_t tdm_db_now_ms(void);

#endif
