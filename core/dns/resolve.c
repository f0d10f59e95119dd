/* SPDX-License-Identifier: GPL-2.0-or-later
 * RFC 3263 §4 next-hop selection: from a SIP URI to the ordered list of
 * (transport, address, port) the transaction layer tries. A request is a
 * small state machine, NAPTR -> SRV -> A/AAAA, driven again each time an
 * answer it waits for arrives; every record it needs comes from the
 * cache first, so a fully cached name resolves without any query. */
#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "dns/dns_impl.h"

TDM_LOG_SUBSYS(tdm_log_dns, "dns");
struct tdm_dns_global tdm_dns_g;

#define SVC_MAX 8

enum phase { PH_NAPTR, PH_SRV, PH_ADDR };

/* A question a request has asked (or found in the cache). */
struct held {
	uint16_t type;
	bool pending;
	struct tdm_dns_rrset *set;   /* a reference once answered */
	char *name;                  /* normalised, owned */
};

/* Where to look next: an SRV name (PH_SRV) or a host and port (PH_ADDR). */
struct hop {
	enum tdm_proto proto;
	uint16_t port;
	char name[TDM_DNS_NAME_MAX];
};

struct req {
	struct tdm_list_node link;   /* on d->reqs while alive */
	struct tdm_dns *d;
	tdm_dns_fn *fn;
	void *arg;
	bool cancelled, done;
	bool starting;               /* inside tdm_dns_resolve(): it frees */
	int start_err;               /* could not ask while starting */
	unsigned waiting;            /* questions asked, not answered */
	enum phase phase;
	bool sips;
	enum tdm_proto forced;       /* ;transport=, or NONE */
	char host[TDM_DNS_NAME_MAX]; /* the URI's host or maddr */
	struct hop svc[SVC_MAX];     /* PH_SRV: SRV names to ask */
	unsigned nsvc;
	struct hop hop[TDM_DNS_TARGETS_MAX]; /* PH_ADDR: hosts to ask */
	unsigned nhop;
	struct held *held;
	unsigned nheld, capheld;
};

struct tdm_dns {
	struct tdm_loop *loop;
	struct tdm_dns_chan *chan;
	struct tdm_list reqs;
};

static uint16_t default_port(enum tdm_proto p)
{
	return p == TDM_PROTO_TLS || p == TDM_PROTO_WSS ? 5061 : 5060;
}

static bool have(enum tdm_proto p)
{
	const struct tdm_dns_cfg *c = &tdm_dns_g.cfg;

	switch (p) {
	case TDM_PROTO_UDP: return c->have_udp;
	case TDM_PROTO_TCP: return c->have_tcp;
	case TDM_PROTO_TLS: return c->have_tls;
	case TDM_PROTO_WS:  return c->have_ws;
	case TDM_PROTO_WSS: return c->have_ws && c->have_tls;
	default:            return false;
	}
}

/* ---------------------------------------------------------------- life */

static void req_free(struct req *r)
{
	for (unsigned i = 0; i < r->nheld; i++) {
		tdm_dns_rrset_unref(r->held[i].set);
		tdm_free(r->held[i].name);
	}
	tdm_free(r->held);
	tdm_list_remove(&r->link);
	tdm_free(r);
}

/* Hands res to the caller (unless cancelled); r goes away once no
 * answer is outstanding. */
static void finish(struct req *r, struct tdm_dns_result *res)
{
	r->done = true;
	if (!r->cancelled) {
		r->cancelled = true;
		if (res->err)
			TDM_LOGD(&tdm_log_dns, "resolve %s: %s", r->host,
				 tdm_strerror(res->err));
		r->fn(r->arg, res);
	}
	if (r->waiting == 0 && !r->starting)
		req_free(r);
}

static void fail(struct req *r, int err)
{
	struct tdm_dns_result res = { .err = err };

	finish(r, &res);
}

/* ------------------------------------------------------------ lookups */

/* The answer to (type, name) for r: 1 with *set (borrowed from r) when
 * known, 0 when asked and pending, -ENOMEM. */
