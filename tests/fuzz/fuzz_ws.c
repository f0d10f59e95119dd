/* SPDX-License-Identifier: GPL-2.0-or-later
 * libFuzzer target for the WebSocket codec (core/net/ws.c, ws_hs.c). The
 * input is offered as an Upgrade request and as a server's answer, then
 * (after its first byte, which picks the side and the size limit) as a
 * stream of frames. Invariants: results stay in their documented sets and
 * never claim more bytes than given; a refusal has a reason and an HTTP
 * answer; decoding the stream one byte more at a time yields the same
 * events and the same final error as decoding it at once; every decoded
 * message re-encodes and decodes to itself. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/buf.h>
#include "fuzz_check.h"
#include "net/ws.h"

/* Events of one pass, folded into a hash. */
struct pass {
	uint64_t hash;
	unsigned events;
	long last; /* the final result: an error, -EAGAIN at the end */
};

static void fold(struct pass *p, const struct tdm_ws_event *ev)
{
	p->hash = p->hash * 1099511628211u + (uint64_t)ev->op + 7 * ev->len;
	for (size_t i = 0; i < ev->len; i++)
		p->hash = p->hash * 31 + (unsigned char)ev->data[i];
	if (ev->op == TDM_WS_CLOSE)
		p->hash += ev->close_code;
	p->events++;
}

/* Re-encodes a decoded message or control frame as its sender would
 * (masked when it came to a server) and decodes it again: same op, same
 * payload (same code for CLOSE). */
static void reencode(bool server, const struct tdm_ws_event *ev)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_ws_dec d;
	struct tdm_ws_event e2;
	uint16_t cc;
	int err;

	if (ev->op == TDM_WS_CLOSE)
		err = tdm_ws_encode_close(&b, ev->close_code, NULL, server);
	else
		err = tdm_ws_encode(&b, ev->op, ev->data, ev->len, server);
	if (err == -ENOMEM) {
		tdm_buf_free(&b);
		return;
	}
	CHECK(err == 0);
	tdm_ws_dec_init(&d, server);
	CHECK(tdm_ws_decode(&d, b.data, b.len, ev->len, &e2, &cc) == (long)b.len);
	CHECK(e2.op == ev->op);
	if (ev->op == TDM_WS_CLOSE)
		CHECK(e2.close_code == ev->close_code);
	else
		CHECK(e2.len == ev->len && !memcmp(e2.data, ev->data, ev->len));
	tdm_ws_dec_free(&d);
	tdm_buf_free(&b);
}

static void check_event(bool server, const struct tdm_ws_event *ev)
{
	struct tdm_str s = { ev->data, ev->len };

	touch(&s);
	CHECK(ev->op == TDM_WS_TEXT || ev->op == TDM_WS_BINARY ||
	      ev->op == TDM_WS_CLOSE || ev->op == TDM_WS_PING ||
	      ev->op == TDM_WS_PONG);
	if (ev->op >= TDM_WS_CLOSE)
		CHECK(ev->len <= 125);
	reencode(server, ev);
}

/* One-shot: everything available at once. */
static void decode_all(bool server, const char *in, size_t len, size_t max,
		       struct pass *p)
{
	struct tdm_ws_dec d;
	struct tdm_ws_event ev;
	uint16_t cc = 0;
	size_t off = 0;
	long n;

	tdm_ws_dec_init(&d, server);
	while ((n = tdm_ws_decode(&d, in + off, len - off, max, &ev, &cc)) > 0) {
		CHECK((size_t)n <= len - off);
		off += (size_t)n;
		if (ev.op != TDM_WS_CONT) {
			check_event(server, &ev);
			fold(p, &ev);
		}
	}
	CHECK(n == -EAGAIN || n == -EBADMSG || n == -EMSGSIZE || n == -ENOMEM);
	if (n == -EBADMSG)
		CHECK(cc == 1002 || cc == 1007);
	p->last = n;
	tdm_ws_dec_free(&d);
}

/* The same stream arriving one byte at a time. */
static void decode_trickle(bool server, const char *in, size_t len,
			   size_t max, struct pass *p)
{
	struct tdm_ws_dec d;
	struct tdm_ws_event ev;
	uint16_t cc;
	size_t off = 0;
	long n = -EAGAIN;

	tdm_ws_dec_init(&d, server);
	for (size_t end = 0; end <= len; end++) {
		while ((n = tdm_ws_decode(&d, in + off, end - off, max, &ev,
					  &cc)) > 0) {
			off += (size_t)n;
			if (ev.op != TDM_WS_CONT)
				fold(p, &ev);
		}
		if (n != -EAGAIN)
			break;
	}
	p->last = n;
	tdm_ws_dec_free(&d);
}

static void frames(const char *in, size_t len)
{
	struct pass a = { 0, 0, 0 }, b = { 0, 0, 0 };
	bool server;
	size_t max;

	if (len < 1)
		return;
	server = in[0] & 1;
	max = ((unsigned char)in[0] >> 1) * 16u;
	decode_all(server, in + 1, len - 1, max, &a);
	decode_trickle(server, in + 1, len - 1, max, &b);
	if (a.last == -ENOMEM || b.last == -ENOMEM)
		return;
	CHECK(a.last == b.last && a.events == b.events && a.hash == b.hash);
}

static void handshake(const char *in, size_t len)
{
	static const char key[32] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
	struct tdm_buf resp = TDM_BUF_INIT;
	const char *why = NULL;
	long r = tdm_ws_accept(in, len, 4096, &resp, &why);

	CHECK(r == -EAGAIN || r == -EMSGSIZE || r == -EBADMSG || r == -ENOMEM ||
	      (r > 0 && (size_t)r <= len));
	if (r > 0) {
		CHECK(!strncmp(resp.data, "HTTP/1.1 101 ", 13));
		tdm_buf_reset(&resp);
		CHECK(tdm_ws_accept(in, (size_t)r, (size_t)r, &resp, NULL) == r);
	}
	if (r == -EBADMSG)
		CHECK(why && !strncmp(resp.data, "HTTP/1.1 4", 10));
	tdm_buf_free(&resp);
	why = NULL;
	r = tdm_ws_connect_response(in, len, 4096, key, &why);
	CHECK(r == -EAGAIN || r == -EMSGSIZE || r == -EBADMSG ||
	      (r > 0 && (size_t)r <= len));
	if (r == -EBADMSG)
		CHECK(why != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy so ASan sees any read past the end. */
	char *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	handshake(copy, size);
	frames(copy, size);
	free(copy);
	return 0;
}
