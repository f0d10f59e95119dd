/* SPDX-License-Identifier: GPL-2.0-or-later
 * registrar persistence: SQL on the `location` table (see persist_db.h).
 * Times are written as ISO 8601 UTC text, which SQLite's TEXT column
 * orders correctly and PostgreSQL's timestamptz parses; they are read
 * back as epoch seconds with each dialect's function. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <tandem/buf.h>
#include "persist_db.h"

#define COLS "ruid, username, domain, contact, received, path, socket, " \
	     "expires, q, callid, cseq, flags, user_agent, instance, reg_id, " \
	     "last_modified"

#define NCOLS 16

static const char sql_upsert_set[] =
	" ON CONFLICT (ruid) DO UPDATE SET username = excluded.username, domain = excluded.domain, "
	"contact = excluded.contact, received = excluded.received, "
	"path = excluded.path, socket = excluded.socket, "
	"expires = excluded.expires, q = excluded.q, "
	"callid = excluded.callid, cseq = excluded.cseq, "
	"flags = excluded.flags, user_agent = excluded.user_agent, "
	"instance = excluded.instance, reg_id = excluded.reg_id, "
	"last_modified = excluded.last_modified";

/* "INSERT INTO location (COLS) VALUES ($1..$16), ... ON CONFLICT ..." for
 * rows rows, into b. The journal coalesces by ruid, so no statement names
 * a binding twice (PostgreSQL refuses that in one ON CONFLICT). */
static void upsert_sql(unsigned rows, struct tdm_buf *b)
{
	unsigned k = 1;

	tdm_buf_append_c(b, "INSERT INTO location (" COLS ") VALUES ");
	for (unsigned r = 0; r < rows; r++) {
		tdm_buf_append_c(b, r ? ", (" : "(");
		for (unsigned c = 0; c < NCOLS; c++)
			tdm_buf_printf(b, c ? ", $%u" : "$%u", k++);
		tdm_buf_append_ch(b, ')');
	}
	tdm_buf_append_c(b, sql_upsert_set);
}

static const char sql_delete[] = "DELETE FROM location WHERE ruid = $1";
static const char sql_purge[] = "DELETE FROM location WHERE expires <= $1";

static const char sql_load_sqlite[] =
	"SELECT ruid, username, domain, contact, received, path, socket, "
	"CAST(strftime('%s', expires) AS INTEGER), q, callid, cseq, flags, "
	"user_agent, instance, reg_id, "
	"CAST(strftime('%s', last_modified) AS INTEGER) "
	"FROM location WHERE expires > $1";
static const char sql_load_pg[] =
	"SELECT ruid, username, domain, contact, received, path, socket, "
	"CAST(EXTRACT(EPOCH FROM expires) AS BIGINT), q, callid, cseq, flags, "
	"user_agent, instance, reg_id, "
	"CAST(EXTRACT(EPOCH FROM last_modified) AS BIGINT) "
	"FROM location WHERE expires > $1";

void reg_pdb_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool reg_pdb_transient(int err)
{
	return err == -ENOTCONN || err == -ETIMEDOUT || err == -ENOMEM ||
	       err == -EBUSY || err == -EAGAIN;
}

int reg_pdb_open(struct reg_pdb *p, const char *url, char *err,
		 size_t errlen)
{
	struct tdm_buf one = TDM_BUF_INIT, many = TDM_BUF_INIT;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = tdm_db_open(url, NULL, &p->db, err, errlen);
	if (rc)
		return rc;
	p->pg = !strcmp(tdm_db_dialect(p->db), "postgres");
	upsert_sql(1, &one);
	upsert_sql(REG_PDB_ROWS, &many);
	if (one.err || many.err) {
		rc = -ENOMEM;
	} else if ((rc = tdm_db_prepare(p->db, one.data, &p->upsert)) ||
	    (p->pg && (rc = tdm_db_prepare(p->db, many.data, &p->upsert_n))) ||
	    (rc = tdm_db_prepare(p->db, sql_delete, &p->del)) ||
	    (rc = tdm_db_prepare(p->db, sql_purge, &p->purge))) {
		snprintf(err, errlen, "%s", rc == -ENOMEM && !p->upsert ?
			 "out of memory" : tdm_db_error(p->db));
	}
	tdm_buf_free(&one);
	tdm_buf_free(&many);
	if (rc)
		reg_pdb_close(p);
	return rc;
}

