/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/txn/engine.c and the helpers around it: our branch
 * format and its parsers (foreign branches refused), where responses go
 * (tdm_srv_reply_dest, RFC 3261 §18.2.2 and RFC 3581), the engine's
 * configuration, counters and stateless send, freeing an engine with
 * live transactions, and out-of-memory paths. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/addr.h>
#include <tandem/alloc.h>
#include "test.h"
#include "txn_fixture.h"

/* Our branch: "z9hG4bKT" + worker (2 base-36 digits) + loop hash (8 hex) + "." +
 * counter (hex), unique per engine, readable back. */
static void test_txn_branch_format(void)
{
	struct tx_env e;
	char a[TDM_TXN_BRANCH_MAX], b[TDM_TXN_BRANCH_MAX];
	struct tdm_str s;
	uint32_t h = 0;
	size_t n;

	tx_env_init(&e, NULL);
	n = tdm_txn_branch(e.t, 0xdeadbeef, a);
	CU_ASSERT_EQUAL(n, strlen(a));
	CU_ASSERT(n < TDM_TXN_BRANCH_MAX);
	CU_ASSERT(strncmp(a, "z9hG4bKT03deadbeef.", 19) == 0);
	CU_ASSERT(n > 19);
	for (size_t i = 19; i < n; i++)
		CU_ASSERT(strchr("0123456789abcdef", a[i]) != NULL);
	tdm_txn_branch(e.t, 0xdeadbeef, b);
	CU_ASSERT_STRING_NOT_EQUAL(a, b);

	s = tdm_str_c(a);
	CU_ASSERT_EQUAL(tdm_txn_branch_worker(&s), 3);
	CU_ASSERT_TRUE(tdm_txn_branch_loop_hash(&s, &h));
	CU_ASSERT_EQUAL(h, 0xdeadbeef);
	tdm_txn_branch(e.t, 0, a);
	CU_ASSERT(strncmp(a, "z9hG4bKT0300000000.", 19) == 0);
	s = tdm_str_c(a);
	CU_ASSERT_TRUE(tdm_txn_branch_loop_hash(&s, &h));
	CU_ASSERT_EQUAL(h, 0);
	tx_env_free(&e);
}

/* Workers are written as two base-36 digits (0-9, then a-z). */
static void test_txn_branch_workers(void)
{
	static const unsigned workers[] = { 0, 9, 10, 35, 36, 255, 1295 };
	static const char *const digits[] = { "00", "09", "0a", "0z", "10",
					      "73", "zz" };
	struct tdm_txn_cfg cfg = tx_cfg();

	for (unsigned i = 0; i < 7; i++) {
		struct tdm_loop *l;
		struct tdm_txns *t;
		char buf[TDM_TXN_BRANCH_MAX];
		struct tdm_str s;
		uint32_t h;

		CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
		CU_ASSERT_FATAL(tdm_txns_new(&t, l, workers[i], &cfg, NULL, NULL,
					     &(struct tdm_txn_user){ 0 }, NULL) == 0);
		CU_ASSERT_EQUAL(tdm_txns_worker(t), workers[i]);
		tdm_txn_branch(t, 0x0badf00d, buf);
		CU_ASSERT(buf[8] == digits[i][0] && buf[9] == digits[i][1]);
		s = tdm_str_c(buf);
		CU_ASSERT_EQUAL(tdm_txn_branch_worker(&s), (int)workers[i]);
		CU_ASSERT_TRUE(tdm_txn_branch_loop_hash(&s, &h));
		CU_ASSERT_EQUAL(h, 0x0badf00d);
		tdm_txns_free(t);
		tdm_loop_free(l);
	}
}

/* Other elements' branches are not ours: -1 and false. Upper-case hex
 * and worker digits of ours are still read. */
