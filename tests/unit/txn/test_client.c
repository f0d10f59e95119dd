/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/txn/client.c: the INVITE and non-INVITE client
 * transactions of RFC 3261 §17.1 — retransmission (Timers A, E), time
 * outs (B, F), the hop-by-hop ACK of a non-2xx final (§17.1.1.3), the
 * absorption of retransmitted responses (D, K), transport failures, and
 * response matching by branch and CSeq method (§17.1.3). Time moves only
 * when the test advances the loop's wheel. */
#include <errno.h>
#include <string.h>
#include <tandem/addr.h>
#include "test.h"
#include "txn_fixture.h"

static unsigned cli_count(struct tx_env *e)
{
	struct tdm_txn_stats st;

	tdm_txns_stats(e->t, &st);
	return (unsigned)st.client;
}

/* Advances to each time of at[] (ms from now) in turn, checking that
 * exactly one copy of message 0 is sent at each, and none before. */
static void expect_retx(struct tx_env *e, const unsigned *at, unsigned n)
{
	unsigned now = 0, base = e->nsent;

	for (unsigned i = 0; i < n; i++) {
		tx_advance(e, at[i] - now - 1);
		CU_ASSERT_EQUAL(e->nsent, base + i);
		tx_advance(e, 1);
		CU_ASSERT_EQUAL(e->nsent, base + i + 1);
		CU_ASSERT(tx_sent_same(e, 0, base + i));
		CU_ASSERT_EQUAL(e->sent[base + i].cookie, e->sent[0].cookie);
		now = at[i];
	}
}

/* INVITE over UDP: Timer A doubles without a cap (500, 1000, 2000, ...
 * 16000), Timer B fires at 64*T1: cli_failed(-ETIMEDOUT), then
 * cli_gone. */
static void test_txn_cli_invite_timer_a_b_udp(void)
{
	static const unsigned at[] = { 500, 1500, 3500, 7500, 15500, 31500 };
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX];
	struct tdm_cli *c;
	struct tdm_txn_stats st;

	tx_env_init(&e, NULL);
	c = tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_UDP, branch);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_NOT_EQUAL(e.sent[0].cookie, 0);
	CU_ASSERT_EQUAL(e.sent[0].dest.proto, TDM_PROTO_UDP);
	CU_ASSERT_EQUAL(tdm_addr_port(&e.sent[0].dest.addr), 5080);
	CU_ASSERT(strncmp(e.sent[0].data, "INVITE ", 7) == 0);
	expect_retx(&e, at, 6);
	CU_ASSERT_EQUAL(e.nsent, 7);
	tx_advance(&e, TX_64T1 - 31500 - 1);
	CU_ASSERT_EQUAL(e.nfailed, 0);
	CU_ASSERT_EQUAL(cli_count(&e), 1);
	tx_advance(&e, 1);
	CU_ASSERT_EQUAL(e.nfailed, 1);
	CU_ASSERT_PTR_EQUAL(e.failed[0].c, c);
	CU_ASSERT_EQUAL(e.failed[0].err, -ETIMEDOUT);
	CU_ASSERT_EQUAL(e.ncli_gone, 1);
	CU_ASSERT_PTR_EQUAL(e.cli_gone[0], c);
	CU_ASSERT_STRING_EQUAL(e.log, "failed:-110 cli_gone ");
	CU_ASSERT_EQUAL(cli_count(&e), 0);
	tx_advance(&e, 100000);
	CU_ASSERT_EQUAL(e.nsent, 7);
	tdm_txns_stats(e.t, &st);
	CU_ASSERT_EQUAL(st.timeouts, 1);
	CU_ASSERT_EQUAL(st.retransmitted, 6);
	CU_ASSERT_EQUAL(st.client_total, 1);
	/* a late response matches nothing */
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 180 }), 0);
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.ncli_gone, 1);
}

/* INVITE over TCP: no retransmission, Timer B still applies; a configured
 * timer_b replaces 64*T1. */
