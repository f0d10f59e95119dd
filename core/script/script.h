/* SPDX-License-Identifier: GPL-2.0-or-later
 * Entry points of the routing-script front end inside the core (not
 * installed): parse a file or a string into a syntax tree (ast.h),
 * reporting every problem to a diagnostics collector (diag.h). */
#ifndef TDM_SCR_SCRIPT_H
#define TDM_SCR_SCRIPT_H

#include <stddef.h>
#include <tandem/arena.h>
#include "script/ast.h"
#include "script/diag.h"

/* Parses the script in file `path` and every file it includes (relative
 * to the including file) into one tree allocated from `a`. The sources
 * are copied into `d`, which must outlive the printing of its messages
 * (the tree itself needs only the arena).
 *
 * Returns 0 when no error was reported; -EBADMSG when some were (then
 * *out is still set: the tree holds what could be parsed, for dumps);
 * -errno when `path` cannot be read (reported too, *out not set);
 * -ENOMEM (*out not set). Errors stop being collected at d->limit. */
int tdm_scr_parse_file(const char *path, struct tdm_scr_diag *d,
		       struct tdm_arena *a, struct tdm_scr_ast **out);
/* Same for text[0..len) named `name` (includes resolve relative to the
 * directory part of name, the current directory when it has none). */
int tdm_scr_parse_string(const char *name, const char *text, size_t len,
			 struct tdm_scr_diag *d, struct tdm_arena *a,
			 struct tdm_scr_ast **out);

#endif
