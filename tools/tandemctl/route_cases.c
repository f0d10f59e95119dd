/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl route test: reads a case file (docs/routing-tests.md). One
 * keyword per line; every mistake is reported as "file:line: message"
 * and the reading goes on, so one run lists all of a file's errors.
 * Messages are parsed here too: a message the SIP parser refuses could
 * never reach a script, so it is a mistake of the case file. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <tandem/tandem.h>
#include "route_cases.h"
#include "route_msg.h"
#include "route_read.h"

struct rc_regex {
	pcre2_code *code;
	struct rc_regex *next;
};

void rc_err(struct rc_reader *r, unsigned line, const char *fmt, ...)
{
	va_list ap;

	fprintf(r->errs, "%s:%u: ", r->path, line);
	va_start(ap, fmt);
	vfprintf(r->errs, fmt, ap);
	va_end(ap);
	fputc('\n', r->errs);
	r->errors++;
}

/* ---- lines and tokens ------------------------------------------------- */

/* Steps to the next line of the file; false at the end. */
static bool next_line(struct rc_reader *r)
{
	const char *nl;

	if (r->p >= r->end)
		return false;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	r->lp = r->p;
	r->le = nl ? nl : r->end;
	r->p = nl ? nl + 1 : r->end;
	if (r->le > r->lp && r->le[-1] == '\r')
		r->le--;
	r->lineno++;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Reads a "string" or /pattern/ ending at the next unescaped `q`. In a
 * string \" \\ \t and \n are escapes; in a pattern only \/ is ours (the
 * other backslashes belong to the regex). */
static int quoted(struct rc_reader *r, char q, struct rc_tok *t)
{
	char *out = tdm_arena_alloc(r->a, (size_t)(r->le - r->lp) + 1);
	size_t n = 0;

	if (!out)
		return -ENOMEM;
	for (r->lp++; r->lp < r->le; r->lp++) {
		char c = *r->lp;

		if (c == q) {
			r->lp++;
			t->s = (struct tdm_str){ out, n };
			return 0;
		}
		if (c == '\\' && r->lp + 1 < r->le) {
			char e = r->lp[1];

			if (q == '"' && (e == '"' || e == '\\' || e == 't' || e == 'n')) {
				c = e == 't' ? '\t' : e == 'n' ? '\n' : e;
				r->lp++;
			} else if (q == '/' && e == '/') {
				c = '/';
				r->lp++;
			}
		}
		out[n++] = c;
	}
	rc_err(r, r->lineno, "missing closing %c", q);
	return -EBADMSG;
}

/* The next token of the current line; a '#' starting a token ends the
 * line (a comment). A '/' starts a pattern only where one is expected,
 * so that a file name may be absolute. */
int rc_next_tok(struct rc_reader *r, struct rc_tok *t)
{
	const char *s;

	while (r->lp < r->le && is_space(*r->lp))
		r->lp++;
	t->s = TDM_STR_NULL;
	if (r->lp >= r->le || *r->lp == '#') {
		t->kind = T_END;
		return 0;
	}
	if (*r->lp == '"' || (*r->lp == '/' && r->re_ok)) {
		t->kind = *r->lp == '"' ? T_STR : T_RE;
		return quoted(r, *r->lp, t);
	}
	for (s = r->lp; r->lp < r->le && !is_space(*r->lp); r->lp++)
		;
	t->kind = T_WORD;
	t->s = (struct tdm_str){ s, (size_t)(r->lp - s) };
	return 0;
}

bool rc_tok_is(const struct rc_tok *t, const char *word)
{
	return t->kind == T_WORD && tdm_str_eq_c(&t->s, word);
}

/* The line must end here. */
int rc_end_of_line(struct rc_reader *r, const char *what)
{
	struct rc_tok t;
	int rc = rc_next_tok(r, &t);

	if (rc || t.kind == T_END)
		return rc;
	rc_err(r, r->lineno, "unexpected '%.*s' after %s", TDM_STR_FMT(&t.s), what);
	return -EBADMSG;
}

