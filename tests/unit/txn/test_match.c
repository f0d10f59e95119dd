/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/txn/match.c and the lookups of core/txn/server.c:
 * which server transaction a request belongs to (RFC 3261 §17.2.3) by
 * branch + sent-by + method, the CANCEL and ACK special cases, the RFC
 * 2543 fallback for branches without the magic cookie, and the
 * max_server limit. */
#include <errno.h>
#include <string.h>
#include "test.h"
#include "txn_fixture.h"

#define SRC "127.0.0.1:40000"
#define VIA_A "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKm1"

/* Feeds a retransmission-looking request and returns what went back:
 * the index of the message sent, or -1 when nothing was sent. */
static int feed_sent(struct tx_env *e, struct tdm_sip_msg *m,
		     const struct tdm_rcv *rcv, enum tdm_srv_match want)
{
	unsigned n = e->nsent;

	CU_ASSERT_EQUAL(tx_srv_feed(e, m, rcv), want);
	if (e->nsent == n)
		return -1;
	CU_ASSERT_EQUAL(e->nsent, n + 1);
	return (int)n;
}

/* Branch, sent-by (host, case-insensitively, and port) and method must
 * all match. */
static void test_txn_match_branch_sentby_method(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, TX_REQ(.method = "OPTIONS",
				    .via = "SIP/2.0/UDP Host.Example.COM:5070;branch=z9hG4bKm1"),
			 &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 200, NULL, NULL), 0);
	/* same: absorbed and answered */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "OPTIONS",
			.via = "SIP/2.0/UDP host.example.com:5070;branch=z9hG4bKm1"),
			&rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, 2);
	/* extra Via parameters do not matter */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "OPTIONS",
			.via = "SIP/2.0/UDP host.example.com:5070;rport;branch=z9hG4bKm1"),
			&rcv), TDM_SRV_ABSORBED);
	/* other branch, host, port (or none), method: new */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "OPTIONS",
			.via = "SIP/2.0/UDP host.example.com:5070;branch=z9hG4bKm2"),
			&rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "OPTIONS",
			.via = "SIP/2.0/UDP other.example.com:5070;branch=z9hG4bKm1"),
			&rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "OPTIONS",
			.via = "SIP/2.0/UDP host.example.com:5071;branch=z9hG4bKm1"),
			&rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "OPTIONS",
			.via = "SIP/2.0/UDP host.example.com;branch=z9hG4bKm1"),
			&rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "MESSAGE",
			.via = "SIP/2.0/UDP host.example.com:5070;branch=z9hG4bKm1"),
			&rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL(e.nsent, 3);
	tx_env_free(&e);
}

/* Extension methods match by name. */
static void test_txn_match_extension_method(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, TX_REQ(.method = "FOO", .via = VIA_A), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 501, NULL, NULL), 0);
	CU_ASSERT_EQUAL(feed_sent(&e, TX_REQ(.method = "FOO", .via = VIA_A), &rcv,
				  TDM_SRV_ABSORBED), 1);
	CU_ASSERT_EQUAL(feed_sent(&e, TX_REQ(.method = "BAR", .via = VIA_A), &rcv,
				  TDM_SRV_NEW), -1);
	CU_ASSERT_EQUAL(feed_sent(&e, TX_REQ(.method = "OPTIONS", .via = VIA_A),
				  &rcv, TDM_SRV_NEW), -1);
	tx_env_free(&e);
}

/* The same branch from two sent-by ports is two transactions, each with
 * its own last response. */