static int need(struct req *r, uint16_t type, const char *name,
		struct tdm_dns_rrset **set)
{
	char norm[TDM_DNS_NAME_MAX];
	struct held *h;
	int err;

	if (tdm_dns_name_norm(norm, name, strlen(name)) < 0) {
		*set = NULL;
		return 1;
	}
	for (unsigned i = 0; i < r->nheld; i++) {
		h = &r->held[i];
		if (h->type == type && strcmp(h->name, norm) == 0) {
			*set = h->set;
			return h->pending ? 0 : 1;
		}
	}
	if (r->nheld == r->capheld) {
		unsigned cap = r->capheld ? r->capheld * 2 : 8;
		struct held *nh = tdm_realloc(r->held, cap * sizeof(*nh));

		if (!nh)
			return -ENOMEM;
		r->held = nh;
		r->capheld = cap;
	}
	h = &r->held[r->nheld];
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->name = tdm_strndup(norm, strlen(norm));
	if (!h->name)
		return -ENOMEM;
	r->nheld++;
	if (tdm_dns_cache_get(type, norm, tdm_loop_now(r->d->loop),
			      &h->set) == 0) {
		atomic_fetch_add(&tdm_dns_g.hits, 1);
		*set = h->set;
		return 1;
	}
	atomic_fetch_add(&tdm_dns_g.misses, 1);
	err = tdm_dns_chan_ask(r->d->chan, type, norm, r);
	if (err) {
		r->nheld--;
		tdm_free(h->name);
		return err;
	}
	h->pending = true;
	r->waiting++;
	return 0;
}

/* query.c: the answer to one of r's questions. */
static void drive(struct req *r);

static void on_answer(void *waiter, uint16_t type, const char *name,
		      struct tdm_dns_rrset *set)
{
	struct req *r = waiter;

	for (unsigned i = 0; i < r->nheld; i++) {
		struct held *h = &r->held[i];

		if (h->pending && h->type == type && !strcmp(h->name, name)) {
			h->pending = false;
			h->set = tdm_dns_rrset_ref(set);
			break;
		}
	}
	r->waiting--;
	if (r->done || r->cancelled) {
		if (r->waiting == 0)
			req_free(r);
		return;
	}
	drive(r);
}

/* -------------------------------------------------------------- NAPTR */

static enum tdm_proto naptr_proto(const char *service, bool sips)
{
	static const struct {
		const char *svc;
		enum tdm_proto p;
		bool secure;
	} map[] = {
		{ "SIP+D2U", TDM_PROTO_UDP, false },
		{ "SIP+D2T", TDM_PROTO_TCP, false },
		{ "SIPS+D2T", TDM_PROTO_TLS, true },
		{ "SIP+D2W", TDM_PROTO_WS, false },
		{ "SIPS+D2W", TDM_PROTO_WSS, true },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(service, map[i].svc))
			return sips && !map[i].secure ? TDM_PROTO_NONE : map[i].p;
	return TDM_PROTO_NONE;
}

static void add_svc(struct req *r, enum tdm_proto p, const char *prefix,
		    const char *name)
{
	struct hop *s;

	if (r->nsvc == SVC_MAX || !have(p))
		return;
	s = &r->svc[r->nsvc];
	if (snprintf(s->name, sizeof(s->name), "%s%s", prefix, name) >=
	    (int)sizeof(s->name))
		return;
	s->proto = p;
	r->nsvc++;
}

/* SRV names for a name without usable NAPTR records (RFC 3263 §4.1):
 * every transport the node has, in its preference order. */
static void svc_default(struct req *r)
{
	if (r->forced) {
		static const char *const pfx[] = {
			[TDM_PROTO_UDP] = "_sip._udp.",
			[TDM_PROTO_TCP] = "_sip._tcp.",
			[TDM_PROTO_TLS] = "_sips._tcp.",
			[TDM_PROTO_WS] = "_sip._ws.",
			[TDM_PROTO_WSS] = "_sips._ws.",
		};
		add_svc(r, r->forced, pfx[r->forced], r->host);
	} else if (r->sips) {
		add_svc(r, TDM_PROTO_TLS, "_sips._tcp.", r->host);
	} else {
		add_svc(r, TDM_PROTO_UDP, "_sip._udp.", r->host);
		add_svc(r, TDM_PROTO_TCP, "_sip._tcp.", r->host);
	}
}

