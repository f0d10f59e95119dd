/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: the migrations of db-schema/<dialect>/ and the plan to
 * bring a database up to date. Knows files and version numbers only (no
 * database): the drivers apply what the plan lists and record it in
 * schema_version; tandemd and `tandemctl db status` report from it. */
#ifndef TDM_DB_MIGRATE_H
#define TDM_DB_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

/* One migration file, "NNNN_words.sql". */
struct tdm_db_migration {
	unsigned version;   /* NNNN */
	char *name;         /* the file name */
	char *path;         /* dir/name */
};

struct tdm_db_migrations {
	struct tdm_db_migration *m; /* by version, ascending */
	unsigned n;
};

/* Reads the migrations of dir: every "NNNN_*.sql" file (other files are
 * ignored). Versions must start at 1 and have no gaps or duplicates.
 * Returns 0, or -ENOENT (no such folder), -EINVAL (a bad set: the message
 * in err names the file), -ENOMEM. */
int tdm_db_migrations_scan(const char *dir, struct tdm_db_migrations *out,
			   char *err, size_t errlen);
void tdm_db_migrations_free(struct tdm_db_migrations *ms);

/* Where a database stands against the migrations this build has. */
struct tdm_db_plan {
	unsigned current;   /* highest applied version (0: empty database) */
	unsigned target;    /* highest version this build has */
	unsigned first;     /* first migration to apply (index into ms->m) */
	unsigned todo;      /* how many to apply: ms->m[first .. first+todo) */
};

/* Compares the applied versions (from schema_version, any order) with
 * ms. Returns 0 with *plan filled, or -EINVAL with err saying what is
 * wrong: a version applied that this build does not know (a newer
 * schema: "database schema is at version 7, this build knows up to 5"),
 * or applied versions with a hole (a migration skipped). */
int tdm_db_plan(const struct tdm_db_migrations *ms, const unsigned *applied,
		unsigned napplied, struct tdm_db_plan *plan, char *err,
		size_t errlen);

/* For a database behind its schema: the sentence tandemd prints before
 * refusing to start, naming the first missing migration and the command
 * that applies it. */
void tdm_db_plan_describe(const struct tdm_db_migrations *ms,
			  const struct tdm_db_plan *plan, char *out,
			  size_t outlen);

#endif
