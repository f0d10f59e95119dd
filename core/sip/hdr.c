/* SPDX-License-Identifier: GPL-2.0-or-later
 * Header names and ids, generated from sip_hdr.def, and the character
 * classes of RFC 3261 §25.1 used by every parser in core/sip. */
#include <string.h>
#include <tandem/sip.h>
#include "sip_impl.h"

#define T (SIP_C_TOKEN | SIP_C_PVAL)
#define W SIP_C_WORD
#define U SIP_C_UNRESERVED
#define D (SIP_C_DIGIT | SIP_C_HEX | T | W | U)
#define A (SIP_C_ALPHA | T | W | U)
#define X (SIP_C_ALPHA | SIP_C_HEX | T | W | U)

/* token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" /
 *            "'" / "~"); word adds "(" ")" "<" ">" ":" "\" DQUOTE "/" "["
 *            "]" "?" "{" "}"; unreserved = alphanum / mark. */
const uint16_t sip_ctype[256] = {
	[0 ... 8] = SIP_C_CTL, ['\t'] = SIP_C_WS, [10 ... 31] = SIP_C_CTL,
	[127] = SIP_C_CTL,
	[' '] = SIP_C_WS,
	['!'] = T | W | U, ['"'] = W, ['%'] = T | W, ['\''] = T | W | U,
	['('] = W | U, [')'] = W | U, ['*'] = T | W | U, ['+'] = T | W,
	['-'] = T | W | U, ['.'] = T | W | U, ['/'] = W, [':'] = W | SIP_C_PVAL,
	['<'] = W, ['>'] = W, ['?'] = W, ['['] = W | SIP_C_PVAL,
	['\\'] = W, [']'] = W | SIP_C_PVAL,
	['_'] = T | W | U, ['`'] = T | W, ['{'] = W, ['}'] = W,
	['~'] = T | W | U,
	['0' ... '9'] = D,
	['A' ... 'F'] = X, ['G' ... 'Z'] = A,
	['a' ... 'f'] = X, ['g' ... 'z'] = A,
};

#undef T
#undef W
#undef U
#undef D
#undef A
#undef X

struct hdr_info {
	const char *name;
	uint8_t len;
	char compact;
};

static const struct hdr_info hdr_table[TDM_HDR__COUNT] = {
	[TDM_HDR_OTHER] = { NULL, 0, 0 },
#define TDM_HDR(id, name, compact, flags) \
	[TDM_HDR_##id] = { name, sizeof(name) - 1, compact },
#include <tandem/sip_hdr.def>
#undef TDM_HDR
};

/* The lower-cased name as 64-bit words, and per word a mask with 0x20 in
 * the letter positions: OR-ing input bytes with the mask folds exactly the
 * letters, so "CALL-ID" matches while "Call\rID" does not. */
struct hdr_words {
	uint64_t word[4];
	uint64_t fold[4];
};
static struct hdr_words hdr_words[TDM_HDR__COUNT];

/* Compact forms (RFC 3261 §7.3.3 and extensions), by lower-case letter. */
static uint8_t compact_id[26];
/* For the full names: ids bucketed by length, then by lower-case first
 * letter; a bucket holds the few candidates to compare. */
#define HDR_MAXLEN 32
#define HDR_BUCKET 4
static uint8_t by_len_first[HDR_MAXLEN + 1][26][HDR_BUCKET];

/* Builds the lookup tables once, before main() runs (no locking later). */
__attribute__((constructor)) static void hdr_tables_init(void)
{
	for (unsigned id = 1; id < TDM_HDR__COUNT; id++) {
		const struct hdr_info *h = &hdr_table[id];
		unsigned f = (unsigned)(tdm_lower(h->name[0]) - 'a');
		uint8_t *b = by_len_first[h->len][f];

		if (h->compact)
			compact_id[h->compact - 'a'] = (uint8_t)id;
		for (unsigned k = 0; k < h->len; k++) {
			char c = h->name[k];
			unsigned w = k / 8, shift = (k % 8) * 8;
			hdr_words[id].word[w] |= (uint64_t)(unsigned char)tdm_lower(c) << shift;
			if (sip_is(c, SIP_C_ALPHA))
				hdr_words[id].fold[w] |= (uint64_t)0x20 << shift;
		}
		for (unsigned i = 0; i < HDR_BUCKET; i++) {
			if (!b[i]) {
				b[i] = (uint8_t)id;
				break;
			}
			assert(i + 1 < HDR_BUCKET && "hdr bucket full");
		}
	}
}

enum tdm_sip_hdr_id tdm_sip_hdr_id(const struct tdm_str *name)
{
	unsigned f;
	const uint8_t *b;

	if (name->len == 0 || name->len > HDR_MAXLEN)
		return TDM_HDR_OTHER;
	f = (unsigned)(tdm_lower(name->s[0]) - 'a');
	if (f >= 26)
		return TDM_HDR_OTHER;
	if (name->len == 1)
		return (enum tdm_sip_hdr_id)compact_id[f];
	b = by_len_first[name->len][f];
	for (unsigned i = 0; i < HDR_BUCKET && b[i]; i++) {
		const struct hdr_info *h = &hdr_table[b[i]];
		unsigned k = 1;
		while (k < h->len && tdm_lower(name->s[k]) == tdm_lower(h->name[k]))
			k++;
		if (k == h->len)
			return (enum tdm_sip_hdr_id)b[i];
	}
	return TDM_HDR_OTHER;
}

/* Candidate comparison a word at a time. Reads whole 8-byte words from
 * name: the caller guarantees 8 readable bytes past every word start
 * (the parser's message copy is padded). */
static inline bool words_match(const struct hdr_words *hw, const char *name,
			       size_t len)
{
	unsigned i = 0;
	uint64_t w;

	for (; len > 8; len -= 8, name += 8, i++) {
		memcpy(&w, name, 8);
		if ((w | hw->fold[i]) != hw->word[i])
			return false;
	}
	memcpy(&w, name, 8);
	return ((w | hw->fold[i]) & (~(uint64_t)0 >> (64 - 8 * len))) ==
	       hw->word[i];
}

enum tdm_sip_hdr_id sip_hdr_id_padded(const char *name, size_t len)
{
	unsigned f;
	const uint8_t *b;

	if (len == 0 || len > HDR_MAXLEN)
		return TDM_HDR_OTHER;
	f = (unsigned)(tdm_lower(name[0]) - 'a');
	if (f >= 26)
		return TDM_HDR_OTHER;
	if (len == 1)
		return (enum tdm_sip_hdr_id)compact_id[f];
	b = by_len_first[len][f];
	for (unsigned i = 0; i < HDR_BUCKET && b[i]; i++)
		if (words_match(&hdr_words[b[i]], name, len))
			return (enum tdm_sip_hdr_id)b[i];
	return TDM_HDR_OTHER;
}

const char *tdm_sip_hdr_name(enum tdm_sip_hdr_id id)
{
	if ((unsigned)id >= TDM_HDR__COUNT)
		return NULL;
	return hdr_table[id].name;
}
