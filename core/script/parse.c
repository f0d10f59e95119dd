/* SPDX-License-Identifier: GPL-2.0-or-later
 * Parser of the routing language: recursive descent over items and
 * statements (expressions are in expr.c), each function headed by its
 * EBNF rule from docs/routing-language.md. `include` splices the included
 * file's items into the same list (include.c reads it). On a syntax error the parser records it
 * and skips to the next statement end or closing brace, so one run reports
 * many errors (up to the collector's limit). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "script/parse_impl.h"
#include "script/script.h"

/* ---- helpers shared with expr.c ------------------------------------------ */

void tdm_scr_parser_advance(struct tdm_scr_parser *p)
{
	if (p->lx.nomem)
		p->err = -ENOMEM;
	if (p->err) {
		p->tok.kind = TDM_SCR_T_EOF;
		return;
	}
	tdm_scr_lex_next(&p->lx, &p->tok);
}

void tdm_scr_parser_error(struct tdm_scr_parser *p,
			  const struct tdm_scr_tok *t, const char *fmt, ...)
{
	va_list ap;

	if (t->kind == TDM_SCR_T_ERROR || p->err)
		return;
	if (p->last_err.file == t->pos.file && p->last_err.line == t->pos.line &&
	    p->last_err.col == t->pos.col)
		return;
	p->last_err = t->pos;
	va_start(ap, fmt);
	tdm_scr_diag_report(p->d, TDM_SCR_ERROR, &t->pos, fmt, ap);
	va_end(ap);
}

void tdm_scr_parser_expected(struct tdm_scr_parser *p, const char *what)
{
	char buf[48];

	tdm_scr_parser_error(p, &p->tok, "expected %s, found %s", what,
			     tdm_scr_tok_describe(&p->tok, buf, sizeof(buf)));
}

bool tdm_scr_parser_expect(struct tdm_scr_parser *p, enum tdm_scr_tok_kind k)
{
	char what[16];

	if (p->tok.kind == k) {
		tdm_scr_parser_advance(p);
		return true;
	}
	snprintf(what, sizeof(what), "'%s'", tdm_scr_tok_spelling(k));
	tdm_scr_parser_expected(p, what);
	return false;
}

struct tdm_str tdm_scr_parser_dup(struct tdm_scr_parser *p, struct tdm_str s)
{
	char *c = tdm_arena_memdup(p->a, s.s, s.len ? s.len : 1);

	if (!c) {
		p->err = -ENOMEM;
		return TDM_STR_NULL;
	}
	return (struct tdm_str){ c, s.len };
}

bool tdm_scr_parser_enter(struct tdm_scr_parser *p)
{
	if (p->depth >= TDM_SCR_MAX_DEPTH) {
		tdm_scr_parser_error(p, &p->tok, "nesting too deep (limit %d)",
				     TDM_SCR_MAX_DEPTH);
		return false;
	}
	p->depth++;
	return true;
}

/* ---- recovery ------------------------------------------------------------ */

static bool at(const struct tdm_scr_parser *p, enum tdm_scr_tok_kind k)
{
	return p->tok.kind == k;
}

static bool at_end(const struct tdm_scr_parser *p)
{
	return at(p, TDM_SCR_T_NEWLINE) || at(p, TDM_SCR_T_SEMI);
}

static void skip_ends(struct tdm_scr_parser *p)
{
	while (at_end(p))
		tdm_scr_parser_advance(p);
}

/* After an error: skip to the end of the statement (consumed) or to the
 * '}' closing the enclosing block (left for the block), skipping nested
 * braces. In a match arm (arm true) the arm's own block also ends it:
 * arms are not ended by newlines alone (a newline before an `else` arm
 * vanishes), so the closing '}' of the arm's block counts. */
static void skip_to_end(struct tdm_scr_parser *p, bool arm)
{
	unsigned depth = 0;

	tdm_scr_lex_reset_nesting(&p->lx);
	for (;; tdm_scr_parser_advance(p)) {
		switch (p->tok.kind) {
		case TDM_SCR_T_EOF:
			return;
		case TDM_SCR_T_NEWLINE:
		case TDM_SCR_T_SEMI:
			if (depth == 0) {
				tdm_scr_parser_advance(p);
				return;
			}
			break;
		case TDM_SCR_T_LBRACE:
			depth++;
			break;
		case TDM_SCR_T_RBRACE:
			if (depth == 0)
				return;
			if (--depth == 0 && arm) {
				tdm_scr_parser_advance(p);
				return;
			}
			break;
		default:
			break;
		}
	}
}

