/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of the compiler (compile*.c) and the VM (vm.c, regex.c): one test
 * per checker message, asserting its exact text and position, and scripts
 * run over real messages with their decisions compared. */
#include <errno.h>
#include <string.h>
#include <tandem/log.h>
#include "script/program.h"
#include "script/script.h"
#include "test.h"

static const char invite[] =
	"INVITE sip:+15551234@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bK1\r\n"
	"From: \"Alice\" <sip:alice@example.com>;tag=f1\r\nTo: <sip:bob@example.com>\r\n"
	"Call-ID: c1\r\nCSeq: 7 INVITE\r\nX-Prio: high\r\nContent-Length: 0\r\n\r\n";

/* Compiles `src`; returns the program (or NULL) and the formatted
 * diagnostics in *msgs (the first line of each entry only). */
static struct tdm_scr_program *compile(const char *src, struct tdm_buf *msgs,
				       int *rc)
{
	struct tdm_scr_diag d;
	struct tdm_arena *a;
	struct tdm_scr_ast *ast;
	struct tdm_scr_program *p = NULL;

	tdm_scr_diag_init(&d);
	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	*rc = tdm_scr_parse_string("t.route", src, strlen(src), &d, a, &ast);
	if (!*rc)
		*rc = tdm_scr_compile(ast, &d, &p);
	for (unsigned i = 0; i < d.nents; i++)
		tdm_buf_printf(msgs, "%s:%u:%u: %s: %s\n", d.ents[i].file,
			       d.ents[i].line, d.ents[i].col,
			       d.ents[i].sev == TDM_SCR_ERROR ? "error" : "warning",
			       d.ents[i].msg);
	tdm_arena_free(a);
	tdm_scr_diag_fini(&d);
	return p;
}

struct err_case {
	const char *src;
	const char *want; /* first diagnostic, "file:line:col: error: msg" */
};

static const struct err_case err_cases[] = {
	{ "route request {\n  if (request.uri.user == 123) { exit }\n}\n",
	  "t.route:2:24: error: cannot compare str with int" },
	{ "route request {\n  log(info, x)\n}\n",
	  "t.route:2:13: error: unknown name 'x'" },
	{ "route request {\n  reply(404, \"x\", 3)\n}\n",
	  "t.route:2:3: error: reply() takes 1 to 2 arguments, got 3" },
	{ "route request {\n  reply(\"404\")\n}\n",
	  "t.route:2:9: error: argument 1 (code) of reply() must be int, got str" },
	{ "route request {\n  if (reply.code == 200) { exit }\n}\n",
	  "t.route:2:7: error: reply.code is not available in a request route" },
	{ "route reply {\n  reply(200)\n}\n",
	  "t.route:2:3: error: reply() is not allowed in a reply route" },
	{ "route request {\n  exit\n  log(info, \"never\")\n}\n",
	  "t.route:3:3: error: unreachable code after exit" },
	{ "route request {\n  if (request.uri =~ /a(b/) { exit }\n}\n",
	  "t.route:2:26: error: invalid regex: missing closing parenthesis" },
	{ "route request {\n  request.method = \"BYE\"\n}\n",
	  "t.route:2:3: error: request.method is read-only" },
	{ "route reply {\n  request.uri = \"sip:x@y\"\n}\n",
	  "t.route:2:3: error: request.uri cannot be changed in a reply route" },
	{ "route request {\n  let n = 1\n  n = \"two\"\n  log(info, \"${n}\")\n}\n",
	  "t.route:3:3: error: cannot assign str to 'n' (int)" },
	{ "route request {\n  if (request.uri) { exit }\n}\n",
	  "t.route:2:7: error: condition must be bool, got str" },
	{ "route request {\n  foo()\n}\n",
	  "t.route:2:3: error: unknown function 'foo'" },
	{ "route request {\n  registrar.save()\n}\n",
	  "t.route:2:3: error: unknown module 'registrar' (load it first: load \"registrar\")" },
	{ "route request {\n  route(nowhere)\n}\n",
	  "t.route:2:9: error: unknown route 'nowhere'" },
	{ "route request { route(a) }\nroute a { route(b) }\nroute b { route(a) }\n",
	  "t.route:3:11: error: route 'a' calls itself through route 'b'" },
	{ "route request { route(a) }\nroute reply { route(a) }\nroute a { reply(200) }\n",
	  "t.route:3:11: error: reply() is not allowed in a reply route" },
	{ "route request {\n  log(loud, \"x\")\n}\n",
	  "t.route:2:7: error: unknown log level 'loud' (error, warn, notice, info, debug)" },
	{ "route request {\n  if (request.urii == \"\") { exit }\n}\n",
	  "t.route:2:7: error: unknown field 'request.urii'" },
	{ "route request {\n  txn.who = \"x\"\n}\n",
	  "t.route:2:3: error: unknown transaction variable 'who' (declare it in transaction { })" },
	{ "settings {\n  workers = -1\n}\n",
	  "t.route:2:13: error: workers must be an int from 0 to 256" },
	{ "settings {\n  colour = \"blue\"\n}\n",
	  "t.route:2:3: error: unknown setting 'colour' (docs/settings.md lists them)" },
	{ "route request { exit }\nroute request { exit }\n",
	  "t.route:2:7: error: route 'request' is defined twice (first at line 1)" },
	{ "route request {\n  let a = 1 + \"x\"\n}\n",
	  "t.route:2:13: error: cannot add int and str (use \"${...}\" or str())" },
	{ "route request {\n  match request.method {\n    \"a${request.uri}\" => { exit }\n  }\n}\n",
	  "t.route:3:5: error: a match pattern must be a constant string or a regex" },
	{ "route request {\n  log(info, \"${reply(200)}\")\n}\n",
	  "t.route:2:16: error: ${...} needs a value; this is void" },
};