static void test_txn_cli_invite_timer_b_tcp(void)
{
	struct tdm_txn_cfg cfg = tx_cfg();
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX];

	cfg.timer_b = 9000;
	tx_env_init(&e, &cfg);
	tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_TCP, branch);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_EQUAL(e.sent[0].dest.proto, TDM_PROTO_TCP);
	tx_advance(&e, 8999);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_EQUAL(e.nfailed, 0);
	tx_advance(&e, 1);
	CU_ASSERT_STRING_EQUAL(e.log, "failed:-110 cli_gone ");
	CU_ASSERT_EQUAL(e.nsent, 1);
	tx_env_free(&e);
}

/* A provisional stops Timers A and B (the proxy's Timer C takes over);
 * every provisional is passed up, the highest status is kept. */
static void test_txn_cli_invite_provisional(void)
{
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX];
	struct tdm_cli *c;

	tx_env_init(&e, NULL);
	c = tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_UDP, branch);
	tx_advance(&e, TX_T1);
	CU_ASSERT_EQUAL(e.nsent, 2);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 100 }), 1);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 183,
								  .to_tag = "b1" }), 1);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 180,
								  .to_tag = "b1" }), 1);
	CU_ASSERT_EQUAL(e.nresp, 3);
	CU_ASSERT_EQUAL(e.resp[0].status, 100);
	CU_ASSERT_EQUAL(e.resp[1].status, 183);
	CU_ASSERT_STRING_EQUAL(e.resp[1].to_tag, "b1");
	CU_ASSERT_EQUAL(e.resp[2].status, 180);
	CU_ASSERT_PTR_EQUAL(e.resp[0].c, c);
	CU_ASSERT_EQUAL(tdm_cli_status(c), 183);
	tx_advance(&e, 10 * TX_64T1);
	CU_ASSERT_EQUAL(e.nsent, 2);
	CU_ASSERT_EQUAL(e.nfailed, 0);
	CU_ASSERT_EQUAL(e.ncli_gone, 0);
	tx_env_free(&e);
	CU_ASSERT_STRING_EQUAL(e.log, "resp:100 resp:183 resp:180 cli_gone ");
}

/* A non-2xx final: passed up once, acknowledged hop by hop with an ACK
 * built per §17.1.1.3 and sent to the same place; a retransmitted final
 * gets the same ACK again and is not passed up; Timer D (the linger
 * over UDP) ends the transaction; no retransmission after the final. */
