/* SPDX-License-Identifier: GPL-2.0-or-later
 * String slices. A struct tdm_str points into a buffer someone else owns
 * (usually a received message); it is never NUL-terminated and never
 * written through, which is why the pointer is const. */
#ifndef TANDEM_STR_H
#define TANDEM_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/compiler.h>

struct tdm_str {
	const char *s; /* not NUL-terminated; owned by someone else */
	size_t len;
};

#define TDM_STR(lit)   ((struct tdm_str){ (lit), sizeof(lit) - 1 })
#define TDM_STR_NULL   ((struct tdm_str){ NULL, 0 })
/* printf("%.*s", TDM_STR_FMT(&x)) */
#define TDM_STR_FMT(x) (int)(x)->len, (x)->s

/* A slice over a NUL-terminated C string (for constants and argv). */
TDM_API struct tdm_str tdm_str_c(const char *cstr);

/* Byte-wise and ASCII case-insensitive equality. */
TDM_API bool tdm_str_eq(const struct tdm_str *a, const struct tdm_str *b);
TDM_API bool tdm_str_caseeq(const struct tdm_str *a, const struct tdm_str *b);
/* Same, against a C string literal or constant. */
TDM_API bool tdm_str_eq_c(const struct tdm_str *a, const char *b);
TDM_API bool tdm_str_caseeq_c(const struct tdm_str *a, const char *b);
/* Slice vs string literal, case-insensitive, length known at compile time:
 * TDM_STR_CASEEQ_LIT(&name, "branch"). */
#define TDM_STR_CASEEQ_LIT(x, lit) \
	((x)->len == sizeof(lit) - 1 && tdm_mem_caseeq((x)->s, lit, sizeof(lit) - 1))
/* Lexicographic byte comparison: <0, 0, >0. */
TDM_API int tdm_str_cmp(const struct tdm_str *a, const struct tdm_str *b);

/* Decimal conversion of the whole slice (no sign, no spaces).
 * Returns 0, -EINVAL (empty or not all digits) or -ERANGE. */
TDM_API int tdm_str_to_u32(const struct tdm_str *s, uint32_t *out);
TDM_API int tdm_str_to_u64(const struct tdm_str *s, uint64_t *out);

/* True when s holds no CR, LF or NUL: it can be written into one header or
 * SDP line without breaking out of it (header injection). */
TDM_API bool tdm_str_line_safe(const struct tdm_str *s);
/* Trim SP, HTAB, CR and LF from both ends. */
TDM_API struct tdm_str tdm_str_trim(struct tdm_str s);
/* Index of the first byte c in s, or -1. */
TDM_API long tdm_str_chr(const struct tdm_str *s, char c);
/* Sub-slice [from, from+len), clamped to s. */
TDM_API struct tdm_str tdm_str_sub(const struct tdm_str *s, size_t from, size_t len);

/* FNV-1a hashes for hash tables; the case variant folds ASCII letters. */
TDM_API uint32_t tdm_str_hash(const struct tdm_str *s);
/* Length of the valid UTF-8 sequence of 2-4 bytes at p (n bytes there),
 * 0 when it is not one (overlong forms, surrogates and values above
 * U+10FFFF included). For a lead byte >= 0x80. */
TDM_API size_t tdm_utf8_seq(const unsigned char *p, size_t n);
/* Whether data[0..len) is strict UTF-8 (RFC 3629). */
TDM_API bool tdm_utf8_valid(const void *data, size_t len);
TDM_API uint32_t tdm_str_casehash(const struct tdm_str *s);

static inline char tdm_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* ASCII case-insensitive comparison of n bytes. */
static inline bool tdm_mem_caseeq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i] && tdm_lower(a[i]) != tdm_lower(b[i]))
			return false;
	return true;
}

#endif
