/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl route test: runs one case through the compiled script, the
 * way the transaction layer would (context, route, decision) but with no
 * network, and compares what the route decided with what the case
 * expects. Each mismatch becomes an "expected ... / got ..." pair that
 * points at the case file's line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/tandem.h>
#include "route_cases.h"
#include "route_run.h"

/* A header-level view of what the route did to the message it edits. */
struct hdr_diff {
	struct tdm_sip_msg *built;            /* the message as it would leave */
	const struct tdm_sip_hdr **added;     /* into built */
	const struct tdm_sip_hdr **removed;   /* into the original */
	unsigned nadded, nremoved;
};

struct run {
	const struct rc_file *f;
	const struct rc_case *c;
	const struct tdm_scr_program *p;
	struct tdm_sip_msg *req, *resp;
	struct tdm_scr_ctx x;
	int run_rc;
	struct hdr_diff hd;
	struct tdm_buf *out;                  /* the diff */
	unsigned failed;
};

/* ---- the transaction variables, checked against the script ------------ */

static int txn_index(const struct tdm_scr_program *p, const struct tdm_str *name)
{
	for (unsigned i = 0; i < p->ntxn; i++)
		if (tdm_str_eq(&p->txn[i].name, name))
			return (int)i;
	return -1;
}

static unsigned check_txn(const struct rc_file *f, const struct tdm_scr_program *p,
			  const struct tdm_str *name, const struct rc_value *v,
			  unsigned line, FILE *errs)
{
	int i = txn_index(p, name);

	if (i < 0) {
		fprintf(errs, "%s:%u: the script has no transaction variable '%.*s' (",
			f->path, line, TDM_STR_FMT(name));
		for (unsigned j = 0; j < p->ntxn; j++)
			fprintf(errs, "%s%.*s", j ? ", " : "it declares: ",
				TDM_STR_FMT(&p->txn[j].name));
		fprintf(errs, "%s)\n", p->ntxn ? "" : "it declares none");
		return 1;
	}
	if (p->txn[i].def.type != v->type) {
		fprintf(errs, "%s:%u: txn.%.*s is %s in the script, not %s\n", f->path,
			line, TDM_STR_FMT(name), tdm_type_name(p->txn[i].def.type),
			tdm_type_name(v->type));
		return 1;
	}
	return 0;
}

unsigned rc_file_check(const struct rc_file *f, const struct tdm_scr_program *p,
		       FILE *errs)
{
	unsigned n = 0;

	for (const struct rc_case *c = f->cases; c; c = c->next) {
		for (const struct rc_given *g = c->given; g; g = g->next)
			n += check_txn(f, p, &g->name, &g->value, g->line, errs);
		for (const struct rc_expect *x = c->expect; x; x = x->next)
			if (x->kind == RC_TXN)
				n += check_txn(f, p, &x->text, &x->value, x->line, errs);
	}
	return n;
}

/* ---- formatting --------------------------------------------------------- */

static void quote(struct tdm_buf *b, const struct tdm_str *s)
{
	tdm_buf_append_ch(b, '"');
	for (size_t i = 0; i < s->len; i++) {
		unsigned char ch = (unsigned char)s->s[i];

		if (ch == '"' || ch == '\\')
			tdm_buf_printf(b, "\\%c", ch);
		else if (ch == '\n' || ch == '\t' || ch == '\r')
			tdm_buf_printf(b, "\\%c", ch == '\n' ? 'n' : ch == '\t' ? 't' : 'r');
		else if (ch < 0x20 || ch == 0x7f)
			tdm_buf_printf(b, "\\x%02x", ch);
		else
			tdm_buf_append_ch(b, (char)ch);
	}
	tdm_buf_append_ch(b, '"');
}

static void match_text(struct tdm_buf *b, const struct rc_match *m)
{
	struct tdm_str s = { m->text, m->len };

	if (m->re)
		tdm_buf_printf(b, "/%.*s/", TDM_STR_FMT(&s));
	else
		quote(b, &s);
}

