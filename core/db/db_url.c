/* SPDX-License-Identifier: GPL-2.0-or-later
 * The pure parts of opening a database: a URL's scheme, the driver module
 * it names, and the URL with its password hidden for logs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "db/db_int.h"

int tdm_db_url_scheme(const char *url, char *out, size_t outlen)
{
	size_t n = 0;

	if (!url)
		return -EINVAL;
	for (; url[n] && url[n] != ':'; n++) {
		char c = url[n];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (n && ((c >= '0' && c <= '9') || c == '+' || c == '-' ||
				 c == '.'));
		if (!ok || n + 1 >= outlen)
			return -EINVAL;
		out[n] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	if (!n || url[n] != ':')
		return -EINVAL;
	out[n] = '\0';
	return 0;
}

int tdm_db_scheme_module(const char *scheme, char *out, size_t outlen)
{
	const char *base = scheme;
	int n;

	if (!strcmp(scheme, "postgresql"))
		base = "postgres";
	for (const char *p = base; *p; p++) /* module names: [a-z0-9_] */
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return -EINVAL;
	n = snprintf(out, outlen, "db_%s", base);
	return n > 0 && (size_t)n < outlen ? 0 : -EINVAL;
}

/* Appends len bytes of s to out at *o (out has room: see the caller). */
static void put(char *out, size_t *o, const char *s, size_t len)
{
	memcpy(out + *o, s, len);
	*o += len;
}

char *tdm_db_url_redact(const char *url)
{
	size_t len = strlen(url), o = 0, i = 0;
	const char *auth = strstr(url, "://"), *at = NULL, *colon = NULL;
	/* each hidden secret is replaced by 3 bytes: at most 3 per byte */
	char *out = tdm_malloc(len * 3 + 4);

	if (!out)
		return NULL;
	if (auth) {
		const char *end = auth + 3 + strcspn(auth + 3, "/?#");
		for (const char *p = auth + 3; p < end; p++)
			if (*p == '@')
				at = p;   /* the last '@' ends the user info */
		if (at)
			colon = memchr(auth + 3, ':', (size_t)(at - auth - 3));
	}
	while (i < len) {
		if (colon && url + i == colon) {
			put(out, &o, ":***", 4);
			i = (size_t)(at - url);
			continue;
		}
		if ((url[i] == '?' || url[i] == '&') &&
		    !strncmp(url + i + 1, "password=", 9)) {
			put(out, &o, url + i, 10);
			put(out, &o, "***", 3);
			i += 10;
			i += strcspn(url + i, "&#");
			continue;
		}
		out[o++] = url[i++];
	}
	out[o] = '\0';
	return out;
}