/* PH_NAPTR -> PH_SRV. Returns 1 to go on, 0 pending, <0 to fail. */
static int step_naptr(struct req *r)
{
	struct tdm_dns_rrset *s;
	unsigned idx[SVC_MAX * 4], n;
	int ret = need(r, TDM_DNS_T_NAPTR, r->host, &s);

	if (ret <= 0)
		return ret;
	if (s && s->err && s->err != -ENOENT)
		return s->err;
	n = tdm_dns_naptr_order(s, idx, SVC_MAX * 4);
	for (unsigned i = 0; i < n; i++) {
		const struct tdm_dns_rr *rr = &s->rr[idx[i]];
		enum tdm_proto p = naptr_proto(rr->service, r->sips);

		if (strcmp(rr->flags, "s") || p == TDM_PROTO_NONE ||
		    !tdm_dns_rr_name(s, rr)[0])
			continue;
		add_svc(r, p, "", tdm_dns_rr_name(s, rr));
	}
	if (r->nsvc == 0)
		svc_default(r);
	return 1;
}

/* ---------------------------------------------------------------- SRV */

static void add_hop(struct req *r, enum tdm_proto p, uint16_t port,
		    const char *name)
{
	struct hop *h;

	if (r->nhop == TDM_DNS_TARGETS_MAX)
		return;
	h = &r->hop[r->nhop++];
	h->proto = p;
	h->port = port;
	snprintf(h->name, sizeof(h->name), "%s", name);
}

/* The transport when nothing names one (RFC 3263 §4.1): UDP for sip:
 * (or the first one the node has), TLS for sips:. */
static enum tdm_proto default_proto(const struct req *r)
{
	if (r->forced)
		return r->forced;
	if (r->sips)
		return TDM_PROTO_TLS;
	if (have(TDM_PROTO_UDP))
		return TDM_PROTO_UDP;
	return have(TDM_PROTO_TCP) ? TDM_PROTO_TCP : TDM_PROTO_TLS;
}

/* PH_SRV -> PH_ADDR: asks every SRV name at once, then lists their
 * targets service by service, each in RFC 2782 order. */
static int step_srv(struct req *r)
{
	struct tdm_dns_rrset *sets[SVC_MAX];
	unsigned idx[TDM_DNS_TARGETS_MAX];
	int hard = 0, pending = 0, ret;

	if (r->nsvc == 0)
		return -EPROTONOSUPPORT;
	for (unsigned i = 0; i < r->nsvc; i++) {
		ret = need(r, TDM_DNS_T_SRV, r->svc[i].name, &sets[i]);
		if (ret < 0)
			return ret;
		pending |= ret == 0;
	}
	if (pending)
		return 0;
	for (unsigned i = 0; i < r->nsvc; i++) {
		struct tdm_dns_rrset *s = sets[i];
		unsigned n;

		if (s && s->err && s->err != -ENOENT && !hard)
			hard = s->err;
		n = tdm_dns_srv_order(s, idx, TDM_DNS_TARGETS_MAX);
		for (unsigned k = 0; k < n; k++)
			add_hop(r, r->svc[i].proto, s->rr[idx[k]].port,
				tdm_dns_rr_name(s, &s->rr[idx[k]]));
	}
	if (r->nhop == 0) {
		if (hard)
			return hard;
		/* RFC 3263 §4.2: no SRV, so A/AAAA at the default port. */
		enum tdm_proto p = default_proto(r);

		if (!have(p))
			return -EPROTONOSUPPORT;
		add_hop(r, p, default_port(p), r->host);
	}
	return 1;
}

