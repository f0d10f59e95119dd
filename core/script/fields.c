/* SPDX-License-Identifier: GPL-2.0-or-later
 * The message fields of the routing language, read from the parsed SIP
 * message through the core/sip accessors. Writes to the Request-URI (or
 * its user/host parts) go through the context, which keeps the new URI
 * and records the edit for serialisation. */
#include <errno.h>
#include <string.h>
#include "fields.h"

#define R_ALL TDM_ROUTE_ANY
#define R_RESP (TDM_ROUTE_REPLY | TDM_ROUTE_FAILURE)
#define W_RURI (TDM_ROUTE_REQUEST | TDM_ROUTE_FAILURE | TDM_ROUTE_BRANCH)

static int ret_str(struct tdm_value *out, struct tdm_str s)
{
	out->type = TDM_T_STR;
	out->u.s = s;
	return 0;
}

static int ret_int(struct tdm_value *out, int64_t i)
{
	out->type = TDM_T_INT;
	out->u.i = i;
	return 0;
}

/* ---- request ----------------------------------------------------------- */

static int get_method(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	return ret_str(out, x->request->method_name);
}

static int get_ruri(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	return ret_str(out, x->ruri);
}

static int set_ruri(struct tdm_scr_ctx *x, const struct tdm_value *v)
{
	return tdm_scr_ctx_set_ruri(x, &v->u.s);
}

/* A part of the Request-URI; a URI of another scheme has no parts, so
 * they read as empty (it is valid, just not sip/sips/tel). */
static int ruri_part(struct tdm_scr_ctx *x, const struct tdm_uri **u)
{
	int rc = tdm_scr_ctx_ruri(x, u);

	if (rc == -EPROTONOSUPPORT) {
		*u = NULL;
		return 0;
	}
	return rc;
}

static int get_ruri_user(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	const struct tdm_uri *u;
	int rc = ruri_part(x, &u);

	return rc ? rc : ret_str(out, u ? u->user : TDM_STR_NULL);
}

static int get_ruri_host(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	const struct tdm_uri *u;
	int rc = ruri_part(x, &u);

	return rc ? rc : ret_str(out, u ? u->host : TDM_STR_NULL);
}

static int get_ruri_port(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	const struct tdm_uri *u;
	int rc = ruri_part(x, &u);

	return rc ? rc : ret_int(out, u ? u->port : 0);
}

static int get_ruri_params(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	const struct tdm_uri *u;
	int rc = ruri_part(x, &u);

	return rc ? rc : ret_str(out, u ? u->params : TDM_STR_NULL);
}

static const char *scheme_name(enum tdm_uri_scheme s)
{
	return s == TDM_URI_SIPS ? "sips:" : s == TDM_URI_TEL ? "tel:" : "sip:";
}

/* A small appender over a caller's buffer (no heap: this runs per
 * message); `len` past `cap` means it did not fit. */
struct out {
	char *p;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n <= o->cap)
		memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void put_str(struct out *o, const struct tdm_str *s)
{
	put(o, s->s, s->len);
}

static void put_port(struct out *o, unsigned port)
{
	char num[8];
	int n = 0;

	for (; port; port /= 10)
		num[7 - n++] = (char)('0' + port % 10);
	put(o, ":", 1);
	put(o, num + 8 - n, (size_t)n);
}

/* Rebuilds the Request-URI with a new user or host (RFC 3261 §19.1.1
 * order: scheme, userinfo, host, port, parameters, headers), noting where
 * each part lands so the context need not parse the result again. */
