/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/script/lex.c: keywords, operators, positions, integers,
 * strings with escapes and "${}" parts, regex-versus-division, the newline
 * rules of lex.h, UTF-8, and each lexical error message. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/arena.h>
#include <tandem/buf.h>
#include "script/lex.h"
#include "test.h"

/* Token list of src, space-separated: punctuation and keywords as spelt,
 * id:NAME, int:N, str:[parts] with "text" and ${expr}, re:/p/FLAGS, NL,
 * ERR; ending with EOF. Lexical errors are appended as "| 1:5 message". */
static char *lex_all(const char *src)
{
	struct tdm_arena *a;
	struct tdm_scr_diag d;
	struct tdm_scr_lexer lx;
	struct tdm_scr_tok t;
	struct tdm_buf b = TDM_BUF_INIT;
	char *out;

	if (tdm_arena_new(&a, 0))
		return NULL;
	tdm_scr_diag_init(&d);
	tdm_scr_lex_init(&lx, "t.route", src, strlen(src), a, &d);
	do {
		tdm_scr_lex_next(&lx, &t);
		if (b.len)
			tdm_buf_append_ch(&b, ' ');
		switch (t.kind) {
		case TDM_SCR_T_IDENT:
			tdm_buf_printf(&b, "id:%.*s", TDM_STR_FMT(&t.text));
			break;
		case TDM_SCR_T_INT:
			tdm_buf_printf(&b, "int:%llu", (unsigned long long)t.u.i);
			break;
		case TDM_SCR_T_STRING:
			tdm_buf_append_c(&b, "str:[");
			for (struct tdm_scr_lpart *p = t.u.parts; p; p = p->next)
				tdm_buf_printf(&b, p->is_expr ? "${%.*s}" : "\"%.*s\"",
					       TDM_STR_FMT(&p->text));
			tdm_buf_append_c(&b, "]");
			break;
		case TDM_SCR_T_REGEX:
			tdm_buf_printf(&b, "re:/%.*s/%s%s%s%s",
				       TDM_STR_FMT(&t.u.re.pattern),
				       t.u.re.flags & TDM_SCR_RE_I ? "i" : "",
				       t.u.re.flags & TDM_SCR_RE_X ? "x" : "",
				       t.u.re.flags & TDM_SCR_RE_S ? "s" : "",
				       t.u.re.flags & TDM_SCR_RE_M ? "m" : "");
			break;
		case TDM_SCR_T_NEWLINE:
			tdm_buf_append_c(&b, "NL");
			break;
		case TDM_SCR_T_EOF:
			tdm_buf_append_c(&b, "EOF");
			break;
		case TDM_SCR_T_ERROR:
			tdm_buf_append_c(&b, "ERR");
			break;
		default:
			tdm_buf_append_c(&b, tdm_scr_tok_spelling(t.kind));
		}
	} while (t.kind != TDM_SCR_T_EOF);
	for (unsigned i = 0; i < d.nents; i++)
		tdm_buf_printf(&b, " | %u:%u %s", (unsigned)d.ents[i].line,
			       (unsigned)d.ents[i].col, d.ents[i].msg);
	out = b.data ? strdup(b.data) : NULL;
	tdm_buf_free(&b);
	tdm_scr_diag_fini(&d);
	tdm_arena_free(a);
	return out;
}

#define LEX(src, expected)                                                    \
	do {                                                                  \
		char *got_ = lex_all(src);                                    \
		CU_ASSERT_PTR_NOT_NULL_FATAL(got_);                           \
		if (strcmp(got_, expected) != 0)                              \
			fprintf(stderr, "\n%s:%d: lexing \"%s\"\n got: %s\n want: %s\n", \
				__FILE__, __LINE__, src, got_, expected);     \
		CU_ASSERT_STRING_EQUAL(got_, expected);                       \
		free(got_);                                                   \
	} while (0)