/* Reads a word (or a "string") into a NUL-terminated arena copy. */
int rc_word(struct rc_reader *r, const char *what, struct tdm_str *out)
{
	struct rc_tok t;
	int rc = rc_next_tok(r, &t);
	char *c;

	if (rc)
		return rc;
	if (t.kind != T_WORD && t.kind != T_STR) {
		rc_err(r, r->lineno, "missing %s", what);
		return -EBADMSG;
	}
	if (!(c = tdm_arena_strdup(r->a, &t.s)))
		return -ENOMEM;
	*out = (struct tdm_str){ c, t.s.len };
	return 0;
}

int rc_number(struct rc_reader *r, const struct tdm_str *s, uint64_t min,
		  uint64_t max, const char *what, uint64_t *out)
{
	if (tdm_str_to_u64(s, out) || *out < min || *out > max) {
		rc_err(r, r->lineno, "bad %s '%.*s' (%llu to %llu)", what,
		    TDM_STR_FMT(s), (unsigned long long)min,
		    (unsigned long long)max);
		return -EBADMSG;
	}
	return 0;
}

/* ---- values and patterns ---------------------------------------------- */

int rc_compile_re(struct rc_reader *r, const struct rc_tok *t, struct rc_match *m)
{
	struct rc_regex *re;
	PCRE2_UCHAR msg[128];
	PCRE2_SIZE off;
	int code;

	m->text = t->s.s;
	m->len = t->s.len;
	m->re = NULL;
	if (t->kind == T_STR)
		return 0;
	if (!(re = tdm_arena_zalloc(r->a, sizeof(*re))))
		return -ENOMEM;
	re->code = pcre2_compile((PCRE2_SPTR)t->s.s, t->s.len, 0, &code, &off, NULL);
	if (!re->code) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		rc_err(r, r->lineno, "bad pattern /%.*s/: %s at offset %zu",
		    TDM_STR_FMT(&t->s), (const char *)msg, (size_t)off);
		return -EBADMSG;
	}
	re->next = r->f->regexes;
	r->f->regexes = re;
	m->re = re;
	return 0;
}

