/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for the TCP stream transport (core/net/stream*.c, conn*.c,
 * conn_table.c) over real sockets on 127.0.0.1 and ::1, driving the loop
 * with tdm_loop_run_once in the test thread: framing across segments,
 * replies on the client's connection, outgoing connect and reuse, CRLF
 * keep-alive, limits, idle and trickle deadlines, oversized messages and
 * the fail callback. Waits run the loop until the event happens, with a
 * hang guard; nothing asserts on elapsed time. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <tandem/alloc.h>
#include "net/stream.h"
#include "test.h"
#include "test_stream_util.h"

static struct tdm_loop *loop;

static void setup(const struct tdm_stream_cfg *cfg)
{
	struct tdm_stream_cfg def = { 0 };
	char err[256];

	CU_ASSERT_EQUAL_FATAL(tdm_stream_global_init(cfg ? cfg : &def, 1, err,
						     sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(tdm_loop_new(&loop), 0);
}

static void teardown(struct ts_srv *a, struct ts_srv *b)
{
	ts_teardown(&loop, a, b);
}

static bool conn_gone(void *arg)
{
	return !tdm_stream_conn_alive(*(uint64_t *)arg);
}

static bool wait_msgs(struct ts_srv *v, int n)
{
	return ts_wait_msgs(loop, v, n);
}

static void framing(const char *ip)
{
	struct ts_srv v;
	char m1[512], m2[512], both[1024];
	size_t l1 = ts_sip(m1, sizeof(m1), "OPTIONS", "");
	size_t l2 = ts_sip(m2, sizeof(m2), "MESSAGE", "hello world");
	int fd;

	setup(NULL);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 3, TDM_PROTO_TCP, ip), 0);
	fd = ts_connect(&v.bound);
	CU_ASSERT_FATAL(fd >= 0);
	/* m2 in three segments, the loop running between them. */
	CU_ASSERT(ts_send(fd, m2, 10));
	ts_spin(loop, 3);
	CU_ASSERT(ts_send(fd, m2 + 10, l2 - 15));
	ts_spin(loop, 3);
	CU_ASSERT_EQUAL(ts_sink_count(&v.sink), 0);
	CU_ASSERT(ts_send(fd, m2 + l2 - 5, 5));
	CU_ASSERT(wait_msgs(&v, 1));
	/* Two messages in one segment. */
	memcpy(both, m1, l1);
	memcpy(both + l1, m2, l2);
	CU_ASSERT(ts_send(fd, both, l1 + l2));
	CU_ASSERT(wait_msgs(&v, 3));
	CU_ASSERT_EQUAL(v.sink.msgs[0].len, l2);
	CU_ASSERT(!memcmp(v.sink.msgs[0].data, m2, l2));
	CU_ASSERT_EQUAL(v.sink.msgs[1].len, l1);
	CU_ASSERT_EQUAL(v.sink.msgs[2].len, l2);
	CU_ASSERT_EQUAL(v.sink.msgs[0].rcv.proto, TDM_PROTO_TCP);
	CU_ASSERT(v.sink.msgs[0].rcv.conn_id != 0);
	CU_ASSERT_EQUAL(v.sink.msgs[0].rcv.conn_id, v.sink.msgs[2].rcv.conn_id);
	CU_ASSERT_PTR_EQUAL(v.sink.msgs[0].rcv.listen, &v.l);
	CU_ASSERT_EQUAL(v.sink.msgs[0].rcv.worker, 3);
	CU_ASSERT(tdm_stream_conn_alive(v.sink.msgs[0].rcv.conn_id));
	close(fd);
	teardown(&v, NULL);
}

static void test_stream_tcp_framing_v4(void)
{
	framing("127.0.0.1");
}

static void test_stream_tcp_framing_v6(void)
{
	framing("[::1]");
}