static void sync_stmt(struct tdm_scr_parser *p)
{
	skip_to_end(p, false);
}

static void sync_arm(struct tdm_scr_parser *p)
{
	skip_to_end(p, true);
}

static bool at_item(const struct tdm_scr_parser *p)
{
	switch (p->tok.kind) {
	case TDM_SCR_T_SETTINGS:
	case TDM_SCR_T_LOAD:
	case TDM_SCR_T_INCLUDE:
	case TDM_SCR_T_TRANSACTION:
	case TDM_SCR_T_ROUTE:
		return true;
	default:
		return false;
	}
}

/* After an error in an item's head: skip to the next item keyword outside
 * braces. */
static void sync_item(struct tdm_scr_parser *p)
{
	unsigned depth = 0;

	tdm_scr_lex_reset_nesting(&p->lx);
	for (;; tdm_scr_parser_advance(p)) {
		if (at(p, TDM_SCR_T_EOF) || (depth == 0 && at_item(p)))
			return;
		if (at(p, TDM_SCR_T_LBRACE))
			depth++;
		else if (at(p, TDM_SCR_T_RBRACE) && depth)
			depth--;
	}
}

/* end = ";" | newline ;
 * Also accepted without either before a '}' ({ reply(405); exit }) and at
 * the end of the file. A missing end is reported and skipped to. */
static void parse_end(struct tdm_scr_parser *p)
{
	if (at_end(p)) {
		tdm_scr_parser_advance(p);
		return;
	}
	if (at(p, TDM_SCR_T_RBRACE) || at(p, TDM_SCR_T_EOF))
		return;
	tdm_scr_parser_expected(p, "end of statement");
	sync_stmt(p);
}

/* True when the collector is full: the parser stops here, and since input
 * remains, says that errors may have been left unreported. */
static bool give_up(struct tdm_scr_parser *p)
{
	if (!tdm_scr_diag_full(p->d))
		return false;
	p->d->truncated = true;
	return true;
}

static void *zalloc(struct tdm_scr_parser *p, size_t size)
{
	void *v = tdm_arena_zalloc(p->a, size);

	if (!v)
		p->err = -ENOMEM;
	return v;
}

static struct tdm_scr_stmt *stmt_new(struct tdm_scr_parser *p,
				     enum tdm_scr_stmt_kind kind,
				     const struct tdm_scr_pos *pos)
{
	struct tdm_scr_stmt *s = tdm_scr_stmt_new(p->a, kind, pos);

	if (!s)
		p->err = -ENOMEM;
	return s;
}

/* ---- statements ---------------------------------------------------------- */

static struct tdm_scr_stmt *parse_stmt(struct tdm_scr_parser *p);
static struct tdm_scr_stmt *parse_if(struct tdm_scr_parser *p);

/* block = "{" { stmt } "}" ; */
static struct tdm_scr_stmt *parse_block(struct tdm_scr_parser *p)
{
	struct tdm_scr_pos pos = p->tok.pos;
	struct tdm_scr_stmt *b, **tail;

	if (!tdm_scr_parser_expect(p, TDM_SCR_T_LBRACE))
		return NULL;
	if (!(b = stmt_new(p, TDM_SCR_S_BLOCK, &pos)))
		return NULL;
	if (!tdm_scr_parser_enter(p))
		return NULL;
	tail = &b->u.block.first;
	for (;;) {
		struct tdm_scr_stmt *s;

		skip_ends(p);
		if (at(p, TDM_SCR_T_RBRACE)) {
			b->u.block.end = p->tok.pos;
			tdm_scr_parser_advance(p);
			break;
		}
		if (at(p, TDM_SCR_T_EOF)) {
			tdm_scr_parser_expected(p, "'}'");
			break;
		}
		if (give_up(p))
			break;
		s = parse_stmt(p);
		if (s) {
			*tail = s;
			tail = &s->next;
		}
	}
	tdm_scr_parser_leave(p);
	return p->err ? NULL : b;
}