/* --------------------------------------------------------------- A/AAAA */

static void add_target(struct tdm_dns_result *res, const struct req *r,
		       const struct hop *h, int family, const uint8_t *ip)
{
	struct tdm_dns_target *t;

	if (res->n == TDM_DNS_TARGETS_MAX)
		return;
	t = &res->t[res->n++];
	memset(t, 0, sizeof(*t));
	t->proto = h->proto;
	if (family == AF_INET) {
		struct sockaddr_in *sa = (struct sockaddr_in *)&t->addr.ss;

		sa->sin_family = AF_INET;
		sa->sin_port = htons(h->port);
		memcpy(&sa->sin_addr, ip, 4);
		t->addr.len = sizeof(*sa);
	} else {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)&t->addr.ss;

		sa->sin6_family = AF_INET6;
		sa->sin6_port = htons(h->port);
		memcpy(&sa->sin6_addr, ip, 16);
		t->addr.len = sizeof(*sa);
	}
	snprintf(t->host, sizeof(t->host), "%s", r->host);
}

/* A numeric host: its address, no query. */
static bool numeric(const char *name, int *family, uint8_t ip[16])
{
	if (inet_pton(AF_INET, name, ip) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, name, ip) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

/* PH_ADDR -> done: A and AAAA of every hop at once, then the targets
 * hop by hop, one family before the other. */
static int step_addr(struct req *r, struct tdm_dns_result *res)
{
	struct tdm_dns_rrset *s4[TDM_DNS_TARGETS_MAX], *s6[TDM_DNS_TARGETS_MAX];
	int hard = 0, pending = 0, ret, fam;
	uint8_t ip[16];

	for (unsigned i = 0; i < r->nhop; i++) {
		s4[i] = s6[i] = NULL;
		if (numeric(r->hop[i].name, &fam, ip))
			continue;
		ret = need(r, TDM_DNS_T_A, r->hop[i].name, &s4[i]);
		if (ret < 0)
			return ret;
		pending |= ret == 0;
		ret = need(r, TDM_DNS_T_AAAA, r->hop[i].name, &s6[i]);
		if (ret < 0)
			return ret;
		pending |= ret == 0;
	}
	if (pending)
		return 0;
	for (unsigned i = 0; i < r->nhop; i++) {
		const struct hop *h = &r->hop[i];
		struct tdm_dns_rrset *first = tdm_dns_g.cfg.prefer_ipv6 ? s6[i] : s4[i];
		struct tdm_dns_rrset *second = tdm_dns_g.cfg.prefer_ipv6 ? s4[i] : s6[i];

		if (numeric(h->name, &fam, ip)) {
			add_target(res, r, h, fam, ip);
			continue;
		}
		for (int k = 0; k < 2; k++) {
			struct tdm_dns_rrset *s = k ? second : first;

			if (!s)
				continue;
			if (s->err && s->err != -ENOENT && !hard)
				hard = s->err;
			for (unsigned j = 0; !s->err && j < s->n; j++)
				add_target(res, r, h, s->type == TDM_DNS_T_A ?
						   AF_INET : AF_INET6, s->rr[j].ip);
		}
	}
	if (res->n == 0)
		return hard ? hard : -ENOENT;
	return 1;
}

/* Runs r as far as the known answers allow. */
static void drive(struct req *r)
{
	struct tdm_dns_result res;
	int ret = 1;

	if (r->phase == PH_NAPTR) {
		ret = step_naptr(r);
		if (ret > 0)
			r->phase = PH_SRV;
	}
	if (ret > 0 && r->phase == PH_SRV) {
		ret = step_srv(r);
		if (ret > 0)
			r->phase = PH_ADDR;
	}
	if (ret > 0) {
		memset(&res, 0, sizeof(res));
		ret = step_addr(r, &res);
		if (ret > 0) {
			finish(r, &res);
			return;
		}
	}
	if (ret == -ENOMEM && r->starting) {
		/* tdm_dns_resolve() reports it; fn is not called */
		r->start_err = ret;
		r->done = r->cancelled = true;
	} else if (ret < 0) {
		fail(r, ret);
	}
}

/* -------------------------------------------------------------- setup */

/* The transport named by ;transport= for this scheme (RFC 3261 §26.2.2:
 * sips with transport=tcp means TLS over TCP). NONE when absent,
 * -EPROTONOSUPPORT when unusable. */
static int uri_proto(const struct tdm_uri *u, enum tdm_proto *out)
{
	enum tdm_proto p;

	*out = TDM_PROTO_NONE;
	if (!u->transport.len)
		return 0;
	p = tdm_proto_parse(&u->transport);
	if (u->scheme == TDM_URI_SIPS) {
		if (p == TDM_PROTO_TCP || p == TDM_PROTO_TLS)
			p = TDM_PROTO_TLS;
		else if (p == TDM_PROTO_WS || p == TDM_PROTO_WSS)
			p = TDM_PROTO_WSS;
		else
			return -EPROTONOSUPPORT;
	}
	if (p == TDM_PROTO_NONE || !have(p))
		return -EPROTONOSUPPORT;
	*out = p;
	return 0;
}

/* Fills r from the URI; 0, or a -errno for the caller's result. */
static int req_setup(struct req *r, const struct tdm_uri *u)
{
	const struct tdm_str *host = u->maddr.len ? &u->maddr : &u->host;
	int err = uri_proto(u, &r->forced);
	const char *s = host->s;
	size_t len = host->len;

	if (err)
		return err;
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;                 /* an IPv6 maddr in brackets */
		len -= 2;
	}
	if (len == 0 || len >= sizeof(r->host))
		return -ENOENT;
	memcpy(r->host, s, len);
	r->host[len] = '\0';
	r->sips = u->scheme == TDM_URI_SIPS;
	return 0;
}

