/* SPDX-License-Identifier: GPL-2.0-or-later
 * Diagnostics of the routing-script front end: the parser and the checker
 * report errors and warnings here with a file:line:col; the collector
 * keeps the text of every file loaded so it can print the offending line
 * with a caret under the column. Private to core/script. */
#ifndef TDM_SCR_DIAG_H
#define TDM_SCR_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <tandem/buf.h>
#include <tandem/compiler.h>

/* Errors collected before the front end gives up (docs: "up to 50"). */
#define TDM_SCR_DIAG_LIMIT 50

/* A position in a script. `file` is a NUL-terminated name owned by
 * whoever made the position (the AST's arena); line and col count from 1,
 * col in bytes. line 0 means "the whole file" (e.g. it cannot be read). */
struct tdm_scr_pos {
	const char *file;
	uint32_t line;
	uint32_t col;
};

enum tdm_scr_sev {
	TDM_SCR_ERROR,
	TDM_SCR_WARNING,
};

/* One file loaded for parsing; the collector owns both strings. */
struct tdm_scr_src {
	char *name;  /* as given or resolved (include), NUL-terminated */
	char *text;  /* the bytes, NUL-terminated (text[len] == 0) */
	size_t len;
};

struct tdm_scr_diag_entry {
	enum tdm_scr_sev sev;
	char *file;  /* owned copy */
	uint32_t line, col;
	char *msg;   /* owned, formatted */
};

/* The collector. Owns every source and entry; tdm_scr_diag_fini() frees
 * them. Not thread-safe (one per compilation). */
struct tdm_scr_diag {
	struct tdm_scr_src *srcs;
	unsigned nsrcs, srcs_cap;
	struct tdm_scr_diag_entry *ents;
	unsigned nents, ents_cap;
	unsigned errors;    /* errors recorded (at most limit) */
	unsigned warnings;
	unsigned limit;     /* TDM_SCR_DIAG_LIMIT unless changed */
	bool truncated;     /* an error was dropped because of the limit */
	int err;            /* -ENOMEM if an entry could not be stored */
};

void tdm_scr_diag_init(struct tdm_scr_diag *d);
void tdm_scr_diag_fini(struct tdm_scr_diag *d);

/* Copies a file's name and text into the collector so lines can be shown
 * later. Returns the stored source (its text is what the lexer should
 * read: it stays put until fini) or NULL on -ENOMEM. */
const struct tdm_scr_src *tdm_scr_diag_add_source(struct tdm_scr_diag *d,
						  const char *name,
						  const char *text, size_t len);
/* Same, taking ownership of text (tdm_malloc'ed, len + 1 bytes with a
 * NUL at text[len]); text is freed on failure too. */
const struct tdm_scr_src *tdm_scr_diag_adopt_source(struct tdm_scr_diag *d,
						    const char *name,
						    char *text, size_t len);
/* The stored source named `file`, or NULL. */
const struct tdm_scr_src *tdm_scr_diag_source(const struct tdm_scr_diag *d,
					      const char *file);

/* Record an error or a warning at pos (NULL pos: no position). Errors past
 * the limit are dropped and set `truncated`. Out of memory is remembered
 * in d->err and the error is still counted. */
void tdm_scr_diag_error(struct tdm_scr_diag *d, const struct tdm_scr_pos *pos,
			const char *fmt, ...) TDM_PRINTF(3, 4);
void tdm_scr_diag_warning(struct tdm_scr_diag *d,
			  const struct tdm_scr_pos *pos, const char *fmt, ...)
	TDM_PRINTF(3, 4);
void tdm_scr_diag_report(struct tdm_scr_diag *d, enum tdm_scr_sev sev,
			 const struct tdm_scr_pos *pos, const char *fmt,
			 va_list ap);

static inline unsigned tdm_scr_diag_errors(const struct tdm_scr_diag *d)
{
	return d->errors;
}

/* True once the error limit is reached: stop looking for more. */
static inline bool tdm_scr_diag_full(const struct tdm_scr_diag *d)
{
	return d->errors >= d->limit;
}

/* Appends entry i as
 *   file:line:col: error: message
 *   <the source line>
 *   <caret line: the line's tabs kept, other bytes as spaces, then '^'>
 * (only the first line when the position has no line or the file's text
 * is unknown). Returns 0 or -ENOMEM. */
int tdm_scr_diag_format_entry(const struct tdm_scr_diag *d, unsigned i,
			      struct tdm_buf *out);
/* Every entry in order, then "too many errors; giving up after 50" when
 * errors were dropped. Returns 0 or -ENOMEM. */
int tdm_scr_diag_format(const struct tdm_scr_diag *d, struct tdm_buf *out);
/* tdm_scr_diag_format() to a stdio stream. */
void tdm_scr_diag_print(const struct tdm_scr_diag *d, FILE *f);

#endif