static void test_txn_branch_foreign(void)
{
	static const char *const foreign[] = {
		"",
		"z9hG4bK",
		"z9hG4bKT",
		"z9hG4bK776asdhds",
		"z9hG4bKT03deadbeef",     /* no '.' */
		"z9hG4bKT03deadbee.1",    /* hash too short */
		"z9hG4bKX03deadbeef.1",   /* not "T" */
		"Z9HG4BKT03deadbeef.1",   /* cookie case */
		"1234",
		"z9hG4bKT03deadbeef1",
		"z9hG4bKT3deadbeef.1",    /* one worker digit (old format) */
	};
	struct tdm_str s;
	uint32_t h = 77;

	for (unsigned i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		s = tdm_str_c(foreign[i]);
		CU_ASSERT_EQUAL(tdm_txn_branch_worker(&s), -1);
		CU_ASSERT_FALSE(tdm_txn_branch_loop_hash(&s, &h));
		CU_ASSERT_EQUAL(h, 77);
	}
	/* ours in shape, but not a hash / not a worker digit */
	s = TDM_STR("z9hG4bKT03deadbeeg.1");
	CU_ASSERT_FALSE(tdm_txn_branch_loop_hash(&s, &h));
	s = TDM_STR("z9hG4bKT-3deadbeef.1");
	CU_ASSERT_EQUAL(tdm_txn_branch_worker(&s), -1);
	/* a slice shorter than its buffer */
	s = (struct tdm_str){ "z9hG4bKT03deadbeef.1", 18 };
	CU_ASSERT_EQUAL(tdm_txn_branch_worker(&s), -1);
	/* upper case still reads */
	s = TDM_STR("z9hG4bKT0ZDEADBEEF.1F");
	CU_ASSERT_EQUAL(tdm_txn_branch_worker(&s), 35);
	CU_ASSERT_TRUE(tdm_txn_branch_loop_hash(&s, &h));
	CU_ASSERT_EQUAL(h, 0xdeadbeef);
}

static void reply_dest(const char *via, enum tdm_proto proto, uint64_t conn,
		       struct tdm_dest *d)
{
	struct tdm_sip_msg *m = TX_REQ(.via = via);
	struct tdm_rcv rcv = tx_rcv(proto, "127.0.0.2:40000", conn);
	struct tdm_listen li = { 0 };

	rcv.listen = &li;
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	tdm_srv_reply_dest(m, &rcv, d);
	CU_ASSERT_PTR_EQUAL(d->listen, &li);
	d->listen = NULL; /* li is gone after the return */
	tdm_sip_msg_free(m);
}

/* Where responses go: the source IP always; over UDP the source port
 * with rport, else the sent-by port, else 5060; on a stream the
 * connection (and the source address). */
static void test_txn_reply_dest(void)
{
	struct tdm_dest d;
	char a[TDM_ADDR_STRLEN];

	reply_dest("SIP/2.0/UDP 127.0.0.9:5070;branch=z9hG4bKd;rport", TDM_PROTO_UDP,
		   0, &d);
	CU_ASSERT_EQUAL(d.proto, TDM_PROTO_UDP);
	tdm_addr_format(&d.addr, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "127.0.0.2:40000");
	CU_ASSERT_EQUAL(d.conn_id, 0);

	reply_dest("SIP/2.0/UDP 127.0.0.9:5070;branch=z9hG4bKd", TDM_PROTO_UDP, 0,
		   &d);
	tdm_addr_format(&d.addr, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "127.0.0.2:5070");

	reply_dest("SIP/2.0/UDP 127.0.0.9;branch=z9hG4bKd", TDM_PROTO_UDP, 0, &d);
	tdm_addr_format(&d.addr, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "127.0.0.2:5060");

	reply_dest("SIP/2.0/TCP 127.0.0.9:5070;branch=z9hG4bKd", TDM_PROTO_TCP, 42,
		   &d);
	CU_ASSERT_EQUAL(d.proto, TDM_PROTO_TCP);
	CU_ASSERT_EQUAL(d.conn_id, 42);
	tdm_addr_format(&d.addr, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "127.0.0.2:40000");

	reply_dest("SIP/2.0/WSS abc.invalid;branch=z9hG4bKd;rport", TDM_PROTO_WSS,
		   43, &d);
	CU_ASSERT_EQUAL(d.proto, TDM_PROTO_WSS);
	CU_ASSERT_EQUAL(d.conn_id, 43);
	CU_ASSERT_EQUAL(tdm_addr_port(&d.addr), 40000);
	CU_ASSERT_EQUAL(d.no_connect, 0);
}

static void test_txn_reply_dest_ipv6(void)
{
	struct tdm_sip_msg *m = TX_REQ(.via = "SIP/2.0/UDP [::1]:5072;branch=z9hG4bKd");
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, "[::1]:40001", 0);
	struct tdm_dest d;
	char a[TDM_ADDR_STRLEN];

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	tdm_srv_reply_dest(m, &rcv, &d);
	tdm_addr_format(&d.addr, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "[::1]:5072");
	tdm_sip_msg_free(m);
}

