/* SPDX-License-Identifier: GPL-2.0-or-later
 * Turns a c-ares answer buffer into a struct tdm_dns_rrset: the records
 * come from c-ares' own parsers (ares_parse_naptr/srv/a/aaaa_reply), the
 * TTL from a short walk of the answer section, since the NAPTR and SRV
 * parsers of c-ares 1.18 do not report it. */
#include <ares.h>
#include <errno.h>
#include <string.h>
#include "dns/dns_impl.h"

#define ADDR_MAX 32

/* Smallest TTL over the answer section's records (CNAMEs on the way
 * count: the answer is only as fresh as its shortest link). 0 when the
 * buffer is malformed: the set is then used once, not cached. */
static uint32_t min_ttl(const unsigned char *abuf, int alen)
{
	const unsigned char *p = abuf + 12, *end = abuf + alen;
	unsigned qd, an;
	uint32_t best = UINT32_MAX;
	long enclen;
	char *name;

	if (alen < 12)
		return 0;
	qd = (unsigned)(abuf[4] << 8 | abuf[5]);
	an = (unsigned)(abuf[6] << 8 | abuf[7]);
	for (unsigned i = 0; i < qd + an; i++) {
		if (ares_expand_name(p, abuf, alen, &name, &enclen) != ARES_SUCCESS)
			return 0;
		ares_free_string(name);
		p += enclen;
		if (i < qd) {
			p += 4;
			continue;
		}
		if (end - p < 10)
			return 0;
		uint32_t ttl = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
			       (uint32_t)p[6] << 8 | p[7];
		unsigned rdlen = (unsigned)(p[8] << 8 | p[9]);

		if (ttl > 0x7fffffffu)      /* RFC 2181 §8: treat as 0 */
			ttl = 0;
		if (ttl < best)
			best = ttl;
		p += 10 + rdlen;
		if (p > end)
			return 0;
	}
	return best == UINT32_MAX ? 0 : best;
}

static void copy_lower(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < size; i++)
		dst[i] = src[i] >= 'A' && src[i] <= 'Z' ? (char)(src[i] + 32)
							: src[i];
	dst[i] = '\0';
}

static void copy_upper(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < size; i++)
		dst[i] = src[i] >= 'a' && src[i] <= 'z' ? (char)(src[i] - 32)
							: src[i];
	dst[i] = '\0';
}

/* Copies name into s's pool at *off (sized by the caller). */
static uint32_t pool_add(struct tdm_dns_rrset *s, size_t *off, const char *name)
{
	char *pool = (char *)&s->rr[s->n];
	uint32_t at = (uint32_t)*off;
	int len = tdm_dns_name_norm(pool + at, name, strlen(name));

	if (len < 0) {
		pool[at] = '\0';
		len = 0;
	}
	*off += (size_t)len + 1;
	return at;
}

static struct tdm_dns_rrset *parse_naptr(const unsigned char *abuf, int alen)
{
	struct ares_naptr_reply *head = NULL, *r;
	struct tdm_dns_rrset *s;
	unsigned n = 0, i = 0;
	size_t pool = 0, off = 0;

	if (ares_parse_naptr_reply(abuf, alen, &head) != ARES_SUCCESS)
		return tdm_dns_rrset_err(TDM_DNS_T_NAPTR, -ENOENT);
	for (r = head; r; r = r->next, n++)
		pool += strlen(r->replacement) + 1;
	s = tdm_dns_rrset_new(TDM_DNS_T_NAPTR, n, pool);
	for (r = head; s && r; r = r->next, i++) {
		struct tdm_dns_rr *rr = &s->rr[i];

		rr->order = r->order;
		rr->pref = r->preference;
		copy_lower(rr->flags, sizeof(rr->flags), (const char *)r->flags);
		copy_upper(rr->service, sizeof(rr->service),
			   (const char *)r->service);
		/* A record with a regexp (and no replacement) rewrites
		 * the AUS; RFC 3263 only uses replacements, so such records
		 * get an empty name and are skipped by the resolver. */
		rr->name_off = pool_add(s, &off, r->regexp && r->regexp[0] ?
						 "" : r->replacement);
	}
	ares_free_data(head);
	return s;
}

static struct tdm_dns_rrset *parse_srv(const unsigned char *abuf, int alen)
{
	struct ares_srv_reply *head = NULL, *r;
	struct tdm_dns_rrset *s;
	unsigned n = 0, i = 0;
	size_t pool = 0, off = 0;

	if (ares_parse_srv_reply(abuf, alen, &head) != ARES_SUCCESS)
		return tdm_dns_rrset_err(TDM_DNS_T_SRV, -ENOENT);
	for (r = head; r; r = r->next, n++)
		pool += strlen(r->host) + 1;
	s = tdm_dns_rrset_new(TDM_DNS_T_SRV, n, pool);
	for (r = head; s && r; r = r->next, i++) {
		s->rr[i].prio = r->priority;
		s->rr[i].weight = r->weight;
		s->rr[i].port = r->port;
		s->rr[i].name_off = pool_add(s, &off, r->host);
	}
	ares_free_data(head);
	return s;
}

static struct tdm_dns_rrset *parse_addr(uint16_t type,
					const unsigned char *abuf, int alen)
{
	struct ares_addrttl a4[ADDR_MAX];
	struct ares_addr6ttl a6[ADDR_MAX];
	struct tdm_dns_rrset *s;
	int n = ADDR_MAX, st;

	if (type == TDM_DNS_T_A)
		st = ares_parse_a_reply(abuf, alen, NULL, a4, &n);
	else
		st = ares_parse_aaaa_reply(abuf, alen, NULL, a6, &n);
	if (st != ARES_SUCCESS || n <= 0)
		return tdm_dns_rrset_err(type, st == ARES_ENOMEM ? -ENOMEM
								 : -ENOENT);
	s = tdm_dns_rrset_new(type, (unsigned)n, 0);
	for (int i = 0; s && i < n; i++) {
		if (type == TDM_DNS_T_A)
			memcpy(s->rr[i].ip, &a4[i].ipaddr, 4);
		else
			memcpy(s->rr[i].ip, &a6[i].ip6addr, 16);
	}
	return s;
}

struct tdm_dns_rrset *tdm_dns_parse(uint16_t type, const unsigned char *abuf,
				    int alen)
{
	struct tdm_dns_rrset *s;

	switch (type) {
	case TDM_DNS_T_NAPTR:
		s = parse_naptr(abuf, alen);
		break;
	case TDM_DNS_T_SRV:
		s = parse_srv(abuf, alen);
		break;
	default:
		s = parse_addr(type, abuf, alen);
		break;
	}
	if (s && !s->err && s->n == 0)
		s->err = -ENOENT;
	if (s && !s->err)
		s->ttl = min_ttl(abuf, alen);
	return s;
}
