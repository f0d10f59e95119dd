/* SPDX-License-Identifier: GPL-2.0-or-later
 * The built-in functions of the routing language. Actions (reply, relay,
 * forward, record_route, append_branch) only record the decision in the
 * context: the transaction layer carries it out after the route, and
 * offline tests compare it with the expected one. */
#include <errno.h>
#include <string.h>
#include <tandem/log.h>
#include <tandem/snapshot.h>
#include "builtins.h"
#include "value.h"

TDM_LOG_SUBSYS(tdm_scr_log, "script");

#define R_REQ TDM_ROUTE_REQUEST
#define R_ANY TDM_ROUTE_ANY
#define R_RELAY (TDM_ROUTE_REQUEST | TDM_ROUTE_FAILURE)
#define R_EDIT (TDM_ROUTE_REQUEST | TDM_ROUTE_FAILURE | TDM_ROUTE_BRANCH | \
		TDM_ROUTE_REPLY)

static struct tdm_str copy(struct tdm_scr_ctx *x, const struct tdm_str *s)
{
	char *p = tdm_arena_memdup(x->arena, s->s, s->len);

	return (struct tdm_str){ p, p ? s->len : 0 };
}

/* reply(code [, reason]) — RFC 3261 §21: 100..699; the reason may not
 * break the status line. */
static int bi_reply(struct tdm_scr_ctx *x, const struct tdm_value *a,
		    unsigned n, struct tdm_value *ret)
{
	(void)ret;

	if (a[0].u.i < 100 || a[0].u.i > 699)
		return -EINVAL;
	/* the same check and record as tdm_scr_reply(), without headers:
	 * a later reply() also drops those of an earlier tdm_scr_reply() */
	return tdm_scr_ctx_reply(x, (unsigned)a[0].u.i, n > 1 ? &a[1].u.s : NULL,
				 NULL, NULL, NULL);
}

/* relay([uri]) and forward([uri]): an explicit target must be a URI. */
static int set_target(struct tdm_scr_ctx *x, const struct tdm_value *a,
		      unsigned n, enum tdm_scr_action act)
{
	if (n > 0) {
		struct tdm_uri u;
		if (tdm_uri_parse(&u, &a[0].u.s, NULL))
			return -EINVAL;
		x->decision.target = copy(x, &a[0].u.s);
	}
	x->decision.action = act;
	return 0;
}

static int bi_relay(struct tdm_scr_ctx *x, const struct tdm_value *a,
		    unsigned n, struct tdm_value *ret)
{
	(void)ret;
	return set_target(x, a, n, TDM_SCR_ACT_RELAY);
}

static int bi_forward(struct tdm_scr_ctx *x, const struct tdm_value *a,
		      unsigned n, struct tdm_value *ret)
{
	(void)ret;
	return set_target(x, a, n, TDM_SCR_ACT_FORWARD);
}

static int bi_record_route(struct tdm_scr_ctx *x, const struct tdm_value *a,
			   unsigned n, struct tdm_value *ret)
{
	(void)a, (void)n, (void)ret;
	x->decision.record_route = true;
	return 0;
}