static int rebuild_ruri(struct tdm_scr_ctx *x, const struct tdm_str *user,
			const struct tdm_str *host)
{
	const struct tdm_uri *u;
	size_t user_off, host_off = 0, tail;
	char buf[1024];
	struct out o = { buf, 0, sizeof(buf) };
	const char *scheme;
	bool v6;
	int rc = tdm_scr_ctx_ruri(x, &u);

	if (rc)
		return rc; /* another scheme: it has no user/host to change */
	if (!user)
		user = &u->user;
	if (!host)
		host = &u->host;
	v6 = host == &u->host ? u->host_ipv6 : tdm_str_chr(host, ':') >= 0;
	scheme = scheme_name(u->scheme);
	put(&o, scheme, strlen(scheme));
	user_off = o.len;
	put_str(&o, user);
	if (u->scheme != TDM_URI_TEL) {
		if (user->len && u->password.len) {
			put(&o, ":", 1);
			put_str(&o, &u->password);
		}
		if (user->len)
			put(&o, "@", 1);
		if (v6)
			put(&o, "[", 1);
		host_off = o.len;
		put_str(&o, host);
		if (v6)
			put(&o, "]", 1);
		if (u->port)
			put_port(&o, u->port);
	}
	tail = o.len;
	if (u->params.len) {
		put(&o, ";", 1);
		put_str(&o, &u->params);
	}
	if (u->headers.len) {
		put(&o, "?", 1);
		put_str(&o, &u->headers);
	}
	if (o.len > o.cap)
		return -EMSGSIZE; /* no Request-URI needs 1 KiB */
	rc = tdm_scr_ctx_set_ruri_parts(x, &(struct tdm_str){ buf, o.len }, u,
					user_off, user->len, host_off,
					u->scheme == TDM_URI_TEL ? 0 : host->len, tail);
	return rc;
}

static int set_ruri_user(struct tdm_scr_ctx *x, const struct tdm_value *v)
{
	return rebuild_ruri(x, &v->u.s, NULL);
}

static int set_ruri_host(struct tdm_scr_ctx *x, const struct tdm_value *v)
{
	if (!v->u.s.len)
		return -EINVAL;
	return rebuild_ruri(x, NULL, &v->u.s);
}

/* ---- From / To --------------------------------------------------------- */

static int addr_of(struct tdm_scr_ctx *x, bool from, const struct tdm_sip_addr **a)
{
	return from ? tdm_sip_msg_from(x->request, a) : tdm_sip_msg_to(x->request, a);
}

/* The parsed URI of From/To, cached in the context; another scheme has
 * no parts. */
static int addr_uri(struct tdm_scr_ctx *x, bool from, const struct tdm_uri **out)
{
	int *state = from ? &x->from_state : &x->to_state;
	struct tdm_uri *u = from ? &x->from_uri : &x->to_uri;
	const struct tdm_sip_addr *a;
	int rc;

	if (!*state) {
		rc = addr_of(x, from, &a);
		if (!rc)
			rc = tdm_uri_parse(u, &a->uri, NULL);
		*state = rc ? rc : 1;
	}
	*out = *state == 1 ? u : NULL;
	return *state == -EPROTONOSUPPORT || *state == 1 ? 0 : *state;
}

#define ADDR_GETTERS(who, is_from)                                              \
	static int get_##who##_uri(struct tdm_scr_ctx *x, struct tdm_value *o) \
	{                                                                       \
		const struct tdm_sip_addr *a;                                   \
		int rc = addr_of(x, is_from, &a);                               \
		return rc ? rc : ret_str(o, a->uri);                            \
	}                                                                       \
	static int get_##who##_tag(struct tdm_scr_ctx *x, struct tdm_value *o) \
	{                                                                       \
		const struct tdm_sip_addr *a;                                   \
		int rc = addr_of(x, is_from, &a);                               \
		return rc ? rc : ret_str(o, a->tag);                            \
	}                                                                       \
	static int get_##who##_display(struct tdm_scr_ctx *x,                  \
				       struct tdm_value *o)                     \
	{                                                                       \
		const struct tdm_sip_addr *a;                                   \
		int rc = addr_of(x, is_from, &a);                               \
		return rc ? rc : ret_str(o, a->display);                        \
	}                                                                       \
	static int get_##who##_user(struct tdm_scr_ctx *x, struct tdm_value *o) \
	{                                                                       \
		const struct tdm_uri *u;                                        \
		int rc = addr_uri(x, is_from, &u);                              \
		return rc ? rc : ret_str(o, u ? u->user : TDM_STR_NULL);        \
	}                                                                       \
	static int get_##who##_host(struct tdm_scr_ctx *x, struct tdm_value *o) \
	{                                                                       \
		const struct tdm_uri *u;                                        \
		int rc = addr_uri(x, is_from, &u);                              \
		return rc ? rc : ret_str(o, u ? u->host : TDM_STR_NULL);        \
	}

ADDR_GETTERS(from, true)
ADDR_GETTERS(to, false)

/* ---- the rest ---------------------------------------------------------- */

static int get_call_id(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	return ret_str(out, x->request->call_id);
}

