/* SPDX-License-Identifier: GPL-2.0-or-later
 * save(): processing of a REGISTER (RFC 3261 §10.3), with Path (RFC
 * 3327), Outbound (RFC 5626 §6), public GRUUs (RFC 5627) and NAT
 * (the source address is stored as `received`).
 *
 * Everything that can be checked without the store is checked first
 * (Contact syntax, expires, reg-id rules); then, with the AOR locked,
 * a first pass matches each Contact to its binding and applies the
 * Call-ID/CSeq rule to all of them, and only when every one passes does
 * a second pass change anything: a request either applies completely or
 * not at all. The 200's Contact list is built under the same lock. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/uri.h>
#include "reg.h"
#include "../nat/nat_ip.h"

/* A REGISTER retransmitted within this many seconds (Timer F) with the
 * same Call-ID and CSeq is answered again instead of with a 500. */
#define REG_RETRANS_WINDOW 32

#define REG_MAX_REQ_CONTACTS 64

struct save_contact {
	const struct tdm_sip_contact *c;
	struct tdm_uri uri;
	int64_t expires;          /* relative, 0: remove */
	uint32_t reg_id;          /* 0: none (or ignored) */
	char received[TDM_ADDR_STRLEN + 8];
	uint32_t flags;
	uint64_t conn_id;
	const struct reg_ul_binding *match;
};

struct save_ctx {
	const struct reg_cfg *cfg;
	const struct reg_src *src;
	struct tdm_sip_msg *msg;
	int64_t now;
	struct tdm_str aor;
	bool star, gruu, outbound, path_supported;
	struct tdm_str path, ua;
	struct save_contact *cs;
	unsigned n;
	struct reg_reply *out;
};

static int reply_err(struct reg_reply *out, unsigned code, const char *reason)
{
	out->code = code;
	out->reason = reason;
	return 0;
}

/* ---- Request checks ---------------------------------------------------- */

static bool has_token(struct tdm_sip_msg *m, enum tdm_sip_hdr_id id,
		      const char *tok)
{
	const struct tdm_sip_tokens *t;

	if (tdm_sip_msg_tokens(m, id, &t) != 0)
		return false;
	for (unsigned i = 0; i < t->count; i++)
		if (tdm_str_caseeq_c(&t->v[i], tok))
			return true;
	return false;
}

/* Compares an IP literal with another one, binary when both parse. */
static bool ip_eq(const struct tdm_str *a, const struct tdm_str *b)
{
	char sa[64], sb[64];
	unsigned char ba[16], bb[16];
	int fam;

	if (a->len >= sizeof(sa) || b->len >= sizeof(sb))
		return false;
	memcpy(sa, a->s, a->len);
	sa[a->len] = '\0';
	memcpy(sb, b->s, b->len);
	sb[b->len] = '\0';
	fam = strchr(sa, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(fam, sa, ba) == 1 && inet_pton(fam, sb, bb) == 1)
		return memcmp(ba, bb, fam == AF_INET6 ? 16 : 4) == 0;
	return tdm_str_caseeq(a, b);
}

/* A UDP client is behind a NAT when its Contact is not where the request
 * came from and something else betrays the NAT: the top Via's sent-by is
 * not the source either (a phone writes its private address in both), or
 * the Contact is a private/loopback/link-local address seen from a source
 * of another class. A Contact that merely names another port of the
 * source host, with a truthful Via, is a deliberate choice (a PBX that
 * sends from one socket and listens on another) and is routed as written. */
static bool udp_natted(const struct save_ctx *x, const struct save_contact *sc,
		       uint16_t cport)
{
	const struct reg_src *s = x->src;
	const struct tdm_sip_via *v = &x->msg->via1;
	uint16_t vport = v->port ? v->port : 5060;

	if (ip_eq(&sc->uri.host, &s->ip) && cport == s->port)
		return false;
	if (!ip_eq(&v->host, &s->ip) || vport != s->port)
		return true;
	return nat_ip_class_mismatch(nat_ip_class(&sc->uri.host),
				     nat_ip_class(&s->ip));
}