static void value_text(struct tdm_buf *b, const struct tdm_value *v)
{
	switch (v->type) {
	case TDM_T_STR:
		quote(b, &v->u.s);
		break;
	case TDM_T_INT:
		tdm_buf_printf(b, "%lld", (long long)v->u.i);
		break;
	case TDM_T_BOOL:
		tdm_buf_append_c(b, v->u.b ? "true" : "false");
		break;
	default:
		tdm_buf_printf(b, "(%s)", tdm_type_name(v->type));
	}
}

static const char *action_name(enum tdm_scr_action a)
{
	static const char *const names[] = { "none", "reply", "relay", "forward", "drop" };

	return (unsigned)a < TDM_ARRAY_SIZE(names) ? names[a] : "?";
}

/* Where a relay or forward goes: the explicit URI, else the R-URI. */
static struct tdm_str effective_target(const struct tdm_scr_ctx *x)
{
	return x->decision.target.len ? x->decision.target : x->ruri;
}

static void got_action(struct tdm_buf *b, const struct tdm_scr_ctx *x)
{
	const struct tdm_scr_decision *d = &x->decision;
	struct tdm_str t = effective_target(x);

	tdm_buf_append_c(b, action_name(d->action));
	if (d->action == TDM_SCR_ACT_REPLY) {
		tdm_buf_printf(b, " %u ", d->code);
		quote(b, &d->reason);
	} else if (d->action == TDM_SCR_ACT_RELAY || d->action == TDM_SCR_ACT_FORWARD) {
		tdm_buf_printf(b, " to %.*s", TDM_STR_FMT(&t));
	} else if (d->action == TDM_SCR_ACT_NONE) {
		tdm_buf_append_c(b, " (the route ended without an action)");
	}
}

static void want_action(struct tdm_buf *b, const struct rc_expect *e)
{
	tdm_buf_append_c(b, action_name(e->action));
	if (e->action == TDM_SCR_ACT_REPLY) {
		tdm_buf_printf(b, " %u", e->code);
		if (e->has_reason) {
			tdm_buf_append_ch(b, ' ');
			quote(b, &e->reason);
		}
	} else if (e->has_target) {
		tdm_buf_printf(b, " to %.*s", TDM_STR_FMT(&e->text));
	}
}

/* ---- the diff ------------------------------------------------------------ */

/* Appends text, one line at a time: the first after `head`, the others
 * at column `indent`. */
static void lines(struct tdm_buf *out, int first_indent, int indent,
		  const char *head, const struct tdm_buf *text)
{
	struct tdm_str rest = { text->data ? text->data : "", text->len };

	for (bool first = true; first || rest.len; first = false) {
		long nl = tdm_str_chr(&rest, '\n');
		size_t n = nl < 0 ? rest.len : (size_t)nl;

		tdm_buf_printf(out, "%*s%-9s%.*s\n", first ? first_indent : indent,
			       "", first ? head : "",
			       (int)n, rest.s);
		rest.s += nl < 0 ? n : n + 1;
		rest.len -= nl < 0 ? n : n + 1;
	}
}

/* Writes one mismatch: the expectation (want) and what happened (got);
 * either may hold several lines.
 *     file.cases:12: expected reply 404 "Not Found"
 *                    got      relay to sip:bob@example.com */
static void mismatch(struct run *r, const struct rc_expect *e,
		     const struct tdm_buf *want, const struct tdm_buf *got)
{
	int w = snprintf(NULL, 0, "    %s:%u: ", r->f->path, e->line);

	r->failed++;
	tdm_buf_printf(r->out, "    %s:%u: ", r->f->path, e->line);
	lines(r->out, 0, w, "expected", want);
	lines(r->out, w, w, "got", got);
}

static bool hdr_name_is(const struct tdm_sip_hdr *h, const struct tdm_str *name)
{
	enum tdm_sip_hdr_id id = tdm_sip_hdr_id(name);

	return id != TDM_HDR_OTHER ? h->id == id : tdm_str_caseeq(&h->name, name);
}

