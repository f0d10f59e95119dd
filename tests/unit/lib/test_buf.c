/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/lib/buf.c: appends, growth, printf and the sticky
 * -ENOMEM that lets builders check once at the end. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/buf.h>
#include "test.h"

static void test_lib_buf_append_kinds(void)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_str s = TDM_STR("sip:"), out;

	CU_ASSERT_EQUAL(tdm_buf_append_str(&b, &s), 0);
	CU_ASSERT_EQUAL(tdm_buf_append_c(&b, "bob"), 0);
	CU_ASSERT_EQUAL(tdm_buf_append_ch(&b, '@'), 0);
	CU_ASSERT_EQUAL(tdm_buf_append(&b, "example.org;x", 11), 0);
	CU_ASSERT_EQUAL(tdm_buf_append(&b, NULL, 0), 0);
	out = tdm_buf_str(&b);
	TDM_ASSERT_STR(out, "sip:bob@example.org");
	CU_ASSERT_STRING_EQUAL(b.data, "sip:bob@example.org"); /* NUL kept */
	tdm_buf_free(&b);
	CU_ASSERT_PTR_NULL(b.data);
	CU_ASSERT_EQUAL(b.len, 0);
}

static void test_lib_buf_growth_keeps_content(void)
{
	struct tdm_buf b = TDM_BUF_INIT;
	char chunk[100];

	for (int i = 0; i < 1000; i++) {
		memset(chunk, 'a' + i % 26, sizeof(chunk));
		CU_ASSERT_EQUAL_FATAL(tdm_buf_append(&b, chunk, sizeof(chunk)), 0);
		CU_ASSERT_TRUE(b.cap > b.len);
	}
	CU_ASSERT_EQUAL(b.len, 100000);
	CU_ASSERT_EQUAL((b.cap & (b.cap - 1)), 0); /* doubled from 256 */
	for (int i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL_FATAL(b.data[i * 100 + 99], 'a' + i % 26);
	CU_ASSERT_EQUAL(b.data[b.len], '\0');
	tdm_buf_free(&b);
}

static void test_lib_buf_reserve_exact_boundary(void)
{
	struct tdm_buf b = TDM_BUF_INIT;
	char big[300];

	CU_ASSERT_EQUAL(tdm_buf_reserve(&b, 255), 0);
	CU_ASSERT_EQUAL(b.cap, 256); /* 255 + NUL fits exactly */
	CU_ASSERT_EQUAL(tdm_buf_reserve(&b, 256), 0);
	CU_ASSERT_EQUAL(b.cap, 512);
	memset(big, 'x', sizeof(big));
	CU_ASSERT_EQUAL(tdm_buf_append(&b, big, sizeof(big)), 0);
	CU_ASSERT_EQUAL(b.cap, 512);
	tdm_buf_free(&b);
}

static void test_lib_buf_printf(void)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_str host = TDM_STR("example.com:5060");
	char longarg[1000];

	CU_ASSERT_EQUAL(tdm_buf_printf(&b, "SIP/2.0 %d %s\r\n", 180, "Ringing"), 0);
	CU_ASSERT_EQUAL(tdm_buf_printf(&b, "Via: %.*s", TDM_STR_FMT(&host)), 0);
	CU_ASSERT_STRING_EQUAL(b.data,
			       "SIP/2.0 180 Ringing\r\nVia: example.com:5060");
	CU_ASSERT_EQUAL(b.len, strlen(b.data));
	/* A formatted result larger than the current capacity. */
	memset(longarg, 'z', sizeof(longarg) - 1);
	longarg[sizeof(longarg) - 1] = '\0';
	tdm_buf_reset(&b);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(tdm_buf_printf(&b, "<%s>", longarg), 0);
	CU_ASSERT_EQUAL(b.len, 1001);
	CU_ASSERT_EQUAL(b.data[0], '<');
	CU_ASSERT_EQUAL(b.data[1000], '>');
	CU_ASSERT_EQUAL(b.data[1001], '\0');
	CU_ASSERT_EQUAL(tdm_buf_printf(&b, "%s", ""), 0);
	CU_ASSERT_EQUAL(b.len, 1001);
	tdm_buf_free(&b);
}

