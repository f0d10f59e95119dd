/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: the proxy core of RFC 3261 §16 and the transaction
 * user that runs the routing script. The node hands every parsed message
 * of a worker to its struct tdm_proxy; the proxy validates requests,
 * applies loose routing, runs the script's request route and acts on its
 * decision (reply, stateful relay with forking, stateless forward), runs
 * reply, branch and failure routes, picks the best response and cancels
 * branches. It owns the worker's transaction engine. */
#ifndef TDM_PROXY_H
#define TDM_PROXY_H

#include <stdint.h>
#include <tandem/loop.h>
#include <tandem/sip.h>
#include "dns/dns.h"
#include "net/tport.h"
#include "txn/txn.h"

struct tdm_scr_program;

struct tdm_proxy_cfg {
	const struct tdm_listen *listens; /* every listen address */
	unsigned nlisten;
	const struct tdm_str *domains;    /* served domains (local URIs) */
	unsigned ndomains;
	unsigned timer_c_ms;              /* RFC 3261 §16.6 step 11 */
	unsigned udp_mtu;                 /* §18.1.1 switch to TCP above */
	struct tdm_txn_cfg txn;
};

struct tdm_proxy;

/* Creates the proxy of one worker and its transaction engine. send is
 * the node's transport send; dns may be NULL (numeric next hops only). */
int tdm_proxy_new(struct tdm_proxy **out, struct tdm_loop *loop, unsigned worker,
		  const struct tdm_proxy_cfg *cfg, tdm_txn_send_fn *send,
		  void *send_arg, struct tdm_dns *dns);
/* Frees every transaction and the proxy. */
void tdm_proxy_free(struct tdm_proxy *p);

/* The program new requests run with (the proxy takes a reference;
 * transactions in flight keep theirs). */
void tdm_proxy_set_program(struct tdm_proxy *p, struct tdm_scr_program *prog);

/* A parsed request or response received on this worker; the proxy takes
 * the message over. */
void tdm_proxy_request(struct tdm_proxy *p, struct tdm_sip_msg *req,
		       const struct tdm_rcv *rcv);
void tdm_proxy_response(struct tdm_proxy *p, struct tdm_sip_msg *resp,
			const struct tdm_rcv *rcv);
/* Answers a new request with code (stateless) and frees it: the node
 * refusing work while it shuts down (503). */
void tdm_proxy_reject(struct tdm_proxy *p, struct tdm_sip_msg *req,
		      const struct tdm_rcv *rcv, unsigned code,
		      const char *reason);
/* A datagram or stream message that did not parse: answered 400 (with
 * the parser's reason) when it looks like a request with enough headers
 * to answer, else dropped. */
void tdm_proxy_bad_message(struct tdm_proxy *p, const char *data, size_t len,
			   const struct tdm_rcv *rcv, const char *reason);
/* A stream send failed after it was queued (connect refused, ...). */
void tdm_proxy_transport_failed(struct tdm_proxy *p, uint64_t cookie, int err);

struct tdm_txns *tdm_proxy_txns(struct tdm_proxy *p);

struct tdm_proxy_stats {
	uint64_t requests, replies_local, relayed, forwarded_stateless,
		responses, responses_stateless, dropped, bad_requests;
};
void tdm_proxy_stats(const struct tdm_proxy *p, struct tdm_proxy_stats *out);

#endif
