/* SPDX-License-Identifier: GPL-2.0-or-later
 * The call frame of script functions and the load-time preparation of
 * their constant arguments: the one calling convention between the VM
 * and every module function (style rule 13). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tandem/log.h>
#include "call.h"

const char *tdm_type_name(enum tdm_type t)
{
	switch (t) {
	case TDM_T_VOID: return "void";
	case TDM_T_BOOL: return "bool";
	case TDM_T_INT: return "int";
	case TDM_T_STR: return "str";
	case TDM_T_REGEX: return "regex";
	case TDM_T_LIST: return "list";
	case TDM_T_ANY: return "any";
	}
	return "?";
}

const char *tdm_route_type_name(enum tdm_route_type t)
{
	switch (t) {
	case TDM_ROUTE_REQUEST: return "request";
	case TDM_ROUTE_REPLY: return "reply";
	case TDM_ROUTE_FAILURE: return "failure";
	case TDM_ROUTE_BRANCH: return "branch";
	default: return "?";
	}
}

/* ---- Call frame --------------------------------------------------------- */

void tdm_scr_call_init(struct tdm_scr_call *c, const struct tdm_fn_def *fn,
		       enum tdm_route_type route, struct tdm_sip_msg *msg,
		       struct tdm_arena *arena)
{
	*c = (struct tdm_scr_call){ .fn = fn, .route = route, .msg = msg,
				    .arena = arena };
}

int tdm_scr_call_args(struct tdm_scr_call *c, const struct tdm_value *args,
		      unsigned n, const struct tdm_scr_prep *prep)
{
	const struct tdm_fn_def *fn = c->fn;

	if (n > fn->nargs || (n && !args))
		return -EINVAL;
	for (unsigned i = 0; i < fn->nargs; i++) {
		const struct tdm_fn_arg *a = &fn->args[i];
		enum tdm_type t = i < n ? args[i].type : TDM_T_VOID;

		if (t == TDM_T_VOID) {
			if (!(a->flags & TDM_ARG_OPTIONAL))
				return -EINVAL;
		} else if (a->type != TDM_T_ANY && a->type != t) {
			return -EINVAL;
		}
	}
	c->args = args;
	c->nargs = n;
	c->prep = prep;
	return 0;
}

int tdm_scr_call_run(struct tdm_scr_call *c)
{
	int rc;

	if (!(c->fn->routes & (unsigned)c->route))
		return -EINVAL;
	c->result.type = TDM_T_VOID;
	rc = c->fn->impl(c);
	if (!rc && c->fn->ret != TDM_T_VOID && c->result.type == TDM_T_VOID)
		return -EINVAL;
	return rc > 0 ? -EINVAL : rc;
}

const struct tdm_value *tdm_scr_arg(const struct tdm_scr_call *c, unsigned i)
{
	if (i >= c->nargs || c->args[i].type == TDM_T_VOID)
		return NULL;
	return &c->args[i];
}

bool tdm_scr_arg_bool(const struct tdm_scr_call *c, unsigned i)
{
	const struct tdm_value *v = tdm_scr_arg(c, i);

	return v && v->type == TDM_T_BOOL ? v->u.b : false;
}

int64_t tdm_scr_arg_int(const struct tdm_scr_call *c, unsigned i)
{
	const struct tdm_value *v = tdm_scr_arg(c, i);

	return v && v->type == TDM_T_INT ? v->u.i : 0;
}

struct tdm_str tdm_scr_arg_str(const struct tdm_scr_call *c, unsigned i)
{
	const struct tdm_value *v = tdm_scr_arg(c, i);

	return v && v->type == TDM_T_STR ? v->u.s : TDM_STR("");
}

void *tdm_scr_arg_prepared(const struct tdm_scr_call *c, unsigned i)
{
	return c->prep && i < TDM_SCR_MAX_ARGS ? c->prep->data[i] : NULL;
}

struct tdm_sip_msg *tdm_scr_msg(const struct tdm_scr_call *c)
{
	return c->msg;
}

enum tdm_route_type tdm_scr_route(const struct tdm_scr_call *c)
{
	return c->route;
}

struct tdm_arena *tdm_scr_arena(const struct tdm_scr_call *c)
{
	return c->arena;
}

int tdm_scr_ret_bool(struct tdm_scr_call *c, bool v)
{
	if (c->fn->ret != TDM_T_BOOL)
		return -EINVAL;
	c->result = (struct tdm_value){ .type = TDM_T_BOOL, .u.b = v };
	return 0;
}

int tdm_scr_ret_int(struct tdm_scr_call *c, int64_t v)
{
	if (c->fn->ret != TDM_T_INT)
		return -EINVAL;
	c->result = (struct tdm_value){ .type = TDM_T_INT, .u.i = v };
	return 0;
}

