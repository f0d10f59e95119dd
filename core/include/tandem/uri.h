/* SPDX-License-Identifier: GPL-2.0-or-later
 * SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1; RFC 3966). Parsing is
 * zero-copy: every field is a slice of the input, escapes left as they
 * were; tdm_uri_unescape() decodes a field when a caller needs it. */
#ifndef TANDEM_URI_H
#define TANDEM_URI_H

#include <stdbool.h>
#include <stdint.h>
#include <tandem/arena.h>
#include <tandem/compiler.h>
#include <tandem/str.h>

enum tdm_uri_scheme {
	TDM_URI_NONE = 0,
	TDM_URI_SIP,
	TDM_URI_SIPS,
	TDM_URI_TEL,
};

struct tdm_uri {
	enum tdm_uri_scheme scheme;
	struct tdm_str user;      /* sip: userinfo user; tel: the number */
	struct tdm_str password;  /* sip: after ':' in userinfo */
	struct tdm_str host;      /* IPv6 references without brackets */
	bool host_ipv6;
	uint16_t port;            /* 0 when absent */
	struct tdm_str params;    /* ";a=b;lr" raw, without the first ';' */
	struct tdm_str headers;   /* "?h=v&..." raw, without the '?' */
	/* Well-known parameters, empty when absent. */
	struct tdm_str transport, user_param, method, maddr, ttl;
	bool lr;                  /* ;lr present (loose router, §16.4) */
	struct tdm_str gr;        /* ;gr= (RFC 5627 GRUU); gr_present for ";gr" */
	bool gr_present;
	struct tdm_str whole;     /* the whole input */
};

/* Parses a URI: the whole of `in` must be the URI. Returns 0, -EBADMSG
 * (malformed), or -EPROTONOSUPPORT for a well-formed absoluteURI (RFC 2396
 * §3) whose scheme is not sip, sips or tel: the message layer may accept
 * those (the RFC 4475 "unksm" messages) where the text is enough. On
 * error *why (when why is not NULL) gets a short static reason ("bad
 * host", "bad port", "bad escape", "unsupported URI scheme" ...) and
 * u->scheme is TDM_URI_NONE. */
TDM_API int tdm_uri_parse(struct tdm_uri *u, const struct tdm_str *in,
			  const char **why);

/* Value of a URI parameter (case-insensitive name): 0 with *value (empty
 * for a parameter without value), or -ENOENT. */
TDM_API int tdm_uri_param(const struct tdm_uri *u, const char *name,
			  struct tdm_str *value);

/* URI equivalence of RFC 3261 §19.1.4 (escapes decoded, host and
 * parameter names compared without case, user/password with case, the
 * user/ttl/method/maddr/transport parameters must match when present in
 * either, other parameters only when present in both; headers compared
 * as a set). tel URIs compare by the number (RFC 3966 §4). */
TDM_API bool tdm_uri_equal(const struct tdm_uri *a, const struct tdm_uri *b);

/* Decodes %HH escapes of `in` into the arena. 0, -EBADMSG, -ENOMEM.
 * When `in` has no escape, *out = *in and nothing is allocated. */
TDM_API int tdm_uri_unescape(struct tdm_arena *a, const struct tdm_str *in,
			     struct tdm_str *out);

#endif
