/* SPDX-License-Identifier: GPL-2.0-or-later
 * SIP, SIPS and tel URIs: parsing (RFC 3261 §19.1.1, §25.1; RFC 3966 §3),
 * escape decoding and the equivalence rules of RFC 3261 §19.1.4. One small
 * scanner per grammar rule, each taking a cursor and returning where it
 * stopped; nothing is copied and the input is never written. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <tandem/uri.h>
#include "sip_impl.h"

/* URI character classes of RFC 3261 §25.1 (escapes are handled apart). */
enum {
	C_USER = 0x01,  /* unreserved / user-unreserved "&=+$,;?/" */
	C_PASS = 0x02,  /* unreserved / "&=+$," */
	C_PARAM = 0x04, /* paramchar: unreserved / "[]/:&+$" */
	C_HNV = 0x08,   /* header char: unreserved / "[]/?:+$" */
	C_URIC = 0x10,  /* uric of RFC 2396 (with "[]" of RFC 2732) */
	C_UINFO = 0x20, /* anything in userinfo: user, password and ':' */
	C_HOST = 0x40,  /* hostname or IPv4 characters: alphanum "-." */
};

#define UN (C_USER | C_PASS | C_PARAM | C_HNV | C_URIC | C_UINFO)
#define AN (UN | C_HOST)

static const uint8_t uri_ctype[256] = {
	['0' ... '9'] = AN, ['A' ... 'Z'] = AN, ['a' ... 'z'] = AN,
	['-'] = AN, ['.'] = AN,
	['_'] = UN, ['!'] = UN, ['~'] = UN, ['*'] = UN, ['\''] = UN,
	['('] = UN, [')'] = UN,
	['&'] = C_USER | C_PASS | C_PARAM | C_URIC | C_UINFO,
	['='] = C_USER | C_PASS | C_URIC | C_UINFO,
	['+'] = C_USER | C_PASS | C_PARAM | C_HNV | C_URIC | C_UINFO,
	['$'] = C_USER | C_PASS | C_PARAM | C_HNV | C_URIC | C_UINFO,
	[','] = C_USER | C_PASS | C_URIC | C_UINFO,
	[';'] = C_USER | C_URIC | C_UINFO,
	['?'] = C_USER | C_HNV | C_URIC | C_UINFO,
	['/'] = C_USER | C_PARAM | C_HNV | C_URIC | C_UINFO,
	[':'] = C_PARAM | C_HNV | C_URIC | C_UINFO,
	['['] = C_PARAM | C_HNV | C_URIC,
	[']'] = C_PARAM | C_HNV | C_URIC,
	['@'] = C_URIC,
};

#undef UN
#undef AN

static bool is_cls(char c, uint8_t cls)
{
	return (uri_ctype[(unsigned char)c] & cls) != 0;
}

static bool is_hex(char c)
{
	return sip_is(c, SIP_C_HEX);
}

static bool is_alpha(char c)
{
	return sip_is(c, SIP_C_ALPHA);
}

static bool is_alnum(char c)
{
	return sip_is(c, SIP_C_ALPHA | SIP_C_DIGIT);
}

static unsigned hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	return (unsigned)(tdm_lower(c) - 'a' + 10);
}

static struct tdm_str slice(const char *from, const char *to)
{
	return (struct tdm_str){ from, (size_t)(to - from) };
}

/* Skips *(cls / escaped) from p. Returns where it stopped, or NULL on a
 * '%' that is not followed by two hex digits. */
static const char *span(const char *p, const char *end, uint8_t cls)
{
	while (p < end) {
		if (*p == '%') {
			if (end - p < 3 || !is_hex(p[1]) || !is_hex(p[2]))
				return NULL;
			p += 3;
		} else if (is_cls(*p, cls)) {
			p++;
		} else {
			break;
		}
	}
	return p;
}

/* True when the whole of [p, end) is 1*(cls / escaped). */
static bool all_of(const char *p, const char *end, uint8_t cls)
{
	const char *q = span(p, end, cls);

	return q == end && p < end;
}

/* ---- Hosts --------------------------------------------------------------- */

/* dec-octet "." dec-octet "." dec-octet "." dec-octet (RFC 5954 §4.1),
 * the whole of [p, end). */
