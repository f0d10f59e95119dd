/* SPDX-License-Identifier: GPL-2.0-or-later
 * usrloc: the registrar's in-memory binding store (RFC 3261 §10.3).
 *
 * Address-of-records ("user@domain", lower-cased domain) are kept in a
 * hash table split in stripes, each with its own mutex, so that workers
 * saving and looking up different AORs rarely wait for each other. An
 * AOR holds up to max_contacts bindings. Each binding is one allocation
 * (header + its strings), which keeps memory per contact small.
 *
 * Every change made through this API (not through reg_ul_load()) is
 * reported to the change hooks: the persistence code (persist*.c) queues
 * it and writes it behind to the `location` table in batches.
 *
 * Thread-safety: every function may be called from any thread. Callbacks
 * run with a stripe lock held: they must not call back into the store. */
#ifndef REG_USRLOC_H
#define REG_USRLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/str.h>

/* Binding flags (the `flags` column). */
#define REG_UL_NAT      0x1u /* the source differed from the Contact:
			      * `received` holds it, ping it (UDP) */
#define REG_UL_OUTBOUND 0x2u /* RFC 5626 flow binding (instance + reg-id) */
#define REG_UL_STREAM   0x4u /* came over TCP/TLS/WS/WSS: conn_id is the flow */

/* One binding. Strings are slices that are also NUL-terminated (s[len] ==
 * 0) and never NULL (empty: ""), so they can be handed to a database
 * driver or printf("%s") directly. In a record owned by the store they
 * point into the record's own allocation. */
struct reg_ul_binding {
	struct tdm_str aor;        /* "user@domain" */
	struct tdm_str contact;    /* the Contact URI, without <> and params */
	struct tdm_str received;   /* "udp:198.51.100.7:40312" (proto:ip:port,
				    * IPv6 in brackets) when NATed, else "" */
	struct tdm_str path;       /* Path header values, comma-separated,
				    * as received (RFC 3327), or "" */
	struct tdm_str callid;
	struct tdm_str user_agent;
	struct tdm_str instance;   /* +sip.instance value without quotes,
				    * as the parser gives it: "urn:uuid:..."
				    * (no quotes, no <>), or "" */
	struct tdm_str ruid;       /* unique id of the binding (the key) */
	int64_t expires;           /* absolute, wall clock (time(NULL)) */
	int64_t last_modified;     /* wall clock seconds of the last change */
	uint64_t conn_id;          /* stream connection (flow), 0: none */
	uint32_t cseq;
	uint32_t flags;            /* REG_UL_* */
	uint32_t reg_id;           /* RFC 5626 reg-id, 0: none */
	int16_t q;                 /* thousandths 0..1000, -1: none */
	uint16_t listen_index;     /* listen address it arrived on (socket) */
};

/* Copy of b in one allocation (header + strings); NULL strings in b read
 * as "". NULL on ENOMEM. Free with reg_ul_binding_free(). */
struct reg_ul_binding *reg_ul_binding_dup(const struct reg_ul_binding *b);
void reg_ul_binding_free(struct reg_ul_binding *b);
/* Bytes used by a record (for statistics and tests). */
size_t reg_ul_binding_size(const struct reg_ul_binding *b);

/* ---- The store --------------------------------------------------------- */

struct reg_ul;

struct reg_ul_cfg {
	unsigned buckets;      /* hash size (rounded up to a power of 2) */
	unsigned stripes;      /* locks (rounded up to a power of 2) */
	unsigned max_contacts; /* per AOR, >= 1 */
};

/* 0 or -ENOMEM / -EINVAL. */
int reg_ul_create(const struct reg_ul_cfg *cfg, struct reg_ul **out);
/* Frees all bindings (without calling the hooks). No other call may run. */
void reg_ul_destroy(struct reg_ul *ul);

/* Number of bindings / AORs currently stored. */
unsigned long reg_ul_count(const struct reg_ul *ul);
unsigned long reg_ul_aor_count(const struct reg_ul *ul);
/* The max_contacts the store was created with. */
unsigned reg_ul_max_contacts(const struct reg_ul *ul);

/* Inserts a binding read from the database at start, WITHOUT calling
 * the hooks. A binding with the same ruid is replaced; an expired one (expires <=
 * now) is skipped (returns 1). When the AOR is full the binding with the
 * oldest last_modified is dropped. 0, 1 or -ENOMEM / -EINVAL (empty aor or
 * ruid). */
int reg_ul_load(struct reg_ul *ul, const struct reg_ul_binding *b, int64_t now);

/* Single operations, reported to the hooks (used by unregister, flow failure, tests;
 * save() uses reg_ul_aor_apply() below). Insert keeps an existing ruid or
 * makes one when b->ruid is empty; replaces an existing binding with the
 * same ruid (update). 0, -ENOSPC (AOR full), -ENOMEM. */
int reg_ul_insert(struct reg_ul *ul, const struct reg_ul_binding *b);
/* Deletes the binding ruid of aor. 0 or -ENOENT. */
int reg_ul_delete(struct reg_ul *ul, const struct tdm_str *aor,
		  const struct tdm_str *ruid);
