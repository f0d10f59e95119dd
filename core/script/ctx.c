/* SPDX-License-Identifier: GPL-2.0-or-later
 * The route-run context: set-up, and the Request-URI as the script sees
 * it (its writes are recorded in the request's edit list). */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "ctx.h"

void tdm_scr_ctx_init(struct tdm_scr_ctx *x, enum tdm_route_type route,
		      struct tdm_sip_msg *request, struct tdm_sip_msg *reply,
		      const struct tdm_scr_source *source)
{
	memset(x, 0, offsetof(struct tdm_scr_ctx, ruri_uri));
	x->route = route;
	x->request = request;
	x->reply = reply;
	if (source)
		x->source = *source;
	x->arena = request->arena;
	x->ruri = request->ruri;
	x->decision.branches_tail = &x->decision.branches;
	x->decision.logs_tail = &x->decision.logs;
}

int tdm_scr_ctx_ruri(struct tdm_scr_ctx *x, const struct tdm_uri **out)
{
	if (!x->ruri_parsed) {
		x->ruri_err = tdm_uri_parse(&x->ruri_uri, &x->ruri, NULL);
		x->ruri_parsed = true;
	}
	if (!x->ruri_err)
		*out = &x->ruri_uri;
	return x->ruri_err;
}

/* Moves a slice of the old URI text that was copied unchanged into the
 * new text (delta bytes further). */
static void rebase(struct tdm_str *s, const struct tdm_str *old_part,
		   ptrdiff_t delta)
{
	if (s->len && s->s >= old_part->s && s->s <= old_part->s + old_part->len)
		s->s += delta;
}

int tdm_scr_ctx_set_ruri_parts(struct tdm_scr_ctx *x, const struct tdm_str *uri,
			       const struct tdm_uri *old, size_t user_off,
			       size_t user_len, size_t host_off, size_t host_len,
			       size_t tail_off)
{
	struct tdm_uri u = *old;
	int rc = tdm_scr_ctx_set_ruri(x, uri);
	ptrdiff_t delta;

	if (rc)
		return rc;
	/* the new text is ours: point the parsed fields into it instead of
	 * parsing it again */
	u.whole = x->ruri;
	u.user = (struct tdm_str){ x->ruri.s + user_off, user_len };
	u.host = (struct tdm_str){ x->ruri.s + host_off, host_len };
	delta = (x->ruri.s + tail_off + 1) - old->params.s; /* after ';' */
	rebase(&u.transport, &old->params, delta);
	rebase(&u.user_param, &old->params, delta);
	rebase(&u.method, &old->params, delta);
	rebase(&u.maddr, &old->params, delta);
	rebase(&u.ttl, &old->params, delta);
	rebase(&u.gr, &old->params, delta);
	if (old->params.len)
		u.params.s = x->ruri.s + tail_off + 1;
	if (old->headers.len)
		u.headers.s = x->ruri.s + tail_off +
			      (old->params.len ? 1 + old->params.len : 0) + 1;
	x->ruri_uri = u;
	x->ruri_parsed = true;
	x->ruri_err = 0;
	return 0;
}

int tdm_scr_ctx_set_ruri(struct tdm_scr_ctx *x, const struct tdm_str *uri)
{
	char *copy = tdm_arena_memdup(x->arena, uri->s, uri->len);
	int rc;

	if (!copy && uri->len)
		return -ENOMEM;
	if (!x->edits && (rc = tdm_sip_edits_new(&x->edits, x->request)))
		return rc;
	x->ruri = (struct tdm_str){ copy, uri->len };
	rc = tdm_sip_edit_set_ruri(x->edits, &x->ruri);
	if (rc)
		return rc;
	x->ruri_changed = true;
	x->ruri_parsed = false;
	return 0;
}