static bool parse_ipv4(const char *p, const char *end, uint8_t out[4])
{
	for (int i = 0; i < 4; i++) {
		unsigned v = 0, n = 0;

		if (i > 0) {
			if (p == end || *p != '.')
				return false;
			p++;
		}
		while (p < end && sip_is_digit(*p) && n < 4) {
			v = v * 10 + (unsigned)(*p++ - '0');
			n++;
		}
		if (n == 0 || n > 3 || v > 255)
			return false;
		out[i] = (uint8_t)v;
	}
	return p == end;
}

/* IPv6address of RFC 4291 §2.2 (the ABNF of RFC 5954 §4.1), the whole of
 * [p, end), into 16 bytes: at most eight groups of 1-4 hex digits, at most
 * one "::" standing for one or more zero groups, and an optional dotted
 * IPv4 address as the last 32 bits. */
static bool parse_ipv6(const char *p, const char *end, uint8_t out[16])
{
	uint8_t buf[16];
	int n = 0, gap = -1;

	if (p < end && *p == ':') {
		if (end - p < 2 || p[1] != ':')
			return false;
		gap = 0;
		p += 2;
	}
	while (p < end) {
		const char *g = p;
		unsigned v = 0;

		while (p < end && is_hex(*p) && p - g < 5)
			v = (v << 4) | hexval(*p++);
		if (p < end && *p == '.') {
			if (n > 12 || !parse_ipv4(g, end, buf + n))
				return false;
			n += 4;
			break;
		}
		if (p == g || p - g > 4 || n > 14)
			return false;
		buf[n++] = (uint8_t)(v >> 8);
		buf[n++] = (uint8_t)v;
		if (p == end)
			break;
		if (*p++ != ':' || p == end)
			return false;
		if (*p == ':') {
			if (gap >= 0)
				return false;
			gap = n;
			p++;
		}
	}
	if (gap < 0) {
		if (n != 16)
			return false;
	} else {
		if (n > 14)
			return false;
		memmove(buf + 16 - (n - gap), buf + gap, (size_t)(n - gap));
		memset(buf + gap, 0, (size_t)(16 - n));
	}
	memcpy(out, buf, 16);
	return true;
}

/* hostname = *( domainlabel "." ) toplabel [ "." ] (RFC 3261 §25.1):
 * labels of alphanumerics and inner hyphens, the last one starting with
 * a letter. */
static bool valid_hostname(const char *p, const char *end)
{
	const char *top = NULL;

	if (p < end && end[-1] == '.')
		end--;
	if (p == end)
		return false;
	while (p < end) {
		const char *l = p;

		while (p < end && *p != '.')
			p++;
		if (p == l || !is_alnum(*l) || !is_alnum(p[-1]))
			return false;
		for (const char *q = l; q < p; q++)
			if (!is_alnum(*q) && *q != '-')
				return false;
		top = l;
		if (p < end)
			p++;
		if (p == end && p[-1] == '.')
			return false; /* ".." or a second trailing dot */
	}
	return is_alpha(*top);
}

/* host = hostname / IPv4address / IPv6reference, at p. Fills *host (an
 * IPv6 reference without its brackets) and returns the position after
 * it, or NULL. */
static const char *parse_host(const char *p, const char *end,
			      struct tdm_str *host, bool *ipv6)
{
	uint8_t bin[16];
	const char *q;

	*ipv6 = false;
	if (p < end && *p == '[') {
		q = memchr(p, ']', (size_t)(end - p));
		if (!q || !parse_ipv6(p + 1, q, bin))
			return NULL;
		*host = slice(p + 1, q);
		*ipv6 = true;
		return q + 1;
	}
	q = p;
	while (q < end && is_cls(*q, C_HOST))
		q++;
	if (!parse_ipv4(p, q, bin) && !valid_hostname(p, q))
		return NULL;
	*host = slice(p, q);
	return q;
}

/* port = 1*DIGIT, 1..65535 here. Returns the position after it or NULL. */
static const char *parse_port(const char *p, const char *end, uint16_t *port)
{
	const char *d = p;
	unsigned v = 0;

	while (p < end && sip_is_digit(*p)) {
		v = v * 10 + (unsigned)(*p++ - '0');
		if (v > 65535)
			return NULL;
	}
	if (p == d || v == 0)
		return NULL;
	*port = (uint16_t)v;
	return p;
}