/* Fills the NAT fields of contact sc from the request's source: streams
 * always keep their connection (the flow) and source; UDP keeps the
 * source when the client is behind a NAT (udp_natted), or for an
 * outbound flow (RFC 5626: the flow is the source address). */
static void fill_received(struct save_ctx *x, struct save_contact *sc)
{
	const struct reg_src *s = x->src;
	bool stream, differs;
	uint16_t cport;

	if (!s->known || !s->ip.len)
		return;
	stream = s->proto != TDM_PROTO_UDP;
	cport = sc->uri.port;
	if (!cport)
		cport = (sc->uri.scheme == TDM_URI_SIPS ||
			 tdm_str_caseeq_c(&sc->uri.transport, "tls")) ? 5061 : 5060;
	differs = stream ? !ip_eq(&sc->uri.host, &s->ip) || cport != s->port
			 : udp_natted(x, sc, cport);
	if (!stream && !differs && !sc->reg_id)
		return;
	snprintf(sc->received, sizeof(sc->received),
		 tdm_str_chr(&s->ip, ':') >= 0 ? "%s:[%.*s]:%u" : "%s:%.*s:%u",
		 tdm_proto_name(s->proto), TDM_STR_FMT(&s->ip), s->port);
	if (stream) {
		sc->flags |= REG_UL_STREAM;
		sc->conn_id = s->conn_id;
	}
	if (differs || (!stream && sc->reg_id))
		sc->flags |= REG_UL_NAT;
}

/* Comma-separated values of every Path header, in order (RFC 3327). */
static int collect_path(struct tdm_sip_msg *m, struct tdm_buf *b)
{
	for (const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, TDM_HDR_PATH); h;
	     h = tdm_sip_msg_hdr_next(m, h)) {
		if (b->len)
			tdm_buf_append_c(b, ",");
		tdm_buf_append_str(b, &h->value);
	}
	return b->err;
}

/* RFC 5626 §6 item 3: an outbound REGISTER that did not come straight
 * from the UA must have an edge proxy that supports outbound (;ob in
 * its Path URI), else 439. */
static bool first_hop_ok(struct tdm_sip_msg *m)
{
	const struct tdm_sip_via *v;
	const struct tdm_sip_addr_list *p;
	struct tdm_uri u;
	struct tdm_str ob;

	if (tdm_sip_msg_vias(m, &v) != 0 || !v->next)
		return true; /* one Via: we are the first hop */
	if (tdm_sip_msg_routes(m, TDM_HDR_PATH, &p) != 0)
		return false;
	if (tdm_uri_parse(&u, &p->addr.uri, NULL) != 0)
		return false;
	return tdm_uri_param(&u, "ob", &ob) == 0;
}

/* Checks the Contacts and computes their expires. 0 with either
 * x->out->code set (an error answer) or the contacts ready. */
static int prepare_contacts(struct save_ctx *x,
			    const struct tdm_sip_contacts *cl, bool has_hexp,
			    uint32_t hexp)
{
	const struct reg_cfg *cfg = x->cfg;
	unsigned with_regid = 0, i = 0;

	if (cl->count > REG_MAX_REQ_CONTACTS)
		return reply_err(x->out, 403, "Too Many Contacts");
	x->cs = tdm_calloc(cl->count ? cl->count : 1, sizeof(*x->cs));
	if (!x->cs)
		return -ENOMEM;
	for (const struct tdm_sip_contact *c = cl->list; c; c = c->next, i++) {
		struct save_contact *sc = &x->cs[i];
		int64_t e;

		sc->c = c;
		if (tdm_uri_parse(&sc->uri, &c->addr.uri, NULL) != 0 ||
		    (sc->uri.scheme != TDM_URI_SIP &&
		     sc->uri.scheme != TDM_URI_SIPS) ||
		    !tdm_str_line_safe(&c->addr.uri))
			return reply_err(x->out, 400, "Bad Contact URI");
		if (c->expires >= 0)
			e = c->expires;
		else if (has_hexp)
			e = hexp;
		else
			e = cfg->default_expires;
		if (e > 0 && e < cfg->min_expires) {
			tdm_buf_printf(&x->out->hdrs, "Min-Expires: %" PRId64 "\r\n",
				       cfg->min_expires);
			return reply_err(x->out, 423, "Interval Too Brief");
		}
		if (e > cfg->max_expires)
			e = cfg->max_expires;
		sc->expires = e;
		if (c->instance.len && !tdm_str_line_safe(&c->instance))
			return reply_err(x->out, 400, "Bad +sip.instance");
		if (cfg->outbound && c->reg_id >= 0 && c->instance.len) {
			if (c->reg_id < 1 || c->reg_id > 0x7fffffff)
				return reply_err(x->out, 400, "Bad reg-id");
			sc->reg_id = (uint32_t)c->reg_id;
			with_regid++;
		}
		fill_received(x, sc);
	}
	x->n = i;
	if (with_regid) {
		/* RFC 5626 §6: one flow per REGISTER */
		if (with_regid > 1)
			return reply_err(x->out, 400,
					 "Multiple Contacts With reg-id");
		if (!first_hop_ok(x->msg))
			return reply_err(x->out, 439,
					 "First Hop Lacks Outbound Support");
		x->outbound = true;
	}
	return 0;
}