int tdm_dns_resolve(struct tdm_dns *d, const struct tdm_uri *uri,
		    tdm_dns_fn *fn, void *arg)
{
	struct req *r;
	enum tdm_proto p;
	uint8_t ip[16];
	int err, fam;

	if (!d || !uri || !fn || (uri->scheme != TDM_URI_SIP &&
				  uri->scheme != TDM_URI_SIPS))
		return -EINVAL;
	r = tdm_calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->d = d;
	r->fn = fn;
	r->arg = arg;
	tdm_list_insert_tail(&d->reqs, &r->link);
	r->starting = true;
	err = req_setup(r, uri);
	p = default_proto(r);
	if (err) {
		fail(r, err);
	} else if (numeric(r->host, &fam, ip) || uri->port) {
		/* RFC 3263 §4.1-4.2: a numeric host or an explicit port
		 * skip NAPTR and SRV. */
		if (!have(p)) {
			fail(r, -EPROTONOSUPPORT);
		} else {
			add_hop(r, p, uri->port ? uri->port : default_port(p),
				r->host);
			r->phase = PH_ADDR;
			drive(r);
		}
	} else {
		if (r->forced) {     /* a transport parameter skips NAPTR */
			svc_default(r);
			r->phase = PH_SRV;
		}
		drive(r);
	}
	r->starting = false;
	if (!r->done)
		return 0;
	err = r->start_err;
	if (r->waiting == 0)
		req_free(r);
	return err ? err : 1;
}

void tdm_dns_cancel(struct tdm_dns *d, tdm_dns_fn *fn, void *arg)
{
	struct tdm_list_node *n;

	if (!d)
		return;
	TDM_LIST_FOREACH(&d->reqs, n) {
		struct req *r = tdm_container_of(n, struct req, link);

		if (r->fn == fn && r->arg == arg)
			r->cancelled = true;
	}
}

/* --------------------------------------------------------- per worker */

