/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/script/parse.c and expr.c: every construct of the EBNF
 * through AST dumps, precedence, interpolation, includes, one test per
 * syntax error message (exact "file:line:col: error: ..." text), error
 * recovery, the error limit, arbitrary input and running out of memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/arena.h>
#include <tandem/buf.h>
#include "script/script.h"
#include "test.h"

struct parsed {
	struct tdm_arena *a;
	struct tdm_scr_diag d;
	struct tdm_scr_ast *ast;
	int rc;
};

static void parse(struct parsed *p, const char *src)
{
	memset(p, 0, sizeof(*p));
	tdm_scr_diag_init(&p->d);
	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&p->a, 0), 0);
	p->rc = tdm_scr_parse_string("t.route", src, strlen(src), &p->d, p->a,
				     &p->ast);
}

static void done(struct parsed *p)
{
	tdm_scr_diag_fini(&p->d);
	tdm_arena_free(p->a);
}

/* The one-line dump of src, or its diagnostics when it has errors. */
static char *dump(const char *src, unsigned flags)
{
	struct parsed p;
	struct tdm_buf b = TDM_BUF_INIT;
	char *out;

	parse(&p, src);
	if (p.rc == 0)
		tdm_scr_ast_dump(p.ast, flags, &b);
	else
		tdm_scr_diag_format(&p.d, &b);
	out = strdup(b.data ? b.data : "");
	tdm_buf_free(&b);
	done(&p);
	return out;
}

/* Only the "file:line:col: error: message" lines of src's diagnostics. */
static char *errors(const char *src)
{
	struct parsed p;
	struct tdm_buf b = TDM_BUF_INIT;
	char *out;

	parse(&p, src);
	CU_ASSERT_EQUAL(p.rc, -EBADMSG);
	for (unsigned i = 0; i < p.d.nents; i++)
		tdm_buf_printf(&b, "%st.route:%u:%u: error: %s", i ? "\n" : "",
			       (unsigned)p.d.ents[i].line,
			       (unsigned)p.d.ents[i].col, p.d.ents[i].msg);
	out = strdup(b.data ? b.data : "");
	tdm_buf_free(&b);
	done(&p);
	return out;
}

static void same(const char *got, const char *want, const char *what,
		 int line)
{
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n%s:%d: %s\n got: %s\nwant: %s\n", __FILE__,
			line, what, got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
}

#define PARSE(src, want)                                                      \
	do {                                                                  \
		char *got_ = dump(src, TDM_SCR_DUMP_ONELINE);                 \
		same(got_, want, src, __LINE__);                              \
		free(got_);                                                   \
	} while (0)

/* An expression, parsed as the value of `let x = ...` in a route. */
#define EXPR(src, want)                                                       \
	do {                                                                  \
		char *got_ = dump("route r { let x = " src " }",              \
				  TDM_SCR_DUMP_ONELINE);                      \
		same(got_, "(script (route r (block (let x " want "))))",     \
		     src, __LINE__);                                          \
		free(got_);                                                   \
	} while (0)

#define ERRORS(src, want)                                                     \
	do {                                                                  \
		char *got_ = errors(src);                                     \
		same(got_, want, src, __LINE__);                              \
		free(got_);                                                   \
	} while (0)

/* The whole diagnostic output, source line and caret included. */
#define DIAG(src, want)                                                       \
	do {                                                                  \
		char *got_ = dump(src, TDM_SCR_DUMP_ONELINE);                 \
		same(got_, want, src, __LINE__);                              \
		free(got_);                                                   \
	} while (0)

/* ---- constructs ---------------------------------------------------------- */

static void test_scr_parse_empty(void)
{
	PARSE("", "(script)");
	PARSE("\n\n# only a comment\n;\n", "(script)");
}

static void test_scr_parse_settings(void)
{
	PARSE("settings {\n"
	      "    listen  = [\"udp:127.0.0.1:5060\", \"tcp:127.0.0.1:5060\"]\n"
	      "    workers = 4; domains = []\n"
	      "    database = \"sqlite:tandem.db\" }",
	      "(script (settings (set listen (list \"udp:127.0.0.1:5060\" "
	      "\"tcp:127.0.0.1:5060\")) (set workers 4) (set domains (list)) "
	      "(set database \"sqlite:tandem.db\")))");
	PARSE("settings {}", "(script (settings))");
}

static void test_scr_parse_load(void)
{
	PARSE("load \"registrar\"\nload \"auth\" { realm = \"x\"; tries = 3 }\n"
	      "load \"db\" {}",
	      "(script (load \"registrar\") (load \"auth\" (params (set realm "
	      "\"x\") (set tries 3))) (load \"db\" (params)))");
}

static void test_scr_parse_transaction(void)
{
	PARSE("transaction {\n  callee = \"\"  # per-transaction\n  n = 0\n}",
	      "(script (transaction (set callee \"\") (set n 0)))");
}