/* ---- Under the AOR lock ------------------------------------------------ */

/* The binding a Contact refers to: same instance (and reg-id) when it
 * has a +sip.instance (RFC 5626 §6, RFC 5627 §7), else the same URI. */
static const struct reg_ul_binding *find_match(struct reg_ul_aor *a,
					       const struct save_contact *sc)
{
	const struct tdm_sip_contact *c = sc->c;

	for (const struct reg_ul_binding *b = reg_ul_aor_next(a, NULL); b;
	     b = reg_ul_aor_next(a, b)) {
		if (c->instance.len) {
			if (tdm_str_eq(&b->instance, &c->instance) &&
			    b->reg_id == sc->reg_id)
				return b;
			continue;
		}
		if (b->instance.len)
			continue;
		struct tdm_uri u;
		if (tdm_uri_parse(&u, &b->contact, NULL) == 0
			    ? tdm_uri_equal(&u, &sc->uri)
			    : tdm_str_eq(&b->contact, &c->addr.uri))
			return b;
	}
	return NULL;
}

/* q in thousandths as RFC 3261 writes it: "1", "0.5", "0.25", "0.125". */
static void fmt_q(char *buf, int q)
{
	unsigned v = q < 0 ? 0 : (unsigned)q;
	int n;

	if (v >= 1000) {
		strcpy(buf, "1");
		return;
	}
	buf[0] = '0';
	buf[1] = '.';
	buf[2] = (char)('0' + v / 100);
	buf[3] = (char)('0' + v / 10 % 10);
	buf[4] = (char)('0' + v % 10);
	buf[5] = '\0';
	for (n = 4; n > 2 && buf[n] == '0'; n--)
		buf[n] = '\0';
}

/* The 200 OK's headers: every live binding, Date, Path, outbound. */
static void build_ok(struct save_ctx *x, struct reg_ul_aor *a)
{
	struct tdm_buf *h = &x->out->hdrs;

	for (const struct reg_ul_binding *b = reg_ul_aor_next(a, NULL); b;
	     b = reg_ul_aor_next(a, b)) {
		if (b->expires <= x->now)
			continue;
		tdm_buf_printf(h, "Contact: <%s>;expires=%" PRId64, b->contact.s,
			       b->expires - x->now);
		if (b->q >= 0) {
			char q[8];
			fmt_q(q, b->q);
			tdm_buf_printf(h, ";q=%s", q);
		}
		if (b->instance.len) {
			tdm_buf_printf(h, ";+sip.instance=\"<%s>\"", b->instance.s);
			if (b->reg_id)
				tdm_buf_printf(h, ";reg-id=%" PRIu32, b->reg_id);
			if (x->gruu)
				tdm_buf_printf(h, ";pub-gruu=\"sip:%.*s;gr=%s\"",
					       TDM_STR_FMT(&x->aor), b->instance.s);
		}
		tdm_buf_append_c(h, "\r\n");
	}
	if (x->path.len && x->path_supported)
		tdm_buf_printf(h, "Path: %.*s\r\n", TDM_STR_FMT(&x->path));
	if (x->outbound) {
		tdm_buf_append_c(h, "Require: outbound\r\n");
		if (x->cfg->flow_timer > 0 && !x->path.len)
			tdm_buf_printf(h, "Flow-Timer: %" PRId64 "\r\n",
				       x->cfg->flow_timer);
	}
	reg_date_hdr(x->now, h);
	x->out->code = 200;
	x->out->reason = NULL;
}