/* A reply goes back on the client's connection, by id and by address. */
static void reply(const char *ip)
{
	struct ts_srv v;
	struct tdm_dest d = { .proto = TDM_PROTO_TCP };
	char m[512], r[512], buf[2048];
	size_t lm = ts_sip(m, sizeof(m), "OPTIONS", "");
	size_t lr = ts_sip(r, sizeof(r), "NOTIFY", "x");
	int fd;

	setup(NULL);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TCP, ip), 0);
	fd = ts_connect(&v.bound);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(ts_send(fd, m, lm));
	CU_ASSERT_FATAL(wait_msgs(&v, 1));
	d.conn_id = v.sink.msgs[0].rcv.conn_id;
	d.addr = v.sink.msgs[0].rcv.src;
	d.no_connect = 1;
	CU_ASSERT_EQUAL(tdm_stream_send(v.s, &d, r, lr), 0);
	CU_ASSERT_EQUAL(ts_read_until(loop, fd, buf, sizeof(buf), "\r\n\r\nx"),
			(long)lr);
	/* By address only. */
	d.conn_id = 0;
	CU_ASSERT_EQUAL(tdm_stream_send(v.s, &d, r, lr), 0);
	CU_ASSERT_EQUAL(ts_read_until(loop, fd, buf, sizeof(buf), "\r\n\r\nx"),
			(long)lr);
	/* Gone: no_connect refuses. */
	close(fd);
	d.conn_id = v.sink.msgs[0].rcv.conn_id;
	CU_ASSERT(ts_run_until(loop, conn_gone, &d.conn_id));
	CU_ASSERT_EQUAL(tdm_stream_send(v.s, &d, r, lr), -ENOTCONN);
	teardown(&v, NULL);
}

static void test_stream_tcp_reply_v4(void)
{
	reply("127.0.0.1");
}

static void test_stream_tcp_reply_v6(void)
{
	reply("[::1]");
}

/* Worker A opens a connection to worker B, B answers on it, A's second
 * message reuses it. Both workers share the test's loop. */
static void test_stream_tcp_outgoing_reuse(void)
{
	struct ts_srv a, b;
	struct tdm_dest d = { .proto = TDM_PROTO_TCP };
	struct tdm_stream_stats st;
	char m[512];
	size_t lm = ts_sip(m, sizeof(m), "OPTIONS", "");

	setup(NULL);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&a, loop, 0, TDM_PROTO_TCP,
					  "127.0.0.1"), 0);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&b, loop, 1, TDM_PROTO_TCP,
					  "127.0.0.1"), 0);
	d.addr = b.bound;
	CU_ASSERT_EQUAL(tdm_stream_send_cookie(a.s, &d, m, lm, 7), 0);
	CU_ASSERT_FATAL(wait_msgs(&b, 1));
	/* B answers on the connection it accepted. */
	d = (struct tdm_dest){ .proto = TDM_PROTO_TCP,
			       .conn_id = b.sink.msgs[0].rcv.conn_id,
			       .addr = b.sink.msgs[0].rcv.src };
	CU_ASSERT_EQUAL(tdm_stream_send(b.s, &d, m, lm), 0);
	CU_ASSERT_FATAL(wait_msgs(&a, 1));
	CU_ASSERT_PTR_EQUAL(a.sink.msgs[0].rcv.listen, &a.l);
	CU_ASSERT(tdm_addr_eq(&a.sink.msgs[0].rcv.src, &b.bound));
	/* A again, to the same address: same connection. */
	d = (struct tdm_dest){ .proto = TDM_PROTO_TCP, .addr = b.bound };
	CU_ASSERT_EQUAL(tdm_stream_send(a.s, &d, m, lm), 0);
	CU_ASSERT_FATAL(wait_msgs(&b, 2));
	CU_ASSERT_EQUAL(b.sink.msgs[1].rcv.conn_id, b.sink.msgs[0].rcv.conn_id);
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.connected, 1);
	CU_ASSERT_EQUAL(st.accepted, 1);
	CU_ASSERT_EQUAL(st.open, 2);
	CU_ASSERT_EQUAL(st.msgs_in, 3);
	CU_ASSERT_EQUAL(st.msgs_out, 3);
	CU_ASSERT_EQUAL(a.fails.n, 0);
	teardown(&a, &b);
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.open, 0);
}

/* RFC 5626 §4.4.1: CRLFCRLF ping, CRLF pong, also when split. */
static void test_stream_tcp_keepalive(void)
{
	struct ts_srv v;
	char buf[64], m[512];
	size_t lm = ts_sip(m, sizeof(m), "OPTIONS", "");
	int fd;

	setup(NULL);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TCP,
					  "127.0.0.1"), 0);
	fd = ts_connect(&v.bound);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(ts_send(fd, "\r\n\r\n", 4));
	CU_ASSERT_EQUAL(ts_read_until(loop, fd, buf, sizeof(buf), "\r\n"), 2);
	CU_ASSERT(ts_send(fd, "\r\n", 2));
	ts_spin(loop, 3);
	CU_ASSERT(ts_send(fd, "\r\n", 2));
	CU_ASSERT_EQUAL(ts_read_until(loop, fd, buf, sizeof(buf), "\r\n"), 2);
	/* A message after a ping still frames. */
	CU_ASSERT(ts_send(fd, "\r\n\r\n", 4));
	CU_ASSERT(ts_send(fd, m, lm));
	CU_ASSERT(wait_msgs(&v, 1));
	CU_ASSERT_EQUAL(v.sink.msgs[0].len, lm);
	close(fd);
	teardown(&v, NULL);
}

