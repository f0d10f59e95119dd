/* SPDX-License-Identifier: GPL-2.0-or-later
 * Compiling expressions: names resolved to local slots, fields to their
 * table rows, calls to built-ins, module functions or named routes, regex
 * literals compiled with PCRE2, every operand type checked. An error is
 * reported once and the expression typed TDM_T_ANY so that what uses it
 * stays quiet. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "script/compile.h"
#include "script/lex.h"
#include "module/mod.h"

#define ERR(c, pos, ...) tdm_scr_diag_error((c)->d, (pos), __VA_ARGS__)

/* A constant node; a string is copied into the program. */
static struct tdm_scr_node *konst(struct comp *c, const struct tdm_scr_pos *pos,
				  struct tdm_value v)
{
	struct tdm_scr_node *n = comp_node(c, tdm_scr_vm_const, "const", pos);

	if (v.type == TDM_T_STR)
		v.u.s = comp_str(c, &v.u.s);
	if (n)
		n->u.k = v;
	return n;
}

/* The node standing in for an expression that had an error. */
static struct tdm_scr_node *broken(struct comp *c, const struct tdm_scr_pos *pos,
				   enum tdm_type *type)
{
	*type = TDM_T_ANY;
	return konst(c, pos, (struct tdm_value){ .type = TDM_T_VOID });
}

static struct comp_local *find_local(struct comp *c, const struct tdm_str *name)
{
	for (struct comp_scope *s = c->scope; s; s = s->up)
		for (unsigned i = s->n; i-- > 0;)
			if (tdm_str_eq(&s->vars[i].name, name))
				return &s->vars[i];
	return NULL;
}

static struct tdm_scr_node *field_node(struct comp *c, const struct tdm_scr_expr *e,
				       const struct tdm_scr_field *f,
				       enum tdm_type *type);

/* A local variable, or a one-word field (call_id, cseq, body). */
static struct tdm_scr_node *c_name(struct comp *c, const struct tdm_scr_expr *e,
				   enum tdm_type *type)
{
	struct comp_local *l = find_local(c, &e->u.name);
	struct tdm_scr_node *n;

	if (!l) {
		const struct tdm_scr_field *f = tdm_scr_field_find(e->u.name.s,
								   e->u.name.len);
		if (f)
			return field_node(c, e, f, type);
		ERR(c, &e->pos, "unknown name '%.*s'", TDM_STR_FMT(&e->u.name));
		return broken(c, &e->pos, type);
	}
	l->used = true;
	n = comp_node(c, tdm_scr_vm_local, "local", &e->pos);
	if (n)
		n->u.slot = l->slot;
	*type = l->type;
	return n;
}

/* txn.name: a variable of the transaction { } block. */
static int find_txn(struct comp *c, const struct tdm_str *name)
{
	for (unsigned i = 0; i < c->p->ntxn; i++)
		if (tdm_str_eq(&c->p->txn[i].name, name))
			return (int)i;
	return -1;
}

static struct tdm_scr_node *c_field(struct comp *c, const struct tdm_scr_expr *e,
				    enum tdm_type *type)
{
	const struct tdm_str *path = &e->u.field.path;
	const struct tdm_scr_field *f;
	struct tdm_scr_node *n;

	if (!path->len) {
		ERR(c, &e->pos, "'.%.*s' can only follow a message name such as request or from",
		    TDM_STR_FMT(&e->u.field.name));
		return broken(c, &e->pos, type);
	}
	if (path->len > 4 && !memcmp(path->s, "txn.", 4)) {
		struct tdm_str v = { path->s + 4, path->len - 4 };
		int i = find_txn(c, &v);
		if (i < 0) {
			ERR(c, &e->pos, "unknown transaction variable '%.*s' (declare it in transaction { })",
			    TDM_STR_FMT(&v));
			return broken(c, &e->pos, type);
		}
		n = comp_node(c, tdm_scr_vm_txn, "txn", &e->pos);
		if (n)
			n->u.slot = (unsigned)i;
		*type = c->p->txn[i].def.type;
		return n;
	}
	f = tdm_scr_field_find(path->s, path->len);
	if (!f) {
		ERR(c, &e->pos, "unknown field '%.*s'", TDM_STR_FMT(path));
		return broken(c, &e->pos, type);
	}
	return field_node(c, e, f, type);
}

