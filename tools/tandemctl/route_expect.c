/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl route test: the expect lines of a case file (the table of
 * docs/routing-tests.md, "Expectations"). Each line becomes one
 * struct rc_expect, appended to the case in file order. */
#include <errno.h>
#include <string.h>
#include <tandem/tandem.h>
#include "route_read.h"

static int add_expect(struct rc_reader *r, enum rc_kind kind, struct rc_expect **out)
{
	struct rc_expect *x = tdm_arena_zalloc(r->a, sizeof(*x)), **pp;

	if (!x)
		return -ENOMEM;
	x->kind = kind;
	x->line = r->lineno;
	for (pp = &r->cur->expect; *pp; pp = &(*pp)->next)
		;
	*pp = x;
	*out = x;
	return 0;
}

/* reply CODE ["REASON"] | relay [to URI] | forward [to URI] | drop | none */
static int expect_action(struct rc_reader *r, const struct rc_tok *verb)
{
	static const struct { const char *name; enum tdm_scr_action act; } acts[] = {
		{ "reply", TDM_SCR_ACT_REPLY }, { "relay", TDM_SCR_ACT_RELAY },
		{ "forward", TDM_SCR_ACT_FORWARD }, { "drop", TDM_SCR_ACT_DROP },
		{ "none", TDM_SCR_ACT_NONE },
	};
	struct rc_expect *x;
	uint64_t code;
	struct rc_tok t;
	int rc;

	for (x = r->cur->expect; x; x = x->next)
		if (x->kind == RC_ACTION) {
			rc_err(r, r->lineno, "second action for this case (the first is "
			    "at line %u)", x->line);
			return -EBADMSG;
		}
	if ((rc = add_expect(r, RC_ACTION, &x)))
		return rc;
	for (size_t i = 0; i < TDM_ARRAY_SIZE(acts); i++)
		if (rc_tok_is(verb, acts[i].name))
			x->action = acts[i].act;
	if (x->action == TDM_SCR_ACT_REPLY) {
		if ((rc = rc_next_tok(r, &t)))
			return rc;
		if (t.kind != T_WORD) {
			rc_err(r, r->lineno, "missing status code: expect reply CODE [\"REASON\"]");
			return -EBADMSG;
		}
		if ((rc = rc_number(r, &t.s, 100, 699, "status code", &code)))
			return rc;
		x->code = (unsigned)code;
		if ((rc = rc_next_tok(r, &t)))
			return rc;
		if (t.kind == T_STR) {
			x->has_reason = true;
			x->reason = t.s;
		} else if (t.kind != T_END) {
			rc_err(r, r->lineno, "the reason must be quoted: expect reply %u \"%.*s\"",
			    x->code, TDM_STR_FMT(&t.s));
			return -EBADMSG;
		}
		return t.kind == T_END ? 0 : rc_end_of_line(r, "the reason");
	}
	if (x->action == TDM_SCR_ACT_RELAY || x->action == TDM_SCR_ACT_FORWARD) {
		if ((rc = rc_next_tok(r, &t)) || t.kind == T_END)
			return rc;
		if (!rc_tok_is(&t, "to")) {
			rc_err(r, r->lineno, "expected 'to URI' after %.*s, got '%.*s'",
			    TDM_STR_FMT(&verb->s), TDM_STR_FMT(&t.s));
			return -EBADMSG;
		}
		x->has_target = true;
		if ((rc = rc_word(r, "URI after 'to'", &x->text)))
			return rc;
	}
	return rc_end_of_line(r, "the action");
}

/* A header name, with or without its colon. */
static int hdr_name(struct rc_reader *r, struct rc_expect *x)
{
	int rc = rc_word(r, "header name", &x->text);

	if (!rc && x->text.len && x->text.s[x->text.len - 1] == ':')
		x->text.len--;
	if (!rc && !x->text.len) {
		rc_err(r, r->lineno, "missing header name");
		return -EBADMSG;
	}
	return rc;
}

/* A text that must follow: "exact" or /pattern/. */
static int match(struct rc_reader *r, struct rc_expect *x, bool optional)
{
	struct rc_tok t;
	int rc;

	r->re_ok = true;
	rc = rc_next_tok(r, &t);
	r->re_ok = false;
	if (rc)
		return rc;
	if (t.kind == T_END && optional)
		return 0;
	if (t.kind != T_STR && t.kind != T_RE) {
		rc_err(r, r->lineno, "expected a \"text\" or a /pattern/%s%.*s",
		    t.kind == T_END ? "" : ", got ", TDM_STR_FMT(&t.s));
		return -EBADMSG;
	}
	x->has_match = true;
	if ((rc = rc_compile_re(r, &t, &x->match)))
		return rc;
	return rc_end_of_line(r, "the text");
}

/* The word after a kind that takes one fixed argument. */
static int keyword_arg(struct rc_reader *r, const char *kind, const char *a,
		       const char *b, bool *is_a)
{
	struct rc_tok t;
	int rc = rc_next_tok(r, &t);

	if (rc)
		return rc;
	if (rc_tok_is(&t, a) || (b && rc_tok_is(&t, b))) {
		*is_a = rc_tok_is(&t, a);
		return rc_end_of_line(r, kind);
	}
	if (b)
		rc_err(r, r->lineno, "expected '%s %s' or '%s %s'", kind, a, kind, b);
	else
		rc_err(r, r->lineno, "expected '%s %s'", kind, a);
	return -EBADMSG;
}