static void test_scr_lex_keywords_and_names(void)
{
	LEX("settings load include transaction route let if else match exit "
	    "drop return true false in",
	    "settings load include transaction route let if else match exit "
	    "drop return true false in EOF");
	LEX("foo _x1 If routes in_ X9_", "id:foo id:_x1 id:If id:routes "
					  "id:in_ id:X9_ EOF");
}

static void test_scr_lex_operators(void)
{
	LEX("a == b != c < d > e <= f >= g =~ h !~ i && j || k",
	    "id:a == id:b != id:c < id:d > id:e <= id:f >= id:g =~ id:h !~ "
	    "id:i && id:j || id:k EOF");
	LEX("!a + b - c * d % e / f = g => h . i ; ( ) [ ] { } ,",
	    "! id:a + id:b - id:c * id:d % id:e / id:f = id:g => id:h . id:i "
	    "; ( ) [ ] { } , EOF");
	LEX("a=>b==c=~d", "id:a => id:b == id:c =~ id:d EOF");
}

static void test_scr_lex_positions(void)
{
	static const char src[] = "route r {\n\tlet  xy = 42 # c\n}";
	struct tdm_arena *a;
	struct tdm_scr_diag d;
	struct tdm_scr_lexer lx;
	struct tdm_scr_tok t;
	static const struct {
		enum tdm_scr_tok_kind k;
		unsigned line, col;
	} want[] = {
		{ TDM_SCR_T_ROUTE, 1, 1 },   { TDM_SCR_T_IDENT, 1, 7 },
		{ TDM_SCR_T_LBRACE, 1, 9 },  { TDM_SCR_T_LET, 2, 2 },
		{ TDM_SCR_T_IDENT, 2, 7 },   { TDM_SCR_T_ASSIGN, 2, 10 },
		{ TDM_SCR_T_INT, 2, 12 },    { TDM_SCR_T_NEWLINE, 2, 18 },
		{ TDM_SCR_T_RBRACE, 3, 1 },  { TDM_SCR_T_EOF, 3, 2 },
	};

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	tdm_scr_diag_init(&d);
	tdm_scr_lex_init(&lx, "p.route", src, sizeof(src) - 1, a, &d);
	for (size_t i = 0; i < TDM_ARRAY_SIZE(want); i++) {
		tdm_scr_lex_next(&lx, &t);
		CU_ASSERT_EQUAL(t.kind, want[i].k);
		CU_ASSERT_EQUAL(t.pos.line, want[i].line);
		CU_ASSERT_EQUAL(t.pos.col, want[i].col);
		CU_ASSERT_STRING_EQUAL(t.pos.file, "p.route");
	}
	tdm_scr_lex_next(&lx, &t);
	CU_ASSERT_EQUAL(t.kind, TDM_SCR_T_EOF);
	CU_ASSERT_EQUAL(d.nents, 0);
	tdm_scr_diag_fini(&d);
	tdm_arena_free(a);
}

static void test_scr_lex_eof_after_final_newline(void)
{
	static const char src[] = "a\r\nbc\n";
	struct tdm_arena *a;
	struct tdm_scr_diag d;
	struct tdm_scr_lexer lx;
	struct tdm_scr_tok t;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 0), 0);
	tdm_scr_diag_init(&d);
	tdm_scr_lex_init(&lx, "e.route", src, sizeof(src) - 1, a, &d);
	tdm_scr_lex_next(&lx, &t); /* a */
	tdm_scr_lex_next(&lx, &t); /* NL */
	CU_ASSERT_EQUAL(t.pos.line, 1);
	CU_ASSERT_EQUAL(t.pos.col, 3); /* the LF; the CR is a blank */
	tdm_scr_lex_next(&lx, &t); /* bc */
	CU_ASSERT_EQUAL(t.pos.line, 2);
	CU_ASSERT_EQUAL(t.pos.col, 1);
	tdm_scr_lex_next(&lx, &t); /* NL */
	tdm_scr_lex_next(&lx, &t);
	CU_ASSERT_EQUAL(t.kind, TDM_SCR_T_EOF);
	CU_ASSERT_EQUAL(t.pos.line, 2); /* not on the empty line 3 */
	CU_ASSERT_EQUAL(t.pos.col, 3);
	tdm_scr_diag_fini(&d);
	tdm_arena_free(a);
}

