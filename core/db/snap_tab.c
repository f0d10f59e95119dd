/* SPDX-License-Identifier: GPL-2.0-or-later
 * The snapshot's table and dictionary primitives (see snap.h): striped
 * chained hashes keyed by the caller's hash, with a writer-only index by
 * row id, and the domain-name dictionary. Nothing here knows what an
 * entry holds beyond its 32-byte head. */
#include <errno.h>
#include <malloc.h>
#include <string.h>
#include <tandem/alloc.h>
#include "db/snap.h"

/* FNV-1a over user, '@', then the domain folded to lower case. */
uint32_t snap_key_hash(const struct tdm_str *user, const struct tdm_str *dom)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < user->len; i++)
		h = (h ^ (uint8_t)user->s[i]) * 16777619u;
	h = (h ^ '@') * 16777619u;
	for (size_t i = 0; i < dom->len; i++)
		h = (h ^ (uint8_t)tdm_lower(dom->s[i])) * 16777619u;
	/* FNV's high bits mix poorly; the stripe is taken from them */
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h;
}

/* What an allocation really costs: the usable size plus glibc's chunk
 * header. */
static size_t cost(void *p)
{
	return malloc_usable_size(p) + sizeof(size_t);
}

int snap_tab_init(struct snap_tab *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < SNAP_STRIPES; i++) {
		struct snap_stripe *s = &t->s[i];
		pthread_rwlock_init(&s->lock, NULL);
		s->b = tdm_calloc(8, sizeof(*s->b));
		if (!s->b)
			goto fail;
		s->mask = 7;
	}
	t->idb = tdm_calloc(64, sizeof(*t->idb));
	if (!t->idb)
		goto fail;
	t->idmask = 63;
	return 0;
fail:
	snap_tab_free(t);
	return -ENOMEM;
}

void snap_tab_free(struct snap_tab *t)
{
	for (uint32_t i = 0; t->idb && i <= t->idmask; i++)
		for (struct snap_ent *e = t->idb[i], *n; e; e = n) {
			n = e->id_next;
			tdm_free(e);
		}
	tdm_free(t->idb);
	for (unsigned i = 0; i < SNAP_STRIPES; i++) {
		tdm_free(t->s[i].b);
		pthread_rwlock_destroy(&t->s[i].lock);
	}
	memset(t, 0, sizeof(*t));
}

static inline uint32_t id_slot(const struct snap_tab *t, int64_t id)
{
	uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(x >> 32) & t->idmask;
}

/* Doubles the id index when it holds more entries than buckets; on
 * ENOMEM the table just gets longer chains. */
static void id_grow(struct snap_tab *t)
{
	uint32_t om = t->idmask, nm = om * 2 + 1;
	struct snap_ent **nb, **ob = t->idb;

	if (t->count <= (size_t)om + 1 || nm > (1u << 30))
		return;
	if (!(nb = tdm_calloc((size_t)nm + 1, sizeof(*nb))))
		return;
	t->idb = nb;
	t->idmask = nm;
	for (uint32_t i = 0; i <= om; i++)
		for (struct snap_ent *e = ob[i], *n; e; e = n) {
			uint32_t k = id_slot(t, e->id);
			n = e->id_next;
			e->id_next = nb[k];
			nb[k] = e;
		}
	tdm_free(ob);
}

/* Same for a stripe; called with its write lock held. */
static void stripe_grow(struct snap_stripe *s)
{
	uint32_t om = s->mask, nm = om * 2 + 1;
	struct snap_ent **nb, **ob = s->b;

	if (s->count <= om + 1 || nm > (1u << 26))
		return;
	if (!(nb = tdm_calloc((size_t)nm + 1, sizeof(*nb))))
		return;
	for (uint32_t i = 0; i <= om; i++)
		for (struct snap_ent *e = ob[i], *n; e; e = n) {
			n = e->next;
			e->next = nb[e->hash & nm];
			nb[e->hash & nm] = e;
		}
	s->b = nb;
	s->mask = nm;
	tdm_free(ob);
}

