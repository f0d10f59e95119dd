/* SPDX-License-Identifier: GPL-2.0-or-later
 * SDP (RFC 4566): zero-copy parser and a line-based rewriter for media
 * anchoring. The parser splits the body into lines once, then decodes each
 * by type; the rewriter walks the same lines and copies whatever no edit
 * touches, so an unchanged body comes out byte for byte. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/sdp.h>
#include "sip_impl.h"

/* ---- Parsing ------------------------------------------------------------ */

struct sdp_parser {
	const char *body;
	struct tdm_sip_error *err;
};

static int bad(struct sdp_parser *ps, const char *at, const char *why)
{
	if (ps->err) {
		ps->err->offset = (uint32_t)(at - ps->body);
		ps->err->reason = why;
	}
	return -EBADMSG;
}

/* Next field of a space-separated line value: skips spaces, returns the run
 * of non-space bytes (empty at the end) and advances the cursor past it. */
static struct tdm_str next_field(struct tdm_str *cur)
{
	const char *p = cur->s, *end = cur->s + cur->len, *f;

	while (p < end && *p == ' ')
		p++;
	f = p;
	while (p < end && *p != ' ')
		p++;
	cur->s = p;
	cur->len = (size_t)(end - p);
	return (struct tdm_str){ f, (size_t)(p - f) };
}

/* What is left of the cursor after skipping spaces. */
static struct tdm_str rest(struct tdm_str cur)
{
	while (cur.len && *cur.s == ' ') {
		cur.s++;
		cur.len--;
	}
	return cur;
}

static enum tdm_sdp_addrtype addrtype_of(const struct tdm_str *t)
{
	if (tdm_str_eq_c(t, "IP4"))
		return TDM_SDP_IP4;
	if (tdm_str_eq_c(t, "IP6"))
		return TDM_SDP_IP6;
	return TDM_SDP_ADDR_OTHER;
}

/* "IN IP4 224.2.1.1/127/3": the connection-field of §5.7, also used by
 * a=rtcp. The address is split at its first '/' (multicast TTL and count);
 * IPv6 addresses contain no '/'. */
static int parse_conn(struct sdp_parser *ps, struct tdm_sdp_conn *c,
		      struct tdm_str v)
{
	long slash;

	c->nettype = next_field(&v);
	c->addrtype = next_field(&v);
	c->addr = next_field(&v);
	if (!c->addr.len || rest(v).len)
		return bad(ps, c->nettype.s, "malformed SDP connection");
	c->type = addrtype_of(&c->addrtype);
	slash = tdm_str_chr(&c->addr, '/');
	c->suffix = TDM_STR_NULL;
	if (slash >= 0) {
		c->suffix = tdm_str_sub(&c->addr, (size_t)slash, c->addr.len);
		c->addr.len = (size_t)slash;
		if (!c->addr.len)
			return bad(ps, c->addr.s, "malformed SDP connection");
	}
	return 0;
}

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address> */
static int parse_origin(struct sdp_parser *ps, struct tdm_sdp_origin *o,
			struct tdm_str v)
{
	const char *at = v.s;

	o->username = next_field(&v);
	o->sess_id = next_field(&v);
	o->sess_version = next_field(&v);
	o->nettype = next_field(&v);
	o->addrtype = next_field(&v);
	o->addr = next_field(&v);
	if (!o->addr.len || rest(v).len)
		return bad(ps, at, "malformed SDP origin");
	o->type = addrtype_of(&o->addrtype);
	return 0;
}

/* t=<start-time> <stop-time>, NTP seconds */
static int parse_timing(struct sdp_parser *ps, struct tdm_sdp *sdp,
			struct tdm_str v)
{
	struct tdm_str start = next_field(&v), stop = next_field(&v);

	if (rest(v).len || tdm_str_to_u64(&start, &sdp->start) ||
	    tdm_str_to_u64(&stop, &sdp->stop))
		return bad(ps, start.s, "malformed SDP timing");
	return 0;
}

/* a=<attribute> or a=<attribute>:<value>; the name is a token. */
static int parse_attr(struct sdp_parser *ps, struct tdm_sdp_attr *a,
		      struct tdm_str v)
{
	long colon = tdm_str_chr(&v, ':');

