/* SPDX-License-Identifier: GPL-2.0-or-later
 * usrloc: the registrar's binding store (see usrloc.h for the contract).
 *
 * Layout: a fixed array of buckets, each a chain of AORs; bucket i is
 * protected by stripe lock (i & smask), so one lock covers several
 * buckets and an AOR never moves. An AOR keeps its bindings in a short
 * singly linked list (max_contacts is small). A binding is one block:
 * struct ul_rec followed by its strings, NUL-terminated.
 *
 * Per-domain counts (the registered-contacts statistic by domain): each
 * AOR points to its domain's entry, found once when the AOR is created
 * (under a mutex of its own, taken after a stripe lock, never before);
 * adding or removing a binding then only moves an atomic counter, and a
 * read of the statistic costs one entry per domain, not one per binding. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/hash.h>
#include <tandem/uri.h>
#include "usrloc.h"

struct ul_rec {
	struct ul_rec *next;
	struct reg_ul_binding b;
	char data[];
};

/* One domain's counts. Owned by the store's domain table; lives while an
 * AOR points to it (refs), the overflow entry until the store goes. */
struct ul_domain {
	struct tdm_hash_node hn;
	unsigned long refs;      /* AORs of the domain (under dom_mu) */
	atomic_ulong bindings;
	uint16_t len;
	char name[];             /* "" for the overflow entry */
};

struct ul_aor {
	struct ul_aor *next;     /* bucket chain */
	struct ul_rec *recs;
	struct ul_domain *dom;
	uint32_t hash;
	uint16_t n;              /* bindings */
	uint16_t len;            /* of name */
	char name[];             /* "user@domain", NUL-terminated */
};

struct ul_stripe {
	pthread_mutex_t mu;
} __attribute__((aligned(64)));

struct reg_ul {
	struct ul_aor **buckets;
	uint32_t mask;
	struct ul_stripe *stripes;
	uint32_t smask;
	unsigned max_contacts;
	struct reg_ul_hooks hooks;
	atomic_ulong count;
	atomic_ulong aors;
	atomic_ulong ruid_seq;
	uint32_t ruid_salt;
	pthread_mutex_t dom_mu;  /* domains, ndomains, refs */
	struct tdm_hash domains; /* struct ul_domain by name */
	unsigned ndomains;       /* named entries in domains */
	struct ul_domain other;  /* domains past REG_UL_DOMAINS_MAX */
};

/* The locked AOR handed to reg_ul_aor_apply() callbacks. */
struct reg_ul_aor {
	struct reg_ul *ul;
	struct ul_aor *aor;
	struct ul_aor **slot;    /* where aor hangs in its bucket chain */
};

struct reg_ul *reg_ul_main;

static uint32_t pow2(uint32_t v)
{
	uint32_t p = 1;

	while (p < v && p < (1u << 30))
		p <<= 1;
	return p;
}

/* ---- Records ----------------------------------------------------------- */

#define UL_NSTR 8

static struct tdm_str *rec_strs(struct reg_ul_binding *b, unsigned i)
{
	struct tdm_str *t[UL_NSTR] = { &b->aor, &b->contact, &b->received,
				       &b->path, &b->callid, &b->user_agent,
				       &b->instance, &b->ruid };
	return t[i];
}

/* One block holding a copy of b with its strings; ruid (when not NULL)
 * replaces b->ruid. With `aor` given, the record's aor points to it (the
 * stored AOR's name, which outlives its records) instead of a copy. */
static struct ul_rec *rec_new(const struct reg_ul_binding *b,
			      const struct tdm_str *ruid,
			      const struct tdm_str *aor)
{
	struct reg_ul_binding tmp = *b;
	struct ul_rec *r;
	size_t sz = 0;
	char *p;

	if (ruid)
		tmp.ruid = *ruid;
	if (aor)
		tmp.aor = TDM_STR_NULL;
	for (unsigned i = 0; i < UL_NSTR; i++) {
		struct tdm_str *s = rec_strs(&tmp, i);
		if (!s->s)
			s->len = 0;
		sz += s->len + 1;
	}
	r = tdm_malloc(sizeof(*r) + sz);
	if (!r)
		return NULL;
	r->next = NULL;
	r->b = tmp;
	p = r->data;
	for (unsigned i = 0; i < UL_NSTR; i++) {
		struct tdm_str *s = rec_strs(&r->b, i);
		if (s->len)
			memcpy(p, s->s, s->len);
		p[s->len] = '\0';
		s->s = p;
		p += s->len + 1;
	}
	if (aor)
		r->b.aor = *aor;
	return r;
}

