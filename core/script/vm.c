/* SPDX-License-Identifier: GPL-2.0-or-later
 * The VM: one small function per node kind of the closure tree. The
 * checker has already guaranteed every type, so these functions only
 * compute; a negative return is a run-time error (a malformed header read,
 * a bad value given to a built-in, out of memory), recorded with the
 * node's position. */
#include <errno.h>
#include <string.h>
#include <tandem/buf.h>
#include "script/program.h"
#include "script/value.h"

#define EVAL(n, r, v) ((n)->fn((n), (r), (v)))

/* Remembers where a run-time error happened (the innermost node). */
static int fail(struct tdm_scr_run *r, const struct tdm_scr_node *n, int rc)
{
	if (!r->err_pos.file)
		r->err_pos = n->pos;
	return rc;
}

int tdm_scr_vm_const(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		     struct tdm_value *out)
{
	(void)r;
	*out = n->u.k;
	return 0;
}

int tdm_scr_vm_local(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		     struct tdm_value *out)
{
	*out = r->locals[n->u.slot];
	return 0;
}

int tdm_scr_vm_txn(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		   struct tdm_value *out)
{
	*out = r->txn[n->u.slot];
	return 0;
}

int tdm_scr_vm_field(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		     struct tdm_value *out)
{
	int rc = n->u.field->get(r->x, out);

	return rc ? fail(r, n, rc) : 0;
}

/* "text ${expr} text": parts are the node's a-list (linked by next). */
/* Formats every part, then copies them once into the arena. */
int tdm_scr_vm_interp(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		      struct tdm_value *out)
{
	struct tdm_str parts[TDM_SCR_INTERP_PARTS];
	unsigned np = 0;
	size_t len = 0;
	char *p;
	int rc;

	for (const struct tdm_scr_node *part = n->a; part; part = part->next) {
		struct tdm_value v;
		if (np == TDM_SCR_INTERP_PARTS) /* the compiler refuses more */
			return fail(r, n, -E2BIG);
		if ((rc = EVAL(part, r, &v)) ||
		    (rc = tdm_scr_value_format(r->x->arena, &v, &parts[np])))
			return fail(r, n, rc);
		len += parts[np++].len;
	}
	p = tdm_arena_alloc(r->x->arena, len + 1);
	if (!p)
		return fail(r, n, -ENOMEM);
	out->type = TDM_T_STR;
	out->u.s = (struct tdm_str){ p, len };
	for (unsigned i = 0; i < np; i++) {
		if (parts[i].len)
			memcpy(p, parts[i].s, parts[i].len);
		p += parts[i].len;
	}
	return 0;
}

/* A list literal with non-constant items. */
int tdm_scr_vm_list(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		    struct tdm_value *out)
{
	struct tdm_value *items = tdm_arena_alloc(r->x->arena,
						  (n->nargs ? n->nargs : 1) * sizeof(*items));
	unsigned i = 0;
	int rc;

	if (!items)
		return fail(r, n, -ENOMEM);
	for (const struct tdm_scr_node *it = n->a; it; it = it->next, i++)
		if ((rc = EVAL(it, r, &items[i])))
			return rc;
	out->type = TDM_T_LIST;
	out->u.list = (struct tdm_value_list){ i, items };
	return 0;
}

int tdm_scr_vm_not(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		   struct tdm_value *out)
{
	int rc = EVAL(n->a, r, out);

	out->u.b = !out->u.b;
	return rc;
}

int tdm_scr_vm_neg(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		   struct tdm_value *out)
{
	int rc = EVAL(n->a, r, out);

	if (!rc && out->u.i == INT64_MIN)
		return fail(r, n, -ERANGE);
	out->u.i = -out->u.i;
	return rc;
}

int tdm_scr_vm_and(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		   struct tdm_value *out)
{
	int rc = EVAL(n->a, r, out);

	if (rc || !out->u.b)
		return rc;
	return EVAL(n->b, r, out);
}

int tdm_scr_vm_or(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		  struct tdm_value *out)
{
	int rc = EVAL(n->a, r, out);

	if (rc || out->u.b)
		return rc;
	return EVAL(n->b, r, out);
}

/* ==, !=, <, >, <=, >= on same-typed operands. */
int tdm_scr_vm_cmp(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		   struct tdm_value *out)
{
	struct tdm_value a, b;
	int rc, c;
	bool res;

	if ((rc = EVAL(n->a, r, &a)) || (rc = EVAL(n->b, r, &b)))
		return rc;
	switch (n->op_kind) {
	case TDM_SCR_OP_EQ: res = tdm_scr_value_eq(&a, &b); break;
	case TDM_SCR_OP_NE: res = !tdm_scr_value_eq(&a, &b); break;
	default:
		c = tdm_scr_value_cmp(&a, &b);
		res = n->op_kind == TDM_SCR_OP_LT ? c < 0 :
		      n->op_kind == TDM_SCR_OP_GT ? c > 0 :
		      n->op_kind == TDM_SCR_OP_LE ? c <= 0 : c >= 0;
	}
	out->type = TDM_T_BOOL;
	out->u.b = res;
	return 0;
}

