/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/script: a compiled routing script and the VM that runs
 * it. The compiler checks the syntax tree and lowers it, in one walk, to
 * a closure tree: every node holds the function that evaluates it and
 * its operands, already resolved (local slots, field rows, built-in rows,
 * module functions, compiled regexes, constant values). Running a route is
 * calling the functions of its statement list: nothing is looked up or
 * re-parsed per message. A program is immutable once compiled and
 * reference-counted, so a reload can swap in a new one while messages in
 * flight finish with the one they started with. */
#ifndef TDM_SCR_PROGRAM_H
#define TDM_SCR_PROGRAM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <tandem/arena.h>
#include <tandem/module.h>
#include <tandem/script.h>
#include "conf/settings.h"
#include "script/ast.h"
#include "script/builtins.h"
#include "script/call.h"
#include "script/ctx.h"
#include "script/diag.h"
#include "script/fields.h"

struct tdm_scr_node;
struct tdm_scr_run;

/* Statement results: 0 goes on to the next statement. */
enum {
	TDM_SCR_NEXT = 0,
	TDM_SCR_EXIT = 1,   /* exit (also the end of a top-level route) */
	TDM_SCR_DROP = 2,   /* drop */
	TDM_SCR_RETURN = 3, /* return from a named route */
};

/* Evaluates an expression node into *out, or executes a statement node
 * (out unused; returns TDM_SCR_*). Negative: a run-time error. */
typedef int tdm_scr_node_fn(const struct tdm_scr_node *n,
			    struct tdm_scr_run *r, struct tdm_value *out);

struct tdm_scr_node {
	tdm_scr_node_fn *fn;
	const char *op;                   /* for --dump-program */
	struct tdm_scr_pos pos;
	const struct tdm_scr_node *a, *b, *c; /* operands / bodies */
	const struct tdm_scr_node *next;  /* next statement, argument, arm */
	union {
		struct tdm_value k;           /* a constant */
		unsigned slot;                /* local variable or txn variable */
		const struct tdm_scr_field *field;
		const struct tdm_scr_builtin *bi;
		struct {
			const struct tdm_fn_def *fn;
			struct tdm_scr_prep *prep;
		} mod;
		const struct tdm_regex *re;
		const struct tdm_scr_route *route; /* route(name) */
	} u;
	unsigned nargs;                   /* calls; parts of a string */
	int op_kind;                      /* enum tdm_scr_op of binaries */
};

/* A route block: the four top-level ones and the named ones. */
struct tdm_scr_route {
	struct tdm_str name;
	struct tdm_scr_pos pos;
	unsigned mask;                    /* route types it runs in */
	const struct tdm_scr_node *body;  /* statement list */
	const struct tdm_scr_stmt *ast;   /* while compiling */
	bool acyclic, visiting;  /* cycle search state */
	struct tdm_scr_route *next;
};

/* A per-transaction variable of `transaction { }`. */
struct tdm_scr_txnvar {
	struct tdm_str name;
	struct tdm_value def;
};

/* The `settings { }` block, with the defaults of docs/routing-language.md. */
struct tdm_scr_settings {
	struct tdm_value listen;          /* list of str */
	int64_t workers;                  /* 0: number of cores */
	struct tdm_value domains;         /* list of str */
	struct tdm_str database;
	struct tdm_value module_path;     /* list of str */
	/* Every setting of the table in conf/settings.def the block gave
	 * (the ones above included), by id; given[id] says which. */
	struct tdm_value value[TDM_SETTING__COUNT];
	bool given[TDM_SETTING__COUNT];
};

struct tdm_scr_program {
	struct tdm_arena *arena;          /* nodes, constants, names */
	atomic_uint refs;
	struct tdm_scr_route *top[4];     /* request, reply, failure, branch */
	struct tdm_scr_route *routes;     /* every route, in source order */
	unsigned nlocals;                 /* frame size of the deepest route */
	unsigned ntxn;
	struct tdm_scr_txnvar *txn;
	struct tdm_scr_settings settings;
	unsigned max_captures;            /* largest regex group count */
	struct tdm_scr_prep **preps;      /* released with the program */
	unsigned npreps, preps_cap;
	struct tdm_regex **regexes;       /* freed with the program */
	unsigned nregexes, regexes_cap;
	char hash[65];                    /* SHA-256 of the sources, hex */
	int64_t loaded_at;                /* unix time of the compilation */
};