static void test_txn_match_two_sentby_ports(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	const char *va = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKsame";
	const char *vb = "SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bKsame";
	struct tdm_srv *a, *b;
	struct tdm_sip_msg *m;
	int i;

	tx_env_init(&e, NULL);
	a = tx_srv_start(&e, TX_REQ(.via = va), &rcv);
	b = tx_srv_start(&e, TX_REQ(.via = vb), &rcv);
	CU_ASSERT_PTR_NOT_EQUAL(a, b);
	CU_ASSERT_EQUAL(tdm_srv_reply(a, 486, NULL, NULL), 0);
	CU_ASSERT_EQUAL(tdm_srv_reply(b, 503, NULL, NULL), 0);
	i = feed_sent(&e, TX_REQ(.via = va), &rcv, TDM_SRV_ABSORBED);
	CU_ASSERT_STRING_EQUAL(tx_sent_line(&e, (unsigned)i), "SIP/2.0 486 Busy Here");
	CU_ASSERT_EQUAL(tdm_addr_port(&e.sent[i].dest.addr), 5070);
	i = feed_sent(&e, TX_REQ(.via = vb), &rcv, TDM_SRV_ABSORBED);
	CU_ASSERT_STRING_EQUAL(tx_sent_line(&e, (unsigned)i),
			       "SIP/2.0 503 Service Unavailable");
	CU_ASSERT_EQUAL(tdm_addr_port(&e.sent[i].dest.addr), 5071);
	m = TX_REQ(.method = "CANCEL", .via = va);
	CU_ASSERT_PTR_EQUAL(tdm_srv_find_invite(e.t, m), a);
	tdm_sip_msg_free(m);
	m = TX_REQ(.method = "CANCEL", .via = vb);
	CU_ASSERT_PTR_EQUAL(tdm_srv_find_invite(e.t, m), b);
	tdm_sip_msg_free(m);
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.nsrv_gone, 2);
}

/* A CANCEL shares the INVITE's branch but is its own transaction (the
 * method differs); tdm_srv_find_invite gives the INVITE for it. */
static void test_txn_match_cancel(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *inv, *can;
	struct tdm_sip_msg *cancel, *other;
	int i;

	tx_env_init(&e, NULL);
	inv = tx_srv_start(&e, TX_REQ(.via = VIA_A), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(inv, 180, NULL, NULL), 0);

	cancel = TX_REQ(.method = "CANCEL", .via = VIA_A);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cancel);
	CU_ASSERT_EQUAL(tdm_srv_match(e.t, cancel, &rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL(e.nsent, 1); /* the 180 was not resent for it */
	CU_ASSERT_PTR_EQUAL(tdm_srv_find_invite(e.t, cancel), inv);
	CU_ASSERT_EQUAL(tdm_srv_new(e.t, cancel, &rcv, &can), 0);
	CU_ASSERT_PTR_NOT_EQUAL(can, inv);
	CU_ASSERT_EQUAL(tdm_srv_reply(can, 200, NULL, NULL), 0);
	CU_ASSERT_EQUAL(tdm_srv_reply(inv, 487, NULL, NULL), 0);

	/* each retransmission gets its own transaction's response */
	i = feed_sent(&e, TX_REQ(.method = "CANCEL", .via = VIA_A), &rcv,
		      TDM_SRV_ABSORBED);
	CU_ASSERT(tx_sent_has(&e, (unsigned)i, "CSeq: 1 CANCEL\r\n"));
	CU_ASSERT_STRING_EQUAL(tx_sent_line(&e, (unsigned)i), "SIP/2.0 200 OK");
	i = feed_sent(&e, TX_REQ(.via = VIA_A), &rcv, TDM_SRV_ABSORBED);
	CU_ASSERT_STRING_EQUAL(tx_sent_line(&e, (unsigned)i),
			       "SIP/2.0 487 Request Terminated");

	/* a CANCEL for an unknown branch / another sent-by: no INVITE */
	other = TX_REQ(.method = "CANCEL",
		       .via = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKm9");
	CU_ASSERT_PTR_NULL(tdm_srv_find_invite(e.t, other));
	tdm_sip_msg_free(other);
	other = TX_REQ(.method = "CANCEL",
		       .via = "SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bKm1");
	CU_ASSERT_PTR_NULL(tdm_srv_find_invite(e.t, other));
	tdm_sip_msg_free(other);
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.nsrv_gone, 2);
}

/* A CANCEL for a non-INVITE transaction finds no INVITE. */
static void test_txn_match_cancel_non_invite(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_sip_msg *cancel;

	tx_env_init(&e, NULL);
	tx_srv_start(&e, TX_REQ(.method = "MESSAGE", .via = VIA_A), &rcv);
	cancel = TX_REQ(.method = "CANCEL", .via = VIA_A);
	CU_ASSERT_PTR_NULL(tdm_srv_find_invite(e.t, cancel));
	CU_ASSERT_EQUAL(tdm_srv_match(e.t, cancel, &rcv), TDM_SRV_NEW);
	tdm_sip_msg_free(cancel);
	tx_env_free(&e);
}

/* ACK matching with the cookie: same branch and sent-by as the INVITE;
 * an ACK before any final response is absorbed without effect. */
static void test_txn_match_ack(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, TX_REQ(.via = VIA_A), &rcv);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "ACK", .via = VIA_A,
					       .to_tag = "x"), &rcv),
			TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 486, NULL, NULL), 0);
	/* the early ACK did not confirm anything: G runs */
	tx_advance(&e, TX_T1);
	CU_ASSERT_EQUAL(e.nsent, 2);
	/* other branch: not ours (the ACK of a 2xx elsewhere) */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "ACK", .to_tag = "x",
			.via = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKm2"), &rcv),
			TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "ACK", .via = VIA_A,
					       .to_tag = "x"), &rcv),
			TDM_SRV_ABSORBED);
	tx_advance(&e, TX_64T1);
	CU_ASSERT_EQUAL(e.nsent, 2);
	tx_env_free(&e);
}

