/* SPDX-License-Identifier: GPL-2.0-or-later
 * String slice helpers: comparison, numbers, trimming, hashing. */
#include <errno.h>
#include <string.h>
#include <tandem/str.h>

struct tdm_str tdm_str_c(const char *cstr)
{
	return (struct tdm_str){ cstr, cstr ? strlen(cstr) : 0 };
}

bool tdm_str_eq(const struct tdm_str *a, const struct tdm_str *b)
{
	return a->len == b->len && (a->len == 0 || !memcmp(a->s, b->s, a->len));
}

bool tdm_str_caseeq(const struct tdm_str *a, const struct tdm_str *b)
{
	return a->len == b->len && tdm_mem_caseeq(a->s, b->s, a->len);
}

bool tdm_str_eq_c(const struct tdm_str *a, const char *b)
{
	struct tdm_str bs = tdm_str_c(b);
	return tdm_str_eq(a, &bs);
}

bool tdm_str_caseeq_c(const struct tdm_str *a, const char *b)
{
	struct tdm_str bs = tdm_str_c(b);
	return tdm_str_caseeq(a, &bs);
}

int tdm_str_cmp(const struct tdm_str *a, const struct tdm_str *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = n ? memcmp(a->s, b->s, n) : 0;

	if (r)
		return r;
	return a->len < b->len ? -1 : a->len > b->len;
}

int tdm_str_to_u64(const struct tdm_str *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s->len)
		return -EINVAL;
	for (size_t i = 0; i < s->len; i++) {
		unsigned d = (unsigned char)s->s[i] - '0';
		if (d > 9)
			return -EINVAL;
		/* 19 digits always fit: check overflow only beyond */
		if (i >= 19 && v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int tdm_str_to_u32(const struct tdm_str *s, uint32_t *out)
{
	uint64_t v;
	int err = tdm_str_to_u64(s, &v);

	if (err)
		return err;
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

bool tdm_str_line_safe(const struct tdm_str *s)
{
	for (size_t i = 0; i < s->len; i++)
		if (s->s[i] == '\r' || s->s[i] == '\n' || s->s[i] == '\0')
			return false;
	return true;
}

static bool is_trim(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct tdm_str tdm_str_trim(struct tdm_str s)
{
	while (s.len && is_trim(s.s[0])) {
		s.s++;
		s.len--;
	}
	while (s.len && is_trim(s.s[s.len - 1]))
		s.len--;
	return s;
}

long tdm_str_chr(const struct tdm_str *s, char c)
{
	const char *p = s->len ? memchr(s->s, c, s->len) : NULL;
	return p ? (long)(p - s->s) : -1;
}

struct tdm_str tdm_str_sub(const struct tdm_str *s, size_t from, size_t len)
{
	if (from > s->len)
		from = s->len;
	if (len > s->len - from)
		len = s->len - from;
	return (struct tdm_str){ s->s + from, len };
}

uint32_t tdm_str_hash(const struct tdm_str *s)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < s->len; i++)
		h = (h ^ (unsigned char)s->s[i]) * 16777619u;
	return h;
}

uint32_t tdm_str_casehash(const struct tdm_str *s)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < s->len; i++)
		h = (h ^ (unsigned char)tdm_lower(s->s[i])) * 16777619u;
	return h;
}

/* Length of the valid UTF-8 sequence at p (2-4 bytes), 0 if invalid
 * (overlong forms, surrogates and values above U+10FFFF included). */
size_t tdm_utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

bool tdm_utf8_valid(const void *data, size_t len)
{
	const unsigned char *s = data;
	size_t i = 0;

	while (i < len) {
		size_t n = s[i] < 0x80 ? 1 : tdm_utf8_seq(s + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}
