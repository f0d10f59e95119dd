/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/sip: character classes of RFC 3261 §25.1, cursor
 * helpers, and the cache behind the lazy accessors. */
#ifndef TANDEM_SIP_IMPL_H
#define TANDEM_SIP_IMPL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <tandem/sip.h>

/* Character classes, one bit each, looked up in sip_ctype[]. */
enum {
	SIP_C_TOKEN = 0x01,    /* token: alphanum / "-.!%*_+`'~" */
	SIP_C_WS = 0x02,       /* SP / HTAB */
	SIP_C_DIGIT = 0x04,
	SIP_C_ALPHA = 0x08,
	SIP_C_UNRESERVED = 0x10, /* alphanum / mark "-_.!~*'()" */
	SIP_C_HEX = 0x20,
	SIP_C_WORD = 0x40,     /* word (Call-ID): token + "()<>:\\\"/[]?{}" */
	SIP_C_CTL = 0x80,      /* CTL chars other than HTAB */
	SIP_C_PVAL = 0x100,    /* generic-param value: token / host ("[]:") */
	SIP_C_LSEP = 0x200,    /* stops a list element scan: ',' '"' '<' */
};

extern const uint16_t sip_ctype[256];

static inline bool sip_is(char c, uint16_t cls)
{
	return (sip_ctype[(unsigned char)c] & cls) != 0;
}
static inline bool sip_is_token(char c) { return sip_is(c, SIP_C_TOKEN); }
static inline bool sip_is_ws(char c) { return c == ' ' || c == '\t'; }
static inline bool sip_is_digit(char c) { return c >= '0' && c <= '9'; }

/* Skips linear white space: SP, HTAB, and CRLF followed by SP/HTAB
 * (a folded line, §7.3.1). */
static inline const char *sip_skip_lws(const char *p, const char *end)
{
	if (p == end || (unsigned char)*p > ' ')
		return p; /* the common case: nothing to skip */
	for (;;) {
		while (p < end && sip_is_ws(*p))
			p++;
		if (p + 2 < end && p[0] == '\r' && p[1] == '\n' &&
		    sip_is_ws(p[2]))
			p += 3;
		else if (p + 1 < end && p[0] == '\n' && sip_is_ws(p[1]))
			p += 2;
		else
			return p;
	}
}

/* Bytes of padding after a parsed message's copy, so that word-wise
 * scans may read a little past the last header. */
#define SIP_MSG_PAD 16
/* Header slots allocated with every message; more are allocated when
 * needed. */
#define SIP_HDRS_INIT 32
/* Header name lookup tables (hdr.c), inlined into the parser: a hash of
 * the first two and last two name bytes and the length picks a slot, one
 * or two 16-byte compares confirm it. */
#define SIP_HDR_MAXLEN 32
#define SIP_HDR_SLOTS 512
struct sip_hdr_words {
	_Alignas(16) uint8_t word[SIP_HDR_MAXLEN]; /* lower-cased, zero padded */
	_Alignas(16) uint8_t fold[SIP_HDR_MAXLEN]; /* 0x20 where a letter is */
	uint8_t len;
};
extern struct sip_hdr_words sip_hdr_words[TDM_HDR__COUNT];
extern uint8_t sip_hdr_slots[SIP_HDR_SLOTS];
extern uint8_t sip_hdr_compact[26];

static inline uint64_t sip_load64(const char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

/* Keeps the first n (1..8, never 0: the shift would be 64) bytes of a
 * little- or big-endian word. */
static inline uint64_t sip_keep(uint64_t w, size_t n)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return w & (~(uint64_t)0 >> (64 - 8 * n));
#else
	return w & (~(uint64_t)0 << (64 - 8 * n));
#endif
}

/* Slot of a name of 2..SIP_HDR_MAXLEN bytes. OR 0x20 folds the case of
 * letters (and merges a few other bytes: the compare sorts those out). */
static inline unsigned sip_hdr_slot(const char *name, size_t len)
{
	uint16_t a, z;
	uint64_t w;

	memcpy(&a, name, 2);
	memcpy(&z, name + len - 2, 2);
	w = (uint64_t)(a | 0x2020u) | (uint64_t)(z | 0x2020u) << 16 |
	    (uint64_t)len << 32;
	return (unsigned)((w * 0x9E3779B97F4A7C15ull) >> 55) &
	       (SIP_HDR_SLOTS - 1);
}

/* The len (1..SIP_HDR_MAXLEN) bytes at name match hw, ignoring case.
 * Reads whole 16-byte blocks: up to 15 bytes past the name. */
static inline bool sip_hdr_match(const struct sip_hdr_words *hw,
				 const char *name, size_t len)
{
	if (hw->len != len)
		return false;
#ifdef __SSE2__
	if (len <= 16) { /* every common name: one block */
		unsigned eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)name),
				     _mm_load_si128((const __m128i *)(const void *)hw->fold)),
			_mm_load_si128((const __m128i *)(const void *)hw->word)));
		/* the low len bits (len >= 1): bytes past the name do not count */
		return (~eq << (32 - len)) == 0;
	}
	for (size_t i = 0;; i += 16) {
		__m128i v = _mm_or_si128(
			_mm_loadu_si128((const __m128i *)(const void *)(name + i)),
			_mm_load_si128((const __m128i *)(const void *)(hw->fold + i)));
		unsigned eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			v, _mm_load_si128((const __m128i *)(const void *)(hw->word + i))));
		if (len - i <= 16) /* bytes past the name do not count */
			return ((eq | (0xffffu << (len - i))) & 0xffffu) == 0xffffu;
		if (eq != 0xffffu)
			return false;
	}
