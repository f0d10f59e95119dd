/* SPDX-License-Identifier: GPL-2.0-or-later
 * Lexer of the routing language: turns a source buffer into tokens with
 * file:line:col, one token per call, reporting lexical errors to the
 * diagnostics collector. Private to core/script.
 *
 * Context rules (both decided from the previous token's class in tok.def,
 * which for this grammar is exactly "is an operand expected here"):
 *
 * Regex or division. A '/' starts a regex literal unless the previous
 * token ends an operand (a name, integer, string, regex, `true`, `false`,
 * ')' or ']'); then it is the division operator. So `a / b` divides and
 * `x =~ /a/i`, `f(/a/)`, `[/a/]`, an arm `/^1/ => {}` read regexes.
 *
 * Newlines. A line end is returned as TDM_SCR_T_NEWLINE (a statement end)
 * except when
 *   - it is inside ( ) or [ ] (a '{', '}' or ';' closes every open ( and [,
 *     since none of them may appear inside, which keeps one missing ')'
 *     from swallowing the rest of the file);
 *   - the previous token continues the statement (class CONT: an operator,
 *     ',', '.', '=', '=>', `in`, an opening bracket, or another line end or
 *     ';' -- so empty lines and a file's leading lines give no token);
 *   - the next token is `else` (so `}` may be followed by `else` on the
 *     next line).
 * A line end inside a comment counts as the line end of its line.
 *
 * Strings. A string token carries its parts: literal text with escapes
 * decoded, and `${...}` pieces as the source range of the expression; the
 * parser lexes and parses each range with a sub-lexer
 * (tdm_scr_lex_init_range). Inside `${`, the expression ends at the first
 * '}' that is not inside a nested string or a nested '{ }' pair. */
#ifndef TDM_SCR_LEX_H
#define TDM_SCR_LEX_H

#include <stdbool.h>
#include <stdint.h>
#include <tandem/arena.h>
#include <tandem/str.h>
#include "script/diag.h"

enum tdm_scr_tok_kind {
#define TDM_SCR_TOK(name, spelling, cls) TDM_SCR_T_##name,
#include "script/tok.def"
#undef TDM_SCR_TOK
	TDM_SCR_T__COUNT
};

#define TDM_SCR_T_KW_FIRST TDM_SCR_T_SETTINGS
#define TDM_SCR_T_KW_LAST  TDM_SCR_T_IN

/* Regex flags, as written after the closing '/'. */
enum {
	TDM_SCR_RE_I = 1u << 0, /* caseless */
	TDM_SCR_RE_X = 1u << 1, /* extended */
	TDM_SCR_RE_S = 1u << 2, /* dot matches newline */
	TDM_SCR_RE_M = 1u << 3, /* multiline */
};

/* A piece of a string literal. Memory: the lexer's arena. */
struct tdm_scr_lpart {
	bool is_expr;
	/* Text part: the decoded bytes. Expression part: the source bytes
	 * between "${" and "}" (a slice of the lexer's source). */
	struct tdm_str text;
	uint32_t line, col;  /* where text starts in the source */
	struct tdm_scr_lpart *next;
};

struct tdm_scr_tok {
	enum tdm_scr_tok_kind kind;
	struct tdm_scr_pos pos;
	struct tdm_str text;  /* the token's source bytes */
	union {
		uint64_t i;  /* INT: 0 .. 2^63 (2^63 only valid after '-') */
		struct tdm_scr_lpart *parts;  /* STRING: NULL for "" */
		struct {
			struct tdm_str pattern;  /* raw, "\/" kept */
			unsigned flags;          /* TDM_SCR_RE_* */
		} re;
	} u;
};

struct tdm_scr_lexer {
	const char *src;     /* source text (the diag collector's copy) */
	size_t pos, end;     /* next byte; end of the range */
	size_t line_start;   /* offset of the current line's first byte */
	uint32_t line;
	const char *file;    /* name for positions, lives in the arena */
	struct tdm_arena *a; /* string parts and decoded text */
	struct tdm_scr_diag *d;
	enum tdm_scr_tok_kind prev;  /* class source for the context rules */
	unsigned depth;      /* open ( and [ */
	unsigned nest;       /* string nesting while scanning ${ } */
	bool nomem;          /* an arena allocation failed */
};

/* Lex src[0..len) of `file` (a name that outlives the tokens). */
void tdm_scr_lex_init(struct tdm_scr_lexer *lx, const char *file,
		      const char *src, size_t len, struct tdm_arena *a,
		      struct tdm_scr_diag *d);
/* Lex only src[start..end), whose first byte is at line:col (used for the
 * expression inside "${...}"). */
void tdm_scr_lex_init_range(struct tdm_scr_lexer *lx, const char *file,
			    const char *src, size_t start, size_t end,
			    uint32_t line, uint32_t col, struct tdm_arena *a,
			    struct tdm_scr_diag *d);
/* The next token. Lexical errors are reported to the collector and come
 * back as TDM_SCR_T_ERROR; after the end, TDM_SCR_T_EOF for ever. */
void tdm_scr_lex_next(struct tdm_scr_lexer *lx, struct tdm_scr_tok *t);
/* Forget open ( and [ (the parser calls it when it recovers from an error,
 * so newlines end statements again). */
void tdm_scr_lex_reset_nesting(struct tdm_scr_lexer *lx);

/* "end of file", "==", "settings" ... */
const char *tdm_scr_tok_spelling(enum tdm_scr_tok_kind k);
/* Describes t for "expected X, found Y": "'foo'", "'=='", "'exit'",
 * "a string", "end of line" ... written into buf (long names are cut
 * with "..."). Returns buf. */
const char *tdm_scr_tok_describe(const struct tdm_scr_tok *t, char *buf,
				 size_t size);

#endif