static void test_scr_parse_route_statements(void)
{
	PARSE("route request {\n"
	      "  let n = 1\n"
	      "  n = n + 1\n"
	      "  txn.callee = request.uri.user\n"
	      "  record_route()\n"
	      "  registrar.save(5, \"x\")\n"
	      "  route(call)\n"
	      "  { exit }\n"
	      "  drop; return\n"
	      "}",
	      "(script (route request (block (let n 1) (= n (+ n 1)) "
	      "(= txn.callee request.uri.user) (call record_route) "
	      "(call registrar.save 5 \"x\") (call route call) (block (exit)) "
	      "(drop) (return))))");
}

static void test_scr_parse_if_else(void)
{
	PARSE("route r {\n"
	      "  if (a) { exit }\n"
	      "  if (a) { exit } else { drop }\n"
	      "  if (a) {\n  } else if (b) {\n    return\n  }\n  else {\n  }\n"
	      "}",
	      "(script (route r (block (if a (block (exit))) "
	      "(if a (block (exit)) (block (drop))) "
	      "(if a (block) (if b (block (return)) (block))))))");
}

static void test_scr_parse_match(void)
{
	PARSE("route r {\n"
	      "  match request.method {\n"
	      "    \"REGISTER\"           => { registrar.save(); exit }\n"
	      "    \"INVITE\", \"MESSAGE\"  => { route(call) }\n"
	      "    /^SUB/i, \"x${y}\" =>\n      { }\n"
	      "    else                 => { reply(405, \"Method Not Allowed\"); exit }\n"
	      "  }\n"
	      "  match x { }\n"
	      "}",
	      "(script (route r (block (match request.method "
	      "(arm (\"REGISTER\") (block (call registrar.save) (exit))) "
	      "(arm (\"INVITE\" \"MESSAGE\") (block (call route call))) "
	      "(arm (/^SUB/i (str \"x\" y)) (block)) "
	      "(else (block (call reply 405 \"Method Not Allowed\") (exit)))) "
	      "(match x))))");
}

static void test_scr_parse_precedence(void)
{
	EXPR("a || b && c", "(|| a (&& b c))");
	EXPR("a && b || c", "(|| (&& a b) c)");
	EXPR("a == b && c != d", "(&& (== a b) (!= c d))");
	EXPR("a + b * c - d", "(- (+ a (* b c)) d)");
	EXPR("a - b - c", "(- (- a b) c)");
	EXPR("a / b % c * d", "(* (% (/ a b) c) d)");
	EXPR("a + b < c * d", "(< (+ a b) (* c d))");
	EXPR("(a + b) * c", "(* (+ a b) c)");
	EXPR("!a && b", "(&& (! a) b)");
	EXPR("-a * b", "(* (- a) b)");
	EXPR("!f(x).y", "(! (. (call f x) y))");
	EXPR("-a.b[1]", "(- (index a.b 1))");
	EXPR("(a < b) == c", "(== (< a b) c)");
}

static void test_scr_parse_comparisons(void)
{
	EXPR("a == b", "(== a b)");
	EXPR("a != b", "(!= a b)");
	EXPR("a < b", "(< a b)");
	EXPR("a > b", "(> a b)");
	EXPR("a <= b", "(<= a b)");
	EXPR("a >= b", "(>= a b)");
	EXPR("a =~ /^\\+?[0-9]+$/", "(=~ a /^\\+?[0-9]+$/)");
	EXPR("a !~ /x/ism", "(!~ a /x/ism)");
	EXPR("a in [\"x\", \"y\",]", "(in a (list \"x\" \"y\"))");
}

static void test_scr_parse_literals(void)
{
	EXPR("42", "42");
	EXPR("-1", "-1");
	EXPR("9223372036854775807", "9223372036854775807");
	EXPR("-9223372036854775808", "-9223372036854775808");
	EXPR("1 - -2", "(- 1 -2)");
	EXPR("true", "true");
	EXPR("false", "false");
	EXPR("\"a\\tb\\\"c\\$\"", "\"a\\tb\\\"c\\$\"");
	EXPR("[]", "(list)");
	EXPR("[1, [2, 3]]", "(list 1 (list 2 3))");
	EXPR("[\n  1,\n  2\n]", "(list 1 2)");
	EXPR("/a\\/b/", "/a\\/b/");
}

static void test_scr_parse_postfix(void)
{
	EXPR("request.uri.user", "request.uri.user");
	EXPR("f()", "(call f)");
	EXPR("header(\"X-A\") + body", "(+ (call header \"X-A\") body)");
	EXPR("m.f(1, a + 1, \"s\")", "(call m.f 1 (+ a 1) \"s\")");
	EXPR("l[0][1]", "(index (index l 0) 1)");
	EXPR("f(x).a.b", "(. (. (call f x) a) b)");
	EXPR("route(x)", "(call route x)");
	EXPR("f(\n  a,\n  b\n)", "(call f a b)");
}