int rc_match(const struct rc_match *m, const struct tdm_str *s)
{
	pcre2_match_data *md;
	int rc;

	if (!m->re)
		return s->len == m->len && !memcmp(s->s, m->text, m->len);
	md = pcre2_match_data_create_from_pattern(m->re->code, NULL);
	if (!md)
		return 0;
	rc = pcre2_match(m->re->code, (PCRE2_SPTR)(s->s ? s->s : ""), s->len,
			 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

/* A transaction variable value: "string", an integer, true or false. */
static int value(struct rc_reader *r, struct rc_value *v)
{
	struct rc_tok t;
	int rc = rc_next_tok(r, &t);
	bool neg;
	uint64_t u;

	if (rc)
		return rc;
	memset(v, 0, sizeof(*v));
	if (t.kind == T_STR) {
		v->type = TDM_T_STR;
		v->s = t.s;
		return 0;
	}
	if (rc_tok_is(&t, "true") || rc_tok_is(&t, "false")) {
		v->type = TDM_T_BOOL;
		v->b = rc_tok_is(&t, "true");
		return 0;
	}
	neg = t.kind == T_WORD && t.s.len > 1 && t.s.s[0] == '-';
	if (t.kind == T_WORD &&
	    !tdm_str_to_u64(&(struct tdm_str){ t.s.s + neg, t.s.len - neg }, &u) &&
	    u <= (uint64_t)INT64_MAX) {
		v->type = TDM_T_INT;
		v->i = neg ? -(int64_t)u : (int64_t)u;
		return 0;
	}
	rc_err(r, r->lineno, "bad value '%.*s' (a \"string\", an integer, true or false)",
	    TDM_STR_FMT(&t.s));
	return -EBADMSG;
}

/* "txn.NAME = VALUE" (the word already read). */
int rc_txn_assign(struct rc_reader *r, const struct rc_tok *t,
		      struct tdm_str *name, struct rc_value *v)
{
	struct rc_tok eq;
	int rc;

	if (t->s.len <= 4 || memcmp(t->s.s, "txn.", 4)) {
		rc_err(r, r->lineno, "expected txn.NAME, got '%.*s'", TDM_STR_FMT(&t->s));
		return -EBADMSG;
	}
	*name = (struct tdm_str){ t->s.s + 4, t->s.len - 4 };
	if ((rc = rc_next_tok(r, &eq)))
		return rc;
	if (!rc_tok_is(&eq, "=")) {
		rc_err(r, r->lineno, "expected '=' after %.*s", TDM_STR_FMT(&t->s));
		return -EBADMSG;
	}
	if ((rc = value(r, v)))
		return rc;
	return rc_end_of_line(r, "the value");
}

/* ---- inputs: route, source, messages ----------------------------------- */

/* The case being set up: the current one, or the file's defaults. */
static struct rc_case *target(struct rc_reader *r)
{
	return r->cur ? r->cur : &r->defaults;
}

static int kw_route(struct rc_reader *r)
{
	static const struct { const char *name; enum tdm_route_type rt; } types[] = {
		{ "request", TDM_ROUTE_REQUEST }, { "reply", TDM_ROUTE_REPLY },
		{ "failure", TDM_ROUTE_FAILURE }, { "branch", TDM_ROUTE_BRANCH },
	};
	struct rc_tok t;
	int rc = rc_next_tok(r, &t);

	if (rc)
		return rc;
	for (size_t i = 0; i < TDM_ARRAY_SIZE(types); i++)
		if (rc_tok_is(&t, types[i].name)) {
			target(r)->route = types[i].rt;
			return rc_end_of_line(r, "the route type");
		}
	rc_err(r, r->lineno, "unknown route '%.*s' (request, reply, failure, branch)",
	    TDM_STR_FMT(&t.s));
	return -EBADMSG;
}

/* After "source TRANSPORT IP [PORT]": [conn ID] [local IP PORT]
 * [listen N], in any order; t is the first token after the port. */
static int source_extras(struct rc_reader *r, struct tdm_scr_source_net *s,
			 struct rc_tok *t)
{
	unsigned char addr[16];
	struct tdm_str w;
	uint64_t v;
	int rc;

	for (; t->kind != T_END; ) {
		if (rc_tok_is(t, "conn")) {
			if ((rc = rc_word(r, "connection id after 'conn'", &w)) ||
			    (rc = rc_number(r, &w, 1, UINT64_MAX, "connection id", &v)))
				return rc;
			s->conn_id = v;
		} else if (rc_tok_is(t, "local")) {
			if ((rc = rc_word(r, "IP address after 'local'", &w)))
				return rc;
			if (inet_pton(AF_INET, w.s, addr) != 1 &&
			    inet_pton(AF_INET6, w.s, addr) != 1) {
				rc_err(r, r->lineno, "bad local IP address '%s'", w.s);
				return -EBADMSG;
			}
			s->local_ip = w;
			if ((rc = rc_word(r, "port after 'local IP'", &w)) ||
			    (rc = rc_number(r, &w, 1, 65535, "local port", &v)))
				return rc;
			s->local_port = (uint16_t)v;
		} else if (rc_tok_is(t, "listen")) {
			if ((rc = rc_word(r, "index after 'listen'", &w)) ||
			    (rc = rc_number(r, &w, 0, 1023, "listen index", &v)))
				return rc;
			s->listen_index = (unsigned)v;
		} else {
			rc_err(r, r->lineno, "unexpected '%.*s' in source (after the "
			    "port: conn ID, local IP PORT, listen N)",
			    TDM_STR_FMT(&t->s));
			return -EBADMSG;
		}
		if ((rc = rc_next_tok(r, t)))
			return rc;
	}
	return 0;
}

static int kw_source(struct rc_reader *r)
{
	static const char *const transports[] = { "udp", "tcp", "tls", "ws", "wss" };
	struct tdm_scr_source *s = &target(r)->source;
	struct tdm_str tr, ip;
	unsigned char addr[16];
	char *ipz;
	uint64_t port = 5060;
	bool known = false;
	struct rc_tok t;
	int rc;

	if ((rc = rc_word(r, "transport (udp, tcp, tls, ws, wss)", &tr)) ||
	    (rc = rc_word(r, "IP address", &ip)))
		return rc;
	for (size_t i = 0; i < TDM_ARRAY_SIZE(transports) && !known; i++)
		if ((known = tdm_str_caseeq_c(&tr, transports[i])))
			s->transport = tdm_str_c(transports[i]);
	if (!known) {
		rc_err(r, r->lineno, "unknown transport '%.*s' (udp, tcp, tls, ws, wss)",
		    TDM_STR_FMT(&tr));
		return -EBADMSG;
	}
	ipz = (char *)ip.s;
	if (ip.len > 2 && ipz[0] == '[' && ipz[ip.len - 1] == ']') {
		ipz[ip.len - 1] = '\0';
		ip = (struct tdm_str){ ++ipz, ip.len - 2 };
	}
	if (inet_pton(AF_INET, ipz, addr) != 1 && inet_pton(AF_INET6, ipz, addr) != 1) {
		rc_err(r, r->lineno, "bad IP address '%s'", ipz);
		return -EBADMSG;
	}
	s->ip = ip;
	target(r)->net = (struct tdm_scr_source_net){
		.proto = tdm_proto_parse(&s->transport) };
	if ((rc = rc_next_tok(r, &t)))
		return rc;
	if (t.kind == T_WORD && t.s.len && t.s.s[0] >= '0' && t.s.s[0] <= '9') {
		if ((rc = rc_number(r, &t.s, 1, 65535, "port", &port)) ||
		    (rc = rc_next_tok(r, &t)))
			return rc;
	}
	s->port = (uint16_t)port;
	return source_extras(r, &target(r)->net, &t);
}

/* The lines of an inline message, up to the line holding only `mark`. */
static int inline_msg(struct rc_reader *r, const struct tdm_str *mark,
		      struct rc_msg *m)
{
	unsigned start = r->lineno;
	const char *first = r->p;

	while (next_line(r)) {
		struct tdm_str l = tdm_str_trim((struct tdm_str){
			r->lp, (size_t)(r->le - r->lp) });

		if (tdm_str_eq(&l, mark))
			return rc_msg_from_text(r->a, first, (size_t)(r->lp - first),
						&m->data, &m->len);
	}
	rc_err(r, start, "no line '%.*s' closes this inline message",
	    TDM_STR_FMT(mark));
	return -EBADMSG;
}

/* Reads a fixture file named relative to the case file. */
static int fixture(struct rc_reader *r, const struct tdm_str *name,
		   struct rc_msg *m)
{
	const char *slash = strrchr(r->path, '/');
	struct tdm_buf path = TDM_BUF_INIT;
	int rc;

	if (name->s[0] != '/' && slash)
		tdm_buf_append(&path, r->path, (size_t)(slash - r->path + 1));
	tdm_buf_append_str(&path, name);
	tdm_buf_append_ch(&path, '\0');
	if (path.err) {
		tdm_buf_free(&path);
		return -ENOMEM;
	}
	rc = rc_msg_from_file(r->a, path.data, &m->data, &m->len);
	if (rc == -ENOMEM) {
		tdm_buf_free(&path);
		return rc;
	}
	if (rc == -EFBIG)
		rc_err(r, r->lineno, "%s: larger than %u bytes (the parser's limit)",
		    path.data, (unsigned)tdm_sip_default_limits.max_msg_size);
	else if (rc)
		rc_err(r, r->lineno, "%s: %s", path.data, strerror(-rc));
	tdm_buf_free(&path);
	return rc ? -EBADMSG : 0;
}

/* request FILE | request <<MARK (and the same for response): the message
 * is parsed now so that a broken one is reported at its line. */
static int kw_msg(struct rc_reader *r, bool is_request)
{
	const char *what = is_request ? "request" : "response";
	struct rc_msg *m = is_request ? &target(r)->request : &target(r)->response;
	struct tdm_sip_error e = { 0, NULL };
	struct tdm_sip_msg *msg = NULL;
	unsigned line = r->lineno;
	struct tdm_str arg;
	int rc;

	if (r->cur && m->in_case) {
		rc_err(r, line, "second %s for this case (the first is at line %u)",
		    what, m->line);
		return -EBADMSG;
	}
	/* Set even when the line is broken: the message is then not also
	 * reported as missing. */
	m->line = line;
	m->in_case = r->cur != NULL;
	if ((rc = rc_word(r, "FILE or <<MARK", &arg)))
		return rc;
	if (arg.len > 2 && !memcmp(arg.s, "<<", 2)) {
		arg.s += 2;
		arg.len -= 2;
		if ((rc = rc_end_of_line(r, "the inline message's end mark")) ||
		    (rc = inline_msg(r, &arg, m)))
			return rc;
	} else if ((rc = rc_end_of_line(r, "the file name")) ||
		   (rc = fixture(r, &arg, m))) {
		return rc;
	}
	rc = tdm_sip_msg_parse(&msg, NULL, m->data, m->len, NULL, &e);
	if (rc == -ENOMEM)
		return rc;
	if (rc)
		rc_err(r, line, "the %s does not parse: offset %u: %s", what,
		    e.offset, e.reason ? e.reason : strerror(-rc));
	else if (msg->is_request != is_request)
		rc_err(r, line, "the %s is a %s", what,
		    msg->is_request ? "request" : "response");
	if (msg)
		tdm_sip_msg_free(msg);
	return 0;
}

static int kw_request(struct rc_reader *r)
{
	return kw_msg(r, true);
}

static int kw_response(struct rc_reader *r)
{
	return kw_msg(r, false);
}

static int kw_database(struct rc_reader *r)
{
	rc_err(r, r->lineno, "database fixtures are not supported yet (the database "
	    "layer comes later); remove this line");
	r->lp = r->le;
	return -EBADMSG;
}

static int kw_given(struct rc_reader *r)
{
	struct rc_given *g, **pp;
	struct rc_tok t;
	int rc;

	if (!(g = tdm_arena_zalloc(r->a, sizeof(*g))))
		return -ENOMEM;
	g->line = r->lineno;
	if ((rc = rc_next_tok(r, &t)) || (rc = rc_txn_assign(r, &t, &g->name, &g->value)))
		return rc;
	for (pp = &r->cur->given; *pp; pp = &(*pp)->next)
		;
	*pp = g;
	return 0;
}

/* ---- a case: start and end --------------------------------------------- */

static void end_case(struct rc_reader *r)
{
	struct rc_case *c = r->cur;
	bool action = false;

	if (!c)
		return;
	for (const struct rc_expect *x = c->expect; x; x = x->next)
		action |= x->kind == RC_ACTION;
	if (!c->request.line)
		rc_err(r, c->line, "case '%s' has no request message (request FILE "
		    "or request <<END)", c->name);
	if (!c->response.line &&
	    (c->route == TDM_ROUTE_REPLY || c->route == TDM_ROUTE_FAILURE))
		rc_err(r, c->line, "case '%s' runs the %s route: it needs a response "
		    "message (response FILE or response <<END)", c->name,
		    tdm_route_type_name(c->route));
	if (!action)
		rc_err(r, c->line, "case '%s' states no action: add 'expect reply CODE', "
		    "'expect relay', 'expect forward', 'expect drop' or 'expect none'",
		    c->name);
	r->cur = NULL;
}

static int kw_case(struct rc_reader *r)
{
	struct tdm_str name = tdm_str_trim((struct tdm_str){
		r->lp, (size_t)(r->le - r->lp) });
	struct rc_case *c;

	end_case(r);
	r->lp = r->le;
	if (!name.len) {
		rc_err(r, r->lineno, "a case needs a name: case NAME");
		name = TDM_STR("(unnamed)");
	}
	for (c = r->f->cases; c; c = c->next)
		if (strlen(c->name) == name.len && !memcmp(c->name, name.s, name.len))
			rc_err(r, r->lineno, "case '%.*s' is defined twice (first at "
			    "line %u)", TDM_STR_FMT(&name), c->line);
	if (!(c = tdm_arena_alloc(r->a, sizeof(*c))))
		return -ENOMEM;
	/* The file's defaults (route, source, messages) first. */
	*c = r->defaults;
	c->given = NULL;
	c->expect = NULL;
	c->next = NULL;
	c->line = r->lineno;
	if (!(c->name = tdm_arena_strdup(r->a, &name)))
		return -ENOMEM;
	*r->tail = c;
	r->tail = &c->next;
	r->f->ncases++;
	r->cur = c;
	return 0;
}

/* ---- the file ---------------------------------------------------------- */

struct keyword {
	const char *name;
	int (*fn)(struct rc_reader *r);
	bool in_case;       /* only inside a case */
};

static const struct keyword keywords[] = {
	{ "case", kw_case, false },
	{ "route", kw_route, false },
	{ "source", kw_source, false },
	{ "request", kw_request, false },
	{ "response", kw_response, false },
	{ "database", kw_database, false },
	{ "given", kw_given, true },
	{ "expect", rc_kw_expect, true },
};

static int line(struct rc_reader *r)
{
	struct rc_tok t;
	int rc = rc_next_tok(r, &t);

	if (rc || t.kind == T_END)
		return rc;
	for (size_t i = 0; i < TDM_ARRAY_SIZE(keywords); i++) {
		if (!rc_tok_is(&t, keywords[i].name))
			continue;
		if (keywords[i].in_case && !r->cur) {
			rc_err(r, r->lineno, "'%s' outside a case (start one with "
			    "'case NAME')", keywords[i].name);
			return -EBADMSG;
		}
		return keywords[i].fn(r);
	}
	rc_err(r, r->lineno, "unknown keyword '%.*s' (case, route, source, request, "
	    "response, given, expect)", TDM_STR_FMT(&t.s));
	return -EBADMSG;
}

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct tdm_buf b = TDM_BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!f)
		return -errno;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		tdm_buf_append(&b, chunk, n);
	if (ferror(f)) {
		fclose(f);
		tdm_buf_free(&b);
		return -EIO;
	}
	fclose(f);
	tdm_buf_append_ch(&b, '\0');
	if (b.err) {
		tdm_buf_free(&b);
		return -ENOMEM;
	}
	*out = b.data;
	*len = b.len - 1;
	return 0;
}

