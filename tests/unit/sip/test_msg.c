/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of core/sip/msg.c and validate.c: the caching accessors (Via
 * list, Contact, Route/Record-Route/Path, Expires, Event, Content-Type,
 * token lists, name-addr forms) and tdm_sip_msg_parse_all. */
#include <errno.h>
#include <string.h>
#include <tandem/sip.h>
#include "test.h"

#define HDRS_MIN                                                        \
	"Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds8\r\n"   \
	"To: Bob <sip:bob@example.com>\r\n"                             \
	"From: Alice <sip:alice@example.com>;tag=1928301774\r\n"        \
	"Call-ID: a84b4c76e66710\r\n"

static struct tdm_sip_msg *parse_ok(const char *s)
{
	struct tdm_sip_msg *m = NULL;
	struct tdm_sip_error err = { 0, NULL };
	int rc = tdm_sip_msg_parse(&m, NULL, s, strlen(s), NULL, &err);

	if (rc)
		fprintf(stderr, "parse: %d at %u: %s\n", rc, err.offset, err.reason);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return m;
}

static void test_sip_msg_register_contacts(void)
{
	struct tdm_sip_msg *m = parse_ok(
		"REGISTER sip:example.com SIP/2.0\r\n" HDRS_MIN
		"CSeq: 2 REGISTER\r\n"
		"Contact: <sip:alice@192.0.2.4:5060;transport=tcp>;q=0.7;expires=3600;"
		"+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1,"
		" \"Alice, Mobile\" <sip:alice@198.51.100.7>;q=1\r\n"
		"m: sip:alice@203.0.113.1;expires=0\r\n"
		"Expires: 7200\r\n\r\n");
	const struct tdm_sip_contacts *cs;
	const struct tdm_sip_contact *c;
	uint32_t exp;

	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_contacts(m, &cs), 0);
	CU_ASSERT_FALSE(cs->star);
	CU_ASSERT_EQUAL(cs->count, 3);
	c = cs->list;
	TDM_ASSERT_STR(c->addr.uri, "sip:alice@192.0.2.4:5060;transport=tcp");
	CU_ASSERT_EQUAL(c->q, 700);
	CU_ASSERT_EQUAL(c->expires, 3600);
	TDM_ASSERT_STR(c->instance, "urn:uuid:00000000-0000-1000-8000-000A95A0E128");
	CU_ASSERT_EQUAL(c->reg_id, 1);
	c = c->next;
	TDM_ASSERT_STR(c->addr.display, "Alice, Mobile");
	CU_ASSERT_EQUAL(c->q, 1000);
	CU_ASSERT_EQUAL(c->expires, -1);
	c = c->next;
	TDM_ASSERT_STR(c->addr.uri, "sip:alice@203.0.113.1");
	CU_ASSERT_FALSE(c->addr.angle);
	CU_ASSERT_EQUAL(c->expires, 0);
	CU_ASSERT_EQUAL(c->q, -1);
	CU_ASSERT_PTR_NULL(c->next);
	/* second call: the cached list */
	{
		const struct tdm_sip_contacts *again;
		CU_ASSERT_EQUAL(tdm_sip_msg_contacts(m, &again), 0);
		CU_ASSERT_PTR_EQUAL(again, cs);
	}
	CU_ASSERT_EQUAL(tdm_sip_msg_expires(m, &exp), 0);
	CU_ASSERT_EQUAL(exp, 7200);
	CU_ASSERT_EQUAL(tdm_sip_msg_parse_all(m, NULL), 0);
	tdm_sip_msg_free(m);
}

