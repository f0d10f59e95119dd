/* SPDX-License-Identifier: GPL-2.0-or-later
 * Edit lists (RFC 3261 §16.6): changes to a message recorded against its
 * header indexes and applied by tdm_sip_build(), so the received bytes are
 * never written. Everything recorded is copied into the message's arena. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <tandem/sip.h>
#include "edit_impl.h"
#include "sip_impl.h"

int tdm_sip_edits_new(struct tdm_sip_edits **out, struct tdm_sip_msg *m)
{
	struct tdm_sip_edits *e = tdm_arena_zalloc(m->arena, sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->m = m;
	e->append_tail = &e->append;
	*out = e;
	return 0;
}

/* A value may not break out of its line: no CR, LF or NUL. (Folding is
 * not needed to send anything, so it is not allowed in.) The same test
 * as tdm_str_line_safe(), eight bytes at a time: only a word holding a
 * byte below 0x0e is looked at byte by byte (every value the proxy adds
 * goes through here). */
static bool valid_value(const struct tdm_str *v)
{
	const unsigned char *p = (const unsigned char *)v->s;
	size_t i = 0, n = v->len;

	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, p + i, 8);
		if (!((x - 0x0e0e0e0e0e0e0e0eull) & ~x & 0x8080808080808080ull))
			continue;
		for (size_t k = i; k < i + 8; k++)
			if (p[k] == '\r' || p[k] == '\n' || p[k] == '\0')
				return false;
	}
	for (; i < n; i++)
		if (p[i] == '\r' || p[i] == '\n' || p[i] == '\0')
			return false;
	return true;
}

static int copy(struct tdm_sip_edits *e, struct tdm_str *dst,
		const struct tdm_str *src)
{
	char *p = NULL;

	if (src->len && !(p = tdm_arena_memdup(e->m->arena, src->s, src->len)))
		return -ENOMEM;
	*dst = (struct tdm_str){ p, src->len };
	return 0;
}

int tdm_sip_edit_set_ruri(struct tdm_sip_edits *e, const struct tdm_str *uri)
{
	struct tdm_str v;
	int err;

	if (!e->m->is_request || !uri->len || !valid_value(uri) ||
	    tdm_str_chr(uri, ' ') >= 0 || tdm_str_chr(uri, '\t') >= 0)
		return -EINVAL;
	if ((err = copy(e, &v, uri)))
		return err;
	e->ruri = v;
	e->set_ruri = true;
	return 0;
}

/* Content-Length belongs to the serialiser, which keeps it equal to the
 * body; a caller adding one could only make it disagree. */
int tdm_sip_edit_add_hdr(struct tdm_sip_edits *e, const struct tdm_str *name,
			 const struct tdm_str *value, bool prepend)
{
	struct sip_new_hdr *h;
	int err;

	if (!name->len || !valid_value(value) ||
	    tdm_sip_hdr_id(name) == TDM_HDR_CONTENT_LENGTH)
		return -EINVAL;
	for (size_t i = 0; i < name->len; i++)
		if (!sip_is_token(name->s[i]))
			return -EINVAL;
	h = tdm_arena_zalloc(e->m->arena, sizeof(*h));
	if (!h)
		return -ENOMEM;
	if ((err = copy(e, &h->name, name)) || (err = copy(e, &h->value, value)))
		return err;
	if (prepend) {
		h->next = e->prepend;
		e->prepend = h;
	} else {
		*e->append_tail = h;
		e->append_tail = &h->next;
	}
	return 0;
}

/* The per-header table, allocated on the first del/set. */
static struct sip_hdr_edit *hdr_edit(struct tdm_sip_edits *e, uint32_t index)
{
	if (!e->hdr) {
		e->hdr = tdm_arena_zalloc(e->m->arena,
					  e->m->hdr_count * sizeof(*e->hdr));
		if (!e->hdr)
			return NULL;
	}
	return &e->hdr[index];
}

int tdm_sip_edit_del_hdr(struct tdm_sip_edits *e, uint32_t index)
{
	struct sip_hdr_edit *h;

	if (index >= e->m->hdr_count)
		return -EINVAL;
	if (!(h = hdr_edit(e, index)))
		return -ENOMEM;
	h->op = HDR_DEL;
	return 0;
}

int tdm_sip_edit_set_hdr(struct tdm_sip_edits *e, uint32_t index,
			 const struct tdm_str *value)
{
	struct sip_hdr_edit *h;
	struct tdm_str v;
	int err;

	if (index >= e->m->hdr_count || !valid_value(value))
		return -EINVAL;
	if (!(h = hdr_edit(e, index)))
		return -ENOMEM;
	if (h->op == HDR_DEL) /* delete wins */
		return 0;
	if ((err = copy(e, &v, value)))
		return err;
	h->op = HDR_SET;
	h->value = v;
	return 0;
}

int tdm_sip_edit_set_body(struct tdm_sip_edits *e, const struct tdm_str *body)
{
	struct tdm_str v;
	int err;

	if ((err = copy(e, &v, body)))
		return err;
	e->body = v;
	e->set_body = true;
	return 0;
}
