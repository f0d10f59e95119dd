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
	['!'] = T | W | U, ['"'] = W | SIP_C_LSEP, [','] = SIP_C_LSEP, ['%'] = T | W, ['\''] = T | W | U,
	['('] = W | U, [')'] = W | U, ['*'] = T | W | U, ['+'] = T | W,
	['-'] = T | W | U, ['.'] = T | W | U, ['/'] = W, [':'] = W | SIP_C_PVAL,
	['<'] = W | SIP_C_LSEP, ['>'] = W, ['?'] = W, ['['] = W | SIP_C_PVAL,
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
	uint8_t flags;
};

static const struct hdr_info hdr_table[TDM_HDR__COUNT] = {
	[TDM_HDR_OTHER] = { NULL, 0, 0, 0 },
#define TDM_HDR(id, name, compact, flags) \
	[TDM_HDR_##id] = { name, sizeof(name) - 1, compact, flags },
#include <tandem/sip_hdr.def>
#undef TDM_HDR
};

/* The lower-cased name, and a mask with 0x20 in the letter positions:
 * OR-ing input bytes with the mask folds exactly the letters, so
 * "CALL-ID" matches while "Call\rID" does not. */
struct sip_hdr_words sip_hdr_words[TDM_HDR__COUNT];
/* Open-addressing table from sip_hdr_slot() to id (0 = empty slot). */
uint8_t sip_hdr_slots[SIP_HDR_SLOTS];
/* Compact forms (RFC 3261 §7.3.3 and extensions), by lower-case letter. */
uint8_t sip_hdr_compact[26];

/* Builds the lookup tables once, before main() runs (no locking later). */
__attribute__((constructor)) static void hdr_tables_init(void)
{
	for (unsigned id = 1; id < TDM_HDR__COUNT; id++) {
		const struct hdr_info *h = &hdr_table[id];
		unsigned slot;

		assert(h->len >= 2 && h->len <= SIP_HDR_MAXLEN);
		if (h->compact)
			sip_hdr_compact[h->compact - 'a'] = (uint8_t)id;
		sip_hdr_words[id].len = h->len;
		for (unsigned k = 0; k < h->len; k++) {
			char c = h->name[k];
			sip_hdr_words[id].word[k] = (uint8_t)tdm_lower(c);
			if (sip_is(c, SIP_C_ALPHA))
				sip_hdr_words[id].fold[k] = 0x20;
		}
		slot = sip_hdr_slot(h->name, h->len);
		while (sip_hdr_slots[slot])
			slot = (slot + 1) & (SIP_HDR_SLOTS - 1);
		sip_hdr_slots[slot] = (uint8_t)id;
	}
}

enum tdm_sip_hdr_id tdm_sip_hdr_id(const struct tdm_str *name)
{
	char pad[SIP_HDR_MAXLEN + 16] = { 0 };

	/* copy so that the block-wise lookup may read past the name */
	if (name->len == 0 || name->len > SIP_HDR_MAXLEN)
		return TDM_HDR_OTHER;
	memcpy(pad, name->s, name->len);
	return sip_hdr_id_padded(pad, name->len);
}

const char *tdm_sip_hdr_name(enum tdm_sip_hdr_id id)
{
	if ((unsigned)id >= TDM_HDR__COUNT)
		return NULL;
	return hdr_table[id].name;
}

unsigned tdm_sip_hdr_flags(enum tdm_sip_hdr_id id)
{
	if ((unsigned)id >= TDM_HDR__COUNT)
		return 0;
	return hdr_table[id].flags;
}
