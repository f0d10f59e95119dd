/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for the pure parts of core/db: URL schemes and their driver
 * modules (db_url.c), the password hidden in logged URLs, the reconnect
 * backoff (db_backoff.c) and the row accessors (db_row.c). */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include "db/db_int.h"
#include "test.h"

static void test_db_url_scheme(void)
{
	char s[32], m[40];

	CU_ASSERT_EQUAL(tdm_db_url_scheme("sqlite:/var/x.db", s, sizeof(s)), 0);
	CU_ASSERT_STRING_EQUAL(s, "sqlite");
	CU_ASSERT_EQUAL(tdm_db_url_scheme("sqlite::memory:", s, sizeof(s)), 0);
	CU_ASSERT_STRING_EQUAL(s, "sqlite");
	CU_ASSERT_EQUAL(tdm_db_url_scheme("PostgreSQL://u@h/db", s, sizeof(s)), 0);
	CU_ASSERT_STRING_EQUAL(s, "postgresql");
	CU_ASSERT_EQUAL(tdm_db_url_scheme("my-db+x.1:y", s, sizeof(s)), 0);
	CU_ASSERT_STRING_EQUAL(s, "my-db+x.1");
	CU_ASSERT_EQUAL(tdm_db_url_scheme("/var/x.db", s, sizeof(s)), -EINVAL);
	CU_ASSERT_EQUAL(tdm_db_url_scheme(":x", s, sizeof(s)), -EINVAL);
	CU_ASSERT_EQUAL(tdm_db_url_scheme("1db:x", s, sizeof(s)), -EINVAL);
	CU_ASSERT_EQUAL(tdm_db_url_scheme("", s, sizeof(s)), -EINVAL);
	CU_ASSERT_EQUAL(tdm_db_url_scheme(NULL, s, sizeof(s)), -EINVAL);
	CU_ASSERT_EQUAL(tdm_db_url_scheme("sqlite:x", s, 6), -EINVAL);
	CU_ASSERT_EQUAL(tdm_db_url_scheme("sqlite:x", s, 7), 0);

	CU_ASSERT_EQUAL(tdm_db_scheme_module("sqlite", m, sizeof(m)), 0);
	CU_ASSERT_STRING_EQUAL(m, "db_sqlite");
	CU_ASSERT_EQUAL(tdm_db_scheme_module("postgres", m, sizeof(m)), 0);
	CU_ASSERT_STRING_EQUAL(m, "db_postgres");
	CU_ASSERT_EQUAL(tdm_db_scheme_module("postgresql", m, sizeof(m)), 0);
	CU_ASSERT_STRING_EQUAL(m, "db_postgres");
	CU_ASSERT_EQUAL(tdm_db_scheme_module("mysql", m, sizeof(m)), 0);
	CU_ASSERT_STRING_EQUAL(m, "db_mysql");
	/* not a module name: never a path or an odd symbol */
	CU_ASSERT_EQUAL(tdm_db_scheme_module("my-db", m, sizeof(m)), -EINVAL);
	CU_ASSERT_EQUAL(tdm_db_scheme_module("mysql", m, 8), -EINVAL);
}

static void redact_is(const char *url, const char *want)
{
	char *got = tdm_db_url_redact(url);

	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, want);
	tdm_free(got);
}

static void test_db_url_redact(void)
{
	redact_is("sqlite:/var/lib/tandem/t.db", "sqlite:/var/lib/tandem/t.db");
	redact_is("postgres://tandem:s3cr3t@127.0.0.1:5432/tandem",
		  "postgres://tandem:***@127.0.0.1:5432/tandem");
	redact_is("postgres://tandem@127.0.0.1/tandem",
		  "postgres://tandem@127.0.0.1/tandem");
	redact_is("postgresql://u:p@ss@h/db", "postgresql://u:***@h/db");
	redact_is("postgres://h/db?user=u&password=x&sslmode=disable",
		  "postgres://h/db?user=u&password=***&sslmode=disable");
	redact_is("postgres://h/db?password=x", "postgres://h/db?password=***");
	redact_is("postgres://u:p@h/db?password=x",
		  "postgres://u:***@h/db?password=***");
	redact_is("postgres://h:5432/db@x", "postgres://h:5432/db@x");
	redact_is("", "");
}

static void test_db_backoff(void)
{
	struct tdm_db_backoff b;

	tdm_db_backoff_init(&b, 250, 10000);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 250);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 500);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 1000);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 2000);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 4000);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 8000);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 10000);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 10000);
	tdm_db_backoff_reset(&b);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 250);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 500);

	/* max below min: min wins; no overflow near the top */
	tdm_db_backoff_init(&b, 300, 100);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 300);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 300);
	tdm_db_backoff_init(&b, 3000000000u, 4000000000u);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 3000000000u);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 4000000000u);
	tdm_db_backoff_init(&b, 0, 0);
	CU_ASSERT_EQUAL(tdm_db_backoff_fail(&b), 1);
}

static void test_db_row_accessors(void)
{
	struct tdm_db_val v[] = {
		TDM_DB_INT_V(-42), TDM_DB_TEXT_V("123xyz", 3), TDM_DB_NULL_V,
		TDM_DB_TEXT_V("abc", 3), TDM_DB_TEXT_V("-9223372036854775808", 20),
		TDM_DB_TEXT_V("", 0), TDM_DB_INT_V(INT64_MAX),
	};
	struct tdm_db_row r = { v, 7 };
	size_t len = 99;
	const char *s;

	CU_ASSERT_EQUAL(tdm_db_row_int(&r, 0), -42);
	CU_ASSERT_EQUAL(tdm_db_row_int(&r, 1), 123);   /* text holding a number */
	CU_ASSERT_EQUAL(tdm_db_row_int(&r, 2), 0);     /* NULL */
	CU_ASSERT_EQUAL(tdm_db_row_int(&r, 3), 0);     /* not a number */
	CU_ASSERT_EQUAL(tdm_db_row_int(&r, 4), INT64_MIN);
	CU_ASSERT_EQUAL(tdm_db_row_int(&r, 5), 0);
	CU_ASSERT_EQUAL(tdm_db_row_int(&r, 7), 0);     /* out of range */

	s = tdm_db_row_text(&r, 0, &len);              /* int read as text */
	CU_ASSERT_EQUAL(len, 3);
	CU_ASSERT_STRING_EQUAL(s, "-42");
	s = tdm_db_row_text(&r, 6, &len);
	CU_ASSERT_STRING_EQUAL(s, "9223372036854775807");
	s = tdm_db_row_text(&r, 1, &len);
	CU_ASSERT_EQUAL(len, 3);
	CU_ASSERT_EQUAL(memcmp(s, "123", 3), 0);
	s = tdm_db_row_text(&r, 2, &len);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_STRING_EQUAL(s, "");
	s = tdm_db_row_text(&r, 9, NULL);
	CU_ASSERT_STRING_EQUAL(s, "");

	CU_ASSERT_FALSE(tdm_db_row_null(&r, 0));
	CU_ASSERT_TRUE(tdm_db_row_null(&r, 2));
	CU_ASSERT_FALSE(tdm_db_row_null(&r, 5));       /* '' is not NULL */
	CU_ASSERT_TRUE(tdm_db_row_null(&r, 7));
	CU_ASSERT_TRUE(tdm_db_row_null(NULL, 0));
}

TDM_TEST_SUITE(db_pure,
	       TDM_TEST(test_db_url_scheme),
	       TDM_TEST(test_db_url_redact),
	       TDM_TEST(test_db_backoff),
	       TDM_TEST(test_db_row_accessors));
