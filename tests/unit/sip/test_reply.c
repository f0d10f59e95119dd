/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of core/sip/reply.c and reason.c: local responses (RFC 3261
 * §8.2.6) compared with their full expected text, then parsed again; and
 * the default reason phrases. */
#include <errno.h>
#include <string.h>
#include <tandem/alloc.h>
#include <tandem/sip.h>
#include "test.h"

/* Two Via headers, one of them with two values, compact names, a folded
 * From, a Timestamp, a To without tag. */
static const char invite[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
	"v: SIP/2.0/UDP p1.example.com;branch=z9hG4bK77ef4c2, SIP/2.0/TCP p0.example.com;branch=z9hG4bK0\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.101\r\n"
	"Max-Forwards: 69\r\n"
	"t: Bob <sip:bob@biloxi.example.com>\r\n"
	"f: Alice\r\n"
	" <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"i: a84b4c76e66710@pc33.atlanta.example.com\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Timestamp: 54.2 0.5\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char bye[] =
	"BYE sip:alice@pc33.atlanta.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKnashds10\r\n"
	"Max-Forwards: 70\r\n"
	"From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
	"To: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710\r\n"
	"CSeq: 231 BYE\r\n"
	"Timestamp: 1\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

struct fixture {
	const char *buf;
	size_t len;
	struct tdm_sip_msg *m;
	struct tdm_buf out;
};

static void setup(struct fixture *f, const char *text)
{
	memset(f, 0, sizeof(*f));
	f->len = strlen(text);
	f->buf = tdm_guard_copy(text, f->len);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&f->m, NULL, f->buf, f->len,
						NULL, NULL), 0);
}

static void teardown(struct fixture *f)
{
	tdm_buf_free(&f->out);
	tdm_sip_msg_free(f->m);
	tdm_guard_free(f->buf, f->len);
}

/* The reply parses as a response with the expected code, a matching
 * Content-Length and the request's transaction keys. */
static void check_reparse(const struct fixture *f, unsigned code)
{
	struct tdm_sip_msg *r;

	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&r, NULL, f->out.data,
						f->out.len, NULL, NULL), 0);
	CU_ASSERT_FALSE(r->is_request);
	CU_ASSERT_EQUAL(r->status, code);
	CU_ASSERT_EQUAL(r->content_length, (int64_t)r->body.len);
	CU_ASSERT_TRUE(tdm_str_eq(&r->via1.branch, &f->m->via1.branch));
	CU_ASSERT_TRUE(tdm_str_eq(&r->call_id, &f->m->call_id));
	CU_ASSERT_EQUAL(r->cseq.num, f->m->cseq.num);
	tdm_sip_msg_free(r);
}

#define ASSERT_OUT(f, cstr)                                                   \
	CU_ASSERT_TRUE(tdm_test_str_eq(&(struct tdm_str){ (f)->out.data,      \
							  (f)->out.len },      \
				       (cstr), __FILE__, __LINE__))

static void test_sip_reply_trying(void)
{
	static const char expect[] =
		"SIP/2.0 100 Trying\r\n"
		"Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK77ef4c2, SIP/2.0/TCP p0.example.com;branch=z9hG4bK0\r\n"
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.101\r\n"
		"From: Alice\r\n"
		" <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		"To: Bob <sip:bob@biloxi.example.com>\r\n"
		"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
		"CSeq: 314159 INVITE\r\n"
		"Timestamp: 54.2 0.5\r\n"
		"Content-Length: 0\r\n"
		"\r\n";
	struct fixture f;

	setup(&f, invite);
	/* a 100 carries no To tag (§8.2.6.2 applies to dialogs, and the
	 * caller passes none) */
	CU_ASSERT_EQUAL(tdm_sip_reply_build(f.m, 100, NULL, NULL, NULL, NULL,
					    &f.out), 0);
	ASSERT_OUT(&f, expect);
	check_reparse(&f, 100);
	teardown(&f);
}

static void test_sip_reply_tag_extra_body(void)
{
	static const char expect[] =
		"SIP/2.0 486 Busy Here Now\r\n"
		"Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK77ef4c2, SIP/2.0/TCP p0.example.com;branch=z9hG4bK0\r\n"
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.101\r\n"
		"From: Alice\r\n"
		" <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		"To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n"
		"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
		"CSeq: 314159 INVITE\r\n"
		"Retry-After: 60\r\n"
		"Content-Type: text/plain\r\n"
		"Content-Length: 5\r\n"
		"\r\n"
		"busy\n";
	struct fixture f;

	setup(&f, invite);
	CU_ASSERT_EQUAL(tdm_sip_reply_build(f.m, 486, &TDM_STR("Busy Here Now"),
					    &TDM_STR("8321234356"),
					    &TDM_STR("Retry-After: 60\r\n"
						     "Content-Type: text/plain\r\n"),
					    &TDM_STR("busy\n"), &f.out), 0);
	ASSERT_OUT(&f, expect);
	check_reparse(&f, 486);
	teardown(&f);
}

/* The To already has a tag (in-dialog request): ours is not added; the
 * Timestamp is only echoed by a 100. */
