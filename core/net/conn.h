/* SPDX-License-Identifier: GPL-2.0-or-later
 * Private to core/net's stream transports: the connection object, the
 * per-worker stream state and the process-wide settings they share.
 * A connection is owned by one worker (struct tdm_streams) and touched
 * only on that worker's thread; other workers see it only through the
 * shared table (conn_table.c), which copies its immutable fields out
 * under a lock. */
#ifndef TDM_NET_CONN_H
#define TDM_NET_CONN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <tandem/buf.h>
#include <tandem/frame.h>
#include <tandem/hash.h>
#include <tandem/list.h>
#include <tandem/log.h>
#include <tandem/wheel.h>
#include "net/stream.h"
#include "net/ws.h"

struct ssl_st;

extern struct tdm_log_subsys tdm_log_stream;

/* Settings after defaults were applied (tdm_stream_global_init). */
struct tdm_stream_limits {
	unsigned max_connections, max_per_ip;
	uint64_t idle_ms, handshake_ms, connect_ms;
	size_t max_msg, max_outbuf;
};

struct tdm_stream_counters {
	_Atomic uint64_t accepted, connected, closed, refused_limit, timeouts,
		tls_failures, ws_upgrades, msgs_in, msgs_out, bad_frames, open;
};

/* Process-wide state, set by tdm_stream_global_init(). */
struct tdm_stream_global {
	struct tdm_stream_limits lim;
	struct tdm_stream_counters st;
	bool ready;
};
extern struct tdm_stream_global tdm_stream_g;

#define TDM_STREAM_COUNT(field)                                               \
	atomic_fetch_add_explicit(&tdm_stream_g.st.field, 1,                  \
				  memory_order_relaxed)

enum tdm_conn_state {
	TDM_CONN_CONNECTING, /* outgoing connect() in progress */
	TDM_CONN_TLS_HS,     /* TLS handshake */
	TDM_CONN_WS_HS,      /* WebSocket upgrade */
	TDM_CONN_OPEN,       /* SIP messages flow */
	TDM_CONN_CLOSING,    /* flushing a last answer (400, WS close) */
	TDM_CONN_DEAD,       /* closed; freed by the owner's next hook */
};

/* A message queued with a cookie, waiting for its last byte to go out. */
struct tdm_conn_pending {
	struct tdm_list_node link;
	uint64_t end;                  /* c->queued when it was appended */
	uint64_t cookie;
	struct tdm_streams *sender;    /* who is told when it fails */
};

struct tdm_conn {
	/* Immutable after creation (read by other workers under the table
	 * lock): */
	uint64_t id;
	enum tdm_proto proto;
	struct tdm_addr peer;
	struct tdm_streams *owner;
	/* Shared table links, changed under its lock only. */
	struct tdm_hash_node by_id, by_addr;
	bool in_table;
	bool per_ip;                   /* counted against max_per_ip */
	bool admitted;                 /* counted against max_connections */
	/* Everything below belongs to the owner's thread. */
	int fd;
	enum tdm_conn_state state;
	bool outgoing;
	bool wblocked;                 /* last write hit EAGAIN */
	unsigned tls_want;             /* TDM_LOOP_* the TLS layer waits for */
	unsigned events;               /* what the loop watches now */
	const struct tdm_listen *listen;
	struct ssl_st *ssl;
	char *sni;                     /* outgoing TLS: name to present */
	struct tdm_buf in;             /* received, unconsumed from in_off */
	size_t in_off;
	struct tdm_frame frame;
	struct tdm_buf hs;             /* handshake bytes, sent first */
	size_t hs_off;
	struct tdm_buf out;            /* messages, sent from out_off once
					* the connection is open */
	size_t out_off;
	uint64_t queued, sent;         /* bytes ever appended to / sent from out */
	struct tdm_list pending;       /* tdm_conn_pending, oldest first */
	struct tdm_timer idle;         /* no message in or out */
	struct tdm_timer deadline;     /* connect, handshake, trickled message */
	struct tdm_ws_dec wsdec;
	char ws_key[32];
	struct tdm_list_node link;     /* owner->conns, later owner->zombies */
	struct tdm_list_node flush;    /* owner->flushq while output waits */
};

struct tdm_stream_listener {
	struct tdm_streams *s;
	int fd;
	const struct tdm_listen *l;
	bool watched;
	struct tdm_timer resume;       /* accepting paused after EMFILE */
};

