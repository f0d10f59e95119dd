/* SPDX-License-Identifier: GPL-2.0-or-later
 * Relaying a request (RFC 3261 §16.6): one branch per target the script
 * gave (the Request-URI and every append_branch), each with the branch
 * route run over it, its next hop resolved by RFC 3263, our Via and
 * Record-Route added, sent in a client transaction, and moved on to the
 * next DNS target on a transport error, a timeout or a 503 (RFC 3263
 * §4.3). */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include "net/conn_table.h"
#include "proxy/proxy_impl.h"

static bool uri_forces_transport(const struct tdm_str *hop)
{
	struct tdm_uri u;

	return !tdm_uri_parse(&u, hop, NULL) && (u.transport.len ||
						 u.scheme == TDM_URI_SIPS);
}

/* Record-Route (§16.6 step 4): ours for the interface the request leaves
 * from, and a second one for the interface it came in on when they differ
 * in transport or address (double Record-Route). */
static int add_record_route(struct px *px, struct tdm_sip_edits *e,
			    const struct tdm_listen *out)
{
	const struct tdm_listen *in = px->srv ? tdm_srv_rcv(px->srv)->listen : NULL;
	char v[PX_RR_MAX];
	struct tdm_str rr = { v, 0 };
	int rc = 0;

	if (in && in != out && (in->proto != out->proto ||
				!tdm_addr_eq(&in->addr, &out->addr))) {
		rr.len = px_rr_value(in, v);
		rc = tdm_sip_edit_add_hdr(e, &TDM_STR("Record-Route"), &rr, true);
	}
	if (!rc) {
		rr.len = px_rr_value(out, v);
		rc = tdm_sip_edit_add_hdr(e, &TDM_STR("Record-Route"), &rr, true);
	}
	return rc;
}

/* §16.6 step 7: when the next hop is a strict router (its Route value
 * has no ;lr), it becomes the Request-URI, leaves the Route set, and the
 * Request-URI goes to the end of the Route set. */
static int strict_next_hop(struct px *px, struct px_branch *b,
			   struct tdm_sip_edits *be)
{
	const struct tdm_sip_addr_list *r = NULL;
	unsigned skip = px->popped;
	struct tdm_buf v = { 0 };
	struct tdm_uri u;
	int rc;

	if (px->target.len || b->hop.path.len || b->hop.dst.len ||
	    tdm_sip_msg_routes(px->req, TDM_HDR_ROUTE, &r))
		return 0;
	while (r && skip--)
		r = r->next;
	if (!r || tdm_uri_parse(&u, &r->addr.uri, NULL) || u.lr)
		return 0;
	tdm_buf_append_c(&v, "<");
	tdm_buf_append_str(&v, &b->uri);
	tdm_buf_append_c(&v, ">");
	rc = v.err;
	if (!rc)
		rc = tdm_sip_edit_set_ruri(be, &r->addr.uri);
	if (!rc)
		rc = px_drop_routes(be, px->req, px->popped + 1);
	if (!rc)
		rc = tdm_sip_edit_add_hdr(be, &TDM_STR("Route"),
					  &(struct tdm_str){ v.data, v.len }, false);
	tdm_buf_free(&v);
	return rc;
}

/* Serialises the branch's request for destination d with a new branch
 * id into out. */
static int build(struct px_branch *b, const struct tdm_dest *d, char *branch,
		 struct tdm_buf *out)
{
	struct px *px = b->px;
	struct tdm_sip_edits *be, *lists[5];
	char via[PX_VIA_MAX];
	unsigned n = 0;
	int rc;

	if ((rc = tdm_sip_edits_new(&be, px->req)))
		return rc;
	if (!tdm_str_eq(&b->uri, &px->req->ruri))
		rc = tdm_sip_edit_set_ruri(be, &b->uri);
	if (!rc)
		rc = strict_next_hop(px, b, be);
	/* RFC 3327: the registration's Path becomes the top of the Route
	 * set, so the request goes through those proxies (loose routing) */
	if (!rc && b->hop.path.len)
		rc = tdm_sip_edit_add_hdr(be, &TDM_STR("Route"), &b->hop.path, true);
	if (!rc && px->record_route)
		rc = add_record_route(px, be, d->listen);
	tdm_txn_branch(px->p->txns, px->loop_hash, branch);
	if (!rc)
		rc = tdm_sip_edit_add_hdr(be, &TDM_STR("Via"), &(struct tdm_str){
				via, px_via_value(d->listen, d->proto, branch, via) },
					  true);
	if (rc)
		return rc;
	lists[n++] = px->core_edits;
	if (px->script_edits)
		lists[n++] = px->script_edits;
	if (px->failure_edits)
		lists[n++] = px->failure_edits;
	if (b->route_edits)
		lists[n++] = b->route_edits;
	lists[n++] = be;
	return tdm_sip_build(px->req, lists, n, out);
}