/* A field read, checked against the route types it may run in. */
static struct tdm_scr_node *field_node(struct comp *c, const struct tdm_scr_expr *e,
				       const struct tdm_scr_field *f,
				       enum tdm_type *type)
{
	struct tdm_scr_node *n;

	if (c->mask && (f->read_routes & c->mask) != c->mask) {
		ERR(c, &e->pos, "%s is not available in a %s route", f->name,
		    comp_missing_route(f->read_routes, c->mask));
		return broken(c, &e->pos, type);
	}
	n = comp_node(c, tdm_scr_vm_field, f->name, &e->pos);
	if (n)
		n->u.field = f;
	*type = f->type;
	return n;
}

/* "text ${expr}": constant strings become one constant. */
static struct tdm_scr_node *c_str(struct comp *c, const struct tdm_scr_expr *e,
				  enum tdm_type *type)
{
	struct tdm_scr_node *n, **tail;
	struct tdm_str s;

	*type = TDM_T_STR;
	if (tdm_scr_expr_const_str(e, &s))
		return konst(c, &e->pos, (struct tdm_value){ .type = TDM_T_STR, .u.s = s });
	n = comp_node(c, tdm_scr_vm_interp, "interp", &e->pos);
	if (!n)
		return NULL;
	tail = (struct tdm_scr_node **)&n->a;
	for (const struct tdm_scr_spart *p = e->u.str.parts; p; p = p->next) {
		struct tdm_scr_node *part;
		if (++n->nargs > TDM_SCR_INTERP_PARTS) {
			ERR(c, &p->pos, "too many pieces in one string (at most %d texts and ${...})",
			    TDM_SCR_INTERP_PARTS);
			return broken(c, &e->pos, type);
		}
		enum tdm_type t = TDM_T_STR;
		if (p->expr) {
			part = comp_expr(c, p->expr, &t);
			if (t == TDM_T_VOID || t == TDM_T_REGEX)
				ERR(c, &p->pos, "${...} needs a value; this is %s",
				    tdm_type_name(t));
		} else {
			part = konst(c, &p->pos, (struct tdm_value){
					.type = TDM_T_STR, .u.s = p->text });
		}
		if (!part)
			return NULL;
		*tail = part;
		tail = (struct tdm_scr_node **)&part->next;
	}
	return n;
}

static struct tdm_scr_node *c_list(struct comp *c, const struct tdm_scr_expr *e,
				   enum tdm_type *type)
{
	struct tdm_value *items = tdm_arena_zalloc(c->a, (e->u.list.count + 1) *
						   sizeof(*items));
	struct tdm_scr_node *n = comp_node(c, tdm_scr_vm_list, "list", &e->pos);
	struct tdm_scr_node **tail;
	enum tdm_type elem = TDM_T_VOID;
	bool all_const = true;
	unsigned i = 0;

	if (!items || !n)
		return NULL;
	tail = (struct tdm_scr_node **)&n->a;
	for (const struct tdm_scr_expr *it = e->u.list.first; it; it = it->next, i++) {
		enum tdm_type t;
		struct tdm_scr_node *x = comp_expr(c, it, &t);
		if (!x)
			return NULL;
		if (t != TDM_T_STR && t != TDM_T_INT && t != TDM_T_ANY)
			ERR(c, &it->pos, "list items must be str or int, not %s",
			    tdm_type_name(t));
		else if (elem != TDM_T_VOID && t != elem && t != TDM_T_ANY)
			ERR(c, &it->pos, "list mixes %s and %s", tdm_type_name(elem),
			    tdm_type_name(t));
		else if (elem == TDM_T_VOID && t != TDM_T_ANY)
			elem = t;
		if (x->fn == tdm_scr_vm_const)
			items[i] = x->u.k;
		else
			all_const = false;
		*tail = x;
		tail = (struct tdm_scr_node **)&x->next;
	}
	n->nargs = i;
	*type = TDM_T_LIST;
	if (all_const)
		return konst(c, &e->pos, (struct tdm_value){
			.type = TDM_T_LIST, .u.list = { i, items } });
	return n;
}

