/* SPDX-License-Identifier: GPL-2.0-or-later
 * Expressions: a Pratt parser with one table row per token (prefix
 * function, infix function, precedence), the precedence levels being
 * exactly the rules of the EBNF (or < and < cmp < sum < term < unary <
 * postfix). Comparisons do not chain; "${expr}" inside strings is parsed
 * here with a sub-lexer over the expression's source range. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "script/parse_impl.h"

enum prec {
	PREC_NONE,    /* not an infix operator */
	PREC_OR,      /* || */
	PREC_AND,     /* && */
	PREC_CMP,     /* == != < > <= >= =~ !~ in (non-associative) */
	PREC_SUM,     /* + - */
	PREC_TERM,    /* * / % */
	PREC_UNARY,   /* ! - (prefix) */
	PREC_POSTFIX, /* .name (args) [index] */
};

typedef struct tdm_scr_expr *prefix_fn(struct tdm_scr_parser *p);
typedef struct tdm_scr_expr *infix_fn(struct tdm_scr_parser *p,
				      struct tdm_scr_expr *lhs);

struct rule {
	prefix_fn *prefix;
	infix_fn *infix;
	enum prec prec;      /* of the infix use */
	enum tdm_scr_op op;  /* of the infix use */
};

static prefix_fn lit_int, lit_bool, lit_string, lit_regex, name, group,
	list, unary;
static infix_fn binary, compare, call, field, index_;

static const struct rule rules[TDM_SCR_T__COUNT] = {
	[TDM_SCR_T_INT]      = { lit_int,    NULL,    PREC_NONE, 0 },
	[TDM_SCR_T_STRING]   = { lit_string, NULL,    PREC_NONE, 0 },
	[TDM_SCR_T_REGEX]    = { lit_regex,  NULL,    PREC_NONE, 0 },
	[TDM_SCR_T_TRUE]     = { lit_bool,   NULL,    PREC_NONE, 0 },
	[TDM_SCR_T_FALSE]    = { lit_bool,   NULL,    PREC_NONE, 0 },
	[TDM_SCR_T_IDENT]    = { name,       NULL,    PREC_NONE, 0 },
	/* `route(name)` calls a route: the keyword reads as a name here */
	[TDM_SCR_T_ROUTE]    = { name,       NULL,    PREC_NONE, 0 },
	[TDM_SCR_T_LPAREN]   = { group,      call,    PREC_POSTFIX, 0 },
	[TDM_SCR_T_LBRACKET] = { list,       index_,  PREC_POSTFIX, 0 },
	[TDM_SCR_T_DOT]      = { NULL,       field,   PREC_POSTFIX, 0 },
	[TDM_SCR_T_NOT]      = { unary,      NULL,    PREC_NONE, TDM_SCR_OP_NOT },
	[TDM_SCR_T_MINUS]    = { unary,      binary,  PREC_SUM,  TDM_SCR_OP_SUB },
	[TDM_SCR_T_PLUS]     = { NULL,       binary,  PREC_SUM,  TDM_SCR_OP_ADD },
	[TDM_SCR_T_STAR]     = { NULL,       binary,  PREC_TERM, TDM_SCR_OP_MUL },
	[TDM_SCR_T_SLASH]    = { NULL,       binary,  PREC_TERM, TDM_SCR_OP_DIV },
	[TDM_SCR_T_PERCENT]  = { NULL,       binary,  PREC_TERM, TDM_SCR_OP_MOD },
	[TDM_SCR_T_EQ]       = { NULL,       compare, PREC_CMP,  TDM_SCR_OP_EQ },
	[TDM_SCR_T_NE]       = { NULL,       compare, PREC_CMP,  TDM_SCR_OP_NE },
	[TDM_SCR_T_LT]       = { NULL,       compare, PREC_CMP,  TDM_SCR_OP_LT },
	[TDM_SCR_T_GT]       = { NULL,       compare, PREC_CMP,  TDM_SCR_OP_GT },
	[TDM_SCR_T_LE]       = { NULL,       compare, PREC_CMP,  TDM_SCR_OP_LE },
	[TDM_SCR_T_GE]       = { NULL,       compare, PREC_CMP,  TDM_SCR_OP_GE },
	[TDM_SCR_T_MATCHOP]  = { NULL,       compare, PREC_CMP,  TDM_SCR_OP_MATCH },
	[TDM_SCR_T_NMATCHOP] = { NULL,       compare, PREC_CMP,  TDM_SCR_OP_NMATCH },
	[TDM_SCR_T_IN]       = { NULL,       compare, PREC_CMP,  TDM_SCR_OP_IN },
	[TDM_SCR_T_ANDAND]   = { NULL,       binary,  PREC_AND,  TDM_SCR_OP_AND },
	[TDM_SCR_T_OROR]     = { NULL,       binary,  PREC_OR,   TDM_SCR_OP_OR },
};

