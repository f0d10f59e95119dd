/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests for core/txn/server.c: the INVITE and non-INVITE server
 * transaction state machines of RFC 3261 §17.2 (and RFC 6026's Accepted
 * state), driven by hand: requests are parsed from text, responses are
 * recorded by a fake send function, time moves only when the test
 * advances the loop's timer wheel. */
#include <errno.h>
#include <string.h>
#include <tandem/addr.h>
#include "test.h"
#include "txn_fixture.h"

#define SRC "127.0.0.1:40000"
#define VIA_UDP "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKsrv1"
#define VIA_TCP "SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bKsrv1"

static struct tdm_sip_msg *invite(const char *via)
{
	return TX_REQ(.method = "INVITE", .via = via);
}

/* The ACK of a non-2xx final response from transaction s (§17.1.1.3). */
static struct tdm_sip_msg *ack_for(struct tdm_srv *s, const char *via)
{
	char tag[64];
	struct tdm_str t = tdm_srv_to_tag(s);

	snprintf(tag, sizeof(tag), "%.*s", TDM_STR_FMT(&t));
	return TX_REQ(.method = "ACK", .via = via, .to_tag = tag);
}

static unsigned srv_count(struct tx_env *e)
{
	struct tdm_txn_stats st;

	tdm_txns_stats(e->t, &st);
	return (unsigned)st.server;
}

/* Retransmitted INVITEs are absorbed: nothing before the first response,
 * then the last response sent (100, then 180), byte for byte. */
static void test_txn_srv_invite_retransmission(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;
	struct tdm_txn_stats st;
	struct tdm_str tag;
	char want[80];

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, invite(VIA_UDP), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_status(s), 0);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, invite(VIA_UDP), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, 0);

	CU_ASSERT_EQUAL(tdm_srv_reply(s, 100, NULL, NULL), 0);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_STRING_EQUAL(tx_sent_line(&e, 0), "SIP/2.0 100 Trying");
	/* 100: no To-tag */
	CU_ASSERT(tx_sent_has(&e, 0, "\r\nTo: <sip:bob@127.0.0.1>\r\n"));
	CU_ASSERT_EQUAL(e.sent[0].cookie, 0);
	/* no rport: back to the source IP, sent-by port (§18.2.2) */
	CU_ASSERT_EQUAL(e.sent[0].dest.proto, TDM_PROTO_UDP);
	CU_ASSERT_EQUAL(tdm_addr_port(&e.sent[0].dest.addr), 5070);
	CU_ASSERT_EQUAL(tdm_srv_status(s), 100);

	CU_ASSERT_EQUAL(tx_srv_feed(&e, invite(VIA_UDP), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, 2);
	CU_ASSERT(tx_sent_same(&e, 0, 1));

	CU_ASSERT_EQUAL(tdm_srv_reply(s, 180, NULL, NULL), 0);
	CU_ASSERT_EQUAL(e.nsent, 3);
	CU_ASSERT_STRING_EQUAL(tx_sent_line(&e, 2), "SIP/2.0 180 Ringing");
	tag = tdm_srv_to_tag(s);
	CU_ASSERT(tag.len > 0);
	snprintf(want, sizeof(want), "To: <sip:bob@127.0.0.1>;tag=%.*s\r\n",
		 TDM_STR_FMT(&tag));
	CU_ASSERT(tx_sent_has(&e, 2, want));
	CU_ASSERT_EQUAL(tx_srv_feed(&e, invite(VIA_UDP), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, 4);
	CU_ASSERT(tx_sent_same(&e, 2, 3));
	CU_ASSERT_EQUAL(tdm_srv_status(s), 180);

	/* a provisional does not start any retransmission */
	tx_advance(&e, 10 * TX_64T1);
	CU_ASSERT_EQUAL(e.nsent, 4);
	CU_ASSERT_EQUAL(e.nsrv_gone, 0);

	tdm_txns_stats(e.t, &st);
	CU_ASSERT_EQUAL(st.absorbed, 3);
	CU_ASSERT_EQUAL(st.retransmitted, 2);
	CU_ASSERT_EQUAL(st.server, 1);
	CU_ASSERT_EQUAL(st.server_total, 1);
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
	CU_ASSERT_PTR_EQUAL(e.srv_gone[0], s);
}

/* A final non-2xx over UDP is retransmitted by Timer G: T1, 2T1, 4T1,
 * then T2, until Timer H (64*T1) ends the transaction without an ACK. */
static void test_txn_srv_invite_timer_g_h_udp(void)
{
	/* retransmission times after the 486, ms: intervals 500, 1000, 2000,
	 * then 4000 (T2) */
	static const unsigned at[] = { 500, 1500, 3500, 7500, 11500, 15500,
				       19500, 23500, 27500, 31500 };
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;
	unsigned now = 0;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, invite(VIA_UDP), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 486, NULL, NULL), 0);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_STRING_EQUAL(tx_sent_line(&e, 0), "SIP/2.0 486 Busy Here");
	for (unsigned i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		tx_advance(&e, at[i] - now - 1);
		CU_ASSERT_EQUAL(e.nsent, 1 + i);
		tx_advance(&e, 1);
		CU_ASSERT_EQUAL(e.nsent, 2 + i);
		CU_ASSERT(tx_sent_same(&e, 0, 1 + i));
		now = at[i];
	}
	/* Timer H */
	tx_advance(&e, TX_64T1 - now - 1);
	CU_ASSERT_EQUAL(e.nsrv_gone, 0);
	CU_ASSERT_EQUAL(srv_count(&e), 1);
	tx_advance(&e, 1);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
	CU_ASSERT_PTR_EQUAL(e.srv_gone[0], s);
	CU_ASSERT_EQUAL(srv_count(&e), 0);
	CU_ASSERT_EQUAL(e.nsent, 11);
	tx_advance(&e, 100000);
	CU_ASSERT_EQUAL(e.nsent, 11);
	/* gone: a late ACK is not ours any more, the INVITE is new */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "ACK", .via = VIA_UDP,
					       .to_tag = "x"), &rcv), TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, invite(VIA_UDP), &rcv), TDM_SRV_NEW);
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
}

