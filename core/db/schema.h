/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core (tandemd, tandemctl): the migration runner. Reads which
 * migrations a database has (its schema_version table), compares them with
 * the files of db-schema/<dialect>/ (migrate.h) and applies the missing
 * ones through the database API, each in its own transaction together
 * with its schema_version row.
 *
 *   struct tdm_db_schema_status s;
 *   tdm_db_schema_status(db, NULL, &s, err, sizeof err);  // s.plan.todo
 *   tdm_db_schema_migrate(db, NULL, 0, on_applied, arg, err, sizeof err);
 *   tdm_db_schema_status_free(&s); */
#ifndef TDM_DB_SCHEMA_H
#define TDM_DB_SCHEMA_H

#include <limits.h>
#include <stddef.h>
#include <tandem/db.h>
#include "db/migrate.h"

/* The migrations folder of dialect ("sqlite", "postgres"):
 * $TANDEM_SCHEMA_DIR/<dialect> when set, else the source tree's
 * db-schema/<dialect> when this executable runs from the build tree,
 * else the installed $(pkgdatadir)/db-schema/<dialect>.
 * 0 or -ENAMETOOLONG. */
int tdm_db_schema_dir(const char *dialect, char *out, size_t outlen);

/* The versions recorded in db's schema_version (a database without that
 * table has none). *v is tdm_malloc'ed (tdm_free), possibly NULL when
 * *n is 0. 0 or -errno with tdm_db_error(db). */
int tdm_db_schema_applied(struct tdm_db *db, unsigned **v, unsigned *n);

/* Where db stands. */
struct tdm_db_schema_status {
	struct tdm_db_migrations ms;   /* the files of the folder */
	struct tdm_db_plan plan;       /* current, target, what to apply */
	char dir[PATH_MAX];            /* the folder they come from */
};

/* Fills st for db; dir NULL takes tdm_db_schema_dir() of db's dialect.
 * 0, or -errno with the reason in err (folder missing or bad, database
 * newer than this build, schema_version edited by hand, database
 * unreachable). Free st with tdm_db_schema_status_free() after success. */
int tdm_db_schema_status(struct tdm_db *db, const char *dir,
			 struct tdm_db_schema_status *st, char *err,
			 size_t errlen);
void tdm_db_schema_status_free(struct tdm_db_schema_status *st);

/* Called after each migration was committed. */
typedef void tdm_db_schema_applied_fn(void *arg,
				      const struct tdm_db_migration *m);

/* Applies the missing migrations of dir (NULL: the default folder) up to
 * version upto (0: all), in order, each in its own transaction with its
 * INSERT INTO schema_version; fn (may be NULL) hears of each. Stops at
 * the first failure, which names the file (earlier ones stay applied).
 * Returns how many were applied, or -errno with the message in err. */
int tdm_db_schema_migrate(struct tdm_db *db, const char *dir, unsigned upto,
			  tdm_db_schema_applied_fn *fn, void *arg, char *err,
			  size_t errlen);

#endif