static int get_cseq(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	return ret_int(out, x->request->cseq.num);
}

static int get_cseq_method(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	return ret_str(out, x->request->cseq.method_name);
}

static int get_source_ip(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	return ret_str(out, x->source.ip);
}

static int get_source_port(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	return ret_int(out, x->source.port);
}

static int get_source_transport(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	return ret_str(out, x->source.transport);
}

/* In a reply route the body is the response's; elsewhere the request's. */
static int get_body(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	return ret_str(out, x->reply && x->route == TDM_ROUTE_REPLY ?
				    x->reply->body : x->request->body);
}

static int get_reply_code(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	return x->reply ? ret_int(out, x->reply->status) : -ENOENT;
}

static int get_reply_reason(struct tdm_scr_ctx *x, struct tdm_value *out)
{
	return x->reply ? ret_str(out, x->reply->reason) : -ENOENT;
}

const struct tdm_scr_field tdm_scr_fields[] = {
	{ "request.method", TDM_T_STR, R_ALL, 0, get_method, NULL,
	  "INVITE, REGISTER ..." },
	{ "request.uri", TDM_T_STR, R_ALL, W_RURI, get_ruri, set_ruri,
	  "the Request-URI" },
	{ "request.uri.user", TDM_T_STR, R_ALL, W_RURI, get_ruri_user,
	  set_ruri_user, "user part of the Request-URI" },
	{ "request.uri.host", TDM_T_STR, R_ALL, W_RURI, get_ruri_host,
	  set_ruri_host, "host part of the Request-URI" },
	{ "request.uri.port", TDM_T_INT, R_ALL, 0, get_ruri_port, NULL,
	  "port of the Request-URI, 0 when absent" },
	{ "request.uri.params", TDM_T_STR, R_ALL, 0, get_ruri_params, NULL,
	  "parameters of the Request-URI" },
	{ "from.uri", TDM_T_STR, R_ALL, 0, get_from_uri, NULL, "From URI" },
	{ "from.uri.user", TDM_T_STR, R_ALL, 0, get_from_user, NULL, "" },
	{ "from.uri.host", TDM_T_STR, R_ALL, 0, get_from_host, NULL, "" },
	{ "from.tag", TDM_T_STR, R_ALL, 0, get_from_tag, NULL, "" },
	{ "from.display", TDM_T_STR, R_ALL, 0, get_from_display, NULL, "" },
	{ "to.uri", TDM_T_STR, R_ALL, 0, get_to_uri, NULL, "To URI" },
	{ "to.uri.user", TDM_T_STR, R_ALL, 0, get_to_user, NULL, "" },
	{ "to.uri.host", TDM_T_STR, R_ALL, 0, get_to_host, NULL, "" },
	{ "to.tag", TDM_T_STR, R_ALL, 0, get_to_tag, NULL, "" },
	{ "to.display", TDM_T_STR, R_ALL, 0, get_to_display, NULL, "" },
	{ "call_id", TDM_T_STR, R_ALL, 0, get_call_id, NULL, "" },
	{ "cseq", TDM_T_INT, R_ALL, 0, get_cseq, NULL, "CSeq number" },
	{ "cseq.method", TDM_T_STR, R_ALL, 0, get_cseq_method, NULL, "" },
	{ "source.ip", TDM_T_STR, R_ALL, 0, get_source_ip, NULL, "" },
	{ "source.port", TDM_T_INT, R_ALL, 0, get_source_port, NULL, "" },
	{ "source.transport", TDM_T_STR, R_ALL, 0, get_source_transport, NULL,
	  "udp, tcp, tls, ws, wss" },
	{ "body", TDM_T_STR, R_ALL, 0, get_body, NULL, "message body" },
	{ "reply.code", TDM_T_INT, R_RESP, 0, get_reply_code, NULL,
	  "status code of the response" },
	{ "reply.reason", TDM_T_STR, R_RESP, 0, get_reply_reason, NULL,
	  "reason phrase of the response" },
	{ NULL, TDM_T_VOID, 0, 0, NULL, NULL, NULL },
};

const struct tdm_scr_field *tdm_scr_field_find(const char *name, size_t len)
{
	for (const struct tdm_scr_field *f = tdm_scr_fields; f->name; f++)
		if (strlen(f->name) == len && !memcmp(f->name, name, len))
			return f;
	return NULL;
}