	a->name = v;
	a->value = TDM_STR_NULL;
	a->has_value = colon >= 0;
	if (colon >= 0) {
		a->name.len = (size_t)colon;
		a->value = tdm_str_sub(&v, (size_t)colon + 1, v.len);
	}
	if (!a->name.len)
		return bad(ps, v.s, "malformed SDP attribute");
	for (size_t i = 0; i < a->name.len; i++)
		if (!sip_is_token(a->name.s[i]))
			return bad(ps, a->name.s + i, "malformed SDP attribute");
	return 0;
}

static enum tdm_sdp_dir dir_of(const struct tdm_str *name)
{
	if (tdm_str_eq_c(name, "sendrecv"))
		return TDM_SDP_SENDRECV;
	if (tdm_str_eq_c(name, "sendonly"))
		return TDM_SDP_SENDONLY;
	if (tdm_str_eq_c(name, "recvonly"))
		return TDM_SDP_RECVONLY;
	if (tdm_str_eq_c(name, "inactive"))
		return TDM_SDP_INACTIVE;
	return TDM_SDP_DIR_NONE;
}

/* a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605) */
static int parse_rtcp(struct sdp_parser *ps, struct tdm_sdp_media *m,
		      struct tdm_str v)
{
	struct tdm_str port = next_field(&v);
	uint32_t n;

	if (tdm_str_to_u32(&port, &n) || n > 65535)
		return bad(ps, port.s, "malformed SDP rtcp attribute");
	m->rtcp_port = (int32_t)n;
	v = rest(v);
	if (v.len && parse_conn(ps, &m->rtcp_conn, v))
		return bad(ps, v.s, "malformed SDP rtcp attribute");
	return 0;
}

/* a=rtpmap:<payload type> <encoding name>/<clock rate>[/<params>] */
static int parse_rtpmap(struct sdp_parser *ps, struct tdm_sdp_rtpmap *r,
			struct tdm_str v)
{
	struct tdm_str pt = next_field(&v), enc = next_field(&v), clock;
	long slash;

	if (rest(v).len || tdm_str_to_u32(&pt, &r->pt) || r->pt > 127)
		return bad(ps, pt.s, "malformed SDP rtpmap");
	slash = tdm_str_chr(&enc, '/');
	if (slash <= 0)
		return bad(ps, enc.s, "malformed SDP rtpmap");
	r->encoding = tdm_str_sub(&enc, 0, (size_t)slash);
	clock = tdm_str_sub(&enc, (size_t)slash + 1, enc.len);
	r->params = TDM_STR_NULL;
	slash = tdm_str_chr(&clock, '/');
	if (slash >= 0) {
		r->params = tdm_str_sub(&clock, (size_t)slash + 1, clock.len);
		clock.len = (size_t)slash;
		if (!r->params.len)
			return bad(ps, enc.s, "malformed SDP rtpmap");
	}
	if (tdm_str_to_u32(&clock, &r->clock))
		return bad(ps, enc.s, "malformed SDP rtpmap");
	return 0;
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... (§5.14) */
static int parse_media(struct sdp_parser *ps, struct tdm_arena *a,
		       struct tdm_sdp_media *m, struct tdm_str v)
{
	struct tdm_str port, count, cur;
	struct tdm_str *fmts;
	uint32_t n;
	long slash;

	m->media = next_field(&v);
	port = next_field(&v);
	m->proto = next_field(&v);
	if (!m->proto.len)
		return bad(ps, m->media.s, "malformed SDP media");
	m->port_count = 1;
	slash = tdm_str_chr(&port, '/');
	if (slash >= 0) {
		count = tdm_str_sub(&port, (size_t)slash + 1, port.len);
		port.len = (size_t)slash;
		if (tdm_str_to_u32(&count, &m->port_count) || !m->port_count)
			return bad(ps, count.s, "malformed SDP media port");
	}
	if (tdm_str_to_u32(&port, &n) || n > 65535)
		return bad(ps, port.s, "malformed SDP media port");
	m->port = (uint16_t)n;

