/* SPDX-License-Identifier: GPL-2.0-or-later
 * Migration files and the plan from a database's applied versions to the
 * newest schema this build has (see migrate.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/alloc.h>
#include "db/migrate.h"

/* "NNNN_x.sql": the version, or 0 when name is not a migration. */
static unsigned version_of(const char *name)
{
	size_t len = strlen(name), digits = 0;
	unsigned v = 0;

	while (name[digits] >= '0' && name[digits] <= '9' && digits < 9)
		v = v * 10 + (unsigned)(name[digits++] - '0');
	if (digits != 4 || name[digits] != '_' || len < 9 ||
	    strcmp(name + len - 4, ".sql"))
		return 0;
	return v;
}

static int by_version(const void *a, const void *b)
{
	const struct tdm_db_migration *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

static int add(struct tdm_db_migrations *ms, unsigned *cap, const char *dir,
	       const char *name, unsigned v)
{
	struct tdm_db_migration *m;
	size_t dl = strlen(dir), nl = strlen(name);

	if (ms->n == *cap) {
		unsigned nc = *cap ? *cap * 2 : 8;
		m = tdm_realloc(ms->m, nc * sizeof(*m));
		if (!m)
			return -ENOMEM;
		ms->m = m;
		*cap = nc;
	}
	m = &ms->m[ms->n];
	m->version = v;
	m->name = tdm_malloc(nl + 1);
	m->path = tdm_malloc(dl + nl + 2);
	if (!m->name || !m->path) {
		tdm_free(m->name);
		tdm_free(m->path);
		return -ENOMEM;
	}
	memcpy(m->name, name, nl + 1);
	memcpy(m->path, dir, dl);
	m->path[dl] = '/';
	memcpy(m->path + dl + 1, name, nl + 1);
	ms->n++;
	return 0;
}

/* Versions 1, 2, 3 ... each once. */
static int check_sequence(const struct tdm_db_migrations *ms, char *err,
			  size_t errlen)
{
	for (unsigned i = 0; i < ms->n; i++) {
		if (ms->m[i].version == i + 1)
			continue;
		if (i && ms->m[i].version == ms->m[i - 1].version)
			snprintf(err, errlen, "%s and %s have the same number",
				 ms->m[i - 1].path, ms->m[i].path);
		else
			snprintf(err, errlen, "%s: migration %04u is missing "
				 "before it", ms->m[i].path, i + 1);
		return -EINVAL;
	}
	return 0;
}

int tdm_db_migrations_scan(const char *dir, struct tdm_db_migrations *out,
			   char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned cap = 0;
	int rc = 0;

	out->m = NULL;
	out->n = 0;
	if (!d) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(-rc));
		return rc;
	}
	while (!rc && (e = readdir(d))) {
		unsigned v = version_of(e->d_name);
		if (v)
			rc = add(out, &cap, dir, e->d_name, v);
	}
	closedir(d);
	if (!rc && !out->n) {
		snprintf(err, errlen, "%s: no migrations (NNNN_name.sql)", dir);
		rc = -EINVAL;
	}
	if (!rc) {
		qsort(out->m, out->n, sizeof(*out->m), by_version);
		rc = check_sequence(out, err, errlen);
	}
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (rc)
		tdm_db_migrations_free(out);
	return rc;
}

void tdm_db_migrations_free(struct tdm_db_migrations *ms)
{
	for (unsigned i = 0; i < ms->n; i++) {
		tdm_free(ms->m[i].name);
		tdm_free(ms->m[i].path);
	}
	tdm_free(ms->m);
	ms->m = NULL;
	ms->n = 0;
}

int tdm_db_plan(const struct tdm_db_migrations *ms, const unsigned *applied,
		unsigned napplied, struct tdm_db_plan *plan, char *err,
		size_t errlen)
{
	unsigned max = 0;

	for (unsigned i = 0; i < napplied; i++)
		if (applied[i] > max)
			max = applied[i];
	if (max > ms->n) {
		snprintf(err, errlen, "database schema is at version %u, this "
			 "build knows up to %u: use a newer Tandem", max, ms->n);
		return -EINVAL;
	}
	/* every version up to max must be there, once */
	for (unsigned v = 1; v <= max; v++) {
		unsigned seen = 0;
		for (unsigned i = 0; i < napplied; i++)
			seen += applied[i] == v;
		if (seen != 1) {
			snprintf(err, errlen, "schema_version lists migration "
				 "%04u %s (the table was edited by hand?)", v,
				 seen ? "more than once" : "as never applied while "
				 "later ones are");
			return -EINVAL;
		}
	}
	plan->current = max;
	plan->target = ms->n;
	plan->first = max;
	plan->todo = ms->n - max;
	return 0;
}

void tdm_db_plan_describe(const struct tdm_db_migrations *ms,
			  const struct tdm_db_plan *plan, char *out,
			  size_t outlen)
{
	if (!plan->todo) {
		snprintf(out, outlen, "database schema is up to date (version %u)",
			 plan->current);
		return;
	}
	snprintf(out, outlen, "database schema is at version %u, this build "
		 "needs %u: migration %s%s is missing; apply with `tandemctl db "
		 "migrate`", plan->current, plan->target,
		 ms->m[plan->first].name, plan->todo > 1 ? " and later ones" : "");
}
