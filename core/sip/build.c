/* SPDX-License-Identifier: GPL-2.0-or-later
 * Serialiser: a message with one or more layered edit lists applied, in one
 * pass that copies every untouched run of bytes as it was received.
 *
 * Layering rules (lists[0] first, then lists[1] ...):
 * - Request-URI and body: the last list that sets them wins.
 * - A header deleted by any list is gone (delete wins over every set);
 *   otherwise the last list that sets its value wins.
 * - Prepended headers: each prepend goes before everything prepended so
 *   far, so a later list's headers come first (as a later hop's Via does).
 *   Appended headers come out in call order, list after list.
 * - Content-Length is owned by the serialiser: the first Content-Length
 *   header kept (compact "l" too) gets the length of the body sent, later
 *   ones are dropped, and one is added when none is left.
 * - set_ruri on a response is refused (-EINVAL), both when recorded and
 *   here, in case the list was made for another message. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/sip.h>
#include "edit_impl.h"
#include "sip_impl.h"

/* The merged view of all lists for one build. */
struct merged {
	const struct tdm_str *ruri;  /* NULL: unchanged */
	const struct tdm_str *body;
};

static int merge(const struct tdm_sip_msg *m, struct tdm_sip_edits *const *lists,
		 unsigned n, struct merged *mg)
{
	mg->ruri = NULL;
	mg->body = &m->body;
	for (unsigned i = 0; i < n; i++) {
		const struct tdm_sip_edits *e = lists[i];
		if (e->m != m)
			return -EINVAL;
		if (e->set_ruri) {
			if (!m->is_request)
				return -EINVAL;
			mg->ruri = &e->ruri;
		}
		if (e->set_body)
			mg->body = &e->body;
	}
	return 0;
}

/* What happens to header i: HDR_DEL, HDR_SET (*value) or HDR_KEEP. */
static int hdr_fate(struct tdm_sip_edits *const *lists, unsigned n, uint32_t i,
		    const struct tdm_str **value)
{
	int op = HDR_KEEP;

	for (unsigned k = 0; k < n; k++) {
		const struct sip_hdr_edit *h = lists[k]->hdr ? &lists[k]->hdr[i] : NULL;
		if (!h || h->op == HDR_KEEP)
			continue;
		if (h->op == HDR_DEL)
			return HDR_DEL;
		op = HDR_SET;
		*value = &h->value;
	}
	return op;
}

static void put_new(struct tdm_buf *out, const struct sip_new_hdr *h)
{
	tdm_buf_append_str(out, &h->name);
	tdm_buf_append(out, ": ", 2);
	tdm_buf_append_str(out, &h->value);
	tdm_buf_append(out, "\r\n", 2);
}

/* Prepends of the last list first; inside a list they are kept newest
 * first already. */
static void put_prepended(struct tdm_buf *out, struct tdm_sip_edits *const *lists,
			  unsigned n)
{
	for (unsigned k = n; k-- > 0;)
		for (const struct sip_new_hdr *h = lists[k]->prepend; h; h = h->next)
			put_new(out, h);
}

static void put_appended(struct tdm_buf *out, struct tdm_sip_edits *const *lists,
			 unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		for (const struct sip_new_hdr *h = lists[k]->append; h; h = h->next)
			put_new(out, h);
}

/* len in decimal into num (no printf on the per-message path); returns
 * the number of digits. */
static int dec(char num[24], size_t len)
{
	char d[24];
	int n = 0, k = 0;

	do
		d[n++] = (char)('0' + len % 10);
	while ((len /= 10));
	while (n)
		num[k++] = d[--n];
	return k;
}

/* The Content-Length line: copied when it already says the right thing,
 * else rebuilt keeping the name and separator as they were on the wire. */
static void put_clen(struct tdm_buf *out, const struct tdm_sip_hdr *h,
		     size_t len)
{
	char num[24];
	int k = dec(num, len);

	if (h->value.len == (size_t)k && !memcmp(h->value.s, num, (size_t)k)) {
		tdm_buf_append_str(out, &h->line);
		return;
	}
	tdm_buf_append(out, h->line.s, (size_t)(h->value.s - h->line.s));
	tdm_buf_append(out, num, (size_t)k);
	tdm_buf_append(out, "\r\n", 2);
}

