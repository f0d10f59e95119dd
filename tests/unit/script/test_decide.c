/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/script/decide.c: the SDK call-frame functions
 * tdm_scr_peer(), tdm_scr_reply() and tdm_scr_set_targets(), the decision
 * they leave, and the built-in reply() that shares the reply check. */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/script.h>
#include <tandem/sip.h>
#include "script/builtins.h"
#include "script/call.h"
#include "script/ctx.h"
#include "test.h"

static const char invite[] =
	"INVITE sip:bob@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bK-1\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:alice@example.com>;tag=a\r\n"
	"To: <sip:bob@example.com>\r\n"
	"Call-ID: dec1@192.0.2.4\r\n"
	"CSeq: 1 INVITE\r\n"
	"Content-Length: 0\r\n\r\n";

static int nop(struct tdm_scr_call *c)
{
	(void)c;
	return 0;
}

static const struct tdm_fn_def fn = {
	.name = "probe", .impl = nop, .ret = TDM_T_VOID,
	.routes = TDM_ROUTE_ANY,
};

static struct tdm_sip_msg *msg;
static struct tdm_scr_ctx ctx;
static struct tdm_scr_call call;

/* A request route over the INVITE from 192.0.2.4:40312 over TCP. */
static void setup(enum tdm_route_type rt)
{
	static const struct tdm_scr_source src = { TDM_STR("192.0.2.4"), 40312,
						   TDM_STR("tcp") };
	msg = NULL;
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&msg, NULL, invite, strlen(invite),
						NULL, NULL), 0);
	tdm_scr_ctx_init(&ctx, rt, msg, NULL, &src);
	tdm_scr_call_init(&call, &fn, rt, msg, msg->arena);
	call.x = &ctx;
}

static void test_scr_decide_peer(void)
{
	struct tdm_scr_peer p;

	setup(TDM_ROUTE_REQUEST);
	ctx.net = (struct tdm_scr_source_net){ .proto = TDM_PROTO_TCP, .conn_id = 77,
		.local_ip = TDM_STR("192.0.2.1"), .local_port = 5060,
		.listen_index = 2 };
	CU_ASSERT_EQUAL(tdm_scr_peer(&call, &p), 0);
	TDM_ASSERT_STR(p.ip, "192.0.2.4");
	CU_ASSERT_EQUAL(p.port, 40312);
	CU_ASSERT_EQUAL(p.proto, TDM_PROTO_TCP);
	CU_ASSERT_EQUAL(p.conn_id, 77);
	TDM_ASSERT_STR(p.local_ip, "192.0.2.1");
	CU_ASSERT_EQUAL(p.local_port, 5060);
	CU_ASSERT_EQUAL(p.listen_index, 2);
	/* the protocol from the transport name when the net part is unknown */
	ctx.net = (struct tdm_scr_source_net){ 0 };
	CU_ASSERT_EQUAL(tdm_scr_peer(&call, &p), 0);
	CU_ASSERT_EQUAL(p.proto, TDM_PROTO_TCP);
	CU_ASSERT_EQUAL(p.conn_id, 0);
	/* no network: -ENOENT */
	ctx.source = (struct tdm_scr_source){ 0 };
	CU_ASSERT_EQUAL(tdm_scr_peer(&call, &p), -ENOENT);
	call.x = NULL;
	CU_ASSERT_EQUAL(tdm_scr_peer(&call, &p), -ENOENT);
	tdm_sip_msg_free(msg);
}

