/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of core/sip/edit.c and build.c: real messages parsed, edited as a
 * proxy would (RFC 3261 §16.6), serialised, compared with the full
 * expected text, and parsed again. */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/sip.h>
#include "test.h"

static const char invite[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
	"Max-Forwards: 70\r\n"
	"Route: <sip:p1.example.com;lr>\r\n"
	"To: Bob <sip:bob@biloxi.example.com>\r\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Subject: lunch\r\n"
	"  at noon\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 4\r\n"
	"\r\n"
	"v=0\n";

static const char response[] =
	"SIP/2.0 180 Ringing\r\n"
	"v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
	"t: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
	"f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"i: a84b4c76e66710\r\n"
	"CSeq: 314159 INVITE\r\n"
	"l: 0\r\n"
	"\r\n";

/* No Content-Length at all (allowed over UDP, §20.14). */
static const char options[] =
	"OPTIONS sip:carol@chicago.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877\n"
	"Max-Forwards: 70\n"
	"To: <sip:carol@chicago.example.com>\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
	"Call-ID: a84b4c76e66710\n"
	"CSeq: 63104 OPTIONS\n"
	"\n";

struct fixture {
	const char *buf;
	size_t len;
	struct tdm_sip_msg *m;
	struct tdm_buf out;
};

static void setup(struct fixture *f, const char *text)
{
	struct tdm_sip_error err;

	memset(f, 0, sizeof(*f));
	f->len = strlen(text);
	f->buf = tdm_guard_copy(text, f->len);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&f->m, NULL, f->buf, f->len,
						NULL, &err), 0);
}

static void teardown(struct fixture *f)
{
	tdm_buf_free(&f->out);
	tdm_sip_msg_free(f->m);
	tdm_guard_free(f->buf, f->len);
}

/* The output must parse, and its Content-Length match its body. */
static void check_reparse(const struct tdm_buf *out)
{
	struct tdm_sip_msg *m;
	struct tdm_sip_error err;

	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&m, NULL, out->data, out->len,
						NULL, &err), 0);
	CU_ASSERT_EQUAL(m->content_length, (int64_t)m->body.len);
	CU_ASSERT_EQUAL((size_t)(m->body.s + m->body.len - m->buf), out->len);
	tdm_sip_msg_free(m);
}

#define ASSERT_OUT(f, cstr)                                                   \
	CU_ASSERT_TRUE(tdm_test_str_eq(&(struct tdm_str){ (f)->out.data,      \
							  (f)->out.len },      \
				       (cstr), __FILE__, __LINE__))

/* Index of the first header with this id. */
static uint32_t idx(const struct tdm_sip_msg *m, enum tdm_sip_hdr_id id)
{
	CU_ASSERT_FATAL(m->first[id] != TDM_SIP_NONE);
	return m->first[id];
}

/* Without edits (and with empty lists) the bytes come back unchanged. */
static void test_sip_build_identity(void)
{
	static const char *const texts[] = { invite, response };

	for (size_t i = 0; i < TDM_ARRAY_SIZE(texts); i++) {
		struct tdm_sip_edits *e;
		struct fixture f;

		setup(&f, texts[i]);
		CU_ASSERT_EQUAL(tdm_sip_build(f.m, NULL, 0, &f.out), 0);
		ASSERT_OUT(&f, texts[i]);
		tdm_buf_reset(&f.out);
		CU_ASSERT_EQUAL_FATAL(tdm_sip_edits_new(&e, f.m), 0);
		CU_ASSERT_EQUAL(tdm_sip_build(f.m, &e, 1, &f.out), 0);
		ASSERT_OUT(&f, texts[i]);
		teardown(&f);
	}
}

/* What a proxy does when forwarding (§16.6): new Request-URI, Via and
 * Record-Route on top, Max-Forwards decremented, the Route it consumed
 * removed. Values are passed from a temporary buffer that is then
 * overwritten: the list must have copied them. */
