/* SPDX-License-Identifier: GPL-2.0-or-later
 * Authorization, Proxy-Authorization, WWW-Authenticate and
 * Proxy-Authenticate values (RFC 3261 §25.1 credentials / challenge,
 * RFC 7616 Digest, RFC 8898 Bearer): a scheme, then comma-separated
 * auth-params whose known Digest names fill struct tdm_sip_auth. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <tandem/sip.h>
#include "sip_impl.h"

static const struct {
	const char *name;
	size_t off;
} fields[] = {
	{ "username", offsetof(struct tdm_sip_auth, username) },
	{ "realm", offsetof(struct tdm_sip_auth, realm) },
	{ "nonce", offsetof(struct tdm_sip_auth, nonce) },
	{ "uri", offsetof(struct tdm_sip_auth, uri) },
	{ "response", offsetof(struct tdm_sip_auth, response) },
	{ "algorithm", offsetof(struct tdm_sip_auth, algorithm) },
	{ "cnonce", offsetof(struct tdm_sip_auth, cnonce) },
	{ "opaque", offsetof(struct tdm_sip_auth, opaque) },
	{ "qop", offsetof(struct tdm_sip_auth, qop) },
	{ "nc", offsetof(struct tdm_sip_auth, nc) },
	{ "stale", offsetof(struct tdm_sip_auth, stale) },
	{ "domain", offsetof(struct tdm_sip_auth, domain) },
	{ "userhash", offsetof(struct tdm_sip_auth, userhash) },
};

static const char *skip_token(const char *p, const char *end)
{
	while (p < end && sip_is_token(*p))
		p++;
	return p;
}

/* token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 * (RFC 7235 §2.1), the whole rest of the value (RFC 8898 Bearer
 * credentials use it). */
static bool is_token68(const char *p, const char *end)
{
	const char *s = p;

	while (p < end && (sip_is(*p, SIP_C_ALPHA | SIP_C_DIGIT) ||
			   *p == '-' || *p == '.' || *p == '_' || *p == '~' ||
			   *p == '+' || *p == '/'))
		p++;
	if (p == s)
		return false;
	while (p < end && *p == '=')
		p++;
	return sip_skip_lws(p, end) == end;
}

/* Stores a known Digest parameter; a second one of the same name is an
 * error (RFC 7616 §3.3 allows each directive once). */
static int store(struct tdm_sip_auth *a, const struct tdm_str *name,
		 const struct tdm_str *value)
{
	for (size_t i = 0; i < TDM_ARRAY_SIZE(fields); i++) {
		struct tdm_str *f;

		if (!tdm_str_caseeq_c(name, fields[i].name))
			continue;
		f = (struct tdm_str *)((char *)a + fields[i].off);
		if (f->s)
			return -EBADMSG;
		*f = *value;
		return 0;
	}
	return 0;
}

/* auth-param = auth-param-name EQUAL ( token / quoted-string ), with
 * EQUAL = SWS "=" SWS (§25.1). At *p; advances it past the value. */
static int auth_param(struct tdm_sip_auth *a, const char **pp, const char *end)
{
	const char *p = *pp, *n = p, *v;
	struct tdm_str name, value;

	p = skip_token(p, end);
	if (p == n)
		return -EBADMSG;
	name = (struct tdm_str){ n, (size_t)(p - n) };
	p = sip_skip_lws(p, end);
	if (p == end || *p != '=')
		return -EBADMSG;
	p = sip_skip_lws(p + 1, end);
	v = p;
	if (p < end && *p == '"') {
		p = sip_skip_quoted(p, end);
		if (!p)
			return -EBADMSG;
		value = (struct tdm_str){ v + 1, (size_t)(p - v - 2) };
	} else {
		p = skip_token(p, end);
		if (p == v)
			return -EBADMSG;
		value = (struct tdm_str){ v, (size_t)(p - v) };
	}
	*pp = p;
	return store(a, &name, &value);
}

int tdm_sip_auth_parse(struct tdm_sip_auth *a, const struct tdm_str *value)
{
	const char *p, *end, *q;
	int err;

	memset(a, 0, sizeof(*a));
	if (value->len == 0)
		return -EBADMSG;
	end = value->s + value->len;
	p = sip_skip_lws(value->s, end);
	q = skip_token(p, end);
	if (q == p)
		return -EBADMSG;
	a->scheme = (struct tdm_str){ p, (size_t)(q - p) };
	p = sip_skip_lws(q, end);
	if (p == q || p == end)
		return -EBADMSG; /* scheme LWS 1*param is required */
	a->params = tdm_str_trim((struct tdm_str){ p, (size_t)(end - p) });
	if (!tdm_str_caseeq_c(&a->scheme, "Digest") && is_token68(p, end))
		return 0;
	for (;;) {
		err = auth_param(a, &p, end);
		if (err)
			return err;
		p = sip_skip_lws(p, end);
		if (p == end)
			return 0;
		if (*p != ',')
			return -EBADMSG;
		p = sip_skip_lws(p + 1, end);
	}
}
