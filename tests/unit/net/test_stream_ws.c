/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for SIP over WebSocket on the stream transport (core/net/
 * stream_ws.c with the codec of ws.c): the upgrade and a SIP message in a
 * frame both ways, a bad upgrade answered 400, ping/pong and close, the
 * handshake deadline, and outgoing WS and WSS connections between two
 * workers. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <tandem/buf.h>
#include "net/stream.h"
#include "net/ws.h"
#include "test.h"
#include "test_stream_util.h"

static struct tdm_loop *loop;

static const char upgrade[] =
	"GET / HTTP/1.1\r\n"
	"Host: 127.0.0.1\r\n"
	"Upgrade: websocket\r\n"
	"Connection: Upgrade\r\n"
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	"Sec-WebSocket-Version: 13\r\n"
	"Sec-WebSocket-Protocol: sip\r\n\r\n";

static void setup(struct tdm_stream_cfg *cfg, bool tls)
{
	const struct ts_certs *c = ts_certs();
	char err[256] = "";

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	if (tls) {
		cfg->tls_cert = c->def_cert;
		cfg->tls_key = c->def_key;
	}
	CU_ASSERT_EQUAL_FATAL(tdm_stream_global_init(cfg, 1, err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL_FATAL(tdm_loop_new(&loop), 0);
}

static void teardown(struct ts_srv *a, struct ts_srv *b)
{
	ts_teardown(&loop, a, b);
}

static bool wait_msgs(struct ts_srv *v, int n)
{
	return ts_wait_msgs(loop, v, n);
}

/* Reads frames from fd until one event of op `want` decodes; copies its
 * payload into out. Returns its length or -1. */
static long read_event(int fd, struct tdm_ws_dec *dec, enum tdm_ws_op want,
		       char *out, size_t cap)
{
	static char buf[8192];
	static size_t len;
	long r;

	for (;;) {
		struct tdm_ws_event ev = { .op = TDM_WS_CONT };
		uint16_t code;

		r = len ? tdm_ws_decode(dec, buf, len, 65535, &ev, &code)
			: -EAGAIN;
		if (r > 0) {
			bool hit = ev.op == want;
			size_t n = ev.len < cap ? ev.len : cap;

			if (hit)
				memcpy(out, ev.data, n);
			memmove(buf, buf + r, len - (size_t)r);
			len -= (size_t)r;
			if (hit)
				return (long)n;
			continue;
		}
		if (r != -EAGAIN)
			return -1;
		r = ts_read_until(loop, fd, buf + len, sizeof(buf) - len, NULL);
		if (r <= 0)
			return -1;
		len += (size_t)r;
	}
}

static int ws_client(struct ts_srv *v)
{
	char buf[1024];
	int fd = ts_connect(&v->bound);

	if (fd < 0)
		return -1;
	ts_send(fd, upgrade, sizeof(upgrade) - 1);
	if (ts_read_until(loop, fd, buf, sizeof(buf), "\r\n\r\n") < 0 ||
	    strncmp(buf, "HTTP/1.1 101", 12) ||
	    !strstr(buf, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")) {
		close(fd);
		return -1;
	}
	return fd;
}

static void ws_message(const char *ip)
{
	struct tdm_stream_cfg cfg = { 0 };
	struct tdm_stream_stats st;
	struct tdm_buf f = TDM_BUF_INIT;
	struct tdm_ws_dec dec;
	struct tdm_dest d = { .proto = TDM_PROTO_WS };
	struct ts_srv v;
	char m[512], got[1024];
	size_t lm = ts_sip(m, sizeof(m), "REGISTER", "ws");
	int fd;

	setup(&cfg, false);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_WS, ip), 0);
	fd = ws_client(&v);
	CU_ASSERT_FATAL(fd >= 0);
	/* One SIP message in one masked text frame, sent in two pieces. */
	CU_ASSERT_EQUAL(tdm_ws_encode(&f, TDM_WS_TEXT, m, lm, true), 0);
	CU_ASSERT(ts_send(fd, f.data, 7));
	ts_spin(loop, 3);
	CU_ASSERT(ts_send(fd, f.data + 7, f.len - 7));
	CU_ASSERT_FATAL(wait_msgs(&v, 1));
	CU_ASSERT_EQUAL(v.sink.msgs[0].len, lm);
	CU_ASSERT(!memcmp(v.sink.msgs[0].data, m, lm));
	CU_ASSERT_EQUAL(v.sink.msgs[0].rcv.proto, TDM_PROTO_WS);
	/* And back, unmasked. */
	d.conn_id = v.sink.msgs[0].rcv.conn_id;
	CU_ASSERT_EQUAL(tdm_stream_send(v.s, &d, m, lm), 0);
	tdm_ws_dec_init(&dec, false);
	CU_ASSERT_EQUAL(read_event(fd, &dec, TDM_WS_TEXT, got, sizeof(got)),
			(long)lm);
	CU_ASSERT(!memcmp(got, m, lm));
	/* Ping, pong. */
	tdm_buf_reset(&f);
	CU_ASSERT_EQUAL(tdm_ws_encode(&f, TDM_WS_PING, "hi", 2, true), 0);
	CU_ASSERT(ts_send(fd, f.data, f.len));
	CU_ASSERT_EQUAL(read_event(fd, &dec, TDM_WS_PONG, got, sizeof(got)), 2);
	/* Close: echoed, then the server closes. */
	tdm_buf_reset(&f);
	CU_ASSERT_EQUAL(tdm_ws_encode_close(&f, 1000, NULL, true), 0);
	CU_ASSERT(ts_send(fd, f.data, f.len));
	CU_ASSERT(read_event(fd, &dec, TDM_WS_CLOSE, got, sizeof(got)) >= 0);
	CU_ASSERT(ts_wait_closed(loop, fd));
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.ws_upgrades, 1);
	tdm_ws_dec_free(&dec);
	tdm_buf_free(&f);
	close(fd);
	teardown(&v, NULL);
}

