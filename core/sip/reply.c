/* SPDX-License-Identifier: GPL-2.0-or-later
 * Local responses to a request (RFC 3261 §8.2.6): the headers a response
 * must echo, written with their canonical names and the request's values,
 * so a stateless 4xx or a 100 Trying costs one buffer and no parsing. */
#include <errno.h>
#include <string.h>
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

/* Writes v in decimal at p; returns the end. (No printf on the per-message
 * path: a call costs more than the rest of a short reply.) */
static char *put_dec(char *p, size_t v)
{
	char d[24];
	int n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = d[--n];
	return p;
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
	size_t body_len = body ? body->len : 0, hdrs_len = 0;
	char line[48], *p;

	if (!req->is_request || code < 100 || code > 699 || !valid_reason(&r) ||
	    (to_tag && !valid_token(to_tag)))
		return -EINVAL;
	/* extra is whole header lines: it must end with one */
	if (extra && extra->len &&
	    (extra->len < 2 || extra->s[extra->len - 2] != '\r' ||
	     extra->s[extra->len - 1] != '\n'))
		return -EINVAL;
	/* one allocation for the whole reply: the echoed headers are at
	 * most the request's header block (compact names grow by 3 bytes;
	 * a short estimate only costs a later growth) */
	if (req->hdr_count)
		hdrs_len = (size_t)(req->hdrs[req->hdr_count - 1].line.s -
				    req->hdrs[0].line.s) +
			   req->hdrs[req->hdr_count - 1].line.len;
	tdm_buf_reserve(out, hdrs_len + r.len + (extra ? extra->len : 0) +
				     body_len + 96);
	memcpy(line, "SIP/2.0 ", 8);
	p = put_dec(line + 8, code);
	*p++ = ' ';
	tdm_buf_append(out, line, (size_t)(p - line));
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
	memcpy(line, "Content-Length: ", 16);
	p = put_dec(line + 16, body_len);
	memcpy(p, "\r\n\r\n", 4);
	tdm_buf_append(out, line, (size_t)(p + 4 - line));
	if (body)
		tdm_buf_append_str(out, body);
	return out->err;
}