static void test_txn_cli_invite_non2xx_ack_udp(void)
{
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX], via[256];
	struct tdm_cli *c;
	struct tdm_sip_msg *ack;
	const struct tdm_sip_via *vias;
	const struct tdm_sip_addr_list *routes;
	const struct tdm_sip_hdr *h;
	struct tdm_txn_stats st;

	tx_env_init(&e, NULL);
	c = tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_UDP, branch);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 180,
								  .to_tag = "tt9" }), 1);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 486,
								  .to_tag = "tt9" }), 1);
	CU_ASSERT_EQUAL(e.nresp, 2);
	CU_ASSERT_EQUAL(e.resp[1].status, 486);
	CU_ASSERT_EQUAL(tdm_cli_status(c), 486);
	CU_ASSERT_EQUAL_FATAL(e.nsent, 2);

	/* the ACK */
	CU_ASSERT_STRING_EQUAL(tx_sent_line(&e, 1),
			       "ACK sip:bob@127.0.0.1:5080;transport=udp SIP/2.0");
	CU_ASSERT_EQUAL(e.sent[1].cookie, e.sent[0].cookie);
	CU_ASSERT(tdm_addr_eq(&e.sent[1].dest.addr, &e.sent[0].dest.addr));
	CU_ASSERT_EQUAL(e.sent[1].dest.proto, TDM_PROTO_UDP);
	ack = tx_sent_msg(&e, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ack);
	CU_ASSERT(ack->is_request);
	CU_ASSERT_EQUAL(ack->method, TDM_SIP_ACK);
	snprintf(via, sizeof(via), "SIP/2.0/UDP 127.0.0.1:5060;branch=%s;rport",
		 branch);
	TDM_ASSERT_STR(ack->via1.value, via);
	TDM_ASSERT_STR(ack->via1.branch, branch);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_vias(ack, &vias), 0);
	CU_ASSERT_PTR_NULL(vias->next); /* only our Via */
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_routes(ack, TDM_HDR_ROUTE, &routes), 0);
	TDM_ASSERT_STR(routes->addr.uri, "sip:p1@127.0.0.1:5090;lr");
	CU_ASSERT_PTR_NOT_NULL_FATAL(routes->next);
	TDM_ASSERT_STR(routes->next->addr.uri, "sip:p2@127.0.0.1:5091;lr");
	CU_ASSERT_PTR_NOT_NULL_FATAL(routes->next->next);
	TDM_ASSERT_STR(routes->next->next->addr.uri, "sip:p3@127.0.0.1;lr");
	CU_ASSERT_PTR_NULL(routes->next->next->next);
	TDM_ASSERT_STR(ack->to_tag, "tt9");
	CU_ASSERT(tx_sent_has(&e, 1, "\r\nTo: <sip:bob@127.0.0.1>;tag=tt9\r\n"));
	CU_ASSERT(tx_sent_has(&e, 1,
			      "\r\nFrom: \"Alice\" <sip:alice@127.0.0.1>;tag=ft1\r\n"));
	TDM_ASSERT_STR(ack->from_tag, "ft1");
	TDM_ASSERT_STR(ack->call_id, "c1@127.0.0.1");
	CU_ASSERT_EQUAL(ack->cseq.num, 1);
	CU_ASSERT_EQUAL(ack->cseq.method, TDM_SIP_ACK);
	CU_ASSERT_EQUAL(ack->max_forwards, 70);
	CU_ASSERT_EQUAL(ack->content_length, 0);
	CU_ASSERT_PTR_NULL(tdm_sip_msg_hdr(ack, TDM_HDR_CONTACT));
	h = tdm_sip_msg_hdr(ack, TDM_HDR_ROUTE);
	CU_ASSERT_PTR_NOT_NULL(h);
	tdm_sip_msg_free(ack);

	/* retransmitted final: ACK again, not passed up */
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 486,
								  .to_tag = "tt9" }), 1);
	CU_ASSERT_EQUAL(e.nresp, 2);
	CU_ASSERT_EQUAL(e.nsent, 3);
	CU_ASSERT(tx_sent_same(&e, 1, 2));
	/* a retransmitted provisional is absorbed, no ACK for it */
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 180,
								  .to_tag = "tt9" }), 1);
	CU_ASSERT_EQUAL(e.nresp, 2);
	CU_ASSERT_EQUAL(e.nsent, 3);
	tdm_txns_stats(e.t, &st);
	CU_ASSERT_EQUAL(st.absorbed, 2);

	/* Timer D; nothing retransmitted meanwhile */
	tx_advance(&e, TX_LINGER - 1);
	CU_ASSERT_EQUAL(e.nsent, 3);
	CU_ASSERT_EQUAL(e.ncli_gone, 0);
	tx_advance(&e, 1);
	CU_ASSERT_STRING_EQUAL(e.log, "resp:180 resp:486 cli_gone ");
	CU_ASSERT_EQUAL(e.nfailed, 0);
	tx_env_free(&e);
}

/* Over TCP: the ACK is sent, Timer D is 0. A final straight from Calling
 * stops Timer B. */
static void test_txn_cli_invite_non2xx_tcp(void)
{
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX];

	tx_env_init(&e, NULL);
	tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_TCP, branch);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 503,
								  .to_tag = "x" }), 1);
	CU_ASSERT_EQUAL(e.nsent, 2);
	CU_ASSERT(strncmp(tx_sent_line(&e, 1), "ACK ", 4) == 0);
	CU_ASSERT_EQUAL(e.sent[1].dest.proto, TDM_PROTO_TCP);
	CU_ASSERT_EQUAL(e.ncli_gone, 0);
	tx_advance(&e, 1);
	CU_ASSERT_STRING_EQUAL(e.log, "resp:503 cli_gone ");
	tx_advance(&e, TX_64T1);
	CU_ASSERT_EQUAL(e.nfailed, 0);
	tx_env_free(&e);
}

/* A 2xx is passed up and ends the transaction at once (§17.1.1.2): no
 * ACK from us, its retransmissions match nothing (forwarded
 * statelessly by the caller). */
