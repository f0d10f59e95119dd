/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/script/call.c: type and route names, the call frame
 * (typed arguments, absent optionals, results and their type check), and
 * the load-time preparation of constant arguments (exact error text). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/arena.h>
#include <tandem/log.h>
#include <tandem/script.h>
#include "script/call.h"
#include "test.h"

#define ASSERT_ERR(got, expected)                                            \
	do {                                                                 \
		if (strcmp((got), (expected)))                               \
			fprintf(stderr, "  got:  %s\n  want: %s\n", (got),   \
				(expected));                                 \
		CU_ASSERT_STRING_EQUAL((got), (expected));                   \
	} while (0)

static void test_script_call_type_names(void)
{
	CU_ASSERT_STRING_EQUAL(tdm_type_name(TDM_T_VOID), "void");
	CU_ASSERT_STRING_EQUAL(tdm_type_name(TDM_T_BOOL), "bool");
	CU_ASSERT_STRING_EQUAL(tdm_type_name(TDM_T_INT), "int");
	CU_ASSERT_STRING_EQUAL(tdm_type_name(TDM_T_STR), "str");
	CU_ASSERT_STRING_EQUAL(tdm_type_name(TDM_T_REGEX), "regex");
	CU_ASSERT_STRING_EQUAL(tdm_type_name(TDM_T_LIST), "list");
	CU_ASSERT_STRING_EQUAL(tdm_type_name(TDM_T_ANY), "any");
	CU_ASSERT_STRING_EQUAL(tdm_type_name((enum tdm_type)99), "?");
}

static void test_script_call_route_names(void)
{
	CU_ASSERT_STRING_EQUAL(tdm_route_type_name(TDM_ROUTE_REQUEST), "request");
	CU_ASSERT_STRING_EQUAL(tdm_route_type_name(TDM_ROUTE_REPLY), "reply");
	CU_ASSERT_STRING_EQUAL(tdm_route_type_name(TDM_ROUTE_FAILURE), "failure");
	CU_ASSERT_STRING_EQUAL(tdm_route_type_name(TDM_ROUTE_BRANCH), "branch");
	CU_ASSERT_STRING_EQUAL(tdm_route_type_name(TDM_ROUTE_ANY), "?");
}

/* f(s: str, n: int, [b: bool], [x: any]) -> int: records what it read. */
static struct {
	struct tdm_str s;
	int64_t n;
	bool b, has_b, has_x;
	void *prep;
	struct tdm_sip_msg *msg;
	enum tdm_route_type route;
	struct tdm_arena *arena;
} seen;

static int f_impl(struct tdm_scr_call *c)
{
	seen.s = tdm_scr_arg_str(c, 0);
	seen.n = tdm_scr_arg_int(c, 1);
	seen.b = tdm_scr_arg_bool(c, 2);
	seen.has_b = tdm_scr_arg(c, 2) != NULL;
	seen.has_x = tdm_scr_arg(c, 3) != NULL;
	seen.prep = tdm_scr_arg_prepared(c, 0);
	seen.msg = tdm_scr_msg(c);
	seen.route = tdm_scr_route(c);
	seen.arena = tdm_scr_arena(c);
	return tdm_scr_ret_int(c, seen.n * 2);
}

static const struct tdm_fn_def f = {
	.name = "f", .impl = f_impl, .ret = TDM_T_INT,
	.args = TDM_ARGS({ "s", TDM_T_STR, 0 }, { "n", TDM_T_INT, 0 },
			 { "b", TDM_T_BOOL, TDM_ARG_OPTIONAL },
			 { "x", TDM_T_ANY, TDM_ARG_OPTIONAL }),
	.routes = TDM_ROUTE_REQUEST | TDM_ROUTE_BRANCH,
};

