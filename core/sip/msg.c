/* SPDX-License-Identifier: GPL-2.0-or-later
 * Header lookup and the caching accessors: each header family is decoded
 * on first use, the result (or the failure) remembered in the message's
 * struct tdm_sip_lazy, so callers never "remember to parse" first and a
 * malformed header nobody reads costs nothing. */
#include <errno.h>
#include <string.h>
#include <tandem/sip.h>
#include "sip_impl.h"

enum {
	LAZY_RURI = 1u << 0,
	LAZY_VIAS = 1u << 1,
	LAZY_CONTACTS = 1u << 2,
	LAZY_ROUTE = 1u << 3,
	LAZY_RROUTE = 1u << 4,
	LAZY_PATH = 1u << 5,
	LAZY_AUTH0 = 1u << 6, /* four bits: one per auth header id */
	LAZY_EXPIRES = 1u << 10,
	LAZY_EVENT = 1u << 11,
	LAZY_CTYPE = 1u << 12,
};

/* Shared prologue of the accessors: returns 1 when `bit` is already done
 * (with *rc the cached outcome), 0 when the caller must parse now. */
static int cached(const struct tdm_sip_lazy *lz, uint32_t bit, int *rc)
{
	if (!(lz->done & bit))
		return 0;
	*rc = (lz->failed & bit) ? -EBADMSG : 0;
	return 1;
}

/* Records the outcome of a parse; -ENOMEM is not cached (it may pass on
 * a retry) and -ENOENT is recorded as done-without-failure by callers. */
static int remember(struct tdm_sip_lazy *lz, uint32_t bit, int rc)
{
	if (rc == -ENOMEM)
		return rc;
	lz->done |= bit;
	if (rc)
		lz->failed |= bit;
	return rc;
}

const struct tdm_sip_hdr *tdm_sip_msg_hdr(const struct tdm_sip_msg *m,
					  enum tdm_sip_hdr_id id)
{
	if ((unsigned)id >= TDM_HDR__COUNT || id == TDM_HDR_OTHER ||
	    m->first[id] == TDM_SIP_NONE)
		return NULL;
	return &m->hdrs[m->first[id]];
}

const struct tdm_sip_hdr *tdm_sip_msg_hdr_next(const struct tdm_sip_msg *m,
					       const struct tdm_sip_hdr *h)
{
	if (h->id != TDM_HDR_OTHER)
		return h->next == TDM_SIP_NONE ? NULL : &m->hdrs[h->next];
	for (const struct tdm_sip_hdr *n = h + 1; n < m->hdrs + m->hdr_count; n++)
		if (n->id == TDM_HDR_OTHER && tdm_str_caseeq(&n->name, &h->name))
			return n;
	return NULL;
}

const struct tdm_sip_hdr *tdm_sip_msg_hdr_by_name(const struct tdm_sip_msg *m,
						  const struct tdm_str *name)
{
	enum tdm_sip_hdr_id id = tdm_sip_hdr_id(name);

	if (id != TDM_HDR_OTHER)
		return tdm_sip_msg_hdr(m, id);
	for (uint32_t i = 0; i < m->hdr_count; i++)
		if (m->hdrs[i].id == TDM_HDR_OTHER &&
		    tdm_str_caseeq(&m->hdrs[i].name, name))
			return &m->hdrs[i];
	return NULL;
}

int tdm_sip_msg_ruri_uri(struct tdm_sip_msg *m, const struct tdm_uri **out)
{
	struct tdm_sip_lazy *lz = m->lazy;
	const char *why;
	int rc;

	if (!m->is_request)
		return -ENOENT;
	if (!cached(lz, LAZY_RURI, &rc)) {
		if (!lz->ruri && !(lz->ruri = tdm_arena_alloc(m->arena, sizeof(*lz->ruri))))
			return -ENOMEM;
		rc = tdm_uri_parse(lz->ruri, &m->ruri, &why);
		/* another scheme is valid syntax: cache it as such */
		if (rc == -EPROTONOSUPPORT) {
			lz->done |= LAZY_RURI;
			lz->failed |= LAZY_RURI << 16;
			return rc;
		}
		rc = remember(lz, LAZY_RURI, rc);
	} else if (lz->failed & (LAZY_RURI << 16)) {
		return -EPROTONOSUPPORT;
	}
	if (!rc)
		*out = lz->ruri;
	return rc;
}

int tdm_sip_msg_from(struct tdm_sip_msg *m, const struct tdm_sip_addr **out)
{
	*out = &m->lazy->from; /* decoded by the parser: From is mandatory */
	return 0;
}