/* Opens n clients; returns how many the server closed. */
static int limit_run(struct ts_srv *v, int *fds, int n)
{
	char m[512];
	size_t lm = ts_sip(m, sizeof(m), "OPTIONS", "");
	int closed = 0;

	for (int i = 0; i < n; i++) {
		fds[i] = ts_connect(&v->bound);
		CU_ASSERT_FATAL(fds[i] >= 0);
		ts_spin(loop, 3);
	}
	/* The refused one is closed; the others carry messages. */
	CU_ASSERT(ts_wait_closed(loop, fds[n - 1]));
	for (int i = 0; i < n - 1; i++)
		CU_ASSERT(ts_send(fds[i], m, lm));
	CU_ASSERT(wait_msgs(v, n - 1));
	for (int i = 0; i < n; i++) {
		close(fds[i]);
		closed++;
	}
	return closed;
}

static void test_stream_tcp_limit_per_ip(void)
{
	struct tdm_stream_cfg cfg = { .max_per_ip = 2 };
	struct tdm_stream_stats st;
	struct ts_srv v;
	int fds[3];

	setup(&cfg);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TCP,
					  "127.0.0.1"), 0);
	limit_run(&v, fds, 3);
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.refused_limit, 1);
	CU_ASSERT_EQUAL(st.accepted, 2);
	teardown(&v, NULL);
}

static void test_stream_tcp_limit_total(void)
{
	struct tdm_stream_cfg cfg = { .max_connections = 2 };
	struct tdm_stream_stats st;
	struct ts_srv v;
	int fds[3];

	setup(&cfg);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TCP, "[::1]"),
			      0);
	limit_run(&v, fds, 3);
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.refused_limit, 1);
	CU_ASSERT_EQUAL(st.accepted, 2);
	teardown(&v, NULL);
}

static void test_stream_tcp_idle_timeout(void)
{
	struct tdm_stream_cfg cfg = { .idle_timeout_s = 1 };
	struct tdm_stream_stats st;
	struct ts_srv v;
	int fd;

	setup(&cfg);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TCP,
					  "127.0.0.1"), 0);
	fd = ts_connect(&v.bound);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(ts_wait_closed(loop, fd));
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.timeouts, 1);
	CU_ASSERT_EQUAL(st.open, 0);
	close(fd);
	teardown(&v, NULL);
}

/* A client trickling a message slower than the deadline is closed. */
static void test_stream_tcp_trickle_closed(void)
{
	struct tdm_stream_cfg cfg = { .handshake_timeout_s = 1 };
	struct tdm_stream_stats st;
	struct ts_srv v;
	int fd;

	setup(&cfg);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TCP,
					  "127.0.0.1"), 0);
	fd = ts_connect(&v.bound);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(ts_send(fd, "INVITE sip:x SIP/2.0\r\nVia: ", 27));
	CU_ASSERT(ts_wait_closed(loop, fd));
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.timeouts, 1);
	CU_ASSERT_EQUAL(ts_sink_count(&v.sink), 0);
	close(fd);
	teardown(&v, NULL);
}

static void test_stream_tcp_max_msg(void)
{
	struct tdm_stream_cfg cfg = { .max_msg = 300 };
	struct tdm_stream_stats st;
	struct ts_srv v;
	char m[1024], body[400];
	size_t lm;
	int fd;

	memset(body, 'a', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	lm = ts_sip(m, sizeof(m), "MESSAGE", body);
	setup(&cfg);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TCP,
					  "127.0.0.1"), 0);
	fd = ts_connect(&v.bound);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(ts_send(fd, m, lm));
	CU_ASSERT(ts_wait_closed(loop, fd));
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.bad_frames, 1);
	CU_ASSERT_EQUAL(ts_sink_count(&v.sink), 0);
	/* Sending one over max_msg is refused at once. */
	CU_ASSERT_EQUAL(tdm_stream_send(v.s, &(struct tdm_dest){
		.proto = TDM_PROTO_TCP, .addr = v.bound }, m, lm), -EMSGSIZE);
	close(fd);
	teardown(&v, NULL);
}

static bool failed(void *arg)
{
	return ((struct ts_fails *)arg)->n > 0;
}

