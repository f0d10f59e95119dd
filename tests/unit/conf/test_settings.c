/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/conf/settings.c: the table's defaults all parse, --set
 * parsing of every type with its error messages, lists, later values
 * replacing earlier ones, and the C-string copies. */
#include <errno.h>
#include <string.h>
#include "conf/settings.h"
#include "test.h"

static void test_conf_defaults_parse(void)
{
	struct tdm_node_cfg c;

	CU_ASSERT_EQUAL_FATAL(tdm_node_cfg_defaults(&c), 0);
	CU_ASSERT_EQUAL(tdm_cfg_int(&c, TDM_SETTING_TIMER_T1), 500);
	CU_ASSERT_EQUAL(tdm_cfg_int(&c, TDM_SETTING_TXN_LINGER), 5000);
	CU_ASSERT_EQUAL(tdm_cfg_int(&c, TDM_SETTING_TLS_VERIFY_CLIENT), 0);
	CU_ASSERT_EQUAL(c.v[TDM_SETTING_LISTEN].count, 1);
	TDM_ASSERT_STR(c.v[TDM_SETTING_LISTEN].list[0], "udp:127.0.0.1:5060");
	CU_ASSERT_EQUAL(c.v[TDM_SETTING_DOMAINS].count, 0);
	CU_ASSERT_PTR_NULL(tdm_cfg_cstr(&c, TDM_SETTING_TLS_CERTIFICATE));
	for (unsigned i = 0; i < TDM_SETTING__COUNT; i++)
		CU_ASSERT_FALSE(c.v[i].set);
	tdm_node_cfg_free(&c);
}

static void test_conf_set_types(void)
{
	struct tdm_node_cfg c;
	char err[160];

	CU_ASSERT_EQUAL_FATAL(tdm_node_cfg_defaults(&c), 0);
	CU_ASSERT_EQUAL(tdm_node_cfg_set(&c, "workers=4", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(tdm_cfg_int(&c, TDM_SETTING_WORKERS), 4);
	CU_ASSERT_TRUE(c.v[TDM_SETTING_WORKERS].set);
	CU_ASSERT_EQUAL(tdm_node_cfg_set(&c, "tls_verify_client=yes", err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(tdm_cfg_int(&c, TDM_SETTING_TLS_VERIFY_CLIENT), 1);
	CU_ASSERT_EQUAL(tdm_node_cfg_set(&c, "tls_verify_client=off", err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(tdm_cfg_int(&c, TDM_SETTING_TLS_VERIFY_CLIENT), 0);
	CU_ASSERT_EQUAL(tdm_node_cfg_set(&c, "tls_certificate=/etc/c.pem", err,
					 sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(tdm_cfg_cstr(&c, TDM_SETTING_TLS_CERTIFICATE),
			       "/etc/c.pem");
	/* the copy is made once and stays */
	CU_ASSERT_PTR_EQUAL(tdm_cfg_cstr(&c, TDM_SETTING_TLS_CERTIFICATE),
			    tdm_cfg_cstr(&c, TDM_SETTING_TLS_CERTIFICATE));
	CU_ASSERT_EQUAL(tdm_node_cfg_set(&c, "listen=udp:127.0.0.1:1,,tcp:[::1]:2",
					 err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(c.v[TDM_SETTING_LISTEN].count, 2); /* empty skipped */
	TDM_ASSERT_STR(c.v[TDM_SETTING_LISTEN].list[1], "tcp:[::1]:2");
	/* a later value replaces the earlier one (and frees it) */
	CU_ASSERT_EQUAL(tdm_node_cfg_set(&c, "listen=udp:127.0.0.1:3", err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.v[TDM_SETTING_LISTEN].count, 1);
	CU_ASSERT_EQUAL(tdm_node_cfg_set(&c, "tls_certificate=/x", err,
					 sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(tdm_cfg_cstr(&c, TDM_SETTING_TLS_CERTIFICATE), "/x");
	tdm_node_cfg_free(&c);
}

static void test_conf_set_errors(void)
{
	static const struct { const char *kv, *msg; } bad[] = {
		{ "workers", "--set needs KEY=VALUE, not 'workers'" },
		{ "=4", "--set needs KEY=VALUE, not '=4'" },
		{ "colour=blue", "unknown setting 'colour' (see docs/settings.md)" },
		{ "workers=many", "workers must be an integer from 0 to 256, not 'many'" },
		{ "workers=257", "workers must be an integer from 0 to 256, not '257'" },
		{ "workers=", "workers must be an integer from 0 to 256, not ''" },
		{ "timer_t1=5", "timer_t1 must be an integer from 10 to 60000, not '5'" },
		{ "workers=99999999999999999999", "workers must be an integer from 0 to 256, not '99999999999999999999'" },
		{ "tls_verify_client=maybe", "tls_verify_client must be yes or no, not 'maybe'" },
	};
	struct tdm_node_cfg c;
	char err[160];

	CU_ASSERT_EQUAL_FATAL(tdm_node_cfg_defaults(&c), 0);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		CU_ASSERT_EQUAL(tdm_node_cfg_set(&c, bad[i].kv, err, sizeof(err)),
				-EINVAL);
		CU_ASSERT_STRING_EQUAL(err, bad[i].msg);
	}
	/* nothing changed */
	CU_ASSERT_EQUAL(tdm_cfg_int(&c, TDM_SETTING_WORKERS), 0);
	CU_ASSERT_FALSE(c.v[TDM_SETTING_WORKERS].set);
	tdm_node_cfg_free(&c);
}

static void test_conf_find(void)
{
	enum tdm_setting_id id;

	CU_ASSERT_PTR_NOT_NULL(tdm_setting_find(&TDM_STR("dns_servers"), &id));
	CU_ASSERT_EQUAL(id, TDM_SETTING_DNS_SERVERS);
	CU_ASSERT_PTR_NULL(tdm_setting_find(&TDM_STR("dns_server"), &id));
	CU_ASSERT_PTR_NULL(tdm_setting_find(&TDM_STR("DNS_SERVERS"), NULL));
	/* every name is unique and every default parses as its type */
	for (unsigned i = 0; i < TDM_SETTING__COUNT; i++)
		for (unsigned k = i + 1; k < TDM_SETTING__COUNT; k++)
			CU_ASSERT(strcmp(tdm_settings[i].name, tdm_settings[k].name));
}

TDM_TEST_SUITE(conf_settings,
	       TDM_TEST(test_conf_defaults_parse),
	       TDM_TEST(test_conf_set_types),
	       TDM_TEST(test_conf_set_errors),
	       TDM_TEST(test_conf_find))
