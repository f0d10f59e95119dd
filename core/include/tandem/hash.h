/* SPDX-License-Identifier: GPL-2.0-or-later
 * Intrusive hash table: objects embed a struct tdm_hash_node (with their
 * cached hash), so inserting allocates nothing; only the bucket array is
 * on the heap. The table never sees keys: the caller supplies the hash
 * and an equality callback, so one table type serves transactions keyed
 * by branch, dialogs keyed by Call-ID, registrations keyed by AOR. */
#ifndef TANDEM_HASH_H
#define TANDEM_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/compiler.h>
#include <tandem/list.h> /* tdm_container_of() */

/* Embedded in the hashed object. `pprev` points at whichever pointer
 * points to this node (bucket slot or previous node's next), as in the
 * kernel's hlist: removal is O(1) without knowing the bucket. NULL
 * pprev means "not in a table". Fields are private to hash.c except
 * `hash`, which may be read (it is the value given to insert). */
struct tdm_hash_node {
	struct tdm_hash_node *next;
	struct tdm_hash_node **pprev;
	uint32_t hash;
};

/* The table. No locks inside: a table belongs to one thread, or the
 * caller locks around every call (for a shared transaction table, use
 * striped locks: N tables, or one lock per group of buckets chosen from
 * the hash, held by the caller). Fields are private to hash.c. */
struct tdm_hash {
	struct tdm_hash_node **buckets; /* owned, power-of-two count */
	unsigned bits;                  /* log2 of the bucket count */
	size_t count;
	bool fixed;                     /* never grow */
};

/* Key comparison: true when `node` holds `key`. `arg` is passed through
 * from the lookup (for context such as "case-insensitive" or a method). */
typedef bool tdm_hash_eq_fn(const struct tdm_hash_node *node, const void *key,
			    void *arg);
/* Walk callback: may remove (and free) `node`; a non-zero return stops
 * the walk and is returned by tdm_hash_walk(). */
typedef int tdm_hash_walk_fn(struct tdm_hash_node *node, void *arg);

/* tdm_hash_init() flags. */
#define TDM_HASH_FIXED 0x1u /* keep the initial size, never rehash */

#define TDM_HASH_MAX_BITS 30

/* Prepares h with at least `nbuckets` buckets (rounded up to a power of
 * two, at least 8). Without TDM_HASH_FIXED the table doubles whenever
 * the entry count exceeds the bucket count (load > 1). It never shrinks.
 * Returns 0, -ENOMEM, or -EINVAL for unknown flags. */
TDM_API int tdm_hash_init(struct tdm_hash *h, size_t nbuckets, unsigned flags);
/* Frees the bucket array. The nodes still in the table are the caller's
 * (walk and free them first); they are left dangling, not touched.
 * h may be reused after a new tdm_hash_init(). NULL is fine. */
TDM_API void tdm_hash_free(struct tdm_hash *h);

/* Links n (not in any table) with hash value `hash`. Never fails: when
 * growing cannot allocate, the table keeps its size and retries at the
 * next insert (chains get longer, lookups stay correct). Duplicate keys
 * are allowed; find returns one of them, find_next the others. */
TDM_API void tdm_hash_insert(struct tdm_hash *h, struct tdm_hash_node *n,
			     uint32_t hash);
/* Unlinks n from h in O(1). Calling it on a node that is not in the table
 * (never inserted, or already removed) does nothing. */
TDM_API void tdm_hash_remove(struct tdm_hash *h, struct tdm_hash_node *n);
/* The first node whose cached hash equals `hash` and for which
 * eq(node, key, arg) is true, or NULL. eq is only called on nodes with
 * the same full 32-bit hash. */
TDM_API struct tdm_hash_node *tdm_hash_find(const struct tdm_hash *h,
					    uint32_t hash, const void *key,
					    tdm_hash_eq_fn *eq, void *arg);
/* The next match after `prev` (a result of find / find_next), or NULL. */
TDM_API struct tdm_hash_node *tdm_hash_find_next(const struct tdm_hash_node *prev,
						 const void *key,
						 tdm_hash_eq_fn *eq, void *arg);

/* Iteration over every node, in no particular order. The current node may
 * be removed (and freed) once the next one has been fetched, which is what
 * TDM_HASH_FOREACH_SAFE does; inserting while iterating is not allowed
 * (it may rehash). */
TDM_API struct tdm_hash_node *tdm_hash_first(const struct tdm_hash *h);
TDM_API struct tdm_hash_node *tdm_hash_next(const struct tdm_hash *h,
					    const struct tdm_hash_node *n);
/* Calls fn on every node; fn may remove (and free) the node it is given.
 * Returns 0, or the first non-zero value fn returned. */
TDM_API int tdm_hash_walk(struct tdm_hash *h, tdm_hash_walk_fn *fn, void *arg);

/* The chain for `hash`: for (n = tdm_hash_bucket(h, hash); n; n = n->next)
 * visits every node that may match, plus others sharing the bucket (check
 * n->hash). For callers that want to compare inline, without a callback. */
TDM_API struct tdm_hash_node *tdm_hash_bucket(const struct tdm_hash *h,
					      uint32_t hash);

static inline size_t tdm_hash_count(const struct tdm_hash *h)
{
	return h->count;
}

static inline size_t tdm_hash_nbuckets(const struct tdm_hash *h)
{
	return (size_t)1 << h->bits;
}

/* True when n is currently in a table. Needs n zeroed before first use. */
static inline bool tdm_hash_node_linked(const struct tdm_hash_node *n)
{
	return n->pprev != NULL;
}

#define TDM_HASH_FOREACH(h, n)                                                \
	for ((n) = tdm_hash_first(h); (n); (n) = tdm_hash_next((h), (n)))

/* The body may remove and free n (but no other node); tmp is scratch. */
#define TDM_HASH_FOREACH_SAFE(h, n, tmp)                                      \
	for ((n) = tdm_hash_first(h);                                         \
	     (n) && ((tmp) = tdm_hash_next((h), (n)), 1); (n) = (tmp))

#endif