static bool same_hdr(const struct tdm_sip_hdr *a, const struct tdm_sip_hdr *b)
{
	bool name = a->id != TDM_HDR_OTHER ? a->id == b->id
					   : tdm_str_caseeq(&a->name, &b->name);

	return name && tdm_str_eq(&a->value, &b->value);
}

static void hdr_list(struct tdm_buf *b, const struct tdm_sip_hdr **h, unsigned n,
		     const char *what)
{
	if (!n)
		tdm_buf_printf(b, "no headers %s", what);
	for (unsigned i = 0; i < n; i++) {
		tdm_buf_printf(b, "%sheader %s %.*s: ", i ? "\n" : "", what,
			       TDM_STR_FMT(&h[i]->name));
		quote(b, &h[i]->value);
	}
}

static void log_list(struct tdm_buf *b, const struct tdm_scr_logline *l)
{
	if (!l)
		tdm_buf_append_c(b, "no log lines");
	for (; l; l = l->next) {
		tdm_buf_printf(b, "log %s ", tdm_log_level_name(l->level));
		quote(b, &l->text);
		if (l->next)
			tdm_buf_append_ch(b, '\n');
	}
}

static void branch_list(struct tdm_buf *b, const struct tdm_scr_branch *br)
{
	if (!br)
		tdm_buf_append_c(b, "no branches");
	for (; br; br = br->next)
		tdm_buf_printf(b, "branch %.*s%s", TDM_STR_FMT(&br->uri),
			       br->next ? "\n" : "");
}

/* One "Name: value" line of a reply's extra headers at *rest (moved on);
 * false at the end. */
static bool next_reply_hdr(struct tdm_str *rest, struct tdm_str *name,
			   struct tdm_str *value)
{
	long eol = tdm_str_chr(rest, '\n'), colon;
	struct tdm_str line;

	if (!rest->len)
		return false;
	line = tdm_str_sub(rest, 0, eol < 0 ? rest->len : (size_t)eol);
	rest->s += eol < 0 ? rest->len : (size_t)eol + 1;
	rest->len -= eol < 0 ? rest->len : (size_t)eol + 1;
	colon = tdm_str_chr(&line, ':');
	if (colon < 0)
		colon = (long)line.len;
	*name = tdm_str_trim(tdm_str_sub(&line, 0, (size_t)colon));
	*value = (size_t)colon < line.len ?
		 tdm_str_trim(tdm_str_sub(&line, (size_t)colon + 1,
					  line.len - (size_t)colon - 1)) :
		 (struct tdm_str){ "", 0 };
	return true;
}

static bool name_eq(const struct tdm_str *a, const struct tdm_str *b)
{
	enum tdm_sip_hdr_id ia = tdm_sip_hdr_id(a), ib = tdm_sip_hdr_id(b);

	return ia != TDM_HDR_OTHER ? ia == ib : tdm_str_caseeq(a, b);
}

static bool check_reply_hdr(const struct run *r, const struct rc_expect *e)
{
	struct tdm_str rest = r->x.decision.reply_hdrs, n, v;

	if (r->x.decision.action != TDM_SCR_ACT_REPLY)
		return false;
	while (next_reply_hdr(&rest, &n, &v))
		if (name_eq(&n, &e->text) && (!e->has_match || rc_match(&e->match, &v)))
			return true;
	return false;
}

static void reply_hdr_list(struct tdm_buf *b, const struct tdm_scr_decision *d)
{
	struct tdm_str rest = d->reply_hdrs, n, v;
	bool any = false;

	while (next_reply_hdr(&rest, &n, &v)) {
		tdm_buf_printf(b, "%sreply header %.*s: ", any ? "\n" : "",
			       TDM_STR_FMT(&n));
		quote(b, &v);
		any = true;
	}
	if (!any)
		tdm_buf_append_c(b, "no reply headers");
}

/* The destinations as tdm_scr_set_targets() left them: the Request-URI
 * (with its hop) first, then the branches. */