static void test_lib_buf_sticky_enomem(void)
{
	struct tdm_buf b = TDM_BUF_INIT;
	char big[600];

	CU_ASSERT_EQUAL(tdm_buf_append_c(&b, "hello"), 0);
	memset(big, 'x', sizeof(big));
	tdm_alloc_fail_after(0);
	CU_ASSERT_EQUAL(tdm_buf_append(&b, big, sizeof(big)), -ENOMEM);
	tdm_alloc_fail_after(-1);
	CU_ASSERT_EQUAL(b.err, -ENOMEM);
	/* Sticky: even appends that would fit, and printf, are refused. */
	CU_ASSERT_EQUAL(tdm_buf_append_ch(&b, '!'), -ENOMEM);
	CU_ASSERT_EQUAL(tdm_buf_printf(&b, "%d", 1), -ENOMEM);
	CU_ASSERT_EQUAL(tdm_buf_reserve(&b, 1), -ENOMEM);
	CU_ASSERT_EQUAL(b.len, 5);
	CU_ASSERT_STRING_EQUAL(b.data, "hello"); /* old content intact */
	/* Reset clears the error and keeps the memory. */
	tdm_buf_reset(&b);
	CU_ASSERT_EQUAL(b.err, 0);
	CU_ASSERT_EQUAL(tdm_buf_append_c(&b, "again"), 0);
	CU_ASSERT_STRING_EQUAL(b.data, "again");
	tdm_buf_free(&b);
}

static void test_lib_buf_first_alloc_fails(void)
{
	struct tdm_buf b = TDM_BUF_INIT;

	tdm_alloc_fail_after(0);
	CU_ASSERT_EQUAL(tdm_buf_printf(&b, "%s", "x"), -ENOMEM);
	tdm_alloc_fail_after(-1);
	CU_ASSERT_PTR_NULL(b.data);
	CU_ASSERT_EQUAL(b.err, -ENOMEM);
	tdm_buf_free(&b);
	CU_ASSERT_EQUAL(b.err, 0); /* free makes it reusable */
	CU_ASSERT_EQUAL(tdm_buf_append_c(&b, "ok"), 0);
	tdm_buf_free(&b);
}

static void test_lib_buf_huge_reserve_fails(void)
{
	struct tdm_buf b = TDM_BUF_INIT;

	CU_ASSERT_EQUAL(tdm_buf_append_c(&b, "abc"), 0);
	/* len + extra + 1 would wrap around: must fail, not "fit". */
	CU_ASSERT_EQUAL(tdm_buf_reserve(&b, SIZE_MAX - 3), -ENOMEM);
	tdm_buf_reset(&b);
	CU_ASSERT_EQUAL(tdm_buf_reserve(&b, SIZE_MAX), -ENOMEM);
	tdm_buf_free(&b);
}

/* Appends until done; -ENOMEM once any allocation failed. */
static int build_buf(void *arg)
{
	struct tdm_buf b = TDM_BUF_INIT;
	int err;

	(void)arg;
	for (int i = 0; i < 200; i++)
		tdm_buf_printf(&b, "Header-%d: value %d\r\n", i, i * i);
	err = b.err;
	if (!err && b.len < 200 * 18)
		err = -EINVAL;
	tdm_buf_free(&b);
	return err;
}

static void test_lib_buf_oom_loop(void)
{
	CU_ASSERT_EQUAL(tdm_test_oom_loop(build_buf, NULL), 0);
}

TDM_TEST_SUITE(lib_buf,
	       TDM_TEST(test_lib_buf_append_kinds),
	       TDM_TEST(test_lib_buf_growth_keeps_content),
	       TDM_TEST(test_lib_buf_reserve_exact_boundary),
	       TDM_TEST(test_lib_buf_printf),
	       TDM_TEST(test_lib_buf_sticky_enomem),
	       TDM_TEST(test_lib_buf_first_alloc_fails),
	       TDM_TEST(test_lib_buf_huge_reserve_fails),
	       TDM_TEST(test_lib_buf_oom_loop))
