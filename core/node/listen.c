/* SPDX-License-Identifier: GPL-2.0-or-later
 * The node's listen addresses from the `listen` setting, with the host
 * and port advertised in Via and Record-Route (the `advertise` setting
 * overrides the bound address, for a node behind NAT or a load
 * balancer). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/log.h>
#include "node/node.h"

/* Splits "host[:port]" (IPv6 in brackets) of the advertise setting. */
static int advertise(const struct tdm_str *a, struct tdm_listen *l)
{
	struct tdm_str host = *a;
	long colon = -1;
	uint32_t port;

	for (size_t i = 0; i < a->len; i++)
		if (a->s[i] == ':')
			colon = (long)i;
	if (colon >= 0 && (a->s[0] != '[' || a->s[colon - 1] == ']')) {
		struct tdm_str p = tdm_str_sub(a, (size_t)colon + 1,
					       a->len - (size_t)colon - 1);
		if (tdm_str_to_u32(&p, &port) || !port || port > 65535)
			return -EINVAL;
		l->port = (uint16_t)port;
		host.len = (size_t)colon;
	}
	if (!host.len || host.len >= sizeof(l->host))
		return -EINVAL;
	memcpy(l->host, host.s, host.len);
	l->host[host.len] = 0;
	return 0;
}

/* Every worker binds with SO_REUSEPORT, which would also let a second
 * node share (and silently split) the same address: a plain bind first
 * tells whether anyone else holds it. */
static int probe(const struct tdm_listen *l)
{
	int type = l->proto == TDM_PROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int fd = socket(tdm_addr_family(&l->addr), type | SOCK_CLOEXEC, 0);
	int on = 1, rc = 0;

	if (fd < 0)
		return -errno;
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (const struct sockaddr *)&l->addr.ss, l->addr.len))
		rc = -errno;
	close(fd);
	return rc;
}

int tdm_node_listens(struct tdm_node *n, char *err, size_t errlen)
{
	const struct tdm_setting_val *v = &n->cfg->v[TDM_SETTING_LISTEN];
	const struct tdm_setting_val *adv = &n->cfg->v[TDM_SETTING_ADVERTISE];
	int rc;

	if (!v->count) {
		snprintf(err, errlen, "no listen address (settings: listen, "
			 "or --listen PROTO:IP:PORT)");
		return -EINVAL;
	}
	n->listens = tdm_calloc(v->count, sizeof(*n->listens));
	if (!n->listens)
		return -ENOMEM;
	for (unsigned i = 0; i < v->count; i++) {
		struct tdm_listen *l = &n->listens[i];
		const char *why = "bad address";
		char ip[TDM_ADDR_STRLEN];
		if (tdm_addr_parse_listen(&l->proto, &l->addr, &v->list[i], &why)) {
			snprintf(err, errlen, "listen '%.*s': %s",
				 TDM_STR_FMT(&v->list[i]), why);
			return -EINVAL;
		}
		l->index = i;
		l->port = tdm_addr_port(&l->addr);
		tdm_addr_format_ip(&l->addr, ip, sizeof(ip));
		snprintf(l->host, sizeof(l->host),
			 tdm_addr_family(&l->addr) == AF_INET6 ? "[%s]" : "%s", ip);
		if (adv->s.len && advertise(&adv->s, l)) {
			snprintf(err, errlen, "advertise '%.*s': expected "
				 "HOST[:PORT]", TDM_STR_FMT(&adv->s));
			return -EINVAL;
		}
		n->have[l->proto] = true;
		if ((rc = probe(l))) {
			snprintf(err, errlen, "cannot listen on %.*s: %s",
				 TDM_STR_FMT(&v->list[i]), tdm_strerror(rc));
			return rc;
		}
	}
	n->nlisten = v->count;
	return 0;
}
