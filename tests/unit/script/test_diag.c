/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/script/diag.c: the "file:line:col: error: message" form,
 * the source line with its caret (tabs kept, UTF-8 counted as characters),
 * the error limit, and behaviour when memory runs out. */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include "script/diag.h"
#include "test.h"

/* Formats every entry of d and compares with expected. */
static void check_format(const struct tdm_scr_diag *d, const char *expected)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_str got;

	CU_ASSERT_EQUAL(tdm_scr_diag_format(d, &b), 0);
	got = tdm_buf_str(&b);
	TDM_ASSERT_STR(got, expected);
	tdm_buf_free(&b);
}

static void test_scr_diag_error_with_caret(void)
{
	static const char src[] = "route request {\n"
				  "    if (request.uri.user == 123) {\n"
				  "    }\n}\n";
	struct tdm_scr_diag d;
	struct tdm_scr_pos pos = { "default.route", 2, 26 };

	tdm_scr_diag_init(&d);
	CU_ASSERT_PTR_NOT_NULL(tdm_scr_diag_add_source(&d, "default.route", src,
						       sizeof(src) - 1));
	tdm_scr_diag_error(&d, &pos, "cannot compare %s with %s", "str", "int");
	CU_ASSERT_EQUAL(tdm_scr_diag_errors(&d), 1);
	check_format(&d, "default.route:2:26: error: cannot compare str with int\n"
			 "    if (request.uri.user == 123) {\n"
			 "                         ^\n");
	tdm_scr_diag_fini(&d);
}

static void test_scr_diag_caret_keeps_tabs(void)
{
	static const char src[] = "route r {\n\tif (x\t== 1) {}\n}\n";
	struct tdm_scr_diag d;
	struct tdm_scr_pos pos = { "t.route", 2, 8 };

	tdm_scr_diag_init(&d);
	tdm_scr_diag_add_source(&d, "t.route", src, sizeof(src) - 1);
	tdm_scr_diag_error(&d, &pos, "here");
	check_format(&d, "t.route:2:8: error: here\n"
			 "\tif (x\t== 1) {}\n"
			 "\t     \t^\n");
	tdm_scr_diag_fini(&d);
}

static void test_scr_diag_caret_counts_utf8_chars(void)
{
	/* "é" is two bytes: the column of x is 9, its caret 8 cells in. */
	static const char src[] = "log(\"\xc3\xa9\", x)\n";
	struct tdm_scr_diag d;
	struct tdm_scr_pos pos = { "u.route", 1, 11 };

	tdm_scr_diag_init(&d);
	tdm_scr_diag_add_source(&d, "u.route", src, sizeof(src) - 1);
	tdm_scr_diag_error(&d, &pos, "x");
	check_format(&d, "u.route:1:11: error: x\n"
			 "log(\"\xc3\xa9\", x)\n"
			 "         ^\n");
	tdm_scr_diag_fini(&d);
}

static void test_scr_diag_crlf_and_last_line(void)
{
	static const char src[] = "a\r\nbb";
	struct tdm_scr_diag d;
	struct tdm_scr_pos p1 = { "c.route", 1, 2 }, p2 = { "c.route", 2, 3 };

	tdm_scr_diag_init(&d);
	tdm_scr_diag_add_source(&d, "c.route", src, sizeof(src) - 1);
	tdm_scr_diag_error(&d, &p1, "one");
	tdm_scr_diag_warning(&d, &p2, "two");
	CU_ASSERT_EQUAL(d.errors, 1);
	CU_ASSERT_EQUAL(d.warnings, 1);
	check_format(&d, "c.route:1:2: error: one\n"
			 "a\n"
			 " ^\n"
			 "c.route:2:3: warning: two\n"
			 "bb\n"
			 "  ^\n");
	tdm_scr_diag_fini(&d);
}

static void test_scr_diag_without_line_or_source(void)
{
	struct tdm_scr_diag d;
	struct tdm_scr_pos whole = { "gone.route", 0, 0 };
	struct tdm_scr_pos unknown = { "other.route", 3, 4 };

	tdm_scr_diag_init(&d);
	tdm_scr_diag_error(&d, &whole, "cannot read: %s", "No such file");
	tdm_scr_diag_error(&d, &unknown, "no text known");
	tdm_scr_diag_error(&d, NULL, "nowhere");
	/* a line past the end of a known source: no line shown */
	tdm_scr_diag_add_source(&d, "short.route", "x\n", 2);
	unknown.file = "short.route";
	unknown.line = 9;
	tdm_scr_diag_error(&d, &unknown, "past the end");
	check_format(&d, "gone.route: error: cannot read: No such file\n"
			 "other.route:3:4: error: no text known\n"
			 "error: nowhere\n"
			 "short.route:9:4: error: past the end\n");
	tdm_scr_diag_fini(&d);
}