/* let = "let" ident "=" expr ; */
static struct tdm_scr_stmt *parse_let(struct tdm_scr_parser *p)
{
	struct tdm_scr_stmt *s = stmt_new(p, TDM_SCR_S_LET, &p->tok.pos);

	if (!s)
		return NULL;
	tdm_scr_parser_advance(p);
	if (!at(p, TDM_SCR_T_IDENT)) {
		tdm_scr_parser_expected(p, "a variable name after 'let'");
		return NULL;
	}
	s->u.let.name = tdm_scr_parser_dup(p, p->tok.text);
	s->u.let.name_pos = p->tok.pos;
	tdm_scr_parser_advance(p);
	if (!tdm_scr_parser_expect(p, TDM_SCR_T_ASSIGN))
		return NULL;
	s->u.let.value = tdm_scr_parse_expr(p);
	return s->u.let.value ? s : NULL;
}

/* if = "if" "(" expr ")" block [ "else" ( if | block ) ] ; */
static struct tdm_scr_stmt *parse_if(struct tdm_scr_parser *p)
{
	struct tdm_scr_stmt *s = stmt_new(p, TDM_SCR_S_IF, &p->tok.pos);

	if (!s)
		return NULL;
	tdm_scr_parser_advance(p);
	if (!tdm_scr_parser_expect(p, TDM_SCR_T_LPAREN) ||
	    !(s->u.if_.cond = tdm_scr_parse_expr(p)) ||
	    !tdm_scr_parser_expect(p, TDM_SCR_T_RPAREN) ||
	    !(s->u.if_.then = parse_block(p)))
		return NULL;
	if (!at(p, TDM_SCR_T_ELSE))
		return s;
	tdm_scr_parser_advance(p);
	if (at(p, TDM_SCR_T_IF)) {
		if (!tdm_scr_parser_enter(p))
			return NULL;
		s->u.if_.els = parse_if(p);
		tdm_scr_parser_leave(p);
	} else {
		s->u.if_.els = parse_block(p);
	}
	return s->u.if_.els ? s : NULL;
}

/* arm     = ( pattern { "," pattern } | "else" ) "=>" block ;
 * pattern = string | regex ; */
static struct tdm_scr_arm *parse_arm(struct tdm_scr_parser *p)
{
	struct tdm_scr_arm *arm = zalloc(p, sizeof(*arm));
	struct tdm_scr_expr **tail;

	if (!arm)
		return NULL;
	arm->pos = p->tok.pos;
	tail = &arm->patterns;
	if (at(p, TDM_SCR_T_ELSE)) {
		arm->is_else = true;
		tdm_scr_parser_advance(p);
	} else {
		for (;;) {
			struct tdm_scr_expr *e;

			if (!at(p, TDM_SCR_T_STRING) && !at(p, TDM_SCR_T_REGEX)) {
				tdm_scr_parser_expected(p, "a string or regex "
							"pattern");
				return NULL;
			}
			if (!(e = tdm_scr_parse_literal(p)))
				return NULL;
			*tail = e;
			tail = &e->next;
			arm->npatterns++;
			if (!at(p, TDM_SCR_T_COMMA))
				break;
			tdm_scr_parser_advance(p);
		}
	}
	if (!tdm_scr_parser_expect(p, TDM_SCR_T_ARROW) ||
	    !(arm->body = parse_block(p)))
		return NULL;
	return arm;
}

/* match = "match" expr "{" { arm } "}" ;
 * Arms need no separator; an `else` arm must be the last. */
static struct tdm_scr_stmt *parse_match(struct tdm_scr_parser *p)
{
	struct tdm_scr_stmt *s = stmt_new(p, TDM_SCR_S_MATCH, &p->tok.pos);
	struct tdm_scr_arm **tail, *last = NULL;