static struct tdm_scr_expr *node(struct tdm_scr_parser *p,
				 enum tdm_scr_expr_kind kind,
				 const struct tdm_scr_pos *pos)
{
	struct tdm_scr_expr *e = tdm_scr_expr_new(p->a, kind, pos);

	if (!e)
		p->err = -ENOMEM;
	return e;
}

/* Parses operators binding at least as tightly as `prec`. */
static struct tdm_scr_expr *parse_prec(struct tdm_scr_parser *p,
				       enum prec prec)
{
	const struct rule *r = &rules[p->tok.kind];
	struct tdm_scr_expr *e;

	if (!r->prefix) {
		tdm_scr_parser_expected(p, "an expression");
		return NULL;
	}
	if (!tdm_scr_parser_enter(p))
		return NULL;
	e = r->prefix(p);
	while (e && rules[p->tok.kind].infix && prec <= rules[p->tok.kind].prec)
		e = rules[p->tok.kind].infix(p, e);
	tdm_scr_parser_leave(p);
	return e;
}

/* expr = or ; */
struct tdm_scr_expr *tdm_scr_parse_expr(struct tdm_scr_parser *p)
{
	return parse_prec(p, PREC_OR);
}

/* postfix = primary { "." ident | "(" [ args ] ")" | "[" expr "]" } ; */
struct tdm_scr_expr *tdm_scr_parse_postfix(struct tdm_scr_parser *p)
{
	return parse_prec(p, PREC_POSTFIX);
}

/* or   = and { "||" and } ;
 * and  = cmp { "&&" cmp } ;
 * sum  = term { ( "+" | "-" ) term } ;
 * term = unary { ( "*" | "/" | "%" ) unary } ;   (left-associative) */
static struct tdm_scr_expr *binary(struct tdm_scr_parser *p,
				   struct tdm_scr_expr *lhs)
{
	const struct rule *r = &rules[p->tok.kind];
	struct tdm_scr_pos pos = p->tok.pos;
	struct tdm_scr_expr *rhs, *e;

	tdm_scr_parser_advance(p);
	rhs = parse_prec(p, r->prec + 1);
	if (!rhs || !(e = node(p, TDM_SCR_E_BINARY, &pos)))
		return NULL;
	e->u.binary.op = r->op;
	e->u.binary.lhs = lhs;
	e->u.binary.rhs = rhs;
	return e;
}

/* cmp = sum [ ( "==" | "!=" | "<" | ">" | "<=" | ">=" | "=~" | "!~"
 *             | "in" ) sum ] ;            (at most one: no chaining) */
static struct tdm_scr_expr *compare(struct tdm_scr_parser *p,
				    struct tdm_scr_expr *lhs)
{
	struct tdm_scr_expr *e = binary(p, lhs);

	if (e && rules[p->tok.kind].prec == PREC_CMP) {
		tdm_scr_parser_error(p, &p->tok,
				     "comparison operators cannot be chained; "
				     "use '&&' or parentheses");
		return NULL;
	}
	return e;
}

