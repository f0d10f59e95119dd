/* SPDX-License-Identifier: GPL-2.0-or-later
 * Stream framing (RFC 3261 §18.3): the end of the header block is found
 * incrementally (the scan resumes where it stopped), then Content-Length
 * tells where the body ends. Nothing here parses beyond that. */
#include <errno.h>
#include <string.h>
#include <tandem/frame.h>
#include <tandem/str.h>
#include "sip_impl.h"

void tdm_frame_init(struct tdm_frame *f)
{
	memset(f, 0, sizeof(*f));
}

size_t tdm_frame_keepalive(const char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && (buf[n] == '\r' || buf[n] == '\n'))
		n++;
	return n;
}

/* Position just after the blank line ending the headers, or 0. Accepts
 * CRLFCRLF and, leniently, LFLF. Resumes at f->scanned. */
static size_t find_hdr_end(struct tdm_frame *f, const char *buf, size_t len)
{
	size_t i = f->scanned > 3 ? f->scanned - 3 : 0;

	for (; i < len; i++) {
		const char *nl = memchr(buf + i, '\n', len - i);
		if (!nl)
			break;
		i = (size_t)(nl - buf);
		if (i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	f->scanned = len;
	return 0;
}

/* True when the header name at p (up to ':') is Content-Length or "l". */
static bool is_clen_name(const char *p, size_t n)
{
	struct tdm_str name = { p, n };

	name = tdm_str_trim(name);
	return tdm_sip_hdr_id(&name) == TDM_HDR_CONTENT_LENGTH;
}

/* Finds Content-Length in the header block. 0 with *out, -ENOENT, or
 * -EBADMSG for a non-numeric or duplicated-and-different value. */
static int find_clen(const char *buf, size_t hdr_len, size_t *out)
{
	const char *p = buf, *end = buf + hdr_len;
	bool found = false;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *colon;
		if (!eol)
			eol = end;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon && p < colon && !sip_is_ws(*p) &&
		    is_clen_name(p, (size_t)(colon - p))) {
			struct tdm_str v = { colon + 1, (size_t)(eol - colon - 1) };
			uint32_t n;
			v = tdm_str_trim(v);
			if (tdm_str_to_u32(&v, &n))
				return -EBADMSG;
			if (found && *out != n)
				return -EBADMSG;
			*out = n;
			found = true;
		}
		p = eol + 1;
	}
	return found ? 0 : -ENOENT;
}

long tdm_frame_check(struct tdm_frame *f, const char *buf, size_t len,
		     size_t max)
{
	if (!f->hdr_len) {
		size_t end = find_hdr_end(f, buf, len);
		int err;
		if (!end)
			return len > max ? -EMSGSIZE : -EAGAIN;
		err = find_clen(buf, end, &f->body_len);
		if (err)
			return -EBADMSG;
		f->hdr_len = end;
	}
	if (f->hdr_len + f->body_len > max)
		return -EMSGSIZE;
	if (len < f->hdr_len + f->body_len)
		return -EAGAIN;
	return (long)(f->hdr_len + f->body_len);
}
