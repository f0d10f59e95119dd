/* SPDX-License-Identifier: GPL-2.0-or-later
 * Stateless operation (RFC 3261 §16.11): replies the script gives to
 * non-INVITE requests, requests forwarded with forward() (and ACKs for
 * 2xx), responses that match no client transaction (forwarded by the
 * next Via, §16.7 / §18.2.2), and the 400 answer to messages that do not
 * parse. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "proxy/proxy_impl.h"

/* A To-tag that is the same for every retransmission of one request, so
 * a stateless answer stays consistent. */
static void stateless_tag(const struct tdm_sip_msg *req, char tag[20])
{
	uint32_t h = tdm_str_hash(&req->call_id) ^ tdm_str_hash(&req->from_tag) ^
		     req->cseq.num * 2654435761u;

	tag[0] = 's';
	tag[1] = 'l';
	*px_put_hex(tag + 2, h, 8) = '\0'; /* "sl%08x" */
}

int px_reply_stateless(struct tdm_proxy *p, struct tdm_sip_msg *req,
		       const struct tdm_rcv *rcv, unsigned code,
		       const struct tdm_str *reason, const struct tdm_str *extra)
{
	return px_reply_stateless_body(p, req, rcv, code, reason, extra, NULL);
}

int px_reply_stateless_body(struct tdm_proxy *p, struct tdm_sip_msg *req,
			    const struct tdm_rcv *rcv, unsigned code,
			    const struct tdm_str *reason,
			    const struct tdm_str *extra,
			    const struct tdm_str *body)
{
	struct tdm_buf *b;
	struct tdm_dest d;
	char tag[20];
	struct tdm_str t;
	int rc;

	if (req->method == TDM_SIP_ACK)
		return 0; /* never answered */
	stateless_tag(req, tag);
	t = tdm_str_c(code > 100 ? tag : "");
	b = px_scratch(p);
	rc = tdm_sip_reply_build(req, code, reason, &t, extra, body, b);
	if (!rc) {
		tdm_srv_reply_dest(req, rcv, &d);
		rc = tdm_txns_send(p->txns, &d, b->data, b->len);
		p->st.replies_local++;
	}
	return rc;
}

/* A stateless forward waiting for DNS. */
struct sl_fwd {
	struct tdm_proxy *p;
	struct tdm_buf msg;       /* built without our Via */
	char branch[TDM_TXN_BRANCH_MAX];
	size_t via_at;            /* where our Via goes */
};

/* Inserts our Via (for the target's transport) and sends. */
static void sl_send(struct sl_fwd *f, const struct tdm_dns_target *t)
{
	struct tdm_dest d;
	struct tdm_buf *out;
	char via[PX_VIA_MAX];
	size_t vlen;

	if (px_dest_from_target(f->p, t, &d))
		return;
	vlen = px_via_value(d.listen, d.proto, f->branch, via);
	d.sni = (struct tdm_str){ 0 };
	out = px_scratch(f->p); /* the send copies it */
	tdm_buf_reserve(out, f->msg.len + vlen + 7);
	tdm_buf_append(out, f->msg.data, f->via_at);
	tdm_buf_append(out, "Via: ", 5);
	tdm_buf_append(out, via, vlen);
	tdm_buf_append(out, "\r\n", 2);
	tdm_buf_append(out, f->msg.data + f->via_at, f->msg.len - f->via_at);
	if (!out->err && !tdm_txns_send(f->p->txns, &d, out->data, out->len))
		f->p->st.forwarded_stateless++;
}

static void sl_dns_done(void *arg, const struct tdm_dns_result *res)
{
	struct sl_fwd *f = arg;

	if (!res->err && res->n)
		sl_send(f, &res->t[0]);
	else
		f->p->st.dropped++;
	tdm_buf_free(&f->msg);
	tdm_free(f);
}

/* The same branch for every retransmission of a request (§16.11): its
 * loop hash and a hash of the incoming top Via. */
