/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/proxy: the per-request proxy state ("response context"
 * of RFC 3261 §16) and its branches. */
#ifndef TDM_PROXY_IMPL_H
#define TDM_PROXY_IMPL_H

#include <stdbool.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/log.h>
#include <tandem/wheel.h>
#include "proxy/proxy.h"
#include "script/ctx.h"
#include "script/program.h"

extern struct tdm_log_subsys tdm_log_proxy;

/* A pointer to a slice of a C string, for arguments. */
#define TDM_STRP(cstr) (&(struct tdm_str){ (cstr), strlen(cstr) })

struct tdm_proxy {
	struct tdm_loop *loop;
	unsigned worker;
	struct tdm_proxy_cfg cfg;
	struct tdm_txns *txns;
	struct tdm_dns *dns;
	struct tdm_scr_program *prog;
	tdm_txn_send_fn *send;
	void *send_arg;
	bool resp_taken;         /* the response callback kept the message */
	struct tdm_proxy_stats st;
	struct tdm_buf scratch;  /* messages built and sent at once (the
				  * send and the transactions copy them):
				  * reused, so building allocates nothing */
};

struct px;

struct px_branch {
	struct px *px;
	unsigned idx;
	struct tdm_str uri;      /* Request-URI of this branch (px arena) */
	struct tdm_str next_hop; /* URI to resolve: dst, target, Path, Route
				  * or uri */
	struct tdm_scr_hop hop;  /* dst/path/conn_id of tdm_scr_set_targets()
				  * (strings in the request's arena) */
	struct tdm_dns_target *targets; /* ntargets of them, in try order:
					 * &target1 for one, else owned */
	unsigned ntargets;
	struct tdm_dns_target target1;  /* the common single target: no
					 * allocation */
	unsigned next_target;
	bool dns_pending;
	struct tdm_cli *cli;
	struct tdm_cli *cancel_cli;
	struct tdm_sip_edits *route_edits; /* the branch route's */
	unsigned status;         /* best status seen: 0, 1xx, final */
	struct tdm_sip_msg *final; /* final non-2xx response, owned */
	bool done, provisional, cancel_wanted, synthetic;
	struct tdm_timer timer_c;
	struct px_branch *next;
};

/* One relayed request: the server transaction's user. */
struct px {
	struct tdm_proxy *p;
	struct tdm_srv *srv;     /* NULL once the server transaction ended */
	struct tdm_sip_msg *req; /* the server transaction's */
	struct tdm_scr_program *prog; /* referenced */
	struct tdm_scr_source source;
	struct tdm_scr_source_net net;
	char source_ip[TDM_ADDR_STRLEN];
	char local_ip[TDM_ADDR_STRLEN];
	struct tdm_value *txn_vars;
	struct tdm_sip_edits *core_edits;   /* Route popping, Max-Forwards, Via */
	struct tdm_sip_edits *script_edits; /* request route's */
	struct tdm_sip_edits *failure_edits;/* the latest failure route's */
	struct tdm_str target;   /* relay(uri) */
	unsigned popped;         /* our Route values removed (§16.4) */
	const struct tdm_listen *out_if; /* named by a double Record-Route */
	struct tdm_str ruri;     /* Request-URI the request route left */
	bool record_route;
	bool invite;
	bool final_sent, cancelled, in_failure;
	unsigned failure_runs;
	uint32_t loop_hash;
	unsigned refs;
	unsigned nbranches;
	struct px_branch *branches, **branches_tail;
	struct px_branch first;  /* the first branch: no allocation of its own */
};

void px_ref(struct px *px);
/* Frees the branch's targets (owned unless the single inline one). */
static inline void px_branch_targets_free(struct px_branch *b)
{
	if (b->targets != &b->target1)
		tdm_free(b->targets);
	b->targets = NULL;
	b->ntargets = 0;
}
void px_unref(struct px *px);

/* request.c */
/* Runs route rt of the transaction's program over its request (and
 * reply), with the Request-URI ruri (NULL: the one the request route
 * left) and the transaction's variables. */
int px_run_route(struct px *px, enum tdm_route_type rt, struct tdm_sip_msg *reply,
		 const struct tdm_str *ruri, struct tdm_scr_ctx *x);

/* relay.c */
/* Starts a relay of the request for the decision in x (request or
 * failure route): one branch for the Request-URI and one per
 * append_branch. Returns the number of branches started. */
unsigned px_relay(struct px *px, struct tdm_scr_ctx *x);
/* The first URI of a comma-separated list of name-addrs (a Path). */
struct tdm_str px_first_uri(const struct tdm_str *list);
void px_branch_failover(struct px_branch *b, int err);
bool px_pending(const struct px *px);

/* response.c */
void px_cli_response(void *u, struct tdm_cli *c, struct tdm_sip_msg *resp);
void px_cli_failed(void *u, struct tdm_cli *c, int err);
void px_cli_gone(void *u, struct tdm_cli *c);
void px_branch_final(struct px_branch *b, unsigned code, struct tdm_sip_msg *resp);
void px_check_done(struct px *px);
/* Sends resp upstream on the server transaction, our Via removed. */
int px_forward_response(struct px *px, struct tdm_sip_msg *resp,
			struct tdm_sip_edits *extra);