static void test_txn_cli_invite_2xx(void)
{
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX];
	struct tdm_cli *c;

	tx_env_init(&e, NULL);
	c = tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_UDP, branch);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 180,
								  .to_tag = "a" }), 1);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 200,
								  .to_tag = "a" }), 1);
	CU_ASSERT_STRING_EQUAL(e.log, "resp:180 resp:200 cli_gone ");
	CU_ASSERT_PTR_EQUAL(e.resp[1].c, c);
	CU_ASSERT_PTR_EQUAL(e.cli_gone[0], c);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_EQUAL(cli_count(&e), 0);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 200,
								  .to_tag = "a" }), 0);
	tx_advance(&e, 10 * TX_64T1);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_EQUAL(e.nresp, 2);
	CU_ASSERT_EQUAL(e.nfailed, 0);
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.ncli_gone, 1);
}

/* Non-INVITE over UDP: Timer E doubles up to T2 (500, 1000, 2000, then
 * 4000 ...), Timer F at 64*T1. */
static void test_txn_cli_non_invite_timer_e_f(void)
{
	static const unsigned at[] = { 500, 1500, 3500, 7500, 11500, 15500,
				       19500, 23500, 27500, 31500 };
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX];
	struct tdm_cli *c;

	tx_env_init(&e, NULL);
	c = tx_cli_start(&e, TDM_SIP_OPTIONS, TDM_PROTO_UDP, branch);
	CU_ASSERT(strncmp(e.sent[0].data, "OPTIONS ", 8) == 0);
	expect_retx(&e, at, 10);
	tx_advance(&e, TX_64T1 - 31500 - 1);
	CU_ASSERT_EQUAL(e.nfailed, 0);
	tx_advance(&e, 1);
	CU_ASSERT_STRING_EQUAL(e.log, "failed:-110 cli_gone ");
	CU_ASSERT_PTR_EQUAL(e.failed[0].c, c);
	CU_ASSERT_EQUAL(e.nsent, 11);
	tx_env_free(&e);
}

/* After a provisional, Timer E keeps its pending expiry, then goes at
 * T2; the provisional does not stop Timer F. */
static void test_txn_cli_non_invite_timer_e_proceeding(void)
{
	static const unsigned at[] = { 1500, 5500, 9500, 13500, 17500, 21500,
				       25500, 29500 };
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX];
	unsigned now = 0;

	tx_env_init(&e, NULL);
	tx_cli_start(&e, TDM_SIP_OPTIONS, TDM_PROTO_UDP, branch);
	tx_advance(&e, 500);
	CU_ASSERT_EQUAL(e.nsent, 2);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){
			.code = 100, .cseq_method = "OPTIONS" }), 1);
	CU_ASSERT_EQUAL(e.nresp, 1);
	now = 500;
	for (unsigned i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		tx_advance(&e, at[i] - now - 1);
		CU_ASSERT_EQUAL(e.nsent, 2 + i);
		tx_advance(&e, 1);
		CU_ASSERT_EQUAL(e.nsent, 3 + i);
		now = at[i];
	}
	tx_advance(&e, TX_64T1 - now - 1);
	CU_ASSERT_EQUAL(e.nfailed, 0);
	tx_advance(&e, 1);
	CU_ASSERT_STRING_EQUAL(e.log, "resp:100 failed:-110 cli_gone ");
	CU_ASSERT_EQUAL(e.nsent, 10);
	tx_env_free(&e);
}

/* A provisional before the first retransmission: E goes straight to T2
 * after its first firing. */
static void test_txn_cli_non_invite_early_provisional(void)
{
	static const unsigned at[] = { 500, 4500, 8500 };
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX];
	unsigned now = 0;

	tx_env_init(&e, NULL);
	tx_cli_start(&e, TDM_SIP_REGISTER, TDM_PROTO_UDP, branch);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){
			.code = 100, .cseq_method = "REGISTER" }), 1);
	for (unsigned i = 0; i < 3; i++) {
		tx_advance(&e, at[i] - now - 1);
		CU_ASSERT_EQUAL(e.nsent, 1 + i);
		tx_advance(&e, 1);
		CU_ASSERT_EQUAL(e.nsent, 2 + i);
		now = at[i];
	}
	tx_env_free(&e);
}

