/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/module/params.c: defaults written at load, typed and
 * range-checked settings (exact refusal text), required parameters,
 * string copies freed at unload, literal parsing, out of memory. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/module.h>
#include "module/mod.h"
#include "test.h"

#define S(lit) (&TDM_STR(lit))
#define WHERE "default.route:12:5"

static struct reg_cfg {
	int64_t default_expires;
	int64_t max_contacts;
	bool enabled;
	const char *table;
	const char *quoted;
	const char *db_url;
} cfg;

static const struct tdm_param_def reg_params[] = {
	TDM_PARAM_INT("default_expires", struct reg_cfg, default_expires,
		      "3600", 60, 86400, "Expires when the client sets none"),
	TDM_PARAM_INT("max_contacts", struct reg_cfg, max_contacts, "-10", 1, 0,
		      "no range"),
	TDM_PARAM_BOOL("enabled", struct reg_cfg, enabled, "true", ""),
	TDM_PARAM_STR("table", struct reg_cfg, table, "location", ""),
	TDM_PARAM_STR("quoted", struct reg_cfg, quoted, "\"a\\\"b\\n\"", ""),
	TDM_PARAM_STR("db_url", struct reg_cfg, db_url, NULL, "required"),
	TDM_PARAM_END
};

static const struct tdm_module reg = {
	TDM_MODULE_HEADER, .name = "reg", .description = "test registrar",
	.params = reg_params, .config = &cfg,
};

static char err[512];

#define ASSERT_ERR(expected)                                                 \
	do {                                                                 \
		if (strcmp(err, (expected)))                                 \
			fprintf(stderr, "  got:  %s\n  want: %s\n", err,     \
				(expected));                                 \
		CU_ASSERT_STRING_EQUAL(err, (expected));                     \
	} while (0)

static void reset(void)
{
	tdm_mod_unload_all();
	tdm_mod_unregister_static(NULL);
	memset(&cfg, 0, sizeof(cfg));
	err[0] = '\0';
}

static struct tdm_mod *load_reg(void)
{
	struct tdm_mod *m = NULL;

	reset();
	CU_ASSERT_EQUAL(tdm_mod_register_static(&reg), 0);
	CU_ASSERT_EQUAL(tdm_mod_load(S("reg"), "default.route:1:1", &m, err,
				     sizeof(err)), 0);
	return m;
}

static int set(struct tdm_mod *m, const char *name, struct tdm_value v)
{
	err[0] = '\0';
	return tdm_mod_set_param(m, &(struct tdm_str){ name, strlen(name) },
				 &v, WHERE, err, sizeof(err));
}

#define INT(x)  ((struct tdm_value){ .type = TDM_T_INT, .u.i = (x) })
#define BOOL(x) ((struct tdm_value){ .type = TDM_T_BOOL, .u.b = (x) })
#define STR(x)  ((struct tdm_value){ .type = TDM_T_STR, .u.s = TDM_STR(x) })

static void test_module_params_defaults(void)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(load_reg());
	CU_ASSERT_EQUAL(cfg.default_expires, 3600);
	CU_ASSERT_EQUAL(cfg.max_contacts, -10);
	CU_ASSERT_TRUE(cfg.enabled);
	CU_ASSERT_STRING_EQUAL(cfg.table, "location");
	CU_ASSERT_STRING_EQUAL(cfg.quoted, "a\"b\n");
	CU_ASSERT_PTR_NULL(cfg.db_url);
	reset();
}