/* RFC 2543 requests (branch without the magic cookie, or no branch):
 * Request-URI, From-tag, Call-ID, CSeq, top Via and To-tag must match;
 * the ACK of a non-2xx carries the To-tag we generated. */
static void test_txn_match_rfc2543(void)
{
	static const char *via = "SIP/2.0/UDP 127.0.0.1:5070;branch=old1";
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;
	struct tdm_sip_msg *cancel;
	struct tdm_str t;
	char tag[64];

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, TX_REQ(.via = via), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 100, NULL, NULL), 0);
	CU_ASSERT_EQUAL(feed_sent(&e, TX_REQ(.via = via), &rcv, TDM_SRV_ABSORBED), 1);
	/* each field matters */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.via = via, .cseq = 2), &rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.via = via, .from_tag = "ft2"), &rcv),
			TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.via = via, .call_id = "c2@127.0.0.1"),
				    &rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.via = via, .ruri = "sip:carol@127.0.0.1"),
				    &rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.via = "SIP/2.0/UDP 127.0.0.1:5070;branch=old2"),
				    &rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.via = via, .to_tag = "zz"), &rcv),
			TDM_SRV_NEW);
	/* a cookie branch never matches an RFC 2543 transaction */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.via = "SIP/2.0/UDP 127.0.0.1:5070;"
						     "branch=z9hG4bKold1"), &rcv),
			TDM_SRV_NEW);
	CU_ASSERT_EQUAL(e.nsent, 2);

	/* CANCEL: its own transaction, but it finds the INVITE */
	cancel = TX_REQ(.method = "CANCEL", .via = via);
	CU_ASSERT_EQUAL(tdm_srv_match(e.t, cancel, &rcv), TDM_SRV_NEW);
	CU_ASSERT_PTR_EQUAL(tdm_srv_find_invite(e.t, cancel), s);
	tdm_sip_msg_free(cancel);

	t = tdm_srv_to_tag(s);
	snprintf(tag, sizeof(tag), "%.*s", TDM_STR_FMT(&t));
	/* ACK before a final: not for this transaction */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "ACK", .via = via,
					       .to_tag = tag), &rcv),
			TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 404, NULL, NULL), 0);
	CU_ASSERT(tx_sent_has(&e, 2, tag));
	/* ACK with another To-tag: not ours */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "ACK", .via = via,
					       .to_tag = "nottag"), &rcv),
			TDM_SRV_NEW);
	/* ACK with ours: absorbed, stops G */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "ACK", .via = via,
					       .to_tag = tag), &rcv),
			TDM_SRV_ABSORBED);
	tx_advance(&e, TX_LINGER - 1);
	CU_ASSERT_EQUAL(e.nsent, 3);
	CU_ASSERT_EQUAL(e.nsrv_gone, 0);
	tx_advance(&e, 1);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
	tx_env_free(&e);
}