/* Final for a non-INVITE: passed up, retransmissions stop, repeats of
 * the final (or others) are absorbed during Timer K (T4 over UDP). */
static void test_txn_cli_non_invite_timer_k_udp(void)
{
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX];
	struct tdm_cli *c;

	tx_env_init(&e, NULL);
	c = tx_cli_start(&e, TDM_SIP_BYE, TDM_PROTO_UDP, branch);
	tx_advance(&e, 500);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){
			.code = 200, .cseq_method = "BYE", .to_tag = "t" }), 1);
	CU_ASSERT_EQUAL(e.nresp, 1);
	CU_ASSERT_EQUAL(tdm_cli_status(c), 200);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){
			.code = 200, .cseq_method = "BYE", .to_tag = "t" }), 1);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){
			.code = 481, .cseq_method = "BYE", .to_tag = "t" }), 1);
	CU_ASSERT_EQUAL(e.nresp, 1);
	CU_ASSERT_EQUAL(tdm_cli_status(c), 200);
	CU_ASSERT_EQUAL(e.nsent, 2); /* no ACK for a non-INVITE */
	tx_advance(&e, TX_T4 - 1);
	CU_ASSERT_EQUAL(e.nsent, 2);
	CU_ASSERT_EQUAL(e.ncli_gone, 0);
	tx_advance(&e, 1);
	CU_ASSERT_STRING_EQUAL(e.log, "resp:200 cli_gone ");
	tx_env_free(&e);
}

/* Over TCP: no Timer E; Timer F still; Timer K is 0. */
static void test_txn_cli_non_invite_tcp(void)
{
	struct tx_env e;
	char b1[TDM_TXN_BRANCH_MAX], b2[TDM_TXN_BRANCH_MAX];
	struct tdm_cli *c1, *c2;

	tx_env_init(&e, NULL);
	c1 = tx_cli_start(&e, TDM_SIP_MESSAGE, TDM_PROTO_TCP, b1);
	c2 = tx_cli_start(&e, TDM_SIP_MESSAGE, TDM_PROTO_TCP, b2);
	CU_ASSERT_STRING_NOT_EQUAL(b1, b2);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, b2, (struct tx_resp){
			.code = 202, .cseq_method = "MESSAGE" }), 1);
	CU_ASSERT_PTR_EQUAL(e.resp[0].c, c2);
	tx_advance(&e, 1);
	CU_ASSERT_EQUAL(e.ncli_gone, 1);
	CU_ASSERT_PTR_EQUAL(e.cli_gone[0], c2);
	tx_advance(&e, TX_64T1 - 2);
	CU_ASSERT_EQUAL(e.nsent, 2);
	CU_ASSERT_EQUAL(e.nfailed, 0);
	tx_advance(&e, 1);
	CU_ASSERT_EQUAL(e.nfailed, 1);
	CU_ASSERT_PTR_EQUAL(e.failed[0].c, c1);
	CU_ASSERT_EQUAL(e.ncli_gone, 2);
	tx_env_free(&e);
}

/* A transport failure reported for the cookie of the sends ends the
 * transaction with the error; unknown cookies and completed
 * transactions are left alone. */