static void test_scr_parse_interpolation(void)
{
	EXPR("\"to ${request.uri.user}\"", "(str \"to \" request.uri.user)");
	EXPR("\"${a + 1}${b}!\"", "(str (+ a 1) b \"!\")");
	EXPR("\"<${lower(\"A${x}\")}>\"",
	     "(str \"<\" (call lower (str \"A\" x)) \">\")");
}

static void test_scr_parse_regex_vs_division(void)
{
	EXPR("a / b / c", "(/ (/ a b) c)");
	EXPR("f(1) / 2", "(/ (call f 1) 2)");
	EXPR("x =~ /a/ && y / 2 == 1", "(&& (=~ x /a/) (== (/ y 2) 1))");
	EXPR("[/a/, /b/]", "(list /a/ /b/)");
}

static void test_scr_parse_newlines(void)
{
	/* a statement continues after an operator, ',' or '(' */
	PARSE("route r {\n  x = a +\n    b\n  f(1,\n    2)\n  y = (\n c)\n}",
	      "(script (route r (block (= x (+ a b)) (call f 1 2) (= y c))))");
	/* statements may share a line with ';', the last needs none */
	PARSE("route r { a(); b(); c() }",
	      "(script (route r (block (call a) (call b) (call c))))");
	PARSE("route r { exit }", "(script (route r (block (exit))))");
	/* items need no separator; load and include need an end */
	PARSE("route a {} route b {}\nload \"x\"",
	      "(script (route a (block)) (route b (block)) (load \"x\"))");
}

static void test_scr_parse_dump_positions(void)
{
	char *got = dump("route r {\n  let x = a + 1\n}", TDM_SCR_DUMP_ONELINE |
							       TDM_SCR_DUMP_POS);

	same(got, "(script (route@1:1 r (block@1:9 (let@2:3 x (+@2:13 a@2:11 "
		  "1@2:15)))))", "positions", __LINE__);
	free(got);
}

/* The example at the top of docs/routing-language.md, dumped indented. */
static void test_scr_parse_doc_example(void)
{
	static const char src[] =
		"# default.route (excerpt)\n"
		"settings {\n"
		"    listen  = [\"udp:127.0.0.1:5060\", \"tcp:127.0.0.1:5060\"]\n"
		"    domains = [\"example.com\"]\n"
		"}\n"
		"\n"
		"load \"registrar\" { max_contacts = 5 }\n"
		"\n"
		"transaction {\n"
		"    callee = \"\"            # per-transaction variable\n"
		"}\n"
		"\n"
		"route request {\n"
		"    if (request.method == \"OPTIONS\" && request.uri.user == \"\") {\n"
		"        reply(200, \"OK\")\n"
		"        exit\n"
		"    }\n"
		"    match request.method {\n"
		"        \"REGISTER\"           => { registrar.save(); exit }\n"
		"        \"INVITE\", \"MESSAGE\"  => { route(call) }\n"
		"        else                 => { reply(405, \"Method Not Allowed\"); exit }\n"
		"    }\n"
		"}\n"
		"\n"
		"route call {\n"
		"    txn.callee = request.uri.user\n"
		"    record_route()\n"
		"    relay()\n"
		"}\n"
		"\n"
		"route failure {\n"
		"    if (reply.code == 486) {\n"
		"        log(info, \"busy: ${txn.callee}\")\n"
		"    }\n"
		"}\n";
	char *got = dump(src, 0);

	same(got,
	     "(script\n"
	     "  (settings\n"
	     "    (set listen (list \"udp:127.0.0.1:5060\" \"tcp:127.0.0.1:5060\"))\n"
	     "    (set domains (list \"example.com\")))\n"
	     "  (load \"registrar\"\n"
	     "    (params\n"
	     "      (set max_contacts 5)))\n"
	     "  (transaction\n"
	     "    (set callee \"\"))\n"
	     "  (route request\n"
	     "    (block\n"
	     "      (if (&& (== request.method \"OPTIONS\") (== request.uri.user \"\"))\n"
	     "        (block\n"
	     "          (call reply 200 \"OK\")\n"
	     "          (exit)))\n"
	     "      (match request.method\n"
	     "        (arm (\"REGISTER\")\n"
	     "          (block\n"
	     "            (call registrar.save)\n"
	     "            (exit)))\n"
	     "        (arm (\"INVITE\" \"MESSAGE\")\n"
	     "          (block\n"
	     "            (call route call)))\n"
	     "        (else\n"
	     "          (block\n"
	     "            (call reply 405 \"Method Not Allowed\")\n"
	     "            (exit))))))\n"
	     "  (route call\n"
	     "    (block\n"
	     "      (= txn.callee request.uri.user)\n"
	     "      (call record_route)\n"
	     "      (call relay)))\n"
	     "  (route failure\n"
	     "    (block\n"
	     "      (if (== reply.code 486)\n"
	     "        (block\n"
	     "          (call log info (str \"busy: \" txn.callee)))))))\n",
	     "doc example", __LINE__);
	free(got);
}

