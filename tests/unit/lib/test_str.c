/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/lib/str.c: comparison, number conversion, trimming,
 * searching, sub-slices and hashing of string slices. */
#include <errno.h>
#include <tandem/str.h>
#include "test.h"

static void test_lib_str_c_null(void)
{
	struct tdm_str s = tdm_str_c(NULL);

	CU_ASSERT_PTR_NULL(s.s);
	CU_ASSERT_EQUAL(s.len, 0);
	s = tdm_str_c("abc");
	CU_ASSERT_EQUAL(s.len, 3);
}

static void test_lib_str_eq_basic(void)
{
	struct tdm_str a = TDM_STR("INVITE"), b = TDM_STR("INVITE");
	struct tdm_str c = TDM_STR("INVITe"), e1 = TDM_STR_NULL;
	struct tdm_str e2 = TDM_STR("");

	CU_ASSERT_TRUE(tdm_str_eq(&a, &b));
	CU_ASSERT_FALSE(tdm_str_eq(&a, &c));
	CU_ASSERT_TRUE(tdm_str_eq(&e1, &e2)); /* NULL and "" are both empty */
	CU_ASSERT_TRUE(tdm_str_eq_c(&a, "INVITE"));
	CU_ASSERT_FALSE(tdm_str_eq_c(&a, "INVIT"));
}

static void test_lib_str_caseeq_ascii_only(void)
{
	struct tdm_str a = TDM_STR("Call-ID"), b = TDM_STR("cALL-id");
	struct tdm_str c = TDM_STR("Call_ID");
	/* '@' (0x40) and '`' (0x60) differ by 32 but are not letters. */
	struct tdm_str at = TDM_STR("@"), bq = TDM_STR("`");
	struct tdm_str hi1 = TDM_STR("\xc0"), hi2 = TDM_STR("\xe0");

	CU_ASSERT_TRUE(tdm_str_caseeq(&a, &b));
	CU_ASSERT_FALSE(tdm_str_caseeq(&a, &c));
	CU_ASSERT_FALSE(tdm_str_caseeq(&at, &bq));
	CU_ASSERT_FALSE(tdm_str_caseeq(&hi1, &hi2));
	CU_ASSERT_TRUE(tdm_str_caseeq_c(&a, "CALL-ID"));
	CU_ASSERT_FALSE(tdm_str_caseeq_c(&a, "CALL-IDs"));
}

static void test_lib_str_cmp_order(void)
{
	struct tdm_str a = TDM_STR("abc"), ab = TDM_STR("ab");
	struct tdm_str b = TDM_STR("abd"), e = TDM_STR_NULL;
	struct tdm_str hi = TDM_STR("\xff");

	CU_ASSERT_EQUAL(tdm_str_cmp(&a, &a), 0);
	CU_ASSERT_TRUE(tdm_str_cmp(&a, &b) < 0);
	CU_ASSERT_TRUE(tdm_str_cmp(&b, &a) > 0);
	CU_ASSERT_TRUE(tdm_str_cmp(&ab, &a) < 0);
	CU_ASSERT_TRUE(tdm_str_cmp(&a, &ab) > 0);
	CU_ASSERT_TRUE(tdm_str_cmp(&e, &a) < 0);
	CU_ASSERT_EQUAL(tdm_str_cmp(&e, &e), 0);
	CU_ASSERT_TRUE(tdm_str_cmp(&hi, &a) > 0); /* bytes compare unsigned */
}