/* Over TCP the final response is not retransmitted; Timer H still ends
 * the transaction at 64*T1. The response goes on the request's
 * connection. */
static void test_txn_srv_invite_timer_h_tcp(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_TCP, SRC, 77);
	struct tdm_srv *s;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, invite(VIA_TCP), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 603, NULL, NULL), 0);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_EQUAL(e.sent[0].dest.proto, TDM_PROTO_TCP);
	CU_ASSERT_EQUAL(e.sent[0].dest.conn_id, 77);
	CU_ASSERT_EQUAL(tdm_addr_port(&e.sent[0].dest.addr), 40000);
	tx_advance(&e, TX_64T1 - 1);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_EQUAL(e.nsrv_gone, 0);
	/* a retransmitted INVITE still gets the final */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, invite(VIA_TCP), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, 2);
	CU_ASSERT(tx_sent_same(&e, 0, 1));
	tx_advance(&e, 1);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
	CU_ASSERT_EQUAL(e.nsent, 2);
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
}

/* The ACK stops Timer G and is absorbed, as are its retransmissions;
 * Timer I (the linger over UDP) then ends the transaction. Before the
 * ACK an INVITE retransmission gets the final again. */
static void test_txn_srv_invite_ack_udp(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;
	struct tdm_txn_stats st;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, invite(VIA_UDP), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 100, NULL, NULL), 0);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 404, NULL, NULL), 0);
	CU_ASSERT_EQUAL(e.nsent, 2);
	tx_advance(&e, TX_T1);
	CU_ASSERT_EQUAL(e.nsent, 3); /* G once */
	CU_ASSERT(tx_sent_same(&e, 1, 2));
	CU_ASSERT_EQUAL(tx_srv_feed(&e, invite(VIA_UDP), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, 4);
	CU_ASSERT_STRING_EQUAL(tx_sent_line(&e, 3), "SIP/2.0 404 Not Found");

	/* an ACK from elsewhere (other sent-by) is not ours */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, ack_for(s, "SIP/2.0/UDP 127.0.0.1:5071;"
					       "branch=z9hG4bKsrv1"), &rcv),
			TDM_SRV_NEW);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, ack_for(s, VIA_UDP), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, 4);
	tx_advance(&e, TX_LINGER - 1);
	CU_ASSERT_EQUAL(e.nsent, 4); /* G stopped */
	CU_ASSERT_EQUAL(e.nsrv_gone, 0);
	/* Confirmed: further ACKs absorbed */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, ack_for(s, VIA_UDP), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, 4);
	tx_advance(&e, 1); /* Timer I */
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
	CU_ASSERT_EQUAL(e.nsent, 4);
	tdm_txns_stats(e.t, &st);
	CU_ASSERT_EQUAL(st.absorbed, 3);
	CU_ASSERT_EQUAL(st.server, 0);
	tx_env_free(&e);
}

