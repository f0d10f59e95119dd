/* SPDX-License-Identifier: GPL-2.0-or-later
 * SIP over WebSocket (RFC 7118) on a stream connection: the opening
 * handshake on both sides and the frames, with the codec of ws.c. Each
 * SIP message travels as one WebSocket message (text frame); pings are
 * answered, a close is echoed and ends the connection. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/alloc.h>
#include "net/conn.h"

/* Longest Upgrade request or 101 answer we accept. */
#define WS_HS_MAX 8192u

void tdm_stream_ws_init(struct tdm_conn *c)
{
	tdm_ws_dec_init(&c->wsdec, !c->outgoing);
}

int tdm_stream_ws_encode(struct tdm_conn *c, const char *data, size_t len)
{
	return tdm_ws_encode(&c->out, TDM_WS_TEXT, data, len, c->outgoing);
}

int tdm_stream_ws_client_start(struct tdm_conn *c)
{
	char host[TDM_ADDR_STRLEN];
	int err;

	if (c->sni && *c->sni)
		snprintf(host, sizeof(host), "%s", c->sni);
	else if (tdm_addr_format(&c->peer, host, sizeof(host)) < 0)
		return -EINVAL;
	err = tdm_ws_connect_request(host, "/", &c->hs, c->ws_key);
	if (err)
		return err;
	c->state = TDM_CONN_WS_HS;
	tdm_conn_want_flush(c);
	tdm_conn_update_events(c);
	return 0;
}

/* Sends a close frame and closes once it is out. */
static void ws_close(struct tdm_conn *c, uint16_t code)
{
	c->out.err = 0;
	if (tdm_ws_encode_close(&c->out, code, NULL, c->outgoing)) {
		tdm_conn_close(c, -ENOMEM);
		return;
	}
	tdm_conn_closing(c);
}

static void server_handshake(struct tdm_conn *c)
{
	struct tdm_buf resp = TDM_BUF_INIT;
	const char *why = "";
	long r = tdm_ws_accept(c->in.data + c->in_off, c->in.len - c->in_off,
			       WS_HS_MAX, &resp, &why);
	char peer[TDM_ADDR_STRLEN];

	if (r == -EAGAIN) {
		tdm_buf_free(&resp);
		return;
	}
	if (r > 0 && !tdm_conn_queue_raw(c, resp.data, resp.len, true)) {
		c->in_off += (size_t)r;
		TDM_STREAM_COUNT(ws_upgrades);
		tdm_conn_opened(c);
		tdm_buf_free(&resp);
		return;
	}
	tdm_addr_format(&c->peer, peer, sizeof(peer));
	tdm_log_pairs(&tdm_log_stream, TDM_LOG_INFO, "WebSocket upgrade refused",
		      "peer", peer, "reason", r == -EMSGSIZE ? "too long" : why,
		      NULL);
	TDM_STREAM_COUNT(bad_frames);
	if (r == -EBADMSG && resp.len &&
	    !tdm_conn_queue_raw(c, resp.data, resp.len, true)) {
		c->in_off = c->in.len;
		tdm_conn_closing(c);
	} else {
		tdm_conn_close(c, -EPROTO);
	}
	tdm_buf_free(&resp);
}

static void client_handshake(struct tdm_conn *c)
{
	const char *why = "";
	long r = tdm_ws_connect_response(c->in.data + c->in_off,
					 c->in.len - c->in_off, WS_HS_MAX,
					 c->ws_key, &why);

	if (r == -EAGAIN)
		return;
	if (r < 0) {
		TDM_LOGI(&tdm_log_stream, "conn %llu: WebSocket server refused "
			 "the upgrade: %s", (unsigned long long)c->id, why);
		tdm_conn_close(c, -EPROTO);
		return;
	}
	c->in_off += (size_t)r;
	TDM_STREAM_COUNT(ws_upgrades);
	tdm_conn_opened(c);
}

/* Acts on one decoded message or control frame. */
static void ws_event(struct tdm_conn *c, const struct tdm_ws_event *ev)
{
	switch (ev->op) {
	case TDM_WS_TEXT:
	case TDM_WS_BINARY:
		tdm_conn_deliver(c, ev->data, ev->len);
		break;
	case TDM_WS_PING:
		c->out.err = 0;
		if (tdm_ws_encode(&c->out, TDM_WS_PONG, ev->data, ev->len,
				  c->outgoing))
			tdm_conn_close(c, -ENOMEM);
		else
			tdm_conn_want_flush(c);
		break;
	case TDM_WS_CLOSE:
		ws_close(c, ev->close_code == 1005 ? 1000 : ev->close_code);
		break;
	default:
		break;
	}
}

static void frames(struct tdm_conn *c)
{
	while (c->in_off < c->in.len && c->state == TDM_CONN_OPEN) {
		struct tdm_ws_event ev = { .op = TDM_WS_CONT };
		uint16_t code = 1002;
		long r = tdm_ws_decode(&c->wsdec, c->in.data + c->in_off,
				       c->in.len - c->in_off,
				       tdm_stream_g.lim.max_msg, &ev, &code);

		if (r == -EAGAIN)
			return;
		if (r < 0) {
			TDM_STREAM_COUNT(bad_frames);
			TDM_LOGI(&tdm_log_stream, "conn %llu: bad WebSocket "
				 "frame (%s)", (unsigned long long)c->id,
				 tdm_strerror((int)r));
			c->in_off = c->in.len;
			ws_close(c, r == -EMSGSIZE ? 1009 : code);
			return;
		}
		c->in_off += (size_t)r;
		ws_event(c, &ev);
	}
}

void tdm_stream_ws_input(struct tdm_conn *c)
{
	if (c->state == TDM_CONN_WS_HS) {
		if (c->outgoing)
			client_handshake(c);
		else
			server_handshake(c);
	}
	if (c->state == TDM_CONN_OPEN)
		frames(c);
}
