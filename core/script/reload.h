/* SPDX-License-Identifier: GPL-2.0-or-later
 * The running program and its atomic replacement (SIGHUP, the admin API).
 * A reload compiles the new script aside; only when everything succeeded
 * is it swapped in. A failed reload leaves the running program untouched,
 * and the next good one still works. Work in flight keeps a reference to
 * the program it started with, so an old program is freed only when its
 * last run has finished. */
#ifndef TDM_SCR_RELOAD_H
#define TDM_SCR_RELOAD_H

#include <stdint.h>
#include <tandem/buf.h>
#include "script/program.h"

/* Compiles `path` and makes it the running program. Diagnostics (and, on
 * success, a line naming the new version) are appended to report.
 * Returns 0, -EBADMSG (errors reported; the old program still runs) or
 * -ENOMEM. */
int tdm_scr_reload(const char *path, struct tdm_buf *report);
/* The same, with the diagnostics kept in d (initialised by the caller,
 * who finalises it) for callers that list them one by one. */
struct tdm_scr_diag;
int tdm_scr_reload_diag(const char *path, struct tdm_scr_diag *d,
			struct tdm_buf *report);

/* The running program with a reference taken (release it with
 * tdm_scr_program_unref), or NULL before the first successful load.
 * Thread-safe; called once per message. */
struct tdm_scr_program *tdm_scr_current(void);

/* Version of the running program: sha256 of its sources and load time;
 * 0 and an empty hash before the first load. */
void tdm_scr_current_version(char hash[65], int64_t *loaded_at, uint64_t *generation);

/* Drops the running program (shutdown, tests). */
void tdm_scr_current_clear(void);

/* Reloads that succeeded / failed since start (script_reloads_total):
 * loads while a program runs, not the first one. Thread-safe. */
void tdm_scr_reload_counts(uint64_t *ok, uint64_t *failed);

#endif