static void test_sip_build_proxy(void)
{
	static const char expect[] =
		"INVITE sip:bob@192.0.2.4:5060 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK77ef4c2\r\n"
		"Record-Route: <sip:p1.example.com;lr>\r\n"
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
		"Max-Forwards: 69\r\n"
		"To: Bob <sip:bob@biloxi.example.com>\r\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		"Call-ID: a84b4c76e66710\r\n"
		"CSeq: 314159 INVITE\r\n"
		"Subject: lunch\r\n"
		"  at noon\r\n"
		"Content-Type: application/sdp\r\n"
		"Content-Length: 4\r\n"
		"X-Proxy: p1\r\n"
		"\r\n"
		"v=0\n";
	struct tdm_sip_edits *e;
	struct fixture f;
	char tmp[128];
	struct tdm_str s;

	setup(&f, invite);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_edits_new(&e, f.m), 0);
	strcpy(tmp, "sip:bob@192.0.2.4:5060");
	s = tdm_str_c(tmp);
	CU_ASSERT_EQUAL(tdm_sip_edit_set_ruri(e, &s), 0);
	strcpy(tmp, "<sip:p1.example.com;lr>");
	s = tdm_str_c(tmp);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(e, &TDM_STR("Record-Route"), &s, true), 0);
	strcpy(tmp, "SIP/2.0/UDP p1.example.com;branch=z9hG4bK77ef4c2");
	s = tdm_str_c(tmp);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(e, &TDM_STR("Via"), &s, true), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_set_hdr(e, idx(f.m, TDM_HDR_MAX_FORWARDS),
					     &TDM_STR("69")), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_del_hdr(e, idx(f.m, TDM_HDR_ROUTE)), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(e, &TDM_STR("X-Proxy"),
					     &TDM_STR("p1"), false), 0);
	memset(tmp, 'x', sizeof(tmp));
	CU_ASSERT_EQUAL(tdm_sip_build(f.m, &e, 1, &f.out), 0);
	ASSERT_OUT(&f, expect);
	check_reparse(&f.out);
	teardown(&f);
}

/* Two layered lists: the script's, then a branch's. */
static void test_sip_build_layers(void)
{
	static const char expect[] =
		"INVITE sip:branch2@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP branch\r\n"
		"Via: SIP/2.0/UDP script-b\r\n"
		"Via: SIP/2.0/UDP script-a\r\n"
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
		"Max-Forwards: 10\r\n"
		"To: Bob <sip:bob@biloxi.example.com>\r\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		"Call-ID: a84b4c76e66710\r\n"
		"CSeq: 314159 INVITE\r\n"
		"Content-Type: application/sdp\r\n"
		"Content-Length: 4\r\n"
		"X-Script: 1\r\n"
		"X-Script: 2\r\n"
		"X-Branch: 1\r\n"
		"\r\n"
		"v=0\n";
	struct tdm_sip_edits *l[2];
	struct fixture f;
	uint32_t route, subject, maxf;

	setup(&f, invite);
	route = idx(f.m, TDM_HDR_ROUTE);
	subject = idx(f.m, TDM_HDR_SUBJECT);
	maxf = idx(f.m, TDM_HDR_MAX_FORWARDS);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_edits_new(&l[0], f.m), 0);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_edits_new(&l[1], f.m), 0);
	/* script */
	CU_ASSERT_EQUAL(tdm_sip_edit_set_ruri(l[0], &TDM_STR("sip:script@example.com")), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(l[0], &TDM_STR("Via"),
					     &TDM_STR("SIP/2.0/UDP script-a"), true), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(l[0], &TDM_STR("Via"),
					     &TDM_STR("SIP/2.0/UDP script-b"), true), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(l[0], &TDM_STR("X-Script"), &TDM_STR("1"), false), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(l[0], &TDM_STR("X-Script"), &TDM_STR("2"), false), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_del_hdr(l[0], route), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_set_hdr(l[0], subject, &TDM_STR("dinner")), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_set_hdr(l[0], maxf, &TDM_STR("20")), 0);
	/* branch: its set of Route loses to the script's delete, its delete
	 * of Subject beats the script's set, its Max-Forwards wins */
	CU_ASSERT_EQUAL(tdm_sip_edit_set_ruri(l[1], &TDM_STR("sip:branch2@example.com")), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(l[1], &TDM_STR("Via"),
					     &TDM_STR("SIP/2.0/UDP branch"), true), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(l[1], &TDM_STR("X-Branch"), &TDM_STR("1"), false), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_set_hdr(l[1], route, &TDM_STR("<sip:x>")), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_del_hdr(l[1], subject), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_set_hdr(l[1], maxf, &TDM_STR("10")), 0);
	CU_ASSERT_EQUAL(tdm_sip_build(f.m, l, 2, &f.out), 0);
	ASSERT_OUT(&f, expect);
	check_reparse(&f.out);
	teardown(&f);
}