int tdm_sip_msg_to(struct tdm_sip_msg *m, const struct tdm_sip_addr **out)
{
	*out = &m->lazy->to;
	return 0;
}

/* Calls fn for every comma-separated element of every header `id`. */
static int each_elem(struct tdm_sip_msg *m, enum tdm_sip_hdr_id id,
		     int (*fn)(struct tdm_sip_msg *m, const struct tdm_str *e,
			       void *arg),
		     void *arg)
{
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, id);
	int rc;

	if (!h)
		return -ENOENT;
	for (; h; h = tdm_sip_msg_hdr_next(m, h)) {
		struct tdm_str cur = h->value, elem;
		unsigned n = 0;
		while ((rc = sip_list_next(&cur, &elem)) == 0) {
			rc = fn(m, &elem, arg);
			if (rc)
				return rc;
			n++;
		}
		if (rc != -ENOENT || n == 0)
			return -EBADMSG; /* malformed, or an empty header */
	}
	return 0;
}

/* Appends nodes to a singly linked list through a tail pointer. */
struct list_tail {
	const void **tail;
	unsigned count;
};

static int via_elem(struct tdm_sip_msg *m, const struct tdm_str *e, void *arg)
{
	struct list_tail *t = arg;
	struct tdm_sip_via *v = tdm_arena_alloc(m->arena, sizeof(*v));
	const char *why;

	if (!v)
		return -ENOMEM;
	if (t->count == 0)
		*v = m->via1; /* the top one was decoded by the parser */
	else if (sip_via_parse(v, e, &why))
		return -EBADMSG;
	v->next = NULL;
	*t->tail = v;
	t->tail = (const void **)&v->next;
	t->count++;
	return 0;
}

int tdm_sip_msg_vias(struct tdm_sip_msg *m, const struct tdm_sip_via **out)
{
	struct tdm_sip_lazy *lz = m->lazy;
	int rc;

	if (!cached(lz, LAZY_VIAS, &rc)) {
		struct list_tail t = { (const void **)&lz->vias, 0 };
		rc = remember(lz, LAZY_VIAS, each_elem(m, TDM_HDR_VIA, via_elem, &t));
	}
	if (!rc)
		*out = lz->vias;
	return rc;
}

/* q-value = ("0" ["." 0*3DIGIT]) / ("1" ["." 0*3("0")]), in thousandths */
static int parse_q(const struct tdm_str *v, int32_t *q)
{
	int32_t n, scale = 100;
	size_t i = 1;

	if (!v->len || (v->s[0] != '0' && v->s[0] != '1'))
		return -EBADMSG;
	n = (v->s[0] - '0') * 1000;
	if (v->len > 1) {
		if (v->s[1] != '.' || v->len > 5)
			return -EBADMSG;
		for (i = 2; i < v->len; i++, scale /= 10) {
			if (!sip_is_digit(v->s[i]))
				return -EBADMSG;
			n += (v->s[i] - '0') * scale;
		}
	}
	if (n > 1000)
		return -EBADMSG;
	*q = n;
	return 0;
}

/* +sip.instance="<urn:uuid:...>" (RFC 5626 §4.1): quotes and <> removed */
static struct tdm_str strip_instance(struct tdm_str v)
{
	if (v.len >= 2 && v.s[0] == '"' && v.s[v.len - 1] == '"') {
		v.s++;
		v.len -= 2;
	}
	if (v.len >= 2 && v.s[0] == '<' && v.s[v.len - 1] == '>') {
		v.s++;
		v.len -= 2;
	}
	return v;
}

static int contact_param(struct tdm_sip_contact *c, const struct tdm_sip_param *p)
{
	uint64_t n;

	if (TDM_STR_CASEEQ_LIT(&p->name, "expires")) {
		if (p->value.len && p->value.s[0] == '"')
			return 0; /* RFC 2543 date form: ignored */
		if (tdm_str_to_u64(&p->value, &n))
			return -EBADMSG;
		c->expires = n > UINT32_MAX ? UINT32_MAX : (int64_t)n;
	} else if (TDM_STR_CASEEQ_LIT(&p->name, "q")) {
		return parse_q(&p->value, &c->q);
	} else if (TDM_STR_CASEEQ_LIT(&p->name, "+sip.instance")) {
		c->instance = strip_instance(p->value);
	} else if (TDM_STR_CASEEQ_LIT(&p->name, "reg-id")) {
		if (tdm_str_to_u64(&p->value, &n) || n == 0 || n > UINT32_MAX)
			return -EBADMSG;
		c->reg_id = (int64_t)n;
	}
	return 0;
}

