/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of core/script/builtins.c and value.c: every built-in's effect on
 * the decision or the message, its run-time refusals, and the value
 * helpers (format, equality, order, membership). */
#include <errno.h>
#include <string.h>
#include <tandem/log.h>
#include <tandem/sip.h>
#include "script/builtins.h"
#include "script/value.h"
#include "test.h"

static const char invite[] =
	"INVITE sip:bob@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bK1\r\n"
	"From: <sip:alice@example.com>;tag=f1\r\nTo: <sip:bob@example.com>\r\n"
	"Call-ID: c1\r\nCSeq: 7 INVITE\r\nX-Test: one\r\nX-Test: two\r\n"
	"Subject: hi\r\nContent-Length: 0\r\n\r\n";

static struct tdm_value S(const char *s)
{
	return (struct tdm_value){ .type = TDM_T_STR, .u.s = tdm_str_c(s) };
}

static struct tdm_value I(int64_t i)
{
	return (struct tdm_value){ .type = TDM_T_INT, .u.i = i };
}

/* Calls built-in `name` with the given arguments. */
static int call(struct tdm_scr_ctx *x, const char *name, struct tdm_value *ret,
		unsigned n, const struct tdm_value *args)
{
	const struct tdm_scr_builtin *b = tdm_scr_builtin_find(name, strlen(name));

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	return b->fn(x, args, n, ret);
}

static struct tdm_sip_msg *msg;
static struct tdm_scr_ctx ctx;

static void setup(void)
{
	static const struct tdm_scr_source src = { TDM_STR("192.0.2.4"), 5060,
						   TDM_STR("udp") };
	msg = NULL;
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&msg, NULL, invite, strlen(invite),
						NULL, NULL), 0);
	tdm_scr_ctx_init(&ctx, TDM_ROUTE_REQUEST, msg, NULL, &src);
}

static void test_scr_builtins_reply(void)
{
	struct tdm_value r, a[2] = { I(486), S("Busy Here") };

	setup();
	CU_ASSERT_EQUAL(call(&ctx, "reply", &r, 2, a), 0);
	CU_ASSERT_EQUAL(ctx.decision.action, TDM_SCR_ACT_REPLY);
	CU_ASSERT_EQUAL(ctx.decision.code, 486);
	TDM_ASSERT_STR(ctx.decision.reason, "Busy Here");
	a[0] = I(404);
	CU_ASSERT_EQUAL(call(&ctx, "reply", &r, 1, a), 0);
	TDM_ASSERT_STR(ctx.decision.reason, "Not Found");
	a[0] = I(99);
	CU_ASSERT_EQUAL(call(&ctx, "reply", &r, 1, a), -EINVAL);
	a[0] = I(200);
	a[1] = S("OK\r\nX-Injected: 1");
	CU_ASSERT_EQUAL(call(&ctx, "reply", &r, 2, a), -EINVAL);
	tdm_sip_msg_free(msg);
}

static void test_scr_builtins_relay_branches(void)
{
	struct tdm_value r, a[1];

	setup();
	CU_ASSERT_EQUAL(call(&ctx, "record_route", &r, 0, NULL), 0);
	a[0] = S("sip:b1@example.com");
	CU_ASSERT_EQUAL(call(&ctx, "append_branch", &r, 1, a), 0);
	a[0] = S("sip:b2@example.com;transport=tcp");
	CU_ASSERT_EQUAL(call(&ctx, "append_branch", &r, 1, a), 0);
	a[0] = S("not a uri");
	CU_ASSERT_EQUAL(call(&ctx, "append_branch", &r, 1, a), -EINVAL);
	CU_ASSERT_EQUAL(call(&ctx, "relay", &r, 0, NULL), 0);
	CU_ASSERT_EQUAL(ctx.decision.action, TDM_SCR_ACT_RELAY);
	CU_ASSERT_TRUE(ctx.decision.record_route);
	CU_ASSERT_EQUAL(ctx.decision.target.len, 0);
	TDM_ASSERT_STR(ctx.decision.branches->uri, "sip:b1@example.com");
	TDM_ASSERT_STR(ctx.decision.branches->next->uri, "sip:b2@example.com;transport=tcp");
	CU_ASSERT_PTR_NULL(ctx.decision.branches->next->next);
	a[0] = S("sip:gw@192.0.2.9:5080");
	CU_ASSERT_EQUAL(call(&ctx, "forward", &r, 1, a), 0);
	CU_ASSERT_EQUAL(ctx.decision.action, TDM_SCR_ACT_FORWARD);
	TDM_ASSERT_STR(ctx.decision.target, "sip:gw@192.0.2.9:5080");
	tdm_sip_msg_free(msg);
}