int tdm_scr_ret_str(struct tdm_scr_call *c, const struct tdm_str *v)
{
	const char *copy = "";

	if (c->fn->ret != TDM_T_STR || !v || !c->arena)
		return -EINVAL;
	if (v->len) {
		copy = tdm_arena_memdup(c->arena, v->s, v->len);
		if (!copy)
			return -ENOMEM;
	}
	c->result = (struct tdm_value){ .type = TDM_T_STR,
					.u.s = { copy, v->len } };
	return 0;
}

/* ---- Preparation of constant arguments ---------------------------------- */

void tdm_scr_prep_init(struct tdm_scr_prep *p, const struct tdm_fn_def *fn,
		       const struct tdm_value *consts, unsigned n,
		       const char *where, const char *const *arg_where,
		       char *err, size_t errlen)
{
	*p = (struct tdm_scr_prep){ .fn = fn, .consts = consts, .nconsts = n,
				    .where = where, .arg_where = arg_where,
				    .err = err, .errlen = errlen };
	if (err && errlen)
		err[0] = '\0';
}

/* Error position of the call site rather than of one argument. */
#define CALL_SITE (~0u)

static const char *arg_where(const struct tdm_scr_prep *p, unsigned i)
{
	if (p->arg_where && i < p->nconsts && p->arg_where[i])
		return p->arg_where[i];
	return p->where;
}

/* Writes "where: message" into the sink unless an error is already there:
 * the first error is the one worth reading. */
static void prep_verror(struct tdm_scr_prep *p, unsigned i, const char *fmt,
			va_list ap)
{
	const char *where = arg_where(p, i);
	int n = 0;

	if (p->failed || !p->err || !p->errlen) {
		p->failed = true;
		return;
	}
	p->failed = true;
	if (where)
		n = snprintf(p->err, p->errlen, "%s: ", where);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
}

static void prep_errorf(struct tdm_scr_prep *p, unsigned i, const char *fmt,
			...) TDM_PRINTF(3, 4);
static void prep_errorf(struct tdm_scr_prep *p, unsigned i, const char *fmt,
			...)
{
	va_list ap;

	va_start(ap, fmt);
	prep_verror(p, i, fmt, ap);
	va_end(ap);
}

void tdm_scr_prep_error(struct tdm_scr_prep *p, unsigned i, const char *fmt,
			...)
{
	va_list ap;

	va_start(ap, fmt);
	prep_verror(p, i, fmt, ap);
	va_end(ap);
}

const struct tdm_value *tdm_scr_prep_const(const struct tdm_scr_prep *p,
					   unsigned i)
{
	if (i >= p->nconsts || !p->consts || p->consts[i].type == TDM_T_VOID)
		return NULL;
	return &p->consts[i];
}

int tdm_scr_prep_set(struct tdm_scr_prep *p, unsigned i, void *data,
		     void (*free_fn)(void *data))
{
	if (i >= p->fn->nargs || i >= TDM_SCR_MAX_ARGS)
		return -EINVAL;
	if (p->free_fn[i] && p->data[i])
		p->free_fn[i](p->data[i]);
	p->data[i] = data;
	p->free_fn[i] = free_fn;
	return 0;
}

void tdm_scr_prep_release(struct tdm_scr_prep *p)
{
	for (unsigned i = 0; i < TDM_SCR_MAX_ARGS; i++) {
		if (p->free_fn[i] && p->data[i])
			p->free_fn[i](p->data[i]);
		p->data[i] = NULL;
		p->free_fn[i] = NULL;
	}
}

int tdm_scr_prep_run(struct tdm_scr_prep *p)
{
	const struct tdm_fn_def *fn = p->fn;
	int rc;

	if (p->nconsts > fn->nargs) {
		prep_errorf(p, CALL_SITE, "%s() takes at most %u argument%s, got %u",
			    fn->name, fn->nargs, fn->nargs == 1 ? "" : "s",
			    p->nconsts);
		return -EINVAL;
	}
	for (unsigned i = 0; i < p->nconsts; i++) {
		/* The checker should have refused this already; the hook
		 * relies on tdm_scr_prep_const() of a const argument. */
		if ((fn->args[i].flags & TDM_ARG_CONST) &&
		    !tdm_scr_prep_const(p, i)) {
			prep_errorf(p, i, "argument \"%s\" of %s() must be a literal",
				    fn->args[i].name, fn->name);
			return -EINVAL;
		}
	}
	if (!fn->prepare)
		return 0;
	rc = fn->prepare(p);
	if (!rc && p->failed)
		rc = -EINVAL;
	if (rc) {
		if (!p->failed)
			prep_errorf(p, CALL_SITE, "%s(): preparing the arguments failed: %s",
				    fn->name, tdm_strerror(rc < 0 ? rc : -EINVAL));
		tdm_scr_prep_release(p);
		return rc < 0 ? rc : -EINVAL;
	}
	return 0;
}