static void test_stream_ws_message_v4(void)
{
	ws_message("127.0.0.1");
}

static void test_stream_ws_message_v6(void)
{
	ws_message("[::1]");
}

static void test_stream_ws_bad_upgrade(void)
{
	static const char bad[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct tdm_stream_cfg cfg = { 0 };
	struct ts_srv v;
	char buf[1024];
	int fd;

	setup(&cfg, false);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_WS,
					  "127.0.0.1"), 0);
	fd = ts_connect(&v.bound);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(ts_send(fd, bad, sizeof(bad) - 1));
	CU_ASSERT(ts_read_until(loop, fd, buf, sizeof(buf), "\r\n\r\n") > 0);
	CU_ASSERT_EQUAL(strncmp(buf, "HTTP/1.1 400", 12), 0);
	CU_ASSERT(ts_wait_closed(loop, fd));
	CU_ASSERT_EQUAL(ts_sink_count(&v.sink), 0);
	close(fd);
	teardown(&v, NULL);
}

/* Connected, never upgrades: closed by the handshake deadline. */
static void test_stream_ws_handshake_deadline(void)
{
	struct tdm_stream_cfg cfg = { .handshake_timeout_s = 1 };
	struct tdm_stream_stats st;
	struct ts_srv v;
	int fd;

	setup(&cfg, false);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_WS,
					  "127.0.0.1"), 0);
	fd = ts_connect(&v.bound);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(ts_send(fd, "GET / HTTP/1.1\r\n", 16));
	CU_ASSERT(ts_wait_closed(loop, fd));
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.timeouts, 1);
	close(fd);
	teardown(&v, NULL);
}

/* Worker A opens a WS (or WSS) connection to worker B; B answers. */
static void outgoing(enum tdm_proto p)
{
	struct tdm_stream_cfg cfg = { 0 };
	struct tdm_stream_stats st;
	struct ts_srv a, b;
	struct tdm_dest d = { .proto = p };
	char m[512];
	size_t lm = ts_sip(m, sizeof(m), "OPTIONS", "");

	setup(&cfg, p == TDM_PROTO_WSS);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&a, loop, 0, p, "127.0.0.1"), 0);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&b, loop, 1, p, "127.0.0.1"), 0);
	d.addr = b.bound;
	CU_ASSERT_EQUAL(tdm_stream_send_cookie(a.s, &d, m, lm, 5), 0);
	CU_ASSERT_EQUAL(tdm_stream_send_cookie(a.s, &d, m, lm, 6), 0);
	CU_ASSERT_FATAL(wait_msgs(&b, 2));
	CU_ASSERT_EQUAL(b.sink.msgs[0].len, lm);
	CU_ASSERT_EQUAL(b.sink.msgs[0].rcv.proto, p);
	d = (struct tdm_dest){ .proto = p,
			       .conn_id = b.sink.msgs[0].rcv.conn_id };
	CU_ASSERT_EQUAL(tdm_stream_send(b.s, &d, m, lm), 0);
	CU_ASSERT(wait_msgs(&a, 1));
	CU_ASSERT_EQUAL(a.sink.msgs[0].len, lm);
	CU_ASSERT_EQUAL(a.fails.n, 0);
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.ws_upgrades, 2);
	teardown(&a, &b);
}

static void test_stream_ws_outgoing(void)
{
	outgoing(TDM_PROTO_WS);
}

static void test_stream_wss_outgoing(void)
{
	outgoing(TDM_PROTO_WSS);
}

TDM_TEST_SUITE(net_stream_ws,
	       TDM_TEST(test_stream_ws_message_v4),
	       TDM_TEST(test_stream_ws_message_v6),
	       TDM_TEST(test_stream_ws_bad_upgrade),
	       TDM_TEST(test_stream_ws_handshake_deadline),
	       TDM_TEST(test_stream_ws_outgoing),
	       TDM_TEST(test_stream_wss_outgoing))
