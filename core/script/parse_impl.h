/* SPDX-License-Identifier: GPL-2.0-or-later
 * Parser state shared by parse.c (items, statements) and expr.c (the
 * Pratt expression parser). Private to core/script. */
#ifndef TDM_SCR_PARSE_IMPL_H
#define TDM_SCR_PARSE_IMPL_H

#include "script/ast.h"
#include "script/diag.h"
#include "script/lex.h"

/* Nesting (expressions, blocks, "${}") deeper than this is an error
 * rather than a stack overflow. */
#define TDM_SCR_MAX_DEPTH 100

/* Includes nested deeper than this are refused (a cycle is caught before;
 * this bounds the C stack for long non-cyclic chains). */
#define TDM_SCR_MAX_INCLUDE_DEPTH 32

/* A file being parsed: the chain from the main file to the innermost
 * include, for cycle detection and the error's "a -> b -> a". */
struct tdm_scr_incl {
	const char *name;   /* as shown in messages (arena) */
	char *real;         /* realpath(), malloc'ed; NULL for a string */
	struct tdm_scr_incl *up;
	unsigned depth;
};

struct tdm_scr_parser {
	struct tdm_scr_lexer lx;
	struct tdm_scr_tok tok;      /* the current token */
	struct tdm_arena *a;         /* the tree's arena */
	struct tdm_scr_diag *d;
	struct tdm_scr_incl *incl;   /* innermost file being parsed */
	unsigned depth;              /* current nesting */
	struct tdm_scr_pos last_err; /* one error per position */
	int err;                     /* -ENOMEM once memory ran out */
};

/* Moves to the next token (EOF for ever once memory ran out). */
void tdm_scr_parser_advance(struct tdm_scr_parser *p);
/* Reports an error at t, unless t is a lexer error (already reported) or
 * an error was already reported at the same place (an unclosed block
 * inside another one). */
void tdm_scr_parser_error(struct tdm_scr_parser *p,
			  const struct tdm_scr_tok *t, const char *fmt, ...)
	TDM_PRINTF(3, 4);
/* Reports "expected 'X', found Y" at the current token. */
void tdm_scr_parser_expected(struct tdm_scr_parser *p, const char *what);
/* Consumes a token of kind k, or reports "expected" and returns false. */
bool tdm_scr_parser_expect(struct tdm_scr_parser *p, enum tdm_scr_tok_kind k);
/* Arena copy of a slice; sets p->err on failure. */
struct tdm_str tdm_scr_parser_dup(struct tdm_scr_parser *p, struct tdm_str s);
/* Depth accounting around recursion: enter() reports and returns false
 * past TDM_SCR_MAX_DEPTH; every successful enter() needs a leave(). */
bool tdm_scr_parser_enter(struct tdm_scr_parser *p);
static inline void tdm_scr_parser_leave(struct tdm_scr_parser *p)
{
	p->depth--;
}

/* expr.c: a whole expression, and the `postfix` rule alone (statements
 * that start with a name: a call or an assignment's place). NULL after
 * reporting a syntax error (or on -ENOMEM). */
struct tdm_scr_expr *tdm_scr_parse_expr(struct tdm_scr_parser *p);
struct tdm_scr_expr *tdm_scr_parse_postfix(struct tdm_scr_parser *p);
/* The current STRING or REGEX token as a node, consuming it. */
struct tdm_scr_expr *tdm_scr_parse_literal(struct tdm_scr_parser *p);

/* parse.c: parses one file's text (name: as in positions; real: its
 * realpath, owned from here on, or NULL) appending its items at *tail.
 * The current lexer and token are saved around it, so it nests for
 * includes. Returns 0 or -ENOMEM (syntax errors go to the collector). */
int tdm_scr_parse_source(struct tdm_scr_parser *p, const char *name,
			 const struct tdm_scr_src *src, char *real,
			 struct tdm_scr_item ***tail);

/* include.c: reads the file of include item `it` (written at pos),
 * relative to the current file, and parses its items in at *tail;
 * problems (unreadable, cycle, too deep) are reported at pos. */
void tdm_scr_parse_include(struct tdm_scr_parser *p, struct tdm_scr_item *it,
			   const struct tdm_scr_pos *pos,
			   struct tdm_scr_item ***tail);
/* Reads a whole file into a tdm_malloc'ed buffer with a NUL after its
 * len bytes. Returns 0, -ENOMEM or another -errno. */
int tdm_scr_read_file(const char *path, char **out, size_t *len);

#endif
