/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for the TLS stream transport (core/net/tls.c with the connection
 * code) on loopback: SNI choosing the certificate, a message both ways,
 * client certificates required and refused, TLS 1.1 refused, the
 * handshake deadline, and an outgoing TLS connection that verifies the
 * server. Certificates are generated at test time (test_stream_util.c). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include "net/stream.h"
#include "test.h"
#include "test_stream_util.h"

static struct tdm_loop *loop;

static bool setup(struct tdm_stream_cfg *cfg)
{
	const struct ts_certs *c = ts_certs();
	static struct tdm_stream_sni sni[2];
	char err[256] = "";
	int e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	sni[0] = (struct tdm_stream_sni){ "a.example", c->a_cert, c->a_key };
	sni[1] = (struct tdm_stream_sni){ "*.b.example", c->b_cert, c->b_key };
	cfg->tls_cert = c->def_cert;
	cfg->tls_key = c->def_key;
	cfg->sni = sni;
	cfg->nsni = 2;
	e = tdm_stream_global_init(cfg, 1, err, sizeof(err));
	if (e)
		fprintf(stderr, "global_init: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(e, 0);
	CU_ASSERT_EQUAL_FATAL(tdm_loop_new(&loop), 0);
	return true;
}

static void teardown(struct ts_srv *a, struct ts_srv *b)
{
	ts_teardown(&loop, a, b);
}

static bool wait_msgs(struct ts_srv *v, int n)
{
	return ts_wait_msgs(loop, v, n);
}

static bool tls_failed(void *arg)
{
	struct tdm_stream_stats st;

	tdm_stream_stats(&st);
	return st.tls_failures >= *(uint64_t *)arg;
}

static void sni_case(struct ts_srv *v, const char *sni, const char *cn)
{
	SSL *ssl = ts_tls_connect(loop, &v->bound, NULL, sni);

	CU_ASSERT_PTR_NOT_NULL_FATAL(ssl);
	CU_ASSERT_STRING_EQUAL(ts_tls_peer_cn(ssl), cn);
	ts_tls_close(ssl);
}

static void sni(const char *ip)
{
	struct tdm_stream_cfg cfg = { 0 };
	struct ts_srv v;

	setup(&cfg);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TLS, ip), 0);
	sni_case(&v, "a.example", "a.example");
	sni_case(&v, "A.Example", "a.example");
	sni_case(&v, "x.b.example", "b.example");
	sni_case(&v, "other.example", "default.test");
	sni_case(&v, NULL, "default.test");
	teardown(&v, NULL);
}

static void test_stream_tls_sni_v4(void)
{
	sni("127.0.0.1");
}

static void test_stream_tls_sni_v6(void)
{
	sni("[::1]");
}

/* A message in, the reply out on the same TLS connection. */
static void test_stream_tls_message(void)
{
	struct tdm_stream_cfg cfg = { 0 };
	struct ts_srv v;
	struct tdm_dest d = { .proto = TDM_PROTO_TLS };
	char m[512], buf[2048];
	size_t lm = ts_sip(m, sizeof(m), "OPTIONS", "tls");
	SSL *ssl;

	setup(&cfg);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TLS,
					  "127.0.0.1"), 0);
	ssl = ts_tls_connect(loop, &v.bound, NULL, "a.example");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ssl);
	CU_ASSERT(ts_tls_send(loop, ssl, m, 20));
	ts_spin(loop, 3);
	CU_ASSERT(ts_tls_send(loop, ssl, m + 20, lm - 20));
	CU_ASSERT_FATAL(wait_msgs(&v, 1));
	CU_ASSERT_EQUAL(v.sink.msgs[0].len, lm);
	CU_ASSERT_EQUAL(v.sink.msgs[0].rcv.proto, TDM_PROTO_TLS);
	d.conn_id = v.sink.msgs[0].rcv.conn_id;
	d.no_connect = 1;
	CU_ASSERT_EQUAL(tdm_stream_send(v.s, &d, m, lm), 0);
	CU_ASSERT_EQUAL(ts_tls_read_until(loop, ssl, buf, sizeof(buf), "\r\ntls"),
			(long)lm);
	ts_tls_close(ssl);
	teardown(&v, NULL);
}

static SSL_CTX *client_ctx(const char *cert, const char *key)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (cert) {
		SSL_CTX_use_certificate_chain_file(ctx, cert);
		SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM);
	}
	return ctx;
}

/* Client certificate required: without one the connection fails, with
 * one signed by the CA messages flow. */
static void test_stream_tls_client_cert(void)
{
	struct tdm_stream_cfg cfg = { .tls_verify_client = true };
	const struct ts_certs *c = ts_certs();
	uint64_t one = 1;
	struct ts_srv v;
	char m[512], buf[64];
	size_t lm = ts_sip(m, sizeof(m), "OPTIONS", "");
	SSL_CTX *ctx;
	SSL *ssl;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	cfg.tls_ca = c->ca;
	setup(&cfg);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TLS,
					  "127.0.0.1"), 0);
	/* Without: the client may think it connected (TLS 1.3 sends the
	 * server's verdict after the client's Finished); the read fails. */
	ctx = client_ctx(NULL, NULL);
	ssl = ts_tls_connect(loop, &v.bound, ctx, NULL);
	if (ssl) {
		CU_ASSERT_EQUAL(ts_tls_read_until(loop, ssl, buf, sizeof(buf),
						  NULL), -1);
		ts_tls_close(ssl);
	}
	CU_ASSERT(ts_run_until(loop, tls_failed, &one));
	SSL_CTX_free(ctx);
	CU_ASSERT_EQUAL(ts_sink_count(&v.sink), 0);
	/* With. */
	ctx = client_ctx(c->cli_cert, c->cli_key);
	ssl = ts_tls_connect(loop, &v.bound, ctx, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ssl);
	CU_ASSERT(ts_tls_send(loop, ssl, m, lm));
	CU_ASSERT(wait_msgs(&v, 1));
	ts_tls_close(ssl);
	SSL_CTX_free(ctx);
	teardown(&v, NULL);
}

