/* SPDX-License-Identifier: GPL-2.0-or-later
 * The migration runner (schema.h): the same code path for tandemctl (db
 * migrate, db status), tandemd's start-up check and the tests, for every
 * driver — only the catalog query that tells whether schema_version
 * exists differs by dialect. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/alloc.h>
#include "db/schema.h"
#include "module/mod.h"

#ifndef TDM_SCHEMA_INSTALL_DIR
#define TDM_SCHEMA_INSTALL_DIR "/usr/local/share/tandem/db-schema"
#endif

int tdm_db_schema_dir(const char *dialect, char *out, size_t outlen)
{
	const char *base = getenv("TANDEM_SCHEMA_DIR");
	int n;

	if (!base || !*base) {
		base = TDM_SCHEMA_INSTALL_DIR;
#ifdef TDM_SCHEMA_SRC_DIR
		if (tdm_mod_running_uninstalled())
			base = TDM_SCHEMA_SRC_DIR;
#endif
	}
	n = snprintf(out, outlen, "%s/%s", base, dialect);
	return n > 0 && (size_t)n < outlen ? 0 : -ENAMETOOLONG;
}

static int count_row(void *arg, const struct tdm_db_row *r)
{
	*(int64_t *)arg = tdm_db_row_int(r, 0);
	return 0;
}

/* Whether db has a schema_version table, asked of the catalog (a failing
 * SELECT would abort a PostgreSQL transaction). */
static int has_version_table(struct tdm_db *db, bool *yes)
{
	static const char sqlite_q[] = "SELECT count(*) FROM sqlite_master "
		"WHERE type = 'table' AND name = $1";
	static const char pg_q[] = "SELECT count(*) FROM "
		"information_schema.tables WHERE table_name = $1 AND "
		"table_schema = current_schema()";
	struct tdm_db_val p = TDM_DB_TEXT_C("schema_version");
	int64_t n = 0;
	int rc;

	rc = tdm_db_query(db, strcmp(tdm_db_dialect(db), "sqlite") ? pg_q
								 : sqlite_q,
			  &p, 1, count_row, &n);
	*yes = n > 0;
	return rc;
}

struct versions {
	unsigned *v;
	unsigned n, cap;
};

static int version_row(void *arg, const struct tdm_db_row *r)
{
	struct versions *vs = arg;

	if (vs->n == vs->cap) {
		unsigned nc = vs->cap ? vs->cap * 2 : 16;
		unsigned *p = tdm_realloc(vs->v, nc * sizeof(*p));
		if (!p)
			return -ENOMEM;
		vs->v = p;
		vs->cap = nc;
	}
	vs->v[vs->n++] = (unsigned)tdm_db_row_int(r, 0);
	return 0;
}

int tdm_db_schema_applied(struct tdm_db *db, unsigned **v, unsigned *n)
{
	struct versions vs = { 0 };
	bool exists;
	int rc;

	*v = NULL;
	*n = 0;
	rc = has_version_table(db, &exists);
	if (rc || !exists)
		return rc;
	rc = tdm_db_query(db, "SELECT version FROM schema_version ORDER BY "
			  "version", NULL, 0, version_row, &vs);
	if (rc) {
		tdm_free(vs.v);
		return rc;
	}
	*v = vs.v;
	*n = vs.n;
	return 0;
}

int tdm_db_schema_status(struct tdm_db *db, const char *dir,
			 struct tdm_db_schema_status *st, char *err,
			 size_t errlen)
{
	unsigned *applied, napplied;
	int rc;

	memset(st, 0, sizeof(*st));
	if (dir)
		rc = snprintf(st->dir, sizeof(st->dir), "%s", dir) <
		     (int)sizeof(st->dir) ? 0 : -ENAMETOOLONG;
	else
		rc = tdm_db_schema_dir(tdm_db_dialect(db), st->dir,
				       sizeof(st->dir));
	if (rc) {
		snprintf(err, errlen, "schema folder: path too long");
		return rc;
	}
	rc = tdm_db_migrations_scan(st->dir, &st->ms, err, errlen);
	if (rc)
		return rc;
	rc = tdm_db_schema_applied(db, &applied, &napplied);
	if (rc) {
		snprintf(err, errlen, "reading schema_version of %s: %s",
			 tdm_db_url_safe(db), tdm_db_error(db));
		tdm_db_migrations_free(&st->ms);
		return rc;
	}
	rc = tdm_db_plan(&st->ms, applied, napplied, &st->plan, err, errlen);
	tdm_free(applied);
	if (rc)
		tdm_db_migrations_free(&st->ms);
	return rc;
}

void tdm_db_schema_status_free(struct tdm_db_schema_status *st)
{
	tdm_db_migrations_free(&st->ms);
}

/* The whole file, NUL-terminated (tdm_free). */
static int read_file(const char *path, char **out)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int rc = 0;

	if (!f)
		return -errno;
	do {
		if (cap - len < 4096) {
			char *p = tdm_realloc(buf, cap + 65536);
			if (!p) {
				rc = -ENOMEM;
				break;
			}
			buf = p;
			cap += 65536;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
	} while (got);
	if (!rc && ferror(f))
		rc = -EIO;
	fclose(f);
	if (rc) {
		tdm_free(buf);
		return rc;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* One migration: its SQL and its schema_version row, all or nothing. */
static int apply_one(struct tdm_db *db, const struct tdm_db_migration *m,
		     char *err, size_t errlen)
{
	struct tdm_db_val p[2] = { TDM_DB_INT_V(m->version),
				   TDM_DB_TEXT_C(m->name) };
	char *sql = NULL;
	int rc = read_file(m->path, &sql);

	if (rc) {
		snprintf(err, errlen, "%s: %s", m->path, strerror(-rc));
		return rc;
	}
	rc = tdm_db_begin(db);
	if (!rc && !(rc = tdm_db_script(db, sql))) {
		rc = tdm_db_query(db, "INSERT INTO schema_version (version, "
				  "name) VALUES ($1, $2)", p, 2, NULL, NULL);
		if (rc == -EEXIST)
			snprintf(err, errlen, "%s: schema_version already lists "
				 "version %u (does the file insert it itself?)",
				 m->name, m->version);
		else if (rc)
			snprintf(err, errlen, "%s: recording it in "
				 "schema_version: %s", m->name, tdm_db_error(db));
	} else if (rc) {
		snprintf(err, errlen, "%s: %s", m->name, tdm_db_error(db));
	}
	if (!rc && (rc = tdm_db_commit(db)) != 0)
		snprintf(err, errlen, "%s: commit: %s", m->name,
			 tdm_db_error(db));
	else if (rc)
		tdm_db_rollback(db);
	tdm_free(sql);
	return rc;
}

int tdm_db_schema_migrate(struct tdm_db *db, const char *dir, unsigned upto,
			  tdm_db_schema_applied_fn *fn, void *arg, char *err,
			  size_t errlen)
{
	struct tdm_db_schema_status st;
	unsigned done = 0;
	int rc = tdm_db_schema_status(db, dir, &st, err, errlen);

	if (rc)
		return rc;
	for (unsigned i = 0; i < st.plan.todo; i++) {
		const struct tdm_db_migration *m = &st.ms.m[st.plan.first + i];

		if (upto && m->version > upto)
			break;
		rc = apply_one(db, m, err, errlen);
		if (rc)
			break;
		done++;
		if (fn)
			fn(arg, m);
	}
	tdm_db_schema_status_free(&st);
	return rc ? rc : (int)done;
}
