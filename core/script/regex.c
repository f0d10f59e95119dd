/* SPDX-License-Identifier: GPL-2.0-or-later
 * Regex literals: compiled once at load with PCRE2 (JIT when available),
 * matched per message with match data kept per thread and sized for the
 * largest group count seen, so a match allocates nothing. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <tandem/alloc.h>
#include "script/lex.h"
#include "script/program.h"

struct tdm_regex {
	pcre2_code *code;
	unsigned groups;
};

int tdm_scr_regex_compile(const struct tdm_str *pattern, unsigned flags,
			  struct tdm_regex **out, char *err, size_t errlen,
			  uint32_t *err_offset)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	struct tdm_regex *re;
	PCRE2_SIZE off = 0;
	int code;
	uint32_t groups = 0;

	if (flags & TDM_SCR_RE_I)
		opts |= PCRE2_CASELESS;
	if (flags & TDM_SCR_RE_X)
		opts |= PCRE2_EXTENDED;
	if (flags & TDM_SCR_RE_S)
		opts |= PCRE2_DOTALL;
	if (flags & TDM_SCR_RE_M)
		opts |= PCRE2_MULTILINE;
	re = tdm_calloc(1, sizeof(*re));
	if (!re)
		return -ENOMEM;
	re->code = pcre2_compile((PCRE2_SPTR)pattern->s, pattern->len, opts,
				 &code, &off, NULL);
	if (!re->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(err, errlen, "%s", (const char *)msg);
		*err_offset = (uint32_t)off;
		tdm_free(re);
		return -EINVAL;
	}
	pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE); /* best effort */
	pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &groups);
	re->groups = groups;
	*out = re;
	return 0;
}

void tdm_scr_regex_free(struct tdm_regex *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	tdm_free(re);
}

unsigned tdm_scr_regex_groups(const struct tdm_regex *re)
{
	return re->groups;
}

/* Match data of this thread, grown to hold `pairs` ovector pairs. */
static pcre2_match_data *thread_md(unsigned pairs)
{
	static __thread pcre2_match_data *md;
	static __thread unsigned have;

	if (md && have >= pairs)
		return md;
	pcre2_match_data_free(md);
	md = pcre2_match_data_create(pairs < 16 ? 16 : pairs, NULL);
	have = md ? (pairs < 16 ? 16 : pairs) : 0;
	return md;
}

int tdm_scr_regex_match(struct tdm_scr_run *r, const struct tdm_regex *re,
			const struct tdm_str *subject)
{
	pcre2_match_data *md = thread_md(re->groups + 1);
	int rc;

	if (!md)
		return -ENOMEM;
	rc = pcre2_match(re->code, (PCRE2_SPTR)(subject->s ? subject->s : ""),
			 subject->len, 0, 0, md, NULL);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return -EINVAL; /* match limit and such */
	{
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		unsigned n = re->groups + 1;
		if (n > TDM_SCR_CAPTURES)
			n = TDM_SCR_CAPTURES;
		for (unsigned i = 0; i < 2 * n; i++)
			r->caps[i] = ov[i];
		r->ncaps = n;
	}
	r->subject = *subject;
	return 1;
}

struct tdm_str tdm_scr_regex_capture(const struct tdm_scr_run *r, unsigned n)
{
	const size_t *c = r->caps;

	if (n >= r->ncaps || c[2 * n] == PCRE2_UNSET || c[2 * n + 1] < c[2 * n])
		return TDM_STR_NULL;
	return (struct tdm_str){ r->subject.s + c[2 * n], c[2 * n + 1] - c[2 * n] };
}