int rc_file_load(const char *path, FILE *errs, struct rc_file **out)
{
	struct rc_reader r = { .path = path, .errs = errs };
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = read_file(path, &text, &len))) {
		fprintf(errs, "%s: %s\n", path, strerror(-rc));
		return rc;
	}
	r.f = calloc(1, sizeof(*r.f));
	if (!r.f || tdm_arena_new(&r.a, 0)) {
		free(r.f);
		free(text);
		return -ENOMEM;
	}
	r.f->arena = r.a;
	r.f->path = path;
	r.tail = &r.f->cases;
	r.defaults.route = TDM_ROUTE_REQUEST;
	r.defaults.source = (struct tdm_scr_source){ TDM_STR("192.0.2.1"), 5060,
						     TDM_STR("udp") };
	r.defaults.net.proto = TDM_PROTO_UDP;
	/* Strings point into the text: keep it in the arena. */
	r.p = tdm_arena_memdup(r.a, text, len + 1);
	free(text);
	if (!r.p) {
		rc_file_free(r.f);
		return -ENOMEM;
	}
	r.end = r.p + len;
	rc = 0;
	while (rc != -ENOMEM && next_line(&r))
		rc = line(&r);
	if (rc != -ENOMEM)
		end_case(&r);
	if (rc != -ENOMEM && !r.f->ncases && !r.errors)
		rc_err(&r, r.lineno ? r.lineno : 1, "no cases (start one with 'case NAME')");
	if (rc == -ENOMEM || r.errors) {
		rc_file_free(r.f);
		return rc == -ENOMEM ? rc : -EBADMSG;
	}
	*out = r.f;
	return 0;
}

void rc_file_free(struct rc_file *f)
{
	if (!f)
		return;
	for (struct rc_regex *re = f->regexes; re; re = re->next)
		pcre2_code_free(re->code);
	tdm_arena_free(f->arena);
	free(f);
}
