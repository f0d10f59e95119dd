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
void tdm_worker_stop(struct tdm_worker *w);
/* From any thread: copies len bytes and has the worker send them to d
 * (tdm_node_send()). 0, -ENOMEM, or the post's -errno. */
int tdm_worker_post_send(struct tdm_worker *w, const struct tdm_dest *d,
			 const void *buf, size_t len);
void tdm_worker_join(struct tdm_worker *w);

#endif
