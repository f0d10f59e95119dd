/* SPDX-License-Identifier: GPL-2.0-or-later
 * Script value helpers: formatting, equality, ordering, membership. */
#include <errno.h>
#include <string.h>
#include <tandem/buf.h>
#include "value.h"

static int format_list(struct tdm_arena *a, const struct tdm_value_list *l,
		       struct tdm_str *out)
{
	struct tdm_buf b = TDM_BUF_INIT;
	int rc = 0;

	tdm_buf_append_ch(&b, '[');
	for (unsigned i = 0; i < l->count && !rc; i++) {
		struct tdm_str s;
		if (i)
			tdm_buf_append_c(&b, ", ");
		rc = tdm_scr_value_format(a, &l->items[i], &s);
		if (!rc)
			tdm_buf_append_str(&b, &s);
	}
	tdm_buf_append_ch(&b, ']');
	if (!rc && !(rc = b.err)) {
		char *p = tdm_arena_memdup(a, b.data, b.len);
		rc = p ? 0 : -ENOMEM;
		*out = (struct tdm_str){ p, b.len };
	}
	tdm_buf_free(&b);
	return rc;
}

/* Decimal digits of i at the end of buf; returns their count. (No
 * printf: this runs for every "${int}" of every message.) */
static int format_int(int64_t i, char *buf, size_t size)
{
	uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
	char *q = buf + size;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (i < 0)
		*--q = '-';
	return (int)(buf + size - q);
}

int tdm_scr_value_format(struct tdm_arena *a, const struct tdm_value *v,
			 struct tdm_str *out)
{
	char num[24], *p;
	int n;

	switch (v->type) {
	case TDM_T_STR:
		*out = v->u.s;
		return 0;
	case TDM_T_BOOL:
		*out = v->u.b ? TDM_STR("true") : TDM_STR("false");
		return 0;
	case TDM_T_INT:
		n = format_int(v->u.i, num, sizeof(num));
		p = tdm_arena_memdup(a, num + sizeof(num) - n, (size_t)n);
		if (!p)
			return -ENOMEM;
		*out = (struct tdm_str){ p, (size_t)n };
		return 0;
	case TDM_T_LIST:
		return format_list(a, &v->u.list, out);
	default:
		*out = TDM_STR_NULL; /* void, regex: nothing to show */
		return 0;
	}
}

bool tdm_scr_value_eq(const struct tdm_value *a, const struct tdm_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case TDM_T_STR:
		return tdm_str_eq(&a->u.s, &b->u.s);
	case TDM_T_INT:
		return a->u.i == b->u.i;
	case TDM_T_BOOL:
		return a->u.b == b->u.b;
	default:
		return false;
	}
}

int tdm_scr_value_cmp(const struct tdm_value *a, const struct tdm_value *b)
{
	if (a->type == TDM_T_INT)
		return (a->u.i > b->u.i) - (a->u.i < b->u.i);
	return tdm_str_cmp(&a->u.s, &b->u.s);
}

bool tdm_scr_value_in(const struct tdm_value *v, const struct tdm_value_list *l)
{
	for (unsigned i = 0; i < l->count; i++)
		if (tdm_scr_value_eq(v, &l->items[i]))
			return true;
	return false;
}