	m->fmt_count = 0;
	for (cur = v; next_field(&cur).len;)
		m->fmt_count++;
	if (!m->fmt_count && m->port)
		return bad(ps, m->proto.s, "SDP media without formats");
	fmts = tdm_arena_alloc(a, (m->fmt_count ? m->fmt_count : 1) *
				  sizeof(*fmts));
	if (!fmts)
		return -ENOMEM;
	for (unsigned i = 0; i < m->fmt_count; i++)
		fmts[i] = next_field(&v);
	m->fmts = fmts;
	m->rtcp_port = -1;
	return 0;
}

/* Splits the body into lines. Returns the number of lines stored in
 * lines[] (at most max), or -EBADMSG. Sections are numbered as m= lines
 * are met. */
static int split_lines(struct sdp_parser *ps, const char *body, size_t len,
		       struct tdm_sdp_line *lines, unsigned max)
{
	const char *p = body, *end = body + len;
	unsigned n = 0;
	int section = TDM_SDP_SESSION;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;
		const char *q;

		if (eol > p && eol[-1] == '\r' && nl)
			eol--;
		for (q = p; q < eol; q++)
			if (*q == '\0' || *q == '\r')
				return bad(ps, q, "control character in SDP");
		if (eol == p) {
			/* an empty line is tolerated; it stays attached to the
			 * line before so the rewriter copies it */
			if (n)
				lines[n - 1].raw.len = (size_t)(next - lines[n - 1].raw.s);
			p = next;
			continue;
		}
		if (eol - p < 2 || *p < 'a' || *p > 'z' || p[1] != '=')
			return bad(ps, p, "malformed SDP line");
		if (TDM_NEVER(n == max))
			return bad(ps, p, "malformed SDP line");
		if (*p == 'm')
			section++;
		lines[n].type = *p;
		lines[n].section = section;
		lines[n].value = (struct tdm_str){ p + 2, (size_t)(eol - p - 2) };
		lines[n].raw = (struct tdm_str){ p, (size_t)(next - p) };
		n++;
		p = next;
	}
	return (int)n;
}

/* Session-level rules of §5: v=0 first, then one o= and one s= before any
 * media. Counts the a= and m= lines for the allocations. */
static int check_session(struct sdp_parser *ps, const struct tdm_sdp_line *l,
			 unsigned n, unsigned *attrs, unsigned *media)
{
	unsigned o = 0, s = 0;

	if (!n)
		return bad(ps, ps->body, "empty SDP");
	if (l[0].type != 'v' || !tdm_str_eq_c(&l[0].value, "0"))
		return bad(ps, l[0].raw.s, "SDP must start with v=0");
	*attrs = *media = 0;
	for (unsigned i = 1; i < n; i++) {
		char t = l[i].type;
		if (t == 'a')
			(*attrs)++;
		else if (t == 'm')
			(*media)++;
		else if (t == 'v')
			return bad(ps, l[i].raw.s, "repeated SDP v= line");
		else if ((t == 'o' || t == 's') && l[i].section != TDM_SDP_SESSION)
			return bad(ps, l[i].raw.s, "SDP o= or s= inside media");
		else if (t == 'o' && o++)
			return bad(ps, l[i].raw.s, "repeated SDP o= line");
		else if (t == 's' && s++)
			return bad(ps, l[i].raw.s, "repeated SDP s= line");
	}
	if (!o)
		return bad(ps, l[0].raw.s, "SDP without o= line");
	if (!s)
		return bad(ps, l[0].raw.s, "SDP without s= line");
	return 0;
}

/* Decodes an a= line into the current section's attribute run. */
static int decode_attr(struct sdp_parser *ps, struct tdm_sdp *sdp,
		       struct tdm_sdp_media *m, struct tdm_sdp_attr *at,
		       const struct tdm_sdp_line *l)
{
	enum tdm_sdp_dir d;
	int err = parse_attr(ps, at, l->value);

	if (err)
		return err;
	d = at->has_value ? TDM_SDP_DIR_NONE : dir_of(&at->name);
	if (!m) {
		if (d)
			sdp->dir = d;
		return 0;
	}
	if (d)
		m->dir = d;
	m->attr_count++;
	if (tdm_str_eq_c(&at->name, "rtcp") && at->has_value)
		return parse_rtcp(ps, m, at->value);
	if (tdm_str_eq_c(&at->name, "rtpmap") && at->has_value)
		m->rtpmap_count++;
	return 0;
}

