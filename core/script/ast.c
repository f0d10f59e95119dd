/* SPDX-License-Identifier: GPL-2.0-or-later
 * Syntax-tree nodes: constructors and the s-expression dump used by the
 * unit tests and by `tandemd --dump-program`. Forms printed:
 *   expressions  5  -3  "text"  (str "to " request.uri.user)  /re/ixsm
 *                true  (list a b)  name  request.uri.user  (. (call f) x)
 *                (call reply 200 "OK")  (index a 0)  (! a)  (- a)  (== a b)
 *   statements   (let x v)  (= place v)  (if c THEN [ELSE])  (exit) (drop)
 *                (return)  (match s (arm ("a" /b/) BLOCK) (else BLOCK))
 *                (block STMT...)  a call statement prints as its call
 *   items        (settings (set name v)...)  (load "m" [(params (set...))])
 *                (include "f")  (transaction (set name v)...)
 *                (route name BLOCK)
 * Items, statements, settings and arms start a new line unless ONELINE. */
#include <errno.h>
#include "script/ast.h"
#include "script/lex.h"

struct tdm_scr_expr *tdm_scr_expr_new(struct tdm_arena *a,
				      enum tdm_scr_expr_kind kind,
				      const struct tdm_scr_pos *pos)
{
	struct tdm_scr_expr *e = tdm_arena_zalloc(a, sizeof(*e));

	if (e) {
		e->kind = kind;
		e->pos = *pos;
	}
	return e;
}

struct tdm_scr_stmt *tdm_scr_stmt_new(struct tdm_arena *a,
				      enum tdm_scr_stmt_kind kind,
				      const struct tdm_scr_pos *pos)
{
	struct tdm_scr_stmt *s = tdm_arena_zalloc(a, sizeof(*s));

	if (s) {
		s->kind = kind;
		s->pos = *pos;
	}
	return s;
}

struct tdm_scr_item *tdm_scr_item_new(struct tdm_arena *a,
				      enum tdm_scr_item_kind kind,
				      const struct tdm_scr_pos *pos)
{
	struct tdm_scr_item *it = tdm_arena_zalloc(a, sizeof(*it));

	if (it) {
		it->kind = kind;
		it->pos = *pos;
	}
	return it;
}

const char *tdm_scr_op_name(enum tdm_scr_op op)
{
	static const char *const names[] = {
		[TDM_SCR_OP_NOT] = "!",     [TDM_SCR_OP_NEG] = "-",
		[TDM_SCR_OP_OR] = "||",     [TDM_SCR_OP_AND] = "&&",
		[TDM_SCR_OP_EQ] = "==",     [TDM_SCR_OP_NE] = "!=",
		[TDM_SCR_OP_LT] = "<",      [TDM_SCR_OP_GT] = ">",
		[TDM_SCR_OP_LE] = "<=",     [TDM_SCR_OP_GE] = ">=",
		[TDM_SCR_OP_MATCH] = "=~",  [TDM_SCR_OP_NMATCH] = "!~",
		[TDM_SCR_OP_IN] = "in",     [TDM_SCR_OP_ADD] = "+",
		[TDM_SCR_OP_SUB] = "-",     [TDM_SCR_OP_MUL] = "*",
		[TDM_SCR_OP_DIV] = "/",     [TDM_SCR_OP_MOD] = "%",
	};

	return (unsigned)op < TDM_ARRAY_SIZE(names) ? names[op] : "?";
}

bool tdm_scr_expr_const_str(const struct tdm_scr_expr *e,
			    struct tdm_str *out)
{
	if (!e || e->kind != TDM_SCR_E_STR || e->u.str.interpolated)
		return false;
	*out = e->u.str.parts ? e->u.str.parts->text : TDM_STR("");
	return true;
}

/* ---- dump ------------------------------------------------------------- */

struct dumper {
	struct tdm_buf *out;
	unsigned flags;
	unsigned indent;
};

static void put(struct dumper *d, const char *s)
{
	tdm_buf_append_c(d->out, s);
}

static void put_pos(struct dumper *d, const struct tdm_scr_pos *p)
{
	if (d->flags & TDM_SCR_DUMP_POS)
		tdm_buf_printf(d->out, "@%u:%u", (unsigned)p->line,
			       (unsigned)p->col);
}

/* "(name" with the position when asked. */
static void head(struct dumper *d, const char *name,
		 const struct tdm_scr_pos *p)
{
	put(d, "(");
	put(d, name);
	put_pos(d, p);
}

/* Before a child that gets its own line. */
static void child_break(struct dumper *d)
{
	if (d->flags & TDM_SCR_DUMP_ONELINE) {
		put(d, " ");
		return;
	}
	put(d, "\n");
	for (unsigned i = 0; i < d->indent; i++)
		put(d, "  ");
}