#else
	for (size_t i = 0; i < len; i++)
		if (((uint8_t)name[i] | hw->fold[i]) != hw->word[i])
			return false;
	return true;
#endif
}

/* Fast scans over a parsed message's padded copy (SIP_MSG_PAD). With
 * SSE2 they read 16-byte blocks that may run up to 15 bytes past end, so
 * [p, end) must lie inside that copy; never pass them caller-owned
 * slices. The scalar fallbacks read only [p, end). */

/* First of the bytes a, b, c in [p, end), or end (repeat a byte to look
 * for fewer). */
static inline const char *sip_find3(const char *p, const char *end, char a,
				    char b, char c)
{
#ifdef __SSE2__
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b),
		      vc = _mm_set1_epi8(c);

	for (; p < end; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va),
							 _mm_cmpeq_epi8(v, vb)),
					   _mm_cmpeq_epi8(v, vc));
		unsigned mask = (unsigned)_mm_movemask_epi8(hit);
		if (mask)
			return p + __builtin_ctz(mask) < end ? p + __builtin_ctz(mask)
							     : end;
	}
	return end;
#else
	while (p < end && *p != a && *p != b && *p != c)
		p++;
	return p;
#endif
}

/* First of the bytes ',' '"' '<' in [p, end), or end: where a list
 * element scan must stop and look. */
static inline const char *sip_find_lsep(const char *p, const char *end)
{
	return sip_find3(p, end, ',', '"', '<');
}

/* First byte in [p, end) that is not a letter, digit, '-' or '.', or end.
 * That class is a hostname exactly and the common part of tokens and
 * parameter values: scanners skip it 16 bytes at a time, then go on byte
 * by byte with their own (wider) class from where it stops. */
static inline const char *sip_span_alnum(const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i a1 = _mm_set1_epi8('a' - 1), z1 = _mm_set1_epi8('z' + 1),
		      d1 = _mm_set1_epi8('0' - 1), d2 = _mm_set1_epi8('9' + 1),
		      dash = _mm_set1_epi8('-'), dot = _mm_set1_epi8('.'),
		      bit5 = _mm_set1_epi8(0x20);

	for (; p < end; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* OR 0x20 maps exactly the letters into 'a'..'z'; bytes >= 0x80
		 * are negative and fail the signed compares */
		__m128i lo = _mm_or_si128(v, bit5);
		__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lo, a1),
					      _mm_cmplt_epi8(lo, z1));
		__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, d1),
					      _mm_cmplt_epi8(v, d2));
		__m128i mark = _mm_or_si128(_mm_cmpeq_epi8(v, dash),
					    _mm_cmpeq_epi8(v, dot));
		unsigned ok = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_or_si128(alpha, digit), mark));
		if (ok != 0xffff) {
			p += __builtin_ctz(~ok);
			return p < end ? p : end;
		}
	}
	return end;
#else
	while (p < end && (sip_is(*p, SIP_C_ALPHA | SIP_C_DIGIT) || *p == '-' ||
			   *p == '.'))
		p++;
	return p;
#endif
}

/* The n (1..8) bytes at p equal the lower-case letters of lit, ignoring
 * ASCII case. lit must be letters only: OR 0x20 then folds exactly the
 * upper-case letters. Reads 8 bytes at p (padded copy only). */
static inline bool sip_letters_caseeq(const char *p, const char *lit, size_t n)
{
	uint64_t w = 0;

	memcpy(&w, lit, n);
	return sip_keep(sip_load64(p) | 0x2020202020202020ull, n) == w;
}

/* memset(p, 0, n) for the parser's fixed-size structs (n >= 16): gcc
 * emits "rep stos" for those, whose start-up costs more than the stores. */
static inline void sip_zero(void *p, size_t n)
{
#ifdef __SSE2__
	char *c = p;

	for (size_t i = 0; i + 16 <= n; i += 16) {
		_mm_storeu_si128((__m128i *)(void *)(c + i), _mm_setzero_si128());
		__asm__("" : "+r"(c)); /* else gcc turns the loop into memset */
	}
	_mm_storeu_si128((__m128i *)(void *)(c + n - 16), _mm_setzero_si128());
#else
	memset(p, 0, n);
#endif
}

/* [p, e) without surrounding SP, HTAB, CR and LF (like tdm_str_trim). */
static inline struct tdm_str sip_trim(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\n'))
		e--;
	return (struct tdm_str){ p, (size_t)(e - p) };
}

/* tdm_str_to_u32(), inlined for the short numbers of the hot path; longer
 * slices (leading zeros, overflow) go to the library function. */