/* Compiles a regex literal; a PCRE2 error points at its column. */
static const struct tdm_regex *c_regex(struct comp *c, const struct tdm_scr_expr *e)
{
	struct tdm_regex *re;
	char msg[256];
	uint32_t off = 0;

	if (tdm_scr_regex_compile(&e->u.re.pattern, e->u.re.flags, &re, msg,
				  sizeof(msg), &off)) {
		struct tdm_scr_pos at = e->pos;
		at.col += 1 + off; /* after the opening '/' */
		ERR(c, &at, "invalid regex: %s", msg);
		return NULL;
	}
	if (c->p->nregexes == c->p->regexes_cap) {
		unsigned cap = c->p->regexes_cap ? 2 * c->p->regexes_cap : 8;
		struct tdm_regex **v = tdm_arena_alloc(c->a, cap * sizeof(*v));
		if (!v) {
			tdm_scr_regex_free(re);
			return NULL;
		}
		if (c->p->nregexes)
			memcpy(v, c->p->regexes, c->p->nregexes * sizeof(*v));
		c->p->regexes = v;
		c->p->regexes_cap = cap;
	}
	c->p->regexes[c->p->nregexes++] = re;
	return re;
}

struct tdm_scr_node *comp_regex_pattern(struct comp *c, const struct tdm_scr_expr *e);
struct tdm_scr_node *comp_regex_pattern(struct comp *c, const struct tdm_scr_expr *e)
{
	const struct tdm_regex *re = c_regex(c, e);
	struct tdm_scr_node *n = comp_node(c, tdm_scr_vm_const, "regex", &e->pos);

	if (n) {
		n->u.re = re;
		n->op_kind = 1;
	}
	return n;
}

static const char *op(enum tdm_scr_op o)
{
	return tdm_scr_op_name(o);
}

static struct tdm_scr_node *c_unary(struct comp *c, const struct tdm_scr_expr *e,
				    enum tdm_type *type)
{
	enum tdm_type t;
	struct tdm_scr_node *a = comp_expr(c, e->u.unary.operand, &t);
	bool not = e->u.unary.op == TDM_SCR_OP_NOT;
	struct tdm_scr_node *n;

	if (!a)
		return NULL;
	*type = not ? TDM_T_BOOL : TDM_T_INT;
	if (t != TDM_T_ANY && t != *type) {
		ERR(c, &e->pos, "'%s' needs %s, got %s", op(e->u.unary.op),
		    tdm_type_name(*type), tdm_type_name(t));
		return broken(c, &e->pos, type);
	}
	n = comp_node(c, not ? tdm_scr_vm_not : tdm_scr_vm_neg, op(e->u.unary.op),
		      &e->pos);
	if (n)
		n->a = a;
	return n;
}

/* =~ and !~: the right side must be a regex literal, compiled now. */
static struct tdm_scr_node *c_match(struct comp *c, const struct tdm_scr_expr *e,
				    struct tdm_scr_node *lhs, enum tdm_type lt,
				    enum tdm_type *type)
{
	const struct tdm_scr_expr *rhs = e->u.binary.rhs;
	struct tdm_scr_node *n;

	*type = TDM_T_BOOL;
	if (rhs->kind != TDM_SCR_E_REGEX) {
		ERR(c, &rhs->pos, "the right side of '%s' must be a regex literal such as /^abc/",
		    op(e->u.binary.op));
		return broken(c, &e->pos, type);
	}
	if (lt != TDM_T_STR && lt != TDM_T_ANY)
		ERR(c, &e->pos, "'%s' matches a str, not %s", op(e->u.binary.op),
		    tdm_type_name(lt));
	n = comp_node(c, tdm_scr_vm_match, op(e->u.binary.op), &e->pos);
	if (!n)
		return NULL;
	n->a = lhs;
	n->u.re = c_regex(c, rhs);
	n->op_kind = e->u.binary.op;
	if (!n->u.re)
		return broken(c, &e->pos, type);
	return n;
}

/* The operand type rules of the binary operators; returns the node
 * function and sets *type, or NULL after reporting a mismatch. */
static tdm_scr_node_fn *binary_rule(struct comp *c, const struct tdm_scr_expr *e,
				    enum tdm_type lt, enum tdm_type rt,
				    enum tdm_type *type)
{
	enum tdm_scr_op o = e->u.binary.op;