/* Over TCP the ACK ends the transaction at once (Timer I = 0). */
static void test_txn_srv_invite_ack_tcp(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_TCP, SRC, 5);
	struct tdm_srv *s;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, invite(VIA_TCP), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 480, NULL, NULL), 0);
	tx_advance(&e, 1000);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, ack_for(s, VIA_TCP), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsrv_gone, 0);
	tx_advance(&e, 1);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
	tx_env_free(&e);
}

/* A 2xx moves the INVITE transaction to Accepted (RFC 6026): more 2xx
 * (other forks) are still sent, anything else is refused, INVITE
 * retransmissions are absorbed, an ACK is the TU's (end to end), and
 * the transaction is freed after the linger. */
static void test_txn_srv_invite_accepted(void)
{
	static const char ok2[] = "SIP/2.0 200 OK\r\nX-Fork: 2\r\n\r\n";
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;
	unsigned n;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, invite(VIA_UDP), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 180, NULL, NULL), 0);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 200, NULL, NULL), 0);
	CU_ASSERT_EQUAL(e.nsent, 2);
	CU_ASSERT_STRING_EQUAL(tx_sent_line(&e, 1), "SIP/2.0 200 OK");
	CU_ASSERT_EQUAL(tdm_srv_status(s), 200);
	/* no Timer G for a 2xx (retransmitting it is the UAS core's job) */
	tx_advance(&e, TX_T1 * 8);
	CU_ASSERT_EQUAL(e.nsent, 2);

	/* a 2xx from another fork is sent */
	CU_ASSERT_EQUAL(tdm_srv_send_reply(s, 200, ok2, sizeof(ok2) - 1), 0);
	CU_ASSERT_EQUAL(e.nsent, 3);
	CU_ASSERT(tx_sent_has(&e, 2, "X-Fork: 2"));
	CU_ASSERT_EQUAL(tdm_srv_send_reply(s, 202, ok2, sizeof(ok2) - 1), 0);
	CU_ASSERT_EQUAL(e.nsent, 4);
	/* anything but a 2xx is refused */
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 486, NULL, NULL), -EALREADY);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 183, NULL, NULL), -EALREADY);
	CU_ASSERT_EQUAL(e.nsent, 4);
	CU_ASSERT_EQUAL(tdm_srv_status(s), 200);

	/* INVITE retransmission: absorbed silently (RFC 6026 §7.1: the
	 * UAS retransmits its 2xx, not the proxy) */
	n = e.nsent;
	CU_ASSERT_EQUAL(tx_srv_feed(&e, invite(VIA_UDP), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, n);
	/* the ACK of a 2xx is end to end: new, for the TU */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "ACK", .to_tag = "uas",
					       .via = "SIP/2.0/UDP 127.0.0.1:5070;"
						      "branch=z9hG4bKack2"), &rcv),
			TDM_SRV_NEW);
	/* even one reusing the INVITE's branch */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "ACK", .to_tag = "uas",
					       .via = VIA_UDP), &rcv),
			TDM_SRV_NEW);

	/* the linger started with the first 2xx, 8*T1 ago */
	tx_advance(&e, TX_LINGER - 8 * TX_T1 - 1);
	CU_ASSERT_EQUAL(e.nsrv_gone, 0);
	tx_advance(&e, 1);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
	CU_ASSERT_EQUAL(srv_count(&e), 0);
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
}