/* target URI [dst URI] [path "P"] [conn ID] [q Q] */
static int expect_target(struct rc_reader *r)
{
	struct rc_expect *x;
	struct rc_tok t;
	uint64_t v;
	struct tdm_str w;
	int rc;

	if ((rc = add_expect(r, RC_TARGET, &x)) ||
	    (rc = rc_word(r, "target URI", &x->text)))
		return rc;
	for (;;) {
		if ((rc = rc_next_tok(r, &t)))
			return rc;
		if (t.kind == T_END)
			return 0;
		if (rc_tok_is(&t, "dst")) {
			x->has_dst = true;
			rc = rc_word(r, "URI after 'dst'", &x->dst);
		} else if (rc_tok_is(&t, "path")) {
			x->has_path = true;
			rc = rc_word(r, "\"Path\" after 'path'", &x->path);
		} else if (rc_tok_is(&t, "conn")) {
			x->has_conn = true;
			if (!(rc = rc_word(r, "connection id after 'conn'", &w)))
				rc = rc_number(r, &w, 0, UINT64_MAX, "connection id",
					       &x->conn_id);
		} else if (rc_tok_is(&t, "q")) {
			x->has_q = true;
			if (!(rc = rc_word(r, "q after 'q' (0 to 1000, or none)", &w))) {
				if (tdm_str_eq_c(&w, "none"))
					x->q = -1;
				else if (!(rc = rc_number(r, &w, 0, 1000, "q", &v)))
					x->q = (int)v;
			}
		} else {
			rc_err(r, r->lineno, "unexpected '%.*s' after the target URI "
			    "(dst URI, path \"P\", conn ID, q Q)", TDM_STR_FMT(&t.s));
			return -EBADMSG;
		}
		if (rc)
			return rc;
	}
}

int rc_kw_expect(struct rc_reader *r)
{
	struct rc_expect *x;
	struct rc_tok t;
	bool yes;
	int rc;

	if ((rc = rc_next_tok(r, &t)))
		return rc;
	if (rc_tok_is(&t, "reply") || rc_tok_is(&t, "relay") || rc_tok_is(&t, "forward") ||
	    rc_tok_is(&t, "drop") || rc_tok_is(&t, "none"))
		return expect_action(r, &t);
	if (rc_tok_is(&t, "ruri")) {
		if ((rc = add_expect(r, RC_RURI, &x)) ||
		    (rc = rc_word(r, "Request-URI (or unchanged)", &x->text)))
			return rc;
		if (tdm_str_eq_c(&x->text, "unchanged"))
			x->kind = RC_RURI_UNCHANGED;
		return rc_end_of_line(r, "the Request-URI");
	}
	if (rc_tok_is(&t, "record-route")) {
		if ((rc = add_expect(r, RC_RECORD_ROUTE, &x)) ||
		    (rc = keyword_arg(r, "record-route", "yes", "no", &yes)))
			return rc;
		x->yes = yes;
		return 0;
	}
	if (rc_tok_is(&t, "branch")) {
		if ((rc = add_expect(r, RC_BRANCH, &x)) ||
		    (rc = rc_word(r, "branch URI", &x->text)))
			return rc;
		return rc_end_of_line(r, "the branch URI");
	}
	if (rc_tok_is(&t, "branches"))
		return (rc = add_expect(r, RC_NO_BRANCHES, &x)) ? rc :
		       keyword_arg(r, "branches", "none", NULL, &yes);
	if (rc_tok_is(&t, "header-added"))
		return (rc = add_expect(r, RC_HDR_ADDED, &x)) || (rc = hdr_name(r, x)) ?
		       rc : match(r, x, true);
	if (rc_tok_is(&t, "header-removed"))
		return (rc = add_expect(r, RC_HDR_REMOVED, &x)) || (rc = hdr_name(r, x)) ?
		       rc : rc_end_of_line(r, "the header name");
	if (rc_tok_is(&t, "headers"))
		return (rc = add_expect(r, RC_HDRS_UNCHANGED, &x)) ? rc :
		       keyword_arg(r, "headers", "unchanged", NULL, &yes);
	if (rc_tok_is(&t, "logs"))
		return (rc = add_expect(r, RC_NO_LOGS, &x)) ? rc :
		       keyword_arg(r, "logs", "none", NULL, &yes);
	if (rc_tok_is(&t, "log")) {
		struct tdm_str lv;

		if ((rc = add_expect(r, RC_LOG, &x)) ||
		    (rc = rc_word(r, "log level", &lv)))
			return rc;
		x->level = tdm_log_level_parse(lv.s);
		if (x->level < 0) {
			rc_err(r, r->lineno, "unknown log level '%s' (error, warn, notice, "
			    "info, debug)", lv.s);
			return -EBADMSG;
		}
		return match(r, x, false);
	}
	if (rc_tok_is(&t, "reply-header"))
		return (rc = add_expect(r, RC_REPLY_HDR, &x)) || (rc = hdr_name(r, x)) ?
		       rc : match(r, x, true);
	if (rc_tok_is(&t, "reply-body"))
		return (rc = add_expect(r, RC_REPLY_BODY, &x)) ? rc : match(r, x, false);
	if (rc_tok_is(&t, "target"))
		return expect_target(r);
	if (t.kind == T_WORD && t.s.len > 4 && !memcmp(t.s.s, "txn.", 4))
		return (rc = add_expect(r, RC_TXN, &x)) ? rc :
		       rc_txn_assign(r, &t, &x->text, &x->value);
	rc_err(r, r->lineno, "unknown expectation '%.*s' (reply, relay, forward, drop, "
	    "none, ruri, record-route, branch, branches, header-added, "
	    "header-removed, headers, log, logs, txn.NAME, reply-header, reply-body, "
	    "target)", TDM_STR_FMT(&t.s));
	return -EBADMSG;
}

