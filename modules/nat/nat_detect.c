/* SPDX-License-Identifier: GPL-2.0-or-later
 * nat: the tests behind nat.detect() and the Contact rewrite behind
 * nat.fixed_contact() (see nat_detect.h). A client behind NAT writes its
 * private address into Via, Contact and SDP; comparing them with the
 * address the packet really came from is the only evidence a proxy has. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/sdp.h>
#include <tandem/uri.h>
#include "nat_detect.h"
#include "nat_ip.h"

/* Test 1: any Contact host of a non-public class the source is not in. */
static bool contact_private(struct tdm_sip_msg *m, enum nat_ip_class src)
{
	const struct tdm_sip_contacts *cs;
	const struct tdm_sip_contact *c;
	struct tdm_uri u;

	if (tdm_sip_msg_contacts(m, &cs) || cs->star)
		return false;
	for (c = cs->list; c; c = c->next) {
		if (tdm_uri_parse(&u, &c->addr.uri, NULL))
			continue;
		if (nat_ip_class_mismatch(nat_ip_class(&u.host), src))
			return true;
	}
	return false;
}

/* The port a Via without one means (RFC 3261 §18.2.1, RFC 7118 §5). */
static uint16_t via_port(const struct tdm_sip_via *v)
{
	enum tdm_proto p;

	if (v->port)
		return v->port;
	p = tdm_proto_parse(&v->transport);
	if (p == TDM_PROTO_TLS)
		return 5061;
	if (p == TDM_PROTO_WS)
		return 80;
	if (p == TDM_PROTO_WSS)
		return 443;
	return 5060;
}

static bool sdp_conn_private(const struct tdm_sdp_conn *c,
			     enum nat_ip_class src)
{
	if (c->type != TDM_SDP_IP4 && c->type != TDM_SDP_IP6)
		return false;
	return nat_ip_class_mismatch(nat_ip_class(&c->addr), src);
}

/* Test 8: any c= line (session or media level) of a non-public class the
 * source is not in. Only application/sdp bodies are looked at. */
static bool sdp_private(struct tdm_sip_msg *m, enum nat_ip_class src,
			struct tdm_arena *a)
{
	const struct tdm_sip_ctype *ct;
	struct tdm_sdp *sdp;

	if (!a || !m->body.len || tdm_sip_msg_ctype(m, &ct) ||
	    !tdm_str_caseeq_c(&ct->type, "application") ||
	    !tdm_str_caseeq_c(&ct->subtype, "sdp"))
		return false;
	if (tdm_sdp_parse(&sdp, a, m->body.s, m->body.len, NULL))
		return false;
	if (sdp->has_conn && sdp_conn_private(&sdp->conn, src))
		return true;
	for (unsigned i = 0; i < sdp->media_count; i++)
		if (sdp->media[i].has_conn &&
		    sdp_conn_private(&sdp->media[i].conn, src))
			return true;
	return false;
}

unsigned nat_detect(struct tdm_sip_msg *m, const struct tdm_scr_peer *p,
		    unsigned tests, struct tdm_arena *a)
{
	enum nat_ip_class src = nat_ip_class(&p->ip);
	const struct tdm_sip_via *v = &m->via1;
	unsigned found = 0;

	if ((tests & NAT_T_CONTACT_PRIVATE) && contact_private(m, src))
		found |= NAT_T_CONTACT_PRIVATE;
	if (m->is_request) {
		/* a host name in sent-by differs from any source address */
		if ((tests & NAT_T_VIA_RECEIVED) && !nat_ip_same(&v->host, &p->ip))
			found |= NAT_T_VIA_RECEIVED;
		if ((tests & NAT_T_VIA_PRIVATE) &&
		    nat_ip_class_mismatch(nat_ip_class(&v->host), src))
			found |= NAT_T_VIA_PRIVATE;
		if ((tests & NAT_T_VIA_PORT) && via_port(v) != p->port)
			found |= NAT_T_VIA_PORT;
	}
	if ((tests & NAT_T_SDP_PRIVATE) && sdp_private(m, src, a))
		found |= NAT_T_SDP_PRIVATE;
	return found;
}

/* ---- nat.fixed_contact() ----------------------------------------------- */

static bool inside(const struct tdm_str *outer, const char *p, size_t len)
{
	return p >= outer->s && p + len <= outer->s + outer->len;
}

