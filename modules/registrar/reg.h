/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private declarations shared by the registrar's files: the module's
 * configuration, and the script-independent halves of save() and
 * lookup() (they take a parsed message and a source description, so the
 * unit tests drive them without a running node). */
#ifndef REG_REG_H
#define REG_REG_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <tandem/addr.h>
#include <tandem/buf.h>
#include <tandem/module.h>
#include <tandem/script.h>
#include <tandem/sip.h>
#include <tandem/str.h>
#include "usrloc.h"

/* Module parameters (registrar.c's descriptor writes them). */
struct reg_cfg {
	int64_t default_expires;  /* no expires in the request */
	int64_t min_expires;      /* below: 423 Interval Too Brief */
	int64_t max_expires;      /* above: clamped */
	int64_t max_contacts;     /* bindings per AOR */
	int64_t natping_interval; /* seconds, 0: no keep-alives */
	const char *natping_method; /* "options" or "crlf" */
	const char *natping_from; /* From URI of OPTIONS pings */
	int64_t flow_timer;       /* Flow-Timer in outbound 200s, 0: omit */
	int64_t timer_interval;   /* expiry sweep period, seconds */
	int64_t hash_size;        /* AOR hash buckets */
	bool outbound;            /* honour reg-id (RFC 5626) */
	bool gruu;                /* hand out public GRUUs (RFC 5627) */
};

/* Upper bound of the max_contacts parameter. */
#define REG_MAX_CONTACTS 256

/* Longest AOR we store ("user@domain"). */
#define REG_AOR_MAX 512

/* The AOR of a SIP/SIPS URI: "user@host" with the host lower-cased,
 * written into buf (REG_AOR_MAX). 0, -EINVAL (not sip/sips, no host),
 * -ENAMETOOLONG. */
int reg_aor_from_uri(const struct tdm_uri *u, char *buf, struct tdm_str *out);
/* The same from text: "sip:alice@example.com", "<sip:...>" or bare
 * "alice@example.com". */
int reg_aor_from_text(const struct tdm_str *in, char *buf, struct tdm_str *out);
/* The Contact URI in an operator's or a script's text: trimmed, the part
 * inside <> when there are angle brackets ("<sip:a@h>;expires=0" and
 * "Alice <sip:a@h>" give "sip:a@h"). Points into in. */
struct tdm_str reg_contact_from_text(const struct tdm_str *in);

/* Where a REGISTER came from (tdm_scr_peer()). */
struct reg_src {
	bool known;               /* false: offline, no NAT handling */
	enum tdm_proto proto;
	struct tdm_str ip;        /* no brackets */
	uint16_t port;
	uint64_t conn_id;
	unsigned listen_index;
};

/* What save() answers: code, reason (static or NULL: standard), and the
 * extra header lines (each ending in CRLF). */
struct reg_reply {
	unsigned code;
	const char *reason;
	struct tdm_buf hdrs;      /* free with tdm_buf_free() */
};

/* RFC 3261 §10.3 steps 4-8 for REGISTER msg on the store: checks,
 * applies, and fills *out (always, also for error answers). Returns 0
 * (out->code tells 200 or not) or -ENOMEM. now: wall clock seconds. */
int reg_save(struct reg_ul *ul, const struct reg_cfg *cfg,
	     struct tdm_sip_msg *msg, const struct reg_src *src, int64_t now,
	     struct reg_reply *out);

/* "Date: Tue, 15 Nov 1994 08:12:31 GMT\r\n" for time t. */
void reg_date_hdr(int64_t t, struct tdm_buf *b);

/* The targets of a lookup, allocated in an arena: live bindings of the
 * AOR ordered by q (descending, none = 1.0) then most recent first. */
struct reg_targets {
	unsigned n;
	struct tdm_scr_target *t;
};

/* lookup() return values. */
#define REG_FOUND 1
#define REG_NO_AOR (-1)      /* 404 */
#define REG_NO_CONTACT (-2)  /* 480 */

/* Looks up `aor` (gr: GRUU instance to select, or empty) and fills *out
 * from the arena. REG_FOUND, REG_NO_AOR (no binding), REG_NO_CONTACT
 * (the AOR has bindings but none live / for that instance), -ENOMEM. */
int reg_lookup_aor(struct reg_ul *ul, const struct tdm_str *aor,
		   const struct tdm_str *gr, int64_t now, struct tdm_arena *a,
		   struct reg_targets *out);

/* Sends the keep-alives of one round: every live NATed UDP binding gets
 * an OPTIONS or CRLF from the listen address it registered on. Number
 * sent. The send function is tdm_node_send() except in tests. */
struct tdm_node_dest;
typedef int reg_send_fn(const struct tdm_node_dest *d, const void *buf,
			size_t len);
int reg_natping_round(struct reg_ul *ul, const struct reg_cfg *cfg,
		      int64_t now, reg_send_fn *send);
/* The OPTIONS request pinging binding b (into out). 0 or -ENOMEM. */
int reg_natping_options(const struct reg_ul_binding *b,
			const struct reg_cfg *cfg, unsigned long seq,
			struct tdm_buf *out);
/* Parses "proto:ip:port" (a binding's received) into dest. 0 or -EINVAL. */
int reg_received_parse(const struct tdm_str *rcv, enum tdm_proto *proto,
		       struct tdm_addr *addr);

/* ---- Admin API (reg_rpc.c) and statistics (reg_stats.c) ---------------- */

/* The commands registrar.show and registrar.remove (docs/admin-api.md). */
extern const struct tdm_rpc_def reg_rpcs[];
/* The module's statistics (docs/registrar.md, "Statistics"). */
extern const struct tdm_stat_def reg_stat_defs[];

/* Counters bumped by the script functions and the timer thread (several
 * writers: atomic_fetch_add). */
struct reg_counters {
	atomic_ulong reg_ok, reg_fail, lookups, lookup_found, expired,
		flow_failed, pings;
};
extern struct reg_counters reg_st;

/* Held shared by the admin API's readers of reg_ul_main (the RPCs and the
 * statistics read functions, on the API's threads), exclusive by the
 * module's load and unload while they create and destroy the store: an
 * admin request arriving during shutdown never sees a freed store. */
extern pthread_rwlock_t reg_admin_lock;

#endif
