/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: choosing the next hop for a SIP URI by RFC 3263
 * (NAPTR -> SRV -> A/AAAA) with c-ares, non-blocking on a worker's event
 * loop, with a TTL-respecting cache shared by all workers.
 *
 * Every worker owns one struct tdm_dns (one c-ares channel, its sockets
 * watched by the worker's loop, its timeouts on the loop's wheel). The
 * answer is an ordered list of targets: the transaction layer tries them
 * in order and fails over to the next one on 503, timeout or transport
 * error (RFC 3263 §4.3). */
#ifndef TDM_DNS_H
#define TDM_DNS_H

#include <stdbool.h>
#include <stdint.h>
#include <tandem/loop.h>
#include <tandem/uri.h>
#include "net/tport.h"

/* Settings (zero fields: defaults). */
struct tdm_dns_cfg {
	/* "IP[:PORT],IP[:PORT]" name servers; NULL: /etc/resolv.conf. The
	 * tests point this at a dnsmasq on a loopback port. */
	const char *servers;
	unsigned timeout_ms;      /* per try: 2000 */
	unsigned tries;           /* 2 */
	unsigned cache_max;       /* entries: 10000 */
	unsigned negative_ttl_s;  /* NXDOMAIN / no data cached for: 30 s */
	unsigned max_ttl_s;       /* cap on any TTL: 3600 s */
	/* Transports the node can use, in preference order for a URI with
	 * no transport and no NAPTR records (RFC 3263 §4.1). */
	bool have_udp, have_tcp, have_tls, have_ws;
	/* (All four false: UDP and TCP.) Addresses of one host are tried
	 * IPv4 first, then IPv6; true swaps that. */
	bool prefer_ipv6;
};

/* One place to send to, in the order to try. */
struct tdm_dns_target {
	enum tdm_proto proto;
	struct tdm_addr addr;     /* with the port */
	/* The name it came from (TLS SNI, logs): the URI's host (or maddr),
	 * which is what the server's certificate must match (RFC 5922 §4),
	 * not the SRV target. */
	char host[256];
};

#define TDM_DNS_TARGETS_MAX 16

/* Result of one resolution: n targets (n == 0 with err != 0 on failure:
 * -ENOENT no such name / no usable record, -ETIMEDOUT, -EPROTONOSUPPORT
 * the URI asks for a transport the node does not have, -ENOMEM; also
 * -EIO SERVFAIL / REFUSED / malformed answer, -ECONNREFUSED the name
 * server's port is closed, -ECANCELED tdm_dns_free() with the resolve
 * pending). */
struct tdm_dns_result {
	int err;
	unsigned n;
	struct tdm_dns_target t[TDM_DNS_TARGETS_MAX];
};

typedef void tdm_dns_fn(void *arg, const struct tdm_dns_result *res);

int tdm_dns_global_init(const struct tdm_dns_cfg *cfg, char *err, size_t errlen);
void tdm_dns_global_free(void);

struct tdm_dns;
int tdm_dns_new(struct tdm_dns **out, struct tdm_loop *loop);
/* Cancels pending queries (their callbacks run with -ECANCELED) and
 * frees d. From the loop's thread, with the loop still alive, and not
 * from inside one of d's callbacks. */
void tdm_dns_free(struct tdm_dns *d);

/* Resolves where to send a request whose next hop is `uri` (RFC 3263
 * §4: maddr, numeric host, explicit port and transport are honoured;
 * sips: means TLS). When the answer is known without a query (numeric
 * host, or every record needed is cached and fresh) fn runs before this
 * returns and 1 is returned; otherwise 0 is returned and fn runs later on
 * the loop's thread. Returns -errno (and fn is not called) when the query
 * cannot be started. */
int tdm_dns_resolve(struct tdm_dns *d, const struct tdm_uri *uri,
		    tdm_dns_fn *fn, void *arg);
/* Forgets the callback of a pending resolve (the caller's object is going
 * away): fn will not be called with arg. */
void tdm_dns_cancel(struct tdm_dns *d, tdm_dns_fn *fn, void *arg);

struct tdm_dns_stats {
	uint64_t queries, cache_hits, cache_misses, failures, timeouts;
	uint64_t cached;          /* entries now */
};
void tdm_dns_stats(struct tdm_dns_stats *out);

#endif
