/* SPDX-License-Identifier: GPL-2.0-or-later
 * The message parser (RFC 3261 §7): start line, one split of every header
 * line with its id, and the eager decoding of what transaction matching
 * needs. A pure function of (bytes, length); everything else is left to
 * the caching accessors of msg.c. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/sip.h>
#include "sip_impl.h"

const struct tdm_sip_limits tdm_sip_default_limits = {
	.max_msg_size = 65535,
	.max_headers = 256,
	.max_line_len = 8192,
};

/* Parser state: a cursor over the message copy, and where to report. */
struct parser {
	struct tdm_sip_msg *m;
	const char *p, *end;
	const struct tdm_sip_limits *lim;
	struct tdm_sip_error *err;
};

static int fail(struct parser *ps, const char *at, const char *reason, int code)
{
	if (ps->err) {
		ps->err->offset = (uint32_t)(at - ps->m->buf);
		ps->err->reason = reason;
	}
	return code;
}

/* End of the line starting at p: points at its CR (or LF), or NULL when
 * there is no line end. *next receives the start of the next line. */
static const char *line_end(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (!nl)
		return NULL;
	*next = nl + 1;
	return (nl > p && nl[-1] == '\r') ? nl - 1 : nl;
}

/* SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (§25.1); "SIP" is
 * case-insensitive like every literal in the ABNF. */
static bool is_version(const char *p, const char *end)
{
	const char *d;

	/* the common "SIP/2.0" in one word compare (the copy is padded),
	 * with 0x20 OR-ed into the letter positions only */
	if (end - p == 7 &&
	    sip_keep(sip_load64(p) | sip_load64("\x20\x20\x20\0\0\0\0"), 7) ==
		    sip_keep(sip_load64("sip/2.0"), 7))
		return true;
	if (end - p < 7 || tdm_lower(p[0]) != 's' || tdm_lower(p[1]) != 'i' ||
	    tdm_lower(p[2]) != 'p' || p[3] != '/')
		return false;
	for (d = p + 4; d < end && sip_is_digit(*d); d++)
		;
	if (d == p + 4 || d == end || *d != '.')
		return false;
	p = ++d;
	for (; d < end && sip_is_digit(*d); d++)
		;
	return d > p && d == end;
}

/* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2). */
static int parse_status_line(struct parser *ps, const char *s, const char *e)
{
	struct tdm_sip_msg *m = ps->m;
	const char *sp = memchr(s, ' ', (size_t)(e - s));
	unsigned code = 0;

	if (!sp || !is_version(s, sp))
		return fail(ps, s, "bad SIP version", -EBADMSG);
	m->version = (struct tdm_str){ s, (size_t)(sp - s) };
	if (e - sp < 4 || !sip_is_digit(sp[1]) || !sip_is_digit(sp[2]) ||
	    !sip_is_digit(sp[3]) || (e - sp > 4 && sp[4] != ' '))
		return fail(ps, sp + 1, "bad status code", -EBADMSG);
	code = (unsigned)((sp[1] - '0') * 100 + (sp[2] - '0') * 10 + sp[3] - '0');
	if (code < 100 || code > 699)
		return fail(ps, sp + 1, "bad status code", -EBADMSG);
	m->status = (uint16_t)code;
	sp += 4;
	if (sp < e)
		sp++;
	m->reason = (struct tdm_str){ sp, (size_t)(e - sp) };
	for (const char *c = sp; c < e; c++)
		if (sip_is(*c, SIP_C_CTL))
			return fail(ps, c, "bad reason phrase", -EBADMSG);
	return 0;
}

/* A Request-URI starts with a scheme (§25.1 Request-URI = SIP-URI /
 * SIPS-URI / absoluteURI); the rest is checked by the URI parser when the
 * URI is first used, so the per-message cost stays at the scheme. */
static bool plausible_ruri(const char *s, const char *e)
{
	const char *p = s;

	if (p == e || !sip_is(*p, SIP_C_ALPHA))
		return false;
	while (p < e && (sip_is(*p, SIP_C_ALPHA | SIP_C_DIGIT) || *p == '+' ||
			 *p == '-' || *p == '.'))
		p++;
	return p < e && *p == ':' && p + 1 < e;
}

/* Request-Line = Method SP Request-URI SP SIP-Version (§7.1): exactly one
 * SP between the elements. */