/* Accepted over TCP: the transaction must still be there for the 2xx of
 * other forks (RFC 6026 §7.1: Timer L runs for all transports). */
static void test_txn_srv_invite_accepted_tcp(void)
{
	static const char ok2[] = "SIP/2.0 200 OK\r\nX-Fork: 2\r\n\r\n";
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_TCP, SRC, 9);
	struct tdm_srv *s;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, invite(VIA_TCP), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 200, NULL, NULL), 0);
	tx_advance(&e, 1000);
	CU_ASSERT_EQUAL_FATAL(e.nsrv_gone, 0);
	CU_ASSERT_EQUAL(tdm_srv_send_reply(s, 200, ok2, sizeof(ok2) - 1), 0);
	CU_ASSERT_EQUAL(e.nsent, 2);
	CU_ASSERT_EQUAL(e.sent[1].dest.conn_id, 9);
	tx_advance(&e, 100000);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
	tx_env_free(&e);
}

/* Only one final response: a second one is refused with -EALREADY and
 * not sent, whatever its class; so is a late provisional. */
static void test_txn_srv_invite_second_final(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, invite(VIA_UDP), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 486, NULL, NULL), 0);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 500, NULL, NULL), -EALREADY);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 200, NULL, NULL), -EALREADY);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 180, NULL, NULL), -EALREADY);
	CU_ASSERT_EQUAL(tdm_srv_send_reply(s, 200, "x", 1), -EALREADY);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_EQUAL(tdm_srv_status(s), 486);
	/* Timer G still resends the 486 */
	tx_advance(&e, TX_T1);
	CU_ASSERT_EQUAL(e.nsent, 2);
	CU_ASSERT(tx_sent_same(&e, 0, 1));
	tx_env_free(&e);
}

/* Non-INVITE over UDP: Trying absorbs silently, Proceeding answers with
 * the provisional, Completed with the final; the final is never
 * retransmitted on its own; Timer J ends it after the linger. */
static void test_txn_srv_non_invite_udp(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;

#define BYE() TX_REQ(.method = "BYE", .via = VIA_UDP, .to_tag = "tt", .cseq = 2)
	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, BYE(), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_status(s), 0);
	/* Trying */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, BYE(), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, 0);
	/* Proceeding */
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 100, NULL, NULL), 0);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, BYE(), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, 2);
	CU_ASSERT(tx_sent_same(&e, 0, 1));
	/* Completed; the request's To-tag is kept */
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 200, NULL, NULL), 0);
	CU_ASSERT_EQUAL(e.nsent, 3);
	CU_ASSERT_STRING_EQUAL(tx_sent_line(&e, 2), "SIP/2.0 200 OK");
	CU_ASSERT(tx_sent_has(&e, 2, "To: <sip:bob@127.0.0.1>;tag=tt\r\n"));
	CU_ASSERT(tx_sent_has(&e, 2, "CSeq: 2 BYE\r\n"));
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 500, NULL, NULL), -EALREADY);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 100, NULL, NULL), -EALREADY);
	CU_ASSERT_EQUAL(e.nsent, 3);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, BYE(), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, 4);
	CU_ASSERT(tx_sent_same(&e, 2, 3));
	/* Timer J */
	tx_advance(&e, TX_LINGER - 1);
	CU_ASSERT_EQUAL(e.nsent, 4);
	CU_ASSERT_EQUAL(e.nsrv_gone, 0);
	tx_advance(&e, 1);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
	CU_ASSERT_EQUAL(e.nsent, 4);
	/* terminated: the next copy is a new request */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, BYE(), &rcv), TDM_SRV_NEW);
	tx_env_free(&e);
