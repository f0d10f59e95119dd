/* SPDX-License-Identifier: GPL-2.0-or-later
 * Allocation wrappers. Every heap allocation of the core goes through
 * these so tests can count live blocks (leak check after each test) and
 * make the Nth allocation fail (OOM injection, as SQLite and re do). */
#ifndef TANDEM_ALLOC_H
#define TANDEM_ALLOC_H

#include <stddef.h>
#include <tandem/compiler.h>

/* malloc/calloc/realloc/free; NULL (and nothing counted) on failure.
 * tdm_free(NULL) does nothing. Thread-safe. */
TDM_API void *tdm_malloc(size_t size);
TDM_API void *tdm_calloc(size_t n, size_t size);
TDM_API void *tdm_realloc(void *p, size_t size);
TDM_API void tdm_free(void *p);
TDM_API char *tdm_strndup(const char *s, size_t len);

/* Blocks allocated and not yet freed, process-wide. */
TDM_API long tdm_alloc_live(void);
/* Fault injection for tests: the allocation after the next n succeeds-in-a-
 * row fails (n = 0 fails the very next one); -1 switches it off. */
TDM_API void tdm_alloc_fail_after(long n);
/* True when an injected failure has happened since the last call to
 * tdm_alloc_fail_after(). */
TDM_API int tdm_alloc_failed(void);

#endif