static void target_text(struct tdm_buf *b, const struct tdm_str *uri,
			const struct tdm_scr_hop *h)
{
	tdm_buf_printf(b, "target %.*s", TDM_STR_FMT(uri));
	if (h->dst.len)
		tdm_buf_printf(b, " dst %.*s", TDM_STR_FMT(&h->dst));
	if (h->path.len) {
		tdm_buf_append_c(b, " path ");
		quote(b, &h->path);
	}
	if (h->conn_id)
		tdm_buf_printf(b, " conn %llu", (unsigned long long)h->conn_id);
	if (h->q >= 0 && (h->dst.len || h->path.len || h->conn_id || h->q))
		tdm_buf_printf(b, " q %d", h->q);
}

static bool target_eq(const struct rc_expect *e, const struct tdm_str *uri,
		      const struct tdm_scr_hop *h)
{
	return tdm_str_eq(uri, &e->text) &&
	       (!e->has_dst || tdm_str_eq(&h->dst, &e->dst)) &&
	       (!e->has_path || tdm_str_eq(&h->path, &e->path)) &&
	       (!e->has_conn || h->conn_id == e->conn_id) &&
	       (!e->has_q || h->q == e->q);
}

static void check_targets(struct run *r, const struct rc_expect *first)
{
	const struct tdm_scr_decision *d = &r->x.decision;
	static const struct tdm_scr_hop none = { .q = -1 };
	const struct tdm_scr_branch *br = d->branches;
	struct tdm_buf want = TDM_BUF_INIT, got = TDM_BUF_INIT;
	bool ok = true, at_ruri = true;

	for (const struct rc_expect *e = first; e; e = e->next) {
		if (e->kind != RC_TARGET)
			continue;
		if (at_ruri) {
			ok = target_eq(e, &r->x.ruri, d->targets_set ? &d->ruri_hop : &none);
			at_ruri = false;
		} else {
			ok = ok && br && target_eq(e, &br->uri, &br->hop);
			br = br ? br->next : NULL;
		}
		tdm_buf_printf(&want, "%starget %.*s", want.len ? "\n" : "",
			       TDM_STR_FMT(&e->text));
		if (e->has_dst)
			tdm_buf_printf(&want, " dst %.*s", TDM_STR_FMT(&e->dst));
		if (e->has_path) {
			tdm_buf_append_c(&want, " path ");
			quote(&want, &e->path);
		}
		if (e->has_conn)
			tdm_buf_printf(&want, " conn %llu", (unsigned long long)e->conn_id);
		if (e->has_q)
			tdm_buf_printf(&want, " q %d", e->q);
	}
	if (ok && !br) {
		tdm_buf_free(&want);
		return;
	}
	target_text(&got, &r->x.ruri, d->targets_set ? &d->ruri_hop : &none);
	for (br = d->branches; br; br = br->next) {
		tdm_buf_append_ch(&got, '\n');
		target_text(&got, &br->uri, &br->hop);
	}
	mismatch(r, first, &want, &got);
	tdm_buf_free(&want);
	tdm_buf_free(&got);
}

/* ---- one expectation ----------------------------------------------------- */

static bool check_action(const struct run *r, const struct rc_expect *e)
{
	const struct tdm_scr_decision *d = &r->x.decision;
	struct tdm_str t = effective_target(&r->x);

	if (d->action != e->action)
		return false;
	if (e->action == TDM_SCR_ACT_REPLY)
		return d->code == e->code &&
		       (!e->has_reason || tdm_str_eq(&d->reason, &e->reason));
	return !e->has_target || tdm_str_eq(&t, &e->text);
}

/* Log expectations match distinct lines, in order: *from is the first
 * line still free. */
static bool check_log(const struct rc_expect *e, const struct tdm_scr_logline **from)
{
	for (const struct tdm_scr_logline *l = *from; l; l = l->next)
		if (l->level == e->level && rc_match(&e->match, &l->text)) {
			*from = l->next;
			return true;
		}
	return false;
}