#undef BYE
}

/* Non-INVITE over TCP: Timer J is 0, the transaction ends at the next
 * tick after the final. A final straight from Trying works too. */
static void test_txn_srv_non_invite_tcp(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_TCP, SRC, 12);
	struct tdm_srv *s;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, TX_REQ(.method = "OPTIONS", .via = VIA_TCP), &rcv);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 200, NULL, NULL), 0);
	CU_ASSERT_EQUAL(e.nsent, 1);
	CU_ASSERT_EQUAL(e.sent[0].dest.conn_id, 12);
	CU_ASSERT_EQUAL(e.nsrv_gone, 0);
	tx_advance(&e, 1);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
	CU_ASSERT_EQUAL(e.nsent, 1);
	tx_env_free(&e);
}

/* Generated responses: reason, extra header lines, our To-tag on every
 * response but 100, Via/From/Call-ID/CSeq copied. */
static void test_txn_srv_reply_generated(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;
	struct tdm_sip_msg *m;
	struct tdm_str tag, reason = TDM_STR("Go Away");
	struct tdm_str extra = TDM_STR("Retry-After: 30\r\n");

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, TX_REQ(.method = "INVITE", .cseq = 7,
				    .via = VIA_UDP ";rport"), &rcv);
	tag = tdm_srv_to_tag(s);
	CU_ASSERT(tag.len > 0 && tag.len < 20);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 503, &reason, &extra), 0);
	CU_ASSERT_STRING_EQUAL(tx_sent_line(&e, 0), "SIP/2.0 503 Go Away");
	CU_ASSERT(tx_sent_has(&e, 0, "Retry-After: 30\r\n"));
	/* rport: back to the source port (RFC 3581) */
	CU_ASSERT_EQUAL(tdm_addr_port(&e.sent[0].dest.addr), 40000);
	m = tx_sent_msg(&e, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(tdm_str_eq(&m->to_tag, &tag));
	TDM_ASSERT_STR(m->call_id, "c1@127.0.0.1");
	TDM_ASSERT_STR(m->from_tag, "ft1");
	CU_ASSERT_EQUAL(m->cseq.num, 7);
	CU_ASSERT_EQUAL(m->cseq.method, TDM_SIP_INVITE);
	TDM_ASSERT_STR(m->via1.branch, "z9hG4bKsrv1");
	tdm_sip_msg_free(m);
	/* the tag is stable */
	CU_ASSERT(tdm_str_eq(&tag, &(struct tdm_str){ tdm_srv_to_tag(s).s,
						     tdm_srv_to_tag(s).len }));
	tx_env_free(&e);
}

/* Two transactions get different To-tags. */
static void test_txn_srv_to_tags_differ(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *a, *b;
	struct tdm_str ta, tb;

	tx_env_init(&e, NULL);
	a = tx_srv_start(&e, invite(VIA_UDP), &rcv);
	b = tx_srv_start(&e, invite("SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKsrv2"),
			 &rcv);
	ta = tdm_srv_to_tag(a);
	tb = tdm_srv_to_tag(b);
	CU_ASSERT_FALSE(tdm_str_eq(&ta, &tb));
	tx_env_free(&e);
	CU_ASSERT_EQUAL(e.nsrv_gone, 2);
}