static void stateless_branch(struct tdm_proxy *p, const struct tdm_sip_msg *req,
			     char *buf)
{
	size_t n = tdm_txn_branch_prefix(p->worker, px_loop_hash(req, &req->ruri),
					 buf);

	buf[n] = '.';
	buf[n + 1] = 's';
	*px_put_hex(buf + n + 2, tdm_str_hash(&req->via1.value), 0) = '\0';
}

int px_forward_stateless(struct tdm_proxy *p, struct tdm_sip_msg *req,
			 struct tdm_sip_edits *const *lists, unsigned n,
			 const struct tdm_str *next_hop)
{
	struct sl_fwd *f;
	struct tdm_uri u;
	int rc;

	f = tdm_calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->p = p;
	rc = tdm_sip_build(req, lists, n, &f->msg);
	if (!rc) {
		/* our Via goes first, right after the start line */
		const char *eol = memchr(f->msg.data, '\n', f->msg.len);
		f->via_at = eol ? (size_t)(eol - f->msg.data) + 1 : 0;
		stateless_branch(p, req, f->branch);
		rc = tdm_uri_parse(&u, next_hop, NULL) ? -EINVAL : 0;
	}
	if (!rc) {
		rc = px_resolve(p, &u, sl_dns_done, f);
		if (rc >= 0)
			return 0;
	}
	tdm_buf_free(&f->msg);
	tdm_free(f);
	p->st.dropped++;
	return rc;
}

/* Where a response goes once our Via is gone (§18.2.2, RFC 3581): the
 * received address and rport of the next Via, else its sent-by. Only
 * numeric addresses: a name there would need RFC 3263 §5. */
static int via_dest(struct tdm_proxy *p, const struct tdm_sip_via *v,
		    struct tdm_dest *d)
{
	struct tdm_str host = v->received.len ? v->received : v->host;
	struct tdm_str proto = v->transport;
	char ip[TDM_ADDR_STRLEN + 8];
	uint16_t port;

	memset(d, 0, sizeof(*d));
	d->proto = tdm_proto_parse(&proto);
	if (!d->proto)
		return -EPROTONOSUPPORT;
	port = v->rport > 0 ? (uint16_t)v->rport
	       : v->port ? v->port
	       : (d->proto == TDM_PROTO_TLS ? 5061 : 5060);
	if (host.len + 3 > sizeof(ip))
		return -EINVAL;
	snprintf(ip, sizeof(ip), v->host_ipv6 && !v->received.len ? "[%.*s]:%u"
		 : memchr(host.s, ':', host.len) ? "[%.*s]:%u" : "%.*s:%u",
		 TDM_STR_FMT(&host), port);
	if (tdm_addr_parse(&d->addr, TDM_STRP(ip), NULL))
		return -EINVAL;
	d->listen = px_listen_for(p, d->proto, tdm_addr_family(&d->addr));
	return d->listen ? 0 : -EPROTONOSUPPORT;
}

void px_response_stateless(struct tdm_proxy *p, struct tdm_sip_msg *resp)
{
	const struct tdm_sip_via *v;
	struct tdm_sip_edits *e;
	struct tdm_buf *b = px_scratch(p); /* the send copies it */
	struct tdm_dest d;

	if (tdm_txn_branch_worker(&resp->via1.branch) < 0 ||
	    tdm_sip_msg_vias(resp, &v) || !v->next ||
	    via_dest(p, v->next, &d) || tdm_sip_edits_new(&e, resp) ||
	    px_edit_pop_first(e, resp, TDM_HDR_VIA) ||
	    tdm_sip_build(resp, &e, 1, b)) {
		p->st.dropped++;
		return;
	}
	if (!tdm_txns_send(p->txns, &d, b->data, b->len))
		p->st.responses_stateless++;
}

/* ---- 400 for what does not parse ------------------------------------------ */

/* The value of the first header line named `name` (or its compact form
 * `c`) in a raw message, up to the end of the line. */
