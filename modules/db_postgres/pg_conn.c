/* SPDX-License-Identifier: GPL-2.0-or-later
 * db_postgres: opening a session within connect_timeout_ms. libpq's own
 * PQconnectdb blocks; PQconnectStartParams + PQconnectPoll with our poll
 * on its socket bound the whole handshake (TCP, TLS, authentication). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "pg.h"

/* Server NOTICEs and WARNINGs (client_min_messages=warning keeps the
 * notices away) go to our log instead of libpq's stderr. */
static void notice(void *arg, const char *msg)
{
	char line[512];

	(void)arg;
	pg_msg(line, sizeof line, msg, NULL);
	TDM_LOGW(&pg_log, "server: %s", line);
}

static bool is_pg_url(const char *url)
{
	return url && (strncmp(url, "postgres://", 11) == 0 ||
		       strncmp(url, "postgresql://", 13) == 0);
}

/* Runs PQconnectPoll's state machine to the end or the deadline. */
static int handshake(PGconn *pg, uint64_t deadline, unsigned timeout_ms,
		     char *err, size_t errlen)
{
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;

	for (;;) {
		int r;

		if (st == PGRES_POLLING_OK)
			return 0;
		if (st == PGRES_POLLING_FAILED)
			break;
		r = pg_poll(pg, st == PGRES_POLLING_READING ? POLLIN : POLLOUT,
			    deadline);
		if (r == 0) {
			snprintf(err, errlen, "connection timed out after %u ms",
				 timeout_ms);
			return -ENOTCONN;
		}
		if (r < 0)
			break;
		st = PQconnectPoll(pg);
	}
	pg_msg(err, errlen, *PQerrorMessage(pg) ? PQerrorMessage(pg)
						: "connection failed", NULL);
	return -ENOTCONN;
}

int pg_connect(const char *url, const struct tdm_db_opts *o,
	       struct pg_conn **out, char *err, size_t errlen)
{
	/* Ours first: the URL (dbname, expanded) overrides what it names. */
	const char *const kw[] = { "application_name", "options", "dbname", NULL };
	const char *const val[] = { "tandem", "-c client_min_messages=warning",
				    url, NULL };
	unsigned timeout = o && o->connect_timeout_ms ? o->connect_timeout_ms : 3000;
	struct pg_conn *c;
	PQconninfoOption *info;
	char *perr = NULL;
	int rc;

	*out = NULL;
	if (!is_pg_url(url)) {
		snprintf(err, errlen, "not a postgres:// URL");
		return -EINVAL;
	}
	info = PQconninfoParse(url, &perr);
	if (!info) {
		pg_msg(err, errlen, perr ? perr : "out of memory", NULL);
		rc = perr ? -EINVAL : -ENOMEM;
		PQfreemem(perr);
		return rc;
	}
	PQconninfoFree(info);
	c = tdm_calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->connect_timeout_ms = timeout;
	c->query_timeout_ms = o && o->query_timeout_ms ? o->query_timeout_ms : 5000;
	c->pg = PQconnectStartParams(kw, val, 1);
	if (!c->pg) {
		tdm_free(c);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	PQsetNoticeProcessor(c->pg, notice, NULL);
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		pg_msg(err, errlen, PQerrorMessage(c->pg), NULL);
		rc = -ENOTCONN;
	} else {
		rc = handshake(c->pg, pg_now_ms() + timeout, timeout, err, errlen);
	}
	if (rc == 0 && PQsetnonblocking(c->pg, 1) != 0) {
		pg_msg(err, errlen, PQerrorMessage(c->pg), NULL);
		rc = -ENOTCONN;
	}
	if (rc < 0) {
		pg_disconnect(c);
		return rc;
	}
	*out = c;
	return 0;
}

void pg_disconnect(struct pg_conn *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	tdm_buf_free(&c->dealloc);
	tdm_free(c);
}
