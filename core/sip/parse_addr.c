/* SPDX-License-Identifier: GPL-2.0-or-later
 * name-addr / addr-spec with header parameters (RFC 3261 §20.10, §25.1):
 * From, To, Contact, Route, Record-Route, Path; and the comma splitting of
 * list headers (§7.3.1) that must skip quoted strings and <...>. */
#include <errno.h>
#include <string.h>
#include <tandem/sip.h>
#include "sip_impl.h"

int sip_list_next(struct tdm_str *cursor, struct tdm_str *elem)
{
	const char *p = cursor->s, *end = cursor->s + cursor->len, *e0;

	/* empty elements (",,") are allowed by §7.3.1's #rule; skip them */
	for (;;) {
		p = sip_skip_lws(p, end);
		if (p < end && *p == ',')
			p++;
		else
			break;
	}
	if (p == end) {
		cursor->s = end;
		cursor->len = 0;
		return -ENOENT;
	}
	e0 = p;
	for (;;) {
		p = sip_find_lsep(p, end);
		if (p == end || *p == ',')
			break;
		if (*p == '"') {
			p = sip_skip_quoted(p, end);
			if (!p)
				return -EBADMSG;
		} else if (*p == '<') {
			const char *gt = memchr(p, '>', (size_t)(end - p));
			if (!gt)
				return -EBADMSG;
			p = gt + 1;
		}
	}
	/* the cursor stays at the untrimmed end: a lone CR before a ',' must
	 * not be seen again as the start of the next element (it would loop) */
	cursor->s = p;
	cursor->len = (size_t)(end - p);
	while (p > e0 && (sip_is_ws(p[-1]) || p[-1] == '\r' || p[-1] == '\n'))
		p--;
	*elem = (struct tdm_str){ e0, (size_t)(p - e0) };
	return 0;
}

/* display-name = *(token LWS) / quoted-string. Returns 0 when [p, end) is
 * a valid display name (possibly empty). */
static int check_display(const char *p, const char *end)
{
	while (p < end) {
		if (sip_is_token(*p) || sip_is_ws(*p) || *p == '\r' || *p == '\n')
			p++;
		else if ((unsigned char)*p >= 0x80)
			p++; /* UTF-8 in unquoted display names: tolerated */
		else
			return -EBADMSG;
	}
	return 0;
}

/* Scans the URI of an addr-spec (no angle brackets): it ends at white
 * space, ';' (header params start, §20.10) or ',' in a list. Returns NULL
 * for a '?': a URI with headers MUST be enclosed in <> (§20). */
static const char *addr_spec_end(const char *p, const char *end, bool list)
{
	while (p < end && *p != ';' && !(list && *p == ',') &&
	       !sip_is_ws(*p) && *p != '\r' && *p != '\n') {
		if (*p == '?')
			return NULL;
		p++;
	}
	return p;
}

/* End of the header parameters: the end of the value, or in a list the
 * first ',' outside a quoted string. */
static inline __attribute__((always_inline)) const char *
params_end(const char *q, const char *end, bool list, bool padded)
{
	if (!list)
		return end;
	while (q < end) {
		if (padded)
			q = sip_find3(q, end, ',', '"', '"');
		if (q == end || *q == ',')
			break;
		if (*q == '"') {
			q = padded ? sip_skip_quoted_padded(q, end) :
				     sip_skip_quoted(q, end);
			if (!q)
				return NULL;
		} else {
			q++;
		}
	}
	return q;
}

/* Header parameters after the URI: ";a=b;tag=x". Validates them, stores the
 * raw list and the tag, and returns where they end. */
