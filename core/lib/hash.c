/* SPDX-License-Identifier: GPL-2.0-or-later
 * Intrusive chained hash table with power-of-two buckets and doubling.
 * Chains are kernel-style hlists (next + pprev) so a node unlinks itself
 * in O(1), which transaction and timer code does constantly. */
#include <errno.h>
#include <tandem/alloc.h>
#include <tandem/hash.h>

#define MIN_BITS 3

/* Bucket index from the caller's hash. Fibonacci hashing takes the top
 * bits of hash * 2^32/phi, so keys whose low bits are poor (small
 * integers, pointers) still spread; a plain mask would not. */
static size_t bucket_of(uint32_t hash, unsigned bits)
{
	return (uint32_t)(hash * 0x9E3779B1u) >> (32 - bits);
}

static void link_head(struct tdm_hash_node **slot, struct tdm_hash_node *n)
{
	n->next = *slot;
	if (n->next)
		n->next->pprev = &n->next;
	n->pprev = slot;
	*slot = n;
}

int tdm_hash_init(struct tdm_hash *h, size_t nbuckets, unsigned flags)
{
	unsigned bits = MIN_BITS;

	if (flags & ~TDM_HASH_FIXED)
		return -EINVAL;
	while (bits < TDM_HASH_MAX_BITS && ((size_t)1 << bits) < nbuckets)
		bits++;
	h->buckets = tdm_calloc((size_t)1 << bits, sizeof(*h->buckets));
	if (!h->buckets)
		return -ENOMEM;
	h->bits = bits;
	h->count = 0;
	h->fixed = flags & TDM_HASH_FIXED;
	return 0;
}

void tdm_hash_free(struct tdm_hash *h)
{
	if (!h)
		return;
	tdm_free(h->buckets);
	h->buckets = NULL;
	h->count = 0;
}

/* Doubles the bucket array and relinks every node. On allocation failure
 * the table simply stays as it is. */
static void grow(struct tdm_hash *h)
{
	unsigned bits = h->bits + 1;
	size_t old_n = (size_t)1 << h->bits;
	struct tdm_hash_node **nb = tdm_calloc((size_t)1 << bits, sizeof(*nb));

	if (!nb)
		return;
	for (size_t i = 0; i < old_n; i++) {
		struct tdm_hash_node *n = h->buckets[i];
		while (n) {
			struct tdm_hash_node *next = n->next;
			link_head(&nb[bucket_of(n->hash, bits)], n);
			n = next;
		}
	}
	tdm_free(h->buckets);
	h->buckets = nb;
	h->bits = bits;
}

void tdm_hash_insert(struct tdm_hash *h, struct tdm_hash_node *n, uint32_t hash)
{
	n->hash = hash;
	link_head(&h->buckets[bucket_of(hash, h->bits)], n);
	h->count++;
	if (h->count > ((size_t)1 << h->bits) && !h->fixed &&
	    h->bits < TDM_HASH_MAX_BITS)
		grow(h);
}

void tdm_hash_remove(struct tdm_hash *h, struct tdm_hash_node *n)
{
	if (!n->pprev)
		return;
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
	n->next = NULL;
	n->pprev = NULL;
	h->count--;
}

/* First match at or after n along one chain. */
static struct tdm_hash_node *scan_chain(struct tdm_hash_node *n, uint32_t hash,
					const void *key, tdm_hash_eq_fn *eq,
					void *arg)
{
	for (; n; n = n->next)
		if (n->hash == hash && eq(n, key, arg))
			return n;
	return NULL;
}

struct tdm_hash_node *tdm_hash_find(const struct tdm_hash *h, uint32_t hash,
				    const void *key, tdm_hash_eq_fn *eq,
				    void *arg)
{
	return scan_chain(h->buckets[bucket_of(hash, h->bits)], hash, key, eq,
			  arg);
}

struct tdm_hash_node *tdm_hash_find_next(const struct tdm_hash_node *prev,
					 const void *key, tdm_hash_eq_fn *eq,
					 void *arg)
{
	return scan_chain(prev->next, prev->hash, key, eq, arg);
}

struct tdm_hash_node *tdm_hash_bucket(const struct tdm_hash *h, uint32_t hash)
{
	return h->buckets[bucket_of(hash, h->bits)];
}

/* First node in bucket `from` or a later one. */
static struct tdm_hash_node *first_from(const struct tdm_hash *h, size_t from)
{
	size_t nb = (size_t)1 << h->bits;

	for (size_t i = from; i < nb; i++)
		if (h->buckets[i])
			return h->buckets[i];
	return NULL;
}

struct tdm_hash_node *tdm_hash_first(const struct tdm_hash *h)
{
	return first_from(h, 0);
}

struct tdm_hash_node *tdm_hash_next(const struct tdm_hash *h,
				    const struct tdm_hash_node *n)
{
	if (n->next)
		return n->next;
	return first_from(h, bucket_of(n->hash, h->bits) + 1);
}

int tdm_hash_walk(struct tdm_hash *h, tdm_hash_walk_fn *fn, void *arg)
{
	struct tdm_hash_node *n, *next;
	int rc;

	for (n = tdm_hash_first(h); n; n = next) {
		next = tdm_hash_next(h, n);
		rc = fn(n, arg);
		if (rc)
			return rc;
	}
	return 0;
}
