/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/db/migrate.c: reading a migrations folder (the
 * project's own db-schema/ folders included), refusing bad sets, and the
 * plan and message for empty, behind, current and newer databases. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "db/migrate.h"
#include "test.h"

/* A temporary folder with the given files (empty content). */
static char *make_dir(const char *const *files, unsigned n)
{
	char *dir = strdup("/tmp/tdm-migrate-XXXXXX");

	if (!dir || !mkdtemp(dir))
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		char path[256];
		FILE *f;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if ((f = fopen(path, "w")))
			fclose(f);
	}
	return dir;
}

static void remove_dir(char *dir, const char *const *files, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	free(dir);
}

static void test_db_migrations_scan(void)
{
	static const char *const files[] = {
		"0002_more.sql", "0001_first.sql", "README", "0003_x.sql.orig",
		"003_short.sql", "0003_third.sql",
	};
	char *dir = make_dir(files, 6), err[256] = "";
	struct tdm_db_migrations ms;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	CU_ASSERT_EQUAL_FATAL(tdm_db_migrations_scan(dir, &ms, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(ms.n, 3);
	CU_ASSERT_STRING_EQUAL(ms.m[0].name, "0001_first.sql");
	CU_ASSERT_STRING_EQUAL(ms.m[1].name, "0002_more.sql");
	CU_ASSERT_STRING_EQUAL(ms.m[2].name, "0003_third.sql");
	CU_ASSERT_EQUAL(ms.m[2].version, 3);
	CU_ASSERT(strstr(ms.m[0].path, "/0001_first.sql") != NULL);
	tdm_db_migrations_free(&ms);
	remove_dir(dir, files, 6);
}

static void scan_refused(const char *const *files, unsigned n, const char *want)
{
	char *dir = make_dir(files, n), err[256] = "";
	struct tdm_db_migrations ms;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	CU_ASSERT_EQUAL(tdm_db_migrations_scan(dir, &ms, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	if (!strstr(err, want))
		fprintf(stderr, "got: %s\n", err);
	CU_ASSERT_EQUAL(ms.n, 0);
	remove_dir(dir, files, n);
}

static void test_db_migrations_refused(void)
{
	static const char *const gap[] = { "0001_a.sql", "0003_c.sql" };
	static const char *const dup[] = { "0001_a.sql", "0001_b.sql" };
	static const char *const late[] = { "0002_b.sql" };
	static const char *const none[] = { "notes.txt" };
	char err[256];
	struct tdm_db_migrations ms;

	scan_refused(gap, 2, "0003_c.sql: migration 0002 is missing before it");
	scan_refused(dup, 2, "have the same number");
	scan_refused(late, 1, "migration 0001 is missing");
	scan_refused(none, 1, "no migrations");
	CU_ASSERT_EQUAL(tdm_db_migrations_scan("/nonexistent/tdm", &ms, err,
					       sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/tdm"));
}

/* Both dialects of the project have the same migrations. */
static void test_db_migrations_project(void)
{
	struct tdm_db_migrations lite, pg;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(tdm_db_migrations_scan(TDM_TESTS_DIR "/../db-schema/sqlite",
						     &lite, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(tdm_db_migrations_scan(TDM_TESTS_DIR "/../db-schema/postgres",
						     &pg, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(lite.n, pg.n);
	for (unsigned i = 0; i < lite.n && i < pg.n; i++)
		CU_ASSERT_STRING_EQUAL(lite.m[i].name, pg.m[i].name);
	tdm_db_migrations_free(&lite);
	tdm_db_migrations_free(&pg);
}

static void test_db_plan(void)
{
	static const char *const files[] = { "0001_a.sql", "0002_b.sql",
					     "0003_c.sql" };
	static const unsigned two[] = { 2, 1 }, all[] = { 1, 2, 3 },
			      newer[] = { 1, 2, 3, 4 }, hole[] = { 1, 3 },
			      twice[] = { 1, 1, 2 };
	char *dir = make_dir(files, 3), err[256] = "", msg[256];
	struct tdm_db_migrations ms;
	struct tdm_db_plan p;

	CU_ASSERT_EQUAL_FATAL(tdm_db_migrations_scan(dir, &ms, err, sizeof(err)), 0);
	/* empty database: everything */
	CU_ASSERT_EQUAL(tdm_db_plan(&ms, NULL, 0, &p, err, sizeof(err)), 0);
	CU_ASSERT(p.current == 0 && p.target == 3 && p.first == 0 && p.todo == 3);
	/* behind */
	CU_ASSERT_EQUAL(tdm_db_plan(&ms, two, 2, &p, err, sizeof(err)), 0);
	CU_ASSERT(p.current == 2 && p.first == 2 && p.todo == 1);
	tdm_db_plan_describe(&ms, &p, msg, sizeof(msg));
	CU_ASSERT_STRING_EQUAL(msg, "database schema is at version 2, this build "
			       "needs 3: migration 0003_c.sql is missing; apply "
			       "with `tandemctl db migrate`");
	/* current */
	CU_ASSERT_EQUAL(tdm_db_plan(&ms, all, 3, &p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(p.todo, 0);
	tdm_db_plan_describe(&ms, &p, msg, sizeof(msg));
	CU_ASSERT_STRING_EQUAL(msg, "database schema is up to date (version 3)");
	/* refused */
	CU_ASSERT_EQUAL(tdm_db_plan(&ms, newer, 4, &p, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "database schema is at version 4, this build "
			       "knows up to 3: use a newer Tandem");
	CU_ASSERT_EQUAL(tdm_db_plan(&ms, hole, 2, &p, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0002 as never applied"));
	CU_ASSERT_EQUAL(tdm_db_plan(&ms, twice, 3, &p, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0001 more than once"));
	tdm_db_migrations_free(&ms);
	remove_dir(dir, files, 3);
}

TDM_TEST_SUITE(db_migrate,
	       TDM_TEST(test_db_migrations_scan),
	       TDM_TEST(test_db_migrations_refused),
	       TDM_TEST(test_db_migrations_project),
	       TDM_TEST(test_db_plan))