/* ---- Parameter lists ----------------------------------------------------- */

struct uparam {
	struct tdm_str name, value;
	bool has_value;
};

/* Next ";name[=value]" element of a parameter list already checked by the
 * parser (so ';' and '=' only ever delimit). Advances *cur; false at the
 * end. Also usable on a header list with sep '&'. */
static bool next_elem(struct tdm_str *cur, struct uparam *prm, char sep)
{
	const char *p, *end, *e, *eq;

	if (cur->len == 0)
		return false;
	p = cur->s;
	end = cur->s + cur->len;
	if (*p == sep)
		p++;
	if (p >= end)
		return false;
	e = memchr(p, sep, (size_t)(end - p));
	if (!e)
		e = end;
	eq = memchr(p, '=', (size_t)(e - p));
	prm->name = slice(p, eq ? eq : e);
	prm->value = eq ? slice(eq + 1, e) : slice(e, e);
	prm->has_value = eq != NULL;
	*cur = slice(e, end);
	return true;
}

/* ttl = 1*3DIGIT, 0..255 (§25.1). */
static bool valid_ttl(const struct tdm_str *v)
{
	uint32_t t;

	return v->len <= 3 && tdm_str_to_u32(v, &t) == 0 && t <= 255;
}

static bool valid_token(const struct tdm_str *v)
{
	for (size_t i = 0; i < v->len; i++)
		if (!sip_is_token(v->s[i]))
			return false;
	return v->len > 0;
}

/* maddr-param value: a host, IPv6 in brackets. */
static bool valid_maddr(const struct tdm_str *v)
{
	struct tdm_str h;
	bool v6;
	const char *end = v->s + v->len;

	return parse_host(v->s, end, &h, &v6) == end;
}

/* Records one of the well-known SIP URI parameters (§19.1.1) and checks
 * its value; the first occurrence of each wins. */
static int known_param(struct tdm_uri *u, const struct uparam *prm)
{
	static const struct {
		const char *name;
		size_t off;
		bool (*valid)(const struct tdm_str *v);
	} slots[] = {
		{ "transport", offsetof(struct tdm_uri, transport), valid_token },
		{ "user", offsetof(struct tdm_uri, user_param), valid_token },
		{ "method", offsetof(struct tdm_uri, method), valid_token },
		{ "maddr", offsetof(struct tdm_uri, maddr), valid_maddr },
		{ "ttl", offsetof(struct tdm_uri, ttl), valid_ttl },
	};

	if (tdm_str_caseeq_c(&prm->name, "lr")) {
		u->lr = true;
		return 0;
	}
	if (tdm_str_caseeq_c(&prm->name, "gr")) {
		if (!u->gr_present) {
			u->gr_present = true;
			u->gr = prm->value;
		}
		return 0;
	}
	for (size_t i = 0; i < TDM_ARRAY_SIZE(slots); i++) {
		struct tdm_str *f;

		if (!tdm_str_caseeq_c(&prm->name, slots[i].name))
			continue;
		f = (struct tdm_str *)((char *)u + slots[i].off);
		if (f->s)
			return 0;
		if (!slots[i].valid(&prm->value))
			return -EBADMSG;
		*f = prm->value;
		return 0;
	}
	return 0;
}

/* uri-parameters = *( ";" pname [ "=" pvalue ] ), pname and pvalue
 * 1*paramchar (§25.1). p is on the first ';'. */
static const char *parse_params(struct tdm_uri *u, const char *p,
				const char *end, const char **why)
{
	const char *start = p + 1;

	while (p < end && *p == ';') {
		const char *n = p + 1, *ne, *ve;
		struct uparam prm;

		ne = span(n, end, C_PARAM);
		if (!ne || ne == n) {
			*why = ne ? "bad parameter" : "bad escape";
			return NULL;
		}
		prm.name = slice(n, ne);
		prm.has_value = ne < end && *ne == '=';
		ve = ne;
		if (prm.has_value) {
			ve = span(ne + 1, end, C_PARAM);
			if (!ve || ve == ne + 1) {
				*why = ve ? "bad parameter" : "bad escape";
				return NULL;
			}
		}
		prm.value = prm.has_value ? slice(ne + 1, ve) : slice(ve, ve);
		if (known_param(u, &prm)) {
			*why = "bad parameter";
			return NULL;
		}
		p = ve;
	}
	u->params = slice(start, p);
	return p;
}