void reg_pdb_close(struct reg_pdb *p)
{
	tdm_db_close(p->db);
	memset(p, 0, sizeof(*p));
}

int reg_pdb_purge(struct reg_pdb *p, int64_t now)
{
	char t[32];
	struct tdm_db_val v;
	int rc;

	reg_pdb_time(now, t, sizeof(t));
	v = TDM_DB_TEXT_C(t);
	rc = tdm_db_exec(p->purge, &v, 1, NULL, NULL);
	return rc < 0 ? rc : (int)tdm_db_changes(p->db);
}

struct load_ctx {
	reg_pdb_row_fn *fn;
	void *arg;
	struct tdm_buf aor;
};

static struct tdm_str col(const struct tdm_db_row *r, unsigned i)
{
	struct tdm_str s;

	s.s = tdm_db_row_text(r, i, &s.len);
	return s;
}

static int load_row(void *arg, const struct tdm_db_row *r)
{
	struct load_ctx *c = arg;
	struct tdm_str user = col(r, 1), domain = col(r, 2), socket = col(r, 6);
	struct reg_ul_binding b = {
		.ruid = col(r, 0), .contact = col(r, 3), .received = col(r, 4),
		.path = col(r, 5), .expires = tdm_db_row_int(r, 7),
		.q = (int16_t)tdm_db_row_int(r, 8), .callid = col(r, 9),
		.cseq = (uint32_t)tdm_db_row_int(r, 10),
		.flags = (uint32_t)tdm_db_row_int(r, 11),
		.user_agent = col(r, 12), .instance = col(r, 13),
		.reg_id = (uint32_t)tdm_db_row_int(r, 14),
		.last_modified = tdm_db_row_int(r, 15),
	};

	tdm_buf_reset(&c->aor);
	tdm_buf_append_str(&c->aor, &user);
	tdm_buf_append_ch(&c->aor, '@');
	tdm_buf_append_str(&c->aor, &domain);
	if (c->aor.err)
		return c->aor.err;
	b.aor = (struct tdm_str){ c->aor.data, c->aor.len };
	return c->fn(c->arg, &b, &socket);
}

int reg_pdb_load(struct reg_pdb *p, int64_t now, reg_pdb_row_fn *fn,
		 void *arg)
{
	struct load_ctx c = { fn, arg, TDM_BUF_INIT };
	char t[32];
	struct tdm_db_val v;
	int rc;

	reg_pdb_time(now, t, sizeof(t));
	v = TDM_DB_TEXT_C(t);
	rc = tdm_db_query(p->db, p->pg ? sql_load_pg : sql_load_sqlite, &v, 1,
			  load_row, &c);
	tdm_buf_free(&c.aor);
	return rc;
}

/* The AOR "user@domain" split on its last '@'. */
static void split_aor(const struct tdm_str *aor, struct tdm_str *user,
		      struct tdm_str *domain)
{
	size_t i = aor->len;

	while (i > 0 && aor->s[i - 1] != '@')
		i--;
	*user = (struct tdm_str){ aor->s, i ? i - 1 : aor->len };
	*domain = i ? (struct tdm_str){ aor->s + i, aor->len - i }
		    : (struct tdm_str){ "", 0 };
}

#define TXT(x) TDM_DB_TEXT_V((x).s, (x).len)

/* The times of one row, kept alive while its values are bound. */
struct row_times {
	char exp[32], mod[32];
};

