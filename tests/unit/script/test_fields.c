/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of core/script/fields.c and ctx.c: every message field read from a
 * real INVITE and response, Request-URI writes (whole and by part), route
 * masks, and malformed headers behind a field. */
#include <errno.h>
#include <string.h>
#include <tandem/sip.h>
#include "script/ctx.h"
#include "script/fields.h"
#include "test.h"

static const char invite[] =
	"INVITE sip:bob;x=1@example.com:5070;transport=tcp?subject=hi SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bK1\r\n"
	"From: \"Alice A\" <sip:alice@atlanta.example.com>;tag=f1\r\n"
	"To: <tel:+15551234>\r\n"
	"Call-ID: c1@192.0.2.4\r\n"
	"CSeq: 7 INVITE\r\n"
	"Content-Length: 3\r\n\r\nabc";

static const char ringing[] =
	"SIP/2.0 486 Busy Here\r\n"
	"Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bK1\r\n"
	"From: <sip:alice@atlanta.example.com>;tag=f1\r\n"
	"To: <tel:+15551234>;tag=t9\r\n"
	"Call-ID: c1@192.0.2.4\r\nCSeq: 7 INVITE\r\n\r\n";

static const struct tdm_scr_source src = { TDM_STR("192.0.2.4"), 5060, TDM_STR("udp") };

/* Reads field `name` and checks it against a string or an int. */
static void expect(struct tdm_scr_ctx *x, const char *name, const char *s, int64_t i)
{
	const struct tdm_scr_field *f = tdm_scr_field_find(name, strlen(name));
	struct tdm_value v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(f->get(x, &v), 0);
	CU_ASSERT_EQUAL(v.type, f->type);
	if (s) {
		if (!tdm_test_str_eq(&v.u.s, s, __FILE__, __LINE__))
			fprintf(stderr, "  field %s\n", name);
		CU_ASSERT_EQUAL(v.type, TDM_T_STR);
	} else {
		CU_ASSERT_EQUAL(v.u.i, i);
	}
}

static struct tdm_sip_msg *parse(const char *s)
{
	struct tdm_sip_msg *m = NULL;

	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&m, NULL, s, strlen(s), NULL, NULL), 0);
	return m;
}

static void test_scr_fields_request(void)
{
	struct tdm_sip_msg *m = parse(invite);
	struct tdm_scr_ctx x;

	tdm_scr_ctx_init(&x, TDM_ROUTE_REQUEST, m, NULL, &src);
	expect(&x, "request.method", "INVITE", 0);
	expect(&x, "request.uri", "sip:bob;x=1@example.com:5070;transport=tcp?subject=hi", 0);
	expect(&x, "request.uri.user", "bob;x=1", 0);
	expect(&x, "request.uri.host", "example.com", 0);
	expect(&x, "request.uri.port", NULL, 5070);
	expect(&x, "request.uri.params", "transport=tcp", 0);
	expect(&x, "from.uri", "sip:alice@atlanta.example.com", 0);
	expect(&x, "from.uri.user", "alice", 0);
	expect(&x, "from.uri.host", "atlanta.example.com", 0);
	expect(&x, "from.tag", "f1", 0);
	expect(&x, "from.display", "Alice A", 0);
	expect(&x, "to.uri", "tel:+15551234", 0);
	expect(&x, "to.uri.user", "+15551234", 0);
	expect(&x, "to.uri.host", "", 0);
	expect(&x, "to.tag", "", 0);
	expect(&x, "call_id", "c1@192.0.2.4", 0);
	expect(&x, "cseq", NULL, 7);
	expect(&x, "cseq.method", "INVITE", 0);
	expect(&x, "source.ip", "192.0.2.4", 0);
	expect(&x, "source.port", NULL, 5060);
	expect(&x, "source.transport", "udp", 0);
	expect(&x, "body", "abc", 0);
	tdm_sip_msg_free(m);
}

static void test_scr_fields_reply(void)
{
	struct tdm_sip_msg *req = parse(invite), *rep = parse(ringing);
	struct tdm_scr_ctx x;

	tdm_scr_ctx_init(&x, TDM_ROUTE_FAILURE, req, rep, &src);
	expect(&x, "reply.code", NULL, 486);
	expect(&x, "reply.reason", "Busy Here", 0);
	expect(&x, "request.method", "INVITE", 0);
	expect(&x, "body", "abc", 0); /* failure route: the request's */
	tdm_sip_msg_free(rep);
	tdm_sip_msg_free(req);
}

