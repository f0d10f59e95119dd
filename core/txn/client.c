/* SPDX-License-Identifier: GPL-2.0-or-later
 * Client transactions (RFC 3261 §17.1): retransmitting requests over UDP
 * (Timers A and E), timing out (B, F), acknowledging non-2xx final
 * responses to INVITE hop by hop (§17.1.1.3) and absorbing their
 * retransmissions (D, K), and handing each response to the transaction
 * user once. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "txn/txn_impl.h"

static struct tdm_cli *find(struct tdm_txns *t, const struct tdm_str *branch,
			    enum tdm_sip_method m)
{
	uint32_t h = tdm_str_hash(branch);

	for (struct tdm_hash_node *n = tdm_hash_bucket(&t->cli, h); n; n = n->next) {
		struct tdm_cli *c = tdm_container_of(n, struct tdm_cli, hn);
		if (n->hash == h && c->method == m && c->branch_len == branch->len &&
		    !memcmp(c->branch, branch->s, branch->len))
			return c;
	}
	return NULL;
}

static struct tdm_cli *find_cookie(struct tdm_txns *t, uint64_t cookie)
{
	uint32_t h = (uint32_t)(cookie * 0x9e3779b97f4a7c15ull >> 32);

	for (struct tdm_hash_node *n = tdm_hash_bucket(&t->cli_cookie, h); n;
	     n = n->next) {
		struct tdm_cli *c = tdm_container_of(n, struct tdm_cli, hc);
		if (n->hash == h && c->cookie == cookie)
			return c;
	}
	return NULL;
}

/* Completed: no more retransmissions of the request or CANCELs for it,
 * so its copies go (a lingering transaction keeps only its branch and,
 * for INVITE, the ACK). */
static void inactive(struct tdm_cli *c)
{
	if (c->active) {
		c->active = false;
		c->t->active--;
	}
	tdm_sip_msg_free(c->req_msg);
	c->req_msg = NULL;
	tdm_buf_free(&c->req);
	tdm_buf_shrink(&c->ack);
}

static void resend(struct tdm_cli *c, const struct tdm_buf *b)
{
	c->t->st.retransmitted++;
	c->t->send(c->t->send_arg, &c->dest, b->data, b->len, c->cookie);
}

/* Timer A / E: retransmit, doubling (E is capped at T2, and stays at T2
 * once a provisional response arrived). */
static void cli_timer_retx(void *arg)
{
	struct tdm_cli *c = arg;
	unsigned t2 = c->t->cfg.t2;

	if (c->state >= CLI_COMPLETED)
		return;
	resend(c, &c->req);
	if (c->invite)
		c->retx_ms *= 2;
	else if (c->state == CLI_PROCEEDING)
		c->retx_ms = t2;
	else
		c->retx_ms = c->retx_ms * 2 < t2 ? c->retx_ms * 2 : t2;
	tdm_timer_start(txn_wheel(c->t), &c->retx, c->retx_ms);
}

/* Timer B / F (no final response), or D / K (linger over). */
static void cli_timer_end(void *arg)
{
	struct tdm_cli *c = arg;
	struct tdm_txns *t = c->t;

	if (c->state < CLI_COMPLETED) {
		t->st.timeouts++;
		c->state = CLI_TERMINATED;
		if (t->user.cli_failed)
			t->user.cli_failed(t->user_arg, c, -ETIMEDOUT);
	}
	tdm_cli_free(c);
}

