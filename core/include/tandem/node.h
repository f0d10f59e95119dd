/* SPDX-License-Identifier: GPL-2.0-or-later
 * What a module may ask of the running node outside a script call: its
 * settings, its listen addresses, sending bytes on its sockets and
 * connections (NAT keep-alives, RFC 5626 flows), and hearing when a
 * connection closes (flow failure). Every function here is thread-safe:
 * modules call them from their own threads (a registrar's timer thread)
 * as well as from workers. */
#ifndef TANDEM_NODE_H
#define TANDEM_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/addr.h>
#include <tandem/compiler.h>
#include <tandem/str.h>

/* The resolved setting `name` (docs/settings.md) as text — lists joined
 * with ", " — or NULL when there is no such setting or no node runs (a
 * module loaded by tandemctl). Valid until the node stops. */
TDM_API const char *tdm_node_setting(const char *name);

/* Where the node is in its life: modules load and start while it is
 * STARTING (settings known, no worker yet), it is RUNNING from `ready`
 * until a stop signal, then STOPPING (draining, then unloading). */
enum tdm_node_state {
	TDM_NODE_STARTING = 0,
	TDM_NODE_RUNNING,
	TDM_NODE_STOPPING,
};
TDM_API enum tdm_node_state tdm_node_state(void);

/* One listen address of the node, as Via and Record-Route advertise it. */
struct tdm_node_listen {
	enum tdm_proto proto;
	const char *host;     /* advertised: IP (IPv6 in brackets) or name */
	uint16_t port;        /* advertised port */
	const char *bound;    /* the bound address, "ip:port" */
};
/* Listen address `index` (the order of the settings): 0, or -ENOENT. */
TDM_API int tdm_node_listen_get(unsigned index, struct tdm_node_listen *out);

/* Where tdm_node_send() sends. */
struct tdm_node_dest {
	enum tdm_proto proto;
	struct tdm_addr addr;     /* the peer */
	uint64_t conn_id;         /* streams: this connection, or 0 */
	int listen_index;         /* UDP: send from this listen address (a
				   * NAT pinhole is bound to it); -1: any */
	bool no_connect;          /* streams: never open a new connection
				   * (a flow is only usable while it lives) */
};

/* Sends len bytes (a whole SIP message, or a keep-alive such as CRLF
 * CRLF) to d. The bytes are copied and handed to a worker; the call does
 * not wait for the network. 0, -EINVAL (bad destination), -ENOTCONN
 * (conn_id given, closed, and no_connect), -EAGAIN (the node is not
 * running), -ENOMEM. */
TDM_API int tdm_node_send(const struct tdm_node_dest *d, const void *buf,
			  size_t len);

/* True while stream connection conn_id is open. */
TDM_API bool tdm_node_conn_open(uint64_t conn_id);

/* Called when a stream connection closes, from the worker that owned it
 * (keep it short: mark, do not block). At most 8 listeners per process;
 * register from a module's load hook. 0, -ENOSPC. */
typedef void tdm_node_conn_closed_fn(uint64_t conn_id, void *arg);
TDM_API int tdm_node_on_conn_closed(tdm_node_conn_closed_fn *fn, void *arg);

#endif