static struct ul_rec *rec_of(const struct reg_ul_binding *b)
{
	return (struct ul_rec *)((char *)b - offsetof(struct ul_rec, b));
}

struct reg_ul_binding *reg_ul_binding_dup(const struct reg_ul_binding *b)
{
	struct ul_rec *r = rec_new(b, NULL, NULL);

	return r ? &r->b : NULL;
}

void reg_ul_binding_free(struct reg_ul_binding *b)
{
	if (b)
		tdm_free(rec_of(b));
}

size_t reg_ul_binding_size(const struct reg_ul_binding *b)
{
	size_t sz = sizeof(struct ul_rec);
	struct reg_ul_binding tmp = *b;

	for (unsigned i = 0; i < UL_NSTR; i++)
		sz += rec_strs(&tmp, i)->len + 1;
	return sz;
}

/* ---- Store ------------------------------------------------------------- */

int reg_ul_create(const struct reg_ul_cfg *cfg, struct reg_ul **out)
{
	struct reg_ul *ul;
	uint32_t nb, ns;

	*out = NULL;
	if (!cfg || cfg->max_contacts < 1 || cfg->max_contacts > 0xffff)
		return -EINVAL;
	nb = pow2(cfg->buckets ? cfg->buckets : 1024);
	ns = pow2(cfg->stripes ? cfg->stripes : 64);
	if (ns > nb)
		ns = nb;
	ul = tdm_calloc(1, sizeof(*ul));
	if (!ul)
		return -ENOMEM;
	ul->buckets = tdm_calloc(nb, sizeof(*ul->buckets));
	ul->stripes = tdm_malloc(ns * sizeof(*ul->stripes));
	if (!ul->buckets || !ul->stripes ||
	    tdm_hash_init(&ul->domains, 16, 0) != 0) {
		tdm_free(ul->buckets);
		tdm_free(ul->stripes);
		tdm_free(ul);
		return -ENOMEM;
	}
	pthread_mutex_init(&ul->dom_mu, NULL);
	for (uint32_t i = 0; i < ns; i++)
		pthread_mutex_init(&ul->stripes[i].mu, NULL);
	ul->mask = nb - 1;
	ul->smask = ns - 1;
	ul->max_contacts = cfg->max_contacts;
	if (getrandom(&ul->ruid_salt, sizeof(ul->ruid_salt), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(ul->ruid_salt))
		ul->ruid_salt = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
	*out = ul;
	return 0;
}

static int dom_free_fn(struct tdm_hash_node *n, void *arg)
{
	(void)arg;
	tdm_free(tdm_container_of(n, struct ul_domain, hn));
	return 0;
}

static void aor_free(struct ul_aor *a)
{
	struct ul_rec *r, *n;

	for (r = a->recs; r; r = n) {
		n = r->next;
		tdm_free(r);
	}
	tdm_free(a);
}

void reg_ul_destroy(struct reg_ul *ul)
{
	if (!ul)
		return;
	for (uint32_t i = 0; i <= ul->mask; i++) {
		struct ul_aor *a, *n;
		for (a = ul->buckets[i]; a; a = n) {
			n = a->next;
			aor_free(a);
		}
	}
	for (uint32_t i = 0; i <= ul->smask; i++)
		pthread_mutex_destroy(&ul->stripes[i].mu);
	tdm_hash_walk(&ul->domains, dom_free_fn, NULL);
	tdm_hash_free(&ul->domains);
	pthread_mutex_destroy(&ul->dom_mu);
	tdm_free(ul->buckets);
	tdm_free(ul->stripes);
	tdm_free(ul);
}

unsigned long reg_ul_count(const struct reg_ul *ul)
{
	return atomic_load_explicit(&ul->count, memory_order_relaxed);
}

unsigned long reg_ul_aor_count(const struct reg_ul *ul)
{
	return atomic_load_explicit(&ul->aors, memory_order_relaxed);
}

unsigned reg_ul_max_contacts(const struct reg_ul *ul)
{
	return ul->max_contacts;
}

void reg_ul_set_hooks(struct reg_ul *ul, const struct reg_ul_hooks *h)
{
	if (h)
		ul->hooks = *h;
	else
		memset(&ul->hooks, 0, sizeof(ul->hooks));
}

static pthread_mutex_t *stripe_of(struct reg_ul *ul, uint32_t bucket)
{
	return &ul->stripes[bucket & ul->smask].mu;
}

/* Finds the AOR in its (locked) bucket; *slot gets the link pointing to
 * it, or the chain's end when absent. */
static struct ul_aor *aor_find(struct reg_ul *ul, const struct tdm_str *name,
			       uint32_t h, struct ul_aor ***slot)
{
	struct ul_aor **pp = &ul->buckets[h & ul->mask];

	for (; *pp; pp = &(*pp)->next) {
		struct ul_aor *a = *pp;
		if (a->hash == h && a->len == name->len &&
		    memcmp(a->name, name->s, name->len) == 0)
			break;
	}
	if (slot)
		*slot = pp;
	return *pp;
}

/* ---- Domains ------------------------------------------------------------ */

/* The domain of an AOR: what follows its last '@', the whole AOR when
 * it has none (a host-only AOR). */
static struct tdm_str aor_domain(const struct tdm_str *aor)
{
	size_t i = aor->len;

	while (i > 0 && aor->s[i - 1] != '@')
		i--;
	return (struct tdm_str){ aor->s + i, aor->len - i };
}

static bool dom_eq(const struct tdm_hash_node *n, const void *key, void *arg)
{
	const struct ul_domain *d = tdm_container_of(n, struct ul_domain, hn);
	const struct tdm_str *k = key;

	(void)arg;
	return d->len == k->len && memcmp(d->name, k->s, k->len) == 0;
}

/* Takes a reference on the entry of aor's domain, creating it; the
 * overflow entry when the table is full or out of memory (counts stay
 * right, only the label is lost). Called with a stripe lock held. */
static struct ul_domain *dom_get(struct reg_ul *ul, const struct tdm_str *aor)
{
	struct tdm_str name = aor_domain(aor);
	uint32_t h = tdm_str_hash(&name);
	struct tdm_hash_node *n;
	struct ul_domain *d = NULL;

	pthread_mutex_lock(&ul->dom_mu);
	n = tdm_hash_find(&ul->domains, h, &name, dom_eq, NULL);
	if (n)
		d = tdm_container_of(n, struct ul_domain, hn);
	else if (ul->ndomains < REG_UL_DOMAINS_MAX && name.len &&
		 (d = tdm_malloc(sizeof(*d) + name.len + 1)) != NULL) {
		memset(d, 0, sizeof(*d));
		d->len = (uint16_t)name.len;
		memcpy(d->name, name.s, name.len);
		d->name[name.len] = '\0';
		tdm_hash_insert(&ul->domains, &d->hn, h);
		ul->ndomains++;
	}
	if (!d)
		d = &ul->other;
	d->refs++;
	pthread_mutex_unlock(&ul->dom_mu);
	return d;
}

/* Drops an AOR's reference; the entry goes with its last AOR. */
static void dom_put(struct reg_ul *ul, struct ul_domain *d)
{
	pthread_mutex_lock(&ul->dom_mu);
	if (--d->refs == 0 && d != &ul->other) {
		tdm_hash_remove(&ul->domains, &d->hn);
		ul->ndomains--;
		tdm_free(d);
	}
	pthread_mutex_unlock(&ul->dom_mu);
}

struct dom_walk {
	reg_ul_domain_fn *fn;
	void *arg;
};

static int dom_walk_fn(struct tdm_hash_node *n, void *arg)
{
	const struct ul_domain *d = tdm_container_of(n, struct ul_domain, hn);
	struct dom_walk *w = arg;
	struct tdm_str name = { d->name, d->len };

	return w->fn(&name, atomic_load_explicit(&d->bindings,
						 memory_order_relaxed),
		     d->refs, w->arg);
}

int reg_ul_domains(struct reg_ul *ul, reg_ul_domain_fn *fn, void *arg)
{
	struct dom_walk w = { fn, arg };
	int rc;

	pthread_mutex_lock(&ul->dom_mu);
	rc = tdm_hash_walk(&ul->domains, dom_walk_fn, &w);
	if (!rc && ul->other.refs)
		rc = fn(&TDM_STR(""), atomic_load_explicit(&ul->other.bindings,
							    memory_order_relaxed),
			ul->other.refs, arg);
	pthread_mutex_unlock(&ul->dom_mu);
	return rc;
}

/* ---- AORs ---------------------------------------------------------------- */

static struct ul_aor *aor_new(struct reg_ul *ul, const struct tdm_str *name,
			      uint32_t h, struct ul_aor **slot)
{
	struct ul_aor *a = tdm_malloc(sizeof(*a) + name->len + 1);

	if (!a)
		return NULL;
	a->next = NULL;
	a->recs = NULL;
	a->dom = dom_get(ul, name);
	a->hash = h;
	a->n = 0;
	a->len = (uint16_t)name->len;
	memcpy(a->name, name->s, name->len);
	a->name[name->len] = '\0';
	*slot = a;
	atomic_fetch_add_explicit(&ul->aors, 1, memory_order_relaxed);
	return a;
}

/* Unlinks an empty AOR from its bucket and frees it. */
static void aor_drop_if_empty(struct reg_ul *ul, struct ul_aor *a,
			      struct ul_aor **slot)
{
	if (a->n)
		return;
	*slot = a->next;
	dom_put(ul, a->dom);
	tdm_free(a);
	atomic_fetch_sub_explicit(&ul->aors, 1, memory_order_relaxed);
}

static void make_ruid(struct reg_ul *ul, char *buf, size_t len)
{
	unsigned long n = atomic_fetch_add_explicit(&ul->ruid_seq, 1,
						    memory_order_relaxed);

	snprintf(buf, len, "%08x-%08lx-%lx", ul->ruid_salt,
		 (unsigned long)time(NULL), n);
}

static void rec_unlink(struct reg_ul *ul, struct ul_aor *a, struct ul_rec *r,
		       bool report)
{
	struct ul_rec **pp;

	for (pp = &a->recs; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	a->n--;
	atomic_fetch_sub_explicit(&ul->count, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&a->dom->bindings, 1, memory_order_relaxed);
	if (report && ul->hooks.removed)
		ul->hooks.removed(&r->b, ul->hooks.arg);
	tdm_free(r);
}

static struct ul_rec *rec_by_ruid(struct ul_aor *a, const struct tdm_str *ruid)
{
	for (struct ul_rec *r = a->recs; r; r = r->next)
		if (r->b.ruid.len == ruid->len &&
		    memcmp(r->b.ruid.s, ruid->s, ruid->len) == 0)
			return r;
	return NULL;
}

static struct ul_rec *rec_oldest(struct ul_aor *a)
{
	struct ul_rec *old = a->recs;

	for (struct ul_rec *r = a->recs; r; r = r->next)
		if (r->b.last_modified < old->b.last_modified)
			old = r;
	return old;
}

/* Inserts or replaces (same ruid) in a locked AOR. With evict, a full AOR
 * drops its oldest binding (reported as removed when report); else
 * -ENOSPC. */
static int aor_put(struct reg_ul *ul, struct ul_aor *a,
		   const struct reg_ul_binding *b, bool evict, bool report)
{
	char ruidbuf[48];
	struct tdm_str ruid = b->ruid;
	struct ul_rec *old = NULL, *r;

	if (ruid.len && ruid.s)
		old = rec_by_ruid(a, &ruid);
	else {
		make_ruid(ul, ruidbuf, sizeof(ruidbuf));
		ruid = tdm_str_c(ruidbuf);
	}
	if (!old && a->n >= ul->max_contacts && !evict)
		return -ENOSPC;
	r = rec_new(b, &ruid, &(struct tdm_str){ a->name, a->len });
	if (!r)
		return -ENOMEM;
	if (old) {
		/* replace in place, keeping the list order */
		struct ul_rec **pp;
		for (pp = &a->recs; *pp != old; pp = &(*pp)->next)
			;
		r->next = old->next;
		*pp = r;
		tdm_free(old);
	} else {
		if (a->n >= ul->max_contacts)
			rec_unlink(ul, a, rec_oldest(a), report);
		r->next = a->recs;
		a->recs = r;
		a->n++;
		atomic_fetch_add_explicit(&ul->count, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&a->dom->bindings, 1,
					  memory_order_relaxed);
	}
	if (report && ul->hooks.saved)
		ul->hooks.saved(&r->b, ul->hooks.arg);
	return 0;
}

int reg_ul_load(struct reg_ul *ul, const struct reg_ul_binding *b, int64_t now)
{
	struct ul_aor **slot, *a;
	pthread_mutex_t *mu;
	uint32_t h;
	int rc;

	if (!b->aor.s || !b->aor.len || b->aor.len > 0xffff || !b->ruid.s ||
	    !b->ruid.len)
		return -EINVAL;
	if (b->expires <= now)
		return 1;
	h = tdm_str_hash(&b->aor);
	mu = stripe_of(ul, h & ul->mask);
	pthread_mutex_lock(mu);
	a = aor_find(ul, &b->aor, h, &slot);
	if (!a)
		a = aor_new(ul, &b->aor, h, slot);
	if (!a) {
		pthread_mutex_unlock(mu);
		return -ENOMEM;
	}
	rc = aor_put(ul, a, b, true, false);
	aor_drop_if_empty(ul, a, slot);
	pthread_mutex_unlock(mu);
	return rc;
}

/* ---- Atomic AOR edits -------------------------------------------------- */

int reg_ul_aor_apply(struct reg_ul *ul, const struct tdm_str *aor,
		     reg_ul_apply_fn *fn, void *arg)
{
	struct reg_ul_aor h = { .ul = ul };
	pthread_mutex_t *mu;
	uint32_t hv;
	int rc;

	if (!aor->len || aor->len > 0xffff)
		return -EINVAL;
	hv = tdm_str_hash(aor);
	mu = stripe_of(ul, hv & ul->mask);
	pthread_mutex_lock(mu);
	h.aor = aor_find(ul, aor, hv, &h.slot);
	if (!h.aor)
		h.aor = aor_new(ul, aor, hv, h.slot);
	if (!h.aor) {
		pthread_mutex_unlock(mu);
		return -ENOMEM;
	}
	rc = fn(&h, arg);
	aor_drop_if_empty(ul, h.aor, h.slot);
	pthread_mutex_unlock(mu);
	return rc;
}

const struct reg_ul_binding *reg_ul_aor_next(struct reg_ul_aor *a,
					     const struct reg_ul_binding *prev)
{
	struct ul_rec *r = prev ? rec_of(prev)->next : a->aor->recs;

	return r ? &r->b : NULL;
}

unsigned reg_ul_aor_size(const struct reg_ul_aor *a)
{
	return a->aor->n;
}

int reg_ul_aor_put(struct reg_ul_aor *a, const struct reg_ul_binding *b)
{
	return aor_put(a->ul, a->aor, b, false, true);
}

void reg_ul_aor_del(struct reg_ul_aor *a, const struct reg_ul_binding *old)
{
	rec_unlink(a->ul, a->aor, rec_of(old), true);
}

/* ---- Single operations ------------------------------------------------- */

static int insert_fn(struct reg_ul_aor *a, void *arg)
{
	return reg_ul_aor_put(a, arg);
}

int reg_ul_insert(struct reg_ul *ul, const struct reg_ul_binding *b)
{
	return reg_ul_aor_apply(ul, &b->aor, insert_fn, (void *)b);
}

static int delete_fn(struct reg_ul_aor *a, void *arg)
{
	struct ul_rec *r = rec_by_ruid(a->aor, arg);

	if (!r)
		return -ENOENT;
	rec_unlink(a->ul, a->aor, r, true);
	return 0;
}

int reg_ul_delete(struct reg_ul *ul, const struct tdm_str *aor,
		  const struct tdm_str *ruid)
{
	return reg_ul_aor_apply(ul, aor, delete_fn, (void *)ruid);
}

/* Contact URI equality: RFC 3261 §19.1.4 when both parse, else bytes. */
static bool contact_eq(const struct tdm_str *a, const struct tdm_str *b)
{
	struct tdm_uri ua, ub;

	if (tdm_uri_parse(&ua, a, NULL) == 0 && tdm_uri_parse(&ub, b, NULL) == 0)
		return tdm_uri_equal(&ua, &ub);
	return tdm_str_eq(a, b);
}

static int delete_aor_fn(struct reg_ul_aor *a, void *arg)
{
	const struct tdm_str *contact = arg;
	struct ul_rec *r, *n;
	int count = 0;

	for (r = a->aor->recs; r; r = n) {
		n = r->next;
		if (contact && !contact_eq(&r->b.contact, contact))
			continue;
		rec_unlink(a->ul, a->aor, r, true);
		count++;
	}
	return count;
}

int reg_ul_delete_aor(struct reg_ul *ul, const struct tdm_str *aor,
		      const struct tdm_str *contact)
{
	return reg_ul_aor_apply(ul, aor, delete_aor_fn, (void *)contact);
}

/* Walks every AOR, one stripe at a time, removing the bindings for which
 * pred() holds. Returns the number removed. */
static int sweep(struct reg_ul *ul,
		 bool (*pred)(const struct reg_ul_binding *b, const void *arg),
		 const void *arg)
{
	int count = 0;

	for (uint32_t s = 0; s <= ul->smask; s++) {
		pthread_mutex_lock(&ul->stripes[s].mu);
		for (uint32_t i = s; i <= ul->mask; i += ul->smask + 1) {
			struct ul_aor **pp = &ul->buckets[i];
			while (*pp) {
				struct ul_aor *a = *pp;
				struct ul_rec *r, *n;
				for (r = a->recs; r; r = n) {
					n = r->next;
					if (pred(&r->b, arg)) {
						rec_unlink(ul, a, r, true);
						count++;
					}
				}
				if (!a->n)
					aor_drop_if_empty(ul, a, pp);
				else
					pp = &a->next;
			}
		}
		pthread_mutex_unlock(&ul->stripes[s].mu);
	}
	return count;
}

static bool conn_pred(const struct reg_ul_binding *b, const void *arg)
{
	return b->conn_id && b->conn_id == *(const uint64_t *)arg;
}

int reg_ul_delete_conn(struct reg_ul *ul, uint64_t conn_id)
{
	if (!conn_id)
		return 0;
	return sweep(ul, conn_pred, &conn_id);
}

struct conns {
	const uint64_t *ids;
	size_t n;
};

static bool conns_pred(const struct reg_ul_binding *b, const void *arg)
{
	const struct conns *c = arg;
	size_t lo = 0, hi = c->n;

	if (!b->conn_id)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->ids[mid] == b->conn_id)
			return true;
		if (c->ids[mid] < b->conn_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int reg_ul_delete_conns(struct reg_ul *ul, const uint64_t *ids, size_t n)
{
	struct conns c = { ids, n };

	if (!n)
		return 0;
	return sweep(ul, conns_pred, &c);
}

static bool expired_pred(const struct reg_ul_binding *b, const void *arg)
{
	return b->expires <= *(const int64_t *)arg;
}

int reg_ul_expire(struct reg_ul *ul, int64_t now)
{
	return sweep(ul, expired_pred, &now);
}

/* ---- Walks ------------------------------------------------------------- */

int reg_ul_aor_walk(struct reg_ul *ul, const struct tdm_str *aor,
		    reg_ul_walk_fn *fn, void *arg)
{
	pthread_mutex_t *mu;
	struct ul_aor *a;
	uint32_t h;
	int rc = 0;

	if (!aor->len)
		return -ENOENT;
	h = tdm_str_hash(aor);
	mu = stripe_of(ul, h & ul->mask);
	pthread_mutex_lock(mu);
	a = aor_find(ul, aor, h, NULL);
	if (!a || !a->n)
		rc = -ENOENT;
	for (struct ul_rec *r = a ? a->recs : NULL; r && !rc; r = r->next)
		rc = fn(&r->b, arg);
	pthread_mutex_unlock(mu);
	return rc;
}

int reg_ul_walk(struct reg_ul *ul, reg_ul_walk_fn *fn, void *arg)
{
	int rc = 0;

	for (uint32_t s = 0; s <= ul->smask && !rc; s++) {
		pthread_mutex_lock(&ul->stripes[s].mu);
		for (uint32_t i = s; i <= ul->mask && !rc; i += ul->smask + 1)
			for (struct ul_aor *a = ul->buckets[i]; a && !rc;
			     a = a->next)
				for (struct ul_rec *r = a->recs; r && !rc;
				     r = r->next)
					rc = fn(&r->b, arg);
		pthread_mutex_unlock(&ul->stripes[s].mu);
	}
	return rc;
}
