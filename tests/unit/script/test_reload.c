/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of core/script/reload.c: a good load, a failed reload that leaves
 * the running program in place, a good reload after it, and a program in
 * use surviving its replacement. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "script/reload.h"
#include "test.h"

static char path[64];

static void write_script(const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void test_scr_reload_atomic(void)
{
	struct tdm_buf rep = TDM_BUF_INIT;
	struct tdm_scr_program *in_flight, *now;
	char h1[65], h2[65];
	int64_t at;
	uint64_t g1, g2;
	int fd;

	snprintf(path, sizeof(path), "/tmp/tandem-reload-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	write_script("route request { reply(200) }\n");
	CU_ASSERT_EQUAL_FATAL(tdm_scr_reload(path, &rep), 0);
	tdm_scr_current_version(h1, &at, &g1);
	CU_ASSERT_EQUAL(strlen(h1), 64);
	in_flight = tdm_scr_current();
	CU_ASSERT_PTR_NOT_NULL_FATAL(in_flight);

	/* a broken script: refused, the running one stays */
	tdm_buf_reset(&rep);
	write_script("route request { reply(\"oops\") }\n");
	CU_ASSERT_EQUAL(tdm_scr_reload(path, &rep), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(rep.data, "must be int, got str"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rep.data, "the running program is unchanged"));
	tdm_scr_current_version(h2, &at, &g2);
	CU_ASSERT_STRING_EQUAL(h1, h2);
	CU_ASSERT_EQUAL(g1, g2);

	/* then a good one replaces it; the old program lives on while used */
	tdm_buf_reset(&rep);
	write_script("route request { reply(404) }\n");
	CU_ASSERT_EQUAL(tdm_scr_reload(path, &rep), 0);
	tdm_scr_current_version(h2, &at, &g2);
	CU_ASSERT_STRING_NOT_EQUAL(h1, h2);
	CU_ASSERT_EQUAL(g2, g1 + 1);
	now = tdm_scr_current();
	CU_ASSERT_PTR_NOT_EQUAL(now, in_flight);
	CU_ASSERT_STRING_EQUAL(in_flight->hash, h1); /* still valid */
	tdm_scr_program_unref(in_flight);
	tdm_scr_program_unref(now);
	tdm_scr_current_clear();
	CU_ASSERT_PTR_NULL(tdm_scr_current());
	unlink(path);
	tdm_buf_free(&rep);
}

TDM_TEST_SUITE(scr_reload, TDM_TEST(test_scr_reload_atomic))