/* headers = "?" header *( "&" header ), header = hname "=" hvalue
 * (§25.1). p is on the '?'. */
static const char *parse_headers(struct tdm_uri *u, const char *p,
				 const char *end, const char **why)
{
	const char *start = p + 1;

	do {
		const char *n = p + 1, *ne, *ve;

		ne = span(n, end, C_HNV);
		if (!ne || ne == n || ne == end || *ne != '=') {
			*why = ne ? "bad header" : "bad escape";
			return NULL;
		}
		ve = span(ne + 1, end, C_HNV);
		if (!ve) {
			*why = "bad escape";
			return NULL;
		}
		p = ve;
	} while (p < end && *p == '&');
	u->headers = slice(start, p);
	return p;
}

/* ---- SIP and SIPS -------------------------------------------------------- */

/* userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
 * (§25.1). The user part may hold ';' and '?', so the userinfo is found
 * by scanning every character allowed in it up to an '@'; none of them
 * may appear unescaped in a host, which keeps the split unambiguous.
 * Returns the position after the '@' (p itself without userinfo), or NULL
 * with *why. */
static const char *parse_userinfo(struct tdm_uri *u, const char *p,
				  const char *end, const char **why)
{
	const char *at = span(p, end, C_UINFO), *colon;

	if (!at) {
		*why = "bad escape";
		return NULL;
	}
	if (at == end || *at != '@')
		return p;
	colon = memchr(p, ':', (size_t)(at - p));
	u->user = slice(p, colon ? colon : at);
	if (!all_of(u->user.s, u->user.s + u->user.len, C_USER)) {
		*why = "bad user";
		return NULL;
	}
	if (colon) {
		u->password = slice(colon + 1, at);
		if (span(colon + 1, at, C_PASS) != at) {
			*why = "bad password";
			return NULL;
		}
	}
	return at + 1;
}

/* SIP-URI / SIPS-URI after the scheme's ':' (§19.1.1, §25.1):
 * [ userinfo ] hostport uri-parameters [ headers ]. */
static int parse_sip(struct tdm_uri *u, const char *p, const char *end,
		     const char **why)
{
	const char *q;

	p = parse_userinfo(u, p, end, why);
	if (!p)
		return -EBADMSG;
	q = parse_host(p, end, &u->host, &u->host_ipv6);
	if (!q || (q < end && *q != ':' && *q != ';' && *q != '?')) {
		*why = "bad host";
		return -EBADMSG;
	}
	p = q;
	if (p < end && *p == ':') {
		p = parse_port(p + 1, end, &u->port);
		if (!p || (p < end && *p != ';' && *p != '?')) {
			*why = "bad port";
			return -EBADMSG;
		}
	}
	if (p < end && *p == ';') {
		p = parse_params(u, p, end, why);
		if (!p)
			return -EBADMSG;
	}
	if (p < end && *p == '?') {
		p = parse_headers(u, p, end, why);
		if (!p)
			return -EBADMSG;
	}
	if (p != end) {
		*why = "bad URI";
		return -EBADMSG;
	}
	return 0;
}

/* ---- tel (RFC 3966) ------------------------------------------------------ */

static bool is_visual_sep(char c)
{
	return c == '-' || c == '.' || c == '(' || c == ')';
}

/* global-number-digits = "+" *phonedigit DIGIT *phonedigit (§3). */
static bool valid_global_digits(const char *p, const char *end)
{
	bool digit = false;

	if (p == end || *p++ != '+')
		return false;
	for (; p < end; p++) {
		if (sip_is_digit(*p))
			digit = true;
		else if (!is_visual_sep(*p))
			return false;
	}
	return digit;
}

/* local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#")
 * *phonedigit-hex (§3). */
static bool valid_local_digits(const char *p, const char *end)
{
	bool digit = false;

	for (; p < end; p++) {
		if (is_hex(*p) || *p == '*' || *p == '#')
			digit = true;
		else if (!is_visual_sep(*p))
			return false;
	}
	return digit;
}

/* One tel parameter ";pname[=pvalue]" (§3): pname = 1*( alphanum / "-" ),
 * pvalue = 1*paramchar; ext takes phonedigits, phone-context a
 * descriptor (domainname / global-number-digits). Sets *ctx when it is
 * phone-context. Returns the position after it or NULL. */