static void test_scr_lex_integers(void)
{
	LEX("0 42 007 9223372036854775807",
	    "int:0 int:42 int:7 int:9223372036854775807 EOF");
	/* 2^63 is lexed; the parser accepts it only after '-' */
	LEX("9223372036854775808", "int:9223372036854775808 EOF");
	LEX("-5", "- int:5 EOF");
}

static void test_scr_lex_integer_out_of_range(void)
{
	LEX("x = 9223372036854775809", "id:x = ERR EOF | 1:5 integer literal "
				       "out of range");
	LEX("99999999999999999999999", "ERR EOF | 1:1 integer literal out of "
				       "range");
}

static void test_scr_lex_invalid_number(void)
{
	LEX("12ab + 1", "ERR + int:1 EOF | 1:1 invalid number '12ab'");
}

static void test_scr_lex_string_escapes(void)
{
	LEX("\"a\\\"b\\\\c\\n\\r\\t\\$d\"",
	    "str:[\"a\"b\\c\n\r\t$d\"] EOF");
	LEX("\"\"", "str:[] EOF");
	LEX("\"cost: $5 {x}\"", "str:[\"cost: $5 {x}\"] EOF");
}

static void test_scr_lex_string_interpolation(void)
{
	LEX("\"to ${request.uri.user}!\"",
	    "str:[\"to \"${request.uri.user}\"!\"] EOF");
	LEX("\"${a}${b}\"", "str:[${a}${b}] EOF");
	/* a nested string holding '}' and its own interpolation */
	LEX("\"x${f(\"}\", \"${y}\")}z\"",
	    "str:[\"x\"${f(\"}\", \"${y}\")}\"z\"] EOF");
	LEX("\"\\${not}\"", "str:[\"${not}\"] EOF");
}

static void test_scr_lex_string_utf8(void)
{
	LEX("\"h\xc3\xa9llo \xe2\x82\xac\" # \xc3\xbcn\xc3\xaf" "code\nx",
	    "str:[\"h\xc3\xa9llo \xe2\x82\xac\"] NL id:x EOF");
}

static void test_scr_lex_unterminated_string(void)
{
	LEX("log(\"abc\nx", "id:log ( ERR id:x EOF | 1:5 unterminated string");
	LEX("\"abc\\", "ERR EOF | 1:1 unterminated string");
}

static void test_scr_lex_unknown_escape(void)
{
	LEX("\"a\\qb\" x", "ERR id:x EOF | 1:3 unknown escape '\\q' in string");
}

static void test_scr_lex_empty_interpolation(void)
{
	LEX("\"a${ }b\"", "ERR EOF | 1:3 empty '${}' in string");
}

static void test_scr_lex_unterminated_interpolation(void)
{
	LEX("\"a${b\" + c\nd",
	    "ERR NL id:d EOF | 1:3 unterminated '${' in string");
}

static void test_scr_lex_regex_or_division(void)
{
	/* after an operand: division */
	LEX("a / b / 2", "id:a / id:b / int:2 EOF");
	LEX("f(1) / 2 + x[0] / 3", "id:f ( int:1 ) / int:2 + id:x [ int:0 ] "
				   "/ int:3 EOF");
	LEX("\"s\" / true / false", "str:[\"s\"] / true / false EOF");
	/* where an operand is expected: a regex */
	LEX("x =~ /a\\/b/i", "id:x =~ re:/a\\/b/i EOF");
	LEX("f(/x/, /y/) [/z/]", "id:f ( re:/x/ , re:/y/ ) [ re:/z/ ] EOF");
	LEX("/^1/ => {}\n\"a\", /b/ => {}",
	    "re:/^1/ => { } NL str:[\"a\"] , re:/b/ => { } EOF");
	LEX("{ /a/ => {} /b/ => {} }",
	    "{ re:/a/ => { } re:/b/ => { } } EOF");
	LEX("x = /a/ + /b/m", "id:x = re:/a/ + re:/b/m EOF");
	LEX("a in /x/", "id:a in re:/x/ EOF");
}

