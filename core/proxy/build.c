/* SPDX-License-Identifier: GPL-2.0-or-later
 * Pieces of outgoing messages the proxy writes itself: our Via, the
 * removal of our Via from responses, and where a resolved target is
 * sent from. */
#include <errno.h>
#include <string.h>
#include "proxy/proxy_impl.h"

static const char *via_proto(enum tdm_proto p)
{
	switch (p) {
	case TDM_PROTO_TCP: return "TCP";
	case TDM_PROTO_TLS: return "TLS";
	case TDM_PROTO_WS: return "WS";
	case TDM_PROTO_WSS: return "WSS";
	default: return "UDP";
	}
}

static char *put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

size_t px_via_value(const struct tdm_listen *l, enum tdm_proto proto,
		    const char *branch, char *out)
{
	const char *tp = via_proto(proto);
	char *p = out;

	/* "SIP/2.0/%s %s:%u;branch=%s;rport" */
	p = put(p, "SIP/2.0/", 8);
	p = put(p, tp, strlen(tp));
	*p++ = ' ';
	p = put(p, l->host, strnlen(l->host, sizeof(l->host)));
	*p++ = ':';
	p = px_put_dec(p, l->port);
	p = put(p, ";branch=", 8);
	p = put(p, branch, strnlen(branch, TDM_TXN_BRANCH_MAX - 1));
	p = put(p, ";rport", 6);
	return (size_t)(p - out);
}

int px_edit_pop_first(struct tdm_sip_edits *e, const struct tdm_sip_msg *m,
		      enum tdm_sip_hdr_id id)
{
	const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, id);
	struct tdm_str rest;
	long comma = -1;
	bool quoted = false;
	int angle = 0;

	if (!h)
		return -1;
	/* a line without a comma holds one value (the common case: one Via
	 * per line) */
	if (!memchr(h->value.s, ',', h->value.len))
		return tdm_sip_edit_del_hdr(e, (uint32_t)(h - m->hdrs));
	/* the first top-level comma ends the first value */
	for (size_t i = 0; i < h->value.len && comma < 0; i++) {
		char c = h->value.s[i];
		if (c == '"' && (i == 0 || h->value.s[i - 1] != '\\'))
			quoted = !quoted;
		else if (!quoted && c == '<')
			angle++;
		else if (!quoted && c == '>')
			angle--;
		else if (!quoted && !angle && c == ',')
			comma = (long)i;
	}
	if (comma < 0)
		return tdm_sip_edit_del_hdr(e, (uint32_t)(h - m->hdrs));
	rest = tdm_str_trim(tdm_str_sub(&h->value, (size_t)comma + 1,
					h->value.len - (size_t)comma - 1));
	if (!rest.len) /* "Via: ours," : nothing after the comma */
		return tdm_sip_edit_del_hdr(e, (uint32_t)(h - m->hdrs));
	return tdm_sip_edit_set_hdr(e, (uint32_t)(h - m->hdrs), &rest);
}

int px_dest_from_target(struct tdm_proxy *p, const struct tdm_dns_target *t,
			struct tdm_dest *d)
{
	memset(d, 0, sizeof(*d));
	d->proto = t->proto;
	d->addr = t->addr;
	d->listen = px_listen_for(p, t->proto, tdm_addr_family(&t->addr));
	/* the name to present: TLS SNI, the WebSocket Host; a datagram has
	 * no use for it (and a client transaction would copy it) */
	if (t->proto != TDM_PROTO_UDP)
		d->sni = tdm_str_c(t->host);
	return d->listen ? 0 : -EPROTONOSUPPORT;
}
