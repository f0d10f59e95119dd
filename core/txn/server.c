/* SPDX-License-Identifier: GPL-2.0-or-later
 * Server transactions (RFC 3261 §17.2, RFC 6026): absorbing request
 * retransmissions with the last response, retransmitting a final
 * non-2xx INVITE response until the ACK (Timer G), and keeping completed
 * transactions for a while (H, I, J, and the Accepted state). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "txn/txn_impl.h"

static struct tdm_srv *find(struct tdm_txns *t, const struct tdm_sip_msg *m,
			    enum tdm_sip_method as)
{
	bool old;
	uint32_t h = tdm_txn_srv_hash(m, &old);
	struct tdm_hash_node *n = tdm_hash_bucket(&t->srv, h);

	for (; n; n = n->next) {
		struct tdm_srv *s = tdm_container_of(n, struct tdm_srv, hn);
		if (n->hash == h && s->state != SRV_TERMINATED &&
		    tdm_txn_srv_eq(s, m, as))
			return s;
	}
	return NULL;
}

struct tdm_srv *tdm_srv_find_invite(struct tdm_txns *t,
				    const struct tdm_sip_msg *req)
{
	return find(t, req, TDM_SIP_INVITE);
}

static void inactive(struct tdm_srv *s)
{
	if (s->active) {
		s->active = false;
		s->t->active--;
	}
}

static void resend_last(struct tdm_srv *s)
{
	if (!s->last.len)
		return;
	s->t->st.retransmitted++;
	s->t->send(s->t->send_arg, &s->reply_to, s->last.data, s->last.len, 0);
}

static void end_in(struct tdm_srv *s, unsigned ms)
{
	tdm_timer_stop(&s->end);
	tdm_timer_start(txn_wheel(s->t), &s->end, ms);
}

/* The ACK of a non-2xx final response ends Timer G (§17.2.1). */
static enum tdm_srv_match ack(struct tdm_txns *t, struct tdm_sip_msg *req)
{
	struct tdm_srv *s = find(t, req, TDM_SIP_INVITE);

	if (!s || s->state == SRV_ACCEPTED)
		return TDM_SRV_NEW; /* an ACK for a 2xx: end to end */
	t->st.absorbed++;
	if (s->state == SRV_COMPLETED) {
		s->state = SRV_CONFIRMED;
		tdm_timer_stop(&s->retx);
		end_in(s, s->reliable ? 0 : t->cfg.linger);
	}
	return TDM_SRV_ABSORBED;
}

enum tdm_srv_match tdm_srv_match(struct tdm_txns *t, struct tdm_sip_msg *req,
				 const struct tdm_rcv *rcv)
{
	struct tdm_srv *s;

	(void)rcv;
	if (req->method == TDM_SIP_ACK)
		return ack(t, req);
	s = find(t, req, req->method);
	if (!s)
		return TDM_SRV_NEW;
	t->st.absorbed++;
	/* RFC 6026 §7.1: in Accepted, an INVITE retransmission is absorbed
	 * silently; retransmitting the 2xx is the UAS's business */
	if (s->state != SRV_ACCEPTED)
		resend_last(s);
	return TDM_SRV_ABSORBED;
}

void tdm_srv_reply_dest(const struct tdm_sip_msg *req, const struct tdm_rcv *rcv,
			struct tdm_dest *d)
{
	memset(d, 0, sizeof(*d));
	d->proto = rcv->proto;
	d->addr = rcv->src;
	d->conn_id = rcv->conn_id;
	d->listen = rcv->listen;
	/* UDP without rport: the port of sent-by (§18.2.2); with rport, or
	 * on a stream, where the request came from (RFC 3581) */
	if (rcv->proto == TDM_PROTO_UDP && req->via1.rport < 0)
		tdm_addr_set_port(&d->addr, req->via1.port ? req->via1.port : 5060);
}