int tdm_cli_new(struct tdm_txns *t, enum tdm_sip_method method,
		const struct tdm_str *branch, const struct tdm_dest *d,
		const char *data, size_t len, void *user, struct tdm_cli **out)
{
	struct tdm_cli *c;
	int rc;

	if (branch->len >= TDM_TXN_BRANCH_MAX)
		return -EINVAL;
	c = tdm_calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (tdm_buf_append(&c->req, data, len)) {
		tdm_free(c);
		return -ENOMEM;
	}
	c->t = t;
	c->method = method;
	c->invite = method == TDM_SIP_INVITE;
	c->dest = *d;
	if (d->sni.len && (c->sni = tdm_malloc(d->sni.len)))
		memcpy(c->sni, d->sni.s, d->sni.len);
	c->dest.sni = c->sni ? (struct tdm_str){ c->sni, d->sni.len }
			     : (struct tdm_str){ 0 };
	c->reliable = d->proto != TDM_PROTO_UDP;
	memcpy(c->branch, branch->s, branch->len);
	c->branch_len = branch->len;
	c->user = user;
	c->cookie = t->next_id++;
	tdm_timer_init(&c->retx, cli_timer_retx, c);
	tdm_timer_init(&c->end, cli_timer_end, c);
	rc = t->send(t->send_arg, &c->dest, data, len, c->cookie);
	if (rc) {
		tdm_buf_free(&c->req);
		tdm_free(c->sni);
		tdm_free(c);
		return rc;
	}
	tdm_hash_insert(&t->cli, &c->hn, tdm_str_hash(branch));
	tdm_hash_insert(&t->cli_cookie, &c->hc,
			(uint32_t)(c->cookie * 0x9e3779b97f4a7c15ull >> 32));
	if (!c->reliable) {
		c->retx_ms = t->cfg.t1;
		tdm_timer_start(txn_wheel(t), &c->retx, c->retx_ms);
	}
	tdm_timer_start(txn_wheel(t), &c->end,
			c->invite ? t->cfg.timer_b : t->cfg.timer_f);
	c->active = true;
	t->active++;
	t->st.client_total++;
	*out = c;
	return 0;
}

void tdm_cli_free(struct tdm_cli *c)
{
	struct tdm_txns *t = c->t;

	c->state = CLI_TERMINATED;
	inactive(c);
	tdm_hash_remove(&t->cli, &c->hn);
	tdm_hash_remove(&t->cli_cookie, &c->hc);
	tdm_timer_stop(&c->retx);
	tdm_timer_stop(&c->end);
	if (t->user.cli_gone)
		t->user.cli_gone(t->user_arg, c);
	tdm_sip_msg_free(c->req_msg);
	tdm_buf_free(&c->req);
	tdm_buf_free(&c->ack);
	tdm_free(c->sni);
	tdm_free(c);
}

void *tdm_cli_user(const struct tdm_cli *c)
{
	return c->user;
}

void tdm_cli_set_user(struct tdm_cli *c, void *user)
{
	c->user = user;
}

const struct tdm_dest *tdm_cli_dest(const struct tdm_cli *c)
{
	return &c->dest;
}

struct tdm_str tdm_cli_request(const struct tdm_cli *c)
{
	return (struct tdm_str){ c->req.data, c->req.len };
}

struct tdm_str tdm_cli_branch(const struct tdm_cli *c)
{
	return (struct tdm_str){ c->branch, c->branch_len };
}

unsigned tdm_cli_status(const struct tdm_cli *c)
{
	return c->status;
}

struct tdm_sip_msg *tdm_cli_request_msg(struct tdm_cli *c)
{
	if (!c->req_msg &&
	    tdm_sip_msg_parse(&c->req_msg, NULL, c->req.data, c->req.len, NULL,
			      NULL))
		c->req_msg = NULL;
	return c->req_msg;
}

/* Appends "Name: value\r\n". */
static void line(struct tdm_buf *b, const char *name, const struct tdm_str *v)
{
	tdm_buf_append_c(b, name);
	tdm_buf_append_str(b, v);
	tdm_buf_append(b, "\r\n", 2);
}