/* Second pass over one media section's a=rtpmap lines: they were counted
 * by decode_attr(); now there is an array to decode them into. */
static int decode_rtpmaps(struct sdp_parser *ps, struct tdm_arena *a,
			  struct tdm_sdp_media *m)
{
	struct tdm_sdp_rtpmap *r;
	unsigned k = 0;
	int err;

	if (!m->rtpmap_count)
		return 0;
	r = tdm_arena_alloc(a, m->rtpmap_count * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (unsigned i = 0; i < m->attr_count; i++) {
		const struct tdm_sdp_attr *at = &m->attrs[i];
		if (!at->has_value || !tdm_str_eq_c(&at->name, "rtpmap"))
			continue;
		err = parse_rtpmap(ps, &r[k++], at->value);
		if (err)
			return err;
	}
	m->rtpmaps = r;
	return 0;
}

/* Decodes every line once the arrays exist. */
static int decode_lines(struct sdp_parser *ps, struct tdm_arena *a,
			struct tdm_sdp *sdp, struct tdm_sdp_media *media,
			struct tdm_sdp_attr *attrs)
{
	struct tdm_sdp_media *m = NULL;
	struct tdm_sdp_conn extra_conn; /* later c= lines: checked only */
	struct tdm_sdp t0;              /* later t= lines: checked only */
	bool have_t = false;
	int err = 0;

	sdp->attrs = attrs;
	for (unsigned i = 1; i < sdp->line_count && !err; i++) {
		const struct tdm_sdp_line *l = &sdp->lines[i];

		switch (l->type) {
		case 'o':
			err = parse_origin(ps, &sdp->origin, l->value);
			break;
		case 's':
			sdp->session_name = l->value;
			break;
		case 'c': /* several in a media for layered encoding (§5.7) */
			if (m) {
				err = parse_conn(ps, m->has_conn ? &extra_conn :
						 &m->conn, l->value);
				m->has_conn = true;
			} else {
				err = parse_conn(ps, sdp->has_conn ? &extra_conn :
						 &sdp->conn, l->value);
				sdp->has_conn = true;
			}
			break;
		case 't':
			err = parse_timing(ps, have_t ? &t0 : sdp, l->value);
			have_t = true;
			break;
		case 'm':
			m = &media[l->section];
			m->attrs = attrs;
			err = parse_media(ps, a, m, l->value);
			break;
		case 'a':
			err = decode_attr(ps, sdp, m, attrs++, l);
			if (!m)
				sdp->attr_count++;
			break;
		default:
			break;
		}
	}
	return err;
}

/* After decoding: rtpmaps, inherited connections, the §5.7 rule that
 * every (active) media has a connection somewhere. */
static int finish_media(struct sdp_parser *ps, struct tdm_arena *a,
			struct tdm_sdp *sdp, struct tdm_sdp_media *media)
{
	int err;

