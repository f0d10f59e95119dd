/* SPDX-License-Identifier: GPL-2.0-or-later
 * The resolver's cache: one per process, shared by every worker, keyed by
 * (RR type, lower-cased name), holding parsed record sets until now +
 * min(TTL, max_ttl) (negative answers for negative_ttl). Bounded: the
 * least recently used entry goes when it is full. One mutex: a lookup
 * is a hash probe and a list move, far cheaper than the query it saves,
 * and the sets are shared by reference so nothing is copied under it. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/hash.h>
#include <tandem/list.h>
#include "dns/dns_impl.h"

struct centry {
	struct tdm_hash_node hnode;
	struct tdm_list_node lru;     /* head: most recently used */
	uint16_t type;
	uint64_t expires;             /* CLOCK_MONOTONIC ms */
	struct tdm_dns_rrset *set;    /* one reference */
	char name[];
};

struct ckey {
	uint16_t type;
	const char *name;
};

static struct {
	pthread_mutex_t lock;
	struct tdm_hash table;
	struct tdm_list lru;
	unsigned max;
	bool on;
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct tdm_dns_rrset *tdm_dns_rrset_new(uint16_t type, unsigned n, size_t pool)
{
	size_t size = sizeof(struct tdm_dns_rrset) +
		      n * sizeof(struct tdm_dns_rr) + pool;
	struct tdm_dns_rrset *s = tdm_calloc(1, size);

	if (!s)
		return NULL;
	atomic_init(&s->refs, 1);
	s->type = type;
	s->n = n;
	s->size = size;
	return s;
}

struct tdm_dns_rrset *tdm_dns_rrset_err(uint16_t type, int err)
{
	struct tdm_dns_rrset *s = tdm_dns_rrset_new(type, 0, 0);

	if (s)
		s->err = err;
	return s;
}

struct tdm_dns_rrset *tdm_dns_rrset_ref(struct tdm_dns_rrset *s)
{
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	return s;
}

void tdm_dns_rrset_unref(struct tdm_dns_rrset *s)
{
	if (s && atomic_fetch_sub_explicit(&s->refs, 1,
					   memory_order_acq_rel) == 1)
		tdm_free(s);
}

int tdm_dns_name_norm(char *out, const char *name, size_t len)
{
	while (len && name[len - 1] == '.')
		len--;
	if (len >= TDM_DNS_NAME_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		out[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	out[len] = '\0';
	return (int)len;
}

static uint32_t key_hash(uint16_t type, const char *name)
{
	uint32_t h = 2166136261u ^ type;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

static bool key_eq(const struct tdm_hash_node *n, const void *key, void *arg)
{
	const struct centry *e = tdm_container_of(n, struct centry, hnode);
	const struct ckey *k = key;

	(void)arg;
	return e->type == k->type && strcmp(e->name, k->name) == 0;
}

/* Unlinks and frees e (lock held). */
static void drop(struct centry *e)
{
	tdm_hash_remove(&cache.table, &e->hnode);
	tdm_list_remove(&e->lru);
	tdm_dns_rrset_unref(e->set);
	tdm_free(e);
}

int tdm_dns_cache_init(unsigned max_entries)
{
	int err;

	pthread_mutex_lock(&cache.lock);
	if (cache.on) {
		pthread_mutex_unlock(&cache.lock);
		return -EALREADY;
	}
	err = tdm_hash_init(&cache.table, 64, 0);
	if (!err) {
		tdm_list_init(&cache.lru);
		cache.max = max_entries ? max_entries : 1;
		cache.on = true;
	}
	pthread_mutex_unlock(&cache.lock);
	return err;
}

/* Drops every entry (lock held). */
static void flush_locked(void)
{
	struct tdm_list_node *n;

	while ((n = tdm_list_pop_head(&cache.lru)) != NULL) {
		struct centry *e = tdm_container_of(n, struct centry, lru);

		tdm_list_node_init(&e->lru);
		drop(e);
	}
}

void tdm_dns_cache_flush(void)
{
	pthread_mutex_lock(&cache.lock);
	if (cache.on)
		flush_locked();
	pthread_mutex_unlock(&cache.lock);
}

void tdm_dns_cache_free(void)
{
	pthread_mutex_lock(&cache.lock);
	if (cache.on) {
		flush_locked();
		tdm_hash_free(&cache.table);
		cache.on = false;
	}
	pthread_mutex_unlock(&cache.lock);
}

/* The entry for a normalised key, or NULL (lock held). */
static struct centry *find(uint16_t type, const char *norm)
{
	struct ckey k = { type, norm };
	struct tdm_hash_node *n = tdm_hash_find(&cache.table,
						key_hash(type, norm), &k,
						key_eq, NULL);

	return n ? tdm_container_of(n, struct centry, hnode) : NULL;
}

int tdm_dns_cache_get(uint16_t type, const char *name, uint64_t now_ms,
		      struct tdm_dns_rrset **out)
{
	char norm[TDM_DNS_NAME_MAX];
	struct centry *e;
	int ret = -ENOENT;

	if (tdm_dns_name_norm(norm, name, strlen(name)) < 0)
		return -ENOENT;
	pthread_mutex_lock(&cache.lock);
	if (cache.on && (e = find(type, norm)) != NULL) {
		if (e->expires <= now_ms) {
			drop(e);
		} else {
			tdm_list_remove(&e->lru);
			tdm_list_insert_head(&cache.lru, &e->lru);
			*out = tdm_dns_rrset_ref(e->set);
			ret = 0;
		}
	}
	pthread_mutex_unlock(&cache.lock);
	return ret;
}

void tdm_dns_cache_put(uint16_t type, const char *name,
		       struct tdm_dns_rrset *set, uint32_t ttl_s,
		       uint64_t now_ms)
{
	char norm[TDM_DNS_NAME_MAX];
	struct centry *e, *old;
	int len = tdm_dns_name_norm(norm, name, strlen(name));

	if (ttl_s == 0 || len < 0)
		return;
	e = tdm_malloc(sizeof(*e) + (size_t)len + 1);
	if (!e)
		return;
	memcpy(e->name, norm, (size_t)len + 1);
	e->type = type;
	e->expires = now_ms + (uint64_t)ttl_s * 1000;
	e->set = tdm_dns_rrset_ref(set);
	pthread_mutex_lock(&cache.lock);
	if (!cache.on) {
		pthread_mutex_unlock(&cache.lock);
		tdm_dns_rrset_unref(e->set);
		tdm_free(e);
		return;
	}
	if ((old = find(type, norm)) != NULL)
		drop(old);
	while (tdm_hash_count(&cache.table) >= cache.max) {
		struct tdm_list_node *n = tdm_list_last(&cache.lru);

		drop(tdm_container_of(n, struct centry, lru));
	}
	tdm_hash_insert(&cache.table, &e->hnode, key_hash(type, norm));
	tdm_list_insert_head(&cache.lru, &e->lru);
	pthread_mutex_unlock(&cache.lock);
}

unsigned tdm_dns_cache_count(void)
{
	unsigned n;

	pthread_mutex_lock(&cache.lock);
	n = cache.on ? (unsigned)tdm_hash_count(&cache.table) : 0;
	pthread_mutex_unlock(&cache.lock);
	return n;
}