static bool check_added(const struct run *r, const struct rc_expect *e)
{
	for (unsigned i = 0; i < r->hd.nadded; i++)
		if (hdr_name_is(r->hd.added[i], &e->text) &&
		    (!e->has_match || rc_match(&e->match, &r->hd.added[i]->value)))
			return true;
	return false;
}

static bool check_removed(const struct run *r, const struct rc_expect *e)
{
	for (unsigned i = 0; i < r->hd.nremoved; i++)
		if (hdr_name_is(r->hd.removed[i], &e->text))
			return true;
	return false;
}

static bool check_txn_value(const struct run *r, const struct rc_expect *e,
			    const struct tdm_value **got)
{
	int i = txn_index(r->p, &e->text);
	const struct tdm_value *v;

	if (i < 0 || !r->x.txn_vars)
		return false;
	v = *got = &r->x.txn_vars[i];
	switch (e->value.type) {
	case TDM_T_STR: return v->type == TDM_T_STR && tdm_str_eq(&v->u.s, &e->value.s);
	case TDM_T_INT: return v->type == TDM_T_INT && v->u.i == e->value.i;
	case TDM_T_BOOL: return v->type == TDM_T_BOOL && v->u.b == e->value.b;
	default: return false;
	}
}

/* The branch expectations of a case, together: the list must be exactly
 * theirs, in order. Checked once, at the first of them. */
static void check_branches(struct run *r, const struct rc_expect *first)
{
	const struct tdm_scr_branch *br = r->x.decision.branches;
	struct tdm_buf want = TDM_BUF_INIT, got = TDM_BUF_INIT;
	bool ok = true;

	for (const struct rc_expect *e = first; e; e = e->next) {
		if (e->kind != RC_BRANCH)
			continue;
		ok = ok && br && tdm_str_eq(&br->uri, &e->text);
		br = br ? br->next : NULL;
		tdm_buf_printf(&want, "%sbranch %.*s", want.len ? "\n" : "",
			       TDM_STR_FMT(&e->text));
	}
	if (ok && !br) {
		tdm_buf_free(&want);
		return;
	}
	branch_list(&got, r->x.decision.branches);
	mismatch(r, first, &want, &got);
	tdm_buf_free(&want);
	tdm_buf_free(&got);
}