static int contact_elem(struct tdm_sip_msg *m, const struct tdm_str *e, void *arg)
{
	struct list_tail *t = arg;
	struct tdm_sip_contacts *cs = &m->lazy->contacts;
	struct tdm_sip_contact *c;
	struct tdm_str in = *e, cur;
	struct tdm_sip_param prm;
	int rc;

	if (e->len == 1 && e->s[0] == '*') {
		cs->star = true;
		return 0;
	}
	c = tdm_arena_zalloc(m->arena, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->expires = -1;
	c->q = -1;
	c->reg_id = -1;
	if (sip_addr_parse(&c->addr, &in, false))
		return -EBADMSG;
	cur = c->addr.params;
	while ((rc = sip_param_next_padded(&cur, &prm)) == 0)
		if (contact_param(c, &prm))
			return -EBADMSG;
	if (rc != -ENOENT)
		return -EBADMSG;
	*t->tail = c;
	t->tail = (const void **)&c->next;
	t->count++;
	return 0;
}

int tdm_sip_msg_contacts(struct tdm_sip_msg *m, const struct tdm_sip_contacts **out)
{
	struct tdm_sip_lazy *lz = m->lazy;
	int rc;

	if (!cached(lz, LAZY_CONTACTS, &rc)) {
		struct list_tail t = { (const void **)&lz->contacts.list, 0 };
		rc = each_elem(m, TDM_HDR_CONTACT, contact_elem, &t);
		lz->contacts.count = t.count;
		/* "*" stands alone (§10.2.2) */
		if (!rc && lz->contacts.star && t.count)
			rc = -EBADMSG;
		if (rc == -ENOENT) {
			lz->done |= LAZY_CONTACTS;
			return rc;
		}
		rc = remember(lz, LAZY_CONTACTS, rc);
	}
	if (rc == 0 && !lz->contacts.star && !lz->contacts.count)
		return -ENOENT;
	if (!rc)
		*out = &lz->contacts;
	return rc;
}

static int route_elem(struct tdm_sip_msg *m, const struct tdm_str *e, void *arg)
{
	struct list_tail *t = arg;
	struct tdm_sip_addr_list *r = tdm_arena_zalloc(m->arena, sizeof(*r));
	struct tdm_str in = *e;

	if (!r)
		return -ENOMEM;
	/* route-param = name-addr *( SEMI rr-param ): brackets mandatory */
	if (sip_addr_parse(&r->addr, &in, false) || !r->addr.angle)
		return -EBADMSG;
	*t->tail = r;
	t->tail = (const void **)&r->next;
	return 0;
}

int tdm_sip_msg_routes(struct tdm_sip_msg *m, enum tdm_sip_hdr_id id,
		       const struct tdm_sip_addr_list **out)
{
	struct tdm_sip_lazy *lz = m->lazy;
	const struct tdm_sip_addr_list **slot;
	uint32_t bit;
	int rc;

	switch (id) {
	case TDM_HDR_ROUTE: slot = &lz->route; bit = LAZY_ROUTE; break;
	case TDM_HDR_RECORD_ROUTE: slot = &lz->rroute; bit = LAZY_RROUTE; break;
	case TDM_HDR_PATH: slot = &lz->path; bit = LAZY_PATH; break;
	default: return -EINVAL;
	}
	if (!cached(lz, bit, &rc)) {
		struct list_tail t = { (const void **)slot, 0 };
		rc = each_elem(m, id, route_elem, &t);
		if (rc == -ENOENT)
			return rc;
		rc = remember(lz, bit, rc);
	}
	if (!rc && !*slot)
		return -ENOENT;
	if (!rc)
		*out = *slot;
	return rc;
}

int tdm_sip_msg_auth(struct tdm_sip_msg *m, enum tdm_sip_hdr_id id,
		     const struct tdm_sip_auth **out)
{
	struct tdm_sip_lazy *lz = m->lazy;
	const struct tdm_sip_hdr *h;
	unsigned i;
	int rc;

	switch (id) {
	case TDM_HDR_AUTHORIZATION: i = 0; break;
	case TDM_HDR_PROXY_AUTHORIZATION: i = 1; break;
	case TDM_HDR_WWW_AUTHENTICATE: i = 2; break;
	case TDM_HDR_PROXY_AUTHENTICATE: i = 3; break;
	default: return -EINVAL;
	}
	h = tdm_sip_msg_hdr(m, id);
	if (!h)
		return -ENOENT;
	if (!cached(lz, LAZY_AUTH0 << i, &rc)) {
		if (!lz->auth[i] &&
		    !(lz->auth[i] = tdm_arena_alloc(m->arena, sizeof(*lz->auth[i]))))
			return -ENOMEM;
		rc = remember(lz, LAZY_AUTH0 << i,
			      tdm_sip_auth_parse(lz->auth[i], &h->value));
	}
	if (!rc)
		*out = lz->auth[i];
	return rc;
}

int tdm_sip_msg_expires(struct tdm_sip_msg *m, uint32_t *out)
{
	struct tdm_sip_lazy *lz = m->lazy;
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, TDM_HDR_EXPIRES);
	uint64_t n;
	int rc;

	if (!h)
		return -ENOENT;
	if (!cached(lz, LAZY_EXPIRES, &rc)) {
		/* delta-seconds; larger than 2^32-1 means 2^32-1 (§20.19) */
		rc = h->next != TDM_SIP_NONE ? -EBADMSG :
		     tdm_str_to_u64(&h->value, &n);
		if (rc == -ERANGE) {
			n = UINT32_MAX;
			rc = 0;
		}
		if (!rc)
			lz->expires = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
		rc = remember(lz, LAZY_EXPIRES, rc ? -EBADMSG : 0);
	}
	if (!rc)
		*out = lz->expires;
	return rc;
}