/* RFC 2543 without any branch, and a re-INVITE (To-tag in the request):
 * its ACK carries the request's To-tag. */
static void test_txn_match_rfc2543_no_branch_reinvite(void)
{
	static const char *via = "SIP/2.0/UDP 127.0.0.1:5070";
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, TX_REQ(.via = via, .to_tag = "dlg"), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 491, NULL, NULL), 0);
	CU_ASSERT(tx_sent_has(&e, 0, "To: <sip:bob@127.0.0.1>;tag=dlg\r\n"));
	CU_ASSERT_EQUAL(feed_sent(&e, TX_REQ(.via = via, .to_tag = "dlg"), &rcv,
				  TDM_SRV_ABSORBED), 1);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "ACK", .via = via,
					       .to_tag = "dlg"), &rcv),
			TDM_SRV_ABSORBED);
	tx_advance(&e, TX_T1 * 4);
	CU_ASSERT_EQUAL(e.nsent, 2); /* G stopped */
	tx_env_free(&e);
}

/* RFC 2543: the ACK of a forwarded non-2xx carries the downstream UAS's
 * To-tag, not one of ours. */
static void test_txn_match_rfc2543_forwarded_final(void)
{
	static const char *via = "SIP/2.0/UDP 127.0.0.1:5070;branch=old3";
	static const char resp[] =
		"SIP/2.0 486 Busy Here\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=old3\r\n"
		"From: <sip:alice@127.0.0.1>;tag=ft1\r\n"
		"To: <sip:bob@127.0.0.1>;tag=downstream-uas-tag-longer-than-20\r\n"
		"Call-ID: c1@127.0.0.1\r\n"
		"CSeq: 1 INVITE\r\n"
		"Content-Length: 0\r\n\r\n";
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, TX_REQ(.via = via), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_send_reply(s, 486, resp, sizeof(resp) - 1), 0);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "ACK", .via = via,
					       .to_tag = "other"), &rcv),
			TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "ACK", .via = via,
					       .to_tag = "downstream-uas-tag-longer-than-20"),
				    &rcv), TDM_SRV_ABSORBED);
	tx_advance(&e, TX_T1 * 8);
	CU_ASSERT_EQUAL(e.nsent, 1); /* G stopped */
	tx_env_free(&e);
}

/* max_server: the transaction after the limit is refused with -EBUSY
 * (the request stays the caller's); room again once one ends. */
static void test_txn_match_max_server(void)
{
	struct tdm_txn_cfg cfg = tx_cfg();
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *a, *b, *c = NULL;
	struct tdm_sip_msg *m;

	cfg.max_server = 2;
	tx_env_init(&e, &cfg);
	a = tx_srv_start(&e, TX_REQ(.method = "OPTIONS", .via = VIA_A), &rcv);
	b = tx_srv_start(&e, TX_REQ(.via = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKm2"),
			 &rcv);
	CU_ASSERT_PTR_NOT_NULL(b);
	m = TX_REQ(.via = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKm3");
	CU_ASSERT_EQUAL(tdm_srv_match(e.t, m, &rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tdm_srv_new(e.t, m, &rcv, &c), -EBUSY);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_EQUAL(tdm_srv_reply(a, 200, NULL, NULL), 0);
	tx_advance(&e, TX_LINGER);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
	CU_ASSERT_EQUAL(tdm_srv_new(e.t, m, &rcv, &c), 0);
	CU_ASSERT_PTR_NOT_NULL(c);
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.nsrv_gone, 3);
}

TDM_TEST_SUITE(txn_match,
	       TDM_TEST(test_txn_match_branch_sentby_method),
	       TDM_TEST(test_txn_match_extension_method),
	       TDM_TEST(test_txn_match_two_sentby_ports),
	       TDM_TEST(test_txn_match_cancel),
	       TDM_TEST(test_txn_match_cancel_non_invite),
	       TDM_TEST(test_txn_match_ack),
	       TDM_TEST(test_txn_match_rfc2543),
	       TDM_TEST(test_txn_match_rfc2543_no_branch_reinvite),
	       TDM_TEST(test_txn_match_rfc2543_forwarded_final),
	       TDM_TEST(test_txn_match_max_server))