static void quoted(struct dumper *d, const struct tdm_str *s)
{
	put(d, "\"");
	for (size_t i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->s[i];

		if (c == '"' || c == '\\' || c == '$')
			tdm_buf_printf(d->out, "\\%c", c);
		else if (c == '\n')
			put(d, "\\n");
		else if (c == '\r')
			put(d, "\\r");
		else if (c == '\t')
			put(d, "\\t");
		else if (c < 0x20 || c == 0x7f)
			tdm_buf_printf(d->out, "\\x%02x", c);
		else
			tdm_buf_append_ch(d->out, (char)c);
	}
	put(d, "\"");
}

static void dump_expr(struct dumper *d, const struct tdm_scr_expr *e);

static void dump_str(struct dumper *d, const struct tdm_scr_expr *e)
{
	if (!e->u.str.interpolated) {
		struct tdm_str s;

		tdm_scr_expr_const_str(e, &s);
		quoted(d, &s);
		put_pos(d, &e->pos);
		return;
	}
	head(d, "str", &e->pos);
	for (const struct tdm_scr_spart *p = e->u.str.parts; p; p = p->next) {
		put(d, " ");
		if (p->expr)
			dump_expr(d, p->expr);
		else
			quoted(d, &p->text);
	}
	put(d, ")");
}

static void dump_regex(struct dumper *d, const struct tdm_scr_expr *e)
{
	unsigned f = e->u.re.flags;

	tdm_buf_printf(d->out, "/%.*s/%s%s%s%s", TDM_STR_FMT(&e->u.re.pattern),
		       f & TDM_SCR_RE_I ? "i" : "", f & TDM_SCR_RE_X ? "x" : "",
		       f & TDM_SCR_RE_S ? "s" : "", f & TDM_SCR_RE_M ? "m" : "");
	put_pos(d, &e->pos);
}

static void dump_args(struct dumper *d, const struct tdm_scr_expr *e)
{
	for (; e; e = e->next) {
		put(d, " ");
		dump_expr(d, e);
	}
}

static void dump_expr(struct dumper *d, const struct tdm_scr_expr *e)
{
	if (!e) {
		put(d, "?");
		return;
	}
	switch (e->kind) {
	case TDM_SCR_E_INT:
		tdm_buf_printf(d->out, "%lld", (long long)e->u.i);
		put_pos(d, &e->pos);
		return;
	case TDM_SCR_E_BOOL:
		put(d, e->u.b ? "true" : "false");
		put_pos(d, &e->pos);
		return;
	case TDM_SCR_E_STR:
		dump_str(d, e);
		return;
	case TDM_SCR_E_REGEX:
		dump_regex(d, e);
		return;
	case TDM_SCR_E_NAME:
		tdm_buf_append_str(d->out, &e->u.name);
		put_pos(d, &e->pos);
		return;
	case TDM_SCR_E_FIELD:
		if (e->u.field.path.len) {
			tdm_buf_append_str(d->out, &e->u.field.path);
			put_pos(d, &e->pos);
			return;
		}
		head(d, ".", &e->pos);
		put(d, " ");
		dump_expr(d, e->u.field.obj);
		put(d, " ");
		tdm_buf_append_str(d->out, &e->u.field.name);
		break;
	case TDM_SCR_E_LIST:
		head(d, "list", &e->pos);
		dump_args(d, e->u.list.first);
		break;
	case TDM_SCR_E_CALL:
		head(d, "call", &e->pos);
		put(d, " ");
		tdm_buf_append_str(d->out, &e->u.call.callee);
		dump_args(d, e->u.call.args);
		break;
	case TDM_SCR_E_INDEX:
		head(d, "index", &e->pos);
		put(d, " ");
		dump_expr(d, e->u.index.obj);
		put(d, " ");
		dump_expr(d, e->u.index.index);
		break;
	case TDM_SCR_E_UNARY:
		head(d, tdm_scr_op_name(e->u.unary.op), &e->pos);
		put(d, " ");
		dump_expr(d, e->u.unary.operand);
		break;
	case TDM_SCR_E_BINARY:
		head(d, tdm_scr_op_name(e->u.binary.op), &e->pos);
		put(d, " ");
		dump_expr(d, e->u.binary.lhs);
		put(d, " ");
		dump_expr(d, e->u.binary.rhs);
		break;
	}
	put(d, ")");
}

static void dump_stmt(struct dumper *d, const struct tdm_scr_stmt *s);

/* A statement as a child: on its own line, one level deeper. */
static void child_stmt(struct dumper *d, const struct tdm_scr_stmt *s)
{
	d->indent++;
	child_break(d);
	dump_stmt(d, s);
	d->indent--;
}

static void dump_arm(struct dumper *d, const struct tdm_scr_arm *arm)
{
	if (arm->is_else) {
		head(d, "else", &arm->pos);
	} else {
		head(d, "arm", &arm->pos);
		put(d, " (");
		for (const struct tdm_scr_expr *p = arm->patterns; p;
		     p = p->next) {
			dump_expr(d, p);
			if (p->next)
				put(d, " ");
		}
		put(d, ")");
	}
	child_stmt(d, arm->body);
	put(d, ")");
}