/* Configuration: B and F default to 64*T1, explicit values are kept;
 * the accessors; stateless sends carry cookie 0. */
static void test_txn_engine_cfg_send(void)
{
	struct tdm_txn_cfg cfg = tx_cfg();
	struct tx_env e;
	struct tdm_dest d = tx_dest(TDM_PROTO_UDP, "127.0.0.1:5099");

	tx_env_init(&e, NULL);
	CU_ASSERT_EQUAL(tdm_txns_cfg(e.t)->timer_b, 64 * TX_T1);
	CU_ASSERT_EQUAL(tdm_txns_cfg(e.t)->timer_f, 64 * TX_T1);
	CU_ASSERT_EQUAL(tdm_txns_cfg(e.t)->t2, TX_T2);
	CU_ASSERT_EQUAL(tdm_txns_cfg(e.t)->linger, TX_LINGER);
	CU_ASSERT_PTR_EQUAL(tdm_txns_loop(e.t), e.loop);
	CU_ASSERT_EQUAL(tdm_txns_worker(e.t), 3);
	CU_ASSERT_EQUAL(tdm_txns_send(e.t, &d, "hello", 5), 0);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_EQUAL(e.sent[0].cookie, 0);
	CU_ASSERT_STRING_EQUAL(e.sent[0].data, "hello");
	CU_ASSERT_EQUAL(tdm_addr_port(&e.sent[0].dest.addr), 5099);
	e.send_rc = -EAGAIN;
	CU_ASSERT_EQUAL(tdm_txns_send(e.t, &d, "x", 1), -EAGAIN);
	tx_env_free(&e);

	cfg.timer_b = 1234;
	cfg.timer_f = 4321;
	tx_env_init(&e, &cfg);
	CU_ASSERT_EQUAL(tdm_txns_cfg(e.t)->timer_b, 1234);
	CU_ASSERT_EQUAL(tdm_txns_cfg(e.t)->timer_f, 4321);
	tx_env_free(&e);
}

/* Freeing the engine with transactions in every state: each gone
 * callback runs once, no failure is reported, nothing leaks (the
 * harness checks), and the timers they had armed are gone. */
static void test_txn_engine_free_live(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, "127.0.0.1:40000", 0);
	char b[4][TDM_TXN_BRANCH_MAX];
	struct tdm_srv *s1, *s2, *s3;
	struct tdm_txn_stats st;

	tx_env_init(&e, NULL);
	s1 = tx_srv_start(&e, TX_REQ(.via = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKf1"),
			  &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s1, 486, NULL, NULL), 0); /* G, H */
	s2 = tx_srv_start(&e, TX_REQ(.method = "OPTIONS",
				     .via = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKf2"),
			  &rcv);                                  /* Trying */
	s3 = tx_srv_start(&e, TX_REQ(.via = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKf3"),
			  &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s3, 200, NULL, NULL), 0); /* Accepted */
	tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_UDP, b[0]);   /* A, B */
	tx_cli_start(&e, TDM_SIP_OPTIONS, TDM_PROTO_UDP, b[1]);  /* E, F */
	CU_ASSERT_EQUAL(tx_cli_feed(&e, b[1], (struct tx_resp){
			.code = 200, .cseq_method = "OPTIONS" }), 1); /* K */
	tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_UDP, b[2]);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, b[2], (struct tx_resp){ .code = 404,
								.to_tag = "q" }), 1); /* D */
	tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_UDP, b[3]);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, b[3], (struct tx_resp){ .code = 180 }), 1);
	(void)s2;

	tdm_txns_stats(e.t, &st);
	CU_ASSERT_EQUAL(st.server, 3);
	CU_ASSERT_EQUAL(st.client, 4);
	CU_ASSERT_EQUAL(st.server_total, 3);
	CU_ASSERT_EQUAL(st.client_total, 4);
	CU_ASSERT(tdm_wheel_count(tdm_loop_wheel(e.loop)) > 0);

	tdm_txns_free(e.t);
	e.t = NULL;
	CU_ASSERT_EQUAL(e.nsrv_gone, 3);
	CU_ASSERT_EQUAL(e.ncli_gone, 4);
	CU_ASSERT_EQUAL(e.nfailed, 0);
	CU_ASSERT_EQUAL(tdm_wheel_count(tdm_loop_wheel(e.loop)), 0);
	tx_advance(&e, 10 * TX_64T1);
	CU_ASSERT_EQUAL(e.nsrv_gone, 3);
	tx_env_free(&e);
	tdm_txns_free(NULL);
}

