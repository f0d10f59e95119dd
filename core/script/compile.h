/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to the compiler files (compile.c, compile_expr.c,
 * compile_stmt.c): the state of one compilation and the helpers they
 * share. The compiler checks and lowers in one walk of the tree: each
 * expression comes back as a node with its type, TDM_T_ANY standing for
 * "already reported" so one mistake does not cascade into many. */
#ifndef TDM_SCR_COMPILE_H
#define TDM_SCR_COMPILE_H

#include "script/program.h"

/* A local variable in scope. */
struct comp_local {
	struct tdm_str name;
	enum tdm_type type;
	unsigned slot;
	bool used;
	struct tdm_scr_pos pos;
};

struct comp_scope {
	struct comp_local *vars;
	unsigned n, cap;
	struct comp_scope *up;
};

struct comp {
	struct tdm_scr_diag *d;
	struct tdm_scr_program *p;
	struct tdm_arena *a;          /* the program's arena */
	unsigned mask;                /* route types of the route compiled now
				       * (0: a route nobody calls: no checks
				       * of route types) */
	const struct tdm_scr_route *route; /* the route compiled now */
	struct comp_scope *scope;
	unsigned nslots;              /* local slots handed out */
	const char *file_in, *file_out; /* last file name interned */
};

/* The program keeps nothing of the syntax tree or the source texts (both
 * are freed after compiling): every slice it stores is copied first. */
struct tdm_str comp_str(struct comp *c, const struct tdm_str *s);
const char *comp_file(struct comp *c, const char *file);

struct tdm_scr_node *comp_node(struct comp *c, tdm_scr_node_fn *fn,
			       const char *op, const struct tdm_scr_pos *pos);
/* Compiles an expression; *type receives its type (TDM_T_ANY after an
 * error was reported). Never NULL unless out of memory. */
struct tdm_scr_node *comp_expr(struct comp *c, const struct tdm_scr_expr *e,
			       enum tdm_type *type);
/* Compiles a statement list (a block's contents) in a new scope. */
struct tdm_scr_node *comp_block(struct comp *c, const struct tdm_scr_stmt *first);
/* The value of a constant expression (settings, module parameters,
 * transaction defaults): literals and lists of literals. 0, or -EINVAL
 * after reporting the error. */
int comp_const(struct comp *c, const struct tdm_scr_expr *e,
	       struct tdm_value *out);
/* The named route `name`, or NULL. */
struct tdm_scr_route *comp_find_route(struct comp *c, const struct tdm_str *name);
/* "request", "reply ..." for messages about route types. */
const char *comp_route_types(unsigned mask);
/* The first route type in `need` missing from `have`, as a name. */
const char *comp_missing_route(unsigned have, unsigned need);

#endif