static void test_txn_cli_transport_failed(void)
{
	struct tx_env e;
	char b1[TDM_TXN_BRANCH_MAX], b2[TDM_TXN_BRANCH_MAX], b3[TDM_TXN_BRANCH_MAX];
	struct tdm_cli *c1, *c2, *c3;
	uint64_t k1, k2, k3;

	tx_env_init(&e, NULL);
	c1 = tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_TCP, b1);
	c2 = tx_cli_start(&e, TDM_SIP_OPTIONS, TDM_PROTO_TCP, b2);
	c3 = tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_TLS, b3);
	k1 = e.sent[0].cookie;
	k2 = e.sent[1].cookie;
	k3 = e.sent[2].cookie;
	CU_ASSERT(k1 != k2 && k2 != k3 && k1 != k3);
	CU_ASSERT(k1 && k2 && k3);

	tdm_cli_transport_failed(e.t, 987654321, -ECONNREFUSED);
	CU_ASSERT_EQUAL(e.nfailed, 0);

	tdm_cli_transport_failed(e.t, k2, -ECONNREFUSED);
	CU_ASSERT_STRING_EQUAL(e.log, "failed:-111 cli_gone ");
	CU_ASSERT_PTR_EQUAL(e.failed[0].c, c2);
	CU_ASSERT_EQUAL(e.failed[0].err, -ECONNREFUSED);
	CU_ASSERT_PTR_EQUAL(e.cli_gone[0], c2);
	tdm_cli_transport_failed(e.t, k2, -ECONNREFUSED); /* gone already */
	CU_ASSERT_EQUAL(e.nfailed, 1);

	/* Proceeding: still fails */
	CU_ASSERT_EQUAL(tx_cli_feed(&e, b1, (struct tx_resp){ .code = 180 }), 1);
	tdm_cli_transport_failed(e.t, k1, -EPIPE);
	CU_ASSERT_EQUAL(e.nfailed, 2);
	CU_ASSERT_PTR_EQUAL(e.failed[1].c, c1);
	CU_ASSERT_EQUAL(e.failed[1].err, -EPIPE);

	/* Completed (the ACK may fail to go out): ignored */
	CU_ASSERT_EQUAL(tx_cli_feed(&e, b3, (struct tx_resp){ .code = 404,
							      .to_tag = "z" }), 1);
	tdm_cli_transport_failed(e.t, k3, -ECONNRESET);
	CU_ASSERT_EQUAL(e.nfailed, 2);
	CU_ASSERT_EQUAL(cli_count(&e), 1);
	(void)c3;
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.ncli_gone, 3);
}

/* tdm_cli_new: a failed first send is returned (no transaction, no
 * callbacks); a branch too long is refused. */
static void test_txn_cli_new_errors(void)
{
	struct tx_env e;
	char text[2048], big[TDM_TXN_BRANCH_MAX + 8];
	struct tdm_dest d = tx_dest(TDM_PROTO_UDP, "127.0.0.1:5080");
	struct tdm_str b = TDM_STR("z9hG4bKx");
	struct tdm_cli *c = NULL;
	size_t len = tx_cli_text(text, sizeof(text), "INVITE", "z9hG4bKx");

	tx_env_init(&e, NULL);
	e.send_rc = -ENETUNREACH;
	CU_ASSERT_EQUAL(tdm_cli_new(e.t, TDM_SIP_INVITE, &b, &d, text, len, NULL,
				    &c), -ENETUNREACH);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_EQUAL(cli_count(&e), 0);
	tx_advance(&e, 100000);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_STRING_EQUAL(e.log, "");
	e.send_rc = 0;

	memset(big, 'a', sizeof(big));
	b.s = big;
	b.len = TDM_TXN_BRANCH_MAX;
	CU_ASSERT_EQUAL(tdm_cli_new(e.t, TDM_SIP_INVITE, &b, &d, text, len, NULL,
				    &c), -EINVAL);
	CU_ASSERT_PTR_NULL(c);
	b.len = TDM_TXN_BRANCH_MAX - 1;
	CU_ASSERT_EQUAL(tdm_cli_new(e.t, TDM_SIP_INVITE, &b, &d, text, len, NULL,
				    &c), 0);
	CU_ASSERT_PTR_NOT_NULL(c);
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.ncli_gone, 1);
}

/* A CANCEL client transaction reuses the INVITE's branch (§9.1): the
 * CSeq method tells their responses apart. */