	switch (o) {
	case TDM_SCR_OP_OR:
	case TDM_SCR_OP_AND:
		*type = TDM_T_BOOL;
		if ((lt == TDM_T_BOOL || lt == TDM_T_ANY) && (rt == TDM_T_BOOL || rt == TDM_T_ANY))
			return o == TDM_SCR_OP_OR ? tdm_scr_vm_or : tdm_scr_vm_and;
		ERR(c, &e->pos, "'%s' needs bool operands, got %s and %s", op(o),
		    tdm_type_name(lt), tdm_type_name(rt));
		return NULL;
	case TDM_SCR_OP_EQ: case TDM_SCR_OP_NE: case TDM_SCR_OP_LT:
	case TDM_SCR_OP_GT: case TDM_SCR_OP_LE: case TDM_SCR_OP_GE:
		*type = TDM_T_BOOL;
		if (lt == TDM_T_ANY || rt == TDM_T_ANY)
			return tdm_scr_vm_cmp;
		if (lt != rt) {
			ERR(c, &e->pos, "cannot compare %s with %s", tdm_type_name(lt),
			    tdm_type_name(rt));
			return NULL;
		}
		if (lt == TDM_T_INT || lt == TDM_T_STR ||
		    (lt == TDM_T_BOOL && (o == TDM_SCR_OP_EQ || o == TDM_SCR_OP_NE)))
			return tdm_scr_vm_cmp;
		ERR(c, &e->pos, "'%s' cannot compare %s values", op(o), tdm_type_name(lt));
		return NULL;
	case TDM_SCR_OP_IN:
		*type = TDM_T_BOOL;
		if (rt != TDM_T_LIST && rt != TDM_T_ANY) {
			ERR(c, &e->pos, "the right side of 'in' must be a list, got %s",
			    tdm_type_name(rt));
			return NULL;
		}
		return tdm_scr_vm_in;
	case TDM_SCR_OP_ADD:
		*type = lt == TDM_T_STR ? TDM_T_STR : TDM_T_INT;
		if (lt == TDM_T_ANY || rt == TDM_T_ANY)
			return lt == TDM_T_STR || rt == TDM_T_STR ? tdm_scr_vm_concat
								  : tdm_scr_vm_arith;
		if (lt == rt && lt == TDM_T_STR)
			return tdm_scr_vm_concat;
		if (lt == rt && lt == TDM_T_INT)
			return tdm_scr_vm_arith;
		ERR(c, &e->pos, "cannot add %s and %s (use \"${...}\" or str())",
		    tdm_type_name(lt), tdm_type_name(rt));
		return NULL;
	default: /* - * / % */
		*type = TDM_T_INT;
		if ((lt == TDM_T_INT || lt == TDM_T_ANY) && (rt == TDM_T_INT || rt == TDM_T_ANY))
			return tdm_scr_vm_arith;
		ERR(c, &e->pos, "'%s' needs int operands, got %s and %s", op(o),
		    tdm_type_name(lt), tdm_type_name(rt));
		return NULL;
	}
}

static struct tdm_scr_node *c_binary(struct comp *c, const struct tdm_scr_expr *e,
				     enum tdm_type *type)
{
	enum tdm_type lt, rt;
	struct tdm_scr_node *l = comp_expr(c, e->u.binary.lhs, &lt), *r, *n;
	enum tdm_scr_op o = e->u.binary.op;
	tdm_scr_node_fn *fn;

	if (!l)
		return NULL;
	if (o == TDM_SCR_OP_MATCH || o == TDM_SCR_OP_NMATCH)
		return c_match(c, e, l, lt, type);
	r = comp_expr(c, e->u.binary.rhs, &rt);
	if (!r)
		return NULL;
	fn = binary_rule(c, e, lt, rt, type);
	if (!fn)
		return broken(c, &e->pos, type);
	n = comp_node(c, fn, op(o), &e->pos);
	if (n) {
		n->a = l;
		n->b = r;
		n->op_kind = o;
	}
	return n;
}

/* ---- calls --------------------------------------------------------------- */

/* Arity and argument types against a descriptor's rows. */
static bool check_args(struct comp *c, const struct tdm_scr_expr *e,
		       const char *name, const struct tdm_fn_arg *args,
		       unsigned nargs, struct tdm_scr_node **nodes,
		       enum tdm_type *types)
{
	unsigned min = 0, i = 0;
	bool ok = true;

