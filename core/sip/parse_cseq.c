/* SPDX-License-Identifier: GPL-2.0-or-later
 * CSeq (RFC 3261 §20.16): sequence number (32 bits, §8.1.1.5) and method. */
#include <errno.h>
#include <tandem/sip.h>
#include "sip_impl.h"

int sip_cseq_parse(struct tdm_sip_cseq *c, const struct tdm_str *value,
		   const char **why)
{
	const char *p = value->s, *end = value->s + value->len, *d0, *m0;
	struct tdm_str num;

	d0 = p;
	while (p < end && sip_is_digit(*p))
		p++;
	num = (struct tdm_str){ d0, (size_t)(p - d0) };
	if (sip_to_u32(&num, &c->num)) {
		*why = "bad CSeq number";
		return -EBADMSG;
	}
	if (p == end || (!sip_is_ws(*p) && *p != '\r' && *p != '\n')) {
		*why = "bad CSeq";
		return -EBADMSG;
	}
	p = sip_skip_lws(p, end);
	m0 = p;
	while (p < end && sip_is_token(*p))
		p++;
	if (p == m0 || p != end) {
		*why = "bad CSeq method";
		return -EBADMSG;
	}
	c->method_name = (struct tdm_str){ m0, (size_t)(p - m0) };
	c->method = tdm_sip_method_id(&c->method_name);
	return 0;
}