int tdm_txn_build_hop(const struct tdm_sip_msg *r, const char *method,
		      const struct tdm_sip_msg *to_from, struct tdm_buf *b)
{
	const struct tdm_sip_hdr *h;

	tdm_buf_printf(b, "%s %.*s SIP/2.0\r\n", method, TDM_STR_FMT(&r->ruri));
	line(b, "Via: ", &r->via1.value);
	for (h = tdm_sip_msg_hdr(r, TDM_HDR_ROUTE); h; h = tdm_sip_msg_hdr_next(r, h))
		line(b, "Route: ", &h->value);
	tdm_buf_append_c(b, "Max-Forwards: 70\r\n");
	if ((h = tdm_sip_msg_hdr(r, TDM_HDR_FROM)))
		line(b, "From: ", &h->value);
	if ((h = tdm_sip_msg_hdr(to_from, TDM_HDR_TO)))
		line(b, "To: ", &h->value);
	line(b, "Call-ID: ", &r->call_id);
	tdm_buf_printf(b, "CSeq: %u %s\r\nContent-Length: 0\r\n\r\n",
		       (unsigned)r->cseq.num, method);
	return b->err;
}

/* The ACK for a non-2xx final response (§17.1.1.3): the response's To. */
static int build_ack(struct tdm_cli *c, const struct tdm_sip_msg *resp)
{
	struct tdm_sip_msg *r = tdm_cli_request_msg(c);

	if (!r)
		return -ENOMEM;
	c->ack.len = 0;
	return tdm_txn_build_hop(r, "ACK", resp, &c->ack);
}

/* An INVITE transaction got a response. Returns true when the user
 * should see it. */
static bool invite_response(struct tdm_cli *c, const struct tdm_sip_msg *resp)
{
	unsigned code = resp->status;
	struct tdm_txns *t = c->t;

	if (c->state == CLI_COMPLETED) {
		if (code >= 300 && c->ack.len) /* a retransmitted final */
			resend(c, &c->ack);
		t->st.absorbed++;
		return false;
	}
	if (code < 200) {
		c->state = CLI_PROCEEDING;
		tdm_timer_stop(&c->retx);
		tdm_timer_stop(&c->end); /* the proxy's Timer C takes over */
		return true;
	}
	tdm_timer_stop(&c->retx);
	if (code >= 300) {
		if (!build_ack(c, resp))
			resend(c, &c->ack);
		c->state = CLI_COMPLETED;
		inactive(c);
		tdm_timer_stop(&c->end);
		tdm_timer_start(txn_wheel(t), &c->end, c->reliable ? 0 : t->cfg.linger);
	}
	return true;
}

static bool other_response(struct tdm_cli *c, const struct tdm_sip_msg *resp)
{
	struct tdm_txns *t = c->t;

	if (c->state == CLI_COMPLETED) {
		t->st.absorbed++;
		return false;
	}
	if (resp->status < 200) {
		c->state = CLI_PROCEEDING;
		return true;
	}
	c->state = CLI_COMPLETED;
	inactive(c);
	tdm_timer_stop(&c->retx);
	tdm_timer_stop(&c->end);
	tdm_timer_start(txn_wheel(t), &c->end, c->reliable ? 0 : t->cfg.t4);
	return true;
}

int tdm_cli_match(struct tdm_txns *t, struct tdm_sip_msg *resp)
{
	struct tdm_cli *c = find(t, &resp->via1.branch, resp->cseq.method);
	unsigned code = resp->status; /* the user may keep (and free) resp */
	bool up;

	if (!c)
		return 0;
	up = c->invite ? invite_response(c, resp) : other_response(c, resp);
	if (code > c->status && up)
		c->status = code;
	if (up && t->user.cli_response)
		t->user.cli_response(t->user_arg, c, resp);
	/* a 2xx ends an INVITE client transaction at once (§17.1.1.2): its
	 * retransmissions are forwarded statelessly */
	if (up && c->invite && code >= 200 && code < 300)
		tdm_cli_free(c);
	return 1;
}

void tdm_cli_transport_failed(struct tdm_txns *t, uint64_t cookie, int err)
{
	struct tdm_cli *c = find_cookie(t, cookie);

	if (!c || c->state >= CLI_COMPLETED)
		return;
	c->state = CLI_TERMINATED;
	if (t->user.cli_failed)
		t->user.cli_failed(t->user_arg, c, err);
	tdm_cli_free(c);
}