static bool newer(const struct save_ctx *x, const struct reg_ul_binding *b)
{
	return !tdm_str_eq(&b->callid, &x->msg->call_id) ||
	       x->msg->cseq.num > b->cseq;
}

/* Contact: * with Expires: 0 (step 6): removes every binding this request
 * is newer than. */
static int apply_star(struct save_ctx *x, struct reg_ul_aor *a)
{
	const struct reg_ul_binding *b = reg_ul_aor_next(a, NULL), *n;

	for (; b; b = n) {
		n = reg_ul_aor_next(a, b);
		if (newer(x, b))
			reg_ul_aor_del(a, b);
	}
	build_ok(x, a);
	return 0;
}

static bool claimed(const struct save_ctx *x, unsigned upto,
		    const struct reg_ul_binding *b)
{
	for (unsigned j = 0; j < upto; j++)
		if (x->cs[j].match == b)
			return true;
	return false;
}

/* The binding that gives way to a new one in a full AOR: an expired one
 * (not swept yet) first, else the least recently refreshed one, never
 * one this request refreshes. */
static const struct reg_ul_binding *victim(struct save_ctx *x,
					   struct reg_ul_aor *a)
{
	const struct reg_ul_binding *v = NULL;

	for (const struct reg_ul_binding *b = reg_ul_aor_next(a, NULL); b;
	     b = reg_ul_aor_next(a, b)) {
		if (claimed(x, x->n, b))
			continue;
		if (b->expires <= x->now)
			return b;
		if (!v || b->last_modified < v->last_modified)
			v = b;
	}
	return v;
}

static int apply_fn(struct reg_ul_aor *a, void *arg)
{
	struct save_ctx *x = arg;
	unsigned fresh = 0, retrans = 0, matched = 0, removing = 0;
	int rc;

	if (x->star)
		return apply_star(x, a);
	/* pass 1: match and check, change nothing */
	for (unsigned i = 0; i < x->n; i++) {
		struct save_contact *sc = &x->cs[i];
		const struct reg_ul_binding *b = find_match(a, sc);

		if (b && claimed(x, i, b))
			b = NULL, sc->expires = -1; /* duplicate: ignore */
		sc->match = b;
		if (b) {
			matched++;
			if (tdm_str_eq(&b->callid, &x->msg->call_id) &&
			    x->msg->cseq.num <= b->cseq) {
				if (x->msg->cseq.num == b->cseq &&
				    x->now - b->last_modified <= REG_RETRANS_WINDOW) {
					retrans++;
					continue;
				}
				return reply_err(x->out, 500,
						 "Out Of Order CSeq");
			}
			if (sc->expires == 0)
				removing++;
		} else if (sc->expires > 0)
			fresh++;
	}
	if (retrans) {
		if (retrans != matched || fresh)
			return reply_err(x->out, 500, "Out Of Order CSeq");
		build_ok(x, a); /* a retransmission: answer again */
		return 0;
	}
	/* the bindings this request keeps or adds must fit: the others of
	 * the AOR may give way, these may not (and nothing is changed yet) */
	if (fresh + (matched - removing) > x->cfg->max_contacts)
		return reply_err(x->out, 403, "Too Many Contacts");
	/* pass 2: removals, room for the new ones, then the writes */
	for (unsigned i = 0; i < x->n; i++)
		if (x->cs[i].match && x->cs[i].expires == 0) {
			reg_ul_aor_del(a, x->cs[i].match);
			x->cs[i].match = NULL;
		}
	while (fresh && reg_ul_aor_size(a) + fresh > (unsigned)x->cfg->max_contacts) {
		const struct reg_ul_binding *v = victim(x, a);
		if (!v)
			break;
		reg_ul_aor_del(a, v); /* the oldest gives way (documented) */
	}
	for (unsigned i = 0; i < x->n; i++) {
		struct save_contact *sc = &x->cs[i];
		struct reg_ul_binding nb = { 0 };

		if (sc->expires <= 0)
			continue;
		nb.aor = x->aor;
		nb.contact = sc->c->addr.uri;
		nb.received = tdm_str_c(sc->received);
		nb.path = x->path;
		nb.callid = x->msg->call_id;
		nb.user_agent = x->ua;
		nb.instance = sc->c->instance;
		nb.ruid = sc->match ? sc->match->ruid : TDM_STR_NULL;
		nb.expires = x->now + sc->expires;
		nb.last_modified = x->now;
		nb.conn_id = sc->conn_id;
		nb.cseq = x->msg->cseq.num;
		nb.flags = sc->flags | (sc->reg_id ? REG_UL_OUTBOUND : 0);
		nb.reg_id = sc->reg_id;
		nb.q = (int16_t)(sc->c->q > 1000 ? 1000 : sc->c->q);
		nb.listen_index = (uint16_t)x->src->listen_index;
		rc = reg_ul_aor_put(a, &nb);
		if (rc == -ENOSPC)
			return reply_err(x->out, 403, "Too Many Contacts");
		if (rc)
			return rc;
		sc->match = NULL; /* replaced: the pointer is gone */
	}
	build_ok(x, a);
	return 0;
}