	for (unsigned i = 0; i < sdp->media_count; i++) {
		struct tdm_sdp_media *m = &media[i];
		if ((err = decode_rtpmaps(ps, a, m)))
			return err;
		if (m->has_conn)
			continue;
		if (sdp->has_conn)
			m->conn = sdp->conn;
		else if (m->port)
			return bad(ps, m->media.s, "SDP media without connection");
	}
	return 0;
}

int tdm_sdp_parse(struct tdm_sdp **out, struct tdm_arena *a, const char *body,
		  size_t len, struct tdm_sip_error *err)
{
	struct sdp_parser ps = { body, err };
	struct tdm_sdp_line *lines;
	struct tdm_sdp_media *media;
	struct tdm_sdp_attr *attrs;
	struct tdm_sdp *sdp;
	unsigned max = 1, nattr = 0, nmedia = 0;
	int n, rc;

	for (size_t i = 0; i < len; i++)
		max += body[i] == '\n';
	sdp = tdm_arena_zalloc(a, sizeof(*sdp));
	lines = tdm_arena_alloc(a, max * sizeof(*lines));
	if (!sdp || !lines)
		return -ENOMEM;
	n = split_lines(&ps, body, len, lines, max);
	if (n < 0)
		return n;
	rc = check_session(&ps, lines, (unsigned)n, &nattr, &nmedia);
	if (rc)
		return rc;
	sdp->body = (struct tdm_str){ body, len };
	sdp->lines = lines;
	sdp->line_count = (unsigned)n;
	media = tdm_arena_zalloc(a, (nmedia ? nmedia : 1) * sizeof(*media));
	attrs = tdm_arena_zalloc(a, (nattr ? nattr : 1) * sizeof(*attrs));
	if (!media || !attrs)
		return -ENOMEM;
	sdp->media = media;
	sdp->media_count = nmedia;
	rc = decode_lines(&ps, a, sdp, media, attrs);
	if (!rc)
		rc = finish_media(&ps, a, sdp, media);
	if (rc)
		return rc;
	*out = sdp;
	return 0;
}

enum tdm_sdp_dir tdm_sdp_media_dir(const struct tdm_sdp *sdp, unsigned i)
{
	if (i < sdp->media_count && sdp->media[i].dir)
		return sdp->media[i].dir;
	return sdp->dir ? sdp->dir : TDM_SDP_SENDRECV;
}

const char *tdm_sdp_dir_name(enum tdm_sdp_dir d)
{
	switch (d) {
	case TDM_SDP_SENDRECV:
		return "sendrecv";
	case TDM_SDP_SENDONLY:
		return "sendonly";
	case TDM_SDP_RECVONLY:
		return "recvonly";
	case TDM_SDP_INACTIVE:
		return "inactive";
	default:
		return "";
	}
}

/* ---- Rewriting ----------------------------------------------------------
 * Edits are kept per section (index 0 is the session level, 1 + i media i).
 * An attribute edit either removes the existing lines of its name (DEL,
 * SET: SET writes its line in place of the first one) or only adds (ADD).
 * A direction edit is a SET that matches any of the four direction names. */

enum { OP_DEL, OP_SET, OP_ADD };

struct attr_op {
	struct attr_op *next;
	uint8_t kind;
	bool dir;        /* matches every direction attribute */
	bool cancelled;  /* overridden by a later DEL/SET of the same name */
	bool done;       /* SET: written during the current tdm_sdp_write() */
	struct tdm_str name, value;
	bool has_value;
};

struct sect_edit {
	bool set_conn, conn_done;
	struct tdm_str conn_type, conn_addr;
	int32_t port;    /* -1: unchanged */
	struct attr_op *ops, **tail;
};

struct tdm_sdp_edits {
	const struct tdm_sdp *sdp;
	struct tdm_arena *a;
	bool set_origin;
	struct tdm_str o_type, o_addr;
	struct tdm_str eol; /* for new lines */
	struct sect_edit *sect; /* media_count + 1 */
	bool eol_pending;   /* the last copied line had no line ending */
};

int tdm_sdp_edits_new(struct tdm_sdp_edits **out, const struct tdm_sdp *sdp,
		      struct tdm_arena *a)
{
	struct tdm_sdp_edits *e = tdm_arena_zalloc(a, sizeof(*e));
	unsigned n = sdp->media_count + 1;

	if (!e)
		return -ENOMEM;
	e->sect = tdm_arena_zalloc(a, n * sizeof(*e->sect));
	if (!e->sect)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		e->sect[i].port = -1;
		e->sect[i].tail = &e->sect[i].ops;
	}
	e->sdp = sdp;
	e->a = a;
	e->eol = TDM_STR("\r\n");
	if (sdp->line_count) {
		const struct tdm_str *raw = &sdp->lines[0].raw;
		if (raw->len && raw->s[raw->len - 1] == '\n' &&
		    (raw->len < 2 || raw->s[raw->len - 2] != '\r'))
			e->eol = TDM_STR("\n");
	}
	*out = e;
	return 0;
}

/* Value rules for anything written into a line. */
static bool valid_value(const struct tdm_str *v)
{
	return tdm_str_line_safe(v);
}

static bool valid_name(const char *name)
{
	if (!name || !*name)
		return false;
	for (; *name; name++)
		if (!sip_is_token(*name))
			return false;
	return true;
}

/* Arena copy of a value, so callers may pass temporaries. */
static int copy_str(struct tdm_sdp_edits *e, struct tdm_str *dst,
		    const struct tdm_str *src)
{
	char *p = NULL;

	if (src->len && !(p = tdm_arena_memdup(e->a, src->s, src->len)))
		return -ENOMEM;
	*dst = (struct tdm_str){ p, src->len };
	return 0;
}