static void test_scr_parse_tree_fields(void)
{
	struct parsed p;
	const struct tdm_scr_item *it;
	const struct tdm_scr_stmt *s;
	const struct tdm_scr_expr *e;
	struct tdm_str str;

	parse(&p, "route r {\n  registrar.save(1, 2)\n  x.y = \"k\"\n}");
	CU_ASSERT_EQUAL_FATAL(p.rc, 0);
	CU_ASSERT_STRING_EQUAL(p.ast->file, "t.route");
	it = p.ast->items;
	CU_ASSERT_EQUAL_FATAL(it->kind, TDM_SCR_I_ROUTE);
	TDM_ASSERT_STR(it->u.route.name, "r");
	CU_ASSERT_EQUAL(it->u.route.name_pos.col, 7);
	s = it->u.route.body->u.block.first;
	CU_ASSERT_EQUAL_FATAL(s->kind, TDM_SCR_S_CALL);
	e = s->u.call;
	TDM_ASSERT_STR(e->u.call.callee, "registrar.save");
	CU_ASSERT_EQUAL(e->u.call.nargs, 2);
	CU_ASSERT_EQUAL(e->pos.line, 2);
	CU_ASSERT_EQUAL(e->pos.col, 3);
	s = s->next;
	CU_ASSERT_EQUAL_FATAL(s->kind, TDM_SCR_S_ASSIGN);
	TDM_ASSERT_STR(s->u.assign.place->u.field.path, "x.y");
	TDM_ASSERT_STR(s->u.assign.place->u.field.name, "y");
	CU_ASSERT_TRUE(tdm_scr_expr_const_str(s->u.assign.value, &str));
	TDM_ASSERT_STR(str, "k");
	CU_ASSERT_EQUAL(it->u.route.body->u.block.end.line, 4);
	done(&p);
}

/* ---- include ------------------------------------------------------------- */

static void test_scr_parse_include_relative(void)
{
	struct tdm_scr_diag d;
	struct tdm_arena *a;
	struct tdm_scr_ast *ast = NULL;
	struct tdm_buf b = TDM_BUF_INIT;
	const struct tdm_scr_item *inc;
	struct tdm_str got;

	tdm_scr_diag_init(&d);
	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	CU_ASSERT_EQUAL(tdm_scr_parse_file(tdm_test_path("unit/script/files/"
							 "main.route"),
					   &d, a, &ast), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ast);
	tdm_scr_ast_dump(ast, TDM_SCR_DUMP_ONELINE, &b);
	got = tdm_buf_str(&b);
	TDM_ASSERT_STR(got,
		       "(script (settings (set workers 2)) (include "
		       "\"inc/a.route\") (include \"b.route\") (load \"registrar\" "
		       "(params (set max_contacts 5))) (route helper (block "
		       "(exit))) (route request (block (call route helper))))");
	inc = ast->items->next;
	CU_ASSERT_EQUAL(inc->u.include.nitems, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(inc->u.include.resolved,
				      "files/inc/a.route"));
	/* positions in included files name the file */
	CU_ASSERT_PTR_NOT_NULL(strstr(inc->next->next->pos.file,
				      "files/inc/b.route"));
	CU_ASSERT_PTR_NOT_NULL(strstr(inc->next->u.include.resolved,
				      "files/inc/b.route"));
	tdm_buf_free(&b);
	tdm_arena_free(a);
	tdm_scr_diag_fini(&d);
}

/* Parses fixture `rel`, returns the first lines of its diagnostics with
 * the fixture directory replaced by "DIR/". */
static char *file_errors(const char *rel, int want_rc)
{
	struct tdm_scr_diag d;
	struct tdm_arena *a;
	struct tdm_scr_ast *ast = NULL;
	struct tdm_buf b = TDM_BUF_INIT, r = TDM_BUF_INIT;
	char dir[4096];
	char *out;
	const char *s;

	snprintf(dir, sizeof(dir), "%s", tdm_test_path("unit/script/files/"));
	tdm_scr_diag_init(&d);
	if (tdm_arena_new(&a, 0))
		return NULL;
	CU_ASSERT_EQUAL(tdm_scr_parse_file(tdm_test_path(rel), &d, a, &ast),
			want_rc);
	for (unsigned i = 0; i < d.nents; i++)
		tdm_buf_printf(&b, "%s%s:%u:%u: %s", i ? "\n" : "",
			       d.ents[i].file, (unsigned)d.ents[i].line,
			       (unsigned)d.ents[i].col, d.ents[i].msg);
	for (s = b.data ? b.data : ""; *s;) {
		const char *hit = strstr(s, dir);

		if (!hit) {
			tdm_buf_append_c(&r, s);
			break;
		}
		tdm_buf_append(&r, s, (size_t)(hit - s));
		tdm_buf_append_c(&r, "DIR/");
		s = hit + strlen(dir);
	}
	out = strdup(r.data ? r.data : "");
	tdm_buf_free(&b);
	tdm_buf_free(&r);
	tdm_arena_free(a);
	tdm_scr_diag_fini(&d);
	return out;
}