static void test_lib_str_to_u32_ok(void)
{
	struct tdm_str s = TDM_STR("4294967295"), z = TDM_STR("0");
	struct tdm_str lead = TDM_STR("007");
	uint32_t v = 1;

	CU_ASSERT_EQUAL(tdm_str_to_u32(&s, &v), 0);
	CU_ASSERT_EQUAL(v, UINT32_MAX);
	CU_ASSERT_EQUAL(tdm_str_to_u32(&z, &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(tdm_str_to_u32(&lead, &v), 0);
	CU_ASSERT_EQUAL(v, 7);
}

static void test_lib_str_to_u32_overflow(void)
{
	struct tdm_str s1 = TDM_STR("4294967296");
	struct tdm_str s2 = TDM_STR("99999999999999999999999");
	struct tdm_str s3 = TDM_STR("18446744073709551616"); /* 2^64 */
	uint32_t v = 42;

	CU_ASSERT_EQUAL(tdm_str_to_u32(&s1, &v), -ERANGE);
	CU_ASSERT_EQUAL(tdm_str_to_u32(&s2, &v), -ERANGE);
	CU_ASSERT_EQUAL(tdm_str_to_u32(&s3, &v), -ERANGE);
	CU_ASSERT_EQUAL(v, 42); /* untouched on error */
}

static void test_lib_str_to_u32_invalid(void)
{
	const char *bad[] = { "", "-1", "+1", " 1", "1 ", "12a", "0x10",
			      "1.5", "/", ":" };
	uint32_t v = 42;

	for (size_t i = 0; i < TDM_ARRAY_SIZE(bad); i++) {
		struct tdm_str s = tdm_str_c(bad[i]);
		CU_ASSERT_EQUAL(tdm_str_to_u32(&s, &v), -EINVAL);
	}
	CU_ASSERT_EQUAL(v, 42);
}

static void test_lib_str_to_u64_limits(void)
{
	struct tdm_str max = TDM_STR("18446744073709551615");
	struct tdm_str over = TDM_STR("18446744073709551616");
	uint64_t v = 0;

	CU_ASSERT_EQUAL(tdm_str_to_u64(&max, &v), 0);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
	CU_ASSERT_EQUAL(tdm_str_to_u64(&over, &v), -ERANGE);
}

static void test_lib_str_to_u32_slice_not_terminated(void)
{
	/* The slice stops before the following digits. */
	const char *p = tdm_guard_copy("12345", 5);
	struct tdm_str s = { p, 3 }, all = { p, 5 };
	uint32_t v = 0;

	CU_ASSERT_EQUAL(tdm_str_to_u32(&s, &v), 0);
	CU_ASSERT_EQUAL(v, 123);
	CU_ASSERT_EQUAL(tdm_str_to_u32(&all, &v), 0);
	CU_ASSERT_EQUAL(v, 12345);
	tdm_guard_free(p, 5);
}

static void test_lib_str_trim_cases(void)
{
	struct tdm_str s = tdm_str_trim(TDM_STR(" \t\r\nabc d \r\n"));
	struct tdm_str all = tdm_str_trim(TDM_STR(" \t \r\n"));
	struct tdm_str none = tdm_str_trim(TDM_STR("x"));
	struct tdm_str vt = tdm_str_trim(TDM_STR("\vx\f"));

	TDM_ASSERT_STR(s, "abc d");
	CU_ASSERT_EQUAL(all.len, 0);
	TDM_ASSERT_STR(none, "x");
	TDM_ASSERT_STR(vt, "\vx\f"); /* only SP, HTAB, CR, LF are trimmed */
	CU_ASSERT_EQUAL(tdm_str_trim(TDM_STR_NULL).len, 0);
}

static void test_lib_str_chr_and_sub(void)
{
	struct tdm_str s = TDM_STR("sip:alice@example.com");
	struct tdm_str e = TDM_STR_NULL, sub;

	CU_ASSERT_EQUAL(tdm_str_chr(&s, ':'), 3);
	CU_ASSERT_EQUAL(tdm_str_chr(&s, '@'), 9);
	CU_ASSERT_EQUAL(tdm_str_chr(&s, '#'), -1);
	CU_ASSERT_EQUAL(tdm_str_chr(&e, 'a'), -1);
	sub = tdm_str_sub(&s, 4, 5);
	TDM_ASSERT_STR(sub, "alice");
	sub = tdm_str_sub(&s, 10, 1000); /* clamped to the end */
	TDM_ASSERT_STR(sub, "example.com");
	sub = tdm_str_sub(&s, 1000, 3); /* past the end: empty */
	CU_ASSERT_EQUAL(sub.len, 0);
	CU_ASSERT_PTR_EQUAL(sub.s, s.s + s.len);
}

static void test_lib_str_hash_values(void)
{
	struct tdm_str e = TDM_STR(""), a = TDM_STR("a");
	struct tdm_str foo = TDM_STR("foobar"), FOO = TDM_STR("FooBar");

	/* FNV-1a reference values. */
	CU_ASSERT_EQUAL(tdm_str_hash(&e), 2166136261u);
	CU_ASSERT_EQUAL(tdm_str_hash(&a), 0xe40c292cu);
	CU_ASSERT_EQUAL(tdm_str_hash(&foo), 0xbf9cf968u);
	CU_ASSERT_NOT_EQUAL(tdm_str_hash(&foo), tdm_str_hash(&FOO));
	CU_ASSERT_EQUAL(tdm_str_casehash(&foo), tdm_str_casehash(&FOO));
	CU_ASSERT_EQUAL(tdm_str_casehash(&foo), tdm_str_hash(&foo));
}

static void test_lib_str_lower(void)
{
	CU_ASSERT_EQUAL(tdm_lower('A'), 'a');
	CU_ASSERT_EQUAL(tdm_lower('Z'), 'z');
	CU_ASSERT_EQUAL(tdm_lower('@'), '@');
	CU_ASSERT_EQUAL(tdm_lower('['), '[');
	CU_ASSERT_EQUAL(tdm_lower('z'), 'z');
	CU_ASSERT_EQUAL(tdm_lower('1'), '1');
}

TDM_TEST_SUITE(lib_str,
	       TDM_TEST(test_lib_str_c_null),
	       TDM_TEST(test_lib_str_eq_basic),
	       TDM_TEST(test_lib_str_caseeq_ascii_only),
	       TDM_TEST(test_lib_str_cmp_order),
	       TDM_TEST(test_lib_str_to_u32_ok),
	       TDM_TEST(test_lib_str_to_u32_overflow),
	       TDM_TEST(test_lib_str_to_u32_invalid),
	       TDM_TEST(test_lib_str_to_u64_limits),
	       TDM_TEST(test_lib_str_to_u32_slice_not_terminated),
	       TDM_TEST(test_lib_str_trim_cases),
	       TDM_TEST(test_lib_str_chr_and_sub),
	       TDM_TEST(test_lib_str_hash_values),
	       TDM_TEST(test_lib_str_lower))
