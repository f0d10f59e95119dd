/* SPDX-License-Identifier: GPL-2.0-or-later
 * Knowing ourselves (RFC 3261 §16.4): which URIs name this node, loose
 * routing of the Route set we put in via Record-Route (double
 * Record-Route included), strict-router compatibility, and loop
 * detection by the hash our branches carry (§16.3 step 4). */
#include <string.h>
#include <netinet/in.h>
#include "proxy/proxy_impl.h"
#include "txn/txn.h"

static uint16_t default_port(enum tdm_proto proto)
{
	return proto == TDM_PROTO_TLS || proto == TDM_PROTO_WSS ? 5061 : 5060;
}

/* The listen whose advertised host and port u names, or NULL. */
static const struct tdm_listen *listen_of_uri(const struct tdm_proxy *p,
					      const struct tdm_uri *u)
{
	for (unsigned i = 0; i < p->cfg.nlisten; i++) {
		const struct tdm_listen *l = &p->cfg.listens[i];
		struct tdm_str h = tdm_str_c(l->host);
		uint16_t port = u->port ? u->port : default_port(l->proto);
		if (h.len > 2 && h.s[0] == '[') {
			h.s++;
			h.len -= 2;
		}
		if (port == l->port && tdm_str_caseeq(&h, &u->host))
			return l;
	}
	return NULL;
}

bool px_uri_is_local(const struct tdm_proxy *p, const struct tdm_uri *u)
{
	return listen_of_uri(p, u) != NULL;
}

const struct tdm_listen *px_listen_for(const struct tdm_proxy *p,
				       enum tdm_proto proto, int family)
{
	const struct tdm_listen *any = NULL;

	for (unsigned i = 0; i < p->cfg.nlisten; i++) {
		const struct tdm_listen *l = &p->cfg.listens[i];
		if (l->proto != proto)
			continue;
		if (!family || tdm_addr_family(&l->addr) == family)
			return l;
		if (!any)
			any = l;
	}
	return any;
}

size_t px_rr_value(const struct tdm_listen *l, char *out)
{
	size_t n = strnlen(l->host, sizeof(l->host));
	char *p = out;

	/* "<sip:%s:%u" [";transport=%s"] ";lr>" */
	memcpy(p, "<sip:", 5);
	memcpy(p + 5, l->host, n);
	p += 5 + n;
	*p++ = ':';
	p = px_put_dec(p, l->port);
	if (l->proto != TDM_PROTO_UDP) {
		const char *t = tdm_proto_name(l->proto);
		size_t tn = strnlen(t, 16);
		memcpy(p, ";transport=", 11);
		memcpy(p + 11, t, tn);
		p += 11 + tn;
	}
	memcpy(p, ";lr>", 4);
	return (size_t)(p + 4 - out);
}

/* Drops the first n values of the Route set: whole header lines, or the
 * leading values of a comma-separated line. */
int px_drop_routes(struct tdm_sip_edits *e, const struct tdm_sip_msg *m,
		       unsigned n)
{
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, TDM_HDR_ROUTE);

	for (; h && n; h = tdm_sip_msg_hdr_next(m, h)) {
		struct tdm_str rest = h->value;
		struct tdm_sip_addr a;
		while (n && rest.len) {
			if (tdm_sip_addr_parse(&a, &rest, true))
				return -1;
			rest = tdm_str_trim(rest);
			if (rest.len && rest.s[0] == ',') {
				rest.s++;
				rest.len--;
				rest = tdm_str_trim(rest);
			}
			n--;
		}
		uint32_t idx = (uint32_t)(h - m->hdrs);
		if (!rest.len)
			tdm_sip_edit_del_hdr(e, idx);
		else
			tdm_sip_edit_set_hdr(e, idx, &rest);
	}
	return 0;
}

/* The last Route value replaces the Request-URI when the previous hop
 * was a strict router (§16.4): the Request-URI is then our own
 * Record-Route value. Only a last Route on a line of its own is handled. */