/* Nothing listens: the queued message's cookie comes back. */
static void test_stream_tcp_fail_refused(void)
{
	struct ts_srv v;
	struct tdm_dest d = { .proto = TDM_PROTO_TCP };
	struct tdm_str in = TDM_STR("127.0.0.1:0");
	char m[512];
	size_t lm = ts_sip(m, sizeof(m), "INVITE", "");
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int s;

	setup(NULL);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TCP,
					  "127.0.0.1"), 0);
	/* A port that was free a moment ago. */
	CU_ASSERT_EQUAL(tdm_addr_parse(&d.addr, &in, NULL), 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT_EQUAL(bind(s, (struct sockaddr *)&d.addr.ss, d.addr.len), 0);
	getsockname(s, (struct sockaddr *)&ss, &sl);
	tdm_addr_from_sockaddr(&d.addr, (struct sockaddr *)&ss, sl);
	close(s);
	CU_ASSERT_EQUAL(tdm_stream_send_cookie(v.s, &d, m, lm, 0xabcdef), 0);
	CU_ASSERT(ts_run_until(loop, failed, &v.fails));
	CU_ASSERT_EQUAL(v.fails.n, 1);
	CU_ASSERT_EQUAL(v.fails.cookie, 0xabcdef);
	CU_ASSERT_EQUAL(v.fails.err, -ECONNREFUSED);
	d.no_connect = 1;
	CU_ASSERT_EQUAL(tdm_stream_send(v.s, &d, m, lm), -ENOTCONN);
	teardown(&v, NULL);
}

/* Output over max_outbuf: the send is refused, the connection closed as
 * stuck, and the unsent messages queued with cookies are reported. */
static void test_stream_tcp_outbuf_stuck(void)
{
	struct tdm_stream_cfg cfg = { .max_outbuf = 3000 };
	struct tdm_stream_stats st;
	struct ts_srv v;
	struct tdm_dest d = { .proto = TDM_PROTO_TCP, .no_connect = 1 };
	char m[1500], body[1200];
	size_t lm;
	int fd;

	memset(body, 'b', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	lm = ts_sip(m, sizeof(m), "MESSAGE", body);
	setup(&cfg);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TCP,
					  "127.0.0.1"), 0);
	fd = ts_connect(&v.bound);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(ts_send(fd, m, lm));
	CU_ASSERT_FATAL(wait_msgs(&v, 1));
	d.conn_id = v.sink.msgs[0].rcv.conn_id;
	/* Queued within one iteration: nothing is written yet. */
	CU_ASSERT_EQUAL(tdm_stream_send_cookie(v.s, &d, m, lm, 1), 0);
	CU_ASSERT_EQUAL(tdm_stream_send_cookie(v.s, &d, m, lm, 2), 0);
	CU_ASSERT_EQUAL(tdm_stream_send_cookie(v.s, &d, m, lm, 3), -ENOBUFS);
	CU_ASSERT_FALSE(tdm_stream_conn_alive(d.conn_id));
	CU_ASSERT(ts_run_until(loop, failed, &v.fails));
	ts_spin(loop, 2);
	CU_ASSERT_EQUAL(v.fails.n, 2);
	CU_ASSERT_EQUAL(v.fails.err, -ENOBUFS);
	CU_ASSERT(ts_wait_closed(loop, fd));
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.open, 0);
	close(fd);
	teardown(&v, NULL);
}

/* Wrong settings are reported with the file name. */
static void test_stream_global_init_errors(void)
{
	struct tdm_stream_cfg cfg = { .tls_cert = "/nonexistent/cert.pem",
				      .tls_key = "/nonexistent/key.pem" };
	char err[256] = "";

	CU_ASSERT_EQUAL(tdm_stream_global_init(&cfg, 1, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/cert.pem"));
	/* No TLS certificate: tcp works, tls cannot listen. */
	setup(NULL);
	{
		struct ts_srv v;

		CU_ASSERT_EQUAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TLS,
					    "127.0.0.1"), -EINVAL);
		teardown(&v, NULL);
	}
}

TDM_TEST_SUITE(net_stream_tcp,
	       TDM_TEST(test_stream_tcp_framing_v4),
	       TDM_TEST(test_stream_tcp_framing_v6),
	       TDM_TEST(test_stream_tcp_reply_v4),
	       TDM_TEST(test_stream_tcp_reply_v6),
	       TDM_TEST(test_stream_tcp_outgoing_reuse),
	       TDM_TEST(test_stream_tcp_keepalive),
	       TDM_TEST(test_stream_tcp_limit_per_ip),
	       TDM_TEST(test_stream_tcp_limit_total),
	       TDM_TEST(test_stream_tcp_idle_timeout),
	       TDM_TEST(test_stream_tcp_trickle_closed),
	       TDM_TEST(test_stream_tcp_max_msg),
	       TDM_TEST(test_stream_tcp_fail_refused),
	       TDM_TEST(test_stream_tcp_outbuf_stuck),
	       TDM_TEST(test_stream_global_init_errors))