static int parse_request_line(struct parser *ps, const char *s, const char *e)
{
	struct tdm_sip_msg *m = ps->m;
	const char *p = s, *sp1, *sp2;

	while (p < e && sip_is_token(*p))
		p++;
	if (p == s || p == e || *p != ' ')
		return fail(ps, p, "bad request method", -EBADMSG);
	sp1 = p;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(e - sp1 - 1));
	if (!sp2 || !plausible_ruri(sp1 + 1, sp2))
		return fail(ps, sp1 + 1, "bad Request-URI", -EBADMSG);
	if (!is_version(sp2 + 1, e))
		return fail(ps, sp2 + 1, "bad SIP version", -EBADMSG);
	m->is_request = true;
	m->method_name = (struct tdm_str){ s, (size_t)(sp1 - s) };
	m->method = tdm_sip_method_id(&m->method_name);
	m->ruri = (struct tdm_str){ sp1 + 1, (size_t)(sp2 - sp1 - 1) };
	m->version = (struct tdm_str){ sp2 + 1, (size_t)(e - sp2 - 1) };
	return 0;
}

static int parse_start_line(struct parser *ps)
{
	const char *s, *e, *next;

	/* §7.5: CRLFs before the start line are ignored */
	while (ps->p < ps->end && (*ps->p == '\r' || *ps->p == '\n'))
		ps->p++;
	s = ps->p;
	e = line_end(s, ps->end, &next);
	if (!e)
		return fail(ps, s, "no start line", -EBADMSG);
	if ((size_t)(e - s) > ps->lim->max_line_len)
		return fail(ps, s, "start line too long", -EMSGSIZE);
	ps->m->start_line = (struct tdm_str){ s, (size_t)(e - s) };
	ps->p = next;
	if (e - s > 4 && tdm_lower(s[0]) == 's' && tdm_lower(s[1]) == 'i' &&
	    tdm_lower(s[2]) == 'p' && s[3] == '/')
		return parse_status_line(ps, s, e);
	return parse_request_line(ps, s, e);
}

/* [s, e) is a token (1*tchar). */
static bool is_token(const char *s, const char *e)
{
	const char *p;

	for (p = sip_span_alnum(s, e); p < e && sip_is_token(*p); p++)
		;
	return p == e && e > s;
}

static bool is_lws_char(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* [p, e) without surrounding white space (folding CRLFs included). The
 * "<= ' '" pre-tests stop at text in one compare. */
static inline struct tdm_str trim(const char *p, const char *e)
{
	while (p < e && (unsigned char)*p <= ' ' && is_lws_char(*p))
		p++;
	while (e > p && (unsigned char)e[-1] <= ' ' && is_lws_char(e[-1]))
		e--;
	return (struct tdm_str){ p, (size_t)(e - p) };
}

/* split_header() for every case: continuation lines, the blank line,
 * errors. */
static int split_header_slow(struct parser *ps, struct tdm_sip_hdr *h)
{
	const char *s = ps->p, *e, *next, *colon, *n1;

	e = line_end(s, ps->end, &next);
	if (!e)
		return fail(ps, s, "headers not terminated", -EBADMSG);
	if (e == s) {
		ps->p = next;
		return 0;
	}
	/* continuation lines start with SP or HTAB (§7.3.1) */
	while (next < ps->end && sip_is_ws(*next)) {
		e = line_end(next, ps->end, &next);
		if (!e)
			return fail(ps, s, "headers not terminated", -EBADMSG);
	}
	if ((size_t)(e - s) > ps->lim->max_line_len)
		return fail(ps, s, "header line too long", -EMSGSIZE);
	/* The name ends at the colon (less white space). A known name is
	 * valid by being known; only unknown ones are checked as tokens. */
	colon = memchr(s, ':', (size_t)(e - s));
	if (!colon) {
		for (n1 = s; n1 < e && sip_is_token(*n1); n1++)
			;
		return fail(ps, n1, n1 == s ? "bad header name" :
			    "missing colon in header", -EBADMSG);
	}
	for (n1 = colon; n1 > s && sip_is_ws(n1[-1]); n1--)
		;
	h->id = (uint16_t)sip_hdr_id_padded(s, (size_t)(n1 - s));
	if (h->id == TDM_HDR_OTHER) {
		const char *t = s;
		while (t < n1 && sip_is_token(*t))
			t++;
		if (t == s)
			return fail(ps, s, "bad header name", -EBADMSG);
		if (t < n1)
			return fail(ps, t, "missing colon in header", -EBADMSG);
	}
	h->name = (struct tdm_str){ s, (size_t)(n1 - s) };
	h->value = trim(colon + 1, e);
	h->line = (struct tdm_str){ s, (size_t)(next - s) };
	h->next = TDM_SIP_NONE;
	ps->p = next;
	return 1;
}

/* The LF ending the "name: value" line at s, found in one block scan: the
 * block holding the colon also holds the line end of most short lines.
 * *colon receives the first colon. NULL when a line end comes before any
 * colon, or there is no line end: split_header_slow() reports those. A
 * hit is always before end: the copy's padding is zeros (SIP_MSG_PAD). */
static inline const char *scan_line(const char *s, const char *end,
				    const char **colon)
{
#ifdef __SSE2__
	const __m128i vc = _mm_set1_epi8(':'), vn = _mm_set1_epi8('\n');
	const char *p;
	unsigned mc = 0, mn = 0;

	for (p = s; p < end; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		mc = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vc));
		mn = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vn));
		if (mc | mn)
			break;
	}
	/* no hit, or a line end before the first colon */
	if (!mc || (mn & ((mc & -mc) - 1)))
		return NULL;
	*colon = p + __builtin_ctz(mc);
	while (!mn) {
		p += 16;
		if (p >= end)
			return NULL;
		mn = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)p), vn));
	}
	return p + __builtin_ctz(mn);
