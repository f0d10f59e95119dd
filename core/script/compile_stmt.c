/* SPDX-License-Identifier: GPL-2.0-or-later
 * Compiling statements: lexical scopes of locals (a slot each, warnings
 * for the unused), assignments checked against the field table (read-only,
 * route types) and the declared types, conditions that must be bool,
 * match arms, and code that can never run after exit, drop or return. */
#include <errno.h>
#include <string.h>
#include "script/compile.h"

#define ERR(c, pos, ...) tdm_scr_diag_error((c)->d, (pos), __VA_ARGS__)

struct tdm_scr_node *comp_regex_pattern(struct comp *c, const struct tdm_scr_expr *e);

static int scope_push(struct comp *c, struct comp_scope *s)
{
	memset(s, 0, sizeof(*s));
	s->up = c->scope;
	c->scope = s;
	return 0;
}

/* Leaves a scope; locals never read get a warning. */
static void scope_pop(struct comp *c)
{
	struct comp_scope *s = c->scope;

	for (unsigned i = 0; i < s->n; i++)
		if (!s->vars[i].used)
			tdm_scr_diag_warning(c->d, &s->vars[i].pos,
					     "unused variable '%.*s'",
					     TDM_STR_FMT(&s->vars[i].name));
	c->scope = s->up;
}

static struct comp_local *declare(struct comp *c, const struct tdm_str *name,
				  const struct tdm_scr_pos *pos, enum tdm_type t)
{
	struct comp_scope *s = c->scope;
	struct comp_local *l;

	for (unsigned i = 0; i < s->n; i++)
		if (tdm_str_eq(&s->vars[i].name, name)) {
			ERR(c, pos, "'%.*s' is already declared in this block (line %u)",
			    TDM_STR_FMT(name), s->vars[i].pos.line);
			return NULL;
		}
	if (s->n == s->cap) {
		unsigned cap = s->cap ? 2 * s->cap : 8;
		struct comp_local *v = tdm_arena_alloc(c->a, cap * sizeof(*v));
		if (!v)
			return NULL;
		if (s->n)
			memcpy(v, s->vars, s->n * sizeof(*v));
		s->vars = v;
		s->cap = cap;
	}
	l = &s->vars[s->n++];
	*l = (struct comp_local){ *name, t, c->nslots++, false, *pos };
	return l;
}

static struct comp_local *lookup(struct comp *c, const struct tdm_str *name)
{
	for (struct comp_scope *s = c->scope; s; s = s->up)
		for (unsigned i = s->n; i-- > 0;)
			if (tdm_str_eq(&s->vars[i].name, name))
				return &s->vars[i];
	return NULL;
}

static bool storable(enum tdm_type t)
{
	return t == TDM_T_STR || t == TDM_T_INT || t == TDM_T_BOOL ||
	       t == TDM_T_LIST || t == TDM_T_ANY;
}

static struct tdm_scr_node *c_let(struct comp *c, const struct tdm_scr_stmt *s)
{
	enum tdm_type t;
	struct tdm_scr_node *v = comp_expr(c, s->u.let.value, &t), *n;
	struct comp_local *l;

	if (!v)
		return NULL;
	if (!storable(t)) {
		ERR(c, &s->u.let.value->pos, "cannot store %s in a variable",
		    t == TDM_T_VOID ? "a call with no value" : tdm_type_name(t));
		t = TDM_T_ANY;
	}
	/* declared after its value: `let x = x` reads an outer x */
	l = declare(c, &s->u.let.name, &s->u.let.name_pos, t);
	n = comp_node(c, tdm_scr_vm_let, "let", &s->pos);
	if (n) {
		n->a = v;
		n->u.slot = l ? l->slot : 0;
	}
	return n;
}

static int txn_index(struct comp *c, const struct tdm_str *name)
{
	for (unsigned i = 0; i < c->p->ntxn; i++)
		if (tdm_str_eq(&c->p->txn[i].name, name))
			return (int)i;
	return -1;
}

/* txn.x = v, request.uri = v ... */
static struct tdm_scr_node *c_assign_field(struct comp *c, const struct tdm_scr_stmt *s,
					   struct tdm_scr_node *v, enum tdm_type t)
{
	const struct tdm_scr_expr *place = s->u.assign.place;
	const struct tdm_str *path = &place->u.field.path;
	const struct tdm_scr_field *f;
	struct tdm_scr_node *n;