/* Writes to the URI parts rebuild the URI and record the edit, which the
 * serialiser applies to the Request-Line. */
static void test_scr_fields_ruri_writes(void)
{
	struct tdm_sip_msg *m = parse(invite), *out;
	struct tdm_scr_ctx x;
	const struct tdm_scr_field *user = tdm_scr_field_find("request.uri.user", 16);
	const struct tdm_scr_field *host = tdm_scr_field_find("request.uri.host", 16);
	const struct tdm_scr_field *uri = tdm_scr_field_find("request.uri", 11);
	struct tdm_value v = { .type = TDM_T_STR };
	struct tdm_buf b = TDM_BUF_INIT;

	tdm_scr_ctx_init(&x, TDM_ROUTE_REQUEST, m, NULL, &src);
	CU_ASSERT_TRUE(user->write_routes & TDM_ROUTE_REQUEST);
	v.u.s = TDM_STR("carol");
	CU_ASSERT_EQUAL_FATAL(user->set(&x, &v), 0);
	expect(&x, "request.uri", "sip:carol@example.com:5070;transport=tcp?subject=hi", 0);
	v.u.s = TDM_STR("2001:db8::1");
	CU_ASSERT_EQUAL_FATAL(host->set(&x, &v), 0);
	expect(&x, "request.uri", "sip:carol@[2001:db8::1]:5070;transport=tcp?subject=hi", 0);
	expect(&x, "request.uri.host", "2001:db8::1", 0);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_build(m, &x.edits, 1, &b), 0);
	CU_ASSERT_EQUAL_FATAL(tdm_sip_msg_parse(&out, NULL, b.data, b.len, NULL, NULL), 0);
	TDM_ASSERT_STR(out->ruri, "sip:carol@[2001:db8::1]:5070;transport=tcp?subject=hi");
	tdm_sip_msg_free(out);
	/* a URI of another scheme: valid, but it has no parts */
	v.u.s = TDM_STR("urn:service:sos");
	CU_ASSERT_EQUAL(uri->set(&x, &v), 0);
	expect(&x, "request.uri.user", "", 0);
	v.u.s = TDM_STR("x");
	CU_ASSERT_EQUAL(user->set(&x, &v), -EPROTONOSUPPORT);
	tdm_buf_free(&b);
	tdm_sip_msg_free(m);
}

static void test_scr_fields_table(void)
{
	const struct tdm_scr_field *f;

	CU_ASSERT_PTR_NULL(tdm_scr_field_find("request.urii", 12));
	CU_ASSERT_PTR_NULL(tdm_scr_field_find("request", 7));
	f = tdm_scr_field_find("reply.code", 10);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_FALSE(f->read_routes & TDM_ROUTE_REQUEST);
	CU_ASSERT_TRUE(f->read_routes & TDM_ROUTE_FAILURE);
	/* every writable field has a setter, every field a getter */
	for (f = tdm_scr_fields; f->name; f++) {
		CU_ASSERT_PTR_NOT_NULL(f->get);
		CU_ASSERT_EQUAL(f->write_routes != 0, f->set != NULL);
	}
}

/* A malformed From URI: the field read fails (the VM answers 400). */
static void test_scr_fields_malformed(void)
{
	static const char bad[] =
		"MESSAGE sip:b@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"From: <sip:a@exa mple.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
		"Call-ID: c\r\nCSeq: 1 MESSAGE\r\n\r\n";
	struct tdm_sip_msg *m = parse(bad);
	const struct tdm_scr_field *f = tdm_scr_field_find("from.uri.user", 13);
	struct tdm_scr_ctx x;
	struct tdm_value v;

	tdm_scr_ctx_init(&x, TDM_ROUTE_REQUEST, m, NULL, &src);
	CU_ASSERT_EQUAL(f->get(&x, &v), -EBADMSG);
	expect(&x, "from.uri", "sip:a@exa mple.com", 0);
	tdm_sip_msg_free(m);
}

TDM_TEST_SUITE(scr_fields,
	       TDM_TEST(test_scr_fields_request),
	       TDM_TEST(test_scr_fields_reply),
	       TDM_TEST(test_scr_fields_ruri_writes),
	       TDM_TEST(test_scr_fields_table),
	       TDM_TEST(test_scr_fields_malformed))
