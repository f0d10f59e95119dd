/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: RFC 3261 §17 transactions, per worker. The engine
 * matches requests to server transactions and responses to client
 * transactions, absorbs retransmissions, retransmits over unreliable
 * transports with timers A/E and G, and times out with B/F/H and Timer C's
 * owner (the proxy). It knows nothing of routing: the transaction user
 * (core/proxy) decides what to send, and hears back through callbacks.
 *
 * Threads: a worker's engine (struct tdm_txns) and everything in it
 * belong to that worker. Requests are handled on the worker that received
 * them (SO_REUSEPORT keeps one peer on one socket, so retransmissions,
 * ACK and CANCEL arrive where the INVITE did; stream connections belong
 * to one worker); responses carry the worker in our Via branch and are
 * posted to it by the node. */
#ifndef TDM_TXN_H
#define TDM_TXN_H

#include <stdbool.h>
#include <stdint.h>
#include <tandem/buf.h>
#include <tandem/loop.h>
#include <tandem/sip.h>
#include <tandem/wheel.h>
#include "net/tport.h"

/* Timer values, ms. */
struct tdm_txn_cfg {
	unsigned t1, t2, t4;
	unsigned timer_b, timer_f; /* 0: 64*T1 */
	unsigned linger;           /* timers D, I, J, K on unreliable transports */
	unsigned max_server;       /* server transactions before refusing */
};

/* How the engine sends: the node's transports. cookie identifies the
 * client transaction for transport-failure reports (0 for responses). */
typedef int tdm_txn_send_fn(void *arg, const struct tdm_dest *d,
			    const char *data, size_t len, uint64_t cookie);

struct tdm_txns;
struct tdm_srv;
struct tdm_cli;

/* Callbacks into the transaction user. */
struct tdm_txn_user {
	/* A response for a client transaction, after retransmission
	 * absorption (§17.1.1.2, §17.1.3): every provisional, the first
	 * final non-2xx, every 2xx. resp is owned by the engine for the
	 * call only (ref it with tdm_cli_keep_reply to keep it). */
	void (*cli_response)(void *u, struct tdm_cli *c, struct tdm_sip_msg *resp);
	/* Timer B/F fired, or the transport reported a failure (err): the
	 * client transaction is terminated after the call. */
	void (*cli_failed)(void *u, struct tdm_cli *c, int err);
	/* A client transaction is being freed. */
	void (*cli_gone)(void *u, struct tdm_cli *c);
	/* A server transaction is being freed. */
	void (*srv_gone)(void *u, struct tdm_srv *s);
	/* A server transaction sent its final response and lets its request
	 * go (it keeps only what matching and retransmission need): the
	 * user must not use tdm_srv_request() any more. */
	void (*srv_request_gone)(void *u, struct tdm_srv *s);
};

int tdm_txns_new(struct tdm_txns **out, struct tdm_loop *loop, unsigned worker,
		 const struct tdm_txn_cfg *cfg, tdm_txn_send_fn *send,
		 void *send_arg, const struct tdm_txn_user *user, void *user_arg);
/* Frees every transaction (callbacks *_gone run) and the engine. */
void tdm_txns_free(struct tdm_txns *t);
unsigned tdm_txns_worker(const struct tdm_txns *t);
const struct tdm_txn_cfg *tdm_txns_cfg(const struct tdm_txns *t);
struct tdm_loop *tdm_txns_loop(const struct tdm_txns *t);

struct tdm_txn_stats {
	uint64_t server, client;        /* alive now */
	uint64_t active;                /* of those, not yet answered /
					 * completed (what shutdown waits for) */
	uint64_t server_total, client_total;
	uint64_t retransmitted;         /* requests and responses we resent */
	uint64_t absorbed;              /* retransmissions received */
	uint64_t timeouts;
};
void tdm_txns_stats(const struct tdm_txns *t, struct tdm_txn_stats *out);

/* Sends data with the node's send function (stateless sends). */
int tdm_txns_send(struct tdm_txns *t, const struct tdm_dest *d,
		  const char *data, size_t len);

/* ---- Server transactions (§17.2) -------------------------------------- */

enum tdm_srv_match {
	TDM_SRV_NEW = 0,     /* no transaction: a new request for the TU
			      * (a CANCEL too: see tdm_srv_find_invite) */
	TDM_SRV_ABSORBED,    /* a retransmission or an ACK for a non-2xx
			      * final response: handled, drop the message */
};

/* Matches request req (received as rcv) against the server transactions:
 * branch + sent-by + method (§17.2.3), or the RFC 2543 rules when the
 * branch lacks the magic cookie. Retransmissions get the last response
 * again. The message stays the caller's. */
enum tdm_srv_match tdm_srv_match(struct tdm_txns *t, struct tdm_sip_msg *req,
				 const struct tdm_rcv *rcv);

/* The INVITE server transaction a CANCEL (or an ACK) is for, or NULL. */
struct tdm_srv *tdm_srv_find_invite(struct tdm_txns *t,
				    const struct tdm_sip_msg *req);

