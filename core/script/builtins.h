/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/script: the built-in functions of the language (reply,
 * relay, log, header ...). They are described with the same argument
 * rows as module functions, so the checker treats both alike; the VM
 * calls them directly on the route context, without a call frame. */
#ifndef TANDEM_SCRIPT_BUILTINS_H
#define TANDEM_SCRIPT_BUILTINS_H

#include <tandem/log.h>
#include <tandem/module.h>
#include "ctx.h"

/* args[0..nargs) are typed as the row says (absent optional ones are
 * not passed: nargs tells); *ret is set when the row's ret is not void.
 * Returns 0, -EINVAL (a bad value at run time, e.g. reply(99)), -EBADMSG
 * (a malformed header was read) or -ENOMEM. */
typedef int tdm_scr_builtin_fn(struct tdm_scr_ctx *x,
			       const struct tdm_value *args, unsigned nargs,
			       struct tdm_value *ret);

struct tdm_scr_builtin {
	const char *name;
	tdm_scr_builtin_fn *fn;
	enum tdm_type ret;
	const struct tdm_fn_arg *args;
	unsigned nargs;
	unsigned routes;              /* enum tdm_route_type mask */
	bool final;                   /* decides the request's fate (reply,
				       * relay, forward): at most once */
	const char *doc;
};

extern const struct tdm_scr_builtin tdm_scr_builtins[]; /* NULL-name end */
/* The "script" log subsystem: log() lines and run-time errors. */
extern struct tdm_log_subsys tdm_scr_log;
const struct tdm_scr_builtin *tdm_scr_builtin_find(const char *name, size_t len);

/* The log levels log() accepts as its first argument: "error" ... "debug".
 * Returns the enum tdm_log_level, or -1. */
int tdm_scr_log_level(const struct tdm_str *name);

#endif
