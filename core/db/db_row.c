/* SPDX-License-Identifier: GPL-2.0-or-later
 * Column accessors of a result row: drivers report each column in its
 * type, callers read the type they expect (a number stored as text, or an
 * integer read as text, is converted here, once for every driver). */
#include <stdio.h>
#include "db/db_int.h"

static const struct tdm_db_val *col_of(const struct tdm_db_row *r, unsigned c)
{
	if (!r || c >= r->ncol || r->col[c].type == TDM_DB_NULL)
		return NULL;
	return &r->col[c];
}

int64_t tdm_db_row_int(const struct tdm_db_row *r, unsigned col)
{
	const struct tdm_db_val *v = col_of(r, col);
	int64_t x = 0;
	size_t i = 0;
	bool neg = false;

	if (!v)
		return 0;
	if (v->type == TDM_DB_INT)
		return v->i;
	/* text: optional sign and decimal digits; anything else is 0 */
	if (i < v->len && (v->s[i] == '-' || v->s[i] == '+'))
		neg = v->s[i++] == '-';
	if (i == v->len)
		return 0;
	for (; i < v->len; i++) {
		if (v->s[i] < '0' || v->s[i] > '9')
			return 0;
		x = (int64_t)((uint64_t)x * 10 + (uint64_t)(v->s[i] - '0'));
	}
	return neg ? (int64_t)(0 - (uint64_t)x) : x;
}

const char *tdm_db_row_text(const struct tdm_db_row *r, unsigned col,
			    size_t *len)
{
	/* an integer column read as text: formatted into a per-thread
	 * buffer, valid until the next such call (like the row's text) */
	static _Thread_local char num[24];
	const struct tdm_db_val *v = col_of(r, col);
	int n;

	if (!v) {
		if (len)
			*len = 0;
		return "";
	}
	if (v->type == TDM_DB_TEXT) {
		if (len)
			*len = v->len;
		return v->s ? v->s : "";
	}
	n = snprintf(num, sizeof(num), "%lld", (long long)v->i);
	if (len)
		*len = (size_t)n;
	return num;
}

bool tdm_db_row_null(const struct tdm_db_row *r, unsigned col)
{
	return col_of(r, col) == NULL;
}