static void check_one(struct run *r, const struct rc_expect *e,
		      const struct tdm_scr_logline **logs, bool *branches_done,
		      bool *targets_done)
{
	const struct tdm_scr_decision *d = &r->x.decision;
	struct tdm_buf want = TDM_BUF_INIT, got = TDM_BUF_INIT;
	const struct tdm_value *v = NULL;
	bool ok = true;

	switch (e->kind) {
	case RC_ACTION:
		if (!(ok = check_action(r, e))) {
			want_action(&want, e);
			got_action(&got, &r->x);
		}
		break;
	case RC_RURI:
		if (!(ok = tdm_str_eq(&r->x.ruri, &e->text))) {
			tdm_buf_printf(&want, "Request-URI %.*s", TDM_STR_FMT(&e->text));
			tdm_buf_printf(&got, "Request-URI %.*s", TDM_STR_FMT(&r->x.ruri));
		}
		break;
	case RC_RURI_UNCHANGED:
		if (!(ok = !r->x.ruri_changed)) {
			tdm_buf_append_c(&want, "Request-URI unchanged");
			tdm_buf_printf(&got, "Request-URI changed to %.*s",
				       TDM_STR_FMT(&r->x.ruri));
		}
		break;
	case RC_RECORD_ROUTE:
		if (!(ok = d->record_route == e->yes)) {
			tdm_buf_printf(&want, "record-route %s", e->yes ? "yes" : "no");
			tdm_buf_printf(&got, "record-route %s", d->record_route ? "yes" : "no");
		}
		break;
	case RC_BRANCH:
		if (!*branches_done)
			check_branches(r, e);
		*branches_done = true;
		break;
	case RC_TARGET:
		if (!*targets_done)
			check_targets(r, e);
		*targets_done = true;
		break;
	case RC_REPLY_HDR:
		if (!(ok = check_reply_hdr(r, e))) {
			tdm_buf_printf(&want, "reply header %.*s", TDM_STR_FMT(&e->text));
			if (e->has_match) {
				tdm_buf_append_c(&want, ": ");
				match_text(&want, &e->match);
			}
			reply_hdr_list(&got, d);
		}
		break;
	case RC_REPLY_BODY:
		if (!(ok = d->action == TDM_SCR_ACT_REPLY &&
			   rc_match(&e->match, &d->reply_body))) {
			tdm_buf_append_c(&want, "reply body ");
			match_text(&want, &e->match);
			tdm_buf_append_c(&got, "reply body ");
			quote(&got, &d->reply_body);
		}
		break;
	case RC_NO_BRANCHES:
		if (!(ok = !d->branches)) {
			tdm_buf_append_c(&want, "no branches");
			branch_list(&got, d->branches);
		}
		break;
	case RC_HDR_ADDED:
		if (!(ok = check_added(r, e))) {
			tdm_buf_printf(&want, "header added %.*s", TDM_STR_FMT(&e->text));
			if (e->has_match) {
				tdm_buf_append_c(&want, ": ");
				match_text(&want, &e->match);
			}
			hdr_list(&got, r->hd.added, r->hd.nadded, "added");
		}
		break;
	case RC_HDR_REMOVED:
		if (!(ok = check_removed(r, e))) {
			tdm_buf_printf(&want, "header removed %.*s", TDM_STR_FMT(&e->text));
			hdr_list(&got, r->hd.removed, r->hd.nremoved, "removed");
		}
		break;
	case RC_HDRS_UNCHANGED:
		if (!(ok = !r->hd.nadded && !r->hd.nremoved)) {
			tdm_buf_append_c(&want, "headers unchanged");
			hdr_list(&got, r->hd.added, r->hd.nadded, "added");
			tdm_buf_append_ch(&got, '\n');
			hdr_list(&got, r->hd.removed, r->hd.nremoved, "removed");
		}
		break;
	case RC_LOG:
		if (!(ok = check_log(e, logs))) {
			tdm_buf_printf(&want, "log %s ", tdm_log_level_name(e->level));
			match_text(&want, &e->match);
			log_list(&got, d->logs);
		}
		break;
	case RC_NO_LOGS:
		if (!(ok = !d->logs)) {
			tdm_buf_append_c(&want, "no log lines");
			log_list(&got, d->logs);
		}
		break;
	case RC_TXN:
		if (!(ok = check_txn_value(r, e, &v))) {
			struct tdm_value w = { .type = e->value.type };

			w.u.s = e->value.s;
			if (w.type == TDM_T_INT)
				w.u.i = e->value.i;
			else if (w.type == TDM_T_BOOL)
				w.u.b = e->value.b;
			tdm_buf_printf(&want, "txn.%.*s = ", TDM_STR_FMT(&e->text));
			value_text(&want, &w);
			tdm_buf_printf(&got, "txn.%.*s = ", TDM_STR_FMT(&e->text));
			if (v)
				value_text(&got, v);
			else
				tdm_buf_append_c(&got, "(not set)");
		}
		break;
	}
	if (!ok)
		mismatch(r, e, &want, &got);
	tdm_buf_free(&want);
	tdm_buf_free(&got);
}

/* ---- running ---------------------------------------------------------------- */

/* Added = in the built message and not (one for one) in the original;
 * removed = the other way round. A changed value shows as both. */