/* Accessors, and a send error is returned to the caller. */
static void test_txn_srv_accessors_send_error(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_TCP, SRC, 3);
	struct tdm_sip_msg *req = invite(VIA_TCP);
	struct tdm_srv *s;
	int x;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, req, &rcv);
	CU_ASSERT_PTR_EQUAL(tdm_srv_request(s), req);
	CU_ASSERT_EQUAL(tdm_srv_rcv(s)->proto, TDM_PROTO_TCP);
	CU_ASSERT_EQUAL(tdm_srv_rcv(s)->conn_id, 3);
	CU_ASSERT_PTR_NULL(tdm_srv_user(s));
	tdm_srv_set_user(s, &x);
	CU_ASSERT_PTR_EQUAL(tdm_srv_user(s), &x);
	e.send_rc = -ENOBUFS;
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 180, NULL, NULL), -ENOBUFS);
	tx_env_free(&e);
}

/* Once answered, a server transaction lets its request go (the user
 * hears it first) and keeps matching and retransmitting from its own
 * copy of the key; it no longer counts as active. */
static void test_txn_srv_compact(void)
{
	struct tx_env e;
	struct tdm_rcv rcv = tx_rcv(TDM_PROTO_UDP, SRC, 0);
	struct tdm_srv *s;
	struct tdm_txn_stats st;

	tx_env_init(&e, NULL);
	s = tx_srv_start(&e, invite(VIA_UDP), &rcv);
	tdm_txns_stats(e.t, &st);
	CU_ASSERT_EQUAL(st.active, 1);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 180, NULL, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(tdm_srv_request(s));
	CU_ASSERT_EQUAL(e.nsrv_req_gone, 0);
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 486, NULL, NULL), 0);
	CU_ASSERT_EQUAL(e.nsrv_req_gone, 1);
	CU_ASSERT_PTR_EQUAL(e.srv_req_gone[0], s);
	CU_ASSERT_PTR_NULL(tdm_srv_request(s));
	tdm_txns_stats(e.t, &st);
	CU_ASSERT_EQUAL(st.active, 0);
	CU_ASSERT_EQUAL(st.server, 1);
	/* still matched, from the key */
	CU_ASSERT_EQUAL(tx_srv_feed(&e, invite(VIA_UDP), &rcv), TDM_SRV_ABSORBED);
	CU_ASSERT_EQUAL(e.nsent, 3);
	CU_ASSERT(tx_sent_same(&e, 1, 2));
	CU_ASSERT_EQUAL(tx_srv_feed(&e, TX_REQ(.method = "CANCEL", .via = VIA_UDP),
				    &rcv), TDM_SRV_NEW);
	/* a generated response needs the request: refused, not a crash */
	CU_ASSERT_EQUAL(tdm_srv_reply(s, 500, NULL, NULL), -EALREADY);
	CU_ASSERT_EQUAL(tx_srv_feed(&e, ack_for(s, VIA_UDP), &rcv), TDM_SRV_ABSORBED);
	tx_advance(&e, TX_LINGER);
	CU_ASSERT_EQUAL(e.nsrv_gone, 1);
	CU_ASSERT_EQUAL(e.nsent, 3);
	CU_ASSERT_EQUAL(e.nsrv_req_gone, 1);
	tx_env_free(&e);
}

TDM_TEST_SUITE(txn_server,
	       TDM_TEST(test_txn_srv_invite_retransmission),
	       TDM_TEST(test_txn_srv_invite_timer_g_h_udp),
	       TDM_TEST(test_txn_srv_invite_timer_h_tcp),
	       TDM_TEST(test_txn_srv_invite_ack_udp),
	       TDM_TEST(test_txn_srv_invite_ack_tcp),
	       TDM_TEST(test_txn_srv_invite_accepted),
	       TDM_TEST(test_txn_srv_invite_accepted_tcp),
	       TDM_TEST(test_txn_srv_invite_second_final),
	       TDM_TEST(test_txn_srv_non_invite_udp),
	       TDM_TEST(test_txn_srv_non_invite_tcp),
	       TDM_TEST(test_txn_srv_reply_generated),
	       TDM_TEST(test_txn_srv_to_tags_differ),
	       TDM_TEST(test_txn_srv_accessors_send_error),
	       TDM_TEST(test_txn_srv_compact))