static void test_sip_msg_contact_star(void)
{
	struct tdm_sip_msg *m = parse_ok(
		"REGISTER sip:example.com SIP/2.0\r\n" HDRS_MIN
		"CSeq: 2 REGISTER\r\nContact: *\r\nExpires: 0\r\n\r\n");
	const struct tdm_sip_contacts *cs;

	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_contacts(m, &cs), 0);
	CU_ASSERT_TRUE(cs->star);
	CU_ASSERT_EQUAL(cs->count, 0);
	tdm_sip_msg_free(m);

	m = parse_ok("REGISTER sip:example.com SIP/2.0\r\n" HDRS_MIN
		     "CSeq: 2 REGISTER\r\nContact: *, <sip:a@b>\r\n\r\n");
	CU_ASSERT_EQUAL(tdm_sip_msg_contacts(m, &cs), -EBADMSG);
	CU_ASSERT_EQUAL(tdm_sip_msg_contacts(m, &cs), -EBADMSG); /* cached */
	tdm_sip_msg_free(m);

	m = parse_ok("REGISTER sip:example.com SIP/2.0\r\n" HDRS_MIN
		     "CSeq: 2 REGISTER\r\n\r\n");
	CU_ASSERT_EQUAL(tdm_sip_msg_contacts(m, &cs), -ENOENT);
	tdm_sip_msg_free(m);
}

static void test_sip_msg_bad_contacts(void)
{
	static const char *const bad[] = {
		"Contact: <sip:a@b>;q=1.5\r\n",
		"Contact: <sip:a@b>;q=0.1234\r\n",
		"Contact: <sip:a@b>;expires=abc\r\n",
		"Contact: <sip:a@b>;reg-id=0\r\n",
		"Contact: <sip:a@b\r\n",
		"Contact: \"unterminated <sip:a@b>\r\n",
		"Contact: <sip:a@b> junk\r\n",
		"Contact: \r\n",
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(bad); i++) {
		char buf[512];
		struct tdm_sip_msg *m;
		const struct tdm_sip_contacts *cs;
		struct tdm_sip_error err = { 0, NULL };
		snprintf(buf, sizeof(buf), "REGISTER sip:example.com SIP/2.0\r\n"
			 HDRS_MIN "CSeq: 2 REGISTER\r\n%s\r\n", bad[i]);
		m = parse_ok(buf);
		if (tdm_sip_msg_contacts(m, &cs) != -EBADMSG)
			fprintf(stderr, "contact case %zu accepted\n", i);
		CU_ASSERT_EQUAL(tdm_sip_msg_contacts(m, &cs), -EBADMSG);
		CU_ASSERT_EQUAL(tdm_sip_msg_parse_all(m, &err), -EBADMSG);
		CU_ASSERT_STRING_EQUAL(err.reason, "malformed Contact header");
		CU_ASSERT_EQUAL(strncmp(buf + err.offset, "Contact", 7), 0);
		tdm_sip_msg_free(m);
	}
}

static void test_sip_msg_vias(void)
{
	struct tdm_sip_msg *m = parse_ok(
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, SIP / 2.0 / TCP p2.example.com:5061;branch=z9hG4bK2;received=10.0.0.1\r\n"
		"To: <sip:b@c>;tag=x\r\nFrom: <sip:a@c>;tag=y\r\nCall-ID: c\r\nCSeq: 5 BYE\r\n"
		"Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK3;rport=5555\r\n\r\n");
	const struct tdm_sip_via *v;

	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_vias(m, &v), 0);
	TDM_ASSERT_STR(v->host, "p1.example.com");
	v = v->next;
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	TDM_ASSERT_STR(v->transport, "TCP");
	CU_ASSERT_EQUAL(v->port, 5061);
	TDM_ASSERT_STR(v->received, "10.0.0.1");
	v = v->next;
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	TDM_ASSERT_STR(v->transport, "WSS");
	CU_ASSERT_EQUAL(v->rport, 5555);
	CU_ASSERT_PTR_NULL(v->next);
	CU_ASSERT_EQUAL(m->method, TDM_SIP_BYE);
	tdm_sip_msg_free(m);
}