static int bi_append_branch(struct tdm_scr_ctx *x, const struct tdm_value *a,
			    unsigned n, struct tdm_value *ret)
{
	struct tdm_scr_branch *b;
	struct tdm_uri u;
	(void)n, (void)ret;

	if (tdm_uri_parse(&u, &a[0].u.s, NULL))
		return -EINVAL;
	b = tdm_arena_zalloc(x->arena, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->uri = copy(x, &a[0].u.s);
	*x->decision.branches_tail = b;
	x->decision.branches_tail = &b->next;
	return 0;
}

/* The message header edits apply to: the response in a reply route,
 * the request everywhere else. */
static struct tdm_sip_msg *edited_msg(struct tdm_scr_ctx *x)
{
	return x->route == TDM_ROUTE_REPLY && x->reply ? x->reply : x->request;
}

/* The edit list of edited_msg(), made on first use. */
static int edits(struct tdm_scr_ctx *x, struct tdm_sip_edits **out)
{
	bool resp = x->route == TDM_ROUTE_REPLY && x->reply;
	struct tdm_sip_edits **e = resp ? &x->reply_edits : &x->edits;
	int rc;

	if (!*e && (rc = tdm_sip_edits_new(e, edited_msg(x))))
		return rc;
	*out = *e;
	return 0;
}

/* A header name must be a token (RFC 3261 §25.1). */
static bool valid_name(const struct tdm_str *s)
{
	static const char extra[] = "-.!%*_+`'~";

	if (!s->len)
		return false;
	for (size_t i = 0; i < s->len; i++) {
		char c = s->s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || memchr(extra, c, sizeof(extra) - 1)))
			return false;
	}
	return true;
}

static int bi_add_header(struct tdm_scr_ctx *x, const struct tdm_value *a,
			 unsigned n, struct tdm_value *ret)
{
	struct tdm_sip_edits *e;
	int rc;
	(void)n, (void)ret;

	if (!valid_name(&a[0].u.s) || !tdm_str_line_safe(&a[1].u.s))
		return -EINVAL;
	if ((rc = edits(x, &e)))
		return rc;
	return tdm_sip_edit_add_hdr(e, &a[0].u.s, &a[1].u.s, false);
}

/* Removes every header of that name (compact forms included). */
static int bi_remove_header(struct tdm_scr_ctx *x, const struct tdm_value *a,
			    unsigned n, struct tdm_value *ret)
{
	struct tdm_sip_msg *m = edited_msg(x);
	const struct tdm_sip_hdr *h;
	struct tdm_sip_edits *e;
	int rc;
	(void)n, (void)ret;

	if (!valid_name(&a[0].u.s))
		return -EINVAL;
	for (h = tdm_sip_msg_hdr_by_name(m, &a[0].u.s); h;
	     h = tdm_sip_msg_hdr_next(m, h)) {
		if ((rc = edits(x, &e)) ||
		    (rc = tdm_sip_edit_del_hdr(e, (uint32_t)(h - m->hdrs))))
			return rc;
	}
	return 0;
}

static int bi_header(struct tdm_scr_ctx *x, const struct tdm_value *a,
		     unsigned n, struct tdm_value *ret)
{
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr_by_name(edited_msg(x),
							      &a[0].u.s);
	(void)n;
	ret->type = TDM_T_STR;
	ret->u.s = h ? h->value : TDM_STR_NULL;
	return 0;
}

static int bi_has_header(struct tdm_scr_ctx *x, const struct tdm_value *a,
			 unsigned n, struct tdm_value *ret)
{
	(void)n;
	ret->type = TDM_T_BOOL;
	ret->u.b = tdm_sip_msg_hdr_by_name(edited_msg(x), &a[0].u.s) != NULL;
	return 0;
}

static const char *const level_names[] = {
	[TDM_LOG_ERROR] = "error", [TDM_LOG_WARN] = "warn",
	[TDM_LOG_NOTICE] = "notice", [TDM_LOG_INFO] = "info",
	[TDM_LOG_DEBUG] = "debug",
};

int tdm_scr_log_level(const struct tdm_str *name)
{
	for (int l = TDM_LOG_ERROR; l <= TDM_LOG_DEBUG; l++)
		if (level_names[l] && tdm_str_eq_c(name, level_names[l]))
			return l;
	return -1;
}

