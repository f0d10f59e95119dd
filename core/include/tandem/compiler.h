/* SPDX-License-Identifier: GPL-2.0-or-later
 * Compiler helpers shared by the core and modules: symbol visibility,
 * branch hints, and SQLite-style checks for states that cannot happen. */
#ifndef TANDEM_COMPILER_H
#define TANDEM_COMPILER_H

#include <assert.h>

/* Marks a function as part of the installed API. The core is built with
 * -fvisibility=hidden, so anything without it stays private. */
#define TDM_API __attribute__((visibility("default")))

#define TDM_LIKELY(x)   __builtin_expect(!!(x), 1)
#define TDM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define TDM_UNUSED      __attribute__((unused))
#define TDM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TDM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* TDM_ALWAYS(x) / TDM_NEVER(x): conditions believed always true / never
 * true. Debug builds assert; release builds keep the test so the caller
 * can still take its defensive branch: if (TDM_NEVER(p == NULL)) return; */
#ifdef NDEBUG
#define TDM_ALWAYS(x) (x)
#define TDM_NEVER(x)  (x)
#else
#define TDM_ALWAYS(x) ((x) ? 1 : (assert(0 && #x), 0))
#define TDM_NEVER(x)  ((x) ? (assert(0 && #x), 1) : 0)
#endif

#endif
