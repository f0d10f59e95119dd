/* SPDX-License-Identifier: GPL-2.0-or-later
 * Via (RFC 3261 §20.42, §25.1 via-parm; RFC 3581 rport): sent-protocol,
 * sent-by and the parameters that transaction matching and response
 * routing need. */
#include <errno.h>
#include <string.h>
#include <tandem/sip.h>
#include "sip_impl.h"

/* Accepts hostname, IPv4 or a bracketed IPv6 reference; the full syntax
 * check of the host belongs to the URI parser, here it is enough that the
 * characters are legal and brackets balance. Inside a parsed message's
 * padded copy only (block scans). */
int sip_hostport_parse(const char **pp, const char *end, struct tdm_str *host,
		       bool *ipv6, uint16_t *port)
{
	const char *p = *pp, *h0;
	uint32_t n = 0;

	*ipv6 = false;
	if (p < end && *p == '[') {
		h0 = ++p;
		while (p < end && (sip_is(*p, SIP_C_HEX) || *p == ':' || *p == '.'))
			p++;
		if (p == end || *p != ']' || p == h0)
			return -EBADMSG;
		*host = (struct tdm_str){ h0, (size_t)(p - h0) };
		*ipv6 = true;
		p++;
	} else {
		h0 = p;
		p = sip_span_alnum(p, end); /* exactly the hostname characters */
		if (p == h0)
			return -EBADMSG;
		*host = (struct tdm_str){ h0, (size_t)(p - h0) };
	}
	*port = 0;
	if (p < end && *p == ':') {
		const char *d0 = ++p;
		while (p < end && sip_is_digit(*p) && n <= 65535)
			n = n * 10 + (uint32_t)(*p++ - '0');
		if (p == d0 || n == 0 || n > 65535)
			return -EBADMSG;
		*port = (uint16_t)n;
	}
	*pp = p;
	return 0;
}

/* The 8 bytes at p are "SIP/2.0/" in any case: one word compare, with
 * 0x20 OR-ed into the three letter positions only. */
static bool is_sip20(const char *p)
{
	uint64_t want, fold;

	memcpy(&want, "sip/2.0/", 8);
	memcpy(&fold, "\x20\x20\x20\0\0\0\0", 8);
	return (sip_load64(p) | fold) == want;
}

/* sent-protocol = protocol-name SLASH protocol-version SLASH transport,
 * with LWS allowed around the slashes (SLASH = SWS "/" SWS). */
static int parse_protocol(const char **pp, const char *end,
			  struct tdm_str *transport)
{
	const char *p = *pp;

	/* fast path: "SIP/2.0/" written without white space */
	if (end - p > 8 && is_sip20(p)) {
		const char *t0 = p + 8;
		for (p = sip_span_alnum(t0, end); p < end && sip_is_token(*p); p++)
			;
		if (p > t0 && (p == end || *p == ' ' || *p == '\t')) {
			*transport = (struct tdm_str){ t0, (size_t)(p - t0) };
			*pp = p;
			return 0;
		}
		p = *pp;
	}

	for (int part = 0; part < 3; part++) {
		const char *t0;
		p = sip_skip_lws(p, end);
		if (part) {
			if (p == end || *p != '/')
				return -EBADMSG;
			p = sip_skip_lws(p + 1, end);
		}
		t0 = p;
		while (p < end && sip_is_token(*p))
			p++;
		if (p == t0)
			return -EBADMSG;
		if (part == 2)
			*transport = (struct tdm_str){ t0, (size_t)(p - t0) };
	}
	*pp = p;
	return 0;
}

/* Signed integer parameter value; -1 when absent or not a number. */
static int32_t int_param(const struct tdm_str *v, uint32_t max)
{
	uint32_t n;

	if (sip_to_u32(v, &n) || n > max)
		return -2;
	return (int32_t)n;
}

/* Fills the well-known parameters of v from its raw parameter list. */
static int via_params(struct tdm_sip_via *v, const char **why)
{
	struct tdm_str cur = v->params;
	struct tdm_sip_param prm;
	int err;

	while ((err = sip_param_next_padded(&cur, &prm)) == 0) {
		const char *n = prm.name.s;
		switch (prm.name.len) { /* dispatch on length: one compare each */
		case 6:
			if (sip_letters_caseeq(n, "branch", 6)) {
				v->branch = prm.value;
				if (!prm.has_value)
					goto bad;
			}
			break;
		case 8:
			if (sip_letters_caseeq(n, "received", 8))
				v->received = prm.value;
			break;
		case 5:
			if (sip_letters_caseeq(n, "maddr", 5)) {
				v->maddr = prm.value;
			} else if (sip_letters_caseeq(n, "rport", 5)) {
				v->rport = prm.has_value ?
					   int_param(&prm.value, 65535) : 0;
				if (v->rport < 0)
					goto bad;
			}
			break;
		case 3:
			if (sip_letters_caseeq(n, "ttl", 3)) {
				v->ttl = int_param(&prm.value, 255);
				if (v->ttl < 0)
					goto bad;
			}
			break;
		}
	}
	if (err == -ENOENT)
		return 0;
bad:
	*why = "bad Via parameter";
	return -EBADMSG;
}

/* End of the first element of a list value: the first ',' outside a
 * quoted string. One block scan finds the common case (no quotes). */
static const char *first_elem_end(const char *p, const char *end)
{
	p = sip_find3(p, end, ',', '"', '"');
	for (; p < end && *p != ','; ) {
		if (*p == '"') {
			p = sip_skip_quoted(p, end);
			if (!p)
				return end; /* the element parser reports it */
		} else {
			p++;
		}
	}
	return p;
}

int sip_via_parse_first(struct tdm_sip_via *v, const struct tdm_str *value,
			const char **why)
{
	const char *p = value->s, *end = value->s + value->len;
	struct tdm_str elem;

	while (p < end && (*p == ',' || sip_is_ws(*p)))
		p++;
	elem = sip_trim(p, first_elem_end(p, end));
	return sip_via_parse(v, &elem, why);
}

int sip_via_parse(struct tdm_sip_via *v, const struct tdm_str *elem,
		  const char **why)
{
	const char *p = elem->s, *end = elem->s + elem->len;

	sip_zero(v, sizeof(*v));
	v->rport = -1;
	v->ttl = -1;
	v->value = *elem;
	if (parse_protocol(&p, end, &v->transport)) {
		*why = "bad Via protocol";
		return -EBADMSG;
	}
	p = sip_skip_lws(p, end);
	if (sip_hostport_parse(&p, end, &v->host, &v->host_ipv6, &v->port)) {
		*why = "bad Via sent-by";
		return -EBADMSG;
	}
	p = sip_skip_lws(p, end);
	if (p < end && *p != ';') {
		*why = "bad Via sent-by";
		return -EBADMSG;
	}
	if (p < end)
		p++;
	v->params = (struct tdm_str){ p, (size_t)(end - p) };
	return via_params(v, why);
}
