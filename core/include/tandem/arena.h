/* SPDX-License-Identifier: GPL-2.0-or-later
 * Arenas: bump allocation for everything derived from one message (parsed
 * headers, URIs, script temporaries), freed in one go. Not thread-safe:
 * an arena belongs to the one thread handling its message. */
#ifndef TANDEM_ARENA_H
#define TANDEM_ARENA_H

#include <stddef.h>
#include <tandem/compiler.h>
#include <tandem/str.h>

struct tdm_arena;
typedef void tdm_arena_cleanup_fn(void *arg);

/* New arena whose first chunk holds at least `hint` bytes.
 * Returns 0 or -ENOMEM. */
TDM_API int tdm_arena_new(struct tdm_arena **out, size_t hint);
/* Frees every chunk after running the cleanups (last registered first).
 * NULL is fine. */
TDM_API void tdm_arena_free(struct tdm_arena *a);
/* Runs the cleanups and forgets every allocation, keeping the first chunk
 * for reuse: a worker parses message after message without malloc. */
TDM_API void tdm_arena_reset(struct tdm_arena *a);

/* size bytes aligned to 16 (8 on 32-bit); NULL when out of memory. */
TDM_API void *tdm_arena_alloc(struct tdm_arena *a, size_t size);
TDM_API void *tdm_arena_zalloc(struct tdm_arena *a, size_t size);
/* NUL-terminated copy of a slice (for libraries that need C strings). */
TDM_API char *tdm_arena_strdup(struct tdm_arena *a, const struct tdm_str *s);
TDM_API void *tdm_arena_memdup(struct tdm_arena *a, const void *p, size_t len);
/* Runs fn(arg) when the arena is reset or freed. Returns 0 or -ENOMEM. */
TDM_API int tdm_arena_cleanup(struct tdm_arena *a, tdm_arena_cleanup_fn *fn,
			      void *arg);
/* Bytes handed out since creation or the last reset. */
TDM_API size_t tdm_arena_used(const struct tdm_arena *a);

#endif
