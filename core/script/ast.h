/* SPDX-License-Identifier: GPL-2.0-or-later
 * Syntax tree of a routing script, as the parser builds it and the checker
 * and compiler read it. One node kind per construct of the grammar in
 * docs/routing-language.md; every node carries its source position.
 *
 * Memory: every node, name and string of a tree lives in the arena given
 * to the parser (one arena per compiled script), including the file names
 * in positions: the tree needs nothing else to stay valid. Sequences are
 * singly linked through `next`, in source order. Private to core/script. */
#ifndef TDM_SCR_AST_H
#define TDM_SCR_AST_H

#include <stdbool.h>
#include <stdint.h>
#include <tandem/arena.h>
#include <tandem/buf.h>
#include <tandem/str.h>
#include "script/diag.h"

/* Operators of unary and binary expressions. */
enum tdm_scr_op {
	TDM_SCR_OP_NOT,    /* !a */
	TDM_SCR_OP_NEG,    /* -a (not for an integer literal: see INT) */
	TDM_SCR_OP_OR,     /* a || b */
	TDM_SCR_OP_AND,    /* a && b */
	TDM_SCR_OP_EQ,     /* a == b */
	TDM_SCR_OP_NE,     /* a != b */
	TDM_SCR_OP_LT,     /* a < b */
	TDM_SCR_OP_GT,     /* a > b */
	TDM_SCR_OP_LE,     /* a <= b */
	TDM_SCR_OP_GE,     /* a >= b */
	TDM_SCR_OP_MATCH,  /* a =~ b */
	TDM_SCR_OP_NMATCH, /* a !~ b */
	TDM_SCR_OP_IN,     /* a in b */
	TDM_SCR_OP_ADD,    /* a + b */
	TDM_SCR_OP_SUB,    /* a - b */
	TDM_SCR_OP_MUL,    /* a * b */
	TDM_SCR_OP_DIV,    /* a / b */
	TDM_SCR_OP_MOD,    /* a % b */
};

/* "!", "-", "||" ... as written in the source. */
const char *tdm_scr_op_name(enum tdm_scr_op op);

enum tdm_scr_expr_kind {
	TDM_SCR_E_INT,    /* u.i; "-5" is one literal, not NEG of 5 */
	TDM_SCR_E_STR,    /* u.str */
	TDM_SCR_E_REGEX,  /* u.re */
	TDM_SCR_E_BOOL,   /* u.b */
	TDM_SCR_E_LIST,   /* u.list: [a, b] */
	TDM_SCR_E_NAME,   /* u.name: a local, or a word such as `info` */
	TDM_SCR_E_FIELD,  /* u.field: obj.name */
	TDM_SCR_E_CALL,   /* u.call: f(args), mod.f(args) */
	TDM_SCR_E_INDEX,  /* u.index: obj[index] */
	TDM_SCR_E_UNARY,  /* u.unary */
	TDM_SCR_E_BINARY, /* u.binary */
};

/* One piece of a string literal: text, or an interpolated expression. */
struct tdm_scr_spart {
	struct tdm_str text;        /* decoded text (when expr is NULL) */
	struct tdm_scr_expr *expr;  /* the expression of "${expr}" */
	struct tdm_scr_pos pos;
	struct tdm_scr_spart *next;
};

struct tdm_scr_expr {
	enum tdm_scr_expr_kind kind;
	struct tdm_scr_pos pos;      /* first token; operator for binary */
	struct tdm_scr_expr *next;   /* next list item / argument / pattern */
	union {
		int64_t i;
		bool b;
		struct {
			/* NULL for ""; a constant string has one text part */
			struct tdm_scr_spart *parts;
			bool interpolated;   /* some part is an expression */
		} str;
		struct {
			struct tdm_str pattern;  /* as written, "\/" kept */
			unsigned flags;          /* TDM_SCR_RE_* (lex.h) */
		} re;
		struct {
			struct tdm_scr_expr *first;
			unsigned count;
		} list;
		struct tdm_str name;
		struct {
			struct tdm_scr_expr *obj;
			struct tdm_str name;
			/* "request.uri.user" when obj is a name or such a
			 * dotted field; empty otherwise (f().x, a[0].x) */
			struct tdm_str path;
		} field;
		struct {
			/* "reply", "registrar.save": callees are always a
			 * name or a dotted name (the parser refuses others) */
			struct tdm_str callee;
			struct tdm_scr_expr *args;
			unsigned nargs;
		} call;
		struct {
			struct tdm_scr_expr *obj, *index;
		} index;
		struct {
			enum tdm_scr_op op;
			struct tdm_scr_expr *operand;
		} unary;
		struct {
			enum tdm_scr_op op;
			struct tdm_scr_expr *lhs, *rhs;
		} binary;
	} u;
};

/* The string literal's text when it is constant (no "${}"). */
bool tdm_scr_expr_const_str(const struct tdm_scr_expr *e,
			    struct tdm_str *out);