	if (!s)
		return NULL;
	tdm_scr_parser_advance(p);
	if (!(s->u.match.subject = tdm_scr_parse_expr(p)) ||
	    !tdm_scr_parser_expect(p, TDM_SCR_T_LBRACE))
		return NULL;
	tail = &s->u.match.arms;
	for (;;) {
		struct tdm_scr_arm *arm;

		skip_ends(p);
		if (at(p, TDM_SCR_T_RBRACE)) {
			tdm_scr_parser_advance(p);
			return s;
		}
		if (at(p, TDM_SCR_T_EOF) || give_up(p)) {
			tdm_scr_parser_expected(p, "'}'");
			return NULL;
		}
		if (last && last->is_else)
			tdm_scr_diag_error(p->d, &p->tok.pos,
					   "the 'else' arm must be the last");
		arm = parse_arm(p);
		if (!arm) {
			if (p->err)
				return NULL;
			sync_arm(p);
			continue;
		}
		*tail = last = arm;
		tail = &arm->next;
	}
}

/* assign = place "=" expr ;   place = ident | field ;
 * call   = postfix ;          (a call used as a statement) */
static struct tdm_scr_stmt *parse_simple(struct tdm_scr_parser *p)
{
	struct tdm_scr_expr *e = tdm_scr_parse_postfix(p);
	struct tdm_scr_stmt *s;

	if (!e)
		return NULL;
	if (at(p, TDM_SCR_T_ASSIGN)) {
		if (e->kind != TDM_SCR_E_NAME &&
		    !(e->kind == TDM_SCR_E_FIELD && e->u.field.path.len)) {
			tdm_scr_diag_error(p->d, &e->pos,
					   "cannot assign to this expression");
			return NULL;
		}
		if (!(s = stmt_new(p, TDM_SCR_S_ASSIGN, &e->pos)))
			return NULL;
		tdm_scr_parser_advance(p);
		s->u.assign.place = e;
		s->u.assign.value = tdm_scr_parse_expr(p);
		return s->u.assign.value ? s : NULL;
	}
	if (e->kind != TDM_SCR_E_CALL) {
		tdm_scr_diag_error(p->d, &e->pos, "a statement must be a call "
				   "or an assignment");
		return NULL;
	}
	if (!(s = stmt_new(p, TDM_SCR_S_CALL, &e->pos)))
		return NULL;
	s->u.call = e;
	return s;
}

/* stmt = ( let | assign | if | match | call | "exit" | "drop" | "return"
 *        | block ) end ;
 * Returns NULL after an error, having skipped past the statement. */
static struct tdm_scr_stmt *parse_stmt(struct tdm_scr_parser *p)
{
	struct tdm_scr_stmt *s = NULL;

	switch (p->tok.kind) {
	case TDM_SCR_T_LET:
		s = parse_let(p);
		break;
	case TDM_SCR_T_IF:
		s = parse_if(p);
		break;
	case TDM_SCR_T_MATCH:
		s = parse_match(p);
		break;
	case TDM_SCR_T_EXIT:
	case TDM_SCR_T_DROP:
	case TDM_SCR_T_RETURN:
		s = stmt_new(p, p->tok.kind == TDM_SCR_T_EXIT ? TDM_SCR_S_EXIT
				: p->tok.kind == TDM_SCR_T_DROP ? TDM_SCR_S_DROP
								: TDM_SCR_S_RETURN,
			     &p->tok.pos);
		tdm_scr_parser_advance(p);
		break;
	case TDM_SCR_T_LBRACE:
		s = parse_block(p);
		break;
	case TDM_SCR_T_IDENT:
	case TDM_SCR_T_ROUTE: /* route(name) */
		s = parse_simple(p);
		break;
	default:
		tdm_scr_parser_expected(p, "a statement");
		break;
	}
	if (!s) {
		sync_stmt(p);
		return NULL;
	}
	parse_end(p);
	return s;
}

/* ---- items --------------------------------------------------------------- */

/* { setting } "}" after the "{" ;
 * setting = ident "=" expr end ; */
static bool parse_settings(struct tdm_scr_parser *p,
			   struct tdm_scr_setting **first)
{
	struct tdm_scr_setting **tail = first;

