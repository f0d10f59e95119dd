/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/dns: the parsed record sets the cache holds and the
 * resolver consumes, and the seams between cache.c (process-wide, locked),
 * query.c (one c-ares channel per worker), srv_order.c (RFC 2782 / RFC
 * 3403 ordering, pure) and resolve.c (the RFC 3263 state machine). */
#ifndef TDM_DNS_IMPL_H
#define TDM_DNS_IMPL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <tandem/list.h>
#include <tandem/log.h>
#include "dns/dns.h"

extern struct tdm_log_subsys tdm_log_dns;

/* RR types we ask for. */
#define TDM_DNS_T_A     1
#define TDM_DNS_T_AAAA  28
#define TDM_DNS_T_SRV   33
#define TDM_DNS_T_NAPTR 35

/* Longest domain name we handle, NUL included (RFC 1035: 255 octets). */
#define TDM_DNS_NAME_MAX 256

/* One record. Names (NAPTR replacement, SRV target) live in the set's
 * string pool at name_off, NUL-terminated. */
struct tdm_dns_rr {
	uint16_t order, pref;       /* NAPTR */
	uint16_t prio, weight, port;/* SRV */
	char flags[8];              /* NAPTR flags, lower case */
	char service[24];           /* NAPTR service, upper case */
	uint8_t ip[16];             /* A: first 4 bytes; AAAA: all 16 */
	uint32_t name_off;
};

/* The answer to one (type, name) question: immutable once built, shared
 * by reference between the cache and every resolve that uses it. err is
 * 0 with n records (n may be 0 only when err is set), or -ENOENT (NXDOMAIN
 * or no data: cached negatively), -ETIMEDOUT, -EIO (SERVFAIL, REFUSED,
 * bad answer), -ECONNREFUSED, -ENOMEM, -ECANCELED (never cached). One
 * allocation: header, rr[n], then the string pool. */
struct tdm_dns_rrset {
	atomic_uint refs;
	uint16_t type;
	int err;
	uint32_t ttl;               /* seconds, as received (min over RRs) */
	unsigned n;
	size_t size;                /* of the whole allocation */
	struct tdm_dns_rr rr[];
};

static inline const char *tdm_dns_rr_name(const struct tdm_dns_rrset *s,
					  const struct tdm_dns_rr *r)
{
	return (const char *)&s->rr[s->n] + r->name_off;
}

/* A set of n records with room for pool bytes of names (refs = 1). */
struct tdm_dns_rrset *tdm_dns_rrset_new(uint16_t type, unsigned n,
					size_t pool);
/* A record-less set carrying only err (refs = 1); NULL on no memory. */
struct tdm_dns_rrset *tdm_dns_rrset_err(uint16_t type, int err);
struct tdm_dns_rrset *tdm_dns_rrset_ref(struct tdm_dns_rrset *s);
void tdm_dns_rrset_unref(struct tdm_dns_rrset *s);

/* Parses a c-ares answer (abuf, alen) for `type` into a new set. Returns
 * the set (its err says -ENOENT when the answer has no record of the
 * type), or NULL when out of memory. (parse.c) */
struct tdm_dns_rrset *tdm_dns_parse(uint16_t type, const unsigned char *abuf,
				    int alen);

/* ---- cache.c: one process-wide cache, safe from every worker ---- */

int tdm_dns_cache_init(unsigned max_entries);
void tdm_dns_cache_free(void);
/* A fresh entry for (type, name) at time now_ms (CLOCK_MONOTONIC ms):
 * a new reference in *out and 0, or -ENOENT (absent or expired; an
 * expired one is dropped). name: any case, trailing dot optional. */
int tdm_dns_cache_get(uint16_t type, const char *name, uint64_t now_ms,
		      struct tdm_dns_rrset **out);
/* Stores set (the cache takes its own reference) for ttl_s seconds from
 * now_ms, replacing an older entry; ttl_s == 0 stores nothing. Evicts
 * the least recently used entry when full. */
void tdm_dns_cache_put(uint16_t type, const char *name,
		       struct tdm_dns_rrset *set, uint32_t ttl_s,
		       uint64_t now_ms);
unsigned tdm_dns_cache_count(void);
/* Drops every entry (tests, and a future "dns.flush" RPC). */
void tdm_dns_cache_flush(void);
/* Lower-cases name into out (size TDM_DNS_NAME_MAX) without a trailing
 * dot. Returns the length, or -ENAMETOOLONG. */
int tdm_dns_name_norm(char *out, const char *name, size_t len);

/* ---- global settings and counters (resolve.c) ---- */

struct tdm_dns_global {
	struct tdm_dns_cfg cfg;     /* defaults applied; servers is ours */
	bool inited;
	bool prefer_ipv6;
	atomic_uint_fast64_t queries, hits, misses, failures, timeouts;
};
extern struct tdm_dns_global tdm_dns_g;

/* ---- srv_order.c ---- */

/* Random source for the weighted choice: a value in [0, bound]. Tests
 * replace it to make the order deterministic. */
typedef uint32_t tdm_dns_rand_fn(uint32_t bound);
void tdm_dns_set_rand(tdm_dns_rand_fn *fn);
/* Writes into idx[] the indexes of the SRV records of s in the order to
 * try them (RFC 2782: ascending priority, within one priority a weighted
 * random permutation). Records with target "." are left out. Returns
 * how many were written (at most max). */
unsigned tdm_dns_srv_order(const struct tdm_dns_rrset *s, unsigned *idx,
			   unsigned max);
/* Same for NAPTR (RFC 3403: ascending order, then preference). */
unsigned tdm_dns_naptr_order(const struct tdm_dns_rrset *s, unsigned *idx,
			     unsigned max);

/* ---- query.c: one c-ares channel on one worker loop ---- */

struct tdm_dns_chan;
/* Called once per waiter when the answer for (type, name) is known
 * (name normalised; set is borrowed: take a reference to keep it). */
typedef void tdm_dns_answer_fn(void *waiter, uint16_t type, const char *name,
			       struct tdm_dns_rrset *set);
int tdm_dns_chan_new(struct tdm_dns_chan **out, struct tdm_loop *loop,
		     tdm_dns_answer_fn *fn, char *err, size_t errlen);
/* Ends every query in flight: each waiter is answered with -ECANCELED. */
void tdm_dns_chan_free(struct tdm_dns_chan *c);
/* Asks (type, name), joining a query for the same question already in
 * flight on this channel. waiter is answered later, never from inside
 * this call. Returns 0 or -ENOMEM. */
int tdm_dns_chan_ask(struct tdm_dns_chan *c, uint16_t type, const char *name,
		     void *waiter);
/* Validates the settings in tdm_dns_g.cfg (the "IP[:PORT],..." server
 * list) by building a throw-away channel (global init). */
int tdm_dns_chan_check(char *err, size_t errlen);

#endif
