/* SPDX-License-Identifier: GPL-2.0-or-later
 * libFuzzer target for the SIP message layer: stream framing over growing
 * prefixes, the eager parse, every lazy accessor, then the two writers
 * (tdm_sip_build without edits, tdm_sip_reply_build) whose output must
 * parse again. Every slice handed out is read byte by byte so that
 * AddressSanitizer sees a slice pointing outside its message. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <tandem/tandem.h>
#include "fuzz_check.h"


/* Walks a raw ";a=b;c" parameter list to its end. */
static void touch_params(const struct tdm_str *raw)
{
	struct tdm_str cur = *raw;
	struct tdm_sip_param p;

	touch(raw);
	while (cur.len && tdm_sip_param_next(&cur, &p) == 0) {
		touch(&p.name);
		touch(&p.value);
	}
}

static void touch_uri_text(const struct tdm_str *text)
{
	struct tdm_uri u;

	touch(text);
	if (tdm_uri_parse(&u, text, NULL) == 0) {
		touch(&u.user);
		touch(&u.host);
		touch_params(&u.params);
		touch(&u.headers);
	}
}

static void touch_addr(const struct tdm_sip_addr *a)
{
	touch(&a->display);
	touch_uri_text(&a->uri);
	touch_params(&a->params);
	touch(&a->tag);
}

static void touch_auth(const struct tdm_sip_auth *a)
{
	const struct tdm_str *f[] = {
		&a->scheme, &a->username, &a->realm, &a->nonce, &a->uri,
		&a->response, &a->algorithm, &a->cnonce, &a->opaque, &a->qop,
		&a->nc, &a->stale, &a->domain, &a->userhash, &a->params,
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(f); i++)
		touch(f[i]);
}

/* Framing: keep-alive bytes, then the same message fed one more byte at a
 * time, as a TCP connection would; a one-shot call must agree. */
static void fuzz_frame(const char *buf, size_t size)
{
	struct tdm_frame f, once;
	size_t ka = tdm_frame_keepalive(buf, size), rest;
	long r = -EAGAIN, r1;

	CHECK(ka <= size);
	buf += ka;
	rest = size - ka;
	tdm_frame_init(&f);
	for (size_t len = 0; len <= rest && r == -EAGAIN; len++) {
		r = tdm_frame_check(&f, buf, len, 65535);
		CHECK(r == -EAGAIN || r == -EMSGSIZE || r == -EBADMSG || r > 0);
		CHECK(r <= (long)len);
	}
	if (r > 0) {
		tdm_frame_init(&once);
		r1 = tdm_frame_check(&once, buf, rest, 65535);
		CHECK(r1 == r);
	}
}

static void fuzz_accessors(struct tdm_sip_msg *m)
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
	static const enum tdm_sip_hdr_id values[] = {
		TDM_HDR_USER_AGENT, TDM_HDR_SERVER, TDM_HDR_SUBJECT, TDM_HDR_DATE,
	};
	const struct tdm_uri *uri;
	const struct tdm_sip_addr *addr;
	const struct tdm_sip_via *via;
	const struct tdm_sip_contacts *cs;
	const struct tdm_sip_addr_list *al;
	const struct tdm_sip_auth *auth;
	const struct tdm_sip_event *ev;
	const struct tdm_sip_tokens *tk;
	const struct tdm_sip_ctype *ct;
	struct tdm_str v;
	uint32_t u32;
	unsigned n;

	/* Header lookup: every line is found by its name, chains end. */
	for (uint32_t i = 0; i < m->hdr_count; i++) {
		const struct tdm_sip_hdr *h = &m->hdrs[i];

		touch(&h->name);
		touch(&h->value);
		touch(&h->line);
		CHECK(tdm_sip_msg_hdr_by_name(m, &h->name) != NULL);
	}
	for (int id = 1; id < TDM_HDR__COUNT; id++) {
		n = 0;
		for (const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, id); h;
		     h = tdm_sip_msg_hdr_next(m, h)) {
			CHECK(h->id == id);
			CHECK(++n <= m->hdr_count);
		}
	}

	if (tdm_sip_msg_ruri_uri(m, &uri) == 0) {
		touch(&uri->user);
		touch(&uri->host);
		touch_params(&uri->params);
	}
	if (tdm_sip_msg_from(m, &addr) == 0)
		touch_addr(addr);
	if (tdm_sip_msg_to(m, &addr) == 0)
		touch_addr(addr);
	n = 0;
	if (tdm_sip_msg_vias(m, &via) == 0)
		for (; via; via = via->next) {
			touch(&via->transport);
			touch(&via->host);
			touch(&via->branch);
			touch(&via->received);
			touch_params(&via->params);
			CHECK(++n <= m->len);
		}
	if (tdm_sip_msg_contacts(m, &cs) == 0) {
		n = 0;
		for (const struct tdm_sip_contact *c = cs->list; c; c = c->next) {
			touch_addr(&c->addr);
			touch(&c->instance);
			n++;
		}
		CHECK(n == cs->count);
		CHECK(!cs->star || cs->list == NULL);
	}
	for (size_t i = 0; i < TDM_ARRAY_SIZE(routes); i++) {
		n = 0;
		if (tdm_sip_msg_routes(m, routes[i], &al) == 0)
			for (; al; al = al->next) {
				touch_addr(&al->addr);
				CHECK(++n <= m->len);
			}
	}
	for (size_t i = 0; i < TDM_ARRAY_SIZE(auths); i++)
		if (tdm_sip_msg_auth(m, auths[i], &auth) == 0)
			touch_auth(auth);
	(void)tdm_sip_msg_expires(m, &u32);
	if (tdm_sip_msg_event(m, &ev) == 0) {
		touch(&ev->package);
		touch(&ev->id);
		touch_params(&ev->params);
	}
	for (size_t i = 0; i < TDM_ARRAY_SIZE(tokens); i++)
		if (tdm_sip_msg_tokens(m, tokens[i], &tk) == 0)
			for (unsigned j = 0; j < tk->count; j++)
				touch(&tk->v[j]);
	if (tdm_sip_msg_ctype(m, &ct) == 0) {
		touch(&ct->type);
		touch(&ct->subtype);
		touch_params(&ct->params);
	}
	for (size_t i = 0; i < TDM_ARRAY_SIZE(values); i++)
		if (tdm_sip_msg_value(m, values[i], &v) == 0)
			touch(&v);
	touch(&m->body);
}