/* The NCOLS values of a saved binding, in COLS order, into v. */
static void row_values(const struct reg_pj_entry *e, struct row_times *t,
		       struct tdm_db_val *v)
{
	const struct reg_ul_binding *b = &e->row;
	int64_t mod = b->last_modified ? b->last_modified : (int64_t)time(NULL);
	struct tdm_str user, domain;

	split_aor(&b->aor, &user, &domain);
	reg_pdb_time(b->expires, t->exp, sizeof(t->exp));
	reg_pdb_time(mod, t->mod, sizeof(t->mod));
	v[0] = TXT(b->ruid);
	v[1] = TXT(user);
	v[2] = TXT(domain);
	v[3] = TXT(b->contact);
	v[4] = TXT(b->received);
	v[5] = TXT(b->path);
	v[6] = TXT(e->socket);
	v[7] = TDM_DB_TEXT_C(t->exp);
	v[8] = TDM_DB_INT_V(b->q);
	v[9] = TXT(b->callid);
	v[10] = TDM_DB_INT_V(b->cseq);
	v[11] = TDM_DB_INT_V(b->flags);
	v[12] = TXT(b->user_agent);
	v[13] = TXT(b->instance);
	v[14] = TDM_DB_INT_V(b->reg_id);
	v[15] = TDM_DB_TEXT_C(t->mod);
}

/* The upsert of a saved binding. */
static int upsert(struct reg_pdb *p, const struct reg_pj_entry *e)
{
	struct tdm_db_val v[NCOLS];
	struct row_times t;

	row_values(e, &t, v);
	return tdm_db_exec(p->upsert, v, NCOLS, NULL, NULL);
}

/* REG_PDB_ROWS upserts in one statement. */
static int upsert_n(struct reg_pdb *p, const struct reg_pj_entry *const *e)
{
	struct tdm_db_val v[REG_PDB_ROWS * NCOLS];
	struct row_times t[REG_PDB_ROWS];

	for (unsigned i = 0; i < REG_PDB_ROWS; i++)
		row_values(e[i], &t[i], &v[i * NCOLS]);
	return tdm_db_exec(p->upsert_n, v, REG_PDB_ROWS * NCOLS, NULL, NULL);
}

int reg_pdb_write_one(struct reg_pdb *p, const struct reg_pj_entry *e)
{
	struct tdm_db_val v;

	if (!e->del)
		return upsert(p, e);
	v = TXT(e->row.ruid);
	return tdm_db_exec(p->del, &v, 1, NULL, NULL);
}

int reg_pdb_write(struct reg_pdb *p, const struct tdm_list *batch)
{
	const struct reg_pj_entry *group[REG_PDB_ROWS];
	const struct tdm_list_node *n;
	unsigned ng = 0;
	int rc;

	if ((rc = tdm_db_begin(p->db)))
		return rc;
	/* PostgreSQL: upserts go REG_PDB_ROWS at a time, the rest (and
	 * deletes) alone */
	TDM_LIST_FOREACH(batch, n) {
		const struct reg_pj_entry *e =
			TDM_LIST_ENTRY(n, struct reg_pj_entry, lnode);
		if (!e->del && !p->upsert_n) {
			rc = upsert(p, e);
		} else if (!e->del) {
			group[ng++] = e;
			rc = ng == REG_PDB_ROWS ? upsert_n(p, group) : 0;
			if (ng == REG_PDB_ROWS)
				ng = 0;
		} else {
			rc = reg_pdb_write_one(p, e);
		}
		if (rc < 0)
			goto fail;
	}
	for (unsigned i = 0; i < ng; i++)
		if ((rc = upsert(p, group[i])) < 0)
			goto fail;
	rc = tdm_db_commit(p->db);
	if (rc)
		tdm_db_rollback(p->db);
	return rc < 0 ? rc : 0;
fail:
	tdm_db_rollback(p->db);
	return rc;
}
