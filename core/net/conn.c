/* SPDX-License-Identifier: GPL-2.0-or-later
 * A stream connection's life on its owner's loop: creation, the event
 * dispatch by state (connecting, TLS handshake, open), its two timers
 * (idle; connect/handshake/trickle deadline), buffered output with
 * EPOLLOUT when the socket is full, and closing, which reports every
 * unsent message queued with a cookie. Memory is freed later, in the
 * owner's before-sleep hook, so a connection closed from inside one of its
 * own callbacks stays valid until that callback returns. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include <tandem/loop.h>
#include "net/conn.h"
#include "net/conn_table.h"
#include "net/tls.h"

static void on_io(struct tdm_loop *l, int fd, unsigned events, void *arg);

static void on_idle(void *arg)
{
	struct tdm_conn *c = arg;

	TDM_STREAM_COUNT(timeouts);
	TDM_LOGD(&tdm_log_stream, "conn %llu idle, closing",
		 (unsigned long long)c->id);
	tdm_conn_close(c, -ETIMEDOUT);
}

static void on_deadline(void *arg)
{
	struct tdm_conn *c = arg;

	TDM_STREAM_COUNT(timeouts);
	TDM_LOGD(&tdm_log_stream, "conn %llu missed its deadline (state %d)",
		 (unsigned long long)c->id, (int)c->state);
	tdm_conn_close(c, -ETIMEDOUT);
}

int tdm_conn_new(struct tdm_conn **out, struct tdm_streams *s, int fd,
		 enum tdm_proto proto, const struct tdm_addr *peer,
		 const struct tdm_listen *l, bool outgoing, unsigned events)
{
	struct tdm_conn *c = tdm_calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	c->id = tdm_conn_table_next_id();
	c->proto = proto;
	c->peer = *peer;
	c->owner = s;
	c->fd = fd;
	c->outgoing = outgoing;
	c->listen = l;
	c->events = events;
	tdm_list_init(&c->pending);
	tdm_list_node_init(&c->flush);
	tdm_frame_init(&c->frame);
	tdm_timer_init(&c->idle, on_idle, c);
	tdm_timer_init(&c->deadline, on_deadline, c);
	tdm_stream_ws_init(c);
	err = tdm_loop_watch(s->loop, fd, events, on_io, c);
	if (err) {
		tdm_ws_dec_free(&c->wsdec);
		tdm_free(c);
		return err;
	}
	tdm_list_insert_tail(&s->conns, &c->link);
	atomic_fetch_add_explicit(&tdm_stream_g.st.open, 1,
				  memory_order_relaxed);
	*out = c;
	return 0;
}

/* Tells the senders of every unsent cookie message. */
static void fail_pending(struct tdm_conn *c, int err)
{
	struct tdm_list_node *n;

	while ((n = tdm_list_pop_head(&c->pending))) {
		struct tdm_conn_pending *p =
			TDM_LIST_ENTRY(n, struct tdm_conn_pending, link);

		if (p->end > c->sent && !c->owner->freeing)
			tdm_stream_report_fail(c->owner, p->sender, p->cookie,
					       err ? err : -ECONNRESET);
		tdm_free(p);
	}
}

void tdm_conn_close(struct tdm_conn *c, int err)
{
	struct tdm_streams *s = c->owner;

	if (c->state == TDM_CONN_DEAD)
		return;
	c->state = TDM_CONN_DEAD;
	tdm_timer_stop(&c->idle);
	tdm_timer_stop(&c->deadline);
	tdm_conn_table_remove(c);
	if (c->admitted)
		tdm_conn_table_release(&c->peer, c->per_ip);
	c->admitted = false;
	tdm_loop_unwatch(s->loop, c->fd);
	tdm_tls_conn_free(c);
	close(c->fd);
	c->fd = -1;
	tdm_list_remove(&c->flush);
	tdm_list_remove(&c->link);
	tdm_list_insert_tail(&s->zombies, &c->link);
	fail_pending(c, err);
	if (c->id && !s->freeing) /* flows: RFC 5626 flow failure */
		tdm_conn_closed_notify(c->id);
	TDM_STREAM_COUNT(closed);
	atomic_fetch_sub_explicit(&tdm_stream_g.st.open, 1,
				  memory_order_relaxed);
	TDM_LOGD(&tdm_log_stream, "conn %llu closed: %s",
		 (unsigned long long)c->id, err ? tdm_strerror(err) : "done");
}

void tdm_conn_destroy(struct tdm_conn *c)
{
	tdm_list_remove(&c->link);
	tdm_buf_free(&c->in);
	tdm_buf_free(&c->hs);
	tdm_buf_free(&c->out);
	tdm_ws_dec_free(&c->wsdec);
	tdm_free(c->sni);
	tdm_free(c);
}

static bool has_output(const struct tdm_conn *c)
{
	return c->hs.len > c->hs_off ||
	       (c->out.len > c->out_off && c->state >= TDM_CONN_OPEN);
}