/* unary = [ "!" | "-" ] postfix ;
 * A '-' directly before an integer literal makes a negative literal (the
 * only way to write -9223372036854775808). */
static struct tdm_scr_expr *unary(struct tdm_scr_parser *p)
{
	struct tdm_scr_pos pos = p->tok.pos;
	bool neg = p->tok.kind == TDM_SCR_T_MINUS;
	struct tdm_scr_expr *operand, *e;

	tdm_scr_parser_advance(p);
	if (p->tok.kind == TDM_SCR_T_NOT || p->tok.kind == TDM_SCR_T_MINUS) {
		tdm_scr_parser_error(p, &p->tok,
				     "'%s' cannot follow a unary operator; "
				     "use parentheses",
				     tdm_scr_tok_spelling(p->tok.kind));
		return NULL;
	}
	if (neg && p->tok.kind == TDM_SCR_T_INT) {
		if (!(e = node(p, TDM_SCR_E_INT, &pos)))
			return NULL;
		e->u.i = p->tok.u.i > INT64_MAX ? INT64_MIN
						: -(int64_t)p->tok.u.i;
		tdm_scr_parser_advance(p);
		return e;
	}
	operand = parse_prec(p, PREC_POSTFIX);
	if (!operand || !(e = node(p, TDM_SCR_E_UNARY, &pos)))
		return NULL;
	e->u.unary.op = neg ? TDM_SCR_OP_NEG : TDM_SCR_OP_NOT;
	e->u.unary.operand = operand;
	return e;
}

/* primary = int | ... ; */
static struct tdm_scr_expr *lit_int(struct tdm_scr_parser *p)
{
	struct tdm_scr_expr *e;

	if (p->tok.u.i > INT64_MAX) {
		tdm_scr_parser_error(p, &p->tok, "integer literal out of range");
		return NULL;
	}
	if (!(e = node(p, TDM_SCR_E_INT, &p->tok.pos)))
		return NULL;
	e->u.i = (int64_t)p->tok.u.i;
	tdm_scr_parser_advance(p);
	return e;
}

/* primary = ... | "true" | "false" | ... ; */
static struct tdm_scr_expr *lit_bool(struct tdm_scr_parser *p)
{
	struct tdm_scr_expr *e = node(p, TDM_SCR_E_BOOL, &p->tok.pos);

	if (!e)
		return NULL;
	e->u.b = p->tok.kind == TDM_SCR_T_TRUE;
	tdm_scr_parser_advance(p);
	return e;
}

/* primary = ... | regex | ... ; */
static struct tdm_scr_expr *lit_regex(struct tdm_scr_parser *p)
{
	struct tdm_scr_expr *e = node(p, TDM_SCR_E_REGEX, &p->tok.pos);

	if (!e)
		return NULL;
	e->u.re.pattern = tdm_scr_parser_dup(p, p->tok.u.re.pattern);
	e->u.re.flags = p->tok.u.re.flags;
	tdm_scr_parser_advance(p);
	return p->err ? NULL : e;
}

/* The expression of one "${...}": a sub-lexer over its source range, the
 * current lexer and token put back afterwards. */
static struct tdm_scr_expr *interp(struct tdm_scr_parser *p,
				   const struct tdm_scr_lpart *lp)
{
	struct tdm_scr_lexer saved_lx = p->lx;
	struct tdm_scr_tok saved_tok = p->tok;
	size_t off = (size_t)(lp->text.s - p->lx.src);
	struct tdm_scr_expr *e;

	tdm_scr_lex_init_range(&p->lx, p->lx.file, p->lx.src, off,
			       off + lp->text.len, lp->line, lp->col, p->a,
			       p->d);
	tdm_scr_parser_advance(p);
	e = tdm_scr_parse_expr(p);
	if (e && p->tok.kind != TDM_SCR_T_EOF) {
		char buf[48];

		tdm_scr_parser_error(p, &p->tok, "unexpected %s in '${...}'",
				     tdm_scr_tok_describe(&p->tok, buf,
							  sizeof(buf)));
		e = NULL;
	}
	if (p->lx.nomem)
		p->err = -ENOMEM;
	p->lx = saved_lx;
	p->tok = saved_tok;
	return e;
}