static void test_scr_compile_errors(void)
{
	for (size_t i = 0; i < TDM_ARRAY_SIZE(err_cases); i++) {
		struct tdm_buf msgs = TDM_BUF_INIT;
		int rc;
		struct tdm_scr_program *p = compile(err_cases[i].src, &msgs, &rc);
		const char *want = err_cases[i].want;

		CU_ASSERT_PTR_NULL(p);
		CU_ASSERT_EQUAL(rc, -EBADMSG);
		if (!msgs.data || strncmp(msgs.data, want, strlen(want))) {
			fprintf(stderr, "case %zu: got\n%s  want\n%s\n", i,
				msgs.data ? msgs.data : "(nothing)\n", want);
			CU_FAIL("checker message");
		}
		tdm_scr_program_unref(p);
		tdm_buf_free(&msgs);
	}
}

/* Many mistakes in one script: every one is reported. */
static void test_scr_compile_many_errors(void)
{
	static const char src[] =
		"route request {\n"
		"  if (request.uri.user == 1) { exit }\n"
		"  log(info, nope)\n"
		"  reply(\"x\")\n"
		"  if (reply.code == 1) { exit }\n"
		"  request.method = \"X\"\n"
		"  foo()\n"
		"}\n";
	struct tdm_buf msgs = TDM_BUF_INIT;
	int rc, lines = 0;
	struct tdm_scr_program *p = compile(src, &msgs, &rc);

	CU_ASSERT_PTR_NULL(p);
	for (const char *s = msgs.data; s && *s; s++)
		lines += *s == '\n';
	CU_ASSERT_EQUAL(lines, 6);
	tdm_buf_free(&msgs);
}

static void test_scr_compile_warnings(void)
{
	static const char src[] =
		"route request {\n  let unused = 1\n  exit\n}\nroute lonely { exit }\n";
	struct tdm_buf msgs = TDM_BUF_INIT;
	int rc;
	struct tdm_scr_program *p = compile(src, &msgs, &rc);

	CU_ASSERT_PTR_NOT_NULL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs.data, "t.route:2:7: warning: unused variable 'unused'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs.data, "t.route:5:7: warning: route 'lonely' is never called"));
	tdm_scr_program_unref(p);
	tdm_buf_free(&msgs);
}

/* Runs the request route of `src` over the INVITE; returns the context. */
static struct tdm_sip_msg *run(const char *src, struct tdm_scr_ctx *x,
			       struct tdm_scr_program **pp)
{
	static const struct tdm_scr_source from = { TDM_STR("192.0.2.4"), 5060,
						    TDM_STR("udp") };
	struct tdm_buf msgs = TDM_BUF_INIT;
	struct tdm_sip_msg *m = NULL;
	int rc;

	*pp = compile(src, &msgs, &rc);
	if (!*pp)
		fprintf(stderr, "%s", msgs.data ? msgs.data : "");
	tdm_buf_free(&msgs);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*pp);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&m, NULL, invite, strlen(invite), NULL, NULL), 0);
	tdm_scr_ctx_init(x, TDM_ROUTE_REQUEST, m, NULL, &from);
	x->keep_logs = true;
	tdm_log_set_level("script", TDM_LOG_ERROR);
	CU_ASSERT_EQUAL(tdm_scr_run(*pp, TDM_ROUTE_REQUEST, x), 0);
	return m;
}

