/* SPDX-License-Identifier: GPL-2.0-or-later
 * Authentication failures per source address, for the flood protection to
 * come: a bounded table (set-associative: a hash picks a set of 8 entries,
 * each set under its own mutex) whose counts halve every failure_decay
 * seconds, computed lazily when an entry is touched. A new address takes
 * a free entry of its set or the least recently touched one, so an
 * attacker spraying addresses only recycles entries and memory stays
 * fixed. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <tandem/alloc.h>
#include "auth.h"

#define WAYS 8
#define IP_MAX 46 /* INET6_ADDRSTRLEN */

struct fail_entry {
	uint64_t last;     /* seconds, auth_clock() */
	uint32_t count;    /* as of `last` */
	uint8_t iplen;     /* 0: free */
	char ip[IP_MAX];
};

struct fail_set {
	pthread_mutex_t lock;
	struct fail_entry e[WAYS];
};

static struct {
	struct fail_set *sets;
	size_t nsets;
	uint64_t decay;
} ft;

int auth_failures_init(size_t slots, uint64_t decay_s)
{
	if (!slots || !decay_s)
		return -EINVAL;
	ft.nsets = (slots + WAYS - 1) / WAYS;
	ft.sets = tdm_calloc(ft.nsets, sizeof(*ft.sets));
	if (!ft.sets)
		return -ENOMEM;
	for (size_t i = 0; i < ft.nsets; i++)
		pthread_mutex_init(&ft.sets[i].lock, NULL);
	ft.decay = decay_s;
	return 0;
}

void auth_failures_fini(void)
{
	for (size_t i = 0; ft.sets && i < ft.nsets; i++)
		pthread_mutex_destroy(&ft.sets[i].lock);
	tdm_free(ft.sets);
	ft.sets = NULL;
	ft.nsets = 0;
}

/* The count of e as of now, halved once per elapsed decay period. */
static uint32_t decayed(const struct fail_entry *e, uint64_t now)
{
	uint64_t halvings = now > e->last ? (now - e->last) / ft.decay : 0;

	return halvings >= 32 ? 0 : e->count >> halvings;
}

static struct fail_set *set_of(const struct tdm_str *ip)
{
	return &ft.sets[tdm_str_hash(ip) % ft.nsets];
}

static struct fail_entry *find(struct fail_set *s, const struct tdm_str *ip)
{
	for (unsigned i = 0; i < WAYS; i++)
		if (s->e[i].iplen == ip->len &&
		    memcmp(s->e[i].ip, ip->s, ip->len) == 0)
			return &s->e[i];
	return NULL;
}

unsigned auth_failures_add(const struct tdm_str *ip)
{
	struct fail_set *s;
	struct fail_entry *e;
	uint64_t now = auth_clock();
	uint32_t n;

	if (!ft.sets || !ip->len || ip->len >= IP_MAX)
		return 0;
	s = set_of(ip);
	pthread_mutex_lock(&s->lock);
	e = find(s, ip);
	if (!e) {
		/* a free entry, else the one touched longest ago */
		e = &s->e[0];
		for (unsigned i = 0; i < WAYS && e->iplen; i++)
			if (!s->e[i].iplen || s->e[i].last < e->last)
				e = &s->e[i];
		memcpy(e->ip, ip->s, ip->len);
		e->iplen = (uint8_t)ip->len;
		e->count = 0;
		e->last = now;
	}
	n = decayed(e, now);
	e->count = n < UINT32_MAX ? n + 1 : n;
	/* keep the remainder of the current period: advance `last` only by
	 * whole periods, so steady failures still decay on schedule */
	if (now > e->last)
		e->last += (now - e->last) / ft.decay * ft.decay;
	n = e->count;
	pthread_mutex_unlock(&s->lock);
	return n;
}

unsigned auth_failures_get(const struct tdm_str *ip)
{
	struct fail_set *s;
	struct fail_entry *e;
	unsigned n = 0;

	if (!ft.sets || !ip->len || ip->len >= IP_MAX)
		return 0;
	s = set_of(ip);
	pthread_mutex_lock(&s->lock);
	e = find(s, ip);
	if (e)
		n = decayed(e, auth_clock());
	pthread_mutex_unlock(&s->lock);
	return n;
}

void auth_failures_clear(const struct tdm_str *ip)
{
	struct fail_set *s;
	struct fail_entry *e;

	if (!ft.sets || !ip->len || ip->len >= IP_MAX)
		return;
	s = set_of(ip);
	pthread_mutex_lock(&s->lock);
	e = find(s, ip);
	if (e)
		e->iplen = 0;
	pthread_mutex_unlock(&s->lock);
}