static inline __attribute__((always_inline)) const char *
addr_params(struct tdm_sip_addr *a, const char *p, const char *end, bool list,
	    bool padded)
{
	const char *p0, *q;
	struct tdm_str cur;
	struct tdm_sip_param prm;
	int err;

	p = sip_skip_lws(p, end);
	if (p == end || *p != ';')
		return p;
	p0 = ++p;
	q = params_end(p, end, list, padded);
	if (!q)
		return NULL;
	a->params = sip_trim(p0, q);
	if (!a->params.len)
		return NULL; /* ";" with nothing after it */
	cur = a->params;
	while ((err = sip_param_scan(&cur, &prm, padded)) == 0) {
		if (prm.name.len == 3 &&
		    (padded ? sip_letters_caseeq(prm.name.s, "tag", 3) :
			      tdm_mem_caseeq(prm.name.s, "tag", 3))) {
			if (!prm.has_value || a->tag.s)
				return NULL;
			a->tag = prm.value;
		}
	}
	return err == -ENOENT ? q : NULL;
}

/* name-addr when a '<' comes before any ';' or ','. Fills the display
 * name and returns the '<', or NULL for an addr-spec; *bad on a display
 * name that is not one. */
static inline __attribute__((always_inline)) const char *
find_laquot(struct tdm_sip_addr *a, const char *p, const char *end,
	    bool padded, bool *bad)
{
	const char *q;

	if (p < end && *p == '"') {
		q = padded ? sip_skip_quoted_padded(p, end) :
			     sip_skip_quoted(p, end);
		if (!q)
			return *bad = true, NULL;
		a->display = (struct tdm_str){ p + 1, (size_t)(q - p - 2) };
		p = sip_skip_lws(q, end);
		if (p == end || *p != '<')
			return *bad = true, NULL;
		return p;
	}
	if (padded)
		q = sip_find3(p, end, ';', ',', '<');
	else
		for (q = p; q < end && *q != ';' && *q != ',' && *q != '<'; q++)
			;
	if (q == end || *q != '<')
		return NULL;
	if (check_display(p, q))
		return *bad = true, NULL;
	a->display = sip_trim(p, q);
	return q;
}

/* The URI between '<' and the first '>', which must not hold another '<'. */
static inline __attribute__((always_inline)) const char *
angle_uri(struct tdm_sip_addr *a, const char *lt, const char *end, bool padded)
{
	const char *gt;

	if (padded) {
		gt = sip_find3(lt + 1, end, '<', '>', '>');
		if (gt == end || *gt == '<')
			return NULL;
	} else {
		gt = memchr(lt, '>', (size_t)(end - lt));
		if (!gt || memchr(lt + 1, '<', (size_t)(gt - lt - 1)))
			return NULL;
	}
	a->uri = (struct tdm_str){ lt + 1, (size_t)(gt - lt - 1) };
	a->angle = true;
	return gt + 1;
}

/* Body of tdm_sip_addr_parse(); padded (a constant at each call) allows
 * the block scans. */
static inline __attribute__((always_inline)) int
addr_parse(struct tdm_sip_addr *a, struct tdm_str *in, bool list, bool padded)
{
	const char *p = in->s, *end = in->s + in->len, *lt, *q;
	bool bad = false;

	*a = (struct tdm_sip_addr){ 0 };
	p = sip_skip_lws(p, end);
	lt = find_laquot(a, p, end, padded, &bad);
	if (bad)
		return -EBADMSG;
	if (lt) {
		p = angle_uri(a, lt, end, padded);
		if (!p)
			return -EBADMSG;
	} else {
		q = addr_spec_end(p, end, list);
		if (!q)
			return -EBADMSG;
		a->uri = (struct tdm_str){ p, (size_t)(q - p) };
		p = q;
	}
	if (!a->uri.len)
		return -EBADMSG;
	p = addr_params(a, p, end, list, padded);
	if (!p)
		return -EBADMSG;
	p = sip_skip_lws(p, end);
	if (p < end && !(list && *p == ','))
		return -EBADMSG;
	in->s = p;
	in->len = (size_t)(end - p);
	return 0;
}

int tdm_sip_addr_parse(struct tdm_sip_addr *a, struct tdm_str *in, bool list)
{
	return addr_parse(a, in, list, false);
}

int sip_addr_parse(struct tdm_sip_addr *a, struct tdm_str *in, bool list)
{
	return addr_parse(a, in, list, true);
}