static bool section_ok(const struct tdm_sdp_edits *e, int section)
{
	return section == TDM_SDP_SESSION || section == TDM_SDP_ALL ||
	       (section >= 0 && (unsigned)section < e->sdp->media_count);
}

static struct sect_edit *sect_of(struct tdm_sdp_edits *e, int section)
{
	return &e->sect[section + 1];
}

int tdm_sdp_edit_set_conn(struct tdm_sdp_edits *e, int section,
			  const struct tdm_str *addrtype,
			  const struct tdm_str *addr)
{
	const struct tdm_sdp *sdp = e->sdp;
	struct tdm_str t, v;
	int err;

	if (!section_ok(e, section) || !addr->len || !addrtype->len ||
	    !valid_value(addr) || !valid_value(addrtype) ||
	    tdm_str_chr(addr, ' ') >= 0 || tdm_str_chr(addrtype, ' ') >= 0)
		return -EINVAL;
	if ((err = copy_str(e, &t, addrtype)) || (err = copy_str(e, &v, addr)))
		return err;
	for (int s = TDM_SDP_SESSION; s < (int)sdp->media_count; s++) {
		struct sect_edit *se = sect_of(e, s);
		if (section == TDM_SDP_ALL) {
			if (s == TDM_SDP_SESSION ? !sdp->has_conn :
			    (!sdp->media[s].has_conn && sdp->has_conn))
				continue;
		} else if (s != section) {
			continue;
		}
		se->set_conn = true;
		se->conn_type = t;
		se->conn_addr = v;
	}
	return 0;
}

int tdm_sdp_edit_set_origin(struct tdm_sdp_edits *e,
			    const struct tdm_str *addrtype,
			    const struct tdm_str *addr)
{
	int err;

	if (!addr->len || !addrtype->len || !valid_value(addr) ||
	    !valid_value(addrtype) || tdm_str_chr(addr, ' ') >= 0 ||
	    tdm_str_chr(addrtype, ' ') >= 0)
		return -EINVAL;
	if ((err = copy_str(e, &e->o_type, addrtype)) ||
	    (err = copy_str(e, &e->o_addr, addr)))
		return err;
	e->set_origin = true;
	return 0;
}

int tdm_sdp_edit_set_port(struct tdm_sdp_edits *e, unsigned media,
			  uint16_t port)
{
	if (media >= e->sdp->media_count)
		return -EINVAL;
	sect_of(e, (int)media)->port = port;
	return 0;
}

static bool op_matches(const struct attr_op *op, const struct tdm_str *name)
{
	if (op->dir)
		return dir_of(name) != TDM_SDP_DIR_NONE;
	return tdm_str_eq(&op->name, name);
}

/* Records one attribute edit in one section. DEL and SET cancel the
 * earlier edits they override. */
static int push_op(struct tdm_sdp_edits *e, int section, int kind, bool dir,
		   const struct tdm_str *name, const struct tdm_str *value)
{
	struct sect_edit *se = sect_of(e, section);
	struct attr_op *op;

	if (kind != OP_ADD) {
		for (op = se->ops; op; op = op->next)
			if (dir ? (op->dir || dir_of(&op->name)) :
				  op_matches(op, name))
				op->cancelled = true;
	}
	op = tdm_arena_zalloc(e->a, sizeof(*op));
	if (!op)
		return -ENOMEM;
	op->kind = (uint8_t)kind;
	op->dir = dir;
	op->name = *name;
	op->has_value = value != NULL;
	if (value)
		op->value = *value;
	*se->tail = op;
	se->tail = &op->next;
	return 0;
}

/* Validates, copies, and records an attribute edit in the sections it
 * applies to: ALL is every media section, plus the session level when
 * with_session. */
