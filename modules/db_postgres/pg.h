/* SPDX-License-Identifier: GPL-2.0-or-later
 * db_postgres internals: the connection object shared by the files of the
 * module, and the bounded I/O helpers every call goes through. Nothing
 * here blocks without a deadline: libpq runs in non-blocking mode and we
 * poll(2) its socket ourselves. */
#ifndef TDM_DB_POSTGRES_PG_H
#define TDM_DB_POSTGRES_PG_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <tandem/buf.h>
#include <tandem/db.h>
#include <tandem/log.h>

extern struct tdm_log_subsys pg_log;

/* One connection (the driver's conn handle). Owned by the core's struct
 * tdm_db from connect() to disconnect(); used by one thread at a time. */
struct pg_conn {
	PGconn *pg;
	unsigned connect_timeout_ms;
	unsigned query_timeout_ms;
	uint64_t next_stmt;     /* names tdm_1, tdm_2, ... of this session */
	bool broken;            /* lost or out of sync: every call -ENOTCONN */
	struct tdm_buf dealloc; /* "DEALLOCATE tdm_N;" of finalized stmts */
	unsigned ndealloc;
};

/* A server-side prepared statement of one connection. */
struct pg_stmt {
	char name[32];
};

/* Milliseconds of a monotonic clock. */
uint64_t pg_now_ms(void);

/* Connects to a libpq URI within o->connect_timeout_ms. 0, -EINVAL (bad
 * URI), -ENOTCONN (unreachable, refused, timed out) or -ENOMEM. */
int pg_connect(const char *url, const struct tdm_db_opts *o,
	       struct pg_conn **out, char *err, size_t errlen);
void pg_disconnect(struct pg_conn *c);

/* Polls the socket of pg for ev until deadline (pg_now_ms() scale): 1
 * ready, 0 deadline passed, -ENOTCONN no socket or poll failed. */
int pg_poll(PGconn *pg, short ev, uint64_t deadline);

/* Collects the results of the query just sent (PQsend*), calling fn for
 * each row of each result set until fn returns non-zero. Bounded by
 * query_timeout_ms: past it the query is cancelled, its results drained
 * and -ETIMEDOUT returned. Returns 0, fn's value, or the -errno of the
 * first failure; *changes (may be NULL) gets the rows touched. Leaves
 * the connection ready for the next query, or marked broken. */
int pg_results(struct pg_conn *c, tdm_db_row_fn *fn, void *arg,
	       int64_t *changes, char *err, size_t errlen);

/* Sends sql (several statements allowed) and runs it to completion under
 * the query timeout, ignoring any rows. 0 or -errno. */
int pg_simple(struct pg_conn *c, const char *sql, char *err, size_t errlen);

/* The -errno for a failed result r (NULL: a client-side failure) with the
 * server's message in err; marks c broken when the connection is gone. */
int pg_error(struct pg_conn *c, const PGresult *r, char *err, size_t errlen);
/* Marks c broken and sets err from libpq's message: -ENOTCONN. */
int pg_lost(struct pg_conn *c, char *err, size_t errlen);
/* Copies msg (and detail, in brackets, when not NULL) into err as one
 * line. */
void pg_msg(char *err, size_t errlen, const char *msg, const char *detail);
/* True when c can take a query. */
bool pg_usable(const struct pg_conn *c);

#endif