static void strict_compat(struct tdm_sip_msg *req, struct tdm_sip_edits *e,
			  const struct tdm_sip_addr_list *routes)
{
	const struct tdm_sip_hdr *h, *last = NULL;
	const struct tdm_sip_addr_list *r = routes;

	while (r->next)
		r = r->next;
	for (h = tdm_sip_msg_hdr(req, TDM_HDR_ROUTE); h;
	     h = tdm_sip_msg_hdr_next(req, h))
		last = h;
	if (!last || last->value.s > r->addr.uri.s ||
	    r->addr.uri.s > last->value.s + last->value.len)
		return;
	struct tdm_str rest = last->value;
	struct tdm_sip_addr one;
	if (tdm_sip_addr_parse(&one, &rest, true) || tdm_str_trim(rest).len)
		return; /* not alone on its line */
	tdm_sip_edit_set_ruri(e, &r->addr.uri);
	tdm_sip_edit_del_hdr(e, (uint32_t)(last - req->hdrs));
}

unsigned px_loose_route(struct tdm_proxy *p, struct tdm_sip_msg *req,
			struct tdm_sip_edits *e, const struct tdm_listen **out_if)
{
	const struct tdm_sip_addr_list *routes = NULL, *r;
	const struct tdm_uri *ruri;
	struct tdm_uri u;
	unsigned pop = 0;

	*out_if = NULL;
	if (tdm_sip_msg_routes(req, TDM_HDR_ROUTE, &routes) || !routes)
		return 0;
	if (!tdm_sip_msg_ruri_uri(req, &ruri) && px_uri_is_local(p, ruri) &&
	    !ruri->user.len)
		strict_compat(req, e, routes);
	/* our own Route values on top: one, or two after a double
	 * Record-Route (the second names the interface to leave from) */
	for (r = routes; r && pop < 2; r = r->next) {
		const struct tdm_listen *l;
		if (tdm_uri_parse(&u, &r->addr.uri, NULL) ||
		    !(l = listen_of_uri(p, &u)))
			break;
		pop++;
		*out_if = l;
	}
	if (pop)
		px_drop_routes(e, req, pop);
	if (pop < 2)
		*out_if = NULL;
	return pop;
}

struct tdm_str px_next_hop(struct tdm_sip_msg *req, unsigned popped,
			   const struct tdm_str *target, const struct tdm_str *ruri)
{
	const struct tdm_sip_addr_list *r = NULL;

	if (target && target->len)
		return *target; /* relay(uri) / forward(uri): the script's word */
	if (!tdm_sip_msg_routes(req, TDM_HDR_ROUTE, &r))
		while (r && popped--)
			r = r->next;
	return r ? r->addr.uri : *ruri;
}

uint32_t px_loop_hash(const struct tdm_sip_msg *req, const struct tdm_str *ruri)
{
	struct tdm_str pr = { 0 };
	uint32_t h = 2166136261u;
	const struct tdm_str *parts[] = { ruri, &req->from_tag, &req->to_tag,
					  &req->call_id, &pr };
	const struct tdm_sip_hdr *ph = tdm_sip_msg_hdr(req, TDM_HDR_PROXY_REQUIRE);

	if (ph)
		pr = ph->value;
	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		for (size_t k = 0; k < parts[i]->len; k++)
			h = (h ^ (unsigned char)parts[i]->s[k]) * 16777619u;
		h = (h ^ 0xff) * 16777619u;
	}
	return (h ^ req->cseq.num) * 16777619u;
}

/* A Via we wrote: our branch format, and our host and port as sent-by
 * (another Tandem node writes the same format). */
static bool via_is_ours(const struct tdm_proxy *p, const struct tdm_sip_via *v)
{
	struct tdm_uri u = { .host = v->host, .port = v->port };

	return listen_of_uri(p, &u) != NULL;
}

bool px_is_loop(struct tdm_proxy *p, struct tdm_sip_msg *req, uint32_t hash)
{
	const struct tdm_sip_via *v;
	uint32_t h;

	if (tdm_sip_msg_vias(req, &v))
		return false;
	for (; v; v = v->next)
		if (tdm_txn_branch_loop_hash(&v->branch, &h) && h == hash &&
		    via_is_ours(p, v))
			return true;
	return false;
}