static void test_scr_lex_regex_flags(void)
{
	LEX("/a/imsx, /b/", "re:/a/ixsm , re:/b/ EOF");
	/* after a regex, '/' divides (a checker matter) */
	LEX("/a/ /b/", "re:/a/ / id:b / EOF");
}

static void test_scr_lex_unknown_regex_flag(void)
{
	LEX("x =~ /a/iq", "id:x =~ ERR EOF | 1:10 unknown regex flag 'q'");
}

static void test_scr_lex_unterminated_regex(void)
{
	LEX("x =~ /ab\\/\ny", "id:x =~ ERR NL id:y EOF | 1:6 unterminated regex");
}

static void test_scr_lex_newline_rules(void)
{
	LEX("a\nb", "id:a NL id:b EOF");
	LEX("\n\n  a\n\n\n\nb\n\n", "id:a NL id:b NL EOF");
	/* after an operator, ',', '=', '=>', '.', `in` or an opening bracket */
	LEX("a +\nb ||\nc", "id:a + id:b || id:c EOF");
	LEX("x =\n1", "id:x = int:1 EOF");
	LEX("a.\nb in\nc", "id:a . id:b in id:c EOF");
	LEX("{\na\n}", "{ id:a NL } EOF");
	LEX("\"x\" =>\n{", "str:[\"x\"] => { EOF");
	/* inside ( ) and [ ], even before an operator */
	LEX("f(a,\nb\n)", "id:f ( id:a , id:b ) EOF");
	LEX("(a\n+ b)\nc", "( id:a + id:b ) NL id:c EOF");
	LEX("[1\n,2\n]\nx", "[ int:1 , int:2 ] NL id:x EOF");
	/* not before an operator outside brackets */
	LEX("a\n+ b", "id:a NL + id:b EOF");
	/* ';' ends the statement; a newline right after it adds nothing */
	LEX("a; b;\nc", "id:a ; id:b ; id:c EOF");
	/* a comment's line end still ends the line */
	LEX("a # note\nb", "id:a NL id:b EOF");
	/* `else` on the next line continues an if */
	LEX("}\n  # c\n\n else {", "} else { EOF");
	LEX("}\nelsewhere", "} NL id:elsewhere EOF");
	/* a brace closes a forgotten parenthesis for newline purposes */
	LEX("f(a\n}\nb", "id:f ( id:a } NL id:b EOF");
}

static void test_scr_lex_unexpected_character(void)
{
	LEX("a @ b", "id:a ERR id:b EOF | 1:3 unexpected character '@'");
	LEX("x = \xc3\xa9t\xc3\xa9",
	    "id:x = ERR id:t ERR EOF | 1:5 unexpected byte 0xc3 | 1:8 "
	    "unexpected byte 0xc3");
	LEX("a & b", "id:a ERR id:b EOF | 1:3 unexpected character '&' (did "
		     "you mean '&&'?)");
	LEX("a | b", "id:a ERR id:b EOF | 1:3 unexpected character '|' (did "
		     "you mean '||'?)");
}

static void test_scr_lex_bom_skipped(void)
{
	LEX("\xef\xbb\xbfroute", "route EOF");
}