	if (!tdm_scr_parser_expect(p, TDM_SCR_T_LBRACE))
		return false;
	for (;;) {
		struct tdm_scr_setting *s;

		skip_ends(p);
		if (at(p, TDM_SCR_T_RBRACE)) {
			tdm_scr_parser_advance(p);
			return true;
		}
		if (at(p, TDM_SCR_T_EOF) || give_up(p)) {
			tdm_scr_parser_expected(p, "'}'");
			return false;
		}
		if (!at(p, TDM_SCR_T_IDENT)) {
			tdm_scr_parser_expected(p, "a setting name");
			sync_stmt(p);
			continue;
		}
		if (!(s = zalloc(p, sizeof(*s))))
			return false;
		s->pos = p->tok.pos;
		s->name = tdm_scr_parser_dup(p, p->tok.text);
		tdm_scr_parser_advance(p);
		if (!tdm_scr_parser_expect(p, TDM_SCR_T_ASSIGN) ||
		    !(s->value = tdm_scr_parse_expr(p))) {
			sync_stmt(p);
			continue;
		}
		*tail = s;
		tail = &s->next;
		parse_end(p);
	}
}

/* The current string token's text when it has no "${}"; reports
 * otherwise. `what` names the string in the message. */
static bool plain_string(struct tdm_scr_parser *p, const char *what,
			 struct tdm_str *out)
{
	const struct tdm_scr_lpart *lp = p->tok.u.parts;

	if (!at(p, TDM_SCR_T_STRING)) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%s string", what);
		tdm_scr_parser_expected(p, buf);
		return false;
	}
	if (lp && (lp->is_expr || lp->next)) {
		tdm_scr_parser_error(p, &p->tok, "%s must be a plain string, "
				     "without '${...}'", what);
		return false;
	}
	*out = lp ? lp->text : TDM_STR("");
	tdm_scr_parser_advance(p);
	return true;
}

static struct tdm_scr_item *item_new(struct tdm_scr_parser *p,
				     enum tdm_scr_item_kind kind)
{
	struct tdm_scr_item *it = tdm_scr_item_new(p->a, kind, &p->tok.pos);

	if (!it)
		p->err = -ENOMEM;
	else
		tdm_scr_parser_advance(p);
	return it;
}

/* settings    = "settings" "{" { setting } "}" ;
 * transaction = "transaction" "{" { setting } "}" ; */
static struct tdm_scr_item *parse_settings_item(struct tdm_scr_parser *p)
{
	struct tdm_scr_item *it = item_new(p, at(p, TDM_SCR_T_SETTINGS)
						      ? TDM_SCR_I_SETTINGS
						      : TDM_SCR_I_TRANSACTION);

	if (!it || !parse_settings(p, &it->u.settings))
		return NULL;
	return it;
}

/* load = "load" string [ "{" { setting } "}" ] end ; */
static struct tdm_scr_item *parse_load(struct tdm_scr_parser *p)
{
	struct tdm_scr_item *it = item_new(p, TDM_SCR_I_LOAD);

	if (!it)
		return NULL;
	it->u.load.name_pos = p->tok.pos;
	if (!plain_string(p, "a module name", &it->u.load.name))
		return NULL;
	if (at(p, TDM_SCR_T_LBRACE)) {
		it->u.load.has_params = true;
		if (!parse_settings(p, &it->u.load.params))
			return NULL;
	}
	parse_end(p);
	return it;
}

/* route = "route" ident block ; */
static struct tdm_scr_item *parse_route(struct tdm_scr_parser *p)
{
	struct tdm_scr_item *it = item_new(p, TDM_SCR_I_ROUTE);

	if (!it)
		return NULL;
	if (!at(p, TDM_SCR_T_IDENT)) {
		tdm_scr_parser_expected(p, "a route name");
		return NULL;
	}
	it->u.route.name = tdm_scr_parser_dup(p, p->tok.text);
	it->u.route.name_pos = p->tok.pos;
	tdm_scr_parser_advance(p);
	it->u.route.body = parse_block(p);
	return it->u.route.body ? it : NULL;
}

/* include = "include" string end ; */
static struct tdm_scr_item *parse_include(struct tdm_scr_parser *p,
					  struct tdm_scr_item ***tail)
{
	struct tdm_scr_item *it = item_new(p, TDM_SCR_I_INCLUDE);
	struct tdm_scr_pos pos = p->tok.pos;

	if (!it || !plain_string(p, "a file name", &it->u.include.path))
		return NULL;
	parse_end(p);
	/* Linked before its file's items, which then follow it. */
	**tail = it;
	*tail = &it->next;
	tdm_scr_parse_include(p, it, &pos, tail);
	return it;
}

/* script = { item } ;
 * item   = settings | load | include | transaction | route ;
 * Appends at tail; returns the new tail. */