/* Callbacks are optional. */
static void test_txn_engine_no_callbacks(void)
{
	struct tdm_txn_cfg cfg = tx_cfg();
	struct tdm_loop *l;
	struct tdm_txns *t;
	struct tdm_sip_msg *m = TX_REQ(.method = "OPTIONS");
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, "127.0.0.1:40000", 0);
	struct tdm_srv *s;

	CU_ASSERT_FATAL(tdm_loop_new(&l) == 0);
	CU_ASSERT_FATAL(tdm_txns_new(&t, l, 0, &cfg, NULL, NULL,
				     &(struct tdm_txn_user){ 0 }, NULL) == 0);
	CU_ASSERT_EQUAL(tdm_srv_new(t, m, &rcv, &s), 0);
	tdm_wheel_advance(tdm_loop_wheel(l), tdm_wheel_now(tdm_loop_wheel(l)) + 1000);
	tdm_txns_free(t);
	tdm_loop_free(l);
}

/* Out of memory: every allocation of an engine, a parsed request, a
 * client and a server transaction fails cleanly with -ENOMEM (the OOM
 * loop checks that each attempt frees all it allocated). */
static int oom_send(void *arg, const struct tdm_dest *d, const char *data,
		    size_t len, uint64_t cookie)
{
	(void)arg, (void)d, (void)data, (void)len, (void)cookie;
	return 0;
}

static void oom_srv_gone(void *u, struct tdm_srv *s)
{
	(void)s;
	(*(unsigned *)u)++;
}

static int oom_run(void *arg)
{
	static const struct tdm_txn_user user = { .srv_gone = oom_srv_gone };
	static const char text[] =
		"OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKoom\r\n"
		"From: <sip:alice@127.0.0.1>;tag=1\r\n"
		"To: <sip:bob@127.0.0.1>\r\n"
		"Call-ID: oom@127.0.0.1\r\n"
		"CSeq: 1 OPTIONS\r\n"
		"Content-Length: 0\r\n\r\n";
	struct tdm_loop *loop = arg;
	struct tdm_txn_cfg cfg = tx_cfg();
	struct tdm_dest d = tx_dest(TDM_PROTO_UDP, "127.0.0.1:5080");
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, "127.0.0.1:40000", 0);
	struct tdm_str b = TDM_STR("z9hG4bKoom");
	struct tdm_sip_msg *req = NULL;
	struct tdm_txns *t;
	struct tdm_srv *s;
	struct tdm_cli *c;
	unsigned gone = 0;
	int rc;

	if ((rc = tdm_txns_new(&t, loop, 1, &cfg, oom_send, NULL, &user, &gone)))
		return rc;
	rc = tdm_cli_new(t, TDM_SIP_OPTIONS, &b, &d, "OPTIONS x", 9, NULL, &c);
	if (!rc)
		rc = tdm_sip_msg_parse(&req, NULL, text, sizeof(text) - 1, NULL,
				       NULL);
	if (!rc) {
		rc = tdm_srv_new(t, req, &rcv, &s);
		if (rc)
			tdm_sip_msg_free(req);
	}
	tdm_txns_free(t);
	CU_ASSERT_EQUAL(gone, rc ? 0 : 1);
	return rc;
}

static void test_txn_engine_oom(void)
{
	struct tdm_loop *loop;

	CU_ASSERT_FATAL(tdm_loop_new(&loop) == 0);
	CU_ASSERT_EQUAL(tdm_test_oom_loop(oom_run, loop), 0);
	tdm_loop_free(loop);
}

TDM_TEST_SUITE(txn_engine,
	       TDM_TEST(test_txn_branch_format),
	       TDM_TEST(test_txn_branch_workers),
	       TDM_TEST(test_txn_branch_foreign),
	       TDM_TEST(test_txn_reply_dest),
	       TDM_TEST(test_txn_reply_dest_ipv6),
	       TDM_TEST(test_txn_engine_cfg_send),
	       TDM_TEST(test_txn_engine_free_live),
	       TDM_TEST(test_txn_engine_no_callbacks),
	       TDM_TEST(test_txn_engine_oom))