static void test_module_params_set(void)
{
	struct tdm_mod *m = load_reg();
	char src[] = "sqlite:///tmp/x.db";

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(set(m, "default_expires", INT(60)), 0);
	CU_ASSERT_EQUAL(set(m, "max_contacts", INT(-5)), 0);
	CU_ASSERT_EQUAL(set(m, "enabled", BOOL(false)), 0);
	CU_ASSERT_EQUAL(set(m, "table", STR("loc2")), 0);
	CU_ASSERT_EQUAL(set(m, "table", STR("loc3")), 0); /* old copy freed */
	CU_ASSERT_EQUAL(set(m, "db_url", ((struct tdm_value){ .type = TDM_T_STR,
					   .u.s = { src, 6 } })), 0);
	CU_ASSERT_EQUAL(cfg.default_expires, 60);
	CU_ASSERT_EQUAL(cfg.max_contacts, -5);
	CU_ASSERT_FALSE(cfg.enabled);
	CU_ASSERT_STRING_EQUAL(cfg.table, "loc3");
	/* A NUL-terminated copy of the slice, not the slice. */
	CU_ASSERT_STRING_EQUAL(cfg.db_url, "sqlite");
	CU_ASSERT_PTR_NOT_EQUAL(cfg.db_url, src);
	CU_ASSERT_EQUAL(tdm_mod_params_done(m, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(tdm_mod_start_all(err, sizeof(err)), 0);
	reset();
	/* Unloading freed the copies (the leak check) and cleared them. */
	CU_ASSERT_PTR_NULL(cfg.table);
}

static void test_module_params_below_minimum(void)
{
	struct tdm_mod *m = load_reg();

	CU_ASSERT_EQUAL(set(m, "default_expires", INT(30)), -ERANGE);
	ASSERT_ERR(WHERE ": reg.default_expires: 30 is below the minimum 60");
	CU_ASSERT_EQUAL(cfg.default_expires, 3600);
	reset();
}

static void test_module_params_above_maximum(void)
{
	struct tdm_mod *m = load_reg();

	CU_ASSERT_EQUAL(set(m, "default_expires", INT(100000)), -ERANGE);
	ASSERT_ERR(WHERE ": reg.default_expires: 100000 is above the maximum 86400");
	reset();
}

static void test_module_params_wrong_type(void)
{
	struct tdm_mod *m = load_reg();

	CU_ASSERT_EQUAL(set(m, "default_expires", STR("30")), -EINVAL);
	ASSERT_ERR(WHERE ": reg.default_expires: expected int, got str");
	CU_ASSERT_EQUAL(set(m, "table", BOOL(true)), -EINVAL);
	ASSERT_ERR(WHERE ": reg.table: expected str, got bool");
	reset();
}

static void test_module_params_unknown(void)
{
	struct tdm_mod *m = load_reg();

	CU_ASSERT_EQUAL(set(m, "defualt_expires", INT(60)), -ENOENT);
	ASSERT_ERR(WHERE ": reg has no parameter \"defualt_expires\"");
	reset();
}

static void test_module_params_nul_in_string(void)
{
	struct tdm_mod *m = load_reg();
	struct tdm_value v = { .type = TDM_T_STR, .u.s = { "a\0b", 3 } };

	CU_ASSERT_EQUAL(set(m, "table", v), -EINVAL);
	ASSERT_ERR(WHERE ": reg.table: a string parameter cannot contain a NUL byte");
	reset();
}

static void test_module_params_required_missing(void)
{
	struct tdm_mod *m = load_reg();

	CU_ASSERT_EQUAL(tdm_mod_params_done(m, err, sizeof(err)), -EINVAL);
	ASSERT_ERR("default.route:1:1: reg: required parameter \"db_url\" is not set");
	/* start checks it too, for callers that did not */
	err[0] = '\0';
	CU_ASSERT_EQUAL(tdm_mod_start_all(err, sizeof(err)), -EINVAL);
	ASSERT_ERR("default.route:1:1: reg: required parameter \"db_url\" is not set");
	reset();
}

static void test_module_params_after_start(void)
{
	struct tdm_mod *m = load_reg();

	CU_ASSERT_EQUAL(set(m, "db_url", STR("x")), 0);
	CU_ASSERT_EQUAL(tdm_mod_start_all(err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(set(m, "max_contacts", INT(3)), -EBUSY);
	ASSERT_ERR(WHERE ": reg.max_contacts: parameters cannot change after start");
	reset();
}

static struct bcfg { int64_t n; bool b; } bcfg;

/* Loads a one-parameter module "bd" whose parameter is p. */
static int load_bad(const struct tdm_param_def *p)
{
	const struct tdm_param_def params[2] = { *p, TDM_PARAM_END };
	const struct tdm_module d = { TDM_MODULE_HEADER, .name = "bd",
				      .description = "bad defaults",
				      .params = params, .config = &bcfg };
	int rc;

	reset();
	tdm_mod_register_static(&d);
	rc = tdm_mod_load(S("bd"), NULL, NULL, err, sizeof(err));
	tdm_mod_unload_all();
	tdm_mod_unregister_static(NULL);
	return rc;
}

static void test_module_params_bad_default(void)
{
	const struct tdm_param_def i = { "n", TDM_T_INT, 0, "12x", 1, 0, "" };
	const struct tdm_param_def b = { "b", TDM_T_BOOL, offsetof(struct bcfg, b), "yes", 1, 0, "" };

	CU_ASSERT_EQUAL(load_bad(&i), -EINVAL);
	ASSERT_ERR("module \"bd\": default \"12x\" of parameter \"n\" is not a valid int");
	CU_ASSERT_EQUAL(load_bad(&b), -EINVAL);
	ASSERT_ERR("module \"bd\": default \"yes\" of parameter \"b\" is not a valid bool");
}

static void test_module_params_default_out_of_range(void)
{
	const struct tdm_param_def i = { "n", TDM_T_INT, 0, "5", 60, 100, "" };

	CU_ASSERT_EQUAL(load_bad(&i), -EINVAL);
	ASSERT_ERR("module \"bd\": default 5 of parameter \"n\" is outside 60..100");
}

static void test_module_params_parse_literal(void)
{
	struct tdm_value v;
	char buf[32];

	CU_ASSERT_EQUAL(tdm_mod_parse_literal("-9223372036854775808", TDM_T_INT, &v, NULL, 0), 0);
	CU_ASSERT_EQUAL(v.u.i, INT64_MIN);
	CU_ASSERT_EQUAL(tdm_mod_parse_literal("9223372036854775807", TDM_T_INT, &v, NULL, 0), 0);
	CU_ASSERT_EQUAL(v.u.i, INT64_MAX);
	CU_ASSERT_EQUAL(tdm_mod_parse_literal("9223372036854775808", TDM_T_INT, &v, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(tdm_mod_parse_literal("", TDM_T_INT, &v, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(tdm_mod_parse_literal("-", TDM_T_INT, &v, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(tdm_mod_parse_literal(" 1", TDM_T_INT, &v, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(tdm_mod_parse_literal("false", TDM_T_BOOL, &v, NULL, 0), 0);
	CU_ASSERT_FALSE(v.u.b);
	CU_ASSERT_EQUAL(tdm_mod_parse_literal("True", TDM_T_BOOL, &v, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(tdm_mod_parse_literal("plain", TDM_T_STR, &v, buf, sizeof(buf)), 0);
	TDM_ASSERT_STR(v.u.s, "plain");
	CU_ASSERT_EQUAL(tdm_mod_parse_literal("\"t\\tx\\\\\"", TDM_T_STR, &v, buf, sizeof(buf)), 0);
	TDM_ASSERT_STR(v.u.s, "t\tx\\");
	CU_ASSERT_EQUAL(tdm_mod_parse_literal("\"\"", TDM_T_STR, &v, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(v.u.s.len, 0);
	CU_ASSERT_EQUAL(tdm_mod_parse_literal("\"a\\q\"", TDM_T_STR, &v, buf, sizeof(buf)), -EINVAL);
	CU_ASSERT_EQUAL(tdm_mod_parse_literal("\"a\"b\"", TDM_T_STR, &v, buf, sizeof(buf)), -EINVAL);
	CU_ASSERT_EQUAL(tdm_mod_parse_literal("1", TDM_T_LIST, &v, buf, sizeof(buf)), -EINVAL);
}

static int params_oom(void *arg)
{
	struct tdm_mod *m = NULL;
	int rc;

	(void)arg;
	rc = tdm_mod_load(S("reg"), "x:1:1", &m, err, sizeof(err));
	if (!rc)
		rc = set(m, "db_url", STR("postgres://db"));
	if (!rc)
		rc = tdm_mod_start_all(err, sizeof(err));
	tdm_mod_unload_all();
	return rc;
}

static void test_module_params_oom(void)
{
	reset();
	tdm_mod_register_static(&reg);
	CU_ASSERT_EQUAL(tdm_test_oom_loop(params_oom, NULL), 0);
	reset();
}

TDM_TEST_SUITE(module_params,
	TDM_TEST(test_module_params_defaults),
	TDM_TEST(test_module_params_set),
	TDM_TEST(test_module_params_below_minimum),
	TDM_TEST(test_module_params_above_maximum),
	TDM_TEST(test_module_params_wrong_type),
	TDM_TEST(test_module_params_unknown),
	TDM_TEST(test_module_params_nul_in_string),
	TDM_TEST(test_module_params_required_missing),
	TDM_TEST(test_module_params_after_start),
	TDM_TEST(test_module_params_bad_default),
	TDM_TEST(test_module_params_default_out_of_range),
	TDM_TEST(test_module_params_parse_literal),
	TDM_TEST(test_module_params_oom))
