/* SPDX-License-Identifier: GPL-2.0-or-later
 * A request's way through the proxy: transaction matching, the checks of
 * RFC 3261 §16.3, received/rport (§18.2.1, RFC 3581), loose routing
 * (§16.4), the script's request route, and acting on its decision. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "proxy/proxy_impl.h"

/* A reply generated here, before or instead of relaying: stateful for
 * INVITE (so the ACK is absorbed and the reply retransmitted) and for a
 * request that carries credentials (its retransmission must get the same
 * answer: run again, it would fail the nonce-count check and turn a 200
 * into a 401), stateless otherwise. Takes req over. */
static void reply_body(struct tdm_proxy *p, struct tdm_sip_msg *req,
		       const struct tdm_rcv *rcv, unsigned code,
		       const struct tdm_str *reason, const struct tdm_str *extra,
		       const struct tdm_str *body)
{
	bool stateful = req->method == TDM_SIP_INVITE ||
			tdm_sip_msg_hdr(req, TDM_HDR_AUTHORIZATION) ||
			tdm_sip_msg_hdr(req, TDM_HDR_PROXY_AUTHORIZATION);
	struct tdm_srv *s;

	if (stateful && !tdm_srv_new(p->txns, req, rcv, &s)) {
		px_srv_reply_body(p, s, code, reason, extra, body);
		p->st.replies_local++;
		return;
	}
	px_reply_stateless_body(p, req, rcv, code, reason, extra, body);
	tdm_sip_msg_free(req);
}

static void reply_local(struct tdm_proxy *p, struct tdm_sip_msg *req,
			const struct tdm_rcv *rcv, unsigned code,
			const struct tdm_str *reason, const struct tdm_str *extra)
{
	reply_body(p, req, rcv, code, reason, extra, NULL);
}

/* The script's reply: reply() or tdm_scr_reply() with its header lines
 * and body. */
static void reply_decision(struct tdm_proxy *p, struct tdm_sip_msg *req,
			   const struct tdm_rcv *rcv,
			   const struct tdm_scr_decision *d)
{
	struct tdm_buf extra = { 0 };

	if (!d->reply_hdrs.len && !d->reply_body.len) {
		reply_local(p, req, rcv, d->code, &d->reason, NULL);
		return;
	}
	px_decision_extra(d, &extra);
	if (extra.err)
		reply_local(p, req, rcv, 500, NULL, NULL);
	else
		reply_body(p, req, rcv, d->code, &d->reason,
			   &(struct tdm_str){ extra.data, extra.len }, &d->reply_body);
	tdm_buf_free(&extra);
}

static bool single_via(const struct tdm_sip_msg *m)
{
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, TDM_HDR_VIA);

	return h && !tdm_sip_msg_hdr_next(m, h) && tdm_str_chr(&h->value, ',') < 0;
}

/* §16.3: returns 0, or the status to answer with (*reason, *extra set). */
static unsigned validate(struct tdm_proxy *p, struct tdm_sip_msg *req,
			 struct tdm_str *reason, struct tdm_buf *extra)
{
	const struct tdm_uri *u;
	const struct tdm_sip_hdr *h;
	int rc;

	*reason = (struct tdm_str){ 0 };
	if (!tdm_str_eq_c(&req->version, "SIP/2.0"))
		return 505;
	rc = tdm_sip_msg_ruri_uri(req, &u);
	if (rc == -EPROTONOSUPPORT)
		return 416;
	if (rc) {
		*reason = TDM_STR("Bad Request-URI");
		return 400;
	}
	if (req->max_forwards == 0 && req->method != TDM_SIP_ACK)
		return 483;
	if ((h = tdm_sip_msg_hdr(req, TDM_HDR_PROXY_REQUIRE))) {
		tdm_buf_append_c(extra, "Unsupported: ");
		tdm_buf_append_str(extra, &h->value);
		tdm_buf_append_c(extra, "\r\n");
		return 420;
	}
	if (req->method != TDM_SIP_ACK && !single_via(req) &&
	    px_is_loop(p, req, px_loop_hash(req, &req->ruri)))
		return 482;
	return 0;
}

/* received= and rport= on the top Via (§18.2.1, RFC 3581), and
 * Max-Forwards decremented or added (§16.6 step 3). */