static void dump_stmt(struct dumper *d, const struct tdm_scr_stmt *s)
{
	static const char *const simple[] = {
		[TDM_SCR_S_EXIT] = "exit",
		[TDM_SCR_S_DROP] = "drop",
		[TDM_SCR_S_RETURN] = "return",
	};

	if (!s) {
		put(d, "?");
		return;
	}
	switch (s->kind) {
	case TDM_SCR_S_LET:
		head(d, "let", &s->pos);
		put(d, " ");
		tdm_buf_append_str(d->out, &s->u.let.name);
		put(d, " ");
		dump_expr(d, s->u.let.value);
		break;
	case TDM_SCR_S_ASSIGN:
		head(d, "=", &s->pos);
		put(d, " ");
		dump_expr(d, s->u.assign.place);
		put(d, " ");
		dump_expr(d, s->u.assign.value);
		break;
	case TDM_SCR_S_IF:
		head(d, "if", &s->pos);
		put(d, " ");
		dump_expr(d, s->u.if_.cond);
		child_stmt(d, s->u.if_.then);
		if (s->u.if_.els)
			child_stmt(d, s->u.if_.els);
		break;
	case TDM_SCR_S_MATCH:
		head(d, "match", &s->pos);
		put(d, " ");
		dump_expr(d, s->u.match.subject);
		d->indent++;
		for (const struct tdm_scr_arm *a = s->u.match.arms; a;
		     a = a->next) {
			child_break(d);
			dump_arm(d, a);
		}
		d->indent--;
		break;
	case TDM_SCR_S_CALL:
		dump_expr(d, s->u.call);
		return;
	case TDM_SCR_S_EXIT:
	case TDM_SCR_S_DROP:
	case TDM_SCR_S_RETURN:
		head(d, simple[s->kind], &s->pos);
		break;
	case TDM_SCR_S_BLOCK:
		head(d, "block", &s->pos);
		for (const struct tdm_scr_stmt *c = s->u.block.first; c;
		     c = c->next)
			child_stmt(d, c);
		break;
	}
	put(d, ")");
}

static void dump_settings(struct dumper *d, const struct tdm_scr_setting *s)
{
	d->indent++;
	for (; s; s = s->next) {
		child_break(d);
		head(d, "set", &s->pos);
		put(d, " ");
		tdm_buf_append_str(d->out, &s->name);
		put(d, " ");
		dump_expr(d, s->value);
		put(d, ")");
	}
	d->indent--;
}

static void dump_item(struct dumper *d, const struct tdm_scr_item *it)
{
	switch (it->kind) {
	case TDM_SCR_I_SETTINGS:
	case TDM_SCR_I_TRANSACTION:
		head(d, it->kind == TDM_SCR_I_SETTINGS ? "settings"
						       : "transaction",
		     &it->pos);
		dump_settings(d, it->u.settings);
		break;
	case TDM_SCR_I_LOAD:
		head(d, "load", &it->pos);
		put(d, " ");
		quoted(d, &it->u.load.name);
		if (it->u.load.has_params) {
			d->indent++;
			child_break(d);
			put(d, "(params");
			dump_settings(d, it->u.load.params);
			put(d, ")");
			d->indent--;
		}
		break;
	case TDM_SCR_I_INCLUDE:
		head(d, "include", &it->pos);
		put(d, " ");
		quoted(d, &it->u.include.path);
		break;
	case TDM_SCR_I_ROUTE:
		head(d, "route", &it->pos);
		put(d, " ");
		tdm_buf_append_str(d->out, &it->u.route.name);
		child_stmt(d, it->u.route.body);
		break;
	}
	put(d, ")");
}

int tdm_scr_ast_dump(const struct tdm_scr_ast *ast, unsigned flags,
		     struct tdm_buf *out)
{
	struct dumper d = { out, flags, 1 };

	put(&d, "(script");
	for (const struct tdm_scr_item *it = ast ? ast->items : NULL; it;
	     it = it->next) {
		child_break(&d);
		dump_item(&d, it);
	}
	put(&d, ")");
	if (!(flags & TDM_SCR_DUMP_ONELINE))
		put(&d, "\n");
	return out->err;
}

int tdm_scr_stmt_dump(const struct tdm_scr_stmt *s, unsigned flags,
		      struct tdm_buf *out)
{
	struct dumper d = { out, flags, 0 };

	dump_stmt(&d, s);
	return out->err;
}

int tdm_scr_expr_dump(const struct tdm_scr_expr *e, unsigned flags,
		      struct tdm_buf *out)
{
	struct dumper d = { out, flags, 0 };

	dump_expr(&d, e);
	return out->err;
}
