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
	while (p > e0 && (sip_is_ws(p[-1]) || p[-1] == '\r' || p[-1] == '\n'))
		p--;
	*elem = (struct tdm_str){ e0, (size_t)(p - e0) };
	cursor->s = p;
	cursor->len = (size_t)(end - p);
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

/* Header parameters after the URI: ";a=b;tag=x". Validates them, stores the
 * raw list and the tag, and returns where they end. */
static const char *addr_params(struct tdm_sip_addr *a, const char *p,
			       const char *end, bool list)
{
	const char *p0, *q;
	struct tdm_str cur;
	struct tdm_sip_param prm;
	int err;

	p = sip_skip_lws(p, end);
	if (p == end || *p != ';')
		return p;
	p0 = ++p;
	/* outside a list the parameters run to the end of the value */
	for (q = list ? p : end; q < end && *q != ','; ) {
		if (*q == '"') {
			q = sip_skip_quoted(q, end);
			if (!q)
				return NULL;
		} else {
			q++;
		}
	}
	a->params = tdm_str_trim((struct tdm_str){ p0, (size_t)(q - p0) });
	if (!a->params.len)
		return NULL; /* ";" with nothing after it */
	cur = a->params;
	while ((err = sip_param_next(&cur, &prm)) == 0) {
		if (TDM_STR_CASEEQ_LIT(&prm.name, "tag")) {
			if (!prm.has_value || a->tag.s)
				return NULL;
			a->tag = prm.value;
		}
	}
	return err == -ENOENT ? q : NULL;
}

int tdm_sip_addr_parse(struct tdm_sip_addr *a, struct tdm_str *in, bool list)
{
	const char *p = in->s, *end = in->s + in->len, *lt = NULL, *q;

	*a = (struct tdm_sip_addr){ 0 };
	p = sip_skip_lws(p, end);
	if (p < end && *p == '"') {
		q = sip_skip_quoted(p, end);
		if (!q)
			return -EBADMSG;
		a->display = (struct tdm_str){ p + 1, (size_t)(q - p - 2) };
		p = sip_skip_lws(q, end);
		if (p == end || *p != '<')
			return -EBADMSG;
		lt = p;
	} else {
		/* name-addr when a '<' comes before any ';' or ',' */
		for (q = p; q < end && *q != ';' && *q != ',' && *q != '<'; q++)
			;
		if (q < end && *q == '<') {
			if (check_display(p, q))
				return -EBADMSG;
			a->display = tdm_str_trim((struct tdm_str){ p, (size_t)(q - p) });
			lt = q;
		}
	}
	if (lt) {
		const char *gt = memchr(lt, '>', (size_t)(end - lt));
		if (!gt || memchr(lt + 1, '<', (size_t)(gt - lt - 1)))
			return -EBADMSG;
		a->uri = (struct tdm_str){ lt + 1, (size_t)(gt - lt - 1) };
		a->angle = true;
		p = gt + 1;
	} else {
		q = addr_spec_end(p, end, list);
		if (!q)
			return -EBADMSG;
		a->uri = (struct tdm_str){ p, (size_t)(q - p) };
		p = q;
	}
	if (!a->uri.len)
		return -EBADMSG;
	p = addr_params(a, p, end, list);
	if (!p)
		return -EBADMSG;
	p = sip_skip_lws(p, end);
	if (p < end && !(list && *p == ','))
		return -EBADMSG;
	in->s = p;
	in->len = (size_t)(end - p);
	return 0;
}