static void test_txn_cli_cancel_same_branch(void)
{
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX], text[2048];
	struct tdm_cli *inv, *can = NULL;
	struct tdm_dest d = tx_dest(TDM_PROTO_UDP, "127.0.0.1:5080");
	struct tdm_str b;
	size_t len;

	tx_env_init(&e, NULL);
	inv = tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_UDP, branch);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 180,
								  .to_tag = "u" }), 1);
	b = tdm_cli_branch(inv);
	len = tx_cli_text(text, sizeof(text), "CANCEL", branch);
	CU_ASSERT_EQUAL_FATAL(tdm_cli_new(e.t, TDM_SIP_CANCEL, &b, &d, text, len,
					  NULL, &can), 0);
	CU_ASSERT_PTR_NOT_EQUAL(can, inv);
	CU_ASSERT_EQUAL(cli_count(&e), 2);

	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){
			.code = 200, .cseq_method = "CANCEL", .to_tag = "u" }), 1);
	CU_ASSERT_EQUAL(e.nresp, 2);
	CU_ASSERT_PTR_EQUAL(e.resp[1].c, can);
	CU_ASSERT_EQUAL(tdm_cli_status(can), 200);
	CU_ASSERT_EQUAL(tdm_cli_status(inv), 180);
	CU_ASSERT_EQUAL(cli_count(&e), 2); /* the CANCEL lingers (Timer K) */

	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){ .code = 487,
								  .to_tag = "u" }), 1);
	CU_ASSERT_EQUAL(e.nresp, 3);
	CU_ASSERT_PTR_EQUAL(e.resp[2].c, inv);
	CU_ASSERT_EQUAL(tdm_cli_status(inv), 487);
	/* the ACK is for the INVITE (CSeq 1 ACK), not for the CANCEL */
	CU_ASSERT(strncmp(tx_sent_line(&e, e.nsent - 1), "ACK ", 4) == 0);
	CU_ASSERT(tx_sent_has(&e, e.nsent - 1, "CSeq: 1 ACK\r\n"));
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.ncli_gone, 2);
}

/* Responses that match no client transaction: unknown branch, CSeq
 * method of another transaction. */
static void test_txn_cli_no_match(void)
{
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX];

	tx_env_init(&e, NULL);
	tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_UDP, branch);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, "z9hG4bKnotours", (struct tx_resp){
			.code = 200 }), 0);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){
			.code = 200, .cseq_method = "CANCEL" }), 0);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, branch, (struct tx_resp){
			.code = 200, .cseq_method = "BYE" }), 0);
	CU_ASSERT_EQUAL(e.nresp, 0);
	CU_ASSERT_EQUAL(cli_count(&e), 1);
	tx_env_free(&e);
}

/* Accessors: user, dest, request bytes, branch, the parsed request. */
static void test_txn_cli_accessors(void)
{
	struct tx_env e;
	char branch[TDM_TXN_BRANCH_MAX];
	struct tdm_cli *c;
	struct tdm_str req, b;
	struct tdm_sip_msg *m;
	int x;

	tx_env_init(&e, NULL);
	c = tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_UDP, branch);
	CU_ASSERT_PTR_EQUAL(tdm_cli_user(c), &e);
	tdm_cli_set_user(c, &x);
	CU_ASSERT_PTR_EQUAL(tdm_cli_user(c), &x);
	CU_ASSERT_EQUAL(tdm_cli_dest(c)->proto, TDM_PROTO_UDP);
	CU_ASSERT_EQUAL(tdm_addr_port(&tdm_cli_dest(c)->addr), 5080);
	req = tdm_cli_request(c);
	CU_ASSERT_EQUAL(req.len, e.sent[0].len);
	CU_ASSERT(req.len == e.sent[0].len &&
		  memcmp(req.s, e.sent[0].data, req.len) == 0);
	b = tdm_cli_branch(c);
	TDM_ASSERT_STR(b, branch);
	CU_ASSERT_EQUAL(tdm_cli_status(c), 0);
	m = tdm_cli_request_msg(c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_EQUAL(tdm_cli_request_msg(c), m); /* parsed once */
	CU_ASSERT_EQUAL(m->method, TDM_SIP_INVITE);
	TDM_ASSERT_STR(m->via1.branch, branch);
	tx_env_free(&e);
}

/* A client transaction is active until its final response; then its
 * request copy goes (only the branch and the ACK stay). */