static void stripe_link(struct snap_stripe *s, struct snap_ent *e)
{
	struct snap_ent **b = &s->b[e->hash & s->mask];

	e->next = *b;
	*b = e;
	s->count++;
	stripe_grow(s);
}

static void stripe_unlink(struct snap_stripe *s, struct snap_ent *e)
{
	for (struct snap_ent **p = &s->b[e->hash & s->mask]; *p; p = &(*p)->next)
		if (*p == e) {
			*p = e->next;
			s->count--;
			return;
		}
}

/* Takes the entry with that id out of the id index (not the stripes). */
static struct snap_ent *id_unlink(struct snap_tab *t, int64_t id)
{
	for (struct snap_ent **p = &t->idb[id_slot(t, id)]; *p; p = &(*p)->id_next)
		if ((*p)->id == id) {
			struct snap_ent *e = *p;
			*p = e->id_next;
			t->count--;
			return e;
		}
	return NULL;
}

int snap_tab_put(struct snap_tab *t, struct snap_ent *e, size_t size)
{
	struct snap_ent *old = id_unlink(t, e->id);
	struct snap_stripe *ns = snap_stripe_of(t, e->hash);
	uint32_t k;
	(void)size;

	/* the new entry becomes visible before the old one goes, in one
	 * critical section when both are in the same stripe */
	pthread_rwlock_wrlock(&ns->lock);
	stripe_link(ns, e);
	if (old && snap_stripe_of(t, old->hash) == ns)
		stripe_unlink(ns, old);
	pthread_rwlock_unlock(&ns->lock);
	if (old && snap_stripe_of(t, old->hash) != ns) {
		struct snap_stripe *os = snap_stripe_of(t, old->hash);
		pthread_rwlock_wrlock(&os->lock);
		stripe_unlink(os, old);
		pthread_rwlock_unlock(&os->lock);
	}
	if (old) {
		t->bytes -= cost(old);
		tdm_free(old);
	}
	k = id_slot(t, e->id);
	e->id_next = t->idb[k];
	t->idb[k] = e;
	t->count++;
	t->bytes += cost(e);
	id_grow(t);
	return 0;
}

static void drop(struct snap_tab *t, struct snap_ent *e)
{
	struct snap_stripe *s = snap_stripe_of(t, e->hash);

	pthread_rwlock_wrlock(&s->lock);
	stripe_unlink(s, e);
	pthread_rwlock_unlock(&s->lock);
	t->bytes -= cost(e);
	tdm_free(e);
}

int snap_tab_del(struct snap_tab *t, int64_t id)
{
	struct snap_ent *e = id_unlink(t, id);

	if (!e)
		return -ENOENT;
	drop(t, e);
	return 0;
}

void snap_tab_mark(struct snap_tab *t)
{
	/* SNAP_SEEN is only read and written by the writer, but it shares a
	 * word with dom, which readers read: change it under the lock */
	for (unsigned i = 0; i < SNAP_STRIPES; i++) {
		struct snap_stripe *s = &t->s[i];
		pthread_rwlock_wrlock(&s->lock);
		for (uint32_t b = 0; b <= s->mask; b++)
			for (struct snap_ent *e = s->b[b]; e; e = e->next)
				e->dom &= ~SNAP_SEEN;
		pthread_rwlock_unlock(&s->lock);
	}
}

size_t snap_tab_sweep(struct snap_tab *t)
{
	size_t gone = 0;

	for (uint32_t i = 0; i <= t->idmask; i++)
		for (struct snap_ent **p = &t->idb[i]; *p;) {
			struct snap_ent *e = *p;
			if (e->dom & SNAP_SEEN) {
				p = &e->id_next;
				continue;
			}
			*p = e->id_next;
			t->count--;
			drop(t, e);
			gone++;
		}
	return gone;
}

