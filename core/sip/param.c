/* SPDX-License-Identifier: GPL-2.0-or-later
 * Generic parameter lists (";name=value;flag"), RFC 3261 §25.1
 * generic-param: the value is a token, a host or a quoted-string. Used by
 * Via, name-addr headers, Content-Type, Event and URIs. */
#include <errno.h>
#include <string.h>
#include <tandem/sip.h>
#include "sip_impl.h"

/* Skips a quoted-string starting at p (on the opening quote); returns the
 * position after the closing quote, or NULL when it is unterminated. */
const char *sip_skip_quoted(const char *p, const char *end)
{
	const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));

	/* fast path: no backslash before the closing quote */
	if (q && !memchr(p + 1, '\\', (size_t)(q - p - 1)))
		return q + 1;
	for (p++; p < end; p++) {
		if (*p == '\\') {
			if (++p == end)
				return NULL;
		} else if (*p == '"') {
			return p + 1;
		}
	}
	return NULL;
}

int tdm_sip_param_next(struct tdm_str *cursor, struct tdm_sip_param *prm)
{
	const char *p, *end, *n0, *n1;
	bool semi = false;

	if (!cursor->len)
		return -ENOENT; /* also covers an empty slice with s == NULL */
	p = cursor->s;
	end = cursor->s + cursor->len;
	p = sip_skip_lws(p, end);
	if (p < end && *p == ';') {
		p = sip_skip_lws(p + 1, end);
		semi = true;
	}
	if (p == end) {
		cursor->s = end;
		cursor->len = 0;
		/* a ';' must be followed by a parameter (§25.1) */
		return semi ? -EBADMSG : -ENOENT;
	}
	n0 = p;
	while (p < end && sip_is_token(*p))
		p++;
	n1 = p;
	if (n1 == n0)
		return -EBADMSG;
	prm->name = (struct tdm_str){ n0, (size_t)(n1 - n0) };
	prm->value = TDM_STR_NULL;
	prm->has_value = false;
	p = sip_skip_lws(p, end);
	if (p < end && *p == '=') {
		const char *v0;
		p = sip_skip_lws(p + 1, end);
		v0 = p;
		if (p < end && *p == '"') {
			p = sip_skip_quoted(p, end);
			if (!p)
				return -EBADMSG;
		} else {
			/* token, or host (IPv6 reference in brackets) */
			while (p < end && sip_is(*p, SIP_C_PVAL))
				p++;
		}
		if (p == v0)
			return -EBADMSG;
		prm->value = (struct tdm_str){ v0, (size_t)(p - v0) };
		prm->has_value = true;
		p = sip_skip_lws(p, end);
	}
	if (p < end && *p != ';')
		return -EBADMSG;
	cursor->s = p;
	cursor->len = (size_t)(end - p);
	return 0;
}

int tdm_sip_param_find(const struct tdm_str *params, const char *name,
		       struct tdm_str *value)
{
	struct tdm_str cur = *params;
	struct tdm_sip_param prm;
	int err;

	while ((err = tdm_sip_param_next(&cur, &prm)) == 0) {
		if (tdm_str_caseeq_c(&prm.name, name)) {
			if (value)
				*value = prm.value;
			return 0;
		}
	}
	return err;
}
