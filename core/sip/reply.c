/* SPDX-License-Identifier: GPL-2.0-or-later
 * Local responses to a request (RFC 3261 §8.2.6): the headers a response
 * must echo, written with their canonical names and the request's values,
 * so a stateless 4xx or a 100 Trying costs one buffer and no parsing. */
#include <errno.h>
#include <tandem/sip.h>
#include "sip_impl.h"

/* Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII /
 * UTF8-CONT / SP / HTAB) (§25.1): it is enough here that it stays on its
 * line. */
static bool valid_reason(const struct tdm_str *r)
{
	for (size_t i = 0; i < r->len; i++)
		if (r->s[i] == '\r' || r->s[i] == '\n' || r->s[i] == '\0')
			return false;
	return true;
}

static bool valid_token(const struct tdm_str *t)
{
	for (size_t i = 0; i < t->len; i++)
		if (!sip_is_token(t->s[i]))
			return false;
	return true;
}

/* "Name: value" CRLF for every header of this id, in order. */
static void put_all(struct tdm_buf *out, const struct tdm_sip_msg *m,
		    enum tdm_sip_hdr_id id, const char *name)
{
	for (uint16_t i = m->first[id]; i != TDM_SIP_NONE; i = m->hdrs[i].next) {
		tdm_buf_append_c(out, name);
		tdm_buf_append(out, ": ", 2);
		tdm_buf_append_str(out, &m->hdrs[i].value);
		tdm_buf_append(out, "\r\n", 2);
	}
}

/* To: the request's value, plus our tag when it had none (§8.2.6.2: the
 * UAS adds a tag unless the request already has one). Only the first To
 * is used; a second one would have made the request malformed. */
static void put_to(struct tdm_buf *out, const struct tdm_sip_msg *m,
		   const struct tdm_str *to_tag)
{
	uint16_t i = m->first[TDM_HDR_TO];

	if (i == TDM_SIP_NONE)
		return;
	tdm_buf_append(out, "To: ", 4);
	tdm_buf_append_str(out, &m->hdrs[i].value);
	if (!m->to_tag.len && to_tag && to_tag->len) {
		tdm_buf_append(out, ";tag=", 5);
		tdm_buf_append_str(out, to_tag);
	}
	tdm_buf_append(out, "\r\n", 2);
}

static void put_one(struct tdm_buf *out, const struct tdm_sip_msg *m,
		    enum tdm_sip_hdr_id id, const char *name)
{
	uint16_t i = m->first[id];

	if (i == TDM_SIP_NONE)
		return;
	tdm_buf_append_c(out, name);
	tdm_buf_append(out, ": ", 2);
	tdm_buf_append_str(out, &m->hdrs[i].value);
	tdm_buf_append(out, "\r\n", 2);
}

int tdm_sip_reply_build(const struct tdm_sip_msg *req, unsigned code,
			const struct tdm_str *reason,
			const struct tdm_str *to_tag,
			const struct tdm_str *extra,
			const struct tdm_str *body, struct tdm_buf *out)
{
	struct tdm_str r = reason ? *reason : tdm_str_c(tdm_sip_reason_phrase(code));
	size_t body_len = body ? body->len : 0;

	if (!req->is_request || code < 100 || code > 699 || !valid_reason(&r) ||
	    (to_tag && !valid_token(to_tag)))
		return -EINVAL;
	/* extra is whole header lines: it must end with one */
	if (extra && extra->len &&
	    (extra->len < 2 || extra->s[extra->len - 2] != '\r' ||
	     extra->s[extra->len - 1] != '\n'))
		return -EINVAL;
	tdm_buf_printf(out, "SIP/2.0 %u ", code);
	tdm_buf_append_str(out, &r);
	tdm_buf_append(out, "\r\n", 2);
	put_all(out, req, TDM_HDR_VIA, "Via");
	put_one(out, req, TDM_HDR_FROM, "From");
	put_to(out, req, to_tag);
	put_one(out, req, TDM_HDR_CALL_ID, "Call-ID");
	put_one(out, req, TDM_HDR_CSEQ, "CSeq");
	/* §8.2.6.1: a 100 echoes the request's Timestamp */
	if (code == 100)
		put_one(out, req, TDM_HDR_TIMESTAMP, "Timestamp");
	if (extra)
		tdm_buf_append_str(out, extra);
	tdm_buf_printf(out, "Content-Length: %zu\r\n\r\n", body_len);
	if (body)
		tdm_buf_append_str(out, body);
	return out->err;
}