/* A header with a new value: its name as received, ": ", the value. */
static void put_set(struct tdm_buf *out, const struct tdm_sip_hdr *h,
		    const struct tdm_str *value)
{
	tdm_buf_append_str(out, &h->name);
	tdm_buf_append(out, ": ", 2);
	tdm_buf_append_str(out, value);
	tdm_buf_append(out, "\r\n", 2);
}

/* Original headers in order, with deletions and replacements. Returns
 * whether a Content-Length line was written. */
static bool put_headers(struct tdm_buf *out, const struct tdm_sip_msg *m,
			struct tdm_sip_edits *const *lists, unsigned n,
			size_t body_len)
{
	bool clen = false;

	for (uint32_t i = 0; i < m->hdr_count; i++) {
		const struct tdm_sip_hdr *h = &m->hdrs[i];
		const struct tdm_str *value = NULL;
		int fate = hdr_fate(lists, n, i, &value);

		if (fate == HDR_DEL)
			continue;
		if (h->id == TDM_HDR_CONTENT_LENGTH) {
			if (!clen)
				put_clen(out, h, body_len);
			clen = true;
		} else if (fate == HDR_SET) {
			put_set(out, h, value);
		} else {
			tdm_buf_append_str(out, &h->line);
		}
	}
	return clen;
}

/* What the lists add to the received bytes, about: new header lines, new
 * values (the old ones are counted with the received bytes), the new
 * Request-URI. An estimate for reserving the output once. */
static size_t new_len(const struct tdm_sip_msg *m, struct tdm_sip_edits *const *lists,
		      unsigned n, const struct merged *mg)
{
	size_t len = mg->ruri ? mg->ruri->len : 0;

	for (unsigned k = 0; k < n; k++) {
		const struct tdm_sip_edits *e = lists[k];
		for (const struct sip_new_hdr *h = e->prepend; h; h = h->next)
			len += h->name.len + h->value.len + 4;
		for (const struct sip_new_hdr *h = e->append; h; h = h->next)
			len += h->name.len + h->value.len + 4;
		if (!e->hdr)
			continue;
		for (uint32_t i = 0; i < m->hdr_count; i++)
			if (e->hdr[i].op == HDR_SET)
				len += e->hdr[i].value.len;
	}
	return len;
}

/* Start line, with the new Request-URI spliced in, and its line ending. */
static void put_start(struct tdm_buf *out, const struct tdm_sip_msg *m,
		      const struct tdm_str *ruri, const char *hdrs)
{
	const char *s = m->start_line.s;

	if (ruri) {
		tdm_buf_append(out, s, (size_t)(m->ruri.s - s));
		tdm_buf_append_str(out, ruri);
		s = m->ruri.s + m->ruri.len;
	}
	tdm_buf_append(out, s, (size_t)(hdrs - s));
}

int tdm_sip_build(const struct tdm_sip_msg *m, struct tdm_sip_edits *const *lists,
		  unsigned n, struct tdm_buf *out)
{
	const char *hdrs, *hdrs_end;
	struct merged mg;
	bool clen;
	int err;

	if ((err = merge(m, lists, n, &mg)))
		return err;
	/* a parsed message has headers (Via, CSeq ... are required); the
	 * blank line is whatever lies between the last one and the body */
	if (TDM_NEVER(m->hdr_count == 0))
		return -EINVAL;
	hdrs = m->hdrs[0].line.s;
	hdrs_end = m->hdrs[m->hdr_count - 1].line.s +
		   m->hdrs[m->hdr_count - 1].line.len;
	/* one allocation for the whole message (instead of doubling from
	 * 256 bytes): the received bytes, the new values, and room for a
	 * replaced Request-URI and a Content-Length line */
	tdm_buf_reserve(out, (size_t)(m->body.s - m->start_line.s) +
				     mg.body->len + new_len(m, lists, n, &mg) + 48);
	put_start(out, m, mg.ruri, hdrs);
	put_prepended(out, lists, n);
	clen = put_headers(out, m, lists, n, mg.body->len);
	put_appended(out, lists, n);
	if (!clen) {
		char line[48] = "Content-Length: ";
		int k = dec(line + 16, mg.body->len);
		memcpy(line + 16 + k, "\r\n", 2);
		tdm_buf_append(out, line, (size_t)k + 18);
	}
	tdm_buf_append(out, hdrs_end, (size_t)(m->body.s - hdrs_end));
	tdm_buf_append_str(out, mg.body);
	return out->err;
}