	if (path->len > 4 && !memcmp(path->s, "txn.", 4)) {
		struct tdm_str name = { path->s + 4, path->len - 4 };
		int i = txn_index(c, &name);
		if (i < 0) {
			ERR(c, &place->pos, "unknown transaction variable '%.*s' (declare it in transaction { })",
			    TDM_STR_FMT(&name));
			return v;
		}
		if (t != TDM_T_ANY && t != c->p->txn[i].def.type)
			ERR(c, &s->pos, "cannot assign %s to txn.%.*s (%s)", tdm_type_name(t),
			    TDM_STR_FMT(&name), tdm_type_name(c->p->txn[i].def.type));
		n = comp_node(c, tdm_scr_vm_set_txn, "set_txn", &s->pos);
		if (n) {
			n->a = v;
			n->u.slot = (unsigned)i;
		}
		return n;
	}
	f = path->len ? tdm_scr_field_find(path->s, path->len) : NULL;
	if (!f) {
		ERR(c, &place->pos, "unknown field '%.*s'", TDM_STR_FMT(path));
		return v;
	}
	if (!f->set) {
		ERR(c, &place->pos, "%s is read-only", f->name);
		return v;
	}
	if (c->mask && (f->write_routes & c->mask) != c->mask) {
		ERR(c, &place->pos, "%s cannot be changed in a %s route", f->name,
		    comp_missing_route(f->write_routes, c->mask));
		return v;
	}
	if (t != TDM_T_ANY && t != f->type)
		ERR(c, &s->pos, "cannot assign %s to %s (%s)", tdm_type_name(t),
		    f->name, tdm_type_name(f->type));
	n = comp_node(c, tdm_scr_vm_set_field, f->name, &s->pos);
	if (n) {
		n->a = v;
		n->u.field = f;
	}
	return n;
}

static struct tdm_scr_node *c_assign(struct comp *c, const struct tdm_scr_stmt *s)
{
	const struct tdm_scr_expr *place = s->u.assign.place;
	enum tdm_type t;
	struct tdm_scr_node *v = comp_expr(c, s->u.assign.value, &t), *n;
	struct comp_local *l;

	if (!v)
		return NULL;
	if (place->kind == TDM_SCR_E_FIELD)
		return c_assign_field(c, s, v, t);
	l = lookup(c, &place->u.name);
	if (!l) {
		ERR(c, &place->pos, "unknown name '%.*s' (declare it with let)",
		    TDM_STR_FMT(&place->u.name));
		return v;
	}
	if (t != TDM_T_ANY && l->type != TDM_T_ANY && t != l->type)
		ERR(c, &s->pos, "cannot assign %s to '%.*s' (%s)", tdm_type_name(t),
		    TDM_STR_FMT(&place->u.name), tdm_type_name(l->type));
	n = comp_node(c, tdm_scr_vm_let, "set", &s->pos);
	if (n) {
		n->a = v;
		n->u.slot = l->slot;
	}
	return n;
}

/* A condition must be bool: no truthiness. */
static struct tdm_scr_node *c_cond(struct comp *c, const struct tdm_scr_expr *e)
{
	enum tdm_type t;
	struct tdm_scr_node *n = comp_expr(c, e, &t);

	if (n && t != TDM_T_BOOL && t != TDM_T_ANY)
		ERR(c, &e->pos, "condition must be bool, got %s", tdm_type_name(t));
	return n;
}

static struct tdm_scr_node *c_stmt(struct comp *c, const struct tdm_scr_stmt *s);

/* A block body as a statement list (new scope). */
static const struct tdm_scr_node *body(struct comp *c, const struct tdm_scr_stmt *blk)
{
	return comp_block(c, blk ? blk->u.block.first : NULL);
}

static struct tdm_scr_node *c_if(struct comp *c, const struct tdm_scr_stmt *s)
{
	struct tdm_scr_node *n = comp_node(c, tdm_scr_vm_if, "if", &s->pos);

	if (!n)
		return NULL;
	n->a = c_cond(c, s->u.if_.cond);
	n->b = body(c, s->u.if_.then);
	if (s->u.if_.els)
		n->c = s->u.if_.els->kind == TDM_SCR_S_IF ? c_stmt(c, s->u.if_.els)
							  : body(c, s->u.if_.els);
	return n;
}

/* One pattern of a match arm: a constant string or a regex literal. */
static struct tdm_scr_node *c_pattern(struct comp *c, const struct tdm_scr_expr *p)
{
	struct tdm_scr_node *n;
	struct tdm_str s;