int reg_save(struct reg_ul *ul, const struct reg_cfg *cfg,
	     struct tdm_sip_msg *msg, const struct reg_src *src, int64_t now,
	     struct reg_reply *out)
{
	struct save_ctx x = { .cfg = cfg, .src = src, .msg = msg, .now = now,
			      .out = out };
	const struct tdm_sip_contacts *cl = NULL;
	const struct tdm_sip_addr *to;
	struct tdm_buf path = { 0 };
	char aorbuf[REG_AOR_MAX];
	struct tdm_uri tu;
	uint32_t hexp = 0;
	bool has_hexp;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!msg->is_request || msg->method != TDM_SIP_REGISTER)
		return reply_err(out, 400, "Not A REGISTER");
	if (tdm_sip_msg_to(msg, &to) != 0 ||
	    tdm_uri_parse(&tu, &to->uri, NULL) != 0 ||
	    reg_aor_from_uri(&tu, aorbuf, &x.aor) != 0)
		return reply_err(out, 400, "Bad To Header");
	rc = tdm_sip_msg_expires(msg, &hexp);
	if (rc == -EBADMSG)
		return reply_err(out, 400, "Bad Expires");
	if (rc == -ENOMEM)
		return rc;
	has_hexp = rc == 0;
	rc = tdm_sip_msg_contacts(msg, &cl);
	if (rc == -EBADMSG)
		return reply_err(out, 400, "Bad Contact");
	if (rc == -ENOMEM)
		return rc;
	if (rc == 0 && cl->star) {
		/* step 6: "*" only with Expires: 0 and alone */
		if (!has_hexp || hexp != 0 || cl->count > 1)
			return reply_err(out, 400, "Invalid Contact: *");
		x.star = true;
	}
	x.path_supported = has_token(msg, TDM_HDR_SUPPORTED, "path");
	x.gruu = cfg->gruu && has_token(msg, TDM_HDR_SUPPORTED, "gruu");
	if (tdm_sip_msg_value(msg, TDM_HDR_USER_AGENT, &x.ua) != 0 ||
	    !tdm_str_line_safe(&x.ua))
		x.ua = TDM_STR_NULL;
	if (collect_path(msg, &path) != 0) {
		rc = -ENOMEM;
		goto done;
	}
	x.path = tdm_buf_str(&path);
	if (rc == 0 && !x.star) {
		rc = prepare_contacts(&x, cl, has_hexp, hexp);
		if (rc || out->code)
			goto done;
	}
	rc = reg_ul_aor_apply(ul, &x.aor, apply_fn, &x);
	if (rc == 0 && out->hdrs.err)
		rc = out->hdrs.err;
done:
	tdm_free(x.cs);
	tdm_buf_free(&path);
	return rc;
}