static void test_scr_decide_reply(void)
{
	struct tdm_str h = TDM_STR("Contact: <sip:a@192.0.2.4>;expires=60\r\n"
				   "Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n");
	struct tdm_scr_decision *d = &ctx.decision;

	setup(TDM_ROUTE_REQUEST);
	CU_ASSERT_EQUAL(tdm_scr_reply(&call, 200, NULL, &h, &TDM_STR("text/plain"),
				      &TDM_STR("hi\r\n")), 0);
	CU_ASSERT_EQUAL(d->action, TDM_SCR_ACT_REPLY);
	CU_ASSERT_EQUAL(d->code, 200);
	TDM_ASSERT_STR(d->reason, "OK");
	TDM_ASSERT_STR(d->reply_hdrs, "Contact: <sip:a@192.0.2.4>;expires=60\r\n"
				      "Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n");
	CU_ASSERT_PTR_NOT_EQUAL(d->reply_hdrs.s, h.s); /* copied */
	TDM_ASSERT_STR(d->reply_ctype, "text/plain");
	TDM_ASSERT_STR(d->reply_body, "hi\r\n");
	/* a reason, no headers, no body */
	CU_ASSERT_EQUAL(tdm_scr_reply(&call, 423, &TDM_STR("Interval Too Brief"),
				      &TDM_STR("Min-Expires: 60\r\n"), NULL, NULL), 0);
	TDM_ASSERT_STR(d->reason, "Interval Too Brief");
	CU_ASSERT_EQUAL(d->reply_body.len, 0);
	CU_ASSERT_EQUAL(d->reply_ctype.len, 0);
	/* the built-in reply() replaces it, headers included */
	{
		const struct tdm_scr_builtin *b = tdm_scr_builtin_find("reply", 5);
		struct tdm_value r, a[1] = { { .type = TDM_T_INT, .u.i = 404 } };

		CU_ASSERT_EQUAL(b->fn(&ctx, a, 1, &r), 0);
		CU_ASSERT_EQUAL(d->code, 404);
		TDM_ASSERT_STR(d->reason, "Not Found");
		CU_ASSERT_EQUAL(d->reply_hdrs.len, 0);
	}
	tdm_sip_msg_free(msg);
}