static int attr_edit(struct tdm_sdp_edits *e, int section, int kind, bool dir,
		     const char *name, const struct tdm_str *value,
		     bool with_session)
{
	struct tdm_str n, v, c = tdm_str_c(name ? name : "");
	int err;

	if (!section_ok(e, section) || (!dir && !valid_name(name)) ||
	    (value && !valid_value(value)))
		return -EINVAL;
	if ((err = copy_str(e, &n, &c)))
		return err;
	if (value && (err = copy_str(e, &v, value)))
		return err;
	for (int s = TDM_SDP_SESSION; s < (int)e->sdp->media_count; s++) {
		if (section == TDM_SDP_ALL ?
			    (s == TDM_SDP_SESSION && !with_session) :
			    s != section)
			continue;
		err = push_op(e, s, kind, dir, &n, value ? &v : NULL);
		if (err)
			return err;
	}
	return 0;
}

int tdm_sdp_edit_del_attr(struct tdm_sdp_edits *e, int section,
			  const char *name)
{
	return attr_edit(e, section, OP_DEL, false, name, NULL, true);
}

int tdm_sdp_edit_set_attr(struct tdm_sdp_edits *e, int section,
			  const char *name, const struct tdm_str *value)
{
	return attr_edit(e, section, OP_SET, false, name, value, false);
}

int tdm_sdp_edit_add_attr(struct tdm_sdp_edits *e, int section,
			  const char *name, const struct tdm_str *value)
{
	return attr_edit(e, section, OP_ADD, false, name, value, false);
}

int tdm_sdp_edit_set_dir(struct tdm_sdp_edits *e, int section,
			 enum tdm_sdp_dir dir)
{
	const char *name = tdm_sdp_dir_name(dir);
	int err;

	if ((unsigned)dir > TDM_SDP_INACTIVE)
		return -EINVAL;
	/* ALL: the session level loses its direction, every media gets one */
	if (section == TDM_SDP_ALL &&
	    (err = attr_edit(e, TDM_SDP_SESSION, OP_DEL, true, "", NULL, true)))
		return err;
	return attr_edit(e, section, dir ? OP_SET : OP_DEL, true, name, NULL,
			 false);
}

/* ---- Writing ------------------------------------------------------------ */

static void put(struct tdm_sdp_edits *e, struct tdm_buf *out,
		const struct tdm_str *s)
{
	if (e->eol_pending) {
		tdm_buf_append_str(out, &e->eol);
		e->eol_pending = false;
	}
	tdm_buf_append_str(out, s);
}

static void put_c(struct tdm_sdp_edits *e, struct tdm_buf *out, const char *c)
{
	struct tdm_str s = tdm_str_c(c);

	put(e, out, &s);
}

/* An original line, byte for byte. */
static void put_raw(struct tdm_sdp_edits *e, struct tdm_buf *out,
		    const struct tdm_sdp_line *l)
{
	put(e, out, &l->raw);
	if (l->raw.s[l->raw.len - 1] != '\n')
		e->eol_pending = true;
}

static void put_attr(struct tdm_sdp_edits *e, struct tdm_buf *out,
		     const struct attr_op *op)
{
	put_c(e, out, "a=");
	put(e, out, &op->name);
	if (op->has_value) {
		put_c(e, out, ":");
		put(e, out, &op->value);
	}
	put(e, out, &e->eol);
}

static void put_conn(struct tdm_sdp_edits *e, struct tdm_buf *out, int section)
{
	struct sect_edit *se = sect_of(e, section);
	const struct tdm_sdp *sdp = e->sdp;
	struct tdm_str nettype = TDM_STR("IN");

	if (section >= 0 && sdp->media[section].has_conn)
		nettype = sdp->media[section].conn.nettype;
	else if (sdp->has_conn)
		nettype = sdp->conn.nettype;
	put_c(e, out, "c=");
	put(e, out, &nettype);
	put_c(e, out, " ");
	put(e, out, &se->conn_type);
	put_c(e, out, " ");
	put(e, out, &se->conn_addr);
	put(e, out, &e->eol);
	se->conn_done = true;
}

static void put_origin(struct tdm_sdp_edits *e, struct tdm_buf *out)
{
	const struct tdm_sdp_origin *o = &e->sdp->origin;
	const struct tdm_str *f[] = { &o->username, &o->sess_id,
				      &o->sess_version, &o->nettype,
				      &e->o_type, &e->o_addr };

	put_c(e, out, "o=");
	for (unsigned i = 0; i < TDM_ARRAY_SIZE(f); i++) {
		if (i)
			put_c(e, out, " ");
		put(e, out, f[i]);
	}
	put(e, out, &e->eol);
}

