/* SPDX-License-Identifier: GPL-2.0-or-later
 * The provisioning snapshot's four tables: what an entry of each holds,
 * how rows become entries (the writer's side, snap.h) and the lookups of
 * <tandem/snapshot.h>. A lookup locks one stripe for reading, walks one
 * chain and copies the answer out. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <string.h>
#include <tandem/alloc.h>
#include "db/snap.h"

/* subscriber: 32 + 83 bytes + user + display name (~125 for a short
 * user: one 144-byte malloc chunk). */
struct snap_sub {
	struct snap_ent h;
	uint8_t ha1[16], ha1_sha256[32], ha1_sha512t256[32];
	uint8_t enabled, ulen, dlen;
	char data[];                /* user, then display name */
};

/* domain: the head alone (key: "" @ name). */
struct snap_domain {
	struct snap_ent h;
};

/* alias: key alias user @ alias domain (h.dom); target user @ tdom. */
struct snap_alias {
	struct snap_ent h;
	uint32_t tdom;
	uint8_t aulen, tulen;
	char data[];                /* alias user, then target user */
};

/* address: hash of the group alone, all of a group in one chain. */
struct snap_addr {
	struct snap_ent h;
	uint32_t grp;
	uint16_t port;
	uint8_t mask, family;       /* AF_INET or AF_INET6 */
	uint8_t ip[16];
	uint8_t taglen;
	char tag[];
};

const char *const tdm_snap_table_names[TDM_SNAP__TABLES] = {
	"domain", "subscriber", "alias", "address",
};

static _Atomic(struct tdm_snap *) node_snap;

const struct tdm_snap *tdm_snap_node(void)
{
	return atomic_load_explicit(&node_snap, memory_order_acquire);
}

void tdm_snap_set_node(struct tdm_snap *s)
{
	atomic_store_explicit(&node_snap, s, memory_order_release);
}

int tdm_snap_table_parse(const struct tdm_str *name)
{
	for (int t = 0; t < TDM_SNAP__TABLES; t++)
		if (tdm_str_eq_c(name, tdm_snap_table_names[t]))
			return t;
	return -1;
}