static inline int sip_to_u32(const struct tdm_str *s, uint32_t *out)
{
	uint64_t v = 0;

	if (s->len == 0 || s->len > 9)
		return tdm_str_to_u32(s, out);
	for (size_t i = 0; i < s->len; i++) {
		unsigned d = (unsigned)(unsigned char)s->s[i] - '0';
		if (d > 9)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = (uint32_t)v;
	return 0;
}

/* Header id, like tdm_sip_hdr_id(), for a name inside a padded message
 * copy: it reads whole blocks, up to 15 bytes past the name. */
static inline enum tdm_sip_hdr_id sip_hdr_id_padded(const char *name,
						    size_t len)
{
	unsigned slot, id;

	if (len == 1) {
		unsigned f = (unsigned)(tdm_lower(name[0]) - 'a');
		return f < 26 ? (enum tdm_sip_hdr_id)sip_hdr_compact[f]
			      : TDM_HDR_OTHER;
	}
	if (len == 0 || len > SIP_HDR_MAXLEN)
		return TDM_HDR_OTHER;
	for (slot = sip_hdr_slot(name, len); (id = sip_hdr_slots[slot]) != 0;
	     slot = (slot + 1) & (SIP_HDR_SLOTS - 1))
		if (sip_hdr_match(&sip_hdr_words[id], name, len))
			return (enum tdm_sip_hdr_id)id;
	return TDM_HDR_OTHER;
}

const char *sip_skip_quoted(const char *p, const char *end);

/* sip_skip_quoted() for a padded copy: one scan finds the closing quote
 * when there is no backslash before it. */
static inline const char *sip_skip_quoted_padded(const char *p, const char *end)
{
	const char *q = sip_find3(p + 1, end, '"', '\\', '\\');

	return q < end && *q == '"' ? q + 1 : sip_skip_quoted(p, end);
}

/* tdm_sip_param_next(), inlined into the hot parsers (Via, name-addr).
 * padded (a constant at each call) allows the block scans. */
static inline __attribute__((always_inline)) int
sip_param_scan(struct tdm_str *cursor, struct tdm_sip_param *prm, bool padded)
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
	if (padded)
		p = sip_span_alnum(p, end);
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
			p = padded ? sip_skip_quoted_padded(p, end) :
				     sip_skip_quoted(p, end);
			if (!p)
				return -EBADMSG;
		} else {
			/* token, or host (IPv6 reference in brackets) */
			if (padded)
				p = sip_span_alnum(p, end);
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

static inline int sip_param_next(struct tdm_str *cursor,
				 struct tdm_sip_param *prm)
{
	return sip_param_scan(cursor, prm, false);
}

/* For parameter lists inside a parsed message's padded copy. */
static inline int sip_param_next_padded(struct tdm_str *cursor,
					struct tdm_sip_param *prm)
{
	return sip_param_scan(cursor, prm, true);
}

/* Parses one via-parm (one comma-separated element of a Via header).
 * 0 or -EBADMSG with *why set. This and the other sip_*_parse functions
 * below take slices of a parsed message's padded copy only. */
int sip_via_parse(struct tdm_sip_via *v, const struct tdm_str *elem,
		  const char **why);
/* Parses the first via-parm of a Via header value without splitting the
 * list first (the hot path: only the top Via is needed per message). */
int sip_via_parse_first(struct tdm_sip_via *v, const struct tdm_str *value,
			const char **why);
/* Parses "host[:port]" (sent-by, §20.42) at *p, advancing it. */
int sip_hostport_parse(const char **p, const char *end, struct tdm_str *host,
		       bool *ipv6, uint16_t *port);
/* tdm_sip_addr_parse() for a value inside a parsed message. */
int sip_addr_parse(struct tdm_sip_addr *a, struct tdm_str *in, bool list);
/* CSeq value: 0 or -EBADMSG. */
int sip_cseq_parse(struct tdm_sip_cseq *c, const struct tdm_str *value,
		   const char **why);

/* Splits the next comma-separated element of a list header value,
 * honouring quoted strings and <...>. 0 with *elem, or -ENOENT at the end,
 * or -EBADMSG. For values inside a parsed message only (it reads into the
 * padding after the message copy). */
int sip_list_next(struct tdm_str *cursor, struct tdm_str *elem);

/* Cache of the lazy accessors, zeroed by the parser up to `from`. Kept
 * small (the parser clears it for every message): the big results (URI,
 * digest fields, token tables) are allocated when first asked for. */
struct tdm_sip_lazy {
	uint32_t done;        /* bits: LAZY_* parsed (ok or failed) */
	uint32_t failed;      /* bits: LAZY_* that were malformed */
	struct tdm_uri *ruri;
	const struct tdm_sip_via *vias;
	struct tdm_sip_contacts contacts;
	const struct tdm_sip_addr_list *route, *rroute, *path;
	struct tdm_sip_auth *auth[4];
	uint32_t expires;
	struct tdm_sip_event event;
	struct tdm_sip_ctype ctype;
	const struct tdm_sip_tokens **tokens; /* TDM_HDR__COUNT slots */
	/* Last, not zeroed: written in full by the parser. */
	struct tdm_sip_addr from, to;
};

#endif