static void test_scr_parse_include_cycle(void)
{
	char *got = file_errors("unit/script/files/cycle_a.route", -EBADMSG);

	same(got, "DIR/cycle_b.route:2:9: include cycle: DIR/cycle_a.route -> "
		  "DIR/cycle_b.route -> DIR/./cycle_a.route", "cycle", __LINE__);
	free(got);
}

static void test_scr_parse_include_errors(void)
{
	char *got = file_errors("unit/script/files/bad_include.route",
				-EBADMSG);

	same(got, "DIR/inc/broken.route:2:6: expected a variable name after "
		  "'let', found '='\n"
		  "DIR/bad_include.route:2:9: cannot read 'DIR/missing.route': "
		  "No such file or directory", "include errors", __LINE__);
	free(got);
}

static void test_scr_parse_file_missing(void)
{
	char *got = file_errors("unit/script/files/nothere.route", -ENOENT);

	same(got, "DIR/nothere.route:0:0: cannot read: No such file or "
		  "directory", "missing", __LINE__);
	free(got);
}

static void test_scr_parse_include_from_string(void)
{
	/* a string's includes resolve against its name's directory */
	struct tdm_scr_diag d;
	struct tdm_arena *a;
	struct tdm_scr_ast *ast = NULL;
	char name[4096];
	static const char src[] = "include \"inc/b.route\"\n";

	snprintf(name, sizeof(name), "%s",
		 tdm_test_path("unit/script/files/virtual.route"));
	tdm_scr_diag_init(&d);
	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	CU_ASSERT_EQUAL(tdm_scr_parse_string(name, src, sizeof(src) - 1, &d,
					     a, &ast), 0);
	CU_ASSERT_EQUAL_FATAL(ast->items->next->kind, TDM_SCR_I_LOAD);
	tdm_arena_free(a);
	tdm_scr_diag_fini(&d);
}

/* ---- syntax errors: one test per message --------------------------------- */

static void test_scr_parse_err_caret_output(void)
{
	DIAG("route r {\n\tif (a b) { exit }\n}\n",
	     "t.route:2:8: error: expected ')', found 'b'\n"
	     "\tif (a b) { exit }\n"
	     "\t      ^\n");
}

static void test_scr_parse_err_expected_expression(void)
{
	ERRORS("route r { x = }", "t.route:1:15: error: expected an expression, "
				  "found '}'");
	ERRORS("route r { f(1,) }", "t.route:1:15: error: expected an "
				    "expression, found ')'");
}

static void test_scr_parse_err_expected_token(void)
{
	ERRORS("route r {\n  f(1\n  exit\n}",
	       "t.route:3:3: error: expected ',' or ')', found 'exit'");
	ERRORS("route r { let x = [1 2] }",
	       "t.route:1:22: error: expected ',' or ']', found '2'");
	ERRORS("route r { if a { } }",
	       "t.route:1:14: error: expected '(', found 'a'");
	ERRORS("route r { if (a) exit }",
	       "t.route:1:18: error: expected '{', found 'exit'");
	ERRORS("route r { let x 1 }",
	       "t.route:1:17: error: expected '=', found '1'");
	ERRORS("route r { x = (a\n}",
	       "t.route:2:1: error: expected ')', found '}'");
	ERRORS("route r { x = l[1 }",
	       "t.route:1:19: error: expected ']', found '}'");
}

static void test_scr_parse_err_unclosed_block(void)
{
	ERRORS("route r {\n  exit\n",
	       "t.route:2:7: error: expected '}', found end of file");
	ERRORS("settings {\n  a = 1\n",
	       "t.route:2:8: error: expected '}', found end of file");
	ERRORS("route r { match x {\n",
	       "t.route:1:20: error: expected '}', found end of file");
}

static void test_scr_parse_err_field_name(void)
{
	ERRORS("route r { x = a.(b) }",
	       "t.route:1:17: error: expected a name after '.', found '('");
	ERRORS("route r { x = a.in }",
	       "t.route:1:17: error: expected a name after '.', found 'in'");
}

static void test_scr_parse_err_chained_comparison(void)
{
	ERRORS("route r { if (a < b < c) {} }",
	       "t.route:1:21: error: comparison operators cannot be chained; "
	       "use '&&' or parentheses");
	ERRORS("route r { x = a == b in c }",
	       "t.route:1:22: error: comparison operators cannot be chained; "
	       "use '&&' or parentheses");
}