static int core_edits(struct tdm_proxy *p, struct tdm_sip_msg *req,
		      const struct tdm_rcv *rcv, const char *src_ip,
		      struct tdm_sip_edits *e)
{
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(req, TDM_HDR_VIA);
	const struct tdm_sip_via *v = &req->via1;
	char num[16];
	int rc = 0;

	if (h && (!tdm_str_eq_c(&v->host, src_ip) || v->rport == 0)) {
		struct tdm_buf *b = px_scratch(p); /* set_hdr copies */
		const char *vend = v->value.s + v->value.len;
		struct tdm_str params = v->params, rp = { 0 };
		struct tdm_sip_param prm;
		while (!tdm_sip_param_next(&params, &prm))
			if (tdm_str_caseeq_c(&prm.name, "rport") && !prm.has_value)
				rp = prm.name;
		if (rp.len) { /* fill the empty rport in place */
			tdm_buf_append(b, h->value.s, (size_t)(rp.s + rp.len - h->value.s));
			num[0] = '=';
			tdm_buf_append(b, num, (size_t)(px_put_dec(num + 1,
					tdm_addr_port(&rcv->src)) - num));
			tdm_buf_append(b, rp.s + rp.len, (size_t)(vend - rp.s - rp.len));
		} else {
			tdm_buf_append(b, h->value.s, (size_t)(vend - h->value.s));
		}
		if (!tdm_str_eq_c(&v->host, src_ip)) {
			tdm_buf_append(b, ";received=", 10);
			tdm_buf_append_c(b, src_ip);
		}
		tdm_buf_append(b, vend, (size_t)(h->value.s + h->value.len - vend));
		rc = b->err ? b->err : tdm_sip_edit_set_hdr(e, (uint32_t)(h - req->hdrs),
				&(struct tdm_str){ b->data, b->len });
	}
	if (!rc && req->max_forwards > 0) {
		h = tdm_sip_msg_hdr(req, TDM_HDR_MAX_FORWARDS);
		rc = tdm_sip_edit_set_hdr(e, (uint32_t)(h - req->hdrs),
			&(struct tdm_str){ num, (size_t)(px_put_dec(num,
				(uint32_t)(req->max_forwards - 1)) - num) });
	} else if (!rc && req->max_forwards < 0) {
		rc = tdm_sip_edit_add_hdr(e, &TDM_STR("Max-Forwards"), &TDM_STR("70"),
					  false);
	}
	return rc;
}

int px_run_route(struct px *px, enum tdm_route_type rt, struct tdm_sip_msg *reply,
		 const struct tdm_str *ruri, struct tdm_scr_ctx *x)
{
	tdm_scr_ctx_init(x, rt, px->req, reply, &px->source);
	x->net = px->net;
	x->txn_vars = px->txn_vars;
	x->ruri = ruri ? *ruri : px->ruri;
	return tdm_scr_run(px->prog, rt, x);
}

/* A relayed request: its server transaction, proxy state and branches. */
static void relay(struct tdm_proxy *p, struct tdm_sip_msg *req,
		  const struct tdm_rcv *rcv, struct tdm_scr_ctx *x,
		  struct tdm_sip_edits *ce, unsigned popped,
		  const struct tdm_listen *out_if, const char *ip)
{
	struct tdm_srv *s;
	struct px *px;
	int rc = tdm_srv_new(p->txns, req, rcv, &s);

	if (rc) {
		reply_local(p, req, rcv, 503, &TDM_STR("Server Busy"), NULL);
		return;
	}
	px = tdm_calloc(1, sizeof(*px));
	if (!px) {
		tdm_srv_reply(s, 500, &TDM_STR("Out Of Memory"), NULL);
		return;
	}
	px->p = p;
	px->srv = s;
	px->req = req;
	px->refs = 1; /* the server transaction's */
	px->prog = p->prog;
	tdm_scr_program_ref(px->prog);
	px->source = x->source;
	memcpy(px->source_ip, ip, strnlen(ip, sizeof(px->source_ip) - 1) + 1);
	px->source.ip = tdm_str_c(px->source_ip);
	px->net = x->net;
	memcpy(px->local_ip, x->net.local_ip.s, x->net.local_ip.len);
	px->local_ip[x->net.local_ip.len] = 0;
	px->net.local_ip = tdm_str_c(px->local_ip);
	px->txn_vars = x->txn_vars;
	px->core_edits = ce;
	px->script_edits = x->edits;
	px->target = x->decision.target;
	px->record_route = x->decision.record_route;
	px->invite = req->method == TDM_SIP_INVITE;
	px->popped = popped;
	px->out_if = out_if;
	px->ruri = x->ruri;
	px->loop_hash = px_loop_hash(req, &req->ruri);
	px->branches_tail = &px->branches;
	tdm_srv_set_user(s, px);
	p->st.relayed++;
	if (px->invite)
		tdm_srv_reply(s, 100, NULL, NULL);
	px_relay(px, x);
	px_check_done(px);
}

