/* SPDX-License-Identifier: GPL-2.0-or-later
 * Default reason phrases of status codes, generated from reason.def so the
 * list is written once. An unknown code gets the phrase of the code its
 * class is understood as (RFC 3261 §8.1.3.2: an unrecognised final response
 * is treated as x00, an unrecognised provisional one as 183). */
#include <tandem/sip.h>

/* The compiler turns the switch into a jump table or a binary search. */
static const char *known_phrase(unsigned code)
{
	switch (code) {
#define TDM_REASON(c, phrase) \
	case c:               \
		return phrase;
#include "reason.def"
#undef TDM_REASON
	default:
		return NULL;
	}
}

const char *tdm_sip_reason_phrase(unsigned code)
{
	static const char *const class_phrase[] = {
		NULL, "Session Progress", "OK", "Multiple Choices", "Bad Request",
		"Server Internal Error", "Busy Everywhere",
	};
	const char *p;

	if (code < 100 || code > 699)
		return "Unknown";
	p = known_phrase(code);
	return p ? p : class_phrase[code / 100];
}
