/* SPDX-License-Identifier: GPL-2.0-or-later
 * Growable byte buffer with a sticky error, so that builders append
 * freely and check once. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/buf.h>

int tdm_buf_reserve(struct tdm_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->err)
		return b->err;
	/* len + extra + 1 (the NUL) must not wrap: a wrapped sum would look
	 * like it fits and the caller would copy past the end. */
	if (extra > SIZE_MAX - 1 - b->len) {
		b->err = -ENOMEM;
		return b->err;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = tdm_realloc(b->data, cap);
	if (!p) {
		b->err = -ENOMEM;
		return b->err;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int tdm_buf_append(struct tdm_buf *b, const void *p, size_t len)
{
	int err = tdm_buf_reserve(b, len);

	if (err)
		return err;
	if (len)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int tdm_buf_append_str(struct tdm_buf *b, const struct tdm_str *s)
{
	return tdm_buf_append(b, s->s, s->len);
}

int tdm_buf_append_c(struct tdm_buf *b, const char *cstr)
{
	return tdm_buf_append(b, cstr, strlen(cstr));
}

int tdm_buf_append_ch(struct tdm_buf *b, char c)
{
	return tdm_buf_append(b, &c, 1);
}

int tdm_buf_vprintf(struct tdm_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	int err;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -EINVAL;
	err = tdm_buf_reserve(b, (size_t)n);
	if (err)
		return err;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int tdm_buf_printf(struct tdm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = tdm_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return err;
}

void tdm_buf_reset(struct tdm_buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->data)
		b->data[0] = '\0';
}

void tdm_buf_free(struct tdm_buf *b)
{
	tdm_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}

void tdm_buf_shrink(struct tdm_buf *b)
{
	char *p;

	if (!b->data || b->cap <= b->len + 1)
		return;
	p = tdm_realloc(b->data, b->len + 1);
	if (p) {
		b->data = p;
		b->cap = b->len + 1;
	}
}
