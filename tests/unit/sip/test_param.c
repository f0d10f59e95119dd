/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of core/sip/param.c: generic parameter lists. */
#include <errno.h>
#include <string.h>
#include <tandem/sip.h>
#include "test.h"

static void test_sip_param_iterate(void)
{
	static const char in[] = ";a=1 ; b ;C = \"x;y\\\"z\";d=[2001:db8::1]";
	const char *g = tdm_guard_copy(in, strlen(in));
	struct tdm_str cur = { g, strlen(in) };
	struct tdm_sip_param p;

	CU_ASSERT_EQUAL(tdm_sip_param_next(&cur, &p), 0);
	TDM_ASSERT_STR(p.name, "a");
	TDM_ASSERT_STR(p.value, "1");
	CU_ASSERT_TRUE(p.has_value);
	CU_ASSERT_EQUAL(tdm_sip_param_next(&cur, &p), 0);
	TDM_ASSERT_STR(p.name, "b");
	CU_ASSERT_FALSE(p.has_value);
	CU_ASSERT_EQUAL(tdm_sip_param_next(&cur, &p), 0);
	TDM_ASSERT_STR(p.name, "C");
	TDM_ASSERT_STR(p.value, "\"x;y\\\"z\"");
	CU_ASSERT_EQUAL(tdm_sip_param_next(&cur, &p), 0);
	TDM_ASSERT_STR(p.value, "[2001:db8::1]");
	CU_ASSERT_EQUAL(tdm_sip_param_next(&cur, &p), -ENOENT);
	CU_ASSERT_EQUAL(tdm_sip_param_next(&cur, &p), -ENOENT);
	tdm_guard_free(g, strlen(in));
}

static void test_sip_param_find(void)
{
	struct tdm_str params = TDM_STR("transport=tcp;LR;maddr=10.0.0.1");
	struct tdm_str v;

	CU_ASSERT_EQUAL(tdm_sip_param_find(&params, "lr", &v), 0);
	CU_ASSERT_EQUAL(v.len, 0);
	CU_ASSERT_EQUAL(tdm_sip_param_find(&params, "Transport", &v), 0);
	TDM_ASSERT_STR(v, "tcp");
	CU_ASSERT_EQUAL(tdm_sip_param_find(&params, "ttl", &v), -ENOENT);
	params = TDM_STR_NULL;
	CU_ASSERT_EQUAL(tdm_sip_param_find(&params, "lr", &v), -ENOENT);
}

static void test_sip_param_malformed(void)
{
	static const char *const bad[] = {
		";=1", ";a=", ";a=\"unterminated", ";a b", ";a=1 2", ";a=\"x\"y",
		";a;", ";", "a=1; ",
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(bad); i++) {
		size_t n = strlen(bad[i]);
		const char *g = tdm_guard_copy(bad[i], n);
		struct tdm_str cur = { g, n };
		struct tdm_sip_param p;
		int rc;
		while ((rc = tdm_sip_param_next(&cur, &p)) == 0)
			;
		if (rc != -EBADMSG)
			fprintf(stderr, "param case %zu: %d\n", i, rc);
		CU_ASSERT_EQUAL(rc, -EBADMSG);
		tdm_guard_free(g, n);
	}
}

TDM_TEST_SUITE(sip_param,
	       TDM_TEST(test_sip_param_iterate),
	       TDM_TEST(test_sip_param_find),
	       TDM_TEST(test_sip_param_malformed))