static void test_scr_parse_err_repeated_unary(void)
{
	ERRORS("route r { x = !!a }",
	       "t.route:1:16: error: '!' cannot follow a unary operator; use "
	       "parentheses");
	ERRORS("route r { x = - -1 }",
	       "t.route:1:17: error: '-' cannot follow a unary operator; use "
	       "parentheses");
}

static void test_scr_parse_err_bad_callee(void)
{
	ERRORS("route r { f(1)(2) }",
	       "t.route:1:15: error: only a name or module.function can be "
	       "called");
	ERRORS("route r { x = \"s\"() }",
	       "t.route:1:18: error: only a name or module.function can be "
	       "called");
}

static void test_scr_parse_err_int_range(void)
{
	ERRORS("route r { x = 9223372036854775808 }",
	       "t.route:1:15: error: integer literal out of range");
	ERRORS("route r { x = 1 - 9223372036854775808 }",
	       "t.route:1:19: error: integer literal out of range");
	ERRORS("route r { x = 99999999999999999999 }",
	       "t.route:1:15: error: integer literal out of range");
}

static void test_scr_parse_err_setting_name(void)
{
	ERRORS("settings {\n  1 = 2\n  ok = 1\n  \"x\" = 3\n}",
	       "t.route:2:3: error: expected a setting name, found '1'\n"
	       "t.route:4:3: error: expected a setting name, found a string");
}

static void test_scr_parse_err_route_name(void)
{
	ERRORS("route { exit }\nroute ok { }",
	       "t.route:1:7: error: expected a route name, found '{'");
}

static void test_scr_parse_err_item(void)
{
	ERRORS("foo = 1\nroute r {}\nexit",
	       "t.route:1:1: error: expected settings, load, include, "
	       "transaction or route, found 'foo'\n"
	       "t.route:3:1: error: expected settings, load, include, "
	       "transaction or route, found 'exit'");
}

static void test_scr_parse_err_statement(void)
{
	ERRORS("route r {\n  1\n  =\n}\nroute s { else {} }",
	       "t.route:2:3: error: expected a statement, found '1'\n"
	       "t.route:3:3: error: expected a statement, found '='\n"
	       "t.route:5:11: error: expected a statement, found 'else'");
}

static void test_scr_parse_err_not_a_statement(void)
{
	ERRORS("route r {\n  request.uri\n  x + 1\n}",
	       "t.route:2:3: error: a statement must be a call or an assignment\n"
	       "t.route:3:3: error: a statement must be a call or an assignment");
}

static void test_scr_parse_err_assign_target(void)
{
	ERRORS("route r {\n  f() = 1\n  l[0] = 2\n  f().x = 3\n}",
	       "t.route:2:3: error: cannot assign to this expression\n"
	       "t.route:3:3: error: cannot assign to this expression\n"
	       "t.route:4:3: error: cannot assign to this expression");
}

static void test_scr_parse_err_statement_end(void)
{
	ERRORS("route r {\n  exit now\n  f() g()\n}\nload \"x\" route",
	       "t.route:2:8: error: expected end of statement, found 'now'\n"
	       "t.route:3:7: error: expected end of statement, found 'g'\n"
	       "t.route:5:10: error: expected end of statement, found 'route'");
}

static void test_scr_parse_err_pattern(void)
{
	ERRORS("route r { match x {\n  y => {}\n  \"a\", 1 => {}\n} }",
	       "t.route:2:3: error: expected a string or regex pattern, found 'y'\n"
	       "t.route:3:8: error: expected a string or regex pattern, found '1'");
}

static void test_scr_parse_err_arrow(void)
{
	ERRORS("route r { match x {\n  \"a\" { }\n  else {}\n} }",
	       "t.route:2:7: error: expected '=>', found '{'\n"
	       "t.route:3:8: error: expected '=>', found '{'");
}

static void test_scr_parse_err_else_arm_last(void)
{
	ERRORS("route r { match x {\n  else => {}\n  \"a\" => {}\n} }",
	       "t.route:3:3: error: the 'else' arm must be the last");
}

static void test_scr_parse_err_let_name(void)
{
	ERRORS("route r { let = 1 }",
	       "t.route:1:15: error: expected a variable name after 'let', "
	       "found '='");
}

static void test_scr_parse_err_load_name(void)
{
	ERRORS("load registrar\nload \"m${x}\"",
	       "t.route:1:6: error: expected a module name string, found "
	       "'registrar'\n"
	       "t.route:2:6: error: a module name must be a plain string, "
	       "without '${...}'");
}

static void test_scr_parse_err_include_name(void)
{
	ERRORS("include x\ninclude \"${a}.route\"",
	       "t.route:1:9: error: expected a file name string, found 'x'\n"
	       "t.route:2:9: error: a file name must be a plain string, "
	       "without '${...}'");
}