/* Header edits reach the serialised message. */
static void test_scr_builtins_headers(void)
{
	struct tdm_value r, a[2];
	struct tdm_buf b = TDM_BUF_INIT;

	setup();
	a[0] = S("x-test");
	CU_ASSERT_EQUAL(call(&ctx, "header", &r, 1, a), 0);
	TDM_ASSERT_STR(r.u.s, "one");
	CU_ASSERT_EQUAL(call(&ctx, "has_header", &r, 1, a), 0);
	CU_ASSERT_TRUE(r.u.b);
	CU_ASSERT_EQUAL(call(&ctx, "remove_header", &r, 1, a), 0);
	a[0] = S("s"); /* compact form of Subject */
	CU_ASSERT_EQUAL(call(&ctx, "remove_header", &r, 1, a), 0);
	a[0] = S("X-Added");
	a[1] = S("yes");
	CU_ASSERT_EQUAL(call(&ctx, "add_header", &r, 2, a), 0);
	a[0] = S("Bad Name");
	CU_ASSERT_EQUAL(call(&ctx, "add_header", &r, 2, a), -EINVAL);
	a[0] = S("X-Ok");
	a[1] = S("v\r\nX-Injected: 1");
	CU_ASSERT_EQUAL(call(&ctx, "add_header", &r, 2, a), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_build(msg, &ctx.edits, 1, &b), 0);
	CU_ASSERT_PTR_NULL(strstr(b.data, "X-Test"));
	CU_ASSERT_PTR_NULL(strstr(b.data, "Subject"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "X-Added: yes\r\n"));
	a[0] = S("X-None");
	CU_ASSERT_EQUAL(call(&ctx, "header", &r, 1, a), 0);
	CU_ASSERT_EQUAL(r.u.s.len, 0);
	tdm_buf_free(&b);
	tdm_sip_msg_free(msg);
}

static void test_scr_builtins_log(void)
{
	struct tdm_value r, a[2] = { S("info"), S("hello") };

	setup();
	ctx.keep_logs = true;
	tdm_log_set_level("script", TDM_LOG_ERROR); /* keep the test output quiet */
	CU_ASSERT_EQUAL(call(&ctx, "log", &r, 2, a), 0);
	a[0] = S("loud");
	CU_ASSERT_EQUAL(call(&ctx, "log", &r, 2, a), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx.decision.logs);
	CU_ASSERT_EQUAL(ctx.decision.logs->level, TDM_LOG_INFO);
	TDM_ASSERT_STR(ctx.decision.logs->text, "hello");
	CU_ASSERT_PTR_NULL(ctx.decision.logs->next);
	CU_ASSERT_EQUAL(tdm_scr_log_level(&(struct tdm_str)TDM_STR("debug")), TDM_LOG_DEBUG);
	tdm_sip_msg_free(msg);
}

static void test_scr_builtins_conversions(void)
{
	struct tdm_value r, a[1];

	setup();
	a[0] = S("-42");
	CU_ASSERT_EQUAL(call(&ctx, "int", &r, 1, a), 0);
	CU_ASSERT_EQUAL(r.u.i, -42);
	a[0] = S("4x");
	CU_ASSERT_EQUAL(call(&ctx, "int", &r, 1, a), -EINVAL);
	a[0] = S("99999999999999999999");
	CU_ASSERT_EQUAL(call(&ctx, "int", &r, 1, a), -EINVAL);
	a[0] = I(-7);
	CU_ASSERT_EQUAL(call(&ctx, "str", &r, 1, a), 0);
	TDM_ASSERT_STR(r.u.s, "-7");
	a[0] = S("MiXed");
	CU_ASSERT_EQUAL(call(&ctx, "lower", &r, 1, a), 0);
	TDM_ASSERT_STR(r.u.s, "mixed");
	CU_ASSERT_EQUAL(call(&ctx, "upper", &r, 1, a), 0);
	TDM_ASSERT_STR(r.u.s, "MIXED");
	CU_ASSERT_EQUAL(call(&ctx, "len", &r, 1, a), 0);
	CU_ASSERT_EQUAL(r.u.i, 5);
	tdm_sip_msg_free(msg);
}

static void test_scr_value_helpers(void)
{
	struct tdm_value items[2] = { S("INVITE"), S("MESSAGE") };
	struct tdm_value list = { .type = TDM_T_LIST, .u.list = { 2, items } };
	struct tdm_value t = { .type = TDM_T_BOOL, .u.b = true };
	struct tdm_arena *a;
	struct tdm_str s;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	CU_ASSERT_EQUAL(tdm_scr_value_format(a, &list, &s), 0);
	TDM_ASSERT_STR(s, "[INVITE, MESSAGE]");
	CU_ASSERT_EQUAL(tdm_scr_value_format(a, &t, &s), 0);
	TDM_ASSERT_STR(s, "true");
	CU_ASSERT_TRUE(tdm_scr_value_in(&items[1], &list.u.list));
	{
		struct tdm_value bye = S("BYE"), i1 = I(1), i2 = I(2);
		CU_ASSERT_FALSE(tdm_scr_value_in(&bye, &list.u.list));
		CU_ASSERT_TRUE(tdm_scr_value_cmp(&i1, &i2) < 0);
		CU_ASSERT_TRUE(tdm_scr_value_cmp(&bye, &items[0]) < 0);
		CU_ASSERT_FALSE(tdm_scr_value_eq(&i1, &bye));
	}
	tdm_arena_free(a);
}

TDM_TEST_SUITE(scr_builtins,
	       TDM_TEST(test_scr_builtins_reply),
	       TDM_TEST(test_scr_builtins_relay_branches),
	       TDM_TEST(test_scr_builtins_headers),
	       TDM_TEST(test_scr_builtins_log),
	       TDM_TEST(test_scr_builtins_conversions),
	       TDM_TEST(test_scr_value_helpers))
