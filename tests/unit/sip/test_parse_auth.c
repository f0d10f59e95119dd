/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tests of core/sip/parse_auth.c: Digest credentials and challenges
 * (RFC 3261 §22.4, §25.1; RFC 7616 §3.3-3.4), LWS and folded lines,
 * quoted strings with escapes, unknown and duplicate parameters, other
 * schemes. Inputs sit before a guard page to catch over-reads. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tandem/sip.h>
#include "test.h"

struct auth_row {
	const char *in;
	int err;
	const char *scheme, *username, *realm, *nonce, *uri, *response;
	const char *algorithm, *cnonce, *opaque, *qop, *nc, *stale, *domain;
	const char *userhash, *params;
};

static const struct auth_row rows[] = {
	/* RFC 3261 §25.1 credentials, every field */
	{ .in = "Digest username=\"a\", realm=\"r\", nonce=\"n0\", uri=\"sip:x\", "
		"response=\"6629fae49393a05397450978507c4ef1\", algorithm=SHA-256, "
		"cnonce=\"0a4f113b\", qop=auth, nc=00000001, opaque=\"5ccc\"",
	  .scheme = "Digest", .username = "a", .realm = "r", .nonce = "n0",
	  .uri = "sip:x", .response = "6629fae49393a05397450978507c4ef1",
	  .algorithm = "SHA-256", .cnonce = "0a4f113b", .qop = "auth",
	  .nc = "00000001", .opaque = "5ccc",
	  .params = "username=\"a\", realm=\"r\", nonce=\"n0\", uri=\"sip:x\", "
		    "response=\"6629fae49393a05397450978507c4ef1\", algorithm=SHA-256, "
		    "cnonce=\"0a4f113b\", qop=auth, nc=00000001, opaque=\"5ccc\"" },
	/* RFC 7616 §3.9.1 challenge */
	{ .in = "Digest\r\n realm=\"http-auth@example.org\",\r\n"
		"\tqop=\"auth, auth-int\",\r\n algorithm=SHA-256,\r\n"
		" nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
		" opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
	  .scheme = "Digest", .realm = "http-auth@example.org",
	  .qop = "auth, auth-int", .algorithm = "SHA-256",
	  .nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
	  .opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
	  .params = "realm=\"http-auth@example.org\",\r\n"
		    "\tqop=\"auth, auth-int\",\r\n algorithm=SHA-256,\r\n"
		    " nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
		    " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"" },
	{ .in = "Digest realm=\"atlanta.com\", domain=\"sip:ss1.carrier.com\", "
		"qop=\"auth,auth-int\", nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", "
		"opaque=\"\", stale=FALSE, algorithm=MD5, userhash=true",
	  .scheme = "Digest", .realm = "atlanta.com",
	  .domain = "sip:ss1.carrier.com", .qop = "auth,auth-int",
	  .nonce = "f84f1cec41e6cbe5aea9c8e88d359", .opaque = "",
	  .stale = "FALSE", .algorithm = "MD5", .userhash = "true",
	  .params = "realm=\"atlanta.com\", domain=\"sip:ss1.carrier.com\", "
		    "qop=\"auth,auth-int\", nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", "
		    "opaque=\"\", stale=FALSE, algorithm=MD5, userhash=true" },
	/* LWS around '=' and ',', case of names, unknown params, escapes */
	{ .in = "  digest  USERNAME = \"bob\"  ,Realm=\"a\\\"b\\\\\" ,x-foo=bar,"
		"y=\"z,w\",stale = true  ",
	  .scheme = "digest", .username = "bob", .realm = "a\\\"b\\\\",
	  .stale = "true",
	  .params = "USERNAME = \"bob\"  ,Realm=\"a\\\"b\\\\\" ,x-foo=bar,"
		    "y=\"z,w\",stale = true" },
	{ .in = "Digest x=1, x=2, realm=r", .scheme = "Digest", .realm = "r",
	  .params = "x=1, x=2, realm=r" },
	{ .in = "Digest username=\"\"", .scheme = "Digest", .username = "",
	  .params = "username=\"\"" },
	{ .in = "Digest username=\"\xc3\xa9t\xc3\xa9\"", .scheme = "Digest",
	  .username = "\xc3\xa9t\xc3\xa9",
	  .params = "username=\"\xc3\xa9t\xc3\xa9\"" },
	/* other schemes: auth-params, or token68 (RFC 8898 Bearer) */
	{ .in = "Basic realm=\"WallyWorld\"", .scheme = "Basic",
	  .realm = "WallyWorld", .params = "realm=\"WallyWorld\"" },
	{ .in = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc-_~+/==",
	  .scheme = "Bearer",
	  .params = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc-_~+/==" },
	{ .in = "Bearer realm=\"x\", error=\"invalid_token\"", .scheme = "Bearer",
	  .realm = "x", .params = "realm=\"x\", error=\"invalid_token\"" },
	/* errors */
	{ .in = "", .err = -EBADMSG },
	{ .in = "   ", .err = -EBADMSG },
	{ .in = "Digest", .err = -EBADMSG },
	{ .in = "Digest   ", .err = -EBADMSG },
	{ .in = "username=\"a\"", .err = -EBADMSG },          /* no scheme */
	{ .in = "\"Digest\" realm=r", .err = -EBADMSG },
	{ .in = "Digest,realm=r", .err = -EBADMSG },
	{ .in = "Digest realm=\"a\", realm=\"b\"", .err = -EBADMSG }, /* dup */
	{ .in = "Digest nonce=1, NONCE=1", .err = -EBADMSG },
	{ .in = "Digest realm=\"abc", .err = -EBADMSG },      /* unterminated */
	{ .in = "Digest realm=\"abc\\\"", .err = -EBADMSG },
	{ .in = "Digest realm=\"abc\\", .err = -EBADMSG },
	{ .in = "Digest realm", .err = -EBADMSG },
	{ .in = "Digest realm=", .err = -EBADMSG },
	{ .in = "Digest realm= ,nonce=1", .err = -EBADMSG },
	{ .in = "Digest =x", .err = -EBADMSG },
	{ .in = "Digest realm=r,", .err = -EBADMSG },
	{ .in = "Digest realm=r,,nonce=n", .err = -EBADMSG },
	{ .in = "Digest realm=r nonce=n", .err = -EBADMSG },
	{ .in = "Digest realm=r;nonce=n", .err = -EBADMSG },
	{ .in = "Digest realm=\"r\"x", .err = -EBADMSG },
	{ .in = "Digest uri=sip:x", .err = -EBADMSG },
	{ .in = "Digest eyJhbGciOiJIUzI1NiJ9", .err = -EBADMSG },
	{ .in = "Digest realm=r\r\nnonce=n", .err = -EBADMSG }, /* not folded */
	{ .in = "Bearer a b", .err = -EBADMSG },
};

static void check(const struct auth_row *r)
{
	size_t len = strlen(r->in);
	struct tdm_str in = { tdm_guard_copy(r->in, len), len };
	struct tdm_sip_auth a;
	int err = tdm_sip_auth_parse(&a, &in);

	if (err != r->err)
		fprintf(stderr, "  [%s]: got %d, expected %d\n", r->in, err,
			r->err);
	CU_ASSERT_EQUAL(err, r->err);
	if (err == 0 && r->err == 0) {
#define F(x) TDM_ASSERT_STR(a.x, r->x ? r->x : "")
		F(scheme); F(username); F(realm); F(nonce); F(uri);
		F(response); F(algorithm); F(cnonce); F(opaque); F(qop);
		F(nc); F(stale); F(domain); F(userhash); F(params);
#undef F
	}
	tdm_guard_free(in.s, len);
}

static void test_sip_parse_auth_table(void)
{
	for (size_t i = 0; i < TDM_ARRAY_SIZE(rows); i++)
		check(&rows[i]);
}

/* An empty quoted value is present (non-NULL), an absent one is not:
 * what lets the parser see duplicates such as opaque="", opaque="". */
static void test_sip_parse_auth_empty_vs_absent(void)
{
	struct tdm_str in = TDM_STR("Digest opaque=\"\", realm=r");
	struct tdm_str dup = TDM_STR("Digest opaque=\"\", opaque=\"\"");
	struct tdm_sip_auth a;

	CU_ASSERT_EQUAL_FATAL(tdm_sip_auth_parse(&a, &in), 0);
	CU_ASSERT_PTR_NOT_NULL(a.opaque.s);
	CU_ASSERT_EQUAL(a.opaque.len, 0);
	CU_ASSERT_PTR_NULL(a.nonce.s);
	CU_ASSERT_EQUAL(tdm_sip_auth_parse(&a, &dup), -EBADMSG);
}

/* Every prefix of a valid value parses or fails cleanly. */
static void test_sip_parse_auth_prefixes(void)
{
	const char *full = rows[0].in;
	size_t n = strlen(full);

	for (size_t len = 0; len <= n; len++) {
		struct tdm_str in = { tdm_guard_copy(full, len), len };
		struct tdm_sip_auth a;
		int err = tdm_sip_auth_parse(&a, &in);

		CU_ASSERT(err == 0 || err == -EBADMSG);
		tdm_guard_free(in.s, len);
	}
}

TDM_TEST_SUITE(sip_parse_auth,
	       TDM_TEST(test_sip_parse_auth_table),
	       TDM_TEST(test_sip_parse_auth_empty_vs_absent),
	       TDM_TEST(test_sip_parse_auth_prefixes))