static const char *tel_param(const char *p, const char *end, bool *ctx,
			     const char **why)
{
	const char *n = p + 1, *ne = n, *ve;
	struct tdm_str name;

	while (ne < end && (is_alnum(*ne) || *ne == '-'))
		ne++;
	if (ne == n) {
		*why = "bad parameter";
		return NULL;
	}
	name = slice(n, ne);
	if (ne == end || *ne != '=') {
		if (tdm_str_caseeq_c(&name, "phone-context") ||
		    tdm_str_caseeq_c(&name, "ext") ||
		    tdm_str_caseeq_c(&name, "isub")) {
			*why = "bad parameter";
			return NULL;
		}
		return ne;
	}
	ve = span(ne + 1, end, C_PARAM);
	if (!ve || ve == ne + 1) {
		*why = ve ? "bad parameter" : "bad escape";
		return NULL;
	}
	if (tdm_str_caseeq_c(&name, "phone-context")) {
		bool global = ne[1] == '+';

		if (global ? !valid_global_digits(ne + 1, ve) :
			     !valid_hostname(ne + 1, ve)) {
			*why = "bad phone-context";
			return NULL;
		}
		*ctx = true;
	} else if (tdm_str_caseeq_c(&name, "ext")) {
		for (const char *q = ne + 1; q < ve; q++) {
			if (!sip_is_digit(*q) && !is_visual_sep(*q)) {
				*why = "bad parameter";
				return NULL;
			}
		}
	}
	return ve;
}

/* telephone-subscriber = global-number / local-number (RFC 3966 §3); a
 * local number needs ";phone-context=". The number goes to u->user. */
static int parse_tel(struct tdm_uri *u, const char *p, const char *end,
		     const char **why)
{
	const char *semi = memchr(p, ';', (size_t)(end - p));
	const char *ne = semi ? semi : end;
	bool global = p < end && *p == '+', ctx = false;

	if (global ? !valid_global_digits(p, ne) : !valid_local_digits(p, ne)) {
		*why = "bad telephone number";
		return -EBADMSG;
	}
	u->user = slice(p, ne);
	p = ne;
	while (p < end && *p == ';') {
		p = tel_param(p, end, &ctx, why);
		if (!p)
			return -EBADMSG;
	}
	if (p != end) {
		*why = "bad URI";
		return -EBADMSG;
	}
	if (semi)
		u->params = slice(semi + 1, end);
	if (!global && !ctx) {
		*why = "local number without phone-context";
		return -EBADMSG;
	}
	return 0;
}

/* ---- Entry points -------------------------------------------------------- */

/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" (RFC 2396 §3.1).
 * Returns the position after the ':' or NULL. */
static const char *parse_scheme(const char *p, const char *end)
{
	if (p == end || !is_alpha(*p))
		return NULL;
	for (p++; p < end && *p != ':'; p++)
		if (!is_alnum(*p) && *p != '+' && *p != '-' && *p != '.')
			return NULL;
	return p < end ? p + 1 : NULL;
}

int tdm_uri_parse(struct tdm_uri *u, const struct tdm_str *in, const char **why)
{
	const char *dummy, *p, *end;
	struct tdm_str scheme;
	int err;

	if (!why)
		why = &dummy;
	memset(u, 0, sizeof(*u));
	u->whole = *in;
	if (in->len == 0) {
		*why = "empty URI";
		return -EBADMSG;
	}
	end = in->s + in->len;
	p = parse_scheme(in->s, end);
	if (!p) {
		*why = "bad scheme";
		return -EBADMSG;
	}
	scheme = slice(in->s, p - 1);
	if (tdm_str_caseeq_c(&scheme, "sip"))
		u->scheme = TDM_URI_SIP;
	else if (tdm_str_caseeq_c(&scheme, "sips"))
		u->scheme = TDM_URI_SIPS;
	else if (tdm_str_caseeq_c(&scheme, "tel"))
		u->scheme = TDM_URI_TEL;
	if (u->scheme == TDM_URI_NONE) {
		/* absoluteURI = scheme ":" ( hier-part / opaque-part ) */
		if (!all_of(p, end, C_URIC)) {
			*why = "bad URI";
			return -EBADMSG;
		}
		*why = "unsupported URI scheme";
		return -EPROTONOSUPPORT;
	}
	if (u->scheme == TDM_URI_TEL)
		err = parse_tel(u, p, end, why);
	else
		err = parse_sip(u, p, end, why);
	if (err)
		u->scheme = TDM_URI_NONE;
	return err;
}