static void test_script_call_arguments(void)
{
	const struct tdm_value args[4] = {
		{ .type = TDM_T_STR, .u.s = TDM_STR("alice") },
		{ .type = TDM_T_INT, .u.i = 21 },
		{ .type = TDM_T_BOOL, .u.b = true },
		{ .type = TDM_T_LIST },
	};
	struct tdm_sip_msg *msg = (struct tdm_sip_msg *)&seen; /* opaque here */
	struct tdm_arena *a;
	struct tdm_scr_call c;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	memset(&seen, 0, sizeof(seen));
	tdm_scr_call_init(&c, &f, TDM_ROUTE_BRANCH, msg, a);
	CU_ASSERT_EQUAL(tdm_scr_call_args(&c, args, 4, NULL), 0);
	CU_ASSERT_EQUAL(tdm_scr_call_run(&c), 0);
	TDM_ASSERT_STR(seen.s, "alice");
	CU_ASSERT_EQUAL(seen.n, 21);
	CU_ASSERT_TRUE(seen.b && seen.has_b && seen.has_x);
	CU_ASSERT_PTR_NULL(seen.prep);
	CU_ASSERT_PTR_EQUAL(seen.msg, msg);
	CU_ASSERT_EQUAL(seen.route, TDM_ROUTE_BRANCH);
	CU_ASSERT_PTR_EQUAL(seen.arena, a);
	CU_ASSERT_EQUAL(c.result.type, TDM_T_INT);
	CU_ASSERT_EQUAL(c.result.u.i, 42);
	tdm_arena_free(a);
}

static void test_script_call_absent_optional(void)
{
	const struct tdm_value args[3] = {
		{ .type = TDM_T_STR, .u.s = TDM_STR("") },
		{ .type = TDM_T_INT, .u.i = 1 },
		{ .type = TDM_T_VOID }, /* b left out, x not given at all */
	};
	struct tdm_scr_call c;

	tdm_scr_call_init(&c, &f, TDM_ROUTE_REQUEST, NULL, NULL);
	CU_ASSERT_EQUAL(tdm_scr_call_args(&c, args, 3, NULL), 0);
	CU_ASSERT_PTR_NULL(tdm_scr_arg(&c, 2));
	CU_ASSERT_PTR_NULL(tdm_scr_arg(&c, 3));
	CU_ASSERT_PTR_NULL(tdm_scr_arg(&c, 99));
	CU_ASSERT_FALSE(tdm_scr_arg_bool(&c, 2));
	CU_ASSERT_EQUAL(tdm_scr_arg_int(&c, 3), 0);
	CU_ASSERT_EQUAL(tdm_scr_arg_str(&c, 3).len, 0);
	CU_ASSERT_PTR_NULL(tdm_scr_msg(&c));
	CU_ASSERT_EQUAL(tdm_scr_call_run(&c), 0);
	CU_ASSERT_FALSE(seen.has_b || seen.has_x);
}

