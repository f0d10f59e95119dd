/* SPDX-License-Identifier: GPL-2.0-or-later
 * tandemctl route test: test messages from text (route_msg.h). Writing
 * CRLF and counting body bytes by hand is where hand-written SIP goes
 * wrong, so the case format lets engineers write neither. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/tandem.h>
#include "route_msg.h"

static bool blank(const struct tdm_str *l)
{
	return tdm_str_trim(*l).len == 0;
}

/* The next line of *rest (without LF or CRLF). */
static struct tdm_str take_line(struct tdm_str *rest)
{
	long nl = tdm_str_chr(rest, '\n');
	size_t n = nl < 0 ? rest->len : (size_t)nl;
	struct tdm_str l = { rest->s, n };

	rest->s += nl < 0 ? n : n + 1;
	rest->len -= nl < 0 ? n : n + 1;
	if (l.len && l.s[l.len - 1] == '\r')
		l.len--;
	return l;
}

static struct tdm_str dedent(struct tdm_str l, size_t indent)
{
	while (indent-- && l.len && (l.s[0] == ' ' || l.s[0] == '\t')) {
		l.s++;
		l.len--;
	}
	return l;
}

/* "Content-Length: auto" or "l: auto", any case and spacing. */
static bool auto_length(const struct tdm_str *l)
{
	long colon = tdm_str_chr(l, ':');
	struct tdm_str name, val;

	if (colon < 0)
		return false;
	name = tdm_str_trim(tdm_str_sub(l, 0, (size_t)colon));
	val = tdm_str_trim(tdm_str_sub(l, (size_t)colon + 1, l->len));
	return (tdm_str_caseeq_c(&name, "Content-Length") ||
		tdm_str_caseeq_c(&name, "l")) && tdm_str_caseeq_c(&val, "auto");
}

/* The text without its leading and trailing blank lines. */
static struct tdm_str strip_blank_lines(struct tdm_str rest)
{
	struct tdm_str r, l;
	const char *stop;

	for (r = rest; r.len; rest = r) {
		l = take_line(&r);
		if (!blank(&l))
			break;
	}
	stop = rest.s;
	for (r = rest; r.len;) {
		l = take_line(&r);
		if (!blank(&l))
			stop = l.s + l.len;
	}
	rest.len = (size_t)(stop - rest.s);
	return rest;
}

/* Headers (CRLF-ended lines, "Content-Length: auto" filled in), the blank
 * line, the body. */
static void assemble(const struct tdm_buf *hdrs, const struct tdm_buf *body,
		     struct tdm_buf *m)
{
	struct tdm_str rest = { hdrs->data, hdrs->len }, l;

	while (rest.len) {
		l = take_line(&rest);
		if (auto_length(&l))
			tdm_buf_printf(m, "Content-Length: %zu", body->len);
		else
			tdm_buf_append_str(m, &l);
		tdm_buf_append(m, "\r\n", 2);
	}
	tdm_buf_append(m, "\r\n", 2);
	tdm_buf_append(m, body->data, body->len);
}

int rc_msg_from_text(struct tdm_arena *a, const char *text, size_t len,
		     const char **out, size_t *out_len)
{
	struct tdm_str rest = strip_blank_lines((struct tdm_str){ text, len }), l;
	struct tdm_buf hdrs = TDM_BUF_INIT, body = TDM_BUF_INIT, m = TDM_BUF_INIT;
	size_t indent = 0;
	bool in_body = false;
	char *msg = NULL;

	while (indent < rest.len && (rest.s[indent] == ' ' || rest.s[indent] == '\t'))
		indent++;
	while (rest.len) {
		l = dedent(take_line(&rest), indent);
		if (!in_body && blank(&l)) {
			in_body = true;
			continue;
		}
		tdm_buf_append_str(in_body ? &body : &hdrs, &l);
		tdm_buf_append(in_body ? &body : &hdrs, "\r\n", 2);
	}
	assemble(&hdrs, &body, &m);
	if (!m.err && !hdrs.err && !body.err)
		msg = tdm_arena_memdup(a, m.data, m.len);
	if (msg) {
		*out = msg;
		*out_len = m.len;
	}
	tdm_buf_free(&hdrs);
	tdm_buf_free(&body);
	tdm_buf_free(&m);
	return msg ? 0 : -ENOMEM;
}

int rc_msg_from_file(struct tdm_arena *a, const char *path,
		     const char **out, size_t *out_len)
{
	size_t max = tdm_sip_default_limits.max_msg_size, n;
	FILE *f = fopen(path, "rb");
	char *buf;
	int rc = 0;

	if (!f)
		return -errno;
	if (!(buf = tdm_arena_alloc(a, max + 1))) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f))
		rc = -EIO;
	else if (n > max)
		rc = -EFBIG;
	fclose(f);
	if (rc)
		return rc;
	if (memchr(buf, '\r', n)) {
		*out = buf;
		*out_len = n;
		return 0;
	}
	return rc_msg_from_text(a, buf, n, out, out_len);
}
