/* SPDX-License-Identifier: GPL-2.0-or-later
 * Responses on relayed requests (RFC 3261 §16.7): provisional and 2xx
 * responses go upstream at once, final errors are kept until every
 * branch has answered; then the failure route may start new branches
 * (serial forking), or the best response goes upstream, with the
 * challenges of every 401/407 merged. 6xx and 2xx cancel what is still
 * pending. */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include "proxy/proxy_impl.h"

int px_forward_response(struct px *px, struct tdm_sip_msg *resp,
			struct tdm_sip_edits *extra)
{
	struct tdm_sip_edits *e, *lists[2];
	const struct tdm_sip_via *v;
	struct tdm_buf *b;
	unsigned n = 0;
	int rc;

	if (!px->srv)
		return -ENOTCONN;
	if (tdm_sip_msg_vias(resp, &v) || !v->next) {
		/* a UAS that answered with our Via alone (one that copied the
		 * Vias of our CANCEL into its 487, say): nothing upstream
		 * could route it, so the transaction answers with the same
		 * status itself */
		if (resp->status < 200)
			return -EBADMSG;
		return tdm_srv_reply(px->srv, resp->status, &resp->reason, NULL);
	}
	if ((rc = tdm_sip_edits_new(&e, resp)) ||
	    (rc = px_edit_pop_first(e, resp, TDM_HDR_VIA)))
		return rc ? rc : -EBADMSG;
	lists[n++] = e;
	if (extra)
		lists[n++] = extra;
	b = px_scratch(px->p); /* the transaction copies what it keeps */
	rc = tdm_sip_build(resp, lists, n, b);
	if (!rc)
		rc = tdm_srv_send_reply(px->srv, resp->status, b->data, b->len);
	return rc;
}

/* A response the proxy makes up for a branch (timeout, transport error,
 * unresolvable target), as a message like any other for the failure
 * route to read. */
static struct tdm_sip_msg *synthetic(struct px *px, unsigned code)
{
	struct tdm_buf b = { 0 };
	struct tdm_sip_msg *m = NULL;
	const char *why = code == 478 ? "Unresolvable Destination" : NULL;

	if (!px->req)
		return NULL;
	if (!tdm_sip_reply_build(px->req, code, why ? TDM_STRP(why) : NULL,
				 &TDM_STR("px"), NULL, NULL, &b) &&
	    tdm_sip_msg_parse(&m, NULL, b.data, b.len, NULL, NULL))
		m = NULL;
	tdm_buf_free(&b);
	return m;
}

void px_branch_final(struct px_branch *b, unsigned code, struct tdm_sip_msg *resp)
{
	if (b->done) {
		tdm_sip_msg_free(resp);
		return;
	}
	b->done = true;
	b->status = code;
	tdm_timer_stop(&b->timer_c);
	b->synthetic = resp == NULL;
	b->final = resp ? resp : synthetic(b->px, code);
	if (code >= 600 && b->px->invite)
		px_cancel_all(b->px);
}

/* §16.7 step 6: 6xx first; else the lowest class, preferring in 4xx the
 * responses that help a retry (401, 407, 415, 420, 484), and real
 * responses over the ones made up here. */
static unsigned rank(const struct px_branch *b)
{
	unsigned c = b->status, cls = c / 100, sub = 1;

	if (cls == 6)
		return 0;
	if (c == 401 || c == 407 || c == 415 || c == 420 || c == 484)
		sub = 0;
	if (b->synthetic)
		sub = 2;
	return cls * 4 + sub;
}

static struct px_branch *best_branch(struct px *px)
{
	struct px_branch *best = NULL;

	for (struct px_branch *b = px->branches; b; b = b->next)
		if (b->status >= 300 && (!best || rank(b) < rank(best)))
			best = b;
	return best;
}

/* Challenges of the other 401/407 responses, added to the best one
 * (§16.7 step 7). */
static struct tdm_sip_edits *merge_challenges(struct px *px, struct px_branch *best)
{
	struct tdm_sip_edits *e = NULL;
	static const enum tdm_sip_hdr_id ids[] = { TDM_HDR_WWW_AUTHENTICATE,
						   TDM_HDR_PROXY_AUTHENTICATE };

	if (best->status != 401 && best->status != 407)
		return NULL;
	for (struct px_branch *b = px->branches; b; b = b->next) {
		if (b == best || !b->final || (b->status != 401 && b->status != 407))
			continue;
		for (unsigned i = 0; i < 2; i++) {
			const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(b->final, ids[i]);
			for (; h; h = tdm_sip_msg_hdr_next(b->final, h)) {
				if (!e && tdm_sip_edits_new(&e, best->final))
					return NULL;
				tdm_sip_edit_add_hdr(e, TDM_STRP(tdm_sip_hdr_name(ids[i])),
						     &h->value, false);
			}
		}
	}
	return e;
}

/* The kept responses are not needed once the answer went upstream. */
static void drop_finals(struct px *px)
{
	for (struct px_branch *b = px->branches; b; b = b->next) {
		tdm_sip_msg_free(b->final);
		b->final = NULL;
		px_branch_targets_free(b);
	}
}