void tdm_conn_update_events(struct tdm_conn *c)
{
	unsigned ev = 0;

	switch (c->state) {
	case TDM_CONN_CONNECTING:
		ev = TDM_LOOP_WRITE;
		break;
	case TDM_CONN_TLS_HS:
		ev = c->tls_want ? c->tls_want : TDM_LOOP_READ;
		break;
	case TDM_CONN_WS_HS:
	case TDM_CONN_OPEN:
		ev = TDM_LOOP_READ;
		if ((c->wblocked && has_output(c)) ||
		    c->tls_want == TDM_LOOP_WRITE)
			ev |= TDM_LOOP_WRITE;
		break;
	case TDM_CONN_CLOSING:
		ev = TDM_LOOP_WRITE;
		break;
	case TDM_CONN_DEAD:
		return;
	}
	if (ev != c->events && !tdm_loop_modify(c->owner->loop, c->fd, ev))
		c->events = ev;
}

void tdm_conn_touch(struct tdm_conn *c)
{
	tdm_timer_start(tdm_loop_wheel(c->owner->loop), &c->idle,
			tdm_stream_g.lim.idle_ms);
}

void tdm_conn_arm_deadline(struct tdm_conn *c, uint64_t ms)
{
	tdm_timer_start(tdm_loop_wheel(c->owner->loop), &c->deadline, ms);
}

void tdm_conn_want_flush(struct tdm_conn *c)
{
	if (c->state != TDM_CONN_DEAD && !tdm_list_node_linked(&c->flush))
		tdm_list_insert_tail(&c->owner->flushq, &c->flush);
}

int tdm_conn_queue_raw(struct tdm_conn *c, const void *p, size_t len, bool hs)
{
	struct tdm_buf *b = hs ? &c->hs : &c->out;
	int err = tdm_buf_append(b, p, len);

	if (err) {
		b->err = 0;
		return err;
	}
	if (!hs)
		c->queued += len;
	tdm_conn_want_flush(c);
	return 0;
}