int tdm_snap_new(struct tdm_snap **out)
{
	struct tdm_snap *s = tdm_calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->writer, NULL);
	if (snap_tab_init(&s->domains) || snap_tab_init(&s->subs) ||
	    snap_tab_init(&s->aliases) || snap_tab_init(&s->addrs)) {
		tdm_snap_free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

void tdm_snap_free(struct tdm_snap *s)
{
	if (!s)
		return;
	snap_tab_free(&s->domains);
	snap_tab_free(&s->subs);
	snap_tab_free(&s->aliases);
	snap_tab_free(&s->addrs);
	snap_dict_free(&s->dict);
	pthread_mutex_destroy(&s->writer);
	tdm_free(s);
}

static struct snap_tab *tab(struct tdm_snap *s, enum tdm_snap_table t)
{
	switch (t) {
	case TDM_SNAP_DOMAIN: return &s->domains;
	case TDM_SNAP_SUBSCRIBER: return &s->subs;
	case TDM_SNAP_ALIAS: return &s->aliases;
	default: return &s->addrs;
	}
}

/* ---- Writing ---------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tdm_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* n bytes from exactly 2n hex digits. */
static int unhex(const struct tdm_str *x, uint8_t *out, size_t n)
{
	if (x->len != 2 * n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(x->s[2 * i]), lo = hexval(x->s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* The entry head for key user@domain; interns the domain. */
static int head(struct tdm_snap *s, struct snap_ent *h, int64_t id,
		const struct tdm_str *user, const struct tdm_str *domain)
{
	int rc = snap_dict_intern(&s->dict, domain, &h->dom);

	if (rc)
		return rc;
	h->id = id;
	h->hash = snap_key_hash(user, domain);
	h->dom |= SNAP_SEEN;
	return 0;
}

int tdm_snap_put_domain(struct tdm_snap *s, int64_t id,
			const struct tdm_str *name)
{
	struct snap_domain *d = tdm_malloc(sizeof(*d));
	int rc;

	if (!d)
		return -ENOMEM;
	pthread_mutex_lock(&s->writer);
	if ((rc = head(s, &d->h, id, &TDM_STR(""), name)))
		tdm_free(d);
	else
		rc = snap_tab_put(&s->domains, &d->h, sizeof(*d));
	pthread_mutex_unlock(&s->writer);
	return rc;
}

int tdm_snap_put_subscriber(struct tdm_snap *s, const struct tdm_snap_sub_row *r)
{
	size_t dlen = r->display_name.len > 255 ? 255 : r->display_name.len;
	size_t size = sizeof(struct snap_sub) + r->username.len + dlen;
	struct snap_sub *e;
	int rc;

	if (r->username.len > 255)
		return -EINVAL;
	if (!(e = tdm_malloc(size)))
		return -ENOMEM;
	e->enabled = r->enabled;
	e->ulen = (uint8_t)r->username.len;
	e->dlen = (uint8_t)dlen;
	memcpy(e->data, r->username.s, r->username.len);
	if (dlen)
		memcpy(e->data + e->ulen, r->display_name.s, dlen);
	if (unhex(&r->ha1, e->ha1, 16) ||
	    unhex(&r->ha1_sha256, e->ha1_sha256, 32) ||
	    unhex(&r->ha1_sha512t256, e->ha1_sha512t256, 32)) {
		tdm_free(e);
		return -EINVAL;
	}
	pthread_mutex_lock(&s->writer);
	if ((rc = head(s, &e->h, r->id, &r->username, &r->domain)))
		tdm_free(e);
	else
		rc = snap_tab_put(&s->subs, &e->h, size);
	pthread_mutex_unlock(&s->writer);
	return rc;
}

int tdm_snap_put_alias(struct tdm_snap *s, const struct tdm_snap_alias_row *r)
{
	size_t size = sizeof(struct snap_alias) + r->alias_username.len +
		      r->username.len;
	struct snap_alias *e;
	int rc;

	if (r->alias_username.len > 255 || r->username.len > 255)
		return -EINVAL;
	if (!(e = tdm_malloc(size)))
		return -ENOMEM;
	e->aulen = (uint8_t)r->alias_username.len;
	e->tulen = (uint8_t)r->username.len;
	memcpy(e->data, r->alias_username.s, e->aulen);
	memcpy(e->data + e->aulen, r->username.s, e->tulen);
	pthread_mutex_lock(&s->writer);
	rc = snap_dict_intern(&s->dict, &r->domain, &e->tdom);
	if (!rc)
		rc = head(s, &e->h, r->id, &r->alias_username, &r->alias_domain);
	if (rc)
		tdm_free(e);
	else
		rc = snap_tab_put(&s->aliases, &e->h, size);
	pthread_mutex_unlock(&s->writer);
	return rc;
}

static uint32_t grp_hash(unsigned grp)
{
	uint32_t h = grp * 0x9e3779b1u;

	return h ^ (h >> 16) * 0x85ebca6bu;
}

/* ip (text) with mask bits into family and 16 bytes, host bits cleared. */
static int parse_net(const struct tdm_str *ip, unsigned mask, uint8_t *family,
		     uint8_t out[16])
{
	char t[64];

	if (ip->len >= sizeof(t))
		return -EINVAL;
	memcpy(t, ip->s, ip->len);
	t[ip->len] = 0;
	memset(out, 0, 16);
	if (inet_pton(AF_INET, t, out) == 1) {
		*family = AF_INET;
		if (mask > 32)
			return -EINVAL;
	} else if (inet_pton(AF_INET6, t, out) == 1) {
		*family = AF_INET6;
		if (mask > 128)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	for (unsigned bit = mask; bit < 128; bit++)
		out[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	return 0;
}

int tdm_snap_put_address(struct tdm_snap *s, const struct tdm_snap_addr_row *r)
{
	size_t tl = r->tag.len > 255 ? 255 : r->tag.len;
	size_t size = sizeof(struct snap_addr) + tl;
	struct snap_addr *e;
	int rc;

	if (r->port > 65535)
		return -EINVAL;
	if (!(e = tdm_malloc(size)))
		return -ENOMEM;
	if (parse_net(&r->ip, r->mask, &e->family, e->ip)) {
		tdm_free(e);
		return -EINVAL;
	}
	e->h.id = r->id;
	e->h.hash = grp_hash(r->grp);
	e->h.dom = SNAP_SEEN;
	e->grp = r->grp;
	e->port = (uint16_t)r->port;
	e->mask = (uint8_t)r->mask;
	e->taglen = (uint8_t)tl;
	memcpy(e->tag, r->tag.s, tl);
	pthread_mutex_lock(&s->writer);
	rc = snap_tab_put(&s->addrs, &e->h, size);
	pthread_mutex_unlock(&s->writer);
	return rc;
}

int tdm_snap_del(struct tdm_snap *s, enum tdm_snap_table t, int64_t id)
{
	int rc;

	pthread_mutex_lock(&s->writer);
	rc = snap_tab_del(tab(s, t), id);
	pthread_mutex_unlock(&s->writer);
	return rc;
}

void tdm_snap_mark(struct tdm_snap *s)
{
	pthread_mutex_lock(&s->writer);
	for (int t = 0; t < TDM_SNAP__TABLES; t++)
		snap_tab_mark(tab(s, t));
	pthread_mutex_unlock(&s->writer);
}

size_t tdm_snap_sweep(struct tdm_snap *s)
{
	size_t n = 0;

	pthread_mutex_lock(&s->writer);
	for (int t = 0; t < TDM_SNAP__TABLES; t++)
		n += snap_tab_sweep(tab(s, t));
	pthread_mutex_unlock(&s->writer);
	return n;
}

void tdm_snap_stats(const struct tdm_snap *s, struct tdm_snap_stats *out)
{
	struct tdm_snap *w = (struct tdm_snap *)s;

	pthread_mutex_lock(&w->writer);
	out->domains = s->domains.count;
	out->subscribers = s->subs.count;
	out->aliases = s->aliases.count;
	out->addresses = s->addrs.count;
	out->bytes = sizeof(*s) + s->dict.bytes;
	for (int t = 0; t < TDM_SNAP__TABLES; t++)
		out->bytes += snap_tab_bytes(tab(w, t));
	pthread_mutex_unlock(&w->writer);
}

/* ---- Reading ---------------------------------------------------------- */

/* The entry's key domain equals domain (which may have any case). */
static bool dom_eq(const struct tdm_snap *s, const struct snap_ent *e,
		   const struct tdm_str *domain)
{
	size_t len;
	const char *n = snap_dict_name(&s->dict, e->dom & ~SNAP_SEEN, &len);

	if (len != domain->len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (n[i] != tdm_lower(domain->s[i]))
			return false;
	return true;
}

/* Walks the chain of user@domain in t with the stripe read-locked and
 * calls found() on the first entry whose user (the first ulen bytes of
 * its data, as key_user() says) matches; returns found()'s value or
 * -ENOENT. */
typedef int found_fn(const struct tdm_snap *s, const struct snap_ent *e,
		     void *arg);
typedef struct tdm_str key_user_fn(const struct snap_ent *e);

static int find(const struct tdm_snap *s, const struct snap_tab *t,
		const struct tdm_str *user, const struct tdm_str *domain,
		key_user_fn *key_user, found_fn *found, void *arg)
{
	uint32_t h = snap_key_hash(user, domain);
	struct snap_stripe *st = snap_stripe_of(t, h);
	int rc = -ENOENT;

	pthread_rwlock_rdlock(&st->lock);
	for (const struct snap_ent *e = st->b[h & st->mask]; e; e = e->next) {
		struct tdm_str u;
		if (e->hash != h)
			continue;
		u = key_user(e);
		if (u.len == user->len && !memcmp(u.s, user->s, u.len) &&
		    dom_eq(s, e, domain)) {
			rc = found ? found(s, e, arg) : 0;
			break;
		}
	}
	pthread_rwlock_unlock(&st->lock);
	return rc;
}

static struct tdm_str sub_user(const struct snap_ent *e)
{
	const struct snap_sub *x = (const struct snap_sub *)e;

	return (struct tdm_str){ x->data, x->ulen };
}

static int sub_copy(const struct tdm_snap *s, const struct snap_ent *e,
		    void *arg)
{
	const struct snap_sub *x = (const struct snap_sub *)e;
	struct tdm_snap_sub *o = arg;
	(void)s;

	o->id = e->id;
	o->enabled = x->enabled;
	memcpy(o->ha1, x->ha1, sizeof(o->ha1));
	memcpy(o->ha1_sha256, x->ha1_sha256, sizeof(o->ha1_sha256));
	memcpy(o->ha1_sha512t256, x->ha1_sha512t256, sizeof(o->ha1_sha512t256));
	memcpy(o->display_name, x->data + x->ulen, x->dlen);
	o->display_name[x->dlen] = 0;
	return 0;
}

int tdm_snap_subscriber(const struct tdm_snap *s, const struct tdm_str *user,
			const struct tdm_str *domain, struct tdm_snap_sub *out)
{
	return find(s, &s->subs, user, domain, sub_user, out ? sub_copy : NULL,
		    out);
}

static struct tdm_str no_user(const struct snap_ent *e)
{
	(void)e;
	return TDM_STR("");
}

bool tdm_snap_domain_served(const struct tdm_snap *s,
			    const struct tdm_str *domain)
{
	return find(s, &s->domains, &TDM_STR(""), domain, no_user, NULL,
		    NULL) == 0;
}

static struct tdm_str alias_user(const struct snap_ent *e)
{
	const struct snap_alias *x = (const struct snap_alias *)e;

	return (struct tdm_str){ x->data, x->aulen };
}

struct alias_out {
	char *buf;
	size_t buflen;
	struct tdm_str *user, *domain;
};

static int alias_copy(const struct tdm_snap *s, const struct snap_ent *e,
		      void *arg)
{
	const struct snap_alias *x = (const struct snap_alias *)e;
	struct alias_out *o = arg;
	size_t dl;
	const char *d = snap_dict_name(&s->dict, x->tdom, &dl);

	if ((size_t)x->tulen + dl + 2 > o->buflen)
		return -ENOSPC;
	memcpy(o->buf, x->data + x->aulen, x->tulen);
	o->buf[x->tulen] = 0;
	memcpy(o->buf + x->tulen + 1, d, dl + 1);
	*o->user = (struct tdm_str){ o->buf, x->tulen };
	*o->domain = (struct tdm_str){ o->buf + x->tulen + 1, dl };
	return 0;
}

int tdm_snap_alias(const struct tdm_snap *s, const struct tdm_str *user,
		   const struct tdm_str *domain, char *buf, size_t buflen,
		   struct tdm_str *to_user, struct tdm_str *to_domain)
{
	struct alias_out o = { buf, buflen, to_user, to_domain };

	return find(s, &s->aliases, user, domain, alias_user, alias_copy, &o);
}

/* src inside the entry's network. */
static bool net_match(const struct snap_addr *a, int family, const uint8_t *ip)
{
	unsigned full = a->mask / 8, rest = a->mask % 8;

	if (a->family != family)
		return false;
	if (memcmp(a->ip, ip, full))
		return false;
	return !rest || ((ip[full] ^ a->ip[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

int tdm_snap_address(const struct tdm_snap *s, unsigned grp,
		     const struct tdm_addr *src, char *tag, size_t taglen)
{
	uint32_t h = grp_hash(grp);
	struct snap_stripe *st = snap_stripe_of(&s->addrs, h);
	const struct snap_addr *best = NULL;
	int family = tdm_addr_family(src), rc = -ENOENT;
	uint16_t port = tdm_addr_port(src);
	uint8_t ip[16] = { 0 };

	if (family == AF_INET)
		memcpy(ip, &((const struct sockaddr_in *)&src->ss)->sin_addr, 4);
	else if (family == AF_INET6)
		memcpy(ip, &((const struct sockaddr_in6 *)&src->ss)->sin6_addr, 16);
	else
		return -ENOENT;
	pthread_rwlock_rdlock(&st->lock);
	for (const struct snap_ent *e = st->b[h & st->mask]; e; e = e->next) {
		const struct snap_addr *a = (const struct snap_addr *)e;
		if (e->hash != h || a->grp != grp || (a->port && a->port != port) ||
		    !net_match(a, family, ip))
			continue;
		if (!best || a->mask > best->mask ||
		    (a->mask == best->mask && a->port && !best->port))
			best = a;
	}
	if (best) {
		if (tag && taglen) {
			size_t n = best->taglen < taglen - 1 ? best->taglen : taglen - 1;
			memcpy(tag, best->tag, n);
			tag[n] = 0;
		}
		rc = 0;
	}
	pthread_rwlock_unlock(&st->lock);
	return rc;
}