static void test_scr_run_routing(void)
{
	static const char src[] =
		"settings { domains = [\"example.com\"] }\n"
		"transaction { callee = \"\" }\n"
		"route request {\n"
		"  if (request.method == \"OPTIONS\") { reply(200); exit }\n"
		"  match request.method {\n"
		"    \"REGISTER\" => { reply(405); exit }\n"
		"    /^(INVITE|MESSAGE)$/ => { route(call) }\n"
		"    else => { reply(501); exit }\n"
		"  }\n"
		"}\n"
		"route call {\n"
		"  if (!(request.uri.host in [\"example.com\", \"example.org\"])) {\n"
		"    reply(404, \"Not Here\")\n"
		"    return\n"
		"  }\n"
		"  if (request.uri.user =~ /^\\+1(\\d{3})(\\d+)$/) {\n"
		"    let area = capture(1)\n"
		"    log(info, \"area ${area} for ${from.display} (${len(capture(2))} digits)\")\n"
		"    request.uri.user = capture(2)\n"
		"  }\n"
		"  txn.callee = request.uri.user\n"
		"  add_header(\"X-Route\", \"call\" + \"-\" + str(cseq * 2))\n"
		"  record_route()\n"
		"  relay()\n"
		"}\n";
	struct tdm_scr_program *p;
	struct tdm_scr_ctx x;
	struct tdm_sip_msg *m = run(src, &x, &p);
	struct tdm_buf b = TDM_BUF_INIT;

	CU_ASSERT_EQUAL(x.decision.action, TDM_SCR_ACT_RELAY);
	CU_ASSERT_TRUE(x.decision.record_route);
	TDM_ASSERT_STR(x.ruri, "sip:1234@example.com");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x.decision.logs);
	TDM_ASSERT_STR(x.decision.logs->text, "area 555 for Alice (4 digits)");
	CU_ASSERT_EQUAL(x.txn_vars[0].type, TDM_T_STR);
	TDM_ASSERT_STR(x.txn_vars[0].u.s, "1234");
	CU_ASSERT_EQUAL_FATAL(tdm_sip_build(m, &x.edits, 1, &b), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "INVITE sip:1234@example.com SIP/2.0\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "X-Route: call-14\r\n"));
	tdm_buf_free(&b);
	tdm_sip_msg_free(m);
	tdm_scr_program_unref(p);
}

/* A run-time error in a request route answers 500 and is reported. */
static void test_scr_run_error(void)
{
	static const char src[] =
		"route request {\n  let n = 0\n  if (10 / n == 1) { exit }\n  relay()\n}\n";
	struct tdm_scr_program *p;
	struct tdm_scr_ctx x;
	struct tdm_sip_msg *m;
	static const struct tdm_scr_source from = { TDM_STR("192.0.2.4"), 5060,
						    TDM_STR("udp") };
	struct tdm_buf msgs = TDM_BUF_INIT;
	int rc;

	p = compile(src, &msgs, &rc);
	tdm_buf_free(&msgs);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&m, NULL, invite, strlen(invite), NULL, NULL), 0);
	tdm_scr_ctx_init(&x, TDM_ROUTE_REQUEST, m, NULL, &from);
	CU_ASSERT_EQUAL(tdm_scr_run(p, TDM_ROUTE_REQUEST, &x), -EDOM);
	CU_ASSERT_EQUAL(x.decision.action, TDM_SCR_ACT_REPLY);
	CU_ASSERT_EQUAL(x.decision.code, 500);
	tdm_sip_msg_free(m);
	tdm_scr_program_unref(p);
}

static void test_scr_run_drop_and_dump(void)
{
	static const char src[] =
		"route request {\n  if (has_header(\"X-Prio\") && header(\"x-prio\") != \"low\") {\n"
		"    drop\n  }\n  relay()\n}\n";
	struct tdm_scr_program *p;
	struct tdm_scr_ctx x;
	struct tdm_sip_msg *m = run(src, &x, &p);
	struct tdm_buf b = TDM_BUF_INIT;

	CU_ASSERT_EQUAL(x.decision.action, TDM_SCR_ACT_DROP);
	tdm_scr_program_dump(p, &b);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "route request"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "has_header"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "drop  @3:5"));
	tdm_buf_free(&b);
	tdm_sip_msg_free(m);
	tdm_scr_program_unref(p);
}

TDM_TEST_SUITE(scr_compile,
	       TDM_TEST(test_scr_compile_errors),
	       TDM_TEST(test_scr_compile_many_errors),
	       TDM_TEST(test_scr_compile_warnings),
	       TDM_TEST(test_scr_run_routing),
	       TDM_TEST(test_scr_run_error),
	       TDM_TEST(test_scr_run_drop_and_dump))