/* Tries the targets from next_target on until one accepts the request.
 * Returns true when a client transaction is running. */
static bool branch_send(struct px_branch *b)
{
	struct px *px = b->px;
	struct tdm_proxy *p = px->p;

	while (b->next_target < b->ntargets) {
		const struct tdm_dns_target *t = &b->targets[b->next_target++];
		char branch[TDM_TXN_BRANCH_MAX];
		struct tdm_buf *msg = px_scratch(p); /* tdm_cli_new copies it */
		struct tdm_dest d;
		struct tdm_cli *c;
		int rc;

		if (px_dest_from_target(p, t, &d))
			continue;
		if (b->hop.conn_id) { /* a flow (RFC 5626): its connection */
			d.conn_id = b->hop.conn_id;
			d.no_connect = !b->hop.dst.len;
		}
		if (px->out_if && px->out_if->proto == d.proto)
			d.listen = px->out_if;
		rc = build(b, &d, branch, msg);
		/* §18.1.1: too big for UDP goes over TCP when allowed */
		if (!rc && d.proto == TDM_PROTO_UDP && msg->len > p->cfg.udp_mtu &&
		    !uri_forces_transport(&b->next_hop) &&
		    px_listen_for(p, TDM_PROTO_TCP, tdm_addr_family(&d.addr))) {
			d.proto = TDM_PROTO_TCP;
			d.listen = px_listen_for(p, TDM_PROTO_TCP,
						 tdm_addr_family(&d.addr));
			/* a stream names the host for TLS and WebSocket */
			d.sni = tdm_str_c(t->host);
			tdm_buf_reset(msg);
			rc = build(b, &d, branch, msg);
		}
		if (!rc)
			rc = tdm_cli_new(p->txns, px->req->method,
					 TDM_STRP(branch), &d, msg->data, msg->len,
					 b, &c);
		if (rc)
			continue;
		b->cli = c;
		px_ref(px);
		if (px->invite) {
			tdm_timer_stop(&b->timer_c);
			tdm_timer_start(tdm_loop_wheel(p->loop), &b->timer_c,
					p->cfg.timer_c_ms);
		}
		return true;
	}
	return false;
}

void px_branch_failover(struct px_branch *b, int err)
{
	struct px *px = b->px;

	b->cli = NULL;
	if (!px->final_sent && !px->cancelled && px->srv && branch_send(b))
		return;
	/* a flow that broke under the request: RFC 5626 §5.3 */
	if (b->hop.conn_id && !b->hop.dst.len && err != -ETIMEDOUT)
		px_branch_final(b, 430, NULL);
	else
		px_branch_final(b, err == -ETIMEDOUT ? 408 : 503, NULL);
}

static void branch_resolved(void *arg, const struct tdm_dns_result *res)
{
	struct px_branch *b = arg;
	struct px *px = b->px;

	b->dns_pending = false;
	if (res->err || !res->n || !px->srv || px->cancelled) {
		struct tdm_log_rec r;
		if (px->srv && !px->cancelled &&
		    tdm_log_begin(&r, &tdm_log_proxy, TDM_LOG_INFO,
				  "next hop unresolvable")) {
			tdm_log_str(&r, "uri", &b->next_hop);
			tdm_log_cstr(&r, "error", tdm_strerror(res->err ? res->err
							       : -ENOENT));
			if (px->req)
				tdm_log_str(&r, "call_id", &px->req->call_id);
			tdm_log_end(&r);
		}
		px_branch_final(b, 478, NULL);
	} else if (!(b->targets = res->n == 1 ? &b->target1
				   : tdm_malloc(res->n * sizeof(*b->targets)))) {
		px_branch_final(b, 500, NULL);
	} else {
		memcpy(b->targets, res->t, res->n * sizeof(*b->targets));
		b->ntargets = res->n;
		b->next_target = 0;
		if (!branch_send(b))
			px_branch_final(b, 503, NULL);
	}
	px_check_done(px);
	px_unref(px); /* the resolver's */
}

/* Runs the branch route over a new branch: it may rewrite the branch's
 * Request-URI and headers, or drop the branch. */
