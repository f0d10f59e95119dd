/* SPDX-License-Identifier: GPL-2.0-or-later
 * tdm_sip_msg_parse_all(): runs every caching accessor over every header
 * the core knows, so a malformed header is found up front — for
 * `tandemctl sip parse`, the fuzzers and the torture tests. The hot path
 * never calls it. */
#include <errno.h>
#include <tandem/sip.h>
#include "sip_impl.h"

static int bad(struct tdm_sip_error *err, const struct tdm_sip_msg *m,
	       const char *at, const char *reason)
{
	if (err) {
		err->offset = at ? (uint32_t)(at - m->buf) : 0;
		err->reason = reason;
	}
	return -EBADMSG;
}

/* Call-ID = word [ "@" word ] (§25.1) */
static int check_call_id(struct tdm_sip_msg *m, struct tdm_sip_error *err)
{
	const struct tdm_str *v = &m->call_id;
	int ats = 0;
	/* the common characters are all word characters: skip them by blocks */
	size_t i = (size_t)(sip_span_alnum(v->s, v->s + v->len) - v->s);

	for (; i < v->len; i++) {
		char c = v->s[i];
		if (c == '@' && i > 0 && i + 1 < v->len && !ats++)
			continue;
		if (!sip_is(c, SIP_C_WORD))
			return bad(err, m, v->s + i, "bad Call-ID");
	}
	return 0;
}

/* §19.1.1 table: headers are not allowed in a Request-URI. */
static int check_ruri(struct tdm_sip_msg *m, struct tdm_sip_error *err)
{
	const struct tdm_uri *u;
	int rc;

	if (!m->is_request)
		return 0;
	rc = tdm_sip_msg_ruri_uri(m, &u);
	if (rc == -EPROTONOSUPPORT)
		return 0; /* another scheme: valid syntax, routed or refused later */
	if (rc == -ENOMEM)
		return rc;
	if (rc)
		return bad(err, m, m->ruri.s, "bad Request-URI");
	if (u->headers.len)
		return bad(err, m, m->ruri.s, "headers in Request-URI");
	return 0;
}

static int check_hdr(struct tdm_sip_msg *m, const struct tdm_sip_hdr *h)
{
	unsigned flags = tdm_sip_hdr_flags(h->id);
	const void *p;
	struct tdm_sip_auth auth;
	uint32_t n;

	if (flags & TDM_HDRF_ROUTES)
		return tdm_sip_msg_routes(m, h->id,
					  (const struct tdm_sip_addr_list **)&p);
	if (flags & TDM_HDRF_AUTH)
		return tdm_sip_auth_parse(&auth, &h->value);
	/* an empty Supported/Allow is legal (§20.37, §20.5) */
	if (flags & TDM_HDRF_TOKENS)
		return h->value.len ? tdm_sip_msg_tokens(
				m, h->id, (const struct tdm_sip_tokens **)&p) : 0;
	switch (h->id) {
	case TDM_HDR_VIA:
		return tdm_sip_msg_vias(m, (const struct tdm_sip_via **)&p);
	case TDM_HDR_CONTACT:
		return tdm_sip_msg_contacts(m, (const struct tdm_sip_contacts **)&p);
	case TDM_HDR_EXPIRES:
		return tdm_sip_msg_expires(m, &n);
	case TDM_HDR_EVENT:
		return tdm_sip_msg_event(m, (const struct tdm_sip_event **)&p);
	case TDM_HDR_CONTENT_TYPE:
		return tdm_sip_msg_ctype(m, (const struct tdm_sip_ctype **)&p);
	default:
		return 0;
	}
}

/* An address's URI must parse (another scheme is fine: only its syntax
 * as an absoluteURI is checked by the URI parser). */
static int check_addr_uri(const struct tdm_sip_addr *a)
{
	struct tdm_uri u;
	const char *why;
	int rc = tdm_uri_parse(&u, &a->uri, &why);

	return rc == -EPROTONOSUPPORT ? 0 : rc;
}

/* The URIs inside From, To, Contact and the Route family. */
static int check_hdr_uris(struct tdm_sip_msg *m, const struct tdm_sip_hdr *h)
{
	const struct tdm_sip_addr *a;
	const struct tdm_sip_contacts *cs;
	const struct tdm_sip_addr_list *r;
	int rc = 0;

	switch (h->id) {
	case TDM_HDR_FROM:
		if (!(rc = tdm_sip_msg_from(m, &a)))
			rc = check_addr_uri(a);
		break;
	case TDM_HDR_TO:
		if (!(rc = tdm_sip_msg_to(m, &a)))
			rc = check_addr_uri(a);
		break;
	case TDM_HDR_CONTACT:
		if ((rc = tdm_sip_msg_contacts(m, &cs)))
			break;
		for (const struct tdm_sip_contact *c = cs->list; c && !rc; c = c->next)
			rc = check_addr_uri(&c->addr);
		break;
	default:
		if (!(tdm_sip_hdr_flags(h->id) & TDM_HDRF_ROUTES) ||
		    (rc = tdm_sip_msg_routes(m, h->id, &r)))
			break;
		for (; r && !rc; r = r->next)
			rc = check_addr_uri(&r->addr);
		break;
	}
	return rc;
}

/* "malformed Via header" ...: static reasons, one per known header. */
static const char *const malformed[TDM_HDR__COUNT] = {
	[TDM_HDR_OTHER] = "malformed header",
#define TDM_HDR(id, name, compact, flags) \
	[TDM_HDR_##id] = "malformed " name " header",
#include <tandem/sip_hdr.def>
#undef TDM_HDR
};

int tdm_sip_msg_parse_all(struct tdm_sip_msg *m, struct tdm_sip_error *err)
{
	int rc = check_ruri(m, err);

	if (rc || (rc = check_call_id(m, err)))
		return rc;
	for (uint32_t i = 0; i < m->hdr_count; i++) {
		const struct tdm_sip_hdr *h = &m->hdrs[i];
		rc = check_hdr(m, h);
		if (!rc)
			rc = check_hdr_uris(m, h);
		if (rc == -ENOMEM)
			return rc;
		if (rc && rc != -ENOENT)
			return bad(err, m, h->name.s, malformed[h->id]);
	}
	return 0;
}