static void test_stream_tls_old_version_refused(void)
{
	struct tdm_stream_cfg cfg = { 0 };
	uint64_t one = 1;
	struct ts_srv v;
	SSL_CTX *ctx;
	SSL *ssl;

	setup(&cfg);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TLS,
					  "127.0.0.1"), 0);
	ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
	ssl = ts_tls_connect(loop, &v.bound, ctx, NULL);
	CU_ASSERT_PTR_NULL(ssl);
	ts_tls_close(ssl);
	SSL_CTX_free(ctx);
	CU_ASSERT(ts_run_until(loop, tls_failed, &one));
	teardown(&v, NULL);
}

/* A client that connects and never starts its handshake is closed. */
static void test_stream_tls_handshake_deadline(void)
{
	struct tdm_stream_cfg cfg = { .handshake_timeout_s = 1 };
	struct tdm_stream_stats st;
	struct ts_srv v;
	int fd;

	setup(&cfg);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&v, loop, 0, TDM_PROTO_TLS,
					  "127.0.0.1"), 0);
	fd = ts_connect(&v.bound);
	CU_ASSERT_FATAL(fd >= 0);
	/* Half a ClientHello record header, then silence. */
	CU_ASSERT(ts_send(fd, "\x16\x03\x01", 3));
	CU_ASSERT(ts_wait_closed(loop, fd));
	tdm_stream_stats(&st);
	CU_ASSERT_EQUAL(st.timeouts, 1);
	CU_ASSERT_EQUAL(st.open, 0);
	close(fd);
	teardown(&v, NULL);
}

static bool failed(void *arg)
{
	return ((struct ts_fails *)arg)->n > 0;
}

/* Worker A connects to B over TLS, presenting SNI and verifying B's
 * certificate against the CA; B answers on that connection. */
static void outgoing(const char *ip, const char *name, bool expect_ok)
{
	struct tdm_stream_cfg cfg = { .tls_verify_server = true };
	const struct ts_certs *c = ts_certs();
	struct ts_srv a, b;
	struct tdm_dest d = { .proto = TDM_PROTO_TLS };
	char m[512];
	size_t lm = ts_sip(m, sizeof(m), "OPTIONS", "");

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	cfg.tls_ca = c->ca;
	setup(&cfg);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&a, loop, 0, TDM_PROTO_TLS, ip), 0);
	CU_ASSERT_EQUAL_FATAL(ts_srv_open(&b, loop, 1, TDM_PROTO_TLS, ip), 0);
	d.addr = b.bound;
	if (name)
		d.sni = (struct tdm_str){ name, strlen(name) };
	CU_ASSERT_EQUAL(tdm_stream_send_cookie(a.s, &d, m, lm, 99), 0);
	if (!expect_ok) {
		CU_ASSERT(ts_run_until(loop, failed, &a.fails));
		CU_ASSERT_EQUAL(a.fails.cookie, 99);
		CU_ASSERT_EQUAL(a.fails.err, -EPROTO);
		CU_ASSERT_EQUAL(ts_sink_count(&b.sink), 0);
		teardown(&a, &b);
		return;
	}
	CU_ASSERT_FATAL(wait_msgs(&b, 1));
	d = (struct tdm_dest){ .proto = TDM_PROTO_TLS,
			       .conn_id = b.sink.msgs[0].rcv.conn_id };
	CU_ASSERT_EQUAL(tdm_stream_send(b.s, &d, m, lm), 0);
	CU_ASSERT(wait_msgs(&a, 1));
	CU_ASSERT_EQUAL(a.fails.n, 0);
	teardown(&a, &b);
}

static void test_stream_tls_outgoing_verified(void)
{
	outgoing("127.0.0.1", "a.example", true);
}

static void test_stream_tls_outgoing_by_ip(void)
{
	outgoing("[::1]", NULL, true);
}

/* The server's certificate does not carry the name: the send fails. */
static void test_stream_tls_outgoing_wrong_name(void)
{
	outgoing("127.0.0.1", "wrong.example", false);
}

TDM_TEST_SUITE(net_stream_tls,
	       TDM_TEST(test_stream_tls_sni_v4),
	       TDM_TEST(test_stream_tls_sni_v6),
	       TDM_TEST(test_stream_tls_message),
	       TDM_TEST(test_stream_tls_client_cert),
	       TDM_TEST(test_stream_tls_old_version_refused),
	       TDM_TEST(test_stream_tls_handshake_deadline),
	       TDM_TEST(test_stream_tls_outgoing_verified),
	       TDM_TEST(test_stream_tls_outgoing_by_ip),
	       TDM_TEST(test_stream_tls_outgoing_wrong_name))