static bool branch_route(struct px_branch *b)
{
	struct px *px = b->px;
	struct tdm_scr_ctx x;

	if (!px->prog->top[3])
		return true;
	px_run_route(px, TDM_ROUTE_BRANCH, NULL, &b->uri, &x);
	if (x.decision.action == TDM_SCR_ACT_DROP)
		return false;
	b->route_edits = x.edits;
	if (x.ruri_changed)
		b->uri = x.ruri;
	return true;
}

static struct px_branch *branch_new(struct px *px, const struct tdm_str *uri,
				    const struct tdm_scr_hop *hop)
{
	struct px_branch *b = px->nbranches ? tdm_calloc(1, sizeof(*b)) : &px->first;

	if (!b)
		return NULL;
	b->px = px;
	b->idx = px->nbranches++;
	b->uri = *uri;
	if (hop)
		b->hop = *hop;
	tdm_timer_init(&b->timer_c, px_timer_c, b);
	*px->branches_tail = b;
	px->branches_tail = &b->next;
	return b;
}

struct tdm_str px_first_uri(const struct tdm_str *list)
{
	struct tdm_str v = tdm_str_trim(*list);
	long lt = tdm_str_chr(&v, '<'), gt;

	if (lt >= 0) {
		v = tdm_str_sub(&v, (size_t)lt + 1, v.len - (size_t)lt - 1);
		gt = tdm_str_chr(&v, '>');
		return gt < 0 ? (struct tdm_str){ 0 } : tdm_str_sub(&v, 0, (size_t)gt);
	}
	for (size_t i = 0; i < v.len; i++)
		if (v.s[i] == ',' || v.s[i] == ';' || v.s[i] == ' ')
			return tdm_str_sub(&v, 0, i); /* addr-spec: no params */
	return v;
}

/* A branch bound to a stream connection (RFC 5626 flow): the one target
 * is that connection's peer; nothing to resolve. 1 (sent), 0 (failed:
 * the branch is done), -ENOENT (the connection is gone). */
static int flow_start(struct px_branch *b)
{
	enum tdm_proto proto;

	if (tdm_conn_table_peer(b->hop.conn_id, &proto, &b->target1.addr))
		return -ENOENT;
	b->target1.proto = proto;
	b->target1.host[0] = '\0';
	b->targets = &b->target1;
	b->ntargets = 1;
	b->next_target = 0;
	if (!branch_send(b))
		px_branch_final(b, b->hop.dst.len ? 503 : 430, NULL);
	return b->done ? 0 : 1;
}

/* Starts one branch; false when it could not even begin (it is then
 * done with a synthetic final response). */
static bool branch_start(struct px *px, const struct tdm_str *uri,
			 const struct tdm_scr_hop *hop)
{
	struct px_branch *b = branch_new(px, uri, hop);
	struct tdm_uri u;
	int rc;

	if (!b)
		return false;
	if (!branch_route(b)) {
		b->done = true;
		b->status = 0;
		return false;
	}
	if (b->hop.conn_id && (rc = flow_start(b)) >= 0)
		return rc > 0;
	if (b->hop.conn_id && !b->hop.dst.len) {
		/* the flow is gone and nothing else reaches the client */
		px_branch_final(b, 430, NULL);
		return false;
	}
	if (b->hop.dst.len)
		b->next_hop = b->hop.dst;
	else if (b->hop.path.len && !px->target.len)
		b->next_hop = px_first_uri(&b->hop.path);
	else
		b->next_hop = px_next_hop(px->req, px->popped, &px->target, &b->uri);
	if (tdm_uri_parse(&u, &b->next_hop, NULL)) {
		px_branch_final(b, 400, NULL);
		return false;
	}
	b->dns_pending = true;
	px_ref(px);
	rc = px_resolve(px->p, &u, branch_resolved, b);
	if (rc < 0) {
		b->dns_pending = false;
		px_unref(px);
		px_branch_final(b, 478, NULL);
		return false;
	}
	return true;
}

unsigned px_relay(struct px *px, struct tdm_scr_ctx *x)
{
	const struct tdm_scr_decision *d = &x->decision;
	unsigned n = 0;

	px_ref(px); /* branches may finish while we start them */
	n += branch_start(px, &x->ruri, d->targets_set ? &d->ruri_hop : NULL);
	for (const struct tdm_scr_branch *b = d->branches; b; b = b->next)
		n += branch_start(px, &b->uri, &b->hop);
	px_unref(px);
	return n;
}

bool px_pending(const struct px *px)
{
	for (const struct px_branch *b = px->branches; b; b = b->next)
		if (!b->done)
			return true;
	return false;
}