/* Acts on what the request route decided. Takes req over. The core's
 * own edits (received/rport, Max-Forwards, our Route values) are made
 * only for a request that goes on: a reply or a drop needs none. */
static void act(struct tdm_proxy *p, struct tdm_sip_msg *req,
		const struct tdm_rcv *rcv, struct tdm_scr_ctx *x, const char *ip)
{
	struct tdm_scr_decision *d = &x->decision;
	const struct tdm_listen *out_if;
	struct tdm_sip_edits *ce, *lists[2];
	unsigned popped;
	bool stateless = d->action == TDM_SCR_ACT_FORWARD ||
			 (d->action == TDM_SCR_ACT_RELAY &&
			  (req->method == TDM_SIP_ACK || req->method == TDM_SIP_CANCEL));

	if (d->action == TDM_SCR_ACT_REPLY) {
		reply_decision(p, req, rcv, d);
		return;
	}
	if (d->action != TDM_SCR_ACT_RELAY && d->action != TDM_SCR_ACT_FORWARD) {
		p->st.dropped++;
		tdm_sip_msg_free(req);
		return;
	}
	if (tdm_sip_edits_new(&ce, req) || core_edits(p, req, rcv, ip, ce)) {
		reply_local(p, req, rcv, 500, NULL, NULL);
		return;
	}
	popped = px_loose_route(p, req, ce, &out_if);
	if (stateless) {
		struct tdm_str hop = px_next_hop(req, popped, &d->target, &x->ruri);
		lists[0] = ce;
		lists[1] = x->edits;
		px_forward_stateless(p, req, lists, x->edits ? 2 : 1, &hop);
		tdm_sip_msg_free(req);
	} else {
		relay(p, req, rcv, x, ce, popped, out_if, ip);
	}
}

void tdm_proxy_request(struct tdm_proxy *p, struct tdm_sip_msg *req,
		       const struct tdm_rcv *rcv)
{
	struct tdm_buf extra = { 0 };
	struct tdm_str reason;
	struct tdm_scr_ctx x;
	char ip[TDM_ADDR_STRLEN], lip[TDM_ADDR_STRLEN] = "";
	unsigned code;

	p->st.requests++;
	if (tdm_srv_match(p->txns, req, rcv) == TDM_SRV_ABSORBED) {
		tdm_sip_msg_free(req);
		return;
	}
	if ((code = validate(p, req, &reason, &extra))) {
		reply_local(p, req, rcv, code, reason.len ? &reason : NULL,
			    &(struct tdm_str){ extra.data, extra.len });
		tdm_buf_free(&extra);
		return;
	}
	if (req->method == TDM_SIP_CANCEL && px_cancel_request(p, req, rcv))
		return;
	if (!p->prog) {
		reply_local(p, req, rcv, 500, &TDM_STR("No Routing Script"), NULL);
		return;
	}
	tdm_addr_format_ip(&rcv->src, ip, sizeof(ip));
	if (rcv->listen)
		tdm_addr_format_ip(&rcv->listen->addr, lip, sizeof(lip));
	tdm_scr_ctx_init(&x, TDM_ROUTE_REQUEST, req, NULL,
			 &(struct tdm_scr_source){ tdm_str_c(ip),
				tdm_addr_port(&rcv->src),
				tdm_str_c(tdm_proto_name(rcv->proto)) });
	x.net = (struct tdm_scr_source_net){
		.proto = rcv->proto, .conn_id = rcv->conn_id,
		.local_ip = tdm_str_c(lip),
		.local_port = rcv->listen ? tdm_addr_port(&rcv->listen->addr) : 0,
		.listen_index = rcv->listen ? rcv->listen->index : 0 };
	tdm_scr_run(p->prog, TDM_ROUTE_REQUEST, &x);
	act(p, req, rcv, &x, ip);
}