static int bi_log(struct tdm_scr_ctx *x, const struct tdm_value *a,
		  unsigned n, struct tdm_value *ret)
{
	int level = tdm_scr_log_level(&a[0].u.s);
	struct tdm_log_rec r;
	(void)n, (void)ret;

	if (level < 0)
		return -EINVAL;
	if (x->keep_logs) {
		struct tdm_scr_logline *l = tdm_arena_zalloc(x->arena, sizeof(*l));
		if (!l)
			return -ENOMEM;
		l->level = level;
		l->text = copy(x, &a[1].u.s);
		*x->decision.logs_tail = l;
		x->decision.logs_tail = &l->next;
	}
	if (tdm_log_begin(&r, &tdm_scr_log, level, "%.*s", TDM_STR_FMT(&a[1].u.s))) {
		tdm_log_str(&r, "call_id", &x->request->call_id);
		tdm_log_end(&r);
	}
	return 0;
}

/* int(s): decimal, optional '-'; anything else is a run-time error. */
static int bi_int(struct tdm_scr_ctx *x, const struct tdm_value *a,
		  unsigned n, struct tdm_value *ret)
{
	struct tdm_str s = a[0].u.s;
	bool neg = s.len && s.s[0] == '-';
	uint64_t v;
	(void)x, (void)n;

	if (neg) {
		s.s++;
		s.len--;
	}
	if (tdm_str_to_u64(&s, &v) || v > (uint64_t)INT64_MAX)
		return -EINVAL;
	ret->type = TDM_T_INT;
	ret->u.i = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static int bi_str(struct tdm_scr_ctx *x, const struct tdm_value *a,
		  unsigned n, struct tdm_value *ret)
{
	(void)n;
	ret->type = TDM_T_STR;
	return tdm_scr_value_format(x->arena, &a[0], &ret->u.s);
}

static int bi_len(struct tdm_scr_ctx *x, const struct tdm_value *a,
		  unsigned n, struct tdm_value *ret)
{
	(void)x, (void)n;
	ret->type = TDM_T_INT;
	ret->u.i = (int64_t)a[0].u.s.len;
	return 0;
}

/* lower(s) / upper(s): ASCII case mapping into a new string. */
static int map_case(struct tdm_scr_ctx *x, const struct tdm_value *a,
		    struct tdm_value *ret, bool upper)
{
	char *p = tdm_arena_alloc(x->arena, a[0].u.s.len + 1);

	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < a[0].u.s.len; i++) {
		char c = a[0].u.s.s[i];
		if (upper && c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		else if (!upper)
			c = tdm_lower(c);
		p[i] = c;
	}
	ret->type = TDM_T_STR;
	ret->u.s = (struct tdm_str){ p, a[0].u.s.len };
	return 0;
}

static int bi_lower(struct tdm_scr_ctx *x, const struct tdm_value *a,
		    unsigned n, struct tdm_value *ret)
{
	(void)n;
	return map_case(x, a, ret, false);
}

static int bi_upper(struct tdm_scr_ctx *x, const struct tdm_value *a,
		    unsigned n, struct tdm_value *ret)
{
	(void)n;
	return map_case(x, a, ret, true);
}

/* is_domain_local(domain): the domain is in the provisioning snapshot's
 * domain table. False when the node runs without a database. */
static int bi_is_domain_local(struct tdm_scr_ctx *x, const struct tdm_value *a,
			      unsigned n, struct tdm_value *ret)
{
	const struct tdm_snap *s = tdm_snap_node();
	(void)x, (void)n;

	ret->type = TDM_T_BOOL;
	ret->u.b = s && tdm_snap_domain_served(s, &a[0].u.s);
	return 0;
}

/* subscriber_exists(user, domain): provisioned and enabled. */
static int bi_subscriber_exists(struct tdm_scr_ctx *x,
				const struct tdm_value *a, unsigned n,
				struct tdm_value *ret)
{
	const struct tdm_snap *s = tdm_snap_node();
	struct tdm_snap_sub sub;
	(void)x, (void)n;

	ret->type = TDM_T_BOOL;
	ret->u.b = s && !tdm_snap_subscriber(s, &a[0].u.s, &a[1].u.s, &sub) &&
		   sub.enabled;
	return 0;
}

const struct tdm_scr_builtin tdm_scr_builtins[] = {
	{ "reply", bi_reply, TDM_T_VOID,
	  TDM_ARGS({ "code", TDM_T_INT, 0 }, { "reason", TDM_T_STR, TDM_ARG_OPTIONAL }),
	  R_RELAY, true, "send a response" },
	{ "relay", bi_relay, TDM_T_VOID,
	  TDM_ARGS({ "uri", TDM_T_STR, TDM_ARG_OPTIONAL }),
	  R_RELAY, true, "stateful relay to the Request-URI (or uri) and every branch" },
	{ "forward", bi_forward, TDM_T_VOID,
	  TDM_ARGS({ "uri", TDM_T_STR, TDM_ARG_OPTIONAL }),
	  R_REQ, true, "stateless forward" },
	{ "record_route", bi_record_route, TDM_T_VOID, NULL, 0, R_REQ, false,
	  "add Record-Route" },
	{ "append_branch", bi_append_branch, TDM_T_VOID,
	  TDM_ARGS({ "uri", TDM_T_STR, 0 }), R_RELAY, false,
	  "add a parallel branch" },
	{ "add_header", bi_add_header, TDM_T_VOID,
	  TDM_ARGS({ "name", TDM_T_STR, 0 }, { "value", TDM_T_STR, 0 }),
	  R_EDIT, false, "append a header to the message that will be sent" },
	{ "remove_header", bi_remove_header, TDM_T_VOID,
	  TDM_ARGS({ "name", TDM_T_STR, 0 }), R_EDIT, false,
	  "remove every header of that name" },
	{ "header", bi_header, TDM_T_STR, TDM_ARGS({ "name", TDM_T_STR, 0 }),
	  R_ANY, false, "first header of that name, \"\" if none" },
	{ "has_header", bi_has_header, TDM_T_BOOL,
	  TDM_ARGS({ "name", TDM_T_STR, 0 }), R_ANY, false,
	  "whether the message has that header" },
	{ "log", bi_log, TDM_T_VOID,
	  TDM_ARGS({ "level", TDM_T_STR, TDM_ARG_CONST }, { "text", TDM_T_STR, 0 }),
	  R_ANY, false, "log a line (level: error, warn, notice, info, debug)" },
	{ "int", bi_int, TDM_T_INT, TDM_ARGS({ "s", TDM_T_STR, 0 }), R_ANY,
	  false, "decimal string to int" },
	{ "str", bi_str, TDM_T_STR, TDM_ARGS({ "v", TDM_T_ANY, 0 }), R_ANY,
	  false, "any value as text" },
	{ "len", bi_len, TDM_T_INT, TDM_ARGS({ "s", TDM_T_STR, 0 }), R_ANY,
	  false, "length in bytes" },
	{ "lower", bi_lower, TDM_T_STR, TDM_ARGS({ "s", TDM_T_STR, 0 }), R_ANY,
	  false, "ASCII lower case" },
	{ "upper", bi_upper, TDM_T_STR, TDM_ARGS({ "s", TDM_T_STR, 0 }), R_ANY,
	  false, "ASCII upper case" },
	{ "is_domain_local", bi_is_domain_local, TDM_T_BOOL,
	  TDM_ARGS({ "domain", TDM_T_STR, 0 }), R_ANY, false,
	  "the domain is in the database's domain table" },
	{ "subscriber_exists", bi_subscriber_exists, TDM_T_BOOL,
	  TDM_ARGS({ "user", TDM_T_STR, 0 }, { "domain", TDM_T_STR, 0 }), R_ANY,
	  false, "user@domain is an enabled subscriber in the database" },
	{ NULL, NULL, TDM_T_VOID, NULL, 0, 0, false, NULL },
};

const struct tdm_scr_builtin *tdm_scr_builtin_find(const char *name, size_t len)
{
	for (const struct tdm_scr_builtin *b = tdm_scr_builtins; b->name; b++)
		if (strlen(b->name) == len && !memcmp(b->name, name, len))
			return b;
	return NULL;
}