/* cancel.c */
void px_cancel_branch(struct px_branch *b);
void px_cancel_all(struct px *px);
bool px_cancel_request(struct tdm_proxy *p, struct tdm_sip_msg *req,
		       const struct tdm_rcv *rcv);
void px_timer_c(void *arg);

/* local.c: is this URI / Via ours, and our address for a listen. */
bool px_uri_is_local(const struct tdm_proxy *p, const struct tdm_uri *u);
const struct tdm_listen *px_listen_for(const struct tdm_proxy *p,
				       enum tdm_proto proto, int family);
/* Our Record-Route value for a listen into out (PX_RR_MAX bytes);
 * returns its length. */
#define PX_RR_MAX (TDM_ADDR_STRLEN + 48)
size_t px_rr_value(const struct tdm_listen *l, char *out);
/* §16.4: removes our own Route values (recording the edits in e) and
 * returns how many; *out_if is the interface a double Record-Route
 * named, else NULL. */
unsigned px_loose_route(struct tdm_proxy *p, struct tdm_sip_msg *req,
			struct tdm_sip_edits *e, const struct tdm_listen **out_if);
/* Records the removal of the first n values of the Route set (whole
 * lines, or the leading values of a comma-separated line). */
int px_drop_routes(struct tdm_sip_edits *e, const struct tdm_sip_msg *m,
		   unsigned n);
/* The URI the request goes to next (§16.6 steps 6-7): target when the
 * script named one, else the first Route value after the `popped` ones,
 * else ruri. */
struct tdm_str px_next_hop(struct tdm_sip_msg *req, unsigned popped,
			   const struct tdm_str *target, const struct tdm_str *ruri);
/* RFC 3263 through the worker's resolver, or numeric hosts only when the
 * node has none. Same contract as tdm_dns_resolve(). */
int px_resolve(struct tdm_proxy *p, const struct tdm_uri *u, tdm_dns_fn *fn,
	       void *arg);
bool px_is_loop(struct tdm_proxy *p, struct tdm_sip_msg *req, uint32_t hash);
uint32_t px_loop_hash(const struct tdm_sip_msg *req, const struct tdm_str *ruri);

/* stateless.c */
int px_reply_stateless(struct tdm_proxy *p, struct tdm_sip_msg *req,
		       const struct tdm_rcv *rcv, unsigned code,
		       const struct tdm_str *reason, const struct tdm_str *extra);
/* The same with a body (NULL: none; extra then names its Content-Type). */
int px_reply_stateless_body(struct tdm_proxy *p, struct tdm_sip_msg *req,
			    const struct tdm_rcv *rcv, unsigned code,
			    const struct tdm_str *reason,
			    const struct tdm_str *extra,
			    const struct tdm_str *body);
/* A reply on server transaction s with extra header lines and a body
 * (either may be NULL), with the transaction's To-tag. */
int px_srv_reply_body(struct tdm_proxy *p, struct tdm_srv *s, unsigned code,
		      const struct tdm_str *reason, const struct tdm_str *extra,
		      const struct tdm_str *body);
/* The extra header lines of a script's reply decision (tdm_scr_reply():
 * its headers, and Content-Type when it has a body) into b. */
void px_decision_extra(const struct tdm_scr_decision *d, struct tdm_buf *b);
/* Forwards req with the edits of lists[0..n) and our Via to next_hop
 * (a URI, resolved by RFC 3263). */
int px_forward_stateless(struct tdm_proxy *p, struct tdm_sip_msg *req,
			 struct tdm_sip_edits *const *lists, unsigned n,
			 const struct tdm_str *next_hop);
void px_response_stateless(struct tdm_proxy *p, struct tdm_sip_msg *resp);

/* build.c */
/* Edits that remove the top value of the first header with this id. */
int px_edit_pop_first(struct tdm_sip_edits *e, const struct tdm_sip_msg *m,
		      enum tdm_sip_hdr_id id);
/* Our Via for a listen and branch into out (PX_VIA_MAX bytes); returns
 * its length. */
#define PX_VIA_MAX (TDM_ADDR_STRLEN + TDM_TXN_BRANCH_MAX + 40)
size_t px_via_value(const struct tdm_listen *l, enum tdm_proto proto,
		    const char *branch, char *out);
/* v in decimal at p, no NUL; returns the end. Formatting by hand: a
 * printf costs more than the rest of building a header line. */
static inline char *px_put_dec(char *p, uint32_t v)
{
	char d[10];
	int n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = d[--n];
	return p;
}

/* v in lower-case hex at p (digits digits, zero-padded; 0: as many as
 * needed), no NUL; returns the end. */
static inline char *px_put_hex(char *p, uint32_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";

	if (!digits)
		for (uint32_t x = v; (digits++, x >>= 4);)
			;
	for (int i = digits - 1; i >= 0; i--)
		*p++ = hex[v >> (4 * i) & 0xf];
	return p;
}

/* The proxy's scratch buffer, emptied. */
static inline struct tdm_buf *px_scratch(struct tdm_proxy *p)
{
	tdm_buf_reset(&p->scratch);
	return &p->scratch;
}
/* Resolves uri for sending: first target (numeric or cached), choosing
 * the transport. */
int px_dest_from_target(struct tdm_proxy *p, const struct tdm_dns_target *t,
			struct tdm_dest *d);

#endif