/* Creates a server transaction for req, which it takes over (freed with
 * the transaction). 0, -ENOMEM, -EBUSY (over max_server). */
int tdm_srv_new(struct tdm_txns *t, struct tdm_sip_msg *req,
		const struct tdm_rcv *rcv, struct tdm_srv **out);
/* The request, until the final response was sent (then NULL). */
struct tdm_sip_msg *tdm_srv_request(const struct tdm_srv *s);
const struct tdm_rcv *tdm_srv_rcv(const struct tdm_srv *s);
void tdm_srv_set_user(struct tdm_srv *s, void *user);
void *tdm_srv_user(const struct tdm_srv *s);
/* The status of the last response sent (0: none yet). */
unsigned tdm_srv_status(const struct tdm_srv *s);
/* The To-tag this transaction puts in responses it generates. */
struct tdm_str tdm_srv_to_tag(struct tdm_srv *s);

/* Sends a response built by the caller (a forwarded response, or one made
 * with tdm_sip_reply_build). A final response moves the transaction to
 * Completed (non-2xx: timers G/H, J) or Accepted (2xx, RFC 6026); a
 * response after a final one is refused with -EALREADY (except further
 * 2xx to an INVITE, which are sent). 0 or -errno. */
int tdm_srv_send_reply(struct tdm_srv *s, unsigned code, const char *data,
		       size_t len);
/* Builds and sends a response generated here (code, reason, extra header
 * lines) with this transaction's To-tag. */
int tdm_srv_reply(struct tdm_srv *s, unsigned code, const struct tdm_str *reason,
		  const struct tdm_str *extra);
/* Where responses to this request go (§18.2.2, RFC 3581): the
 * connection it came on, or the source address for UDP. */
void tdm_srv_reply_dest(const struct tdm_sip_msg *req, const struct tdm_rcv *rcv,
			struct tdm_dest *d);

/* ---- Client transactions (§17.1) -------------------------------------- */

/* Starts a client transaction: data is the complete request with our Via
 * on top, whose branch is `branch` (made with tdm_txn_branch); it is
 * copied, sent to d, and retransmitted as needed. method is the
 * request's. 0 or -errno (a failed first send is reported by return). */
int tdm_cli_new(struct tdm_txns *t, enum tdm_sip_method method,
		const struct tdm_str *branch, const struct tdm_dest *d,
		const char *data, size_t len, void *user, struct tdm_cli **out);
void *tdm_cli_user(const struct tdm_cli *c);
void tdm_cli_set_user(struct tdm_cli *c, void *user);
const struct tdm_dest *tdm_cli_dest(const struct tdm_cli *c);
/* The request as sent. */
struct tdm_str tdm_cli_request(const struct tdm_cli *c);
struct tdm_str tdm_cli_branch(const struct tdm_cli *c);
/* The highest status received (0: none). */
unsigned tdm_cli_status(const struct tdm_cli *c);

/* The request as sent, parsed once on demand (for building its CANCEL
 * or ACK); NULL when out of memory. */
struct tdm_sip_msg *tdm_cli_request_msg(struct tdm_cli *c);

/* Appends the hop-by-hop request `method` (ACK or CANCEL) for request r
 * (RFC 3261 §17.1.1.3, §9.1): r's Request-URI, top Via, Route set, From,
 * Call-ID and CSeq number, and the To of to_from (the response for an
 * ACK, r itself for a CANCEL). 0 or -ENOMEM. */
int tdm_txn_build_hop(const struct tdm_sip_msg *r, const char *method,
		      const struct tdm_sip_msg *to_from, struct tdm_buf *b);

/* Dispatches a response to its client transaction. Returns 1 when it
 * matched (handled), 0 when no transaction matched (the caller forwards
 * it statelessly, §16.7). The message stays the caller's. */
int tdm_cli_match(struct tdm_txns *t, struct tdm_sip_msg *resp);

/* Reports a transport failure for the transaction with this cookie. */
void tdm_cli_transport_failed(struct tdm_txns *t, uint64_t cookie, int err);

/* ---- Branches ---------------------------------------------------------- */

#define TDM_TXN_BRANCH_MAX 48
/* Writes a new branch: "z9hG4bK" + "T" + worker (2 base-36 digits) +
 * loop hash (8 hex) + "." + counter, NUL-terminated into buf
 * (TDM_TXN_BRANCH_MAX). loop_hash goes into the branch so a looped
 * request can be recognised (§16.3 step 4). Returns the length. */
size_t tdm_txn_branch(struct tdm_txns *t, uint32_t loop_hash, char *buf);
/* The part before the ".": for branches made elsewhere (the stateless
 * path) that must still name the worker and carry the loop hash. */
size_t tdm_txn_branch_prefix(unsigned worker, uint32_t loop_hash, char *buf);
/* The worker a branch of ours names, or -1 when it is not ours. */
int tdm_txn_branch_worker(const struct tdm_str *branch);
/* The loop hash a branch of ours carries; false when it is not ours. */
bool tdm_txn_branch_loop_hash(const struct tdm_str *branch, uint32_t *hash);

#endif