/* Compiles a parsed script: checks it (every error to d, with its
 * position), loads the modules it names (unless they are already
 * loaded), sets their parameters, and builds the program. Returns 0 with
 * *out (one reference), -EBADMSG when errors were reported, -ENOMEM. */
int tdm_scr_compile(const struct tdm_scr_ast *ast, struct tdm_scr_diag *d,
		    struct tdm_scr_program **out);
/* Parses and compiles a file (the start-up and reload pipeline). */
int tdm_scr_load_file(const char *path, struct tdm_scr_diag *d,
		      struct tdm_scr_program **out);

void tdm_scr_program_ref(struct tdm_scr_program *p);
/* Drops a reference; the last one frees the program (and the prepared
 * data of its module calls). NULL is fine. */
void tdm_scr_program_unref(struct tdm_scr_program *p);

/* Runs the top-level route of type `rt` over the context. When the
 * program has no such route nothing happens. A run-time error is logged
 * with its position; in a request route it turns into a reply (400 when a
 * malformed header was read, 500 otherwise). Returns 0, or the negative
 * error after logging it. */
int tdm_scr_run(const struct tdm_scr_program *p, enum tdm_route_type rt,
		struct tdm_scr_ctx *x);

/* Prints the compiled form (--dump-program). */
void tdm_scr_program_dump(const struct tdm_scr_program *p, struct tdm_buf *out);

/* ---- inside the VM ------------------------------------------------------ */

#define TDM_SCR_CAPTURES 10
/* Pieces of one "text ${expr} text" string (text and expressions). */
#define TDM_SCR_INTERP_PARTS 32

struct tdm_scr_run {
	const struct tdm_scr_program *p;
	struct tdm_scr_ctx *x;
	struct tdm_value *locals;
	struct tdm_value *txn;            /* x->txn_vars, or defaults */
	/* The groups of the last successful =~ (capture(0..9)): offsets
	 * into `subject`, copied so a later failed match cannot spoil them. */
	size_t caps[2 * TDM_SCR_CAPTURES];
	unsigned ncaps;
	struct tdm_str subject;
	unsigned depth;                   /* named route nesting */
	struct tdm_scr_pos err_pos;       /* where a run-time error happened */
};

/* Regexes (regex.c). */
struct tdm_regex;
int tdm_scr_regex_compile(const struct tdm_str *pattern, unsigned flags,
			  struct tdm_regex **out, char *err, size_t errlen,
			  uint32_t *err_offset);
void tdm_scr_regex_free(struct tdm_regex *re);
unsigned tdm_scr_regex_groups(const struct tdm_regex *re);
/* 1 match, 0 no match, -errno. A match keeps its groups in the run for
 * capture(n). */
int tdm_scr_regex_match(struct tdm_scr_run *r, const struct tdm_regex *re,
			const struct tdm_str *subject);
/* Group n of the last successful match, or "" . */
struct tdm_str tdm_scr_regex_capture(const struct tdm_scr_run *r, unsigned n);

/* Node functions the compiler installs (vm.c). */
extern tdm_scr_node_fn tdm_scr_vm_const, tdm_scr_vm_local, tdm_scr_vm_txn,
	tdm_scr_vm_field, tdm_scr_vm_interp, tdm_scr_vm_list, tdm_scr_vm_not,
	tdm_scr_vm_neg, tdm_scr_vm_and, tdm_scr_vm_or, tdm_scr_vm_cmp,
	tdm_scr_vm_match, tdm_scr_vm_in, tdm_scr_vm_arith, tdm_scr_vm_concat,
	tdm_scr_vm_builtin, tdm_scr_vm_log, tdm_scr_vm_modcall, tdm_scr_vm_capture,
	tdm_scr_vm_let, tdm_scr_vm_set_txn, tdm_scr_vm_set_field,
	tdm_scr_vm_if, tdm_scr_vm_switch, tdm_scr_vm_expr_stmt,
	tdm_scr_vm_exit, tdm_scr_vm_drop, tdm_scr_vm_return,
	tdm_scr_vm_block, tdm_scr_vm_call_route;

#endif
