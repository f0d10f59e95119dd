/* SPDX-License-Identifier: GPL-2.0-or-later
 * Address-of-record keys: "user@host" from a SIP URI. The host is
 * compared without case (RFC 3261 §19.1.4) so it is lower-cased once
 * here; the user part is case-sensitive and kept as it is. */
#include <errno.h>
#include <string.h>
#include <tandem/uri.h>
#include "reg.h"

int reg_aor_from_uri(const struct tdm_uri *u, char *buf, struct tdm_str *out)
{
	size_t n = 0;

	if ((u->scheme != TDM_URI_SIP && u->scheme != TDM_URI_SIPS) ||
	    !u->host.len)
		return -EINVAL;
	if (u->user.len + 1 + u->host.len >= REG_AOR_MAX)
		return -ENAMETOOLONG;
	if (u->user.len) {
		memcpy(buf, u->user.s, u->user.len);
		n = u->user.len;
		buf[n++] = '@';
	}
	for (size_t i = 0; i < u->host.len; i++)
		buf[n++] = tdm_lower(u->host.s[i]);
	buf[n] = '\0';
	out->s = buf;
	out->len = n;
	return 0;
}

int reg_aor_from_text(const struct tdm_str *in, char *buf, struct tdm_str *out)
{
	struct tdm_str t = tdm_str_trim(*in);
	struct tdm_uri u;
	char tmp[REG_AOR_MAX + 8];

	if (t.len >= 2 && t.s[0] == '<' && t.s[t.len - 1] == '>') {
		t.s++;
		t.len -= 2;
	}
	if (!t.len)
		return -EINVAL;
	if (!(t.len > 4 && tdm_mem_caseeq(t.s, "sip:", 4)) &&
	    !(t.len > 5 && tdm_mem_caseeq(t.s, "sips:", 5))) {
		/* bare "user@domain": parse it as a sip: URI */
		if (t.len + 4 >= sizeof(tmp))
			return -ENAMETOOLONG;
		memcpy(tmp, "sip:", 4);
		memcpy(tmp + 4, t.s, t.len);
		t.s = tmp;
		t.len += 4;
	}
	if (tdm_uri_parse(&u, &t, NULL) != 0)
		return -EINVAL;
	return reg_aor_from_uri(&u, buf, out);
}

struct tdm_str reg_contact_from_text(const struct tdm_str *in)
{
	struct tdm_str t = tdm_str_trim(*in);
	long lt = tdm_str_chr(&t, '<');

	if (lt >= 0) {
		struct tdm_str rest = { t.s + lt + 1, t.len - (size_t)lt - 1 };
		long gt = tdm_str_chr(&rest, '>');
		if (gt >= 0)
			return tdm_str_trim((struct tdm_str){ rest.s, (size_t)gt });
	}
	return t;
}