static void test_scr_diag_limit(void)
{
	struct tdm_scr_diag d;
	struct tdm_scr_pos pos = { "l.route", 1, 1 };
	struct tdm_buf b = TDM_BUF_INIT;
	static const char tail[] = "too many errors; giving up after 50\n";

	tdm_scr_diag_init(&d);
	for (int i = 0; i < 49; i++)
		tdm_scr_diag_error(&d, &pos, "e%d", i);
	CU_ASSERT_FALSE(tdm_scr_diag_full(&d));
	tdm_scr_diag_warning(&d, &pos, "warnings do not count");
	tdm_scr_diag_error(&d, &pos, "e49");
	CU_ASSERT_TRUE(tdm_scr_diag_full(&d));
	CU_ASSERT_FALSE(d.truncated);
	for (int i = 0; i < 10; i++)
		tdm_scr_diag_error(&d, &pos, "dropped");
	CU_ASSERT_EQUAL(tdm_scr_diag_errors(&d), 50);
	CU_ASSERT_TRUE(d.truncated);
	CU_ASSERT_EQUAL(d.nents, 51);
	tdm_scr_diag_format(&d, &b);
	CU_ASSERT_TRUE(b.len > sizeof(tail) &&
		       strcmp(b.data + b.len - (sizeof(tail) - 1), tail) == 0);
	CU_ASSERT_PTR_NULL(strstr(b.data, "dropped"));
	tdm_buf_free(&b);
	tdm_scr_diag_fini(&d);
}

static void test_scr_diag_source_lookup(void)
{
	struct tdm_scr_diag d;
	const struct tdm_scr_src *a, *b;

	tdm_scr_diag_init(&d);
	a = tdm_scr_diag_add_source(&d, "a.route", "abc", 3);
	b = tdm_scr_diag_add_source(&d, "b.route", "", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	a = tdm_scr_diag_source(&d, "a.route"); /* b's add may have moved it */
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(a->len, 3);
	CU_ASSERT_EQUAL(a->text[3], '\0');
	CU_ASSERT_EQUAL(b->len, 0);
	CU_ASSERT_PTR_NULL(tdm_scr_diag_source(&d, "c.route"));
	CU_ASSERT_PTR_NULL(tdm_scr_diag_source(&d, NULL));
	tdm_scr_diag_fini(&d);
}

static int diag_oom(void *arg)
{
	struct tdm_scr_diag d;
	struct tdm_scr_pos pos = { "o.route", 1, 2 };
	struct tdm_buf b = TDM_BUF_INIT;
	int rc = 0;

	(void)arg;
	tdm_scr_diag_init(&d);
	if (!tdm_scr_diag_add_source(&d, "o.route", "abc\n", 4))
		rc = -ENOMEM;
	for (int i = 0; i < 20 && !rc; i++)
		tdm_scr_diag_error(&d, &pos, "error number %d", i);
	if (!rc && d.err)
		rc = d.err;
	if (!rc)
		rc = tdm_scr_diag_format(&d, &b);
	if (!rc && !strstr(b.data, "o.route:1:2: error: error number 19\nabc\n ^\n"))
		rc = -EINVAL;
	tdm_buf_free(&b);
	tdm_scr_diag_fini(&d);
	return rc;
}

static void test_scr_diag_out_of_memory(void)
{
	CU_ASSERT_EQUAL(tdm_test_oom_loop(diag_oom, NULL), 0);
}

TDM_TEST_SUITE(scr_diag,
	       TDM_TEST(test_scr_diag_error_with_caret),
	       TDM_TEST(test_scr_diag_caret_keeps_tabs),
	       TDM_TEST(test_scr_diag_caret_counts_utf8_chars),
	       TDM_TEST(test_scr_diag_crlf_and_last_line),
	       TDM_TEST(test_scr_diag_without_line_or_source),
	       TDM_TEST(test_scr_diag_limit),
	       TDM_TEST(test_scr_diag_source_lookup),
	       TDM_TEST(test_scr_diag_out_of_memory))