#else
	const char *nl = memchr(s, '\n', (size_t)(end - s));

	if (!nl || !(*colon = memchr(s, ':', (size_t)(nl - s))))
		return NULL;
	return nl;
#endif
}

/* Splits one header line (with its continuation lines) at ps->p into h.
 * Returns 1 for a header, 0 at the blank line ending the headers (ps->p
 * then points at the body), or a negative error. The common line, one
 * "name: value" line, takes one block scan here; anything else
 * (continuation lines, the blank line, errors) goes to
 * split_header_slow(). */
static inline __attribute__((always_inline)) int
split_header(struct parser *ps, struct tdm_sip_hdr *h, const char *end,
	     size_t max_line)
{
	const char *s = ps->p, *colon, *nl, *e, *n1;
	enum tdm_sip_hdr_id id;

	nl = scan_line(s, end, &colon);
	/* nl[1] may be the first padding byte: a zero, not white space */
	if (!nl || sip_is_ws(nl[1]))
		return split_header_slow(ps, h);
	e = nl[-1] == '\r' ? nl - 1 : nl;
	if ((size_t)(e - s) > max_line)
		return split_header_slow(ps, h);
	/* colon[-1] is inside the copy: the start line comes before s */
	for (n1 = colon; sip_is_ws(n1[-1]) && n1 > s; n1--)
		;
	id = sip_hdr_id_padded(s, (size_t)(n1 - s));
	if (id == TDM_HDR_OTHER && !is_token(s, n1))
		return split_header_slow(ps, h);
	*h = (struct tdm_sip_hdr){
		.name = { s, (size_t)(n1 - s) },
		/* "name: value": skip the one SP before trim() looks (colon + 1
		 * < e when it is a SP, since e is at the CR or LF) */
		.value = trim(colon + 1 + (colon[1] == ' '), e),
		.line = { s, (size_t)(nl + 1 - s) },
		.id = (uint16_t)id,
		.next = TDM_SIP_NONE,
	};
	ps->p = nl + 1;
	return 1;
}

/* Chains the headers of each id in wire order: walking backwards, each
 * header points at the one found after it. */
static void link_headers(struct tdm_sip_msg *m)
{
	memset(m->first, 0xff, sizeof(m->first));
	for (uint32_t i = m->hdr_count; i-- > 0;) {
		struct tdm_sip_hdr *h = &m->hdrs[i];
		if (h->id) {
			h->next = m->first[h->id];
			m->first[h->id] = (uint16_t)i;
		}
	}
}

/* Splits every header line, then links headers of the same id. */
static int split_headers(struct parser *ps)
{
	struct tdm_sip_msg *m = ps->m;
	const char *end = ps->end;
	size_t max_line = ps->lim->max_line_len;
	uint32_t max_hdrs = ps->lim->max_headers, n = 0, cap = SIP_HDRS_INIT;
	struct tdm_sip_hdr *hdrs = m->hdrs; /* room for SIP_HDRS_INIT */
	int rc;

	for (;;) {
		if (n == cap) {
			struct tdm_sip_hdr *more;
			if (cap >= max_hdrs)
				return fail(ps, ps->p, "too many headers", -EMSGSIZE);
			more = tdm_arena_alloc(m->arena, 2 * cap * sizeof(*more));
			if (!more)
				return -ENOMEM;
			memcpy(more, hdrs, cap * sizeof(*more));
			hdrs = more;
			cap *= 2;
		}
		rc = split_header(ps, &hdrs[n], end, max_line);
		if (rc <= 0)
			break;
		if (n >= max_hdrs)
			return fail(ps, hdrs[n].name.s, "too many headers", -EMSGSIZE);
		n++;
	}
	m->hdrs = hdrs;
	m->hdr_count = n;
	if (rc == 0)
		link_headers(m);
	return rc;
}