static int add_pending(struct tdm_conn *c, uint64_t cookie,
		       struct tdm_streams *sender)
{
	struct tdm_conn_pending *p = tdm_malloc(sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->end = c->queued;
	p->cookie = cookie;
	p->sender = sender;
	tdm_list_insert_tail(&c->pending, &p->link);
	return 0;
}

int tdm_conn_queue(struct tdm_conn *c, const char *data, size_t len,
		   uint64_t cookie, struct tdm_streams *sender)
{
	size_t before = c->out.len, unsent = c->out.len - c->out_off;
	int err;

	if (c->state >= TDM_CONN_CLOSING)
		return -ENOTCONN;
	if (unsent + len > tdm_stream_g.lim.max_outbuf) {
		TDM_LOGN(&tdm_log_stream, "conn %llu stuck: %zu bytes unsent, "
			 "closing", (unsigned long long)c->id, unsent);
		tdm_conn_close(c, -ENOBUFS);
		return -ENOBUFS;
	}
	if (tdm_conn_is_ws(c)) {
		err = tdm_stream_ws_encode(c, data, len);
		if (!err)
			c->queued += c->out.len - before;
	} else {
		err = tdm_conn_queue_raw(c, data, len, false);
	}
	if (err) {
		c->out.len = before;
		c->out.err = 0;
		return err;
	}
	if (cookie && add_pending(c, cookie, sender)) {
		/* Cannot track it: take the bytes back, the caller fails
		 * over at once. */
		c->queued -= c->out.len - before;
		c->out.len = before;
		return -ENOMEM;
	}
	TDM_STREAM_COUNT(msgs_out);
	if (c->state == TDM_CONN_OPEN)
		tdm_conn_touch(c);
	tdm_conn_want_flush(c);
	return 0;
}

static long io_write(struct tdm_conn *c, const char *p, size_t n)
{
	ssize_t r;

	if (c->ssl)
		return tdm_tls_write(c, p, n);
	r = send(c->fd, p, n, MSG_NOSIGNAL);
	if (r >= 0)
		return r;
	return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

/* Drops the sent prefix of `pending` cookies. */
static void settle(struct tdm_conn *c)
{
	struct tdm_list_node *n;

	while ((n = tdm_list_first(&c->pending))) {
		struct tdm_conn_pending *p =
			TDM_LIST_ENTRY(n, struct tdm_conn_pending, link);

		if (p->end > c->sent)
			break;
		tdm_list_remove(n);
		tdm_free(p);
	}
}

/* Writes b from *off; 0 when all went, -EAGAIN, or -errno. */
static int write_buf(struct tdm_conn *c, struct tdm_buf *b, size_t *off,
		     bool count)
{
	while (*off < b->len) {
		long n = io_write(c, b->data + *off, b->len - *off);

		if (n < 0)
			return (int)n;
		*off += (size_t)n;
		if (count) {
			c->sent += (uint64_t)n;
			settle(c);
		}
	}
	tdm_buf_reset(b);
	*off = 0;
	return 0;
}

void tdm_conn_flush(struct tdm_conn *c)
{
	int err;

	if (c->state < TDM_CONN_WS_HS || c->state == TDM_CONN_DEAD)
		return;
	c->wblocked = false;
	err = write_buf(c, &c->hs, &c->hs_off, false);
	if (!err && c->state >= TDM_CONN_OPEN)
		err = write_buf(c, &c->out, &c->out_off, true);
	if (err == -EAGAIN) {
		c->wblocked = true;
	} else if (err) {
		tdm_conn_close(c, err);
		return;
	} else if (c->state == TDM_CONN_CLOSING) {
		tdm_conn_close(c, 0);
		return;
	}
	/* Reclaim the sent prefix of a large, partly sent buffer. */
	if (c->out_off > 65536 && c->out_off * 2 > c->out.len) {
		memmove(c->out.data, c->out.data + c->out_off,
			c->out.len - c->out_off);
		c->out.len -= c->out_off;
		c->out_off = 0;
	}
	tdm_conn_update_events(c);
}

void tdm_conn_opened(struct tdm_conn *c)
{
	c->state = TDM_CONN_OPEN;
	tdm_timer_stop(&c->deadline);
	tdm_conn_touch(c);
	tdm_conn_want_flush(c);
	tdm_conn_update_events(c);
}

void tdm_conn_closing(struct tdm_conn *c)
{
	c->state = TDM_CONN_CLOSING;
	tdm_conn_table_remove(c);
	if (!tdm_timer_pending(&c->deadline))
		tdm_conn_arm_deadline(c, tdm_stream_g.lim.handshake_ms);
	tdm_conn_want_flush(c);
	tdm_conn_update_events(c);
}

/* The transport below the SIP framing is ready (TCP connected or
 * accepted, TLS handshake done): WS goes on with its upgrade. */
static void transport_ready(struct tdm_conn *c)
{
	if (!tdm_conn_is_ws(c)) {
		tdm_conn_opened(c);
		return;
	}
	if (c->outgoing) {
		if (tdm_stream_ws_client_start(c))
			tdm_conn_close(c, -ENOMEM);
		return;
	}
	c->state = TDM_CONN_WS_HS;
	tdm_conn_update_events(c);
}

static void drive_tls(struct tdm_conn *c)
{
	int err = tdm_tls_handshake(c);

	if (err == -EAGAIN) {
		tdm_conn_update_events(c);
		return;
	}
	if (err) {
		TDM_STREAM_COUNT(tls_failures);
		tdm_conn_close(c, -EPROTO);
		return;
	}
	transport_ready(c);
	/* The peer's first bytes may already sit decrypted in OpenSSL,
	 * where epoll cannot see them. */
	if (c->state == TDM_CONN_OPEN || c->state == TDM_CONN_WS_HS)
		tdm_conn_read(c);
}

void tdm_conn_start(struct tdm_conn *c)
{
	if (tdm_conn_is_tls(c)) {
		c->state = TDM_CONN_TLS_HS;
		if (!c->outgoing || !tdm_timer_pending(&c->deadline))
			tdm_conn_arm_deadline(c, tdm_stream_g.lim.handshake_ms);
		if (tdm_tls_conn_new(c, !c->outgoing)) {
			TDM_STREAM_COUNT(tls_failures);
			tdm_conn_close(c, -EPROTO);
			return;
		}
		drive_tls(c);
		return;
	}
	if (tdm_conn_is_ws(c))
		tdm_conn_arm_deadline(c, tdm_stream_g.lim.handshake_ms);
	transport_ready(c);
}

/* Outgoing connect() finished, one way or the other. */
static void connected(struct tdm_conn *c)
{
	int soerr = 0;
	socklen_t sl = sizeof(soerr);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
		soerr = errno;
	if (soerr) {
		TDM_LOGD(&tdm_log_stream, "conn %llu connect failed: %s",
			 (unsigned long long)c->id, tdm_strerror(-soerr));
		tdm_conn_close(c, -soerr);
		return;
	}
	TDM_STREAM_COUNT(connected);
	/* The handshake gets its own deadline. */
	tdm_conn_arm_deadline(c, tdm_stream_g.lim.handshake_ms);
	if (!tdm_conn_is_tls(c) && !tdm_conn_is_ws(c))
		tdm_timer_stop(&c->deadline);
	tdm_conn_start(c);
}

static void on_io(struct tdm_loop *l, int fd, unsigned events, void *arg)
{
	struct tdm_conn *c = arg;

	(void)l;
	(void)fd;
	switch (c->state) {
	case TDM_CONN_CONNECTING:
		connected(c);
		return;
	case TDM_CONN_TLS_HS:
		drive_tls(c);
		return;
	case TDM_CONN_DEAD:
		return;
	default:
		break;
	}
	if (events & (TDM_LOOP_WRITE | TDM_LOOP_ERROR) || c->wblocked)
		tdm_conn_flush(c);
	if (c->state == TDM_CONN_DEAD || c->state == TDM_CONN_CLOSING)
		return;
	if (events & (TDM_LOOP_READ | TDM_LOOP_ERROR))
		tdm_conn_read(c);
}