static struct tdm_scr_item **parse_items(struct tdm_scr_parser *p,
					 struct tdm_scr_item **tail)
{
	for (;;) {
		struct tdm_scr_item *it = NULL;

		skip_ends(p);
		if (at(p, TDM_SCR_T_EOF) || p->err || give_up(p))
			return tail;
		switch (p->tok.kind) {
		case TDM_SCR_T_SETTINGS:
		case TDM_SCR_T_TRANSACTION:
			it = parse_settings_item(p);
			break;
		case TDM_SCR_T_LOAD:
			it = parse_load(p);
			break;
		case TDM_SCR_T_ROUTE:
			it = parse_route(p);
			break;
		case TDM_SCR_T_INCLUDE:
			if (parse_include(p, &tail))
				continue;
			break;
		default:
			tdm_scr_parser_expected(p, "settings, load, include, "
						"transaction or route");
			break;
		}
		if (!it) {
			sync_item(p);
			continue;
		}
		*tail = it;
		tail = &it->next;
	}
}

int tdm_scr_parse_source(struct tdm_scr_parser *p, const char *name,
			const struct tdm_scr_src *src, char *real,
			struct tdm_scr_item ***tail)
{
	struct tdm_scr_incl incl = { name, real, p->incl,
				     p->incl ? p->incl->depth + 1 : 0 };
	struct tdm_scr_lexer saved_lx = p->lx;
	struct tdm_scr_tok saved_tok = p->tok;
	unsigned saved_depth = p->depth;

	p->incl = &incl;
	p->depth = 0;
	tdm_scr_lex_init(&p->lx, name, src->text, src->len, p->a, p->d);
	tdm_scr_parser_advance(p);
	*tail = parse_items(p, *tail);
	if (p->lx.nomem)
		p->err = -ENOMEM;
	p->incl = incl.up;
	p->lx = saved_lx;
	p->tok = saved_tok;
	p->depth = saved_depth;
	free(real);
	return p->err;
}

/* Parses src (already stored in d) as the main file. */
static int parse_main(const char *name, const struct tdm_scr_src *src,
		      char *real, struct tdm_scr_diag *d, struct tdm_arena *a,
		      struct tdm_scr_ast **out)
{
	struct tdm_scr_parser p;
	struct tdm_scr_ast *ast;
	struct tdm_scr_item **tail;
	struct tdm_str n = tdm_str_c(name);
	unsigned errors = d->errors;
	char *file;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.d = d;
	ast = tdm_arena_zalloc(a, sizeof(*ast));
	file = tdm_arena_strdup(a, &n);
	if (!ast || !file) {
		free(real);
		return -ENOMEM;
	}
	ast->file = file;
	tail = &ast->items;
	if (tdm_scr_parse_source(&p, file, src, real, &tail) || d->err)
		return -ENOMEM;
	*out = ast;
	return d->errors > errors || d->truncated ? -EBADMSG : 0;
}

int tdm_scr_parse_string(const char *name, const char *text, size_t len,
			 struct tdm_scr_diag *d, struct tdm_arena *a,
			 struct tdm_scr_ast **out)
{
	const struct tdm_scr_src *src;

	if (!name || (!text && len) || !d || !a || !out)
		return -EINVAL;
	src = tdm_scr_diag_add_source(d, name, text ? text : "", len);
	if (!src)
		return -ENOMEM;
	return parse_main(src->name, src, NULL, d, a, out);
}

int tdm_scr_parse_file(const char *path, struct tdm_scr_diag *d,
		       struct tdm_arena *a, struct tdm_scr_ast **out)
{
	const struct tdm_scr_src *src;
	struct tdm_scr_pos pos = { path, 0, 0 };
	char *text, *real;
	size_t len;
	int err;

	if (!path || !d || !a || !out)
		return -EINVAL;
	err = tdm_scr_read_file(path, &text, &len);
	if (err) {
		if (err != -ENOMEM)
			tdm_scr_diag_error(d, &pos, "cannot read: %s",
					   strerror(-err));
		return err;
	}
	src = tdm_scr_diag_adopt_source(d, path, text, len);
	if (!src)
		return -ENOMEM;
	real = realpath(path, NULL);
	return parse_main(src->name, src, real, d, a, out);
}