int tdm_uri_param(const struct tdm_uri *u, const char *name,
		  struct tdm_str *value)
{
	struct tdm_str cur = u->params;
	struct uparam prm;

	while (next_elem(&cur, &prm, ';')) {
		if (tdm_str_caseeq_c(&prm.name, name)) {
			if (value)
				*value = prm.value;
			return 0;
		}
	}
	return -ENOENT;
}

int tdm_uri_unescape(struct tdm_arena *a, const struct tdm_str *in,
		     struct tdm_str *out)
{
	const char *p, *end;
	char *buf, *w;

	if (in->len == 0 || !memchr(in->s, '%', in->len)) {
		*out = *in;
		return 0;
	}
	end = in->s + in->len;
	for (p = in->s; p < end; p++)
		if (*p == '%' && (end - p < 3 || !is_hex(p[1]) || !is_hex(p[2])))
			return -EBADMSG;
	buf = tdm_arena_alloc(a, in->len);
	if (!buf)
		return -ENOMEM;
	for (p = in->s, w = buf; p < end; w++) {
		if (*p == '%') {
			*w = (char)(hexval(p[1]) << 4 | hexval(p[2]));
			p += 3;
		} else {
			*w = *p++;
		}
	}
	*out = (struct tdm_str){ buf, (size_t)(w - buf) };
	return 0;
}

/* ---- Equivalence (RFC 3261 §19.1.4) ------------------------------------ */

/* reserved of RFC 2396 §2.2: escaping one of these changes the meaning. */
static bool is_reserved(unsigned char c)
{
	return c && memchr(";/?:@&=+$,", c, 10) != NULL;
}

/* Next comparison unit of s at *i: a decoded byte (folded when `fold`),
 * with bit 8 set when it came from an escaped reserved character, which
 * §19.1.4 keeps distinct from its literal form. */
static unsigned next_unit(const struct tdm_str *s, size_t *i, bool fold)
{
	unsigned char c = (unsigned char)s->s[*i];

	if (c == '%' && *i + 2 < s->len && is_hex(s->s[*i + 1]) &&
	    is_hex(s->s[*i + 2])) {
		c = (unsigned char)(hexval(s->s[*i + 1]) << 4 |
				    hexval(s->s[*i + 2]));
		*i += 3;
		if (is_reserved(c))
			return 0x100u | c;
	} else {
		(*i)++;
	}
	return fold ? (unsigned char)tdm_lower((char)c) : c;
}

/* Equality with escapes of unreserved characters decoded. */
static bool esc_eq(const struct tdm_str *a, const struct tdm_str *b, bool fold)
{
	size_t i = 0, j = 0;

	while (i < a->len && j < b->len)
		if (next_unit(a, &i, fold) != next_unit(b, &j, fold))
			return false;
	return i == a->len && j == b->len;
}

/* Finds parameter (sep ';') or header (sep '&') `name` in list. */
static bool find_elem(const struct tdm_str *list, const struct tdm_str *name,
		      char sep, struct uparam *out)
{
	struct tdm_str cur = *list;

	while (next_elem(&cur, out, sep))
		if (esc_eq(&out->name, name, true))
			return true;
	return false;
}

static bool same_value(const struct uparam *a, const struct uparam *b)
{
	return a->has_value == b->has_value && esc_eq(&a->value, &b->value, true);
}

/* Parameters of two SIP URIs (§19.1.4): user, ttl, method, maddr and
 * transport must match when present in either; any other parameter only
 * when present in both. */