/* A failed cookie waiting to be reported on its sender's thread. */
struct tdm_stream_fail {
	struct tdm_list_node link;
	struct tdm_streams *to;
	uint64_t cookie;
	int err;
};

struct tdm_streams {
	struct tdm_loop *loop;
	unsigned worker;
	tdm_rcv_fn *deliver;
	void *arg;
	tdm_stream_fail_fn *fail;
	void *fail_arg;
	struct tdm_stream_listener **ls; /* each allocated: watch args */
	unsigned nls;
	struct tdm_list conns;   /* open (not yet dead) connections */
	struct tdm_list zombies; /* dead, freed in the before-sleep hook */
	struct tdm_list flushq;  /* connections with output to write */
	struct tdm_list fails;   /* tdm_stream_fail to report */
	bool freeing;
};

static inline bool tdm_conn_is_ws(const struct tdm_conn *c)
{
	return c->proto == TDM_PROTO_WS || c->proto == TDM_PROTO_WSS;
}

static inline bool tdm_conn_is_tls(const struct tdm_conn *c)
{
	return c->proto == TDM_PROTO_TLS || c->proto == TDM_PROTO_WSS;
}

/* ---- conn.c: life cycle, events, timers, output -------------------------*/

/* New connection on fd (already non-blocking), entered in owner->conns and
 * watched for `events`; not yet in the shared table. 0 or -errno (fd is
 * then left open for the caller). */
int tdm_conn_new(struct tdm_conn **out, struct tdm_streams *s, int fd,
		 enum tdm_proto proto, const struct tdm_addr *peer,
		 const struct tdm_listen *l, bool outgoing, unsigned events);
/* Closes c now: unwatches and closes the fd, leaves the shared table,
 * reports unsent cookies with err, moves c to the zombies. Idempotent. */
void tdm_conn_close(struct tdm_conn *c, int err);
/* Frees a dead connection's memory. */
void tdm_conn_destroy(struct tdm_conn *c);
/* Watches what the state asks for (read, write while output is blocked,
 * what TLS wants). */
void tdm_conn_update_events(struct tdm_conn *c);
/* Queues one SIP message (WS: as one frame). 0, -ENOBUFS (over
 * max_outbuf: c is closed as stuck), -ENOTCONN, -ENOMEM. */
int tdm_conn_queue(struct tdm_conn *c, const char *data, size_t len,
		   uint64_t cookie, struct tdm_streams *sender);
/* Appends raw bytes: to the handshake buffer (hs) or the message
 * buffer, and schedules a flush. */
int tdm_conn_queue_raw(struct tdm_conn *c, const void *p, size_t len, bool hs);
void tdm_conn_want_flush(struct tdm_conn *c);
/* Writes what can be written now. */
void tdm_conn_flush(struct tdm_conn *c);
/* The handshake (if any) is over: messages may flow. */
void tdm_conn_opened(struct tdm_conn *c);
/* Sends what is queued, then closes (a last answer: HTTP 400, WS close);
 * leaves the shared table at once and is bounded by the deadline. */
void tdm_conn_closing(struct tdm_conn *c);
void tdm_conn_touch(struct tdm_conn *c);
void tdm_conn_arm_deadline(struct tdm_conn *c, uint64_t ms);
/* Starts driving a new accepted / connected connection. */
void tdm_conn_start(struct tdm_conn *c);
/* Reports a failed cookie to its sender `to`, on to's thread; cur is the
 * worker calling (whose thread this is). */
void tdm_stream_report_fail(struct tdm_streams *cur, struct tdm_streams *to,
			    uint64_t cookie, int err);

/* ---- conn_rx.c: input --------------------------------------------------- */

/* Reads what the socket (or TLS) has and processes it. */
void tdm_conn_read(struct tdm_conn *c);
/* Hands one complete message to the owner's deliver callback. */
void tdm_conn_deliver(struct tdm_conn *c, const char *p, size_t len);

/* ---- stream_ws.c: WebSocket on a connection ------------------------------*/

void tdm_stream_ws_init(struct tdm_conn *c);
/* Client side: queues the Upgrade request and enters WS_HS. */
int tdm_stream_ws_client_start(struct tdm_conn *c);
/* Consumes input from c->in in the WS_HS / OPEN states. */
void tdm_stream_ws_input(struct tdm_conn *c);
/* Appends one message as a text frame to c->out. */
int tdm_stream_ws_encode(struct tdm_conn *c, const char *data, size_t len);

#endif
