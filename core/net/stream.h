/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core: the stream transports TCP, TLS, WS and WSS (RFC 3261
 * §18.3 framing, RFC 5626 CRLF keep-alive, RFC 7118 SIP over WebSocket).
 *
 * Each worker owns a struct tdm_streams bound to its event loop. Every
 * worker listens on every stream address with SO_REUSEPORT, so the kernel
 * spreads accepted connections over workers; a connection belongs to the
 * worker that accepted (or opened) it, and only that worker reads, writes
 * or closes it. Connections are also entered in one table shared by all
 * workers (a mutex-protected hash by id and by peer address), so any
 * worker can send on any connection: tdm_stream_send() from a non-owner
 * copies the bytes and posts them to the owner's loop (tdm_loop_post). */
#ifndef TDM_NET_STREAM_H
#define TDM_NET_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tandem/loop.h>
#include "net/tport.h"

/* Settings shared by all workers (from the script's settings block and
 * --set; see docs/transports.md). Zero fields take the default written
 * next to them. */
struct tdm_stream_cfg {
	unsigned max_connections;     /* in total, all workers: 10000 */
	unsigned max_per_ip;          /* from one source IP: 200 */
	unsigned idle_timeout_s;      /* no message in or out: 300 s */
	unsigned handshake_timeout_s; /* TLS/WS handshake complete within: 5 s;
				       * also the deadline for a message whose
				       * first byte has arrived (trickling) */
	size_t max_msg;               /* one SIP message: 65535 bytes */
	size_t max_outbuf;            /* unsent bytes per connection before it
				       * is closed as stuck: 1 MiB */
	unsigned connect_timeout_s;   /* outgoing connect(): 5 s */
	/* TLS (OpenSSL 3, TLS 1.2 minimum). */
	const char *tls_cert;         /* PEM chain file (required for tls/wss) */
	const char *tls_key;          /* PEM key file */
	const char *tls_ca;           /* CA file to verify peers (client certs,
				       * and servers we connect to); NULL: none */
	bool tls_verify_client;       /* require and verify a client cert */
	bool tls_verify_server;       /* verify servers we connect to */
	/* SNI: a certificate per served domain: n entries of
	 * {domain, cert file, key file}; the default cert above serves
	 * names not listed. */
	struct tdm_stream_sni {
		const char *domain, *cert, *key;
	} *sni;
	unsigned nsni;
};

/* Statistics, all workers together (atomic counters). */
struct tdm_stream_stats {
	uint64_t accepted, connected, closed, refused_limit, timeouts,
		tls_failures, ws_upgrades, msgs_in, msgs_out, bad_frames;
	uint64_t open;                /* connections open now */
};

/* Process-wide set-up before any worker starts: validates cfg (loads the
 * certificates, so a wrong path or a key that does not match its
 * certificate is reported here, with the file name, into err), creates the
 * shared table for nworkers workers. Returns 0 or -errno. */
int tdm_stream_global_init(const struct tdm_stream_cfg *cfg, unsigned nworkers,
			   char *err, size_t errlen);
void tdm_stream_global_free(void);

struct tdm_streams;

/* Per worker: creates the worker's stream state on its loop. deliver is
 * called (on this loop's thread) with every complete SIP message received
 * on this worker's connections. Returns 0 or -errno. */
int tdm_streams_new(struct tdm_streams **out, struct tdm_loop *loop,
		    unsigned worker, tdm_rcv_fn *deliver, void *arg);
/* Listens on l->addr for l->proto (TCP, TLS, WS or WSS) with SO_REUSEPORT.
 * l must outlive the streams. Returns 0 or -errno (-EADDRINUSE ...). */
int tdm_streams_listen(struct tdm_streams *s, const struct tdm_listen *l);
/* The address the kernel bound for l (l as given to listen): the real
 * port when l->addr asked for port 0. 0, -ENOENT, -errno. */
int tdm_streams_bound(const struct tdm_streams *s, const struct tdm_listen *l,
		      struct tdm_addr *out);
/* Stops accepting (graceful shutdown: existing connections carry on). */
void tdm_streams_stop_accepting(struct tdm_streams *s);
/* Closes every connection of this worker and frees s. From the loop's
 * thread, after its loop stopped. */
void tdm_streams_free(struct tdm_streams *s);

/* Sends one complete SIP message to d (d->proto is TCP, TLS, WS or WSS):
 * on connection d->conn_id when it is open, else on an open connection
 * to d->addr with that protocol, else (unless d->no_connect) on a new
 * connection this worker opens. Bytes are copied; returns 0 when queued
 * (delivery is asynchronous), -ENOTCONN when no connection fits and none
 * may be opened, -ENOBUFS when the connection's output is over
 * max_outbuf (the connection is then closed as stuck), -EMSGSIZE,
 * -ENOMEM. A connect or TLS failure after the return is reported through
 * the error callback below. When another worker owns the connection the
 * bytes are posted to it and 0 is returned; its errors (-ENOBUFS, the
 * connection gone with no_connect set) also come through the callback.
 * Only sends made with a non-zero cookie are reported. From any worker's
 * thread (s is the caller's own). */
int tdm_stream_send(struct tdm_streams *s, const struct tdm_dest *d,
		    const char *data, size_t len);

/* Called on the sending worker when a message queued by tdm_stream_send()
 * could not be sent (connect refused or timed out, TLS handshake failed,
 * connection closed with the message unsent): the transaction layer
 * fails over to the next target. `cookie` is the value given with
 * tdm_stream_send_cookie(). */
typedef void tdm_stream_fail_fn(void *arg, uint64_t cookie, int err);
void tdm_streams_on_fail(struct tdm_streams *s, tdm_stream_fail_fn *fn,
			 void *arg);
/* tdm_stream_send() with a cookie echoed to the fail callback. */
int tdm_stream_send_cookie(struct tdm_streams *s, const struct tdm_dest *d,
			   const char *data, size_t len, uint64_t cookie);

/* Is connection id open (any worker)? */
bool tdm_stream_conn_alive(uint64_t conn_id);
void tdm_stream_stats(struct tdm_stream_stats *out);

#endif
