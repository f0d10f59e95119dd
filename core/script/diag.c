/* SPDX-License-Identifier: GPL-2.0-or-later
 * Diagnostics collector: stores errors and warnings with their position,
 * keeps every loaded source so that printing can show the line and a caret
 * under the column (docs/routing-language.md, "Diagnostics"). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "script/diag.h"

void tdm_scr_diag_init(struct tdm_scr_diag *d)
{
	memset(d, 0, sizeof(*d));
	d->limit = TDM_SCR_DIAG_LIMIT;
}

void tdm_scr_diag_fini(struct tdm_scr_diag *d)
{
	for (unsigned i = 0; i < d->nsrcs; i++) {
		tdm_free(d->srcs[i].name);
		tdm_free(d->srcs[i].text);
	}
	for (unsigned i = 0; i < d->nents; i++) {
		tdm_free(d->ents[i].file);
		tdm_free(d->ents[i].msg);
	}
	tdm_free(d->srcs);
	tdm_free(d->ents);
	tdm_scr_diag_init(d);
}

/* Grows an array of `size`-byte elements to hold one more. */
static int grow(void **arr, unsigned n, unsigned *cap, size_t size)
{
	unsigned ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	p = tdm_realloc(*arr, ncap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

const struct tdm_scr_src *tdm_scr_diag_adopt_source(struct tdm_scr_diag *d,
						    const char *name,
						    char *text, size_t len)
{
	struct tdm_scr_src *s;
	char *n;

	n = tdm_strndup(name, strlen(name));
	if (!n || grow((void **)&d->srcs, d->nsrcs, &d->srcs_cap,
		       sizeof(*d->srcs))) {
		tdm_free(n);
		tdm_free(text);
		return NULL;
	}
	s = &d->srcs[d->nsrcs++];
	s->name = n;
	s->text = text;
	s->len = len;
	return s;
}

const struct tdm_scr_src *tdm_scr_diag_add_source(struct tdm_scr_diag *d,
						  const char *name,
						  const char *text, size_t len)
{
	char *copy = tdm_malloc(len + 1);

	if (!copy)
		return NULL;
	if (len)
		memcpy(copy, text, len);
	copy[len] = '\0';
	return tdm_scr_diag_adopt_source(d, name, copy, len);
}

const struct tdm_scr_src *tdm_scr_diag_source(const struct tdm_scr_diag *d,
					      const char *file)
{
	if (!file)
		return NULL;
	/* Last first: the file being parsed is the likeliest. */
	for (unsigned i = d->nsrcs; i-- > 0;)
		if (d->srcs[i].name == file || strcmp(d->srcs[i].name, file) == 0)
			return &d->srcs[i];
	return NULL;
}

void tdm_scr_diag_report(struct tdm_scr_diag *d, enum tdm_scr_sev sev,
			 const struct tdm_scr_pos *pos, const char *fmt,
			 va_list ap)
{
	struct tdm_scr_diag_entry *e;
	struct tdm_buf msg = TDM_BUF_INIT;

	if (sev == TDM_SCR_ERROR) {
		if (d->errors >= d->limit) {
			d->truncated = true;
			return;
		}
		d->errors++;
	} else {
		d->warnings++;
	}
	tdm_buf_vprintf(&msg, fmt, ap);
	if (msg.err || grow((void **)&d->ents, d->nents, &d->ents_cap,
			    sizeof(*d->ents)))
		goto nomem;
	e = &d->ents[d->nents];
	e->sev = sev;
	e->line = pos ? pos->line : 0;
	e->col = pos ? pos->col : 0;
	e->file = NULL;
	if (pos && pos->file) {
		e->file = tdm_strndup(pos->file, strlen(pos->file));
		if (!e->file)
			goto nomem;
	}
	e->msg = msg.data ? msg.data : tdm_strndup("", 0);
	if (!e->msg) {
		tdm_free(e->file);
		goto nomem;
	}
	d->nents++;
	return;
nomem:
	tdm_buf_free(&msg);
	d->err = -ENOMEM;
}

void tdm_scr_diag_error(struct tdm_scr_diag *d, const struct tdm_scr_pos *pos,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tdm_scr_diag_report(d, TDM_SCR_ERROR, pos, fmt, ap);
	va_end(ap);
}

void tdm_scr_diag_warning(struct tdm_scr_diag *d,
			  const struct tdm_scr_pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tdm_scr_diag_report(d, TDM_SCR_WARNING, pos, fmt, ap);
	va_end(ap);
}

/* Start and length (without CR/LF) of line `line` of src, or -1. */
static long find_line(const struct tdm_scr_src *src, uint32_t line,
		      size_t *len)
{
	size_t i = 0, start;
	uint32_t l = 1;

	while (l < line) {
		const char *nl = memchr(src->text + i, '\n', src->len - i);

		if (!nl)
			return -1;
		i = (size_t)(nl - src->text) + 1;
		l++;
	}
	start = i;
	while (i < src->len && src->text[i] != '\n')
		i++;
	if (i > start && src->text[i - 1] == '\r')
		i--;
	*len = i - start;
	return (long)start;
}

/* The source line and a caret under byte column col. The caret line keeps
 * the line's tabs so it lines up in any tab width, and writes one space
 * per UTF-8 character (not per byte) before the column. */
static void show_line(const struct tdm_scr_src *src, uint32_t line,
		      uint32_t col, struct tdm_buf *out)
{
	size_t len;
	long start = find_line(src, line, &len);
	const char *s;

	if (start < 0)
		return;
	s = src->text + start;
	tdm_buf_append(out, s, len);
	tdm_buf_append_ch(out, '\n');
	for (size_t i = 0; i + 1 < col; i++) {
		unsigned char c = i < len ? (unsigned char)s[i] : ' ';

		if (c == '\t')
			tdm_buf_append_ch(out, '\t');
		else if ((c & 0xc0) != 0x80)
			tdm_buf_append_ch(out, ' ');
	}
	tdm_buf_append_c(out, "^\n");
}

int tdm_scr_diag_format_entry(const struct tdm_scr_diag *d, unsigned i,
			      struct tdm_buf *out)
{
	const struct tdm_scr_diag_entry *e;
	const struct tdm_scr_src *src;
	const char *sev;

	if (i >= d->nents)
		return -EINVAL;
	e = &d->ents[i];
	sev = e->sev == TDM_SCR_ERROR ? "error" : "warning";
	if (e->file && e->line)
		tdm_buf_printf(out, "%s:%u:%u: %s: %s\n", e->file,
			       (unsigned)e->line, (unsigned)e->col, sev, e->msg);
	else if (e->file)
		tdm_buf_printf(out, "%s: %s: %s\n", e->file, sev, e->msg);
	else
		tdm_buf_printf(out, "%s: %s\n", sev, e->msg);
	src = tdm_scr_diag_source(d, e->file);
	if (src && e->line)
		show_line(src, e->line, e->col ? e->col : 1, out);
	return out->err;
}

int tdm_scr_diag_format(const struct tdm_scr_diag *d, struct tdm_buf *out)
{
	for (unsigned i = 0; i < d->nents; i++)
		tdm_scr_diag_format_entry(d, i, out);
	if (d->truncated)
		tdm_buf_printf(out, "too many errors; giving up after %u\n",
			       d->limit);
	return out->err;
}

void tdm_scr_diag_print(const struct tdm_scr_diag *d, FILE *f)
{
	struct tdm_buf b = TDM_BUF_INIT;

	tdm_scr_diag_format(d, &b);
	if (b.len)
		fwrite(b.data, 1, b.len, f);
	tdm_buf_free(&b);
}
