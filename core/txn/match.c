/* SPDX-License-Identifier: GPL-2.0-or-later
 * Matching requests to server transactions (RFC 3261 §17.2.3): by the
 * top Via's branch, sent-by and the method, or, for requests from RFC
 * 2543 elements (no magic cookie), by Request-URI, tags, Call-ID, CSeq
 * and the top Via. */
#include <string.h>
#include "txn/txn_impl.h"

#define MAGIC "z9hG4bK"

static bool has_cookie(const struct tdm_str *b)
{
	return b->len > sizeof(MAGIC) - 1 &&
	       !memcmp(b->s, MAGIC, sizeof(MAGIC) - 1);
}

uint32_t tdm_txn_srv_hash(const struct tdm_sip_msg *m, bool *rfc2543)
{
	*rfc2543 = !has_cookie(&m->via1.branch);
	return tdm_str_hash(*rfc2543 ? &m->call_id : &m->via1.branch);
}

static bool via_sent_by_eq(const struct tdm_sip_via *a,
			   const struct tdm_sip_via *b)
{
	return a->port == b->port && tdm_str_caseeq(&a->host, &b->host);
}

static bool method_matches(const struct tdm_srv *s, enum tdm_sip_method as,
			   const struct tdm_sip_msg *m)
{
	if (as != TDM_SIP_METHOD_OTHER || s->req->method != TDM_SIP_METHOD_OTHER)
		return s->req->method == as;
	return tdm_str_eq(&s->req->method_name, &m->method_name);
}

/* §17.2.3 fallback: the ACK of a non-2xx carries the To-tag of our
 * response; anything else must repeat the request's fields exactly. */
static bool eq_2543(const struct tdm_srv *s, const struct tdm_sip_msg *m,
		    enum tdm_sip_method as)
{
	const struct tdm_sip_msg *r = s->req;

	if (!tdm_str_eq(&r->call_id, &m->call_id) || r->cseq.num != m->cseq.num ||
	    !tdm_str_eq(&r->from_tag, &m->from_tag) ||
	    !tdm_str_eq(&r->ruri, &m->ruri) ||
	    !tdm_str_eq(&r->via1.value, &m->via1.value))
		return false;
	if (m->method == TDM_SIP_ACK && as == TDM_SIP_INVITE) {
		struct tdm_str tag = r->to_tag.len ? r->to_tag
				     : tdm_str_c(s->to_tag);
		return s->status >= 300 && tdm_str_eq(&tag, &m->to_tag);
	}
	return tdm_str_eq(&r->to_tag, &m->to_tag) && method_matches(s, as, m);
}

bool tdm_txn_srv_eq(const struct tdm_srv *s, const struct tdm_sip_msg *m,
		    enum tdm_sip_method as)
{
	if (s->rfc2543 != !has_cookie(&m->via1.branch))
		return false;
	if (s->rfc2543)
		return eq_2543(s, m, as);
	return tdm_str_eq(&s->req->via1.branch, &m->via1.branch) &&
	       via_sent_by_eq(&s->req->via1, &m->via1) &&
	       method_matches(s, as, m);
}
