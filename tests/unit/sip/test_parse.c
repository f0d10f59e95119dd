/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of core/sip/parse.c: start lines, header splitting, the eager
 * fields, the body rule, limits and error offsets. Every input sits
 * before a guard page, so an over-read crashes the test. */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/sip.h>
#include "test.h"

#define HDRS_MIN                                                        \
	"Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds8\r\n"   \
	"To: Bob <sip:bob@example.com>\r\n"                             \
	"From: Alice <sip:alice@example.com>;tag=1928301774\r\n"        \
	"Call-ID: a84b4c76e66710\r\n"

/* Parses s through a guard buffer; the caller frees *m and the guard. */
static int parse(const char *s, struct tdm_sip_msg **m,
		 struct tdm_sip_error *err)
{
	size_t n = strlen(s);
	const char *g = tdm_guard_copy(s, n);
	int rc = tdm_sip_msg_parse(m, NULL, g, n, NULL, err);

	tdm_guard_free(g, n);
	return rc;
}

static void test_sip_parse_request(void)
{
	static const char msg[] =
		"INVITE sip:bob@example.com SIP/2.0\r\n"
		HDRS_MIN
		"CSeq: 314159 INVITE\r\n"
		"Max-Forwards: 70\r\n"
		"Content-Length: 4\r\n"
		"\r\n"
		"v=0\n";
	struct tdm_sip_msg *m;

	CU_ASSERT_EQUAL_FATAL(parse(msg, &m, NULL), 0);
	CU_ASSERT_TRUE(m->is_request);
	CU_ASSERT_EQUAL(m->method, TDM_SIP_INVITE);
	TDM_ASSERT_STR(m->method_name, "INVITE");
	TDM_ASSERT_STR(m->ruri, "sip:bob@example.com");
	TDM_ASSERT_STR(m->version, "SIP/2.0");
	CU_ASSERT_EQUAL(m->hdr_count, 7);
	TDM_ASSERT_STR(m->via1.transport, "UDP");
	TDM_ASSERT_STR(m->via1.host, "pc33.example.com");
	CU_ASSERT_EQUAL(m->via1.port, 0);
	TDM_ASSERT_STR(m->via1.branch, "z9hG4bKnashds8");
	CU_ASSERT_EQUAL(m->via1.rport, -1);
	CU_ASSERT_EQUAL(m->cseq.num, 314159);
	CU_ASSERT_EQUAL(m->cseq.method, TDM_SIP_INVITE);
	TDM_ASSERT_STR(m->call_id, "a84b4c76e66710");
	TDM_ASSERT_STR(m->from_tag, "1928301774");
	CU_ASSERT_EQUAL(m->to_tag.len, 0);
	CU_ASSERT_EQUAL(m->max_forwards, 70);
	CU_ASSERT_EQUAL(m->content_length, 4);
	TDM_ASSERT_STR(m->body, "v=0\n");
	tdm_sip_msg_free(m);
}

static void test_sip_parse_response(void)
{
	static const char msg[] =
		"SIP/2.0 180 Ringing\r\n"
		"Via: SIP/2.0/UDP 192.0.2.4:5070;branch=z9hG4bK77;received=192.0.2.9;rport=5071\r\n"
		"Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKnashds8\r\n"
		"To: Bob <sip:bob@example.com>;tag=a6c85cf\r\n"
		"From: Alice <sip:alice@example.com>;tag=1928301774\r\n"
		"Call-ID: a84b4c76e66710@pc33.example.com\r\n"
		"CSeq: 1 INVITE\r\n"
		"\r\n";
	struct tdm_sip_msg *m;

	CU_ASSERT_EQUAL_FATAL(parse(msg, &m, NULL), 0);
	CU_ASSERT_FALSE(m->is_request);
	CU_ASSERT_EQUAL(m->status, 180);
	TDM_ASSERT_STR(m->reason, "Ringing");
	CU_ASSERT_EQUAL(m->method, TDM_SIP_INVITE);
	CU_ASSERT_EQUAL(m->via1.port, 5070);
	TDM_ASSERT_STR(m->via1.received, "192.0.2.9");
	CU_ASSERT_EQUAL(m->via1.rport, 5071);
	TDM_ASSERT_STR(m->to_tag, "a6c85cf");
	TDM_ASSERT_STR(m->call_id, "a84b4c76e66710@pc33.example.com");
	CU_ASSERT_EQUAL(m->content_length, -1);
	CU_ASSERT_EQUAL(m->max_forwards, -1);
	CU_ASSERT_EQUAL(m->body.len, 0);
	tdm_sip_msg_free(m);
}