/* Splits "type/subtype;params" or "package.template;params" heads. */
static int token_then_params(const struct tdm_str *v, char sep,
			     struct tdm_str *a, struct tdm_str *b,
			     struct tdm_str *params)
{
	const char *p = v->s, *end = v->s + v->len, *t0 = p;

	while (p < end && sip_is_token(*p))
		p++;
	if (p == t0)
		return -EBADMSG;
	*a = (struct tdm_str){ t0, (size_t)(p - t0) };
	if (sep) {
		p = sip_skip_lws(p, end);
		if (p == end || *p != sep)
			return -EBADMSG;
		p = sip_skip_lws(p + 1, end);
		t0 = p;
		while (p < end && sip_is_token(*p))
			p++;
		if (p == t0)
			return -EBADMSG;
		*b = (struct tdm_str){ t0, (size_t)(p - t0) };
	}
	p = sip_skip_lws(p, end);
	if (p < end && *p != ';')
		return -EBADMSG;
	*params = (struct tdm_str){ p < end ? p + 1 : p,
				    p < end ? (size_t)(end - p - 1) : 0 };
	{
		struct tdm_str cur = *params;
		struct tdm_sip_param prm;
		int rc;
		while ((rc = sip_param_next_padded(&cur, &prm)) == 0)
			;
		return rc == -ENOENT ? 0 : -EBADMSG;
	}
}

int tdm_sip_msg_event(struct tdm_sip_msg *m, const struct tdm_sip_event **out)
{
	struct tdm_sip_lazy *lz = m->lazy;
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, TDM_HDR_EVENT);
	int rc;

	if (!h)
		return -ENOENT;
	if (!cached(lz, LAZY_EVENT, &rc)) {
		struct tdm_sip_event *e = &lz->event;
		rc = h->next != TDM_SIP_NONE ? -EBADMSG :
		     token_then_params(&h->value, 0, &e->package, NULL, &e->params);
		if (!rc && tdm_sip_param_find(&e->params, "id", &e->id) == -EBADMSG)
			rc = -EBADMSG;
		rc = remember(lz, LAZY_EVENT, rc);
	}
	if (!rc)
		*out = &lz->event;
	return rc;
}

int tdm_sip_msg_ctype(struct tdm_sip_msg *m, const struct tdm_sip_ctype **out)
{
	struct tdm_sip_lazy *lz = m->lazy;
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, TDM_HDR_CONTENT_TYPE);
	int rc;

	if (!h)
		return -ENOENT;
	if (!cached(lz, LAZY_CTYPE, &rc)) {
		struct tdm_sip_ctype *c = &lz->ctype;
		rc = h->next != TDM_SIP_NONE ? -EBADMSG :
		     token_then_params(&h->value, '/', &c->type, &c->subtype,
				       &c->params);
		rc = remember(lz, LAZY_CTYPE, rc);
	}
	if (!rc)
		*out = &lz->ctype;
	return rc;
}