static void srv_timer_g(void *arg)
{
	struct tdm_srv *s = arg;
	unsigned t2 = s->t->cfg.t2;

	resend_last(s);
	s->g_ms = s->g_ms * 2 < t2 ? s->g_ms * 2 : t2;
	tdm_timer_start(txn_wheel(s->t), &s->retx, s->g_ms);
}

static void srv_timer_end(void *arg)
{
	struct tdm_srv *s = arg;

	struct tdm_log_rec r;

	if (s->state == SRV_COMPLETED && s->invite &&
	    tdm_log_begin(&r, &tdm_log_txn, TDM_LOG_INFO,
			  "no ACK for the final response (Timer H)")) {
		tdm_log_str(&r, "call_id", &s->key.call_id);
		tdm_log_int(&r, "status", s->status);
		tdm_log_end(&r);
	}
	tdm_srv_free(s);
}

int tdm_srv_new(struct tdm_txns *t, struct tdm_sip_msg *req,
		const struct tdm_rcv *rcv, struct tdm_srv **out)
{
	struct tdm_srv *s;
	bool old;
	uint32_t h;

	if (tdm_hash_count(&t->srv) >= t->cfg.max_server)
		return -EBUSY;
	s = tdm_calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	h = tdm_txn_srv_hash(req, &old);
	s->t = t;
	s->req = req;
	tdm_txn_srv_key(&s->key, req);
	s->rcv = *rcv;
	s->rfc2543 = old;
	s->invite = req->method == TDM_SIP_INVITE;
	s->reliable = rcv->proto != TDM_PROTO_UDP;
	s->state = s->invite ? SRV_PROCEEDING : SRV_TRYING;
	tdm_srv_reply_dest(req, rcv, &s->reply_to);
	tdm_timer_init(&s->retx, srv_timer_g, s);
	tdm_timer_init(&s->end, srv_timer_end, s);
	{ /* "%x.%llx" of the hash and a counter, without printf */
		size_t n = tdm_txn_hex(s->to_tag, h);
		s->to_tag[n++] = '.';
		if (t->next_id >> 40) /* over 10 digits: cut to to_tag[20] as before */
			snprintf(s->to_tag + n, sizeof(s->to_tag) - n, "%llx",
				 (unsigned long long)t->next_id);
		else
			tdm_txn_hex(s->to_tag + n, t->next_id);
		t->next_id++;
	}
	tdm_hash_insert(&t->srv, &s->hn, h);
	s->active = true;
	t->active++;
	t->st.server_total++;
	*out = s;
	return 0;
}

void tdm_srv_free(struct tdm_srv *s)
{
	struct tdm_txns *t = s->t;

	s->state = SRV_TERMINATED;
	inactive(s);
	tdm_hash_remove(&t->srv, &s->hn);
	tdm_timer_stop(&s->retx);
	tdm_timer_stop(&s->end);
	if (t->user.srv_gone)
		t->user.srv_gone(t->user_arg, s);
	tdm_sip_msg_free(s->req);
	tdm_free(s->key.copy);
	tdm_buf_free(&s->last);
	tdm_free(s);
}

struct tdm_sip_msg *tdm_srv_request(const struct tdm_srv *s)
{
	return s->req;
}

const struct tdm_rcv *tdm_srv_rcv(const struct tdm_srv *s)
{
	return &s->rcv;
}

void tdm_srv_set_user(struct tdm_srv *s, void *user)
{
	s->user = user;
}

void *tdm_srv_user(const struct tdm_srv *s)
{
	return s->user;
}

unsigned tdm_srv_status(const struct tdm_srv *s)
{
	return s->status;
}

struct tdm_str tdm_srv_to_tag(struct tdm_srv *s)
{
	return tdm_str_c(s->to_tag);
}