/* Sends the final answer upstream. */
static void send_best(struct px *px, struct px_branch *best)
{
	px->final_sent = true;
	if (!best || (px->cancelled && best->synthetic)) {
		tdm_srv_reply(px->srv, px->cancelled ? 487 : 480, NULL, NULL);
		return;
	}
	if (best->status == 503) { /* §16.7 step 6 */
		tdm_srv_reply(px->srv, 500, NULL, NULL);
		return;
	}
	if (best->synthetic || !best->final) {
		tdm_srv_reply(px->srv, best->status,
			      best->status == 478 ? &TDM_STR("Unresolvable Destination")
						  : NULL, NULL);
		return;
	}
	px_forward_response(px, best->final, merge_challenges(px, best));
}

/* The failure route, when there is one and it may run: true when it
 * answered or started new branches. */
static bool failure_route(struct px *px, struct px_branch *best)
{
	struct tdm_scr_ctx x;
	struct tdm_scr_decision *d = &x.decision;

	if (!px->prog->top[2] || px->cancelled || !best || !best->final ||
	    px->failure_runs >= 16 || best->status >= 600)
		return false;
	px->failure_runs++;
	px->in_failure = true;
	px_run_route(px, TDM_ROUTE_FAILURE, best->final, NULL, &x);
	px->in_failure = false;
	if (d->action == TDM_SCR_ACT_REPLY) {
		struct tdm_buf extra = { 0 };

		px->final_sent = true;
		px_decision_extra(d, &extra);
		px_srv_reply_body(px->p, px->srv, d->code, &d->reason,
				  extra.len ? &(struct tdm_str){ extra.data, extra.len }
					    : NULL, &d->reply_body);
		tdm_buf_free(&extra);
		return true;
	}
	if (d->action != TDM_SCR_ACT_RELAY)
		return false;
	px->failure_edits = x.edits;
	if (d->target.len)
		px->target = d->target;
	px->record_route = px->record_route || d->record_route;
	return px_relay(px, &x) > 0 || px_pending(px);
}

void px_check_done(struct px *px)
{
	while (!px->final_sent && !px->in_failure && px->srv && !px_pending(px)) {
		struct px_branch *best = best_branch(px);
		if (failure_route(px, best))
			continue;
		send_best(px, best);
		drop_finals(px);
	}
}

/* The reply route over a response; false when it dropped a provisional. */
static bool reply_route(struct px *px, struct tdm_sip_msg *resp,
			struct tdm_sip_edits **edits)
{
	struct tdm_scr_ctx x;

	*edits = NULL;
	if (!px->prog->top[1] || !px->req)
		return true;
	px_run_route(px, TDM_ROUTE_REPLY, resp, NULL, &x);
	*edits = x.reply_edits;
	return !(x.decision.action == TDM_SCR_ACT_DROP && resp->status < 200);
}

static void provisional(struct px_branch *b, struct tdm_sip_msg *resp)
{
	struct px *px = b->px;
	struct tdm_sip_edits *e;

	if (b->done)
		return;
	if (!b->provisional && b->cancel_wanted) {
		b->provisional = true;
		px_cancel_branch(b);
	}
	b->provisional = true;
	if (resp->status > 100 && px->invite) { /* Timer C restarts */
		tdm_timer_stop(&b->timer_c);
		tdm_timer_start(tdm_loop_wheel(px->p->loop), &b->timer_c,
				px->p->cfg.timer_c_ms);
	}
	if (b->status < resp->status)
		b->status = resp->status;
	if (reply_route(px, resp, &e) && resp->status > 100 && !px->final_sent)
		px_forward_response(px, resp, e);
}

static void success(struct px_branch *b, struct tdm_sip_msg *resp)
{
	struct px *px = b->px;
	struct tdm_sip_edits *e;

	b->done = true;
	b->status = resp->status;
	tdm_timer_stop(&b->timer_c);
	reply_route(px, resp, &e);
	if (!px->final_sent || px->invite) /* every 2xx of an INVITE */
		px_forward_response(px, resp, e);
	px->final_sent = true;
	if (px->invite)
		px_cancel_all(px);
}

static void failure(struct px_branch *b, struct tdm_sip_msg *resp)
{
	struct px *px = b->px;
	struct tdm_sip_edits *e;

	if (resp->status == 503 && b->next_target < b->ntargets &&
	    !px->final_sent && !px->cancelled) {
		px_branch_failover(b, -EAGAIN); /* RFC 3263 §4.3 */
		return;
	}
	reply_route(px, resp, &e);
	px->p->resp_taken = true;
	px_branch_final(b, resp->status, resp);
	px_check_done(px);
}

void px_cli_response(void *u, struct tdm_cli *c, struct tdm_sip_msg *resp)
{
	struct px_branch *b = tdm_cli_user(c);

	(void)u;
	if (c != b->cli)
		return; /* our CANCEL's answer, or a superseded attempt */
	if (resp->status < 200)
		provisional(b, resp);
	else if (resp->status < 300)
		success(b, resp);
	else if (!b->done)
		failure(b, resp);
}

void px_cli_failed(void *u, struct tdm_cli *c, int err)
{
	struct px_branch *b = tdm_cli_user(c);

	(void)u;
	if (c != b->cli || b->done)
		return;
	px_branch_failover(b, err);
	px_check_done(b->px);
}

void px_cli_gone(void *u, struct tdm_cli *c)
{
	struct px_branch *b = tdm_cli_user(c);

	(void)u;
	if (c == b->cli)
		b->cli = NULL;
	if (c == b->cancel_cli)
		b->cancel_cli = NULL;
	px_unref(b->px);
}
