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
	return sip_param_next(cursor, prm);
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