static void test_scr_parse_err_interpolation(void)
{
	ERRORS("route r { log(info, \"a ${b c} d\") }",
	       "t.route:1:28: error: unexpected 'c' in '${...}'");
	ERRORS("route r { log(info, \"a ${b +} d\") }",
	       "t.route:1:29: error: expected an expression, found end of file");
	/* the first '}' outside nested strings and braces ends "${" */
	ERRORS("route r { x = \"${x =~ /a}b/}\" }",
	       "t.route:1:23: error: unterminated regex");
	ERRORS("route r { log(info, \"${\"${x y}\"}\") }",
	       "t.route:1:29: error: unexpected 'y' in '${...}'");
}

static void test_scr_parse_err_lexical(void)
{
	/* the lexer's messages come through once, then recovery */
	ERRORS("route r {\n  x = \"abc\n  y = 1 @ 2\n  z = /a/q\n}",
	       "t.route:2:7: error: unterminated string\n"
	       "t.route:3:9: error: unexpected character '@'\n"
	       "t.route:4:10: error: unknown regex flag 'q'");
}

static void test_scr_parse_err_too_deep(void)
{
	char src[1024] = "route r { x = ";
	size_t n = strlen(src);

	for (int i = 0; i < 150; i++)
		src[n++] = '(';
	strcpy(src + n, "1 }");
	ERRORS(src, "t.route:1:114: error: nesting too deep (limit 100)");
}

/* ---- recovery and limits ------------------------------------------------- */

static void test_scr_parse_recovery_many_errors(void)
{
	ERRORS("settings {\n  a = \n  b = 2\n}\n"
	       "route r {\n"
	       "  let = 1\n"
	       "  if (x { f() }\n"
	       "  ok()\n"
	       "  match x { 1 => {} \"a\" => { bad bad } }\n"
	       "}\n"
	       "route { }\n"
	       "route s { y = ) }\n",
	       /* a newline after '=' continues the statement */
	       "t.route:3:5: error: expected end of statement, found '='\n"
	       "t.route:6:7: error: expected a variable name after 'let', "
	       "found '='\n"
	       "t.route:7:9: error: expected ')', found '{'\n"
	       "t.route:9:13: error: expected a string or regex pattern, "
	       "found '1'\n"
	       "t.route:9:30: error: a statement must be a call or an "
	       "assignment\n"
	       "t.route:11:7: error: expected a route name, found '{'\n"
	       "t.route:12:15: error: expected an expression, found ')'");
}

static void test_scr_parse_recovery_keeps_good_parts(void)
{
	struct parsed p;
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_str got;

	parse(&p, "route r {\n  let = 1\n  ok()\n}\nroute s { exit }");
	CU_ASSERT_EQUAL(p.rc, -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.ast);
	tdm_scr_ast_dump(p.ast, TDM_SCR_DUMP_ONELINE, &b);
	got = tdm_buf_str(&b);
	TDM_ASSERT_STR(got, "(script (route r (block (call ok))) "
			    "(route s (block (exit))))");
	tdm_buf_free(&b);
	done(&p);
}

static void test_scr_parse_error_limit(void)
{
	struct tdm_buf src = TDM_BUF_INIT, out = TDM_BUF_INIT;
	struct parsed p;

	tdm_buf_append_c(&src, "route r {\n");
	for (int i = 0; i < 80; i++)
		tdm_buf_append_c(&src, "  let = 1\n");
	tdm_buf_append_c(&src, "}\n");
	parse(&p, src.data);
	CU_ASSERT_EQUAL(p.rc, -EBADMSG);
	CU_ASSERT_EQUAL(tdm_scr_diag_errors(&p.d), TDM_SCR_DIAG_LIMIT);
	CU_ASSERT_TRUE(p.d.truncated);
	tdm_scr_diag_format(&p.d, &out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "t.route:51:7: error: expected "
						"a variable name"));
	CU_ASSERT_PTR_NULL(strstr(out.data, "t.route:52:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "too many errors; giving up "
						"after 50\n"));
	tdm_buf_free(&out);
	tdm_buf_free(&src);
	done(&p);
}

/* ---- robustness ---------------------------------------------------------- */

static const char sample[] =
	"settings { listen = [\"udp:1:2\"] }\n"
	"load \"registrar\" { max_contacts = 5 }\n"
	"transaction { callee = \"\" }\n"
	"route request {\n"
	"  let n = -(1 + 2) * 3 % 4 / 5\n"
	"  if (request.uri.user =~ /^\\+?[0-9]+$/i && !(n in [1, 2])) {\n"
	"    log(info, \"to ${request.uri.user} (${str(n)})\")\n"
	"  } else if (a) { drop } else { return }\n"
	"  match request.method { \"A\", /b/ => { exit } else => {} }\n"
	"  txn.callee = header(\"X\")[0]\n"
	"}\n";

/* Every prefix and every single-byte change of a sample ends with a
 * result or errors (the sanitizer build checks memory on the way). */