/* primary = ... | string | ... ;  with "${expr}" parts parsed here. */
static struct tdm_scr_expr *lit_string(struct tdm_scr_parser *p)
{
	struct tdm_scr_tok t = p->tok;
	struct tdm_scr_expr *e = node(p, TDM_SCR_E_STR, &t.pos);
	struct tdm_scr_spart **tail;

	if (!e)
		return NULL;
	tail = &e->u.str.parts;
	for (const struct tdm_scr_lpart *lp = t.u.parts; lp; lp = lp->next) {
		struct tdm_scr_spart *sp = tdm_arena_zalloc(p->a, sizeof(*sp));

		if (!sp) {
			p->err = -ENOMEM;
			return NULL;
		}
		sp->pos = (struct tdm_scr_pos){ t.pos.file, lp->line, lp->col };
		if (lp->is_expr) {
			sp->expr = interp(p, lp);
			if (!sp->expr)
				return NULL;
			e->u.str.interpolated = true;
		} else {
			sp->text = lp->text; /* decoded into the arena */
		}
		*tail = sp;
		tail = &sp->next;
	}
	tdm_scr_parser_advance(p);
	return e;
}

/* The parser reads a string or regex token as a node (match patterns). */
struct tdm_scr_expr *tdm_scr_parse_literal(struct tdm_scr_parser *p)
{
	if (p->tok.kind == TDM_SCR_T_STRING)
		return lit_string(p);
	if (TDM_ALWAYS(p->tok.kind == TDM_SCR_T_REGEX))
		return lit_regex(p);
	return NULL;
}

/* primary = ... | ident | ... ; */
static struct tdm_scr_expr *name(struct tdm_scr_parser *p)
{
	struct tdm_scr_expr *e = node(p, TDM_SCR_E_NAME, &p->tok.pos);

	if (!e)
		return NULL;
	e->u.name = tdm_scr_parser_dup(p, p->tok.text);
	tdm_scr_parser_advance(p);
	return p->err ? NULL : e;
}

/* primary = ... | "(" expr ")" ; */
static struct tdm_scr_expr *group(struct tdm_scr_parser *p)
{
	struct tdm_scr_expr *e;

	tdm_scr_parser_advance(p);
	e = tdm_scr_parse_expr(p);
	if (!e || !tdm_scr_parser_expect(p, TDM_SCR_T_RPAREN))
		return NULL;
	return e;
}

/* Parses `expr { "," expr }` up to `close`, allowing a trailing ',' when
 * `trailing`; returns the count or -1 after an error. */
static int expr_list(struct tdm_scr_parser *p, struct tdm_scr_expr **first,
		     enum tdm_scr_tok_kind close, bool trailing)
{
	struct tdm_scr_expr **tail = first;
	int n = 0;

	if (p->tok.kind == close) {
		tdm_scr_parser_advance(p);
		return 0;
	}
	for (;;) {
		struct tdm_scr_expr *e = tdm_scr_parse_expr(p);

		if (!e)
			return -1;
		*tail = e;
		tail = &e->next;
		n++;
		if (p->tok.kind == close) {
			tdm_scr_parser_advance(p);
			return n;
		}
		if (p->tok.kind != TDM_SCR_T_COMMA) {
			char buf[32];

			snprintf(buf, sizeof(buf), "',' or '%s'",
				 tdm_scr_tok_spelling(close));
			tdm_scr_parser_expected(p, buf);
			return -1;
		}
		tdm_scr_parser_advance(p);
		if (trailing && p->tok.kind == close) {
			tdm_scr_parser_advance(p);
			return n;
		}
	}
}