/* Serialise without edits: the result must parse with the same headers
 * (one more when the writer added the missing Content-Length). */
static void fuzz_build(struct tdm_sip_msg *m)
{
	struct tdm_sip_edits *e;
	struct tdm_buf out = TDM_BUF_INIT;
	struct tdm_sip_msg *m2;
	struct tdm_sip_error err;
	int rc;

	if (tdm_sip_edits_new(&e, m) < 0)
		return;
	rc = tdm_sip_build(m, &e, 1, &out);
	CHECK(rc == 0 || rc == -ENOMEM);
	if (rc == 0) {
		rc = tdm_sip_msg_parse(&m2, NULL, out.data, out.len, NULL, &err);
		if (rc == -EMSGSIZE && out.len > m->len)
			rc = 0, m2 = NULL; /* grew past the limit */
		if (rc) {
			fprintf(stderr, "rebuilt message does not parse: offset %u: %s\n",
				err.offset, err.reason ? err.reason : "?");
			fwrite(out.data, 1, out.len, stderr);
		}
		CHECK(rc == 0);
		if (m2) {
			CHECK(m2->hdr_count == m->hdr_count ||
			      (m2->hdr_count == m->hdr_count + 1 &&
			       !tdm_sip_msg_hdr(m, TDM_HDR_CONTENT_LENGTH)));
			CHECK(m2->is_request == m->is_request);
			tdm_sip_msg_free(m2);
		}
	}
	tdm_buf_free(&out);
}

/* A 200 to a request must be a message the parser accepts. */
static void fuzz_reply(struct tdm_sip_msg *m)
{
	struct tdm_str tag = TDM_STR("f7a3"), extra = TDM_STR("Server: fuzz\r\n");
	struct tdm_str body = TDM_STR("");
	struct tdm_buf out = TDM_BUF_INIT;
	struct tdm_sip_msg *r;
	struct tdm_sip_error err;
	int rc;

	rc = tdm_sip_reply_build(m, 200, NULL, &tag, &extra, &body, &out);
	if (rc == 0) {
		rc = tdm_sip_msg_parse(&r, NULL, out.data, out.len, NULL, &err);
		if (rc) {
			fprintf(stderr, "reply does not parse: offset %u: %s\n",
				err.offset, err.reason ? err.reason : "?");
			fwrite(out.data, 1, out.len, stderr);
		}
		CHECK(rc == 0 || (rc == -EMSGSIZE && out.len > m->len));
		if (rc == 0) {
			CHECK(!r->is_request && r->status == 200);
			tdm_sip_msg_free(r);
		}
	} else {
		CHECK(rc == -EINVAL || rc == -ENOMEM);
	}
	tdm_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct tdm_sip_msg *m, *m2;
	struct tdm_sip_error err = { 0, NULL };
	struct tdm_arena *arena;
	int rc;

	fuzz_frame(buf, size);

	rc = tdm_sip_msg_parse(&m, NULL, buf, size, NULL, &err);
	if (rc) {
		CHECK(rc == -EBADMSG || rc == -EMSGSIZE || rc == -ENOMEM);
		if (rc != -ENOMEM) {
			CHECK(err.reason != NULL);
			CHECK(err.offset <= size);
		}
		return 0;
	}
	CHECK(m->len == size);
	CHECK(m->hdr_count <= tdm_sip_default_limits.max_headers);

	/* The same bytes parsed into a caller's arena give the same split. */
	if (tdm_arena_new(&arena, 4096) == 0) {
		rc = tdm_sip_msg_parse(&m2, arena, buf, size, NULL, NULL);
		CHECK(rc == 0 || rc == -ENOMEM);
		if (rc == 0)
			CHECK(m2->hdr_count == m->hdr_count);
		tdm_arena_free(arena);
	}

	rc = tdm_sip_msg_parse_all(m, &err);
	CHECK(rc == 0 || rc == -EBADMSG || rc == -ENOMEM);
	if (rc == -EBADMSG)
		CHECK(err.reason != NULL && err.offset <= size);
	fuzz_accessors(m);
	fuzz_build(m);
	if (m->is_request)
		fuzz_reply(m);
	tdm_sip_msg_free(m);
	return 0;
}