static void test_sip_reply_in_dialog(void)
{
	static const char expect[] =
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKnashds10\r\n"
		"From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
		"To: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		"Call-ID: a84b4c76e66710\r\n"
		"CSeq: 231 BYE\r\n"
		"Content-Length: 0\r\n"
		"\r\n";
	struct fixture f;

	setup(&f, bye);
	CU_ASSERT_EQUAL(tdm_sip_reply_build(f.m, 200, NULL, &TDM_STR("other"),
					    &TDM_STR(""), &TDM_STR(""), &f.out), 0);
	ASSERT_OUT(&f, expect);
	check_reparse(&f, 200);
	teardown(&f);
}

static void test_sip_reply_einval(void)
{
	struct fixture f, r;

	setup(&f, bye);
	CU_ASSERT_EQUAL(tdm_sip_reply_build(f.m, 200, &TDM_STR("OK\r\nX: y"),
					    NULL, NULL, NULL, &f.out), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_reply_build(f.m, 200, &TDM_STR("O\nK"),
					    NULL, NULL, NULL, &f.out), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_reply_build(f.m, 99, NULL, NULL, NULL, NULL,
					    &f.out), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_reply_build(f.m, 700, NULL, NULL, NULL, NULL,
					    &f.out), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_reply_build(f.m, 200, NULL, &TDM_STR("a b"),
					    NULL, NULL, &f.out), -EINVAL);
	CU_ASSERT_EQUAL(tdm_sip_reply_build(f.m, 200, NULL, NULL,
					    &TDM_STR("X-A: 1"), NULL, &f.out),
			-EINVAL);
	CU_ASSERT_EQUAL(f.out.len, 0);
	/* a response cannot be answered */
	setup(&r, "SIP/2.0 200 OK\r\n"
		  "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		  "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
		  "Call-ID: x\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n");
	CU_ASSERT_EQUAL(tdm_sip_reply_build(r.m, 200, NULL, NULL, NULL, NULL,
					    &r.out), -EINVAL);
	teardown(&r);
	teardown(&f);
}

static void test_sip_reply_phrases(void)
{
	static const struct {
		unsigned code;
		const char *phrase;
	} cases[] = {
		{ 100, "Trying" }, { 180, "Ringing" }, { 183, "Session Progress" },
		{ 199, "Early Dialog Terminated" }, { 200, "OK" },
		{ 202, "Accepted" }, { 204, "No Notification" },
		{ 302, "Moved Temporarily" }, { 404, "Not Found" },
		{ 407, "Proxy Authentication Required" },
		{ 412, "Conditional Request Failed" },
		{ 417, "Unknown Resource-Priority" }, { 421, "Extension Required" },
		{ 422, "Session Interval Too Small" },
		{ 428, "Use Identity Header" },
		{ 429, "Provide Referrer Identity" }, { 430, "Flow Failed" },
		{ 433, "Anonymity Disallowed" },
		{ 439, "First Hop Lacks Outbound Support" },
		{ 440, "Max-Breadth Exceeded" }, { 469, "Bad Info Package" },
		{ 470, "Consent Needed" },
		{ 481, "Call/Transaction Does Not Exist" },
		{ 494, "Security Agreement Required" },
		{ 504, "Server Time-out" }, { 580, "Precondition Failure" },
		{ 603, "Decline" }, { 604, "Does Not Exist Anywhere" },
		{ 606, "Not Acceptable" }, { 607, "Unwanted" }, { 608, "Rejected" },
		/* unknown codes: their class (§8.1.3.2) */
		{ 150, "Session Progress" }, { 299, "OK" },
		{ 399, "Multiple Choices" }, { 499, "Bad Request" },
		{ 599, "Server Internal Error" }, { 699, "Busy Everywhere" },
		{ 0, "Unknown" }, { 99, "Unknown" }, { 700, "Unknown" },
		{ 1000, "Unknown" },
	};

	for (size_t i = 0; i < TDM_ARRAY_SIZE(cases); i++)
		CU_ASSERT_STRING_EQUAL(tdm_sip_reason_phrase(cases[i].code),
				       cases[i].phrase);
}

static int reply_once(void *arg)
{
	const char *text = arg;
	struct tdm_buf out = TDM_BUF_INIT;
	struct tdm_sip_msg *m;
	int rc;

	rc = tdm_sip_msg_parse(&m, NULL, text, strlen(text), NULL, NULL);
	if (rc)
		return rc;
	rc = tdm_sip_reply_build(m, 404, NULL, &TDM_STR("x1"), NULL, NULL, &out);
	tdm_buf_free(&out);
	tdm_sip_msg_free(m);
	return rc;
}

static void test_sip_reply_oom(void)
{
	CU_ASSERT_EQUAL(tdm_test_oom_loop(reply_once, (void *)invite), 0);
}

TDM_TEST_SUITE(sip_reply,
	       TDM_TEST(test_sip_reply_trying),
	       TDM_TEST(test_sip_reply_tag_extra_body),
	       TDM_TEST(test_sip_reply_in_dialog),
	       TDM_TEST(test_sip_reply_einval),
	       TDM_TEST(test_sip_reply_phrases),
	       TDM_TEST(test_sip_reply_oom))
