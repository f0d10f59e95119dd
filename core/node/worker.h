/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/node: a worker thread — its event loop, its UDP
 * sockets (one per UDP listen address, SO_REUSEPORT), its stream
 * transports, resolver and proxy — and the receive path from datagram or
 * stream message to the proxy. */
#ifndef TDM_NODE_WORKER_H
#define TDM_NODE_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <tandem/loop.h>
#include <tandem/udp.h>
#include "dns/dns.h"
#include "net/stream.h"
#include "net/tport.h"
#include "proxy/proxy.h"

struct tdm_node;
struct tdm_wsock;

/* Labels of the per-worker counters: methods (TDM_SIP_METHOD_OTHER ..
 * TDM_SIP_REFER), transports (enum tdm_proto), response classes 1xx..6xx. */
#define TDM_WSTAT_METHODS (TDM_SIP_REFER + 1)
#define TDM_WSTAT_PROTOS (TDM_PROTO_WSS + 1)
#define TDM_WSTAT_CLASSES 6

/* A worker's statistics (GET /metrics, core/node/node_stats.c). Only the
 * worker writes them, with TDM_STAT_BUMP (no locked instruction on the
 * receive path); the admin API's threads read them. */
struct tdm_worker_stats {
	atomic_ulong requests[TDM_WSTAT_PROTOS][TDM_WSTAT_METHODS];
	atomic_ulong replies_in[TDM_WSTAT_PROTOS][TDM_WSTAT_CLASSES];
	atomic_ulong replies_out[TDM_WSTAT_CLASSES]; /* retransmissions too */
	atomic_ulong parse_errors[TDM_WSTAT_PROTOS];
	/* the transaction engine's counters (struct tdm_txn_stats, plain
	 * fields of the worker's own), copied here before each sleep */
	atomic_ulong txn_server, txn_client, txn_active;
	atomic_ulong txn_server_total, txn_client_total;
	atomic_ulong retransmitted, absorbed, timeouts;
};

struct tdm_worker {
	unsigned index;
	struct tdm_node *node;
	struct tdm_loop *loop;
	struct tdm_wsock *socks;       /* per listen: the UDP socket, if UDP */
	struct tdm_streams *streams;
	struct tdm_dns *dns;
	struct tdm_proxy *proxy;
	pthread_t thread;
	bool started;
	bool draining;                 /* stopped reading: shutting down */
	char *rxbuf;                   /* recv_batch datagrams of 64 KiB */
	struct tdm_udp_dgram *dgrams;
	atomic_uint_fast64_t txns;     /* not yet completed: shutdown waits */
	struct tdm_worker_stats st;
};

/* Creates worker i of node n (from the main thread, before it runs). */
int tdm_worker_new(struct tdm_worker **out, struct tdm_node *n, unsigned i,
		   char *err, size_t errlen);
void tdm_worker_free(struct tdm_worker *w);
int tdm_worker_start(struct tdm_worker *w);
/* From any thread: stop reading new messages (graceful shutdown). */
void tdm_worker_drain(struct tdm_worker *w);
/* From any thread: a new program for new requests (a reference is
 * taken). */
void tdm_worker_set_program(struct tdm_worker *w, struct tdm_scr_program *p);
/* Transactions alive on the worker (read from any thread). */
uint64_t tdm_worker_txns(struct tdm_worker *w);
/* The counters of listen i's UDP socket into out; false when listen i is
 * not UDP. Any thread, while the socket lives (the worker is attached to
 * the statistics, core/node/node_stats.h). */
bool tdm_worker_udp_stats(struct tdm_worker *w, unsigned i,
			  struct tdm_udp_stats *out);
void tdm_worker_stop(struct tdm_worker *w);
/* From any thread: copies len bytes and has the worker send them to d
 * (tdm_node_send()). 0, -ENOMEM, or the post's -errno. */
int tdm_worker_post_send(struct tdm_worker *w, const struct tdm_dest *d,
			 const void *buf, size_t len);
void tdm_worker_join(struct tdm_worker *w);

#endif
