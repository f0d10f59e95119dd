/* SPDX-License-Identifier: GPL-2.0-or-later
 * A stream connection's input: reading from the socket or TLS, RFC 5626
 * CRLF keep-alives (a client's CRLFCRLF ping answered with a CRLF pong),
 * RFC 3261 §18.3 framing of SIP messages with <tandem/frame.h>, and the
 * deadline that closes a connection trickling a message too slowly.
 * WebSocket input goes to stream_ws.c instead of the SIP framing. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <tandem/loop.h>
#include "net/conn.h"
#include "net/tls.h"

#define READ_CHUNK 16384u
#define READS_PER_EVENT 16

static long io_read(struct tdm_conn *c, char *p, size_t n)
{
	ssize_t r;

	if (c->ssl)
		return tdm_tls_read(c, p, n);
	r = recv(c->fd, p, n, 0);
	if (r >= 0)
		return r;
	return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

void tdm_conn_deliver(struct tdm_conn *c, const char *p, size_t len)
{
	struct tdm_streams *s = c->owner;
	struct tdm_rcv rcv = {
		.proto = c->proto,
		.src = c->peer,
		.listen = c->listen,
		.conn_id = c->id,
		.worker = s->worker,
	};

	TDM_STREAM_COUNT(msgs_in);
	tdm_conn_touch(c);
	s->deliver(s->arg, p, len, &rcv);
}

/* Leading CR/LF bytes at p: consumed when followed by more data or when
 * they hold a whole ping; a lone CRLF at the end waits for the rest of a
 * ping that may be split. Returns the bytes consumed. */
static size_t keepalive(struct tdm_conn *c, const char *p, size_t n)
{
	size_t k = tdm_frame_keepalive(p, n);
	bool ping = k >= 4;

	if (!k)
		return 0;
	if (k == n && !ping && !c->outgoing)
		return 0;
	/* RFC 5626 §4.4.1: the server answers a ping with a pong; a
	 * client (our outgoing connections) only ever receives pongs. */
	if (ping && !c->outgoing)
		tdm_conn_queue_raw(c, "\r\n", 2, false);
	return k;
}

/* Frames and delivers every complete SIP message in c->in. */
static void sip_input(struct tdm_conn *c)
{
	while (c->in_off < c->in.len && c->state == TDM_CONN_OPEN) {
		const char *p = c->in.data + c->in_off;
		size_t n = c->in.len - c->in_off, k;
		long r;

		if (!c->frame.scanned && !c->frame.hdr_len) {
			k = keepalive(c, p, n);
			if (k) {
				c->in_off += k;
				continue;
			}
			if (tdm_frame_keepalive(p, n) == n)
				break;
		}
		r = tdm_frame_check(&c->frame, p, n, tdm_stream_g.lim.max_msg);
		if (r == -EAGAIN)
			break;
		if (r < 0) {
			TDM_STREAM_COUNT(bad_frames);
			TDM_LOGI(&tdm_log_stream, "conn %llu: %s, closing",
				 (unsigned long long)c->id,
				 r == -EMSGSIZE ? "message over max_msg"
						: "no valid Content-Length");
			tdm_conn_close(c, (int)r);
			return;
		}
		c->in_off += (size_t)r;
		tdm_frame_init(&c->frame);
		tdm_timer_stop(&c->deadline);
		tdm_conn_deliver(c, p, (size_t)r);
	}
}

/* Arms the trickle deadline while part of a message is buffered, from
 * its first byte; stops it when nothing is pending. */
static void trickle_deadline(struct tdm_conn *c)
{
	const char *p = c->in.data + c->in_off;
	size_t n = c->in.len - c->in_off;
	bool partial;

	if (c->state != TDM_CONN_OPEN)
		return;
	partial = (n && tdm_frame_keepalive(p, n) < n) ||
		  (tdm_conn_is_ws(c) && c->wsdec.in_msg);
	if (!partial)
		tdm_timer_stop(&c->deadline);
	else if (!tdm_timer_pending(&c->deadline))
		tdm_conn_arm_deadline(c, tdm_stream_g.lim.handshake_ms);
}

static void process(struct tdm_conn *c)
{
	if (tdm_conn_is_ws(c))
		tdm_stream_ws_input(c);
	else
		sip_input(c);
	if (c->state == TDM_CONN_DEAD)
		return;
	if (c->in_off == c->in.len) {
		tdm_buf_reset(&c->in);
		c->in_off = 0;
	} else if (c->in_off) {
		memmove(c->in.data, c->in.data + c->in_off,
			c->in.len - c->in_off);
		c->in.len -= c->in_off;
		c->in_off = 0;
	}
	trickle_deadline(c);
}

void tdm_conn_read(struct tdm_conn *c)
{
	for (int i = 0; i < READS_PER_EVENT || tdm_tls_pending(c); i++) {
		long n;

		if (c->state == TDM_CONN_DEAD || c->state == TDM_CONN_CLOSING)
			return;
		if (tdm_buf_reserve(&c->in, READ_CHUNK)) {
			tdm_conn_close(c, -ENOMEM);
			return;
		}
		n = io_read(c, c->in.data + c->in.len, READ_CHUNK);
		if (n == -EAGAIN) {
			tdm_conn_update_events(c);
			return;
		}
		if (n <= 0) {
			tdm_conn_close(c, n ? (int)n : -ECONNRESET);
			return;
		}
		c->in.len += (size_t)n;
		c->in.data[c->in.len] = '\0';
		process(c);
	}
}