/* The header with this id, which must appear exactly once (§8.1.1, §20:
 * Call-ID, CSeq, From, To, Max-Forwards, Content-Length are not lists).
 * Returns NULL (and fills the error) when missing or repeated. */
static const struct tdm_sip_hdr *single(struct parser *ps, enum tdm_sip_hdr_id id,
					bool required, int *rc)
{
	const struct tdm_sip_msg *m = ps->m;
	const struct tdm_sip_hdr *h;

	*rc = 0;
	if (m->first[id] == TDM_SIP_NONE) {
		if (required)
			*rc = fail(ps, ps->end, "missing mandatory header",
				   -EBADMSG);
		return NULL;
	}
	h = &m->hdrs[m->first[id]];
	if (h->next != TDM_SIP_NONE) {
		*rc = fail(ps, m->hdrs[h->next].name.s, "repeated header",
			   -EBADMSG);
		return NULL;
	}
	return h;
}

static int eager_via(struct parser *ps)
{
	struct tdm_sip_msg *m = ps->m;
	struct tdm_str v;
	const char *why = "bad Via";

	if (m->first[TDM_HDR_VIA] == TDM_SIP_NONE)
		return fail(ps, ps->end, "missing Via", -EBADMSG);
	v = m->hdrs[m->first[TDM_HDR_VIA]].value;
	if (sip_via_parse_first(&m->via1, &v, &why))
		return fail(ps, v.s, why, -EBADMSG);
	return 0;
}

static int eager_addr(struct parser *ps, enum tdm_sip_hdr_id id,
		      struct tdm_sip_addr *a, struct tdm_str *tag)
{
	int rc;
	const struct tdm_sip_hdr *h = single(ps, id, true, &rc);
	struct tdm_str v;

	if (!h)
		return rc;
	v = h->value;
	if (sip_addr_parse(a, &v, false))
		return fail(ps, h->value.s, id == TDM_HDR_FROM ? "bad From" :
			    "bad To", -EBADMSG);
	*tag = a->tag;
	return 0;
}

static int eager_numbers(struct parser *ps)
{
	struct tdm_sip_msg *m = ps->m;
	const struct tdm_sip_hdr *h;
	uint32_t n;
	int rc;

	m->max_forwards = -1;
	m->content_length = -1;
	h = single(ps, TDM_HDR_MAX_FORWARDS, false, &rc);
	if (rc)
		return rc;
	if (h) {
		if (sip_to_u32(&h->value, &n) || n > 255)
			return fail(ps, h->value.s, "bad Max-Forwards", -EBADMSG);
		m->max_forwards = (int32_t)n;
	}
	h = single(ps, TDM_HDR_CONTENT_LENGTH, false, &rc);
	if (rc)
		return rc;
	if (h) {
		if (sip_to_u32(&h->value, &n))
			return fail(ps, h->value.s, "bad Content-Length", -EBADMSG);
		m->content_length = n;
	}
	return 0;
}

/* Call-ID: present, single and not empty; its character set (word
 * [ "@" word ]) is checked by tdm_sip_msg_parse_all(), since matching
 * only compares it byte for byte. */
static int eager_call_id(struct parser *ps)
{
	int rc;
	const struct tdm_sip_hdr *h = single(ps, TDM_HDR_CALL_ID, true, &rc);

	if (!h)
		return rc;
	if (!h->value.len)
		return fail(ps, h->value.s, "bad Call-ID", -EBADMSG);
	ps->m->call_id = h->value;
	return 0;
}

static int eager_cseq(struct parser *ps)
{
	struct tdm_sip_msg *m = ps->m;
	int rc;
	const struct tdm_sip_hdr *h = single(ps, TDM_HDR_CSEQ, true, &rc);
	const char *why = "bad CSeq";

	if (!h)
		return rc;
	if (sip_cseq_parse(&m->cseq, &h->value, &why))
		return fail(ps, h->value.s, why, -EBADMSG);
	if (m->is_request) {
		/* §8.1.1.5: the CSeq method MUST match the request method. For an
		 * unknown method the element answers 501 instead (RFC 4475
		 * §3.1.2.18), so that case is left to the method layer. */
		if (m->method != TDM_SIP_METHOD_OTHER &&
		    !tdm_str_eq(&m->cseq.method_name, &m->method_name))
			return fail(ps, h->value.s,
				    "CSeq method does not match the request",
				    -EBADMSG);
	} else {
		m->method = m->cseq.method;
		m->method_name = m->cseq.method_name;
	}
	return 0;
}