/* Writes one contact (the text [start, end) of a header value, already
 * parsed into a and u) with its host:port replaced by the source. */
static void fix_one(struct tdm_buf *out, const char *start, const char *end,
		    const struct tdm_sip_addr *a, const struct tdm_uri *u,
		    const struct tdm_scr_peer *p)
{
	const char *uri_end = a->uri.s + a->uri.len;
	const char *hp = u->host.s, *hp_end = u->host.s + u->host.len;
	const char *par_end = u->headers.len ? u->headers.s - 1 : uri_end;
	bool add_tp = p->proto != TDM_PROTO_UDP && p->proto != TDM_PROTO_NONE &&
		      !u->transport.len;
	bool wrap = add_tp && !a->angle;
	bool v6 = memchr(p->ip.s, ':', p->ip.len) != NULL;

	if (u->host_ipv6 && hp > a->uri.s && hp[-1] == '[') {
		hp--;
		if (hp_end < uri_end && *hp_end == ']')
			hp_end++;
	}
	if (hp_end < uri_end && *hp_end == ':')
		for (hp_end++; hp_end < uri_end && *hp_end >= '0' &&
			       *hp_end <= '9'; hp_end++)
			;
	if (par_end < hp_end) /* '?' inside the host:port: no headers */
		par_end = uri_end;
	tdm_buf_append(out, start, (size_t)(a->uri.s - start));
	if (wrap)
		tdm_buf_append_ch(out, '<');
	tdm_buf_append(out, a->uri.s, (size_t)(hp - a->uri.s));
	tdm_buf_printf(out, v6 ? "[%.*s]:%u" : "%.*s:%u", TDM_STR_FMT(&p->ip),
		       (unsigned)p->port);
	tdm_buf_append(out, hp_end, (size_t)(par_end - hp_end));
	if (add_tp)
		tdm_buf_printf(out, ";transport=%s", tdm_proto_name(p->proto));
	tdm_buf_append(out, par_end, (size_t)(uri_end - par_end));
	if (wrap)
		tdm_buf_append_ch(out, '>');
	tdm_buf_append(out, uri_end, (size_t)(end - uri_end));
}

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One Contact header value: every contact in it, fixed, ", "-joined. */
static int fix_value(struct tdm_buf *out, const struct tdm_str *value,
		     const struct tdm_scr_peer *p)
{
	struct tdm_str cur = tdm_str_trim(*value), t = cur;
	struct tdm_sip_addr a;
	struct tdm_uri u;
	const char *start, *end;

	if (t.len == 1 && t.s[0] == '*')
		return tdm_buf_append_ch(out, '*');
	while (cur.len) {
		start = cur.s;
		if (tdm_sip_addr_parse(&a, &cur, true) ||
		    !inside(value, a.uri.s, a.uri.len))
			return -EBADMSG;
		for (end = cur.s; end > start && is_lws(end[-1]); end--)
			;
		if (tdm_uri_parse(&u, &a.uri, NULL) ||
		    (u.scheme != TDM_URI_SIP && u.scheme != TDM_URI_SIPS) ||
		    !inside(&a.uri, u.host.s, u.host.len))
			tdm_buf_append(out, start, (size_t)(end - start));
		else
			fix_one(out, start, end, &a, &u, p);
		while (cur.len && is_lws(cur.s[0]))
			cur = tdm_str_sub(&cur, 1, cur.len - 1);
		if (!cur.len)
			break;
		if (cur.s[0] != ',')
			return -EBADMSG;
		do
			cur = tdm_str_sub(&cur, 1, cur.len - 1);
		while (cur.len && is_lws(cur.s[0]));
		tdm_buf_append_c(out, ", ");
	}
	return out->err;
}

int nat_fix_contact(struct tdm_sip_msg *m, const struct tdm_scr_peer *p,
		    struct tdm_buf *out)
{
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, TDM_HDR_CONTACT);
	int rc;

	if (!h)
		return -ENOENT;
	for (bool first = true; h; h = tdm_sip_msg_hdr_next(m, h), first = false) {
		if (!first)
			tdm_buf_append_c(out, ", ");
		if ((rc = fix_value(out, &h->value, p)))
			return rc;
	}
	return out->err;
}