static void test_txn_cli_active(void)
{
	struct tx_env e;
	char b1[TDM_TXN_BRANCH_MAX], b2[TDM_TXN_BRANCH_MAX];
	struct tdm_cli *c1;
	struct tdm_txn_stats st;
	struct tdm_str br;

	tx_env_init(&e, NULL);
	c1 = tx_cli_start(&e, TDM_SIP_INVITE, TDM_PROTO_UDP, b1);
	tx_cli_start(&e, TDM_SIP_OPTIONS, TDM_PROTO_UDP, b2);
	tdm_txns_stats(e.t, &st);
	CU_ASSERT_EQUAL(st.active, 2);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, b1, (struct tx_resp){ .code = 180 }), 1);
	tdm_txns_stats(e.t, &st);
	CU_ASSERT_EQUAL(st.active, 2);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, b1, (struct tx_resp){ .code = 404,
							      .to_tag = "r" }), 1);
	CU_ASSERT_EQUAL(tx_cli_feed(&e, b2, (struct tx_resp){
			.code = 200, .cseq_method = "OPTIONS" }), 1);
	tdm_txns_stats(e.t, &st);
	CU_ASSERT_EQUAL(st.active, 0);
	CU_ASSERT_EQUAL(st.client, 2);
	br = tdm_cli_branch(c1);
	CU_ASSERT_EQUAL(tdm_cli_request(c1).len, 0);
	TDM_ASSERT_STR(br, b1);
	/* the ACK is still there for a retransmitted final */
	CU_ASSERT_EQUAL(tx_cli_feed(&e, b1, (struct tx_resp){ .code = 404,
							      .to_tag = "r" }), 1);
	CU_ASSERT_EQUAL(e.nsent, 4); /* INVITE, OPTIONS, ACK, ACK */
	CU_ASSERT(strncmp(tx_sent_line(&e, 2), "ACK ", 4) == 0);
	CU_ASSERT(tx_sent_same(&e, 2, 3));
	tx_env_free(&e);
}

/* The TLS server name of the destination is copied: the caller's string
 * may go. */
static void test_txn_cli_sni_copied(void)
{
	struct tx_env e;
	char text[2048], sni[32] = "sip.example.test";
	struct tdm_dest d = tx_dest(TDM_PROTO_TLS, "127.0.0.1:5081");
	struct tdm_str b = TDM_STR("z9hG4bKsni");
	struct tdm_cli *c;
	size_t len = tx_cli_text(text, sizeof(text), "OPTIONS", "z9hG4bKsni");

	tx_env_init(&e, NULL);
	d.sni = tdm_str_c(sni);
	CU_ASSERT_EQUAL_FATAL(tdm_cli_new(e.t, TDM_SIP_OPTIONS, &b, &d, text, len,
					  NULL, &c), 0);
	memset(sni, 'x', sizeof(sni) - 1);
	TDM_ASSERT_STR(tdm_cli_dest(c)->sni, "sip.example.test");
	TDM_ASSERT_STR(e.sent[0].dest.sni, "sip.example.test");
	tx_env_free(&e);
}

TDM_TEST_SUITE(txn_client,
	       TDM_TEST(test_txn_cli_invite_timer_a_b_udp),
	       TDM_TEST(test_txn_cli_invite_timer_b_tcp),
	       TDM_TEST(test_txn_cli_invite_provisional),
	       TDM_TEST(test_txn_cli_invite_non2xx_ack_udp),
	       TDM_TEST(test_txn_cli_invite_non2xx_tcp),
	       TDM_TEST(test_txn_cli_invite_2xx),
	       TDM_TEST(test_txn_cli_non_invite_timer_e_f),
	       TDM_TEST(test_txn_cli_non_invite_timer_e_proceeding),
	       TDM_TEST(test_txn_cli_non_invite_early_provisional),
	       TDM_TEST(test_txn_cli_non_invite_timer_k_udp),
	       TDM_TEST(test_txn_cli_non_invite_tcp),
	       TDM_TEST(test_txn_cli_transport_failed),
	       TDM_TEST(test_txn_cli_new_errors),
	       TDM_TEST(test_txn_cli_cancel_same_branch),
	       TDM_TEST(test_txn_cli_no_match),
	       TDM_TEST(test_txn_cli_accessors),
	       TDM_TEST(test_txn_cli_active),
	       TDM_TEST(test_txn_cli_sni_copied))
