/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl route test: the case-file reader's state and line tokens,
 * shared by route_cases.c (lines, inputs, the file) and route_expect.c
 * (the expect lines). Private to those two files. */
#ifndef TANDEM_CTL_ROUTE_READ_H
#define TANDEM_CTL_ROUTE_READ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <tandem/compiler.h>
#include "route_cases.h"

/* One token of a line: a word, a "string" (unescaped) or a /pattern/. */
enum rc_tok_kind { T_END, T_WORD, T_STR, T_RE };

struct rc_tok {
	enum rc_tok_kind kind;
	struct tdm_str s;
};

struct rc_reader {
	const char *path;
	FILE *errs;
	unsigned errors;
	struct rc_file *f;
	struct tdm_arena *a;
	struct rc_case defaults;    /* what comes before the first case */
	struct rc_case *cur;        /* the case being read, NULL before */
	struct rc_case **tail;
	const char *p, *end;        /* the rest of the file */
	unsigned lineno;
	const char *lp, *le;        /* the rest of the current line */
	bool re_ok;                 /* a '/' starts a pattern (else a word) */
};

/* Reports "path:line: message" and counts it. */
void rc_err(struct rc_reader *r, unsigned line, const char *fmt, ...)
	TDM_PRINTF(3, 4);
/* The next token of the current line (T_END at its end or a comment).
 * 0, -EBADMSG (reported) or -ENOMEM. */
int rc_next_tok(struct rc_reader *r, struct rc_tok *t);
bool rc_tok_is(const struct rc_tok *t, const char *word);
/* The line must end here; `what` names what came last. */
int rc_end_of_line(struct rc_reader *r, const char *what);
/* A word or "string", as a NUL-terminated copy; `what` names it when
 * missing. */
int rc_word(struct rc_reader *r, const char *what, struct tdm_str *out);
/* A decimal number within [min, max]. */
int rc_number(struct rc_reader *r, const struct tdm_str *s, uint64_t min,
	      uint64_t max, const char *what, uint64_t *out);
/* Makes m from a T_STR (exact) or T_RE (compiled) token. */
int rc_compile_re(struct rc_reader *r, const struct rc_tok *t, struct rc_match *m);
/* "txn.NAME = VALUE" to the end of the line, t being the txn.NAME word. */
int rc_txn_assign(struct rc_reader *r, const struct rc_tok *t, struct tdm_str *name,
		  struct rc_value *v);
/* route_expect.c: an expect line, after the keyword. */
int rc_kw_expect(struct rc_reader *r);

#endif
