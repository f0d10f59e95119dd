/* SPDX-License-Identifier: GPL-2.0-or-later
 * The order in which to try SRV targets (RFC 2782: lowest priority first;
 * within a priority, a weighted random permutation, so that load spreads
 * by weight and every client does not hammer the same host) and NAPTR
 * records (RFC 3403: order, then preference). Pure functions over a
 * record set, with a replaceable random source for tests. */
#include <tandem/alloc.h>
#include <string.h>
#include <time.h>
#include "dns/dns_impl.h"

/* xorshift seeded per thread: the choice needs spread, not secrecy. */
static uint32_t default_rand(uint32_t bound)
{
	static _Thread_local uint64_t x;

	if (!x) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
		    (uint64_t)(uintptr_t)&x ^ 0x9e3779b97f4a7c15ull;
	}
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return bound == UINT32_MAX ? (uint32_t)x
				   : (uint32_t)(x % ((uint64_t)bound + 1));
}

static tdm_dns_rand_fn *rand_fn = default_rand;

void tdm_dns_set_rand(tdm_dns_rand_fn *fn)
{
	rand_fn = fn ? fn : default_rand;
}

/* Insertion sort of idx[0..n) by key(rr): sets are small. */
static void sort_idx(const struct tdm_dns_rrset *s, unsigned *idx, unsigned n,
		     uint32_t (*key)(const struct tdm_dns_rr *))
{
	for (unsigned i = 1; i < n; i++) {
		unsigned v = idx[i], j = i;

		while (j > 0 && key(&s->rr[idx[j - 1]]) > key(&s->rr[v])) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
}

static uint32_t srv_key(const struct tdm_dns_rr *r)
{
	return r->prio;
}

static uint32_t naptr_key(const struct tdm_dns_rr *r)
{
	return (uint32_t)r->order << 16 | r->pref;
}

/* RFC 2782's selection within one priority group idx[0..n): zero-weight
 * records first (so they get a small chance), then repeatedly pick by a
 * random number in [0, sum of remaining weights]. */
static void weighted(const struct tdm_dns_rrset *s, unsigned *idx, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {      /* weight 0 first, stable */
		unsigned v = idx[i], j = i;

		if (s->rr[v].weight != 0)
			continue;
		while (j > 0 && s->rr[idx[j - 1]].weight != 0) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
	for (unsigned i = 0; i + 1 < n; i++) {
		uint32_t sum = 0, pick, run = 0;
		unsigned k;

		for (k = i; k < n; k++)
			sum += s->rr[idx[k]].weight;
		pick = rand_fn(sum);
		for (k = i; k < n; k++) {
			run += s->rr[idx[k]].weight;
			if (run >= pick)
				break;
		}
		if (k == n)
			k = n - 1;
		unsigned v = idx[k];

		memmove(&idx[i + 1], &idx[i], (k - i) * sizeof(*idx));
		idx[i] = v;
	}
}

unsigned tdm_dns_srv_order(const struct tdm_dns_rrset *s, unsigned *idx,
			   unsigned max)
{
	unsigned n = 0, out, i;
	unsigned *all;

	if (!s || s->err || s->n == 0 || max == 0)
		return 0;
	all = tdm_malloc(s->n * sizeof(*all));
	if (!all)
		return 0;
	for (i = 0; i < s->n; i++)
		if (strcmp(tdm_dns_rr_name(s, &s->rr[i]), "") != 0)
			all[n++] = i;       /* "." (normalised to "") dropped */
	sort_idx(s, all, n, srv_key);
	for (i = 0; i < n;) {
		unsigned j = i;

		while (j < n && s->rr[all[j]].prio == s->rr[all[i]].prio)
			j++;
		weighted(s, all + i, j - i);
		i = j;
	}
	out = n < max ? n : max;
	memcpy(idx, all, out * sizeof(*idx));
	tdm_free(all);
	return out;
}

unsigned tdm_dns_naptr_order(const struct tdm_dns_rrset *s, unsigned *idx,
			     unsigned max)
{
	unsigned n, *all;

	if (!s || s->err || s->n == 0 || max == 0)
		return 0;
	all = tdm_malloc(s->n * sizeof(*all));
	if (!all)
		return 0;
	for (n = 0; n < s->n; n++)
		all[n] = n;
	sort_idx(s, all, n, naptr_key);
	if (n > max)
		n = max;
	memcpy(idx, all, n * sizeof(*idx));
	tdm_free(all);
	return n;
}