	while (min < nargs && !(args[min].flags & TDM_ARG_OPTIONAL))
		min++;
	if (e->u.call.nargs < min || e->u.call.nargs > nargs) {
		if (min == nargs)
			ERR(c, &e->pos, "%s() takes %u argument%s, got %u", name, nargs,
			    nargs == 1 ? "" : "s", e->u.call.nargs);
		else
			ERR(c, &e->pos, "%s() takes %u to %u arguments, got %u", name,
			    min, nargs, e->u.call.nargs);
		return false;
	}
	for (const struct tdm_scr_expr *a = e->u.call.args; a; a = a->next, i++) {
		enum tdm_type want = args[i].type, got = types[i];
		if (got != TDM_T_ANY && want != TDM_T_ANY && got != want) {
			ERR(c, &a->pos, "argument %u (%s) of %s() must be %s, got %s",
			    i + 1, args[i].name, name, tdm_type_name(want),
			    tdm_type_name(got));
			ok = false;
		} else if (want == TDM_T_ANY && (got == TDM_T_VOID || got == TDM_T_REGEX)) {
			ERR(c, &a->pos, "argument %u of %s() needs a value", i + 1, name);
			ok = false;
		}
		if ((args[i].flags & TDM_ARG_CONST) && nodes[i]->fn != tdm_scr_vm_const) {
			ERR(c, &a->pos, "argument %u (%s) of %s() must be a constant",
			    i + 1, args[i].name, name);
			ok = false;
		}
	}
	return ok;
}

/* Compiles the arguments; log()'s level may be written as a bare word. */
static bool c_args(struct comp *c, const struct tdm_scr_expr *e, bool log_call,
		   struct tdm_scr_node **nodes, enum tdm_type *types)
{
	unsigned i = 0;

	for (const struct tdm_scr_expr *a = e->u.call.args; a; a = a->next, i++) {
		if (i >= TDM_SCR_MAX_ARGS) {
			ERR(c, &a->pos, "too many arguments");
			return false;
		}
		if (log_call && i == 0 && a->kind == TDM_SCR_E_NAME &&
		    !find_local(c, &a->u.name)) {
			if (tdm_scr_log_level(&a->u.name) < 0)
				ERR(c, &a->pos, "unknown log level '%.*s' (error, warn, notice, info, debug)",
				    TDM_STR_FMT(&a->u.name));
			nodes[i] = konst(c, &a->pos, (struct tdm_value){
					.type = TDM_T_STR, .u.s = a->u.name });
			types[i] = TDM_T_STR;
		} else {
			nodes[i] = comp_expr(c, a, &types[i]);
		}
		if (!nodes[i])
			return false;
	}
	return true;
}

static void link_args(struct tdm_scr_node *n, struct tdm_scr_node **nodes,
		      unsigned count)
{
	for (unsigned i = 0; i + 1 < count; i++)
		nodes[i]->next = nodes[i + 1];
	n->a = count ? nodes[0] : NULL;
	n->nargs = count;
}

static bool route_ok(struct comp *c, const struct tdm_scr_expr *e,
		     const char *name, unsigned allowed)
{
	if (!c->mask || (allowed & c->mask) == c->mask)
		return true;
	ERR(c, &e->pos, "%s() is not allowed in a %s route", name,
	    comp_missing_route(allowed, c->mask));
	return false;
}

static struct tdm_scr_node *c_route_call(struct comp *c, const struct tdm_scr_expr *e,
					 enum tdm_type *type)
{
	const struct tdm_scr_expr *a = e->u.call.args;
	struct tdm_scr_route *r;
	struct tdm_scr_node *n;

	*type = TDM_T_VOID;
	if (e->u.call.nargs != 1 || a->kind != TDM_SCR_E_NAME) {
		ERR(c, &e->pos, "route() takes the name of a route: route(name)");
		return broken(c, &e->pos, type);
	}
	r = comp_find_route(c, &a->u.name);
	if (!r || r->mask == (unsigned)-1) {
		ERR(c, &a->pos, "unknown route '%.*s'", TDM_STR_FMT(&a->u.name));
		return broken(c, &e->pos, type);
	}
	n = comp_node(c, tdm_scr_vm_call_route, "route", &e->pos);
	if (n)
		n->u.route = r;
	return n;
}

