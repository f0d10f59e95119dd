/* SPDX-License-Identifier: GPL-2.0-or-later
 * Matching requests to server transactions (RFC 3261 §17.2.3): by the
 * top Via's branch, sent-by and the method, or, for requests from RFC
 * 2543 elements (no magic cookie), by Request-URI, tags, Call-ID, CSeq
 * and the top Via. */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
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

/* The key of request m, as slices of m. */
void tdm_txn_srv_key(struct tdm_srv_key *k, const struct tdm_sip_msg *m)
{
	*k = (struct tdm_srv_key){
		.branch = m->via1.branch, .host = m->via1.host,
		.call_id = m->call_id, .from_tag = m->from_tag,
		.to_tag = m->to_tag, .ruri = m->ruri,
		.via_value = m->via1.value, .method_name = m->method_name,
		.port = m->via1.port, .cseq = m->cseq.num, .method = m->method,
	};
}

#define KEY_FIELDS(k) { &(k)->branch, &(k)->host, &(k)->call_id, &(k)->from_tag, \
			&(k)->to_tag, &(k)->ruri, &(k)->via_value, &(k)->method_name }

size_t tdm_txn_srv_key_len(struct tdm_srv_key *k)
{
	struct tdm_str *f[] = KEY_FIELDS(k);
	size_t len = 0;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		len += f[i]->len;
	return len;
}

void tdm_txn_srv_key_copy(struct tdm_srv_key *k, char *p)
{
	struct tdm_str *f[] = KEY_FIELDS(k);

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (f[i]->len)
			memcpy(p, f[i]->s, f[i]->len);
		f[i]->s = p;
		p += f[i]->len;
	}
}

/* Copies the key's strings into one block it owns, so the request can
 * go. 0 or -ENOMEM (the key is then unchanged). */
int tdm_txn_srv_key_own(struct tdm_srv_key *k)
{
	size_t len = tdm_txn_srv_key_len(k);
	char *p = tdm_malloc(len ? len : 1);

	if (!p)
		return -ENOMEM;
	k->copy = p;
	tdm_txn_srv_key_copy(k, p);
	return 0;
}

static bool method_matches(const struct tdm_srv_key *k, enum tdm_sip_method as,
			   const struct tdm_sip_msg *m)
{
	if (as != TDM_SIP_METHOD_OTHER || k->method != TDM_SIP_METHOD_OTHER)
		return k->method == as;
	return tdm_str_eq(&k->method_name, &m->method_name);
}

/* Is tag the To-tag of the final response s sent? The request's in a
 * dialog, else ours when we generated the response, else the downstream
 * UAS's when we forwarded it: read back from the response's bytes (RFC
 * 2543 ACKs are rare enough not to keep it parsed). */
static bool final_tag_eq(const struct tdm_srv *s, const struct tdm_str *tag)
{
	struct tdm_str ours = tdm_str_c(s->to_tag);
	struct tdm_sip_msg *resp;
	bool eq;

	if (s->key.to_tag.len)
		return tdm_str_eq(&s->key.to_tag, tag);
	if (tdm_str_eq(&ours, tag))
		return true;
	if (!s->last.len || tdm_sip_msg_parse(&resp, NULL, s->last.data,
					      s->last.len, NULL, NULL))
		return false;
	eq = tdm_str_eq(&resp->to_tag, tag);
	tdm_sip_msg_free(resp);
	return eq;
}

/* §17.2.3 fallback: the ACK of a non-2xx carries the To-tag of that
 * response; anything else must repeat the request's fields exactly. */
static bool eq_2543(const struct tdm_srv *s, const struct tdm_sip_msg *m,
		    enum tdm_sip_method as)
{
	const struct tdm_srv_key *k = &s->key;

	if (!tdm_str_eq(&k->call_id, &m->call_id) || k->cseq != m->cseq.num ||
	    !tdm_str_eq(&k->from_tag, &m->from_tag) ||
	    !tdm_str_eq(&k->ruri, &m->ruri) ||
	    !tdm_str_eq(&k->via_value, &m->via1.value))
		return false;
	if (m->method == TDM_SIP_ACK && as == TDM_SIP_INVITE)
		return s->status >= 300 && final_tag_eq(s, &m->to_tag);
	return tdm_str_eq(&k->to_tag, &m->to_tag) && method_matches(k, as, m);
}

bool tdm_txn_srv_eq(const struct tdm_srv *s, const struct tdm_sip_msg *m,
		    enum tdm_sip_method as)
{
	const struct tdm_srv_key *k = &s->key;

	if (s->rfc2543 != !has_cookie(&m->via1.branch))
		return false;
	if (s->rfc2543)
		return eq_2543(s, m, as);
	return tdm_str_eq(&k->branch, &m->via1.branch) && k->port == m->via1.port &&
	       tdm_str_caseeq(&k->host, &m->via1.host) && method_matches(k, as, m);
}