static void test_scr_lex_describe(void)
{
	struct tdm_scr_tok t = { 0 };
	char buf[48];

	t.kind = TDM_SCR_T_IDENT;
	t.text = TDM_STR("foo");
	CU_ASSERT_STRING_EQUAL(tdm_scr_tok_describe(&t, buf, sizeof(buf)),
			       "'foo'");
	t.text = TDM_STR("a_very_long_identifier_of_forty_bytes____");
	CU_ASSERT_STRING_EQUAL(tdm_scr_tok_describe(&t, buf, sizeof(buf)),
			       "'a_very_long_identifie...'");
	t.kind = TDM_SCR_T_NEWLINE;
	CU_ASSERT_STRING_EQUAL(tdm_scr_tok_describe(&t, buf, sizeof(buf)),
			       "end of line");
	t.kind = TDM_SCR_T_STRING;
	CU_ASSERT_STRING_EQUAL(tdm_scr_tok_describe(&t, buf, sizeof(buf)),
			       "a string");
}

/* Every keyword of the lexer is listed in the language's documentation
 * (style rule 14: the doc and the lexer must agree). */
static void test_scr_lex_keywords_documented(void)
{
	size_t len;
	char *doc = tdm_test_read("../docs/routing-language.md", &len);
	char want[32];

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	for (int k = TDM_SCR_T_KW_FIRST; k <= TDM_SCR_T_KW_LAST; k++) {
		snprintf(want, sizeof(want), "`%s`",
			 tdm_scr_tok_spelling((enum tdm_scr_tok_kind)k));
		if (!strstr(doc, want))
			fprintf(stderr, "keyword %s not in the doc\n", want);
		CU_ASSERT_PTR_NOT_NULL(strstr(doc, want));
	}
	free(doc);
}

/* Any bytes end in EOF: every byte value in a few contexts. */
static void test_scr_lex_any_input_terminates(void)
{
	static const char *const ctx[] = { "%c", "\"%c", "x =~ /%c", "${%c",
					   "\"${%c}\"", "a(%c\n" };
	char src[16];

	for (size_t c = 0; c < TDM_ARRAY_SIZE(ctx); c++) {
		for (int b = 1; b < 256; b++) {
			char *got;

			snprintf(src, sizeof(src), ctx[c], b);
			got = lex_all(src);
			CU_ASSERT_PTR_NOT_NULL(got);
			CU_ASSERT_PTR_NOT_NULL(got ? strstr(got, "EOF") : NULL);
			free(got);
		}
	}
}

TDM_TEST_SUITE(scr_lex,
	       TDM_TEST(test_scr_lex_keywords_and_names),
	       TDM_TEST(test_scr_lex_operators),
	       TDM_TEST(test_scr_lex_positions),
	       TDM_TEST(test_scr_lex_eof_after_final_newline),
	       TDM_TEST(test_scr_lex_integers),
	       TDM_TEST(test_scr_lex_integer_out_of_range),
	       TDM_TEST(test_scr_lex_invalid_number),
	       TDM_TEST(test_scr_lex_string_escapes),
	       TDM_TEST(test_scr_lex_string_interpolation),
	       TDM_TEST(test_scr_lex_string_utf8),
	       TDM_TEST(test_scr_lex_unterminated_string),
	       TDM_TEST(test_scr_lex_unknown_escape),
	       TDM_TEST(test_scr_lex_empty_interpolation),
	       TDM_TEST(test_scr_lex_unterminated_interpolation),
	       TDM_TEST(test_scr_lex_regex_or_division),
	       TDM_TEST(test_scr_lex_regex_flags),
	       TDM_TEST(test_scr_lex_unknown_regex_flag),
	       TDM_TEST(test_scr_lex_unterminated_regex),
	       TDM_TEST(test_scr_lex_newline_rules),
	       TDM_TEST(test_scr_lex_unexpected_character),
	       TDM_TEST(test_scr_lex_bom_skipped),
	       TDM_TEST(test_scr_lex_describe),
	       TDM_TEST(test_scr_lex_keywords_documented),
	       TDM_TEST(test_scr_lex_any_input_terminates))
