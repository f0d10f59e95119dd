/* SPDX-License-Identifier: GPL-2.0-or-later
 * The provisioning snapshot: the node's in-memory copy of the domain,
 * subscriber, alias and address tables, kept up to date from the
 * database's change_log by one sync thread. Routing scripts and modules
 * (digest authentication, aliases, trusted peers) read it from any worker
 * thread without SQL: each table is a hash split in stripes, each stripe
 * under its own read-write lock, and a lookup copies what it found out
 * before it returns, so nothing it hands back can change under it.
 *
 *   const struct tdm_snap *s = tdm_snap_node();
 *   struct tdm_snap_sub sub;
 *   if (s && tdm_snap_subscriber(s, &user, &realm, &sub) == 0 &&
 *       sub.enabled)
 *           ... check the response against sub.ha1 ...
 *
 * Users are compared exactly, domains without ASCII case (the schema
 * declares them COLLATE NOCASE). */
#ifndef TANDEM_SNAPSHOT_H
#define TANDEM_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/addr.h>
#include <tandem/compiler.h>
#include <tandem/str.h>

struct tdm_snap;

/* The node's snapshot, or NULL when the node runs without a database (or
 * outside tandemd: offline script tests). Valid while the node runs. */
TDM_API const struct tdm_snap *tdm_snap_node(void);

/* A subscriber as tdm_snap_subscriber() copies it out. HA1s are binary
 * (H(user:realm:password), realm = the domain), see <tandem/digest.h>. */
struct tdm_snap_sub {
	int64_t id;                 /* subscriber.id */
	bool enabled;
	uint8_t ha1[16];            /* MD5 */
	uint8_t ha1_sha256[32];     /* SHA-256 */
	uint8_t ha1_sha512t256[32]; /* SHA-512/256 */
	char display_name[256];     /* "" when none; NUL-terminated */
};

/* Finds user@domain. 0 with *out filled (disabled subscribers too: check
 * out->enabled), or -ENOENT. out may be NULL (existence check). */
TDM_API int tdm_snap_subscriber(const struct tdm_snap *s,
				const struct tdm_str *user,
				const struct tdm_str *domain,
				struct tdm_snap_sub *out);

/* True when domain is in the domain table (a domain this node serves). */
TDM_API bool tdm_snap_domain_served(const struct tdm_snap *s,
				    const struct tdm_str *domain);

/* Resolves the alias user@domain to the subscriber it reaches: 0 with
 * the subscriber's user and domain written into buf (NUL-separated) and
 * *to_user / *to_domain pointing there, -ENOENT (no such alias) or
 * -ENOSPC (buf too small; 512 bytes always suffice). */
TDM_API int tdm_snap_alias(const struct tdm_snap *s,
			   const struct tdm_str *user,
			   const struct tdm_str *domain, char *buf,
			   size_t buflen, struct tdm_str *to_user,
			   struct tdm_str *to_domain);

/* Matches a source address against the trusted addresses of group grp
 * (address.grp): an entry matches when src's IP is inside ip/mask and
 * its port is 0 or src's port. The longest mask wins (then a given port
 * over port 0). 0 with its tag copied into tag (NUL-terminated,
 * truncated to taglen; tag may be NULL), or -ENOENT. */
TDM_API int tdm_snap_address(const struct tdm_snap *s, unsigned grp,
			     const struct tdm_addr *src, char *tag,
			     size_t taglen);

/* Sizes, for logs and tests. bytes: memory the tables hold (entries with
 * the allocator's per-block overhead, bucket arrays, the domain names). */
struct tdm_snap_stats {
	size_t domains, subscribers, aliases, addresses;
	size_t bytes;
};
TDM_API void tdm_snap_stats(const struct tdm_snap *s,
			    struct tdm_snap_stats *out);

#endif