	if (p->kind == TDM_SCR_E_REGEX)
		return comp_regex_pattern(c, p);
	n = comp_node(c, tdm_scr_vm_const, "pattern", &p->pos);
	if (!n)
		return NULL;
	if (p->kind != TDM_SCR_E_STR || !tdm_scr_expr_const_str(p, &s)) {
		ERR(c, &p->pos, "a match pattern must be a constant string or a regex");
		s = TDM_STR_NULL;
	}
	n->u.k = (struct tdm_value){ .type = TDM_T_STR, .u.s = comp_str(c, &s) };
	return n;
}

static struct tdm_scr_node *c_match(struct comp *c, const struct tdm_scr_stmt *s)
{
	struct tdm_scr_node *n = comp_node(c, tdm_scr_vm_switch, "match", &s->pos);
	struct tdm_scr_node **arms;
	enum tdm_type t;

	if (!n)
		return NULL;
	n->a = comp_expr(c, s->u.match.subject, &t);
	if (t != TDM_T_STR && t != TDM_T_ANY)
		ERR(c, &s->u.match.subject->pos, "match needs a str, got %s",
		    tdm_type_name(t));
	arms = (struct tdm_scr_node **)&n->b;
	for (const struct tdm_scr_arm *a = s->u.match.arms; a; a = a->next) {
		struct tdm_scr_node *arm = comp_node(c, tdm_scr_vm_block, "arm", &a->pos);
		struct tdm_scr_node **pats;
		if (!arm)
			return NULL;
		pats = (struct tdm_scr_node **)&arm->a;
		for (const struct tdm_scr_expr *p = a->patterns; p; p = p->next) {
			struct tdm_scr_node *pn = c_pattern(c, p);
			if (!pn)
				return NULL;
			*pats = pn;
			pats = (struct tdm_scr_node **)&pn->next;
		}
		arm->b = body(c, a->body);
		*arms = arm;
		arms = (struct tdm_scr_node **)&arm->next;
	}
	return n;
}

static struct tdm_scr_node *c_call_stmt(struct comp *c, const struct tdm_scr_stmt *s)
{
	enum tdm_type t;
	struct tdm_scr_node *e = comp_expr(c, s->u.call, &t), *n;

	if (!e || e->fn == tdm_scr_vm_call_route)
		return e; /* route(name) is a statement of its own */
	n = comp_node(c, tdm_scr_vm_expr_stmt, "call", &s->pos);
	if (n)
		n->a = e;
	return n;
}

static struct tdm_scr_node *c_stmt(struct comp *c, const struct tdm_scr_stmt *s)
{
	struct tdm_scr_node *n;

	switch (s->kind) {
	case TDM_SCR_S_LET: return c_let(c, s);
	case TDM_SCR_S_ASSIGN: return c_assign(c, s);
	case TDM_SCR_S_IF: return c_if(c, s);
	case TDM_SCR_S_MATCH: return c_match(c, s);
	case TDM_SCR_S_CALL: return c_call_stmt(c, s);
	case TDM_SCR_S_EXIT: return comp_node(c, tdm_scr_vm_exit, "exit", &s->pos);
	case TDM_SCR_S_DROP: return comp_node(c, tdm_scr_vm_drop, "drop", &s->pos);
	case TDM_SCR_S_RETURN:
		return comp_node(c, tdm_scr_vm_return, "return", &s->pos);
	case TDM_SCR_S_BLOCK:
		n = comp_node(c, tdm_scr_vm_block, "block", &s->pos);
		if (n)
			n->a = body(c, s);
		return n;
	}
	return NULL;
}

static bool ends_flow(const struct tdm_scr_stmt *s)
{
	return s->kind == TDM_SCR_S_EXIT || s->kind == TDM_SCR_S_DROP ||
	       s->kind == TDM_SCR_S_RETURN;
}

static const char *flow_name(const struct tdm_scr_stmt *s)
{
	return s->kind == TDM_SCR_S_EXIT ? "exit" :
	       s->kind == TDM_SCR_S_DROP ? "drop" : "return";
}

struct tdm_scr_node *comp_block(struct comp *c, const struct tdm_scr_stmt *first)
{
	struct tdm_scr_node *head = NULL, **tail = &head;
	struct comp_scope scope;

	scope_push(c, &scope);
	for (const struct tdm_scr_stmt *s = first; s; s = s->next) {
		struct tdm_scr_node *n = c_stmt(c, s);
		if (n) {
			*tail = n;
			tail = (struct tdm_scr_node **)&n->next;
		}
		if (ends_flow(s) && s->next) {
			ERR(c, &s->next->pos, "unreachable code after %s", flow_name(s));
			break;
		}
		if (tdm_scr_diag_full(c->d))
			break;
	}
	scope_pop(c);
	return head;
}
