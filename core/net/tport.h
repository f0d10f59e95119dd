/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: what every transport tells the layers above about a
 * received message, and how those layers name where a message goes. UDP
 * (core/net/udp.c), the stream transports (core/net/stream*.c: TCP, TLS,
 * WS, WSS) and the worker (core/net/worker.c) share these types, so the
 * transaction layer never needs to know which transport carried a
 * message. */
#ifndef TDM_NET_TPORT_H
#define TDM_NET_TPORT_H

#include <stddef.h>
#include <stdint.h>
#include <tandem/addr.h>

/* A listening socket (one per worker for UDP and per worker for streams,
 * all bound to the same configured address): the address the node
 * advertises in Via and Record-Route for messages sent from it. */
struct tdm_listen {
	enum tdm_proto proto;
	struct tdm_addr addr;      /* bound address */
	char host[TDM_ADDR_STRLEN];/* advertised host: IP, IPv6 in brackets */
	uint16_t port;             /* advertised port */
	unsigned index;            /* position in the configured list */
};

/* Where a received message came from. */
struct tdm_rcv {
	enum tdm_proto proto;
	struct tdm_addr src;             /* the peer */
	const struct tdm_listen *listen; /* the address it arrived on */
	uint64_t conn_id;                /* stream connection; 0 for UDP */
	unsigned worker;                 /* the worker it arrived on */
};

/* Where a message goes. conn_id, when not 0, names the connection to
 * use (a reply, or a request to a client reachable only over its own
 * connection); when that connection is gone, a stream send to addr opens
 * a new one unless no_connect is set. */
struct tdm_dest {
	enum tdm_proto proto;
	struct tdm_addr addr;
	uint64_t conn_id;
	const struct tdm_listen *listen; /* send from here; NULL: any of proto */
	int no_connect;
	struct tdm_str sni;              /* TLS: server name to present */
};

/* Called on the owning worker's thread for every complete message a
 * transport received (data is valid only during the call). */
typedef void tdm_rcv_fn(void *arg, const char *data, size_t len,
			const struct tdm_rcv *rcv);

#endif