/* list = "[" [ expr { "," expr } [ "," ] ] "]" ; */
static struct tdm_scr_expr *list(struct tdm_scr_parser *p)
{
	struct tdm_scr_expr *e = node(p, TDM_SCR_E_LIST, &p->tok.pos);
	int n;

	if (!e)
		return NULL;
	tdm_scr_parser_advance(p);
	n = expr_list(p, &e->u.list.first, TDM_SCR_T_RBRACKET, true);
	if (n < 0)
		return NULL;
	e->u.list.count = (unsigned)n;
	return e;
}

/* "a.b.c" of a name or a dotted field, or an empty slice. */
static struct tdm_str dotted(const struct tdm_scr_expr *e)
{
	if (e->kind == TDM_SCR_E_NAME)
		return e->u.name;
	if (e->kind == TDM_SCR_E_FIELD)
		return e->u.field.path;
	return TDM_STR_NULL;
}

/* postfix = primary { "." ident | ... } ; */
static struct tdm_scr_expr *field(struct tdm_scr_parser *p,
				  struct tdm_scr_expr *lhs)
{
	struct tdm_str base = dotted(lhs);
	struct tdm_scr_expr *e;

	tdm_scr_parser_advance(p);
	if (p->tok.kind != TDM_SCR_T_IDENT) {
		tdm_scr_parser_expected(p, "a name after '.'");
		return NULL;
	}
	if (!(e = node(p, TDM_SCR_E_FIELD, &lhs->pos)))
		return NULL;
	e->u.field.obj = lhs;
	e->u.field.name = tdm_scr_parser_dup(p, p->tok.text);
	if (base.len) {
		size_t n = base.len + 1 + p->tok.text.len;
		char *s = tdm_arena_alloc(p->a, n);

		if (!s) {
			p->err = -ENOMEM;
			return NULL;
		}
		memcpy(s, base.s, base.len);
		s[base.len] = '.';
		memcpy(s + base.len + 1, p->tok.text.s, p->tok.text.len);
		e->u.field.path = (struct tdm_str){ s, n };
	}
	tdm_scr_parser_advance(p);
	return p->err ? NULL : e;
}

/* postfix = primary { ... | "(" [ args ] ")" | ... } ;
 * args    = expr { "," expr } ;
 * Only a name or a dotted name can be called: f(x), module.f(x). */
static struct tdm_scr_expr *call(struct tdm_scr_parser *p,
				 struct tdm_scr_expr *lhs)
{
	struct tdm_str callee = dotted(lhs);
	struct tdm_scr_expr *e;
	int n;

	if (!callee.len) {
		tdm_scr_parser_error(p, &p->tok,
				     "only a name or module.function can be "
				     "called");
		return NULL;
	}
	if (!(e = node(p, TDM_SCR_E_CALL, &lhs->pos)))
		return NULL;
	e->u.call.callee = callee;
	tdm_scr_parser_advance(p);
	n = expr_list(p, &e->u.call.args, TDM_SCR_T_RPAREN, false);
	if (n < 0)
		return NULL;
	e->u.call.nargs = (unsigned)n;
	return e;
}

/* postfix = primary { ... | "[" expr "]" } ; */
static struct tdm_scr_expr *index_(struct tdm_scr_parser *p,
				   struct tdm_scr_expr *lhs)
{
	struct tdm_scr_expr *e, *idx;

	tdm_scr_parser_advance(p);
	idx = tdm_scr_parse_expr(p);
	if (!idx || !tdm_scr_parser_expect(p, TDM_SCR_T_RBRACKET))
		return NULL;
	if (!(e = node(p, TDM_SCR_E_INDEX, &lhs->pos)))
		return NULL;
	e->u.index.obj = lhs;
	e->u.index.index = idx;
	return e;
}
