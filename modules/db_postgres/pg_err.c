/* SPDX-License-Identifier: GPL-2.0-or-later
 * db_postgres: turning libpq failures into the -errno values of the
 * <tandem/db.h> contract (SQLSTATE based), with a one-line message. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "pg.h"

/* Copies msg into err on one line: newlines and tabs become spaces,
 * runs of blanks shrink to one, trailing ones go (libpq's messages end
 * in "\n" and may span lines). */
void pg_msg(char *err, size_t errlen, const char *msg, const char *detail)
{
	size_t n;

	if (!err || errlen == 0)
		return;
	if (detail && *detail)
		snprintf(err, errlen, "%s (%s)", msg, detail);
	else
		snprintf(err, errlen, "%s", msg);
	n = 0;
	for (char *p = err; *p; p++) {
		char ch = *p == '\n' || *p == '\t' || *p == '\r' ? ' ' : *p;

		if (ch != ' ' || (n > 0 && err[n - 1] != ' '))
			err[n++] = ch;
	}
	err[n] = '\0';
	while (n > 0 && err[n - 1] == ' ')
		err[--n] = '\0';
}

bool pg_usable(const struct pg_conn *c)
{
	return c && c->pg && !c->broken && PQstatus(c->pg) == CONNECTION_OK;
}

int pg_lost(struct pg_conn *c, char *err, size_t errlen)
{
	const char *m = c && c->pg ? PQerrorMessage(c->pg) : "";

	if (c)
		c->broken = true;
	pg_msg(err, errlen, *m ? m : "connection to the database lost", NULL);
	return -ENOTCONN;
}

/* SQLSTATE classes (PostgreSQL appendix A): 23 integrity constraint,
 * 57014 query_canceled (our cancel on timeout), 08 connection exception
 * (08P01 protocol violation is a bad Bind, the session lives on), 57P0x
 * server shutting down or crashed. Everything else is the statement's
 * fault: -EINVAL. */
int pg_error(struct pg_conn *c, const PGresult *r, char *err, size_t errlen)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;

	if (!msg)
		msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg);
	if (!msg || !*msg)
		msg = "query failed";
	pg_msg(err, errlen, msg, detail);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		c->broken = true;
		return -ENOTCONN;
	}
	if (!state)
		return -EINVAL; /* client-side refusal (libpq), session fine */
	if (strcmp(state, "23505") == 0)
		return -EEXIST;
	if (strcmp(state, "57014") == 0)
		return -ETIMEDOUT;
	if ((strncmp(state, "08", 2) == 0 && strcmp(state, "08P01") != 0) ||
	    strncmp(state, "57P", 3) == 0) {
		c->broken = true;
		return -ENOTCONN;
	}
	if (strcmp(state, "53200") == 0)
		return -ENOMEM;
	return -EINVAL;
}