/* Compact forms, folded lines, odd spacing and case (RFC 3261 §7.3). */
static void test_sip_parse_compact_folded(void)
{
	static const char msg[] =
		"\r\n\r\n" /* §7.5: leading CRLFs are ignored */
		"OPTIONS sip:carol@chicago.com SIP/2.0\r\n"
		"v: SIP/2.0/UDP pc33.atlanta.com ; branch = z9hG4bKhjhs8ass877 ; rport\r\n"
		"t: <sip:carol@chicago.com>\r\n"
		"f: Alice\r\n <sip:alice@atlanta.com>;tag=1928301774\r\n"
		"i:a84b4c76e66710\r\n"
		"CSEQ\t:   63104\r\n\t OPTIONS\r\n"
		"cOnTaCt: <sip:alice@pc33.atlanta.com>\r\n"
		"l: 0\r\n"
		"\r\n";
	struct tdm_sip_msg *m;
	const struct tdm_sip_hdr *h;

	CU_ASSERT_EQUAL_FATAL(parse(msg, &m, NULL), 0);
	TDM_ASSERT_STR(m->via1.branch, "z9hG4bKhjhs8ass877");
	CU_ASSERT_EQUAL(m->via1.rport, 0);
	TDM_ASSERT_STR(m->from_tag, "1928301774");
	CU_ASSERT_EQUAL(m->cseq.num, 63104);
	CU_ASSERT_EQUAL(m->cseq.method, TDM_SIP_OPTIONS);
	CU_ASSERT_EQUAL(m->content_length, 0);
	h = tdm_sip_msg_hdr(m, TDM_HDR_CONTACT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	TDM_ASSERT_STR(h->name, "cOnTaCt");
	h = tdm_sip_msg_hdr(m, TDM_HDR_FROM);
	TDM_ASSERT_STR(h->name, "f");
	TDM_ASSERT_STR(h->value, "Alice\r\n <sip:alice@atlanta.com>;tag=1928301774");
	TDM_ASSERT_STR(h->line, "f: Alice\r\n <sip:alice@atlanta.com>;tag=1928301774\r\n");
	tdm_sip_msg_free(m);
}

/* Extension method and headers; several Via headers chained by id. */
static void test_sip_parse_extension(void)
{
	static const char msg[] =
		"FOO.BAR sip:x@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/TCP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2\r\n"
		"X-Custom: one\r\n"
		"Via: SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bK3\r\n"
		"x-custom: two\r\n"
		"To: <sip:x@example.com>\r\nFrom: <sip:y@example.com>;tag=9\r\n"
		"Call-ID: c\r\nCSeq: 7 FOO.BAR\r\n\r\n";
	struct tdm_sip_msg *m;
	const struct tdm_sip_hdr *h;
	struct tdm_str name = TDM_STR("X-CUSTOM");

	CU_ASSERT_EQUAL_FATAL(parse(msg, &m, NULL), 0);
	CU_ASSERT_EQUAL(m->method, TDM_SIP_METHOD_OTHER);
	TDM_ASSERT_STR(m->method_name, "FOO.BAR");
	TDM_ASSERT_STR(m->via1.host, "a.example.com");
	h = tdm_sip_msg_hdr(m, TDM_HDR_VIA);
	h = tdm_sip_msg_hdr_next(m, h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	TDM_ASSERT_STR(h->value, "SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bK3");
	CU_ASSERT_PTR_NULL(tdm_sip_msg_hdr_next(m, h));
	h = tdm_sip_msg_hdr_by_name(m, &name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	TDM_ASSERT_STR(h->value, "one");
	h = tdm_sip_msg_hdr_next(m, h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	TDM_ASSERT_STR(h->value, "two");
	CU_ASSERT_PTR_NULL(tdm_sip_msg_hdr_next(m, h));
	tdm_sip_msg_free(m);
}

/* UDP: bytes past Content-Length are dropped (§18.3); no Content-Length
 * means the body runs to the end of the datagram. */
static void test_sip_parse_body_rules(void)
{
	static const char extra[] =
		"MESSAGE sip:a@b SIP/2.0\r\n" HDRS_MIN
		"CSeq: 1 MESSAGE\r\nContent-Length: 2\r\n\r\nhi there";
	static const char none[] =
		"MESSAGE sip:a@b SIP/2.0\r\n" HDRS_MIN
		"CSeq: 1 MESSAGE\r\n\r\nhi there";
	struct tdm_sip_msg *m;

	CU_ASSERT_EQUAL_FATAL(parse(extra, &m, NULL), 0);
	TDM_ASSERT_STR(m->body, "hi");
	tdm_sip_msg_free(m);
	CU_ASSERT_EQUAL_FATAL(parse(none, &m, NULL), 0);
	TDM_ASSERT_STR(m->body, "hi there");
	tdm_sip_msg_free(m);
}

struct bad_case {
	const char *msg;
	const char *reason; /* expected err.reason */
	const char *at;     /* text expected at err.offset (prefix), or NULL */
};

#define REQ(start, rest) start "\r\n" rest

static const struct bad_case bad_cases[] = {
	{ "", "no start line", NULL },
	{ "INVITE sip:a@b SIP/2.0", "no start line", NULL },
	{ REQ("INVITE  sip:a@b SIP/2.0", HDRS_MIN "CSeq: 1 INVITE\r\n\r\n"),
	  "bad Request-URI", " sip:a@b" },
	{ REQ("INVITE <sip:a@b> SIP/2.0", HDRS_MIN "CSeq: 1 INVITE\r\n\r\n"),
	  "bad Request-URI", "<sip" },
	{ REQ("INVITE a@b SIP/2.0", HDRS_MIN "CSeq: 1 INVITE\r\n\r\n"),
	  "bad Request-URI", "a@b" },
	{ REQ("INVITE sip:a@b; lr SIP/2.0", HDRS_MIN "CSeq: 1 INVITE\r\n\r\n"),
	  "bad SIP version", "lr SIP" },
	{ REQ("INVITE sip:a@b SIP/2.0 ", HDRS_MIN "CSeq: 1 INVITE\r\n\r\n"),
	  "bad SIP version", "SIP/2.0 " },
	{ REQ("INV(ITE sip:a@b SIP/2.0", HDRS_MIN "CSeq: 1 INVITE\r\n\r\n"),
	  "bad request method", "(ITE" },
	{ REQ("SIP/2.0 20 OK", HDRS_MIN "CSeq: 1 INVITE\r\n\r\n"),
	  "bad status code", "20 OK" },
	{ REQ("SIP/2.0 700 Odd", HDRS_MIN "CSeq: 1 INVITE\r\n\r\n"),
	  "bad status code", "700" },
	{ REQ("SIP/2.x 200 OK", HDRS_MIN "CSeq: 1 INVITE\r\n\r\n"),
	  "bad SIP version", NULL },
	{ REQ("INVITE sip:a@b SIP/2.0", HDRS_MIN "CSeq: 1 INVITE\r\n"),
	  "headers not terminated", "" },
	{ REQ("INVITE sip:a@b SIP/2.0", HDRS_MIN "CSeq 1 INVITE\r\n\r\n"),
	  "missing colon in header", " 1 INVITE" },
	{ REQ("INVITE sip:a@b SIP/2.0", HDRS_MIN ": x\r\nCSeq: 1 INVITE\r\n\r\n"),
	  "bad header name", ": x" },
	{ REQ("INVITE sip:a@b SIP/2.0", HDRS_MIN "Contact\r\nCSeq: 1 INVITE\r\n\r\n"),
	  "missing colon in header", "\r\nCSeq" },
	{ REQ("INVITE sip:a@b SIP/2.0", HDRS_MIN "CSeq: 1 ACK\r\n\r\n"),
	  "CSeq method does not match the request", "1 ACK" },
	{ REQ("INVITE sip:a@b SIP/2.0", HDRS_MIN "CSeq: -1 INVITE\r\n\r\n"),
	  "bad CSeq number", "-1" },
	{ REQ("INVITE sip:a@b SIP/2.0", HDRS_MIN "CSeq: 4294967296 INVITE\r\n\r\n"),
	  "bad CSeq number", NULL },
	{ REQ("INVITE sip:a@b SIP/2.0", HDRS_MIN "\r\n"),
	  "missing mandatory header", NULL },
	{ REQ("INVITE sip:a@b SIP/2.0",
	      "To: <sip:b@c>\r\nFrom: <sip:a@c>;tag=1\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n"),
	  "missing Via", NULL },
	{ REQ("INVITE sip:a@b SIP/2.0", "Via: SIP/2.0/UDP\r\n"
	      "To: <sip:b@c>\r\nFrom: <sip:a@c>;tag=1\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n"),
	  "bad Via sent-by", NULL },
	{ REQ("INVITE sip:a@b SIP/2.0", "Via: SIP/2.0/UDP h:99999;branch=z\r\n"
	      "To: <sip:b@c>\r\nFrom: <sip:a@c>;tag=1\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n"),
	  "bad Via sent-by", NULL },
	{ REQ("INVITE sip:a@b SIP/2.0", HDRS_MIN "Call-ID: y\r\nCSeq: 1 INVITE\r\n\r\n"),
	  "repeated header", "Call-ID: y" },
	{ REQ("INVITE sip:a@b SIP/2.0", HDRS_MIN "CSeq: 1 INVITE\r\nMax-Forwards: 256\r\n\r\n"),
	  "bad Max-Forwards", "256" },
	{ REQ("INVITE sip:a@b SIP/2.0", HDRS_MIN "CSeq: 1 INVITE\r\nContent-Length: 5\r\n\r\nabc"),
	  "Content-Length larger than body", "" },
	{ REQ("INVITE sip:a@b SIP/2.0", HDRS_MIN "CSeq: 1 INVITE\r\nl: 1\r\nContent-Length: 1\r\n\r\na"),
	  "repeated header", "Content-Length: 1" },
	{ REQ("INVITE sip:a@b SIP/2.0",
	      "Via: SIP/2.0/UDP h;branch=z\r\nTo: sip:b@c;user=phone;\r\nFrom: <sip:a@c>;tag=1\r\n"
	      "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n"),
	  "bad To", "sip:b@c;" },
	{ REQ("INVITE sip:a@b SIP/2.0",
	      "Via: SIP/2.0/UDP h;branch=z\r\nTo: <sip:b@c\r\nFrom: <sip:a@c>;tag=1\r\n"
	      "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n"),
	  "bad To", "<sip:b@c" },
	{ REQ("INVITE sip:a@b SIP/2.0",
	      "Via: SIP/2.0/UDP h;branch=z\r\nTo: <sip:b@c>\r\nFrom: <sip:a@c>;tag=1\r\n"
	      "Call-ID: \r\nCSeq: 1 INVITE\r\n\r\n"),
	  "bad Call-ID", NULL },
};

/* Every malformed message is refused with its reason, at the right byte. */
static void test_sip_parse_bad_table(void)
{
	for (size_t i = 0; i < TDM_ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct tdm_sip_error err = { 0, NULL };
		struct tdm_sip_msg *m = NULL;
		int rc = parse(c->msg, &m, &err);

		if (rc != -EBADMSG || !err.reason || strcmp(err.reason, c->reason)) {
			fprintf(stderr, "bad case %zu: rc=%d reason=%s, want %s\n",
				i, rc, err.reason ? err.reason : "(null)", c->reason);
			CU_FAIL("malformed message not refused as expected");
			if (rc == 0)
				tdm_sip_msg_free(m);
			continue;
		}
		CU_ASSERT_TRUE(err.offset <= strlen(c->msg));
		if (c->at && strncmp(c->msg + err.offset, c->at, strlen(c->at))) {
			fprintf(stderr, "bad case %zu: offset %u points at \"%.12s\", want \"%s\"\n",
				i, err.offset, c->msg + err.offset, c->at);
			CU_FAIL("error offset");
		}
	}
}

static void test_sip_parse_limits(void)
{
	struct tdm_sip_limits lim = { 300, 6, 60 };
	struct tdm_sip_error err;
	struct tdm_sip_msg *m;
	static const char ok[] = "BYE sip:a@b SIP/2.0\r\n" HDRS_MIN
				 "CSeq: 1 BYE\r\n\r\n";
	static const char seven[] = "BYE sip:a@b SIP/2.0\r\n" HDRS_MIN
				    "CSeq: 1 BYE\r\nA: 1\r\nB: 2\r\n\r\n";
	static const char longline[] = "BYE sip:a@b SIP/2.0\r\n" HDRS_MIN
		"CSeq: 1 BYE\r\nX: 0123456789012345678901234567890123456789012345678901234567890\r\n\r\n";
	char big[400];

	CU_ASSERT_EQUAL(tdm_sip_msg_parse(&m, NULL, ok, strlen(ok), &lim, &err), 0);
	tdm_sip_msg_free(m);
	CU_ASSERT_EQUAL(tdm_sip_msg_parse(&m, NULL, seven, strlen(seven), &lim, &err),
			-EMSGSIZE);
	CU_ASSERT_STRING_EQUAL(err.reason, "too many headers");
	CU_ASSERT_EQUAL(tdm_sip_msg_parse(&m, NULL, longline, strlen(longline), &lim, &err),
			-EMSGSIZE);
	CU_ASSERT_STRING_EQUAL(err.reason, "header line too long");
	memset(big, 'x', sizeof(big));
	CU_ASSERT_EQUAL(tdm_sip_msg_parse(&m, NULL, big, sizeof(big), &lim, &err),
			-EMSGSIZE);
	CU_ASSERT_STRING_EQUAL(err.reason, "message too large");
}

/* More headers than the initial table: the table grows in the arena. */
static void test_sip_parse_many_headers(void)
{
	struct tdm_buf b = TDM_BUF_INIT;
	struct tdm_sip_msg *m;

	tdm_buf_append_c(&b, "BYE sip:a@b SIP/2.0\r\n" HDRS_MIN "CSeq: 1 BYE\r\n");
	for (int i = 0; i < 200; i++)
		tdm_buf_printf(&b, "Route: <sip:p%d.example.com;lr>\r\n", i);
	tdm_buf_append_c(&b, "\r\n");
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&m, NULL, b.data, b.len, NULL, NULL), 0);
	CU_ASSERT_EQUAL(m->hdr_count, 205);
	{
		unsigned n = 0;
		for (const struct tdm_sip_hdr *h = tdm_sip_msg_hdr(m, TDM_HDR_ROUTE);
		     h; h = tdm_sip_msg_hdr_next(m, h))
			n++;
		CU_ASSERT_EQUAL(n, 200);
	}
	tdm_sip_msg_free(m);
	tdm_buf_free(&b);
}

/* A worker reuses one arena: parse, reset, parse, with no allocation. */
static void test_sip_parse_arena_reuse(void)
{
	static const char msg[] = "BYE sip:a@b SIP/2.0\r\n" HDRS_MIN
				  "CSeq: 1 BYE\r\n\r\n";
	struct tdm_arena *a;
	struct tdm_sip_msg *m;
	long live;

	CU_ASSERT_EQUAL_FATAL(tdm_arena_new(&a, 8192), 0);
	live = tdm_alloc_live();
	for (int i = 0; i < 100; i++) {
		CU_ASSERT_EQUAL(tdm_sip_msg_parse(&m, a, msg, strlen(msg), NULL, NULL), 0);
		CU_ASSERT_EQUAL(m->cseq.method, TDM_SIP_BYE);
		tdm_sip_msg_free(m); /* no-op: the arena is the caller's */
		tdm_arena_reset(a);
	}
	CU_ASSERT_EQUAL(tdm_alloc_live(), live);
	tdm_arena_free(a);
}

static int parse_once(void *arg)
{
	const char *msg = arg;
	struct tdm_sip_msg *m;
	int rc = tdm_sip_msg_parse(&m, NULL, msg, strlen(msg), NULL, NULL);

	if (rc)
		return rc;
	tdm_sip_msg_free(m);
	return 0;
}

static void test_sip_parse_oom(void)
{
	static const char msg[] = "BYE sip:a@b SIP/2.0\r\n" HDRS_MIN
				  "CSeq: 1 BYE\r\n\r\n";

	CU_ASSERT_EQUAL(tdm_test_oom_loop(parse_once, (void *)msg), 0);
}

static void test_sip_parse_null_args(void)
{
	struct tdm_sip_msg *m;

	CU_ASSERT_EQUAL(tdm_sip_msg_parse(NULL, NULL, "x", 1, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_msg_parse(&m, NULL, NULL, 1, NULL, NULL), -EINVAL);
	tdm_sip_msg_free(NULL);
}

static void test_sip_parse_hdr_ids(void)
{
	static const struct { const char *name; enum tdm_sip_hdr_id id; } t[] = {
		{ "Via", TDM_HDR_VIA }, { "v", TDM_HDR_VIA }, { "V", TDM_HDR_VIA },
		{ "call-id", TDM_HDR_CALL_ID }, { "i", TDM_HDR_CALL_ID },
		{ "CONTENT-LENGTH", TDM_HDR_CONTENT_LENGTH }, { "l", TDM_HDR_CONTENT_LENGTH },
		{ "Record-Route", TDM_HDR_RECORD_ROUTE }, { "Route", TDM_HDR_ROUTE },
		{ "Proxy-Authorization", TDM_HDR_PROXY_AUTHORIZATION },
		{ "P-Asserted-Identity", TDM_HDR_P_ASSERTED_IDENTITY },
		{ "o", TDM_HDR_EVENT }, { "k", TDM_HDR_SUPPORTED }, { "m", TDM_HDR_CONTACT },
		{ "X-Via", TDM_HDR_OTHER }, { "Vias", TDM_HDR_OTHER }, { "z", TDM_HDR_OTHER },
		{ "1", TDM_HDR_OTHER }, { "", TDM_HDR_OTHER },
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(t); i++) {
		struct tdm_str n = tdm_str_c(t[i].name);
		CU_ASSERT_EQUAL(tdm_sip_hdr_id(&n), t[i].id);
	}
	/* every canonical name maps back to its id */
	for (unsigned id = 1; id < TDM_HDR__COUNT; id++) {
		struct tdm_str n = tdm_str_c(tdm_sip_hdr_name(id));
		CU_ASSERT_EQUAL(tdm_sip_hdr_id(&n), id);
	}
	CU_ASSERT_PTR_NULL(tdm_sip_hdr_name(TDM_HDR_OTHER));
}

static void test_sip_parse_methods(void)
{
	for (unsigned m = TDM_SIP_INVITE; m <= TDM_SIP_REFER; m++) {
		struct tdm_str n = tdm_str_c(tdm_sip_method_name(m));
		CU_ASSERT_EQUAL(tdm_sip_method_id(&n), m);
	}
	{
		struct tdm_str lower = TDM_STR("invite");
		CU_ASSERT_EQUAL(tdm_sip_method_id(&lower), TDM_SIP_METHOD_OTHER);
	}
}

TDM_TEST_SUITE(sip_parse,
	       TDM_TEST(test_sip_parse_request),
	       TDM_TEST(test_sip_parse_response),
	       TDM_TEST(test_sip_parse_compact_folded),
	       TDM_TEST(test_sip_parse_extension),
	       TDM_TEST(test_sip_parse_body_rules),
	       TDM_TEST(test_sip_parse_bad_table),
	       TDM_TEST(test_sip_parse_limits),
	       TDM_TEST(test_sip_parse_many_headers),
	       TDM_TEST(test_sip_parse_arena_reuse),
	       TDM_TEST(test_sip_parse_oom),
	       TDM_TEST(test_sip_parse_null_args),
	       TDM_TEST(test_sip_parse_hdr_ids),
	       TDM_TEST(test_sip_parse_methods))