enum tdm_scr_stmt_kind {
	TDM_SCR_S_LET,    /* let name = value */
	TDM_SCR_S_ASSIGN, /* place = value */
	TDM_SCR_S_IF,
	TDM_SCR_S_MATCH,
	TDM_SCR_S_CALL,   /* a call used as a statement */
	TDM_SCR_S_EXIT,
	TDM_SCR_S_DROP,
	TDM_SCR_S_RETURN,
	TDM_SCR_S_BLOCK,
};

/* One arm of a match: patterns (string or regex expressions, linked by
 * `next`) or `else`, then a block. */
struct tdm_scr_arm {
	struct tdm_scr_pos pos;
	struct tdm_scr_expr *patterns;  /* NULL for the else arm */
	unsigned npatterns;
	bool is_else;
	struct tdm_scr_stmt *body;      /* a BLOCK */
	struct tdm_scr_arm *next;
};

struct tdm_scr_stmt {
	enum tdm_scr_stmt_kind kind;
	struct tdm_scr_pos pos;      /* first token */
	struct tdm_scr_stmt *next;
	union {
		struct {
			struct tdm_str name;
			struct tdm_scr_pos name_pos;
			struct tdm_scr_expr *value;
		} let;
		struct {
			/* a NAME or a FIELD with a non-empty path */
			struct tdm_scr_expr *place;
			struct tdm_scr_expr *value;
		} assign;
		struct {
			struct tdm_scr_expr *cond;
			struct tdm_scr_stmt *then;  /* a BLOCK */
			struct tdm_scr_stmt *els;   /* NULL, a BLOCK or an IF */
		} if_;
		struct {
			struct tdm_scr_expr *subject;
			struct tdm_scr_arm *arms;
		} match;
		struct tdm_scr_expr *call;      /* a CALL expression */
		struct {
			struct tdm_scr_stmt *first;
			struct tdm_scr_pos end;     /* the closing '}' */
		} block;
	} u;
};

/* `name = value` in settings, transaction and load blocks. */
struct tdm_scr_setting {
	struct tdm_scr_pos pos;
	struct tdm_str name;
	struct tdm_scr_expr *value;
	struct tdm_scr_setting *next;
};

enum tdm_scr_item_kind {
	TDM_SCR_I_SETTINGS,
	TDM_SCR_I_LOAD,
	TDM_SCR_I_INCLUDE,
	TDM_SCR_I_TRANSACTION,
	TDM_SCR_I_ROUTE,
};

struct tdm_scr_item {
	enum tdm_scr_item_kind kind;
	struct tdm_scr_pos pos;  /* the keyword */
	struct tdm_scr_item *next;
	union {
		/* SETTINGS and TRANSACTION */
		struct tdm_scr_setting *settings;
		struct {
			struct tdm_str name;        /* module name */
			struct tdm_scr_pos name_pos;
			struct tdm_scr_setting *params;
			bool has_params;            /* a { } was written */
		} load;
		/* The included file's items follow this item in the
		 * script's list (the include is spliced in place); it stays
		 * as a marker for dumps and messages. */
		struct {
			struct tdm_str path;       /* as written */
			const char *resolved;      /* relative to the includer */
			unsigned nitems;           /* items spliced after it */
		} include;
		struct {
			struct tdm_str name;       /* request, reply ... or own */
			struct tdm_scr_pos name_pos;
			struct tdm_scr_stmt *body; /* a BLOCK */
		} route;
	} u;
};

/* A parsed script: the main file's items with every include spliced in. */
struct tdm_scr_ast {
	const char *file;            /* the main file's name */
	struct tdm_scr_item *items;
};

/* ---- node construction (parser) ---------------------------------------- */

/* Zeroed nodes of the given kind at pos; NULL when the arena is out of
 * memory. */
struct tdm_scr_expr *tdm_scr_expr_new(struct tdm_arena *a,
				      enum tdm_scr_expr_kind kind,
				      const struct tdm_scr_pos *pos);
struct tdm_scr_stmt *tdm_scr_stmt_new(struct tdm_arena *a,
				      enum tdm_scr_stmt_kind kind,
				      const struct tdm_scr_pos *pos);
struct tdm_scr_item *tdm_scr_item_new(struct tdm_arena *a,
				      enum tdm_scr_item_kind kind,
				      const struct tdm_scr_pos *pos);

/* ---- dumping ----------------------------------------------------------- */

enum {
	/* Everything on one line (tests); default: an item or statement
	 * per line, indented two spaces per level. */
	TDM_SCR_DUMP_ONELINE = 1u << 0,
	/* Append @line:col to each item, statement and expression head. */
	TDM_SCR_DUMP_POS = 1u << 1,
};

/* Prints the tree as s-expressions, e.g.
 *   (script
 *     (load "registrar" (set max_contacts 5))
 *     (route request
 *       (if (== request.method "OPTIONS") (block (call reply 200 "OK") (exit)))))
 * See ast.c for the form of each node. Returns 0 or -ENOMEM. */
int tdm_scr_ast_dump(const struct tdm_scr_ast *ast, unsigned flags,
		     struct tdm_buf *out);
int tdm_scr_stmt_dump(const struct tdm_scr_stmt *s, unsigned flags,
		      struct tdm_buf *out);
int tdm_scr_expr_dump(const struct tdm_scr_expr *e, unsigned flags,
		      struct tdm_buf *out);

#endif
