/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl sip parse: the JSON form of a parsed message (docs/tandemctl.md).
 * Accessors return every value of a header id at once; each value is put
 * back on the header line it came from, found by where its slices point in
 * the message buffer, so the output reads header by header. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/tandem.h>
#include "ctl.h"

/* A JSON string of a slice. JSON text must be UTF-8: other bytes (a
 * Latin-1 display name, a fuzzed message) become U+FFFD. */
static json_t *jstr(const struct tdm_str *s)
{
	json_t *j;
	char *buf;
	size_t o = 0;

	if (!s->len)
		return json_string("");
	j = json_stringn(s->s, s->len);
	if (j)
		return j;
	buf = malloc(s->len * 3);
	if (!buf)
		return NULL;
	for (size_t i = 0, k; i < s->len; i += k ? k : 1) {
		k = (unsigned char)s->s[i] < 0x80 ? 1 :
		    tdm_utf8_seq((const unsigned char *)s->s + i, s->len - i);
		if (k)
			memcpy(buf + o, s->s + i, k), o += k;
		else
			memcpy(buf + o, "\xef\xbf\xbd", 3), o += 3;
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
}

/* The string, or null when the slice is empty (an absent field). */
static json_t *jopt(const struct tdm_str *s)
{
	return s->len ? jstr(s) : json_null();
}

static void set(json_t *o, const char *key, json_t *v)
{
	json_object_set_new(o, key, v ? v : json_null());
}

/* Sets key (a slice, from the message) to v in o. */
static void setn(json_t *o, const struct tdm_str *key, json_t *v)
{
	json_t *k = jstr(key);

	if (k && v)
		json_object_set_new(o, json_string_value(k), v);
	else
		json_decref(v);
	json_decref(k);
}

/* ";a=1;lr" -> {"a": "1", "lr": null}; the raw text when malformed. */
static json_t *params_json(const struct tdm_str *raw)
{
	struct tdm_str cur = *raw;
	struct tdm_sip_param p;
	json_t *o = json_object();
	int rc = 0;

	while (cur.len && (rc = tdm_sip_param_next(&cur, &p)) == 0)
		setn(o, &p.name, p.has_value ? jstr(&p.value) : json_null());
	if (rc == -EBADMSG) {
		json_decref(o);
		return jstr(raw);
	}
	return o;
}

/* URI headers "a=b&c=d" -> {"a": "b", "c": "d"}. */
static json_t *uri_headers_json(const struct tdm_str *raw)
{
	json_t *o = json_object();
	size_t i = 0;

	while (i < raw->len) {
		struct tdm_str item = { raw->s + i, 0 }, name, value;
		long eq;

		while (i < raw->len && raw->s[i] != '&')
			i++, item.len++;
		i++;
		if (!item.len)
			continue;
		eq = tdm_str_chr(&item, '=');
		name = eq < 0 ? item : tdm_str_sub(&item, 0, (size_t)eq);
		value = eq < 0 ? TDM_STR("") : tdm_str_sub(&item, (size_t)eq + 1, item.len);
		setn(o, &name, jstr(&value));
	}
	return o;
}

static json_t *uri_json(const struct tdm_uri *u)
{
	static const char *const schemes[] = { NULL, "sip", "sips", "tel" };
	json_t *o = json_object();

	set(o, "scheme", (unsigned)u->scheme < TDM_ARRAY_SIZE(schemes) &&
			 schemes[u->scheme] ? json_string(schemes[u->scheme]) : NULL);
	set(o, "user", jopt(&u->user));
	if (u->password.len)
		set(o, "password", jstr(&u->password));
	set(o, "host", jopt(&u->host));
	set(o, "port", u->port ? json_integer(u->port) : NULL);
	set(o, "params", params_json(&u->params));
	set(o, "headers", uri_headers_json(&u->headers));
	return o;
}

/* Sets key to the URI text and key_parsed to its fields (null when it
 * does not parse: an http: URI in a Call-Info, a fuzzed one...). */
static void set_uri(json_t *o, const char *key, const struct tdm_str *text,
		    const struct tdm_uri *parsed)
{
	char pkey[64];
	struct tdm_uri u;

	snprintf(pkey, sizeof(pkey), "%s_parsed", key);
	set(o, key, jstr(text));
	if (!parsed && tdm_uri_parse(&u, text, NULL) == 0)
		parsed = &u;
	set(o, pkey, parsed ? uri_json(parsed) : NULL);
}

static json_t *addr_json(const struct tdm_sip_addr *a)
{
	json_t *o = json_object();

	set(o, "display", jopt(&a->display));
	set_uri(o, "uri", &a->uri, NULL);
	set(o, "tag", jopt(&a->tag));
	set(o, "params", params_json(&a->params));
	return o;
}

static json_t *via_json(const struct tdm_sip_via *v)
{
	json_t *o = json_object();

	set(o, "transport", jstr(&v->transport));
	set(o, "host", jstr(&v->host));
	set(o, "port", v->port ? json_integer(v->port) : NULL);
	set(o, "branch", jopt(&v->branch));
	set(o, "received", jopt(&v->received));
	set(o, "rport", v->rport < 0 ? NULL : v->rport == 0 ? json_true() :
						 json_integer(v->rport));
	set(o, "maddr", jopt(&v->maddr));
	set(o, "ttl", v->ttl < 0 ? NULL : json_integer(v->ttl));
	set(o, "params", params_json(&v->params));
	return o;
}

static json_t *contact_json(const struct tdm_sip_contact *c)
{
	json_t *o = addr_json(&c->addr);

	set(o, "q", c->q < 0 ? NULL : json_real(c->q / 1000.0));
	set(o, "expires", c->expires < 0 ? NULL : json_integer(c->expires));
	set(o, "instance", jopt(&c->instance));
	set(o, "reg_id", c->reg_id < 0 ? NULL : json_integer(c->reg_id));
	return o;
}

/* The scheme, then only the fields present, in a fixed order. */
static json_t *auth_json(const struct tdm_sip_auth *a)
{
	const struct { const char *name; const struct tdm_str *v; } f[] = {
		{ "username", &a->username }, { "realm", &a->realm },
		{ "nonce", &a->nonce }, { "uri", &a->uri },
		{ "response", &a->response }, { "algorithm", &a->algorithm },
		{ "cnonce", &a->cnonce }, { "opaque", &a->opaque },
		{ "qop", &a->qop }, { "nc", &a->nc }, { "stale", &a->stale },
		{ "domain", &a->domain }, { "userhash", &a->userhash },
	};
	json_t *o = json_object();

	set(o, "scheme", jstr(&a->scheme));
	for (size_t i = 0; i < TDM_ARRAY_SIZE(f); i++)
		if (f[i].v->len)
			set(o, f[i].name, jstr(f[i].v));
	return o;
}

static json_t *value_json(json_t *v)
{
	json_t *o = json_object();

	set(o, "value", v);
	return o;
}

/* ---- Putting each decoded value on its header line -------------------- */

struct jctx {
	struct tdm_sip_msg *m;
	json_t **parsed; /* hdr_count entries: the "parsed" of each line */
};

static bool within(const char *p, const struct tdm_str *s)
{
	return s->len && (uintptr_t)p >= (uintptr_t)s->s &&
	       (uintptr_t)p < (uintptr_t)s->s + s->len;
}

/* The header of this id whose line holds p; the first one when none does
 * (a value the parser copied elsewhere). */
static const struct tdm_sip_hdr *owner(const struct tdm_sip_msg *m,
				       enum tdm_sip_hdr_id id, const char *p)
{
	const struct tdm_sip_hdr *first = tdm_sip_msg_hdr(m, id);

	for (const struct tdm_sip_hdr *h = first; h && p;
	     h = tdm_sip_msg_hdr_next(m, h))
		if (within(p, &h->line) || within(p, &h->value))
			return h;
	return first;
}

static json_t **slot(struct jctx *c, const struct tdm_sip_hdr *h)
{
	return &c->parsed[h - c->m->hdrs];
}

/* Appends v to the array of the header holding p. */
static void add_item(struct jctx *c, enum tdm_sip_hdr_id id, const char *p,
		     json_t *v)
{
	const struct tdm_sip_hdr *h = owner(c->m, id, p);
	json_t **s;

	if (!h) {
		json_decref(v);
		return;
	}
	s = slot(c, h);
	if (!*s)
		*s = json_array();
	json_array_append_new(*s, v);
}

static void set_first(struct jctx *c, enum tdm_sip_hdr_id id, json_t *v)
{
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(c->m, id);

	if (h && !*slot(c, h))
		*slot(c, h) = v;
	else
		json_decref(v);
}

/* An accessor failed: say so on the first header of the id. */
static void set_error(struct jctx *c, enum tdm_sip_hdr_id id, int rc)
{
	json_t *o = json_object();

	set(o, "error", json_string(strerror(-rc)));
	set_first(c, id, o);
}

static void do_contacts(struct jctx *c)
{
	const struct tdm_sip_contacts *cs;
	int rc = tdm_sip_msg_contacts(c->m, &cs);

	if (rc < 0) {
		if (rc != -ENOENT)
			set_error(c, TDM_HDR_CONTACT, rc);
		return;
	}
	if (cs->star) {
		json_t *o = json_object();

		set(o, "star", json_true());
		set(o, "contacts", json_array());
		set_first(c, TDM_HDR_CONTACT, o);
		return;
	}
	for (const struct tdm_sip_contact *ct = cs->list; ct; ct = ct->next) {
		const struct tdm_sip_hdr *h = owner(c->m, TDM_HDR_CONTACT,
						    ct->addr.uri.s);
		json_t **s;

		if (!h)
			break;
		s = slot(c, h);
		if (!*s) {
			*s = json_object();
			set(*s, "star", json_false());
			set(*s, "contacts", json_array());
		}
		json_array_append_new(json_object_get(*s, "contacts"),
				      contact_json(ct));
	}
}

/* Headers holding addresses the core has no accessor for: each value
 * through tdm_sip_addr_parse(); an array for list headers. */
static void do_addr_hdrs(struct jctx *c, enum tdm_sip_hdr_id id, bool list)
{
	for (const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(c->m, id); h;
	     h = tdm_sip_msg_hdr_next(c->m, h)) {
		struct tdm_str in = h->value;
		struct tdm_sip_addr a;
		json_t *arr = json_array();

		while (in.len) {
			size_t before = in.len;

			if (tdm_sip_addr_parse(&a, &in, list) < 0) {
				json_decref(arr);
				arr = json_object();
				set(arr, "error", json_string(strerror(EBADMSG)));
				break;
			}
			json_array_append_new(arr, addr_json(&a));
			while (in.len && (in.s[0] == ',' || in.s[0] == ' ' ||
					  in.s[0] == '\t' || in.s[0] == '\r' ||
					  in.s[0] == '\n'))
				in.s++, in.len--;
			if (!list || in.len == before)
				break;
		}
		if (!list && json_is_array(arr)) {
			json_t *one = json_incref(json_array_get(arr, 0));

			json_decref(arr);
			arr = one;
		}
		*slot(c, h) = arr;
	}
}

static void do_auth(struct jctx *c, enum tdm_sip_hdr_id id)
{
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(c->m, id);
	const struct tdm_sip_auth *first;
	struct tdm_sip_auth a;
	int rc = tdm_sip_msg_auth(c->m, id, &first);

	if (rc < 0) {
		if (rc != -ENOENT)
			set_error(c, id, rc);
		return;
	}
	set_first(c, id, auth_json(first));
	/* The accessor decodes the first header; the others directly. */
	for (h = h ? tdm_sip_msg_hdr_next(c->m, h) : NULL; h;
	     h = tdm_sip_msg_hdr_next(c->m, h))
		if (tdm_sip_auth_parse(&a, &h->value) == 0)
			*slot(c, h) = auth_json(&a);
}

static void decode_all(struct jctx *c)
{
	static const enum tdm_sip_hdr_id routes[] = {
		TDM_HDR_ROUTE, TDM_HDR_RECORD_ROUTE, TDM_HDR_PATH,
	};
	static const enum tdm_sip_hdr_id tokens[] = {
		TDM_HDR_SUPPORTED, TDM_HDR_REQUIRE, TDM_HDR_PROXY_REQUIRE,
		TDM_HDR_UNSUPPORTED, TDM_HDR_ALLOW, TDM_HDR_ACCEPT,
		TDM_HDR_ACCEPT_ENCODING, TDM_HDR_ACCEPT_LANGUAGE,
		TDM_HDR_CONTENT_ENCODING, TDM_HDR_ALLOW_EVENTS,
	};
	static const enum tdm_sip_hdr_id auths[] = {
		TDM_HDR_AUTHORIZATION, TDM_HDR_PROXY_AUTHORIZATION,
		TDM_HDR_WWW_AUTHENTICATE, TDM_HDR_PROXY_AUTHENTICATE,
	};
	struct tdm_sip_msg *m = c->m;
	const struct tdm_sip_via *via;
	const struct tdm_sip_addr *addr;
	const struct tdm_sip_addr_list *al;
	const struct tdm_sip_tokens *tk;
	const struct tdm_sip_event *ev;
	const struct tdm_sip_ctype *ct;
	uint32_t u32;
	int rc;

	if ((rc = tdm_sip_msg_vias(m, &via)) == 0)
		for (; via; via = via->next)
			add_item(c, TDM_HDR_VIA, via->value.len ? via->value.s :
				 via->host.s, via_json(via));
	else if (rc != -ENOENT)
		set_error(c, TDM_HDR_VIA, rc);

	if ((rc = tdm_sip_msg_from(m, &addr)) == 0)
		set_first(c, TDM_HDR_FROM, addr_json(addr));
	else if (rc != -ENOENT)
		set_error(c, TDM_HDR_FROM, rc);
	if ((rc = tdm_sip_msg_to(m, &addr)) == 0)
		set_first(c, TDM_HDR_TO, addr_json(addr));
	else if (rc != -ENOENT)
		set_error(c, TDM_HDR_TO, rc);

	do_contacts(c);

	for (size_t i = 0; i < TDM_ARRAY_SIZE(routes); i++) {
		if ((rc = tdm_sip_msg_routes(m, routes[i], &al)) == 0)
			for (; al; al = al->next)
				add_item(c, routes[i], al->addr.uri.s,
					 addr_json(&al->addr));
		else if (rc != -ENOENT)
			set_error(c, routes[i], rc);
	}

	if (tdm_sip_msg_hdr(m, TDM_HDR_CSEQ)) {
		json_t *o = json_object();

		set(o, "num", json_integer(m->cseq.num));
		set(o, "method", jstr(&m->cseq.method_name));
		set_first(c, TDM_HDR_CSEQ, o);
	}
	if (m->call_id.len)
		set_first(c, TDM_HDR_CALL_ID, value_json(jstr(&m->call_id)));
	if (m->max_forwards >= 0)
		set_first(c, TDM_HDR_MAX_FORWARDS,
			  value_json(json_integer(m->max_forwards)));
	if (m->content_length >= 0)
		set_first(c, TDM_HDR_CONTENT_LENGTH,
			  value_json(json_integer(m->content_length)));

	if ((rc = tdm_sip_msg_expires(m, &u32)) == 0)
		set_first(c, TDM_HDR_EXPIRES, value_json(json_integer(u32)));
	else if (rc != -ENOENT)
		set_error(c, TDM_HDR_EXPIRES, rc);

	if ((rc = tdm_sip_msg_event(m, &ev)) == 0) {
		json_t *o = json_object();

		set(o, "package", jstr(&ev->package));
		set(o, "id", jopt(&ev->id));
		set(o, "params", params_json(&ev->params));
		set_first(c, TDM_HDR_EVENT, o);
	} else if (rc != -ENOENT) {
		set_error(c, TDM_HDR_EVENT, rc);
	}

	if ((rc = tdm_sip_msg_ctype(m, &ct)) == 0) {
		json_t *o = json_object();

		set(o, "type", jstr(&ct->type));
		set(o, "subtype", jstr(&ct->subtype));
		set(o, "params", params_json(&ct->params));
		set_first(c, TDM_HDR_CONTENT_TYPE, o);
	} else if (rc != -ENOENT) {
		set_error(c, TDM_HDR_CONTENT_TYPE, rc);
	}

	for (size_t i = 0; i < TDM_ARRAY_SIZE(tokens); i++) {
		if ((rc = tdm_sip_msg_tokens(m, tokens[i], &tk)) == 0)
			for (unsigned j = 0; j < tk->count; j++)
				add_item(c, tokens[i], tk->v[j].s, jstr(&tk->v[j]));
		else if (rc != -ENOENT)
			set_error(c, tokens[i], rc);
	}

	for (size_t i = 0; i < TDM_ARRAY_SIZE(auths); i++)
		do_auth(c, auths[i]);

	do_addr_hdrs(c, TDM_HDR_REFER_TO, false);
	do_addr_hdrs(c, TDM_HDR_REFERRED_BY, false);
	do_addr_hdrs(c, TDM_HDR_REPLY_TO, false);
	do_addr_hdrs(c, TDM_HDR_P_ASSERTED_IDENTITY, true);
	do_addr_hdrs(c, TDM_HDR_P_PREFERRED_IDENTITY, true);
	do_addr_hdrs(c, TDM_HDR_SERVICE_ROUTE, true);
}

json_t *ctl_sip_msg_json(struct tdm_sip_msg *m)
{
	struct jctx c = { m, calloc(m->hdr_count + 1, sizeof(json_t *)) };
	json_t *root = json_object(), *hdrs = json_array();

	if (!c.parsed || !root || !hdrs) {
		free(c.parsed);
		json_decref(root);
		json_decref(hdrs);
		return NULL;
	}
	if (m->is_request) {
		const struct tdm_uri *u = NULL;

		set(root, "type", json_string("request"));
		set(root, "method", jstr(&m->method_name));
		set(root, "request_uri", jstr(&m->ruri));
		set(root, "request_uri_parsed",
		    tdm_sip_msg_ruri_uri(m, &u) == 0 ? uri_json(u) : NULL);
	} else {
		set(root, "type", json_string("response"));
		set(root, "status", json_integer(m->status));
		set(root, "reason", jstr(&m->reason));
	}

	decode_all(&c);
	for (uint32_t i = 0; i < m->hdr_count; i++) {
		const struct tdm_sip_hdr *h = &m->hdrs[i];
		const char *id = tdm_sip_hdr_name(h->id);
		json_t *o = json_object();

		set(o, "name", jstr(&h->name));
		set(o, "id", id ? json_string(id) : NULL);
		set(o, "value", jstr(&h->value));
		set(o, "parsed", c.parsed[i]);
		json_array_append_new(hdrs, o);
	}
	free(c.parsed);
	set(root, "headers", hdrs);
	set(root, "body_length", json_integer((json_int_t)m->body.len));
	return root;
}