/* The body follows the blank line; Content-Length, when present, must not
 * claim more than there is (§18.3: 400 for a short datagram) and cuts
 * what lies beyond it. */
static int set_body(struct parser *ps)
{
	struct tdm_sip_msg *m = ps->m;
	size_t avail = (size_t)(ps->end - ps->p);

	if (m->content_length >= 0) {
		if ((size_t)m->content_length > avail)
			return fail(ps, ps->end, "Content-Length larger than body",
				    -EBADMSG);
		avail = (size_t)m->content_length;
	}
	m->body = (struct tdm_str){ ps->p, avail };
	return 0;
}

static int eager(struct parser *ps)
{
	struct tdm_sip_lazy *lz = ps->m->lazy;
	int rc;

	sip_zero(lz, offsetof(struct tdm_sip_lazy, from));
	if ((rc = eager_via(ps)) || (rc = eager_cseq(ps)) ||
	    (rc = eager_call_id(ps)) ||
	    (rc = eager_addr(ps, TDM_HDR_FROM, &lz->from, &ps->m->from_tag)) ||
	    (rc = eager_addr(ps, TDM_HDR_TO, &lz->to, &ps->m->to_tag)) ||
	    (rc = eager_numbers(ps)))
		return rc;
	return set_body(ps);
}

/* What every message needs, in one arena allocation instead of four: the
 * message, its lazy cache, room for the headers of most messages, and
 * the copy of the bytes (with SIP_MSG_PAD after them). */
struct msg_block {
	struct tdm_sip_msg m;
	struct tdm_sip_lazy lz;
	struct tdm_sip_hdr hdrs[SIP_HDRS_INIT];
	char copy[];
};

/* Allocates the message (and its arena when none is given) and copies the
 * bytes in. */
static int msg_alloc(struct tdm_sip_msg **out, struct tdm_arena *arena,
		     const char *data, size_t len)
{
	struct msg_block *b;
	struct tdm_sip_msg *m;
	bool own = !arena;
	char *copy;

	if (own && tdm_arena_new(&arena, len + sizeof(*b) + 4096))
		return -ENOMEM;
	b = tdm_arena_alloc(arena, sizeof(*b) + len + SIP_MSG_PAD);
	if (!b) {
		if (own)
			tdm_arena_free(arena);
		return -ENOMEM;
	}
	m = &b->m;
	copy = b->copy;
	/* The fields from `first` on are all written before a successful
	 * return (split_headers(), eager()); clearing them costs ~370 bytes
	 * of stores per message. */
	sip_zero(m, offsetof(struct tdm_sip_msg, first));
	memcpy(copy, data, len);
	memset(copy + len, 0, SIP_MSG_PAD);
	m->arena = arena;
	m->own_arena = own;
	m->buf = copy;
	m->len = len;
	m->hdrs = b->hdrs;
	m->lazy = &b->lz;
	*out = m;
	return 0;
}

int tdm_sip_msg_parse(struct tdm_sip_msg **out, struct tdm_arena *arena,
		      const char *data, size_t len,
		      const struct tdm_sip_limits *lim, struct tdm_sip_error *err)
{
	struct parser ps = { .lim = lim ? lim : &tdm_sip_default_limits,
			     .err = err };
	struct tdm_sip_msg *m;
	int rc;

	if (!out || (!data && len))
		return -EINVAL;
	if (len > ps.lim->max_msg_size) {
		if (err)
			*err = (struct tdm_sip_error){ ps.lim->max_msg_size,
						       "message too large" };
		return -EMSGSIZE;
	}
	rc = msg_alloc(&m, arena, data, len);
	if (rc)
		return rc;
	ps.m = m;
	ps.p = m->buf;
	ps.end = m->buf + len;
	if ((rc = parse_start_line(&ps)) || (rc = split_headers(&ps)) ||
	    (rc = eager(&ps))) {
		tdm_sip_msg_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void tdm_sip_msg_free(struct tdm_sip_msg *m)
{
	if (m && m->own_arena)
		tdm_arena_free(m->arena);
}