/* Deletes every binding of aor (contact NULL) or those whose contact URI
 * equals contact (RFC 3261 §19.1.4 comparison). Number deleted, 0 when
 * none. */
int reg_ul_delete_aor(struct reg_ul *ul, const struct tdm_str *aor,
		      const struct tdm_str *contact);
/* Deletes the bindings of a stream connection that closed (RFC 5626 §5.3
 * flow failure). Number deleted. */
int reg_ul_delete_conn(struct reg_ul *ul, uint64_t conn_id);
/* The same for several connections at once (one walk of the store):
 * ids sorted ascending, n of them. */
int reg_ul_delete_conns(struct reg_ul *ul, const uint64_t *ids, size_t n);
/* Removes (reporting removed()) the bindings with expires <= now.
 * Number removed. Called by the registrar's timer thread. */
int reg_ul_expire(struct reg_ul *ul, int64_t now);

/* Calls fn for each binding of aor (unordered), under the AOR's stripe
 * lock. fn returns 0 to go on, anything else stops the walk and is
 * returned. -ENOENT when the AOR has no bindings. */
typedef int reg_ul_walk_fn(const struct reg_ul_binding *b, void *arg);
int reg_ul_aor_walk(struct reg_ul *ul, const struct tdm_str *aor,
		    reg_ul_walk_fn *fn, void *arg);
/* Calls fn for every binding in the store, one stripe locked at a time
 * (a consistent view per AOR, not of the whole store). Same return. */
int reg_ul_walk(struct reg_ul *ul, reg_ul_walk_fn *fn, void *arg);

/* ---- Counts by domain (statistics) -------------------------------------- */

/* Most domains counted by name; AORs of further domains are counted
 * together under the empty name (a bound on the labels /metrics shows). */
#define REG_UL_DOMAINS_MAX 1000

/* Calls fn for each domain (the part of the AOR after its last '@', a
 * slice that is also NUL-terminated) with its bindings and AORs, unordered, then once with the empty domain for
 * the overflow past REG_UL_DOMAINS_MAX when it holds any AOR. Runs under
 * the domain table's mutex (one entry per domain, no stripe lock): fn
 * must not call the store. fn returns 0 to go on; anything else stops
 * and is returned. Counts kept up to date on every change, so this costs
 * O(domains), whatever the number of bindings. */
typedef int reg_ul_domain_fn(const struct tdm_str *domain,
			     unsigned long bindings, unsigned long aors,
			     void *arg);
int reg_ul_domains(struct reg_ul *ul, reg_ul_domain_fn *fn, void *arg);

/* ---- Atomic edits of one AOR (save()) ---------------------------------- */

/* A locked AOR, valid inside a reg_ul_aor_apply() callback only. */
struct reg_ul_aor;

/* Runs fn with aor's stripe locked, so that the Call-ID/CSeq checks, the
 * changes and the list of bindings for the 200 OK form one step. The AOR
 * is created on demand and freed after fn when left empty. Returns what
 * fn returns. */
typedef int reg_ul_apply_fn(struct reg_ul_aor *a, void *arg);
int reg_ul_aor_apply(struct reg_ul *ul, const struct tdm_str *aor,
		     reg_ul_apply_fn *fn, void *arg);
/* The bindings of a locked AOR: first (prev NULL) and next; NULL at the
 * end. Do not keep the pointer after a put/del of the same binding. */
const struct reg_ul_binding *reg_ul_aor_next(struct reg_ul_aor *a,
					     const struct reg_ul_binding *prev);
unsigned reg_ul_aor_size(const struct reg_ul_aor *a);
/* Inserts b or replaces the binding with the same ruid (b->ruid empty: a
 * new ruid is made). Reported as saved(). 0, -ENOSPC (full), -ENOMEM. */
int reg_ul_aor_put(struct reg_ul_aor *a, const struct reg_ul_binding *b);
/* Deletes binding old (from reg_ul_aor_next()). Reported as removed(). */
void reg_ul_aor_del(struct reg_ul_aor *a, const struct reg_ul_binding *old);

/* ---- Change hooks (write-behind) -------------------------------------- */

/* Called on every change made through this API (never by reg_ul_load()),
 * from the thread that made it, WITH the AOR's stripe lock held: copy
 * what you need and return quickly, never block, never call the store.
 * The persistence code (persist*.c) queues the change and writes it
 * behind. A binding keeps its ruid across re-REGISTERs of the same contact
 * (or the same +sip.instance/reg-id), so saved() is an insert-or-update
 * keyed by ruid. removed() gets the binding as it was (unregister, expiry,
 * flow failure, replaced by a newer one when the AOR was full). */
struct reg_ul_hooks {
	void (*saved)(const struct reg_ul_binding *b, void *arg);
	void (*removed)(const struct reg_ul_binding *b, void *arg);
	void *arg;
};
/* Installs the hooks (h NULL: none). Call before workers start. */
void reg_ul_set_hooks(struct reg_ul *ul, const struct reg_ul_hooks *h);

/* The registrar's store, set by the module at load (NULL before and after):
 * the persistence code reaches it here. */
extern struct reg_ul *reg_ul_main;

#endif