static bool sip_params_eq(const struct tdm_uri *a, const struct tdm_uri *b)
{
	static const char *const strict[] = { "user", "ttl", "method",
					      "maddr", "transport" };
	struct tdm_str cur = a->params;
	struct uparam pa, pb;

	for (size_t i = 0; i < TDM_ARRAY_SIZE(strict); i++) {
		struct tdm_str n = tdm_str_c(strict[i]);
		bool ina = find_elem(&a->params, &n, ';', &pa);
		bool inb = find_elem(&b->params, &n, ';', &pb);

		if (ina != inb || (ina && !same_value(&pa, &pb)))
			return false;
	}
	while (next_elem(&cur, &pa, ';')) {
		struct uparam first;

		/* a repeated parameter counts by its first occurrence */
		find_elem(&a->params, &pa.name, ';', &first);
		if (first.name.s != pa.name.s)
			continue;
		if (find_elem(&b->params, &pa.name, ';', &pb) &&
		    !same_value(&pa, &pb))
			return false;
	}
	return true;
}

/* Every header of `a` has an equal one in `b`. */
static bool headers_in(const struct tdm_str *a, const struct tdm_str *b)
{
	struct tdm_str ca = *a;
	struct uparam ha, hb;

	while (next_elem(&ca, &ha, '&')) {
		struct tdm_str cb = *b;
		bool found = false;

		while (!found && next_elem(&cb, &hb, '&'))
			found = esc_eq(&ha.name, &hb.name, true) &&
				esc_eq(&ha.value, &hb.value, false);
		if (!found)
			return false;
	}
	return true;
}

static bool host_eq(const struct tdm_uri *a, const struct tdm_uri *b)
{
	uint8_t x[16], y[16];

	if (a->host_ipv6 != b->host_ipv6)
		return false;
	if (a->host_ipv6 &&
	    parse_ipv6(a->host.s, a->host.s + a->host.len, x) &&
	    parse_ipv6(b->host.s, b->host.s + b->host.len, y))
		return memcmp(x, y, 16) == 0; /* RFC 5954 §4.2: binary */
	return tdm_str_caseeq(&a->host, &b->host);
}

/* Compares phone digits without visual separators, ignoring case. */
static bool digits_eq(const struct tdm_str *a, const struct tdm_str *b)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a->len && is_visual_sep(a->s[i]))
			i++;
		while (j < b->len && is_visual_sep(b->s[j]))
			j++;
		if (i == a->len || j == b->len)
			return i == a->len && j == b->len;
		if (tdm_lower(a->s[i++]) != tdm_lower(b->s[j++]))
			return false;
	}
}

/* Every parameter of `a` is in `b` with an equal value (RFC 3966 §4). */
static bool tel_params_in(const struct tdm_str *a, const struct tdm_str *b)
{
	struct tdm_str cur = *a;
	struct uparam pa, pb;

	while (next_elem(&cur, &pa, ';')) {
		struct uparam first;
		bool digits;

		find_elem(a, &pa.name, ';', &first);
		if (first.name.s != pa.name.s)
			continue; /* repeated: the first one counts */
		if (!find_elem(b, &pa.name, ';', &pb) ||
		    pa.has_value != pb.has_value)
			return false;
		digits = tdm_str_caseeq_c(&pa.name, "ext") ||
			 (tdm_str_caseeq_c(&pa.name, "phone-context") &&
			  pa.value.len && pa.value.s[0] == '+');
		if (digits ? !digits_eq(&pa.value, &pb.value) :
			     !esc_eq(&pa.value, &pb.value, true))
			return false;
	}
	return true;
}

/* RFC 3966 §4: both global or both local, the same digits once visual
 * separators are removed, the same parameters; case-insensitive. */
static bool tel_eq(const struct tdm_uri *a, const struct tdm_uri *b)
{
	bool ga = a->user.len && a->user.s[0] == '+';
	bool gb = b->user.len && b->user.s[0] == '+';

	return ga == gb && digits_eq(&a->user, &b->user) &&
	       tel_params_in(&a->params, &b->params) &&
	       tel_params_in(&b->params, &a->params);
}

bool tdm_uri_equal(const struct tdm_uri *a, const struct tdm_uri *b)
{
	if (a->scheme != b->scheme || a->scheme == TDM_URI_NONE)
		return false;
	if (a->scheme == TDM_URI_TEL)
		return tel_eq(a, b);
	return esc_eq(&a->user, &b->user, false) &&
	       esc_eq(&a->password, &b->password, false) &&
	       host_eq(a, b) && a->port == b->port &&
	       sip_params_eq(a, b) &&
	       headers_in(&a->headers, &b->headers) &&
	       headers_in(&b->headers, &a->headers);
}