static bool raw_header(const char *data, size_t len, const char *name, char c,
		       struct tdm_str *line)
{
	size_t nl = strlen(name);

	for (const char *p = data, *end = data + len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t l = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (l && p[l - 1] == '\r')
			l--;
		if (!l)
			break; /* end of the headers */
		const char *colon = memchr(p, ':', l);
		if (colon) {
			struct tdm_str n = tdm_str_trim((struct tdm_str){ p,
						(size_t)(colon - p) });
			if ((n.len == nl && tdm_mem_caseeq(n.s, name, nl)) ||
			    (c && n.len == 1 && tdm_lower(n.s[0]) == c)) {
				*line = (struct tdm_str){ p, l };
				return true;
			}
		}
		p = eol ? eol + 1 : end;
	}
	return false;
}

void tdm_proxy_bad_message(struct tdm_proxy *p, const char *data, size_t len,
			   const struct tdm_rcv *rcv, const char *reason)
{
	static const struct { const char *name; char c; } need[] = {
		{ "Via", 'v' }, { "From", 'f' }, { "To", 't' },
		{ "Call-ID", 'i' }, { "CSeq", 0 },
	};
	struct tdm_str lines[5];
	struct tdm_buf b = { 0 };
	struct tdm_dest d = { .proto = rcv->proto, .addr = rcv->src,
			      .conn_id = rcv->conn_id, .listen = rcv->listen };

	p->st.bad_requests++;
	if (len < 8 || !memcmp(data, "SIP/", 4) || !memcmp(data, "ACK ", 4))
		return; /* a response, or an ACK: never answered */
	for (unsigned i = 0; i < 5; i++)
		if (!raw_header(data, len, need[i].name, need[i].c, &lines[i]))
			return;
	for (unsigned i = 0; i < 5; i++)
		for (size_t k = 0; k < lines[i].len; k++)
			if ((unsigned char)lines[i].s[k] < 0x20 && lines[i].s[k] != '\t')
				return; /* no control bytes echoed back */
	tdm_buf_printf(&b, "SIP/2.0 400 %s\r\n", reason ? reason : "Bad Request");
	for (unsigned i = 0; i < 5; i++) {
		tdm_buf_append_str(&b, &lines[i]);
		tdm_buf_append_c(&b, "\r\n");
	}
	tdm_buf_append_c(&b, "Content-Length: 0\r\n\r\n");
	/* the echoed lines may themselves be what is broken (a bad CSeq):
	 * the peer gets the reason all the same */
	if (!b.err)
		tdm_txns_send(p->txns, &d, b.data, b.len);
	tdm_buf_free(&b);
}

/* ---- replies with the script's headers and body ---------------------------- */

int px_srv_reply_body(struct tdm_proxy *p, struct tdm_srv *s, unsigned code,
		      const struct tdm_str *reason, const struct tdm_str *extra,
		      const struct tdm_str *body)
{
	struct tdm_str tag = tdm_srv_to_tag(s);
	const struct tdm_sip_msg *req = tdm_srv_request(s);
	struct tdm_buf *b;
	int rc;

	if (!body || !body->len || !req) /* the plain path needs no copy */
		return tdm_srv_reply(s, code, reason, extra);
	if (code <= 100)
		tag = (struct tdm_str){ "", 0 };
	b = px_scratch(p);
	rc = tdm_sip_reply_build(req, code, reason, &tag, extra, body, b);
	if (!rc)
		rc = tdm_srv_send_reply(s, code, b->data, b->len);
	return rc;
}

void px_decision_extra(const struct tdm_scr_decision *d, struct tdm_buf *b)
{
	tdm_buf_append_str(b, &d->reply_hdrs);
	if (d->reply_body.len) {
		tdm_buf_append_c(b, "Content-Type: ");
		tdm_buf_append_str(b, &d->reply_ctype);
		tdm_buf_append_c(b, "\r\n");
	}
}