/* New bodies: Content-Length follows, whether it was written in full, in
 * compact form, or not at all. */
static void test_sip_build_body(void)
{
	static const struct {
		const char *in, *body, *expect;
	} cases[] = {
		{ invite, "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\n",
		  "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
		  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
		  "Max-Forwards: 70\r\n"
		  "Route: <sip:p1.example.com;lr>\r\n"
		  "To: Bob <sip:bob@biloxi.example.com>\r\n"
		  "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		  "Call-ID: a84b4c76e66710\r\n"
		  "CSeq: 314159 INVITE\r\n"
		  "Subject: lunch\r\n"
		  "  at noon\r\n"
		  "Content-Type: application/sdp\r\n"
		  "Content-Length: 28\r\n"
		  "\r\n"
		  "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\n" },
		{ response, "hello",
		  "SIP/2.0 180 Ringing\r\n"
		  "v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
		  "t: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
		  "f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		  "i: a84b4c76e66710\r\n"
		  "CSeq: 314159 INVITE\r\n"
		  "l: 5\r\n"
		  "\r\n"
		  "hello" },
		{ options, "",
		  "OPTIONS sip:carol@chicago.example.com SIP/2.0\n"
		  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877\n"
		  "Max-Forwards: 70\n"
		  "To: <sip:carol@chicago.example.com>\n"
		  "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
		  "Call-ID: a84b4c76e66710\n"
		  "CSeq: 63104 OPTIONS\n"
		  "Content-Length: 0\r\n"
		  "\n" },
		{ options, "abc",
		  "OPTIONS sip:carol@chicago.example.com SIP/2.0\n"
		  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877\n"
		  "Max-Forwards: 70\n"
		  "To: <sip:carol@chicago.example.com>\n"
		  "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
		  "Call-ID: a84b4c76e66710\n"
		  "CSeq: 63104 OPTIONS\n"
		  "Content-Length: 3\r\n"
		  "\n"
		  "abc" },
		{ invite, "",
		  "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
		  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
		  "Max-Forwards: 70\r\n"
		  "Route: <sip:p1.example.com;lr>\r\n"
		  "To: Bob <sip:bob@biloxi.example.com>\r\n"
		  "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		  "Call-ID: a84b4c76e66710\r\n"
		  "CSeq: 314159 INVITE\r\n"
		  "Subject: lunch\r\n"
		  "  at noon\r\n"
		  "Content-Type: application/sdp\r\n"
		  "Content-Length: 0\r\n"
		  "\r\n" },
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(cases); i++) {
		struct tdm_sip_edits *e;
		struct fixture f;
		struct tdm_str b = tdm_str_c(cases[i].body);

		setup(&f, cases[i].in);
		CU_ASSERT_EQUAL_FATAL(tdm_sip_edits_new(&e, f.m), 0);
		CU_ASSERT_EQUAL(tdm_sip_edit_set_body(e, &b), 0);
		CU_ASSERT_EQUAL(tdm_sip_build(f.m, &e, 1, &f.out), 0);
		ASSERT_OUT(&f, cases[i].expect);
		check_reparse(&f.out);
		teardown(&f);
	}
}

/* A message without Content-Length gets one even without edits; a deleted
 * Content-Length comes back; a set one is overridden; a folded header is
 * replaced whole. */