static void test_scr_decide_reply_refused(void)
{
	static const char *const bad[] = {
		"X-A: 1",                /* no CRLF */
		"X-A: 1\n",              /* bare LF */
		"X-A: 1\r\nX-B: 2",      /* last line without CRLF */
		"X-A: 1\rX-B: 2\r\n",    /* bare CR */
		"\r\n",                  /* an empty line */
		"X-A: 1\r\n\r\nbody",    /* ends the headers early */
		"no colon\r\n",
		"X-A: a\nb\r\n",         /* LF inside */
	};
	struct tdm_scr_decision *d = &ctx.decision;

	setup(TDM_ROUTE_REQUEST);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tdm_str h = tdm_str_c(bad[i]);

		CU_ASSERT_EQUAL(tdm_scr_reply(&call, 200, NULL, &h, NULL, NULL), -EINVAL);
	}
	CU_ASSERT_EQUAL(d->action, TDM_SCR_ACT_NONE); /* nothing recorded */
	CU_ASSERT_EQUAL(tdm_scr_reply(&call, 99, NULL, NULL, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_scr_reply(&call, 700, NULL, NULL, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_scr_reply(&call, 200, &TDM_STR("OK\r\nX: 1"), NULL, NULL,
				      NULL), -EINVAL);
	/* a body needs a content type */
	CU_ASSERT_EQUAL(tdm_scr_reply(&call, 200, NULL, NULL, NULL, &TDM_STR("x")),
			-EINVAL);
	CU_ASSERT_EQUAL(tdm_scr_reply(&call, 100, NULL, &TDM_STR(""), NULL, NULL), 0);
	CU_ASSERT_EQUAL(d->code, 100);
	/* not from a reply or branch route */
	call.route = TDM_ROUTE_REPLY;
	CU_ASSERT_EQUAL(tdm_scr_reply(&call, 200, NULL, NULL, NULL, NULL), -EINVAL);
	tdm_sip_msg_free(msg);
}

static void test_scr_decide_targets(void)
{
	const struct tdm_scr_target t[3] = {
		{ .uri = TDM_STR("sip:alice@10.0.0.5:5060"),
		  .dst = TDM_STR("sip:198.51.100.7:40312;transport=udp"),
		  .q = 1000 },
		{ .uri = TDM_STR("sip:alice@10.0.0.6;transport=tcp"), .conn_id = 9,
		  .q = 500 },
		{ .uri = TDM_STR("sip:alice@10.0.0.7"),
		  .path = TDM_STR("<sip:edge.example.net;lr>, <sip:p2.example.net;lr>"),
		  .q = -1 },
	};
	struct tdm_scr_decision *d = &ctx.decision;
	const struct tdm_scr_branch *b;

	setup(TDM_ROUTE_REQUEST);
	CU_ASSERT_EQUAL(tdm_scr_set_targets(&call, t, 3), 0);
	TDM_ASSERT_STR(ctx.ruri, "sip:alice@10.0.0.5:5060");
	CU_ASSERT_TRUE(ctx.ruri_changed);
	CU_ASSERT_TRUE(d->targets_set);
	TDM_ASSERT_STR(d->ruri_hop.dst, "sip:198.51.100.7:40312;transport=udp");
	CU_ASSERT_EQUAL(d->ruri_hop.q, 1000);
	CU_ASSERT_EQUAL(d->ruri_hop.conn_id, 0);
	b = d->branches;
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	TDM_ASSERT_STR(b->uri, "sip:alice@10.0.0.6;transport=tcp");
	CU_ASSERT_EQUAL(b->hop.conn_id, 9);
	CU_ASSERT_EQUAL(b->hop.q, 500);
	b = b->next;
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	TDM_ASSERT_STR(b->hop.path, "<sip:edge.example.net;lr>, <sip:p2.example.net;lr>");
	CU_ASSERT_PTR_NULL(b->next);
	/* again: replaces the list (serial forking from a failure route) */
	CU_ASSERT_EQUAL(tdm_scr_set_targets(&call, &t[2], 1), 0);
	TDM_ASSERT_STR(ctx.ruri, "sip:alice@10.0.0.7");
	CU_ASSERT_PTR_NULL(d->branches);
	TDM_ASSERT_STR(d->ruri_hop.path, "<sip:edge.example.net;lr>, <sip:p2.example.net;lr>");
	/* append_branch() still adds after them */
	{
		const struct tdm_scr_builtin *bi = tdm_scr_builtin_find("append_branch", 13);
		struct tdm_value r, a[1] = { { .type = TDM_T_STR,
					       .u.s = TDM_STR("sip:x@example.com") } };

		CU_ASSERT_EQUAL(bi->fn(&ctx, a, 1, &r), 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(d->branches);
		TDM_ASSERT_STR(d->branches->uri, "sip:x@example.com");
	}
	tdm_sip_msg_free(msg);
}

static void test_scr_decide_targets_refused(void)
{
	struct tdm_scr_target t = { .uri = TDM_STR("sip:a@example.com"), .q = -1 };
	struct tdm_scr_decision *d = &ctx.decision;

	setup(TDM_ROUTE_REQUEST);
	CU_ASSERT_EQUAL(tdm_scr_set_targets(&call, &t, 0), -EINVAL);
	t.uri = TDM_STR("not a uri");
	CU_ASSERT_EQUAL(tdm_scr_set_targets(&call, &t, 1), -EINVAL);
	t.uri = TDM_STR("sip:a@example.com");
	t.dst = TDM_STR("::bad");
	CU_ASSERT_EQUAL(tdm_scr_set_targets(&call, &t, 1), -EINVAL);
	t.dst = (struct tdm_str){ 0 };
	t.q = 1001;
	CU_ASSERT_EQUAL(tdm_scr_set_targets(&call, &t, 1), -EINVAL);
	t.q = -1;
	t.path = TDM_STR("<sip:p;lr>\r\nX-Injected: 1");
	CU_ASSERT_EQUAL(tdm_scr_set_targets(&call, &t, 1), -EINVAL);
	CU_ASSERT_FALSE(ctx.ruri_changed);
	CU_ASSERT_FALSE(d->targets_set);
	/* request and failure routes only */
	t.path = (struct tdm_str){ 0 };
	call.route = TDM_ROUTE_BRANCH;
	CU_ASSERT_EQUAL(tdm_scr_set_targets(&call, &t, 1), -EINVAL);
	call.route = TDM_ROUTE_FAILURE;
	CU_ASSERT_EQUAL(tdm_scr_set_targets(&call, &t, 1), 0);
	tdm_sip_msg_free(msg);
}

TDM_TEST_SUITE(script_decide,
	TDM_TEST(test_scr_decide_peer),
	TDM_TEST(test_scr_decide_reply),
	TDM_TEST(test_scr_decide_reply_refused),
	TDM_TEST(test_scr_decide_targets),
	TDM_TEST(test_scr_decide_targets_refused))
