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
/* Header name lookup tables (hdr.c), inlined into the parser: a hash of
 * the first 8 name bytes and the length picks a slot, one word-wise
 * compare confirms it. */
#define SIP_HDR_MAXLEN 32
#define SIP_HDR_SLOTS 512
struct sip_hdr_words {
	uint64_t word[4]; /* lower-cased name, zero padded */
	uint64_t fold[4]; /* 0x20 in letter positions */
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

/* Keeps the first n (1..8) bytes of a little- or big-endian word. */
static inline uint64_t sip_keep(uint64_t w, size_t n)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return n >= 8 ? w : w & (~(uint64_t)0 >> (64 - 8 * n));
#else
	return n >= 8 ? w : w & (~(uint64_t)0 << (64 - 8 * n));
#endif
}

static inline unsigned sip_hdr_slot(const char *name, size_t len)
{
	uint64_t w = sip_keep(sip_load64(name) | 0x2020202020202020ull,
			      len < 8 ? len : 8);
	return (unsigned)(((w ^ len) * 0x9E3779B97F4A7C15ull) >> 55) &
	       (SIP_HDR_SLOTS - 1);
}

static inline bool sip_hdr_match(const struct sip_hdr_words *hw,
				 const char *name, size_t len)
{
	unsigned i = 0;

	for (; len > 8; len -= 8, name += 8, i++)
		if ((sip_load64(name) | hw->fold[i]) != hw->word[i])
			return false;
	return sip_keep(sip_load64(name) | hw->fold[i], len) == hw->word[i];
}

/* First of the bytes ',' '"' '<' in [p, end), or end: where a list
 * element scan must stop and look. Inside a parsed message's padded copy
 * only: with SSE2 it reads 16-byte blocks that may run up to 15 bytes
 * past end (SIP_MSG_PAD). */
static inline const char *sip_find_lsep(const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'),
		      lt = _mm_set1_epi8('<');

	for (; p < end; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma),
							 _mm_cmpeq_epi8(v, quote)),
					   _mm_cmpeq_epi8(v, lt));
		unsigned mask = (unsigned)_mm_movemask_epi8(hit);
		if (mask)
			return p + __builtin_ctz(mask) < end ? p + __builtin_ctz(mask)
							     : end;
	}
	return end;
#else
	while (p < end && !sip_is(*p, SIP_C_LSEP))
		p++;
	return p;
#endif
}

/* Header id, like tdm_sip_hdr_id(), for a name inside a padded message
 * copy: it reads whole words, up to 7 bytes past the name. */
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

/* tdm_sip_param_next(), inlined into the hot parsers (Via, name-addr). */
static inline int sip_param_next(struct tdm_str *cursor, struct tdm_sip_param *prm)
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

/* Parses one via-parm (one comma-separated element of a Via header).
 * 0 or -EBADMSG with *why set. */
int sip_via_parse(struct tdm_sip_via *v, const struct tdm_str *elem,
		  const char **why);
/* Parses the first via-parm of a Via header value without splitting the
 * list first (the hot path: only the top Via is needed per message). */
int sip_via_parse_first(struct tdm_sip_via *v, const struct tdm_str *value,
			const char **why);
/* Parses "host[:port]" (sent-by, §20.42) at *p, advancing it. */
int sip_hostport_parse(const char **p, const char *end, struct tdm_str *host,
		       bool *ipv6, uint16_t *port);
/* CSeq value: 0 or -EBADMSG. */
int sip_cseq_parse(struct tdm_sip_cseq *c, const struct tdm_str *value,
		   const char **why);

/* Splits the next comma-separated element of a list header value,
 * honouring quoted strings and <...>. 0 with *elem, or -ENOENT at the end,
 * or -EBADMSG. For values inside a parsed message only (it reads into the
 * padding after the message copy). */
int sip_list_next(struct tdm_str *cursor, struct tdm_str *elem);

/* Cache of the lazy accessors, zeroed by the parser. Kept small (the
 * parser clears it for every message): the big results (URI, digest
 * fields, token tables) are allocated when first asked for. */
struct tdm_sip_lazy {
	uint32_t done;        /* bits: LAZY_* parsed (ok or failed) */
	uint32_t failed;      /* bits: LAZY_* that were malformed */
	struct tdm_sip_addr from, to; /* filled by the parser */
	struct tdm_uri *ruri;
	const struct tdm_sip_via *vias;
	struct tdm_sip_contacts contacts;
	const struct tdm_sip_addr_list *route, *rroute, *path;
	struct tdm_sip_auth *auth[4];
	uint32_t expires;
	struct tdm_sip_event event;
	struct tdm_sip_ctype ctype;
	const struct tdm_sip_tokens **tokens; /* TDM_HDR__COUNT slots */
};

#endif