static void test_script_call_bad_arguments(void)
{
	const struct tdm_value str = { .type = TDM_T_STR, .u.s = TDM_STR("x") };
	const struct tdm_value i = { .type = TDM_T_INT, .u.i = 1 };
	const struct tdm_value wrong[2] = { str, str };
	const struct tdm_value missing[2] = { str, { .type = TDM_T_VOID } };
	const struct tdm_value five[5] = { str, i, { .type = TDM_T_VOID }, i, i };
	struct tdm_scr_call c;

	tdm_scr_call_init(&c, &f, TDM_ROUTE_REQUEST, NULL, NULL);
	CU_ASSERT_EQUAL(tdm_scr_call_args(&c, wrong, 2, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_scr_call_args(&c, missing, 2, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_scr_call_args(&c, &str, 1, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_scr_call_args(&c, five, 5, NULL), -EINVAL);
	/* TDM_T_ANY takes an int */
	CU_ASSERT_EQUAL(tdm_scr_call_args(&c, five, 4, NULL), 0);
}

static void test_script_call_route_not_allowed(void)
{
	const struct tdm_value args[2] = { { .type = TDM_T_STR, .u.s = TDM_STR("x") },
					   { .type = TDM_T_INT, .u.i = 1 } };
	struct tdm_scr_call c;

	tdm_scr_call_init(&c, &f, TDM_ROUTE_REPLY, NULL, NULL);
	CU_ASSERT_EQUAL(tdm_scr_call_args(&c, args, 2, NULL), 0);
	CU_ASSERT_EQUAL(tdm_scr_call_run(&c), -EINVAL);
}

/* A bool function that answers with the wrong type, or not at all, or a
 * positive number. */
static int mode;

static int g_impl(struct tdm_scr_call *c)
{
	switch (mode) {
	case 0: return tdm_scr_ret_int(c, 1);
	case 1: return tdm_scr_ret_str(c, &TDM_STR("yes"));
	case 2: return 0;
	case 3: return 1;
	case 4: return -ENOENT;
	default: return tdm_scr_ret_bool(c, true);
	}
}

static const struct tdm_fn_def g = { .name = "g", .impl = g_impl,
				     .ret = TDM_T_BOOL, .routes = TDM_ROUTE_ANY };

static void test_script_call_result_type_checked(void)
{
	struct tdm_scr_call c;
	static const int want[] = { -EINVAL, -EINVAL, -EINVAL, -EINVAL, -ENOENT, 0 };

	for (mode = 0; mode < 6; mode++) {
		tdm_scr_call_init(&c, &g, TDM_ROUTE_FAILURE, NULL, NULL);
		CU_ASSERT_EQUAL(tdm_scr_call_args(&c, NULL, 0, NULL), 0);
		CU_ASSERT_EQUAL(tdm_scr_call_run(&c), want[mode]);
	}
	CU_ASSERT_EQUAL(c.result.type, TDM_T_BOOL);
	CU_ASSERT_TRUE(c.result.u.b);
}

static char big[64 * 1024];

static int h_impl(struct tdm_scr_call *c)
{
	char tmp[8] = "temp";
	struct tdm_str s = { tmp, mode ? 0 : 4 };
	int rc;

	if (mode == 2) /* larger than any first chunk: the copy allocates */
		s = (struct tdm_str){ big, sizeof(big) };
	rc = tdm_scr_ret_str(c, &s);

	memset(tmp, 'X', sizeof(tmp)); /* the result must be a copy */
	return rc;
}

static const struct tdm_fn_def h = { .name = "h", .impl = h_impl,
				     .ret = TDM_T_STR, .routes = TDM_ROUTE_ANY };

static void test_script_call_result_str_copied(void)
{
	struct tdm_arena *a;
	struct tdm_scr_call c;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	mode = 0;
	tdm_scr_call_init(&c, &h, TDM_ROUTE_REQUEST, NULL, a);
	CU_ASSERT_EQUAL(tdm_scr_call_run(&c), 0);
	TDM_ASSERT_STR(c.result.u.s, "temp");
	mode = 1;
	CU_ASSERT_EQUAL(tdm_scr_call_run(&c), 0);
	CU_ASSERT_EQUAL(c.result.u.s.len, 0);
	CU_ASSERT_PTR_NOT_NULL(c.result.u.s.s);
	/* without an arena there is nowhere to copy to */
	tdm_scr_call_init(&c, &h, TDM_ROUTE_REQUEST, NULL, NULL);
	mode = 0;
	CU_ASSERT_EQUAL(tdm_scr_call_run(&c), -EINVAL);
	tdm_arena_free(a);
}

static int h_oom(void *arg)
{
	struct tdm_arena *a;
	struct tdm_scr_call c;
	int rc;

	(void)arg;
	rc = tdm_arena_new(&a, 0);
	if (rc)
		return rc;
	mode = 2;
	tdm_scr_call_init(&c, &h, TDM_ROUTE_REQUEST, NULL, a);
	rc = tdm_scr_call_run(&c);
	tdm_arena_free(a);
	return rc;
}

static void test_script_call_result_oom(void)
{
	CU_ASSERT_EQUAL(tdm_test_oom_loop(h_oom, NULL), 0);
}

/* ---- Preparation ---------------------------------------------------------- */

static int frees;

static void count_free(void *p)
{
	frees++;
	tdm_free(p);
}

/* match(pattern: const str, [flags: int]) -> bool */
static int prep_mode;

static int match_prepare(struct tdm_scr_prep *p)
{
	const struct tdm_value *v = tdm_scr_prep_const(p, 0);
	char *copy;

	switch (prep_mode) {
	case 1:
		tdm_scr_prep_error(p, 0, "bad regex \"%.*s\"", TDM_STR_FMT(&v->u.s));
		tdm_scr_prep_error(p, 1, "second error is dropped");
		return -EINVAL;
	case 2:
		copy = tdm_strndup("x", 1);
		tdm_scr_prep_set(p, 0, copy, count_free);
		return -ENOMEM; /* no message: the core writes one */
	case 3:
		tdm_scr_prep_error(p, 1, "flags must be positive");
		return 0; /* reported but returned 0: still a failure */
	}
	copy = tdm_strndup(v->u.s.s, v->u.s.len);
	if (!copy)
		return -ENOMEM;
	CU_ASSERT_EQUAL(tdm_scr_prep_set(p, 5, copy, count_free), -EINVAL);
	return tdm_scr_prep_set(p, 0, copy, count_free);
}

static int match_impl(struct tdm_scr_call *c)
{
	const char *pattern = tdm_scr_arg_prepared(c, 0);

	return tdm_scr_ret_bool(c, pattern && !strcmp(pattern, "^sip:"));
}

static const struct tdm_fn_def match = {
	.name = "match", .impl = match_impl, .prepare = match_prepare,
	.ret = TDM_T_BOOL,
	.args = TDM_ARGS({ "pattern", TDM_T_STR, TDM_ARG_CONST },
			 { "flags", TDM_T_INT, TDM_ARG_OPTIONAL }),
	.routes = TDM_ROUTE_ANY,
};

static const struct tdm_value consts[2] = {
	{ .type = TDM_T_STR, .u.s = TDM_STR("^sip:") },
	{ .type = TDM_T_VOID }, /* flags: an expression, not a literal */
};
static const char *const arg_where[2] = { "default.route:4:15", "default.route:4:24" };

static void test_script_call_prepare(void)
{
	struct tdm_scr_prep p;
	struct tdm_scr_call c;
	char err[256];

	prep_mode = 0;
	frees = 0;
	tdm_scr_prep_init(&p, &match, consts, 2, "default.route:4:9", arg_where,
			  err, sizeof(err));
	CU_ASSERT_PTR_EQUAL(tdm_scr_prep_const(&p, 0), &consts[0]);
	CU_ASSERT_PTR_NULL(tdm_scr_prep_const(&p, 1));
	CU_ASSERT_PTR_NULL(tdm_scr_prep_const(&p, 2));
	CU_ASSERT_EQUAL(tdm_scr_prep_run(&p), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	tdm_scr_call_init(&c, &match, TDM_ROUTE_REQUEST, NULL, NULL);
	CU_ASSERT_EQUAL(tdm_scr_call_args(&c, consts, 1, &p), 0);
	CU_ASSERT_EQUAL(tdm_scr_call_run(&c), 0);
	CU_ASSERT_TRUE(c.result.u.b);
	CU_ASSERT_PTR_NULL(tdm_scr_arg_prepared(&c, 1));
	CU_ASSERT_EQUAL(frees, 0);
	tdm_scr_prep_release(&p);
	CU_ASSERT_EQUAL(frees, 1);
	tdm_scr_prep_release(&p); /* idempotent */
	CU_ASSERT_EQUAL(frees, 1);
}

static void test_script_call_prepare_error(void)
{
	struct tdm_scr_prep p;
	char err[256];

	prep_mode = 1;
	tdm_scr_prep_init(&p, &match, consts, 2, "default.route:4:9", arg_where,
			  err, sizeof(err));
	CU_ASSERT_EQUAL(tdm_scr_prep_run(&p), -EINVAL);
	ASSERT_ERR(err, "default.route:4:15: bad regex \"^sip:\"");
}

static void test_script_call_prepare_error_call_site(void)
{
	struct tdm_scr_prep p;
	char err[256];

	/* no per-argument positions: the call site's */
	prep_mode = 1;
	tdm_scr_prep_init(&p, &match, consts, 2, "default.route:4:9", NULL,
			  err, sizeof(err));
	CU_ASSERT_EQUAL(tdm_scr_prep_run(&p), -EINVAL);
	ASSERT_ERR(err, "default.route:4:9: bad regex \"^sip:\"");
	/* no position at all: the message alone */
	tdm_scr_prep_init(&p, &match, consts, 2, NULL, NULL, err, sizeof(err));
	CU_ASSERT_EQUAL(tdm_scr_prep_run(&p), -EINVAL);
	ASSERT_ERR(err, "bad regex \"^sip:\"");
}

static void test_script_call_prepare_fails_silently(void)
{
	struct tdm_scr_prep p;
	char err[256], want[256];

	prep_mode = 2;
	frees = 0;
	tdm_scr_prep_init(&p, &match, consts, 1, "default.route:4:9", arg_where,
			  err, sizeof(err));
	CU_ASSERT_EQUAL(tdm_scr_prep_run(&p), -ENOMEM);
	snprintf(want, sizeof(want),
		 "default.route:4:9: match(): preparing the arguments failed: %s",
		 tdm_strerror(-ENOMEM));
	ASSERT_ERR(err, want);
	CU_ASSERT_EQUAL(frees, 1); /* what it stored was released */
}

static void test_script_call_prepare_reported_but_ok(void)
{
	struct tdm_scr_prep p;
	char err[256];

	prep_mode = 3;
	tdm_scr_prep_init(&p, &match, consts, 2, "default.route:4:9", arg_where,
			  err, sizeof(err));
	CU_ASSERT_EQUAL(tdm_scr_prep_run(&p), -EINVAL);
	ASSERT_ERR(err, "default.route:4:24: flags must be positive");
}

static void test_script_call_prepare_not_literal(void)
{
	static const struct tdm_value nonconst[1] = { { .type = TDM_T_VOID } };
	struct tdm_scr_prep p;
	char err[256];

	prep_mode = 0;
	tdm_scr_prep_init(&p, &match, nonconst, 1, "default.route:4:9", arg_where,
			  err, sizeof(err));
	CU_ASSERT_EQUAL(tdm_scr_prep_run(&p), -EINVAL);
	ASSERT_ERR(err, "default.route:4:15: argument \"pattern\" of match() must be a literal");
}

static void test_script_call_prepare_too_many(void)
{
	static const struct tdm_value three[3] = {
		{ .type = TDM_T_STR, .u.s = TDM_STR("a") },
		{ .type = TDM_T_INT, .u.i = 1 },
		{ .type = TDM_T_INT, .u.i = 2 } };
	struct tdm_scr_prep p;
	char err[256];

	tdm_scr_prep_init(&p, &match, three, 3, "default.route:4:9", NULL,
			  err, sizeof(err));
	CU_ASSERT_EQUAL(tdm_scr_prep_run(&p), -EINVAL);
	ASSERT_ERR(err, "default.route:4:9: match() takes at most 2 arguments, got 3");
}

static void test_script_call_prepare_without_hook(void)
{
	struct tdm_scr_prep p;

	/* no hook, no sink: fine */
	tdm_scr_prep_init(&p, &g, NULL, 0, NULL, NULL, NULL, 0);
	CU_ASSERT_EQUAL(tdm_scr_prep_run(&p), 0);
	tdm_scr_prep_release(&p);
}

TDM_TEST_SUITE(script_call,
	TDM_TEST(test_script_call_type_names),
	TDM_TEST(test_script_call_route_names),
	TDM_TEST(test_script_call_arguments),
	TDM_TEST(test_script_call_absent_optional),
	TDM_TEST(test_script_call_bad_arguments),
	TDM_TEST(test_script_call_route_not_allowed),
	TDM_TEST(test_script_call_result_type_checked),
	TDM_TEST(test_script_call_result_str_copied),
	TDM_TEST(test_script_call_result_oom),
	TDM_TEST(test_script_call_prepare),
	TDM_TEST(test_script_call_prepare_error),
	TDM_TEST(test_script_call_prepare_error_call_site),
	TDM_TEST(test_script_call_prepare_fails_silently),
	TDM_TEST(test_script_call_prepare_reported_but_ok),
	TDM_TEST(test_script_call_prepare_not_literal),
	TDM_TEST(test_script_call_prepare_too_many),
	TDM_TEST(test_script_call_prepare_without_hook))