int tdm_dns_new(struct tdm_dns **out, struct tdm_loop *loop)
{
	struct tdm_dns *d;
	char err[160];
	int ret;

	if (!out || !loop || !tdm_dns_g.inited)
		return -EINVAL;
	d = tdm_calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->loop = loop;
	tdm_list_init(&d->reqs);
	ret = tdm_dns_chan_new(&d->chan, loop, on_answer, err, sizeof(err));
	if (ret) {
		TDM_LOGE(&tdm_log_dns, "%s", err);
		tdm_free(d);
		return ret;
	}
	*out = d;
	return 0;
}

void tdm_dns_free(struct tdm_dns *d)
{
	struct tdm_list_node *n;
	struct tdm_dns_result res = { .err = -ECANCELED };

	if (!d)
		return;
	TDM_LIST_FOREACH(&d->reqs, n) {
		struct req *r = tdm_container_of(n, struct req, link);

		if (!r->cancelled) {
			r->cancelled = true;
			r->fn(r->arg, &res);
		}
	}
	/* Every request left waits for an answer; the channel answers
	 * them all with -ECANCELED and they free themselves. */
	tdm_dns_chan_free(d->chan);
	while ((n = tdm_list_pop_head(&d->reqs)) != NULL)
		req_free(tdm_container_of(n, struct req, link));
	tdm_free(d);
}

/* ------------------------------------------------------------- global */

int tdm_dns_global_init(const struct tdm_dns_cfg *cfg, char *err, size_t errlen)
{
	struct tdm_dns_cfg *c = &tdm_dns_g.cfg;
	int ret, st;

	if (tdm_dns_g.inited) {
		snprintf(err, errlen, "dns: already initialised");
		return -EALREADY;
	}
	*c = cfg ? *cfg : (struct tdm_dns_cfg){ 0 };
	c->servers = NULL;
	if (!c->timeout_ms)
		c->timeout_ms = 2000;
	if (!c->tries)
		c->tries = 2;
	if (!c->cache_max)
		c->cache_max = 10000;
	if (!c->negative_ttl_s)
		c->negative_ttl_s = 30;
	if (!c->max_ttl_s)
		c->max_ttl_s = 3600;
	if (!c->have_udp && !c->have_tcp && !c->have_tls && !c->have_ws)
		c->have_udp = c->have_tcp = true;
	if (cfg && cfg->servers &&
	    !(c->servers = tdm_strndup(cfg->servers, strlen(cfg->servers))))
		return -ENOMEM;
	st = ares_library_init(ARES_LIB_INIT_ALL);
	if (st != ARES_SUCCESS) {
		snprintf(err, errlen, "dns: %s", ares_strerror(st));
		tdm_free((char *)c->servers);
		return -ENOMEM;
	}
	ret = tdm_dns_chan_check(err, errlen);
	if (!ret)
		ret = tdm_dns_cache_init(c->cache_max);
	if (ret) {
		ares_library_cleanup();
		tdm_free((char *)c->servers);
		c->servers = NULL;
		return ret;
	}
	(void)tdm_log_subsys_register(&tdm_log_dns);
	atomic_store(&tdm_dns_g.queries, 0);
	atomic_store(&tdm_dns_g.hits, 0);
	atomic_store(&tdm_dns_g.misses, 0);
	atomic_store(&tdm_dns_g.failures, 0);
	atomic_store(&tdm_dns_g.timeouts, 0);
	tdm_dns_g.inited = true;
	return 0;
}

void tdm_dns_global_free(void)
{
	if (!tdm_dns_g.inited)
		return;
	tdm_dns_cache_free();
	ares_library_cleanup();
	tdm_free((char *)tdm_dns_g.cfg.servers);
	tdm_dns_g.cfg.servers = NULL;
	tdm_dns_g.inited = false;
}

void tdm_dns_stats(struct tdm_dns_stats *out)
{
	out->queries = atomic_load(&tdm_dns_g.queries);
	out->cache_hits = atomic_load(&tdm_dns_g.hits);
	out->cache_misses = atomic_load(&tdm_dns_g.misses);
	out->failures = atomic_load(&tdm_dns_g.failures);
	out->timeouts = atomic_load(&tdm_dns_g.timeouts);
	out->cached = tdm_dns_cache_count();
}