static struct tdm_scr_node *c_builtin(struct comp *c, const struct tdm_scr_expr *e,
				      const struct tdm_scr_builtin *b,
				      enum tdm_type *type)
{
	struct tdm_scr_node *nodes[TDM_SCR_MAX_ARGS];
	enum tdm_type types[TDM_SCR_MAX_ARGS];
	struct tdm_scr_node *n;

	*type = b->ret;
	if (!c_args(c, e, !strcmp(b->name, "log"), nodes, types))
		return broken(c, &e->pos, type);
	if (!check_args(c, e, b->name, b->args, b->nargs, nodes, types) ||
	    !route_ok(c, e, b->name, b->routes))
		return broken(c, &e->pos, type);
	n = comp_node(c, tdm_scr_vm_builtin, b->name, &e->pos);
	if (!n)
		return NULL;
	n->u.bi = b;
	link_args(n, nodes, e->u.call.nargs);
	if (!strcmp(b->name, "log") && nodes[0]->fn == tdm_scr_vm_const) {
		n->fn = tdm_scr_vm_log;
		n->op_kind = tdm_scr_log_level(&nodes[0]->u.k.u.s);
	}
	return n;
}

/* capture(n): group n of the last =~ match. */
static struct tdm_scr_node *c_capture(struct comp *c, const struct tdm_scr_expr *e,
				      enum tdm_type *type)
{
	static const struct tdm_fn_arg arg[] = { { "n", TDM_T_INT, 0 } };
	struct tdm_scr_node *nodes[TDM_SCR_MAX_ARGS], *n;
	enum tdm_type types[TDM_SCR_MAX_ARGS];

	*type = TDM_T_STR;
	if (!c_args(c, e, false, nodes, types))
		return broken(c, &e->pos, type);
	if (!check_args(c, e, "capture", arg, 1, nodes, types))
		return broken(c, &e->pos, type);
	n = comp_node(c, tdm_scr_vm_capture, "capture", &e->pos);
	if (n)
		n->a = nodes[0];
	return n;
}

/* Runs the function's prepare hook over this call site's constants. */
static int prepare(struct comp *c, const struct tdm_scr_expr *e,
		   const struct tdm_fn_def *fn, struct tdm_scr_node **nodes,
		   struct tdm_scr_prep **out)
{
	struct tdm_value *consts;
	struct tdm_scr_prep *p;
	char err[512] = "";
	unsigned i;

	*out = NULL;
	if (!fn->prepare && !fn->nargs)
		return 0;
	consts = tdm_arena_zalloc(c->a, (fn->nargs + 1) * sizeof(*consts));
	p = tdm_arena_zalloc(c->a, sizeof(*p));
	if (!consts || !p)
		return -ENOMEM;
	for (i = 0; i < e->u.call.nargs; i++)
		if (nodes[i]->fn == tdm_scr_vm_const)
			consts[i] = nodes[i]->u.k;
	tdm_scr_prep_init(p, fn, consts, fn->nargs, NULL, NULL, err, sizeof(err));
	if (tdm_scr_prep_run(p)) {
		ERR(c, &e->pos, "%s", err[0] ? err : "invalid arguments");
		tdm_scr_prep_release(p);
		return -EINVAL;
	}
	if (c->p->npreps == c->p->preps_cap) {
		unsigned cap = c->p->preps_cap ? 2 * c->p->preps_cap : 8;
		struct tdm_scr_prep **v = tdm_arena_alloc(c->a, cap * sizeof(*v));
		if (!v) {
			tdm_scr_prep_release(p);
			return -ENOMEM;
		}
		if (c->p->npreps)
			memcpy(v, c->p->preps, c->p->npreps * sizeof(*v));
		c->p->preps = v;
		c->p->preps_cap = cap;
	}
	c->p->preps[c->p->npreps++] = p;
	*out = p;
	return 0;
}

static struct tdm_scr_node *c_modcall(struct comp *c, const struct tdm_scr_expr *e,
				      enum tdm_type *type)
{
	const struct tdm_str *q = &e->u.call.callee;
	struct tdm_scr_node *nodes[TDM_SCR_MAX_ARGS], *n;
	enum tdm_type types[TDM_SCR_MAX_ARGS];
	const struct tdm_fn_def *fn;
	struct tdm_mod *mod = NULL;
	long dot = tdm_str_chr(q, '.');
	struct tdm_str mname = { q->s, (size_t)dot };
	char name[128];

