/* SPDX-License-Identifier: GPL-2.0-or-later
 * The route-run context: set-up, and the Request-URI as the script sees
 * it (its writes are recorded in the request's edit list). */
#include <errno.h>
#include <string.h>
#include "ctx.h"

void tdm_scr_ctx_init(struct tdm_scr_ctx *x, enum tdm_route_type route,
		      struct tdm_sip_msg *request, struct tdm_sip_msg *reply,
		      const struct tdm_scr_source *source)
{
	memset(x, 0, sizeof(*x));
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