static void test_sip_msg_routes(void)
{
	struct tdm_sip_msg *m = parse_ok(
		"INVITE sip:b@example.com SIP/2.0\r\n" HDRS_MIN "CSeq: 1 INVITE\r\n"
		"Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
		"Record-Route: <sip:rr.example.com;lr;ftag=1>;x=y\r\n"
		"Route: <sip:p3.example.com;lr>\r\n"
		"Path: sip:bad.example.com\r\n\r\n");
	const struct tdm_sip_addr_list *r;

	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_routes(m, TDM_HDR_ROUTE, &r), 0);
	TDM_ASSERT_STR(r->addr.uri, "sip:p1.example.com;lr");
	TDM_ASSERT_STR(r->next->addr.uri, "sip:p2.example.com;lr");
	TDM_ASSERT_STR(r->next->next->addr.uri, "sip:p3.example.com;lr");
	CU_ASSERT_PTR_NULL(r->next->next->next);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_routes(m, TDM_HDR_RECORD_ROUTE, &r), 0);
	TDM_ASSERT_STR(r->addr.params, "x=y");
	/* rec-route needs name-addr form */
	CU_ASSERT_EQUAL(tdm_sip_msg_routes(m, TDM_HDR_PATH, &r), -EBADMSG);
	CU_ASSERT_EQUAL(tdm_sip_msg_routes(m, TDM_HDR_VIA, &r), -EINVAL);
	tdm_sip_msg_free(m);
}

static void test_sip_msg_event_ctype_tokens(void)
{
	struct tdm_sip_msg *m = parse_ok(
		"SUBSCRIBE sip:b@example.com SIP/2.0\r\n" HDRS_MIN "CSeq: 1 SUBSCRIBE\r\n"
		"o: presence.winfo;id=77\r\n"
		"Content-Type: application/pidf+xml;charset=UTF-8\r\n"
		"Supported: path, outbound\r\nk: gruu\r\n"
		"Allow: INVITE,ACK , BYE\r\n"
		"Require:\r\n"
		"Accept: application/sdp;level=1, text/plain\r\n"
		"User-Agent: Tandem test/1.0 (unit)\r\n"
		"Content-Length: 0\r\n\r\n");
	const struct tdm_sip_event *e;
	const struct tdm_sip_ctype *ct;
	const struct tdm_sip_tokens *t;
	struct tdm_str ua;

	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_event(m, &e), 0);
	TDM_ASSERT_STR(e->package, "presence.winfo");
	TDM_ASSERT_STR(e->id, "77");
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_ctype(m, &ct), 0);
	TDM_ASSERT_STR(ct->type, "application");
	TDM_ASSERT_STR(ct->subtype, "pidf+xml");
	TDM_ASSERT_STR(ct->params, "charset=UTF-8");
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_tokens(m, TDM_HDR_SUPPORTED, &t), 0);
	CU_ASSERT_EQUAL_FATAL(t->count, 3);
	TDM_ASSERT_STR(t->v[0], "path");
	TDM_ASSERT_STR(t->v[1], "outbound");
	TDM_ASSERT_STR(t->v[2], "gruu");
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_tokens(m, TDM_HDR_ALLOW, &t), 0);
	CU_ASSERT_EQUAL(t->count, 3);
	TDM_ASSERT_STR(t->v[1], "ACK");
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_tokens(m, TDM_HDR_ACCEPT, &t), 0);
	CU_ASSERT_EQUAL(t->count, 2);
	TDM_ASSERT_STR(t->v[0], "application/sdp;level=1");
	CU_ASSERT_EQUAL(tdm_sip_msg_tokens(m, TDM_HDR_UNSUPPORTED, &t), -ENOENT);
	CU_ASSERT_EQUAL(tdm_sip_msg_value(m, TDM_HDR_USER_AGENT, &ua), 0);
	TDM_ASSERT_STR(ua, "Tandem test/1.0 (unit)");
	CU_ASSERT_EQUAL(tdm_sip_msg_parse_all(m, NULL), 0);
	tdm_sip_msg_free(m);
}