	*type = TDM_T_ANY;
	fn = tdm_mod_find_fn(q, &mod);
	if (!fn) {
		if (!tdm_mod_find(&mname))
			ERR(c, &e->pos, "unknown module '%.*s' (load it first: load \"%.*s\")",
			    TDM_STR_FMT(&mname), TDM_STR_FMT(&mname));
		else
			ERR(c, &e->pos, "module %.*s has no function '%.*s'",
			    TDM_STR_FMT(&mname), (int)(q->len - (size_t)dot - 1),
			    q->s + dot + 1);
		return broken(c, &e->pos, type);
	}
	*type = fn->ret;
	snprintf(name, sizeof(name), "%.*s", TDM_STR_FMT(q));
	if (!c_args(c, e, false, nodes, types))
		return broken(c, &e->pos, type);
	if (!check_args(c, e, name, fn->args, fn->nargs, nodes, types) ||
	    !route_ok(c, e, name, fn->routes))
		return broken(c, &e->pos, type);
	n = comp_node(c, tdm_scr_vm_modcall, fn->name, &e->pos);
	if (!n)
		return NULL;
	n->u.mod.fn = fn;
	link_args(n, nodes, e->u.call.nargs);
	if (prepare(c, e, fn, nodes, &n->u.mod.prep) == -ENOMEM)
		return NULL;
	return n;
}

static struct tdm_scr_node *c_call(struct comp *c, const struct tdm_scr_expr *e,
				   enum tdm_type *type)
{
	const struct tdm_str *callee = &e->u.call.callee;
	const struct tdm_scr_builtin *b;

	if (tdm_str_eq_c(callee, "route"))
		return c_route_call(c, e, type);
	if (tdm_str_eq_c(callee, "capture"))
		return c_capture(c, e, type);
	if (tdm_str_chr(callee, '.') >= 0)
		return c_modcall(c, e, type);
	b = tdm_scr_builtin_find(callee->s, callee->len);
	if (b)
		return c_builtin(c, e, b, type);
	ERR(c, &e->pos, "unknown function '%.*s'", TDM_STR_FMT(callee));
	return broken(c, &e->pos, type);
}

struct tdm_scr_node *comp_expr(struct comp *c, const struct tdm_scr_expr *e,
			       enum tdm_type *type)
{
	switch (e->kind) {
	case TDM_SCR_E_INT:
		*type = TDM_T_INT;
		return konst(c, &e->pos, (struct tdm_value){ .type = TDM_T_INT, .u.i = e->u.i });
	case TDM_SCR_E_BOOL:
		*type = TDM_T_BOOL;
		return konst(c, &e->pos, (struct tdm_value){ .type = TDM_T_BOOL, .u.b = e->u.b });
	case TDM_SCR_E_STR:
		return c_str(c, e, type);
	case TDM_SCR_E_REGEX:
		ERR(c, &e->pos, "a regex can only be used after =~ or !~, or as a match pattern");
		return broken(c, &e->pos, type);
	case TDM_SCR_E_LIST:
		return c_list(c, e, type);
	case TDM_SCR_E_NAME:
		return c_name(c, e, type);
	case TDM_SCR_E_FIELD:
		return c_field(c, e, type);
	case TDM_SCR_E_CALL:
		return c_call(c, e, type);
	case TDM_SCR_E_INDEX:
		ERR(c, &e->pos, "indexing is not supported (regex groups: capture(n))");
		return broken(c, &e->pos, type);
	case TDM_SCR_E_UNARY:
		return c_unary(c, e, type);
	case TDM_SCR_E_BINARY:
		return c_binary(c, e, type);
	}
	return broken(c, &e->pos, type);
}

int comp_const(struct comp *c, const struct tdm_scr_expr *e, struct tdm_value *out)
{
	enum tdm_type t;
	unsigned before = tdm_scr_diag_errors(c->d);
	struct tdm_scr_node *n = comp_expr(c, e, &t);

	if (!n)
		return -ENOMEM;
	if (tdm_scr_diag_errors(c->d) != before)
		return -EINVAL;
	if (n->fn != tdm_scr_vm_const) {
		ERR(c, &e->pos, "a constant is needed here (a literal or a list of literals)");
		return -EINVAL;
	}
	*out = n->u.k;
	return 0;
}