/* a =~ /re/ (and !~): the regex was compiled at load (n->u.re). */
int tdm_scr_vm_match(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		     struct tdm_value *out)
{
	struct tdm_value s;
	int rc = EVAL(n->a, r, &s);

	if (rc)
		return rc;
	rc = tdm_scr_regex_match(r, n->u.re, &s.u.s);
	if (rc < 0)
		return fail(r, n, rc);
	out->type = TDM_T_BOOL;
	out->u.b = n->op_kind == TDM_SCR_OP_NMATCH ? rc == 0 : rc == 1;
	return 0;
}

int tdm_scr_vm_in(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		  struct tdm_value *out)
{
	struct tdm_value v, l;
	int rc;

	if ((rc = EVAL(n->a, r, &v)) || (rc = EVAL(n->b, r, &l)))
		return rc;
	out->type = TDM_T_BOOL;
	out->u.b = tdm_scr_value_in(&v, &l.u.list);
	return 0;
}

/* + - * / % on ints; overflow and division by zero are run-time errors. */
int tdm_scr_vm_arith(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		     struct tdm_value *out)
{
	struct tdm_value a, b;
	int64_t res = 0;
	bool ovf = false;
	int rc;

	if ((rc = EVAL(n->a, r, &a)) || (rc = EVAL(n->b, r, &b)))
		return rc;
	switch (n->op_kind) {
	case TDM_SCR_OP_ADD: ovf = __builtin_add_overflow(a.u.i, b.u.i, &res); break;
	case TDM_SCR_OP_SUB: ovf = __builtin_sub_overflow(a.u.i, b.u.i, &res); break;
	case TDM_SCR_OP_MUL: ovf = __builtin_mul_overflow(a.u.i, b.u.i, &res); break;
	default:
		if (b.u.i == 0 || (a.u.i == INT64_MIN && b.u.i == -1))
			return fail(r, n, -EDOM);
		res = n->op_kind == TDM_SCR_OP_DIV ? a.u.i / b.u.i : a.u.i % b.u.i;
	}
	if (ovf)
		return fail(r, n, -ERANGE);
	out->type = TDM_T_INT;
	out->u.i = res;
	return 0;
}

int tdm_scr_vm_concat(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		      struct tdm_value *out)
{
	struct tdm_value a, b;
	char *p;
	int rc;

	if ((rc = EVAL(n->a, r, &a)) || (rc = EVAL(n->b, r, &b)))
		return rc;
	p = tdm_arena_alloc(r->x->arena, a.u.s.len + b.u.s.len + 1);
	if (!p)
		return fail(r, n, -ENOMEM);
	if (a.u.s.len)
		memcpy(p, a.u.s.s, a.u.s.len);
	if (b.u.s.len)
		memcpy(p + a.u.s.len, b.u.s.s, b.u.s.len);
	out->type = TDM_T_STR;
	out->u.s = (struct tdm_str){ p, a.u.s.len + b.u.s.len };
	return 0;
}

/* Evaluates the argument list n->a into args[]; returns the count. */
static int eval_args(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		     struct tdm_value *args)
{
	unsigned i = 0;
	int rc;

	for (const struct tdm_scr_node *a = n->a; a; a = a->next, i++)
		if ((rc = EVAL(a, r, &args[i])))
			return rc;
	return (int)i;
}

/* log(level, text): the level is a constant (checked at load), so the
 * text is not even built when that level is off and no test records it. */
int tdm_scr_vm_log(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		   struct tdm_value *out)
{
	if (!r->x->keep_logs && !TDM_LOG_ENABLED(&tdm_scr_log, n->op_kind))
		return 0;
	return tdm_scr_vm_builtin(n, r, out);
}

int tdm_scr_vm_builtin(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		       struct tdm_value *out)
{
	struct tdm_value args[TDM_SCR_MAX_ARGS];
	int cnt = eval_args(n, r, args), rc;

	if (cnt < 0)
		return cnt;
	out->type = TDM_T_VOID;
	rc = n->u.bi->fn(r->x, args, (unsigned)cnt, out);
	return rc ? fail(r, n, rc) : 0;
}

/* module.fn(args): through a call frame, as the module ABI says. */
int tdm_scr_vm_modcall(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		       struct tdm_value *out)
{
	struct tdm_value args[TDM_SCR_MAX_ARGS];
	struct tdm_scr_call c;
	int cnt = eval_args(n, r, args), rc;
	struct tdm_sip_msg *m = r->x->route == TDM_ROUTE_REPLY && r->x->reply ?
				r->x->reply : r->x->request;

	if (cnt < 0)
		return cnt;
	for (unsigned i = (unsigned)cnt; i < n->u.mod.fn->nargs; i++)
		args[i].type = TDM_T_VOID; /* absent optional arguments */
	tdm_scr_call_init(&c, n->u.mod.fn, r->x->route, m, r->x->arena);
	c.x = r->x;
	rc = tdm_scr_call_args(&c, args, n->u.mod.fn->nargs, n->u.mod.prep);
	if (!rc)
		rc = tdm_scr_call_run(&c);
	if (rc)
		return fail(r, n, rc);
	*out = c.result;
	return 0;
}