/* m= line with a new port: the text after the old port ("/2 RTP/AVP 0")
 * is kept. */
static void put_media(struct tdm_sdp_edits *e, struct tdm_buf *out,
		      const struct tdm_sdp_line *l, int section)
{
	const struct tdm_sdp_media *m = &e->sdp->media[section];
	const char *p = m->media.s + m->media.len;
	const char *end = l->raw.s + l->raw.len;
	struct tdm_str tail;
	char num[8];
	int n;

	while (p < end && *p == ' ')
		p++;
	while (p < end && sip_is_digit(*p))
		p++;
	tail = (struct tdm_str){ p, (size_t)(end - p) };
	n = snprintf(num, sizeof(num), " %u", (unsigned)sect_of(e, section)->port);
	put_c(e, out, "m=");
	put(e, out, &m->media);
	put(e, out, &(struct tdm_str){ num, (size_t)n });
	put(e, out, &tail);
	if (tail.len == 0 || tail.s[tail.len - 1] != '\n')
		e->eol_pending = true;
}

/* An a= line: dropped or replaced when an edit of its section says so. */
static void put_attr_line(struct tdm_sdp_edits *e, struct tdm_buf *out,
			  const struct tdm_sdp_line *l)
{
	struct tdm_str name = l->value;
	long colon = tdm_str_chr(&name, ':');

	if (colon >= 0)
		name.len = (size_t)colon;
	for (struct attr_op *op = sect_of(e, l->section)->ops; op; op = op->next) {
		if (op->cancelled || op->kind == OP_ADD || !op_matches(op, &name))
			continue;
		if (op->kind == OP_SET && !op->done) {
			put_attr(e, out, op);
			op->done = true;
		}
		return;
	}
	put_raw(e, out, l);
}

/* Before writing a line of type t: a missing c= line that must be added
 * goes before the first line that follows c= in §5's order. */
static void before_line(struct tdm_sdp_edits *e, struct tdm_buf *out,
			int section, char t)
{
	struct sect_edit *se = sect_of(e, section);
	bool follows = t == 'b' || t == 'k' || t == 'a' ||
		       (section == TDM_SDP_SESSION &&
			(t == 't' || t == 'r' || t == 'z'));

	if (se->set_conn && !se->conn_done && follows)
		put_conn(e, out, section);
}

/* End of a section: what was not written in place is appended. */
static void finish_section(struct tdm_sdp_edits *e, struct tdm_buf *out,
			   int section)
{
	struct sect_edit *se = sect_of(e, section);

	if (se->set_conn && !se->conn_done)
		put_conn(e, out, section);
	for (struct attr_op *op = se->ops; op; op = op->next)
		if (!op->cancelled && op->kind != OP_DEL && !op->done)
			put_attr(e, out, op);
}

static void put_line(struct tdm_sdp_edits *e, struct tdm_buf *out,
		     const struct tdm_sdp_line *l)
{
	struct sect_edit *se = sect_of(e, l->section);

	if (l->type == 'o' && e->set_origin)
		put_origin(e, out);
	else if (l->type == 'c' && se->set_conn) {
		if (!se->conn_done) /* further c= lines (layered) go */
			put_conn(e, out, l->section);
	} else if (l->type == 'm' && se->port >= 0)
		put_media(e, out, l, l->section);
	else if (l->type == 'a')
		put_attr_line(e, out, l);
	else
		put_raw(e, out, l);
}

int tdm_sdp_write(struct tdm_sdp_edits *e, struct tdm_buf *out)
{
	const struct tdm_sdp *sdp = e->sdp;
	int section = TDM_SDP_SESSION;

	for (unsigned s = 0; s <= sdp->media_count; s++) {
		e->sect[s].conn_done = false;
		for (struct attr_op *op = e->sect[s].ops; op; op = op->next)
			op->done = false;
	}
	e->eol_pending = false;
	for (unsigned i = 0; i < sdp->line_count; i++) {
		const struct tdm_sdp_line *l = &sdp->lines[i];
		if (l->section != section) {
			finish_section(e, out, section);
			section = l->section;
		}
		before_line(e, out, section, l->type);
		put_line(e, out, l);
	}
	finish_section(e, out, section);
	return out->err;
}