/* Moves the state machine for a final response just sent. */
static void finalise(struct tdm_srv *s, unsigned code)
{
	const struct tdm_txn_cfg *cfg = &s->t->cfg;

	inactive(s);
	if (s->invite && code < 300) {
		/* RFC 6026 Timer L, on every transport: the 2xx of other
		 * forks still go through this transaction */
		s->state = SRV_ACCEPTED;
		end_in(s, cfg->linger);
	} else if (s->invite) {
		s->state = SRV_COMPLETED;
		if (!s->reliable) {
			s->g_ms = cfg->t1;
			tdm_timer_start(txn_wheel(s->t), &s->retx, s->g_ms);
		}
		end_in(s, 64 * cfg->t1);   /* Timer H */
	} else {
		s->state = SRV_COMPLETED;
		end_in(s, s->reliable ? 0 : cfg->linger); /* Timer J */
	}
}

/* Once answered, a transaction only matches and retransmits: the
 * request (and its arena, most of the transaction's memory) goes, which
 * keeps a lingering transaction small. */
static void compact(struct tdm_srv *s)
{
	struct tdm_txns *t = s->t;

	if (!s->req || (!s->key_in_last && tdm_txn_srv_key_own(&s->key)))
		return;
	if (t->user.srv_request_gone)
		t->user.srv_request_gone(t->user_arg, s);
	tdm_sip_msg_free(s->req);
	s->req = NULL;
	tdm_buf_shrink(&s->last);
}

/* Keeps the response sent for retransmissions. A provisional one is
 * kept until the final one (room for a bigger one is made once). The
 * final one stays until the transaction ends: when the request is still
 * held (it goes right after, see compact()) it gets one block of its
 * exact size followed by a copy of the matching key's strings, which is
 * all a compacted transaction keeps. */
static void keep_last(struct tdm_srv *s, const char *data, size_t len, bool final)
{
	struct tdm_buf *b = &s->last;

	if (final && s->req && !s->key_in_last) {
		size_t klen = tdm_txn_srv_key_len(&s->key);
		char *p = tdm_malloc(len + 1 + klen);
		if (p) {
			memcpy(p, data, len);
			p[len] = '\0';
			tdm_buf_free(b);
			*b = (struct tdm_buf){ p, len, len + 1, 0 };
			tdm_txn_srv_key_copy(&s->key, p + len + 1);
			s->key_in_last = true;
			return;
		}
	}
	b->len = 0;
	if (!final && b->cap < len + 1)
		tdm_buf_reserve(b, len < 1024 ? 1024 : len);
	if (tdm_buf_append(b, data, len))
		b->len = 0;
}

int tdm_srv_send_reply(struct tdm_srv *s, unsigned code, const char *data,
		       size_t len)
{
	int rc;

	if (s->state >= SRV_COMPLETED &&
	    !(s->state == SRV_ACCEPTED && code >= 200 && code < 300))
		return -EALREADY;
	rc = s->t->send(s->t->send_arg, &s->reply_to, data, len, 0);
	if (s->state != SRV_ACCEPTED) {
		keep_last(s, data, len, code >= 200);
		s->status = code;
	}
	if (code >= 200 && s->state < SRV_COMPLETED) {
		finalise(s, code);
		compact(s);
	} else if (code < 200) {
		s->state = SRV_PROCEEDING;
	}
	return rc;
}

int tdm_srv_reply(struct tdm_srv *s, unsigned code, const struct tdm_str *reason,
		  const struct tdm_str *extra)
{
	struct tdm_buf *b = &s->t->scratch; /* reused: no allocation */
	struct tdm_str tag = tdm_str_c(code > 100 ? s->to_tag : "");
	int rc;

	if (!s->req)
		return -EALREADY; /* answered: the request went (compact) */
	tdm_buf_reset(b);
	rc = tdm_sip_reply_build(s->req, code, reason, &tag, extra, NULL, b);
	if (!rc)
		rc = tdm_srv_send_reply(s, code, b->data, b->len);
	return rc;
}
