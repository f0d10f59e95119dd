/* SPDX-License-Identifier: GPL-2.0-or-later
 * The proxy of one worker: set-up, the program new requests run with,
 * the entry point for responses, the life of the per-request state, and
 * next-hop resolution. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "proxy/proxy_impl.h"

TDM_LOG_SUBSYS(tdm_log_proxy, "proxy");

static void srv_gone(void *u, struct tdm_srv *s)
{
	struct px *px = tdm_srv_user(s);

	(void)u;
	if (!px)
		return;
	px->srv = NULL;
	px->req = NULL;
	px_unref(px);
}

/* The final response went out: the request is no longer kept. */
static void srv_request_gone(void *u, struct tdm_srv *s)
{
	struct px *px = tdm_srv_user(s);

	(void)u;
	if (px)
		px->req = NULL;
}

static const struct tdm_txn_user px_user = {
	.srv_request_gone = srv_request_gone,
	.cli_response = px_cli_response,
	.cli_failed = px_cli_failed,
	.cli_gone = px_cli_gone,
	.srv_gone = srv_gone,
};

int tdm_proxy_new(struct tdm_proxy **out, struct tdm_loop *loop, unsigned worker,
		  const struct tdm_proxy_cfg *cfg, tdm_txn_send_fn *send,
		  void *send_arg, struct tdm_dns *dns)
{
	struct tdm_proxy *p = tdm_calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	p->loop = loop;
	p->worker = worker;
	p->cfg = *cfg;
	p->send = send;
	p->send_arg = send_arg;
	p->dns = dns;
	rc = tdm_txns_new(&p->txns, loop, worker, &cfg->txn, send, send_arg,
			  &px_user, p);
	if (rc) {
		tdm_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void tdm_proxy_free(struct tdm_proxy *p)
{
	if (!p)
		return;
	tdm_txns_free(p->txns);
	tdm_scr_program_unref(p->prog);
	tdm_buf_free(&p->scratch);
	tdm_free(p);
}

void tdm_proxy_set_program(struct tdm_proxy *p, struct tdm_scr_program *prog)
{
	if (prog == p->prog)
		return;
	if (prog)
		tdm_scr_program_ref(prog);
	tdm_scr_program_unref(p->prog);
	p->prog = prog;
}

struct tdm_txns *tdm_proxy_txns(struct tdm_proxy *p)
{
	return p->txns;
}

void tdm_proxy_stats(const struct tdm_proxy *p, struct tdm_proxy_stats *out)
{
	*out = p->st;
}

void tdm_proxy_response(struct tdm_proxy *p, struct tdm_sip_msg *resp,
			const struct tdm_rcv *rcv)
{
	const struct tdm_sip_via *v;

	(void)rcv;
	p->st.responses++;
	p->resp_taken = false;
	/* every Via must be sound: the ones below ours are where the
	 * response goes next */
	if (tdm_sip_msg_vias(resp, &v)) {
		p->st.dropped++;
		tdm_sip_msg_free(resp);
		return;
	}
	if (!tdm_cli_match(p->txns, resp))
		px_response_stateless(p, resp);
	if (!p->resp_taken)
		tdm_sip_msg_free(resp);
}

void tdm_proxy_reject(struct tdm_proxy *p, struct tdm_sip_msg *req,
		      const struct tdm_rcv *rcv, unsigned code,
		      const char *reason)
{
	px_reply_stateless(p, req, rcv, code, reason ? TDM_STRP(reason) : NULL,
			   &TDM_STR("Retry-After: 5\r\n"));
	tdm_sip_msg_free(req);
}

void tdm_proxy_transport_failed(struct tdm_proxy *p, uint64_t cookie, int err)
{
	tdm_cli_transport_failed(p->txns, cookie, err);
}

void px_ref(struct px *px)
{
	px->refs++;
}

void px_unref(struct px *px)
{
	struct px_branch *b, *next;

	if (--px->refs)
		return;
	for (b = px->branches; b; b = next) {
		next = b->next;
		tdm_timer_stop(&b->timer_c);
		tdm_sip_msg_free(b->final);
		px_branch_targets_free(b);
		if (b != &px->first)
			tdm_free(b);
	}
	tdm_scr_program_unref(px->prog);
	tdm_free(px);
}

/* ---- next hop ----------------------------------------------------------- */

static int numeric_target(const struct tdm_uri *u, struct tdm_dns_result *r)
{
	char text[TDM_ADDR_STRLEN + 8];
	bool tls = u->scheme == TDM_URI_SIPS;
	struct tdm_str host = u->maddr.len ? u->maddr : u->host;
	uint16_t port = u->port;

	r->err = 0; /* only the first target is filled: no 6 KB memset */
	r->n = 0;
	memset(&r->t[0], 0, sizeof(r->t[0]));
	r->t[0].proto = tls ? TDM_PROTO_TLS : TDM_PROTO_UDP;
	if (u->transport.len) {
		r->t[0].proto = tdm_proto_parse(&u->transport);
		if (!r->t[0].proto)
			return -EPROTONOSUPPORT;
		if (tls && r->t[0].proto == TDM_PROTO_TCP)
			r->t[0].proto = TDM_PROTO_TLS;
	}
	if (!port)
		port = r->t[0].proto == TDM_PROTO_TLS ||
		       r->t[0].proto == TDM_PROTO_WSS ? 5061 : 5060;
	if (host.len + 8 > sizeof(text))
		return -EINVAL;
	snprintf(text, sizeof(text),
		 memchr(host.s, ':', host.len) ? "[%.*s]:%u" : "%.*s:%u",
		 TDM_STR_FMT(&host), port);
	if (tdm_addr_parse(&r->t[0].addr, TDM_STRP(text), NULL))
		return -ENOENT;
	snprintf(r->t[0].host, sizeof(r->t[0].host), "%.*s", TDM_STR_FMT(&host));
	r->n = 1;
	return 0;
}

int px_resolve(struct tdm_proxy *p, const struct tdm_uri *u, tdm_dns_fn *fn,
	       void *arg)
{
	struct tdm_dns_result r;
	const struct tdm_str *h = u->maddr.len ? &u->maddr : &u->host;
	bool literal = h->len && ((h->s[0] >= '0' && h->s[0] <= '9') ||
				  memchr(h->s, ':', h->len));

	/* an IP literal needs no resolver (RFC 3263 §4.2): answered here,
	 * without the resolver's request state */
	if (p->dns && !(literal && (u->scheme == TDM_URI_SIP ||
				    u->scheme == TDM_URI_SIPS)))
		return tdm_dns_resolve(p->dns, u, fn, arg);
	r.err = numeric_target(u, &r);
	if (r.err == -ENOENT && p->dns) /* "1example.com": a name after all */
		return tdm_dns_resolve(p->dns, u, fn, arg);
	fn(arg, &r);
	return 1;
}