static int diff_headers(struct run *r)
{
	bool reply_route = r->c->route == TDM_ROUTE_REPLY;
	struct tdm_sip_msg *orig = reply_route ? r->resp : r->req;
	struct tdm_sip_edits *e = reply_route ? r->x.reply_edits : r->x.edits;
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_sip_hdr *nh;
	bool *used;
	int rc;

	if (!e)
		return 0;
	if ((rc = tdm_sip_build(orig, &e, 1, &b)) ||
	    (rc = tdm_sip_msg_parse(&r->hd.built, NULL, b.data, b.len, NULL, NULL))) {
		tdm_buf_free(&b);
		return rc;
	}
	tdm_buf_free(&b);
	nh = r->hd.built->hdrs;
	used = calloc(orig->hdr_count + 1, sizeof(*used));
	r->hd.added = calloc(r->hd.built->hdr_count + 1, sizeof(*r->hd.added));
	r->hd.removed = calloc(orig->hdr_count + 1, sizeof(*r->hd.removed));
	if (!used || !r->hd.added || !r->hd.removed) {
		free(used);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < r->hd.built->hdr_count; i++) {
		uint32_t j;

		for (j = 0; j < orig->hdr_count; j++)
			if (!used[j] && same_hdr(&orig->hdrs[j], &nh[i]))
				break;
		if (j < orig->hdr_count)
			used[j] = true;
		else
			r->hd.added[r->hd.nadded++] = &nh[i];
	}
	for (uint32_t j = 0; j < orig->hdr_count; j++)
		if (!used[j])
			r->hd.removed[r->hd.nremoved++] = &orig->hdrs[j];
	free(used);
	return 0;
}

/* Transaction variables: the script's defaults, then the case's given. */
static int set_txn(struct run *r)
{
	struct tdm_value *v;

	if (!r->p->ntxn)
		return 0;
	v = tdm_arena_alloc(r->req->arena, r->p->ntxn * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (unsigned i = 0; i < r->p->ntxn; i++)
		v[i] = r->p->txn[i].def;
	for (const struct rc_given *g = r->c->given; g; g = g->next) {
		int i = txn_index(r->p, &g->name);

		if (i < 0) /* rc_file_check() reported it */
			continue;
		v[i].type = g->value.type;
		v[i].u.s = g->value.s;
		if (g->value.type == TDM_T_INT)
			v[i].u.i = g->value.i;
		else if (g->value.type == TDM_T_BOOL)
			v[i].u.b = g->value.b;
	}
	r->x.txn_vars = v;
	return 0;
}

static int parse(const struct rc_msg *m, struct tdm_sip_msg **out)
{
	*out = NULL;
	return m->data ? tdm_sip_msg_parse(out, NULL, m->data, m->len, NULL, NULL) : 0;
}

int rc_case_run(const struct rc_file *f, const struct rc_case *c,
		const struct tdm_scr_program *p, struct tdm_buf *diff,
		bool *run_error)
{
	struct run r = { .f = f, .c = c, .p = p, .out = diff };
	const struct tdm_scr_logline *logs;
	bool branches_done = false, targets_done = false;
	int rc;

	*run_error = false;
	/* The messages parsed when the file was read; this cannot fail
	 * short of memory. */
	if ((rc = parse(&c->request, &r.req)) || (rc = parse(&c->response, &r.resp)))
		goto out;
	tdm_scr_ctx_init(&r.x, c->route, r.req, r.resp, &c->source);
	r.x.net = c->net;
	r.x.keep_logs = true;
	if ((rc = set_txn(&r)))
		goto out;
	r.run_rc = tdm_scr_run(p, c->route, &r.x);
	*run_error = r.run_rc < 0;
	if (r.run_rc == -ENOMEM) {
		rc = r.run_rc;
		goto out;
	}
	if ((rc = diff_headers(&r)))
		goto out;
	logs = r.x.decision.logs;
	for (const struct rc_expect *e = c->expect; e; e = e->next)
		check_one(&r, e, &logs, &branches_done, &targets_done);
	if (r.failed && r.run_rc < 0)
		tdm_buf_printf(diff, "    the %s route stopped with a run-time error: %s\n",
			       tdm_route_type_name(c->route), tdm_strerror(r.run_rc));
	rc = r.failed ? 0 : 1;
out:
	free(r.hd.added);
	free(r.hd.removed);
	if (r.hd.built)
		tdm_sip_msg_free(r.hd.built);
	if (r.resp)
		tdm_sip_msg_free(r.resp);
	if (r.req)
		tdm_sip_msg_free(r.req);
	return rc;
}
