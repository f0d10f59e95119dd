/* SPDX-License-Identifier: GPL-2.0-or-later
 * `include "file"`: the path resolved relative to the including file, the
 * file read and parsed into the same script, include cycles reported with
 * the whole chain ("a.route -> b.route -> a.route"). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/alloc.h>
#include "script/parse_impl.h"

int tdm_scr_read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	if (!f)
		return -errno;
	for (;;) {
		size_t got;

		if (cap - n < 4096) {
			char *nb = tdm_realloc(buf, cap ? cap * 2 : 8192);

			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				err = -EIO;
			break;
		}
	}
	fclose(f);
	if (err) {
		tdm_free(buf);
		return err;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* The included path relative to the directory of the including file. */
static char *resolve(struct tdm_scr_parser *p, const char *from,
		     struct tdm_str path)
{
	const char *slash = strrchr(from, '/');
	size_t dir = (path.len && path.s[0] == '/') || !slash
			     ? 0 : (size_t)(slash - from) + 1;
	char *s = tdm_arena_alloc(p->a, dir + path.len + 1);

	if (!s) {
		p->err = -ENOMEM;
		return NULL;
	}
	memcpy(s, from, dir);
	memcpy(s + dir, path.s, path.len);
	s[dir + path.len] = '\0';
	return s;
}

/* Reports "include cycle: a -> b -> a" when real is being parsed. */
static bool is_cycle(struct tdm_scr_parser *p, const struct tdm_scr_pos *pos,
		     const char *real, const char *name)
{
	struct tdm_scr_incl *i, *hit = NULL;
	const struct tdm_scr_incl *chain[TDM_SCR_MAX_INCLUDE_DEPTH + 1];
	struct tdm_buf b = TDM_BUF_INIT;
	unsigned n = 0;

	for (i = p->incl; i; i = i->up)
		if (i->real && strcmp(i->real, real) == 0)
			hit = i;
	if (!hit)
		return false;
	for (i = p->incl; i && n < TDM_ARRAY_SIZE(chain); i = i->up) {
		chain[n++] = i;
		if (i == hit)
			break;
	}
	while (n > 0)
		tdm_buf_printf(&b, "%s -> ", chain[--n]->name);
	tdm_buf_append_c(&b, name);
	if (b.err)
		p->err = -ENOMEM;
	else
		tdm_scr_diag_error(p->d, pos, "include cycle: %s", b.data);
	tdm_buf_free(&b);
	return true;
}

void tdm_scr_parse_include(struct tdm_scr_parser *p, struct tdm_scr_item *it,
		       const struct tdm_scr_pos *pos,
		       struct tdm_scr_item ***tail)
{
	const char *name = resolve(p, p->incl->name, it->u.include.path);
	const struct tdm_scr_src *src;
	struct tdm_scr_item **start = *tail;
	char *real, *text;
	size_t len;
	int err;

	it->u.include.resolved = name;
	if (!name)
		return;
	real = realpath(name, NULL);
	if (!real) {
		tdm_scr_diag_error(p->d, pos, "cannot read '%s': %s", name,
				   strerror(errno));
		return;
	}
	if (is_cycle(p, pos, real, name)) {
		free(real);
		return;
	}
	if (p->incl->depth + 1 > TDM_SCR_MAX_INCLUDE_DEPTH) {
		tdm_scr_diag_error(p->d, pos, "includes nested too deeply "
				   "(limit %d)", TDM_SCR_MAX_INCLUDE_DEPTH);
		free(real);
		return;
	}
	err = tdm_scr_read_file(name, &text, &len);
	if (err) {
		if (err == -ENOMEM)
			p->err = err;
		else
			tdm_scr_diag_error(p->d, pos, "cannot read '%s': %s",
					   name, strerror(-err));
		free(real);
		return;
	}
	src = tdm_scr_diag_adopt_source(p->d, name, text, len);
	if (!src) {
		p->err = -ENOMEM;
		free(real);
		return;
	}
	tdm_scr_parse_source(p, name, src, real, tail);
	for (struct tdm_scr_item *i = *start; i; i = i->next)
		it->u.include.nitems++;
}
