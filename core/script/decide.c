/* SPDX-License-Identifier: GPL-2.0-or-later
 * Decisions a module function makes through its call frame (the SDK of
 * <tandem/script.h>: "Where the request came from", "Acting on the
 * request"): the request's source, a reply with extra headers and a body,
 * and the destinations of a registrar's lookup. The built-in reply()
 * shares the reply check, so both validate alike. */
#include <errno.h>
#include <string.h>
#include "call.h"
#include "ctx.h"

static int dup_str(struct tdm_arena *a, const struct tdm_str *in,
		   struct tdm_str *out)
{
	char *p;

	*out = (struct tdm_str){ "", 0 };
	if (!in || !in->len)
		return 0;
	if (!(p = tdm_arena_memdup(a, in->s, in->len)))
		return -ENOMEM;
	*out = (struct tdm_str){ p, in->len };
	return 0;
}

/* Complete header lines: "Name: value\r\n"..., no bare CR or LF, no
 * empty line (which would end the header section early), a colon in
 * each line. */
static bool header_lines_ok(const struct tdm_str *h)
{
	size_t start = 0;

	if (!h || !h->len)
		return true;
	for (size_t i = 0; i < h->len; i++) {
		char c = h->s[i];

		if (c == '\0')
			return false;
		if (c == '\n')
			return false; /* an LF not after our CR */
		if (c != '\r')
			continue;
		if (i + 1 >= h->len || h->s[i + 1] != '\n')
			return false;
		if (i == start || !memchr(h->s + start, ':', i - start))
			return false; /* empty line, or no header name */
		start = i + 2;
		i++;
	}
	return start == h->len; /* the last line ended in CRLF */
}

int tdm_scr_ctx_reply(struct tdm_scr_ctx *x, unsigned code,
		      const struct tdm_str *reason, const struct tdm_str *headers,
		      const struct tdm_str *content_type,
		      const struct tdm_str *body)
{
	struct tdm_scr_decision *d = &x->decision;
	struct tdm_str r, h, ct, b;
	int rc;

	if (code < 100 || code > 699 || !header_lines_ok(headers))
		return -EINVAL;
	if (reason && !tdm_str_line_safe(reason))
		return -EINVAL;
	if (body && body->len && (!content_type || !content_type->len ||
				  !tdm_str_line_safe(content_type)))
		return -EINVAL;
	if ((rc = dup_str(x->arena, reason, &r)) ||
	    (rc = dup_str(x->arena, headers, &h)) ||
	    (rc = dup_str(x->arena, body, &b)) ||
	    (rc = dup_str(x->arena, b.len ? content_type : NULL, &ct)))
		return rc;
	d->action = TDM_SCR_ACT_REPLY;
	d->code = (uint16_t)code;
	d->reason = reason ? r : tdm_str_c(tdm_sip_reason_phrase(code));
	d->reply_hdrs = h;
	d->reply_ctype = ct;
	d->reply_body = b;
	return 0;
}

static int target_ok(const struct tdm_scr_target *t)
{
	struct tdm_uri u;

	if (!t->uri.len || tdm_uri_parse(&u, &t->uri, NULL))
		return -EINVAL;
	if (t->dst.len && tdm_uri_parse(&u, &t->dst, NULL))
		return -EINVAL;
	if (t->path.len && !tdm_str_line_safe(&t->path))
		return -EINVAL;
	if (t->q < -1 || t->q > 1000)
		return -EINVAL;
	return 0;
}

static int copy_hop(struct tdm_arena *a, const struct tdm_scr_target *t,
		    struct tdm_scr_hop *h)
{
	int rc;

	if ((rc = dup_str(a, &t->dst, &h->dst)) ||
	    (rc = dup_str(a, &t->path, &h->path)))
		return rc;
	h->conn_id = t->conn_id;
	h->q = t->q;
	return 0;
}

int tdm_scr_ctx_set_targets(struct tdm_scr_ctx *x,
			    const struct tdm_scr_target *t, unsigned n)
{
	struct tdm_scr_decision *d = &x->decision;
	struct tdm_scr_branch *head = NULL, **tail = &head;
	struct tdm_scr_hop hop0;
	int rc;

	if (!n || !t)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		if ((rc = target_ok(&t[i])))
			return rc;
	/* everything copied first: a failure leaves the old decision */
	if ((rc = copy_hop(x->arena, &t[0], &hop0)))
		return rc;
	for (unsigned i = 1; i < n; i++) {
		struct tdm_scr_branch *b = tdm_arena_zalloc(x->arena, sizeof(*b));

		if (!b || dup_str(x->arena, &t[i].uri, &b->uri) ||
		    copy_hop(x->arena, &t[i], &b->hop))
			return -ENOMEM;
		*tail = b;
		tail = &b->next;
	}
	if ((rc = tdm_scr_ctx_set_ruri(x, &t[0].uri)))
		return rc;
	d->ruri_hop = hop0;
	d->branches = head;
	d->branches_tail = head ? tail : &d->branches;
	d->targets_set = true;
	return 0;
}

/* ---- the module-facing calls -------------------------------------------- */

int tdm_scr_peer(const struct tdm_scr_call *c, struct tdm_scr_peer *out)
{
	const struct tdm_scr_source *s;
	const struct tdm_scr_source_net *n;

	if (!c || !out || !c->x)
		return -ENOENT;
	s = &c->x->source;
	n = &c->x->net;
	if (!s->ip.len)
		return -ENOENT;
	*out = (struct tdm_scr_peer){
		.ip = s->ip, .port = s->port, .proto = n->proto,
		.conn_id = n->conn_id, .local_ip = n->local_ip,
		.local_port = n->local_port, .listen_index = n->listen_index,
	};
	if (!out->proto)
		out->proto = tdm_proto_parse(&s->transport);
	return 0;
}

int tdm_scr_reply(struct tdm_scr_call *c, unsigned code,
		  const struct tdm_str *reason, const struct tdm_str *headers,
		  const struct tdm_str *content_type,
		  const struct tdm_str *body)
{
	if (!c || !c->x || !(c->route & (TDM_ROUTE_REQUEST | TDM_ROUTE_FAILURE)))
		return -EINVAL;
	return tdm_scr_ctx_reply(c->x, code, reason, headers, content_type, body);
}

int tdm_scr_set_targets(struct tdm_scr_call *c,
			const struct tdm_scr_target *t, unsigned n)
{
	if (!c || !c->x || !(c->route & (TDM_ROUTE_REQUEST | TDM_ROUTE_FAILURE)))
		return -EINVAL;
	return tdm_scr_ctx_set_targets(c->x, t, n);
}
