/* SPDX-License-Identifier: GPL-2.0-or-later
 * NAT keep-alives: every natping_interval the registrar's timer thread
 * sends each NATed UDP binding an OPTIONS request (or CRLF CRLF) from
 * the listen address the REGISTER arrived on, so that the client's NAT
 * keeps the pinhole open and calls can reach it. Stream bindings need
 * none: the client keeps its connection alive (RFC 5626 §4.4). The
 * round collects the destinations under the store's locks and sends
 * after, so no send happens with a lock held. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <tandem/alloc.h>
#include <tandem/node.h>
#include "reg.h"

int reg_received_parse(const struct tdm_str *rcv, enum tdm_proto *proto,
		       struct tdm_addr *addr)
{
	long c = tdm_str_chr(rcv, ':');
	struct tdm_str p, rest;

	if (c <= 0)
		return -EINVAL;
	p = (struct tdm_str){ rcv->s, (size_t)c };
	rest = (struct tdm_str){ rcv->s + c + 1, rcv->len - (size_t)c - 1 };
	*proto = tdm_proto_parse(&p);
	if (*proto == TDM_PROTO_NONE)
		return -EINVAL;
	return tdm_addr_parse(addr, &rest, NULL);
}

void reg_date_hdr(int64_t t, struct tdm_buf *b)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
					  "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May",
					  "Jun", "Jul", "Aug", "Sep", "Oct",
					  "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	tdm_buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n",
		       wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon],
		       tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int reg_natping_options(const struct reg_ul_binding *b,
			const struct reg_cfg *cfg, unsigned long seq,
			struct tdm_buf *out)
{
	struct tdm_node_listen l;
	const char *host = "127.0.0.1";
	const char *from = cfg->natping_from && *cfg->natping_from
				   ? cfg->natping_from
				   : "sip:keepalive@invalid";
	unsigned port = 5060;

	if (tdm_node_listen_get(b->listen_index, &l) == 0) {
		host = l.host;
		port = l.port;
	}
	tdm_buf_printf(out,
		       "OPTIONS %s SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK-regping-%lx\r\n"
		       "From: <%s>;tag=regping\r\n"
		       "To: <%s>\r\n"
		       "Call-ID: regping-%lx-%s\r\n"
		       "CSeq: 1 OPTIONS\r\n"
		       "Max-Forwards: 70\r\n"
		       "Content-Length: 0\r\n\r\n",
		       b->contact.s, host, port, seq, from, b->contact.s, seq,
		       b->ruid.s);
	return out->err;
}

struct ping {
	struct tdm_node_dest d;
	struct reg_ul_binding *b; /* copy, only for OPTIONS */
};

struct ping_ctx {
	const struct reg_cfg *cfg;
	int64_t now;
	bool options;
	struct ping *v;
	size_t n, cap;
	int err;
};

static int ping_collect(const struct reg_ul_binding *b, void *arg)
{
	struct ping_ctx *x = arg;
	struct ping *p;

	if (!(b->flags & REG_UL_NAT) || (b->flags & REG_UL_STREAM) ||
	    b->expires <= x->now || !b->received.len)
		return 0;
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 64;
		struct ping *nv = tdm_realloc(x->v, nc * sizeof(*nv));
		if (!nv) {
			x->err = -ENOMEM;
			return 1;
		}
		x->v = nv;
		x->cap = nc;
	}
	p = &x->v[x->n];
	memset(p, 0, sizeof(*p));
	if (reg_received_parse(&b->received, &p->d.proto, &p->d.addr) != 0 ||
	    p->d.proto != TDM_PROTO_UDP)
		return 0;
	p->d.listen_index = b->listen_index;
	if (x->options) {
		p->b = reg_ul_binding_dup(b);
		if (!p->b) {
			x->err = -ENOMEM;
			return 1;
		}
	}
	x->n++;
	return 0;
}

int reg_natping_round(struct reg_ul *ul, const struct reg_cfg *cfg,
		      int64_t now, reg_send_fn *send)
{
	static const char crlf[] = "\r\n\r\n";
	static unsigned long seq;
	struct ping_ctx x = { .cfg = cfg, .now = now };
	struct tdm_buf msg = { 0 };
	int sent = 0;

	x.options = !cfg->natping_method ||
		    strcmp(cfg->natping_method, "crlf") != 0;
	reg_ul_walk(ul, ping_collect, &x);
	for (size_t i = 0; i < x.n; i++) {
		struct ping *p = &x.v[i];
		const void *data = crlf;
		size_t len = sizeof(crlf) - 1;
		int rc;

		if (x.options) {
			tdm_buf_reset(&msg);
			rc = reg_natping_options(p->b, cfg, ++seq, &msg);
			reg_ul_binding_free(p->b);
			if (rc)
				continue;
			data = msg.data;
			len = msg.len;
		}
		rc = send(&p->d, data, len);
		if (rc == -EINVAL && p->d.listen_index >= 0) {
			/* not a UDP listen address of that family (a binding
			 * loaded from the database): send from any */
			p->d.listen_index = -1;
			rc = send(&p->d, data, len);
		}
		if (rc == 0)
			sent++;
	}
	tdm_buf_free(&msg);
	tdm_free(x.v);
	return x.err ? x.err : sent;
}