size_t snap_tab_bytes(const struct snap_tab *t)
{
	size_t b = t->bytes + ((size_t)t->idmask + 1) * sizeof(void *);

	for (unsigned i = 0; i < SNAP_STRIPES; i++)
		b += ((size_t)t->s[i].mask + 1) * sizeof(void *);
	return b;
}

/* ---- The domain dictionary ------------------------------------------ */

static bool name_eq(const char *n, const struct tdm_str *s)
{
	if ((uint8_t)n[0] != s->len)
		return false;
	for (size_t i = 0; i < s->len; i++)
		if (n[1 + i] != tdm_lower(s->s[i]))
			return false;
	return true;
}

static int dict_grow(struct snap_dict *d)
{
	uint32_t nc = d->cap ? d->cap * 2 : 64, *ns;

	if (!(ns = tdm_calloc(nc, sizeof(*ns))))
		return -ENOMEM;
	for (uint32_t i = 0; i < d->n; i++) {
		size_t len;
		const char *n = snap_dict_name(d, i, &len);
		uint32_t k = snap_key_hash(&TDM_STR(""),
					   &(struct tdm_str){ n, len }) & (nc - 1);
		while (ns[k])
			k = (k + 1) & (nc - 1);
		ns[k] = i + 1;
	}
	tdm_free(d->slot);
	d->bytes += (size_t)(nc - d->cap) * sizeof(*ns);
	d->slot = ns;
	d->cap = nc;
	return 0;
}

int snap_dict_intern(struct snap_dict *d, const struct tdm_str *name,
		     uint32_t *idx)
{
	uint32_t k, c;
	char *n, **chunk;

	if (!name->len || name->len > 255)
		return -EINVAL;
	if (d->n * 2 >= d->cap && dict_grow(d))
		return -ENOMEM;
	k = snap_key_hash(&TDM_STR(""), name) & (d->cap - 1);
	for (; d->slot[k]; k = (k + 1) & (d->cap - 1))
		if (name_eq(d->chunk[(d->slot[k] - 1) / SNAP_DICT_CHUNK]
			    [(d->slot[k] - 1) % SNAP_DICT_CHUNK], name)) {
			*idx = d->slot[k] - 1;
			return 0;
		}
	c = d->n / SNAP_DICT_CHUNK;
	if (c >= SNAP_DICT_CHUNKS)
		return -ENOSPC;
	if (!(chunk = d->chunk[c])) {
		if (!(chunk = tdm_calloc(SNAP_DICT_CHUNK, sizeof(*chunk))))
			return -ENOMEM;
		d->chunk[c] = chunk;
		d->bytes += SNAP_DICT_CHUNK * sizeof(*chunk);
	}
	if (!(n = tdm_malloc(name->len + 2)))
		return -ENOMEM;
	n[0] = (char)name->len;
	for (size_t i = 0; i < name->len; i++)
		n[1 + i] = tdm_lower(name->s[i]);
	n[1 + name->len] = 0;
	chunk[d->n % SNAP_DICT_CHUNK] = n;
	d->bytes += cost(n);
	d->slot[k] = ++d->n;
	*idx = d->n - 1;
	return 0;
}

const char *snap_dict_name(const struct snap_dict *d, uint32_t idx, size_t *len)
{
	const char *n = d->chunk[idx / SNAP_DICT_CHUNK][idx % SNAP_DICT_CHUNK];

	*len = (uint8_t)n[0];
	return n + 1;
}

void snap_dict_free(struct snap_dict *d)
{
	for (uint32_t i = 0; i < d->n; i++)
		tdm_free(d->chunk[i / SNAP_DICT_CHUNK][i % SNAP_DICT_CHUNK]);
	for (unsigned c = 0; c < SNAP_DICT_CHUNKS; c++)
		tdm_free(d->chunk[c]);
	tdm_free(d->slot);
	memset(d, 0, sizeof(*d));
}
