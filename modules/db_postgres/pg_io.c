/* SPDX-License-Identifier: GPL-2.0-or-later
 * db_postgres: bounded waiting on libpq. The connection is in
 * non-blocking mode; after a PQsend* we flush and read with poll(2) on
 * PQsocket until the result is complete or the deadline passes, and on a
 * timeout cancel the query server-side so the session stays usable. A
 * worker never hangs on a slow or dead database. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tandem/alloc.h>
#include "pg.h"

uint64_t pg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int pg_poll(PGconn *pg, short ev, uint64_t deadline)
{
	for (;;) {
		uint64_t now = pg_now_ms();
		struct pollfd p = { .fd = PQsocket(pg), .events = ev };
		int r;

		if (p.fd < 0)
			return -ENOTCONN;
		if (now >= deadline)
			return 0;
		r = poll(&p, 1, deadline - now > INT_MAX ? INT_MAX
							 : (int)(deadline - now));
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -ENOTCONN;
	}
}

/* Flushes what libpq still holds to send and reads until PQgetResult
 * will not block. 0, -ETIMEDOUT (deadline), -ENOTCONN (socket gone). */
static int ready(PGconn *pg, uint64_t deadline)
{
	for (;;) {
		int f = PQflush(pg), r;

		if (f < 0 || !PQconsumeInput(pg))
			return -ENOTCONN;
		if (f == 0 && !PQisBusy(pg))
			return 0;
		r = pg_poll(pg, (short)(POLLIN | (f ? POLLOUT : 0)), deadline);
		if (r == 0)
			return -ETIMEDOUT;
		if (r < 0)
			return -ENOTCONN;
	}
}

/* The query ran past its deadline: ask the server to cancel it (PQcancel
 * opens a second connection to the same server, loopback-fast when the
 * server lives), then drain what the session still sends, for at most
 * connect_timeout_ms. A session that does not come back is marked broken:
 * the core reconnects. */
static void cancel_and_drain(struct pg_conn *c)
{
	PGcancel *k = PQgetCancel(c->pg);
	char buf[256];
	uint64_t deadline;
	PGresult *r;

	if (!k || !PQcancel(k, buf, sizeof buf))
		TDM_LOGW(&pg_log, "cancelling a timed-out query failed: %s",
			 k ? buf : "no cancel handle");
	if (k)
		PQfreeCancel(k);
	deadline = pg_now_ms() + c->connect_timeout_ms;
	for (;;) {
		if (ready(c->pg, deadline) < 0) {
			c->broken = true;
			return;
		}
		r = PQgetResult(c->pg);
		if (!r)
			return;
		if (PQresultStatus(r) == PGRES_COPY_IN ||
		    PQresultStatus(r) == PGRES_COPY_OUT ||
		    PQresultStatus(r) == PGRES_COPY_BOTH)
			c->broken = true;
		PQclear(r);
		if (c->broken)
			return;
	}
}

enum col_kind { K_TEXT, K_INT, K_BOOL };

/* Column kind from the type OID (pg_type.h: 16 bool, 20 int8, 21 int2,
 * 23 int4). Booleans become 0/1 integers, as SQLite stores them, so a
 * reader of `enabled` sees the same value with both drivers. */
static enum col_kind kind_of(Oid t)
{
	switch (t) {
	case 20: case 21: case 23:
		return K_INT;
	case 16:
		return K_BOOL;
	default:
		return K_TEXT;
	}
}

/* Calls fn for every row of a PGRES_TUPLES_OK result. 0, fn's value or
 * -ENOMEM. */
static int rows(const PGresult *r, tdm_db_row_fn *fn, void *arg)
{
	int nrow = PQntuples(r), ncol = PQnfields(r), rc = 0;
	struct tdm_db_val vsmall[16], *v = vsmall;
	unsigned char ksmall[16], *k = ksmall;

	if (ncol > 16) {
		v = tdm_calloc((size_t)ncol, sizeof(*v));
		k = tdm_malloc((size_t)ncol);
		if (!v || !k) {
			rc = -ENOMEM;
			goto out;
		}
	}
	for (int j = 0; j < ncol; j++)
		k[j] = (unsigned char)kind_of(PQftype(r, j));
	for (int i = 0; i < nrow && rc == 0; i++) {
		struct tdm_db_row row = { .col = v, .ncol = (unsigned)ncol };

		for (int j = 0; j < ncol; j++) {
			const char *s = PQgetvalue(r, i, j);

			if (PQgetisnull(r, i, j))
				v[j] = TDM_DB_NULL_V;
			else if (k[j] == K_INT)
				v[j] = TDM_DB_INT_V(strtoll(s, NULL, 10));
			else if (k[j] == K_BOOL)
				v[j] = TDM_DB_INT_V(s[0] == 't');
			else
				v[j] = TDM_DB_TEXT_V(s, (size_t)PQgetlength(r, i, j));
		}
		rc = fn(arg, &row);
	}
out:
	if (v != vsmall)
		tdm_free(v);
	if (k != ksmall)
		tdm_free(k);
	return rc;
}

/* Rows an INSERT, UPDATE, DELETE or MERGE touched (with or without
 * RETURNING), as SQLite counts them; 0 for anything else. */
static int64_t touched(const PGresult *r)
{
	static const char *const verbs[] = { "INSERT ", "UPDATE ", "DELETE ",
					      "MERGE " };
	const char *st = PQcmdStatus((PGresult *)r);

	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strncmp(st, verbs[i], strlen(verbs[i])) == 0)
			return strtoll(PQcmdTuples((PGresult *)r), NULL, 10);
	return 0;
}

int pg_results(struct pg_conn *c, tdm_db_row_fn *fn, void *arg,
	       int64_t *changes, char *err, size_t errlen)
{
	uint64_t deadline = pg_now_ms() + c->query_timeout_ms;
	int rc = 0, w;
	PGresult *r;

	if (changes)
		*changes = 0;
	for (;;) {
		w = ready(c->pg, deadline);
		if (w == -ETIMEDOUT) {
			cancel_and_drain(c);
			snprintf(err, errlen, "query timed out after %u ms "
				 "(cancelled)", c->query_timeout_ms);
			return -ETIMEDOUT;
		}
		if (w < 0)
			return pg_lost(c, err, errlen);
		r = PQgetResult(c->pg);
		if (!r)
			break;
		switch (PQresultStatus(r)) {
		case PGRES_TUPLES_OK:
			if (rc == 0 && fn)
				rc = rows(r, fn, arg);
			if (changes) /* INSERT ... RETURNING */
				*changes += touched(r);
			break;
		case PGRES_COMMAND_OK:
			if (changes)
				*changes += touched(r);
			break;
		case PGRES_EMPTY_QUERY:
			break;
		case PGRES_COPY_IN:
		case PGRES_COPY_OUT:
		case PGRES_COPY_BOTH:
			/* COPY has no place in this API; the session is
			 * mid-protocol, so give it up. */
			PQclear(r);
			snprintf(err, errlen, "COPY is not supported");
			c->broken = true;
			return -EINVAL;
		default:
			if (rc == 0)
				rc = pg_error(c, r, err, errlen);
			break;
		}
		PQclear(r);
		if (c->broken) /* lost mid-way: nothing more will come */
			return -ENOTCONN;
	}
	return rc;
}

int pg_simple(struct pg_conn *c, const char *sql, char *err, size_t errlen)
{
	if (!pg_usable(c))
		return pg_lost(c, err, errlen);
	if (!PQsendQuery(c->pg, sql))
		return pg_error(c, NULL, err, errlen);
	return pg_results(c, NULL, NULL, NULL, err, errlen);
}
