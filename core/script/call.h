/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private layout of the call frame (struct tdm_scr_call) and of the
 * load-time preparation of one call site (struct tdm_scr_prep), with the
 * calls the VM and the compiler use to set them up. Modules only see the
 * opaque types and the accessors of <tandem/script.h>.
 *
 * Compile time, once per call site:
 *	struct tdm_scr_prep *p = ...;   // kept in the compiled program
 *	tdm_scr_prep_init(p, fn, consts, n, "default.route:12:5", NULL,
 *			  err, errlen);
 *	if (tdm_scr_prep_run(p)) -> refuse the script, err holds the line
 *	...                             // when the program is released:
 *	tdm_scr_prep_release(p);
 * Run time, per call (on the worker's stack):
 *	struct tdm_scr_call c;
 *	tdm_scr_call_init(&c, fn, TDM_ROUTE_REQUEST, msg, arena);
 *	tdm_scr_call_args(&c, args, n, p);
 *	rc = tdm_scr_call_run(&c);      // result in c.result */
#ifndef TANDEM_CORE_SCR_CALL_H
#define TANDEM_CORE_SCR_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <tandem/module.h>
#include <tandem/script.h>
#include "module/mod.h"

#define TDM_SCR_MAX_ARGS TDM_MOD_MAX_ARGS

/* One call site's prepared data. Owned by the compiled program; lives
 * until tdm_scr_prep_release() (after a reload, once no worker runs the
 * old program). Not thread-safe to set up; read-only (hence shareable by
 * all workers) once tdm_scr_prep_run() succeeded. */
struct tdm_scr_prep {
	const struct tdm_fn_def *fn;
	const struct tdm_value *consts; /* nconsts; type TDM_T_VOID: argument
					 * not constant or not given. Owned
					 * by the caller, valid during run */
	unsigned nconsts;
	const char *where;              /* call site "file:line:col" or NULL */
	const char *const *arg_where;   /* per argument position, or NULL */
	char *err;                      /* error sink (caller's), may be NULL */
	size_t errlen;
	bool failed;                    /* tdm_scr_prep_error() was called */
	void *data[TDM_SCR_MAX_ARGS];   /* tdm_scr_prep_set() */
	void (*free_fn[TDM_SCR_MAX_ARGS])(void *data);
};

struct tdm_scr_ctx;

/* One call, on the caller's stack. */
struct tdm_scr_call {
	struct tdm_scr_ctx *x;          /* the route run (source, decision);
					 * NULL outside one (set by the VM
					 * after tdm_scr_call_init()) */
	const struct tdm_fn_def *fn;
	enum tdm_route_type route;
	struct tdm_sip_msg *msg;        /* may be NULL */
	struct tdm_arena *arena;        /* results (strings) are copied here */
	const struct tdm_value *args;   /* nargs; TDM_T_VOID: absent optional */
	unsigned nargs;
	const struct tdm_scr_prep *prep; /* this call site's, or NULL */
	struct tdm_value result;        /* TDM_T_VOID until tdm_scr_ret_*() */
};

/* Sets up p for fn at one call site: consts[0..n) are the n arguments
 * written there (optional ones left out are not counted), each the literal
 * value, or TDM_T_VOID when that argument is not a literal. where and arg_where
 * (per argument, entries may be NULL) prefix error messages; err[errlen]
 * receives the first one. */
void tdm_scr_prep_init(struct tdm_scr_prep *p, const struct tdm_fn_def *fn,
		       const struct tdm_value *consts, unsigned n,
		       const char *where, const char *const *arg_where,
		       char *err, size_t errlen);
/* Checks that every TDM_ARG_CONST argument that is given is a constant
 * and runs fn->prepare (when there is one). 0, or -EINVAL (too many
 * arguments, non-constant argument, hook refused) / the hook's -errno,
 * with one line in err; on failure whatever the hook stored is released. */
int tdm_scr_prep_run(struct tdm_scr_prep *p);
/* Runs the free functions of the stored data; p may be reused or freed. */
void tdm_scr_prep_release(struct tdm_scr_prep *p);

/* Sets up a call of fn in a route of type route. */
void tdm_scr_call_init(struct tdm_scr_call *c, const struct tdm_fn_def *fn,
		       enum tdm_route_type route, struct tdm_sip_msg *msg,
		       struct tdm_arena *arena);
/* The arguments (args stay owned by the caller and must outlive the
 * call) and the call site's prepared data (may be NULL). Checks them
 * against the descriptor: -EINVAL for too many, a missing required one
 * or a wrong type; the VM's checker should have made that impossible. */
int tdm_scr_call_args(struct tdm_scr_call *c, const struct tdm_value *args,
		      unsigned n, const struct tdm_scr_prep *prep);
/* Calls fn->impl. Returns its result: 0, or its -errno. -EINVAL also when
 * the route type is not allowed, or when the function returned 0 without
 * setting the result its descriptor promises. c->result holds the value. */
int tdm_scr_call_run(struct tdm_scr_call *c);

#endif