static void test_sip_msg_bad_lazy_headers(void)
{
	/* HDRS_MIN without its Call-ID, so a bad one can be put in */
	static const char base[] =
		"Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds8\r\n"
		"To: Bob <sip:bob@example.com>\r\n"
		"From: Alice <sip:alice@example.com>;tag=1928301774\r\n";
	static const struct { const char *hdr; const char *reason; } bad[] = {
		{ "Expires: soon\r\n", "malformed Expires header" },
		{ "Event: \r\n", "malformed Event header" },
		{ "Content-Type: text\r\n", "malformed Content-Type header" },
		{ "Supported: a b\r\n", "malformed Supported header" },
		{ "Via: SIP/2.0/UDP ok;branch=z9hG4bK2, SIP/2.0\r\n", "malformed Via header" },
		{ "Route: <sip:a@b\r\n", "malformed Route header" },
		{ "Call-ID: x y\r\n", "bad Call-ID" },
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(bad); i++) {
		char buf[512];
		struct tdm_sip_msg *m;
		struct tdm_sip_error err = { 0, NULL };
		snprintf(buf, sizeof(buf), "OPTIONS sip:example.com SIP/2.0\r\n"
			 "%s%sCSeq: 2 OPTIONS\r\n%s\r\n", base,
			 strncmp(bad[i].hdr, "Call-ID", 7) ? "Call-ID: c\r\n" : "",
			 bad[i].hdr);
		m = parse_ok(buf);
		CU_ASSERT_EQUAL(tdm_sip_msg_parse_all(m, &err), -EBADMSG);
		if (!err.reason || strcmp(err.reason, bad[i].reason))
			fprintf(stderr, "lazy case %zu: %s\n", i, err.reason);
		CU_ASSERT_PTR_NOT_NULL_FATAL(err.reason);
		CU_ASSERT_STRING_EQUAL(err.reason, bad[i].reason);
		tdm_sip_msg_free(m);
	}
}

/* Expires larger than 2^32-1 is read as 2^32-1 (RFC 3261 §20.19). */
static void test_sip_msg_expires_clamp(void)
{
	struct tdm_sip_msg *m = parse_ok(
		"REGISTER sip:example.com SIP/2.0\r\n" HDRS_MIN
		"CSeq: 2 REGISTER\r\nExpires: 99999999999999999999999\r\n\r\n");
	uint32_t e;

	CU_ASSERT_EQUAL(tdm_sip_msg_expires(m, &e), 0);
	CU_ASSERT_EQUAL(e, UINT32_MAX);
	tdm_sip_msg_free(m);
}

static void test_sip_msg_addr_forms(void)
{
	static const struct {
		const char *in, *display, *uri, *tag, *params;
	} t[] = {
		{ "Bob <sip:bob@example.com>;tag=a", "Bob", "sip:bob@example.com", "a", "tag=a" },
		{ "\"Bob \\\"B\\\"\" <sip:bob@example.com>", "Bob \\\"B\\\"", "sip:bob@example.com", "", "" },
		{ "caller<sip:caller@example.com>;tag=323", "caller", "sip:caller@example.com", "323", "tag=323" },
		{ "sip:bob@example.com;tag=x;foo", "", "sip:bob@example.com", "x", "tag=x;foo" },
		{ "<sip:bob@example.com;transport=tcp>", "", "sip:bob@example.com;transport=tcp", "", "" },
		{ "A B  C <tel:+1-555-0100>", "A B  C", "tel:+1-555-0100", "", "" },
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(t); i++) {
		struct tdm_sip_addr a;
		struct tdm_str in = tdm_str_c(t[i].in);
		CU_ASSERT_EQUAL_FATAL(tdm_sip_addr_parse(&a, &in, false), 0);
		TDM_ASSERT_STR(a.display, t[i].display);
		TDM_ASSERT_STR(a.uri, t[i].uri);
		TDM_ASSERT_STR(a.tag, t[i].tag);
		TDM_ASSERT_STR(a.params, t[i].params);
		CU_ASSERT_EQUAL(in.len, 0);
	}
}

TDM_TEST_SUITE(sip_msg,
	       TDM_TEST(test_sip_msg_register_contacts),
	       TDM_TEST(test_sip_msg_contact_star),
	       TDM_TEST(test_sip_msg_bad_contacts),
	       TDM_TEST(test_sip_msg_vias),
	       TDM_TEST(test_sip_msg_routes),
	       TDM_TEST(test_sip_msg_event_ctype_tokens),
	       TDM_TEST(test_sip_msg_bad_lazy_headers),
	       TDM_TEST(test_sip_msg_expires_clamp),
	       TDM_TEST(test_sip_msg_addr_forms))