static void test_sip_build_clen(void)
{
	static const char expect_options[] =
		"OPTIONS sip:carol@chicago.example.com SIP/2.0\n"
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877\n"
		"Max-Forwards: 70\n"
		"To: <sip:carol@chicago.example.com>\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
		"Call-ID: a84b4c76e66710\n"
		"CSeq: 63104 OPTIONS\n"
		"Content-Length: 0\r\n"
		"\n";
	static const char expect_invite[] =
		"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
		"Max-Forwards: 70\r\n"
		"Route: <sip:p1.example.com;lr>\r\n"
		"To: Bob <sip:bob@biloxi.example.com>\r\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		"Call-ID: a84b4c76e66710\r\n"
		"CSeq: 314159 INVITE\r\n"
		"Subject: dinner\r\n"
		"Content-Type: application/sdp\r\n"
		"Content-Length: 4\r\n"
		"\r\n"
		"v=0\n";
	struct tdm_sip_edits *e;
	struct fixture f;

	setup(&f, options);
	CU_ASSERT_EQUAL(tdm_sip_build(f.m, NULL, 0, &f.out), 0);
	ASSERT_OUT(&f, expect_options);
	check_reparse(&f.out);
	teardown(&f);

	setup(&f, invite);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_edits_new(&e, f.m), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_set_hdr(e, idx(f.m, TDM_HDR_CONTENT_LENGTH),
					     &TDM_STR("99")), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_set_hdr(e, idx(f.m, TDM_HDR_SUBJECT),
					     &TDM_STR("dinner")), 0);
	CU_ASSERT_EQUAL(tdm_sip_build(f.m, &e, 1, &f.out), 0);
	ASSERT_OUT(&f, expect_invite);
	tdm_buf_reset(&f.out);
	CU_ASSERT_EQUAL(tdm_sip_edit_del_hdr(e, idx(f.m, TDM_HDR_CONTENT_LENGTH)), 0);
	CU_ASSERT_EQUAL(tdm_sip_build(f.m, &e, 1, &f.out), 0);
	ASSERT_OUT(&f, expect_invite); /* added at the end: same place here */
	check_reparse(&f.out);
	teardown(&f);
}

static void test_sip_build_einval(void)
{
	struct tdm_sip_edits *e, *other;
	struct fixture f, g;

	setup(&f, response);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_edits_new(&e, f.m), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_set_ruri(e, &TDM_STR("sip:x")), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_edit_del_hdr(e, f.m->hdr_count), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_edit_set_hdr(e, 0, &TDM_STR("a\r\nb: c")), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(e, &TDM_STR("X-A"), &TDM_STR("a\nb"), true), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(e, &TDM_STR("X A"), &TDM_STR("a"), true), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(e, &TDM_STR(""), &TDM_STR("a"), true), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(e, &TDM_STR("l"), &TDM_STR("5"), false), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_edit_add_hdr(e, &TDM_STR("content-length"),
					     &TDM_STR("5"), false), -EINVAL);

	/* a list made for another message, with a Request-URI change */
	setup(&g, invite);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_edits_new(&other, g.m), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_set_ruri(other, &TDM_STR("sip:x")), 0);
	CU_ASSERT_EQUAL(tdm_sip_edit_set_ruri(other, &TDM_STR("sip:x y")), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_build(f.m, &other, 1, &f.out), -EINVAL);
	teardown(&g);
	teardown(&f);
}

/* Every allocation failing in turn: parse, edit, build. */
static int proxy_once(void *arg)
{
	const char *text = arg;
	struct tdm_buf out = TDM_BUF_INIT;
	struct tdm_sip_edits *l[2];
	struct tdm_sip_msg *m;
	int rc;

	rc = tdm_sip_msg_parse(&m, NULL, text, strlen(text), NULL, NULL);
	if (rc)
		return rc;
	if (!(rc = tdm_sip_edits_new(&l[0], m)) &&
	    !(rc = tdm_sip_edits_new(&l[1], m)) &&
	    !(rc = tdm_sip_edit_set_ruri(l[0], &TDM_STR("sip:bob@192.0.2.4"))) &&
	    !(rc = tdm_sip_edit_add_hdr(l[0], &TDM_STR("Via"),
					&TDM_STR("SIP/2.0/UDP p1"), true)) &&
	    !(rc = tdm_sip_edit_del_hdr(l[1], 2)) &&
	    !(rc = tdm_sip_edit_set_hdr(l[1], 1, &TDM_STR("69"))) &&
	    !(rc = tdm_sip_edit_set_body(l[1], &TDM_STR("v=0\r\n"))))
		rc = tdm_sip_build(m, l, 2, &out);
	tdm_buf_free(&out);
	tdm_sip_msg_free(m);
	return rc;
}

static void test_sip_build_oom(void)
{
	CU_ASSERT_EQUAL(tdm_test_oom_loop(proxy_once, (void *)invite), 0);
}

TDM_TEST_SUITE(sip_build,
	       TDM_TEST(test_sip_build_identity),
	       TDM_TEST(test_sip_build_proxy),
	       TDM_TEST(test_sip_build_layers),
	       TDM_TEST(test_sip_build_body),
	       TDM_TEST(test_sip_build_clen),
	       TDM_TEST(test_sip_build_einval),
	       TDM_TEST(test_sip_build_oom))