struct token_acc {
	struct tdm_str *v;
	unsigned count, cap;
	bool check;
};

static inline int token_push(struct tdm_sip_msg *m, struct token_acc *t,
			     const struct tdm_str *e)
{
	if (t->count == t->cap) {
		unsigned cap = t->cap ? t->cap * 2 : 8;
		struct tdm_str *n = tdm_arena_alloc(m->arena, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		if (t->count)
			memcpy(n, t->v, t->count * sizeof(*n));
		t->v = n;
		t->cap = cap;
	}
	t->v[t->count++] = *e;
	return 0;
}

static int token_elem(struct tdm_sip_msg *m, const struct tdm_str *e, void *arg)
{
	struct token_acc *t = arg;

	if (t->check) {
		const char *p = sip_span_alnum(e->s, e->s + e->len);
		for (; p < e->s + e->len; p++)
			if (!sip_is_token(*p))
				return -EBADMSG;
	}
	return token_push(m, t, e);
}

/* The common token list, "a, b,c": tokens, SP/HTAB and commas only, split
 * in one pass. 0, or 1 for anything else (quotes, folding, a bad
 * character): the caller then splits that value with sip_list_next(),
 * whose results are the same wherever this pass succeeds. */
static int token_list_fast(struct tdm_sip_msg *m, struct token_acc *t,
			   const struct tdm_str *v)
{
	const char *p = v->s, *end = v->s + v->len, *t0;
	unsigned n = 0;
	int rc;

	for (;;) {
		/* "<= ','" stops at token characters in one compare */
		while (p < end && (unsigned char)*p <= ',' &&
		       (*p == ',' || sip_is_ws(*p)))
			p++;
		if (p == end)
			break;
		t0 = p;
		for (p = sip_span_alnum(p, end); p < end && sip_is_token(*p); p++)
			;
		if (p == t0)
			return 1;
		rc = token_push(m, t, &(struct tdm_str){ t0, (size_t)(p - t0) });
		if (rc)
			return rc;
		n++;
		while (p < end && sip_is_ws(*p))
			p++;
		if (p < end && *p != ',')
			return 1;
	}
	return n ? 0 : -EBADMSG; /* an empty header, as in each_elem() */
}

/* each_elem() with token_elem(), taking the fast split where it can. */
static int each_token(struct tdm_sip_msg *m, enum tdm_sip_hdr_id id,
		      struct token_acc *t)
{
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, id);

	if (!h)
		return -ENOENT;
	for (; h; h = tdm_sip_msg_hdr_next(m, h)) {
		struct tdm_str cur = h->value, elem;
		unsigned n = 0, start = t->count;
		int rc = t->check ? token_list_fast(m, t, &cur) : 1;

		if (rc <= 0) {
			if (rc)
				return rc;
			continue;
		}
		t->count = start; /* split it again, the general way */
		while ((rc = sip_list_next(&cur, &elem)) == 0) {
			rc = token_elem(m, &elem, t);
			if (rc)
				return rc;
			n++;
		}
		if (rc != -ENOENT || n == 0)
			return -EBADMSG;
	}
	return 0;
}

int tdm_sip_msg_tokens(struct tdm_sip_msg *m, enum tdm_sip_hdr_id id,
		       const struct tdm_sip_tokens **out)
{
	struct tdm_sip_lazy *lz = m->lazy;
	struct token_acc acc = { NULL, 0, 0,
				 (tdm_sip_hdr_flags(id) & TDM_HDRF_TOKENS) != 0 };
	struct tdm_sip_tokens *t;
	int rc;

	if ((unsigned)id >= TDM_HDR__COUNT || id == TDM_HDR_OTHER)
		return -EINVAL;
	if (!lz->tokens && !(lz->tokens = tdm_arena_zalloc(
				     m->arena, TDM_HDR__COUNT * sizeof(*lz->tokens))))
		return -ENOMEM;
	if (lz->tokens[id]) {
		*out = lz->tokens[id];
		return 0;
	}
	rc = each_token(m, id, &acc);
	if (rc)
		return rc;
	t = tdm_arena_alloc(m->arena, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->count = acc.count;
	t->v = acc.v;
	lz->tokens[id] = t;
	*out = t;
	return 0;
}

int tdm_sip_msg_value(struct tdm_sip_msg *m, enum tdm_sip_hdr_id id,
		      struct tdm_str *out)
{
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, id);

	if (!h)
		return -ENOENT;
	*out = h->value;
	return 0;
}