int tdm_scr_vm_capture(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		       struct tdm_value *out)
{
	struct tdm_value i;
	int rc = EVAL(n->a, r, &i);

	if (rc)
		return rc;
	out->type = TDM_T_STR;
	out->u.s = i.u.i < 0 ? TDM_STR_NULL :
		   tdm_scr_regex_capture(r, (unsigned)i.u.i);
	return 0;
}

/* ---- statements --------------------------------------------------------- */

/* let x = v and x = v: both store into the local's slot. */
int tdm_scr_vm_let(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		   struct tdm_value *out)
{
	(void)out;
	return EVAL(n->a, r, &r->locals[n->u.slot]);
}

int tdm_scr_vm_set_txn(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		       struct tdm_value *out)
{
	struct tdm_value v;
	int rc = EVAL(n->a, r, &v);

	(void)out;
	if (rc)
		return rc;
	/* a string may point into the request's arena: the transaction keeps
	 * the request (and so that arena) for as long as it keeps its
	 * variables, which is what reply and failure routes read */
	r->txn[n->u.slot] = v;
	return 0;
}

int tdm_scr_vm_set_field(const struct tdm_scr_node *n, struct tdm_scr_run *r,
			 struct tdm_value *out)
{
	struct tdm_value v;
	int rc = EVAL(n->a, r, &v);

	(void)out;
	if (rc)
		return rc;
	rc = n->u.field->set(r->x, &v);
	return rc ? fail(r, n, rc) : 0;
}

/* Runs a statement list until one returns non-zero. */
static int exec_list(const struct tdm_scr_node *s, struct tdm_scr_run *r)
{
	struct tdm_value unused;
	int rc;

	for (; s; s = s->next)
		if ((rc = s->fn(s, r, &unused)))
			return rc;
	return TDM_SCR_NEXT;
}

int tdm_scr_vm_block(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		     struct tdm_value *out)
{
	(void)out;
	return exec_list(n->a, r);
}

/* if (a) b else c */
int tdm_scr_vm_if(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		  struct tdm_value *out)
{
	struct tdm_value c;
	int rc = EVAL(n->a, r, &c);

	(void)out;
	if (rc)
		return rc;
	if (c.u.b)
		return exec_list(n->b, r);
	return n->c ? exec_list(n->c, r) : TDM_SCR_NEXT;
}

/* match subject { arms }: n->a is the subject; n->b the arm list, each
 * arm a node whose a-list holds its patterns (constant strings in u.k,
 * or regexes in u.re with op_kind 1) and whose b is its body; an else arm
 * has no patterns. */
int tdm_scr_vm_switch(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		      struct tdm_value *out)
{
	struct tdm_value s;
	int rc = EVAL(n->a, r, &s);

	(void)out;
	if (rc)
		return rc;
	for (const struct tdm_scr_node *arm = n->b; arm; arm = arm->next) {
		if (!arm->a)
			return exec_list(arm->b, r);
		for (const struct tdm_scr_node *p = arm->a; p; p = p->next) {
			bool hit;
			if (p->op_kind) { /* a regex pattern */
				rc = tdm_scr_regex_match(r, p->u.re, &s.u.s);
				if (rc < 0)
					return fail(r, p, rc);
				hit = rc == 1;
			} else {
				hit = tdm_str_eq(&p->u.k.u.s, &s.u.s);
			}
			if (hit)
				return exec_list(arm->b, r);
		}
	}
	return TDM_SCR_NEXT;
}

int tdm_scr_vm_expr_stmt(const struct tdm_scr_node *n, struct tdm_scr_run *r,
			 struct tdm_value *out)
{
	struct tdm_value v;
	int rc = EVAL(n->a, r, &v);

	(void)out;
	return rc < 0 ? rc : TDM_SCR_NEXT;
}

int tdm_scr_vm_exit(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		    struct tdm_value *out)
{
	(void)n, (void)r, (void)out;
	return TDM_SCR_EXIT;
}

int tdm_scr_vm_drop(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		    struct tdm_value *out)
{
	(void)n, (void)out;
	r->x->decision.action = TDM_SCR_ACT_DROP;
	return TDM_SCR_DROP;
}

int tdm_scr_vm_return(const struct tdm_scr_node *n, struct tdm_scr_run *r,
		      struct tdm_value *out)
{
	(void)n, (void)out;
	return r->depth ? TDM_SCR_RETURN : TDM_SCR_EXIT;
}

/* route(name): the checker refused recursion, so depth is bounded by the
 * number of routes. */
int tdm_scr_vm_call_route(const struct tdm_scr_node *n, struct tdm_scr_run *r,
			  struct tdm_value *out)
{
	int rc;

	(void)out;
	r->depth++;
	rc = exec_list(n->u.route->body, r);
	r->depth--;
	return rc == TDM_SCR_RETURN ? TDM_SCR_NEXT : rc;
}