static void test_scr_parse_any_input_terminates(void)
{
	static const char subst[] = "\"{}()[]/$\n#\\;=,.!-a1 \xc3";
	char buf[sizeof(sample)];
	struct parsed p;

	for (size_t n = 0; n < sizeof(sample) - 1; n++) {
		memcpy(buf, sample, n);
		buf[n] = '\0';
		parse(&p, buf);
		CU_ASSERT(p.rc == 0 || p.rc == -EBADMSG);
		done(&p);
	}
	for (size_t i = 0; i < sizeof(sample) - 1; i += 3) {
		for (size_t k = 0; k < sizeof(subst) - 1; k++) {
			memcpy(buf, sample, sizeof(sample));
			buf[i] = subst[k];
			parse(&p, buf);
			CU_ASSERT(p.rc == 0 || p.rc == -EBADMSG);
			done(&p);
		}
	}
}

static int parse_oom(void *arg)
{
	struct tdm_scr_diag d;
	struct tdm_arena *a;
	struct tdm_scr_ast *ast;
	int rc;

	(void)arg;
	tdm_scr_diag_init(&d);
	if (tdm_arena_new(&a, 0)) {
		tdm_scr_diag_fini(&d);
		return -ENOMEM;
	}
	rc = tdm_scr_parse_string("o.route", sample, sizeof(sample) - 1, &d, a,
				  &ast);
	tdm_arena_free(a);
	tdm_scr_diag_fini(&d);
	return rc;
}

static void test_scr_parse_out_of_memory(void)
{
	CU_ASSERT_EQUAL(tdm_test_oom_loop(parse_oom, NULL), 0);
}

TDM_TEST_SUITE(scr_parse,
	       TDM_TEST(test_scr_parse_empty),
	       TDM_TEST(test_scr_parse_settings),
	       TDM_TEST(test_scr_parse_load),
	       TDM_TEST(test_scr_parse_transaction),
	       TDM_TEST(test_scr_parse_route_statements),
	       TDM_TEST(test_scr_parse_if_else),
	       TDM_TEST(test_scr_parse_match),
	       TDM_TEST(test_scr_parse_precedence),
	       TDM_TEST(test_scr_parse_comparisons),
	       TDM_TEST(test_scr_parse_literals),
	       TDM_TEST(test_scr_parse_postfix),
	       TDM_TEST(test_scr_parse_interpolation),
	       TDM_TEST(test_scr_parse_regex_vs_division),
	       TDM_TEST(test_scr_parse_newlines),
	       TDM_TEST(test_scr_parse_dump_positions),
	       TDM_TEST(test_scr_parse_doc_example),
	       TDM_TEST(test_scr_parse_tree_fields),
	       TDM_TEST(test_scr_parse_include_relative),
	       TDM_TEST(test_scr_parse_include_cycle),
	       TDM_TEST(test_scr_parse_include_errors),
	       TDM_TEST(test_scr_parse_file_missing),
	       TDM_TEST(test_scr_parse_include_from_string),
	       TDM_TEST(test_scr_parse_err_caret_output),
	       TDM_TEST(test_scr_parse_err_expected_expression),
	       TDM_TEST(test_scr_parse_err_expected_token),
	       TDM_TEST(test_scr_parse_err_unclosed_block),
	       TDM_TEST(test_scr_parse_err_field_name),
	       TDM_TEST(test_scr_parse_err_chained_comparison),
	       TDM_TEST(test_scr_parse_err_repeated_unary),
	       TDM_TEST(test_scr_parse_err_bad_callee),
	       TDM_TEST(test_scr_parse_err_int_range),
	       TDM_TEST(test_scr_parse_err_setting_name),
	       TDM_TEST(test_scr_parse_err_route_name),
	       TDM_TEST(test_scr_parse_err_item),
	       TDM_TEST(test_scr_parse_err_statement),
	       TDM_TEST(test_scr_parse_err_not_a_statement),
	       TDM_TEST(test_scr_parse_err_assign_target),
	       TDM_TEST(test_scr_parse_err_statement_end),
	       TDM_TEST(test_scr_parse_err_pattern),
	       TDM_TEST(test_scr_parse_err_arrow),
	       TDM_TEST(test_scr_parse_err_else_arm_last),
	       TDM_TEST(test_scr_parse_err_let_name),
	       TDM_TEST(test_scr_parse_err_load_name),
	       TDM_TEST(test_scr_parse_err_include_name),
	       TDM_TEST(test_scr_parse_err_interpolation),
	       TDM_TEST(test_scr_parse_err_lexical),
	       TDM_TEST(test_scr_parse_err_too_deep),
	       TDM_TEST(test_scr_parse_recovery_many_errors),
	       TDM_TEST(test_scr_parse_recovery_keeps_good_parts),
	       TDM_TEST(test_scr_parse_error_limit),
	       TDM_TEST(test_scr_parse_any_input_terminates),
	       TDM_TEST(test_scr_parse_out_of_memory))
